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
        #expect(perf.touchpoints.byStatus[.responded] == 1)
        // The funnel: the responded touchpoint was delivered too (the spec's use case 6 reads this as "Reached").
        #expect(perf.touchpoints.byStatus[.delivered] == 2)
        #expect(perf.touchpoints.byStatus[.sent] == 2 && perf.touchpoints.byStatus[.failed] == 0)
        #expect(perf.touchpoints.byCurrentStatus[.delivered] == 1 && perf.touchpoints.byCurrentStatus[.responded] == 1)
        // 2 sent, 2 delivered, 1 opened, 1 responded.
        #expect(perf.touchpoints.rates.deliveryRate == 100)
        #expect(perf.touchpoints.rates.openRate == 50)
        #expect(perf.touchpoints.rates.responseRate == 50)
        #expect(perf.cost == 0.02)  // two e-mails at 1 cent
        #expect(perf.customers.reached == 2)
        #expect(perf.retention.controlSize != 0)
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
        let completed = try engine.campaign(id: c.id)
        #expect(completed.status == .completed)
        #expect(completed.nextRunAt == nil && completed.json["nextRunAt"] == .null, "a finished campaign has no next run")
    }

    @Test func cancellingOrReturningToDraftClearsTheNextRun() throws {
        let engine = try makeEngine()
        func weekly(_ name: String) throws -> Campaign {
            try engine.createCampaign(try json("""
                {"name":"\(name)","type":"engagement","schedule":{"startDate":"2024-01-16T14:00:00Z","timezone":"America/New_York","cron":"0 9 * * MON"},
                 "touchpoints":[{"type":"email","template":"engagement","delay":0}]}
                """), now: testNow)
        }
        let a = try weekly("A"), b = try weekly("B")
        #expect(try engine.setCampaignStatus(id: a.id, to: .active, now: testNow).nextRunAt == Timestamp.parse("2024-01-16T14:00:00Z"))
        #expect(try engine.setCampaignStatus(id: a.id, to: .draft, now: testNow).nextRunAt == nil)
        try engine.setCampaignStatus(id: b.id, to: .active, now: testNow)
        try engine.runDueCampaigns(now: Timestamp.parse("2024-01-16T14:00:00Z")!)
        #expect(try engine.campaign(id: b.id).nextRunAt == Timestamp.parse("2024-01-22T14:00:00Z"))
        #expect(try engine.setCampaignStatus(id: b.id, to: .paused, now: testNow + 2 * 86_400).nextRunAt != nil, "a paused campaign keeps its next run")
        #expect(try engine.setCampaignStatus(id: b.id, to: .cancelled, now: testNow + 2 * 86_400).nextRunAt == nil)
    }

    /// A date-only end is included to 23:59:59 of that day in the campaign's zone; a date-only start begins
    /// at 00:00 there. Both are kept and shown as given.
    @Test func dateOnlyStartAndEndAreWholeDaysInTheCampaignsZone() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 60, seed: 5, now: testNow).generate(into: engine.db)
        func campaign(_ name: String, _ schedule: String) throws -> Campaign {
            try engine.createCampaign(try json("""
                {"name":"\(name)","type":"engagement","schedule":\(schedule),"touchpoints":[{"type":"email","template":"engagement","delay":0}]}
                """), now: testNow)
        }
        // New York is UTC−5 in January: 2024-01-16 starts at 05:00Z; 2024-01-20 ends at 2024-01-21T05:00:00Z.
        let c = try campaign("Week", #"{"startDate":"2024-01-16","endDate":"2024-01-20","timezone":"America/New_York"}"#)
        #expect(c.schedule.json["startDate"] == .string("2024-01-16") && c.schedule.json["endDate"] == .string("2024-01-20"))
        #expect(try engine.campaign(id: c.id).schedule == c.schedule, "stored as given")
        #expect(c.schedule.startsAt == Timestamp.parse("2024-01-16T05:00:00Z") && c.schedule.endsAt == Timestamp.parse("2024-01-21T05:00:00Z"))
        #expect(try engine.setCampaignStatus(id: c.id, to: .active, now: testNow).nextRunAt == Timestamp.parse("2024-01-16T05:00:00Z"))
        #expect(try engine.runDueCampaigns(now: Timestamp.parse("2024-01-16T04:59:59Z")!).activated.isEmpty, "23:59:59 on the 15th in New York")
        #expect(try engine.runDueCampaigns(now: Timestamp.parse("2024-01-16T05:00:00Z")!).activated == ["Week"])
        // The last day runs to its end in New York: still active at 23:59:59 EST on the 20th (04:59:59Z on the 21st).
        #expect(try engine.runDueCampaigns(now: Timestamp.parse("2024-01-21T04:59:59Z")!).completed.isEmpty)
        #expect(try engine.campaign(id: c.id).status == .active)
        #expect(try engine.runDueCampaigns(now: Timestamp.parse("2024-01-21T05:00:00Z")!).completed == ["Week"])

        // Activation is refused only once the end date is over in the zone.
        let late = try campaign("Late", #"{"endDate":"2024-01-20","timezone":"America/New_York"}"#)
        let over = try campaign("Over", #"{"endDate":"2024-01-20","timezone":"America/New_York"}"#)
        #expect(try engine.setCampaignStatus(id: late.id, to: .active, now: Timestamp.parse("2024-01-21T04:59:59Z")!).status == .active)
        #expect { try engine.setCampaignStatus(id: over.id, to: .active, now: Timestamp.parse("2024-01-21T05:00:00Z")!) } throws: {
            ($0 as? RetentionError)?.code == "campaign_ended" && ($0 as? RetentionError)?.message.contains("2024-01-20 (to the end of that day, America/New_York)") == true
        }
        // A one-day campaign (start and end the same date) is a whole day; an end date before the start is refused.
        let day = try campaign("Day", #"{"startDate":"2024-01-20","endDate":"2024-01-20","timezone":"Asia/Tokyo"}"#)
        #expect(day.schedule.startsAt == Timestamp.parse("2024-01-19T15:00:00Z") && day.schedule.endsAt == Timestamp.parse("2024-01-20T15:00:00Z"))
        #expect { try campaign("Backwards", #"{"startDate":"2024-01-20","endDate":"2024-01-19"}"#) } throws: {
            ($0 as? RetentionError)?.field == "schedule.endDate" && ($0 as? RetentionError)?.message.contains("2024-01-19 ends the campaign before it starts") == true
        }
        // An instant means itself, whatever the zone, and is shown in UTC.
        let exact = try campaign("Exact", #"{"endDate":"2024-01-20T23:59:59-05:00","timezone":"Asia/Tokyo"}"#)
        #expect(exact.schedule.endsAt == Timestamp.parse("2024-01-21T04:59:59Z") && exact.schedule.json["endDate"] == .string("2024-01-21T04:59:59Z"))
    }

    @Test func aDateStartsAtTheZonesFirstInstantOfTheDay() {
        // Havana skips midnight on 2024-03-10 (00:00 CST becomes 01:00 CDT at 05:00Z): the day starts at 01:00 CDT.
        #expect(ScheduleDate.parse("2024-03-10")?.start(in: TimeZone(identifier: "America/Havana")!) == Timestamp.parse("2024-03-10T05:00:00Z"))
        // Spring forward in New York does not move midnight: 2024-03-10 ends at 00:00 EDT on the 11th (04:00Z).
        #expect(ScheduleDate.parse("2024-03-10")?.end(in: TimeZone(identifier: "America/New_York")!) == Timestamp.parse("2024-03-11T04:00:00Z"))
        #expect(ScheduleDate.parse("1969-12-31")?.start(in: .gmt) == -86_400)
        #expect(ScheduleDate.parse("2024-02-30") == nil && ScheduleDate.parse("2024-01-20T25:00:00Z") == nil)
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
        #expect(p.customers == .init(targeted: 3, reached: 2, engaged: 1, control: 1))
        #expect(p.touchpoints.total == 5)
        // byStatus is a funnel: each touchpoint counts at every stage it reached (sent 4: all but the pending
        // one; delivered 3: T1's two and T2's SMS; opened 1 and clicked 1: T1's e-mail; responded 1: T1's call),
        // and in the side state it is in now (pending 1).
        #expect(p.touchpoints.byStatus == [.pending: 1, .sending: 0, .sent: 4, .delivered: 3, .opened: 1, .clicked: 1,
                                           .responded: 1, .failed: 0, .skipped: 0, .cancelled: 0, .needsReview: 0])
        // byCurrentStatus counts each touchpoint once, by its status now: 5 in all.
        #expect(p.touchpoints.byCurrentStatus == [.pending: 1, .sending: 0, .sent: 1, .delivered: 1, .opened: 0, .clicked: 1,
                                                  .responded: 1, .failed: 0, .skipped: 0, .cancelled: 0, .needsReview: 0])
        // Sent 4, delivered 3, opened 1, clicked 1, responded 1: the rates are ratios of the funnel's counts.
        #expect(p.touchpoints.rates == .init(deliveryRate: 75, openRate: 33.33, clickRate: 33.33, responseRate: 33.33, clickToOpenRate: 100))
        #expect(p.engagementRate == 50)   // 1 engaged / 2 reached
        // Retention: T1 and T2 still in force of 3 treated; K1 of 1 control. Uplift (2/3 − 1) × 100.
        #expect(p.retention == .init(treatedRate: 66.67, controlRate: 100, upliftPoints: -33.33, treatedSize: 3, controlSize: 1))
        // Revenue: T1's renewed term $1,650 × 12/12; control K1's $1,200; incremental 1650 − 1200 × 3/1.
        #expect(p.revenue == .init(retained: 1650, control: 1200, incremental: -1950, attributionWindowDays: 90))
        // Cost: 2 e-mails × 1¢ + 1 call × 400¢ + 1 SMS × 5¢ = 407¢ (the pending e-mail was not sent).
        #expect(p.cost == 4.07)
        #expect(p.roi == 40440.54)            // (165,000 − 407) / 407 × 100
        #expect(p.roiOnUplift == -48011.55)   // (−195,000 − 407) / 407 × 100
        #expect(p.goals.expectedRetention.actual == 2)
        // The API's document carries these typed figures, under the spec's keys.
        let doc = p.json
        #expect(doc["customers"] == .object([("targeted", .number(3)), ("reached", .number(2)), ("engaged", .number(1)), ("control", .number(1))]))
        #expect(doc["touchpoints"]?["byStatus"]?.objectPairs?.map(\.0) == TouchpointStatus.allCases.map(\.rawValue))
        #expect(doc["touchpoints"]?["byStatus"]?["sent"] == .number(4) && doc["touchpoints"]?["byCurrentStatus"]?["sent"] == .number(1))
        #expect(doc["touchpoints"]?["rates"]?["openRate"] == .number(33.33) && doc["engagementRate"] == .number(50))
        #expect(doc["retention"]?["upliftPoints"] == .number(-33.33) && doc["revenue"]?["incremental"] == .number(-1950))
        #expect(doc["cost"] == .number(4.07) && doc["roi"] == .number(40440.54) && doc["roiOnUplift"] == .number(-48011.55))
        #expect(doc["goals"]?["expectedRetention"]?["actual"] == .number(2) && doc["campaignId"] == .string(campaign.id))
        #expect(doc["calculatedAt"] == .string(Timestamp.formatInstant(testNow)))
    }

    /// A win-back's revenue is the customers it won back: for a customer with nothing in force when enrolled,
    /// the first term of each policy taken out in the window counts; one taken out after the window does not,
    /// nor a policy that a customer in force adds (a cross-sale is new business, not revenue kept).
    @Test func aWinBackEarnsTheFirstTermOfThePoliciesItsFormerCustomersTakeOut() throws {
        let engine = try makeEngine(user: "manager")
        let enrolledAt = testNow   // 2024-01-15; the window is 0 + 90 days: up to 2024-04-14
        let day = Timestamp.secondsPerDay
        func policy(_ customer: String, _ number: String, amount: Int, frequency: String, from: String, to: String) throws -> String {
            try engine.createPolicy(try json("""
                {"customerId":"\(customer)","agentId":"a","policyNumber":"\(number)","policyType":"auto",
                 "premium":{"amount":\(amount),"frequency":"\(frequency)","currency":"USD"},
                 "coverage":{"type":"comprehensive","amount":50000},"effectiveDate":"\(from)","expirationDate":"\(to)"}
                """), now: testNow - 400 * day).id
        }
        var rows: [String: (id: String, row: Int64)] = [:]
        for name in ["W1", "W2", "T1"] {
            let c = try engine.createCustomer(try json(#"{"leadId":"\#(name)","agentId":"a","firstName":"\#(name)","lastName":"X","email":"\#(name)@example.com"}"#),
                                              now: testNow - 400 * day)
            rows[name] = (c.id, c.rowID)
        }
        // W1 and W2 left before the campaign (their policies cancelled 10 days before it); T1 is in force.
        for name in ["W1", "W2"] {
            let old = try policy(rows[name]!.id, "OLD-\(name)", amount: 900, frequency: "annual", from: "2023-01-01", to: "2024-01-01")
            _ = try engine.updatePolicy(id: old, try json(#"{"status":"cancelled"}"#), now: enrolledAt - 10 * day)
        }
        _ = try policy(rows["T1"]!.id, "OLD-T1", amount: 1500, frequency: "annual", from: "2023-06-01", to: "2024-06-01")
        let campaign = try engine.createCampaign(try json(#"{"name":"Back","type":"winback","touchpoints":[{"type":"email","template":"engagement","delay":0}]}"#),
                                                 now: testNow)
        let campaignRow = try engine.db.scalarInt("SELECT id FROM campaigns WHERE uuid = ?", [.text(campaign.id)])
        for name in ["W1", "W2", "T1"] {
            try engine.db.run("INSERT INTO campaign_enrollments (campaign_id, customer_id, run_at, enrolled_at, is_control) VALUES (?, ?, ?, ?, 0)",
                              [.int(Int64(campaignRow)), .int(rows[name]!.row), .int(Int64(enrolledAt)), .int(Int64(enrolledAt))])
            try engine.db.run("""
                INSERT INTO touchpoints (uuid, campaign_id, customer_id, channel, status, due_at, sent_at, created_at, updated_at)
                VALUES (?, ?, ?, 'email', 'sent', ?4, ?4, 0, 0)
                """, [.text("tp-\(name)"), .int(Int64(campaignRow)), .int(rows[name]!.row), .int(Int64(enrolledAt))])
        }
        // W1 comes back on 2024-02-01 with $100 a month for 6 months (annual $1,200, first term $600) and a
        // $300-a-year policy on 2024-03-01 (12 months, $300); W2 comes back on 2024-05-01, after the window;
        // T1, in force, adds a $2,000 policy on 2024-02-01.
        let newW1a = try policy(rows["W1"]!.id, "NEW-W1a", amount: 100, frequency: "monthly", from: "2024-02-01", to: "2024-08-01")
        _ = try policy(rows["W1"]!.id, "NEW-W1b", amount: 300, frequency: "annual", from: "2024-03-01", to: "2025-03-01")
        _ = try policy(rows["W2"]!.id, "NEW-W2", amount: 800, frequency: "annual", from: "2024-05-01", to: "2025-05-01")
        _ = try policy(rows["T1"]!.id, "NEW-T1", amount: 2000, frequency: "annual", from: "2024-02-01", to: "2025-02-01")

        let p = try engine.campaignPerformance(id: campaign.id, now: enrolledAt + 200 * day)
        // Revenue: W1's first terms $1,200 × 6/12 + $300 × 12/12 = $900; W2 and T1 add nothing.
        #expect(p.revenue.retained == 900)
        // Cost: 3 e-mails × 1¢; ROI = (90,000 − 3) / 3 × 100 = 2,999,900 %.
        #expect(p.cost == 0.03 && p.roi == 2_999_900)
        // Retention: W1, W2 and T1 all hold a policy in force on day 200.
        #expect(p.retention.treatedRate == 100)
        // The first term is fixed once it began: re-rating W1's first policy after the window (to $2,400 a year)
        // leaves the revenue as it was.
        _ = try engine.updatePolicy(id: newW1a, try json(#"{"premium":{"amount":200,"frequency":"monthly"}}"#), now: enrolledAt + 150 * day)
        #expect(try engine.campaignPerformance(id: campaign.id, now: enrolledAt + 200 * day).revenue.retained == 900)
        // W3, also gone before the campaign, takes out a $600-a-year policy on 2024-02-10 that is rewritten on
        // 2024-03-10 as a $650 one: the customer came back once, at $600.
        let w3 = try engine.createCustomer(try json(#"{"leadId":"W3","agentId":"a","firstName":"W3","lastName":"X","email":"w3@example.com"}"#), now: testNow - 400 * day)
        let oldW3 = try policy(w3.id, "OLD-W3", amount: 900, frequency: "annual", from: "2023-01-01", to: "2024-01-01")
        _ = try engine.updatePolicy(id: oldW3, try json(#"{"status":"cancelled"}"#), now: enrolledAt - 10 * day)
        try engine.db.run("INSERT INTO campaign_enrollments (campaign_id, customer_id, run_at, enrolled_at, is_control) VALUES (?, ?, ?, ?, 0)",
                          [.int(Int64(campaignRow)), .int(w3.rowID), .int(Int64(enrolledAt)), .int(Int64(enrolledAt))])
        let rewritten = try policy(w3.id, "RW-1", amount: 600, frequency: "annual", from: "2024-02-10", to: "2025-02-10")
        let replacement = try policy(w3.id, "RW-2", amount: 650, frequency: "annual", from: "2024-03-10", to: "2025-03-10")
        try engine.db.run("""
            UPDATE policies SET status = 'cancelled', end_reason = 'rewritten', ended_at = (SELECT inception_date FROM policies WHERE uuid = ?)
            WHERE uuid = ?
            """, [.text(replacement), .text(rewritten)])
        #expect(try engine.campaignPerformance(id: campaign.id, now: enrolledAt + 200 * day).revenue.retained == 1_500)
        // A campaign aimed at customers in force wins no one back: W1 enrolled in one earns it nothing.
        let loyalty = try engine.createCampaign(try json(#"{"name":"Keep","type":"loyalty","touchpoints":[{"type":"email","template":"engagement","delay":0}]}"#),
                                                now: testNow)
        try engine.db.run("INSERT INTO campaign_enrollments (campaign_id, customer_id, run_at, enrolled_at, is_control) SELECT id, ?, ?, ?, 0 FROM campaigns WHERE uuid = ?",
                          [.int(rows["W1"]!.row), .int(Int64(enrolledAt)), .int(Int64(enrolledAt)), .text(loyalty.id)])
        #expect(try engine.campaignPerformance(id: loyalty.id, now: enrolledAt + 200 * day).revenue.retained == 0)
    }

    /// Performance read for many campaigns at once is each campaign's own: on a demo book with campaigns of
    /// different segments, sequences and progress (and one never activated), in any order.
    @Test func manyCampaignsAtOnceGiveEachItsOwnPerformance() throws {
        let engine = try makeEngine(user: "manager")
        try DemoBook(customers: 400, seed: 8, now: testNow).generate(into: engine.db)
        try engine.rescore(now: testNow)
        var campaigns: [Campaign] = []
        for (i, (risk, steps)) in [("high", 1), ("medium", 2), ("low", 3), ("critical", 1)].enumerated() {
            let touchpoints = (0..<steps).map { #"{"type":"email","template":"engagement","delay":\#($0 * 60)}"# }.joined(separator: ",")
            let c = try engine.createCampaign(try json(#"{"name":"C\#(i)","type":"engagement","targetSegment":{"churnRisk":["\#(risk)"]},"touchpoints":[\#(touchpoints)]}"#),
                                              now: testNow)
            if i < 3 { try engine.setCampaignStatus(id: c.id, to: .active, now: testNow) }
            campaigns.append(try engine.campaign(id: c.id))
        }
        // Progress differs by campaign: the first two get sends, deliveries and opens.
        try engine.db.run("UPDATE touchpoints SET status = 'sent', sent_at = ? WHERE campaign_id IN (?, ?)", [.int(Int64(testNow)), .int(campaigns[0].rowID), .int(campaigns[1].rowID)])
        try engine.db.run("UPDATE touchpoints SET status = 'opened', delivered_at = ?1, opened_at = ?1 WHERE campaign_id = ?2 AND id % 2 = 0", [.int(Int64(testNow)), .int(campaigns[0].rowID)])
        try engine.db.run("UPDATE touchpoints SET status = 'delivered', delivered_at = ?1 WHERE campaign_id = ?2 AND id % 3 = 0", [.int(Int64(testNow)), .int(campaigns[1].rowID)])
        // Enrolled 60 days ago, so renewals since count as revenue.
        try engine.db.run("UPDATE campaign_enrollments SET enrolled_at = enrolled_at - 60 * 86400")
        let one = try campaigns.map { try engine.campaignPerformance(id: $0.id, now: testNow) }
        #expect(one.contains { $0.revenue.retained > 0 } && one.contains { $0.revenue.control > 0 })
        #expect(try engine.campaignPerformances(campaigns, now: testNow) == one)
        #expect(try engine.campaignPerformances(campaigns.reversed(), now: testNow) == one.reversed())
        #expect(Set(one.map { $0.touchpoints.byStatus[.delivered] }).count == 3, "the campaigns' numbers differ")
        #expect(one[3].customers.targeted == 0 && one[3].touchpoints.total == 0 && one[3].roi == nil)
        #expect(try engine.campaignPerformances([], now: testNow).isEmpty)
    }

    /// The campaign object carries its performance (the spec's use case 6 reads `campaign.performance.roi`
    /// from the list): the same object as `GET /campaigns/:id/performance`.
    @Test func theCampaignObjectCarriesItsPerformance() throws {
        let engine = try makeEngine(user: "manager")
        try DemoBook(customers: 200, seed: 9, now: testNow, withCampaigns: false).generate(into: engine.db)
        func call(_ method: String, _ target: String, _ body: String? = nil) throws -> JSONValue {
            Router.handle(try APIRequest(method: method, target: target, body: try body.map(json)), engine: engine, now: testNow).body
        }
        var ids: [String] = []
        for name in ["A", "B"] {
            let id = try #require(try call("POST", "/campaigns", #"{"name":"\#(name)","type":"loyalty","touchpoints":[{"type":"email","template":"loyalty","delay":0}]}"#)["data"]?["id"]?.stringValue)
            _ = try call("POST", "/campaigns/\(id)/activate")
            ids.append(id)
        }
        try engine.db.run("UPDATE touchpoints SET status = 'opened', sent_at = ?1, delivered_at = ?1, opened_at = ?1 WHERE id % 4 = 0", [.int(Int64(testNow))])
        for id in ids {
            let performance = try #require(try call("GET", "/campaigns/\(id)/performance")["data"])
            #expect(try call("GET", "/campaigns/\(id)")["data"]?["performance"] == performance)
            #expect(performance["roi"]?.doubleValue != nil && performance["touchpoints"]?["byStatus"]?["delivered"] != .number(0))
        }
        let list = try #require(try call("GET", "/campaigns?status=active")["data"]?.arrayValue)
        #expect(list.count == 2)
        for item in list {
            let id = try #require(item["id"]?.stringValue)
            #expect(item["performance"] == (try call("GET", "/campaigns/\(id)/performance")["data"]))
        }
    }
}

/// The form's preview renders with the touchpoints' own values: the policy enrolment would pick.
@Suite struct CampaignPreviewTests {
    /// Ann has a home policy renewing 2024-06-01 and an auto one renewing 2025-01-01. A campaign on auto
    /// enrols her about the auto policy (`enrol`), so the preview names P-AUTO, not the first renewal.
    @Test func thePreviewUsesThePolicyEnrolmentPicks() throws {
        let engine = try makeEngine(user: "manager")
        let c = try engine.createCustomer(try json(#"{"leadId":"l1","agentId":"a","firstName":"Ann","lastName":"Lee","email":"ann@example.com"}"#), now: testNow)
        let home = specPolicyBody(customerId: c.id, number: "P-HOME").replacingOccurrences(of: "\"auto\"", with: "\"home\"")
            .replacingOccurrences(of: "2025-01-01", with: "2024-06-01")
        _ = try engine.createPolicy(try json(home), now: testNow)
        _ = try engine.createPolicy(try json(specPolicyBody(customerId: c.id, number: "P-AUTO")), now: testNow)
        try engine.setTemplate(name: "which", channel: .email, subject: "For {{firstName}}", body: "Policy {{policy.policyNumber}} of {{campaign.name}}", now: testNow)
        var segment = TargetSegment()
        segment.policyTypes = [.auto]
        let preview = try #require(try engine.previewMessage(template: "which", channel: .email, segment: segment, campaignName: "Autos", now: testNow))
        #expect(preview.customer == "Ann Lee" && preview.subject == "For Ann" && preview.body == "Policy P-AUTO of Autos")
        // Without lines the first renewal is the one.
        let any = try #require(try engine.previewMessage(template: "which", channel: .email, segment: TargetSegment(), campaignName: "All", now: testNow))
        #expect(any.body == "Policy P-HOME of All")
    }
}
