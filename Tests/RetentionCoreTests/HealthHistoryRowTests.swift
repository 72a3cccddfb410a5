import Foundation
import Testing
@testable import RetentionCore

/// Health-score history rows hold numbers (schema 16, `HealthHistoryRow`): the history route's entries are
/// rebuilt from them byte for byte as the documents the rows held before, for rows the migration converted
/// and for rows written since; a document the numbers cannot rebuild is kept whole.
@Suite struct HealthHistoryRowTests {
    /// The health-score history insert and read as they were before schema 16 (copied from that release's
    /// `Engine.healthHistoryInsert` and `healthScoreHistory`): the document is `storedHealthDocument`'s.
    static let oldInsert = """
        INSERT INTO health_scores (customer_id, calculated_at, overall, engagement, financial, satisfaction, lifecycle, churn_probability, churn_risk, model_version, document)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static func oldHistory(_ db: Database, customerRow: Int64, customerID: String) throws -> [String] {
        try db.query("SELECT document, calculated_at FROM health_scores WHERE customer_id = ? ORDER BY calculated_at DESC, id DESC LIMIT 1000",
                     [.int(customerRow)]) {
            try Engine.healthDocumentShape.expand($0.text(0), customerID: customerID, calculatedAt: $0.int(1)).serialized()
        }
    }

    /// A book at schema 15 with a history written the way that release wrote it: every customer scored on
    /// four days, each row with its document.
    static func schema15Book(customers: Int) throws -> (Engine, [(row: Int64, id: String)]) {
        let db = try Database(path: ":memory:")
        for sql in Migrations.all.prefix(15) { try db.execute(sql) }
        try db.execute("PRAGMA application_id = \(Migrations.applicationID); PRAGMA user_version = 15")
        try DemoBook(customers: customers, seed: 7, now: testNow).generate(into: db)
        let engine = Engine(database: db, user: "t")
        let (model, version) = try engine.currentChurnModel()
        let medians = try engine.bookMedians()
        let ids = Dictionary(uniqueKeysWithValues: try db.query("SELECT id, uuid FROM customers") { ($0.int64(0), $0.text(1)) })
        for days in [90, 31, 7, 0] {
            let now = testNow - days * 86_400
            try db.transaction {
                try engine.forEachCustomerSignals(asOf: now) { s in
                    let sc = engine.score(s, model: model, medians: medians)
                    let id = ids[s.customerRowID]!
                    try db.run(oldInsert, [.int(s.customerRowID), .int(Int64(now)), .double(sc.health.overall), .double(sc.health.engagement.score),
                                           .double(sc.health.financial.score), .double(sc.health.satisfaction.score), .double(sc.health.lifecycle.score),
                                           .double(sc.prediction.probability), .int(Int64(sc.prediction.risk.rank)), .init(version),
                                           .text(engine.storedHealthDocument(customerID: id, sc, at: now))])
                }
            }
        }
        return (engine, ids.sorted { $0.key < $1.key }.map { (row: $0.key, id: $0.value) })
    }

    @Test func theMigrationKeepsEveryHistoryEntryByteForByte() throws {
        let (engine, customers) = try Self.schema15Book(customers: 250)
        let db = engine.db
        // Rows an older release could have written: a title the code table does not know, a rate that is not
        // whole tenths, a whole (uncompacted) document. They keep their documents.
        let (first, second) = (customers[0], customers[1])
        let known = try #require(try db.queryOne("SELECT document FROM health_scores WHERE customer_id = ? ORDER BY id LIMIT 1", [.int(first.row)]) { $0.text(0) })
        var values = try #require(try JSONValue.parse(known).arrayValue)
        values[22] = .array([.string("Claims piling up")])
        try db.run("UPDATE health_scores SET document = ? WHERE id = (SELECT min(id) FROM health_scores WHERE customer_id = ?)",
                   [.text(JSONValue.array(values).serialized()), .int(first.row)])
        values = try #require(try JSONValue.parse(known).arrayValue)
        values[8] = .number(97.25)
        try db.run("UPDATE health_scores SET document = ? WHERE id = (SELECT max(id) FROM health_scores WHERE customer_id = ?)",
                   [.text(JSONValue.array(values).serialized()), .int(first.row)])
        let whole = #"{"customerId":"\#(second.id)","overallScore":50,"calculatedAt":"2023-01-15T10:30:00Z"}"#
        try db.run("UPDATE health_scores SET document = ? WHERE id = (SELECT min(id) FROM health_scores WHERE customer_id = ?)",
                   [.text(whole), .int(second.row)])

        let before = try customers.map { try Self.oldHistory(db, customerRow: $0.row, customerID: $0.id) }
        #expect(before.allSatisfy { $0.count == 4 })
        try Store.migrate(db)
        #expect(try db.scalarInt("PRAGMA user_version") == Migrations.all.count)
        #expect(try db.scalarInt("SELECT count(*) FROM pragma_table_info('health_scores') WHERE name = 'document' AND \"notnull\" = 0") == 1)
        for (c, old) in zip(customers, before) {
            let new = try engine.healthScoreHistory(customerId: c.id, limit: 1000).map { $0.serialized() }
            #expect(new == old, "customer \(c.id)")
        }
        // Only the three odd rows kept a document; every other row is numbers.
        #expect(try db.scalarInt("SELECT count(*) FROM health_scores") == 4 * customers.count)
        #expect(try db.scalarInt("SELECT count(*) FROM health_scores WHERE document IS NOT NULL") == 3)
        #expect(try db.scalarInt("SELECT count(*) FROM health_scores WHERE document IS NULL AND (interaction_frequency IS NULL OR risk_factor_codes IS NULL)") == 0)
        #expect(try engine.healthScoreHistory(customerId: first.id, limit: 1000).last?["riskFactors"] == .array([.string("Claims piling up")]))
    }

    /// A hand-checked row: the numbers the migration writes for one document.
    @Test func theMigrationWritesTheDocumentsNumbers() throws {
        let (engine, customers) = try Self.schema15Book(customers: 3)
        let db = engine.db
        let doc = #"[45.9,"fair",12.5,609,2,33.3,null,72.5,100,-2.5,4,76,60,1,50,44.5,18,0,null,1,"critical",0.8176,["No recent contact","Low engagement"],["Immediate outreach required - schedule personal call","Schedule a check-in call"]]"#
        try db.run("DELETE FROM health_scores")
        try db.run("""
            INSERT INTO health_scores (customer_id, calculated_at, overall, engagement, financial, satisfaction, lifecycle, churn_probability, churn_risk, document)
            VALUES (?, ?, 45.9, 12.5, 72.5, 76, 44.5, 0.817624432975042, 3, ?)
            """, [.int(customers[0].row), .int(Int64(testNow)), .text(doc)])
        let old = try Self.oldHistory(db, customerRow: customers[0].row, customerID: customers[0].id)
        try Store.migrate(db)
        let row = try #require(try db.queryOne("SELECT \(HealthHistoryRow.numberColumns), document FROM health_scores") { r in
            (0..<17).map { r.isNull(Int32($0)) ? "null" : r.text(Int32($0)) }
        })
        // 609 days, 2 interactions, 33.3 % → 333, null, 100 → 1000, −2.5 → −25, 4, 60 → 600, 1, 50 → 500, 18, 0, null, 1,
        // risk factors [3, 1] → 3 + 1·16 = 19, actions [7, 3] → 7 + 3·16 = 55, no document.
        #expect(row == ["609", "2", "333", "null", "1000", "-25", "4", "600", "1", "500", "18", "0", "null", "1", "19", "55", "null"])
        #expect(try engine.healthScoreHistory(customerId: customers[0].id, limit: 5).map { $0.serialized() } == old)
    }

    /// Rows written now (a rescore's and `POST /customers/:id/health-score`'s) read back as the document the
    /// release before would have stored for the same score.
    @Test func newRowsReadBackAsTheDocumentsTheOldCodeStored() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 200, seed: 5, now: testNow).generate(into: engine.db)
        let (model, _) = try engine.currentChurnModel()
        let medians = try engine.bookMedians()
        try engine.rescore(now: testNow, chunk: 64)
        var scores: [Int64: CustomerScore] = [:]
        try engine.forEachCustomerSignals(asOf: testNow) { scores[$0.customerRowID] = engine.score($0, model: model, medians: medians) }
        let customers = try engine.db.query("SELECT id, uuid FROM customers ORDER BY id") { ($0.int64(0), $0.text(1)) }
        #expect(scores.count == customers.count)
        for (row, id) in customers {
            let sc = try #require(scores[row])
            let stored = engine.storedHealthDocument(customerID: id, sc, at: testNow)
            let old = try Engine.healthDocumentShape.expand(stored, customerID: id, calculatedAt: testNow).serialized()
            #expect(try engine.healthScoreHistory(customerId: id, limit: 1).map { $0.serialized() } == [old])
        }
        #expect(try engine.db.scalarInt("SELECT count(*) FROM health_scores WHERE document IS NOT NULL") == 0)
        // The route's own calculation: its response is the entry read back.
        for (_, id) in customers.prefix(40) {
            let now = testNow + 3_600
            let response = try engine.calculateHealthScore(customerId: id, now: now)
            let old = try Engine.healthDocumentShape.expand(Engine.healthDocumentShape.stored(response.json, customerID: id, calculatedAt: now),
                                                            customerID: id, calculatedAt: now).serialized()
            #expect(old == response.json.serialized())
            #expect(try engine.healthScoreHistory(customerId: id, limit: 1).first?.serialized() == old)
        }
    }

    /// A score whose texts the code table does not know is stored as its document, and reads back the same.
    @Test func aScoreTheNumbersCannotHoldKeepsItsDocument() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 20, seed: 5, now: testNow).generate(into: engine.db)
        let (model, version) = try engine.currentChurnModel()
        let medians = try engine.bookMedians()
        var sc: CustomerScore?
        try engine.forEachCustomerSignals(asOf: testNow, customerRows: 1...1) { sc = engine.score($0, model: model, medians: medians) }
        var score = try #require(sc)
        score.prediction.recommendations.append(ChurnPrediction.Recommendation(action: "Send flowers", priority: "low", expectedImpact: "none"))
        #expect(HealthHistoryRow.numbers(score) == nil)
        let id = try #require(try engine.db.queryOne("SELECT uuid FROM customers WHERE id = 1") { $0.text(0) })
        try engine.db.run("DELETE FROM health_scores")
        try engine.db.run(Engine.healthHistoryInsert, Engine.healthHistoryValues(score, customerID: id, modelVersion: version, now: testNow))
        #expect(try engine.db.scalarInt("SELECT count(*) FROM health_scores WHERE document IS NOT NULL") == 1)
        let entry = try #require(try engine.healthScoreHistory(customerId: id, limit: 1).first)
        #expect(entry.serialized() == CustomerHealthScore(customerId: id, score, at: testNow).json.serialized())
        #expect(entry["recommendations"]?.arrayValue?.last == .string("Send flowers"))
    }

    /// The code tables hold every text this release writes, and schema 16's migration holds the same codes.
    @Test func theCodeTablesCoverTodaysTextsAndMatchTheMigration() {
        for f in RiskFactor.allCases {
            #expect(HealthHistoryRow.riskFactorTitles.contains(f.title))
            #expect(HealthHistoryRow.recommendationActions.contains(f.action))
        }
        for (i, t) in HealthHistoryRow.riskFactorTitles.enumerated() { #expect(Migrations.Version16.sql.contains("WHEN '\(t)' THEN \(i + 1) ")) }
        for (i, t) in HealthHistoryRow.recommendationActions.enumerated() { #expect(Migrations.Version16.sql.contains("WHEN '\(t)' THEN \(i + 1) ")) }
        #expect(HealthHistoryRow.codes(["No recent contact", "Low engagement"], Dictionary(uniqueKeysWithValues: HealthHistoryRow.riskFactorTitles.enumerated().map { ($1, Int64($0 + 1)) })) == 19)
        #expect(HealthHistoryRow.tenths(72.4) == 724 && HealthHistoryRow.tenths(-2.5) == -25 && HealthHistoryRow.tenths(97.25) == nil)
    }
}
