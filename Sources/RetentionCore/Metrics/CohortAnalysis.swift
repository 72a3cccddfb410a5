import Foundation

/// Cohort retention and survival of customers and policies, from one aggregate read each.
///
/// A customer joins at their first policy's inception and leaves when their last policy ends (if nothing
/// is in force now, the latest end date; a customer who left and came back counts as never having left).
public enum CohortGrain: String, CaseIterable, Sendable {
    case quarter, year
    var months: Int { self == .quarter ? 3 : 12 }
}

/// The classic retention triangle: for each cohort, the share still a customer after 1, 2, … periods.
public struct CohortTable: Sendable {
    public struct Cohort: Sendable {
        public var label: String
        public var size: Int
        /// retained[k] = share still a customer k + 1 periods after the cohort's start (only instants already past).
        public var retained: [Double]
    }
    public var grain: CohortGrain
    public var cohorts: [Cohort]
}

extension Engine {
    /// (joined, left) of every customer with a policy; `left` nil while a policy is in force.
    func customerLifetimes(agentId: String? = nil) throws -> [(joined: Int, left: Int?)] {
        try db.query("""
            SELECT min(p.inception_date),
                   CASE WHEN count(*) FILTER (WHERE p.status IN \(PolicyStatus.inForceSQL)) > 0 THEN NULL ELSE max(p.ended_at) END
            FROM policies p JOIN customers c ON c.id = p.customer_id WHERE (?1 IS NULL OR c.agent_id = ?1)
            GROUP BY p.customer_id
            """, [.init(agentId)]) { ($0.int(0), $0.optionalInt(1)) }
    }

    /// Cohorts by the quarter or year customers joined, from `since` (default: the last 3 years) to now.
    public func cohortRetention(grain: CohortGrain, since: Int? = nil, agentId: String? = nil, now: Int) throws -> CohortTable {
        let lifetimes = try customerLifetimes(agentId: agentId)
        let (y, m, _) = Timestamp.civil(days: Timestamp.floorDiv(since ?? Timestamp.addingMonths(-36, to: now), Timestamp.secondsPerDay))
        var start = Timestamp.days(year: y, month: ((m - 1) / grain.months) * grain.months + 1, day: 1) * Timestamp.secondsPerDay
        var cohorts: [CohortTable.Cohort] = []
        while start <= now {
            let end = Timestamp.addingMonths(grain.months, to: start)
            let members = lifetimes.filter { $0.joined >= start && $0.joined < end }
            var retained: [Double] = []
            var k = 1
            while Timestamp.addingMonths(grain.months * k, to: start) <= now, !members.isEmpty {
                let at = Timestamp.addingMonths(grain.months * k, to: start)
                retained.append(Double(members.filter { $0.left.map { $0 > at } ?? true }.count) / Double(members.count))
                k += 1
            }
            let (cy, cm, _) = Timestamp.civil(days: start / Timestamp.secondsPerDay)
            cohorts.append(.init(label: grain == .year ? "\(cy)" : "\(cy)-Q\((cm - 1) / 3 + 1)", size: members.count, retained: retained))
            start = end
        }
        return CohortTable(grain: grain, cohorts: cohorts)
    }

    /// Kaplan–Meier curve of customer lifetime in months (censored at `now` for customers still active).
    public func customerSurvival(agentId: String? = nil, now: Int) throws -> KaplanMeier {
        let lifetimes = try customerLifetimes(agentId: agentId)
        return KaplanMeier(durations: lifetimes.map { Double(($0.left ?? now) - $0.joined) / (30.4375 * 86_400) },
                           events: lifetimes.map { $0.left != nil })
    }

    /// Kaplan–Meier curves of policy lifetime in months per policy type (rewrites are censored, not losses).
    public func policySurvival(agentId: String? = nil, now: Int) throws -> [(PolicyType, KaplanMeier)] {
        var data: [PolicyType: (d: [Double], e: [Bool])] = [:]
        try db.forEach("""
            SELECT p.policy_type, p.inception_date, p.ended_at, p.status NOT IN \(PolicyStatus.inForceSQL) AND coalesce(p.end_reason, '') != 'rewritten'
            FROM policies p JOIN customers c ON c.id = p.customer_id WHERE (?1 IS NULL OR c.agent_id = ?1)
            """, [.init(agentId)]) { r in
            guard let type = PolicyType(rawValue: r.text(0)) else { return }
            let end = r.optionalInt(2) ?? now
            data[type, default: ([], [])].d.append(Double(end - r.int(1)) / (30.4375 * 86_400))
            data[type, default: ([], [])].e.append(r.bool(3))
        }
        return data.keys.sorted { $0.rawValue < $1.rawValue }.map { ($0, KaplanMeier(durations: data[$0]!.d, events: data[$0]!.e)) }
    }
}
