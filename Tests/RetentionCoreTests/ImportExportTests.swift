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

    /// Every value of every row of `table` but the customers' public ids (new ones each import, for a file without
    /// them), in row order, with its type (an integer and a real differ).
    func rows(_ engine: Engine, _ table: String, orderBy: String) throws -> [[SQLValue]] {
        let columns = try engine.db.query("SELECT name FROM pragma_table_info(?) WHERE name != 'uuid'", [.text(table)]) { $0.text(0) }
        return try engine.db.query("SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY \(orderBy)") { row in (0 ..< row.columnCount).map { row.value($0) } }
    }

    /// 10,500 customers whose rows give different columns: no satisfaction score on every fourth, an owner and a
    /// snooze on every ninth, a preferred channel on every other; `doNotContact` left out on rows 9,000 and 10,000
    /// (such a row goes in its run with the column's default bound), or the column left out of the whole file
    /// (`doNotContact: false`). `lead(i)` is row i's lead (1-based; row i is on line i + 1).
    func mixedCustomersFile(rows: Int = 10_500, doNotContact: Bool = true, lead: (Int) -> String = { "lead-\($0)" }) -> String {
        var csv = "leadId,agentId,firstName,lastName,email,tags,optedOutChannels,satisfactionScore,assignedTo,snoozedUntil,preferredContactMethod"
            + (doNotContact ? ",doNotContact\n" : "\n")
        for i in 1 ... rows {
            csv += "\(lead(i)),agent-\(i % 7),Pat,Lee \(i),p\(i)@example.com,\(i % 3 == 0 ? "vip;home" : ""),\(i % 5 == 0 ? "sms;email" : ""),"
                + "\(i % 4 == 0 ? "" : "\(i % 101)"),\(i % 9 == 0 ? "owner-\(i % 4)" : ""),\(i % 9 == 0 ? "2024-02-0\(1 + i % 9)" : ""),"
                + "\(i % 2 == 0 ? "email" : "")" + (doNotContact ? ",\([9_000, 10_000].contains(i) ? "" : i % 11 == 0 ? "true" : "false")\n" : "\n")
        }
        return csv
    }

    /// A large import writes its customers 64 to a statement (`NewCustomerRuns`): the book it makes is the one the
    /// same import writing them one by one makes, value for value and type for type, tags and consent included,
    /// whatever columns each row gives.
    @Test func aLargeImportWritesItsCustomersInRunsAsOneByOne() throws {
        let inRuns = try makeEngine(), oneByOne = try makeEngine()
        var counted: (Int, Int)?
        let file = mixedCustomersFile()
        #expect(try inRuns.importCSVRowByRow(.customers, text: file, now: testNow, runs: { counted = ($0, $1) }).succeeded)
        #expect(try oneByOne.importCSVRowByRow(.customers, text: file, now: testNow, inRuns: false).succeeded)
        // Two rows leave doNotContact out: they go in their runs too, bound its default (0), as the one-row INSERT
        // stores it. 32 runs in each of the five batches of 2,048 rows, 4 in the last (260 rows: 4 left alone).
        let (whole, cut) = try #require(counted)
        #expect(whole == 5 * 32 + 4 && cut == 0, "\(whole) whole, \(cut) cut")
        for (table, order) in [("customers", "id"), ("customer_tags", "customer_id, position"), ("contact_preferences", "customer_id, channel"),
                               ("audit_log", "id"), ("customer_search_data", "id"), ("customer_search_idx", "segid, term")] {
            #expect(try rows(inRuns, table, orderBy: order) == rows(oneByOne, table, orderBy: order), "\(table)")
        }
        #expect(try count(inRuns, "customers") == 10_500 && count(inRuns, "contact_preferences") == 2 * 2_100)
        #expect(try inRuns.db.queryOne("SELECT do_not_contact FROM customers WHERE lead_id = 'lead-9000'") { $0.value(0) } == .int(0))
        #expect(try inRuns.db.queryOne("PRAGMA integrity_check") { $0.text(0) } == "ok")
    }

    /// A file without the doNotContact column (a typical agency export) is written in runs all the same, each
    /// customer stored with the column's default as one by one; the head of a trigger tells whether it fires on an
    /// INSERT however it is written; a default is bound only when it is a literal.
    @Test func aFileWithoutDoNotContactGoesInRunsAndOnlyInsertTriggersOrExpressionDefaultsStopThem() throws {
        let file = mixedCustomersFile(rows: 10_100, doNotContact: false)
        #expect(!file.contains("doNotContact") && !file.contains("true") && !file.contains("false"))
        let inRuns = try makeEngine(), oneByOne = try makeEngine()
        var counted: (Int, Int)?
        #expect(try inRuns.importCSVRowByRow(.customers, text: file, now: testNow, runs: { counted = ($0, $1) }).succeeded)
        #expect(try oneByOne.importCSVRowByRow(.customers, text: file, now: testNow, inRuns: false).succeeded)
        #expect(counted?.0 == 4 * 32 + 29 && counted?.1 == 0, "10,100 rows: 32 runs in each of four batches of 2,048, 29 in the last (1,908 rows, 52 alone)")
        #expect(try rows(inRuns, "customers", orderBy: "id") == rows(oneByOne, "customers", orderBy: "id"))

        #expect(NewCustomerRuns.firesOnInsert("CREATE TRIGGER t AFTER INSERT ON customers BEGIN SELECT 1; END"))
        #expect(NewCustomerRuns.firesOnInsert("create trigger \"t\"\n  after\tinsert\non main.\"customers\" for each row begin select 1; end"))
        #expect(!NewCustomerRuns.firesOnInsert("CREATE TRIGGER t AFTER UPDATE OF email ON customers BEGIN INSERT INTO audit_log VALUES (1); END"))
        #expect(!NewCustomerRuns.firesOnInsert("CREATE TRIGGER customers_insert_log AFTER DELETE ON customers BEGIN SELECT 1; END"))
        // Heads that hide the word: a trigger named BEGIN, comments, a quoted name against the event, INSTEAD OF.
        for head in ["CREATE TRIGGER begin AFTER INSERT ON customers BEGIN SELECT 1; END",
                     "CREATE TRIGGER t AFTER/**/INSERT ON customers BEGIN SELECT 1; END",
                     "CREATE TEMP TRIGGER t BEFORE/*x*/INSERT/*y*/ON main.customers BEGIN SELECT 1; END",
                     "CREATE TRIGGER \"t3\"INSERT ON customers BEGIN SELECT 1; END",
                     "CREATE TRIGGER [t6]INSERT ON customers BEGIN SELECT 1; END",
                     "CREATE TRIGGER IF NOT EXISTS main.\"a \"\"b\"\"\" -- AFTER UPDATE\n INSTEAD OF INSERT ON customers BEGIN SELECT 1; END",
                     "DROP TABLE x"] {
            #expect(NewCustomerRuns.firesOnInsert(head), "\(head)")
        }
        #expect(!NewCustomerRuns.firesOnInsert("CREATE TRIGGER \"insert\" AFTER UPDATE ON customers BEGIN INSERT INTO t VALUES (1); END"))
        #expect(NewCustomerRuns.triggerEvent("CREATE TRIGGER [x] /* INSERT */ DELETE ON customers BEGIN SELECT 1; END") == "DELETE")
        #expect(NewCustomerRuns.literal("0") == .int(0) && NewCustomerRuns.literal("-3") == .int(-3))
        #expect(NewCustomerRuns.literal("'it''s'") == .text("it's") && NewCustomerRuns.literal("NULL") == .null)
        #expect(NewCustomerRuns.literal("CURRENT_TIMESTAMP") == nil && NewCustomerRuns.literal("(1 + 1)") == nil && NewCustomerRuns.literal("1.5") == nil)
    }

    /// A lead twice in one run of 64, twice across runs and batches, a row refused as the first or the last of its
    /// run or batch, a bad row in the middle of a run, a lead the book holds: each is refused on its line with the
    /// message the row-by-row import gives, and nothing is written.
    @Test func aLargeImportRefusesARepeatedLeadInARunOrAcrossRunsOnItsLine() throws {
        // Row i is on line i + 1; a batch is 2,048 rows and a run 64, so the first batch's runs are rows 1–64, 65–128, …
        // Row 11 repeats row 4 in the same run; row 128, the last of its run, repeats row 100 of that run; row 129, the
        // first of its run, row 2 of the first; row 2,048 ends the first batch and row 2,049 begins the second; row
        // 5,000 repeats row 99 two batches after it; row 3,000's e-mail is bad; row 7,000's lead is in the book.
        let repeats = [11: 4, 128: 100, 129: 2, 2_048: 3, 2_049: 5, 5_000: 99]   // row: the earlier row it repeats
        let file = mixedCustomersFile(lead: { "lead-\(repeats[$0] ?? $0)" }).replacingOccurrences(of: "p3000@example.com", with: "nobody")
        var results: [ImportResult] = [], cuts: [Int] = []
        for inRuns in [true, false] {
            let engine = try makeEngine()
            _ = try engine.createCustomer(try json(#"{"leadId": "lead-7000", "agentId": "a", "firstName": "Al", "lastName": "Ready", "email": "al@example.com"}"#), now: testNow)
            results.append(try engine.importCSVRowByRow(.customers, text: file, now: testNow, inRuns: inRuns, runs: { cuts.append($1) }))
            #expect(try count(engine, "customers") == 1 && count(engine, "customer_tags") == 0 && count(engine, "contact_preferences") == 0)
        }
        let expected: [(Int, String, String?)] = [
            (12, "leadId", "Lead lead-4 comes twice in this file: line 5 has it too."),
            (129, "leadId", "Lead lead-100 comes twice in this file: line 101 has it too."),
            (130, "leadId", "Lead lead-2 comes twice in this file: line 3 has it too."),
            (2_049, "leadId", "Lead lead-3 comes twice in this file: line 4 has it too."),
            (2_050, "leadId", "Lead lead-5 comes twice in this file: line 6 has it too."),
            (3_001, "email", nil),
            (5_001, "leadId", "Lead lead-99 comes twice in this file: line 100 has it too."),
            (7_001, "leadId", "A customer already exists for lead lead-7000."),
        ]
        #expect(results[0].problems.map(\.line) == expected.map(\.0))
        #expect(results[0].problems.map(\.column) == expected.map(\.1))
        for (problem, (_, _, reason)) in zip(results[0].problems, expected) where reason != nil { #expect(problem.reason == reason) }
        #expect(results[0].problems == results[1].problems && results[0].problemCount == 8)
        // Each refused lead cut its run short (the bad e-mail is no customer: it ends a run before it); one by one, none.
        #expect(cuts == [7, 0])
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

    /// A policy number, a policy's id or an event's id that an earlier line of the same file has is refused
    /// naming that line, in the import and its dry run alike, beside the file's other bad rows; one the book
    /// already holds says so instead.
    @Test func aPolicyOrEventKeyTwiceInTheFileNamesTheEarlierLine() throws {
        let engine = try makeEngine()
        let customer = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let held = try engine.createPolicy(try json(specPolicyBody(customerId: customer.id, number: "HELD-1")), now: testNow)
        let policyID = "01a00000-0000-7000-8000-00000000aa01", otherID = "01a00000-0000-7000-8000-00000000aa02"
        let policies = """
            id,customerId,policyNumber,policyType,premiumAmount,premiumFrequency,coverageType,coverageAmount,effectiveDate,expirationDate
            \(policyID),\(customer.id),P-1,auto,50,monthly,full,10000,2024-01-01,2025-01-01
            ,\(customer.id),P-2,auto,lots,monthly,full,10000,2024-01-01,2025-01-01
            ,\(customer.id),P-1,auto,50,monthly,full,10000,2024-01-01,2025-01-01
            \(policyID),\(customer.id),P-3,auto,50,monthly,full,10000,2024-01-01,2025-01-01
            \(otherID),\(customer.id),HELD-1,auto,50,monthly,full,10000,2024-01-01,2025-01-01

            """
        let expectedPolicies = [
            "line 3, column premiumAmount: must be a number, got \"lots\"",
            "line 4, column policyNumber: Policy number P-1 comes twice in this file: line 2 has it too.",
            "line 5, column id: Id \(policyID) comes twice in this file: line 2 has it too.",
            "line 6, column policyNumber: Policy number HELD-1 is already in use.",
        ]
        for dryRun in [false, true] {
            let result = try engine.importCSV(.policies, text: policies, dryRun: dryRun, now: testNow)
            #expect(result.problems.map(\.description) == expectedPolicies, "dry run \(dryRun)")
        }
        #expect(try engine.policies(customerId: customer.id).map(\.id) == [held.id])
        let eventID = "01a00000-0000-7000-8000-00000000ee01"
        let events = """
            id,customerId,eventType,severity,data,occurredAt
            \(eventID),\(customer.id),note_added,info,,2023-03-01T10:00:00Z
            ,\(customer.id),no_such_type,info,,2023-03-02T10:00:00Z
            \(eventID),\(customer.id),note_added,info,,2023-03-03T10:00:00Z

            """
        for dryRun in [false, true] {
            let result = try engine.importCSV(.events, text: events, dryRun: dryRun, now: testNow)
            #expect(result.problems.map(\.line) == [3, 4], "dry run \(dryRun)")
            #expect(result.problems.last?.description == "line 4, column id: Id \(eventID) comes twice in this file: line 2 has it too.", "dry run \(dryRun)")
        }
        #expect(try engine.db.scalarInt("SELECT count(*) FROM retention_events WHERE uuid = ?", [.text(eventID)]) == 0)
        // A sync lists its refusals by line, whichever check found them first.
        let synced = try engine.syncCSV(.events, text: events, dryRun: true, now: testNow)
        #expect(synced.problems.map(\.line) == [3, 4])
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
                return e.message.hasPrefix(#"clients.csv: line 1, column 6: unknown column "shoeSize"; known columns: id, leadId,"#)
                    && e.line == 1 && e.column == 6 && e.field == "shoeSize"
            }
        }
        #expect { try engine.importCSV(.customers, text: "leadId,agentId,firstName,lastName,email,leadId\n", name: "c.csv", dryRun: false, now: testNow) } throws: {
            ($0 as? RetentionError)?.message == #"c.csv: line 1, column 6: column "leadId" appears twice."#
        }
        let ragged = try engine.importCSV(.customers, text: "leadId,agentId,firstName,lastName,email\nl1,a,Ann\n", dryRun: false, now: testNow)
        #expect(ragged.problems.first?.line == 2)
    }
}
