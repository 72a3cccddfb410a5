import Foundation
import Testing
@testable import RetentionCore
@testable import RetentionTUI

/// The at-risk filter prompt (`/`): Esc leaves the list exactly as it was before `/` (the filter, the selected
/// customer and the scroll), even after the list followed the typing; and a token with nothing after its colon
/// (`agent:`, `type:`, `tag:`) or an unknown policy type is not read (it would match nobody, silently), the status
/// line saying what it needs. Driven through the one `update`, with snapshots the real collector reads from a book
/// in memory, in the order the worker would hand them back.
@Suite struct FilterPromptTests {
    let now = Int(updateNow.timeIntervalSince1970)

    /// A demo book whose every customer with a policy in force is in the medium-risk queue, and the dashboard
    /// with its panes read.
    func queue(customers: Int = 300) throws -> (Engine, DashboardState) {
        let engine = Engine(database: try Store.open(path: ":memory:"), user: "t")
        try DemoBook(customers: customers, seed: 5, now: now).generate(into: engine.db)
        try engine.rescore(now: now)
        try engine.db.run("UPDATE customers SET churn_risk = 1, snoozed_until = NULL, assigned_to = NULL WHERE active_policies > 0 AND erased_at IS NULL")
        try CustomerTotals.rebuild(engine.db)
        var state = DashboardState(themeName: "default", user: "me")
        _ = state.update(.resize(columns: 120, rows: 40), now: updateNow)
        _ = state.update(.result(.snapshot(read(engine, state), dataVersion: 1)), now: updateNow)
        return (engine, state)
    }

    /// The panes as the worker reads them for the state's request now.
    func read(_ engine: Engine, _ state: DashboardState) -> DashboardSnapshot {
        try! DashboardSnapshot.collect(engine, state.request, now: now)
    }

    func deliver(_ snapshot: DashboardSnapshot, _ state: inout DashboardState) {
        _ = state.update(.result(.snapshot(snapshot, dataVersion: 1)), now: updateNow)
    }

    /// A key, and the panes' read it asks for, carried out at once.
    func key(_ engine: Engine, _ state: inout DashboardState, _ k: Key) {
        let effects = state.update(.key(k), now: updateNow)
        if effects.contains(.reloadPanes) { deliver(read(engine, state), &state) }
    }

    func type(_ engine: Engine, _ state: inout DashboardState, _ text: String) {
        for c in text { key(engine, &state, .character(c)) }
    }

    /// What the user sees of the list: the selected customer, its row, and the first row shown.
    func shown(_ s: DashboardState) -> [String] {
        [s.atRiskSelection.selectedID ?? "-", "\(s.atRiskSelection.index)", "\(s.atRiskSelection.offset)", s.rowCountLabel(.atRisk, rows: s.atRiskRows.count)]
    }

    @Test func escAfterTheListFollowedTheTypingPutsBackTheSelectionAndTheScroll() throws {
        var (engine, state) = try queue()
        // Row 31, the list scrolled (the pane shows fewer rows).
        for _ in 0..<30 { key(engine, &state, .down) }
        let before = shown(state)
        #expect(state.atRiskSelection.offset > 0, "the list is scrolled: \(before)")
        // `/` then Esc at once: nothing read, nothing moved.
        #expect(state.update(.key(.character("/")), now: updateNow).isEmpty)
        #expect(state.update(.key(.escape), now: updateNow).isEmpty)
        #expect(shown(state) == before)
        // A few letters: the list follows them, from its first row.
        key(engine, &state, .character("/"))
        type(engine, &state, "ma")
        #expect(state.filterText == "ma" && state.atRiskSelection.index == 0 && shown(state) != before)
        // Esc: the rows before `/` are read again, and the same customer is selected on the same screen line.
        let effects = state.update(.key(.escape), now: updateNow)
        #expect(effects == [.reloadPanes])
        #expect(state.filterText == nil && state.request.atRisk == AtRiskQuery())
        deliver(read(engine, state), &state)
        #expect(shown(state) == before)
        #expect(state.rowsAreCurrent(.atRisk))
        #expect(state.status?.text == "Filter cancelled.")
        // Typing a letter and deleting it read the list twice: Esc still puts the selection back.
        key(engine, &state, .character("/"))
        type(engine, &state, "w")
        key(engine, &state, .backspace)
        key(engine, &state, .escape)
        #expect(shown(state) == before)
        // So does Enter on the line typed back to the one `/` opened with (here none).
        key(engine, &state, .character("/"))
        type(engine, &state, "w")
        key(engine, &state, .backspace)
        key(engine, &state, .enter)
        #expect(shown(state) == before && state.overlay == nil)
    }

