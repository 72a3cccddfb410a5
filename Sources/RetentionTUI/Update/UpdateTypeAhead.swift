import Foundation

/// Type-ahead: the keys that move, typed right after a key that changes a list (`s`, `S`, `f`, `m`, `F`, `b`, Esc,
/// `g` or `G` to rows not read yet), move in the new list, in the order typed, as in any program that reads its
/// input in turn: `s G` lands on the last row of the new order, `f j j j` on the fourth row of the new filter. While
/// the new rows are read (a few milliseconds, up to a few tenths on a large book) such keys wait, and are handled
/// once the rows are on screen; every key typed after them waits too, so that the order holds (`s j 2 j`, `f j /acme`).
/// A waiting key that acts on a customer (`z`, `e`, `L`, …) is not done when its turn comes: it was typed before the
/// user saw the rows, so it would act on a customer not yet seen; the status line says to press it again. Keys
/// typed into a prompt or menu never wait, nor does quitting.
extension DashboardState {
    /// At most this many keys wait; more are dropped, and the status line says so.
    static let typeAheadLimit = 64
    /// Keys that waited this long for their rows (a book busy with another program's write, a read that failed)
    /// are dropped, and the status line says so, rather than acting long after they were typed.
    static let typeAheadSeconds = 2.0
    /// The keys that only move (and Enter, which shows the selected customer): they wait for the rows asked for.
    static let movingActions: Set<Action> = [.up, .down, .pageUp, .pageDown, .halfPageUp, .halfPageDown, .top, .bottom, .open]
    /// The keys that act on a customer (and write, or open a form that does): a waiting one is not done.
    /// (`F` switches a list and `y` copies: neither is one.)
    static let customerActions = Set(KeyBindings.customer.map(\.action)).subtracting([.followUps, .copyContact])

    /// Whether the focused list's rows are being read for a change the user asked for (a filter, sort, view or
    /// jump, or Esc's filter put back): the rows on screen are not yet those the next key should move in.
    var focusedListIsBeingReread: Bool {
        (focused == .atRisk || focused == .renewals) && paging.reasked.contains(focused)
            && (!rowsAreCurrent(focused) || paging.jump[focused] != nil || (focused == .atRisk && paging.restoreSelection != nil))
    }

    /// Whether `key` waits for the rows of the list it would move in: once keys wait every key does (the order
    /// holds), quitting aside; else a key that moves waits while the focused list is read again for a change the
    /// user asked for, no prompt, menu or form being open.
    func keyWaits(_ key: Key) -> Bool {
        let action = KeyBindings.binding(for: key, in: focused)?.action
        let quits = action == .quit && overlay == nil && campaignForm == nil
        if !keys.typedAhead.isEmpty { return !quits }
        guard !screenTooSmall, overlay == nil, campaignForm == nil, let action else { return false }
        return Self.movingActions.contains(action) && focusedListIsBeingReread
    }

    /// Keeps `key` until its list's rows are on screen.
    mutating func holdTypedAhead(_ key: Key, now: Date) {
        guard keys.typedAhead.count < Self.typeAheadLimit else {
            status = ("Too many keys typed while the list was read; the last ones were dropped.", true)
            return
        }
        if keys.typedAhead.isEmpty { keys.typedAheadPane = focused }
        keys.typedAhead.append(key)
        if keys.typedAheadSince == nil { keys.typedAheadSince = now.timeIntervalSince1970 }
    }

    /// The keys that waited, once their list's rows are on screen: each handled as if typed now, in order. A key
    /// that changes the list again makes the keys after it wait again for those rows. A key that acts on a
    /// customer is not done (it was typed before the rows were seen). Keys whose pane lost the focus meanwhile (a
    /// click), or that would go into a prompt, menu or form no key of theirs opened (one a result opened), are
    /// dropped, and the status line says so.
    mutating func replayTypedAhead(now: Date) -> [Effect] {
        guard !keys.typedAhead.isEmpty, !focusedListIsBeingReread else { return [] }
        let waiting = keys.typedAhead
        let pane = keys.typedAheadPane
        keys.typedAhead = []
        keys.typedAheadSince = nil
        keys.typedAheadPane = nil
        guard focused == pane, overlay == nil, campaignForm == nil else {
            status = ("The keys typed while the list was read were not applied: \(overlay != nil || campaignForm != nil ? "a form opened" : "the focus moved").", true)
            return []
        }
        var effects: [Effect] = []
        for key in waiting {
            if keyWaits(key) {
                holdTypedAhead(key, now: now)
                continue
            }
            if overlay == nil, campaignForm == nil, let action = KeyBindings.binding(for: key, in: focused)?.action,
               Self.customerActions.contains(action) {
                status = ("\(key.label) not done: it was typed before the list was on screen. Press it again.", true)
                continue
            }
            let before = request, selectionsBefore = listSelections
            effects += handleKey(key, now: now)
            noteReaskedLists(before: before, .key(key))
            scheduleDetailFollow(.key(key), now: now, selectionMoved: focusedSelectionMoved(since: selectionsBefore))
        }
        return effects
    }

    /// Drops the keys that waited longer than `typeAheadSeconds` for their rows.
    mutating func dropTypedAhead(now: Date) {
        guard let since = keys.typedAheadSince, now.timeIntervalSince1970 - since >= Self.typeAheadSeconds else { return }
        let count = keys.typedAhead.count
        keys.typedAhead = []
        keys.typedAheadSince = nil
        keys.typedAheadPane = nil
        status = ("The list took over \(Int(Self.typeAheadSeconds)) s to read; \(count == 1 ? "the key" : "the \(count) keys") typed meanwhile \(count == 1 ? "was" : "were") not applied.", true)
    }
}
