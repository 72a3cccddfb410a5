import RetentionCore

/// Campaign performance: reach, engagement, revenue, cost, ROI, uplift against control, goal progress.
enum CampaignsPane: Pane {
    static let id = PaneID.campaigns

    /// The keys of this pane, in the key table (`KeyBindings.all`).
    static let bindings: [KeyBinding] = [
        KeyBinding([.character("a")], .activateCampaign, "activate / resume campaign", panes: [.campaigns], footer: true,
                   asksAfterReading: true, disabledReason: { $0.campaignUnavailable(to: .active) }),
        KeyBinding([.character("p")], .pauseCampaign, "pause campaign", panes: [.campaigns], footer: true,
                   confirm: ConfirmSpec(title: "Pause campaign") { s in
                       let row = s.selectedCampaign
                       let pending = row?.pending ?? 0
                       return "Pause \"\(row?.campaign.name ?? "")\"? \(NumberText.grouped(pending)) pending touchpoint\(pending == 1 ? " is" : "s are") held until you resume (a resume moves them on by the time spent paused)."
                   },
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

    /// The columns, left to right: those a manager reads first come first, so a 120-column terminal (a pane
    /// about 58 wide) shows Sent, Reached, Responded, Retained (treated v control), Uplift and ROI; wider
    /// ones add Status, Revenue, Cost, Targeted, Type and Goal (`Table` shows columns while they fit).
    static let columns = [
        TableColumn("Campaign", minWidth: 10, maxWidth: 30, flex: 3), TableColumn("Sent", minWidth: 6, maxWidth: 7, alignment: .right),
        TableColumn("Reached", minWidth: 7, maxWidth: 7, alignment: .right), TableColumn("Resp", minWidth: 5, maxWidth: 6, alignment: .right),
        TableColumn("Retained", minWidth: 8, maxWidth: 9, alignment: .right), TableColumn("Uplift", minWidth: 6, maxWidth: 7, alignment: .right),
        TableColumn("ROI", minWidth: 8, maxWidth: 9, alignment: .right), TableColumn("Status", minWidth: 9, maxWidth: 9),
        TableColumn("Revenue", minWidth: 8, maxWidth: 10, alignment: .right), TableColumn("Cost", minWidth: 7, maxWidth: 9, alignment: .right),
        TableColumn("Targeted", minWidth: 8, maxWidth: 8, alignment: .right), TableColumn("Type", minWidth: 8, maxWidth: 16),
        TableColumn("Goal", minWidth: 5, maxWidth: 6, alignment: .right),
    ]

    /// The cells of a measured row, in `columns` order (without the change marks), as `CampaignNumberFormat`
    /// writes them. Retained reads "97/94" (treated/control, whole percent); while too early to judge,
    /// Retained, Uplift and ROI read "early" (the detail says how many are measured).
    static func cells(_ r: CampaignRow) -> [String] {
        typealias F = CampaignNumberFormat
        let goal = r.campaign.goals.targetCustomers.flatMap { $0 > 0 ? Double(r.targeted) / Double($0) * 100 : nil }
        let early = r.tooEarly != nil
        func whole(_ v: Double?) -> String { v.map { String(format: "%.0f", $0) } ?? "—" }
        return [
            r.campaign.name, F.count(r.sent), F.count(r.reached), F.count(r.responded),
            early ? (r.targeted + r.sent == 0 ? "—" : "early") : r.treatedRate == nil ? "—" : "\(whole(r.treatedRate))/\(whole(r.controlRate))",
            early ? (r.targeted + r.sent == 0 ? "—" : "early") : r.upliftPoints.map { F.signed($0) } ?? "—",
            early ? (r.targeted + r.sent == 0 ? "—" : "early") : F.roiShort(r.roi),
            r.campaign.status.rawValue, F.money(r.revenue), F.money(r.cost), F.count(r.targeted), r.campaign.type.rawValue,
            F.percent(goal, places: 0),
        ]
    }

    static func draw(_ state: DashboardState, into canvas: inout Canvas, rect: Rect, now: Int) {
        let rows = state.snapshot?.campaigns ?? []
        let inner = canvas.box(title: "3 Campaigns (\(rows.count))", rect: rect, focused: state.focused == .campaigns)
        // A number that moved since the previous refresh carries ▲ or ▼ until the next change.
        let glyphs = canvas.glyphs
        func moved(_ now: Double?, _ before: Double?, higherIsBetter: Bool = true) -> (String, StyleRole?) {
            guard let now, let before, abs(now - before) > 1e-9 else { return ("", nil) }
            return (now > before ? glyphs.rise : glyphs.fall, (now > before) == higherIsBetter ? .deltaPositive : .deltaNegative)
        }
        let tableRows = rows.map { r in
            let old = state.previousCampaigns[r.campaign.id]
            let statusRole: StyleRole = r.campaign.status == .active ? .statusOk : r.campaign.status == .paused ? .warning : .dim
            guard r.measured else {
                // Performance is still being read: the numbers show as "…" until they arrive.
                var cells = [TableCell(r.campaign.name)] + Array(repeating: TableCell("…", role: .dim), count: columns.count - 1)
                cells[7] = TableCell(r.campaign.status.rawValue, role: statusRole)
                cells[11] = TableCell(r.campaign.type.rawValue)
                return TableRow(cells)
            }
            let text = cells(r)
            let reachedMark = moved(Double(r.reached), old.map { Double($0.reached) })
            let roiMark = r.tooEarly == nil ? moved(r.roi, old?.roi) : ("", nil)
            let revenueMark = moved(r.revenue, old?.revenue)
            let early = r.tooEarly != nil
            return TableRow([
                TableCell(text[0]), TableCell(text[1]), TableCell(text[2] + reachedMark.0, role: reachedMark.1), TableCell(text[3]),
                TableCell(text[4], role: early ? .dim : nil), TableCell(text[5], role: early ? .dim : nil),
                TableCell(text[6] + roiMark.0, role: early ? .dim : roiMark.1 ?? ((r.roi ?? 0) >= 0 ? .deltaPositive : .deltaNegative)),
                TableCell(text[7], role: statusRole), TableCell(text[8] + revenueMark.0, role: revenueMark.1),
                TableCell(text[9]), TableCell(text[10]), TableCell(text[11]), TableCell(text[12]),
            ])
        }
        let empty = state.loading ? "Loading…" : "No campaigns yet. Create one with `retention campaign create --file campaign.json`."
        Table(columns: columns, rows: tableRows, selected: rows.isEmpty ? nil : state.campaignSelection.index,
                     focused: state.focused == .campaigns, scrollOffset: state.campaignSelection.offset, emptyText: empty).draw(into: &canvas, rect: inner)
    }
}
