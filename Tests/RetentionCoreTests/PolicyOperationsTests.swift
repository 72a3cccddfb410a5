import Testing
@testable import RetentionCore

@Suite struct PolicyOperationsTests {
    func customerAndPolicy() throws -> (Engine, Customer, Policy) {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let p = try engine.createPolicy(try json(specPolicyBody(customerId: c.id)), now: testNow)
        return (engine, c, p)
    }

    @Test func createsTheSpecExamplePolicyAndKeepsCountersTrue() throws {
        let (engine, c, p) = try customerAndPolicy()
        #expect(p.policyNumber == "POL-2024-001" && p.policyType == .auto && p.status == .active)
        #expect(p.premiumCents == 150_000 && p.premiumFrequency == .annual && p.annualPremiumCents == 150_000)
        #expect(p.coverageAmountCents == 5_000_000 && p.coverageDeductibleCents == 50_000)
        #expect(Timestamp.formatDate(p.renewalDate) == "2025-01-01", "renewal date is derived from the expiration date")
        #expect(p.termMonths == 12)
        let after = try engine.customer(id: c.id)
        #expect(after.totalPolicies == 1 && after.activePolicies == 1)
        #expect(after.nextRenewalDate.map(Timestamp.formatDate) == "2025-01-01")
        #expect(try engine.events(customerId: c.id).map(\.eventType) == [.policy_created])
    }

