import Foundation
import RetentionCore

/// What the at-risk and renewal lists remember between messages beyond their `TableState`s.
public struct ListPaging: Sendable, Equatable {
    /// A list waiting to move its selection to its first (false) or last (true) row once the rows asked
    /// for arrive (`g`, `G`, a new sort or filter).
    public var jump: [PaneID: Bool] = [:]
    /// The pane whose read window this message set itself (a sort, `g`/`G`, a read at the window's edge):
    /// the refresh that follows keeps it instead of re-anchoring on the selection.
    var windowSet: Set<PaneID> = []
    /// When the detail follows the cursor: the selection moved in a list, and the detail is read once it
    /// has rested this long (`followDelay`), so holding `j` does not queue a read per row.
    public var detailFollowAt: Double?
    /// The customer selected when the at-risk list's filter changed (`F`, `m`): when the new rows land, that
    /// customer's row is selected again if it is among them (else the first row).
    public var keepCustomer: String?
    /// Esc in the filter prompt after the list followed the typing: the selection (and scroll) before `/`,
    /// put back when the rows read for the filter put back land (`restoreList`).
    public var restoreSelection: TableState?
    /// A contact was just logged: the snapshot its refresh brings says why the customer left after what the
    /// contact said (`sayAfterTheAction`); that one snapshot only.
    public var contactJustLogged = false
    /// The lists a key re-asked for (a filter, sort, order or view: `f`, `s`, `S`, `m`, `/`, `b`, `F`, `g`, `G`):
    /// once the rows as asked are on screen, the detail follows that list's selection (`followReaskedList`).
    /// Other re-reads (the timer, an action's refresh) leave the detail on its customer, so `Z` undoes a snooze.
    public var reasked: Set<PaneID> = []
    /// The customer this dashboard last snoozed, while the detail shows them: `Z` in the at-risk list wakes them
    /// once they have left it (`DashboardState.snoozedCustomerInDetail`).
    public var lastSnoozed: String?
    /// The status line a jump's "Reading the … rows" notice stood in for: put back when the jump lands, so
    /// "Sorted by …" or "… left the list" is not lost to the notice.
    public var statusBeforeJump: String?
    public var statusBeforeJumpIsError = false
    public static let followDelay = 0.15
    /// The focused pane fills the screen (`+`), the detail's whole record in view.
    public var zoomed = false
    /// Rows read around the selection when the list pages (half before, half after).
    public static let windowRows = 300
    /// A read of the next rows starts when the selection comes this near the end of the rows read.
    public static let edgeMargin = 20
}

extension AtRiskSort {
    /// The store's order for this sort.
    var queueSort: QueueSort {
        switch self {
        case .probability: .probability
        case .health: .health
        case .ltv: .ltv
        case .renewal: .renewal
        case .lastContact: .lastContact
        case .owner: .owner
        case .name: .name
        }
    }
}

extension DashboardState {
    /// The at-risk pane shows the queue (not the win-back view) or the renewals: a list paged by key.
    func isPagedList(_ pane: PaneID) -> Bool { pane == .renewals || (pane == .atRisk && !showsWinBack) }

    /// Where the rows on screen stand in their whole queue.
    func listInfo(_ pane: PaneID) -> ListWindowInfo? {
        switch pane {
        case .atRisk: showsWinBack ? nil : snapshot?.lists.atRisk
        case .renewals: snapshot?.lists.renewals
        default: nil
        }
    }

    /// The title's count: the selected row's position and the queue's true size ("141/28,286"), the size
    /// alone when the list is empty, "reading…" while the rows are from an earlier filter or order.
    public func positionLabel(_ pane: PaneID, rows: Int) -> String {
        guard rowsAreCurrent(pane) else { return "reading…" }
        guard let info = listInfo(pane), let total = info.total else {
            return "\(rows)\(rows >= request.rowLimit ? "+" : "")"
        }
        guard rows > 0, let table = self[table: pane] else { return NumberText.grouped(total) }
        let position = (info.start ?? 0) + table.index + 1
        return "\(NumberText.grouped(position))/\(NumberText.grouped(max(total, position)))"
    }

