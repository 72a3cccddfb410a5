import Foundation
import Testing
@testable import RetentionCore
@testable import RetentionTUI

/// Issue 21, a specialist's times and names: follow-up and snooze times in the customer's zone, named, "due
/// today" and "overdue" on the customer's calendar, follow-up times typed in the customer's zone; agents and
/// owners by name; the snoozed mark at 120 columns; the dashboard's own clock in the machine's zone (set here,
/// never the machine's); the `F` view keeping its selection when a follow-up leaves. The clock is fixed:
/// Tue 8 Dec 2026 20:00 UTC, 12:00 in Los Angeles (UTC−8), 05:00 on Wed 9 Dec in Tokyo (UTC+9).
@Suite struct CustomerTimeTests {
    /// 2026-12-08T20:00:00Z.
    let now: Int = 1_796_760_000
    var at: Date { Date(timeIntervalSince1970: Double(now)) }
    let la = CustomerZone(timeZone: TimeZone(identifier: "America/Los_Angeles")!, source: .customer)
    let tokyo = CustomerZone(timeZone: TimeZone(identifier: "Asia/Tokyo")!, source: .customer)
    func d(_ s: String) -> Int { Timestamp.parse(s)! }

    /// A book with a Los Angeles, a Tokyo and a zoneless customer, each with a policy in force, agent `ag`
    /// (named Avery Collins in `agents`), and the dashboard user `sam`.
    func book() throws -> (Engine, la: String, tokyo: String, utc: String) {
        let engine = Engine(database: try Store.open(path: ":memory:"), user: "sam")
        try engine.db.run("INSERT INTO agents (id, name) VALUES ('ag', 'Avery Collins'), ('kim', 'Kim Park')", [])
        func customer(_ first: String, _ zone: String?) throws -> String {
            var fields = CustomerPatch()
            fields.timeZone = zone.map { .some($0) }
            let c = try engine.createCustomer(NewCustomer(leadId: first, agentId: "ag", firstName: first, lastName: "Lee", email: "\(first)@example.com",
                                                          fields: fields), now: now - 400 * 86_400)
            _ = try engine.createPolicy(NewPolicy(customer: c.id, policyNumber: "POL-\(first)", policyType: .auto, premiumCents: 120_000, frequency: .monthly,
                                                  coverageType: "std", coverageCents: 100_000, effectiveDate: now - 400 * 86_400,
                                                  expirationDate: now + 300 * 86_400, agentId: "ag"), now: now - 400 * 86_400)
            return c.id
        }
        return (engine, try customer("Lou", "America/Los_Angeles"), try customer("Toshi", "Asia/Tokyo"), try customer("Una", nil))
    }

    /// The dashboard's state with the panes read from `engine` at `now`.
    func dashboard(_ engine: Engine, columns: Int = 120) -> DashboardState {
        var s = DashboardState(themeName: "default", user: "sam")
        s.localZone = TimeZone(identifier: "UTC")!
        _ = s.update(.resize(columns: columns, rows: 40), now: at)
        read(engine, &s, [.reloadPanes])
        return s
    }

    /// Carries out the panes' reads `effects` ask for, as the worker would, and hands the snapshot back.
    func read(_ engine: Engine, _ state: inout DashboardState, _ effects: [Effect], at when: Int? = nil) {
        guard effects.contains(where: { $0 == .reloadPanes || $0 == .refresh(force: false) || $0 == .refresh(force: true) }) else { return }
        let t = when ?? now
        let snapshot = try! DashboardSnapshot.collect(engine, state.request, now: t)
        _ = state.update(.result(.snapshot(snapshot, dataVersion: 1)), now: Date(timeIntervalSince1970: Double(t)))
    }

    func screen(_ state: DashboardState, now t: Int? = nil) -> String {
        var canvas = Canvas(columns: state.columns, rows: state.rows)
        DashboardView.draw(state, into: &canvas, now: t ?? now)
        return canvas.lines().joined(separator: "\n")
    }

