import Testing
@testable import RetentionCore

/// An event's `triggeredActions` carried out in the event's own transaction.
@Suite struct TriggeredActionsTests {
    /// A customer with one monthly auto policy ($100 a month) in force since 2023-01-01, so the whole window
    /// of a score at `testNow` (2024-01-15T10:30:00Z) owes 12 instalments.
    func book(_ engine: Engine, customer: String = specCustomerBody) throws -> (customer: Customer, policy: Policy) {
        let c = try engine.createCustomer(try json(customer), now: testNow)
        let p = try engine.createPolicy(try json("""
            {"customerId":"\(c.id)","policyNumber":"P-1","policyType":"auto","premium":{"amount":100,"frequency":"monthly"},
             "coverage":{"type":"std","amount":10000},"effectiveDate":"2023-01-01","expirationDate":"2024-07-01"}
            """), now: testNow)
        return (c, p)
    }

    /// The score an `update_health_score` action computes counts the event that triggered it, recorded in the
    /// same second: 1 missed of 12 due → paymentHistory = 100·(1 − 1/12) = 91.7 (it stayed at 100 when the
    /// signals were read strictly before the second).
    @Test func aMissedPaymentCountsInTheScoreItTriggers() throws {
        let engine = try makeEngine()
        let (c, p) = try book(engine)
        let before = try engine.calculateHealthScore(customerId: c.id, now: testNow - 1)
        #expect(before["components"]?["financial"]?["paymentHistory"] == .number(100))
        try engine.createEvent(try json("""
            {"customerId":"\(c.id)","policyId":"\(p.id)","eventType":"payment_missed","severity":"warning",
             "data":{"amount":100},"triggeredActions":["update_health_score"]}
            """), now: testNow)
        let stored = try #require(try engine.healthScoreHistory(customerId: c.id, limit: 1).first)
        #expect(stored["calculatedAt"] == .string("2024-01-15T10:30:00Z"))
        #expect(stored["components"]?["financial"]?["paymentHistory"] == .number(91.7))
    }
}
