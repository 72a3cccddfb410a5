import Foundation
import Testing
@testable import RetentionCore
@testable import RetentionTUI

/// The at-risk and renewal lists as windows of their whole queues: sorted by the store, positions and true
/// sizes in the titles, `G` to the real last row, who left the list and why, what the user asks for shown at
/// once, and the detail following the cursor. Driven through the one `update` with snapshots the real
/// collector reads from a book in memory.
@Suite struct ListPagingTests {
    let now = Int(updateNow.timeIntervalSince1970)

    /// A demo book whose every customer with a policy in force is put in the medium-risk queue (more rows
    /// than one read), and the dashboard's state with its panes read.
    func queue(customers: Int = 700) throws -> (Engine, DashboardState, Int) {
        let engine = Engine(database: try Store.open(path: ":memory:"), user: "t")
        try DemoBook(customers: customers, seed: 5, now: now).generate(into: engine.db)
        try engine.rescore(now: now)
        try engine.db.run("UPDATE customers SET churn_risk = 1, snoozed_until = NULL, assigned_to = NULL WHERE active_policies > 0 AND erased_at IS NULL")
        try CustomerTotals.rebuild(engine.db)
        let size = try engine.db.scalarInt("SELECT count(*) FROM customers WHERE active_policies > 0 AND erased_at IS NULL")
        var state = DashboardState(themeName: "default", user: "me")
        _ = state.update(.resize(columns: 120, rows: 40), now: updateNow)
        read(engine, &state, [.reloadPanes])
        return (engine, state, size)
    }

    /// Carries out the panes' reads `effects` ask for, as the worker would, and hands the snapshot back.
    func read(_ engine: Engine, _ state: inout DashboardState, _ effects: [Effect], at: Date = updateNow) {
        guard effects.contains(where: { $0 == .reloadPanes || $0 == .refresh(force: false) || $0 == .refresh(force: true) }) else { return }
        let snapshot = try! DashboardSnapshot.collect(engine, state.request, now: now)
        _ = state.update(.result(.snapshot(snapshot, dataVersion: 1)), now: at)
    }

    func key(_ engine: Engine, _ state: inout DashboardState, _ k: Key) {
        read(engine, &state, state.update(.key(k), now: updateNow))
    }

    /// Moves the selection `rows` down, lets the detail follow it (a tick a second later reads it), and returns
    /// that customer's id.
    func selectAndFollow(_ engine: Engine, _ state: inout DashboardState, _ t: inout Date, rows: Int) throws -> String {
        for _ in 0..<rows { key(engine, &state, .down) }
        let id = try #require(state.selectedAtRisk?.id)
        #expect(tick(&state, &t, after: 1) == [.readDetail(customerID: id)])
        return id
    }

    /// The timer's tick `seconds` after the instant `t`, which moves on to it (the worker busy: no refresh).
    func tick(_ state: inout DashboardState, _ t: inout Date, after seconds: Double) -> [Effect] {
        t = t.addingTimeInterval(seconds)
        return state.update(.tick(workerBusy: true), now: t)
    }

    /// The customer ids of the whole queue in an order, straight from SQL.
    func wholeQueue(_ engine: Engine, _ orderBy: String) throws -> [String] {
        try engine.db.query("SELECT c.uuid FROM customers c WHERE c.churn_risk >= 1 AND c.erased_at IS NULL AND c.active_policies > 0 ORDER BY \(orderBy)", []) { $0.text(0) }
    }

