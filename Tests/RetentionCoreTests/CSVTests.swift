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
