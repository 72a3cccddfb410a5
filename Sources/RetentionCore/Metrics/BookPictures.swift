import Foundation

/// The book as pictures (the dashboard's manager view and `retention report --format html|svg`): monthly
/// retention and churn over the last 24 complete months, the trailing year's NRR and GRR, survival of
/// customers and of each line's policies, the monthly cohort triangle, and each agent's workload.
///
/// Customers follow the lifetime model of the cohorts and survival curves (`customerLifetimes`): a
/// customer **joins** at their first policy's inception and **leaves** at their last policy's end, once
/// nothing is in force (a customer who left and came back counts as never having left). A customer is
/// present over the half-open span (joined, left]: active at instant t when joined ≤ t < left.
///
/// Monthly series, month m from its first instant sₘ to the next month's eₘ:
/// - Sₘ = customers active at sₘ (joined ≤ sₘ < left);
/// - Cₘ = churned in m: active at sₘ and left ≤ eₘ (sₘ < left ≤ eₘ);
/// - Rₘ = Sₘ − Cₘ (still active at eₘ); retention = Rₘ / Sₘ × 100, churn = Cₘ / Sₘ × 100 (nil when Sₘ = 0).
///
/// Survival (Kaplan–Meier on whole months, `KaplanMeier`): a duration d in months (seconds / 2,629,800, i.e.
/// 30.4375 days) counts as an event at month ⌈d⌉ (at least 1) for a customer (policy) who left, and as
/// censored at ⌊d⌋ for one still here; S(k) is then the share expected to stay beyond k months.
/// Policies follow `policySurvival`: a rewritten policy is censored, not lost.
///
/// Cohort triangle: the cohort of month c holds the customers who joined in it (s_c ≤ joined < e_c);
/// cell k (k ≥ 1) is the share of them still a customer at s_{c+k} (left > s_{c+k}, or nothing ended),
/// shown only for instants already past. The last 12 months' cohorts, this month's excluded.
///
/// Agents (by the customer's agent): Queue = their customers in the at-risk queue (`atRiskQueueConditions`,
/// the default levels medium, high and critical; the same definition as the at-risk pane and the header);
/// Assigned = of those, the ones assigned to a specialist; Contacted this week = their customers with a
/// contact since Monday 00:00 UTC; Retention = the trailing year's: of their customers active twelve
/// months ago (joined ≤ s < left), the share still active now.
public struct BookPictures: Sendable, Equatable {
    public struct Month: Sendable, Equatable {
        /// `2026-05`.
        public var label: String
        public var start: Int
        public var activeAtStart: Int
        public var churned: Int
        public var retained: Int { activeAtStart - churned }
        /// Rₘ / Sₘ × 100, nil when no one was active at the start.
        public var retentionRate: Double? { activeAtStart > 0 ? Double(retained) / Double(activeAtStart) * 100 : nil }
        public var churnRate: Double? { activeAtStart > 0 ? Double(churned) / Double(activeAtStart) * 100 : nil }
    }

    /// One point of a survival curve: S(k) after `month` whole months, with the customers still at risk.
    public struct SurvivalPoint: Sendable, Equatable {
        public var month: Int
        public var survival: Double
        public var atRisk: Int
    }

    public struct Curve: Sendable, Equatable {
        /// `customers`, or the policy line.
        public var name: String
        /// S(k) for k = 0, 1, … up to the longest follow-up (S(0) = 1).
        public var points: [SurvivalPoint]
        /// The first month at which S ≤ 0.5 (nil if it never falls that far).
        public var medianMonths: Int?
        public func survival(at month: Int) -> Double? { points.first { $0.month == month }?.survival }
    }

    public struct Cohort: Sendable, Equatable {
        public var label: String
        public var size: Int
        /// retained[k − 1] = share still a customer k months after the cohort's month began.
        public var retained: [Double]
    }

    public struct Agent: Sendable, Equatable {
        public var agentId: String
        /// The agent's name from the `agents` table (`agentNames`), nil when it has none.
        public var name: String?
        public var customers: Int
        public var queue: Int
        public var assigned: Int
        public var contactedThisWeek: Int
        /// The trailing year's retention (nil when none was active a year ago).
        public var retentionRate: Double?
    }

    /// The last 24 complete months, oldest first.
    public var months: [Month]
    /// The trailing year's net and gross revenue retention (`retentionMetrics`, premium-based).
    public var netRevenueRetention: Double?
    public var grossRevenueRetention: Double?
    /// Customers first, then one curve per line.
    public var curves: [Curve]
    public var cohorts: [Cohort]
    public var agents: [Agent]
    public var computedAt: Int
}

