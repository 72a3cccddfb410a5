import RetentionCore

/// The at-risk customers: most likely to leave first, with what a specialist needs to act.
enum AtRiskPane: Pane {
    static let id = PaneID.atRisk

    /// The keys of this pane, in the key table (`KeyBindings.all`).
    static let bindings: [KeyBinding] = [
        KeyBinding([.character("/")], .filter, "filter (text, agent:, type:, tag:)", panes: [.atRisk], footer: true),
        KeyBinding([.character("s")], .sort, "change sort", panes: [.atRisk], footer: true),
        KeyBinding([.character("S")], .reverse, "reverse order", panes: [.atRisk, .renewals]),
        KeyBinding([.character("f")], .riskFilter, "cycle risk filter", panes: [.atRisk], footer: true),
        KeyBinding([.character("m")], .mine, "only mine / everyone", panes: [.atRisk], footer: true),
        KeyBinding([.character("b")], .winBack, "win-back / at-risk list", panes: [.atRisk, .detail], footer: true),
    ]

    /// The queue's rows as sorted, or the win-back view's former customers.
    static var tableState: WritableKeyPath<DashboardState, TableState>? { \DashboardState.atRiskSelection }

    static func rowIDs(_ state: DashboardState) -> [String] { state.atRiskPaneIDs }

    static func draw(_ state: DashboardState, into canvas: inout Canvas, rect: Rect, now: Int) {
        if state.showsFollowUps { return DetailSections.drawFollowUps(state, into: &canvas, rect: rect, now: now) }
        if state.showsWinBack { return drawWinBack(state, into: &canvas, rect: rect, now: now) }
        let rows = state.atRiskRows
        let filter = DashboardState.riskFilters[state.riskFilterIndex].label
        let sep = canvas.glyphs.separator
        var title = "1 At-risk customers (\(state.rowCountLabel(.atRisk, rows: rows.count))) \(sep) \(filter) \(sep) \(state.orderLabel)"
        if let s = state.filterText { title += " \(sep) \"\(s)\"" }
        if state.mineOnly { title += " \(sep) mine" }
        if state.request.atRisk.includeSnoozed { title += " \(sep) \(canvas.glyphs.paused) snoozed" }
        let inner = canvas.box(title: title, rect: rect, focused: state.focused == .atRisk)
        // The model's level, and a specialist's own level beside it ("critical→low"): the column as wide as its widest.
        func riskText(_ e: AtRiskEntry) -> String { e.overrideLevel.map { "\(e.churnRisk.rawValue)→\($0.rawValue)" } ?? e.churnRisk.rawValue }
        let riskWidth = min(17, max(8, rows.map { DisplayWidth.width(of: riskText($0)) }.max() ?? 8))
        let columns = [
            TableColumn("Customer", minWidth: 12, maxWidth: 28, flex: 3), TableColumn("Risk", minWidth: riskWidth, maxWidth: riskWidth),
            TableColumn("Prob", minWidth: state.snapshot?.churnDeltas.isEmpty == false ? 10 : 5, maxWidth: 11, alignment: .right), TableColumn("Health", minWidth: 11, maxWidth: 11),
            TableColumn("LTV", minWidth: 7, maxWidth: 14, alignment: .right), TableColumn("Renews", minWidth: 10, maxWidth: 10),
            TableColumn("Contact", minWidth: 8, maxWidth: 9), TableColumn("Owner", minWidth: 6, maxWidth: 18, flex: 2),
            TableColumn("Top factor", minWidth: 10, maxWidth: 30, flex: 2),
        ]
        let tableRows = rows.map { e in
            TableRow([
                // A snoozed customer (listed when asked for: z) is marked before the name, in the first column, so
                // the mark shows at any width (the name is cut with an ellipsis, never the mark).
                TableCell(((e.snoozedUntil ?? 0) > now ? canvas.glyphs.paused + " " : "") + e.name),
                TableCell(riskText(e), role: Formatting.riskRole(e.churnRisk)),
                // ▲/▼ with the change in points at the last scoring (`ScoreChange`), where it was read.
                TableCell(String(format: "%.0f%%", e.churnProbability * 100)
                          + (state.snapshot?.churnDeltas[e.id].map { EngineAdapter.deltaMark($0, glyphs: canvas.glyphs) }.map { $0.isEmpty ? "" : " " + $0 } ?? "")),
                TableCell(String(format: "%5.1f ", e.healthScore) + Bar(value: e.healthScore).text(width: 5, glyphs: canvas.glyphs), role: .bar),
                TableCell(Formatting.compactCents(e.projectedLTVCents) + (e.ltvTier.map { " \($0.prefix(1).uppercased())" } ?? "")),
                TableCell(Formatting.date(e.nextRenewalDate)), TableCell(Formatting.ago(e.lastContactDate, now: now)),
                // Snoozed customers appear only when asked for (z): marked so.
                TableCell(e.assignedTo.map { state.snapshot?.agentNames[$0] ?? $0 } ?? canvas.glyphs.missing),
                TableCell(e.topRiskFactor ?? canvas.glyphs.missing),
            ])
        }
        let empty = state.loading ? "Loading…" : state.snapshot?.hasCustomers != true
            ? "No customers yet: import a book (retention import customers FILE.csv) or try `retention demo`."
            : state.filterText != nil || state.mineOnly
            ? emptyFilterText(state)
            : state.snapshot?.hasScores == false
            ? "No customer is scored yet. Run `retention rescore` to score the book."
            : "No customer at this risk level now (snoozed ones and those without a policy in force are left out). Press f for other levels."
        let table = Table(columns: columns, rows: tableRows, selected: rows.isEmpty ? nil : state.atRiskSelection.index,
                          focused: state.focused == .atRisk, scrollOffset: state.atRiskSelection.offset, emptyText: empty)
        table.draw(into: &canvas, rect: inner)
    }

