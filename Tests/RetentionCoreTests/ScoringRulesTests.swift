import Foundation
import Testing
@testable import RetentionCore

/// The scoring rules that read a customer's history, on small books worked out by hand:
/// premium growth counts re-rates, tenure stops when a customer leaves, a missed payment is a payment due.
@Suite struct ScoringRulesTests {
    func d(_ s: String) -> Int { Timestamp.parse(s)! }

    func customer(_ engine: Engine, _ lead: String) throws -> String {
        try engine.createCustomer(try json(#"{"leadId":"\#(lead)","agentId":"ag","firstName":"\#(lead)","lastName":"X","email":"\#(lead)@example.com"}"#), now: d("2022-01-01")).id
    }
    func policy(_ engine: Engine, _ cid: String, _ number: String, _ type: String, _ premium: Int, _ from: String, _ to: String, frequency: String = "annual") throws -> String {
        try engine.createPolicy(try json("""
            {"customerId":"\(cid)","policyNumber":"\(number)","policyType":"\(type)","premium":{"amount":\(premium),"frequency":"\(frequency)"},
             "coverage":{"type":"std","amount":1000},"effectiveDate":"\(from)","expirationDate":"\(to)"}
            """), now: d(from)).id
    }
    func signals(_ engine: Engine, _ cid: String, at: String) throws -> CustomerSignals {
        let row = try engine.customerRowID(cid)
        var found: CustomerSignals?
        try engine.forEachCustomerSignals(asOf: d(at), customerRows: row...row) { found = $0 }
        return try #require(found)
    }

    /// Auto $1,000 from 2023-03-01, PATCHed to $1,200 on 2023-03-15 (before the window), renewed at $1,500 on
    /// 2024-03-01. As of 2024-04-01 the window starts 2023-04-02: P_then = $1,200 (today's 1,500 less the +300
    /// renewal re-rate since), P_now = $1,500, g = +25 %, growth score 50 + 2.5·25 = 112.5 → 100.
    @Test func aReRateAtRenewalIsPremiumGrowth() throws {
        let engine = try makeEngine()
        let c = try customer(engine, "G")
        let p = try policy(engine, c, "G1", "auto", 1000, "2023-03-01", "2024-03-01")
        try engine.updatePolicy(id: p, try json(#"{"premium":{"amount":1200}}"#), now: d("2023-03-15"))
        try engine.renewPolicy(id: p, try json(#"{"premium":{"amount":1500}}"#), now: d("2024-03-01"))
        let s = try signals(engine, c, at: "2024-04-01")
        #expect(s.premiumNowCents == 150_000 && s.premiumYearAgoCents == 120_000)
        let h = HealthScore.compute(s)
        #expect(h.financial.premiumGrowth == 25)
        // Adding a $1,000 home policy on 2024-03-15: P_now = $2,500 against $1,200: g = +108.3 %.
        _ = try policy(engine, c, "G2", "home", 1000, "2024-03-15", "2025-03-15")
        let s2 = try signals(engine, c, at: "2024-04-01")
        #expect(s2.premiumNowCents == 250_000 && s2.premiumYearAgoCents == 120_000)
        #expect(HealthScore.compute(s2).financial.premiumGrowth == 108.3)
    }

    /// A premium change recorded after the observation instant still comes off today's premium: auto $1,000 from
    /// 2022-06-01, renewed at $1,200 on 2023-06-01 and at $1,500 on 2024-06-01. As of 2024-02-01 (the window from
    /// 2023-02-01, when the policy was in force at $1,000): P_then = 1,500 − 300 − 200 = $1,000. The changes come
    /// with the customer's events (one read of each), not from a look-up per policy: the same figure.
    @Test func aReRateAfterTheObservationInstantStillComesOffThePremiumThen() throws {
        let engine = try makeEngine()
        let c = try customer(engine, "L")
        let p = try policy(engine, c, "L1", "auto", 1000, "2022-06-01", "2023-06-01")
        try engine.renewPolicy(id: p, try json(#"{"premium":{"amount":1200}}"#), now: d("2023-06-01"))
        try engine.renewPolicy(id: p, try json(#"{"premium":{"amount":1500}}"#), now: d("2024-06-01"))
        #expect(try signals(engine, c, at: "2024-02-01").premiumYearAgoCents == 100_000)
        // As of 2024-07-01 (from 2023-07-02, at $1,200 then): only the later re-rate comes off.
        #expect(try signals(engine, c, at: "2024-07-01").premiumYearAgoCents == 120_000)
    }

    /// A policy that started inside the window had no premium a year ago: its own changes do not count.
    @Test func aNewPolicysReRateIsNotGrowthOfTheOldBook() throws {
        let engine = try makeEngine()
        let c = try customer(engine, "N")
        _ = try policy(engine, c, "N1", "auto", 1000, "2023-01-01", "2025-01-01")
        let home = try policy(engine, c, "N2", "home", 500, "2023-09-01", "2024-09-01")
        try engine.updatePolicy(id: home, try json(#"{"premium":{"amount":800}}"#), now: d("2023-12-01"))
        let s = try signals(engine, c, at: "2024-02-01")
        // P_then = $1,000 (auto only), P_now = $1,000 + $800: g = +80 %.
        #expect(s.premiumYearAgoCents == 100_000 && s.premiumNowCents == 180_000)
    }

    /// Which changes come off, matched against the customer's policies in force a year ago (their row ids come with
    /// the policies' read, not from a look-up per change): auto $1,000 from 2022-06-01, renewed at $1,200 on
    /// 2023-06-01 and cancelled on 2023-12-01 (in force a year ago: its +200 comes off though it has ended); home $500
    /// from 2023-09-01, PATCHed to $800 on 2023-12-01 (not in force a year ago: its +300 does not). As of 2024-02-01
    /// (from 2023-02-01): P_then = 1,200 − 200 = $1,000; P_now = $800 (the home policy only).
    @Test func onlyChangesOnPoliciesInForceAYearAgoComeOff() throws {
        let engine = try makeEngine()
        let c = try customer(engine, "M")
        let auto = try policy(engine, c, "M1", "auto", 1000, "2022-06-01", "2023-06-01")
        try engine.renewPolicy(id: auto, try json(#"{"premium":{"amount":1200}}"#), now: d("2023-06-01"))
        let home = try policy(engine, c, "M2", "home", 500, "2023-09-01", "2024-09-01")
        try engine.updatePolicy(id: home, try json(#"{"premium":{"amount":800}}"#), now: d("2023-12-01"))
        try engine.updatePolicy(id: auto, try json(#"{"status":"cancelled","endReason":"moved"}"#), now: d("2023-12-01"))
        let s = try signals(engine, c, at: "2024-02-01")
        #expect(s.premiumYearAgoCents == 100_000 && s.premiumNowCents == 80_000)
    }

    /// A customer from 2020-01-01 whose only policy ended on 2022-07-01 has 30 months' tenure in 2024, not 48.
    @Test func tenureStopsWhenTheCustomerLeaves() throws {
        let engine = try makeEngine()
        let c = try customer(engine, "T")
        let p = try policy(engine, c, "T1", "auto", 800, "2020-01-01", "2023-01-01")
        try engine.updatePolicy(id: p, try json(#"{"status":"cancelled","endReason":"moved"}"#), now: d("2022-07-01"))
        #expect(try signals(engine, c, at: "2024-01-01").tenureMonths == 30)
        // The customer record was created in 2022 but the policy is back-dated to 2020: customerSince follows it,
        // so it agrees with the tenure.
        #expect(try engine.customer(id: c).customerSince == d("2020-01-01"))
        // While in force (as of 2022-03-01), tenure runs to the observation date: 26 months.
        #expect(try signals(engine, c, at: "2022-03-01").tenureMonths == 26)
        // One who comes back: tenure runs again from the first inception.
        _ = try policy(engine, c, "T2", "auto", 800, "2023-06-01", "2024-06-01")
        #expect(try signals(engine, c, at: "2024-01-01").tenureMonths == 48)
    }

    /// A monthly policy 10 days in force (12 × 10/365 = 0.33 instalments due, rounded to 0) with one payment
    /// missed: n = max(0, 1) = 1 → paymentHistory 0. The same policy with nothing missed: 100.
    @Test func aMissedPaymentIsAPaymentDue() throws {
        let engine = try makeEngine()
        let c = try customer(engine, "P")
        let p = try policy(engine, c, "P1", "auto", 100, "2024-01-01", "2025-01-01", frequency: "monthly")
        let clean = try signals(engine, c, at: "2024-01-11")
        #expect(clean.paymentsDue == 0 && HealthScore.compute(clean).financial.paymentHistory == 100)
        _ = try engine.createEvent(try json(#"{"customerId":"\#(c)","policyId":"\#(p)","eventType":"payment_missed","data":{"amount":100}}"#), now: d("2024-01-05"))
        let missed = try signals(engine, c, at: "2024-01-11")
        #expect(missed.paymentsDue == 0 && missed.paymentsMissed == 1)
        #expect(HealthScore.compute(missed).financial.paymentHistory == 0)
        // 12 due, 3 missed: 100·(1 − 3/12) = 75.
        var s = missed
        (s.paymentsDue, s.paymentsMissed) = (12, 3)
        #expect(HealthScore.compute(s).financial.paymentHistory == 75)
    }
}
