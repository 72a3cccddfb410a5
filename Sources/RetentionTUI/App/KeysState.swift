import Foundation
import RetentionCore

/// Where `y`'s clipboard sequence (OSC 52) goes, which decides what the status line can promise.
public enum ClipboardRoute: Sendable, Equatable {
    /// Straight to the terminal. No terminal answers an OSC 52 write, so the copy cannot be confirmed.
    case terminal
    /// Through tmux, which passes it on only when its `set-clipboard` option allows it (not by default).
    case tmux
    /// Through GNU screen, which does not pass it on.
    case screen

    /// The route in this environment: `$TMUX` names tmux, `$STY` (or a `screen` TERM outside tmux) screen.
    public static func detect(_ env: [String: String]) -> ClipboardRoute {
        if let tmux = env["TMUX"], !tmux.isEmpty { return .tmux }
        if let sty = env["STY"], !sty.isEmpty { return .screen }
        if env["TERM"]?.hasPrefix("screen") == true { return .screen }
        return .terminal
    }
}

/// What the at-risk list was when `/` opened the filter prompt, all Esc must put back: the filter line in
/// force, the selected customer and the list's scroll (`TableState`), and the window of the queue its rows were
/// read with (`ListRequest.atRiskWindow`, `atRiskAnchor`), so the rows read again are the same rows.
public struct FilterPromptOrigin: Sendable, Equatable {
    public var filterText: String?
    public var selection: TableState
    public var window: QueueWindow
    public var anchor: Int
    /// The selected customer's agent, the example `agent:`'s hint gives.
    public var agentExample: FilterLine.AgentExample?
    /// The list was read for another line while the prompt was open (the list follows the typing): its rows,
    /// selection and scroll are another filter's, and Esc reads the original ones again.
    public var readSince = false
}

/// The part of the dashboard's state about keys, terminals and the book's file: the prompt's cursor, the
/// at-risk list Esc puts back, how long the status line has shown its message, actions waiting for the book,
/// and whether the book is read-only. Kept together, apart from the panes' state.
public struct KeysState: Sendable, Equatable {
    /// The cursor in the open prompt, in characters from the start; nil: at the end of its text.
    public var promptCursor: Int?
    /// The at-risk list as it was when `/` opened the filter prompt (its filter, selection and scroll): Esc
    /// puts it back. Nil while no filter prompt is open.
    public var filterPrompt: FilterPromptOrigin?
    /// Set whenever `status` is assigned during one `update`.
    public var statusChanged = false
    /// When the status line's message was put there (the `now` of `update`).
    public var statusShownAt = 0.0
    /// Actions sent to the book whose answer has not come back yet.
    public var actionsWaiting = 0
    /// When the last of them was sent.
    public var actionSentAt = 0.0
    /// The footer shows "working…": an action has waited `KeysState.workingAfter` seconds (on another
    /// program's write lock, or a slow read).
    public var working = false
    /// Why nothing can be changed in this book (its file or folder is read-only); nil when it can.
    public var readOnlyReason: String?
    /// The book's file name, shown in the header.
    public var bookName: String?
    /// Where `y`'s clipboard sequence goes.
    public var clipboardRoute: ClipboardRoute = .terminal
    /// Keys typed while a list the user changed was being read, waiting for its rows (`DashboardState.keyWaits`).
    public var typedAhead: [Key] = []
    /// The pane focused when the first of them was typed.
    public var typedAheadPane: PaneID?
    /// When the first of them was typed.
    public var typedAheadSince: Double?

    public init() {}

    /// A message stays on the status line at least this long: keys pressed sooner leave it there (a result
    /// that arrives while the user moves is read, not wiped by the next key). After that the next key
    /// clears it; a new message replaces it at any time.
    public static let statusSeconds = 5.0
    /// An action still waiting after this long shows "working…" in the footer.
    public static let workingAfter = 0.3
}

extension Effect {
    /// Whether the effect is work the background worker does for the user and answers (an action on the
    /// book, or a read for an overlay): while it waits, the footer may say "working…". Refreshes, the
    /// clipboard, the theme and the preferences are not.
    var waitsForAnswer: Bool {
        switch self {
        case .refresh, .reloadPanes, .copy, .nextTheme, .savePreferences, .quit: false
        default: true
        }
    }
}

extension Effect {
    /// The customer a write acts on (a snooze, a contact, a risk level, an enrolment …): the detail shows them
    /// while it is done, so the result and `Z` are about the customer acted on. Nil for reads and other effects.
    var customerActedOn: String? {
        switch self {
        case .assignToMe(let id), .snooze(let id, _), .snoozeToDate(let id, _), .logContact(let id, _), .unsnooze(let id),
             .unassign(let id), .recordPayment(let id, _, _, _), .setOverride(let id, _), .clearOverride(let id),
             .note(let id, _), .tag(let id, _), .recompute(let id), .enrol(let id, _), .checkEnrol(let id, _):
            id
        default: nil
        }
    }
}

