import Foundation
import Testing
@testable import RetentionCore

/// A specialist's day, engine side: reasons in words with their evidence, what changed between scorings,
/// "never contacted" against "contacted long ago" (D28), one contact with its follow-up, the follow-up
/// queue and the compliance cues — on small books worked out by hand.
@Suite struct SpecialistDayTests {
    func d(_ s: String) -> Int { Timestamp.parse(s)! }

    func customer(_ engine: Engine, _ lead: String, extra: String = "") throws -> String {
        try engine.createCustomer(try json(#"{"leadId":"\#(lead)","agentId":"ag","firstName":"\#(lead)","lastName":"X","email":"\#(lead)@example.com"\#(extra)}"#), now: d("2022-01-01")).id
    }
    func policy(_ engine: Engine, _ cid: String, _ number: String, _ premium: Int, _ from: String, _ to: String, frequency: String = "annual") throws -> String {
        try engine.createPolicy(try json("""
            {"customerId":"\(cid)","policyNumber":"\(number)","policyType":"auto","premium":{"amount":\(premium),"frequency":"\(frequency)"},
             "coverage":{"type":"std","amount":1000},"effectiveDate":"\(from)","expirationDate":"\(to)"}
            """), now: d(from)).id
    }
    @discardableResult
    func event(_ engine: Engine, _ cid: String, _ type: String, _ data: String, policy: String? = nil, at: String) throws -> String {
        let p = policy.map { #","policyId":"\#($0)""# } ?? ""
        return try engine.createEvent(try json(#"{"customerId":"\#(cid)"\#(p),"eventType":"\#(type)","data":\#(data)}"#), now: d(at)).id
    }

    /// Auto, monthly, $1,200 from 2023-03-01, renewed on 2024-03-01 at $1,416: +216/1,200 = +18 %. Three missed
    /// payments of $51.33, $51.33 and $51.34 (12 Oct, 12 Nov, 12 Dec 2023, none paid since): $154.00 overdue.
    /// NPS 9 on 10 Jan, 4 on 5 Mar 2024: fell by 5. The NPS answer is the last interaction: 5 Mar → 15 Jun is
    /// 102 days, whole months 3. As of 2024-06-15 12:00.
    @Test func reasonsInWordsNameTheirEvidence() throws {
        let engine = try makeEngine()
        let c = try customer(engine, "R")
        let p = try policy(engine, c, "POL-R1", 1200, "2023-03-01", "2024-03-01", frequency: "monthly")
        let m1 = try event(engine, c, "payment_missed", #"{"amount":51.33,"dueDate":"2023-10-12"}"#, policy: p, at: "2023-10-12T09:00:00Z")
        let m2 = try event(engine, c, "payment_missed", #"{"amount":51.33,"dueDate":"2023-11-12"}"#, policy: p, at: "2023-11-12T09:00:00Z")
        let m3 = try event(engine, c, "payment_missed", #"{"amount":51.34,"dueDate":"2023-12-12"}"#, policy: p, at: "2023-12-12T09:00:00Z")
        let n1 = try event(engine, c, "nps_response", #"{"score":9}"#, at: "2024-01-10T09:00:00Z")
        try engine.renewPolicy(id: p, try json(#"{"premium":{"amount":1416}}"#), now: d("2024-03-01T09:00:00Z"))
        let n2 = try event(engine, c, "nps_response", #"{"score":4}"#, at: "2024-03-05T09:00:00Z")
        let now = d("2024-06-15T12:00:00Z")
        let reasons = try engine.riskReasons(customerId: c, now: now)
        let byKind = Dictionary(uniqueKeysWithValues: reasons.map { ($0.kind, $0) })
        #expect(byKind[.missed_payments]?.text == "3 missed payments since 12 Oct 2023 ($154 overdue)")
        #expect(byKind[.missed_payments]?.evidence.map(\.eventId) == [m1, m2, m3])
        #expect(byKind[.missed_payments]?.feature == "paymentHistory")
        #expect(byKind[.nps_fell]?.text == "NPS fell from 9 to 4 in March")
        #expect(byKind[.nps_fell]?.evidence.map(\.eventId) == [n1, n2])
        #expect(byKind[.no_recent_contact]?.text == "no contact for 3 months")
        #expect(byKind[.no_recent_contact]?.evidence.map(\.eventId) == [n2])
        #expect(byKind[.premium_increase]?.text == "premium up 18 % at the last renewal (POL-R1)")
        #expect(byKind[.premium_increase]?.evidence.first?.type == .policy_renewed)
        // The model's contribution stays with each reason: paymentHistory's is βⱼ·zⱼ of the prediction.
        let prediction = try engine.predictChurn(customerId: c, features: nil, now: now)
        let paymentFactor = try #require(prediction.prediction.factors.first { $0.name == "paymentHistory" })
        #expect(byKind[.missed_payments]?.contribution == paymentFactor.impact)
        // Largest contribution first; the premium rise (no model feature) last.
        let contributions = reasons.compactMap(\.contribution)
        #expect(contributions == contributions.sorted(by: >) && reasons.last?.kind == .premium_increase)
        #expect(prediction.reasons == reasons)
        // A payment received on the policy after the misses: none overdue any more.
        try event(engine, c, "payment_received", #"{"amount":154}"#, policy: p, at: "2024-06-01T09:00:00Z")
        #expect(try engine.riskReasons(customerId: c, now: now).first { $0.kind == .missed_payments }?.text == "3 missed payments since 12 Oct 2023 (paid since)")
    }

    /// D28: two customers alike but for contact: one last contacted on 2022-07-15 (701 days before 2024-06-15,
    /// 23 whole months), one never. lastContactDays: 701 and 730 (the cap), so never contacted scores at least
    /// as risky: with the default β = +0.40, z = (730 − 120)/110 against (701 − 120)/110, a log-odds difference
    /// of 0.40·29/110 = +0.105 for never.
    @Test func neverContactedIsNotSaferThanContactedLongAgo() throws {
        let engine = try makeEngine()
        let contacted = try customer(engine, "C"), never = try customer(engine, "V")
        _ = try policy(engine, contacted, "C1", 900, "2022-01-01", "2025-01-01")
        _ = try policy(engine, never, "V1", 900, "2022-01-01", "2025-01-01")
        try event(engine, contacted, "contact_made", #"{"channel":"call","outcome":"reached"}"#, at: "2022-07-15T12:00:00Z")
        let now = d("2024-06-15T12:00:00Z")
        let a = try engine.predictChurn(customerId: contacted, features: nil, now: now)
        let b = try engine.predictChurn(customerId: never, features: nil, now: now)
        #expect(a.features.value("lastContactDays") == 701 && b.features.value("lastContactDays") == 730)
        let logit = { (p: Double) in log(p / (1 - p)) }
        #expect(abs((logit(b.prediction.probability) - logit(a.prediction.probability)) - 0.40 * 29 / 110) < 1e-9)
        #expect(b.reasons.first { $0.feature == "lastContactDays" }?.text == "never contacted")
        #expect(a.reasons.first { $0.feature == "lastContactDays" }?.text == "no contact for 23 months")
        // Ten years without contact counts as the cap too: no safer and no riskier than never.
        #expect(ChurnFeatures(signals: with(days: 3650), health: HealthScore.compute(with(days: 3650))).value("lastContactDays") == 730)
    }

    func with(days: Int?) -> CustomerSignals {
        CustomerSignals(customerRowID: 1, daysSinceLastInteraction: days, interactionsInWindow: 0, emailsDelivered: 0, emailsOpened: 0,
                        touchpointsDelivered: 0, touchpointsResponded: 0, paymentsDue: 0, paymentsMissed: 0, premiumNowCents: 0,
                        premiumYearAgoCents: 0, heldTypes: [], latestNPS: nil, complaintsFiled: 0, complaintsResolved: 0, tenureMonths: 0,
                        activePolicies: 1, totalPolicies: 1, renewalsMade: 0, renewalsLost: 0, cancellationsInWindow: 0, claimsInWindow: 0,
                        claimAmountInWindowCents: 0, premiumEarnedInWindowCents: 0, satisfactionScore: nil)
    }

    /// Scored on 1 Jun, a complaint on 3 Jun, scored again on 5 Jun: the change of the second scoring names
    /// the complaint and both values of each component; the first scoring has none.
    @Test func whatChangedSinceTheLastScore() throws {
        let engine = try makeEngine()
        let c = try customer(engine, "W")
        _ = try policy(engine, c, "W1", 900, "2023-01-01", "2025-01-01")
        let first = try engine.calculateHealthScore(customerId: c, now: d("2024-06-01T10:00:00Z"))
        let complaint = try event(engine, c, "complaint_filed", #"{"reason":"slow claim"}"#, at: "2024-06-03T10:00:00Z")
        try event(engine, c, "note_added", #"{"note":"called"}"#, at: "2024-06-04T10:00:00Z")
        let second = try engine.calculateHealthScore(customerId: c, now: d("2024-06-05T10:00:00Z"))
        let changes = try engine.scoreChanges(customerId: c, limit: 10)
        #expect(changes.count == 2 && changes[1].change == nil, "a first scoring is no change")
        let change = try #require(changes[0].change)
        #expect(change.previousAt == d("2024-06-01T10:00:00Z") && change.currentAt == d("2024-06-05T10:00:00Z"))
        #expect(change.events.map(\.eventId) == [complaint], "the note moves no score and is not listed")
        let satisfaction = try #require(change.components.first { $0.name == "satisfaction" })
        #expect(satisfaction.before == first.health.satisfaction.score && satisfaction.after == second.health.satisfaction.score)
        // One complaint of three, unresolved: complaints 100·(1 − 1/3) = 66.7, resolution 0: S falls by 0.25·33.3 + 0.15·100 = 23.3.
        #expect(satisfaction.delta == -23.3)
        #expect(change.churnBefore == changes[1].point.churnProbability && change.churnAfter == changes[0].point.churnProbability)
        #expect(change.churnDeltaPoints == ((second.churnProbability - first.churnProbability) * 1000).rounded() / 10)
        // The API's history carries it as `change`, null on the first scoring.
        let history = Router.handle(try APIRequest(method: "GET", target: "/customers/\(c)/health-score", body: nil), engine: engine,
                                    now: d("2024-06-05T11:00:00Z"))
        let entries = try #require(history.body["data"]?.arrayValue)
        #expect(entries.count == 2 && entries[1]["change"] == .null)
        #expect(entries[0]["change"]?["events"]?.arrayValue?.first?["eventId"] == .string(complaint))
        #expect(entries[0]["change"]?["components"]?["satisfaction"]?["delta"] == .number(-23.3))
    }

    /// One contact: one event (channel, outcome, note, follow-up, policy) and one follow-up task for the person
    /// logging it, in their due queue from its time on; marked done, it leaves the queue.
    @Test func oneContactWithAFollowUpAndTheQueue() throws {
        let engine = try makeEngine(user: "sam")
        let c = try customer(engine, "F")
        let p = try policy(engine, c, "POL-F1", 900, "2023-01-01", "2025-01-01")
        let now = d("2024-06-10T14:00:00Z"), followUp = d("2024-06-12T15:30:00Z")
        let before = try count(engine, "retention_events")
        let e = try engine.logContact(customerId: c, ContactLog(channel: .email, outcome: .quote_sent, note: "sent the renewal quote",
                                                                 policy: "POL-F1", followUpAt: followUp), now: now)
        #expect(try count(engine, "retention_events") == before + 1, "recorded as one event")
        #expect(e.policyId == p && e.data?["channel"] == .string("email") && e.data?["note"] == .string("sent the renewal quote"))
        #expect(e.data?["followUpAt"] == .string("2024-06-12T15:30:00Z"))
        // The customer has no zone and no state: their day is UTC's.
        #expect(try engine.followUpsDue(assignee: "sam", now: d("2024-06-11T23:59:59Z")).isEmpty, "not due yet")
        let due = try engine.followUpsDue(assignee: "sam", now: d("2024-06-12T00:00:00Z"))
        #expect(due.map(\.title) == ["Follow up: sent a quote"] && due.first?.dueAt == followUp && due.first?.sourceEventId == e.id)
        // A second follow-up moves the open one (one open follow-up per customer).
        _ = try engine.logContact(customerId: c, ContactLog(channel: .call, outcome: .callback_requested, followUpAt: d("2024-06-11T09:00:00Z")),
                                  now: now + 60)
        let moved = try engine.followUpsDue(assignee: "sam", now: d("2024-06-12T00:00:00Z"))
        #expect(moved.count == 1 && moved[0].dueAt == d("2024-06-11T09:00:00Z") && moved[0].title == "Follow up: customer asked for a callback")
        _ = try engine.setTaskStatus(id: moved[0].id, to: .done, now: now + 120)
        #expect(try engine.followUpsDue(assignee: "sam", now: d("2024-06-30T00:00:00Z")).isEmpty, "done follow-ups leave the queue")
        // Bad input names its field and writes nothing.
        let events = try count(engine, "retention_events")
        #expect(throws: RetentionError.self) { try engine.logContact(customerId: c, ContactLog(channel: .call, outcome: .reached, followUpAt: now - 1), now: now) }
        #expect(throws: RetentionError.self) { try engine.logContact(customerId: c, ContactLog(channel: .call, outcome: .reached, policy: "NOPE"), now: now) }
        #expect(try count(engine, "retention_events") == events)
        // The API takes the same fields.
        #expect(try ContactLog(json: try json(#"{"channel":"sms","outcome":"reached","policyId":"POL-F1","followUpAt":"2024-06-20T09:00:00Z"}"#))
                == ContactLog(channel: .sms, outcome: .reached, policy: "POL-F1", followUpAt: d("2024-06-20T09:00:00Z")))
    }

    /// "Due today" and "overdue" are the customer's calendar days. Los Angeles is UTC−8 in December: a follow-up
    /// at 17:00 there on Tue 8 Dec 2026 is 2026-12-09T01:00Z. Tokyo is UTC+9: 09:00 there on Wed 9 Dec is
    /// 2026-12-09T00:00Z. At 2026-12-08T20:00Z (12:00 on the 8th in Los Angeles, 05:00 on the 9th in Tokyo) both
    /// are due today where their customer is, though neither is due on the 8th in UTC. At 2026-12-09T09:00Z
    /// (01:00 on the 9th in Los Angeles) the Los Angeles one is overdue; a customer with no zone but state CA
    /// is read in Los Angeles; one with neither, in UTC.
    @Test func followUpsAreDueOnTheCustomersDay() throws {
        let engine = try makeEngine(user: "sam")
        let la = try customer(engine, "LA", extra: #","timeZone":"America/Los_Angeles""#)
        let tokyo = try customer(engine, "TK", extra: #","timeZone":"Asia/Tokyo""#)
        let ca = try customer(engine, "CA", extra: #","address":{"state":"CA"}"#)
        let nowhere = try customer(engine, "NW")
        #expect(try engine.customerZone(customerId: la) == CustomerZone(timeZone: TimeZone(identifier: "America/Los_Angeles")!, source: .customer))
        #expect(try engine.customerZone(customerId: ca) == CustomerZone(timeZone: TimeZone(identifier: "America/Los_Angeles")!, source: .state))
        #expect(try engine.customerZone(customerId: nowhere) == .utc)
        let logged = d("2026-12-07T12:00:00Z")
        _ = try engine.logContact(customerId: la, ContactLog(channel: .call, outcome: .reached, followUpAt: d("2026-12-09T01:00:00Z")), now: logged)
        _ = try engine.logContact(customerId: tokyo, ContactLog(channel: .call, outcome: .reached, followUpAt: d("2026-12-09T00:00:00Z")), now: logged)
        // The UTC customer's follow-up at 23:00 UTC on the 9th: not due on the 8th.
        _ = try engine.logContact(customerId: nowhere, ContactLog(channel: .call, outcome: .reached, followUpAt: d("2026-12-09T23:00:00Z")), now: logged)
        let noon = d("2026-12-08T20:00:00Z")
        let due = try engine.followUpsDue(assignee: "sam", now: noon)
        #expect(due.map(\.customerId) == [tokyo, la], "earliest due first; the UTC customer's is tomorrow there")
        #expect(due.map { $0.dueDay(now: noon) } == [.today, .today])
        #expect(due.map(\.customerZone.identifier) == ["Asia/Tokyo", "America/Los_Angeles"], "each row carries its customer's zone")
        // The header's "due" count is the F view's rows: due today or overdue on each customer's calendar, not by the instant.
        #expect(try engine.openTaskCounts(assignee: "sam", now: noon) == (3, 2))
        #expect(try engine.openTaskCounts(assignee: "sam", now: d("2026-12-09T09:00:00Z")) == (3, 3))
        // 18:00 on the 8th in Los Angeles, already the 9th in UTC: still due today there, not overdue.
        let evening = d("2026-12-09T02:00:00Z")
        #expect(try engine.followUpsDue(assignee: "sam", now: evening).first { $0.customerId == la }?.dueDay(now: evening) == .today)
        let nextDay = d("2026-12-09T09:00:00Z")
        let later = try engine.followUpsDue(assignee: "sam", now: nextDay)
        #expect(later.first { $0.customerId == la }?.dueDay(now: nextDay) == .overdue)
        #expect(later.first { $0.customerId == nowhere }?.dueDay(now: nextDay) == .today)
        // A snooze to a day ends at its start there, never before 00:00 UTC of it (the API's date): 15 Dec 2026 is day 20,802.
        let day = Timestamp.parseDate("2026-12-15")! / 86_400
        #expect(try engine.customerZone(customerId: la).snoozeEnd(day: day) == d("2026-12-15T08:00:00Z"))
        #expect(try engine.customerZone(customerId: tokyo).snoozeEnd(day: day) == d("2026-12-15T00:00:00Z"))
        #expect(CustomerZone.utc.snoozeEnd(day: day) == d("2026-12-15T00:00:00Z"))
    }

    /// A snooze given as a date, through the API (`POST …/snooze`, `PATCH` of `snoozedUntil`) or a CSV, ends at
    /// that day's start where the customer is, as the dashboard's does: Los Angeles 08:00 UTC in December; Tokyo
    /// and a customer with no zone at 00:00 UTC (never before it, so `snoozedUntil` is the same date). An instant
    /// (the dashboard's) is kept as given.
    @Test func aSnoozeDateEndsAtItsStartWhereTheCustomerIs() throws {
        let engine = try makeEngine(user: "sam")
        let la = try customer(engine, "LA", extra: #","timeZone":"America/Los_Angeles""#)
        let tokyo = try customer(engine, "TK", extra: #","timeZone":"Asia/Tokyo""#)
        let nowhere = try customer(engine, "NW")
        let now = d("2026-12-07T12:00:00Z")
        let snoozed = try engine.snooze(customerId: la, Snooze(json: try json(#"{"until":"2026-12-15"}"#)), now: now)
        #expect(snoozed.snoozedUntil == d("2026-12-15T08:00:00Z"))
        #expect(try engine.snooze(customerId: tokyo, Snooze(json: try json(#"{"until":"2026-12-15"}"#)), now: now).snoozedUntil == d("2026-12-15T00:00:00Z"))
        #expect(try engine.updateCustomer(id: nowhere, CustomerPatch(json: try json(#"{"snoozedUntil":"2026-12-16"}"#)), now: now).snoozedUntil == d("2026-12-16T00:00:00Z"))
        #expect(try engine.updateCustomer(id: la, CustomerPatch(json: try json(#"{"snoozedUntil":"2026-12-16"}"#)), now: now).snoozedUntil == d("2026-12-16T08:00:00Z"))
        // A zone given in the same change is the one used.
        #expect(try engine.updateCustomer(id: nowhere, CustomerPatch(json: try json(#"{"snoozedUntil":"2026-12-17","timeZone":"America/Chicago"}"#)), now: now)
            .snoozedUntil == d("2026-12-17T06:00:00Z"))
        // An instant is kept: the dashboard's snooze to the 18th in Los Angeles is already that day's start there.
        #expect(try engine.snooze(customerId: la, until: d("2026-12-18T08:00:00Z"), now: now).snoozedUntil == d("2026-12-18T08:00:00Z"))
    }

    /// Agents and owners by name: the `agents` table's name for an id, nothing for an id without one (the
    /// caller shows the id) or with a blank name.
    @Test func agentNamesByID() throws {
        let engine = try makeEngine()
        try engine.db.run("INSERT INTO agents (id, name) VALUES ('ag', 'Avery Collins'), ('blank', ' ')", [])
        #expect(try engine.agentNames(ids: ["ag", "sam", "blank", "ag"]) == ["ag": "Avery Collins"])
        #expect(try engine.agentNames(ids: [String]()).isEmpty)
        #expect(try engine.agentNames(ids: (0..<1_200).map { "id\($0)" } + ["ag"]) == ["ag": "Avery Collins"], "read in chunks")
    }

    /// Compliance cues: a New York customer (state NY) at 02:30 UTC is at 22:30 local, outside 08:00–21:00;
    /// opted out of SMS; do-not-contact; three contacts in the week reach the cap.
    @Test func complianceCuesBeforeActing() throws {
        let engine = try makeEngine()
        let c = try customer(engine, "K", extra: #","address":{"state":"NY"},"preferredContactMethod":"sms""#)
        _ = try policy(engine, c, "K1", 900, "2023-01-01", "2025-01-01")
        let night = d("2024-06-11T02:30:00Z")
        var cues = try engine.contactCues(customerId: c, now: night)
        #expect(cues.zone == "America/New_York" && cues.zoneSource == .state && cues.preferred == .sms)
        #expect(cues.cues(for: .call, now: night) == ["outside the calling window 08:00-21:00 (America/New_York)"])
        #expect(cues.cues(for: .email, now: night).isEmpty, "the calling window is for calls and SMS")
        let noon = d("2024-06-11T16:00:00Z")
        #expect(try engine.contactCues(customerId: c, now: noon).cues(for: .call, now: noon).isEmpty)
        _ = try engine.updateCustomer(id: c, try json(#"{"doNotContact":true,"optedOutChannels":["sms"]}"#), now: noon)
        for h in ["2024-06-08T16:00:00Z", "2024-06-09T16:00:00Z", "2024-06-10T16:00:00Z"] {
            try event(engine, c, "contact_made", #"{"channel":"email","outcome":"reached"}"#, at: h)
        }
        cues = try engine.contactCues(customerId: c, now: noon)
        #expect(cues.cues(for: .sms, now: noon) == ["do not contact", "opted out of sms", "weekly cap reached (3 touches in 7 days)"])
    }

    /// A manual level with a reason and an expiry: shown beside the model's, audited, kept by a rescore, lapsed
    /// at its instant, cleared on request; bad input names its field and writes nothing.
    @Test func aManualRiskLevelLapsesOnItsDateAndSurvivesARescore() throws {
        let engine = try makeEngine(user: "sam")
        let c = try customer(engine, "O")
        _ = try policy(engine, c, "O1", 900, "2023-01-01", "2025-01-01")
        let now = d("2024-06-10T10:00:00Z"), until = d("2024-06-20")
        _ = try engine.calculateHealthScore(customerId: c, now: now)
        let set = try engine.setRiskOverride(customerId: c, RiskOverride(level: .low, reason: "renewed by phone", until: until), now: now)
        #expect(set.level == .low && set.setBy == "sam" && set.setAt == now)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM audit_log WHERE action = 'customer.risk_override'") == 1)
        try engine.rescore(now: now + 3_600)
        #expect(try engine.riskOverride(customerId: c, now: now + 7_200)?.reason == "renewed by phone", "a rescore leaves it")
        #expect(try engine.riskOverride(customerId: c, now: until - 1) != nil)
        #expect(try engine.riskOverride(customerId: c, now: until) == nil, "lapsed at its instant")
        for bad in [RiskOverride(level: .high, reason: " ", until: until), RiskOverride(level: .high, reason: "x", until: now - 1)] {
            #expect(throws: RetentionError.self) { try engine.setRiskOverride(customerId: c, bad, now: now) }
        }
        #expect(try engine.riskOverride(customerId: c, now: now)?.level == .low, "a refused change keeps the old one")
        // The API: PUT, GET beside the model's level, DELETE.
        func call(_ m: String, _ body: String? = nil) throws -> JSONValue {
            Router.handle(try APIRequest(method: m, target: "/customers/\(c)/risk-override", body: try body.map(json)), engine: engine, now: now).body
        }
        let put = try call("PUT", #"{"level":"critical","reason":"said they will leave","until":"2024-07-01"}"#)
        #expect(put["data"]?["effectiveLevel"] == .string("critical") && put["data"]?["override"]?["until"] == .string("2024-07-01T00:00:00Z"))
        #expect(try call("PUT", #"{"level":"critical","until":"2024-07-01"}"#)["error"]?["field"] == .string("reason"))
        let model = try engine.customer(id: c).churnRisk.rawValue
        #expect(try call("GET")["data"]?["modelLevel"] == .string(model))
        // GET /customers/:id carries the level in force beside the model's (additive `riskOverride`), null once cleared.
        func customerJSON() throws -> JSONValue? { Router.handle(try APIRequest(method: "GET", target: "/customers/\(c)", body: nil), engine: engine, now: now).body["data"] }
        let shown = try customerJSON()
        #expect(shown?["riskOverride"] == .object([("level", .string("critical")), ("reason", .string("said they will leave")),
                                                   ("until", .string("2024-07-01T00:00:00Z")), ("setBy", .string("sam"))]))
        #expect(shown?["churnRisk"] == .string(model))
        #expect(try call("DELETE")["data"]?["override"] == .null)
        #expect(try customerJSON()?["riskOverride"] == .null)
        #expect(try engine.riskOverride(customerId: c, now: now) == nil)
    }
}
