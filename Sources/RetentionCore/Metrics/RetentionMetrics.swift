import Foundation

/// The spec's retention metrics for a period (`GET /metrics?startDate=&endDate=&agentId=`).
///
/// The period runs from `startDate` 00:00 UTC to the end of `endDate` (exclusive bound `end`).
/// A customer is **active at time t** when at least one of their policies is in force at t:
/// `inception ≤ t` and not yet ended (`endedAt` null or later than t). Policies ended as a rewrite
/// (`endReason = "rewritten"`) are not losses.
///
/// Customer metrics (S = active at start, E = active at end, N = new in the period and active at end):
/// - retentionRate = (E − N) / S × 100, i.e. the share of customers active at the start who are still active at the end;
/// - churnRate = (S − (E − N)) / S × 100 (so retention + churn = 100);
/// - growthRate = (E − S) / S × 100;
/// - newCustomers = customers whose first policy incepted in the period; churnedCustomers = S − (E − N).
///
/// Policy metrics (P = policies in force at start):
/// - renewalRate[type] = renewed / (renewed + lost at renewal) × 100, where renewed counts `policy_renewed`
///   events in the period and lost at renewal counts policies that lapsed or expired in the period;
/// - cancellationRate = policies cancelled in the period / P × 100 (the customer's decision);
/// - lapseRate = policies lapsed in the period / P × 100 (non-payment);
/// - averagePremium[type] = mean annual premium of the policies in force at the end.
///
/// Revenue metrics, on annualised premium ("recurring revenue"; R₀ = premium in force at the start):
/// - totalRevenue = premium earned in the period: Σ annual premium × (days in force within the period / 365.25);
/// - newCustomerRevenue = the same, for customers new in the period;
/// - renewalRevenue = Σ premium of the terms renewed in the period (annual premium × term months / 12);
/// - expansionRevenue = annual premium of policies started in the period by customers active at the start
///   (cross-sell) + premium increases recorded in the period on policies in force at the start (upsell);
/// - contraction = premium decreases recorded in the period; churnedRevenue = annual premium of
///   policies in force at the start that ended in the period;
/// - netRevenueRetention = (R₀ + expansion − contraction − churned) / R₀ × 100 (may exceed 100);
/// - grossRevenueRetention = (R₀ − contraction − churned) / R₀ × 100 (at most 100);
/// - averageLTV = mean projected LTV of active scored customers; averageCurrentLTV = mean premiums paid to date.
///
/// Campaign metrics: activeCampaigns; touchpointsSent (sent in the period); engagementRate = touchpoints
/// opened, clicked or responded / delivered × 100; conversionRate = responded / delivered × 100.
///
/// Health metrics over active, scored customers: averages and the distribution by band
/// (excellent ≥ 80, good 60–79.9, fair 40–59.9, poor < 40).
///
/// A rate whose denominator is empty is `null`, and `notes` says why, never 0 or NaN.
public struct MetricsPeriod: Sendable {
    public var start: Int
    public var end: Int
    public var agentId: String?

    /// `startDate` and `endDate` are calendar dates; the end date is included.
    public init(startDate: Int, endDate: Int, agentId: String? = nil) throws {
        guard endDate >= startDate else {
            throw RetentionError.invalid("endDate", "must not be before startDate (\(Timestamp.formatDate(startDate)))")
        }
        start = Timestamp.startOfDay(startDate)
        end = Timestamp.startOfDay(endDate) + Timestamp.secondsPerDay
        self.agentId = agentId
    }

    /// The twelve months ending today.
    public static func trailingYear(now: Int, agentId: String? = nil) -> MetricsPeriod {
        let today = Timestamp.startOfDay(now)
        // Both bounds are valid dates, so this cannot throw.
        return try! MetricsPeriod(startDate: Timestamp.addingMonths(-12, to: today) + Timestamp.secondsPerDay, endDate: today, agentId: agentId)
    }
}

