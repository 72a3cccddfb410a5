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
