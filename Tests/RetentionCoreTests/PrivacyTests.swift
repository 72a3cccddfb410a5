import Foundation
import Testing
@testable import RetentionCore

@Suite struct PrivacyTests {
    @Test func exportHoldsEverythingAboutThePerson() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        try engine.createPolicy(try json(specPolicyBody(customerId: c.id)), now: testNow)
        try engine.logContact(customerId: c.id, channel: .call, outcome: .reached, note: "spoke about the renewal", now: testNow)
        let export = try engine.exportPersonalData(customerId: c.id, now: testNow)
        #expect(export.customer.email == "john.doe@example.com")
        #expect(export.policies.count == 1)
        #expect(export.events.contains { $0.data?["note"] == .string("spoke about the renewal") })
        #expect(export.auditTrail.count >= 2 && export.auditTrail.allSatisfy { $0.user == engine.user })
        // The API's document carries the typed values under its keys.
        let doc = export.json
        #expect(doc["exportedAt"] == .string(Timestamp.formatInstant(testNow)))
        #expect(doc["customer"]?["email"] == .string("john.doe@example.com"))
        #expect(doc["policies"]?.arrayValue?.count == 1)
        #expect(doc["events"]?.arrayValue?.contains { $0["data"]?["note"] == .string("spoke about the renewal") } == true)
        #expect(doc["auditTrail"]?.arrayValue?.map { $0["action"]?.stringValue } == export.auditTrail.map(\.action))
        #expect(doc["contactPreferences"] == .array([]) && doc["tasks"] == .array([]))
    }

    @Test func erasureLeavesNoPersonalValueInTheFileAndKeepsTheNumbers() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/book.db"
        let engine = Engine(database: try Store.open(path: path), user: "dpo")
        let secrets = ["Zebediah", "Quarrington", "zebediah.q@example.com", "+1 217 555 0199", "42 Wallaby Way", "wants a cheaper quote"]
        let c = try engine.createCustomer(try json("""
            {"leadId":"lead-z","agentId":"a","firstName":"\(secrets[0])","lastName":"\(secrets[1])","email":"\(secrets[2])","phone":"\(secrets[3])",
             "address":{"street":"\(secrets[4])","city":"Springfield"},"tags":["vip"]}
            """), now: testNow)
        let p = try engine.createPolicy(try json(specPolicyBody(customerId: c.id)), now: testNow)
        try engine.createEvent(try json(#"{"customerId":"\#(c.id)","policyId":"\#(p.id)","eventType":"payment_received","data":{"amount":1500}}"#), now: testNow)
        try engine.logContact(customerId: c.id, channel: .call, outcome: .quote_sent, note: secrets[5], now: testNow)
        try engine.eraseCustomer(customerId: c.id, now: testNow + 10)

        let erased = try engine.customer(id: c.id)
        #expect(erased.erasedAt == testNow + 10 && erased.doNotContact && erased.tags.isEmpty)
        #expect(erased.lifetimeValueCents == 150_000 && erased.totalPolicies == 1)   // money and counts stay
        #expect(try engine.listCustomers(CustomerQuery()).total == 0)
        #expect { try engine.updateCustomer(id: c.id, try json(#"{"firstName":"Back"}"#), now: testNow + 20) } throws: {
            ($0 as? RetentionError)?.code == "customer_erased"
        }
        let actions = try engine.db.query("SELECT action, details FROM audit_log WHERE entity_id = ? ORDER BY id", [.text(c.id)]) { ($0.text(0), $0.optionalText(1)) }
        #expect(actions.last?.0 == "customer.erase" && actions.allSatisfy { $0.1 == nil })
        // No erased value anywhere in the database file or its write-ahead log: nor the words the search index
        // (schema v12) held, folded to lower case (an FTS5 index keeps a deleted row's words in its older pages
        // until they are merged).
        #expect(try engine.db.scalarInt("SELECT count(*) FROM customer_search WHERE customer_search MATCH 'zebediah OR quarrington'") == 0)
        for file in [path, path + "-wal"] {
            guard let bytes = FileManager.default.contents(atPath: file) else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            for secret in secrets + ["zebediah", "quarrington", "ebediah", "uarrington"] { #expect(!text.contains(secret), "\(secret) remains in \(file)") }
        }
    }

    /// An erased customer takes no new personal data, through any route: it could never be erased again.
    @Test func anErasedCustomerTakesNoNewData() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let p = try engine.createPolicy(try json(specPolicyBody(customerId: c.id)), now: testNow)
        let k = try engine.createCampaign(try json(#"{"name":"K","type":"loyalty","touchpoints":[{"type":"email","template":"loyalty"}]}"#), now: testNow)
        try engine.setCampaignStatus(id: k.id, to: .active, now: testNow)
        try engine.eraseCustomer(customerId: c.id, now: testNow + 10)
        let before = try engine.db.query("SELECT (SELECT count(*) FROM retention_events), (SELECT count(*) FROM policies), (SELECT count(*) FROM campaign_enrollments), (SELECT group_concat(coalesce(assigned_to, '-') || coalesce(snoozed_until, '-')) FROM customers)") { [$0.text(0), $0.text(1), $0.text(2), $0.text(3)] }
        let attempts: [(String, () throws -> Void)] = [
            ("contact", { _ = try engine.logContact(customerId: c.id, channel: .call, outcome: .reached, note: "new personal note", now: testNow + 20) }),
            ("policy", { _ = try engine.createPolicy(try json(specPolicyBody(customerId: c.id).replacingOccurrences(of: "POL-2024-001", with: "POL-NEW")), now: testNow + 20) }),
            ("policy change", { _ = try engine.updatePolicy(id: p.id, try json(#"{"underwriter":"Someone New"}"#), now: testNow + 20) }),
            ("assign", { _ = try engine.assign(customerId: c.id, to: "sam", now: testNow + 20) }),
            ("snooze", { _ = try engine.snooze(customerId: c.id, until: testNow + 10 * 86_400, now: testNow + 20) }),
            ("enrol", { _ = try engine.enrolCustomer(campaignId: k.id, customerId: c.id, now: testNow + 20) }),
        ]
        for (what, attempt) in attempts {
            #expect(throws: RetentionError.self, "\(what)") { try attempt() }
            do { try attempt() } catch let e as RetentionError { #expect(e.code == "customer_erased", "\(what): \(e.code)") }
        }
        #expect(try engine.db.query("SELECT (SELECT count(*) FROM retention_events), (SELECT count(*) FROM policies), (SELECT count(*) FROM campaign_enrollments), (SELECT group_concat(coalesce(assigned_to, '-') || coalesce(snoozed_until, '-')) FROM customers)") { [$0.text(0), $0.text(1), $0.text(2), $0.text(3)] } == before)
    }

    /// An opted_out event changes the customer's consent at once (dispatch reads it); opted_in gives it back.
    @Test func anOptOutEventChangesConsent() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        try engine.createEvent(try json(#"{"customerId":"\#(c.id)","eventType":"opted_out","data":{"channel":"email"}}"#), now: testNow)
        #expect(try engine.customer(id: c.id).optedOutChannels == [.email])
        try engine.createEvent(try json(#"{"customerId":"\#(c.id)","eventType":"opted_in","data":{"channel":"email"}}"#), now: testNow + 1)
        #expect(try engine.customer(id: c.id).optedOutChannels.isEmpty)
        #expect { try engine.createEvent(try json(#"{"customerId":"\#(c.id)","eventType":"opted_out","data":{}}"#), now: testNow) } throws: {
            ($0 as? RetentionError)?.field == "data.channel"
        }
        #expect(try engine.db.scalarInt("SELECT count(*) FROM audit_log WHERE action IN ('customer.opt_out', 'customer.opt_in')") == 2)
        // An event in the future is refused (it would move the last contact ahead of today).
        #expect { try engine.createEvent(try json(#"{"customerId":"\#(c.id)","eventType":"nps_response","data":{"score":9},"occurredAt":"2099-01-01T00:00:00Z"}"#), now: testNow) } throws: {
            ($0 as? RetentionError)?.field == "occurredAt"
        }
        #expect(try engine.customer(id: c.id).lastContactDate == nil)
    }

    @Test func eraseNeedsConfirmationThroughTheAPI() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let refused = Router.handle(try APIRequest(method: "POST", target: "/customers/\(c.id)/erase", body: try json("{}")), engine: engine, now: testNow)
        #expect(refused.body["error"]?["field"] == .string("confirm"))
        #expect(try engine.customer(id: c.id).erasedAt == nil)
    }
}

@Suite struct ErasureOfSentCopiesTests {
    @Test func erasureRemovesMaildirAndOutboxCopies() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = Engine(database: try Store.open(path: dir + "/book.db"), user: "dpo")
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        try engine.createPolicy(try json(specPolicyBody(customerId: c.id)), now: testNow)
        let k = try engine.createCampaign(try json(#"{"name":"K","type":"loyalty","controlGroupPercent":0,"touchpoints":[{"type":"email","template":"loyalty"},{"type":"notification","template":"loyalty"}]}"#), now: testNow)
        try engine.setCampaignStatus(id: k.id, to: .active, now: testNow)
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .maildir, target: dir + "/mail"), now: testNow)
        try engine.setChannelAdapter(.notification, ChannelAdapter(kind: .outbox, target: dir + "/out"), now: testNow)
        #expect(try engine.dispatchDue(now: testNow).sent == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/mail/new").count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/out").count == 1)
        // The channels pointed elsewhere since (a relative folder is stored as an absolute path): the
        // copies in the folders used before are still found and removed.
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .maildir, target: "relative-mail"), now: testNow + 1)
        #expect(try engine.channelAdapter(.email)?.target == FileManager.default.currentDirectoryPath + "/relative-mail")
        try engine.setChannelAdapter(.notification, ChannelAdapter(kind: .outbox, target: dir + "/out2"), now: testNow + 1)
        try engine.eraseCustomer(customerId: c.id, now: testNow + 5)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/mail/new").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/out").isEmpty)
    }
}
