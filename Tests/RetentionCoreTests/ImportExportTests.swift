import Foundation
import Testing
@testable import RetentionCore

@Suite struct ImportExportTests {
    func exportText(_ engine: Engine, _ kind: ExchangeKind) throws -> String {
        var out = ""
        try engine.exportCSV(kind) { out += $0 }
        return out
    }

    @Test func exportThenImportReproducesTheSameRows() throws {
        let source = try makeEngine()
        try DemoBook(customers: 60, seed: 7, now: testNow).generate(into: source.db)
        // Text that a spreadsheet would run, and awkward characters, must survive the trip.
        let someone = try #require(try source.listCustomers(CustomerQuery()).items.first)
        try source.updateCustomer(id: someone.id, try json(#"{"street": "=HYPERLINK(\"x\")", "tags": ["a,b", "-minus", "@at"], "metadata": {"note": "line1\nline2"}}"#), now: testNow)
        // A snooze travels with the customer, also one that has ended by the time the file is imported.
        _ = try source.snooze(customerId: someone.id, until: testNow + 7 * 86_400, now: testNow)
        let second = try #require(try source.listCustomers(CustomerQuery()).items.dropFirst().first)
        _ = try source.snooze(customerId: second.id, until: testNow + 86_400, now: testNow)
        // An erased customer comes back erased, with their policies' and events' numbers.
        let third = try #require(try source.db.queryOne("""
            SELECT c.uuid FROM customers c WHERE EXISTS (SELECT 1 FROM retention_events e WHERE e.customer_id = c.id)
              AND EXISTS (SELECT 1 FROM policies p WHERE p.customer_id = c.id) ORDER BY c.id DESC LIMIT 1
            """) { $0.text(0) })
        try source.eraseCustomer(customerId: third, now: testNow)
        let customers = try exportText(source, .customers)
        let policies = try exportText(source, .policies)
        let events = try exportText(source, .events)
        #expect(!customers.contains("\n=HYPERLINK") && customers.contains("'=HYPERLINK"))

        let target = try makeEngine()
        for (kind, text) in [(ExchangeKind.customers, customers), (.policies, policies), (.events, events)] {
            let result = try target.importCSV(kind, text: text, dryRun: false, now: testNow)
            #expect(result.problems.isEmpty, "\(kind): \(result.problems.prefix(3))")
        }
        #expect(try exportText(target, .customers) == customers)
        #expect(customers.components(separatedBy: Timestamp.formatDate(testNow + 7 * 86_400)).count > 1)
        #expect(try target.customer(id: second.id).snoozedUntil.map(Timestamp.formatDate) == Timestamp.formatDate(testNow + 86_400))
        let restored = try target.customer(id: third)
        #expect(restored.erasedAt == testNow && restored.doNotContact && restored.email == "erased-\(third)@invalid")
        // Imported a month later, when both snoozes have ended, the file still imports whole.
        let later = try makeEngine()
        #expect(try later.importCSV(.customers, text: customers, dryRun: false, now: testNow + 30 * 86_400).problems.isEmpty)
        #expect(try exportText(target, .policies) == policies)
        #expect(try exportText(target, .events) == events)
        // Derived counters agree with the source.
        let counters = "SELECT group_concat(total_policies || ':' || active_policies || ':' || lifetime_value_cents || ':' || coalesce(next_renewal_date, '')) FROM (SELECT * FROM customers ORDER BY uuid)"
        #expect(try target.db.queryOne(counters) { $0.text(0) } == source.db.queryOne(counters) { $0.text(0) })
    }

    @Test func aFileWithABadRowImportsNothingAndListsEveryBadRow() throws {
        let engine = try makeEngine()
        let csv = """
        leadId,agentId,firstName,lastName,email,phone
        l1,a,Ann,Lee,ann@example.com,+1 217 555 0100
        l2,a,Bob,Ray,not-an-email,
        l3,a,"Cy, Jr",Day,cy@example.com,12
        l1,a,Dup,Lead,dup@example.com,

        """
        let result = try engine.importCSV(.customers, text: csv, dryRun: false, now: testNow)
        #expect(result.rows == 4)
        #expect(result.problems.map(\.line) == [3, 4, 5])
        #expect(result.problems.map(\.column) == ["email", "phone", "leadId"])
        #expect(try count(engine, "customers") == 0)
        #expect(try count(engine, "audit_log") == 0)
    }

    /// `rows` customers as CSV, the `bad`th (1-based) with an e-mail address that is not one.
    func customersFile(rows: Int, from first: Int = 1, bad: Int? = nil) -> String {
        var csv = "leadId,agentId,firstName,lastName,email,phone,tags,optedOutChannels,satisfactionScore\n"
        for i in first..<(first + rows) {
            let email = i == bad ? "nobody" : "p\(i)@example.com"
            csv += "lead-\(i),agent-\(i % 7),Pat,Lee \(i),\(email),+1 217 555 \(1000 + i % 9000),\(i % 3 == 0 ? "vip;home" : ""),\(i % 5 == 0 ? "sms" : ""),\(i % 101)\n"
        }
        return csv
    }

    func indexes(_ engine: Engine) throws -> [String] {
        try engine.db.query("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name") { $0.text(0) }
    }

    @Test func aLargeImportRebuildsTheIndexesItDroppedAndStoresWhatSmallImportsStore() throws {
        // 10,500 rows into an empty book: the customers' secondary indexes are dropped for the load and built
        // again before the commit. The same rows imported in small files (indexes kept) give the same book.
        let large = try makeEngine(), small = try makeEngine()
        let fresh = try indexes(large)
        var phases: [JobPhase] = []
        var reports: [JobPhase] = []
        let result = try large.importCSV(.customers, text: customersFile(rows: 10_500), dryRun: false, now: testNow, phases: { reports.append($0) })
        // Progress within the rows' phase: rows done before each batch of 2,048, of the rows estimated from the bytes read.
        let progress = reports.compactMap { if case .progress(let phase, let done, let total) = $0 { (phase, done, total) } else { nil } }
        #expect(progress.map(\.1) == [0, 2_048, 4_096, 6_144, 8_192, 10_240])
        #expect(progress.allSatisfy { $0.0 == "read, check and write the rows" && ($0.2 ?? 0) >= $0.1 })
        #expect(progress.last?.2 == 10_500, "the last batch ends the file: the estimate is exact")
        phases = reports.filter { if case .progress = $0 { false } else { true } }
        #expect(result.succeeded && result.rows == 10_500)
        for first in stride(from: 1, through: 10_500, by: 3_500) {
            #expect(try small.importCSV(.customers, text: customersFile(rows: 3_500, from: first), dryRun: false, now: testNow).succeeded)
        }
        #expect(try indexes(large) == fresh)
        #expect(try large.db.queryOne("PRAGMA integrity_check") { $0.text(0) } == "ok")
        let book = """
            SELECT group_concat(lead_id || '|' || agent_id || '|' || email || '|' || coalesce(phone, '') || '|' || coalesce(satisfaction_score, '')
              || '|' || (SELECT coalesce(group_concat(tag, ';'), '') FROM customer_tags t WHERE t.customer_id = c.id)
              || '|' || (SELECT coalesce(group_concat(channel), '') FROM contact_preferences p WHERE p.customer_id = c.id AND opted_out = 1), ',')
            FROM (SELECT * FROM customers ORDER BY lead_id) c
            """
        #expect(try large.db.queryOne(book) { $0.text(0) } == small.db.queryOne(book) { $0.text(0) })
        // The search index, filled after the rows, answers a search; the rebuilt tag index a tag filter.
        #expect(try large.listCustomers({ var q = CustomerQuery(); q.search = "p10499@"; return q }()).items.map(\.leadId) == ["lead-10499"])
        #expect(try large.listCustomers({ var q = CustomerQuery(); q.tag = "vip"; return q }()).total == 3_500)
        #expect(try large.db.queryOne("EXPLAIN QUERY PLAN SELECT customer_id FROM customer_tags WHERE tag = 'vip'") { $0.text(3) }?.contains("customer_tags_tag") == true)
        // The phases the benchmark reports: the large import built its indexes and the search index (the customer totals
        // need no rebuild: no imported customer has a policy in force); a small one had none to build.
        // Each phase begins as the one before ends, so a clock between the reports times the whole import.
        func inTurn(_ names: [String]) -> [JobPhase] { names.flatMap { [.began($0), .ended($0)] } }
        #expect(phases == inTurn(["read, check and write the rows", "build the indexes put off",
                                  "index the new customers for search", "commit"]))
        let another = try makeEngine()
        try DemoBook(customers: 40, seed: 2, now: testNow).generate(into: another.db)
        phases = []
        _ = try another.importCSV(.customers, text: customersFile(rows: 3), dryRun: false, now: testNow, phases: { phases.append($0) })
        #expect(phases == [.began("read, check and write the rows"), .progress("read, check and write the rows", done: 0, total: 3),
                           .ended("read, check and write the rows"), .began("commit"), .ended("commit")])
        // A dry run of customers only reads and checks (it writes nothing, so it takes no write lock).
        phases = []
        _ = try another.importCSV(.customers, text: customersFile(rows: 3), dryRun: true, now: testNow, phases: { phases.append($0) })
        #expect(phases == [.began("read and check the rows"), .progress("read and check the rows", done: 0, total: 3), .ended("read and check the rows")])
    }

    /// A large customer import runs without the customer totals' insert trigger, which never acts for an imported
    /// customer (none has a policy in force), and gets it back before it commits, the totals right without a
    /// rebuild; a failed one rolls the drop back.
    @Test func aLargeImportKeepsTheCustomerTotalsAndGetsItsTriggerBack() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 40, seed: 2, now: testNow).generate(into: engine.db)
        let schema = { try engine.db.query("SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name") { $0.text(0) + $0.text(1) } }
        let before = try schema()
        #expect(try engine.importCSV(.customers, text: customersFile(rows: 10_500), dryRun: false, now: testNow).succeeded)
        #expect(try schema() == before)
        try CustomerTotalsTests.expectKept(engine.db, "a large import")
        let failed = try engine.importCSV(.customers, text: customersFile(rows: 10_500, from: 20_000, bad: 25_000), dryRun: false, now: testNow)
        #expect(!failed.succeeded)
        #expect(try schema() == before)
        try CustomerTotalsTests.expectKept(engine.db, "a large import that failed")
        // The trigger is back: a customer written with policies in force counts at once.
        try engine.db.run("""
            INSERT INTO customers (uuid, lead_id, agent_id, first_name, last_name, email, customer_since, active_policies, lifetime_value_cents, created_at, updated_at)
            VALUES ('late', 'late', 'agent-1', 'L', 'Ate', 'late@example.com', 0, 1, 700, 0, 0)
            """)
        try CustomerTotalsTests.expectKept(engine.db, "a customer written with a policy in force")
    }

    @Test func aLargeImportWithOneBadRowLeavesTheBookAndItsIndexesAsTheyWere() throws {
        let engine = try makeEngine()
        let fresh = try indexes(engine)
        let result = try engine.importCSV(.customers, text: customersFile(rows: 10_500, bad: 10_400), dryRun: false, now: testNow)
        #expect(result.problems.map(\.line) == [10_401])
        #expect(result.problems.first?.column == "email")
        #expect(try count(engine, "customers") == 0 && count(engine, "customer_tags") == 0)
        #expect(try indexes(engine) == fresh)
    }

    @Test func aLeadAlreadyInTheBookOrTwiceInTheFileIsAConflictOnItsLine() throws {
        let engine = try makeEngine()
        _ = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let existing = try #require(try engine.listCustomers(CustomerQuery()).items.first)
        let csv = """
        id,leadId,agentId,firstName,lastName,email
        ,lead-uuid,a,Ann,Lee,ann@example.com
        ,l2,a,Bob,Ray,bob@example.com
        \(existing.id),l3,a,Cy,Day,cy@example.com
        ,l2,a,Di,Fox,di@example.com

        """
        let result = try engine.importCSV(.customers, text: csv, dryRun: false, now: testNow)
        #expect(result.problems.map(\.line) == [2, 4, 5])
        #expect(result.problems.map(\.column) == ["leadId", "id", "leadId"])
        #expect(result.problems[0].reason.contains("already exists") && result.problems[1].reason.contains("already exists"))
        #expect(result.problems[2].reason == "Lead l2 comes twice in this file: line 3 has it too.")
        #expect(try count(engine, "customers") == 1)
    }

    @Test func dryRunValidatesAndWritesNothing() throws {
        let engine = try makeEngine()
        let csv = "leadId,agentId,firstName,lastName,email\nl1,a,Ann,Lee,ann@example.com\n"
        let result = try engine.importCSV(.customers, text: csv, dryRun: true, now: testNow)
        #expect(result.succeeded && result.rows == 1 && result.dryRun)
        #expect(try count(engine, "customers") == 0)
    }

    /// A large dry run runs as a large import does (secondary indexes and the totals' trigger dropped) and
    /// its rollback gives them back: the file's problems found, nothing written, the schema as it was.
    @Test func aLargeDryRunFindsTheProblemsAndLeavesTheBookAndItsSchemaAsTheyWere() throws {
        let engine = try makeEngine()
        let schema = { try engine.db.query("SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name") { $0.text(0) + $0.text(1) } }
        let before = try schema()
        let bad = try engine.importCSV(.customers, text: customersFile(rows: 10_500, bad: 10_400), dryRun: true, now: testNow)
        #expect(bad.problems.map(\.line) == [10_401] && bad.problems.first?.column == "email")
        let good = try engine.importCSV(.customers, text: customersFile(rows: 10_500), dryRun: true, now: testNow)
        #expect(good.succeeded && good.rows == 10_500 && good.dryRun)
        #expect(try count(engine, "customers") == 0 && count(engine, "audit_log") == 0)
        #expect(try schema() == before)
        // The unique indexes stay during a dry run: a lead twice in the file is still found.
        let twice = try engine.importCSV(.customers, text: customersFile(rows: 10_500) + "late,agent-1,Pat,Lee,late@example.com,,,,\nlate,agent-1,Pat,Lee,late2@example.com,,,,\n",
                                         dryRun: true, now: testNow)
        #expect(twice.problems.map(\.column) == ["leadId"])
    }

    @Test func headerProblemsAreReported() throws {
        let engine = try makeEngine()
        #expect { try engine.importCSV(.customers, text: "leadId,agentId,firstName,lastName,email,shoeSize\n", dryRun: false, now: testNow) } throws: {
            ($0 as? RetentionError)?.code == "unknown_column"
        }
        #expect { try engine.importCSV(.customers, text: "leadId,firstName\n", dryRun: false, now: testNow) } throws: {
            ($0 as? RetentionError)?.code == "missing_column"
        }
        #expect { try engine.importCSV(.customers, text: "", dryRun: false, now: testNow) } throws: {
            ($0 as? RetentionError)?.code == "empty_file"
        }
        // Without a map, an unknown column is named with the file, its line and its column, as the reader's errors
        // are; an import, a dry run and a sync alike.
        let shoe = "leadId,agentId,firstName,lastName,email,shoeSize\n"
        for run in [{ _ = try engine.importCSV(.customers, text: shoe, name: "clients.csv", dryRun: false, now: testNow) },
                    { _ = try engine.importCSV(.customers, text: shoe, name: "clients.csv", dryRun: true, now: testNow) },
                    { _ = try engine.syncCSV(.customers, text: shoe, name: "clients.csv", dryRun: false, now: testNow) }] as [() throws -> Void] {
            #expect { try run() } throws: {
                guard let e = $0 as? RetentionError else { return false }
                return e.message.hasPrefix(#"clients.csv line 1, column 6: unknown column "shoeSize"; known columns: id, leadId,"#)
                    && e.line == 1 && e.column == 6 && e.field == "shoeSize"
            }
        }
        #expect { try engine.importCSV(.customers, text: "leadId,agentId,firstName,lastName,email,leadId\n", name: "c.csv", dryRun: false, now: testNow) } throws: {
            ($0 as? RetentionError)?.message == #"c.csv line 1, column 6: column "leadId" appears twice."#
        }
        let ragged = try engine.importCSV(.customers, text: "leadId,agentId,firstName,lastName,email\nl1,a,Ann\n", dryRun: false, now: testNow)
        #expect(ragged.problems.first?.line == 2)
    }
}
