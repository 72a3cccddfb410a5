import Foundation
import Testing
@testable import RetentionCore

/// The typed inputs of the writes (policies, customers, campaigns, touchpoints, triage, tasks, erasure):
/// each rule broken names its field with the API's code and message, nothing is written on an error, and
/// the API's decoders make the same values from JSON bodies.
@Suite struct TypedWriteInputTests {
    let now = Timestamp.parse("2026-06-15T12:00:00Z")!
    let day = Timestamp.secondsPerDay

    func error(_ body: () throws -> Void) -> RetentionError? {
        do { try body(); return nil } catch let e as RetentionError { return e } catch { return nil }
    }

    func customer(_ engine: Engine, lead: String = "L1") throws -> Customer {
        try engine.createCustomer(try json(#"{"leadId":"\#(lead)","agentId":"ag","firstName":"Ann","lastName":"Lee","email":"\#(lead)@example.com"}"#), now: now)
    }

    func policy(_ customer: String, number: String = "P-1") -> NewPolicy {
        NewPolicy(customer: customer, policyNumber: number, policyType: .auto, premiumCents: 10_000, frequency: .monthly,
                  coverageType: "liability", coverageCents: 5_000_000, effectiveDate: Timestamp.parseDate("2026-01-01")!,
                  expirationDate: Timestamp.parseDate("2027-01-01")!)
    }

    // MARK: Policies

    @Test func aTypedPolicyIsCreatedWithoutJSON() throws {
        let engine = try makeEngine()
        let c = try customer(engine)
        let p = try engine.createPolicy(policy(c.id), now: now)
        #expect(p.policyNumber == "P-1" && p.annualPremiumCents == 120_000 && p.termMonths == 12 && p.premiumCurrency == "USD")
        #expect(p.agentId == "ag")   // the customer's agent by default
    }

    @Test func eachPolicyRuleNamesItsFieldAndWritesNothing() throws {
        let engine = try makeEngine()
        let c = try customer(engine)
        let cases: [(String, (inout NewPolicy) -> Void)] = [
            ("customerId", { $0.customer = "" }),
            ("agentId", { $0.agentId = "a\u{1B}[31m" }),
            ("policyNumber", { $0.policyNumber = "" }),
            ("policyNumber", { $0.policyNumber = String(repeating: "9", count: 65) }),
            ("premium.amount", { $0.premiumCents = 0 }),
            ("premium.currency", { $0.currency = "XYZ" }),
            ("coverage.type", { $0.coverageType = "" }),
            ("coverage.limits", { $0.limits = .array([]) }),
            ("expirationDate", { $0.expirationDate = $0.effectiveDate }),
            ("underwriter", { $0.underwriter = "line\nbreak" }),
            ("metadata", { $0.metadata = .string("x") }),
            ("renewalCount", { $0.renewalCount = -1 }),
            ("inceptionDate", { $0.inceptionDate = $0.effectiveDate + 86_400 }),
            ("claimsCount", { $0.claimsCount = -2 }),
            ("id", { $0.id = "not-a-uuid" }),
        ]
        for (field, change) in cases {
            var p = policy(c.id)
            change(&p)
            let e = error { try engine.createPolicy(p, now: now, allowIdentity: true) }
            #expect(e?.field == field, "\(field)")
            #expect(e?.code == "invalid_field", "\(field)")
        }
        // Only an import keeps an id.
        var withID = policy(c.id)
        withID.id = UUID().uuidString
        #expect(error { try engine.createPolicy(withID, now: now) }?.field == "id")
        // The checks that need the database name their field too.
        #expect(error { try engine.createPolicy(policy("nobody"), now: now) }?.code == "customer_not_found")
        #expect(try count(engine, "policies") == 0)
        #expect(try count(engine, "retention_events") == 0)
        _ = try engine.createPolicy(policy(c.id), now: now)
        let duplicate = error { try engine.createPolicy(policy(c.id), now: now) }
        #expect(duplicate?.field == "policyNumber" && duplicate?.code == "duplicate_policy_number")
        #expect(try count(engine, "policies") == 1)
    }

    @Test func thePolicyDecoderReadsNestedAndFlatBodiesAlike() throws {
        let nested = try NewPolicy(json: try json(specPolicyBody(customerId: "c1")))
        let flat = try NewPolicy(json: try json(#"""
            {"customerId":"c1","agentId":"agent-uuid","policyNumber":"POL-2024-001","policyType":"auto","premiumAmount":1500,
             "premiumFrequency":"annual","premiumCurrency":"usd","coverageType":"comprehensive","coverageAmount":50000,
             "coverageDeductible":500,"effectiveDate":"2024-01-01","expirationDate":"2025-01-01","underwriter":"ABC Insurance"}
            """#))
        for p in [nested, flat] {
            #expect(p.customer == "c1" && p.policyNumber == "POL-2024-001" && p.policyType == .auto)
            #expect(p.premiumCents == 150_000 && p.frequency == .annual && p.currency == "USD")
            #expect(p.coverageType == "comprehensive" && p.coverageCents == 5_000_000 && p.deductibleCents == 50_000)
            #expect(p.effectiveDate == Timestamp.parseDate("2024-01-01") && p.expirationDate == Timestamp.parseDate("2025-01-01"))
            #expect(p.underwriter == "ABC Insurance")
        }
        // The decoder's errors name the field as the API always has.
        #expect(error { _ = try NewPolicy(json: try json(#"{"customerId":"c1","policyNumber":"P","policyType":"auto","premium":{"amount":-1}}"#)) }?.field == "premium.amount")
        #expect(error { _ = try NewPolicy(json: try json(#"{"customerId":"c1","policyNumber":"P","policyType":"auto","premiumAmount":0}"#)) }?.field == "premiumAmount")
        #expect(error { _ = try NewPolicy(json: try json(#"{"customerId":"c1","policyNumber":"P","policyType":"auto","colour":1}"#)) }?.field == "premium.amount")
        #expect(error { _ = try NewPolicy(json: try json(#"{"id":"x","customerId":"c1"}"#)) }?.field == "id")
    }

    @Test func eachPolicyPatchRuleNamesItsFieldAndWritesNothing() throws {
        let engine = try makeEngine()
        let c = try customer(engine)
        let p = try engine.createPolicy(policy(c.id), now: now)
        let other = try engine.createPolicy(policy(c.id, number: "P-2"), now: now)
        let cases: [(String, String, (inout PolicyPatch) -> Void)] = [
            ("policyNumber", "invalid_field", { $0.policyNumber = "" }),
            ("policyNumber", "duplicate_policy_number", { $0.policyNumber = other.policyNumber }),
            ("agentId", "invalid_field", { $0.agentId = String(repeating: "a", count: 101) }),
            ("premium.amount", "invalid_field", { $0.premiumCents = 0 }),
            ("expirationDate", "invalid_field", { $0.expirationDate = p.effectiveDate - 86_400 }),
            ("expirationDate", "invalid_field", { $0.effectiveDate = p.effectiveDate; $0.expirationDate = p.effectiveDate }),
            ("claimsCount", "invalid_field", { $0.claimsCount = -1 }),
            ("metadata", "invalid_field", { $0.metadata = .some(.bool(true)) }),
            ("endReason", "invalid_field", { $0.endReason = "price" }),
            ("version", "edit_conflict", { $0.version = 7; $0.totalPaidCents = 5 }),
        ]
        for (field, code, change) in cases {
            var patch = PolicyPatch()
            change(&patch)
            let e = error { try engine.updatePolicy(id: p.id, patch, now: now) }
            #expect(e?.field == field, "\(field) \(code)")
            #expect(e?.code == code, "\(field) \(code)")
        }
        var cancel = PolicyPatch()
        cancel.status = .cancelled
        _ = try engine.updatePolicy(id: other.id, cancel, now: now)
        var reopen = PolicyPatch()
        reopen.status = .active
        let final = error { try engine.updatePolicy(id: other.id, reopen, now: now) }
        #expect(final?.field == "status" && final?.code == "invalid_transition")
        let after = try engine.policy(id: p.id)
        #expect(after.version == p.version && after.policyNumber == p.policyNumber && after.totalPaidCents == p.totalPaidCents)
        // A typed patch writes only what it holds; a cleared deductible is stored as none.
        var patch = PolicyPatch()
        patch.premiumCents = 12_000
        patch.deductibleCents = .some(nil)
        let updated = try engine.updatePolicy(id: p.id, patch, now: now)
        #expect(updated.annualPremiumCents == 144_000 && updated.coverageDeductibleCents == nil && updated.premiumFrequency == .monthly)
        #expect(try PolicyPatch(json: try json(#"{"coverage":{"deductible":null},"underwriter":null}"#)).deductibleCents == .some(nil))
    }

    @Test func aRenewalNamesItsPremiumAndWritesNothingOnAnError() throws {
        let engine = try makeEngine()
        let c = try customer(engine)
        let p = try engine.createPolicy(policy(c.id), now: now)
        let e = error { try engine.renewPolicy(id: p.id, PolicyRenewal(premiumCents: 0), now: now) }
        #expect(e?.field == "premium.amount" && e?.code == "invalid_field")
        #expect(try engine.policy(id: p.id).renewalCount == 0)
        let renewed = try engine.renewPolicy(id: p.id, PolicyRenewal(premiumCents: 11_000, frequency: .quarterly), now: now)
        #expect(renewed.renewalCount == 1 && renewed.annualPremiumCents == 44_000)
        #expect(try PolicyRenewal(json: nil).premiumCents == nil)
        #expect(try PolicyRenewal(json: try json(#"{"premiumAmount":99.5}"#)).premiumCents == 9_950)
    }

    // MARK: Customers

    @Test func eachCustomerPatchRuleNamesItsFieldAndWritesNothing() throws {
        let engine = try makeEngine()
        let c = try customer(engine)
        let cases: [(String, (inout CustomerPatch) -> Void)] = [
            ("firstName", { $0.firstName = "" }),
            ("lastName", { $0.lastName = String(repeating: "x", count: 101) }),
            ("agentId", { $0.agentId = "a\u{7}" }),
            ("email", { $0.email = "nope" }),
            ("phone", { $0.phone = .some("12") }),
            ("dateOfBirth", { $0.dateOfBirth = .some(self.now + 2 * self.day) }),
            ("city", { $0.city = .some("a\u{0}b") }),
            ("timeZone", { $0.timeZone = .some("Mars/Olympus") }),
            ("tags[1]", { $0.tags = ["ok", "a;b"] }),
            ("tags", { $0.tags = (0...50).map { "t\($0)" } }),
            ("metadata", { $0.metadata = .some(.array([])) }),
            ("satisfactionScore", { $0.satisfactionScore = .some(101) }),
            ("assignedTo", { $0.assignedTo = .some(String(repeating: "s", count: 101)) }),
            ("snoozedUntil", { $0.snoozedUntil = .some(Timestamp.startOfDay(self.now)) }),
        ]
        for (field, change) in cases {
            var patch = CustomerPatch()
            patch.satisfactionScore = .some(50)   // a valid change alongside: it must not be written either
            change(&patch)
            let e = error { try engine.updateCustomer(id: c.id, patch, now: now) }
            #expect(e?.field == field, "\(field)")
            #expect(e?.code == "invalid_field", "\(field)")
        }
        var stale = CustomerPatch()
        stale.version = c.version + 3
        #expect(error { try engine.updateCustomer(id: c.id, stale, now: now) }?.field == "version")
        let after = try engine.customer(id: c.id)
        #expect(after.version == c.version && after.satisfactionScore == c.satisfactionScore)

        var patch = CustomerPatch()
        patch.tags = ["vip"]
        patch.city = .some("Springfield")
        patch.optedOutChannels = [.sms]
        let updated = try engine.updateCustomer(id: c.id, patch, now: now)
        #expect(updated.tags == ["vip"] && updated.city == "Springfield" && updated.optedOutChannels == [.sms])
    }

    @Test func eachNewCustomerRuleNamesItsFieldAndWritesNothing() throws {
        let engine = try makeEngine()
        func new(_ change: (inout NewCustomer) -> Void) -> NewCustomer {
            var c = NewCustomer(leadId: "L9", agentId: "ag", firstName: "Bo", lastName: "Li", email: "bo@example.com")
            change(&c)
            return c
        }
        let cases: [(String, (inout NewCustomer) -> Void)] = [
            ("leadId", { $0.leadId = "" }),
            ("leadId", { $0.leadId = String(repeating: "l", count: 101) }),
            ("customerSince", { $0.customerSince = self.now + self.day }),
            ("id", { $0.id = UUID().uuidString }),          // only an import keeps an id
            ("erasedAt", { $0.erasedAt = self.now }),        // only an import restores an erased customer
            ("firstName", { $0.fields.firstName = nil }),
            ("email", { $0.fields.email = "bo" }),
            ("phone", { $0.fields.phone = .some("call me") }),
            ("tags[0]", { $0.fields.tags = ["a\tb"] }),
        ]
        for (field, change) in cases {
            let e = error { try engine.createCustomer(new(change), now: now) }
            #expect(e?.field == field, "\(field)")
            #expect(e?.code == "invalid_field", "\(field)")
        }
        #expect(try count(engine, "customers") == 0)
        let created = try engine.createCustomer(new { $0.fields.tags = ["vip"]; $0.fields.city = .some("Springfield") }, now: now)
        #expect(created.leadId == "L9" && created.tags == ["vip"] && created.city == "Springfield" && created.customerSince == Timestamp.startOfDay(now))
        let duplicate = error { try engine.createCustomer(new { _ in }, now: now) }
        #expect(duplicate?.field == "leadId" && duplicate?.code == "duplicate_lead_id")
        #expect(try count(engine, "customers") == 1)
        // An import restores an erased customer with the erasure's placeholders.
        let erased = try NewCustomer(json: try json(#"{"id":"019ecb27-2200-7000-8000-000000000001","leadId":"x","agentId":"ag","erasedAt":"2026-01-01T00:00:00Z","firstName":"Secret"}"#), allowIdentity: true)
        let restored = try engine.createCustomer(erased, now: now, allowIdentity: true)
        #expect(restored.firstName == "Erased" && restored.leadId == "erased-019ecb27-2200-7000-8000-000000000001" && restored.erasedAt != nil)
    }

    @Test func theCustomerDecoderReadsNestedAndFlatAddresses() throws {
        let nested = try CustomerPatch(json: try json(#"{"address":{"city":"Springfield","zipCode":null},"version":2}"#))
        #expect(nested.city == .some("Springfield") && nested.zipCode == .some(nil) && nested.street == nil && nested.version == 2)
        let flat = try CustomerPatch(json: try json(#"{"city":"Springfield"}"#))
        #expect(flat.city == .some("Springfield"))
        // A nested field's text error keeps its nested name; an unknown field is refused.
        #expect(error { _ = try CustomerPatch(json: try json(#"{"address":{"city":"a\u0001"}}"#)) }?.field == "address.city")
        #expect(error { _ = try CustomerPatch(json: try json(#"{"colour":"red"}"#)) }?.code == "unknown_field")
        #expect(error { _ = try CustomerPatch(json: try json(#"{"firstName":null}"#)) }?.field == "firstName")
        #expect(error { _ = try CustomerPatch(json: try json(#"{"optedOutChannels":["pigeon"]}"#)) }?.field == "optedOutChannels[0]")
    }

    // MARK: Campaigns

    func campaign(_ change: (inout NewCampaign) -> Void = { _ in }) -> NewCampaign {
        var c = NewCampaign(name: "Save", type: .loyalty, sequence: [SequenceStep(channel: .email, template: "loyalty"),
                                                                     SequenceStep(channel: .sms, template: "loyalty", delayMinutes: 60, skipIf: .engaged)])
        change(&c)
        return c
    }

    @Test func eachCampaignRuleNamesItsFieldAndWritesNothing() throws {
        let engine = try makeEngine()
        let cases: [(String, (inout NewCampaign) -> Void)] = [
            ("name", { $0.name = "" }),
            ("description", { $0.description = "a\u{1B}b" }),
            ("targetSegment.healthScoreRange.min", { $0.targetSegment.healthScoreMin = -1 }),
            ("targetSegment.healthScoreRange", { $0.targetSegment.healthScoreMin = 60; $0.targetSegment.healthScoreMax = 40 }),
            ("targetSegment.tenureMonths", { $0.targetSegment.tenureMonthsMin = 24; $0.targetSegment.tenureMonthsMax = 12 }),
            ("targetSegment.renewalWithinDays", { $0.targetSegment.renewalWithinDays = 4000 }),
            ("schedule.timezone", { $0.schedule.timezone = "Nowhere/City" }),
            ("schedule.endDate", { $0.schedule.startDate = ScheduleDate.parse("2026-07-01"); $0.schedule.endDate = ScheduleDate.parse("2026-06-01") }),
            ("schedule.cron", { $0.schedule.cron = "61 * * * *" }),
            ("touchpoints", { $0.sequence = [] }),
            ("touchpoints", { $0.sequence = Array(repeating: SequenceStep(channel: .email, template: "loyalty"), count: 21) }),
            ("touchpoints[1].delay", { $0.sequence[1].delayMinutes = 525_601 }),
            ("touchpoints[1].delay", { $0.sequence[0].delayMinutes = 120 }),
            ("touchpoints[0].skipIf", { $0.sequence[0].skipIf = .clicked }),
            ("touchpoints[1].template", { $0.sequence[1].template = "no-such-template" }),
            ("goals.targetCustomers", { $0.goals.targetCustomers = -1 }),
            ("controlGroupPercent", { $0.controlGroupPercent = 51 }),
        ]
        for (field, change) in cases {
            let e = error { try engine.createCampaign(campaign(change), now: now) }
            #expect(e?.field == field, "\(field)")
            #expect(e?.code == "invalid_field", "\(field)")
        }
        #expect(try count(engine, "campaigns") == 0)
        let created = try engine.createCampaign(campaign(), now: now)
        #expect(created.status == .draft && created.sequence.count == 2 && created.controlFraction == 0.1)
    }

    @Test func theCampaignDecoderReadsTheSameCampaign() throws {
        let c = try NewCampaign(json: try json(#"""
            {"name":"Back","type":"winback","targetSegment":{"policyTypes":["auto"],"healthScoreRange":{"max":40}},
             "schedule":{"timezone":"America/Chicago","cron":"0 9 * * 1"},"touchpoints":[{"type":"preferred","template":"winback","delay":0}],
             "goals":{"expectedRevenue":1000.5},"controlGroupPercent":20}
            """#))
        #expect(c.name == "Back" && c.type == .winback && c.targetSegment.policyTypes == [.auto] && c.targetSegment.healthScoreMax == 40)
        #expect(c.targetSegment.formerCustomers)   // a win-back campaign targets former customers unless told
        #expect(c.schedule.timezone == "America/Chicago" && c.schedule.cron == "0 9 * * 1")
        #expect(c.sequence == [SequenceStep(channel: nil, template: "winback")])
        #expect(c.goals.expectedRevenueCents == 100_050 && c.controlGroupPercent == 20)
        #expect(error { _ = try NewCampaign(json: try json(#"{"name":"X","type":"engagement"}"#)) }?.field == "touchpoints")
        #expect(error { _ = try NewCampaign(json: try json(#"{"name":"X","type":"engagement","touchpoints":[{"type":"fax","template":"x"}]}"#)) }?.field == "touchpoints[0].type")
    }

    // MARK: Workflow writes

    @Test func theWorkflowInputsNameTheirFieldsAndWriteNothing() throws {
        let engine = try makeEngine()
        let c = try customer(engine)
        #expect(error { try engine.assign(customerId: c.id, Assignment(to: "sam\u{1B}"), now: now) }?.field == "assignedTo")
        let snooze = error { try engine.snooze(customerId: c.id, Snooze(until: Timestamp.startOfDay(now)), now: now) }
        #expect(snooze?.field == "until" && snooze?.message == "must be a date after today (2026-06-15)")
        #expect(error { try engine.logContact(customerId: c.id, ContactLog(channel: .call, outcome: .reached, note: "a\u{0}"), now: now) }?.field == "note")
        let after = try engine.customer(id: c.id)
        #expect(after.assignedTo == nil && after.snoozedUntil == nil && after.version == c.version)
        #expect(try count(engine, "retention_events") == 0)
        #expect(error { try TouchpointStatusChange(to: .skipped).validate() }?.field == "status")
        #expect(error { try TouchpointStatusChange(to: .sent, metadata: .int(1)).validate() }?.field == "metadata")
        #expect(error { try TouchpointResponse(String(repeating: "r", count: 5001)).validate() }?.field == "response")
        #expect(error { try CampaignEnrolment(customerId: "").validate() }?.field == "customerId")
        #expect(error { try ErasureRequest(confirm: false).validate() }?.field == "confirm")
        // The decoders read the API's bodies.
        #expect(try Snooze(json: try json(#"{"until":"2026-07-01"}"#)).until == Timestamp.parseDate("2026-07-01"))
        #expect(try ContactLog(json: try json(#"{"channel":"call","outcome":"reached","note":"ok"}"#)) == ContactLog(channel: .call, outcome: .reached, note: "ok"))
        #expect(try TaskStatusChange(json: try json(#"{"status":"done"}"#)).status == .done)
        #expect(try CampaignStatusChange(json: try json(#"{"status":"paused"}"#)).status == .paused)
        #expect(error { _ = try ErasureRequest(json: try json(#"{"confirm":false,"x":1}"#)) }?.field == "confirm")
        #expect(error { _ = try Assignment(json: try json(#"{"assignedTo":5}"#)) }?.field == "assignedTo")
    }
}
