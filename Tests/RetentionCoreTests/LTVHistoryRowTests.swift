import Foundation
import Testing
@testable import RetentionCore

/// LTV history rows hold numbers (schema 18, `LTVHistoryRow`): the history route's entries are rebuilt from
/// them byte for byte as the documents the rows held before, for rows the migration converted and for rows
/// written since; a document the numbers cannot rebuild is kept whole.
@Suite struct LTVHistoryRowTests {
    /// The LTV history insert and read as they were before schema 18 (copied from that release's
    /// `Engine.ltvHistoryInsert` and `ltvHistory`): the document is `LifetimeValue.storedDocument`'s.
    static let oldInsert = """
        INSERT INTO ltv_history (customer_id, calculated_at, current_ltv_cents, projected_ltv_cents, tier, category, document)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """
    static func oldHistory(_ db: Database, customerRow: Int64, customerID: String) throws -> [String] {
        try db.query("SELECT document, calculated_at FROM ltv_history WHERE customer_id = ? ORDER BY calculated_at DESC, id DESC LIMIT 1000",
                     [.int(customerRow)]) {
            try DocumentShape.expand($0.text(0), oneOf: [LifetimeValue.documentShape, LifetimeValue.documentShapeBeforeProfit],
                                     customerID: customerID, calculatedAt: $0.int(1)).serialized()
        }
    }

    /// A book at schema 17 with an LTV history written the way that release wrote it: every customer valued on
    /// three days (as the rescore values them), each row with its document.
    static func schema17Book(customers: Int) throws -> (Engine, [(row: Int64, id: String)]) {
        let db = try Database(path: ":memory:")
        for sql in Migrations.all.prefix(17) { try db.execute(sql) }
        try db.execute("PRAGMA application_id = \(Migrations.applicationID); PRAGMA user_version = 17")
        try DemoBook(customers: customers, seed: 7, now: testNow).generate(into: db)
        let engine = Engine(database: db, user: "t")
        let (model, _) = try engine.currentChurnModel()
        let medians = try engine.bookMedians()
        let models = try engine.fitRetentionModels(), settings = try engine.ltvSettings()
        let ids = Dictionary(uniqueKeysWithValues: try db.query("SELECT id, uuid FROM customers") { ($0.int64(0), $0.text(1)) })
        for days in [90, 31, 0] {
            let now = testNow - days * 86_400
            let holdings = try engine.holdings(customerRows: 0...Int64.max, now: now)
            try db.transaction {
                try engine.forEachCustomerSignals(asOf: now) { s in
                    let sc = engine.score(s, model: model, medians: medians)
                    let ltv = LifetimeValue.compute(holdings: holdings[s.customerRowID] ?? LifetimeValue.Holdings(), churnProbability: sc.prediction.probability,
                                                    models: models, settings: settings, signals: s, risk: sc.prediction.risk,
                                                    engagement: sc.health.engagement.score, now: now)
                    let id = ids[s.customerRowID]!
                    try db.run(oldInsert, [.int(s.customerRowID), .int(Int64(now)), .int(Int64(ltv.currentCents)), .int(Int64(ltv.projectedCents)),
                                           .text(ltv.tier), .text(ltv.category), .text(LifetimeValue.storedDocument(ltv, customerID: id, at: now))])
                }
            }
        }
        return (engine, ids.sorted { $0.key < $1.key }.map { (row: $0.key, id: $0.value) })
    }