    /// With a filter in force, Ctrl-U and new letters, Esc with the typing's last read still on its way: that read
    /// lands first (the worker answers in order) and is shown as any other; the selection waits for the rows of
    /// the filter put back.
    @Test func escPutsBackTheFilterInForceAndItsSelectionThoughATypingReadLandsAfterIt() throws {
        var (engine, state) = try queue()
        key(engine, &state, .character("/"))
        type(engine, &state, "type:auto")
        key(engine, &state, .enter)
        #expect(state.request.atRisk.policyType == .auto && state.overlay == nil)
        for _ in 0..<6 { key(engine, &state, .down) }
        let before = shown(state)
        #expect(state.atRiskSelection.index == 6)
        key(engine, &state, .character("/"))
        key(engine, &state, .control("u"))
        type(engine, &state, "j")
        // The last letter's read is not back yet when Esc is pressed.
        #expect(state.update(.key(.character("o")), now: updateNow) == [.reloadPanes])
        let late = read(engine, state)
        #expect(state.update(.key(.escape), now: updateNow) == [.reloadPanes])
        #expect(state.filterText == "type:auto" && state.status?.text == "Filter cancelled; still filtering by type:auto.")
        let restored = read(engine, state)
        deliver(late, &state)
        deliver(restored, &state)
        #expect(shown(state) == before)
        #expect(state.request.atRisk.policyType == .auto && state.request.atRisk.search == nil)
    }

    /// The customer selected before `/` left the queue while the prompt was open: Esc puts the scroll back, the
    /// selection on the row now in their place, and the status line says who left and why.
    @Test func escSaysWhoLeftWhenTheSelectedCustomerIsGone() throws {
        var (engine, state) = try queue()
        for _ in 0..<4 { key(engine, &state, .down) }
        let leaving = try #require(state.selectedAtRisk)
        let next = state.atRiskRows[5].id
        key(engine, &state, .character("/"))
        type(engine, &state, "x")
        _ = try engine.snooze(customerId: leaving.id, until: Timestamp.startOfDay(now) + 7 * 86_400, now: now)
        key(engine, &state, .escape)
        #expect(state.selectedAtRisk?.id == next && state.atRiskSelection.index == 4)
        #expect(state.status?.text.hasPrefix("\(leaving.name) left the list: snoozed until ") == true, "\(state.status?.text ?? "")")
    }
}

/// The filter's tokens with nothing after the colon, and unknown policy types: not read, and said.
@Suite struct FilterHintTests {
    func entry(_ id: String, _ name: String, agent: String) -> AtRiskEntry {
        AtRiskEntry(id: id, name: name, email: "\(id)@example.com", phone: nil, agentId: agent, churnRisk: .high, churnProbability: 0.8,
                    topRiskFactor: "No recent contact", healthScore: 35, projectedLTVCents: 450_000, ltvTier: "silver",
                    nextRenewalDate: nil, lastContactDate: nil, assignedTo: nil, snoozedUntil: nil)
    }

    func state() -> DashboardState {
        var s = DashboardState(themeName: "default", user: "me")
        _ = s.update(.resize(columns: 120, rows: 40), now: updateNow)
        s.apply(DashboardSnapshot(header: nil, atRisk: [entry("c0", "Ann Lee", agent: "agent-avery"), entry("c1", "Bo Ng", agent: "agent-blake")],
                                  renewals: [], campaigns: [], detail: nil, hasCustomers: true, loadedAt: 0))
        return s
    }

    /// Types `text` into the open prompt; the effects of its last key.
    @discardableResult
    func type(_ s: inout DashboardState, _ text: String) -> [Effect] {
        var last: [Effect] = []
        for c in text { last = s.handle(.character(c)) }
        return last
    }

    func promptText(_ s: DashboardState) -> String? {
        if case .prompt(_, let text, .search) = s.overlay { return text }
        return nil
    }

    let types = PolicyType.allCases.map(\.rawValue).joined(separator: "/")

