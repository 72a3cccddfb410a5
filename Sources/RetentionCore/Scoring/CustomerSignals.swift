import Foundation

/// Everything the scores read about one customer, aggregated from stored rows as of an instant.
///
/// One pass over each table, in customer order, computes the signals of every customer of a range at once
/// (see `Engine.forEachCustomerSignals`), never a query per customer. Everything is computed **as of** `asOf`: only
/// rows dated at or before it count ("as of t" includes t, so a score computed in the second an event is
/// recorded counts that event), and the same read gives training features at a past observation date
/// without leaking what happened after it.
///
/// Windows: "in the window" means the 365 days up to and including `asOf` (`asOf − 365 days < t ≤ asOf`).
public struct CustomerSignals: Sendable, Equatable {
    public var customerRowID: Int64
    /// Days since the last interaction (contact made, NPS answer, touchpoint response) at or before `asOf`; nil if none ever.
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
    /// Annual premium in force at `asOf`, and in force 12 months earlier at the premiums of that time (today's
    /// premium of each policy then in force, less the premium changes recorded on it since), in cents.
    public var premiumNowCents: Int
    public var premiumYearAgoCents: Int
    /// Lines of business in force at `asOf`.
    public var heldTypes: Set<PolicyType>
    /// The latest NPS answer (0–10) at or before `asOf`, if any.
    public var latestNPS: Int?
    /// Complaints filed / resolved in the window.
    public var complaintsFiled: Int
    public var complaintsResolved: Int
    /// Whole months as a customer: from the first policy's inception to `asOf`, or, for a former customer
    /// (nothing in force at `asOf`), to the day their last policy ended. Tenure stops when a customer leaves.
    public var tenureMonths: Int
    /// Policies in force at `asOf` (a policy ending at `asOf` is no longer in force); policies ever held up to `asOf`.
    public var activePolicies: Int
    public var totalPolicies: Int
    /// Renewals made (`policy_renewed`) and renewals lost (lapsed, or expired unrenewed; a life policy at the end of
    /// its term is none) in the window.
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
    ///
    /// Four statements read side by side, each in customer order from an index that starts with the
    /// customer, and are merged here as the customers go by (nothing is gathered per table first, so a
    /// range or the whole book costs the same per customer and the memory stays flat):
    /// - the customers themselves (row id order);
    /// - their events, counted here from the `retention_events_customer` index (customer, time, type)
    ///   alone; an event row is read only for the amount of a claim in the window, for a premium change
    ///   since the year-ago instant (its amount and policy), and for the latest NPS answer's score, looked up
    ///   by its row id;
    /// - their policies, aggregated per customer by SQLite (`GROUP BY` over the customer index streams), with
    ///   the row ids of those in force a year ago: a premium change counts for the year-ago premium when its
    ///   policy is among them, matched here (`EventTally.premiumThen`), not looked up in `policies` per change
    ///   (at a million customers the 785,000 look-ups were 2.1 s of the readers' processor time);
    /// - their touchpoints in the window, aggregated the same way.
    /// All four are started before the first customer is read and the customers' statement stays open until
    /// the last: they all read within that statement's read transaction, one snapshot of the book.
    /// `body` must not call this again on the same engine: the statements are the connection's cached ones.
    public func forEachCustomerSignals(asOf: Int, customerRows: ClosedRange<Int64>? = nil, _ body: (CustomerSignals) throws -> Void) throws {
        let window = asOf - 365 * Timestamp.secondsPerDay
        let first = customerRows?.lowerBound ?? Int64.min, last = customerRows?.upperBound ?? Int64.max
        let range: [SQLValue] = [.int(Int64(asOf)), .int(Int64(window)), .int(first), .int(last)]
        // Every statement opened here is reset on the way out, however it is left: a cached statement left
        // mid-way would hold this connection's read snapshot open.
        var opened: [Statement] = []
        defer { for statement in opened { statement.reset() } }
        func open(_ sql: String, _ params: [SQLValue]) throws -> CustomerOrderedRows {
            let rows = CustomerOrderedRows(try db.statement(sql))
            opened.append(rows.statement)
            try rows.start(params)
            return rows
        }

        let customers = try open("SELECT id, satisfaction_score FROM customers WHERE erased_at IS NULL AND id BETWEEN ?1 AND ?2 ORDER BY id",
                                 [.int(first), .int(last)])
        guard customers.customer != nil else { return }
        // Beside the events up to `asOf`, the premium changes (renewals, coverage changes) after the year-ago
        // instant, later ones too: column 5 is the change in cents of each one, column 6 its policy; the year-ago
        // premium takes off those on a policy of the customer's that was in force a year ago (the policies' column 12).
        let events = try open("""
            SELECT customer_id, occurred_at, event_type, id,
                   CASE WHEN event_type = 'claim_filed' AND occurred_at > ?2 THEN CAST(round(json_extract(data, '$.amount') * 100) AS INTEGER) END,
                   CASE WHEN event_type IN ('policy_renewed', 'coverage_changed') AND occurred_at > ?2
                        THEN round(json_extract(data, '$.premiumAfter') * 100) - round(json_extract(data, '$.premiumBefore') * 100) END,
                   CASE WHEN event_type IN ('policy_renewed', 'coverage_changed') AND occurred_at > ?2 THEN policy_id END
            FROM retention_events
            WHERE customer_id BETWEEN ?3 AND ?4 AND (occurred_at <= ?1 OR event_type IN ('policy_renewed', 'coverage_changed'))
            ORDER BY customer_id
            """, range)
        let policies = try open("""
            SELECT customer_id,
                   count(*) FILTER (WHERE ended_at IS NULL OR ended_at > ?1) AS active,
                   count(*) AS total,
                   min(inception_date) AS first_inception,
                   coalesce(sum(annual_premium_cents) FILTER (WHERE ended_at IS NULL OR ended_at > ?1), 0) AS premium_now,
                   coalesce(sum(annual_premium_cents) FILTER (WHERE inception_date <= ?2 AND (ended_at IS NULL OR ended_at > ?2)), 0) AS premium_year_ago_now,
                   group_concat(policy_type) FILTER (WHERE ended_at IS NULL OR ended_at > ?1) AS types,
                   count(*) FILTER (WHERE (status = 'lapsed' OR (status = 'expired' AND policy_type != 'life')) AND ended_at > ?2 AND ended_at <= ?1) AS lost,
                   count(*) FILTER (WHERE status = 'cancelled' AND ended_at > ?2 AND ended_at <= ?1) AS cancelled,
                   CAST(round(coalesce(sum(
                      (CASE premium_frequency WHEN 'monthly' THEN 12 WHEN 'quarterly' THEN 4 WHEN 'semi_annual' THEN 2 ELSE 1 END)
                      * max(0, min(coalesce(ended_at, ?1), ?1) - max(inception_date, ?2)) / 31536000.0), 0)) AS INTEGER) AS due,
                   CAST(round(coalesce(sum(annual_premium_cents * max(0, min(coalesce(ended_at, ?1), ?1) - max(inception_date, ?2)) / 31557600.0), 0))
                        AS INTEGER) AS earned,
                   max(ended_at) AS last_end,
                   group_concat(id) FILTER (WHERE inception_date <= ?2 AND (ended_at IS NULL OR ended_at > ?2)) AS in_force_year_ago
            FROM policies
            WHERE inception_date <= ?1 AND customer_id BETWEEN ?3 AND ?4
            GROUP BY customer_id
            ORDER BY customer_id
            """, range)
        let touchpoints = try open("""
            SELECT customer_id,
                   count(*) FILTER (WHERE channel = 'email' AND delivered_at IS NOT NULL) AS emails_delivered,
                   count(*) FILTER (WHERE channel = 'email' AND opened_at IS NOT NULL) AS emails_opened,
                   count(*) FILTER (WHERE delivered_at IS NOT NULL) AS delivered,
                   count(*) FILTER (WHERE responded_at IS NOT NULL) AS responded,
                   max(responded_at) AS last_response
            FROM touchpoints
            WHERE coalesce(delivered_at, sent_at, due_at) > ?2 AND coalesce(delivered_at, sent_at, due_at) <= ?1 AND customer_id BETWEEN ?3 AND ?4
            GROUP BY customer_id
            ORDER BY customer_id
            """, range)
        let npsScore = try db.statement("SELECT json_extract(data, '$.score') FROM retention_events WHERE id = ?1")  // reset after each use

        while let id = customers.customer {
            let satisfaction = customers.statement.row.optionalDouble(1)
            var tally = EventTally()
            try events.rows(of: id) { tally.add($0, window: window, asOf: asOf) }
            var latestNPS: Int?
            if let row = tally.latestNPS?.row {
                try npsScore.bind([.int(row)])
                if try npsScore.step() { latestNPS = npsScore.row.optionalDouble(0).map { Int($0.rounded()) } }
                npsScore.reset()
            }
            var signals = CustomerSignals(
                customerRowID: id, daysSinceLastInteraction: nil, interactionsInWindow: tally.interactions,
                emailsDelivered: 0, emailsOpened: 0, touchpointsDelivered: 0, touchpointsResponded: 0, paymentsDue: 0,
                paymentsMissed: tally.count(.payment_missed), premiumNowCents: 0, premiumYearAgoCents: 0, heldTypes: [], latestNPS: latestNPS,
                complaintsFiled: tally.count(.complaint_filed), complaintsResolved: tally.count(.complaint_resolved), tenureMonths: 0,
                activePolicies: 0, totalPolicies: 0, renewalsMade: tally.count(.policy_renewed), renewalsLost: 0, cancellationsInWindow: 0,
                claimsInWindow: tally.count(.claim_filed), claimAmountInWindowCents: tally.claimAmountCents, premiumEarnedInWindowCents: 0,
                satisfactionScore: satisfaction)
            try policies.rows(of: id) { r in
                signals.activePolicies = r.int(1)
                signals.totalPolicies = r.int(2)
                let left = r.int(1) == 0 ? r.optionalInt(11).map { min($0, asOf) } : nil
                signals.tenureMonths = r.optionalInt(3).map { Timestamp.wholeMonths(from: $0, to: max($0, left ?? asOf)) } ?? 0
                signals.premiumNowCents = r.int(4)
                signals.premiumYearAgoCents = tally.premiumThen(premiumNow: r.int(5), inForceYearAgo: r.isNull(12) ? "" : r.text(12))
                signals.heldTypes = Set(r.text(6).split(separator: ",").compactMap { PolicyType(rawValue: String($0)) })
                signals.renewalsLost = r.int(7)
                signals.cancellationsInWindow = r.int(8)
                signals.paymentsDue = r.int(9)
                signals.premiumEarnedInWindowCents = r.int(10)
            }
            var lastResponse = 0
            try touchpoints.rows(of: id) { r in
                signals.emailsDelivered = r.int(1)
                signals.emailsOpened = r.int(2)
                signals.touchpointsDelivered = r.int(3)
                signals.touchpointsResponded = r.int(4)
                lastResponse = r.int(5)
            }
            let lastInteraction = max(tally.lastContact ?? 0, lastResponse)
            signals.daysSinceLastInteraction = lastInteraction > 0 ? max(0, (asOf - lastInteraction) / Timestamp.secondsPerDay) : nil
            try body(signals)
            try customers.advance()
        }
    }
}

