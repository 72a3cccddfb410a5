import Foundation
import Testing
@testable import RetentionCore

/// The pieces that make bulk writes fast must not change what is stored.
@Suite struct BulkLoadTests {
    func indexNames(_ db: Database) throws -> Set<String> {
        Set(try db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL") { $0.text(0) })
    }

    @Test func deferredIndexesAreRebuiltAfterTheLoad() throws {
        let db = try Store.inMemory()
        let before = try indexNames(db)
        let during = try Store.withIndexesDeferred(db, tables: ["customers", "policies"]) { try indexNames(db) }
        #expect(!during.contains("customers_risk_level") && !during.contains("policies_renewal_queue"))
        #expect(during.contains("retention_events_customer"), "tables not named keep their indexes")
        #expect(try indexNames(db) == before)
        #expect(try db.scalarInt("SELECT count(*) FROM settings WHERE key = 'store.deferred_indexes'") == 0)
    }

    @Test func indexesALoadFillsInOrderAreKept() throws {
        let db = try Store.inMemory()
        let all = try indexNames(db)
        #expect(DemoBook.indexesFilledInOrder.isSubset(of: all), "every index the demo load keeps exists")
        let during = try Store.withIndexesDeferred(db, tables: ["customers", "retention_events"], keeping: ["customers_agent", "retention_events_customer"]) {
            try indexNames(db)
        }
        #expect(during.contains("customers_agent") && during.contains("retention_events_customer"))
        #expect(!during.contains("customers_name"))
        #expect(try indexNames(db) == all)
    }

    @Test func aLoadThatFailsStillGetsItsIndexesBack() throws {
        let db = try Store.inMemory()
        let before = try indexNames(db)
        struct Boom: Error {}
        #expect(throws: Boom.self) { try Store.withIndexesDeferred(db, tables: ["retention_events"]) { throw Boom() } }
        #expect(try indexNames(db) == before)
    }

    @Test func aLoadKilledMidwayHasItsIndexesRebuiltByTheNextOpen() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/killed.db"
        let before: Set<String>
        do {
            let db = try Store.open(path: path)
            before = try indexNames(db)
            // What withIndexesDeferred commits before its load starts, without the rebuild a kill prevents.
            let sql = try db.query("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'policies' AND sql IS NOT NULL") { $0.text(0) }
            try db.transaction {
                try db.run("INSERT INTO settings (key, value) VALUES ('store.deferred_indexes', ?)", [.text(JSONValue.array(sql.map { .string($0) }).serialized())])
                for name in try db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'policies' AND sql IS NOT NULL", [], { $0.text(0) }) {
                    try db.execute("DROP INDEX \(name)")
                }
            }
            #expect(try indexNames(db) != before)
        }
        let reopened = try Store.open(path: path)
        #expect(try indexNames(reopened) == before)
    }

    func premiumChanges(_ db: Database) throws -> [[String]] {
        try db.query("SELECT * FROM premium_changes ORDER BY event_id") { r in (0..<r.columnCount).map { r.isNull($0) ? "null" : r.text($0) } }
    }

    func hasPremiumChangesTrigger(_ db: Database) throws -> Bool {
        try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'premium_changes_insert'") == 1
    }

    @Test func aDemoBookLoadedWithoutTheTriggerHasThePremiumChangesTheTriggerWrites() throws {
        let engine = try makeEngine()
        let db = engine.db
        try DemoBook(customers: 120, seed: 5, now: testNow).generate(into: db)
        #expect(try hasPremiumChangesTrigger(db), "the trigger is back after the load")
        // The demo's renewals carry no premiums in their data; a load of events that do.
        let (customer, policy) = try db.queryOne("SELECT c.uuid, p.uuid FROM policies p JOIN customers c ON c.id = p.customer_id LIMIT 1", []) {
            ($0.text(0), $0.text(1))
        }!
        try Store.withTriggersDeferred(db, Store.premiumChangeTriggers) {
            for (type, data) in [("coverage_changed", #"{"premiumBefore":1500,"premiumAfter":1200}"#), ("policy_renewed", #"{"premiumAfter":1650.5}"#),
                                 ("coverage_changed", #"{"premiumBefore":900}"#)] {
                _ = try engine.createEvent(try json(#"{"customerId":"\#(customer)","policyId":"\#(policy)","eventType":"\#(type)","data":\#(data)}"#),
                                           now: testNow, applySideEffects: false)
            }
        }
        #expect(try db.scalarInt("SELECT count(*) FROM settings WHERE key = 'store.deferred_premium_changes'") == 0)
        let loaded = try premiumChanges(db)
        #expect(loaded.count > 50, "the book has renewals and coverage changes")
        // The same events written again one by one, through the trigger.
        try db.execute("""
            CREATE TEMP TABLE events_again AS SELECT * FROM retention_events;
            DELETE FROM retention_events;
            """)
        #expect(try premiumChanges(db).isEmpty)
        try db.execute("INSERT INTO retention_events SELECT * FROM temp.events_again ORDER BY id")
        #expect(try premiumChanges(db) == loaded)
    }

    @Test func premiumChangesOfEventsWrittenBeforeALoadAreLeftAsTheyWere() throws {
        let engine = try makeEngine()
        let customer = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let policy = try engine.createPolicy(try json(specPolicyBody(customerId: customer.id)), now: testNow)
        _ = try engine.renewPolicy(id: policy.id, try json(#"{"premium":{"amount":1650,"frequency":"annual"}}"#), now: testNow + 86_400)
        let before = try premiumChanges(engine.db)
        #expect(before.count == 1)
        try DemoBook(customers: 40, seed: 3, now: testNow).generate(into: engine.db)
        let after = try premiumChanges(engine.db)
        #expect(Array(after.prefix(1)) == before, "the row written before the load is untouched")
        #expect(after.count > 1)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM premium_changes") == engine.db.scalarInt("""
            SELECT count(*) FROM retention_events WHERE event_type IN ('policy_renewed', 'coverage_changed') AND policy_id IS NOT NULL
            """), "one row per renewal or coverage change, none twice")
    }

    @Test func aLoadThatFailsStillGetsItsTriggerAndPremiumChangesBack() throws {
        let engine = try makeEngine()
        let customer = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let policy = try engine.createPolicy(try json(specPolicyBody(customerId: customer.id)), now: testNow)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try Store.withTriggersDeferred(engine.db, Store.premiumChangeTriggers) {
                #expect(try !hasPremiumChangesTrigger(engine.db))
                _ = try engine.createEvent(try json("""
                    {"customerId":"\(customer.id)","policyId":"\(policy.id)","eventType":"coverage_changed","data":{"premiumBefore":1500,"premiumAfter":1200}}
                    """), now: testNow)
                throw Boom()
            }
        }
        #expect(try hasPremiumChangesTrigger(engine.db))
        #expect(try premiumChanges(engine.db).count == 1, "the event written before the failure has its row")
    }

    @Test func aLoadKilledMidwayHasItsPremiumChangesWrittenByTheNextOpen() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/killed.db"
        let expected: [[String]]
        do {
            let engine = Engine(database: try Store.open(path: path), user: "t")
            let customer = try engine.createCustomer(try json(specCustomerBody), now: testNow)
            let policy = try engine.createPolicy(try json(specPolicyBody(customerId: customer.id)), now: testNow)
            _ = try engine.renewPolicy(id: policy.id, try json(#"{"premium":{"amount":1650,"frequency":"annual"}}"#), now: testNow + 86_400)
            expected = try premiumChanges(engine.db)
            #expect(expected.count == 1)
            // What an earlier Retention committed before a load of events started, then a load the kill cuts short.
            let trigger = try engine.db.queryOne("SELECT sql FROM sqlite_master WHERE name = 'premium_changes_insert'", []) { $0.text(0) }!
            try engine.db.transaction {
                try engine.db.run("INSERT INTO settings (key, value) VALUES ('store.deferred_premium_changes', ?)",
                                  [.text(JSONValue.object([("trigger", .string(trigger)), ("afterEvent", .int(0))]).serialized())])
                try engine.db.execute("DROP TRIGGER premium_changes_insert")
            }
            try engine.db.execute("DELETE FROM premium_changes")
            #expect(try premiumChanges(engine.db).isEmpty)
        }
        let reopened = try Store.open(path: path)
        #expect(try hasPremiumChangesTrigger(reopened))
        #expect(try premiumChanges(reopened) == expected)
        #expect(try reopened.scalarInt("SELECT count(*) FROM settings WHERE key = 'store.deferred_premium_changes'") == 0)
    }

    /// A demo load killed while its triggers are dropped: the next open does what they would have done
    /// (premium changes, renewal days, customer totals, policy codes) and creates them again.
    @Test func aLoadKilledWithItsTriggersDroppedIsCaughtUpByTheNextOpen() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/killed.db"
        let triggers = ["customer_search_insert", "customer_totals_insert", "policies_metrics_code_insert", "premium_changes_insert", "renewal_days_insert"]
        let present = { (db: Database) in
            try db.query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN (SELECT value FROM json_each(?)) ORDER BY name",
                         [.text(JSONValue.array(triggers.map { .string($0) }).serialized())]) { $0.text(0) }
        }
        do {
            let engine = Engine(database: try Store.open(path: path), user: "t")
            try DemoBook(customers: 30, seed: 1, now: testNow).generate(into: engine.db)
            // What withTriggersDeferred commits before the load, then rows the triggers would have followed, then the kill.
            try Store.deferTriggers(engine.db) { try Store.customerAndPolicyTriggers($0) + Store.premiumChangeTriggers($0) }
            #expect(try present(engine.db).isEmpty)
            let customer = try engine.createCustomer(try json(specCustomerBody), now: testNow)
            let policy = try engine.createPolicy(try json(specPolicyBody(customerId: customer.id)), now: testNow)
            try engine.db.run("UPDATE policies SET metrics_code = 0 WHERE uuid = ?", [.text(policy.id)])
            _ = try engine.renewPolicy(id: policy.id, try json(#"{"premium":{"amount":1650,"frequency":"annual"}}"#), now: testNow + 86_400)
            try engine.db.run("""
                INSERT INTO customers (uuid, lead_id, agent_id, first_name, last_name, email, customer_since, active_policies, lifetime_value_cents, created_at, updated_at)
                VALUES ('loaded', 'loaded', 'agent-avery', 'L', 'Oaded', 'l@example.com', 0, 2, 5000, 0, 0)
                """)
            #expect(try CustomerTotalsTests.kept(engine.db) != CustomerTotalsTests.direct(engine.db), "the totals missed the customer loaded active")
        }
        let reopened = try Store.open(path: path)
        #expect(try present(reopened) == triggers.sorted())
        #expect(try reopened.scalarInt("SELECT count(*) FROM settings WHERE key = 'store.deferred_triggers'") == 0)
        try CustomerTotalsTests.expectKept(reopened, "the next open")
        try RenewalDaysTests.expectKept(reopened, "the next open")
        #expect(try reopened.scalarInt("SELECT count(*) FROM policies WHERE metrics_code IS NOT \(PolicyMetricsCode.sqlExpression("policies"))") == 0)
        // The customers written while the search index's trigger was off are in the index, and only they were added.
        #expect(try reopened.scalarInt("SELECT count(*) FROM customer_search WHERE customer_search MATCH 'oaded'") == 1)
        #expect(try reopened.scalarInt("""
            SELECT count(*) FROM customer_search WHERE customer_search MATCH 'name: ^"john doe"' AND rowid = (SELECT id FROM customers WHERE lead_id = 'lead-uuid')
            """) == 1)
        try reopened.execute("INSERT INTO customer_search (customer_search, rank) VALUES ('integrity-check', 0)")
        #expect(try reopened.scalarInt("""
            SELECT count(*) FROM retention_events WHERE event_type IN ('policy_renewed', 'coverage_changed') AND policy_id IS NOT NULL
              AND id NOT IN (SELECT event_id FROM premium_changes)
            """) == 0, "every renewal has its premium change")
    }

    @Test func timeOrderedIDsAreVersion7AndSortByTime() throws {
        let a = TimeOrderedID.make(milliseconds: 1_764_115_200_000)
        let b = TimeOrderedID.make(milliseconds: 1_764_115_200_001)
        #expect(a.count == 36)
        #expect(UUID(uuidString: a) != nil)
        let chars = Array(a)
        #expect(chars[14] == "7", "version nibble")
        #expect("89ab".contains(chars[19]), "RFC 9562 variant")
        #expect(a.hasPrefix("019abd75-b800"), "48-bit millisecond time: 0x019abd75b800 = 1764115200000")
        #expect(a < b)
        #expect(TimeOrderedID.make() != TimeOrderedID.make())
    }

    @Test func orderedIDsCarryTheCounterAfterThePrefixAndAscendWithIt() throws {
        let prefix = "019abd75-b800-7abc-"
        #expect(TimeOrderedID.ordered(prefix: prefix, counter: 0) == "019abd75-b800-7abc-8000-000000000000")
        #expect(TimeOrderedID.ordered(prefix: prefix, counter: 0x1_2345_6789_abcd) == "019abd75-b800-7abc-8001-23456789abcd",
                "bits 48 and up of the counter go after the variant bits")
        let ids = [0, 1, 31, 32, 4_095, 1 << 47, 1 << 48, (1 << 62) - 1].map { TimeOrderedID.ordered(prefix: prefix, counter: UInt64($0)) }
        #expect(ids == ids.sorted() && Set(ids).count == ids.count)
        #expect(ids.allSatisfy { UUID(uuidString: $0) != nil && "89ab".contains(Array($0)[19]) })
        #expect(ids.last == "019abd75-b800-7abc-bfff-ffffffffffff")
    }

    @Test func theSQLFunctionMakesTheSameOrderedIDsAndRefusesBadArguments() throws {
        let db = try Store.inMemory()
        let prefix = TimeOrderedID.prefix()
        for counter in [0, 97, 1 << 40, (1 << 62) - 1] {
            #expect(try db.queryOne("SELECT retention_ordered_uuid(?, ?)", [.text(prefix), .int(Int64(counter))]) { $0.text(0) }
                    == TimeOrderedID.ordered(prefix: prefix, counter: UInt64(counter)))
        }
        for bad: [SQLValue] in [[.text("short"), .int(1)], [.text(prefix), .int(-1)], [.text(prefix), .text("1")], [.null, .int(1)]] {
            #expect(throws: RetentionError.self) { try db.queryOne("SELECT retention_ordered_uuid(?, ?)", bad) { $0.text(0) } }
        }
    }

    @Test func aTransactionWithoutForeignKeyChecksTurnsThemBackOnEvenWhenItFails() throws {
        let db = try Store.inMemory()
        #expect(try db.transactionWithoutForeignKeyChecks { try db.scalarInt("PRAGMA foreign_keys") } == 0)
        #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
        struct Boom: Error {}
        #expect(throws: Boom.self) { try db.transactionWithoutForeignKeyChecks { throw Boom() } }
        #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
        // Nested in a transaction the checks stay as they are (SQLite cannot change them there).
        let nested = try db.transaction { try db.transactionWithoutForeignKeyChecks { try db.scalarInt("PRAGMA foreign_keys") } }
        #expect(nested == 1)
    }

    @Test func aSeededBookHasTheSameIDsEveryTimeInInsertionOrder() throws {
        let now = 1_764_115_200
        let one = try Store.inMemory(), two = try Store.inMemory()
        try DemoBook(customers: 30, seed: 7, now: now).generate(into: one)
        try DemoBook(customers: 30, seed: 7, now: now).generate(into: two)
        let ids = try one.query("SELECT uuid FROM retention_events ORDER BY id") { $0.text(0) }
        #expect(ids == (try two.query("SELECT uuid FROM retention_events ORDER BY id") { $0.text(0) }))
        #expect(ids == ids.sorted(), "ids sort in insertion order, so index writes append")
        #expect(Set(ids).count == ids.count)
    }
}

/// The pipelined rescore (reads on a second connection while the first writes) stores exactly what
/// the one-connection rescore stores.
@Suite struct PipelinedRescoreTests {
    @Test func aFileBookRescoredInPipelineMatchesTheSameBookRescoredInMemory() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let now = Timestamp.parse("2026-11-25T12:00:00Z")!
        let onFile = Engine(database: try Store.open(path: dir + "/book.db"), user: "t")
        let inMemory = try makeEngine(user: "t")
        for engine in [onFile, inMemory] {
            try DemoBook(customers: 700, seed: 11, now: now).generate(into: engine.db)
            // Small ranges, so the pipeline has many of them in flight.
            let summary = try engine.rescore(now: now, chunk: 50)
            #expect(summary.customers == 700)
        }
        let columns = "customer_id, calculated_at, overall, engagement, financial, satisfaction, lifecycle, churn_probability, churn_risk, document"
        let scores = { (e: Engine) in try e.db.query("SELECT \(columns) FROM health_scores ORDER BY customer_id") { r in (0..<10).map { r.text(Int32($0)) } } }
        let values = { (e: Engine) in try e.db.query("SELECT customer_id, projected_ltv_cents, tier, document FROM ltv_history ORDER BY customer_id") { r in (0..<4).map { r.text(Int32($0)) } } }
        let current = { (e: Engine) in
            try e.db.query("SELECT id, health_score, churn_risk, churn_probability, top_risk_factor, projected_ltv_cents, ltv_tier FROM customers ORDER BY id") { r in
                (0..<7).map { r.isNull(Int32($0)) ? "null" : r.text(Int32($0)) }
            }
        }
        #expect(try scores(onFile) == scores(inMemory))
        #expect(try values(onFile) == values(inMemory))
        #expect(try current(onFile) == current(inMemory))
        #expect(try onFile.db.scalarInt("SELECT count(*) FROM retention_events WHERE event_type = 'churn_risk_increased'")
                == inMemory.db.scalarInt("SELECT count(*) FROM retention_events WHERE event_type = 'churn_risk_increased'"))
    }

    @Test func aBatchedInsertWritesWhatOneRowInsertsWrite() throws {
        let db = try Store.inMemory()
        try db.execute("""
            CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, amount INTEGER, note TEXT, origin TEXT);
            CREATE TABLE u (id INTEGER PRIMARY KEY, name TEXT, amount INTEGER, note TEXT, origin TEXT)
            """)
        // 64 rows per run at most, so 150 rows are two full runs and 22 rows one by one.
        let rows: [[SQLValue]] = (0..<150).map { (i: Int) -> [SQLValue] in
            let amount: SQLValue = i % 7 == 0 ? .null : .int(Int64(i * 3))
            let note: SQLValue = .text(i % 5 == 0 ? "" : "n\(i)")
            return [.text("row \(i)"), amount, note]
        }
        let batched = try BatchedInsert(db, "INSERT INTO t (name, amount, note, origin) VALUES (?, ?, ?, 'load')", rowsPerRun: 64)
        #expect(batched.rowsPerRun == 64 && batched.columns == 3)
        try db.transaction { try batched.insert(rows) }
        for row in rows { try db.run("INSERT INTO u (name, amount, note, origin) VALUES (?, ?, ?, 'load')", row) }
        let all = { (table: String) in try db.query("SELECT id, name, amount, note, origin FROM \(table) ORDER BY id") { r in (0..<5).map { r.value(Int32($0)) } } }
        #expect(try all("t").count == 150)
        #expect(try all("t") == all("u"), "same rows, same ids, same order")
        try batched.insert([])
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 150)
    }

    @Test func aBatchedInsertThatFailsLeavesTheTransactionsRowsOut() throws {
        let db = try Store.inMemory()
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
        let batched = try BatchedInsert(db, "INSERT INTO t (name) VALUES (?)", rowsPerRun: 8)
        // The 20th row repeats the 3rd: the third run of the statement fails.
        let rows: [[SQLValue]] = (0..<24).map { (i: Int) -> [SQLValue] in [.text("name \(i == 19 ? 2 : i)")] }
        #expect(throws: RetentionError.self) { try db.transaction { try batched.insert(rows) } }
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
        #expect(throws: RetentionError.self) { _ = try BatchedInsert(db, "INSERT INTO t (name) SELECT 'x'") }
        #expect(throws: RetentionError.self) { try batched.insert([[.text("a"), .text("b")]] + Array(repeating: [.text("c")], count: 7)) }
    }
}