    /// An empty queue under a filter or `m`: what would widen it, only the keys that would (`m` when only mine are
    /// shown, `f` when a narrower risk filter than medium+ is on), and who is never in the queue.
    static func emptyFilterText(_ state: DashboardState) -> String {
        var ways: [String] = []
        if state.filterText != nil { ways.append("/ to change the filter") }
        if state.mineOnly { ways.append("m for everyone's") }
        if state.riskFilterIndex != 0 { ways.append("f for other risk levels") }
        let keys = ways.count > 1 ? ways.dropLast().joined(separator: ", ") + " or " + ways.last! : ways.first ?? ""
        let level = DashboardState.riskFilters[state.riskFilterIndex].label
        let none = state.filterText == nil ? "No customer in the queue at \(level) is assigned to you."
            : "No customer \(state.mineOnly ? "of yours " : "")in the queue at \(level) matches the filter."
        return none
            + (keys.isEmpty ? "" : " Press \(keys).")
            + " Not in the queue: low risk, \(state.request.atRisk.includeSnoozed ? "" : "snoozed (z shows them), ")former customers (b),"
            + " prospects (retention api GET '/customers?search=…')."
    }

    /// The win-back view: former customers (nothing in force), the most recent leavers first, with what
    /// winning them back is worth.
    static func drawWinBack(_ state: DashboardState, into canvas: inout Canvas, rect: Rect, now: Int) {
        let rows = state.winBackRows
        let title = "1 Win-back (\(state.rowCountLabel(.atRisk, rows: rows.count))) \(canvas.glyphs.separator) former customers, latest leavers first"
        let inner = canvas.box(title: title, rect: rect, focused: state.focused == .atRisk)
        let columns = [
            TableColumn("Customer", minWidth: 12, maxWidth: 28, flex: 3), TableColumn("Left", minWidth: 10, maxWidth: 10),
            TableColumn("Was with us", minWidth: 11, maxWidth: 11, alignment: .right),
            TableColumn("Lost/yr", minWidth: 7, maxWidth: 10, alignment: .right), TableColumn("Paid", minWidth: 7, maxWidth: 10, alignment: .right),
            TableColumn("Why", minWidth: 8, maxWidth: 22, flex: 2), TableColumn("Owner", minWidth: 6, maxWidth: 12, flex: 1),
        ]
        let tableRows = rows.map { e in
            TableRow([
                TableCell(e.name), TableCell(Formatting.date(e.leftAt)),
                TableCell(e.tenureMonths >= 24 ? "\(e.tenureMonths / 12) years" : "\(e.tenureMonths) months"),
                TableCell(Formatting.compactCents(e.lostAnnualPremiumCents)), TableCell(Formatting.compactCents(e.paidToDateCents)),
                TableCell(e.lastEndReason.map { $0.replacingOccurrences(of: "_", with: " ") } ?? canvas.glyphs.missing),
                TableCell(e.assignedTo.map { state.snapshot?.agentNames[$0] ?? $0 } ?? canvas.glyphs.missing),
            ])
        }
        let empty = state.loading ? "Loading…"
            : "No former customer to win back: no one has left since Retention began recording it. Press b for the at-risk queue."
        let table = Table(columns: columns, rows: tableRows, selected: rows.isEmpty ? nil : state.atRiskSelection.index,
                          focused: state.focused == .atRisk, scrollOffset: state.atRiskSelection.offset, emptyText: empty)
        table.draw(into: &canvas, rect: inner)
    }
}
