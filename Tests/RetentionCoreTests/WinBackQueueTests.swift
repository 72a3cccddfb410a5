import Foundation
import Testing
@testable import RetentionCore

/// The win-back queue and the customer's status, on a small book worked out by hand.
///
/// - A: auto $800 from 2022-03-01, cancelled 2024-03-01 (price): left 2024-03-01 after 24 months.
/// - B: home $1,000 from 2021-01-01, cancelled 2024-01-15; back with a new home policy on 2024-04-01: not listed.
/// - C: auto $600 from 2020-01-01, cancelled 2023-01-01; back with auto $700 on 2023-06-01, lapsed 2024-02-01:
///   listed once, at 2024-02-01, 49 months from the first inception; $700 lost in the year before.
/// - D: in force: not listed. P: a prospect with no policy.
@Suite struct WinBackQueueTests {
    func d(_ s: String) -> Int { Timestamp.parse(s)! }

    @Test func formerCustomersMostRecentLeaversFirst() throws {
        let engine = try makeEngine()
        func customer(_ lead: String) throws -> String {
            try engine.createCustomer(try json(#"{"leadId":"\#(lead)","agentId":"ag-\#(lead == "C" ? "2" : "1")","firstName":"\#(lead)","lastName":"X","email":"\#(lead)@example.com"}"#), now: d("2019-01-01")).id
        }
        func policy(_ cid: String, _ number: String, _ premium: Int, _ from: String, _ to: String) throws -> String {
            try engine.createPolicy(try json("""
                {"customerId":"\(cid)","policyNumber":"\(number)","policyType":"auto","premium":{"amount":\(premium),"frequency":"annual"},
                 "coverage":{"type":"std","amount":1000},"effectiveDate":"\(from)","expirationDate":"\(to)"}
                """), now: d(from))
                .id
        }
        func end(_ pid: String, _ status: String, _ at: String) throws {
            try engine.updatePolicy(id: pid, try json(#"{"status":"\#(status)","endReason":"price"}"#), now: d(at))
        }
        let a = try customer("A"), b = try customer("B"), c = try customer("C"), dd = try customer("D"), p = try customer("P")
        try end(try policy(a, "A1", 800, "2022-03-01", "2025-03-01"), "cancelled", "2024-03-01")
        try end(try policy(b, "B1", 1000, "2021-01-01", "2025-01-01"), "cancelled", "2024-01-15")
        _ = try policy(b, "B2", 1000, "2024-04-01", "2025-04-01")
        try end(try policy(c, "C1", 600, "2020-01-01", "2024-01-01"), "cancelled", "2023-01-01")
        try end(try policy(c, "C2", 700, "2023-06-01", "2024-06-01"), "lapsed", "2024-02-01")
        _ = try policy(dd, "D1", 500, "2023-01-01", "2025-01-01")

        let queue = try engine.winBack()
        #expect(queue.map(\.name) == ["A X", "C X"])
        #expect(queue[0].leftAt == d("2024-03-01") && queue[0].tenureMonths == 24 && queue[0].lostAnnualPremiumCents == 80_000)
        #expect(queue[1].leftAt == d("2024-02-01") && queue[1].tenureMonths == 49 && queue[1].lostAnnualPremiumCents == 70_000)
        #expect(queue[0].lastEndReason == "price")
        // Paged and filtered by agent.
        #expect(try engine.winBack(limit: 1, page: 2).map(\.name) == ["C X"])
        #expect(try engine.winBack(agentId: "ag-2").map(\.name) == ["C X"])
        // Each customer's own state.
        #expect(try engine.customer(id: a).json["customerStatus"] == .string("former"))
        #expect(try engine.customer(id: b).json["customerStatus"] == .string("active"))
        #expect(try engine.customer(id: p).json["customerStatus"] == .string("prospect"))
        #expect(try engine.predictChurn(customerId: c, features: nil, now: d("2024-06-01")).customerStatus == .former)
        // Former customers are not in the at-risk queue whatever their score.
        try engine.db.run("UPDATE customers SET churn_risk = 3, churn_probability = 0.99")
        #expect(try engine.atRisk(AtRiskQuery(), now: d("2024-06-01")).map(\.name).sorted() == ["B X", "D X"])
    }
}
