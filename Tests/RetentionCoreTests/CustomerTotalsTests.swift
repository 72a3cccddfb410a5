import Foundation
import Testing
@testable import RetentionCore

/// `customer_totals` against the definition, summed here from every customer row after each kind of write:
/// the triggers (agent, active policies, premiums paid, satisfaction) and the score writers (rescore, one
/// customer's health score or LTV) must keep it equal to a direct sum at every step.
@Suite struct CustomerTotalsTests {
    /// What the metrics define, from the table: per agent, the sums over active customers (zero sums left out).
    static func direct(_ db: Database) throws -> [String: [String: Int64]] {
        var out: [String: [String: Int64]] = [:]
        try db.forEach("""
            SELECT agent_id, active_policies, lifetime_value_cents, satisfaction_score, scored_at IS NOT NULL, health_score, churn_risk, projected_ltv_cents
            FROM customers
            """) { r in
            guard r.int(1) > 0 else { return }
            var sums = out[r.text(0), default: [:]]
            func add(_ name: String, _ value: Int64) { sums[name, default: 0] += value }
            add("active", 1)
            add("paid_cents", r.int64(2))
            if !r.isNull(3) { add("satisfaction_count", 1); add("satisfaction_micros", Int64((r.double(3) * 1e6).rounded())) }
            if !r.isNull(7) { add("ltv_count", 1); add("ltv_cents", r.int64(7)) }
            if r.bool(4) {
                let health = r.double(5)
                add("scored", 1)
                add("health_micros", Int64((health * 1e6).rounded()))
                add(["risk_low", "risk_medium", "risk_high", "risk_critical"][r.int(6)], 1)
                add(health >= 80 ? "band_excellent" : health >= 60 ? "band_good" : health >= 40 ? "band_fair" : "band_poor", 1)
            }
            out[r.text(0)] = sums
        }
        return out.mapValues { $0.filter { $0.value != 0 } }.filter { !$0.value.isEmpty }
    }

    /// The rows kept by the database, without zero sums (and so without agents left with nothing).
    static func kept(_ db: Database) throws -> [String: [String: Int64]] {
        let names = CustomerTotals.columns.map(\.name)
        var out: [String: [String: Int64]] = [:]
        try db.forEach("SELECT agent_id, \(names.joined(separator: ", ")) FROM customer_totals") { r in
            let sums = Dictionary(uniqueKeysWithValues: names.indices.map { (names[$0], r.int64(Int32($0 + 1))) }).filter { $0.value != 0 }
            if !sums.isEmpty { out[r.text(0)] = sums }
        }
        return out
    }

    static func expectKept(_ db: Database, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let direct = try direct(db), kept = try kept(db)
        #expect(kept == direct, "after \(step)", sourceLocation: sourceLocation)
        #expect(!direct.isEmpty, "after \(step): the book has active customers", sourceLocation: sourceLocation)
    }