    /// The order's words for the title: "by LTV" and an arrow for the direction read.
    var orderLabel: String {
        let order = request.lists.atRiskOrder
        return "by \(sort.rawValue)\(order.reversed ? " (reversed)" : "")"
    }

    /// `s`: the next sort, read by the store over the whole queue, from its first row.
    mutating func nextSort() -> [Effect] {
        let all = AtRiskSort.allCases
        sort = all[(all.firstIndex(of: sort)! + 1) % all.count]
        request.lists.atRiskOrder = QueueOrder(sort.queueSort)
        status = ("Sorted by \(sort.rawValue), the whole queue.", false)
        return readFromTop(.atRisk)
    }

    /// `+`: the focused pane to the full screen and back.
    mutating func toggleZoom() -> [Effect] {
        paging.zoomed.toggle()
        status = (paging.zoomed ? "\(focused.title) zoomed to the full screen: + again for every pane." : "Every pane.", false)
        return []
    }

    /// `S`: the focused list the other way round.
    mutating func reverseOrder() -> [Effect] {
        switch focused {
        case .renewals:
            request.lists.renewalsReversed.toggle()
            status = (request.lists.renewalsReversed ? "Renewals, latest first." : "Renewals, earliest first.", false)
            return readFromTop(.renewals)
        case .atRisk where !showsWinBack:
            request.lists.atRiskOrder.reversed.toggle()
            status = ("Sorted by \(sort.rawValue), \(request.lists.atRiskOrder.reversed ? "reversed" : "in its usual direction").", false)
            return readFromTop(.atRisk)
        default:
            status = ("S reverses the at-risk or renewals list.", true)
            return []
        }
    }

    /// Reads `pane` from its first row, and selects that row when it arrives.
    mutating func readFromTop(_ pane: PaneID) -> [Effect] {
        setWindow(pane, .top, anchor: 0)
        paging.jump[pane] = false
        return [.reloadPanes]
    }

    /// Esc in the filter prompt after the list followed the typing: the original filter's rows are read again
    /// through the window they were read with, so they are the same rows, and when they land the customer
    /// selected before `/` is selected again on the same screen line (`applySnapshot`). A jump to the first row
    /// the typing's reads asked for is dropped.
    mutating func restoreList(_ origin: FilterPromptOrigin) -> [Effect] {
        setWindow(.atRisk, origin.window, anchor: origin.anchor)
        paging.jump[.atRisk] = nil
        paging.statusBeforeJump = nil
        paging.restoreSelection = origin.selection
        return [.reloadPanes]
    }

    /// The at-risk pane shows the follow-up view, the win-back list or (both false) the queue, from its first
    /// row, read `SnapshotRequest.rowsPerRead` rows at first.
    mutating func showAtRiskView(followUps: Bool, winBack: Bool) {
        request.followUps = followUps
        request.winBack = winBack
        atRiskSelection = TableState()
        request.rowLimit = SnapshotRequest.rowsPerRead
    }

    /// What the status line says while a jump's rows are read.
    static func jumpNotice(toEnd: Bool) -> String { toEnd ? "Reading the last rows…" : "Reading the first rows…" }
    /// Whether the status line shows a jump's notice (`jumpNotice`).
    var showsJumpNotice: Bool { status.map { $0.text == Self.jumpNotice(toEnd: true) || $0.text == Self.jumpNotice(toEnd: false) } ?? false }

    private mutating func setWindow(_ pane: PaneID, _ window: QueueWindow, anchor: Int) {
        if pane == .atRisk { (request.lists.atRiskWindow, request.lists.atRiskAnchor) = (window, anchor) }
        else { (request.lists.renewalWindow, request.lists.renewalAnchor) = (window, anchor) }
        paging.windowSet.insert(pane)
    }

