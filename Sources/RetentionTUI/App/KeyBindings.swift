/// Everything a key can do.
public enum Action: String, Sendable, CaseIterable {
    case up, down, pageUp, pageDown, halfPageUp, halfPageDown, top, bottom
    case nextPane, previousPane, paneAtRisk, paneRenewals, paneCampaigns, paneDetail, paneManager
    case open, back, filter, sort, reverse, zoom, refresh, pauseRefresh, nextTheme, help, churnModel, quit
    case riskFilter, mine, renewalWindow, winBack
    case activateCampaign, pauseCampaign, cancelCampaign, previewCampaign, newCampaign, editCampaign
    case logContact, addNote, addTag, assignToMe, snooze, paymentMissed, copyContact, recompute, enrol, completeTask
    case unsnooze, unassign, followUps, riskOverride
}

/// The question a binding asks before it acts (lazygit's confirmation on a binding).
public struct ConfirmSpec: Sendable {
    /// The title of the question's box.
    public var title: String
    /// The question on the row it acts on, naming it and saying what follows.
    public var question: @Sendable (DashboardState) -> String
}

/// One row of the key table: the keys, what they do, where they apply, whether they ask first, and why
/// they cannot act now (lazygit's `GetDisabledReason`). The dispatcher, the footer and the help overlay
/// all read this one table, so what help says is what the key does.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var action: Action
    public var summary: String
    /// The panes where the binding applies; empty means everywhere.
    public var panes: Set<PaneID>
    /// Shown in the footer of those panes.
    public var inFooter: Bool
    /// The question asked before acting (nil: acts at once).
    public var confirm: ConfirmSpec?
    /// Whether the key asks first with a question the engine must read (what activating a campaign would
    /// enrol and schedule): the key reads it, then asks; nothing acts until the answer is yes.
    public var asksAfterReading: Bool
    /// Why the key cannot act in this state (nil: it can).
    private var unavailable: (@Sendable (DashboardState) -> String?)?

    init(_ keys: [Key], _ action: Action, _ summary: String, panes: Set<PaneID> = [], footer: Bool = false,
         confirm: ConfirmSpec? = nil, asksAfterReading: Bool = false, disabledReason: (@Sendable (DashboardState) -> String?)? = nil) {
        self.keys = keys
        self.action = action
        self.summary = summary
        self.panes = panes
        self.inFooter = footer
        self.confirm = confirm
        self.asksAfterReading = asksAfterReading
        self.unavailable = disabledReason
    }

    public var keyLabel: String { keys.map(\.label).joined(separator: "/") }

    /// Why the key cannot act in `state` now, or nil when it can.
    public func disabledReason(in state: DashboardState) -> String? {
        if let readOnly = state.keys.readOnlyReason, action.changesBook { return readOnly }
        return unavailable?(state)
    }

    /// The help line's description: what it does, and whether it asks first.
    public var helpSummary: String { summary + (asksFirst ? " (asks first)" : "") }

    /// Whether the key asks before it acts, with a question from the state or read from the engine.
    public var asksFirst: Bool { confirm != nil || asksAfterReading }
}

public enum KeyBindings {
    /// Every binding, in the order help lists them: moving about, each pane's own keys, the keys on a
    /// customer, then the global ones.
    public static let all: [KeyBinding] = navigation + AtRiskPane.bindings + RenewalsPane.bindings + CampaignsPane.bindings + CampaignForm.bindings
        + customer + global

    static let navigation: [KeyBinding] = [
        KeyBinding([.up, .character("k")], .up, "move up"),
        KeyBinding([.down, .character("j")], .down, "move down"),
        KeyBinding([.pageUp], .pageUp, "page up"),
        KeyBinding([.pageDown, .character(" ")], .pageDown, "page down"),
        KeyBinding([.control("u")], .halfPageUp, "half a page up"),
        KeyBinding([.control("d")], .halfPageDown, "half a page down"),
        KeyBinding([.character("g"), .home], .top, "first row"),
        KeyBinding([.character("G"), .end], .bottom, "last row"),
        KeyBinding([.tab, .right, .character("l")], .nextPane, "next pane", footer: true),
        KeyBinding([.backTab, .left, .character("h")], .previousPane, "previous pane"),
        KeyBinding([.character("1")], .paneAtRisk, "at-risk customers"),
        KeyBinding([.character("2")], .paneRenewals, "upcoming renewals"),
        KeyBinding([.character("3")], .paneCampaigns, "campaign performance"),
        KeyBinding([.character("4")], .paneDetail, "customer detail"),
        KeyBinding([.character("5")], .paneManager, "manager view: the book as pictures"),
        KeyBinding([.enter], .open, "open customer or campaign", panes: [.atRisk, .renewals, .campaigns], footer: true),
        KeyBinding([.escape], .back, "back; clears the at-risk filter"),
        KeyBinding([.character("+")], .zoom, "zoom the pane to the full screen / back"),
    ]

    static let global: [KeyBinding] = [
        KeyBinding([.character("r")], .refresh, "refresh now", footer: true),
        KeyBinding([.character("P")], .pauseRefresh, "pause / resume the timer"),
        KeyBinding([.character("t")], .nextTheme, "next theme"),
        KeyBinding([.character("M")], .churnModel, "churn model and its calibration"),
        KeyBinding([.character("?")], .help, "help", footer: true),
        KeyBinding([.character("q"), .interrupt], .quit, "quit", footer: true),

    ]

    /// The binding a key triggers in a pane, if any.
    public static func binding(for key: Key, in pane: PaneID) -> KeyBinding? {
        all.first { $0.keys.contains(key) && ($0.panes.isEmpty || $0.panes.contains(pane)) }
    }

    /// Footer hints for a pane: its own bindings first, then the global ones marked for the footer.
    public static func footer(for pane: PaneID) -> [KeyBinding] {
        // Help first: it is the way to every other key, so it must never be cut off by a narrow footer.
        let global = all.filter { $0.inFooter && $0.panes.isEmpty }
        return global.filter { $0.action == .help } + all.filter { $0.inFooter && $0.panes.contains(pane) } + global.filter { $0.action != .help }
    }
}
