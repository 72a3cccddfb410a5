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
