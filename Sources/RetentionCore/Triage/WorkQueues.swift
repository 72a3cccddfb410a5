import Foundation

/// Filters of the at-risk queue (`GET /at-risk`).
public struct AtRiskQuery: Sendable, Equatable {
    /// Risk levels to show; default medium, high and critical.
    public var levels: [ChurnRisk] = [.medium, .high, .critical]
    public var agentId: String?
    public var policyType: PolicyType?
    public var tag: String?
    /// Only customers assigned to this specialist.
    public var assignedTo: String?
    public var unassignedOnly = false
    public var includeSnoozed = false
    /// Matches the start of the first name, last name, full name or e-mail (case-insensitive).
    public var search: String?
    public var limit = 50
    public var page = 1
    public init() {}
}

/// One row of the at-risk queue: what a specialist needs to act.
public struct AtRiskEntry: Sendable, Equatable {
    public var id: String
    public var name: String
    public var email: String
    public var phone: String?
    public var agentId: String
    public var churnRisk: ChurnRisk
    public var churnProbability: Double
    public var topRiskFactor: String?
    public var healthScore: Double
    public var projectedLTVCents: Int?
    public var ltvTier: String?
    public var nextRenewalDate: Int?
    public var lastContactDate: Int?
    public var assignedTo: String?
    public var snoozedUntil: Int?
    /// The manual risk level in force (`risk_overrides`, until after now), shown beside the model's `churnRisk`; nil: none.
    public var overrideLevel: ChurnRisk? = nil
}

/// One row of the upcoming-renewals queue.
public struct RenewalEntry: Sendable, Equatable {
    public var policyId: String
    public var policyNumber: String
    public var policyType: PolicyType
    public var status: PolicyStatus
    public var annualPremiumCents: Int
    public var renewalDate: Int
    public var daysUntilRenewal: Int
    public var overdue: Bool
    public var customerId: String
    public var customerName: String
    public var churnRisk: ChurnRisk
    public var churnProbability: Double?
    public var healthScore: Double
    public var agentId: String
}

extension Engine {
    /// Customers most likely to leave, most likely first, then by the lifetime value at stake.
    /// Only customers with a policy in force; snoozed customers are hidden until their snooze ends.
    ///
    /// The order is served by the partial index `customers_risk_queue`, so the first page is instant
    /// however large the book. With filters, three ways to a page:
    /// - a filter that can match only a few customers (a search, or an agent, tag, line or owner with at
    ///   most `fewEnough` customers, counted from that filter's own index) drives: those customers are read
    ///   first, through that index, and the page is sorted from them;
    /// - else, when an agent, tag, line or owner is asked for, the queue is walked in order, testing each
    ///   customer, for at most `walkBudget` entries (or four times the page's end, if more); the page found is
    ///   kept when it is full (its customers come first in the order) or when the walk reached the end of the
    ///   queue (without such a filter the walk is not bounded: levels, snoozes and ownership leave most of it);
    /// - else the matches are sparse at the head of the queue, and the filter with the fewest customers
    ///   drives after all (walking on could read the whole queue: a second at a million customers).
    public func atRisk(_ q: AtRiskQuery, now: Int, fewEnough: Int = 2_000, walkBudget: Int = 25_000) throws -> [AtRiskEntry] {
        let inForce = "status IN \(PolicyStatus.inForceSQL)"
        // The filters that can list their own customers through an index, as queries (`driver`s) and values.
        typealias Driver = (sql: String, params: [SQLValue])
        var drivers: [Driver] = []
        var driver: Driver?
        // A search always drives: its customers come from the full-text index `customer_search` (walking the
        // queue for a name that matches nobody took 10 s at a million in the dashboard).
        if let search = Engine.nameSearchDriver(q.search) { driver = search }
        if let a = q.agentId { drivers.append(("SELECT id FROM customers WHERE agent_id = ?", [.text(a)])) }
        if let t = q.policyType { drivers.append(("SELECT DISTINCT customer_id AS id FROM policies WHERE policy_type = ? AND \(inForce)", [.text(t.rawValue)])) }
        if let tag = q.tag { drivers.append(("SELECT customer_id AS id FROM customer_tags WHERE tag = ?", [.text(tag)])) }
        if let who = q.assignedTo { drivers.append(("SELECT id FROM customers WHERE assigned_to = ?", [.text(who)])) }
        func customers(_ d: Driver, atMost cap: Int? = nil) throws -> Int {
            try db.scalarInt("SELECT count(*) FROM (\(d.sql) \(cap == nil ? "" : "LIMIT ?"))", d.params + (cap.map { [.int(Int64($0))] } ?? []))
        }
        if driver == nil {
            driver = try drivers.first { try customers($0, atMost: fewEnough + 1) <= fewEnough }
        }

        // The queue's conditions, shared with its count (`atRiskCount`, Triage/AtRiskCount.swift).
        guard let (conditions, params) = Self.atRiskQueueConditions(q, now: now) else { return [] }
        let limit = max(1, min(q.limit, Self.queueRowsAtMost)), page = max(1, q.page)
        let order = "ORDER BY c.churn_probability DESC, c.projected_ltv_cents DESC, c.id"
        /// One page, from the driver's customers or from the queue (down to `bound`, the probability of the
        /// last entry to walk, when given).
        func entries(driver: Driver?, bound: SQLValue? = nil) throws -> [AtRiskEntry] {
            try db.query("""
                SELECT c.uuid, c.first_name || ' ' || c.last_name, c.email, c.phone, c.agent_id, c.churn_risk, coalesce(c.churn_probability, 0),
                       c.top_risk_factor, c.health_score, c.projected_ltv_cents, c.ltv_tier, c.next_renewal_date, c.last_contact_date,
                       c.assigned_to, c.snoozed_until
                FROM \(driver.map { "(\($0.sql)) AS m CROSS JOIN customers c ON c.id = m.id" } ?? "customers c INDEXED BY customers_risk_queue")
                WHERE \(conditions.joined(separator: " AND ")) \(bound == nil ? "" : "AND c.churn_probability >= ?")
                \(order) LIMIT ? OFFSET ?
                """, (driver?.params ?? []) + params + (bound.map { [$0] } ?? []) + [.int(Int64(limit)), .int(Int64((page - 1) * limit))]) { r in
                AtRiskEntry(id: r.text(0), name: r.text(1), email: r.text(2), phone: r.optionalText(3), agentId: r.text(4),
                            churnRisk: ChurnRisk(rank: r.int(5)) ?? .medium, churnProbability: r.double(6), topRiskFactor: r.optionalText(7),
                            healthScore: r.double(8), projectedLTVCents: r.optionalInt(9), ltvTier: r.optionalText(10),
                            nextRenewalDate: r.optionalInt(11), lastContactDate: r.optionalInt(12), assignedTo: r.optionalText(13),
                            snoozedUntil: r.optionalInt(14))
            }
        }
        if let driver { return try entries(driver: driver) }
        // No filter that lists its own customers: the rest (levels, owner, snoozes) leave most of the queue.
        if drivers.isEmpty { return try entries(driver: nil) }
        // The bounded walk: down to the probability of the queue entry `budget` places in.
        let budget = max(walkBudget, 4 * page * limit)
        let bound = try db.queryOne("""
            SELECT churn_probability FROM customers c INDEXED BY customers_risk_queue WHERE c.churn_risk >= 1 AND c.erased_at IS NULL
            ORDER BY c.churn_probability DESC, c.projected_ltv_cents DESC LIMIT 1 OFFSET ?
            """, [.int(Int64(budget))]) { $0.value(0) }
        let walked = try entries(driver: nil, bound: bound)
        if walked.count == limit || bound == nil { return walked }
        // Sparse at the head of the queue: the filter with the fewest customers drives.
        let counts = try drivers.map { try customers($0) }
        return try entries(driver: drivers[counts.indices.min { counts[$0] < counts[$1] } ?? 0])
    }

