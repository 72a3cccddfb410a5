import Testing
@testable import RetentionCore

@Suite struct JSONValueTests {
    @Test func parsesNestedDocumentsKeepingKeyOrder() throws {
        let v = try JSONValue.parse(#"{"b": [1, 2.5, true, null], "a": {"s": "x\u00e9\n"}}"#)
        #expect(v.objectPairs?.map(\.0) == ["b", "a"])
        #expect(v["b"] == .array([.number(1), .number(2.5), .bool(true), .null]))
        #expect(v["a"]?["s"] == .string("xé\n"))
    }

    @Test func errorsGiveLineAndColumn() {
        do {
            _ = try JSONValue.parse("{\n  \"a\": 1,\n  \"b\" 2\n}")
            Issue.record("expected an error")
        } catch let e as RetentionError {
            #expect(e.code == "invalid_json")
            #expect(e.message.contains("line 3, column 7"))
        } catch { Issue.record("wrong error \(error)") }
    }

    @Test func rejectsDuplicateKeysTrailingTextAndDeepNesting() {
        #expect(throws: RetentionError.self) { try JSONValue.parse(#"{"a":1,"a":2}"#) }
        #expect(throws: RetentionError.self) { try JSONValue.parse("[1] x") }
        #expect(throws: RetentionError.self) { try JSONValue.parse(String(repeating: "[", count: 500)) }
        #expect(throws: RetentionError.self) { try JSONValue.parse("") }
        #expect(throws: RetentionError.self) { try JSONValue.parse("[01x]") }
    }

    @Test func serialisationEscapesControlCharacters() {
        let s = JSONValue.string("a\u{1B}[2Jb\u{9B}c\"\\").serialized()
        #expect(s == #""a\u001b[2Jb\u009bc\"\\""#)
        #expect(!s.unicodeScalars.contains { $0.value == 0x1B })
    }

    @Test func escapingKeepsTheTextAroundEachEscapeAndRoundTrips() throws {
        let text = "Zoë \"quoted\"\tand\\ 日本\u{2028}next\nline\u{7F}\u{85}end\u{2029}"
        let s = JSONValue.object([("k\u{1B}", .string(text)), ("plain", .string("abc"))]).serialized()
        #expect(s == #"{"k\u001b":"Zoë \"quoted\"\tand\\ 日本\u2028next\nline\u007f\u0085end\u2029","plain":"abc"}"#)
        #expect(try JSONValue.parse(s)["k\u{1B}"] == .string(text))
        #expect(JSONValue.array([.object([("a", .array([]))]), .null]).serialized(pretty: true) == "[\n  {\n    \"a\": []\n  },\n  null\n]")
    }

    @Test func numbersPrintWithoutNeedlessDecimals() {
        #expect(JSONValue.object([("a", .number(1500)), ("b", .number(0.15)), ("c", .money(123_456))]).serialized() == #"{"a":1500,"b":0.15,"c":1234.56}"#)
    }
}
