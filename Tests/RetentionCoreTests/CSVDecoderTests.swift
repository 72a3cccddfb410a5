import Foundation
import Testing
@testable import RetentionCore

/// The CSV reader takes runs of ordinary bytes at once (to the next comma, quote or line end) instead of one
/// byte at a time: the hard cases give the records, lines and columns a byte-by-byte reading gives, whatever
/// the size of the chunks the file is read in (a cell split across two reads included).
@Suite struct CSVDecoderTests {
    /// A plain byte-by-byte RFC 4180 reading (the rules the reader documents), to compare with.
    static func reference(_ bytes: [UInt8]) -> [(line: Int, fields: [String])] {
        var records: [(Int, [String])] = []
        var fields: [String] = [], field: [UInt8] = []
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1, recordLine = 1, inQuotes = false, quoted = false
        func endField() { fields.append(String(decoding: field, as: UTF8.self)); field = []; quoted = false }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
            fields = []
        }
        while i < bytes.count {
            let b = bytes[i]; i += 1
            if inQuotes {
                if b == 0x22 {
                    if i < bytes.count, bytes[i] == 0x22 { field.append(0x22); i += 1 } else { inQuotes = false }
                } else {
                    field.append(b)
                    if b == 0x0A { line += 1 }
                }
                continue
            }
            switch b {
            case 0x2C: endField()
            case 0x0D, 0x0A:
                if b == 0x0D, i < bytes.count, bytes[i] == 0x0A { i += 1 }
                endRecord(); line += 1; recordLine = line
            case 0x22: inQuotes = true; quoted = true
            default: field.append(b)
            }
        }
        if !field.isEmpty || !fields.isEmpty || quoted { endField(); records.append((recordLine, fields)) }
        return records
    }

    func error(_ body: () throws -> Void) -> RetentionError? {
        do { try body(); return nil } catch let e as RetentionError { return e } catch { return nil }
    }

    @Test func theHardCasesReadAsAByteByByteReadingReadsThemInChunksOfEverySize() throws {
        let text = "\u{FEFF}id,name,note\r\n"                          // BOM, CRLF
            + "1,\"Smith, Jane\",\"she said \"\"hi\"\"\"\r\n"          // commas and doubled quotes in quotes
            + "2,José Ñúñez,\"two\nlines, and \"\"more\"\"\n\"\n"      // multi-byte text, an embedded newline, LF
            + "3,\"\",\"\"\"\"\r\n"                                    // an empty quoted field, a field of one quote
            + "\n"                                                     // an empty line
            + "4,山田 😀 long enough to cross several chunks of the file,end\n"
            + "5,,\n"                                                  // empty fields
            + "\r\n"                                                   // an empty last line (CRLF)
        let bytes = Array(text.utf8)
        let expected = Self.reference(bytes)
        #expect(expected.map(\.line) == [1, 2, 3, 6, 8, 9])
        #expect(expected[2].fields == ["2", "José Ñúñez", "two\nlines, and \"more\"\n"])
        #expect(expected[3].fields == ["3", "", "\""])
        for chunk in 1...40 {
            let records = try readAllCSVRecords(bytes, chunk: chunk)
            #expect(records.map(\.fields) == expected.map(\.fields), "chunks of \(chunk)")
            #expect(records.map(\.line) == expected.map(\.line), "chunks of \(chunk)")
        }
        #expect(try CSV.parse(text).map(\.fields) == expected.map(\.fields))
    }

    @Test func aCellSplitAcrossReadsIsReadWhole() throws {
        // A cell of 5,000 bytes (multi-byte letters, a doubled quote in the middle) read in chunks of 1 KiB and of
        // odd sizes: every read ends inside it, some in the middle of a letter's bytes.
        let cell = String(repeating: "aé山", count: 500) + "\"\"" + String(repeating: "zß", count: 500)
        let text = "h1,h2\nfirst,\"\(cell)\"\nlast,x"
        for chunk in [7, 100, 1_000, 1_024, 4_097] {
            let records = try readAllCSVRecords(Array(text.utf8), chunk: chunk)
            #expect(records.map(\.fields) == [["h1", "h2"], ["first", cell.replacingOccurrences(of: "\"\"", with: "\"")], ["last", "x"]], "chunks of \(chunk)")
            #expect(records.map(\.line) == [1, 2, 3])
        }
    }

    @Test func invalidUTF8IsRefusedWithItsLineAndColumnInAQuotedCellOverLines() throws {
        // A Latin-1 é on the second line of a quoted cell that starts on line 2: the file's line 3, column 4.
        let bytes = Array("a,b\n1,\"first line\nabc".utf8) + [0xE9] + Array("def\"\n2,ok\n".utf8)
        for chunk in [3, 8, 1 << 20] {
            let e = error { _ = try readAllCSVRecords(bytes, chunk: chunk) }
            #expect(e?.code == "not_utf8", "chunks of \(chunk)")
            #expect(e?.line == 3)
            #expect(e?.column == 4)
            #expect(e?.message.hasPrefix("f.csv: line 3, column 4: a byte that is not UTF-8") == true)
        }
        // A lone continuation byte at the very end of an unquoted cell, read a byte at a time.
        let e = error { _ = try readAllCSVRecords(Array("a\nxy".utf8) + [0x80] + Array("\n".utf8), chunk: 1) }
        #expect(e?.code == "not_utf8")
        #expect(e?.line == 2)
        #expect(e?.column == 3)
    }

    @Test func badQuotingIsNamedAtTheColumnOfTheByteAfterARun() throws {
        // The columns count bytes from the line's start, as before: a run of text before the fault moves them.
        let inside = error { _ = try CSV.parse("a,b\nabcdef,ghi\"jk\n") }
        #expect(inside?.message == "The text: line 2, column 11: a quote inside an unquoted field; quote the whole field and double the quote (\"\").")
        let after = error { _ = try CSV.parse("a,b\n\"abc\"def,x\n") }
        #expect(after?.message == "The text: line 2, column 6: text after a closing quote; a quoted field must end at a comma or line end.")
        // After a quoted line break the column starts again at 1.
        let later = error { _ = try CSV.parse("a,b\n\"ab\ncd\"e,x\n") }
        #expect(later?.message == "The text: line 3, column 4: text after a closing quote; a quoted field must end at a comma or line end.")
    }

    @Test func aFieldPastTheLimitInOneRunIsStillRefused() throws {
        var reader = CSV.Reader("a,b\n1," + String(repeating: "x", count: 10) + "\n", name: "s.csv")
        reader.maxFieldBytes = 4
        #expect(error { _ = try reader.next(5) }?.message.hasPrefix("s.csv: line 2, column 2: a field is longer than 4 bytes") == true)
        var quoted = CSV.Reader("a\n\"" + String(repeating: "y", count: 10), name: "q.csv")
        quoted.maxFieldBytes = 4
        #expect(error { _ = try quoted.next(5) }?.message.hasPrefix("q.csv: line 2, column 1: a field is longer than 4 bytes, the most one field may hold (is a quote never closed?)") == true)
    }

    @Test func theRowsAFileHoldsAreEstimatedFromTheBytesRead() throws {
        let text = "h\n" + (1...100).map { String(format: "%04d", $0) }.joined(separator: "\n") + "\n"   // 2 + 500 bytes
        try withCSVFile(Array(text.utf8)) { handle in
            var reader = CSV.Reader(file: handle, name: "f.csv", chunkBytes: 64)
            _ = try reader.next(1)                // the header
            let rows = try reader.next(50)
            #expect(rows.count == 50)
            // 50 rows in the 252 bytes read: 50 × 502 / 252 ≈ 99.6.
            #expect(reader.estimatedRows(afterReading: 50) == 99)
        }
        // A text's size is known; a pipe's is not (no estimate).
        var known = CSV.Reader("a\n1\n")
        _ = try known.next(1)
        #expect(known.sizeKnown && known.byteCount == 4 && known.bytesRead == 2 && known.estimatedRows(afterReading: 1) == 2)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let write = FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
        write.write(Data("a\n1\n".utf8))
        try write.close()
        let read = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true)
        var piped = CSV.Reader(file: read, name: "-")
        #expect(try piped.next(5).count == 2)
        #expect(piped.estimatedRows(afterReading: 2) == nil)
    }
}
