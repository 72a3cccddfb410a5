import Foundation
import RetentionCore

/// Which rows of the at-risk and renewal queues a snapshot reads: a window of each whole queue, in the
/// order chosen, placed by a row's key (`QueueWindow`), and the absolute position that key's row was
/// believed to have, so the list knows where its window stands ("141/28,286").
public struct ListRequest: Sendable, Equatable {
    public var atRiskOrder = QueueOrder()
    public var atRiskWindow = QueueWindow.top
    /// The position (0-based, in the whole queue) of the row at `atRiskWindow`'s key.
    public var atRiskAnchor = 0
    public var renewalsReversed = false
    public var renewalWindow = QueueWindow.top
    public var renewalAnchor = 0
    /// The at-risk customer selected when the read was asked for: if they are no longer in the queue, the
    /// read says why (`ListWindows.departure`).
    public var watchedCustomerID: String?
    /// The follow-up selected in the `F` view when the read was asked for: if it is no longer listed, the
    /// read says why (`DashboardSnapshot.followUpDeparture`).
    public var watchedFollowUpID: String?
    /// The timer asked for this read (the only reads held back while the user moves).
    public var fromTimer = false
    public init() {}
}

/// Where a list's rows stand in the whole queue.
public struct ListWindowInfo: Sendable, Equatable {
    /// Each row's key, in the order of the rows.
    public var keys: [QueueKey] = []
    /// The position in the whole queue of the first row read; nil until known.
    public var start: Int?
    public var reachesTop = true
    public var reachesBottom = true
    /// How many rows the whole queue holds.
    public var total: Int?
    public init() {}
}

/// The at-risk and renewal windows of a snapshot.
public struct ListWindows: Sendable, Equatable {
    public var atRisk = ListWindowInfo()
    public var renewals = ListWindowInfo()
    /// The customer watched (`ListRequest.watchedCustomerID`) when they are not in the at-risk rows read:
    /// their name, and why ("snoozed until 2026-12-20"; "moved out of view" when still in the queue).
    public var departure: (id: String, name: String, reason: String)?
    public init() {}

    public static func == (a: ListWindows, b: ListWindows) -> Bool {
        a.atRisk == b.atRisk && a.renewals == b.renewals && a.departure?.id == b.departure?.id && a.departure?.reason == b.departure?.reason
    }
}

/// Reads the list windows a snapshot shows, with the queues' true sizes.
enum ListReads {
    struct Result {
        var atRisk = QueuePage<AtRiskEntry>()
        var renewals = QueuePage<RenewalEntry>()
        var windows = ListWindows()
    }

    static func collect(_ engine: Engine, _ request: SnapshotRequest, now: Int) throws -> Result {
        var out = Result()
        let l = request.lists
        if !request.winBack {
            out.atRisk = try engine.atRiskWindow(request.atRisk, order: l.atRiskOrder, window: l.atRiskWindow, now: now)
            let total = try engine.atRiskCount(request.atRisk, now: now)
            out.windows.atRisk = info(out.atRisk, window: l.atRiskWindow, anchor: l.atRiskAnchor, total: total)
            if let id = l.watchedCustomerID, !out.atRisk.rows.contains(where: { $0.id == id }),
               let customer = try? engine.customer(id: id) {
                var reason = try engine.atRiskExclusion(customerId: id, request.atRisk, now: now) ?? "moved out of view in this order"
                // A snooze is said at its time in the customer's zone, named; an owner by name: as everywhere a specialist sees them.
                if reason.hasPrefix("snoozed until "), let until = customer.snoozedUntil {
                    reason = "snoozed until " + Formatting.customerTime(until, in: CustomerZone.resolve(timeZone: customer.timeZone, state: customer.state), now: now)
                } else if reason.hasPrefix("assigned to "), let owner = customer.assignedTo, let name = try engine.agentNames(ids: [owner])[owner] {
                    reason = "assigned to \(name)"
                }
                out.windows.departure = (id, customer.fullName, reason)
            }
        }
        out.renewals = try engine.renewalsWindow(days: request.renewalDays, reversed: l.renewalsReversed, window: l.renewalWindow, now: now)
        out.windows.renewals = info(out.renewals, window: l.renewalWindow, anchor: l.renewalAnchor,
                                    total: try engine.renewalsCount(days: request.renewalDays, now: now))
        return out
    }

    /// Where a page stands: at 0 when it reaches the top, at the end when read from the bottom, else
    /// `beforeKey` rows before the anchor's position.
    static func info<Row>(_ page: QueuePage<Row>, window: QueueWindow, anchor: Int, total: Int) -> ListWindowInfo {
        var i = ListWindowInfo()
        i.keys = page.keys
        (i.reachesTop, i.reachesBottom, i.total) = (page.reachesTop, page.reachesBottom, total)
        i.start = page.reachesTop ? 0 : window == .bottom ? max(0, total - page.rows.count) : max(0, anchor - page.beforeKey)
        return i
    }
}
