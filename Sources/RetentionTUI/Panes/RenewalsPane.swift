import RetentionCore

/// Upcoming renewals in the chosen window, earliest first; overdue and this week marked.
enum RenewalsPane: Pane {
    static let id = PaneID.renewals

    /// The keys of this pane, in the key table (`KeyBindings.all`).
    static let bindings: [KeyBinding] = [
        KeyBinding([.character("w")], .renewalWindow, "window 7/30/60/90 days", panes: [.renewals], footer: true),
    ]

    static var tableState: WritableKeyPath<DashboardState, TableState>? { \DashboardState.renewalSelection }

    static func rowIDs(_ state: DashboardState) -> [String] { state.snapshot?.renewals.map(\.policyId) ?? [] }

    static func draw(_ state: DashboardState, into canvas: inout Canvas, rect: Rect, now: Int) {
        let rows = state.snapshot?.renewals ?? []
        let inner = canvas.box(title: "2 Renewals, next \(state.request.renewalDays) days (\(state.rowCountLabel(.renewals, rows: rows.count)))",
                               rect: rect, focused: state.focused == .renewals)
        let columns = [
            // Policy numbers and lines widen with the room (every number starts "POL-YYYY-": cut, it names no policy).
            TableColumn("Policy", minWidth: 10, maxWidth: 20, flex: 2), TableColumn("Customer", minWidth: 10, maxWidth: 26, flex: 2),
            TableColumn("Type", minWidth: 6, maxWidth: 10, flex: 1), TableColumn("Premium", minWidth: 7, maxWidth: 10, alignment: .right),
            TableColumn("Renews", minWidth: 10, maxWidth: 10), TableColumn("When", minWidth: 9, maxWidth: 10),
            TableColumn("Risk", minWidth: 8, maxWidth: 8),
        ]
        let tableRows = rows.map { r in
            let when = r.overdue ? "OVERDUE" : r.daysUntilRenewal == 0 ? "today" : "in \(r.daysUntilRenewal)d"
            return TableRow([
                TableCell(r.policyNumber), TableCell(r.customerName), TableCell(r.policyType.rawValue),
                TableCell(Formatting.cents(r.annualPremiumCents)), TableCell(Formatting.date(r.renewalDate)),
                TableCell(when, role: r.overdue ? .riskCritical : r.daysUntilRenewal <= 7 ? .warning : .text),
                TableCell(r.churnRisk.rawValue, role: Formatting.riskRole(r.churnRisk)),
            ])
        }
        let empty = state.loading ? "Loading…" : "No policy renews in the next \(state.request.renewalDays) days. Press w to widen the window."
        Table(columns: columns, rows: tableRows, selected: rows.isEmpty ? nil : state.renewalSelection.index,
                     focused: state.focused == .renewals, scrollOffset: state.renewalSelection.offset, emptyText: empty).draw(into: &canvas, rect: inner)
    }
}
