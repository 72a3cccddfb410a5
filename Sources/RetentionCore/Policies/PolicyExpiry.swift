/// How long a policy may stay past its expiration date, unrenewed, before it counts as ended.
///
/// Agency systems keep a renewal open for a grace period after the expiration date: a renewal recorded in
/// that time continues the policy from its expiration date (`renew` starts the new term there), and the
/// renewals pane shows the policy as overdue. Past expiration + grace with no renewal, the policy has ended:
///
///     ended when  expirationDate + grace(line) × 1 day ≤ now, status still active or pending_renewal
///
/// It becomes `lapsed` (end reason `non_payment`) when a payment of its current term was missed and not
/// followed by a payment, `expired` otherwise (end reason `not_renewed`; `term_ended` for a life policy, written
/// for its term). Its `endedAt` is the expiration
/// date (coverage stopped then; a period's metrics that include the grace days count it as ended from its
/// expiration), and the `policy_expired` / `policy_lapsed` event is dated then. When it was the customer's last
/// policy in force, `customer_churned` is dated at the latest end of any of their policies (when they left).
/// Each change is audited (`policy.expire`).
///
/// grace(line) is the setting `policy.graceDays.LINE` when set, else `policy.graceDays` (default 30 days).
public struct RenewalGrace: Sendable, Equatable {
    /// Days for every line without its own setting.
    public var defaultDays = 30
    /// Days for a line, by line name (`auto`, `home`, …).
    public var daysByLine: [String: Int] = [:]

    public init(defaultDays: Int = 30, daysByLine: [String: Int] = [:]) {
        self.defaultDays = defaultDays
        self.daysByLine = daysByLine
    }

    public static let defaultKey = "policy.graceDays"
    static let linePrefix = "policy.graceDays."
    /// The longest grace a setting may give (a year and a day covers any annual term's renewal).
    public static let maximumDays = 366

    /// The grace of one line, in days.
    public func days(for line: String) -> Int { daysByLine[line] ?? defaultDays }

    /// Whether `key` names a grace setting: the default one or a known line's.
    static func isKey(_ key: String) -> Bool {
        key == defaultKey || (key.hasPrefix(linePrefix) && PolicyType(rawValue: String(key.dropFirst(linePrefix.count))) != nil)
    }

    /// A setting's value checked: a whole number of days from 0 to 366.
    static func parse(_ key: String, _ value: String) throws -> Int {
        guard let days = Int(value.trimmingCharacters(in: .whitespaces)), (0...maximumDays).contains(days) else {
            throw RetentionError.invalid(key, "must be a whole number of days from 0 to \(maximumDays), got \"\(value)\"")
        }
        return days
    }
}

/// What one pass of ``Engine/expireOverduePolicies(now:)`` ended.
public struct ExpirySummary: Sendable, Equatable {
    /// Policies that became `expired` (not renewed within the grace period).
    public var expired = 0
    /// Policies that became `lapsed` (a payment of the term was missed).
    public var lapsed = 0
    /// Customers left with no policy in force by this pass (now former customers).
    public var customersLeft = 0

    public var isEmpty: Bool { expired == 0 && lapsed == 0 }
    public var description: String {
        "\(expired) expired, \(lapsed) lapsed, \(customersLeft) customer\(customersLeft == 1 ? "" : "s") left"
    }
}

extension Engine {
    /// The grace periods in force (settings `policy.graceDays` and `policy.graceDays.LINE`).
    public func renewalGrace() throws -> RenewalGrace {
        let settings = db.settings
        var grace = RenewalGrace(defaultDays: try settings.value(Settings.graceDays))
        for line in PolicyType.allCases { grace.daysByLine[line.rawValue] = try settings.stored(Settings.graceDays(line: line)) }
        return grace
    }

