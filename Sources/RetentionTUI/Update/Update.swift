import Foundation

extension DashboardState {
    /// The dashboard's one update: a message in, the state changed, the effects to run out. Pure: the time
    /// is `now` (the process clock, read by the runner), so the same state, message and `now` always give
    /// the same state and effects, and tests drive it with no terminal, worker or clock.
    public mutating func update(_ message: Message, now: Date) -> [Effect] {
        var effects: [Effect]
        keys.statusChanged = false
        let before = request
        let selectionsBefore = listSelections
        switch message {
        case .key(let key):
            lastKeyAt = now.timeIntervalSince1970
            if keyWaits(key) {
                holdTypedAhead(key, now: now)
                effects = []
            } else {
                effects = handleKey(key, now: now)
            }
        case .paste(let text): effects = handlePaste(text)
        case .click(let row, let col): effects = handleClick(row: row, col: col)
        case .scroll(let row, let col, let down):
            lastKeyAt = now.timeIntervalSince1970
            effects = handleWheel(row: row, col: col, down: down, now: now)
        case .resize(let c, let r):
            columns = c
            rows = r
            effects = []
        case .tick(let workerBusy): effects = timerRefresh(workerBusy: workerBusy, now: now) + formReadsIfDue(now: now)
        case .result(let result): effects = handleResult(result)
        }
        // Keys typed while a list the user changed was read act once its rows are here (`UpdateTypeAhead`).
        var replayed: [Effect] = []
        switch message {
        case .result: replayed = replayTypedAhead(now: now)
        case .tick:
            dropTypedAhead(now: now)
            replayed = replayTypedAhead(now: now)
        default: break
        }
        effects += replayed
        if columns > 0 && rows > 0 { screenTooSmall = layout.mode == .tooSmall }
        releaseHeldSnapshot(now: now)
        keepSelectionsVisible()
        trackStatusAndActions(message, effects: effects, now: now)
        scheduleDetailFollow(message, now: now, selectionMoved: focusedSelectionMoved(since: selectionsBefore))
        showCustomerActedOn(effects)
        noteReaskedLists(before: before, message)
        followReaskedList(now: now)
        if case .tick = message { effects += followDetail(now: now) }
        if effects.contains(where: { $0 == .reloadPanes || $0 == .refresh(force: true) || $0 == .refresh(force: false) }) {
            lastRefreshAt = now.timeIntervalSince1970
            // A read a replayed key asked for is the user's, not the timer's (never held back while moving).
            var fromTimer = false
            if case .tick = message { fromTimer = !replayed.contains(.reloadPanes) }
            prepareListReads(fromTimer: fromTimer)
        }
        return effects
    }

    /// A snapshot held back while the user moves is put in place 0.8 s after the last key.
    mutating func releaseHeldSnapshot(now: Date) {
        guard let held = pending, now.timeIntervalSince1970 - lastKeyAt > 0.8 else { return }
        applySnapshot(held)
        pending = nil
    }

    /// Every `refreshSeconds` the panes are read again, unless the timer is paused or the worker is busy.
    mutating func timerRefresh(workerBusy: Bool, now: Date) -> [Effect] {
        guard !timerPaused, !workerBusy, now.timeIntervalSince1970 - lastRefreshAt >= refreshSeconds else { return [] }
        return [.refresh(force: false)]
    }
}
