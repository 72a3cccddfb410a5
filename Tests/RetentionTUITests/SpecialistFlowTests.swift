import Foundation
import Testing
@testable import RetentionCore
@testable import RetentionTUI

/// A specialist's loop at the dashboard: the contact form (`L`), unsnooze and unassign (`Z`, `U`), the snooze
/// presets (`z`), the follow-up view (`F`), the missed payment's details (`$`), ▲/▼ in the rows, and the
/// detail's reasons, change, queue state and compliance cues.
@Suite struct SpecialistFlowTests {
    let now = Int(updateNow.timeIntervalSince1970)

    func entry(_ id: String, _ name: String, snoozed: Int? = nil, owner: String? = nil, renewal: Int? = nil) -> AtRiskEntry {
        AtRiskEntry(id: id, name: name, email: "\(id)@example.com", phone: nil, agentId: "ag", churnRisk: .high, churnProbability: 0.6,
                    topRiskFactor: nil, healthScore: 40, projectedLTVCents: 100_000, ltvTier: nil, nextRenewalDate: renewal, lastContactDate: nil,
                    assignedTo: owner, snoozedUntil: snoozed)
    }
    func state(_ rows: [AtRiskEntry], deltas: [String: Double] = [:]) -> DashboardState {
        var s = DashboardState(themeName: "default", user: "sam")
        s.lastKeyAt = Double(now)
        s.columns = 160; s.rows = 40
        var snap = DashboardSnapshot(header: nil, atRisk: rows, renewals: [], campaigns: [], detail: nil, hasCustomers: true, request: s.request,
                                     loadedAt: now)
        snap.churnDeltas = deltas
        s.apply(snap)
        return s
    }
    func cues(preferred: ContactChannel?, dnc: Bool = false) -> ContactCues {
        ContactCues(doNotContact: dnc, optedOut: [], preferred: preferred, zone: "UTC", zoneSource: .utc, window: CallingWindow(),
                    nextCallAt: now, recentTouches: 0)
    }