    @Test func positionsTrueSizesAndTheRealLastRow() throws {
        var (engine, state, size) = try queue()
        #expect(size > ListPaging.windowRows, "more customers than one read: \(size)")
        let total = NumberText.grouped(size)
        #expect(state.rowCountLabel(.atRisk, rows: state.atRiskRows.count) == "1/\(total)")
        let order = try wholeQueue(engine, "coalesce(c.churn_probability, 0) DESC, coalesce(c.projected_ltv_cents, -1) DESC, c.id DESC")
        // G reads the last rows and lands on the queue's last customer.
        key(engine, &state, .character("G"))
        #expect(state.selectedAtRisk?.id == order.last)
        #expect(state.rowCountLabel(.atRisk, rows: state.atRiskRows.count) == "\(total)/\(total)")
        #expect(state.status?.text != "Reading the last rows…", "the notice goes once the rows have landed")
        // k from there walks back through the queue in order, reading more as it nears the window's start.
        for _ in 0..<(size - 1) { key(engine, &state, .up) }
        #expect(state.selectedAtRisk?.id == order.first)
        #expect(state.rowCountLabel(.atRisk, rows: state.atRiskRows.count) == "1/\(total)")
        // j past the first read: row 321 is the queue's 321st.
        for _ in 0..<320 { key(engine, &state, .down) }
        #expect(state.selectedAtRisk?.id == order[320])
        #expect(state.rowCountLabel(.atRisk, rows: state.atRiskRows.count) == "321/\(total)")
        // g is the first row again.
        key(engine, &state, .character("g"))
        #expect(state.selectedAtRisk?.id == order.first)
    }

    @Test func everySortIsTheStoresOverTheWholeQueueAndReverses() throws {
        var (engine, state, _) = try queue()
        key(engine, &state, .character("s")) // health
        key(engine, &state, .character("s")) // LTV
        #expect(state.sort == .ltv)
        let byLTV = try wholeQueue(engine, "coalesce(c.projected_ltv_cents, -1) DESC, c.id DESC")
        #expect(state.atRiskRows.prefix(5).map(\.id) == Array(byLTV.prefix(5)), "the most valuable of the whole queue first")
        key(engine, &state, .character("S"))
        #expect(state.atRiskRows.prefix(5).map(\.id) == Array(byLTV.reversed().prefix(5)))
        _ = state.update(.resize(columns: 200, rows: 40), now: updateNow)
        var canvas = Canvas(columns: 200, rows: 40)
        DashboardView.draw(state, into: &canvas, now: now)
        let title = canvas.lines().first { $0.contains("At-risk customers") } ?? ""
        #expect(title.contains("by LTV (reversed)"), "\(title)")
    }

    @Test func whoLeftTheListAndWhy() throws {
        var (engine, state, _) = try queue()
        key(engine, &state, .down)
        key(engine, &state, .down)
        let leaving = try #require(state.selectedAtRisk)
        let next = state.atRiskRows[3].id
        _ = try engine.snooze(customerId: leaving.id, until: Timestamp.startOfDay(now) + 7 * 86_400, now: now)
        // The timer's refresh, once the user has stopped moving.
        let later = updateNow.addingTimeInterval(10)
        read(engine, &state, state.update(.tick(workerBusy: false), now: later), at: later)
        _ = state.update(.tick(workerBusy: true), now: later.addingTimeInterval(1))
        // The snooze's end in the customer's zone, named (their own zone or their state's in the demo book).
        let c = try engine.customer(id: leaving.id)
        let zone = CustomerZone.resolve(timeZone: c.timeZone, state: c.state)
        #expect(zone.source != .utc)
        // The snooze to that date ends at its start where the customer is (`CustomerZone.snoozeEnd`).
        let end = zone.snoozeEnd(day: Timestamp.startOfDay(now) / 86_400 + 7)
        #expect(state.status?.text == "\(leaving.name) left the list: snoozed until \(Formatting.customerTime(end, in: zone, now: now)).")
        #expect(state.selectedAtRisk?.id == next, "the selection is on the row that followed")
    }

