import Foundation

/// When the dashboard recomputes its book-wide figures (the header's metrics and the campaigns' numbers),
/// which read the whole book: at most one computation at a time, and on a large book at most once per ten
/// times as long as the last one took, unless forced (the user pressed `r`, or an action changed the
/// book). A forced request that arrives while one runs is kept, and runs as soon as that one ends, so the
/// figures after an action always count it. Not thread-safe: its owner holds a lock.
struct FiguresSchedule<Request> {
    private(set) var inFlight = false
    private var pending: Request?
    private var computedAt = Date.distantPast
    private var duration: TimeInterval = 0

    /// Whether to start computing `request` now.
    mutating func start(_ request: Request, force: Bool, now: Date) -> Bool {
        if inFlight {
            if force { pending = request }
            return false
        }
        guard force || now.timeIntervalSince(computedAt) >= 10 * duration else { return false }
        inFlight = true
        return true
    }

    /// A computation that began at `startedAt` ended at `now`; returns the request to compute next, if a
    /// forced one arrived meanwhile (the schedule stays in flight for it).
    mutating func finished(startedAt: Date, now: Date) -> Request? {
        computedAt = now
        duration = now.timeIntervalSince(startedAt)
        let next = pending
        pending = nil
        inFlight = next != nil
        return next
    }
}
