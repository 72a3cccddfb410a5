import Foundation
import Testing
@testable import RetentionCore

@Suite struct CampaignTests {
    /// The spec's create-campaign example body (its dates cover testNow, 2024-01-15).
    let specCampaign = """
    {
      "name": "Q1 Renewal Reminder Campaign",
      "description": "Automated reminders for Q1 policy renewals",
      "type": "renewal_reminder",
      "targetSegment": {"churnRisk": ["low", "medium", "high"], "policyTypes": ["auto", "home"], "healthScoreRange": {"min": 0, "max": 70}},
      "schedule": {"startDate": "2024-01-01T00:00:00Z", "endDate": "2024-03-31T23:59:59Z", "timezone": "America/New_York"},
      "touchpoints": [
        {"type": "email", "template": "renewal_reminder", "delay": 0},
        {"type": "sms", "template": "renewal_reminder", "delay": 10080},
        {"type": "call", "template": "renewal_reminder", "delay": 20160}
      ],
      "goals": {"targetCustomers": 500, "expectedRetention": 450, "expectedRevenue": 675000}
    }
    """

    /// A demo book's customers without the demo's own campaigns (the counts below are of this campaign's rows), and the spec's campaign.
    func bookAndCampaign() throws -> (Engine, Campaign) {
        let engine = try makeEngine(user: "manager")
        try DemoBook(customers: 400, seed: 11, now: testNow, withCampaigns: false).generate(into: engine.db)
        return (engine, try engine.createCampaign(try json(specCampaign), now: testNow))
    }

    @Test func createsTheSpecExampleAsADraft() throws {
        let (_, c) = try bookAndCampaign()
        #expect(c.status == .draft && c.type == .renewal_reminder && c.createdBy == "manager")
        #expect(c.sequence.map(\.channel) == [.email, .sms, .call])
        #expect(c.sequence.map(\.delayMinutes) == [0, 10080, 20160])
        #expect(c.targetSegment.policyTypes == [.auto, .home] && c.targetSegment.healthScoreMax == 70)
        #expect(c.schedule.timezone == "America/New_York")
        #expect(c.goals.expectedRevenueCents == 67_500_000)
        #expect(c.controlFraction == 0.1)
    }