/// A statement whose rows come in customer order (the customer's row id in column 0), read alongside
/// the customers: each customer takes its rows as it comes, rows of customers not asked about are skipped.
private final class CustomerOrderedRows {
    let statement: Statement
    /// The customer of the current row; nil once the rows are exhausted.
    private(set) var customer: Int64?

    init(_ statement: Statement) { self.statement = statement }

    /// Binds the parameters and reads the first row.
    func start(_ params: [SQLValue]) throws {
        try statement.bind(params)
        try advance()
    }

    func advance() throws { customer = try statement.step() ? statement.row.int64(0) : nil }

    /// Calls `body` with each row of customer `id`, after skipping the rows of customers before it.
    func rows(of id: Int64, _ body: (Row) throws -> Void) throws {
        while let c = customer, c <= id {
            if c == id { try body(statement.row) }
            try advance()
        }
    }
}

/// One customer's events up to and including the observation instant, counted as they are read.
private struct EventTally {
    /// The event types the signals count; a row's type is found among their names byte for byte.
    static let counted: [EventType] = [.contact_made, .touchpoint_responded, .nps_response, .payment_missed, .complaint_filed,
                                       .complaint_resolved, .policy_renewed, .claim_filed]
    static let names = TextNames(counted.map(\.rawValue))