extension Action {
    /// Whether the action writes to the book (so a read-only book refuses it). An exhaustive switch, not a list:
    /// a new action does not compile until it says whether it writes.
    var changesBook: Bool {
        switch self {
        case .activateCampaign, .pauseCampaign, .cancelCampaign, .newCampaign, .editCampaign,
             .logContact, .addNote, .addTag, .assignToMe, .snooze, .paymentMissed, .recompute, .enrol, .completeTask,
             .unsnooze, .unassign, .riskOverride:
            true
        case .up, .down, .pageUp, .pageDown, .halfPageUp, .halfPageDown, .top, .bottom,
             .nextPane, .previousPane, .paneAtRisk, .paneRenewals, .paneCampaigns, .paneDetail, .paneManager,
             .open, .back, .filter, .sort, .reverse, .zoom, .refresh, .pauseRefresh, .nextTheme, .help, .churnModel, .quit,
             .riskFilter, .mine, .renewalWindow, .winBack, .previewCampaign, .copyContact, .followUps:
            false
        }
    }
}

extension DashboardState {
    /// Before a key acts: the status line's message is cleared once it has shown `statusSeconds`.
    mutating func expireStatus(now: Date) {
        if status != nil, now.timeIntervalSince1970 - keys.statusShownAt >= KeysState.statusSeconds { status = nil }
    }

    /// After every `update`: a message put on the status line is stamped with `now`, actions sent are
    /// counted, and answers that came back are taken off.
    mutating func trackStatusAndActions(_ message: Message, effects: [Effect], now: Date) {
        let t = now.timeIntervalSince1970
        if keys.statusChanged { keys.statusShownAt = t }
        switch message {
        case .result(.done), .result(.failed):
            keys.actionsWaiting = max(0, keys.actionsWaiting - 1)
        case .tick(let busy):
            if !busy { keys.actionsWaiting = 0 }
            keys.working = busy && keys.actionsWaiting > 0 && t - keys.actionSentAt >= KeysState.workingAfter
        default: break
        }
        let sent = effects.filter(\.waitsForAnswer).count
        if sent > 0 {
            keys.actionsWaiting += sent
            keys.actionSentAt = t
        }
        if keys.actionsWaiting == 0 { keys.working = false }
    }

    /// The rows a page moves in the focused pane: as many as it shows.
    var pageRows: Int {
        guard columns > 0, rows > 0, let rect = layout.rect(of: focused) else { return 15 }
        return max(1, rect.height - 3)
    }

    /// Esc with no overlay: from the detail back to its list; in the at-risk list, clears an applied filter.
    mutating func escape() -> [Effect] {
        if focused == .detail {
            focused = detailReturnPane
            return []
        }
        guard focused == .atRisk, let old = filterText else { return [] }
        applyFilter("")
        status = ("Filter \"\(old)\" cleared; / filters again.", false)
        return [.reloadPanes]
    }

    /// Esc or Ctrl-C in a prompt: nothing is done. The filter prompt puts back the at-risk list as it was when
    /// `/` opened it: the filter, and, when the list followed the typing, its rows, selected customer and scroll.
    mutating func cancelPrompt(_ action: PendingAction) -> [Effect] {
        overlay = nil
        keys.promptCursor = nil
        guard action == .search else {
            status = ("Cancelled; nothing changed.", false)
            return []
        }
        let origin = keys.filterPrompt
        keys.filterPrompt = nil
        let old = origin?.filterText ?? ""
        let changed = (filterText ?? "") != old
        applyFilter(old)
        status = (old.isEmpty ? "Filter cancelled." : "Filter cancelled; still filtering by \(DisplayText.clean(old)).", false)
        guard let origin else { return changed ? [.reloadPanes] : [] }
        // Nothing was read while the prompt was open: the list is still as it was (its selection and scroll too).
        guard origin.readSince else { return [] }
        return restoreList(origin)
    }

    /// What `y` says after sending `value`: a copy by OSC 52 is never confirmed by the terminal, so the
    /// sentence says where it went and what it depends on; "y again" only when there is a next detail.
    func copiedSentence(what: String, value: String, more: Bool) -> String {
        let next = more ? " (y again for the next detail)" : ""
        switch keys.clipboardRoute {
        case .terminal:
            return "Sent the \(what) \(value) to the clipboard; it arrives if the terminal accepts OSC 52 copies\(next)."
        case .tmux:
            return "Sent the \(what) \(value) through tmux: it reaches the clipboard only if tmux's set-clipboard is on\(next)."
        case .screen:
            return "Sent the \(what) \(value), but screen does not pass clipboard copies on: select it with the mouse\(next)."
        }
    }
}