    @Test func monthlyPremiumIsAnnualisedByFrequency() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let p = try engine.createPolicy(try json("""
            {"customerId":"\(c.id)","policyNumber":"M-1","policyType":"home","premiumAmount":125.5,"premiumFrequency":"monthly",
             "coverageType":"dwelling","coverageAmount":300000,"effectiveDate":"2024-03-01","expirationDate":"2025-03-01"}
            """), now: testNow)
        #expect(p.annualPremiumCents == 150_600)
    }

    @Test func renewalMovesDatesByTheTermAndRecordsAnEvent() throws {
        let (engine, c, p) = try customerAndPolicy()
        let r = try engine.renewPolicy(id: p.id, nil, now: testNow + 100)
        #expect(Timestamp.formatDate(r.effectiveDate) == "2025-01-01")
        #expect(Timestamp.formatDate(r.expirationDate) == "2026-01-01")
        #expect(Timestamp.formatDate(r.renewalDate) == "2026-01-01")
        #expect(r.lastRenewalDate.map(Timestamp.formatDate) == "2025-01-01")
        #expect(r.renewalCount == 1)
        #expect(try engine.customer(id: c.id).nextRenewalDate.map(Timestamp.formatDate) == "2026-01-01")
        #expect(try engine.events(customerId: c.id, eventType: .policy_renewed).count == 1)
    }

    @Test func sixMonthTermsRenewBySixMonths() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let p = try engine.createPolicy(try json("""
            {"customerId":"\(c.id)","policyNumber":"A-6","policyType":"auto","premium":{"amount":700,"frequency":"semi_annual"},
             "coverage":{"type":"liability","amount":100000},"effectiveDate":"2024-08-31","expirationDate":"2025-02-28"}
            """), now: testNow)
        #expect(p.termMonths == 5 || p.termMonths == 6)
        let q = try engine.createPolicy(try json("""
            {"customerId":"\(c.id)","policyNumber":"A-7","policyType":"auto","premium":{"amount":700,"frequency":"semi_annual"},
             "coverage":{"type":"liability","amount":100000},"effectiveDate":"2024-01-15","expirationDate":"2024-07-15"}
            """), now: testNow)
        #expect(q.termMonths == 6)
        let r = try engine.renewPolicy(id: q.id, nil, now: testNow)
        #expect(Timestamp.formatDate(r.expirationDate) == "2025-01-15")
    }

    @Test func statusChangesFollowTheAllowedTransitions() throws {
        let (engine, c, p) = try customerAndPolicy()
        let cancelled = try engine.updatePolicy(id: p.id, try json(#"{"status": "cancelled", "endReason": "insured_request"}"#), now: testNow)
        #expect(cancelled.status == .cancelled && cancelled.endReason == "insured_request")
        // The policy ends at the instant of the change, the instant its event (and the churn it causes) is dated.
        #expect(cancelled.endedAt == testNow)
        #expect(try engine.events(customerId: c.id).filter { $0.eventType == .policy_cancelled }.map(\.occurredAt) == [testNow])
        let after = try engine.customer(id: c.id)
        #expect(after.activePolicies == 0 && after.nextRenewalDate == nil && after.totalPolicies == 1)
        let types = try engine.events(customerId: c.id).map(\.eventType)
        #expect(types.contains(.policy_cancelled) && types.contains(.customer_churned))
        do {
            try engine.updatePolicy(id: p.id, try json(#"{"status": "active"}"#), now: testNow)
            Issue.record("a cancelled policy must not come back")
        } catch let e as RetentionError {
            #expect(e.code == "invalid_transition")
            #expect(e.message.contains("none (it is final)"))
        }
        #expect(throws: RetentionError.self) { try engine.renewPolicy(id: p.id, nil, now: testNow) }
    }

    @Test func duplicatePolicyNumberIsAConflictAndChangesNothing() throws {
        let (engine, c, _) = try customerAndPolicy()
        let before = try count(engine, "policies")
        do {
            try engine.createPolicy(try json(specPolicyBody(customerId: c.id)), now: testNow)
            Issue.record("expected a conflict")
        } catch let e as RetentionError {
            #expect(e.code == "duplicate_policy_number" && e.field == "policyNumber")
        }
        #expect(try count(engine, "policies") == before)
        #expect(try engine.customer(id: c.id).totalPolicies == 1)
    }

    @Test(arguments: [
        (#""premium":{"amount":0,"frequency":"annual"}"#, "premium.amount"),
        (#""premium":{"amount":100,"frequency":"weekly"}"#, "premium.frequency"),
        (#""premium":{"amount":100,"frequency":"annual","currency":"XXX"}"#, "premium.currency"),
        (#""premium":{"amount":100.123,"frequency":"annual"}"#, "premium.amount"),
    ])
    func invalidPremiumsNameTheField(premium: String, field: String) throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let body = """
            {"customerId":"\(c.id)","policyNumber":"X","policyType":"auto",\(premium),"coverage":{"type":"c","amount":1},
             "effectiveDate":"2024-01-01","expirationDate":"2025-01-01"}
            """
        do {
            try engine.createPolicy(try json(body), now: testNow)
            Issue.record("expected an error")
        } catch let e as RetentionError {
            #expect(e.field == field, "\(e)")
        }
    }

    @Test func expirationMustFollowEffectiveAndTypeMustBeKnown() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        for (patch, field) in [(#""effectiveDate":"2025-01-01","expirationDate":"2024-01-01","policyType":"auto""#, "expirationDate"),
                               (#""effectiveDate":"2024-01-01","expirationDate":"2025-01-01","policyType":"spaceship""#, "policyType"),
                               (#""effectiveDate":"01/01/2024","expirationDate":"2025-01-01","policyType":"auto""#, "effectiveDate")] {
            let body = #"{"customerId":"\#(c.id)","policyNumber":"X","premium":{"amount":1,"frequency":"annual"},"coverage":{"type":"c","amount":1},\#(patch)}"#
            #expect { try engine.createPolicy(try json(body), now: testNow) } throws: { ($0 as? RetentionError)?.field == field }
        }
        #expect(try count(engine, "policies") == 0)
    }

    @Test func unknownCustomerForAPolicyIsNotFound() throws {
        let engine = try makeEngine()
        #expect { try engine.createPolicy(try json(specPolicyBody(customerId: "missing")), now: testNow) } throws: {
            ($0 as? RetentionError)?.kind == .notFound
        }
    }
}
