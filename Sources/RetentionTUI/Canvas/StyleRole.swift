/// What a piece of the screen *means*; a theme decides how each meaning looks.
///
/// Panes draw with roles, never with colours, so a theme file (or `NO_COLOR`) restyles everything.
/// Each role's ``key`` is its name in the `[roles]` section of a theme file.
public enum StyleRole: Int, CaseIterable, Sendable, Hashable {
    /// The top bar: product name, database, clock.
    case header
    /// A value inside the header bar (counts, the as-of time).
    case headerValue
    /// A pane's title in its top border.
    case paneTitle
    /// The title of the pane that has the keyboard focus.
    case paneTitleFocused
    /// A pane's border.
    case border
    /// The border of the focused pane.
    case borderFocused
    /// Ordinary text; its background is the screen background.
    case text
    /// Secondary text: hints, units, empty-state messages.
    case dim
    /// Text that must stand out inside ordinary text (a name in a sentence).
    case emphasis
    /// Column titles of a table.
    case tableHeader
    /// The selected row of the focused pane.
    case selection
    /// The selected row of a pane without focus (so the user still sees where it is).
    case selectionUnfocused
    /// Churn risk level low (probability below 0.30).
    case riskLow
    /// Churn risk level medium (0.30 to below 0.50).
    case riskMedium
    /// Churn risk level high (0.50 to below 0.70).
    case riskHigh
    /// Churn risk level critical (0.70 and above).
    case riskCritical
    /// A change that is good news (retention up, churn down).
    case deltaPositive
    /// A change that is bad news (retention down, churn up).
    case deltaNegative
    /// No change, or a change too small to matter.
    case deltaNeutral
    /// The filled part of a bar.
    case bar
    /// The empty part (track) of a bar.
    case barEmpty
    /// A sparkline.
    case sparkline
    /// Status line: the last operation succeeded.
    case statusOk
    /// Status line: something is running in the background.
    case statusBusy
    /// Status line: the last operation failed.
    case statusError
    /// A warning that is not an error (stale data, terminal too small).
    case warning
    /// A key in the footer hints ("q", "?").
    case footerKey
    /// The description next to a footer key.
    case footerText
    /// A key that does nothing right now (shown, but dimmed).
    case footerDisabled
    /// The body of an overlay (help, confirmation, filter prompt).
    case overlay
    /// The title of an overlay.
    case overlayTitle
    /// The border of an overlay.
    case overlayBorder
    /// A text input field (the `/` filter).
    case input
    /// The cursor position inside an input field.
    case inputCursor

    /// The role's name in a theme file: the case name in kebab case (`paneTitleFocused` is
    /// `pane-title-focused`).
    public var key: String { Self.keys[rawValue] }

    /// The role named `key` in a theme file, or nil when no role has that name.
    public init?(key: String) {
        guard let index = Self.keys.firstIndex(of: key) else { return nil }
        self.init(rawValue: index)
    }

    /// Keys in case order; `keys[role.rawValue] == role.key` (checked by a test).
    private static let keys: [String] = [
        "header", "header-value", "pane-title", "pane-title-focused", "border", "border-focused",
        "text", "dim", "emphasis", "table-header", "selection", "selection-unfocused",
        "risk-low", "risk-medium", "risk-high", "risk-critical",
        "delta-positive", "delta-negative", "delta-neutral",
        "bar", "bar-empty", "sparkline",
        "status-ok", "status-busy", "status-error", "warning",
        "footer-key", "footer-text", "footer-disabled",
        "overlay", "overlay-title", "overlay-border", "input", "input-cursor",
    ]

    /// Attributes that carry the role's meaning when there is no colour at all (monochrome terminal,
    /// `NO_COLOR`). They are added to whatever attributes the theme gives the role, so a theme
    /// written for colour still shows selection, focus and urgency in black and white.
    public var monochromeAttributes: TextAttributes {
        switch self {
        case .header: [.reverse]
        case .headerValue: [.reverse, .bold]
        case .paneTitle: [.bold]
        case .paneTitleFocused: [.reverse, .bold]
        case .border: []
        case .borderFocused: [.bold]
        case .text: []
        case .dim: [.dim]
        case .emphasis: [.bold]
        case .tableHeader: [.bold, .underline]
        case .selection: [.reverse]
        case .selectionUnfocused: [.underline]
        case .riskLow: []
        case .riskMedium: []
        case .riskHigh: [.bold]
        case .riskCritical: [.bold, .underline]
        case .deltaPositive: []
        case .deltaNegative: [.bold]
        case .deltaNeutral: [.dim]
        case .bar: []
        case .barEmpty: [.dim]
        case .sparkline: []
        case .statusOk: []
        case .statusBusy: [.bold]
        case .statusError: [.reverse, .bold]
        case .warning: [.bold]
        case .footerKey: [.reverse]
        case .footerText: []
        case .footerDisabled: [.dim]
        case .overlay: []
        case .overlayTitle: [.bold]
        case .overlayBorder: [.bold]
        case .input: [.underline]
        case .inputCursor: [.reverse]
        }
    }
}