    @Test func theMigrationKeepsEveryHistoryEntryByteForByte() throws {
        let (engine, customers) = try Self.schema17Book(customers: 200)
        let db = engine.db
        // Rows an older release could have written, or a stranger: a line Retention does not know, money that is
        // not whole cents, lines out of name order, a whole (uncompacted) document. They keep their documents.
        let first = try #require(customers.first { c in
            (try? db.scalarInt("SELECT count(*) FROM ltv_history WHERE customer_id = ? AND document LIKE '%\"auto\":%\"home\":%'", [.int(c.row)])) == 3
        })
        let second = try #require(customers.first { $0.row != first.row })
        let known = try #require(try db.queryOne("SELECT document FROM ltv_history WHERE customer_id = ? ORDER BY id LIMIT 1", [.int(first.row)]) { $0.text(0) })
        func replace(_ index: Int, _ value: (JSONValue) -> JSONValue, row: String) throws {
            var values = try #require(try JSONValue.parse(known).arrayValue)
            values[index] = value(values[index])
            try db.run("UPDATE ltv_history SET document = ? WHERE id = (\(row))", [.text(JSONValue.array(values).serialized()), .int(first.row)])
        }
        try replace(15, { .object(($0.objectPairs ?? []) + [("zeppelin", .number(12.5))]) }, row: "SELECT min(id) FROM ltv_history WHERE customer_id = ?")
        try replace(2, { _ in .number(97.255) }, row: "SELECT max(id) FROM ltv_history WHERE customer_id = ?")
        try replace(15, { .object(($0.objectPairs ?? []).reversed()) },
                    row: "SELECT id FROM ltv_history WHERE customer_id = ? ORDER BY id LIMIT 1 OFFSET 1")
        let whole = #"{"customerId":"\#(second.id)","currentLTV":50,"calculatedAt":"2023-01-15T10:30:00Z"}"#
        try db.run("UPDATE ltv_history SET document = ? WHERE id = (SELECT min(id) FROM ltv_history WHERE customer_id = ?)", [.text(whole), .int(second.row)])

        let before = try customers.map { try Self.oldHistory(db, customerRow: $0.row, customerID: $0.id) }
        #expect(before.allSatisfy { $0.count == 3 })
        try Store.migrate(db)
        #expect(try db.scalarInt("PRAGMA user_version") == Migrations.all.count)
        #expect(try db.scalarInt("SELECT count(*) FROM pragma_table_info('ltv_history') WHERE name = 'document' AND \"notnull\" = 0") == 1)
        for (c, old) in zip(customers, before) {
            let new = try engine.ltvHistory(customerId: c.id, limit: 1000).map { $0.serialized() }
            #expect(new == old, "customer \(c.id)")
        }
        // Only the four odd rows kept a document; every other row is numbers.
        #expect(try db.scalarInt("SELECT count(*) FROM ltv_history") == 3 * customers.count)
        #expect(try db.scalarInt("SELECT count(*) FROM ltv_history WHERE document IS NOT NULL") == 4)
        #expect(try db.scalarInt("SELECT count(*) FROM ltv_history WHERE document IS NULL AND (total_cost_cents IS NULL OR churn_probability_e4 IS NULL)") == 0)
        #expect(try engine.ltvHistory(customerId: first.id, limit: 1000).last?["breakdown"]?["policyRevenue"]?["zeppelin"] == .number(12.5))
        // The dashboard's typed read agrees with the route.
        let typed = try #require(try engine.lifetimeValueHistory(customerId: first.id, limit: 1).first)
        let entry = try #require(try engine.ltvHistory(customerId: first.id, limit: 1).first)
        #expect(typed.projectedProfit == entry["projectedProfit"]?.doubleValue && typed.totalCost == entry["breakdown"]?["totalCost"]?.doubleValue)
        #expect(typed.revenueByLine.map(\.line) == (entry["breakdown"]?["policyRevenue"]?.objectPairs ?? []).map(\.0))
    }

    /// A hand-checked row: the numbers the migration writes for one document.
    @Test func theMigrationWritesTheDocumentsNumbers() throws {
        let (engine, customers) = try Self.schema17Book(customers: 3)
        let db = engine.db
        let doc = #"[1234.56,5678.9,-150.25,41.66,500,88.4,0.1234,73.5,200,0,15,10,1234.56,1049.38,185.18,{"auto":1000.5,"home":234.06},"silver","stable"]"#
        try db.run("DELETE FROM ltv_history")
        try db.run("INSERT INTO ltv_history (customer_id, calculated_at, current_ltv_cents, projected_ltv_cents, tier, category, document) VALUES (?, ?, 123456, 567890, 'silver', 'stable', ?)",
                   [.int(customers[0].row), .int(Int64(testNow)), .text(doc)])
        let old = try Self.oldHistory(db, customerRow: customers[0].row, customerID: customers[0].id)
        try Store.migrate(db)
        let row = try #require(try db.queryOne("SELECT \(LTVHistoryRow.numberColumns), document FROM ltv_history") { r in
            (0..<25).map { r.isNull(Int32($0)) ? "null" : r.text(Int32($0)) }
        })
        // −150.25 → −15025 cents, 41.66 → 4166, 500 → 50000, 88.4 % → 884, 0.1234 → 1234, 73.5 months → 735, 200 → 20000, 0,
        // 15 % → 150, 10 % → 100, 1049.38 → 104938; auto 100050 and home 23406 of the 13 lines (name order); no document.
        #expect(row == ["-15025", "4166", "50000", "884", "1234", "735", "20000", "0", "150", "100", "104938",
                        "100050", "null", "null", "null", "null", "null", "23406", "null", "null", "null", "null", "null", "null", "null"])
        #expect(try engine.ltvHistory(customerId: customers[0].id, limit: 5).map { $0.serialized() } == old)
    }

    /// Rows written now (a rescore's and `POST /customers/:id/ltv`'s) read back as the document the release before
    /// would have stored for the same value.
    @Test func newRowsReadBackAsTheDocumentsTheOldCodeStored() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 120, seed: 5, now: testNow).generate(into: engine.db)
        try engine.rescore(now: testNow, chunk: 32)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM ltv_history WHERE document IS NOT NULL") == 0)
        let customers = try engine.db.query("SELECT uuid FROM customers ORDER BY id") { $0.text(0) }
        for id in customers {
            let ltv = try engine.calculateLTV(customerId: id, now: testNow + 60)
            let old = try LifetimeValue.documentShape.expand(LifetimeValue.storedDocument(ltv.value, customerID: id, at: testNow + 60),
                                                             customerID: id, calculatedAt: testNow + 60).serialized()
            let entries = try engine.ltvHistory(customerId: id, limit: 2)
            #expect(entries.first?.serialized() == old, "customer \(id)")
            #expect(entries.first?.serialized() == ltv.json.serialized())
            #expect(entries.last?["calculatedAt"] == .string(Timestamp.formatInstant(testNow)))
        }
        #expect(try engine.db.scalarInt("SELECT count(*) FROM ltv_history WHERE document IS NOT NULL") == 0)
    }

    /// A value the numbers cannot hold (a line Retention does not know) is stored as its document and read back as it.
    @Test func aValueTheNumbersCannotHoldKeepsItsDocument() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 3, seed: 5, now: testNow).generate(into: engine.db)
        let (row, id) = try #require(try engine.db.queryOne("SELECT id, uuid FROM customers ORDER BY id LIMIT 1") { ($0.int64(0), $0.text(1)) })
        var ltv = LifetimeValue.compute(holdings: LifetimeValue.Holdings(paidByLine: [("auto", 1250), ("zeppelin", 99)]), churnProbability: 0.25,
                                        models: [:], settings: LTVSettings(), signals: try #require(try {
                                            var s: CustomerSignals?
                                            try engine.forEachCustomerSignals(asOf: testNow, customerRows: row...row) { s = $0 }
                                            return s }()), risk: .medium, engagement: 50, now: testNow)
        #expect(LTVHistoryRow.numbers(ltv) == nil)
        try engine.db.transaction { try engine.store(ltv, customerRow: row, customerID: id, now: testNow) }
        #expect(try engine.ltvHistory(customerId: id, limit: 1) == [CustomerLifetimeValue(customerId: id, value: ltv, calculatedAt: testNow).json])
        #expect(try engine.db.scalarInt("SELECT count(*) FROM ltv_history WHERE document IS NOT NULL AND total_cost_cents IS NULL") == 1)
        ltv.revenueByType = [("auto", 1250)]
        #expect(LTVHistoryRow.numbers(ltv) != nil)
    }
}