    @Test func timesInTheCustomersZoneNamed() {
        #expect(Formatting.customerTime(d("2026-12-09T01:00:00Z"), in: la, now: now) == "Tue 8 Dec 17:00 America/Los_Angeles")
        #expect(Formatting.customerTime(d("2026-12-09T01:00:00Z"), in: tokyo, now: now) == "Wed 9 Dec 10:00 Asia/Tokyo")
        #expect(Formatting.customerTime(d("2026-12-09T01:00:00Z"), in: .utc, now: now) == "Wed 9 Dec 01:00 UTC (no zone on file)")
        // Another year there is said; summer time is the zone's (PDT, UTC−7).
        #expect(Formatting.customerTime(d("2027-01-05T17:00:00Z"), in: la, now: now) == "Tue 5 Jan 2027 09:00 America/Los_Angeles")
        #expect(Formatting.customerTime(d("2026-06-15T16:00:00Z"), in: la, now: now) == "Mon 15 Jun 09:00 America/Los_Angeles")
    }

    /// The dashboard's own clock is the machine's zone (`TZ`), set here explicitly.
    @Test func theHeaderClockIsTheMachinesZone() {
        #expect(Formatting.clock(now, in: TimeZone(identifier: "Europe/Paris")!) == "21:00:00 UTC+1")
        #expect(Formatting.clock(now, in: TimeZone(identifier: "America/New_York")!, seconds: false) == "15:00 UTC−5")
        #expect(Formatting.clock(now, in: TimeZone(identifier: "Asia/Kolkata")!, seconds: false) == "01:30 UTC+5:30")
        #expect(Formatting.clock(now, in: TimeZone(identifier: "UTC")!) == "20:00:00 UTC")
        var s = DashboardState(themeName: "default", user: "sam")
        s.localZone = TimeZone(identifier: "Asia/Tokyo")!
        s.columns = 240; s.rows = 40
        s.apply(DashboardSnapshot(header: HeaderMetrics(highRiskCustomers: 0, activeCampaigns: 0), atRisk: [], renewals: [], campaigns: [], detail: nil,
                                  hasCustomers: true, loadedAt: now))
        let header = screen(s).split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.contains("updated 05:00:00 UTC+9"), "\(header)")
    }

    /// Typed follow-up times are read in the customer's zone. At 18:00 on Tue 8 Dec in Los Angeles (already the
    /// 9th in UTC), "tomorrow 10:00" is Wed 9 Dec 10:00 there: 18:00 UTC on the 9th.
    @Test func typedFollowUpTimesAreTheCustomers() {
        let z = la.timeZone, noon = now, evening = d("2026-12-09T02:00:00Z")
        func at(_ text: String, _ t: Int) -> Int? { DashboardState.followUpInstant(text, zone: z, now: t) }
        #expect(at("tomorrow 10:00", evening) == d("2026-12-09T18:00:00Z"))
        #expect(at("tomorrow 10:00", noon) == d("2026-12-09T18:00:00Z"))
        #expect(at("tomorrow", noon) == d("2026-12-09T17:00:00Z"), "09:00 when no time is given")
        #expect(at("today 16:00", noon) == d("2026-12-09T00:00:00Z"))
        #expect(at("16:00", noon) == d("2026-12-09T00:00:00Z"))
        #expect(at("3 days", noon) == d("2026-12-11T17:00:00Z") && at("3", noon) == d("2026-12-11T17:00:00Z"))
        #expect(at("3d 14:30", noon) == d("2026-12-11T22:30:00Z"))
        #expect(at("2026-12-10 14:30", noon) == d("2026-12-10T22:30:00Z") && at("2026-12-10", noon) == d("2026-12-10T17:00:00Z"))
        for bad in ["next week", "tomorrow 25:00", "today", "tomorrow 9:5", "0 days", "2026-13-01"] { #expect(at(bad, noon) == nil, "\(bad)") }
        // The prompt names the zone and the time there now; Enter records the time read there.
        var s = DashboardState(themeName: "default", user: "sam")
        s.lastKeyAt = Double(evening)
        var cues = ContactCues(doNotContact: false, optedOut: [], preferred: .call, zone: "America/Los_Angeles", zoneSource: .customer,
                               window: CallingWindow(), nextCallAt: evening, recentTouches: 0)
        var draft = ContactDraft(customerID: "a", name: "Lou Lee", cues: cues)
        draft.outcome = .reached
        s.contactStep(draft, .followUp, text: "tomorrow 10:00")
        guard case .prompt(let title, _, _)? = s.overlay else { Issue.record("no prompt"); return }
        #expect(title.hasPrefix("Follow up, America/Los_Angeles time (now Tue 8 Dec 18:00 there): tomorrow 10:00"), "\(title)")
        let effects = s.update(.key(.enter), now: Date(timeIntervalSince1970: Double(evening)))
        #expect(effects == [.logContact(customerID: "a", ContactLog(channel: .call, outcome: .reached, followUpAt: d("2026-12-09T18:00:00Z")))])
        cues.zone = "UTC"; cues.zoneSource = .utc
        s.contactStep(ContactDraft(customerID: "a", name: "Lou Lee", cues: cues), .followUp)
        guard case .prompt(let utcTitle, _, _)? = s.overlay else { Issue.record("no prompt"); return }
        #expect(utcTitle.hasPrefix("Follow up, UTC (no time zone on file) time (now Wed 9 Dec 02:00 there)"), "\(utcTitle)")
    }

    /// The status lines after logging a contact and snoozing say the time in the customer's zone, named. A
    /// snooze of 7 days ends at the start of the 7th day after today there (Los Angeles: 00:00 PST on Tue 15 Dec,
    /// 08:00 UTC; Tokyo, where it is already the 9th: 00:00 UTC on Wed 16 Dec, 09:00 there), the API's date the same day.
    @Test func statusLinesAfterLoggingAndSnoozing() throws {
        let (engine, lou, toshi, _) = try book()
        #expect(EngineAdapter.contactLoggedSentence(ContactLog(channel: .call, outcome: .reached, followUpAt: d("2026-12-09T01:00:00Z")), zone: la, now: now)
                == "Contact logged: Reached the customer by call; follow-up Tue 8 Dec 17:00 America/Los_Angeles.")
        #expect(try EngineAdapter.snooze(engine, customerID: lou, days: 7, now: now) == .status("Lou Lee snoozed until Tue 15 Dec 00:00 America/Los_Angeles."))
        #expect(try engine.customer(id: lou).snoozedUntil == d("2026-12-15T08:00:00Z"))
        #expect(try EngineAdapter.snooze(engine, customerID: toshi, days: 7, now: now) == .status("Toshi Lee snoozed until Wed 16 Dec 09:00 Asia/Tokyo."))
        #expect(try engine.customer(id: toshi).snoozedUntil == d("2026-12-16T00:00:00Z"))
        let audited = try engine.db.query("SELECT json_extract(details, '$.until') FROM audit_log WHERE action = 'customer.snooze' ORDER BY id", []) { $0.text(0) }
        #expect(audited == ["2026-12-15", "2026-12-16"], "the audit's (and the API's) date is the customer's day")
        // A date is a day on the customer's calendar: the 9th is tomorrow in Los Angeles, today in Tokyo.
        let ninth = Timestamp.parseDate("2026-12-09")!
        #expect(try EngineAdapter.snooze(engine, customerID: lou, date: ninth, now: now) == .status("Lou Lee snoozed until Wed 9 Dec 00:00 America/Los_Angeles."))
        #expect(throws: RetentionError.self) { try EngineAdapter.snooze(engine, customerID: toshi, date: ninth, now: now) }
        // The typed date and the renewal preset ask for that date, not a count of UTC days.
        var s = DashboardState(themeName: "default", user: "sam")
        s.overlay = .prompt(title: "", text: "2026-12-09", action: .snooze(customerID: lou))
        #expect(s.update(.key(.enter), now: at) == [.snoozeToDate(customerID: lou, date: ninth)])
    }

    /// The detail pane: agent and owner by name (the id when there is none), the snooze and the follow-up in the
    /// customer's zone, named, and the open tasks' times in it.
    @Test func theDetailShowsTimesInTheCustomersZoneAndNames() throws {
        let (engine, lou, _, una) = try book()
        _ = try engine.logContact(customerId: lou, ContactLog(channel: .call, outcome: .reached, followUpAt: d("2026-12-09T01:00:00Z")), now: now)
        _ = try EngineAdapter.snooze(engine, customerID: lou, days: 7, now: now)
        _ = try engine.assign(customerId: lou, to: "kim", now: now)
        var s = DashboardState(themeName: "default", user: "sam")
        s.request.detailCustomerID = lou; s.detailCustomerID = lou; s.focused = .detail
        s.columns = 240; s.rows = 120
        s.apply(try DashboardSnapshot.collect(engine, s.request, now: now))
        var text = screen(s)
        #expect(text.contains("Agent Avery Collins  owner Kim Park"), "agent and owner by name")
        #expect(text.contains("snoozed until Tue 15 Dec 00:00 America/Los_Angeles"))
        // Assigning to Kim moved the open follow-up to Kim (a trigger): shown by name.
        #expect(text.contains("Follow-up Tue 8 Dec 17:00 America/Los_Angeles for Kim Park"))
        #expect(text.contains("Open tasks (d: done), times in America/Los_Angeles") && text.contains("due Tue 8 Dec 17:00"))
        // An owner without a name in `agents` is shown by id; a zoneless customer's times say so.
        _ = try engine.assign(customerId: una, to: "sam", now: now)
        _ = try engine.logContact(customerId: una, ContactLog(channel: .call, outcome: .reached, followUpAt: d("2026-12-09T01:00:00Z")), now: now)
        s.request.detailCustomerID = una; s.detailCustomerID = una
        s.apply(try DashboardSnapshot.collect(engine, s.request, now: now))
        text = screen(s)
        #expect(text.contains("owner sam") && text.contains("Follow-up Wed 9 Dec 01:00 UTC (no zone on file) for sam"), "\(text)")
    }

    /// F lists the follow-ups due today or overdue on each customer's calendar, each at its time there with
    /// its zone. At noon in Los Angeles on the 8th, the Los Angeles one at 17:00 there (01:00 UTC on the 9th)
    /// and the Tokyo one at 09:00 on the 9th there (it is the 9th there) are due today; the zoneless one at 23:00
    /// UTC on the 9th is not. Once it is the 9th in Los Angeles, the Los Angeles one is overdue.
    @Test func theFollowUpViewIsOnTheCustomersDay() throws {
        let (engine, lou, toshi, una) = try book()
        _ = try engine.logContact(customerId: lou, ContactLog(channel: .call, outcome: .reached, followUpAt: d("2026-12-09T01:00:00Z")), now: now - 3_600)
        _ = try engine.logContact(customerId: toshi, ContactLog(channel: .call, outcome: .quote_sent, followUpAt: d("2026-12-09T00:00:00Z")), now: now - 3_600)
        _ = try engine.logContact(customerId: una, ContactLog(channel: .call, outcome: .reached, followUpAt: d("2026-12-09T23:00:00Z")), now: now - 3_600)
        var s = dashboard(engine)
        read(engine, &s, s.update(.key(.character("F")), now: at))
        var text = screen(s)
        #expect(text.contains("My follow-ups (2)") && text.contains("2 due today, 0 overdue"), "\(text)")
        let rows = text.split(separator: "\n").map(String.init)
        #expect(rows.contains { $0.contains("Wed 9 Dec 09:00") && $0.contains("Asia/Tokyo") && $0.contains("Toshi Lee") })
        #expect(rows.contains { $0.contains("Tue 8 Dec 17:00") && $0.contains("America/Los_Angeles") && $0.contains("Lou Lee") })
        #expect(!text.contains("Una Lee"))
        let nextDay = d("2026-12-09T09:00:00Z")
        read(engine, &s, [.reloadPanes], at: nextDay)
        text = screen(s, now: nextDay)
        #expect(text.contains("My follow-ups (3)") && text.contains("2 due today, 1 overdue") && text.contains("overdue"), "\(text)")
        #expect(text.split(separator: "\n").contains { $0.contains("Lou Lee") && $0.contains("overdue") }, "the row says it is overdue")
        #expect(text.contains("UTC (no zone on file)"))
    }

    /// The F view keeps its selection as the at-risk list does (ListPagingTests.whoLeftTheListAndWhy): when the
    /// selected follow-up leaves, the selection is on its neighbour and the status says whose left and why.
    @Test func theFollowUpViewKeepsItsSelectionAndSaysWhoLeft() throws {
        let (engine, lou, toshi, una) = try book()
        // Due at 21:00, 22:00 and 23:00 UTC on the 8th, all today where each customer is: Una's (UTC), Lou's (14:00 in Los
        // Angeles), Toshi's (08:00 on the 9th in Tokyo).
        _ = try engine.logContact(customerId: una, ContactLog(channel: .call, outcome: .reached, followUpAt: d("2026-12-08T21:00:00Z")), now: now - 3 * 3_600)
        _ = try engine.logContact(customerId: lou, ContactLog(channel: .call, outcome: .reached, followUpAt: d("2026-12-08T22:00:00Z")), now: now - 3 * 3_600)
        _ = try engine.logContact(customerId: toshi, ContactLog(channel: .call, outcome: .reached, followUpAt: d("2026-12-08T23:00:00Z")), now: now - 3 * 3_600)
        var s = dashboard(engine)
        read(engine, &s, s.update(.key(.character("F")), now: at))
        #expect(s.followUpRows.map(\.customerId) == [una, lou, toshi])
        _ = s.update(.key(.character("j")), now: at)
        let louTask = try #require(s.selectedFollowUp)
        #expect(louTask.customerId == lou)
        // Done (here through the engine, as `d` does): the action's result reads the panes again.
        _ = try engine.setTaskStatus(id: louTask.id, to: .done, now: now)
        read(engine, &s, s.update(.result(.done(.status("Task done: Follow up: reached the customer."))), now: at))
        #expect(s.selectedFollowUp?.customerId == toshi, "the selection is on the row that followed")
        #expect(s.status?.text == "Lou Lee's follow-up left the list: marked done.")
        // Moved to tomorrow there: a timer refresh, once the user has stopped moving.
        _ = try engine.logContact(customerId: toshi, ContactLog(channel: .call, outcome: .reached, followUpAt: d("2026-12-10T00:00:00Z")), now: now)
        let later = at.addingTimeInterval(10)
        read(engine, &s, s.update(.tick(workerBusy: false), now: later))
        _ = s.update(.tick(workerBusy: true), now: later.addingTimeInterval(1))
        #expect(s.selectedFollowUp?.customerId == una, "the last row left: the selection is on the one before")
        #expect(s.status?.text == "Toshi Lee's follow-up left the list: moved to Thu 10 Dec 09:00 Asia/Tokyo.")
        // Someone else's now: assigning Una to Kim moves her open follow-up to Kim, named.
        _ = try engine.assign(customerId: una, to: "kim", now: now)
        read(engine, &s, s.update(.result(.done(.status("Una Lee is assigned to kim."))), now: at))
        #expect(s.followUpRows.isEmpty && s.status?.text == "Una Lee's follow-up left the list: now Kim Park's.")
    }

    /// At 120 columns (the Owner column hidden) a snoozed customer listed on request is marked before the name,
    /// the name cut with an ellipsis, never the mark; at 240 the owner is shown by name.
    @Test func theSnoozedMarkShowsAt120ColumnsAndOwnersByName() {
        func entry(_ id: String, _ name: String, snoozed: Int? = nil, owner: String? = nil) -> AtRiskEntry {
            AtRiskEntry(id: id, name: name, email: "\(id)@example.com", phone: nil, agentId: "ag", churnRisk: .high, churnProbability: 0.6,
                        topRiskFactor: nil, healthScore: 40, projectedLTVCents: 100_000, ltvTier: nil, nextRenewalDate: nil, lastContactDate: nil,
                        assignedTo: owner, snoozedUntil: snoozed)
        }
        var s = DashboardState(themeName: "default", user: "sam")
        s.request.atRisk.includeSnoozed = true
        _ = s.update(.resize(columns: 120, rows: 40), now: at)
        var snap = DashboardSnapshot(header: nil, atRisk: [entry("a", "Ann Lee", owner: "ag"), entry("b", "Bob Day", snoozed: now + 86_400),
                                                           entry("c", "Bartholomew Fitzgerald-Smythe", snoozed: now + 86_400)],
                                     renewals: [], campaigns: [], detail: nil, hasCustomers: true, request: s.request, loadedAt: now)
        snap.agentNames = ["ag": "Avery Collins"]
        s.apply(snap)
        var text = screen(s)
        #expect(text.contains("⏸ Bob Day") && text.contains("⏸ Bartholom…"), "\(text)")
        #expect(!text.contains("⏸ Ann Lee"))
        _ = s.update(.resize(columns: 240, rows: 40), now: at)
        text = screen(s)
        #expect(text.contains("⏸ snoozed"), "the title says what the mark is")
        #expect(text.contains("Avery Collins") && !text.contains(" ag "), "the owner by name: \(text)")
    }
}