    /// `z` from the list: the customer leaves it and the selection moves on, but the detail keeps them, so `Z`
    /// in the list right after wakes them (not the next row's customer, who is not snoozed). A customer snoozed
    /// by someone else, shown in the detail, is not woken from the list.
    @Test func zInTheListWakesTheCustomerJustSnoozed() throws {
        var (engine, state, _) = try queue()
        key(engine, &state, .down)
        let leaving = try #require(state.selectedAtRisk?.id)
        #expect(state.update(.tick(workerBusy: true), now: updateNow.addingTimeInterval(1)) == [.readDetail(customerID: leaving)])
        // z, 7 days (the preset selected first): the snooze is sent, and the worker carries it out.
        _ = state.update(.key(.character("z")), now: updateNow.addingTimeInterval(2))
        #expect(state.update(.key(.enter), now: updateNow.addingTimeInterval(2)) == [.snooze(customerID: leaving, days: 7)])
        _ = try engine.snooze(customerId: leaving, until: Timestamp.startOfDay(now) + 7 * 86_400, now: now)
        let later = updateNow.addingTimeInterval(10)
        read(engine, &state, state.update(.tick(workerBusy: false), now: later), at: later)
        #expect(state.selectedAtRisk?.id != leaving && state.detailCustomerID == leaving && state.snapshot?.detail?.customer.id == leaving)
        #expect(state.update(.key(.character("Z")), now: later) == [.unsnooze(customerID: leaving)])
        // Someone else snoozes the customer the detail shows: Z in the list says the selected one is not snoozed.
        _ = try engine.snooze(customerId: leaving, until: nil, now: now)
        let other = try #require(state.selectedAtRisk?.id)
        _ = state.update(.key(.enter), now: later)
        _ = state.update(.key(.character("1")), now: later)
        let elsewhere = updateNow.addingTimeInterval(20)
        _ = try engine.snooze(customerId: other, until: Timestamp.startOfDay(now) + 7 * 86_400, now: now)
        read(engine, &state, state.update(.tick(workerBusy: false), now: elsewhere), at: elsewhere)
        #expect(state.detailCustomerID == other && state.snapshot?.detail?.customer.id == other && state.selectedAtRisk?.id != other)
        #expect(state.update(.key(.character("Z")), now: elsewhere).isEmpty && state.status?.text.hasSuffix("is not snoozed.") == true)
    }

    /// Two snoozes in a row from the list: each time the detail is the customer just snoozed (not the row after),
    /// keys that move nothing (`r`) leave it there, and `Z` wakes the last one.
    @Test func twoSnoozesInARowEachLeaveTheirCustomerInTheDetail() throws {
        var (engine, state, _) = try queue()
        var t = updateNow
        let first = try selectAndFollow(engine, &state, &t, rows: 0)
        func snoozeSelected(_ id: String) throws {
            _ = state.update(.key(.character("z")), now: t)
            #expect(state.update(.key(.enter), now: t) == [.snooze(customerID: id, days: 7)])
            #expect(state.detailCustomerID == id, "the detail is the customer acted on at once")
            _ = try engine.snooze(customerId: id, until: Timestamp.startOfDay(now) + 7 * 86_400, now: now)
            t = t.addingTimeInterval(10)
            read(engine, &state, state.update(.tick(workerBusy: false), now: t), at: t)
            #expect(state.selectedAtRisk?.id != id && state.detailCustomerID == id && state.snapshot?.detail?.customer.id == id)
        }
        try snoozeSelected(first)
        let second = try #require(state.selectedAtRisk?.id)
        try snoozeSelected(second)
        // r refreshes; nothing moved, so the detail stays.
        _ = state.update(.key(.character("r")), now: t)
        #expect(tick(&state, &t, after: 1).allSatisfy { if case .readDetail = $0 { false } else { true } } && state.detailCustomerID == second)
        #expect(state.update(.key(.character("Z")), now: t) == [.unsnooze(customerID: second)])
    }

    /// A write that fails brings no refresh: the detail, set to the customer acted on, is read at once instead of
    /// staying "Loading…".
    @Test func aFailedWriteStillReadsTheDetailOfTheCustomerActedOn() throws {
        var (engine, state, _) = try queue()
        var t = updateNow
        _ = try selectAndFollow(engine, &state, &t, rows: 0)
        key(engine, &state, .down)
        let next = try #require(state.selectedAtRisk?.id)
        _ = state.update(.key(.character("z")), now: t)
        #expect(state.update(.key(.enter), now: t) == [.snooze(customerID: next, days: 7)] && state.detailCustomerID == next)
        #expect(state.update(.result(.failed("The book is busy.")), now: t) == [.readDetail(customerID: next)])
    }

