import Foundation
import Testing
@testable import RetentionCore

/// `retention rescore --changed` writes the scattered changed customers' scores in one pass
/// (`Engine.applyRescoredScattered`): the same scores a full rescore at the same time gives them, the score
/// totals kept, and nobody else touched.
@Suite struct RescoreChangedTests {
    @Test func theChangedCustomersGetTheScoresAFullRescoreGivesThem() throws {
        func book() throws -> Engine {
            let engine = try makeEngine()
            try DemoBook(customers: 120, seed: 7, now: testNow).generate(into: engine.db)
            try engine.rescore(.all, now: testNow)
            // Every 7th customer's policies re-rated (a premium down by half), a change that moves scores and values.
            try engine.db.run("UPDATE policies SET annual_premium_cents = annual_premium_cents / 2, updated_at = ? WHERE customer_id % 7 = 0",
                              [.int(Int64(testNow + 100))])
            return engine
        }
        let changed = try book(), full = try book()
        let rows = try changed.changedCustomerRows()
        #expect(rows.count > 10 && rows.allSatisfy { $0 % 7 == 0 })
        let others = try changed.db.query("SELECT id, health_score, churn_risk, projected_ltv_cents, scored_at FROM customers WHERE id % 7 <> 0 ORDER BY id") {
            [$0.value(0), $0.value(1), $0.value(2), $0.value(3), $0.value(4)]
        }
        #expect(try changed.rescore(.changed, now: testNow + 200).customers == rows.count)
        try full.rescore(.all, now: testNow + 200)
        let columns = "id, health_score, churn_risk, churn_probability, top_risk_factor, projected_ltv_cents, ltv_tier, scored_at"
        func scores(_ e: Engine) throws -> [[SQLValue]] {
            try e.db.query("SELECT \(columns) FROM customers WHERE id % 7 = 0 ORDER BY id") { r in (0..<8).map { r.value(Int32($0)) } }
        }
        let got = try scores(changed)
        #expect(got == (try scores(full)))
        #expect(got.contains { $0[5] != .null }, "values were computed")
        let moved = try changed.db.scalarInt("SELECT count(*) FROM customers WHERE id % 7 = 0 AND projected_ltv_cents IS NOT NULL")
        #expect(moved > 0)
        #expect(try changed.db.query("SELECT id, health_score, churn_risk, projected_ltv_cents, scored_at FROM customers WHERE id % 7 <> 0 ORDER BY id") {
            [$0.value(0), $0.value(1), $0.value(2), $0.value(3), $0.value(4)]
        } == others, "nobody else is touched")
        try CustomerTotalsTests.expectKept(changed.db, "a changed-only rescore")
        #expect(try changed.db.integrityCheck() == "ok")
    }
}

/// How `rescore --changed` cuts its work: groups of at most a thousand customers read and scored at a time (so the
/// writer starts on the first while the readers go on), written in transactions of several groups.
@Suite struct RescoreChangedGroupsTests {
    @Test func theChangedCustomersAreReadInSmallGroupsOfNearbyRanges() {
        // 2,500 customers ten rows apart: one range each run of neighbours less than 32 apart, at most 1,000 customers a group.
        let rows = (1...2_500).map { Int64($0) * 10 }
        let groups = Engine.changedReadGroups(rows, chunk: 5_000)
        #expect(groups.map { $0.reduce(0) { $0 + rows.count(in: $1) } } == [1_000, 1_000, 500])
        #expect(groups.flatMap { $0 }.reduce(0) { $0 + rows.count(in: $1) } == rows.count, "every customer in exactly one group")
        #expect(Engine.changedReadGroups(rows, chunk: 300).map { $0.reduce(0) { $0 + rows.count(in: $1) } }.max() == 300, "a smaller chunk is kept")
        // Customers far apart: one range each, no read of the customers between.
        let far: [Int64] = [5, 1_000, 2_000_000]
        #expect(Engine.changedReadGroups(far, chunk: 5_000) == [[5...5, 1_000...1_000, 2_000_000...2_000_000]])
        #expect(Engine.changedReadGroups([], chunk: 5_000).isEmpty)
    }

    /// The groups are written in order, `groupsPerTransaction` to a transaction: an error in one rolls back
    /// only its own transaction's groups, those committed before it stay.
    @Test func groupsAreCommittedTogetherAndAnErrorRollsBackOnlyItsTransaction() throws {
        let engine = try makeEngine()
        try engine.db.execute(Engine.rescoredScoresTable)
        try engine.db.execute("CREATE TABLE written (g INTEGER)")
        struct Stop: Error {}
        var order: [Int] = []
        #expect(throws: Stop.self) {
            try engine.writeChangedGroups(7, groupsPerTransaction: 3) { g in
                #expect(engine.db.isInTransaction)
                order.append(g)
                if g == 4 { throw Stop() }
                try engine.db.run("INSERT INTO written VALUES (?)", [.int(Int64(g))])
            }
        }
        #expect(order == [0, 1, 2, 3, 4])
        #expect(try engine.db.query("SELECT g FROM written ORDER BY g") { $0.int(0) } == [0, 1, 2], "group 3 was in the transaction that failed")
        #expect(!engine.db.isInTransaction)
        order = []
        try engine.writeChangedGroups(5, groupsPerTransaction: 50) { order.append($0) }
        #expect(order == [0, 1, 2, 3, 4])
    }
}