    /// Contacts made, touchpoint responses and NPS answers are the customer's interactions.
    static func isInteraction(_ type: EventType) -> Bool { type == .contact_made || type == .touchpoint_responded || type == .nps_response }

    /// Events of each counted type in the window.
    private var inWindow = [Int](repeating: 0, count: counted.count)
    /// Interactions in the window.
    private(set) var interactions = 0
    /// The latest interaction at any time up to the observation instant.
    private(set) var lastContact: Int?
    /// The latest NPS answer (the lowest row id among answers at the same instant).
    private(set) var latestNPS: (at: Int, row: Int64)?
    /// Σ of the claims' amounts in the window, in cents.
    private(set) var claimAmountCents = 0

    /// Events of `type` (one of `counted`) in the window.
    func count(_ type: EventType) -> Int { Self.counted.firstIndex(of: type).map { inWindow[$0] } ?? 0 }

    /// The premium changes (after − before, in cents) recorded after the year-ago instant, later than the
    /// observation instant too, with their policy's row id (nil: none), in the order read.
    private var premiumChangesSinceYearAgo: [(policy: Int64?, cents: Double)] = []

    /// The annual premium in force a year ago at that time's premiums: `premiumNow` (Σ today's annual premium of
    /// the policies in force then) less the premium changes recorded since on those policies, whose row ids
    /// `inForceYearAgo` lists (SQLite's `group_concat`: comma-separated; empty for none): today's premiums less
    /// these changes are the premiums of then. The changes are summed in the order read, as SQLite's `sum` of the
    /// same REAL values did (whole numbers, exact in any order).
    /// `inForceYearAgo` is read only for a customer with premium changes (most have none).
    func premiumThen(premiumNow: Int, inForceYearAgo: @autoclosure () -> String) -> Int {
        var changes = 0.0
        if !premiumChangesSinceYearAgo.isEmpty {
            let policies = inForceYearAgo().split(separator: ",").compactMap { Int64($0) }
            for change in premiumChangesSinceYearAgo {
                if let policy = change.policy, policies.contains(policy) { changes += change.cents }
            }
        }
        let then = Double(premiumNow) - changes
        // As SQLite's `sqlite3_column_int64` turns the REAL sum into an integer (whole numbers: exact).
        return then.isNaN ? 0 : then >= 9.2e18 ? .max : then <= -9.2e18 ? .min : Int(then)
    }