    /// The window asked for `pane` and the one its rows on screen were read with.
    private func windows(_ pane: PaneID) -> (asked: QueueWindow, shown: QueueWindow?) {
        let shown = snapshot?.request?.lists
        return pane == .atRisk ? (request.lists.atRiskWindow, shown?.atRiskWindow) : (request.lists.renewalWindow, shown?.renewalWindow)
    }

    /// `g` / `G` in a paged list: the first or last row of the whole queue, read when it is not on screen.
    mutating func jumpInList(toEnd: Bool) -> [Effect] {
        guard let info = listInfo(focused), let path = focused.pane.tableState else { return [] }
        let ids = rowIDs(focused)
        if toEnd ? info.reachesBottom : info.reachesTop {
            self[keyPath: path].select(toEnd ? ids.count - 1 : 0, ids: ids)
            return []
        }
        setWindow(focused, toEnd ? .bottom : .top, anchor: 0)
        paging.jump[focused] = toEnd
        if !showsJumpNotice {
            paging.statusBeforeJump = status?.text
            paging.statusBeforeJumpIsError = status?.isError ?? false
        }
        status = (Self.jumpNotice(toEnd: toEnd), false)
        return [.reloadPanes]
    }

    /// After a move in a paged list: when the selection nears the end of the rows read and the queue goes
    /// on, the rows around the selection are read (keyset paging: the same cost at any depth).
    mutating func readAtTheEdge() -> [Effect] {
        guard isPagedList(focused), let info = listInfo(focused), let table = self[table: focused] else { return [] }
        let count = rowIDs(focused).count
        guard count > 0, info.keys.count == count else { return [] }
        let nearBottom = !info.reachesBottom && table.index >= count - 1 - ListPaging.edgeMargin
        let nearTop = !info.reachesTop && table.index <= ListPaging.edgeMargin
        guard nearBottom || nearTop else { return [] }
        let w = windows(focused)
        guard w.shown == nil || w.asked == w.shown else { return [] } // a read is on its way
        let half = ListPaging.windowRows / 2
        setWindow(focused, .around(info.keys[table.index], before: half, after: half), anchor: (info.start ?? 0) + table.index)
        return [.reloadPanes]
    }

    /// Before any read of the panes this message asks for: a list whose filter changed reads from its
    /// first row; otherwise (a refresh) each list re-reads the rows around its selection, so the selected
    /// row stays on screen; the read is marked as the timer's (`fromTimer`) or the user's.
    mutating func prepareListReads(fromTimer: Bool) {
        defer { paging.windowSet = [] }
        // While Esc's selection waits for its rows, the at-risk list keeps the window it asked (the rows on
        // screen are the typing's, whose keys would place it elsewhere).
        if paging.restoreSelection != nil { paging.windowSet.insert(.atRisk) }
        let shown = snapshot?.request
        if let shown, shown.atRisk != request.atRisk || shown.winBack != request.winBack, !paging.windowSet.contains(.atRisk) {
            _ = readFromTop(.atRisk)
        }
        if let shown, shown.renewalDays != request.renewalDays, !paging.windowSet.contains(.renewals) {
            _ = readFromTop(.renewals)
        }
        request.lists.watchedCustomerID = nil
        // In the follow-up view the selected follow-up is watched: if the read no longer lists it, it says why.
        request.lists.watchedFollowUpID = showsFollowUps && request.followUps ? atRiskSelection.selectedID : nil
        for pane in [PaneID.atRisk, .renewals] where !paging.windowSet.contains(pane) && paging.jump[pane] == nil && isPagedList(pane) {
            guard let info = listInfo(pane), let table = self[table: pane], table.index < info.keys.count,
                  rowIDs(pane).count == info.keys.count else { continue }
            let start = info.start ?? 0
            if start == 0 && table.index < ListPaging.windowRows / 2 {
                setWindow(pane, .top, anchor: 0)
            } else {
                let before = min(table.index, ListPaging.windowRows / 2)
                setWindow(pane, .around(info.keys[table.index], before: before, after: ListPaging.windowRows - before), anchor: start + table.index)
            }
            // The rows around the selection are read again: if the selected customer is not among them, the read says why.
            if pane == .atRisk { request.lists.watchedCustomerID = table.selectedID }
        }
        // The customer Esc selects again: if the read no longer lists them, it says why.
        if let waiting = paging.restoreSelection { request.lists.watchedCustomerID = waiting.selectedID }
        request.lists.fromTimer = fromTimer
    }

