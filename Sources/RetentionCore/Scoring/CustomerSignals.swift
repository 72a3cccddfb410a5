import Foundation

/// Everything the scores read about one customer, aggregated from stored rows as of an instant.
///
/// One set-based query computes the signals of every customer at once (aggregate reads grouped by
/// customer, joined once), never a query per customer. Everything is computed **as of** `asOf`: only
/// rows that existed before it count, so the same read gives training features at a past observation
/// date without leaking what happened after it.
///
/// Windows: "in the window" means the 12 months before `asOf` (`asOf − 365 days ≤ t < asOf`).
public struct CustomerSignals: Sendable, Equatable {
    public var customerRowID: Int64
    /// Days since the last interaction (contact made, NPS answer, touchpoint response) before `asOf`; nil if none ever.
    public var daysSinceLastInteraction: Int?
    /// Interactions in the window.
    public var interactionsInWindow: Int
    /// E-mail touchpoints delivered / opened in the window.
    public var emailsDelivered: Int
    public var emailsOpened: Int
    /// Touchpoints of any channel delivered / responded to in the window.
    public var touchpointsDelivered: Int
    public var touchpointsResponded: Int
    /// Instalments that fell due in the window (payments per year × share of the window each policy was in force).
    public var paymentsDue: Int
    /// `payment_missed` events in the window.
    public var paymentsMissed: Int
    /// Annual premium in force at `asOf` and 12 months earlier, in cents.
    public var premiumNowCents: Int
    public var premiumYearAgoCents: Int
    /// Lines of business in force at `asOf`.
    public var heldTypes: Set<PolicyType>
    /// The latest NPS answer (0–10) before `asOf`, if any.
    public var latestNPS: Int?
    /// Complaints filed / resolved in the window.
    public var complaintsFiled: Int
    public var complaintsResolved: Int
    /// Whole months since the first policy's inception.
    public var tenureMonths: Int
    /// Policies in force at `asOf`; policies ever held before `asOf`.
    public var activePolicies: Int
    public var totalPolicies: Int
    /// Renewals made (`policy_renewed`) and renewals lost (lapsed or expired) in the window.
    public var renewalsMade: Int
    public var renewalsLost: Int
    /// Policies cancelled in the window.
    public var cancellationsInWindow: Int
    /// Claims filed in the window, and their amount in cents.
    public var claimsInWindow: Int
    public var claimAmountInWindowCents: Int
    /// Premium earned in the window (annual premium × share of the window in force), in cents.
    public var premiumEarnedInWindowCents: Int
    /// The stored satisfaction survey score (0–100).
    public var satisfactionScore: Double?

    /// Renewal rate in the window, nil when no renewal fell due.
    public var renewalRate: Double? {
        let due = renewalsMade + renewalsLost
        return due > 0 ? Double(renewalsMade) / Double(due) : nil
    }
}

