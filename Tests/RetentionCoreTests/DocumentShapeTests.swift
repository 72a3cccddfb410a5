import Testing
@testable import RetentionCore

/// History documents are stored as their values and read back as the documents the routes returned.
@Suite struct DocumentShapeTests {
    let shape: DocumentShape = .object([
        ("customerId", .customerID), ("score", .value),
        ("parts", .object([("a", .value), ("b", .value)])), ("tags", .value), ("calculatedAt", .calculatedAt),
    ])

    func document(id: String = "c-1", at: Int = testNow) -> JSONValue {
        .object([("customerId", .string(id)), ("score", .number(61.5)),
                 ("parts", .object([("a", .null), ("b", .string("x \"y\""))])), ("tags", .array([.string("vip")])),
                 ("calculatedAt", .string(Timestamp.formatInstant(at)))])
    }

    @Test func storesOnlyTheValuesAndRebuildsTheSameDocument() throws {
        let stored = try #require(shape.compact(document(), customerID: "c-1", calculatedAt: testNow))
        #expect(stored == #"[61.5,null,"x \"y\"",["vip"]]"#)
        #expect(try shape.expand(stored, customerID: "c-1", calculatedAt: testNow) == document())
    }

    @Test func aDocumentOfAnotherShapeOrAnotherRowIsStoredWhole() throws {
        #expect(shape.compact(document(id: "c-2"), customerID: "c-1", calculatedAt: testNow) == nil)
        #expect(shape.compact(document(at: testNow + 1), customerID: "c-1", calculatedAt: testNow) == nil)
        var pairs = try #require(document().objectPairs)
        pairs.swapAt(1, 2)
        let reordered = JSONValue.object(pairs)
        #expect(shape.compact(reordered, customerID: "c-1", calculatedAt: testNow) == nil)
        #expect(shape.compact(.object(pairs.dropLast()), customerID: "c-1", calculatedAt: testNow) == nil)
        // Stored whole, it reads back as it was (rows written before compaction read the same way).
        let whole = shape.stored(reordered, customerID: "c-1", calculatedAt: testNow)
        #expect(whole.hasPrefix("{"))
        #expect(try shape.expand(whole, customerID: "c-1", calculatedAt: testNow) == reordered)
    }

    @Test func storedValuesThatDoNotFitTheShapeAreAnError() {
        for bad in ["[1,2,3]", "[1,2,3,4,5]", "[1"] {
            #expect(throws: RetentionError.self) { try shape.expand(bad, customerID: "c-1", calculatedAt: testNow) }
        }
    }

    /// The shapes in the code match the documents the code builds: every history row a rescore and the
    /// routes write is compact, and the history routes return exactly what the calculation returned.
    @Test func scoreAndLTVHistoriesAreStoredCompactAndReadBackExactly() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 60, seed: 3, now: testNow).generate(into: engine.db)
        try engine.rescore(now: testNow, chunk: 16)
        let c = try #require(try engine.listCustomers(CustomerQuery()).items.first { $0.activePolicies > 0 })
        let health = try engine.calculateHealthScore(customerId: c.id, now: testNow + 60)
        let ltv = try engine.calculateLTV(customerId: c.id, now: testNow + 60)
        #expect(try engine.healthScoreHistory(customerId: c.id, limit: 1) == [health.json])
        #expect(try engine.ltvHistory(customerId: c.id, limit: 1) == [ltv.json])
        #expect(try engine.db.scalarInt("SELECT count(*) FROM ltv_history WHERE document IS NOT NULL") == 0)
        // Health-score rows hold numbers (schema 16, `HealthHistoryRow`), no document.
        #expect(try engine.db.scalarInt("SELECT count(*) FROM health_scores WHERE document IS NOT NULL") == 0)
        // The rescore's rows read back as the documents of that calculation.
        let fromRescore = try #require(try engine.healthScoreHistory(customerId: c.id, limit: 2).last)
        #expect(fromRescore["customerId"] == .string(c.id))
        #expect(fromRescore["calculatedAt"] == .string(Timestamp.formatInstant(testNow)))
        #expect(fromRescore["components"]?["lifecycle"]?["tenure"] != nil)
    }

    @Test func wholeDocumentsWrittenBeforeCompactionStillRead() throws {
        let engine = try makeEngine()
        let id = try engine.createCustomer(try json(specCustomerBody), now: testNow).id
        let whole = #"{"customerId":"\#(id)","overallScore":50,"calculatedAt":"2024-01-15T10:30:00Z"}"#
        try engine.db.run("""
            INSERT INTO health_scores (customer_id, calculated_at, overall, engagement, financial, satisfaction, lifecycle, churn_probability, churn_risk, document)
            VALUES (?, ?, 50, 50, 50, 50, 50, 0.1, 0, ?)
            """, [.int(try engine.customerRowID(id)), .int(Int64(testNow)), .text(whole)])
        #expect(try engine.healthScoreHistory(customerId: id, limit: 5) == [try json(whole)])
    }
}