    /// Puts a snapshot in place (`apply`), then keeps each paged list's selected row on the same screen
    /// line although its window moved, makes a waiting `g`/`G` land, and says who left the at-risk list.
    mutating func applySnapshot(_ new: DashboardSnapshot) {
        // Esc in the filter prompt: these are the rows read for the filter put back, so the selection is the one
        // before `/` again (found by id in `apply`; its screen line, so the scroll, kept below). Rows the typing
        // asked for that land first are shown as any others, and the selection still waits.
        if let saved = paging.restoreSelection, let asked = new.request, asked.asksSameRows(as: request, in: .atRisk) {
            paging.restoreSelection = nil
            atRiskSelection = saved
        }
        let before = [PaneID.atRisk, .renewals].map { (pane: $0, table: self[table: $0]) }
        let watched = showsWinBack ? nil : atRiskSelection.selectedID
        let watchedName = selectedAtRisk?.name
        let watchedFollowUp = showsFollowUps ? selectedFollowUp : nil
        apply(new)
        for (pane, old) in before {
            guard let old, var table = self[table: pane] else { continue }
            let ids = rowIDs(pane)
            // The jump lands with the rows read for the list as asked now (an older read may arrive first).
            let arrived = new.request.map { pane == .atRisk
                ? $0.lists.atRiskWindow == request.lists.atRiskWindow && $0.lists.atRiskOrder == request.lists.atRiskOrder && $0.atRisk == request.atRisk
                : $0.lists.renewalWindow == request.lists.renewalWindow && $0.lists.renewalsReversed == request.lists.renewalsReversed
                    && $0.renewalDays == request.renewalDays } ?? true
            if let toEnd = paging.jump[pane], arrived {
                table.select(toEnd ? ids.count - 1 : 0, ids: ids)
                paging.jump[pane] = nil
                // The jump has landed: its "Reading the … rows" notice is done, and what it stood in for is back.
                if showsJumpNotice {
                    status = paging.statusBeforeJump.map { ($0, paging.statusBeforeJumpIsError) }
                }
                paging.statusBeforeJump = nil
            } else if let id = old.selectedID, id == table.selectedID {
                table.offset = max(0, table.index - (old.index - old.offset))
            }
            self[table: pane] = table
        }
        if let keep = paging.keepCustomer, let asked = new.request, asked.followUps == request.followUps, asked.atRisk == request.atRisk,
           asked.winBack == request.winBack {
            paging.keepCustomer = nil
            let customers = showsFollowUps ? followUpRows.map(\.customerId) : atRiskPaneIDs
            if let i = customers.firstIndex(of: keep) { atRiskSelection.select(i, ids: atRiskPaneIDs) }
        }
        // A follow-up that left the F view: the selection is on its neighbour (`reconcile`), and the status says whose and why.
        if let gone = watchedFollowUp, showsFollowUps, !atRiskPaneIDs.contains(gone.id), let d = new.followUpDeparture, d.taskID == gone.id {
            sayAfterTheAction("\(DisplayText.clean(d.customerName))'s follow-up left the list: \(d.reason).")
        } else if let watched, !showsFollowUps, !atRiskPaneIDs.contains(watched), let d = new.lists.departure, d.id == watched {
            let name = DisplayText.clean(d.name.isEmpty ? watchedName ?? "The customer" : d.name)
            sayAfterTheAction(d.reason.hasPrefix("moved") ? "\(name) \(d.reason); the selection moved to the next row."
                                                          : "\(name) left the list: \(d.reason).")
        }
        // Only the snapshot of the refresh that followed the contact (the first one applied after it).
        paging.contactJustLogged = false
        keepSelectionsVisible()
    }

