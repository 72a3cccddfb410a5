import Foundation
import Testing
@testable import RetentionCore

/// The staged policies import (checked without the write lock, written in one short transaction) writes what
/// the row-by-row import (each row through `createPolicy`) writes, and lets others write while it checks.
@Suite struct StagedPolicyImportTests {
    private func exportText(_ engine: Engine, _ kind: ExchangeKind) throws -> String {
        var out = ""
        try engine.exportCSV(kind) { out += $0 }
        return out
    }

    /// Every column of every row of a table, in `order`, as JSON arrays (one string a row).
    private func dump(_ engine: Engine, _ table: String, order: String) throws -> [String] {
        let columns = try engine.db.query("SELECT name FROM pragma_table_info(?1)", [.text(table)]) { $0.text(0) }
        #expect(!columns.isEmpty)
        return try engine.db.query("SELECT json_array(\(columns.joined(separator: ", "))) FROM \(table) ORDER BY \(order)") { $0.text(0) }
    }

    private func policyID(_ i: Int) -> String { String(format: "00000000-0000-4000-8000-%012d", i) }

    /// A book with customers and an erased one, and a policies file of a few hundred rows: a demo book's own
    /// policies (exported), then one new policy for every line of business in every status, for customers
    /// named by id or by lead id, with and without an agent.
    private func bookAndFile() throws -> (customers: String, policies: String, erased: String, leads: [String]) {
        let source = try makeEngine()
        try DemoBook(customers: 150, seed: 11, now: testNow).generate(into: source.db)
        let erased = try #require(try source.db.queryOne("""
            SELECT c.uuid FROM customers c WHERE EXISTS (SELECT 1 FROM policies p WHERE p.customer_id = c.id) ORDER BY c.id DESC LIMIT 1
            """) { $0.text(0) })
        try source.eraseCustomer(customerId: erased, now: testNow)
        let leads = try source.db.query("SELECT lead_id FROM customers WHERE erased_at IS NULL ORDER BY id LIMIT 20") { $0.text(0) }
        var policies = try exportText(source, .policies)
        let header = "id,customerId,agentId,policyNumber,policyType,status,premiumAmount,premiumFrequency,coverageType,coverageAmount,effectiveDate,expirationDate,totalPaid,inceptionDate,endReason\n"
        var extra = header
        var i = 0
        for type in PolicyType.allCases {
            for status in PolicyStatus.allCases {
                i += 1
                let lead = leads[i % leads.count]
                let agent = i % 3 == 0 ? "agent-\(i % 4)" : ""
                let end = status.isInForce ? "" : (i % 2 == 0 ? "rewritten" : "moved")
                extra += "\(policyID(i)),\(lead),\(agent),NEW-\(i),\(type.rawValue),\(status.rawValue),\(100 + i),monthly,full,\(10_000 * i),2023-0\(1 + i % 9)-01,2024-0\(1 + i % 9)-01,\(50 * i),2019-05-0\(1 + i % 9),\(end)\n"
            }
        }
        #expect(i >= PolicyType.allCases.count * PolicyStatus.allCases.count)
        // One file: the demo's rows, then the new ones (their header has other columns, so they go as a second import).
        policies += ""
        return (try exportText(source, .customers), policies + "\u{0}" + extra, erased, leads)
    }

    private func engines(customers: String) throws -> (Engine, Engine) {
        let a = try makeEngine(), b = try makeEngine()
        for e in [a, b] { #expect(try e.importCSV(.customers, text: customers, dryRun: false, now: testNow).problems.isEmpty) }
        return (a, b)
    }

    private func expectSameBooks(_ a: Engine, _ b: Engine) throws {
        #expect(try dump(a, "policies", order: "id") == dump(b, "policies", order: "id"))
        #expect(try dump(a, "customers", order: "id") == dump(b, "customers", order: "id"))
        #expect(try dump(a, "customer_totals", order: "agent_id") == dump(b, "customer_totals", order: "agent_id"))
        #expect(try dump(a, "renewal_days", order: "day, line") == dump(b, "renewal_days", order: "day, line"))
        #expect(try dump(a, "audit_log", order: "id") == dump(b, "audit_log", order: "id"))
        for period in [try MetricsPeriod(startDate: testNow - 365 * 86_400, endDate: testNow),
                       try MetricsPeriod(startDate: testNow - 3 * 365 * 86_400, endDate: testNow + 365 * 86_400, agentId: "agent-1")] {
            #expect(try a.retentionMetrics(period).json.serialized() == b.retentionMetrics(period).json.serialized())
        }
    }

    /// The same files imported into two copies of a book, row by row and staged: every column of the policies,
    /// the customers (their counters, next renewal, lifetime value, customer since), the customer totals, the
    /// renewal days, the audit trail and `GET /metrics` are the same.
    @Test func stagedImportWritesWhatTheRowByRowImportWrites() throws {
        let (customers, file, _, _) = try bookAndFile()
        let parts = file.components(separatedBy: "\u{0}")
        let (a, b) = try engines(customers: customers)
        for part in parts {
            let rowByRow = try a.importCSVRowByRow(.policies, text: part, now: testNow + 60)
            let staged = try b.importCSV(.policies, text: part, dryRun: false, now: testNow + 60)
            #expect(rowByRow.problems.isEmpty && staged.problems.isEmpty, "\(staged.problems.prefix(3))")
            #expect(rowByRow.rows == staged.rows && staged.rows > 0 && !staged.dryRun)
        }
        let types = try b.db.query("SELECT DISTINCT policy_type || '/' || status FROM policies") { $0.text(0) }
        #expect(types.count >= PolicyType.allCases.count * PolicyStatus.allCases.count)
        #expect(try count(b, "policies") >= 200)
        try expectSameBooks(a, b)
        // The metrics see the new policies (a test that the comparison compares something).
        #expect(try b.db.scalarInt("SELECT count(*) FROM customers WHERE total_policies > 0") > 20)
    }

    /// Bad rows are refused the same way by both: an erased customer's policy with personal data, a number that
    /// comes twice in the file, a number the book has, a customer that is not there. Nothing is written.
    @Test func stagedImportRefusesWhatTheRowByRowImportRefuses() throws {
        let (customers, file, erased, leads) = try bookAndFile()
        let (a, b) = try engines(customers: customers)
        let demo = file.components(separatedBy: "\u{0}")[0]
        #expect(try b.importCSV(.policies, text: demo, dryRun: false, now: testNow).problems.isEmpty)
        #expect(try a.importCSVRowByRow(.policies, text: demo, now: testNow).problems.isEmpty)
        let taken = try #require(try b.db.queryOne("SELECT policy_number FROM policies ORDER BY id LIMIT 1") { $0.text(0) })
        let bad = """
            customerId,policyNumber,policyType,premiumAmount,premiumFrequency,coverageType,coverageAmount,effectiveDate,expirationDate,underwriter
            \(leads[0]),OK-1,auto,50,monthly,full,10000,2024-01-01,2025-01-01,
            \(erased),ER-1,home,50,monthly,full,10000,2024-01-01,2025-01-01,Acme
            \(leads[1]),DUP-1,auto,50,monthly,full,10000,2024-01-01,2025-01-01,
            \(leads[2]),DUP-1,auto,50,monthly,full,10000,2024-01-01,2025-01-01,
            \(leads[3]),\(taken),auto,50,monthly,full,10000,2024-01-01,2025-01-01,
            nobody,NB-1,auto,50,monthly,full,10000,2024-01-01,2025-01-01,
            \(erased),ER-2,home,50,monthly,full,10000,2024-01-01,2025-01-01,

            """
        let before = try dump(b, "policies", order: "id")
        let rowByRow = try a.importCSVRowByRow(.policies, text: bad, now: testNow)
        let staged = try b.importCSV(.policies, text: bad, dryRun: false, now: testNow)
        #expect(staged.problems == rowByRow.problems)
        #expect(staged.problems.map(\.line) == [3, 5, 6, 7])
        #expect(staged.problems.first?.column == "underwriter")
        #expect(staged.rows == 7 && !staged.dryRun)
        #expect(try dump(b, "policies", order: "id") == before)
        try expectSameBooks(a, b)
    }

    /// A reader of `text` written to a file and read back in chunks of `chunkBytes` (so records and fields
    /// straddle chunks), as `retention import` reads a file, a pipe or standard input.
    private func fileReader(_ text: String, in dir: String, chunkBytes: Int = 97) throws -> CSV.Reader {
        let path = dir + "/policies-\(UUID().uuidString).csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let handle = try #require(FileHandle(forReadingAtPath: path))
        return CSV.Reader(file: handle, name: path, chunkBytes: chunkBytes)
    }

    /// A policies file read as it is parsed (a chunk at a time, never whole) imports what its whole text imports,
    /// row for row, and refuses what the text refuses, with the same lines, columns and reasons (a cell its column's
    /// type cannot read included), nothing written.
    @Test func aPolicyFileReadAsItIsParsedImportsWhatItsTextImports() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (customers, file, erased, leads) = try bookAndFile()
        let (a, b) = try engines(customers: customers)
        for part in file.components(separatedBy: "\u{0}") {
            let text = try a.importCSV(.policies, text: part, dryRun: false, now: testNow + 60)
            let streamed = try b.importCSV(.policies, reader: fileReader(part, in: dir), dryRun: false, now: testNow + 60)
            #expect(text.problems.isEmpty && streamed.problems.isEmpty, "\(streamed.problems.prefix(3))")
            #expect(text.rows == streamed.rows && streamed.rows > 0)
        }
        #expect(try count(b, "policies") >= 200)
        try expectSameBooks(a, b)
        let bad = """
            customerId,policyNumber,policyType,premiumAmount,premiumFrequency,coverageType,coverageAmount,effectiveDate,expirationDate,underwriter,renewalCount
            \(leads[0]),OK-1,auto,50,monthly,full,10000,2024-01-01,2025-01-01,,
            \(erased),ER-1,home,50,monthly,full,10000,2024-01-01,2025-01-01,Acme,
            \(leads[1]),DUP-1,auto,50,monthly,full,10000,2024-01-01,2025-01-01,,
            \(leads[2]),DUP-1,auto,50,monthly,full,10000,2024-01-01,2025-01-01,,
            \(leads[3]),NUM-1,auto,lots,monthly,full,10000,2024-01-01,2025-01-01,,
            \(leads[4]),NUM-2,auto,50,monthly,full,10000,2024-01-01,2025-01-01,,two
            nobody,NB-1,auto,50,monthly,full,10000,2024-01-01,2025-01-01,,
            \(leads[5]),DATE-1,auto,50,monthly,full,10000,2024-02-31,2025-01-01,,

            """
        let before = try dump(b, "policies", order: "id")
        let text = try a.importCSV(.policies, text: bad, dryRun: false, now: testNow)
        let streamed = try b.importCSV(.policies, reader: fileReader(bad, in: dir, chunkBytes: 31), dryRun: false, now: testNow)
        #expect(streamed.problems == text.problems)
        #expect(streamed.problems.map(\.description) == [
            "line 3, column underwriter: must be empty: customer \(erased) was erased, and an erased customer's policies hold no personal data",
            "line 5, column policyNumber: Policy number DUP-1 comes twice in this file: line 4 has it too.",
            "line 6, column premiumAmount: must be a number, got \"lots\"",
            "line 7, column renewalCount: must be a whole number, got \"two\"",
            "line 8, column customerId: Customer nobody was not found.",
            "line 9, column effectiveDate: must be an ISO date like 2024-01-31, got \"2024-02-31\"",
        ])
        #expect(streamed.rows == 8 && !streamed.dryRun)
        #expect(try dump(b, "policies", order: "id") == before)
        // The dry run of a streamed file finds the same.
        let dry = try b.importCSV(.policies, reader: fileReader(bad, in: dir), dryRun: true, now: testNow)
        #expect(dry.problems == text.problems && dry.dryRun)
    }

    private func fileBook() throws -> (dir: String, engine: Engine, policies: String) {
        let dir = try temporaryDirectory()
        let engine = Engine(database: try Store.open(path: dir + "/book.db"), user: "t")
        let customers = "leadId,agentId,firstName,lastName,email\n" + (1...50).map { "L-\($0),agent,Pat,Lee \($0),p\($0)@example.com" }.joined(separator: "\n") + "\n"
        #expect(try engine.importCSV(.customers, text: customers, dryRun: false, now: testNow).problems.isEmpty)
        let policies = "customerId,policyNumber,policyType,premiumAmount,premiumFrequency,coverageType,coverageAmount,effectiveDate,expirationDate\n"
            + (1...300).map { "L-\(1 + $0 % 50),P-\($0),auto,50,monthly,full,10000,2024-01-01,2025-01-01" }.joined(separator: "\n") + "\n"
        return (dir, engine, policies)
    }

    private func writeFromAnotherConnection(_ path: String, _ sql: String) throws {
        let other = try Store.open(path: path)
        try other.waitingForLocksAtMost(milliseconds: 0) { try other.run(sql) }
    }

    /// While the rows are checked, the book's write lock is free: another connection writes between the check
    /// and the write phase without waiting, and the import then completes. The row-by-row import holds the lock
    /// there (the same write fails at once), so the test tells the two apart.
    @Test func theLockIsFreeWhileTheRowsAreChecked() throws {
        let (dir, engine, policies) = try fileBook()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var seen: [JobPhase] = []
        var wrote: Result<Void, Error>?
        let result = try engine.importCSV(.policies, text: policies, dryRun: false, now: testNow) { phase in
            seen.append(phase)
            if phase == .ended("read and check the rows") {
                wrote = Result { try writeFromAnotherConnection(dir + "/book.db", "UPDATE customers SET satisfaction_score = 4 WHERE lead_id = 'L-50'") }
            }
        }
        #expect(throws: Never.self) { try wrote?.get() }
        #expect(wrote != nil)
        #expect(seen == [.began("read and check the rows"), .progress("read and check the rows", done: 0, total: 300), .ended("read and check the rows"),
                         .began("write the rows"), .ended("write the rows"), .began("commit"), .ended("commit")])
        #expect(result.problems.isEmpty && result.rows == 300)
        #expect(try count(engine, "policies") == 300)
        #expect(try engine.db.scalarInt("SELECT satisfaction_score FROM customers WHERE lead_id = 'L-50'") == 4)
        #expect(try engine.db.scalarInt("SELECT sum(total_policies) FROM customers") == 300)

        // The row-by-row import: the same write, while it writes, finds the book locked.
        let (dir2, engine2, policies2) = try fileBook()
        defer { try? FileManager.default.removeItem(atPath: dir2) }
        var blocked: Result<Void, Error>?
        _ = try engine2.importCSVRowByRow(.policies, text: policies2, now: testNow) { phase in
            if phase == .began("commit") {
                blocked = Result { try writeFromAnotherConnection(dir2 + "/book.db", "UPDATE customers SET satisfaction_score = 4 WHERE lead_id = 'L-50'") }
            }
        }
        #expect(throws: RetentionError.self) { try blocked?.get() }
    }

    /// What another writer changes between the check and the write is checked again: a policy number taken
    /// meanwhile, a customer erased meanwhile whose row holds personal data. The whole import fails, naming
    /// the lines, and writes nothing.
    @Test func aConflictArisingDuringTheCheckFailsTheWholeImport() throws {
        let (dir, engine, policies) = try fileBook()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var file = policies
        let customerL7 = try #require(try engine.db.queryOne("SELECT uuid FROM customers WHERE lead_id = 'L-7'") { $0.text(0) })
        file += "\(customerL7),P-DOC,auto,50,monthly,full,10000,2024-01-01,2025-01-01\n"
        file = file.replacingOccurrences(of: "expirationDate\n", with: "expirationDate,underwriter\n")
            .split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset == 0 || $0.element.isEmpty ? String($0.element) : $0.element.contains(",P-DOC,") ? $0.element + ",Acme" : $0.element + "," }
            .joined(separator: "\n")
        let countersBefore = try dump(engine, "customers", order: "id")
        let result = try engine.importCSV(.policies, text: file, dryRun: false, now: testNow) { phase in
            guard phase == .ended("read and check the rows") else { return }
            let other = Engine(database: try! Store.open(path: dir + "/book.db"), user: "other")
            let customer = try! other.db.queryOne("SELECT uuid FROM customers WHERE lead_id = 'L-1'") { $0.text(0) }!
            try! other.createPolicy(NewPolicy(json: json(specPolicyBody(customerId: customer, number: "P-5"))), now: testNow)
            _ = try! other.eraseCustomer(customerId: customerL7, now: testNow, waitSeconds: 1)
        }
        // Line 6 has P-5, taken meanwhile; lines 7, 57, … name L-7 by the lead id the erasure removed; line 302
        // names L-7 by id, and its underwriter is personal data.
        #expect(result.problems.map(\.description) == ["line 6, column policyNumber: Policy number P-5 is already in use."]
            + stride(from: 7, through: 257, by: 50).map { "line \($0), column customerId: Customer L-7 was not found." }
            + ["line 302, column underwriter: must be empty: customer \(customerL7) was erased, and an erased customer's policies hold no personal data"])
        #expect(try count(engine, "policies") == 1)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM audit_log WHERE action = 'import.policies'") == 0)
        #expect(try engine.db.scalarInt("SELECT sum(total_policies) FROM customers") == 1)
        #expect(try dump(engine, "customers", order: "id").count == countersBefore.count)
    }
}
