import Foundation
import Testing
@testable import RetentionCore

/// A CSV file on disk for the reader's tests: `bytes` written to a temporary file, opened for `body`, removed after.
func withCSVFile<T>(_ bytes: [UInt8], _ body: (FileHandle) throws -> T) throws -> T {
    let path = NSTemporaryDirectory() + "retention-csv-\(UUID().uuidString).csv"
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let handle = try #require(FileHandle(forReadingAtPath: path))
    defer { try? handle.close() }
    return try body(handle)
}

/// Every record of `bytes` read as a file `chunk` bytes at a time, `batch` records a call; the reader must have
/// read the whole file by the end.
func readAllCSVRecords(_ bytes: [UInt8], chunk: Int, batch: Int = 3) throws -> [CSV.Record] {
    try withCSVFile(bytes) { handle in
        var reader = CSV.Reader(file: handle, name: "f.csv", chunkBytes: chunk)
        var all: [CSV.Record] = []
        while true {
            let next = try reader.next(batch)
            if next.isEmpty { break }
            all += next
        }
        #expect(reader.bytesRead == reader.byteCount)
        return all
    }
}