    /// Says why the selection moved, after what the action that moved it said: a contact just logged keeps its
    /// sentence (its outcome and the follow-up's time) and the departure its refresh brings follows it, instead of
    /// replacing it. Any later departure (a timer's refresh) replaces the sentence.
    mutating func sayAfterTheAction(_ departure: String) {
        if paging.contactJustLogged, let current = status, !current.isError, current.text.hasPrefix("Contact logged:") {
            status = (current.text + " " + departure, false)
        } else {
            status = (departure, false)
        }
    }

    /// Detail following the cursor: once the selection in the at-risk or renewals list has rested, the
    /// detail shows the selected customer (read alone, at once).
    mutating func followDetail(now: Date) -> [Effect] {
        guard let due = paging.detailFollowAt, now.timeIntervalSince1970 >= due else { return [] }
        paging.detailFollowAt = nil
        guard focused == .atRisk || focused == .renewals, overlay == nil, let id = actionCustomerID, id != detailCustomerID else { return [] }
        return showDetail(id)
    }

    /// Shows customer `id` in the detail pane: only the detail is read, and shown as soon as it arrives.
    mutating func showDetail(_ id: String) -> [Effect] {
        setDetailCustomer(id)
        return [.readDetail(customerID: id)]
    }

    /// The detail's customer is now `id` (read by the caller, or by the next refresh): a new customer's record
    /// opens at its top, and `Z` in the list no longer wakes the one snoozed before (`ListPaging.lastSnoozed`).
    mutating func setDetailCustomer(_ id: String) {
        if detailCustomerID != id { detailScroll = 0 }
        if paging.lastSnoozed != id { paging.lastSnoozed = nil }
        detailCustomerID = id
        request.detailCustomerID = id
    }

    /// The selected row of each paged list, to tell after a message whether the focused list's own selection moved.
    var listSelections: [PaneID: String?] { [.atRisk: atRiskSelection.selectedID, .renewals: renewalSelection.selectedID] }

    /// Whether the focused list's own selection moved since `before` (`listSelections`): a key, the wheel, a click
    /// on a row (even one that focused the list). Focusing a list, by key or by a click on no row, moves nothing.
    func focusedSelectionMoved(since before: [PaneID: String?]) -> Bool {
        guard let was = before[focused] else { return false }
        return self[table: focused]?.selectedID != was
    }

    /// A selection that moved in a list (`selectionMoved`: a key, a click or the wheel moved it; focusing the list
    /// or any other key does not) makes the detail follow it, after `ListPaging.followDelay`.
    mutating func scheduleDetailFollow(_ message: Message, now: Date, selectionMoved: Bool) {
        switch message {
        case .key, .click, .scroll:
            guard selectionMoved, focused == .atRisk || focused == .renewals, overlay == nil, let id = actionCustomerID,
                  id != detailCustomerID else { return }
            paging.detailFollowAt = now.timeIntervalSince1970 + ListPaging.followDelay
        case .result(.snapshot):
            // The first rows have landed with nothing in the detail: it follows the selected row at the next tick.
            guard detailCustomerID == nil, paging.detailFollowAt == nil, focused == .atRisk || focused == .renewals, overlay == nil,
                  actionCustomerID != nil else { return }
            paging.detailFollowAt = now.timeIntervalSince1970
        default: break
        }
    }

