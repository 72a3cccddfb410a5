import Foundation
import Testing
@testable import RetentionCore

/// An event's `triggeredActions` carried out in the event's own transaction.
@Suite struct TriggeredActionsTests {
    /// A customer with one monthly auto policy ($100 a month) in force since 2023-01-01, so the whole window
    /// of a score at `testNow` (2024-01-15T10:30:00Z) owes 12 instalments.
    func book(_ engine: Engine, customer: String = specCustomerBody, line: String = "auto", number: String = "P-1") throws -> (customer: Customer, policy: Policy) {
        let c = try engine.createCustomer(try json(customer), now: testNow)
        let p = try engine.createPolicy(try json("""
            {"customerId":"\(c.id)","policyNumber":"\(number)","policyType":"\(line)","premium":{"amount":100,"frequency":"monthly"},
             "coverage":{"type":"std","amount":10000},"effectiveDate":"2023-01-01","expirationDate":"2024-07-01"}
            """), now: testNow)
        return (c, p)
    }

    func customerBody(lead: String, preferred: String = "email", agent: String = "agent-uuid") -> String {
        specCustomerBody.replacingOccurrences(of: "lead-uuid", with: lead).replacingOccurrences(of: "\"preferredContactMethod\": \"email\"", with: "\"preferredContactMethod\": \"\(preferred)\"")
            .replacingOccurrences(of: "agent-uuid", with: agent).replacingOccurrences(of: "john.doe@", with: "\(lead)@")
    }

    func event(_ engine: Engine, _ body: String, now: Int = testNow) throws -> RetentionEvent {
        try engine.createEvent(try json(body), now: now)
    }

    /// Every table an event's actions may write, counted.
    func written(_ engine: Engine) throws -> [Int] {
        try ["retention_events", "health_scores", "touchpoints", "campaign_enrollments", "tasks", "audit_log"].map { try count(engine, $0) }
    }

    /// The score an `update_health_score` action computes counts the event that triggered it, recorded in the
    /// same second: 1 missed of 12 due → paymentHistory = 100·(1 − 1/12) = 91.7 (it stayed at 100 when the
    /// signals were read strictly before the second). The response carries the score.
    @Test func aMissedPaymentCountsInTheScoreItTriggers() throws {
        let engine = try makeEngine()
        let (c, p) = try book(engine)
        let before = try engine.calculateHealthScore(customerId: c.id, now: testNow - 1)
        #expect(before.health.financial.paymentHistory == 100)
        let e = try event(engine, """
            {"customerId":"\(c.id)","policyId":"\(p.id)","eventType":"payment_missed","severity":"warning",
             "data":{"amount":100},"triggeredActions":["update_health_score"]}
            """)
        let taken = try #require(e.actionsTaken?.first)
        #expect(taken["action"] == .string("update_health_score") && taken["result"] == .string("scored"))
        #expect(taken["healthScore"]?["components"]?["financial"]?["paymentHistory"] == .number(91.7))
        let stored = try #require(try engine.healthScoreHistory(customerId: c.id, limit: 1).first)
        #expect(stored["calculatedAt"] == .string("2024-01-15T10:30:00Z"))
        #expect(stored["components"]?["financial"]?["paymentHistory"] == .number(91.7))
    }