    /// A contact just logged takes the customer off the list (the risk it answered falls): what the contact
    /// said (its follow-up's time) stays, and why the customer left follows it.
    @Test func aContactsSentenceSurvivesTheCustomerLeaving() throws {
        var (engine, state, _) = try queue()
        key(engine, &state, .down)
        let leaving = try #require(state.selectedAtRisk)
        _ = try engine.snooze(customerId: leaving.id, until: Timestamp.startOfDay(now) + 7 * 86_400, now: now)
        let logged = "Contact logged: Reached the customer by call; follow-up Tue 8 Dec 17:00 America/Los_Angeles."
        // The contact's result as the worker sends it: the sentence, and a forced refresh.
        #expect(state.update(.result(.done(.status(logged))), now: updateNow) == [.refresh(force: true)])
        let later = updateNow.addingTimeInterval(10)
        read(engine, &state, state.update(.tick(workerBusy: false), now: later), at: later)
        let text = try #require(state.status?.text)
        #expect(text.hasPrefix(logged + " \(leaving.name) left the list: snoozed until "), "\(text)")
        // A later departure (the next refresh, nothing logged since) is not tied to that contact: it replaces the line.
        let next = try #require(state.selectedAtRisk)
        state.status = (logged, false)
        _ = try engine.snooze(customerId: next.id, until: Timestamp.startOfDay(now) + 9 * 86_400, now: now)
        let after = later.addingTimeInterval(10)
        read(engine, &state, state.update(.tick(workerBusy: false), now: after), at: after)
        #expect(state.status?.text.hasPrefix("\(next.name) left the list: snoozed until ") == true, "\(state.status?.text ?? "")")
    }

    @Test func whatTheUserAskedForShowsAtOnceTheTimersRefreshWaits() throws {
        var (engine, state, _) = try queue(customers: 200)
        _ = state.update(.key(.down), now: updateNow)
        // A filter keystroke's read is shown as soon as it arrives, although a key was just pressed.
        _ = state.update(.key(.character("/")), now: updateNow)
        let effects = state.update(.key(.character("a")), now: updateNow)
        #expect(effects == [.reloadPanes] && !state.request.lists.fromTimer)
        let filtered = try DashboardSnapshot.collect(engine, state.request, now: now)
        _ = state.update(.result(.snapshot(filtered, dataVersion: 2)), now: updateNow.addingTimeInterval(0.01))
        #expect(state.pending == nil && state.snapshot?.request?.atRisk.search == "a" && state.rowsAreCurrent(.atRisk))
        // Esc puts the list back: its read is shown as soon as it arrives too.
        let esc = state.update(.key(.escape), now: updateNow)
        read(engine, &state, esc, at: updateNow.addingTimeInterval(0.02))
        #expect(state.pending == nil && state.snapshot?.request?.atRisk.search == nil && state.rowsAreCurrent(.atRisk))
        // The timer's read waits 0.8 s after the last key.
        _ = state.update(.key(.down), now: updateNow.addingTimeInterval(5))
        let timer = state.update(.tick(workerBusy: false), now: updateNow.addingTimeInterval(5.1))
        #expect(timer == [.refresh(force: false)] && state.request.lists.fromTimer)
        let timers = try DashboardSnapshot.collect(engine, state.request, now: now)
        _ = state.update(.result(.snapshot(timers, dataVersion: 3)), now: updateNow.addingTimeInterval(5.2))
        #expect(state.pending != nil)
        // Enter reads the detail alone, and it is shown when it arrives.
        let enter = state.update(.key(.enter), now: updateNow.addingTimeInterval(5.3))
        let id = try #require(state.detailCustomerID)
        #expect(enter == [.readDetail(customerID: id)])
        _ = state.update(.result(.detail(try DashboardSnapshot.collectDetail(engine, id: id, now: now))), now: updateNow.addingTimeInterval(5.31))
        #expect(state.snapshot?.detail?.customer.id == id)
    }

    /// The first rows land with row 1 selected and nothing in the detail: the detail follows row 1 at the next tick.
    @Test func theDetailFollowsTheFirstSelectedRowOnFirstDraw() throws {
        var (_, state, _) = try queue(customers: 50)
        let first = try #require(state.selectedAtRisk?.id)
        #expect(state.detailCustomerID == nil)
        #expect(state.update(.tick(workerBusy: true), now: updateNow.addingTimeInterval(0.01)) == [.readDetail(customerID: first)])
        #expect(state.update(.tick(workerBusy: true), now: updateNow.addingTimeInterval(1)).isEmpty, "once")
    }