    /// L reads first, then asks channel (preferred first, the customer's cues in its title), then, when a cue
    /// applies to that channel, whether to go on, before the outcome in words, note, follow-up; one effect records it all.
    @Test func theContactFormRecordsOneContact() {
        var s = state([entry("a", "Ann Lee")])
        #expect(s.handle(.character("L")) == [.startContact(customerID: "a", policyID: nil)])
        var c = cues(preferred: .email, dnc: true)
        c.optedOut = [.sms]
        _ = s.update(.result(.done(.contactForm(ContactDraft(customerID: "a", name: "Ann Lee", cues: c)))), now: updateNow)
        guard case .choice(let channelTitle, let channels, _, _)? = s.overlay else { Issue.record("no channel choice"); return }
        #expect(channels.first == "email (preferred)")
        #expect(channelTitle.hasSuffix("channel — do not contact; sms opted out"), "the cues are shown at the channel step")
        // The compliance question comes right after the channel, before the outcome is asked.
        #expect(s.handle(.enter).isEmpty)
        guard case .confirm(_, let question, _)? = s.overlay else { Issue.record("no compliance question after the channel"); return }
        #expect(question.contains("do not contact") && question.contains("by email"))
        #expect(s.handle(.character("y")).isEmpty)
        guard case .choice(_, let outcomes, _, _)? = s.overlay else { Issue.record("no outcome choice"); return }
        #expect(outcomes.contains("Left a voicemail") && !outcomes.contains("left_voicemail"), "outcomes in words")
        _ = s.handle(.character("j"))
        _ = s.handle(.enter)
        for c in "ok" { _ = s.handle(.character(c)) }
        _ = s.handle(.enter)
        guard case .prompt(let followTitle, _, _)? = s.overlay else { Issue.record("no follow-up prompt"); return }
        #expect(followTitle.contains("Follow up, UTC (no time zone on file) time (now Wed 18 Nov 11:06 there)"), "the zone the time is read in is said")
        _ = s.handle(.character("3"))
        // 3 days after 2026-11-18 (day 20,775) at 09:00 UTC: day 20,778 · 86,400 + 32,400.
        let followUp = 20_778 * 86_400 + 9 * 3_600
        #expect(s.handle(.enter) == [.logContact(customerID: "a", ContactLog(channel: .email, outcome: .left_voicemail, note: "ok",
                                                                                        followUpAt: followUp))])
        // A follow-up in the past is refused and asked again.
        var d = ContactDraft(customerID: "a", name: "Ann Lee", cues: cues(preferred: nil))
        d.outcome = .reached
        s.contactStep(d, .followUp, text: "2020-01-01")
        #expect(s.handle(.enter).isEmpty && s.status?.isError == true)
        if case .prompt? = s.overlay {} else { Issue.record("the follow-up prompt stays open") }
    }

    /// Z and U say why they cannot act on a customer neither snoozed nor assigned, and act on one who is.
    @Test func unsnoozeAndUnassign() {
        var s = state([entry("a", "Ann Lee"), entry("b", "Bob Day", snoozed: now + 86_400 * 5, owner: "sam")])
        #expect(s.handle(.character("Z")).isEmpty && s.status?.text == "Ann Lee is not snoozed.")
        #expect(s.handle(.character("U")).isEmpty && s.status?.text == "Ann Lee is not assigned.")
        _ = s.handle(.character("j"))
        #expect(s.handle(.character("Z")) == [.unsnooze(customerID: "b")])
        #expect(s.handle(.character("U")) == [.unassign(customerID: "b")])
    }

    /// z offers 3/7/14/30 days, until the renewal, a date, and showing the snoozed customers.
    @Test func snoozePresets() {
        let renewal = Timestamp.startOfDay(now) + 20 * 86_400
        var s = state([entry("a", "Ann Lee", renewal: renewal + 3_600)])
        _ = s.handle(.character("z"))
        guard case .choice(_, let options, _, _)? = s.overlay else { Issue.record("no presets"); return }
        #expect(options.prefix(5) == ["3 days", "7 days", "14 days", "30 days", "until the renewal (\(Timestamp.formatDate(renewal)))"])
        for _ in 0..<3 { _ = s.handle(.character("j")) }
        #expect(s.handle(.enter) == [.snoozeToDate(customerID: "a", date: renewal)], "until the renewal's day on the customer's calendar")
        _ = s.handle(.character("z"))
        _ = s.handle(.character("k"))
        #expect(s.handle(.enter) == [.snooze(customerID: "a", days: 3)])
        _ = s.handle(.character("z"))
        for _ in 0..<10 { _ = s.handle(.character("j")) }
        #expect(s.handle(.enter) == [.reloadPanes] && s.request.atRisk.includeSnoozed, "the last choice shows the snoozed")
    }

    /// F shows my follow-ups due today and overdue; actions apply to the follow-up's customer; d marks it done.
    @Test func theFollowUpView() throws {
        let engine = Engine(database: try Store.open(path: ":memory:"), user: "sam")
        let c = try engine.createCustomer(NewCustomer(leadId: "L", agentId: "ag", firstName: "Ann", lastName: "Lee", email: "ann@example.com"), now: now - 86_400)
        _ = try engine.logContact(customerId: c.id, ContactLog(channel: .call, outcome: .callback_requested, followUpAt: now + 3_600), now: now - 60)
        var s = state([entry("a", "Ann Lee")])
        #expect(s.handle(.character("F")) == [.reloadPanes] && s.request.followUps)
        let snap = try DashboardSnapshot.collect(engine, s.request, now: now)
        #expect(snap.atRisk.isEmpty && snap.followUps.map(\.customerId) == [c.id])
        s.apply(snap)
        var canvas = Canvas(columns: 160, rows: 40)
        DashboardView.draw(s, into: &canvas, now: now)
        let text = canvas.lines().joined(separator: "\n")
        #expect(text.contains("My follow-ups (1)") && text.contains("Follow up: customer") && text.contains("Wed 18 Nov 12:06") && text.contains("UTC (no zone on file)") && text.contains("Ann Lee"))
        #expect(s.actionCustomerID == c.id)
        _ = s.handle(.character("d"))
        guard case .choice(_, _, _, .completeTask(_, let tasks))? = s.overlay else { Issue.record("d offers no task"); return }
        #expect(tasks == snap.followUps.map(\.id))
        // Tomorrow's follow-up is not due today.
        _ = try engine.logContact(customerId: c.id, ContactLog(channel: .call, outcome: .reached, followUpAt: Timestamp.startOfDay(now) + 86_400 + 60), now: now)
        #expect(try DashboardSnapshot.collect(engine, s.request, now: now).followUps.isEmpty)
    }

    /// $ asks for the policy, amount and due date, prefilled; what is typed is recorded as such.
    @Test func aMissedPaymentCarriesItsPolicyAmountAndDueDate() {
        var s = state([entry("a", "Ann Lee")])
        _ = s.update(.result(.done(.paymentForm(customerID: "a", title: "Missed payment", text: "POL-1 82.78 2026-11-18"))), now: updateNow)
        #expect(s.handle(.enter) == [.recordPayment(customerID: "a", policy: "POL-1", amount: 82.78, dueDate: Timestamp.parseDate("2026-11-18"))])
        s.overlay = .prompt(title: "", text: "POL-1 lots", action: .payment(customerID: "a"))
        _ = s.handle(.character(" ")); _ = s.handle(.character("x"))
        #expect(s.handle(.enter).isEmpty && s.status?.isError == true)
    }

    /// The engine refuses the payment (unknown policy, another customer's, due after today): the prompt comes back
    /// with what was typed and the engine's reason, and Enter sends the same payment again.
    @Test func aRefusedMissedPaymentKeepsThePromptAndTheText() {
        var s = state([entry("a", "Ann Lee")])
        let due = Timestamp.parseDate("2026-11-18")
        let text = EngineAdapter.paymentText(policy: "POL-9", amount: 82.78, dueDate: due)
        #expect(text == "POL-9 82.78 2026-11-18")
        _ = s.update(.result(.done(.paymentRefused(customerID: "a", text: text, message: "policyId: Policy POL-9 was not found."))), now: updateNow)
        guard case .prompt(_, let shown, .payment(customerID: "a"))? = s.overlay else { Issue.record("the prompt closed"); return }
        #expect(shown == text && s.status?.isError == true && s.status?.text.contains("POL-9 was not found") == true)
        #expect(s.handle(.enter) == [.recordPayment(customerID: "a", policy: "POL-9", amount: 82.78, dueDate: due)])
    }

    /// o: a level, a reason, until a date; or clearing it.
    @Test func aManualRiskLevel() {
        var s = state([entry("a", "Ann Lee")])
        _ = s.handle(.character("o"))
        guard case .choice(_, let options, _, _)? = s.overlay else { Issue.record("no levels"); return }
        #expect(options == ["low", "medium", "high", "critical", "clear my level"])
        _ = s.handle(.enter)
        #expect(s.handle(.enter).isEmpty && s.status?.text == "A manual level needs a reason.", "a reason is required")
        for c in "renewed by phone" { _ = s.handle(.character(c)) }
        _ = s.handle(.enter)
        let until = Timestamp.startOfDay(now) + 14 * 86_400
        #expect(s.handle(.enter) == [.setOverride(customerID: "a", RiskOverride(level: .low, reason: "renewed by phone", until: until))])
        _ = s.handle(.character("o"))
        for _ in 0..<4 { _ = s.handle(.character("j")) }
        #expect(s.handle(.enter) == [.clearOverride(customerID: "a")])
    }

    /// e asks the engine first; when a compliance cue applies it asks, naming it, before enrolling (D16).
    @Test func enrollingAsksAboutComplianceCues() {
        var s = state([entry("a", "Ann Lee")])
        s.overlay = .choice(title: "", options: ["Winter"], selected: 0, action: .enrol(customerID: "a", campaignIDs: ["k1"]))
        #expect(s.handle(.enter) == [.checkEnrol(customerID: "a", campaignID: "k1")])
        _ = s.update(.result(.done(.enrolCues(customerID: "a", campaignID: "k1", question: "Ann Lee: do not contact. Enrol anyway?"))), now: updateNow)
        guard case .confirm(_, let question, _)? = s.overlay else { Issue.record("no question"); return }
        #expect(question.contains("do not contact"))
        #expect(s.handle(.character("y")) == [.enrol(customerID: "a", campaignID: "k1")])
    }

    /// The rows carry ▲/▼ with the change of the churn probability at the last scoring.
    @Test func rowsShowTheChangeOfTheirChurnProbability() {
        var s = state([entry("a", "Ann Lee"), entry("b", "Bob Day", snoozed: now + 86_400, owner: "sam")], deltas: ["a": 12.5, "b": -3])
        s.columns = 240
        var canvas = Canvas(columns: 240, rows: 40)
        DashboardView.draw(s, into: &canvas, now: now)
        let text = canvas.lines().joined(separator: "\n")
        #expect(text.contains("60% ▲12.5") && text.contains("60% ▼3.0"))
        // A snoozed customer shown on request (z) is marked so before the name.
        #expect(text.contains("⏸ Bob Day") && !text.contains("⏸ Ann Lee"))
    }

    /// The detail says why in words, what changed since the last score, the queue state and the cues.
    @Test func theDetailSaysWhyWhatChangedAndWhereTheCustomerStands() throws {
        let engine = Engine(database: try Store.open(path: ":memory:"), user: "sam")
        let c = try engine.createCustomer(NewCustomer(leadId: "L", agentId: "ag", firstName: "Ann", lastName: "Lee", email: "ann@example.com"), now: now - 400 * 86_400)
        let p = try engine.createPolicy(NewPolicy(customer: c.id, policyNumber: "POL-A", policyType: .auto, premiumCents: 120_000,
                                                  frequency: .monthly, coverageType: "std", coverageCents: 100_000, effectiveDate: now - 400 * 86_400,
                                                  expirationDate: now + 300 * 86_400, agentId: "ag"), now: now - 400 * 86_400)
        _ = try engine.calculateHealthScore(customerId: c.id, now: now - 10 * 86_400)
        var detail = try detailText(engine, c.id)
        #expect(detail.contains("first scoring: nothing to compare with"))
        #expect(detail.contains("never contacted"))
        _ = try engine.createEvent(NewEvent(customer: c.id, type: .payment_missed, policy: p.id, data: .object([("amount", .number(100))])), now: now - 5 * 86_400)
        _ = try engine.calculateHealthScore(customerId: c.id, now: now - 86_400)
        _ = try engine.snooze(customerId: c.id, until: Timestamp.startOfDay(now) + 5 * 86_400, now: now)
        _ = try engine.logContact(customerId: c.id, ContactLog(channel: .call, outcome: .reached, followUpAt: now + 7_200), now: now)
        _ = try engine.setRiskOverride(customerId: c.id, RiskOverride(level: .low, reason: "renewed by phone", until: now + 86_400 * 10), now: now)
        detail = try detailText(engine, c.id)
        #expect(detail.contains("Your level low (model: \(try engine.customer(id: c.id).churnRisk.rawValue))") && detail.contains("renewed by phone"))
        #expect(detail.contains("1 missed payment since") && detail.contains("($100 overdue)"))
        // No zone on file: UTC, said so (CustomerTimeTests covers customers with a zone).
        #expect(detail.contains("snoozed until Mon 23 Nov 00:00 UTC (no zone on file)"))
        #expect(detail.contains("Follow-up Wed 18 Nov 13:06 UTC (no zone on file)"))
        #expect(detail.contains("Since \(Timestamp.formatDate(now - 10 * 86_400)) churn") && detail.contains("payment missed"))
    }

    /// A prospect (no policy ever) and a former customer (nothing in force) are scored by the formula like anyone,
    /// often "critical": the detail says where they stand and shows the level dim, never in the alarm colour.
    @Test func theDetailSaysAProspectOrAFormerCustomerIsNoChurnRisk() throws {
        let engine = Engine(database: try Store.open(path: ":memory:"), user: "sam")
        let prospect = try engine.createCustomer(NewCustomer(leadId: "P", agentId: "ag", firstName: "Pat", lastName: "Lee", email: "pat@example.com"), now: now - 400 * 86_400)
        let former = try engine.createCustomer(NewCustomer(leadId: "F", agentId: "ag", firstName: "Fay", lastName: "Lee", email: "fay@example.com"), now: now - 400 * 86_400)
        let held = try engine.createPolicy(NewPolicy(customer: former.id, policyNumber: "POL-F", policyType: .auto, premiumCents: 120_000,
                                                     frequency: .monthly, coverageType: "std", coverageCents: 100_000, effectiveDate: now - 400 * 86_400,
                                                     expirationDate: now + 300 * 86_400, agentId: "ag"), now: now - 400 * 86_400)
        var cancel = PolicyPatch()
        cancel.status = .cancelled
        _ = try engine.updatePolicy(id: held.id, cancel, now: now - 20 * 86_400)
        for c in [prospect, former] { _ = try engine.calculateHealthScore(customerId: c.id, now: now - 86_400) }
        let prospectText = try detailText(engine, prospect.id)
        #expect(prospectText.contains("Prospect: no policy yet, so nothing to lose: never in the at-risk queue or its counts."))
        #expect(prospectText.contains("Queue not in the queue (no policy yet)") && !prospectText.contains("Queue in the queue"))
        let level = try engine.customer(id: prospect.id).churnRisk.rawValue
        #expect(prospectText.contains("\(level) by the formula, nothing in force"), "\(prospectText)")
        let formerText = try detailText(engine, former.id)
        #expect(formerText.contains("Former customer: nothing in force since"))
        #expect(formerText.contains("Queue not in the queue (nothing in force)"))
        #expect(formerText.contains("by the formula, nothing in force") && !formerText.contains("Prospect:"))
        // The level's own colour only for a customer with a policy in force.
        var s = DashboardState(themeName: "default", user: "sam")
        s.request.detailCustomerID = prospect.id
        s.detailCustomerID = prospect.id
        s.focused = .detail
        s.apply(try DashboardSnapshot.collect(engine, s.request, now: now))
        s.columns = 240; s.rows = 120
        var canvas = Canvas(columns: 240, rows: 120)
        DashboardView.draw(s, into: &canvas, now: now)
        let row = try #require(canvas.lines().firstIndex { $0.contains("Churn ") && $0.contains("by the formula") })
        let col = try #require(canvas.lines()[row].range(of: "\(level) by the formula")).lowerBound
        let x = canvas.lines()[row].distance(from: canvas.lines()[row].startIndex, to: col)
        #expect(canvas[row, x].role == .dim, "\(canvas[row, x].role)")
        // Z's sentence says where the woken customer stands.
        #expect(EffectRunner.woken(try engine.customer(id: prospect.id)) == "Pat Lee is no longer snoozed (not in the queue: no policy yet).")
        #expect(EffectRunner.woken(try engine.customer(id: former.id)) == "Fay Lee is no longer snoozed (not in the queue: nothing in force).")
        // A customer with a policy in force: the level in its own colour, no words after it.
        let active = try engine.createCustomer(NewCustomer(leadId: "A", agentId: "ag", firstName: "Al", lastName: "Lee", email: "al@example.com"), now: now - 400 * 86_400)
        _ = try engine.createPolicy(NewPolicy(customer: active.id, policyNumber: "POL-A", policyType: .auto, premiumCents: 120_000,
                                              frequency: .monthly, coverageType: "std", coverageCents: 100_000, effectiveDate: now - 400 * 86_400,
                                              expirationDate: now + 300 * 86_400, agentId: "ag"), now: now - 400 * 86_400)
        _ = try engine.calculateHealthScore(customerId: active.id, now: now - 86_400)
        let activeLevel = try engine.customer(id: active.id).churnRisk
        s.request.detailCustomerID = active.id
        s.detailCustomerID = active.id
        s.apply(try DashboardSnapshot.collect(engine, s.request, now: now))
        canvas = Canvas(columns: 240, rows: 120)
        DashboardView.draw(s, into: &canvas, now: now)
        let lines = canvas.lines()
        let activeRow = try #require(lines.firstIndex { $0.contains("Churn ") && $0.contains("confidence") })
        #expect(!lines[activeRow].contains("by the formula") && !lines.joined().contains("Prospect:"))
        let at = try #require(lines[activeRow].range(of: " \(activeLevel.rawValue)  confidence")).lowerBound
        let activeX = lines[activeRow].distance(from: lines[activeRow].startIndex, to: at) + 1
        #expect(canvas[activeRow, activeX].role == Formatting.riskRole(activeLevel), "\(canvas[activeRow, activeX].role)")
        // In force: in the queue from medium up; at low risk, not.
        for (level, queue, woken) in [(0, "Queue not in the queue (low risk)", "Al Lee is no longer snoozed (not in the queue: low risk)."),
                                      (1, "Queue in the queue", "Al Lee is back in the queue (unsnoozed).")] {
            try engine.db.run("UPDATE customers SET churn_risk = ? WHERE uuid = ?", [.int(Int64(level)), .text(active.id)])
            #expect(try detailText(engine, active.id).contains(queue), "\(level)")
            #expect(EffectRunner.woken(try engine.customer(id: active.id)) == woken)
        }
    }

    func detailText(_ engine: Engine, _ id: String) throws -> String {
        var s = DashboardState(themeName: "default", user: "sam")
        s.request.detailCustomerID = id
        s.detailCustomerID = id
        s.focused = .detail
        s.apply(try DashboardSnapshot.collect(engine, s.request, now: now))
        var canvas = Canvas(columns: 240, rows: 120)
        s.columns = 240; s.rows = 120
        DashboardView.draw(s, into: &canvas, now: now)
        return canvas.lines().joined(separator: "\n")
    }
}