    /// `send_reminder` on a missed payment: a payment_reminder touchpoint on the customer's preferred channel,
    /// due now, outside any campaign, about the event's policy; the dispatcher holds it to the calling window
    /// (an SMS at 04:30 in Illinois waits for 08:00 Chicago time, 14:00 UTC), and a second missed payment
    /// while it waits does not add another.
    @Test func aReminderIsScheduledOnThePreferredChannelAndDispatchedByTheRules() throws {
        let engine = try makeEngine()
        let (c, p) = try book(engine, customer: customerBody(lead: "sms-lover", preferred: "sms"))
        let body = """
            {"customerId":"\(c.id)","policyId":"\(p.id)","eventType":"payment_missed","severity":"warning","data":{"amount":100},
             "triggeredActions":["send_reminder"]}
            """
        let e = try event(engine, body)
        let taken = try #require(e.actionsTaken?.first)
        #expect(taken["result"] == .string("scheduled") && taken["channel"] == .string("sms") && taken["template"] == .string("payment_reminder"))
        let t = try engine.touchpoint(id: try #require(taken["id"]?.stringValue))
        #expect(t.campaignId == nil && t.policyId == p.id && t.channel == .sms && t.template == "payment_reminder" && t.status == .pending && t.dueAt == testNow)
        #expect(t.metadata?["triggeredBy"] == .string(e.id))
        #expect(try engine.pendingTouchpoints(limit: 10, now: testNow).map(\.id) == [t.id], "a reminder without a campaign is due like any other")
        let text = try engine.renderTouchpoint(id: t.id).body
        #expect(text.contains("a payment on your auto policy is overdue.") && text.hasSuffix("Reply STOP to opt out"), "\(text)")

        let again = try event(engine, body, now: testNow + 60)
        #expect(again.actionsTaken?.first?["result"] == .string("already_pending") && again.actionsTaken?.first?["id"] == .string(t.id))
        #expect(try count(engine, "touchpoints") == 1)

        try engine.setChannelAdapter(.sms, ChannelAdapter(kind: .outbox, target: try temporaryDirectory()), now: testNow)
        let summary = try engine.dispatchDue(now: testNow + 120)
        #expect(summary.deferred == 1 && summary.sent == 0)
        let held = try engine.touchpoint(id: t.id)
        #expect(held.status == .pending && held.dueAt == Timestamp.parse("2024-01-15T14:00:00Z") && held.skipReason == "deferred: outside_calling_window")
    }

    /// Without a preferred channel the reminder goes by e-mail; a do-not-contact customer's reminder is
    /// scheduled with a note, and the dispatcher skips it.
    @Test func aReminderFallsBackToEmailAndRespectsDoNotContact() throws {
        let engine = try makeEngine()
        let body = customerBody(lead: "quiet").replacingOccurrences(of: "\"preferredContactMethod\": \"email\",", with: "\"doNotContact\": true,")
        let (c, p) = try book(engine, customer: body)
        #expect(c.preferredContactMethod == nil && c.doNotContact)
        let e = try event(engine, #"{"customerId":"\#(c.id)","policyId":"\#(p.id)","eventType":"policy_lapsed","triggeredActions":["send_reminder"]}"#)
        let taken = try #require(e.actionsTaken?.first)
        #expect(taken["channel"] == .string("email") && taken["template"] == .string("lapse_reminder"))
        #expect(taken["note"]?.stringValue?.contains("do-not-contact") == true)
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .outbox, target: try temporaryDirectory()), now: testNow)
        #expect(try engine.dispatchDue(now: testNow).skipped == 1)
        #expect(try engine.touchpoint(id: try #require(taken["id"]?.stringValue)).skipReason == "do_not_contact")
    }

