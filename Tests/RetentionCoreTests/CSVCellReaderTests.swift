import Foundation
import Testing
@testable import RetentionCore

/// An import reads a customer's CSV cells straight into `NewCustomer` (`CSVCellReader`), with no JSON body in
/// between. These tests hold it to what the JSON path (`Engine.jsonBody` then `NewCustomer(json:)`, the way
/// every import read its rows before) gives for the same cells: the same rows, and for every bad cell the same
/// line, column and reason.
@Suite struct CSVCellReaderTests {
    let header = ExchangeKind.customers.columns.map(\.name)

    /// A valid row, by column name.
    func row(_ changes: [String: String] = [:], n: Int = 1) -> [String] {
        var cells: [String: String] = [
            "id": String(format: "019ecb27-2200-7000-8000-%012x", n), "leadId": "lead-\(n)", "agentId": "agent-a", "firstName": "Zoë",
            "lastName": "O'Neil", "email": "zoe.\(n)@example.com", "phone": "'+1 555 0100", "dateOfBirth": "1980-02-29",
            "street": "1 Main St", "city": "Boulder", "state": "CO", "zipCode": "80301", "country": "USA",
            "timeZone": "America/Denver", "customerSince": "2020-01-02", "preferredContactMethod": "SMS", "satisfactionScore": " 84.5 ",
            "doNotContact": "No", "optedOutChannels": "email; sms", "assignedTo": "", "tags": "loyal;;  vip ;loyal",
            "metadata": #"{"source":"agency","n":[1,2]}"#, "snoozedUntil": "", "erasedAt": "",
        ]
        for (k, v) in changes { cells[k] = v }
        return header.map { cells[$0] ?? "" }
    }

    func csv(_ rows: [[String]]) -> String { ([header] + rows).map(CSV.line).joined() }

    /// What the JSON path made of the row: the customer as written, or the error.
    func viaJSON(_ cells: [String]) -> Result<PreparedCustomer, RetentionError> {
        let types = CSVColumns(header, kind: .customers).types
        do {
            let new = try NewCustomer(json: try Engine.jsonBody(cells, header: header, types: types), allowIdentity: true)
            try new.validate(now: testNow, importing: true)
            return .success(new.prepared(now: testNow))
        } catch let e as RetentionError { return .failure(e) } catch { return .failure(RetentionError.invalid("", "\(error)")) }
    }

    @Test func aHandMadeFileLoadsTheSameRowsAsThroughTheAPIBody() throws {
        let rows = [
            row(n: 1),
            row(["phone": "", "tags": "", "metadata": "", "optedOutChannels": "", "doNotContact": "TRUE", "satisfactionScore": "0",
                 "preferredContactMethod": "", "street": "=SUM(A1)", "city": "'=SUM(A1)", "snoozedUntil": "2024-03-01"], n: 2),
            row(["phone": "   ", "dateOfBirth": "1975-06-30T10:00:00Z", "assignedTo": "maria", "doNotContact": "1", "country": ""], n: 3),
            // An erased customer: only what an erasure keeps is read.
            row(["erasedAt": "2023-05-01T08:00:00Z", "firstName": "", "lastName": "", "email": "", "satisfactionScore": "12"], n: 4),
        ]
        let loaded = try makeEngine()
        let result = try loaded.importCSV(.customers, text: csv(rows), dryRun: false, now: testNow)
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(result.rows == 4)
        // The same rows through the JSON body, one by one, as the importer wrote them before.
        let before = try makeEngine()
        for cells in rows {
            let prepared = try viaJSON(cells).get()
            try before.db.transaction { _ = try before.writeNewCustomer(prepared, now: testNow) }
        }
        func export(_ e: Engine) throws -> String { var out = ""; try e.exportCSV(.customers) { out += $0 }; return out }
        #expect(try export(loaded) == export(before))
        for table in ["customer_tags", "contact_preferences"] {
            let sql = "SELECT * FROM \(table) ORDER BY 1, 2"
            #expect(try loaded.db.query(sql) { $0.text(2) } == before.db.query(sql) { $0.text(2) }, "\(table)")
        }
        // What the file said, read back: the list's items trimmed, empty ones and repeats dropped; the formula guard removed.
        let zoe = try loaded.customer(id: String(format: "019ecb27-2200-7000-8000-%012x", 1))
        #expect(zoe.tags == ["loyal", "vip"])
        #expect(zoe.phone == "+1 555 0100")
        #expect(zoe.satisfactionScore == 84.5)
        #expect(zoe.optedOutChannels == [.email, .sms])
        let second = try loaded.customer(id: String(format: "019ecb27-2200-7000-8000-%012x", 2))
        #expect(second.street == "=SUM(A1)" && second.city == "=SUM(A1)")
    }