    @Test(arguments: [
        (#"{"name":"x","type":"party","touchpoints":[{"type":"email","template":"t"}]}"#, "type"),
        (#"{"name":"x","type":"loyalty","touchpoints":[]}"#, "touchpoints"),
        (#"{"name":"x","type":"loyalty","touchpoints":[{"type":"fax","template":"t"}]}"#, "touchpoints[0].type"),
        (#"{"name":"x","type":"loyalty","touchpoints":[{"type":"email","template":"loyalty","delay":60},{"type":"sms","template":"loyalty","delay":10}]}"#, "touchpoints[1].delay"),
        (#"{"name":"x","type":"loyalty","touchpoints":[{"type":"email","template":"birthday"}]}"#, "touchpoints[0].template"),
        (#"{"name":"x","type":"loyalty","schedule":{"timezone":"Mars/Olympus"},"touchpoints":[{"type":"email","template":"t"}]}"#, "schedule.timezone"),
        (#"{"name":"x","type":"loyalty","schedule":{"startDate":"2024-02-01","endDate":"2024-01-01"},"touchpoints":[{"type":"email","template":"t"}]}"#, "schedule.endDate"),
        (#"{"name":"x","type":"loyalty","schedule":{"cron":"0 9 * *"},"touchpoints":[{"type":"email","template":"t"}]}"#, "schedule.cron"),
        (#"{"name":"x","type":"loyalty","targetSegment":{"churnRisk":["extreme"]},"touchpoints":[{"type":"email","template":"t"}]}"#, "targetSegment.churnRisk[0]"),
    ])
    func invalidCampaignsNameTheField(body: String, field: String) throws {
        let engine = try makeEngine()
        #expect { try engine.createCampaign(try json(body), now: testNow) } throws: { ($0 as? RetentionError)?.field == field }
        #expect(try count(engine, "campaigns") == 0)
    }

    @Test func activationEnrolsTheSegmentHoldsOutAControlGroupAndLaysOutTheSequence() throws {
        let (engine, c) = try bookAndCampaign()
        let preview = try engine.previewCampaign(id: c.id, now: testNow)
        #expect(preview.count > 20)
        let active = try engine.setCampaignStatus(id: c.id, to: .active, now: testNow)
        #expect(active.status == .active)
        let enrolled = try engine.db.scalarInt("SELECT count(*) FROM campaign_enrollments")
        let control = try engine.db.scalarInt("SELECT count(*) FROM campaign_enrollments WHERE is_control = 1")
        #expect(enrolled == preview.count)
        #expect(control > 0 && Double(control) / Double(enrolled) < 0.25)
        #expect(try count(engine, "touchpoints") == (enrolled - control) * 3)
        // Step k is due at enrolment + its delay.
        let offsets = try engine.db.query("SELECT DISTINCT due_at - ? FROM touchpoints ORDER BY 1", [.int(Int64(testNow))]) { $0.int(0) }
        #expect(offsets == [0, 10080 * 60, 20160 * 60])
        // Each step keeps its own channel, template and delay (all steps are laid out in one statement).
        let steps = try engine.db.query("SELECT DISTINCT step_index, channel, template, due_at - ? FROM touchpoints ORDER BY 1",
                                        [.int(Int64(testNow))]) { "\($0.int(0)) \($0.text(1)) \($0.text(2)) \($0.int(3))" }
        #expect(steps == ["0 email renewal_reminder 0", "1 sms renewal_reminder 604800", "2 call renewal_reminder 1209600"])
        #expect(try engine.db.scalarInt("SELECT count(DISTINCT enrollment_id || ':' || step_index) FROM touchpoints") == (enrolled - control) * 3)
        // Their ids are distinct version-7 UUIDs that ascend by enrolment and step.
        let ids = try engine.db.query("SELECT uuid FROM touchpoints ORDER BY enrollment_id, step_index") { $0.text(0) }
        #expect(ids == ids.sorted() && Set(ids).count == ids.count)
        #expect(ids.allSatisfy { UUID(uuidString: $0) != nil && Array($0)[14] == "7" && "89ab".contains(Array($0)[19]) })
        // Every enrolled customer matches the segment.
        let outside = try engine.db.scalarInt("""
            SELECT count(*) FROM campaign_enrollments e JOIN customers c ON c.id = e.customer_id
            WHERE c.health_score > 70 OR c.active_policies = 0
               OR NOT EXISTS (SELECT 1 FROM policies p WHERE p.customer_id = c.id AND p.policy_type IN ('auto','home') AND p.status IN ('active','pending_renewal'))
            """)
        #expect(outside == 0)
        // Activating again is refused with the allowed moves.
        #expect { try engine.setCampaignStatus(id: c.id, to: .active, now: testNow) } throws: { ($0 as? RetentionError)?.code == "invalid_transition" }
    }

    @Test func aPreferredStepUsesEachCustomersChannelAndTheRunReportsItsControlGroup() throws {
        let engine = try makeEngine(user: "manager")
        try DemoBook(customers: 300, seed: 5, now: testNow, withCampaigns: false).generate(into: engine.db)
        let c = try engine.createCampaign(try json(#"""
            {"name": "Mixed", "type": "engagement",
             "touchpoints": [{"type": "preferred", "template": "engagement", "delay": 0}, {"type": "sms", "template": "engagement", "delay": 60}]}
            """#), now: testNow)
        try engine.setCampaignStatus(id: c.id, to: .active, now: testNow)
        let mismatched = try engine.db.scalarInt("""
            SELECT count(*) FROM touchpoints t JOIN customers c ON c.id = t.customer_id
            WHERE t.channel IS NOT (CASE t.step_index WHEN 0 THEN coalesce(c.preferred_contact_method, 'email') ELSE 'sms' END)
            """)
        #expect(mismatched == 0)
        #expect(try engine.db.scalarInt("SELECT count(DISTINCT channel) FROM touchpoints WHERE step_index = 0") > 1,
                "the demo book's customers prefer different channels")
        let control = try engine.db.scalarInt("SELECT count(*) FROM campaign_enrollments WHERE is_control = 1")
        #expect(control > 0)
        let audited = try engine.db.queryOne("SELECT details FROM audit_log WHERE action = 'campaign.status'") { try JSONValue.parse($0.text(0)) }
        #expect(audited?["control"]?.doubleValue == Double(control))
        #expect(audited?["touchpoints"]?.doubleValue == Double(try count(engine, "touchpoints")))
        #expect(try engine.db.query("PRAGMA foreign_key_check") { $0.text(0) }.isEmpty, "every reference the activation wrote holds")
    }

    @Test func pauseHoldsAndResumeKeepsTheSpacing() throws {
        let (engine, c) = try bookAndCampaign()
        try engine.setCampaignStatus(id: c.id, to: .active, now: testNow)
        try engine.setCampaignStatus(id: c.id, to: .paused, now: testNow + 3600)
        #expect(try engine.pendingTouchpoints(limit: 10, now: testNow + 7200).isEmpty, "a paused campaign sends nothing")
        try engine.setCampaignStatus(id: c.id, to: .active, now: testNow + 3 * 86_400 + 3600)
        let offsets = try engine.db.query("SELECT DISTINCT due_at - ? FROM touchpoints ORDER BY 1", [.int(Int64(testNow))]) { $0.int(0) }
        #expect(offsets == [3 * 86_400, 3 * 86_400 + 10080 * 60, 3 * 86_400 + 20160 * 60])
        let cancelled = try engine.setCampaignStatus(id: c.id, to: .cancelled, now: testNow + 4 * 86_400)
        #expect(cancelled.status == .cancelled)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM touchpoints WHERE status = 'pending'") == 0)
        do {
            try engine.setCampaignStatus(id: c.id, to: .paused, now: testNow + 5 * 86_400)
            Issue.record("a cancelled campaign cannot be paused")
        } catch let e as RetentionError {
            #expect(e.message.contains("none (it is final)"))
        }
        let audits = try engine.db.scalarInt("SELECT count(*) FROM audit_log WHERE action = 'campaign.status'")
        #expect(audits == 4)
    }

    @Test func touchpointLifecycleMovesForwardAndFeedsPerformance() throws {
        let (engine, c) = try bookAndCampaign()
        try engine.setCampaignStatus(id: c.id, to: .active, now: testNow)
        let due = try engine.pendingTouchpoints(limit: 3, now: testNow)
        #expect(due.count == 3 && due.allSatisfy { $0.channel == .email })
        try engine.updateTouchpointStatus(id: due[0].id, status: .sent, metadata: nil, now: testNow + 1)
        let opened = try engine.updateTouchpointStatus(id: due[0].id, status: .opened, metadata: try json(#"{"deliveryProvider":"sendgrid","messageId":"msg-12345"}"#), now: testNow + 2)
        #expect(opened.deliveredAt == testNow + 2 && opened.openedAt == testNow + 2 && opened.sentAt == testNow + 1)
        #expect(opened.metadata?["messageId"] == .string("msg-12345"))
        #expect { try engine.updateTouchpointStatus(id: due[0].id, status: .sent, metadata: nil, now: testNow + 3) } throws: {
            ($0 as? RetentionError)?.code == "invalid_transition"
        }
        let responded = try engine.recordTouchpointResponse(id: due[0].id, response: "Customer confirmed renewal interest", now: testNow + 4)
        #expect(responded.status == .responded && responded.response == "Customer confirmed renewal interest")
        try engine.updateTouchpointStatus(id: due[1].id, status: .sent, metadata: nil, now: testNow + 5)
        try engine.updateTouchpointStatus(id: due[1].id, status: .delivered, metadata: nil, now: testNow + 6)
        let failed = try engine.updateTouchpointStatus(id: due[2].id, status: .failed, metadata: try json(#"{"error":"mailbox full"}"#), now: testNow + 7)
        #expect(failed.lastError == "mailbox full")
        let retried = try engine.updateTouchpointStatus(id: due[2].id, status: .pending, metadata: nil, now: testNow + 8)
        #expect(retried.attempts == 1 && retried.status == .pending)

        let perf = try engine.campaignPerformance(id: c.id, now: testNow + 9)
        #expect(perf["touchpoints"]?["byStatus"]?["responded"] == .number(1))
        #expect(perf["touchpoints"]?["byStatus"]?["delivered"] == .number(1))
        // 2 sent, 2 delivered, 1 opened, 1 responded.
        #expect(perf["touchpoints"]?["rates"]?["deliveryRate"] == .number(100))
        #expect(perf["touchpoints"]?["rates"]?["openRate"] == .number(50))
        #expect(perf["touchpoints"]?["rates"]?["responseRate"] == .number(50))
        #expect(perf["cost"] == .number(0.02))  // two e-mails at 1 cent
        #expect(perf["customers"]?["reached"] == .number(2))
        #expect(perf["retention"]?["controlSize"] != .number(0))
    }
}

@Suite struct CampaignScheduleTests {
    @Test func scheduledCampaignsStartRecurOnCronAndComplete() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 200, seed: 5, now: testNow).generate(into: engine.db)
        // Starts tomorrow 09:00 New York, runs every Monday 09:00, ends after three weeks.
        let c = try engine.createCampaign(try json("""
            {"name":"Weekly","type":"engagement","schedule":{"startDate":"2024-01-16T14:00:00Z","endDate":"2024-02-06T00:00:00Z",
             "timezone":"America/New_York","cron":"0 9 * * MON"},"touchpoints":[{"type":"email","template":"engagement","delay":0}]}
            """), now: testNow)
        #expect(try engine.setCampaignStatus(id: c.id, to: .active, now: testNow).status == .scheduled)
        #expect(try engine.runDueCampaigns(now: testNow + 3600).activated.isEmpty)
        let start = Timestamp.parse("2024-01-16T14:00:00Z")!
        let tick = try engine.runDueCampaigns(now: start)
        #expect(tick.activated == ["Weekly"])
        let active = try engine.campaign(id: c.id)
        #expect(active.status == .active)
        // Next Monday 09:00 EST = 14:00Z on 2024-01-22.
        #expect(active.nextRunAt == Timestamp.parse("2024-01-22T14:00:00Z"))
        let firstEnrolled = try engine.db.scalarInt("SELECT count(*) FROM campaign_enrollments")
        // A customer who newly matches is enrolled by the next run; those already enrolled are not again.
        let newcomer = try engine.createCustomer(try json(#"{"leadId":"new","agentId":"a","firstName":"N","lastName":"C","email":"n@example.com"}"#), now: start)
        try engine.createPolicy(try json(specPolicyBody(customerId: newcomer.id, number: "NEW-1")), now: start)
        let run = try engine.runDueCampaigns(now: Timestamp.parse("2024-01-22T14:00:00Z")!)
        #expect(run.runs == ["Weekly"] && run.enrolled == 1)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM campaign_enrollments") == firstEnrolled + 1)
        let done = try engine.runDueCampaigns(now: Timestamp.parse("2024-02-06T00:00:00Z")!)
        #expect(done.completed == ["Weekly"])
        #expect(try engine.campaign(id: c.id).status == .completed)
    }
}

/// A campaign's performance, every figure computed by hand from a small book.
@Suite struct CampaignPerformanceTests {
    @Test func everyFigureMatchesTheHandComputation() throws {
        let engine = try makeEngine(user: "manager")
        let enrolledAt = testNow
        let day = Timestamp.secondsPerDay
        var customers: [String: (id: String, row: Int64, policy: String)] = [:]
        for (n, name) in ["T1", "T2", "T3", "K1"].enumerated() {
            let c = try engine.createCustomer(try json(#"{"leadId":"\#(name)","agentId":"a","firstName":"\#(name)","lastName":"X","email":"\#(name)@example.com"}"#),
                                              now: testNow)
            let p = try engine.createPolicy(try json(specPolicyBody(customerId: c.id, number: "P-\(n)")), now: testNow)
            customers[name] = (c.id, c.rowID, p.id)
        }
        let campaign = try engine.createCampaign(try json(#"{"name":"Save","type":"winback","touchpoints":[{"type":"email","template":"engagement","delay":0}]}"#),
                                                 now: testNow)
        let campaignRow = try engine.db.scalarInt("SELECT id FROM campaigns WHERE uuid = ?", [.text(campaign.id)])
        // Treated: T1, T2, T3; control: K1. The attribution window is the last step's delay (0) + 90 days.
        for name in ["T1", "T2", "T3", "K1"] {
            try engine.db.run("INSERT INTO campaign_enrollments (campaign_id, customer_id, run_at, enrolled_at, is_control) VALUES (?, ?, ?, ?, ?)",
                              [.int(Int64(campaignRow)), .int(customers[name]!.row), .int(Int64(enrolledAt)), .int(Int64(enrolledAt)), .int(name == "K1" ? 1 : 0)])
        }
        // T1 renews at $1,650 on day 10 (counted), T2 at $1,700 on day 100 (after the window), K1 at $1,200 on
        // day 5; T3 cancels on day 20 (not retained). Every term is 12 months.
        _ = try engine.renewPolicy(id: customers["T1"]!.policy, try json(#"{"premium":{"amount":1650,"frequency":"annual"}}"#), now: enrolledAt + 10 * day)
        _ = try engine.renewPolicy(id: customers["T2"]!.policy, try json(#"{"premium":{"amount":1700,"frequency":"annual"}}"#), now: enrolledAt + 100 * day)
        _ = try engine.renewPolicy(id: customers["K1"]!.policy, try json(#"{"premium":{"amount":1200,"frequency":"annual"}}"#), now: enrolledAt + 5 * day)
        _ = try engine.updatePolicy(id: customers["T3"]!.policy, try json(#"{"status":"cancelled"}"#), now: enrolledAt + 20 * day)
        // Touchpoints: T1 e-mail clicked, T1 call responded (no open), T2 SMS delivered, T3 e-mail sent only, T2 e-mail pending.
        let t = enrolledAt + day
        let touches: [(String, String, String, [String])] = [
            ("T1", "email", "clicked", ["sent_at", "delivered_at", "opened_at", "clicked_at"]), ("T1", "call", "responded", ["sent_at", "delivered_at", "responded_at"]),
            ("T2", "sms", "delivered", ["sent_at", "delivered_at"]), ("T3", "email", "sent", ["sent_at"]), ("T2", "email", "pending", []),
        ]
        for (i, (name, channel, status, stamps)) in touches.enumerated() {
            try engine.db.run("""
                INSERT INTO touchpoints (uuid, campaign_id, customer_id, channel, status, due_at, \(stamps.map { $0 + ", " }.joined())created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, \(stamps.map { _ in "?, " }.joined())0, 0)
                """, [.text("tp\(i)"), .int(Int64(campaignRow)), .int(customers[name]!.row), .text(channel), .text(status), .int(Int64(t))]
                + stamps.map { _ in .int(Int64(t)) })
        }

        let p = try engine.campaignPerformance(id: campaign.id, now: testNow)
        // Customers: targeted |T| = 3; reached (a delivery) T1, T2 = 2; engaged (open, click or response) T1 = 1.
        #expect(p["customers"] == .object([("targeted", .number(3)), ("reached", .number(2)), ("engaged", .number(1)), ("control", .number(1))]))
        #expect(p["touchpoints"]?["total"] == .number(5))
        #expect(p["touchpoints"]?["byStatus"]?["clicked"] == .number(1) && p["touchpoints"]?["byStatus"]?["pending"] == .number(1)
                && p["touchpoints"]?["byStatus"]?["opened"] == .number(0) && p["touchpoints"]?["byStatus"]?["sent"] == .number(1))
        // Sent 4, delivered 3, opened 1, clicked 1, responded 1.
        #expect(p["touchpoints"]?["rates"] == .object([("deliveryRate", .number(75)), ("openRate", .number(33.33)), ("clickRate", .number(33.33)),
                                                        ("responseRate", .number(33.33)), ("clickToOpenRate", .number(100))]))
        #expect(p["engagementRate"] == .number(50))   // 1 engaged / 2 reached
        // Retention: T1 and T2 still in force of 3 treated; K1 of 1 control. Uplift (2/3 − 1) × 100.
        #expect(p["retention"] == .object([("treatedRate", .number(66.67)), ("controlRate", .number(100)), ("upliftPoints", .number(-33.33)),
                                           ("treatedSize", .number(3)), ("controlSize", .number(1))]))
        // Revenue: T1's renewed term $1,650 × 12/12; control K1's $1,200; incremental 1650 − 1200 × 3/1.
        #expect(p["revenue"] == .object([("retained", .number(1650)), ("control", .number(1200)), ("incremental", .number(-1950)),
                                         ("attributionWindowDays", .number(90))]))
        // Cost: 2 e-mails × 1¢ + 1 call × 400¢ + 1 SMS × 5¢ = 407¢ (the pending e-mail was not sent).
        #expect(p["cost"] == .number(4.07))
        #expect(p["roi"] == .number(40440.54))            // (165,000 − 407) / 407 × 100
        #expect(p["roiOnUplift"] == .number(-48011.55))   // (−195,000 − 407) / 407 × 100
        #expect(p["goals"]?["expectedRetention"]?["actual"] == .number(2))
    }
}
