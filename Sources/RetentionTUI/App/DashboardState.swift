import Foundation
import RetentionCore

/// A modal layer over the panes.
public enum Overlay: Sendable, Equatable {
    case help
    case confirm(title: String, message: String, action: PendingAction)
    case prompt(title: String, text: String, action: PendingAction)
    case choice(title: String, options: [String], selected: Int, action: PendingAction)
    case preview(title: String, lines: [String])
    /// A campaign's detail (Enter on a campaign), drawn by `CampaignDetailView`.
    case campaignDetail(title: String, detail: CampaignDetail)
}

/// An action waiting for a confirmation, a line of text or a choice.
public enum PendingAction: Sendable, Equatable {
    /// A key whose binding asks first (`KeyBinding.confirm`), on the campaign or customer it was pressed on.
    case confirmed(Action, subjectID: String)
    case search
    case note(customerID: String)
    case tag(customerID: String)
    case enrol(customerID: String, campaignIDs: [String])
    case snooze(customerID: String)
    case completeTask(customerID: String, taskIDs: [String])
    /// A step of the contact form (`L`), the recorded contact taking shape (Update/UpdateContact.swift).
    case contact(ContactDraft, ContactStep)
    /// The snooze presets (`z`), with the customer's next renewal when there is one.
    case snoozePreset(customerID: String, renewal: Int?)
    /// The missed payment's policy, amount and due date (`$`).
    case payment(customerID: String)
    /// A step of the manual risk level dialog (`o`).
    case override(OverrideDraft, OverrideStep)
    /// An enrolment asked about because a compliance cue applies (D16).
    case enrolDespiteCues(customerID: String, campaignID: String)
}

/// Sort orders of the at-risk pane, each read by the store over the whole queue (`QueueSort`); `S` reverses.
public enum AtRiskSort: String, CaseIterable, Sendable {
    case probability = "probability", health = "health", ltv = "LTV", renewal = "renewal", lastContact = "last contact",
         owner = "owner", name = "name"
}

/// The whole state of the dashboard. `update` changes it; `view` draws it.
public struct DashboardState: Sendable {
    public var focused: PaneID = .atRisk
    public var snapshot: DashboardSnapshot?
    public var previousHeader: HeaderMetrics?
    /// Campaign rows as they were before the last refresh that changed them, by campaign id, to mark what moved.
    public var previousCampaigns: [String: CampaignRow] = [:]
    /// Each list pane's selection and scroll offset.
    public var atRiskSelection = TableState()
    public var renewalSelection = TableState()
    public var campaignSelection = TableState()
    public var detailScroll = 0
    /// The manager view: the book's pictures as last read, whether a read is on its way, the first part shown
    /// on a narrow screen.
    public var pictures: BookPictures?
    public var picturesLoading = false
    public var managerScroll = 0
    public var detailCustomerID: String?
    /// The pane Enter was pressed in, where Esc returns.
    public var detailReturnPane: PaneID = .atRisk
    public var request = SnapshotRequest()
    public var sort: AtRiskSort = .probability
    public var riskFilterIndex = 0
    public var mineOnly = false
    /// The filter line as typed (search words and agent:/type:/tag: tokens).
    public var filterText: String?
    /// Which contact detail `y` copies next (e-mail, phone, policy number).
    public var copyIndex = 0
    public var timerPaused = false
    public var overlay: Overlay?
    /// The first line of help shown, when help is longer than the screen (↑↓ scroll it).
    public var helpOffset = 0
    public var status: (text: String, isError: Bool)? { didSet { keys.statusChanged = true } }
    /// Keys, terminals and the book's file (`KeysState.swift`): the prompt's cursor, the at-risk list
    /// before `/`, how long the status line has shown, actions waiting, read-only, the book's name.
    public var keys = KeysState()
    /// The first line of a preview shown, when it is longer than the screen.
    public var previewOffset = 0
    /// The campaign form (`N`, `E` in the campaigns pane), while it is open: it takes every key.
    public var campaignForm: CampaignForm?
    public var themeName: String
    public var user: String
    /// The machine's time zone (`TZ`): the dashboard's own clock times ("updated 14:32:05 CET") are shown in it.
    public var localZone = TimeZone.current
    public var loading = true
    /// When the last key arrived (seconds, the `now` of `update`): a fresh snapshot waits while the user moves.
    public var lastKeyAt = 0.0
    /// A snapshot held back while the user is moving, so rows do not jump under the cursor.
    public var pending: DashboardSnapshot?
    /// The data version of the last snapshot (an unchanged book is not read again on the timer).
    public var lastVersion: Int?
    /// When the panes were last asked for (seconds), and how often the timer asks.
    public var lastRefreshAt = 0.0
    public var refreshSeconds = 5.0
    /// The terminal's size, from `.resize`: the layout the panes, their scroll offsets and clicks follow.
    public var columns = 0
    public var rows = 0
    public var quit = false
    /// The terminal is too small to show the dashboard: only its message is on screen, so keys other
    /// than quitting do nothing (none may act on a customer the user cannot see).
    public var screenTooSmall = false
    /// The paged lists' waiting jumps and the detail following the cursor (`UpdateLists.swift`).
    public var paging = ListPaging()

    public init(themeName: String, user: String) {
        self.themeName = themeName
        self.user = user
    }

    public static let riskFilters: [(label: String, levels: [ChurnRisk])] = [
        ("medium+", [.medium, .high, .critical]), ("high+", [.high, .critical]), ("critical", [.critical]), ("medium", [.medium]),
    ]
    public static let renewalWindows = [7, 30, 60, 90]

    /// The at-risk rows as shown: a window of the queue, in the order chosen, as the store sorted the whole queue.
    public var atRiskRows: [AtRiskEntry] { snapshot?.atRisk ?? [] }

