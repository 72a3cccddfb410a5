/// One pane of the dashboard: its own keys (in the key table), where its selection and scroll offset
/// live (its `TableState`), the rows it lists (by stable id, in the order shown, so a selection survives
/// a refresh and a click finds its row), and a pure draw of the state into its rectangle with the shared
/// widgets (`Table`, `Bar`, `Sparkline`) and the canvas's glyphs: no terminal, and the ASCII fallback.
protocol Pane {
    static var id: PaneID { get }
    /// The keys only this pane has (the customer keys are shared: `KeyBindings.customer`).
    static var bindings: [KeyBinding] { get }
    /// Where the state keeps this pane's selection and scroll offset (nil: not a list).
    static var tableState: WritableKeyPath<DashboardState, TableState>? { get }
    /// The ids of the rows listed, in order (none for a pane that is not a list).
    static func rowIDs(_ state: DashboardState) -> [String]
    static func draw(_ state: DashboardState, into canvas: inout Canvas, rect: Rect, now: Int)
}

extension PaneID {
    /// The pane drawn for this id.
    var pane: any Pane.Type {
        switch self {
        case .atRisk: AtRiskPane.self
        case .renewals: RenewalsPane.self
        case .campaigns: CampaignsPane.self
        case .detail: DetailPane.self
        case .manager: ManagerPane.self
        }
    }
}
