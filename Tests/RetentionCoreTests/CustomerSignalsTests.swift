import Testing
@testable import RetentionCore

@Suite struct CustomerSignalsTests {
    func d(_ s: String) -> Int { Timestamp.parse(s)! }

    @Test func signalsAreAggregatedAsOfAnInstantWithoutLookingAhead() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(#"{"leadId":"L","agentId":"a","firstName":"A","lastName":"B","email":"a@example.com","satisfactionScore":70}"#), now: d("2023-01-01"))
        let p = try engine.createPolicy(try json("""
            {"customerId":"\(c.id)","policyNumber":"P1","policyType":"auto","premium":{"amount":100,"frequency":"monthly"},
             "coverage":{"type":"std","amount":1000},"effectiveDate":"2023-01-01","expirationDate":"2024-01-01"}
            """), now: d("2023-01-01"))
        try engine.renewPolicy(id: p.id, nil, now: d("2024-01-01"))
        func event(_ type: String, _ at: String, _ data: String = "{}") throws {
            try engine.createEvent(try json(#"{"customerId":"\#(c.id)","policyId":"\#(p.id)","eventType":"\#(type)","occurredAt":"\#(at)","data":\#(data)}"#), now: d(at))
        }
        try event("contact_made", "2024-03-01T00:00:00Z")
        try event("payment_missed", "2024-04-01T00:00:00Z", #"{"amount":100}"#)
        try event("complaint_filed", "2024-05-01T00:00:00Z")
        try event("nps_response", "2024-02-01T00:00:00Z", #"{"score":9}"#)
        try event("nps_response", "2024-06-01T00:00:00Z", #"{"score":4}"#)
        try event("claim_filed", "2024-06-15T00:00:00Z", #"{"amount":2500}"#)
        try event("claim_filed", "2024-01-10T00:00:00Z", #"{"amount":100}"#)
        // Before the 365-day window: not a claim of the window.
        try event("claim_filed", "2023-05-01T00:00:00Z", #"{"amount":999}"#)
        // After the observation date: must not count.
        try event("contact_made", "2024-08-01T00:00:00Z")
        try event("payment_missed", "2024-08-02T00:00:00Z", #"{"amount":100}"#)
        try event("claim_filed", "2024-08-03T00:00:00Z", #"{"amount":777}"#)

        var got: [CustomerSignals] = []
        try engine.forEachCustomerSignals(asOf: d("2024-07-01")) { got.append($0) }
        let s = try #require(got.first)
        #expect(got.count == 1)
        #expect(s.daysSinceLastInteraction == 30)         // NPS answer on 2024-06-01
        #expect(s.interactionsInWindow == 3)              // contact + 2 NPS answers
        #expect(s.paymentsMissed == 1)
        #expect(s.paymentsDue == 12)                      // monthly, in force the whole 365-day window
        #expect(s.latestNPS == 4)
        #expect(s.complaintsFiled == 1 && s.complaintsResolved == 0)
        #expect(s.claimsInWindow == 2 && s.claimAmountInWindowCents == 260_000)
        #expect(s.tenureMonths == 18)
        #expect(s.activePolicies == 1 && s.totalPolicies == 1)
        #expect(s.renewalsMade == 1 && s.renewalsLost == 0 && s.renewalRate == 1)
        #expect(s.heldTypes == [.auto])
        #expect(s.premiumNowCents == 120_000 && s.premiumYearAgoCents == 120_000)
        #expect(s.satisfactionScore == 70)
    }
}
