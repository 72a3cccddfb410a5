import Foundation
import Testing
@testable import RetentionCore

@Suite struct DispatchTests {
    func d(_ s: String) -> Int { Timestamp.parse(s)! }

    /// A book of a few customers in Chicago with one renewal campaign; returns the engine and the outbox path.
    func setUp(_ dir: String, channel: String = "email", sequence: String? = nil) throws -> (Engine, String) {
        let engine = Engine(database: try Store.open(path: dir + "/book.db"), user: "ops")
        for i in 0..<4 {
            let c = try engine.createCustomer(try json("""
                {"leadId":"l\(i)","agentId":"a","firstName":"F\(i)","lastName":"L","email":"c\(i)@example.com","phone":"+1 312 555 010\(i)",
                 "address":{"state":"IL"}}
                """), now: d("2024-01-01T00:00:00Z"))
            try engine.createPolicy(try json(specPolicyBody(customerId: c.id, number: "P\(i)")), now: d("2024-01-01T00:00:00Z"))
        }
        let steps = sequence ?? #"[{"type":"\#(channel)","template":"renewal_reminder","delay":0}]"#
        let campaign = try engine.createCampaign(try json(#"{"name":"R","type":"renewal_reminder","controlGroupPercent":0,"touchpoints":\#(steps)}"#), now: d("2024-01-15T15:00:00Z"))
        try engine.setCampaignStatus(id: campaign.id, to: .active, now: d("2024-01-15T15:00:00Z"))
        return (engine, dir + "/out")
    }

    @Test func sendsToAMaildirAndRecordsTheContent() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let (engine, out) = try setUp(dir)
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .maildir, target: out), now: 0)
        let s = try engine.dispatchDue(now: d("2024-01-15T15:00:00Z"))
        #expect(s.sent == 4)
        let files = try FileManager.default.contentsOfDirectory(atPath: out + "/new")
        #expect(files.count == 4)
        let message = String(decoding: FileManager.default.contents(atPath: out + "/new/" + files[0])!, as: UTF8.self)
        #expect(message.contains("Subject: Your auto policy renews on January 1, 2025") && message.contains("Dear F"))
        #expect(try engine.db.scalarInt("SELECT count(*) FROM touchpoints WHERE status = 'sent' AND content LIKE 'Dear %'") == 4)
        #expect(try engine.dispatchDue(now: d("2024-01-15T15:05:00Z")).sent == 0, "nothing is sent twice")
    }

    @Test func optOutAndDoNotContactAreHonouredAtSendTime() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let (engine, out) = try setUp(dir)
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .outbox, target: out), now: 0)
        let ids = try engine.db.query("SELECT uuid FROM customers ORDER BY id") { $0.text(0) }
        // Changed after the touchpoints were queued.
        try engine.updateCustomer(id: ids[0], try json(#"{"optedOutChannels":["email"]}"#), now: 1)
        try engine.updateCustomer(id: ids[1], try json(#"{"doNotContact":true}"#), now: 1)
        let s = try engine.dispatchDue(now: d("2024-01-15T15:00:00Z"))
        #expect(s.sent == 2 && s.skipped == 2)
        #expect(Set(try engine.db.query("SELECT skip_reason FROM touchpoints WHERE status = 'skipped'") { $0.text(0) }) == ["opted_out_email", "do_not_contact"])
    }

    /// A step with `skipIf: renewed` is skipped when the policy the customer was enrolled for was renewed
    /// after the enrolment, and only then (another policy's renewal does not count).
    @Test func aStepIsSkippedWhenTheEnrolledPolicyWasRenewed() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let steps = #"[{"type":"email","template":"renewal_reminder","delay":0},{"type":"email","template":"renewal_reminder","delay":1440,"skipIf":"renewed"}]"#
        let (engine, out) = try setUp(dir, sequence: steps)
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .outbox, target: out), now: 0)
        #expect(try engine.dispatchDue(now: d("2024-01-15T15:00:00Z")).sent == 4)
        let customers = try engine.db.query("SELECT uuid FROM customers ORDER BY id") { $0.text(0) }
        let policies = try engine.db.query("SELECT uuid FROM policies ORDER BY id") { $0.text(0) }
        try engine.renewPolicy(id: policies[0], nil, now: d("2024-01-15T16:00:00Z"))
        let other = try engine.createPolicy(try json("""
            {"customerId":"\(customers[1])","policyNumber":"Q1","policyType":"home","premium":{"amount":900,"frequency":"annual"},
             "coverage":{"type":"std","amount":100000},"effectiveDate":"2024-01-10","expirationDate":"2025-06-01"}
            """), now: d("2024-01-15T16:00:00Z"))
        try engine.renewPolicy(id: other.id, nil, now: d("2024-01-15T16:30:00Z"))
        let s = try engine.dispatchDue(now: d("2024-01-16T15:00:00Z"))
        #expect(s.sent == 3 && s.skipped == 1)
        #expect(try engine.db.query("""
            SELECT c.uuid, t.skip_reason FROM touchpoints t JOIN customers c ON c.id = t.customer_id WHERE t.status = 'skipped'
            """) { [$0.text(0), $0.text(1)] } == [[customers[0], "condition_renewed"]])
    }

    @Test func callsWaitForTheLocalCallingWindow() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let (engine, out) = try setUp(dir, channel: "call")
        try engine.setChannelAdapter(.call, ChannelAdapter(kind: .outbox, target: out), now: 0)
        // 03:30Z on 2024-01-16 is 21:30 in Chicago (CST): too late; deferred to 08:00 CST = 14:00Z.
        let s = try engine.dispatchDue(now: d("2024-01-16T03:30:00Z"))
        #expect(s.deferred == 4 && s.sent == 0)
        #expect(try engine.db.query("SELECT DISTINCT due_at FROM touchpoints") { $0.int(0) } == [d("2024-01-16T14:00:00Z")])
        #expect(try engine.dispatchDue(now: d("2024-01-16T14:00:00Z")).sent == 4)
    }

    @Test func theFrequencyCapDefersTheFourthTouchInAWeek() {
        let now = 1_000_000
        let recent = [now - 86_400 * 6, now - 86_400 * 2, now - 3600]
        let decision = ContactRules.decide(channel: .email, doNotContact: false, optedOut: false, zone: .gmt, now: now, recentTouches: recent,
                                           window: CallingWindow(), cap: 3, capDays: 7)
        // The oldest touch (6 days ago) ages out a day from now.
        #expect(decision == .deferUntil(now - 86_400 * 6 + 7 * 86_400 + 1, reason: "frequency_cap"))
        #expect(ContactRules.decide(channel: .email, doNotContact: false, optedOut: false, zone: .gmt, now: now, recentTouches: Array(recent.prefix(2)),
                                    window: CallingWindow(), cap: 3, capDays: 7) == .send)
    }

    @Test func aFailingCommandIsRetriedWithBackoffThenFails() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let (engine, _) = try setUp(dir)
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .command, target: "cat >/dev/null; echo gateway down >&2; exit 3"), now: 0)
        var now = d("2024-01-15T15:00:00Z")
        #expect(try engine.dispatchDue(now: now).retried == 4)
        #expect(try engine.db.query("SELECT DISTINCT last_error FROM touchpoints") { $0.text(0) }.first?.contains("gateway down") == true)
        now += 300
        #expect(try engine.dispatchDue(now: now).retried == 4)
        now += 1200
        #expect(try engine.dispatchDue(now: now).failed == 4)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM touchpoints WHERE status = 'failed' AND attempts = 3") == 4)
    }

    @Test func twoDispatchersAtOnceSendEachTouchpointOnce() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let (engine, out) = try setUp(dir, sequence: #"[{"type":"email","template":"renewal_reminder","delay":0},{"type":"notification","template":"renewal_reminder","delay":0}]"#)
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .outbox, target: out), now: 0)
        try engine.setChannelAdapter(.notification, ChannelAdapter(kind: .outbox, target: out + "-n"), now: 0)
        let now = d("2024-01-15T15:00:00Z")
        // Two dispatchers on separate connections, each taking one touchpoint at a time until nothing is due.
        let group = DispatchGroup()
        for i in 0..<2 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                guard let e = try? Engine(database: Store.open(path: dir + "/book.db"), user: "d\(i)") else { return }
                while let s = try? e.dispatchDue(now: now, limit: 1, dispatcherID: "d\(i)"), s.sent + s.skipped + s.deferred + s.retried > 0 {}
            }
        }
        group.wait()
        let files = (try FileManager.default.contentsOfDirectory(atPath: out)).filter { $0.hasSuffix(".json") }.count
            + (try FileManager.default.contentsOfDirectory(atPath: out + "-n")).filter { $0.hasSuffix(".json") }.count
        #expect(files == 8)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM touchpoints WHERE status = 'sent'") == 8)
    }
}