    @Test func anAgentTokenWithNoIdIsNotReadAndSaysWhatItNeeds() {
        var s = state()
        _ = s.handle(.character("/"))
        // "agent" is a name search like any word; the colon makes it a token with nothing after it: not read.
        #expect(type(&s, "agent") == [.reloadPanes])
        #expect(s.handle(.character(":")).isEmpty)
        #expect(s.request.atRisk.agentId == nil && s.request.atRisk.search == "agent" && s.filterText == "agent")
        // The example is a real id: the agent of the customer selected when / was pressed.
        #expect(s.status?.text == "agent: needs an agent's id, e.g. agent:agent-avery (Ann Lee's agent).")
        #expect(s.status?.isError == false, "a hint while typing")
        // Enter does not apply it: the prompt stays open with the line as typed, and the hint is now an error.
        #expect(s.handle(.enter).isEmpty)
        #expect(promptText(s) == "agent:" && s.request.atRisk.agentId == nil)
        #expect(s.status?.text == "agent: needs an agent's id, e.g. agent:agent-avery (Ann Lee's agent).")
        #expect(s.status?.isError == true)
        // Its id makes it read.
        #expect(type(&s, "agent-blake") == [.reloadPanes])
        #expect(s.request.atRisk.agentId == "agent-blake" && s.request.atRisk.search == nil && s.status?.text == "Filter: agent:agent-blake")
        #expect(s.handle(.enter) == [.reloadPanes] && s.overlay == nil && s.filterText == "agent:agent-blake")
    }

    @Test func aTypeTokenNamesThePolicyTypes() {
        var s = state()
        _ = s.handle(.character("/"))
        #expect(type(&s, "type:").isEmpty)
        #expect(s.status?.text == "type: needs one of \(types).")
        #expect(s.status!.text.count <= 118, "the whole list shows on a 120-column status line")
        // On the way to a type: the types it may be the start of.
        #expect(type(&s, "co").isEmpty)
        #expect(s.status?.text == "type:co is not a policy type; did you mean condo or commercial?")
        #expect(type(&s, "ndo") == [.reloadPanes] && s.request.atRisk.policyType == .condo)
        // An unknown type is not read (the list stays as the last line that could be read), and is refused by Enter.
        _ = s.handle(.control("u"))
        #expect(type(&s, "type:nonsense").isEmpty)
        #expect(s.status?.text == "type:nonsense is not one of \(types).")
        #expect(s.handle(.enter).isEmpty && promptText(s) == "type:nonsense" && s.status?.isError == true)
        // The line's name and the token's key in any case.
        _ = s.handle(.control("u"))
        #expect(type(&s, "Type:Auto") == [.reloadPanes] && s.request.atRisk.policyType == .auto)
    }

    @Test func aTagTokenWithNoTagSaysWhatItNeedsAndTheOtherWordsWait() {
        var s = state()
        _ = s.handle(.character("/"))
        #expect(type(&s, "lee") == [.reloadPanes])
        // (Pasted: typed, "lee t", "lee ta", "lee tag" would each be read as a name search first.)
        #expect(s.paste(" tag:").isEmpty)
        #expect(s.status?.text == "tag: needs a tag, e.g. tag:vip.")
        #expect(s.request.atRisk.search == "lee" && s.request.atRisk.tag == nil && s.filterText == "lee")
        #expect(type(&s, "vip") == [.reloadPanes] && s.request.atRisk.tag == "vip" && s.request.atRisk.search == "lee")
        // Esc puts back the filter before `/` (none).
        #expect(s.handle(.escape) == [.reloadPanes] && s.filterText == nil && s.request.atRisk == AtRiskQuery())
    }

    /// What the user typed is echoed made safe to draw and cut short, so the hint's own words still show.
    @Test func anEchoedTokenIsSanitisedAndCut() {
        var s = state()
        _ = s.handle(.character("/"))
        _ = s.paste("type:\u{202E}evil")
        let text = s.status?.text ?? ""
        #expect(text.hasPrefix("type:") && !text.unicodeScalars.contains("\u{202E}") && text.hasSuffix(" is not one of \(types)."), "\(text)")
        _ = s.handle(.control("u"))
        _ = s.paste("type:" + String(repeating: "x", count: 200))
        let long = s.status?.text ?? ""
        #expect(long.hasPrefix("type:xxxxx") && long.contains("… is not one of ") && long.count < 200, "\(long)")
        // No row selected when / was pressed: agent:'s hint has no example to give.
        var empty = DashboardState(themeName: "default", user: "me")
        empty.apply(DashboardSnapshot(header: nil, atRisk: [], renewals: [], campaigns: [], detail: nil, hasCustomers: true, loadedAt: 0))
        _ = empty.handle(.character("/"))
        _ = type(&empty, "agent:")
        #expect(empty.status?.text == "agent: needs an agent's id (agent:ID, as in the agents table).")
    }
}