    /// Row: customer, occurred_at, event_type, id, claim amount in cents (claims in the window only), premium change
    /// in cents and its policy (a renewal or coverage change after the year-ago instant). Rows after the
    /// observation instant are premium changes only, and count for nothing else.
    mutating func add(_ r: Row, window: Int, asOf: Int) {
        if !r.isNull(5) { premiumChangesSinceYearAgo.append((r.isNull(6) ? nil : r.int64(6), r.double(5))) }
        let at = r.int(1)
        guard at <= asOf, let position = r.position(2, in: Self.names) else { return }
        let type = Self.counted[position]
        if at > window {
            inWindow[position] += 1
            if Self.isInteraction(type) { interactions += 1 }
            // Saturating: amounts are checked when recorded, but a sum must not wrap into a negative figure.
            if type == .claim_filed {
                let amount = r.int(4), (sum, overflow) = claimAmountCents.addingReportingOverflow(amount)
                claimAmountCents = overflow ? (amount < 0 ? .min : .max) : sum
            }
        }
        if Self.isInteraction(type) { lastContact = max(lastContact ?? at, at) }
        if type == .nps_response {
            let row = r.int64(3)
            if let latest = latestNPS, latest.at > at || (latest.at == at && latest.row < row) { return }
            latestNPS = (at, row)
        }
    }
}
