import Foundation
import Testing
@testable import RetentionCore

/// `premium_changes`, the narrow table the revenue metrics read, stays in step with the events on
/// every write path.
@Suite struct PremiumChangesTests {
    func rows(_ engine: Engine) throws -> [[String]] {
        try engine.db.query("""
            SELECT renewal, policy_type, term_months, annual_premium_cents, premium_before_cents, premium_after_cents FROM premium_changes ORDER BY event_id
            """) { r in (0..<6).map { r.isNull($0) ? "null" : r.text($0) } }
    }

    @Test func aRenewalIsRecordedWithThePremiumsOfTheTermItStarts() throws {
        let engine = try makeEngine()
        let customer = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let policy = try engine.createPolicy(try json(specPolicyBody(customerId: customer.id)), now: testNow)
        #expect(try rows(engine).isEmpty, "creating a policy is not a premium change")
        _ = try engine.renewPolicy(id: policy.id, try json(#"{"premium":{"amount":1650,"frequency":"annual"}}"#), now: testNow + 86_400)
        #expect(try rows(engine) == [["1", "auto", "12", "165000", "150000.0", "165000.0"]])
    }

    @Test func eventsRecordedThroughTheAPIAndErasureKeepItInStep() throws {
        let engine = try makeEngine()
        let customer = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let policy = try engine.createPolicy(try json(specPolicyBody(customerId: customer.id)), now: testNow)
        _ = try engine.createEvent(try json("""
            {"customerId":"\(customer.id)","policyId":"\(policy.id)","eventType":"coverage_changed","data":{"premiumBefore":1500,"premiumAfter":1200,"note":"raised deductible"}}
            """), now: testNow)
        _ = try engine.createEvent(try json(#"{"customerId":"\#(customer.id)","eventType":"contact_made"}"#), now: testNow)
        #expect(try rows(engine) == [["0", "auto", "12", "150000", "150000.0", "120000.0"]])
        // Erasure keeps the numbers of event data, so the metrics keep the change.
        try engine.eraseCustomer(customerId: customer.id, now: testNow + 60)
        #expect(try rows(engine) == [["0", "auto", "12", "150000", "150000.0", "120000.0"]])
    }

    @Test func upgradingAVersion1DatabaseFillsItFromTheEventsAlreadyThere() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/v1.db"
        do {
            let db = try Database(path: path)
            try db.execute(Migrations.Version01.sql)
            try db.execute("PRAGMA application_id = \(Migrations.applicationID); PRAGMA user_version = 1")
            try db.execute("""
                INSERT INTO customers (id, uuid, lead_id, agent_id, first_name, last_name, email, customer_since, created_at, updated_at)
                  VALUES (1, 'c1', 'l1', 'a', 'Ann', 'Lee', 'ann@example.com', 0, 0, 0);
                INSERT INTO policies (id, uuid, customer_id, agent_id, policy_number, policy_type, status, premium_cents, premium_frequency,
                  annual_premium_cents, coverage_type, coverage_amount_cents, inception_date, effective_date, expiration_date, renewal_date,
                  term_months, created_at, updated_at)
                  VALUES (1, 'p1', 1, 'a', 'P-1', 'home', 'active', 100000, 'annual', 100000, 'dwelling', 1, 0, 100, 200, 200, 12, 0, 0);
                INSERT INTO retention_events (uuid, customer_id, policy_id, event_type, severity, data, occurred_at, created_by, created_at)
                  VALUES ('e1', 1, 1, 'policy_renewed', 'info', '{"premiumAfter":1000}', 100, 't', 100),
                         ('e2', 1, 1, 'claim_filed', 'warning', '{"amount":50}', 150, 't', 150);
                """)
        }
        let upgraded = Engine(database: try Store.open(path: path), user: "t")
        #expect(try rows(upgraded) == [["1", "home", "12", "100000", "null", "100000.0"]])
    }
}
