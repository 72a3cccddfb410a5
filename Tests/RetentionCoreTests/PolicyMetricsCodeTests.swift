import Foundation
import Testing
@testable import RetentionCore

/// `policies.metrics_code`: the Swift function the loads use, the SQL the triggers use, and the triggers
/// keeping every policy's code right.
@Suite struct PolicyMetricsCodeTests {
    static let types = PolicyType.allCases.map(\.rawValue) + ["crop"]
    static let statuses = PolicyStatus.allCases.map(\.rawValue) + ["suspended"]
    static let reasons: [String?] = [nil, "rewritten", "price", "Rewritten"]

    @Test func swiftAndSQLGiveTheSameCodeAndTheCodeDecodes() throws {
        let db = try Store.inMemory()
        for type in Self.types {
            for status in Self.statuses {
                for reason in Self.reasons {
                    let code = PolicyMetricsCode.code(type: type, status: status, endReason: reason)
                    let sql = try db.scalarInt("SELECT \(PolicyMetricsCode.sqlExpression("t")) FROM (SELECT ? AS policy_type, ? AS status, ? AS end_reason) t",
                                               [.text(type), .text(status), .init(reason)])
                    #expect(code == sql, "\(type) \(status) \(reason ?? "nil")")
                    let decoded = PolicyMetricsCode.decode(code)
                    #expect(decoded.line == PolicyType(rawValue: type).flatMap { PolicyType.allCases.firstIndex(of: $0) })
                    #expect(decoded.ending == (PolicyStatus(rawValue: status).map(BookTotals.ending) ?? .none))
                    #expect(decoded.rewritten == (reason == "rewritten"))
                }
            }
        }
        #expect(PolicyMetricsCode.code(type: "life", status: "cancelled", endReason: "rewritten") == 4 * 16 + 1 * 2 + 1)
        #expect(PolicyMetricsCode.code(type: "crop", status: "expired", endReason: nil) == 63 * 16 + 3 * 2)
    }

    @Test func theTriggersKeepEveryPolicysCodeRight() throws {
        let engine = try makeEngine()
        let customer = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let policy = try engine.createPolicy(try json(specPolicyBody(customerId: customer.id)), now: testNow)
        let code = { try engine.db.scalarInt("SELECT metrics_code FROM policies WHERE uuid = ?", [.text(policy.id)]) }
        let expected = { try engine.db.scalarInt("SELECT \(PolicyMetricsCode.sqlExpression("p")) FROM policies p WHERE uuid = ?", [.text(policy.id)]) }
        #expect(try code() == PolicyMetricsCode.code(type: "auto", status: "active", endReason: nil), "a policy created through the API")
        _ = try engine.updatePolicy(id: policy.id, try json(#"{"status":"cancelled","endReason":"rewritten"}"#), now: testNow)
        #expect(try code() == PolicyMetricsCode.code(type: "auto", status: "cancelled", endReason: "rewritten"), "a status change")
        try engine.db.run("UPDATE policies SET status = 'expired' WHERE uuid = ?", [.text(policy.id)])
        #expect(try code() == PolicyMetricsCode.code(type: "auto", status: "expired", endReason: "rewritten"), "a status changed behind the API's back")
        try engine.db.run("UPDATE policies SET status = 'cancelled' WHERE uuid = ?", [.text(policy.id)])
        try engine.db.run("UPDATE policies SET policy_type = 'crop' WHERE uuid = ?", [.text(policy.id)])
        #expect(try code() == PolicyMetricsCode.code(type: "crop", status: "cancelled", endReason: "rewritten"), "a line changed behind the API's back")
        try engine.db.run("UPDATE policies SET metrics_code = 5 WHERE uuid = ?", [.text(policy.id)])
        #expect(try code() == expected(), "a wrong code written directly is put right")
        try engine.db.run("""
            INSERT INTO policies (uuid, customer_id, agent_id, policy_number, policy_type, status, premium_cents, premium_frequency, annual_premium_cents,
              coverage_type, coverage_amount_cents, inception_date, effective_date, expiration_date, renewal_date, term_months, end_reason, created_at, updated_at)
            SELECT 'raw', customer_id, agent_id, 'RAW-1', 'pet', 'lapsed', 100, 'annual', 100, 'std', 1000, 0, 0, 10, 10, 12, 'non_payment', 0, 0
            FROM policies WHERE uuid = ?
            """, [.text(policy.id)])
        #expect(try engine.db.scalarInt("SELECT metrics_code FROM policies WHERE uuid = 'raw'") == PolicyMetricsCode.code(type: "pet", status: "lapsed", endReason: "non_payment"),
                "a row inserted without a code gets one")
    }

    @Test func theUpgradeCodesThePoliciesAlreadyWritten() throws {
        let db = try Database(path: ":memory:")
        for step in Migrations.all.prefix(6) { try db.execute(step) }
        try db.execute("PRAGMA application_id = \(Migrations.applicationID); PRAGMA user_version = 6")
        try db.run("INSERT INTO customers (uuid, lead_id, agent_id, first_name, last_name, email, customer_since, created_at, updated_at) VALUES ('c', 'l', 'a', 'F', 'L', 'e@x.com', 0, 0, 0)")
        for (i, (type, status, reason)) in [("home", "active", nil), ("umbrella", "cancelled", "rewritten"), ("crop", "expired", "x")].enumerated() {
            try db.run("""
                INSERT INTO policies (uuid, customer_id, agent_id, policy_number, policy_type, status, premium_cents, premium_frequency, annual_premium_cents,
                  coverage_type, coverage_amount_cents, inception_date, effective_date, expiration_date, renewal_date, term_months, end_reason, created_at, updated_at)
                VALUES (?, 1, 'a', ?, ?, ?, 100, 'annual', 100, 'std', 1000, 0, 0, 10, 10, 12, ?, 0, 0)
                """, [.text("p\(i)"), .text("N\(i)"), .text(type), .text(status), .init(reason)])
        }
        try Store.migrate(db)
        let codes = try db.query("SELECT metrics_code FROM policies ORDER BY id") { $0.int(0) }
        #expect(codes == [PolicyMetricsCode.code(type: "home", status: "active", endReason: nil),
                          PolicyMetricsCode.code(type: "umbrella", status: "cancelled", endReason: "rewritten"),
                          PolicyMetricsCode.code(type: "crop", status: "expired", endReason: "x")])
        let plan = try db.query("EXPLAIN QUERY PLAN SELECT customer_id, metrics_code, inception_date, ended_at, annual_premium_cents, id FROM policies ORDER BY customer_id") { $0.text(3) }
        #expect(plan.contains { $0.contains("COVERING INDEX policies_metrics") }, "the metrics pass reads the index alone: \(plan)")
    }
}
