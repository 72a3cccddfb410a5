import Foundation
import Testing
@testable import RetentionCore

@Suite struct CSVTests {
    @Test func parsesQuotedFieldsWithCommasQuotesAndNewlines() throws {
        let text = "\u{FEFF}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"line1\nline2\"\r\nplain,,end\n"
        let records = try CSV.parse(text)
        #expect(records.count == 3)
        #expect(records[0].fields == ["a", "b", "c"])
        #expect(records[1].fields == ["x, y", "say \"hi\"", "line1\nline2"])
        #expect(records[2].fields == ["plain", "", "end"])
        // The third record starts on line 4: the embedded newline moved it down one line.
        #expect(records[2].line == 4)
    }

    @Test func lastLineWithoutNewlineIsRead() throws {
        #expect(try CSV.parse("a,b\n1,2").map(\.fields) == [["a", "b"], ["1", "2"]])
    }

    @Test func malformedQuotingNamesTheLine() {
        do {
            _ = try CSV.parse("a,b\n1,\"open\n2,3\n")
            Issue.record("expected an error")
        } catch let e as RetentionError {
            #expect(e.line == 2)
            #expect(e.message.contains("never closed"))
        } catch { Issue.record("\(error)") }
        #expect(throws: RetentionError.self) { try CSV.parse("a\n\"x\"y\n") }
        #expect(throws: RetentionError.self) { try CSV.parse("a\nx\"y\n") }
    }

    /// One field may hold 1 MiB and one record 8 MiB: past that the reader refuses with the file, line, column
    /// and limit at once (a quote never closed no longer reads the whole file first), from a text or a file.
    @Test func aFieldOrRecordPastItsLimitIsRefusedWithFileLineAndColumn() throws {
        func error(_ body: () throws -> Void) -> RetentionError? {
            do { try body(); return nil } catch let e as RetentionError { return e } catch { return nil }
        }
        // A quote never closed with 2 MiB after it: refused at the 1 MiB limit of the field, naming the file.
        let open = "a,b\n1,\"" + String(repeating: "x", count: 2 << 20)
        var reader = CSV.Reader(open, name: "big.csv")
        let e = error { _ = try reader.next(10) }
        #expect(e?.code == "field_too_long")
        #expect(e?.line == 2)
        #expect(e?.message.hasPrefix("big.csv: line 2, column 2: a field is longer than 1 MiB (1048576 bytes)") == true)
        // Exactly the limit is read.
        let atLimit = try CSV.parse("a\n" + String(repeating: "y", count: CSV.maxFieldBytes) + "\n")
        #expect(atLimit.last?.fields.first?.utf8.count == CSV.maxFieldBytes)
        // A record: many fields each under the field limit, read from a file a chunk at a time.
        let path = NSTemporaryDirectory() + "csv-limit-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let field = String(repeating: "z", count: 1 << 19)
        try ("h\nshort\n" + Array(repeating: field, count: 20).joined(separator: ",") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let handle = try #require(FileHandle(forReadingAtPath: path))
        var fileReader = CSV.Reader(file: handle, name: "wide.csv")
        let r = error { while try !fileReader.next(1).isEmpty {} }
        #expect(r?.code == "record_too_long")
        #expect(r?.message.hasPrefix("wide.csv: line 3, column 16: the record is longer than 8 MiB (8388608 bytes)") == true)
        // The same limits in small numbers, set on a reader.
        var small = CSV.Reader("a,b\n1234,5\n", name: "s.csv")
        small.maxFieldBytes = 3
        #expect(error { _ = try small.next(5) }?.message.hasPrefix("s.csv: line 2, column 1: a field is longer than 3 bytes") == true)
    }

    @Test func readingInBatchesGivesTheSameRecordsAsReadingAtOnce() throws {
        // Quoted line breaks, CRLF, an empty line, and a last record without a line end, read in batches of
        // every size: a batch boundary never changes a field or a line number.
        let text = "\u{FEFF}a,b\r\n\"1\n2\",x\n\n3,\"y\"\"z\"\r\n4,5\n\"6,7\",8"
        let whole = try CSV.parse(text)
        #expect(whole.map(\.line) == [1, 2, 5, 6, 7])
        for size in 1...6 {
            var reader = CSV.Reader(text)
            var batches: [[CSV.Record]] = []
            while true {
                let batch = try reader.next(size)
                if batch.isEmpty { break }
                #expect(batch.count <= size)
                batches.append(batch)
            }
            let records = batches.flatMap { $0 }
            #expect(records.map(\.fields) == whole.map(\.fields), "batches of \(size)")
            #expect(records.map(\.line) == whole.map(\.line), "batches of \(size)")
            #expect(reader.bytesRead == reader.byteCount)
        }
    }

    @Test func writerQuotesOnlyWhatNeedsIt() {
        #expect(CSV.line(["a", "b,c", "d\"e", "f\ng", ""]) == "a,\"b,c\",\"d\"\"e\",\"f\ng\",\r\n")
    }

    @Test func formulaGuardRoundTripsExactly() {
        for value in ["=SUM(A1)", "+1 217 555", "-5", "@cmd", "'=already", "''=x", "plain", "'quoted", "", "\tx"] {
            let exported = FormulaGuard.neutralise(value)
            if let first = exported.first { #expect(!["=", "+", "-", "@", "\t"].contains(first)) }
            #expect(FormulaGuard.restore(exported) == value, "\(value) did not survive")
        }
    }
}

/// An input file must be UTF-8; one in another encoding is refused where its first foreign byte is.
@Suite struct UTF8TextTests {
    @Test func aLatin1FileIsRefusedWithTheLineAndColumnOfItsFirstForeignByte() throws {
        let latin1 = Data("leadId,firstName\nl1,Ann\nl2,Jos".utf8) + Data([0xE9]) + Data(" Luis\n".utf8)
        #expect { try UTF8Text.decode(latin1, name: "people.csv") } throws: {
            let e = $0 as? RetentionError
            return e?.code == "not_utf8" && e?.line == 3 && e?.message.contains("line 3, column 7") == true && e?.message.contains("people.csv") == true
                && e?.description == e?.message
        }
        #expect(try UTF8Text.decode(Data("a,b\nJosé,山田 😀\n".utf8), name: "x") == "a,b\nJosé,山田 😀\n")
    }
}

/// A file read as it is parsed, a chunk at a time: the same records and lines as the text read whole, and a
/// byte that is not UTF-8 refused with its line and column.
@Suite struct CSVFileReadingTests {
    @Test func chunksOfEverySizeGiveTheRecordsOfTheWholeText() throws {
        // Quoted line breaks and quotes, CRLF, an empty line and a last record without a line end: every chunk
        // size (a chunk may end inside a doubled quote, between CR and LF, inside the BOM's record) and batch size.
        let text = "\u{FEFF}a,b\r\n\"1\n2\",x\n\n3,\"y\"\"z\"\r\n4,5\r\n\"6,7\",8"
        let whole = try CSV.parse(text)
        for chunk in 4...12 {
            for batch in [1, 2, 100] {
                let records = try readAllCSVRecords(Array(text.utf8), chunk: chunk, batch: batch)
                #expect(records.map(\.fields) == whole.map(\.fields), "chunks of \(chunk), batches of \(batch)")
                #expect(records.map(\.line) == whole.map(\.line), "chunks of \(chunk), batches of \(batch)")
            }
        }
    }

