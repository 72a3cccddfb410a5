import Testing
@testable import RetentionCore

@Suite struct EventOperationsTests {
    @Test func createsTheSpecExampleEvent() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let p = try engine.createPolicy(try json(specPolicyBody(customerId: c.id)), now: testNow)
        let e = try engine.createEvent(try json("""
            {"customerId":"\(c.id)","policyId":"\(p.id)","eventType":"payment_missed","severity":"warning",
             "data":{"dueDate":"2024-01-15","amount":150},"triggeredActions":["send_reminder","update_health_score"]}
            """), now: testNow)
        #expect(e.eventType == .payment_missed && e.severity == .warning && e.policyId == p.id)
        #expect(e.triggeredActions == ["send_reminder", "update_health_score"])
        #expect(e.data?["amount"] == .number(150))
        #expect(e.createdBy == "tester")
    }

    @Test func unknownEventTypeListsTheKnownOnes() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        do {
            try engine.createEvent(try json(#"{"customerId":"\#(c.id)","eventType":"party"}"#), now: testNow)
            Issue.record("expected an error")
        } catch let e as RetentionError {
            #expect(e.code == "unknown_event_type" && e.field == "eventType")
            #expect(e.message.contains("payment_missed") && e.message.contains("churn_risk_increased"))
        }
        #expect(try count(engine, "retention_events") == 0)
    }

    @Test func paymentsAddToTotalsAndLifetimeValue() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let p = try engine.createPolicy(try json(specPolicyBody(customerId: c.id)), now: testNow)
        for amount in [125.25, 125.25] {
            try engine.createEvent(try json(#"{"customerId":"\#(c.id)","policyId":"\#(p.id)","eventType":"payment_received","data":{"amount":\#(amount)}}"#), now: testNow)
        }
        #expect(try engine.policy(id: p.id).totalPaidCents == 25_050)
        #expect(try engine.customer(id: c.id).lifetimeValueCents == 25_050)
        try engine.createEvent(try json(#"{"customerId":"\#(c.id)","policyId":"\#(p.id)","eventType":"claim_filed","data":{"amount":6000}}"#), now: testNow)
        let after = try engine.policy(id: p.id)
        #expect(after.claimsCount == 1 && after.totalClaimCents == 600_000)
    }

    @Test func paymentWithoutPolicyOrWithBadDataIsRejected() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        #expect { try engine.createEvent(try json(#"{"customerId":"\#(c.id)","eventType":"payment_received","data":{"amount":10}}"#), now: testNow) } throws: {
            ($0 as? RetentionError)?.field == "policyId"
        }
        #expect { try engine.createEvent(try json(#"{"customerId":"\#(c.id)","eventType":"nps_response","data":{"score":11}}"#), now: testNow) } throws: {
            ($0 as? RetentionError)?.field == "data.score"
        }
        #expect(try count(engine, "retention_events") == 0)
    }

    @Test func contactMovesLastContactDateAndListFiltersByType() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        try engine.createEvent(try json(#"{"customerId":"\#(c.id)","eventType":"contact_made","occurredAt":"2024-01-10T09:00:00Z"}"#), now: testNow)
        try engine.createEvent(try json(#"{"customerId":"\#(c.id)","eventType":"note_added","data":{"note":"x"}}"#), now: testNow)
        #expect(try engine.customer(id: c.id).lastContactDate == Timestamp.parse("2024-01-10T09:00:00Z"))
        #expect(try engine.events(customerId: c.id, eventType: .contact_made).count == 1)
        #expect(try engine.events(customerId: c.id, limit: 1).count == 1)
    }
}