extension Engine {
    /// Seconds in the months of the survival curves (30.4375 days).
    static let survivalMonthSeconds = 2_629_800

    /// The month index (year × 12 + month − 1) of a time in seconds, in SQL.
    private static func monthSQL(_ t: String) -> String {
        "(CAST(strftime('%Y', \(t), 'unixepoch') AS INTEGER) * 12 + CAST(strftime('%m', \(t), 'unixepoch') AS INTEGER) - 1)"
    }

    /// Each customer's (joined, left), left NULL while a policy is in force: one pass over the policies'
    /// covering index, grouped by customer.
    private static let lifetimesSQL = """
        SELECT p.customer_id AS id, min(p.inception_date) AS joined,
               CASE WHEN count(*) FILTER (WHERE p.status IN \(PolicyStatus.inForceSQL)) > 0 THEN NULL ELSE max(p.ended_at) END AS gone
        FROM policies p GROUP BY p.customer_id
        """

    /// Whole survival months of a duration `d` in seconds: ⌈d⌉ (at least 1) for an event, ⌊d⌋ if censored.
    private static func survivalMonthsSQL(duration d: String, event: String) -> String {
        let m = survivalMonthSeconds
        return "CASE WHEN \(event) THEN max(1, (max(0, \(d)) + \(m - 1)) / \(m)) ELSE max(0, \(d)) / \(m) END"
    }