extension Engine {
    /// Streams the signals of every customer (or those whose row ids fall in `customerRows`) as of `asOf`, in customer order.
    /// Each table is aggregated per customer in one pass over a customer range; the events are counted from
    /// the `retention_events_customer` index (customer, time, type) alone, and event rows are read only for
    /// the amounts of the customers' claims in the window and their latest NPS score.
    public func forEachCustomerSignals(asOf: Int, customerRows: ClosedRange<Int64>? = nil, _ body: (CustomerSignals) throws -> Void) throws {
        let window = asOf - 365 * Timestamp.secondsPerDay
        let yearAgo = window
        let contactTypes = "('contact_made', 'touchpoint_responded', 'nps_response')"
        try db.forEach("""
            WITH ev AS (
              SELECT customer_id,
                     max(occurred_at) FILTER (WHERE event_type IN \(contactTypes)) AS last_contact,
                     count(*) FILTER (WHERE event_type IN \(contactTypes) AND occurred_at >= ?2) AS interactions,
                     count(*) FILTER (WHERE event_type = 'payment_missed' AND occurred_at >= ?2) AS missed,
                     count(*) FILTER (WHERE event_type = 'complaint_filed' AND occurred_at >= ?2) AS complaints,
                     count(*) FILTER (WHERE event_type = 'complaint_resolved' AND occurred_at >= ?2) AS resolved,
                     count(*) FILTER (WHERE event_type = 'policy_renewed' AND occurred_at >= ?2) AS renewed,
                     count(*) FILTER (WHERE event_type = 'claim_filed' AND occurred_at >= ?2) AS claims,
                     max(occurred_at) FILTER (WHERE event_type = 'nps_response') AS last_nps_at
              FROM retention_events
              WHERE occurred_at < ?1 AND customer_id BETWEEN ?3 AND ?5
              GROUP BY customer_id
            ),
            po AS (
              SELECT customer_id,
                     count(*) FILTER (WHERE ended_at IS NULL OR ended_at > ?1) AS active,
                     count(*) AS total,
                     min(inception_date) AS first_inception,
                     coalesce(sum(annual_premium_cents) FILTER (WHERE ended_at IS NULL OR ended_at > ?1), 0) AS premium_now,
                     coalesce(sum(annual_premium_cents) FILTER (WHERE inception_date <= ?4 AND (ended_at IS NULL OR ended_at > ?4)), 0) AS premium_year_ago,
                     group_concat(policy_type) FILTER (WHERE ended_at IS NULL OR ended_at > ?1) AS types,
                     count(*) FILTER (WHERE status IN ('lapsed', 'expired') AND ended_at >= ?2 AND ended_at < ?1) AS lost,
                     count(*) FILTER (WHERE status = 'cancelled' AND ended_at >= ?2 AND ended_at < ?1) AS cancelled,
                     coalesce(sum(
                        (CASE premium_frequency WHEN 'monthly' THEN 12 WHEN 'quarterly' THEN 4 WHEN 'semi_annual' THEN 2 ELSE 1 END)
                        * max(0, min(coalesce(ended_at, ?1), ?1) - max(inception_date, ?2)) / 31536000.0), 0) AS due,
                     coalesce(sum(annual_premium_cents * max(0, min(coalesce(ended_at, ?1), ?1) - max(inception_date, ?2)) / 31557600.0), 0) AS earned
              FROM policies
              WHERE inception_date <= ?1 AND customer_id BETWEEN ?3 AND ?5
              GROUP BY customer_id
            ),
            tp AS (
              SELECT customer_id,
                     count(*) FILTER (WHERE channel = 'email' AND delivered_at IS NOT NULL) AS emails_delivered,
                     count(*) FILTER (WHERE channel = 'email' AND opened_at IS NOT NULL) AS emails_opened,
                     count(*) FILTER (WHERE delivered_at IS NOT NULL) AS delivered,
                     count(*) FILTER (WHERE responded_at IS NOT NULL) AS responded,
                     max(responded_at) AS last_response
              FROM touchpoints
              WHERE coalesce(delivered_at, sent_at, due_at) >= ?2 AND coalesce(delivered_at, sent_at, due_at) < ?1 AND customer_id BETWEEN ?3 AND ?5
              GROUP BY customer_id
            )
            SELECT c.id, max(coalesce(ev.last_contact, 0), coalesce(tp.last_response, 0)), coalesce(ev.interactions, 0),
                   coalesce(tp.emails_delivered, 0), coalesce(tp.emails_opened, 0), coalesce(tp.delivered, 0), coalesce(tp.responded, 0),
                   CAST(round(coalesce(po.due, 0)) AS INTEGER), coalesce(ev.missed, 0), coalesce(po.premium_now, 0), coalesce(po.premium_year_ago, 0),
                   coalesce(po.types, ''),
                   (SELECT json_extract(e2.data, '$.score') FROM retention_events e2
                     WHERE e2.customer_id = c.id AND e2.event_type = 'nps_response' AND e2.occurred_at = ev.last_nps_at LIMIT 1),
                   coalesce(ev.complaints, 0), coalesce(ev.resolved, 0), po.first_inception, coalesce(po.active, 0), coalesce(po.total, 0),
                   coalesce(ev.renewed, 0), coalesce(po.lost, 0), coalesce(po.cancelled, 0), coalesce(ev.claims, 0),
                   CASE WHEN ev.claims > 0 THEN
                     (SELECT coalesce(sum(CAST(round(json_extract(e3.data, '$.amount') * 100) AS INTEGER)), 0) FROM retention_events e3
                      WHERE e3.customer_id = c.id AND e3.event_type = 'claim_filed' AND e3.occurred_at >= ?2 AND e3.occurred_at < ?1)
                   ELSE 0 END,
                   CAST(round(coalesce(po.earned, 0)) AS INTEGER), c.satisfaction_score
            FROM customers c
            LEFT JOIN ev ON ev.customer_id = c.id
            LEFT JOIN po ON po.customer_id = c.id
            LEFT JOIN tp ON tp.customer_id = c.id
            WHERE c.erased_at IS NULL AND c.id BETWEEN ?3 AND ?5
            ORDER BY c.id
            """, [.int(Int64(asOf)), .int(Int64(window)), .int(customerRows?.lowerBound ?? Int64.min), .int(Int64(yearAgo)),
               .int(customerRows?.upperBound ?? Int64.max)]) { r in
            let last = r.int(1)
            let types = Set(r.text(11).split(separator: ",").compactMap { PolicyType(rawValue: String($0)) })
            let first = r.optionalInt(15)
            try body(CustomerSignals(
                customerRowID: r.int64(0),
                daysSinceLastInteraction: last > 0 ? max(0, (asOf - last) / Timestamp.secondsPerDay) : nil,
                interactionsInWindow: r.int(2), emailsDelivered: r.int(3), emailsOpened: r.int(4),
                touchpointsDelivered: r.int(5), touchpointsResponded: r.int(6), paymentsDue: r.int(7), paymentsMissed: r.int(8),
                premiumNowCents: r.int(9), premiumYearAgoCents: r.int(10), heldTypes: types,
                latestNPS: r.optionalDouble(12).map { Int($0.rounded()) },
                complaintsFiled: r.int(13), complaintsResolved: r.int(14),
                tenureMonths: first.map { Timestamp.wholeMonths(from: $0, to: asOf) } ?? 0,
                activePolicies: r.int(16), totalPolicies: r.int(17), renewalsMade: r.int(18), renewalsLost: r.int(19),
                cancellationsInWindow: r.int(20), claimsInWindow: r.int(21), claimAmountInWindowCents: r.int(22),
                premiumEarnedInWindowCents: r.int(23), satisfactionScore: r.optionalDouble(24)))
        }
    }
}