    @Test func aByteThatIsNotUTF8IsRefusedWithItsLineAndColumn() throws {
        // "José" in Latin-1 on line 3: the é (0xE9) is the line's 6th character.
        let bytes = Array("a,b\nok,ok\nx,Jos".utf8) + [0xE9] + Array("\n".utf8)
        for chunk in [5, 1 << 20] {
            #expect { try withCSVFile(bytes) { handle in
                var reader = CSV.Reader(file: handle, name: "latin.csv", chunkBytes: chunk)
                while try !reader.next(10).isEmpty {}
            } } throws: { error in
                let e = error as? RetentionError
                return e?.code == "not_utf8" && e?.line == 3 && e?.column == 6
                    && e?.message.hasPrefix("latin.csv: line 3, column 6: a byte that is not UTF-8") == true
            }
        }
    }
}

/// The byte-wise checks an import runs on every row give what the general ones give.
@Suite struct ImportFastChecksTests {
    @Test func aUUIDIsWhatFoundationCallsOne() {
        for s in ["019ecb27-2200-7000-8000-00012972b860", "019ECB27-2200-7000-8000-00012972B860", "019ecb27-2200-7000-8000-00012972b86",
                  "019ecb27-2200-7000-8000-00012972b8600", "019ecb27_2200-7000-8000-00012972b860", "019ecb27-2200-7000-8000-00012972b86g",
                  "", "not a uuid", "019ecb2722007000800000012972b860", " 019ecb27-2200-7000-8000-00012972b86", "019ecb27-2200-7000-8000-00012972b8é"] {
            #expect(Validation.isUUID(s) == (UUID(uuidString: s) != nil), "\(s)")
            if Validation.isCanonicalUUID(s) { #expect(UUID(uuidString: s) != nil, "\(s)") }
        }
        #expect(Validation.isCanonicalUUID("019ecb27-2200-7000-8000-00012972b860") && !Validation.isCanonicalUUID("019ecb27-2200-7000-8000-00012972b86"))
    }

    @Test func printableASCIITextPassesAndEverythingElseGetsTheFullCheck() throws {
        #expect(try Validation.text("Zoe O'Brien-Smith", field: "f") == "Zoe O'Brien-Smith")
        #expect(try Validation.text("Zoë", field: "f", maxLength: 3) == "Zoë", "three characters, four bytes")
        #expect(throws: RetentionError.self) { try Validation.text("abcd", field: "f", maxLength: 3) }
        #expect(throws: RetentionError.self) { try Validation.text("a\u{7F}b", field: "f") }
        #expect(throws: RetentionError.self) { try Validation.text("a\tb", field: "f") }
        #expect(try Validation.text("a\tb", field: "f", multiline: true) == "a\tb")
    }
}