    /// `send_reminder` is refused, with the events that have a reminder, where the event has none; so is a
    /// renewal reminder for a customer with nothing in force. Nothing is written.
    @Test func aReminderTheEventHasNoneForIsRefused() throws {
        let engine = try makeEngine()
        let (c, _) = try book(engine)
        let loner = try engine.createCustomer(try json(customerBody(lead: "loner")), now: testNow)
        let before = try written(engine)
        #expect { _ = try event(engine, #"{"customerId":"\#(c.id)","eventType":"complaint_filed","triggeredActions":["update_health_score","send_reminder"]}"#) } throws: {
            let e = $0 as? RetentionError
            return e?.field == "triggeredActions[1]" && e?.code == "action_not_applicable" && e?.kind == .invalid
                && e?.message.contains("payment_missed (payment_reminder), policy_lapsed (lapse_reminder)") == true
        }
        #expect { _ = try event(engine, #"{"customerId":"\#(c.id)","eventType":"policy_lapsed","triggeredActions":["send_reminder"]}"#) } throws: {
            ($0 as? RetentionError)?.field == "policyId"
        }
        #expect { _ = try event(engine, #"{"customerId":"\#(loner.id)","eventType":"contact_made","data":{"outcome":"renewal_discussed"},"triggeredActions":["update_health_score","send_reminder"]}"#) } throws: {
            ($0 as? RetentionError)?.code == "no_policy_in_force"
        }
        #expect(try written(engine) == before, "the score the first action computed went with the refused event")
        let renewal = try event(engine, #"{"customerId":"\#(c.id)","eventType":"contact_made","data":{"outcome":"renewal_discussed"},"triggeredActions":["send_reminder"]}"#)
        #expect(renewal.actionsTaken?.first?["template"] == .string("renewal_reminder"))
    }

    /// An unknown action is refused naming the element and listing the known ones; so is an action given
    /// twice. Nothing is written: no event, no score, no touchpoint, no task, no audit entry.
    @Test func anUnknownActionIsRefusedAndNothingIsWritten() throws {
        let engine = try makeEngine()
        let (c, p) = try book(engine)
        let before = try written(engine)
        #expect {
            _ = try event(engine, #"{"customerId":"\#(c.id)","policyId":"\#(p.id)","eventType":"payment_missed","triggeredActions":["update_health_score","send_reminder","call_mom"]}"#)
        } throws: {
            let e = $0 as? RetentionError
            return e?.field == "triggeredActions[2]" && e?.code == "unknown_action" && e?.kind == .invalid
                && e?.message == "\"call_mom\" is not a known action; known actions: update_health_score, send_reminder, retention_campaign, agent_notification"
        }
        #expect { _ = try event(engine, #"{"customerId":"\#(c.id)","eventType":"note_added","triggeredActions":["Send Reminder"]}"#) } throws: {
            ($0 as? RetentionError)?.code == "unknown_action"
        }
        #expect { _ = try event(engine, #"{"customerId":"\#(c.id)","eventType":"note_added","triggeredActions":["agent_notification","agent_notification"]}"#) } throws: {
            ($0 as? RetentionError)?.field == "triggeredActions[1]"
        }
        #expect(try written(engine) == before)
        // Through the API: 400 in the spec's envelope.
        let r = Router.handle(try APIRequest(method: "POST", target: "/events", body: try json(#"{"customerId":"\#(c.id)","eventType":"note_added","triggeredActions":["escalate"]}"#)),
                              engine: engine, now: testNow)
        #expect(r.status == 400 && r.body["error"]?["field"] == .string("triggeredActions[0]") && r.body["error"]?["code"] == .string("unknown_action"))
        #expect(try written(engine) == before)
    }

    /// `agent_notification`: a task for the customer's agent when no one owns them (due a day after a warning,
    /// at once for a critical event), moved to the owner when someone takes the customer, one open task per
    /// reason (a second event brings it up to date), and a new one once it is done.
    @Test func anAgentNotificationRaisesATaskForTheOwnerOrAgent() throws {
        let engine = try makeEngine()
        let (c, p) = try book(engine)
        let missed = #"{"customerId":"\#(c.id)","policyId":"\#(p.id)","eventType":"payment_missed","severity":"SEVERITY","triggeredActions":["agent_notification"]}"#
        let first = try event(engine, missed.replacingOccurrences(of: "SEVERITY", with: "warning"))
        let taken = try #require(first.actionsTaken?.first)
        #expect(taken["result"] == .string("created") && taken["assignee"] == .string("agent-uuid") && taken["title"] == .string("Call about the missed payment"))
        #expect(taken["dueAt"] == .string("2024-01-16T10:30:00Z"))
        let task = try engine.task(id: try #require(taken["id"]?.stringValue))
        #expect(task.customerId == c.id && task.reason == .payment_missed && task.sourceEventId == first.id && task.createdBy == "tester" && task.status == .open)

        try engine.assign(customerId: c.id, to: "alice", now: testNow)
        #expect(try engine.task(id: task.id).assignee == "alice", "open tasks follow the customer's owner")
        #expect(try engine.tasks(assignee: "alice").map(\.id) == [task.id] && engine.tasks(assignee: "agent-uuid").isEmpty)

        let second = try event(engine, missed.replacingOccurrences(of: "SEVERITY", with: "critical"), now: testNow + 3600)
        #expect(second.actionsTaken?.first?["result"] == .string("already_open") && second.actionsTaken?.first?["id"] == .string(task.id))
        #expect(try engine.task(id: task.id).dueAt == testNow + 3600, "the critical one is due at once: the earlier due date")
        // Due counts the F view's rows: due today on the customer's calendar (a second before its time, too) or overdue.
        #expect(try engine.openTaskCounts(assignee: "alice", now: testNow + 3599) == (1, 1))
        #expect(try engine.openTaskCounts(assignee: "alice", now: testNow + 3600) == (1, 1))

        let done = try engine.setTaskStatus(id: task.id, to: .done, now: testNow + 7200)
        #expect(done.status == .done && done.doneAt == testNow + 7200 && done.doneBy == "tester")
        #expect { try engine.setTaskStatus(id: task.id, to: .done, now: testNow + 7200) } throws: { ($0 as? RetentionError)?.code == "invalid_transition" }
        let third = try event(engine, missed.replacingOccurrences(of: "SEVERITY", with: "info"), now: testNow + 7300)
        #expect(third.actionsTaken?.first?["result"] == .string("created") && third.actionsTaken?.first?["dueAt"] == .string("2024-01-18T12:31:40Z"))
        try engine.assign(customerId: c.id, to: nil, now: testNow + 7400)
        #expect(try engine.tasks(assignee: "agent-uuid").count == 1 && engine.task(id: task.id).assignee == "alice", "a done task stays with who did it")
        #expect(try engine.tasks(customerId: c.id, status: .all).map(\.status) == [.open, .done])
    }

    /// `retention_campaign`: of the active campaigns whose segment the customer matches, the most specific
    /// (then the newest); the campaign's control-group draw is kept; a customer already in a matching
    /// campaign stays there; none matching says so.
    ///
    /// The draws, by hand, `(customer × 2654435761 + campaign × 97) mod 10000` against 5000 (a 50 % control
    /// group): customer 1 in campaign 2: 2654435761 + 194 = 2654435955 → 5955, enrolled; customer 2 in
    /// campaign 1: 5308871522 + 97 = 5308871619 → 1619, control group.
    @Test func aRetentionCampaignActionEnrolsInTheMostSpecificMatchingCampaign() throws {
        let engine = try makeEngine()
        func campaign(_ name: String, _ segment: String, control: Int = 50, at: Int) throws -> Campaign {
            try engine.createCampaign(try json("""
                {"name":"\(name)","type":"engagement","targetSegment":\(segment),"controlGroupPercent":\(control),
                 "touchpoints":[{"type":"preferred","template":"engagement"},{"type":"email","template":"engagement","delay":10080}]}
                """), now: at)
        }
        let anyLine = try campaign("Low risk", #"{"churnRisk":["low"]}"#, at: testNow - 4 * 86_400)              // #1, 1 criterion
        let auto = try campaign("Low risk auto", #"{"churnRisk":["low"],"policyTypes":["auto"]}"#, at: testNow - 3 * 86_400) // #2, 2
        let tagged = try campaign("Gold", #"{"tags":["gold"]}"#, at: testNow - 2 * 86_400)                      // #3, nobody has the tag
        let draft = try campaign("Draft", #"{"churnRisk":["low"],"policyTypes":["auto"],"agentId":"agent-uuid"}"#, at: testNow - 2 * 86_400)
        let life = try campaign("Life", #"{"policyTypes":["life"]}"#, control: 0, at: testNow - 86_400)         // #5, 1 criterion, newest
        for k in [anyLine, auto, tagged, life] { try engine.setCampaignStatus(id: k.id, to: .active, now: testNow - 60) }
        #expect(try count(engine, "campaign_enrollments") == 0, "the book was empty when they started")

        let (c1, _) = try book(engine, customer: customerBody(lead: "one"))                       // auto: #1 and #2 match
        let (c2, _) = try book(engine, customer: customerBody(lead: "two"), line: "home", number: "P-2")  // home: #1 only
        let (c3, _) = try book(engine, customer: customerBody(lead: "three"), line: "life", number: "P-3") // life: #1 and #5, equally specific
        let c4 = try engine.createCustomer(try json(customerBody(lead: "four")), now: testNow)   // nothing in force
        func act(_ c: Customer) throws -> JSONValue {
            try #require(try event(engine, #"{"customerId":"\#(c.id)","eventType":"churn_risk_increased","severity":"critical","triggeredActions":["retention_campaign"]}"#).actionsTaken?.first)
        }
        let one = try act(c1)
        #expect(one["result"] == .string("enrolled") && one["id"] == .string(auto.id) && one["touchpoints"] == .number(2))
        #expect(try engine.touchpoints(customerId: c1.id, limit: 10).map(\.dueAt).sorted() == [testNow, testNow + 10080 * 60])
        let two = try act(c2)
        #expect(two["result"] == .string("control_group") && two["id"] == .string(anyLine.id) && two["touchpoints"] == .number(0))
        #expect(try engine.db.scalarInt("SELECT is_control FROM campaign_enrollments WHERE customer_id = 2") == 1)
        #expect(try engine.touchpoints(customerId: c2.id, limit: 10).isEmpty)
        #expect(try act(c3)["id"] == .string(life.id), "equally specific: the newest")
        let four = try act(c4)
        #expect(four["result"] == .string("no_matching_campaign") && four["note"] == .string("none of the 4 active campaign(s) targets this customer now"))
        let again = try act(c1)
        #expect(again["result"] == .string("already_enrolled") && again["id"] == .string(auto.id))
        #expect(try engine.db.scalarInt("SELECT count(*) FROM campaign_enrollments WHERE campaign_id = ?", [.int(draft.rowID)]) == 0)
        #expect(try engine.events(customerId: c2.id, eventType: .campaign_enrolled).first?.data?["controlGroup"] == .bool(true))
    }

    /// All of an event's actions happen with it or not at all: a campaign enrolment, a task and a score
    /// written by the earlier actions are gone when a later one fails.
    @Test func theActionsAndTheEventAreAllOrNothing() throws {
        let engine = try makeEngine()
        let loner = try engine.createCustomer(try json(customerBody(lead: "loner")), now: testNow)
        let k = try engine.createCampaign(try json(#"{"name":"All","type":"engagement","targetSegment":{},"touchpoints":[{"type":"email","template":"engagement"}]}"#), now: testNow)
        try engine.setCampaignStatus(id: k.id, to: .active, now: testNow)
        let before = try written(engine)
        // update_health_score runs first and writes a score; send_reminder then finds no policy to remind about.
        #expect { _ = try event(engine, """
            {"customerId":"\(loner.id)","eventType":"contact_made","data":{"outcome":"renewal_discussed"},
             "triggeredActions":["agent_notification","retention_campaign","send_reminder","update_health_score"]}
            """) } throws: { ($0 as? RetentionError)?.code == "no_policy_in_force" }
        #expect(try written(engine) == before)
    }

    /// A rise into high or critical risk at a rescore carries out its agent_notification: one open task per
    /// customer whose risk rose, for their owner or agent; a second rescore adds none.
    @Test func aRescoreRaisesATaskForEachRiseInRisk() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 150, seed: 5, now: testNow).generate(into: engine.db)
        try engine.db.run("DELETE FROM retention_events WHERE event_type = 'churn_risk_increased'")
        try engine.assign(customerId: try #require(try engine.db.queryOne("SELECT uuid FROM customers WHERE id = 1", [], { $0.text(0) })), to: "alice", now: testNow)
        // A first scoring is no rise in risk: it raises no alert and no task.
        #expect(try engine.db.scalarInt("SELECT count(*) FROM customers WHERE scored_at IS NOT NULL") == 0)
        let first = try engine.rescore(now: testNow - 86_400)
        #expect(first.riskIncreases == 0 && (first.byRisk[.critical] ?? 0) + (first.byRisk[.high] ?? 0) > 5)
        // Every customer was scored for the first time.
        #expect(first.firstScores == first.customers && first.customers == 150)
        #expect(try count(engine, "tasks") == 0)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM retention_events WHERE event_type = 'churn_risk_increased'") == 0)
        // Scored before at low risk: the rises are real.
        try engine.db.run("UPDATE customers SET churn_risk = 0")
        let summary = try engine.rescore(now: testNow)
        // Every customer in force now at high or critical rose from low; former customers raise nothing.
        let highNow = try engine.db.scalarInt("SELECT count(*) FROM customers WHERE churn_risk >= 2 AND active_policies > 0")
        #expect(summary.riskIncreases == highNow && highNow > 0)
        #expect(summary.firstScores == 0)
        // The risk counts are those of the customers in force (the queue's), former customers and prospects apart.
        let inForce = try engine.db.scalarInt("SELECT count(*) FROM customers WHERE active_policies > 0")
        #expect(summary.byRisk.values.reduce(0, +) == inForce && summary.outOfForce == 150 - inForce && summary.outOfForce > 0)
        #expect(summary.byRisk[.critical] == (try engine.db.scalarInt("SELECT count(*) FROM customers WHERE churn_risk = 3 AND active_policies > 0")))
        let rises = try engine.db.query("SELECT customer_id FROM retention_events WHERE event_type = 'churn_risk_increased' ORDER BY customer_id") { $0.int64(0) }
        #expect(rises.count == summary.riskIncreases)
        let tasks = try engine.db.query("""
            SELECT t.customer_id, t.assignee = coalesce(c.assigned_to, c.agent_id), t.reason, e.event_type FROM tasks t
            JOIN customers c ON c.id = t.customer_id JOIN retention_events e ON e.id = t.source_event_id ORDER BY t.customer_id
            """) { ($0.int64(0), $0.bool(1), $0.text(2), $0.text(3)) }
        #expect(tasks.map(\.0) == rises && tasks.allSatisfy { $0.1 && $0.2 == "churn_risk_increased" && $0.3 == "churn_risk_increased" })
        try engine.db.run("UPDATE customers SET churn_risk = 0")
        try engine.rescore(now: testNow + 60)
        #expect(try count(engine, "tasks") == rises.count, "the open tasks were brought up to date, not repeated")
    }

    /// The tasks routes: list an assignee's open tasks earliest due first, mark one done, refuse what is wrong.
    @Test func theTaskRoutesAnswerInTheSpecEnvelope() throws {
        let engine = try makeEngine()
        func call(_ method: String, _ target: String, _ body: String? = nil) throws -> APIResponse {
            Router.handle(try APIRequest(method: method, target: target, body: try body.map(json)), engine: engine, now: testNow)
        }
        let (c, p) = try book(engine)
        let created = try call("POST", "/events", #"{"customerId":"\#(c.id)","policyId":"\#(p.id)","eventType":"payment_missed","severity":"warning","triggeredActions":["agent_notification","send_reminder"]}"#)
        #expect(created.status == 201)
        let actions = try #require(created.body["data"]?["actionsTaken"]?.arrayValue)
        #expect(actions.compactMap { $0["action"]?.stringValue } == ["send_reminder", "agent_notification"], "in their fixed order")
        _ = try call("POST", "/events", #"{"customerId":"\#(c.id)","eventType":"complaint_filed","severity":"critical","triggeredActions":["agent_notification"]}"#)
        let list = try call("GET", "/tasks?assignee=agent-uuid")
        let rows = try #require(list.body["data"]?.arrayValue)
        #expect(rows.compactMap { $0["title"]?.stringValue } == ["Follow up on the complaint", "Call about the missed payment"], "earliest due first")
        #expect(rows.first?["customerName"] == .string("John Doe") && rows.first?["status"] == .string("open"))
        let id = try #require(rows.first?["id"]?.stringValue)
        let done = try call("PATCH", "/tasks/\(id)", #"{"status":"done"}"#)
        #expect(done.status == 200 && done.body["data"]?["status"] == .string("done") && done.body["data"]?["doneBy"] == .string("tester"))
        #expect(try call("PATCH", "/tasks/\(id)", #"{"status":"done"}"#).status == 409)
        #expect(try call("PATCH", "/tasks/\(id)", #"{"status":"finished"}"#).body["error"]?["field"] == .string("status"))
        #expect(try call("GET", "/tasks?assignee=agent-uuid").body["data"]?.arrayValue?.count == 1)
        #expect(try call("GET", "/tasks?customerId=\(c.id)&status=all").body["data"]?.arrayValue?.count == 2)
        #expect(try call("GET", "/tasks?owner=x").body["error"]?["field"] == .string("owner"))
        #expect(try call("GET", "/tasks/nope").status == 404)
        #expect(try engine.db.queryOne("SELECT action FROM audit_log WHERE entity_type = 'customer' AND entity_id = ? ORDER BY id DESC LIMIT 1",
                                       [.text(c.id)], { $0.text(0) }) == "task.done")
    }

    /// The person's tasks are in their access export, and go with their erasure.
    @Test func exportShowsTheTasksAndErasureRemovesThem() throws {
        let engine = try makeEngine()
        let (c, p) = try book(engine)
        _ = try event(engine, #"{"customerId":"\#(c.id)","policyId":"\#(p.id)","eventType":"payment_missed","triggeredActions":["agent_notification"]}"#)
        let export = try engine.exportPersonalData(customerId: c.id, now: testNow)
        #expect(export.tasks.first?.title == "Call about the missed payment")
        #expect(export.json["tasks"]?.arrayValue?.first?["title"] == .string("Call about the missed payment"))
        try engine.eraseCustomer(customerId: c.id, now: testNow)
        #expect(try count(engine, "tasks") == 0)
        #expect(try engine.exportPersonalData(customerId: c.id, now: testNow).tasks.isEmpty)
    }
}