    /// `m` (only mine / everyone) keeps the selected customer selected when they are in the new list.
    @Test func mineKeepsTheSelectedCustomer() throws {
        var (engine, state, _) = try queue(customers: 200)
        for _ in 0..<3 { key(engine, &state, .down) }
        let selected = try #require(state.selectedAtRisk?.id)
        #expect(state.atRiskSelection.index == 3)
        let others = Array(state.atRiskRows.prefix(2).map(\.id))
        for id in others + [selected] { try engine.db.run("UPDATE customers SET assigned_to = 'me' WHERE uuid = ?", [.text(id)]) }
        try CustomerTotals.rebuild(engine.db)
        key(engine, &state, .character("m"))
        #expect(state.mineOnly && state.atRiskRows.count == 3, "\(state.atRiskRows.count) rows")
        #expect(state.selectedAtRisk?.id == selected, "the customer is still selected among mine")
        key(engine, &state, .character("m"))
        #expect(state.selectedAtRisk?.id == selected && state.atRiskSelection.index == 3, "and again among everyone's")
    }

    @Test func theDetailFollowsTheCursorOnceItRests() throws {
        var (_, state, _) = try queue(customers: 200)
        let t = updateNow
        // Held j: each key within the delay of the last, no read.
        for i in 0..<5 {
            _ = state.update(.key(.down), now: t.addingTimeInterval(Double(i) * 0.05))
            #expect(state.update(.tick(workerBusy: true), now: t.addingTimeInterval(Double(i) * 0.05 + 0.01)).isEmpty)
        }
        let selected = try #require(state.selectedAtRisk?.id)
        #expect(state.update(.tick(workerBusy: true), now: t.addingTimeInterval(0.21 + ListPaging.followDelay)) == [.readDetail(customerID: selected)])
        #expect(state.focused == .atRisk && state.detailCustomerID == selected)
        #expect(state.update(.tick(workerBusy: true), now: t.addingTimeInterval(1)).isEmpty, "once")
    }

    /// A list the user re-asks for (a sort, the order reversed, a risk filter) selects another customer when its
    /// rows land: the detail follows that selection at the next tick, with no key pressed in between. A re-read
    /// nobody asked for (the timer's, after the selected customer left) leaves the detail on its customer, so
    /// the customer acted on stays in view for `Z`.
    @Test func theDetailFollowsAListTheUserReaskedFor() throws {
        var (engine, state, _) = try queue(customers: 200)
        var t = updateNow
        let third = try selectAndFollow(engine, &state, &t, rows: 3)
        // s: sorted by health, the first row selected once the rows land; the detail follows it.
        key(engine, &state, .character("s"))
        let healthFirst = try #require(state.selectedAtRisk?.id)
        #expect(healthFirst != third && state.atRiskSelection.index == 0)
        #expect(tick(&state, &t, after: 0.01) == [.readDetail(customerID: healthFirst)])
        #expect(state.detailCustomerID == healthFirst)
        // S: the other way round, the same.
        key(engine, &state, .character("S"))
        let reversedFirst = try #require(state.selectedAtRisk?.id)
        #expect(reversedFirst != healthFirst)
        #expect(tick(&state, &t, after: 0.01) == [.readDetail(customerID: reversedFirst)])
        // f: a risk filter with none of these customers (all medium) empties the list: nothing to follow;
        // f again until the medium level shows: its first row, followed (the detail was on the third).
        for _ in 0..<2 { key(engine, &state, .down) }
        #expect(tick(&state, &t, after: 1) == [.readDetail(customerID: try #require(state.selectedAtRisk?.id))])
        key(engine, &state, .character("f"))
        #expect(state.atRiskRows.isEmpty, "\(state.atRiskRows.count) rows at \(DashboardState.riskFilters[state.riskFilterIndex].label)")
        #expect(tick(&state, &t, after: 0.01).isEmpty)
        while DashboardState.riskFilters[state.riskFilterIndex].levels.contains(.medium) == false { key(engine, &state, .character("f")) }
        let filteredFirst = try #require(state.selectedAtRisk?.id)
        #expect(tick(&state, &t, after: 0.01) == [.readDetail(customerID: filteredFirst)])
        #expect(tick(&state, &t, after: 1).isEmpty, "once")
        // The selected customer leaves at the timer's re-read: the selection moves on, the detail stays.
        _ = try engine.snooze(customerId: filteredFirst, until: Timestamp.startOfDay(now) + 7 * 86_400, now: now)
        t = t.addingTimeInterval(10)
        read(engine, &state, state.update(.tick(workerBusy: false), now: t), at: t)
        #expect(state.selectedAtRisk?.id != filteredFirst)
        #expect(tick(&state, &t, after: 1).isEmpty && state.detailCustomerID == filteredFirst, "the detail keeps the customer who left")
    }