    @Test func everyBadCellIsNamedByLineAndColumnWithTheAPIsReason() throws {
        let long = String(repeating: "x", count: 10_001)
        // Each case: the cells changed, and the column the problem must name (nil: the row's, not a cell's).
        let cases: [([String: String], String?)] = [
            (["leadId": ""], "leadId"), (["leadId": "   "], "leadId"), (["id": "not-a-uuid"], "id"),
            (["agentId": ""], "agentId"), (["firstName": ""], "firstName"), (["lastName": " "], "lastName"),
            (["email": ""], "email"), (["email": "not-an-email"], "email"), (["dateOfBirth": "31/01/1990"], "dateOfBirth"),
            (["dateOfBirth": "2030-01-01"], "dateOfBirth"), (["customerSince": "2099-01-01"], "customerSince"),
            (["customerSince": "soon"], "customerSince"), (["preferredContactMethod": "pigeon"], "preferredContactMethod"),
            (["satisfactionScore": "abc"], "satisfactionScore"), (["satisfactionScore": "150"], "satisfactionScore"),
            (["satisfactionScore": "inf"], "satisfactionScore"), (["doNotContact": "maybe"], "doNotContact"),
            (["optedOutChannels": "email;fax"], "optedOutChannels[1]"), (["metadata": "{bad"], "metadata"),
            (["metadata": "[1,2]"], "metadata"), (["snoozedUntil": "tomorrow"], "snoozedUntil"), (["erasedAt": "yesterday"], "erasedAt"),
            (["timeZone": "Mars/Base"], "timeZone"), (["street": long], "street"), (["phone": "call me maybe"], "phone"),
            (["erasedAt": "2023-01-01", "agentId": ""], "agentId"),
            // Two bad cells: the one the cell types refuse comes first, as it always did.
            (["leadId": "", "satisfactionScore": "x"], "satisfactionScore"),
            (["email": "bad", "doNotContact": "perhaps"], "doNotContact"),
        ]
        var rows: [[String]] = []
        var expected: [ImportProblem] = []
        for (i, (changes, column)) in cases.enumerated() {
            let cells = row(changes, n: i + 1)
            rows.append(cells)
            guard case .failure(let e) = viaJSON(cells) else { Issue.record("case \(i) \(changes) is not refused through JSON either"); continue }
            let line = i + 2
            #expect(e.field == column, "case \(i): the JSON path names \(e.field ?? "nil")")
            expected.append(ImportProblem(line: line, column: (e.field?.isEmpty ?? true) ? nil : e.field, reason: e.message))
        }
        // A short row: the row's problem, no column.
        rows.append(Array(row(n: 99).dropLast()))
        expected.append(ImportProblem(line: rows.count + 1, column: nil, reason: "has 23 cells but the header has 24"))
        let engine = try makeEngine()
        let result = try engine.importCSV(.customers, text: csv(rows), dryRun: false, now: testNow, maxProblems: 100)
        #expect(result.problemCount == expected.count)
        #expect(result.problems == expected)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM customers") == 0)
        // The same file checked by a dry run gives the same problems.
        let dry = try engine.importCSV(.customers, text: csv(rows), dryRun: true, now: testNow, maxProblems: 100)
        #expect(dry.problems == expected)
    }

    /// A number cell is a plain decimal: hexadecimal (which Swift's `Double` would read, "0x32" as 50) is refused,
    /// by line and column; an exponent and surrounding spaces are read.
    @Test func numbersArePlainDecimals() throws {
        let engine = try makeEngine()
        let refused = try engine.importCSV(.customers, text: csv([row(["satisfactionScore": "0x32"], n: 1)]), dryRun: false, now: testNow, maxProblems: 10)
        #expect(refused.problems == [ImportProblem(line: 2, column: "satisfactionScore", reason: "must be a number, got \"0x32\"")])
        #expect(try engine.db.scalarInt("SELECT count(*) FROM customers") == 0)
        let read = try engine.importCSV(.customers, text: csv([row(["satisfactionScore": " 5e1 "], n: 2)]), dryRun: false, now: testNow, maxProblems: 10)
        #expect(read.problemCount == 0)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM customers WHERE satisfaction_score = 50") == 1)
    }

    @Test func aCellReadAsAnotherTypeThanItsColumnsGetsTheAPIsMessage() throws {
        // Not something the kinds' own columns do: a reader asked for a number from a text column says what a
        // body holding that text would get.
        let columns = CSVColumns(["leadId", "satisfactionScore", "tags"], types: [.text, .number, .list])
        var cells = try CSVCellReader(["L-1", "12.5", "a;b"], columns)
        #expect(throws: RetentionError.invalid("leadId", "must be a number, got a string")) { _ = try cells.optionalDouble("leadId") }
        #expect(throws: RetentionError.invalid("satisfactionScore", "must be a string, got a number")) { _ = try cells.optionalString("satisfactionScore") }
        #expect(try cells.optionalStringArray("tags") == ["a", "b"])
        #expect(try cells.optionalDouble("satisfactionScore") == 12.5)
        // A given cell the decoder never read is refused by `finish`, as a body's unknown field is.
        var unread = try CSVCellReader(["L-1", "3", ""], columns)
        _ = try unread.optionalString("leadId")
        #expect(throws: RetentionError.invalid("satisfactionScore", "is not a known field here", code: "unknown_field")) { try unread.finish() }
    }
}