    /// The manager view's pictures of the book at `now` (see `BookPictures` for every definition). Set-based:
    /// three grouped passes (customers' lifetimes by month, policies by line and duration, customers by
    /// agent) and the trailing year's revenue retention; nothing is read customer by customer.
    public func bookPictures(now: Int) throws -> BookPictures {
        let month = Self.monthSQL
        let nowMonth = Self.monthIndex(now)
        // Customers by (month of joined − 1 s, month of joined, month of left − 1 s, survival months, left?).
        var cells: [(j: Int, j0: Int, l: Int?, d: Int, gone: Bool, n: Int)] = []
        try db.forEach("""
            SELECT \(month("joined - 1")), \(month("joined")), CASE WHEN gone IS NULL THEN NULL ELSE \(month("gone - 1")) END,
                   \(Self.survivalMonthsSQL(duration: "coalesce(gone, ?1) - joined", event: "gone IS NOT NULL")), gone IS NOT NULL, count(*)
            FROM (\(Self.lifetimesSQL)) GROUP BY 1, 2, 3, 4, 5
            """, [.int(Int64(now))]) { r in
            cells.append((r.int(0), r.int(1), r.optionalInt(2), r.int(3), r.bool(4), r.int(5)))
        }
        // The last 24 complete months.
        let months = ((nowMonth - 24)..<nowMonth).map { m -> BookPictures.Month in
            var active = 0, churned = 0
            for c in cells where c.j < m && (c.l.map { $0 >= m } ?? true) {
                active += c.n
                if c.l == m { churned += c.n }
            }
            return BookPictures.Month(label: Self.monthLabel(m), start: Self.monthStart(m), activeAtStart: active, churned: churned)
        }
        // Monthly cohorts of the last 12 complete months.
        let cohorts = ((nowMonth - 12)..<nowMonth).map { c -> BookPictures.Cohort in
            let members = cells.filter { $0.j0 == c }
            let size = members.reduce(0) { $0 + $1.n }
            let retained = size == 0 ? [] : (1...(nowMonth - c)).map { k in
                Double(members.filter { $0.l.map { $0 >= c + k } ?? true }.reduce(0) { $0 + $1.n }) / Double(size)
            }
            return BookPictures.Cohort(label: Self.monthLabel(c), size: size, retained: retained)
        }
        var curves = [Self.curve("customers", KaplanMeier(groups: cells.map { (Double($0.d), $0.gone ? $0.n : 0, $0.gone ? 0 : $0.n) }))]
        // Policies by line, survival months and whether lost (a rewrite is censored, not lost).
        var lines: [String: [(time: Double, events: Int, censored: Int)]] = [:]
        let lost = "status NOT IN \(PolicyStatus.inForceSQL) AND coalesce(end_reason, '') != 'rewritten'"
        try db.forEach("""
            SELECT policy_type, \(Self.survivalMonthsSQL(duration: "coalesce(ended_at, ?1) - inception_date", event: lost)), \(lost), count(*)
            FROM policies GROUP BY 1, 2, 3
            """, [.int(Int64(now))]) { r in
            lines[r.text(0), default: []].append((Double(r.int(1)), r.bool(2) ? r.int(3) : 0, r.bool(2) ? 0 : r.int(3)))
        }
        curves += lines.keys.sorted().map { Self.curve($0, KaplanMeier(groups: lines[$0]!)) }
        // Agents: the queue, assigned and contacted from the customers; retention from the lifetimes.
        var queueDefinition = AtRiskQuery()
        queueDefinition.levels = [.medium, .high, .critical]
        let (queueConditions, queueParams) = Self.atRiskQueueConditions(queueDefinition, now: now)!
        let queue = queueConditions.joined(separator: " AND ")
        let today = Timestamp.floorDiv(now, Timestamp.secondsPerDay)
        let weekStart = (today - (today + 3) % 7) * Timestamp.secondsPerDay   // 1970-01-01 was a Thursday
        var agents: [String: BookPictures.Agent] = [:]
        try db.forEach("""
            SELECT c.agent_id, count(*), count(*) FILTER (WHERE \(queue)), count(*) FILTER (WHERE \(queue) AND c.assigned_to IS NOT NULL),
                   count(*) FILTER (WHERE c.last_contact_date >= ?)
            FROM customers c WHERE c.erased_at IS NULL GROUP BY c.agent_id
            """, queueParams + queueParams + [.int(Int64(weekStart))]) { r in
            agents[r.text(0)] = .init(agentId: r.text(0), name: nil, customers: r.int(1), queue: r.int(2), assigned: r.int(3), contactedThisWeek: r.int(4))
        }
        let yearAgo = Timestamp.addingMonths(-12, to: now)
        try db.forEach("""
            SELECT c.agent_id, count(*) FILTER (WHERE l.joined <= ?1 AND (l.gone IS NULL OR l.gone > ?1)),
                   count(*) FILTER (WHERE l.joined <= ?1 AND (l.gone IS NULL OR l.gone > ?2))
            FROM (\(Self.lifetimesSQL)) l JOIN customers c ON c.id = l.id GROUP BY c.agent_id
            """, [.int(Int64(yearAgo)), .int(Int64(now))]) { r in
            let (start, still) = (r.int(1), r.int(2))
            agents[r.text(0), default: .init(agentId: r.text(0), name: nil, customers: 0, queue: 0, assigned: 0, contactedThisWeek: 0)].retentionRate =
                start > 0 ? Double(still) / Double(start) * 100 : nil
        }
        for (id, name) in try agentNames(ids: agents.keys) { agents[id]?.name = name }
        var period = MetricsPeriod.trailingYear(now: now)
        period.includesCampaignROI = false
        let revenue = try retentionMetrics(period).revenue
        return BookPictures(months: months, netRevenueRetention: revenue.netRevenueRetention, grossRevenueRetention: revenue.grossRevenueRetention,
                            curves: curves, cohorts: cohorts,
                            agents: agents.values.sorted { ($0.queue, $1.agentId) > ($1.queue, $0.agentId) }, computedAt: now)
    }

    /// A survival curve at whole months 0 … the longest follow-up.
    private static func curve(_ name: String, _ km: KaplanMeier) -> BookPictures.Curve {
        let last = Int(km.longestFollowUp)
        let points = (0...max(0, last)).map { k in
            BookPictures.SurvivalPoint(month: k, survival: km.survival(at: Double(k)),
                                       atRisk: km.rows.first { $0.time >= Double(k) }?.atRisk ?? 0)
        }
        return BookPictures.Curve(name: name, points: km.rows.isEmpty && last == 0 ? [] : points, medianMonths: km.median.map { Int($0) })
    }

    static func monthIndex(_ t: Int) -> Int {
        let (y, m, _) = Timestamp.civil(days: Timestamp.floorDiv(t, Timestamp.secondsPerDay))
        return y * 12 + m - 1
    }

    static func monthStart(_ index: Int) -> Int {
        Timestamp.days(year: Timestamp.floorDiv(index, 12), month: index - Timestamp.floorDiv(index, 12) * 12 + 1, day: 1) * Timestamp.secondsPerDay
    }

    static func monthLabel(_ index: Int) -> String { String(Timestamp.formatDate(monthStart(index)).prefix(7)) }
}