    /// `/`, a letter, Backspace, Esc: the rows on screen are already those Esc asks for, but the customer selected
    /// before `/` is selected again only when Esc's own read lands; until then the detail does not move, and then it
    /// stays on that customer (it never shows a customer the list does not select).
    @Test func escInTheFilterPromptLeavesTheDetailOnTheCustomerPutBack() throws {
        var (engine, state, _) = try queue(customers: 200)
        var t = updateNow
        let fifth = try selectAndFollow(engine, &state, &t, rows: 4)
        _ = state.update(.key(.character("/")), now: t)
        key(engine, &state, .character("x"))
        key(engine, &state, .backspace)
        #expect(state.atRiskSelection.index == 0, "the list followed the typing from its first row")
        // Esc: its read is asked for and not delivered yet.
        let esc = state.update(.key(.escape), now: t)
        #expect(esc.contains(.reloadPanes))
        #expect(tick(&state, &t, after: 0.01).isEmpty, "no follow before the customer is put back")
        read(engine, &state, esc, at: t)
        #expect(state.selectedAtRisk?.id == fifth)
        #expect(tick(&state, &t, after: 0.01).isEmpty && state.detailCustomerID == fifth)
    }

    /// A list re-asked for whose rows land while a menu is open (here `G`, then `z`'s snooze menu on the customer
    /// still selected) does not move the detail when the menu closes: the user went on to act on a customer.
    @Test func aMenuOpenedBeforeTheRowsLandDropsTheFollow() throws {
        var (engine, state, size) = try queue()
        #expect(size > ListPaging.windowRows, "G reads rows not read yet")
        var t = updateNow
        let fourth = try selectAndFollow(engine, &state, &t, rows: 3)
        let jump = state.update(.key(.character("G")), now: t)
        #expect(state.selectedAtRisk?.id == fourth, "G waits for the last rows")
        _ = state.update(.key(.character("z")), now: t)
        guard case .choice = state.overlay else { Issue.record("z opens its menu: \(state.status?.text ?? "")"); return }
        read(engine, &state, jump, at: t)
        #expect(state.selectedAtRisk?.id != fourth, "the jump landed")
        _ = state.update(.key(.escape), now: t)
        #expect(state.overlay == nil)
        #expect(tick(&state, &t, after: 0.01).isEmpty && state.detailCustomerID == fourth)
    }