    /// Ends every policy still in force past its expiration date plus the grace of its line (see
    /// ``RenewalGrace``). Idempotent: a second pass at the same instant finds nothing. The policies are taken
    /// in chunks of `chunkSize` in renewal-date order, each chunk one transaction (all of its policies, events,
    /// audit rows and counters, or none), so a first pass over a book left unswept for months holds the write
    /// lock a fraction of a second at a time, and a pass that is interrupted resumes where it stopped the next
    /// time. Run by `campaign tick`, `dispatch --watch`, `rescore` and when the dashboard opens the book; the
    /// API does not run it (run `retention campaign tick` from cron where the API is the only client).
    @discardableResult
    public func expireOverduePolicies(now: Int, chunkSize: Int = 2_000) throws -> ExpirySummary {
        let grace = try renewalGrace()
        let shortestGrace = ([grace.defaultDays] + grace.daysByLine.values).min() ?? grace.defaultDays
        // Only the policies whose renewal date is at least the shortest grace behind are read (through the
        // partial index of in-force policies by renewal date, in its order, after the last one read); each is
        // then held to its own line's grace.
        struct Overdue { var row: Int64, uuid: String, number: String, customer: Int64, expiration: Int, graceDays: Int, missedPayment: Bool, isLife: Bool }
        var summary = ExpirySummary()
        var cursor: (date: Int64, id: Int64) = (Int64.min, Int64.min)
        var read = chunkSize
        while read == chunkSize {
            read = 0
            try db.transaction {
                var overdue: [Overdue] = []
                try db.forEach("""
                    SELECT p.id, p.uuid, p.policy_number, p.customer_id, p.expiration_date, p.policy_type,
                           EXISTS (SELECT 1 FROM retention_events m
                                   WHERE m.customer_id = p.customer_id AND m.event_type = 'payment_missed' AND m.policy_id = p.id
                                     AND m.occurred_at >= p.effective_date
                                     AND NOT EXISTS (SELECT 1 FROM retention_events r
                                                     WHERE r.customer_id = p.customer_id AND r.event_type = 'payment_received'
                                                       AND r.policy_id = p.id AND r.occurred_at >= m.occurred_at)),
                           p.renewal_date
                    FROM policies p INDEXED BY policies_renewal_queue
                    WHERE p.status IN \(PolicyStatus.inForceSQL) AND p.renewal_date <= ?1
                      AND (p.renewal_date > ?2 OR (p.renewal_date = ?2 AND p.id > ?3))
                    ORDER BY p.renewal_date, p.id
                    LIMIT ?4
                    """, [.int(Int64(now - shortestGrace * Timestamp.secondsPerDay)), .int(cursor.date), .int(cursor.id), .int(Int64(chunkSize))]) { r in
                    read += 1
                    cursor = (r.int64(7), r.int64(0))
                    let expiration = r.int(4), days = grace.days(for: r.text(5))
                    guard expiration + days * Timestamp.secondsPerDay <= now else { return }
                    overdue.append(Overdue(row: r.int64(0), uuid: r.text(1), number: r.text(2), customer: r.int64(3),
                                           expiration: expiration, graceDays: days, missedPayment: r.bool(6), isLife: r.text(5) == PolicyType.life.rawValue))
                }
                var customers = Set<Int64>()
                for p in overdue {
                    let status: PolicyStatus = p.missedPayment ? .lapsed : .expired
                    // A life policy is written for a term (10 to 30 years) and not renewed: at its end the term ended.
                    let reason = p.missedPayment ? "non_payment" : p.isLife ? "term_ended" : "not_renewed"
                    try db.run("""
                        UPDATE policies SET status = ?, ended_at = ?, end_reason = ?, version = version + 1, updated_at = ? WHERE id = ?
                        """, [.text(status.rawValue), .int(Int64(p.expiration)), .text(reason), .int(Int64(now)), .int(p.row)])
                    try insertEvent(customerRow: p.customer, policyRow: p.row, type: p.missedPayment ? .policy_lapsed : .policy_expired,
                                    severity: p.missedPayment ? .warning : .info,
                                    data: .object([("policyNumber", .string(p.number)), ("reason", .string(reason)),
                                                   ("expirationDate", .string(Timestamp.formatDate(p.expiration))), ("graceDays", .int(p.graceDays))]),
                                    actions: [], occurredAt: p.expiration, now: now)
                    try audit("policy.expire", entity: "policy", id: p.uuid,
                              details: .object([("status", .string(status.rawValue)), ("endedAt", .string(Timestamp.formatDate(p.expiration)))]), now: now)
                    if p.missedPayment { summary.lapsed += 1 } else { summary.expired += 1 }
                    customers.insert(p.customer)
                }
                for customer in customers.sorted() {
                    try refreshCustomerCounters(customer, now: now)
                    // Left: nothing in force now. They left when their last policy ended, whichever way it ended.
                    if try recordChurnIfLastPolicyEnded(customerRow: customer, datedAtLastEnd: true, now: now) { summary.customersLeft += 1 }
                }
            }
        }
        return summary
    }
}