    /// A write on a customer from a list (a snooze, a contact, a risk level, an enrolment …): the detail is that
    /// customer's, read with the refresh the write brings, and a follow the key had set off is cancelled, so the
    /// customer acted on stays in view when the write takes them off the list and the selection moves on (`Z` then
    /// wakes them from the list or the detail).
    /// A snooze, from any pane, is remembered as the one `Z` in the list may undo (`ListPaging.lastSnoozed`).
    mutating func showCustomerActedOn(_ effects: [Effect]) {
        for effect in effects {
            if case .snooze(let id, _) = effect { paging.lastSnoozed = id }
            if case .snoozeToDate(let id, _) = effect { paging.lastSnoozed = id }
        }
        guard focused == .atRisk || focused == .renewals, let id = effects.lazy.compactMap(\.customerActedOn).first else { return }
        paging.detailFollowAt = nil
        if id != detailCustomerID { setDetailCustomer(id) }
    }

    /// Notes the lists whose rows a key asked for anew (`ListPaging.reasked`): another filter, view, order or
    /// days, or a jump (`g`, `G`) to rows not read yet. The window read again as `j` nears the rows' edge is not
    /// one: the detail follows `j` after it rests, as ever.
    mutating func noteReaskedLists(before: SnapshotRequest, _ message: Message) {
        switch message {
        case .key, .paste: break
        default: return
        }
        for pane in [PaneID.atRisk, .renewals] where !request.asksSameRows(as: before, in: pane, countingWindow: paging.jump[pane] != nil) {
            paging.reasked.insert(pane)
        }
    }

    /// A list a key re-asked for, now on screen as asked (its jump landed, the customer kept by `m` or `F` or
    /// put back by Esc selected again): the detail follows its selection at once when that list has the focus
    /// and the selection is another customer than the detail's. A list that lost the focus meanwhile is
    /// forgotten. While the filter prompt (whose typing re-asks the list) or help is open it waits; any other
    /// prompt or menu means the user went on to act, and the follow is dropped, so the customer acted on stays.
    mutating func followReaskedList(now: Date) {
        guard !paging.reasked.isEmpty else { return }
        switch overlay {
        case nil: break
        case .help, .prompt(_, _, .search): return
        default:
            paging.reasked.removeAll()
            return
        }
        for pane in paging.reasked {
            guard let shown = snapshot?.request, shown.asksSameRows(as: request, in: pane), paging.jump[pane] == nil,
                  pane != .atRisk || (paging.restoreSelection == nil && paging.keepCustomer == nil) else { continue }
            paging.reasked.remove(pane)
            if focused == pane, let id = actionCustomerID, id != detailCustomerID { paging.detailFollowAt = now.timeIntervalSince1970 }
        }
    }

    /// A detail read alone (Enter, or the detail following the cursor).
    mutating func applyDetail(_ detail: CustomerDetail) {
        guard detail.customer.id == detailCustomerID else { return }
        snapshot?.detail = detail
        pending?.detail = detail
    }
}

extension DashboardState {
    /// The detail's last useful scroll offset: its screen lines at the pane's width, less the lines the pane
    /// shows. Measured by drawing the detail into a tall scratch canvas, so it is the drawing's own count, at
    /// any width; `j`, `G` and the wheel stop there, and `k`/`g` move at once after them.
    func detailScrollLimit() -> Int {
        guard let rect = layout.panes.first(where: { $0.pane == .detail })?.rect, rect.width > 2, rect.height > 2 else { return 0 }
        let tall = 2_000
        var scratch = self
        scratch.detailScroll = 0
        var canvas = Canvas(columns: rect.width, rows: tall)
        DetailPane.draw(scratch, into: &canvas, rect: Rect(row: 0, col: 0, width: rect.width, height: tall), now: 0)
        // Inside the border: the last line with something on it.
        let lines = canvas.lines()
        let used = (1..<(tall - 1)).last { !String(lines[$0].dropFirst().dropLast()).trimmingCharacters(in: .whitespaces).isEmpty } ?? 0
        return max(0, used - (rect.height - 2))
    }
}