    /// Type-ahead: keys that move, typed before the rows of a changed list land, move in the new list in the
    /// order typed (`s G`, `f j j j`, `s j 2 j`); a key that acts on a customer is refused meanwhile (it would act on
    /// a customer not yet seen); keys that wait over 2 s, or whose read fails, are dropped and the user is told.
    @Test func keysTypedWhileAChangedListIsReadMoveInTheNewList() throws {
        var (engine, state, _) = try queue(customers: 200)
        let t = updateNow
        func type(_ keys: Key...) -> [Effect] { keys.reduce(into: []) { $0 += state.update(.key($1), now: t) } }
        func land(_ effects: [Effect]) { read(engine, &state, effects, at: t) }
        // s G: the last row of the health order, not of the order on screen when G was typed.
        land(type(.character("s"), .character("G")))
        #expect(state.sort == .health && state.snapshot?.request?.lists.atRiskOrder == state.request.lists.atRiskOrder)
        #expect(state.atRiskRows.count > 3 && state.atRiskSelection.index == state.atRiskRows.count - 1)
        // S j j: the third row of the reversed order.
        land(type(.character("S"), .character("j"), .character("j")))
        #expect(state.atRiskSelection.index == 2 && state.selectedAtRisk?.id == state.atRiskRows[2].id)
        // s j 2 j: one row down in the at-risk list's new order, then one down in the renewals (order kept).
        let renewalBefore = state.renewalSelection.index
        land(type(.character("s"), .character("j"), .character("2"), .character("j")))
        #expect(state.atRiskSelection.index == 1 && state.focused == .renewals && state.renewalSelection.index == renewalBefore + 1)
        // A key that acts on a customer waits in its turn but is not done (typed before the rows were seen); the
        // keys around it are.
        _ = state.update(.key(.character("1")), now: t)
        let sorted = type(.character("s"), .character("j"), .character("z"), .character("j"))
        #expect(state.keys.typedAhead == [.character("j"), .character("z"), .character("j")])
        land(sorted)
        #expect(state.atRiskSelection.index == 2 && state.overlay == nil && state.keys.typedAhead.isEmpty)
        #expect(state.status?.text == "z not done: it was typed before the list was on screen. Press it again.")
        // s j s j: the second s, replayed, asks for rows again, and the j after it waits for them.
        let first = type(.character("s"), .character("j"), .character("s"), .character("j"))
        land(first)
        #expect(state.keys.typedAhead == [.character("j")], "the last j waits for the second sort's rows")
        land([.reloadPanes])
        #expect(state.atRiskSelection.index == 1 && state.keys.typedAhead.isEmpty)
        // f j / a c m e: the letters after / go into the filter prompt / opened in its turn, not to the list.
        land(type(.character("f"), .character("j"), .character("/"), .character("a"), .character("c"), .character("m"), .character("e")))
        guard case .prompt(_, let text, .search) = state.overlay else { Issue.record("/ opened the filter prompt"); return }
        #expect(text == "acme")
        _ = state.update(.key(.escape), now: t)
        while state.riskFilterIndex != 0 { land(type(.character("f"))) }
        // Rows that do not come within 2 s: the keys are dropped, and the status line says so. A failure meanwhile
        // (another action's, say) leaves them waiting.
        _ = type(.character("s"), .character("j"))
        #expect(state.keys.typedAhead == [.character("j")])
        _ = state.update(.result(.failed("The book is busy.")), now: t)
        #expect(state.keys.typedAhead == [.character("j")])
        _ = state.update(.tick(workerBusy: true), now: t.addingTimeInterval(DashboardState.typeAheadSeconds))
        #expect(state.keys.typedAhead.isEmpty && state.status?.text == "The list took over 2 s to read; the key typed meanwhile was not applied.")
        // Quitting never waits.
        _ = type(.character("s"), .character("j"))
        #expect(state.update(.key(.character("q")), now: t).contains(.quit))
    }

    /// `G k` on a queue longer than one read: `k` waits for the last rows and moves up from the last row.
    @Test func keysTypedAfterAJumpWaitForItsRows() throws {
        var (engine, state, size) = try queue()
        #expect(size > ListPaging.windowRows)
        let effects = state.update(.key(.character("G")), now: updateNow) + state.update(.key(.character("k")), now: updateNow)
        #expect(state.keys.typedAhead == [.character("k")])
        read(engine, &state, effects)
        let order = try wholeQueue(engine, "coalesce(c.churn_probability, 0) DESC, coalesce(c.projected_ltv_cents, -1) DESC, c.id DESC")
        #expect(state.selectedAtRisk?.id == order[order.count - 2])
        // The jump's "Reading the … rows" notice gives the status line back when it lands: s then g keeps
        // "Sorted by …" on it.
        key(engine, &state, .character("s"))
        key(engine, &state, .character("G"))
        let jump = state.update(.key(.character("g")), now: updateNow)
        #expect(state.status?.text == "Reading the first rows…")
        read(engine, &state, jump)
        #expect(state.status?.text == "Sorted by health, the whole queue." && state.atRiskSelection.index == 0)
    }