    @Test func everyWritePathKeepsTheTotals() throws {
        let engine = try makeEngine()
        let now = Timestamp.parse("2026-11-25")!
        try DemoBook(customers: 300, seed: 5, now: now).generate(into: engine.db)
        try Self.expectKept(engine.db, "the demo load")
        try engine.rescore(now: now)
        try Self.expectKept(engine.db, "the first rescore")
        #expect(try engine.db.scalarInt("SELECT sum(scored) FROM customer_totals") > 0)
        // Scores written behind the score writers' back are not followed (no trigger watches them): the
        // totals are rebuilt from the table after, and the next rescore moves every third customer back.
        try engine.db.run("UPDATE customers SET health_score = 50, churn_risk = 0, projected_ltv_cents = NULL WHERE id % 3 = 0")
        try CustomerTotals.rebuild(engine.db)
        try Self.expectKept(engine.db, "a rebuild")
        try engine.rescore(now: now + 86_400)
        try Self.expectKept(engine.db, "a rescore that changes every third customer's scores")

        let someone = try engine.db.queryOne("SELECT uuid FROM customers WHERE active_policies > 0 ORDER BY id LIMIT 1") { $0.text(0) }!
        try engine.calculateHealthScore(customerId: someone, now: now)
        try Self.expectKept(engine.db, "one customer's health score")
        try engine.db.run("UPDATE customers SET projected_ltv_cents = 1 WHERE uuid = ?", [.text(someone)])
        try CustomerTotals.rebuild(engine.db)
        _ = try engine.calculateLTV(customerId: someone, now: now)
        #expect(try engine.db.scalarInt("SELECT projected_ltv_cents FROM customers WHERE uuid = ?", [.text(someone)]) > 1)
        try Self.expectKept(engine.db, "one customer's LTV")

        let newcomer = try engine.createCustomer(try json(#"{"leadId":"n1","agentId":"agent-new","firstName":"Nia","lastName":"New","email":"nia@example.com"}"#), now: now)
        try Self.expectKept(engine.db, "a customer without policies")
        let policy = try engine.createPolicy(try json("""
            {"customerId":"\(newcomer.id)","policyNumber":"N-1","policyType":"home","premium":{"amount":900,"frequency":"annual"},
             "coverage":{"type":"std","amount":1000},"effectiveDate":"2026-01-01","expirationDate":"2027-01-01"}
            """), now: now)
        try Self.expectKept(engine.db, "the newcomer's first policy (now active)")
        #expect(try Self.kept(engine.db)["agent-new"]?["active"] == 1)
        _ = try engine.createEvent(try json("""
            {"customerId":"\(newcomer.id)","policyId":"\(policy.id)","eventType":"payment_received","data":{"amount":75}}
            """), now: now)
        try Self.expectKept(engine.db, "a payment (premiums paid to date)")
        _ = try engine.updateCustomer(id: newcomer.id, try json(#"{"satisfactionScore":72.5}"#), now: now)
        try Self.expectKept(engine.db, "a satisfaction score")
        try engine.calculateHealthScore(customerId: newcomer.id, now: now)
        _ = try engine.updateCustomer(id: newcomer.id, try json(#"{"agentId":"agent-avery"}"#), now: now)
        try Self.expectKept(engine.db, "a scored customer moved to another agent")
        #expect(try Self.kept(engine.db)["agent-new"] == nil, "the old agent's row is back to zero")
        _ = try engine.updatePolicy(id: policy.id, try json(#"{"status":"cancelled","endReason":"price"}"#), now: now)
        try Self.expectKept(engine.db, "the customer's only policy cancelled (no longer active)")

        let erased = try engine.db.queryOne("SELECT uuid FROM customers WHERE active_policies > 0 AND satisfaction_score IS NOT NULL ORDER BY id DESC LIMIT 1") { $0.text(0) }!
        try engine.eraseCustomer(customerId: erased, now: now)
        try Self.expectKept(engine.db, "an erasure (satisfaction removed)")

        try engine.db.execute("PRAGMA foreign_keys = OFF")
        try engine.db.run("DELETE FROM customers WHERE id = (SELECT min(id) FROM customers WHERE active_policies > 0 AND scored_at IS NOT NULL)")
        try engine.db.execute("PRAGMA foreign_keys = ON")
        try Self.expectKept(engine.db, "a customer row deleted")
    }

    /// The dashboard's count of high-risk customers from the totals equals the count over the table, erased
    /// customers still holding policies left out.
    @Test func theHighRiskCountIsTheTables() throws {
        let engine = try makeEngine()
        let now = Timestamp.parse("2026-11-25")!
        try DemoBook(customers: 400, seed: 12, now: now).generate(into: engine.db)
        try engine.rescore(now: now)
        let direct = { try engine.db.scalarInt("SELECT count(*) FROM customers WHERE churn_risk >= 2 AND active_policies > 0 AND erased_at IS NULL") }
        #expect(try direct() > 0)
        #expect(try engine.highRiskCustomerCount() == direct())
        let risky = try engine.db.queryOne("SELECT uuid FROM customers WHERE churn_risk >= 2 AND active_policies > 0 LIMIT 1") { $0.text(0) }!
        try engine.eraseCustomer(customerId: risky, now: now)
        #expect(try engine.db.scalarInt("SELECT active_policies FROM customers WHERE uuid = ?", [.text(risky)]) > 0, "an erased customer keeps their policies")
        #expect(try engine.highRiskCustomerCount() == direct())
    }

    /// The Swift sums of the score writers and the SQL of the triggers and the refill agree on every edge
    /// (band limits, each risk, no LTV, not scored, health with decimals).
    @Test func theScoreWritersSumLikeTheSQL() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(#"{"leadId":"e1","agentId":"ag","firstName":"E","lastName":"Dge","email":"e@example.com"}"#), now: testNow)
        _ = try engine.createPolicy(try json(specPolicyBody(customerId: c.id)), now: testNow)
        let row = try engine.customerRowID(c.id)
        let cases: [(Double, Int, Int?, Bool)] = [(80, 0, 100, true), (79.9, 1, nil, true), (60, 2, 5, true), (59.95, 3, 0, true),
                                                   (40, 0, 7, true), (39.9, 1, 7, true), (12.345678, 2, 9, true), (90, 3, 1, false)]
        for (health, risk, ltv, scored) in cases {
            try engine.db.transaction {
                try engine.updatingScoreTotals(of: row...row) {
                    try engine.db.run("UPDATE customers SET health_score = ?, churn_risk = ?, projected_ltv_cents = ?, scored_at = ? WHERE id = ?",
                                      [.double(health), .int(Int64(risk)), .init(ltv), scored ? .int(1) : .null, .int(row)])
                }
            }
            try Self.expectKept(engine.db, "health \(health), risk \(risk), LTV \(ltv.map(String.init) ?? "none"), scored \(scored)")
            try engine.db.execute("CREATE TEMP TABLE IF NOT EXISTS refilled AS SELECT * FROM customer_totals WHERE 0")
            try engine.db.execute("DELETE FROM temp.refilled; \(CustomerTotals.refill.replacingOccurrences(of: "INSERT INTO customer_totals", with: "INSERT INTO temp.refilled"))")
            #expect(try engine.db.query("SELECT * FROM customer_totals EXCEPT SELECT * FROM temp.refilled") { $0.text(0) }.isEmpty)
        }
    }

    /// A book written before schema 7 gets its totals from the table when it is upgraded.
    @Test func theUpgradeFillsTheTotalsFromTheTable() throws {
        let db = try Database(path: ":memory:")
        for step in Migrations.all.prefix(6) { try db.execute(step) }
        try db.execute("PRAGMA application_id = \(Migrations.applicationID); PRAGMA user_version = 6")
        for (i, (agent, active, health, scored)) in [("a", 1, 81.5, true), ("a", 2, 45.0, true), ("b", 1, 50.0, false), ("b", 0, 99.0, true)].enumerated() {
            try db.run("""
                INSERT INTO customers (uuid, lead_id, agent_id, first_name, last_name, email, customer_since, active_policies, lifetime_value_cents,
                  satisfaction_score, health_score, churn_risk, scored_at, projected_ltv_cents, created_at, updated_at)
                VALUES (?, ?, ?, 'F', 'L', 'e@x.com', 0, ?, ?, ?, ?, ?, ?, ?, 0, 0)
                """, [.text("u\(i)"), .text("l\(i)"), .text(agent), .int(Int64(active)), .int(Int64(1000 * (i + 1))), .double(70 + Double(i)),
                      .double(health), .int(Int64(i % 4)), scored ? .int(1) : .null, .int(Int64(500 * i))])
        }
        try Store.migrate(db)
        try Self.expectKept(db, "the upgrade to schema 7")
        #expect(try Self.kept(db)["a"]?["active"] == 2)
        #expect(try Self.kept(db)["b"]?["scored"] == nil, "b's only scored customer is not active")
    }
}