extension Engine {
    /// All metric groups for a period, in the spec's shape.
    public func metrics(_ period: MetricsPeriod) throws -> JSONValue {
        var notes: [(String, JSONValue)] = []
        func rate(_ name: String, _ numerator: Double, _ denominator: Double, _ reason: String) -> JSONValue {
            guard denominator > 0 else {
                notes.append((name, .string(reason)))
                return .null
            }
            return .rounded(numerator / denominator * 100, 2)
        }
        let s = Int64(period.start), e = Int64(period.end)
        let agent: SQLValue = period.agentId.map { .text($0) } ?? .null
        let activeAt = { (t: String) in
            "EXISTS (SELECT 1 FROM policies p WHERE p.customer_id = c.id AND p.inception_date <= \(t) AND (p.ended_at IS NULL OR p.ended_at > \(t)))"
        }
        // Customers: one pass.
        let cm = try db.queryOne("""
            SELECT count(*) FILTER (WHERE first_inception < ?2),
                   coalesce(sum(active_start), 0), coalesce(sum(active_end), 0),
                   count(*) FILTER (WHERE first_inception >= ?1 AND first_inception < ?2),
                   count(*) FILTER (WHERE first_inception >= ?1 AND first_inception < ?2 AND active_end),
                   count(*) FILTER (WHERE active_start AND active_end)
            FROM (SELECT c.id,
                         \(activeAt("?1")) AS active_start,
                         \(activeAt("?2")) AS active_end,
                         (SELECT min(p.inception_date) FROM policies p WHERE p.customer_id = c.id) AS first_inception
                  FROM customers c WHERE (?3 IS NULL OR c.agent_id = ?3))
            """, [.int(s), .int(e), agent]) { r in (total: r.int(0), start: r.int(1), end: r.int(2), new: r.int(3), newActive: r.int(4), retained: r.int(5)) }!
        let lost = cm.start - cm.retained
        let risk = try db.query("""
            SELECT churn_risk, count(*) FROM customers c WHERE active_policies > 0 AND scored_at IS NOT NULL AND (?1 IS NULL OR c.agent_id = ?1) GROUP BY churn_risk
            """, [agent]) { ($0.int(0), $0.int(1)) }
        let riskCounts = Dictionary(uniqueKeysWithValues: risk)
        let customerMetrics: JSONValue = .object([
            ("totalCustomers", .int(cm.total)),
            ("newCustomers", .int(cm.new)),
            ("activeCustomers", .int(cm.end)),
            ("activeAtStart", .int(cm.start)),
            ("churnedCustomers", .int(lost)),
            ("retentionRate", rate("retentionRate", Double(cm.retained), Double(cm.start), "no customers were active at the start of the period")),
            ("churnRate", rate("churnRate", Double(lost), Double(cm.start), "no customers were active at the start of the period")),
            ("growthRate", rate("growthRate", Double(cm.end - cm.start), Double(cm.start), "no customers were active at the start of the period")),
            ("churnRiskDistribution", .object(ChurnRisk.allCases.map { ($0.rawValue, .int(riskCounts[$0.rank] ?? 0)) })),
        ])

        // Policies.
        let inForceAt = { (t: String) in "p.inception_date <= \(t) AND (p.ended_at IS NULL OR p.ended_at > \(t))" }
        let policyJoin = "policies p JOIN customers c ON c.id = p.customer_id WHERE (?3 IS NULL OR c.agent_id = ?3)"
        let pm = try db.queryOne("""
            SELECT count(*) FILTER (WHERE p.inception_date < ?2),
                   count(*) FILTER (WHERE \(inForceAt("?2"))),
                   count(*) FILTER (WHERE \(inForceAt("?1"))),
                   count(*) FILTER (WHERE p.status = 'cancelled' AND p.ended_at >= ?1 AND p.ended_at < ?2 AND coalesce(p.end_reason, '') != 'rewritten'),
                   count(*) FILTER (WHERE p.status = 'lapsed' AND p.ended_at >= ?1 AND p.ended_at < ?2)
            FROM \(policyJoin)
            """, [.int(s), .int(e), agent]) { r in (total: r.int(0), active: r.int(1), atStart: r.int(2), cancelled: r.int(3), lapsed: r.int(4)) }!
        let renewedByType = Dictionary(uniqueKeysWithValues: try db.query("""
            SELECT p.policy_type, count(*) FROM retention_events ev JOIN policies p ON p.id = ev.policy_id JOIN customers c ON c.id = p.customer_id
            WHERE ev.event_type = 'policy_renewed' AND ev.occurred_at >= ?1 AND ev.occurred_at < ?2 AND (?3 IS NULL OR c.agent_id = ?3)
            GROUP BY p.policy_type
            """, [.int(s), .int(e), agent]) { ($0.text(0), $0.int(1)) })
        let lostByType = Dictionary(uniqueKeysWithValues: try db.query("""
            SELECT p.policy_type, count(*) FROM \(policyJoin) AND p.status IN ('lapsed', 'expired') AND p.ended_at >= ?1 AND p.ended_at < ?2
            GROUP BY p.policy_type
            """, [.int(s), .int(e), agent]) { ($0.text(0), $0.int(1)) })
        let premiumByType = try db.query("""
            SELECT p.policy_type, avg(p.annual_premium_cents) FROM \(policyJoin) AND \(inForceAt("?2")) GROUP BY p.policy_type ORDER BY p.policy_type
            """, [.int(s), .int(e), agent]) { ($0.text(0), $0.double(1)) }
        let types = Set(renewedByType.keys).union(lostByType.keys).sorted()
        let policyMetrics: JSONValue = .object([
            ("totalPolicies", .int(pm.total)),
            ("activePolicies", .int(pm.active)),
            ("renewalRateByType", .object(types.map { t in
                let renewed = renewedByType[t] ?? 0, lostCount = lostByType[t] ?? 0
                return (t, rate("renewalRateByType.\(t)", Double(renewed), Double(renewed + lostCount), "no \(t) renewals were due in the period"))
            })),
            ("renewalRate", rate("renewalRate", Double(renewedByType.values.reduce(0, +)),
                                 Double(renewedByType.values.reduce(0, +) + lostByType.values.reduce(0, +)), "no renewals were due in the period")),
            ("cancellationRate", rate("cancellationRate", Double(pm.cancelled), Double(pm.atStart), "no policies were in force at the start of the period")),
            ("lapseRate", rate("lapseRate", Double(pm.lapsed), Double(pm.atStart), "no policies were in force at the start of the period")),
            ("averagePremiumByType", .object(premiumByType.map { ($0.0, .rounded($0.1 / 100, 2)) })),
        ])

        // Revenue.
        let year = 365.25 * 86_400.0
        let rv = try db.queryOne("""
            SELECT coalesce(sum(p.annual_premium_cents) FILTER (WHERE \(inForceAt("?1"))), 0),
                   coalesce(sum(p.annual_premium_cents) FILTER (WHERE \(inForceAt("?1")) AND p.ended_at >= ?1 AND p.ended_at < ?2 AND coalesce(p.end_reason, '') != 'rewritten'), 0),
                   coalesce(sum(p.annual_premium_cents * max(0, min(coalesce(p.ended_at, ?2), ?2) - max(p.inception_date, ?1)) / ?4), 0),
                   coalesce(sum(p.annual_premium_cents * max(0, min(coalesce(p.ended_at, ?2), ?2) - max(p.inception_date, ?1)) / ?4)
                            FILTER (WHERE (SELECT min(q.inception_date) FROM policies q WHERE q.customer_id = p.customer_id) >= ?1), 0),
                   coalesce(sum(p.annual_premium_cents) FILTER (WHERE p.inception_date >= ?1 AND p.inception_date < ?2
                            AND EXISTS (SELECT 1 FROM policies q WHERE q.customer_id = p.customer_id AND q.id != p.id
                                        AND q.inception_date <= ?1 AND (q.ended_at IS NULL OR q.ended_at > ?1))), 0)
            FROM \(policyJoin)
            """, [.int(s), .int(e), agent, .double(year)]) { r in (start: r.double(0), churned: r.double(1), earned: r.double(2), newEarned: r.double(3), crossSell: r.double(4)) }!
        let changes = try db.queryOne("""
            SELECT coalesce(sum(max(0, d)), 0), coalesce(sum(max(0, -d)), 0)
            FROM (SELECT (json_extract(ev.data, '$.premiumAfter') - json_extract(ev.data, '$.premiumBefore')) * 100 AS d
                  FROM retention_events ev JOIN policies p ON p.id = ev.policy_id JOIN customers c ON c.id = p.customer_id
                  WHERE ev.event_type IN ('policy_renewed', 'coverage_changed') AND ev.occurred_at >= ?1 AND ev.occurred_at < ?2
                    AND (?3 IS NULL OR c.agent_id = ?3) AND p.inception_date <= ?1)
            """, [.int(s), .int(e), agent]) { r in (up: r.double(0), down: r.double(1)) }!
        let renewalRevenue = try db.scalarDouble("""
            SELECT coalesce(sum(coalesce(json_extract(ev.data, '$.premiumAfter') * 100, p.annual_premium_cents) * p.term_months / 12.0), 0)
            FROM retention_events ev JOIN policies p ON p.id = ev.policy_id JOIN customers c ON c.id = p.customer_id
            WHERE ev.event_type = 'policy_renewed' AND ev.occurred_at >= ?1 AND ev.occurred_at < ?2 AND (?3 IS NULL OR c.agent_id = ?3)
            """, [.int(s), .int(e), agent]) ?? 0
        let expansion = rv.crossSell + changes.up
        let ltv = try db.queryOne("""
            SELECT avg(projected_ltv_cents), avg(lifetime_value_cents) FROM customers c WHERE active_policies > 0 AND (?1 IS NULL OR c.agent_id = ?1)
            """, [agent]) { ($0.optionalDouble(0), $0.optionalDouble(1)) } ?? (nil, nil)
        if ltv.0 == nil { notes.append(("averageLTV", .string("no active customer has a projected LTV yet; run `retention rescore`"))) }
        let revenueMetrics: JSONValue = .object([
            ("totalRevenue", .rounded(rv.earned / 100, 2)),
            ("newCustomerRevenue", .rounded(rv.newEarned / 100, 2)),
            ("renewalRevenue", .rounded(renewalRevenue / 100, 2)),
            ("expansionRevenue", .rounded(expansion / 100, 2)),
            ("contractionRevenue", .rounded(changes.down / 100, 2)),
            ("churnedRevenue", .rounded(rv.churned / 100, 2)),
            ("startingRecurringRevenue", .rounded(rv.start / 100, 2)),
            ("netRevenueRetention", rate("netRevenueRetention", rv.start + expansion - changes.down - rv.churned, rv.start, "no premium was in force at the start of the period")),
            ("grossRevenueRetention", rate("grossRevenueRetention", rv.start - changes.down - rv.churned, rv.start, "no premium was in force at the start of the period")),
            ("averageLTV", ltv.0.map { .rounded($0 / 100, 2) } ?? .null),
            ("averageCurrentLTV", ltv.1.map { .rounded($0 / 100, 2) } ?? .null),
        ])

        // Campaigns.
        let tp = try db.queryOne("""
            SELECT count(*) FILTER (WHERE t.sent_at >= ?1 AND t.sent_at < ?2),
                   count(*) FILTER (WHERE t.delivered_at >= ?1 AND t.delivered_at < ?2),
                   count(*) FILTER (WHERE t.delivered_at >= ?1 AND t.delivered_at < ?2 AND (t.opened_at IS NOT NULL OR t.clicked_at IS NOT NULL OR t.responded_at IS NOT NULL)),
                   count(*) FILTER (WHERE t.delivered_at >= ?1 AND t.delivered_at < ?2 AND t.responded_at IS NOT NULL)
            FROM touchpoints t JOIN customers c ON c.id = t.customer_id WHERE (?3 IS NULL OR c.agent_id = ?3)
            """, [.int(s), .int(e), agent]) { r in (sent: r.int(0), delivered: r.int(1), engaged: r.int(2), responded: r.int(3)) }!
        let activeCampaigns = try db.scalarInt("SELECT count(*) FROM campaigns WHERE status = 'active'")
        let campaignMetrics: JSONValue = .object([
            ("activeCampaigns", .int(activeCampaigns)),
            ("touchpointsSent", .int(tp.sent)),
            ("touchpointsDelivered", .int(tp.delivered)),
            ("engagementRate", rate("engagementRate", Double(tp.engaged), Double(tp.delivered), "no touchpoint was delivered in the period")),
            ("conversionRate", rate("conversionRate", Double(tp.responded), Double(tp.delivered), "no touchpoint was delivered in the period")),
        ])

        // Health.
        let hm = try db.queryOne("""
            SELECT avg(health_score),
                   count(*) FILTER (WHERE health_score >= 80), count(*) FILTER (WHERE health_score >= 60 AND health_score < 80),
                   count(*) FILTER (WHERE health_score >= 40 AND health_score < 60), count(*) FILTER (WHERE health_score < 40), count(*)
            FROM customers c WHERE active_policies > 0 AND scored_at IS NOT NULL AND (?1 IS NULL OR c.agent_id = ?1)
            """, [agent]) { r in (health: r.optionalDouble(0), bands: [r.int(1), r.int(2), r.int(3), r.int(4)], n: r.int(5)) }!
        if hm.n == 0 { notes.append(("averageHealthScore", .string("no active customer has been scored yet; run `retention rescore`"))) }
        let avgSatisfaction = try db.scalarDouble("SELECT avg(satisfaction_score) FROM customers c WHERE active_policies > 0 AND (?1 IS NULL OR c.agent_id = ?1)", [agent])
        let healthMetrics: JSONValue = .object([
            ("averageHealthScore", hm.health.map { .rounded($0, 1) } ?? .null),
            ("averageSatisfactionScore", avgSatisfaction.map { .rounded($0, 1) } ?? .null),
            ("healthScoreDistribution", .object(zip(["excellent", "good", "fair", "poor"], hm.bands).map { ($0, .int($1)) })),
        ])
        return .object([
            ("period", .object([("startDate", .string(Timestamp.formatDate(period.start))),
                                ("endDate", .string(Timestamp.formatDate(period.end - 1))),
                                ("agentId", .optional(period.agentId))])),
            ("customerMetrics", customerMetrics),
            ("policyMetrics", policyMetrics),
            ("revenueMetrics", revenueMetrics),
            ("campaignMetrics", campaignMetrics),
            ("healthMetrics", healthMetrics),
            ("notes", .object(notes)),
        ])
    }
}
