import RetentionCore

/// Campaign performance: reach, engagement, revenue, cost, ROI, uplift against control, goal progress.
enum CampaignsPane: Pane {
    static let id = PaneID.campaigns

    /// The keys of this pane, in the key table (`KeyBindings.all`).
    static let bindings: [KeyBinding] = [
        KeyBinding([.character("a")], .activateCampaign, "activate / resume campaign", panes: [.campaigns], footer: true,
                   asksAfterReading: true, disabledReason: { $0.campaignUnavailable(to: .active) }),
        KeyBinding([.character("p")], .pauseCampaign, "pause campaign", panes: [.campaigns], footer: true,
                   disabledReason: { $0.campaignUnavailable(to: .paused) }),
        KeyBinding([.character("c")], .cancelCampaign, "cancel campaign", panes: [.campaigns], footer: true,
                   confirm: ConfirmSpec(title: "Cancel campaign") { s in
                       let row = s.selectedCampaign
                       return "Cancel \"\(row?.campaign.name ?? "")\"? It touches \(row?.targeted ?? 0) customers; every pending touchpoint is cancelled."
                   },
                   disabledReason: { $0.campaignUnavailable(to: .cancelled) }),
        KeyBinding([.character("v")], .previewCampaign, "preview target segment", panes: [.campaigns], footer: true,
                   disabledReason: { $0.campaignUnavailable(to: nil) }),
    ]

    static var tableState: WritableKeyPath<DashboardState, TableState>? { \DashboardState.campaignSelection }

    static func rowIDs(_ state: DashboardState) -> [String] { state.snapshot?.campaigns.map(\.campaign.id) ?? [] }

    static func draw(_ state: DashboardState, into canvas: inout Canvas, rect: Rect, now: Int) {
        let rows = state.snapshot?.campaigns ?? []
        let inner = canvas.box(title: "3 Campaigns (\(rows.count))", rect: rect, focused: state.focused == .campaigns)
        let columns = [
            TableColumn("Campaign", minWidth: 12, maxWidth: 40, flex: 3), TableColumn("Type", minWidth: 8, maxWidth: 16, flex: 1),
            TableColumn("Status", minWidth: 9, maxWidth: 9), TableColumn("Targeted", minWidth: 8, maxWidth: 8, alignment: .right),
            TableColumn("Reached", minWidth: 7, maxWidth: 7, alignment: .right), TableColumn("Open", minWidth: 6, maxWidth: 6, alignment: .right),
            TableColumn("Resp", minWidth: 6, maxWidth: 6, alignment: .right), TableColumn("Revenue", minWidth: 8, maxWidth: 10, alignment: .right),
            TableColumn("Cost", minWidth: 6, maxWidth: 9, alignment: .right), TableColumn("ROI", minWidth: 7, maxWidth: 9, alignment: .right),
            TableColumn("Uplift", minWidth: 7, maxWidth: 8, alignment: .right), TableColumn("Goal", minWidth: 5, maxWidth: 6, alignment: .right),
        ]
        // A number that moved since the previous refresh carries ▲ or ▼ until the next change.
        let glyphs = canvas.glyphs
        func moved(_ now: Double?, _ before: Double?, higherIsBetter: Bool = true) -> (String, StyleRole?) {
            guard let now, let before, abs(now - before) > 1e-9 else { return ("", nil) }
            return (now > before ? glyphs.rise : glyphs.fall, (now > before) == higherIsBetter ? .deltaPositive : .deltaNegative)
        }
        let tableRows = rows.map { r in
            let old = state.previousCampaigns[r.campaign.id]
            let reachedMark = moved(Double(r.reached), old.map { Double($0.reached) })
            let roiMark = moved(r.roi, old?.roi)
            let revenueMark = moved(r.revenue, old?.revenue)
            let statusRole: StyleRole = r.campaign.status == .active ? .statusOk : r.campaign.status == .paused ? .warning : .dim
            let goal = r.campaign.goals.targetCustomers.flatMap { $0 > 0 ? Double(r.targeted) / Double($0) * 100 : nil }
            guard r.measured else {
                // Performance is still being read: the numbers show as "…" until they arrive.
                return TableRow([TableCell(r.campaign.name), TableCell(r.campaign.type.rawValue), TableCell(r.campaign.status.rawValue, role: statusRole)]
                                + Array(repeating: TableCell("…", role: .dim), count: 9))
            }
            return TableRow([
                TableCell(r.campaign.name), TableCell(r.campaign.type.rawValue), TableCell(r.campaign.status.rawValue, role: statusRole),
                TableCell(Formatting.grouped(r.targeted)), TableCell(Formatting.grouped(r.reached) + reachedMark.0, role: reachedMark.1),
                TableCell(Formatting.percent(r.openRate, places: 0)),
                TableCell(Formatting.percent(r.responseRate, places: 0)), TableCell(Formatting.money(r.revenue) + revenueMark.0, role: revenueMark.1),
                TableCell(Formatting.money(r.cost)),
                TableCell((r.roi.map { String(format: "%.0f%%", $0) } ?? glyphs.missing) + roiMark.0, role: roiMark.1 ?? ((r.roi ?? 0) >= 0 ? .deltaPositive : .deltaNegative)),
                TableCell(r.upliftPoints.map { String(format: "%+.1fpt", $0) } ?? glyphs.missing), TableCell(Formatting.percent(goal, places: 0)),
            ])
        }
        let empty = state.loading ? "Loading…" : "No campaigns yet. Create one with `retention api POST /campaigns --data @campaign.json`."
        Table(columns: columns, rows: tableRows, selected: rows.isEmpty ? nil : state.campaignSelection.index,
                     focused: state.focused == .campaigns, scrollOffset: state.campaignSelection.offset, emptyText: empty).draw(into: &canvas, rect: inner)
    }
}
