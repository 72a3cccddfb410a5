import Foundation

/// Type-ahead: the keys that move, typed right after a key that changes a list (`s`, `S`, `f`, `m`, `F`, `b`, Esc,
/// `g` or `G` to rows not read yet), move in the new list, in the order typed, as in any program that reads its
/// input in turn: `s G` lands on the last row of the new order, `f j j j` on the fourth row of the new filter. While
/// the new rows are read (a few milliseconds, up to a few tenths on a large book) such keys wait, and are handled
/// once the rows are on screen; the keys typed after them wait too, so that the order holds (`s j 2 j`). A key that
/// acts on a customer (`z`, `e`, `L`, …) never waits: it would act on a customer the user has not seen, so it is
/// refused until the rows are on screen, as before. Keys typed into a prompt or menu never wait, nor does quitting.
extension DashboardState {
    /// At most this many keys wait; more are dropped, and the status line says so.
    static let typeAheadLimit = 64
    /// Keys that waited this long for their rows (a book busy with another program's write) are dropped, and
    /// the status line says so, rather than acting long after they were typed.
    static let typeAheadSeconds = 2.0
    /// The keys that only move (and Enter, which shows the selected customer): they wait for the rows asked for.
    static let movingActions: Set<Action> = [.up, .down, .pageUp, .pageDown, .halfPageUp, .halfPageDown, .top, .bottom, .open]
    /// The keys that act on a customer: never kept for later.
    static let customerActions = Set(KeyBindings.customer.map(\.action))

    /// Whether the focused list's rows are being read for a change the user asked for (a filter, sort, view or
    /// jump): the rows on screen are not yet those the next key should move in.
    var focusedListIsBeingReread: Bool {
        (focused == .atRisk || focused == .renewals) && paging.reasked.contains(focused)
            && (!rowsAreCurrent(focused) || paging.jump[focused] != nil)
    }

    /// What `key` does now: wait for the rows (`.wait`), be refused because keys that move are waiting and it
    /// acts on a customer (`.refuse`), or act (`.act`).
    enum TypedKey { case act, wait, refuse }
    func typedKey(_ key: Key) -> TypedKey {
        guard !screenTooSmall, overlay == nil, campaignForm == nil, let action = KeyBindings.binding(for: key, in: focused)?.action,
              action != .quit else { return .act }
        if keys.typedAhead.isEmpty { return Self.movingActions.contains(action) && focusedListIsBeingReread ? .wait : .act }
        return Self.customerActions.contains(action) ? .refuse : .wait
    }

    /// A key typed while keys that move wait for their rows: kept in order (`.wait`), or, acting on a customer,
    /// refused with the reason (`.refuse`). Returns false when the key acts now.
    mutating func keyWaitedOrRefused(_ key: Key, now: Date) -> Bool {
        switch typedKey(key) {
        case .act: return false
        case .wait: holdTypedAhead(key, now: now)
        case .refuse: status = ("The list is being read; a moment (the keys that move are waiting for it).", true)
        }
        return true
    }

    /// Keeps `key` until its list's rows are on screen.
    mutating func holdTypedAhead(_ key: Key, now: Date) {
        guard keys.typedAhead.count < Self.typeAheadLimit else {
            status = ("Too many keys typed while the list was read; the last ones were dropped.", true)
            return
        }
        keys.typedAhead.append(key)
        if keys.typedAheadSince == nil { keys.typedAheadSince = now.timeIntervalSince1970 }
    }

    /// The keys that waited, once their list's rows are on screen: each handled as if typed now, in order. A key
    /// that changes the list again makes the keys after it wait again for those rows.
    mutating func replayTypedAhead(now: Date) -> [Effect] {
        guard !keys.typedAhead.isEmpty, !focusedListIsBeingReread else { return [] }
        let waiting = keys.typedAhead
        keys.typedAhead = []
        keys.typedAheadSince = nil
        var effects: [Effect] = []
        for key in waiting {
            if keyWaitedOrRefused(key, now: now) { continue }
            let before = request
            effects += handleKey(key, now: now)
            noteReaskedLists(before: before, .key(key))
            scheduleDetailFollow(.key(key), now: now)
        }
        return effects
    }

    /// Drops the keys that waited longer than `typeAheadSeconds` for their rows. (A failed read drops them too,
    /// with the failure on the status line: `handleResult`.)
    mutating func dropTypedAhead(now: Date) {
        guard let since = keys.typedAheadSince, now.timeIntervalSince1970 - since >= Self.typeAheadSeconds else { return }
        let count = keys.typedAhead.count
        keys.typedAhead = []
        keys.typedAheadSince = nil
        status = ("The list took over \(Int(Self.typeAheadSeconds)) s to read; \(count == 1 ? "the key" : "the \(count) keys") typed meanwhile \(count == 1 ? "was" : "were") not applied.", true)
    }
}