    /// The most rows one read of a work queue returns (the API pages by at most 1,000; the dashboard reads
    /// further as the user scrolls, up to 10,000).
    public static let queueRowsAtMost = 10_000

    /// In-force policies whose renewal date falls within `days` days from today, earliest first.
    /// Renewals whose date has passed without a renewal are included and flagged overdue.
    public func upcomingRenewals(days: Int, agentId: String? = nil, policyType: PolicyType? = nil, limit: Int = 100, page: Int = 1, now: Int) throws -> [RenewalEntry] {
        let today = Timestamp.startOfDay(now)
        let horizon = today + (days + 1) * Timestamp.secondsPerDay
        let limit = max(1, min(limit, Self.queueRowsAtMost)), page = max(1, page)
        return try db.query("""
            SELECT p.uuid, p.policy_number, p.policy_type, p.status, p.annual_premium_cents, p.renewal_date, c.uuid,
                   c.first_name || ' ' || c.last_name, c.churn_risk, c.churn_probability, c.health_score, p.agent_id
            FROM policies p INDEXED BY policies_renewal_queue JOIN customers c ON c.id = p.customer_id
            WHERE p.status IN \(PolicyStatus.inForceSQL) AND p.renewal_date < ?1
              AND (?2 IS NULL OR p.agent_id = ?2) AND (?3 IS NULL OR p.policy_type = ?3)
            ORDER BY p.renewal_date, p.id
            LIMIT ?4 OFFSET ?5
            """, [.int(Int64(horizon)), .init(agentId), .init(policyType?.rawValue), .int(Int64(limit)), .int(Int64((page - 1) * limit))]) { r in
            let date = r.int(5)
            return RenewalEntry(policyId: r.text(0), policyNumber: r.text(1), policyType: PolicyType(rawValue: r.text(2)) ?? .auto,
                                status: PolicyStatus(rawValue: r.text(3)) ?? .active, annualPremiumCents: r.int(4), renewalDate: date,
                                daysUntilRenewal: Timestamp.floorDiv(date - today, Timestamp.secondsPerDay), overdue: date < today,
                                customerId: r.text(6), customerName: r.text(7), churnRisk: ChurnRisk(rank: r.int(8)) ?? .low,
                                churnProbability: r.optionalDouble(9), healthScore: r.double(10), agentId: r.text(11))
        }
    }
}
