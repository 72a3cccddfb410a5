import Foundation

/// One former customer in the win-back queue: someone who held policies with us and has none in force now.
public struct WinBackEntry: Sendable, Equatable {
    public var id: String
    public var name: String
    public var email: String
    public var phone: String?
    public var agentId: String
    /// When they left: the latest `customer_churned` event (their last policy in force ended).
    public var leftAt: Int
    /// Whole months they were a customer, from the first inception to leaving.
    public var tenureMonths: Int
    /// Annual premium of the policies that ended in the year before they left (what winning them back is worth a year).
    public var lostAnnualPremiumCents: Int
    /// Premiums paid to date (current LTV).
    public var paidToDateCents: Int
    /// How the last policy ended (`non_payment`, `not_renewed`, `price`, …), when recorded.
    public var lastEndReason: String?
    public var assignedTo: String?
}

/// Where a customer stands with us: holding a policy (`active`), held policies and none is in force now
/// (`former`: tenure stops, out of the at-risk queue and the risk counts, in the win-back queue), or never
/// held one (`prospect`).
public enum CustomerStatus: String, Sendable, CaseIterable {
    case active, former, prospect

    public init(activePolicies: Int, totalPolicies: Int) {
        self = activePolicies > 0 ? .active : totalPolicies > 0 ? .former : .prospect
    }
}

extension Engine {
    /// Former customers who left, the most recent first (recent leavers are the likeliest to come back), for
    /// the win-back view (`GET /win-back`, the dashboard's `b`). Read from the `customer_churned` events through
    /// their partial index (`retention_events_churned`), so the first page is as quick on a million customers as on a hundred; a customer who
    /// left twice is listed once, at their latest leaving, and one who came back is not listed. Customers who
    /// left before Retention recorded it (no `customer_churned` event, e.g. imported with every policy ended)
    /// are not in this queue.
    public func winBack(agentId: String? = nil, limit: Int = 50, page: Int = 1) throws -> [WinBackEntry] {
        let limit = max(1, min(limit, Self.queueRowsAtMost)), page = max(1, page)
        return try db.query("""
            SELECT c.uuid, c.first_name || ' ' || c.last_name, c.email, c.phone, c.agent_id, e.occurred_at,
                   (SELECT min(inception_date) FROM policies WHERE customer_id = c.id),
                   (SELECT coalesce(sum(annual_premium_cents), 0) FROM policies
                     WHERE customer_id = c.id AND ended_at > e.occurred_at - 365 * 86400 AND ended_at <= e.occurred_at),
                   c.lifetime_value_cents,
                   (SELECT end_reason FROM policies WHERE customer_id = c.id AND ended_at IS NOT NULL ORDER BY ended_at DESC, id DESC LIMIT 1),
                   c.assigned_to
            FROM retention_events e INDEXED BY retention_events_churned
            JOIN customers c ON c.id = e.customer_id
            WHERE e.event_type = 'customer_churned' AND c.active_policies = 0 AND c.erased_at IS NULL
              AND (?1 IS NULL OR c.agent_id = ?1)
              AND NOT EXISTS (SELECT 1 FROM retention_events l
                              WHERE l.customer_id = e.customer_id AND l.event_type = 'customer_churned'
                                AND (l.occurred_at > e.occurred_at OR (l.occurred_at = e.occurred_at AND l.id > e.id)))
            ORDER BY e.occurred_at DESC, e.id DESC
            LIMIT ?2 OFFSET ?3
            """, [.init(agentId), .int(Int64(limit)), .int(Int64((page - 1) * limit))]) { r in
            let left = r.int(5)
            return WinBackEntry(id: r.text(0), name: r.text(1), email: r.text(2), phone: r.optionalText(3), agentId: r.text(4), leftAt: left,
                                tenureMonths: r.optionalInt(6).map { Timestamp.wholeMonths(from: $0, to: max($0, left)) } ?? 0,
                                lostAnnualPremiumCents: r.int(7), paidToDateCents: r.int(8), lastEndReason: r.optionalText(9),
                                assignedTo: r.optionalText(10))
        }
    }
}