    public var selectedAtRisk: AtRiskEntry? {
        atRiskRows.first { $0.id == atRiskSelection.selectedID }
    }

    /// Whether the at-risk pane shows the win-back view (former customers): as its rows on screen were read.
    public var showsWinBack: Bool { snapshot?.request?.winBack ?? request.winBack }
    /// The former customers on screen in the win-back view.
    public var winBackRows: [WinBackEntry] { showsWinBack ? snapshot?.winBack ?? [] : [] }
    public var selectedWinBack: WinBackEntry? {
        winBackRows.first { $0.id == atRiskSelection.selectedID }
    }
    /// The customer ids of the at-risk pane's rows as shown, in order (the queue's or the win-back view's).
    public var atRiskPaneIDs: [String] { showsFollowUps ? followUpRows.map(\.id) : showsWinBack ? winBackRows.map(\.id) : atRiskRows.map(\.id) }
    public var selectedRenewal: RenewalEntry? {
        snapshot?.renewals.first { $0.policyId == renewalSelection.selectedID }
    }
    public var selectedCampaign: CampaignRow? {
        snapshot?.campaigns.first { $0.campaign.id == campaignSelection.selectedID }
    }

    /// The customer an action applies to in the focused pane.
    public var actionCustomerID: String? {
        switch focused {
        case .atRisk: showsFollowUps ? selectedFollowUp?.customerId : showsWinBack ? selectedWinBack?.id : selectedAtRisk?.id
        case .renewals: selectedRenewal?.customerId
        case .detail: detailCustomerID
        case .campaigns, .manager: nil
        }
    }

    /// Whether `pane`'s rows were read for the filters now in force. A changed filter is read in the
    /// background; until its rows arrive the old ones stay on screen (no flicker), marked as being read,
    /// and no action applies to them.
    public func rowsAreCurrent(_ pane: PaneID) -> Bool {
        guard let shown = snapshot?.request else { return true }
        return shown.asksSameRows(as: request, in: pane, countingWindow: false)
    }

    /// What `pane`'s title says of its rows: the selected row's position in the whole queue and its size
    /// ("141/28,286"), `reading…` while its rows are from an earlier filter (`positionLabel`).
    public func rowCountLabel(_ pane: PaneID, rows: Int) -> String { positionLabel(pane, rows: rows) }

    /// The name of the customer an action applies to, for its prompt or confirmation.
    public var actionCustomerName: String? {
        switch focused {
        case .atRisk: showsFollowUps ? selectedFollowUp?.customerName : showsWinBack ? selectedWinBack?.name : selectedAtRisk?.name
        case .renewals: selectedRenewal?.customerName
        case .detail: snapshot?.detail?.customer.id == detailCustomerID ? snapshot?.detail?.customer.fullName : nil
        case .campaigns, .manager: nil
        }
    }

    /// Puts fresh book-wide figures in place, remembering the old ones for the ▲▼ marks.
    mutating func applyFigures(_ header: HeaderMetrics, _ campaigns: [CampaignRow]) {
        guard let current = snapshot else { return }
        var updated = current
        updated.header = header
        let measured = Dictionary(campaigns.filter(\.measured).map { ($0.campaign.id, $0) }, uniquingKeysWith: { a, _ in a })
        updated.campaigns = current.campaigns.map { row in
            guard var m = measured[row.campaign.id] else { return row }
            m.campaign = row.campaign
            return m
        }
        apply(updated)
    }

    /// Puts freshly loaded data in place, keeping every selection on the same row. Figures the new
    /// data does not carry yet (a nil header, unmeasured campaign rows) keep their last values until
    /// they arrive; figures that changed are remembered for the ▲▼ marks.
    mutating func apply(_ new: DashboardSnapshot) {
        var new = new
        if let header = new.header {
            if let old = snapshot?.header, old != header { previousHeader = old }
        } else {
            new.header = snapshot?.header
        }
        let shown = Dictionary((snapshot?.campaigns ?? []).filter(\.measured).map { ($0.campaign.id, $0) }, uniquingKeysWith: { a, _ in a })
        if new.campaigns.contains(where: { row in row.measured && shown[row.campaign.id].map { $0 != row } ?? false }) {
            previousCampaigns = shown
        }
        new.campaigns = new.campaigns.map { row in
            guard !row.measured, var old = shown[row.campaign.id] else { return row }
            old.campaign = row.campaign
            return old
        }
        snapshot = new
        loading = false
        for pane in PaneID.allCases {
            let ids = rowIDs(pane)
            self[table: pane]?.reconcile(ids: ids)
        }
        keepSelectionsVisible()
    }

    /// The row ids of a list pane, in the order shown (empty for the detail pane).
    public func rowIDs(_ pane: PaneID) -> [String] { pane.pane.rowIDs(self) }

    /// The table state of a list pane (nil for the detail pane, which scrolls by lines).
    public subscript(table pane: PaneID) -> TableState? {
        get { pane.pane.tableState.map { self[keyPath: $0] } }
        set {
            guard let path = pane.pane.tableState, let newValue else { return }
            self[keyPath: path] = newValue
        }
    }

    /// The layout of the terminal as last resized.
    var layout: DashboardLayout { DashboardLayout(columns: columns, rows: rows, focused: focused, zoomed: paging.zoomed) }

    /// Moves each shown table's window so its selection is visible: the offsets drawn are the offsets
    /// stored, so a click finds the row under the pointer.
    mutating func keepSelectionsVisible() {
        guard columns > 0, rows > 0 else { return }
        for (pane, rect) in layout.panes {
            // Inside the border, under the column titles.
            let count = rowIDs(pane).count
            self[table: pane]?.keepSelectionVisible(visibleRows: rect.height - 3, rowCount: count)
        }
    }
}