    /// `j` past the rows read asks for the next window: that is no re-asked list, so the detail follows `j` only
    /// once it rests, as on any other row.
    @Test func movingPastTheRowsReadFollowsOnlyOnceTheCursorRests() throws {
        var (engine, state, size) = try queue()
        #expect(size > ListPaging.windowRows)
        var t = updateNow
        var edgeRead = false
        for _ in 0..<(ListPaging.windowRows - 1) {
            let effects = state.update(.key(.down), now: t)
            if effects.contains(.reloadPanes) {
                edgeRead = true
                read(engine, &state, effects, at: t)
                #expect(state.update(.tick(workerBusy: true), now: t.addingTimeInterval(0.01)).isEmpty, "no follow while j is held")
            }
            t = t.addingTimeInterval(0.05)
        }
        #expect(edgeRead, "j reached the edge of the rows read")
        let selected = try #require(state.selectedAtRisk?.id)
        #expect(state.update(.tick(workerBusy: true), now: t.addingTimeInterval(ListPaging.followDelay)) == [.readDetail(customerID: selected)])
    }
}

/// D9: the detail's scrolling stops at its last line, so `k` and `g` act at once after `G` or too many `j`.
@Suite struct DetailScrollTests {
    @Test func detailScrollingIsClamped() throws {
        let now = Int(updateNow.timeIntervalSince1970)
        let engine = Engine(database: try Store.open(path: ":memory:"), user: "t")
        try DemoBook(customers: 200, seed: 5, now: now).generate(into: engine.db)
        try engine.rescore(now: now)
        var state = DashboardState(themeName: "default", user: "me")
        _ = state.update(.resize(columns: 120, rows: 40), now: updateNow)
        _ = state.update(.result(.snapshot(try DashboardSnapshot.collect(engine, state.request, now: now), dataVersion: 1)), now: updateNow)
        guard case .readDetail(let id) = try #require(state.update(.key(.enter), now: updateNow).first) else { Issue.record("no detail read"); return }
        _ = state.update(.result(.detail(try DashboardSnapshot.collectDetail(engine, id: id, now: now))), now: updateNow)
        let limit = state.detailScrollLimit()
        #expect(limit > 0, "the detail is longer than its pane")
        _ = state.handle(.character("G"))
        #expect(state.detailScroll == limit)
        _ = state.handle(.character("k"))
        #expect(state.detailScroll == limit - 1, "k moves at once after G")
        for _ in 0..<40 { _ = state.handle(.character("j")) }
        #expect(state.detailScroll == limit, "no backlog past the end")
        _ = state.handle(.character("g"))
        #expect(state.detailScroll == 0)
        // Back to the list and Enter on the same customer: the record opens at its top again.
        _ = state.handle(.character("G"))
        _ = state.handle(.escape)
        _ = state.update(.key(.enter), now: updateNow)
        #expect(state.focused == .detail && state.detailScroll == 0)
    }
}

/// `+` zooms the focused pane to the whole body, and back.
@Suite struct ZoomTests {
    @Test func plusZoomsTheFocusedPaneAndBack() {
        var state = DashboardState(themeName: "default", user: "me")
        _ = state.update(.resize(columns: 120, rows: 40), now: updateNow)
        #expect(state.layout.panes.count == 4)
        _ = state.handle(.character("4"))
        _ = state.handle(.character("+"))
        let zoomed = state.layout
        #expect(zoomed.panes.count == 1 && zoomed.panes[0].pane == .detail && zoomed.panes[0].rect.width == 120)
        #expect(zoomed.panes[0].rect.row == zoomed.header.row + zoomed.header.height && zoomed.panes[0].rect.height == 40 - zoomed.header.height - 2)
        var canvas = Canvas(columns: 120, rows: 40)
        DashboardView.draw(state, into: &canvas, now: 0)
        #expect(!canvas.lines().joined().contains("Renewals, next") && canvas.lines().joined().contains("4 Customer detail"))
        _ = state.handle(.character("+"))
        #expect(state.layout.panes.count == 4)
    }
}
