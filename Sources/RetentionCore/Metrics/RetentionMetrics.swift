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
/// - averagePremium[type] = mean annual premium of the policies in force at the end, at the premiums of
///   that time (changes recorded after the period taken off).
///
/// Revenue metrics, on annualised premium ("recurring revenue"; R₀ = premium in force at the start, at the
/// premiums of that time: each policy's premium now, less the priced premium changes recorded on it since
/// the start, so a change inside the period counts once, as expansion or contraction, and not in R₀ too):
/// - totalRevenue = premium earned in the period: Σ annual premium × (days in force within the period / 365.25);
/// - newCustomerRevenue = the same, for customers new in the period;
/// - renewalRevenue = Σ premium of the terms renewed in the period (annual premium × term months / 12), the
///   premium being the renewal's `premiumAfter`, else the policy's annual premium when the renewal was recorded;
/// - expansionRevenue = annual premium of policies started in the period by customers active at the start
///   (cross-sell) + premium increases recorded in the period on policies in force at the start (upsell);
/// - contraction = premium decreases recorded in the period; churnedRevenue = annual premium of
///   policies in force at the start that ended in the period;
/// - netRevenueRetention = (R₀ + expansion − contraction − churned) / R₀ × 100 (may exceed 100);
/// - grossRevenueRetention = (R₀ − contraction − churned) / R₀ × 100 (at most 100);
/// - averageLTV = mean projected LTV of active scored customers; averageCurrentLTV = mean premiums paid to date.
///
/// Campaign metrics: activeCampaigns; touchpointsSent (sent in the period); engagementRate = touchpoints
/// opened, clicked or responded / delivered × 100; conversionRate = responded / delivered × 100;
/// roi = (Σ revenue retained − Σ cost) / Σ cost × 100 over the campaigns measured in the period: those that
/// sent at least one touchpoint in it, each with its whole revenue retained and cost as its own performance
/// gives them (`campaignPerformances`), so the book's ROI is their cost-weighted ROI. For one agent, the
/// campaigns that sent a touchpoint to the agent's customers in the period, and only those customers'
/// enrolments and touchpoints count.
///
/// Health metrics over active, scored customers: averages and the distribution by band
/// (excellent ≥ 80, good 60–79.9, fair 40–59.9, poor < 40).
///
/// A rate whose denominator is empty is `null`, and `notes` says why, never 0 or NaN.
public struct MetricsPeriod: Sendable {
    public var start: Int
    public var end: Int
    public var agentId: String?
    /// Whether to compute the campaigns' ROI (it reads every enrolment of the campaigns measured: the most
    /// costly part of the metrics on a book with large campaigns). The dashboard's header, which does not
    /// show it, leaves it out; the API always computes it.
    public var includesCampaignROI = true

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

/// The metrics of a period (`Engine.retentionMetrics`): the five groups of the spec and the notes that
/// say why a rate is absent. Rates are percentages rounded to 2 decimals and nil when their denominator is
/// empty (with a note); money is in currency units rounded to the cent; health averages to 1 decimal.
/// The API's JSON is made from it by `RetentionMetrics.json` (API/Encoding/MetricsEncoding.swift).
public struct RetentionMetrics: Sendable, Equatable {
    public struct CustomerMetrics: Sendable, Equatable {
        public var totalCustomers: Int, newCustomers: Int, activeCustomers: Int, activeAtStart: Int, churnedCustomers: Int
        /// (E − N) / S × 100, the share of the customers active at the start still active at the end.
        public var retentionRate: Double?
        public var churnRate: Double?, growthRate: Double?
        /// Scored active customers by churn risk, one entry per level in `ChurnRisk.allCases` order.
        public var churnRiskDistribution: [(level: ChurnRisk, customers: Int)]
        public static func == (a: Self, b: Self) -> Bool {
            (a.totalCustomers, a.newCustomers, a.activeCustomers, a.activeAtStart, a.churnedCustomers) == (b.totalCustomers, b.newCustomers, b.activeCustomers, b.activeAtStart, b.churnedCustomers)
                && (a.retentionRate, a.churnRate, a.growthRate) == (b.retentionRate, b.churnRate, b.growthRate)
                && a.churnRiskDistribution.map(\.level) == b.churnRiskDistribution.map(\.level) && a.churnRiskDistribution.map(\.customers) == b.churnRiskDistribution.map(\.customers)
        }
    }
    /// A figure per policy line (the line's name, as stored).
    public struct ByLine<Value: Sendable & Equatable>: Sendable, Equatable {
        public var line: String
        public var value: Value
    }
    public struct PolicyMetrics: Sendable, Equatable {
        public var totalPolicies: Int, activePolicies: Int
        /// Lines with renewals due in the period, by name; a rate is nil when none was due.
        public var renewalRateByType: [ByLine<Double?>]
        public var renewalRate: Double?, cancellationRate: Double?, lapseRate: Double?
        /// Mean annual premium (currency units) of the line's policies in force at the end, lines with any.
        public var averagePremiumByType: [ByLine<Double>]
    }
    public struct RevenueMetrics: Sendable, Equatable {
        public var totalRevenue: Double, newCustomerRevenue: Double, renewalRevenue: Double, expansionRevenue: Double
        public var contractionRevenue: Double, churnedRevenue: Double, startingRecurringRevenue: Double
        public var netRevenueRetention: Double?, grossRevenueRetention: Double?
        public var averageLTV: Double?, averageCurrentLTV: Double?
    }
    public struct CampaignMetrics: Sendable, Equatable {
        public var activeCampaigns: Int, touchpointsSent: Int, touchpointsDelivered: Int
        public var engagementRate: Double?, conversionRate: Double?
        /// Nil also when the period was asked without it (`MetricsPeriod.includesCampaignROI`).
        public var roi: Double?
    }
    public struct HealthMetrics: Sendable, Equatable {
        public var averageHealthScore: Double?, averageSatisfactionScore: Double?
        /// Active scored customers by band: excellent, good, fair, poor.
        public var excellent: Int, good: Int, fair: Int, poor: Int
    }
    /// Why a figure is absent: the metric's name (`renewalRateByType.auto` for a line) and the reason.
    public struct Note: Sendable, Equatable {
        public var metric: String
        public var reason: String
    }

    /// The first day of the period and the last (both included), and the agent it is restricted to.
    public var startDate: Int, endDate: Int, agentId: String?
    public var customers: CustomerMetrics
    public var policies: PolicyMetrics
    public var revenue: RevenueMetrics
    public var campaigns: CampaignMetrics
    public var health: HealthMetrics
    public var notes: [Note]
}

extension Engine {
    /// All metric groups for a period.
    public func retentionMetrics(_ period: MetricsPeriod) throws -> RetentionMetrics {
        var notes: [RetentionMetrics.Note] = []
        func round(_ v: Double, _ places: Int) -> Double {
            let f = pow(10.0, Double(places))
            return (v * f).rounded() / f
        }
        func rate(_ name: String, _ numerator: Double, _ denominator: Double, _ reason: String) -> Double? {
            guard denominator > 0 else {
                notes.append(.init(metric: name, reason: reason))
                return nil
            }
            return round(numerator / denominator * 100, 2)
        }
        let (book, reads) = try readMetrics(period)
        let ct = reads.customers, tp = reads.touchpoints, changes = reads.premiumChanges
        let byLine = book.lines
        // R₀ and the end's premiums as they were then: today's premiums less the changes recorded since.
        let premiumAtStart = byLine.values.reduce(0) { $0 + $1.premiumStart } - changes.sinceStart
        func premiumAtEnd(_ line: String) -> Double { byLine[line]!.premiumEnd - (changes.sinceEndByLine[line] ?? 0) }
        let cm = book.customers
        func bookTotal<T: AdditiveArithmetic>(_ key: KeyPath<BookTotals.Line, T>) -> T { byLine.values.reduce(.zero) { $0 + $1[keyPath: key] } }
        let lost = cm.activeAtStart - cm.retained

        let noneAtStart = "no customers were active at the start of the period"
        let customerMetrics = RetentionMetrics.CustomerMetrics(
            totalCustomers: cm.total, newCustomers: cm.new, activeCustomers: cm.activeAtEnd, activeAtStart: cm.activeAtStart,
            churnedCustomers: lost,
            retentionRate: rate("retentionRate", Double(cm.retained), Double(cm.activeAtStart), noneAtStart),
            churnRate: rate("churnRate", Double(lost), Double(cm.activeAtStart), noneAtStart),
            growthRate: rate("growthRate", Double(cm.activeAtEnd - cm.activeAtStart), Double(cm.activeAtStart), noneAtStart),
            churnRiskDistribution: ChurnRisk.allCases.map { ($0, reads.riskCounts[$0.rank]) })

        let renewedByType = zip(PolicyType.allCases, reads.renewedByLine).filter { $1 > 0 }.reduce(into: reads.renewedByName) { $0[$1.0.rawValue, default: 0] += $1.1 }
        let lostByType = byLine.filter { $0.value.lost > 0 }.mapValues(\.lost)
        let types = Set(renewedByType.keys).union(lostByType.keys).sorted()
        let renewalRateByType = types.map { t in
            let renewed = renewedByType[t] ?? 0, lostCount = lostByType[t] ?? 0
            return RetentionMetrics.ByLine<Double?>(line: t, value: rate("renewalRateByType.\(t)", Double(renewed), Double(renewed + lostCount), "no \(t) renewals were due in the period"))
        }
        let policyMetrics = RetentionMetrics.PolicyMetrics(
            totalPolicies: bookTotal(\.total), activePolicies: bookTotal(\.active),
            renewalRateByType: renewalRateByType,
            renewalRate: rate("renewalRate", Double(renewedByType.values.reduce(0, +)),
                              Double(renewedByType.values.reduce(0, +) + lostByType.values.reduce(0, +)), "no renewals were due in the period"),
            cancellationRate: rate("cancellationRate", Double(bookTotal(\.cancelled)), Double(bookTotal(\.atStart)), "no policies were in force at the start of the period"),
            lapseRate: rate("lapseRate", Double(bookTotal(\.lapsed)), Double(bookTotal(\.atStart)), "no policies were in force at the start of the period"),
            averagePremiumByType: byLine.keys.sorted().compactMap { t in
                let line = byLine[t]!
                return line.active > 0 ? .init(line: t, value: round(premiumAtEnd(t) / Double(line.active) / 100, 2)) : nil
            })

        // Revenue.
        let rv = (start: premiumAtStart, churned: bookTotal(\.churned), earned: bookTotal(\.earned),
                  newEarned: bookTotal(\.newEarned), crossSell: bookTotal(\.crossSell))
        let expansion = rv.crossSell + changes.up
        let ltv = (ct.ltvCount > 0 ? ct.ltvSum / Double(ct.ltvCount) : nil, ct.active > 0 ? ct.paidSum / Double(ct.active) : nil)
        if ltv.0 == nil { notes.append(.init(metric: "averageLTV", reason: "no active customer has a projected LTV yet; run `retention rescore`")) }
        let noPremiumAtStart = "no premium was in force at the start of the period"
        let revenueMetrics = RetentionMetrics.RevenueMetrics(
            totalRevenue: round(rv.earned / 100, 2),
            newCustomerRevenue: round(rv.newEarned / 100, 2),
            renewalRevenue: round(reads.renewalRevenue / 100, 2),
            expansionRevenue: round(expansion / 100, 2),
            contractionRevenue: round(changes.down / 100, 2),
            churnedRevenue: round(rv.churned / 100, 2),
            startingRecurringRevenue: round(rv.start / 100, 2),
            netRevenueRetention: rate("netRevenueRetention", rv.start + expansion - changes.down - rv.churned, rv.start, noPremiumAtStart),
            grossRevenueRetention: rate("grossRevenueRetention", rv.start - changes.down - rv.churned, rv.start, noPremiumAtStart),
            averageLTV: ltv.0.map { round($0 / 100, 2) },
            averageCurrentLTV: ltv.1.map { round($0 / 100, 2) })

        // Campaigns.
        let noneDelivered = "no touchpoint was delivered in the period"
        let campaignMetrics = RetentionMetrics.CampaignMetrics(
            activeCampaigns: reads.activeCampaigns, touchpointsSent: tp.sent, touchpointsDelivered: tp.delivered,
            engagementRate: rate("engagementRate", Double(tp.engaged), Double(tp.delivered), noneDelivered),
            conversionRate: rate("conversionRate", Double(tp.responded), Double(tp.delivered), noneDelivered),
            roi: period.includesCampaignROI
                ? rate("roi", reads.campaignValue.revenueCents - reads.campaignValue.costCents, reads.campaignValue.costCents,
                       "no campaign sent a touchpoint that costs anything in the period")
                : nil)

        // Health.
        let hm = (health: ct.scored > 0 ? ct.healthSum / Double(ct.scored) : nil, bands: ct.bands, n: ct.scored)
        if hm.n == 0 { notes.append(.init(metric: "averageHealthScore", reason: "no active customer has been scored yet; run `retention rescore`")) }
        let avgSatisfaction = ct.satisfactionCount > 0 ? ct.satisfactionSum / Double(ct.satisfactionCount) : nil
        let healthMetrics = RetentionMetrics.HealthMetrics(
            averageHealthScore: hm.health.map { round($0, 1) }, averageSatisfactionScore: avgSatisfaction.map { round($0, 1) },
            excellent: hm.bands[0], good: hm.bands[1], fair: hm.bands[2], poor: hm.bands[3])
        return RetentionMetrics(startDate: period.start, endDate: period.end - Timestamp.secondsPerDay, agentId: period.agentId,
                                customers: customerMetrics, policies: policyMetrics, revenue: revenueMetrics,
                                campaigns: campaignMetrics, health: healthMetrics, notes: notes)
    }
}

/// What the metrics read besides the policies pass (`BookTotals`): the active customers' scores, the
/// period's renewals and premium changes, its touchpoints and the active campaigns.
struct MetricsReads {
    struct CustomerTotals {
        var scored = 0, bands = [0, 0, 0, 0], healthSum = 0.0, ltvCount = 0, ltvSum = 0.0, active = 0, paidSum = 0.0
        var satisfactionCount = 0, satisfactionSum = 0.0
    }
    var customers = CustomerTotals()
    /// Scored active customers by risk rank.
    var riskCounts = Array(repeating: 0, count: ChurnRisk.allCases.count)
    /// Renewals in the period: by line position (`PolicyType.allCases` order) as a row-by-row pass counts
    /// them, and by line name (read from `renewal_days`, and lines the enum does not know); the metrics add both.
    var renewedByLine = Array(repeating: 0, count: PolicyType.allCases.count), renewedByName: [String: Int] = [:]
    var renewalRevenue = 0.0
    /// Priced premium changes in the period on policies in force at its start (up: expansion, down: contraction);
    /// Σ (after − before) of the priced changes since the start on those policies; the same since the end, by line.
    var premiumChanges = (up: 0.0, down: 0.0, sinceStart: 0.0, sinceEndByLine: [String: Double]())
    var touchpoints = (sent: 0, delivered: 0, engaged: 0, responded: 0)
    var activeCampaigns = 0
    /// Σ revenue retained and Σ cost of the campaigns that sent a touchpoint in the period (the ROI's terms).
    var campaignValue = (revenueCents: 0.0, costCents: 0.0)
}

extension Engine {
    /// How many ranges of customers the policies pass is cut into when two connections share it.
    static let metricsPolicyRanges = 32

    /// The policies pass and the other reads of `metrics(_:)`. On a database file they run at once on two
    /// connections that see the same committed state (`readersOnOneSnapshot`), one per processor core. The
    /// policies are summed by ranges of customers (by row id; a customer's policies are all in one range):
    /// the first connection starts on them at once, the second does the other reads first (summary rows,
    /// the period's touchpoints; for one agent, the period's premium changes) and then helps, each taking
    /// the next range not yet taken, so both finish together whatever the book's shape. The
    /// ranges' totals are merged in range order, so the sums are the same whichever connection read which
    /// range. In memory, or inside a transaction, everything is read one after the other on this connection.
    func readMetrics(_ period: MetricsPeriod) throws -> (BookTotals, MetricsReads) {
        guard let readers = try readersOnOneSnapshot(2) else {
            return (try bookTotals(start: period.start, end: period.end, agentId: period.agentId), try otherMetricsReads(period))
        }
        let ranges = CustomerRanges(lastCustomer: Int64(try readers[1].db.scalarInt("SELECT coalesce(max(id), 0) FROM customers")),
                                    count: Self.metricsPolicyRanges)
        let parts = RangeResults<BookTotals>(count: ranges.count)
        @Sendable func sumPolicies(on reader: Engine) throws {
            while let k = parts.take() {
                parts.store(k, try reader.bookTotals(start: period.start, end: period.end, agentId: period.agentId, customerRows: ranges[k]))
            }
        }
        nonisolated(unsafe) let firstReader = readers[0]
        let first = Prefetch(on: DispatchQueue(label: "retention.metrics.policies")) { try sumPolicies(on: firstReader) }
        let reads = Result {
            let reads = try readers[1].otherMetricsReads(period)
            try sumPolicies(on: readers[1])
            return reads
        }
        try first.value()
        let otherReads = try reads.get()
        var book = BookTotals(start: period.start, end: period.end)
        for part in parts.all() { book.merge(part) }
        return (book, otherReads)
    }

    /// Everything `metrics(_:)` reads but the policies.
    func otherMetricsReads(_ period: MetricsPeriod) throws -> MetricsReads {
        var reads = MetricsReads()
        let s = Int64(period.start), e = Int64(period.end)
        let agent: SQLValue = period.agentId.map { .text($0) } ?? .null
        // Book-wide metrics read each table alone; an agent's metrics join the rows of that agent's customers.
        let agentJoin = { (table: String) in period.agentId == nil ? "" : "JOIN customers c ON c.id = \(table).customer_id AND c.agent_id = ?3" }
        let periodParams: [SQLValue] = [.int(s), .int(e)] + (period.agentId == nil ? [] : [agent])

        // The active customers' risk levels, health bands, LTV and satisfaction: kept up per agent by triggers.
        (reads.customers, reads.riskCounts) = try customerTotals(agentId: period.agentId)
        // Renewals and premium changes. The book's renewals are read from `renewal_days` (a row per day and
        // line, kept by triggers: 940,000 renewals a year at a million customers were half the metrics'
        // reads), its priced changes (premium before and after known) from their partial index. An agent's
        // are the period's rows of `premium_changes` (stored in time order) of a customer among the agent's,
        // a list read once from the agents' index (joining each row to its customer's row read the whole
        // table out of order: 3.1 s against 0.6 s at a million), summed here row by row.
        func addChange(_ change: Double) {
            if change > 0 { reads.premiumChanges.up += change } else { reads.premiumChanges.down -= change }
        }
        // A priced change at or after the start on a policy in force before it takes R₀ back to the premiums of
        // then; one at or after the end on a policy started before the end does the same for the end's premiums
        // by line. (A policy started after the period had no premium at its end to correct.)
        func correctEdges(change: Double, sinceStart: Bool, sinceEnd: Bool, line: @autoclosure () -> String) {
            if sinceStart { reads.premiumChanges.sinceStart += change }
            if sinceEnd { reads.premiumChanges.sinceEndByLine[line(), default: 0] += change }
        }
        if period.agentId == nil {
            (reads.renewedByName, reads.renewalRevenue) = try bookRenewals(start: period.start, end: period.end)
            // One pass over the priced changes since the start, index columns only: the period's expansion and
            // contraction, and R₀'s correction.
            try db.forEach("""
                SELECT pc.occurred_at < ?2, pc.policy_inception < ?1, pc.premium_after_cents - pc.premium_before_cents
                FROM premium_changes pc INDEXED BY premium_changes_priced
                WHERE pc.premium_before_cents IS NOT NULL AND pc.premium_after_cents IS NOT NULL AND pc.occurred_at >= ?1
                """, [.int(s), .int(e)]) { r in
                guard r.bool(1) else { return }
                if r.bool(0) { addChange(r.double(2)) }
                reads.premiumChanges.sinceStart += r.double(2)
            }
            // The end's correction needs each change's line (a row lookup): only the changes after the period,
            // none for the trailing year.
            try db.forEach("""
                SELECT pc.policy_type, pc.premium_after_cents - pc.premium_before_cents
                FROM premium_changes pc INDEXED BY premium_changes_priced
                WHERE pc.premium_before_cents IS NOT NULL AND pc.premium_after_cents IS NOT NULL AND pc.occurred_at >= ?1
                  AND pc.policy_inception < ?1
                """, [.int(e)]) { r in correctEdges(change: r.double(1), sinceStart: false, sinceEnd: true, line: r.text(0)) }
        } else {
            try db.forEach("""
                SELECT pc.renewal, pc.policy_type,
                       coalesce(pc.premium_after_cents, pc.annual_premium_cents) * pc.term_months / 12.0,
                       pc.policy_inception < ?1, pc.premium_after_cents - pc.premium_before_cents,
                       pc.occurred_at >= ?2 AND pc.policy_inception < ?2, pc.occurred_at >= ?2
                FROM premium_changes pc
                WHERE pc.occurred_at >= ?1 AND pc.customer_id IN (SELECT id FROM customers WHERE agent_id = ?3)
                """, periodParams) { r in
                if !r.isNull(4) { correctEdges(change: r.double(4), sinceStart: r.bool(3), sinceEnd: r.bool(5), line: r.text(1)) }
                guard !r.bool(6) else { return }   // after the period: it only corrects the premiums of then
                if r.bool(0) {
                    if let line = r.position(1, in: PolicyType.names) { reads.renewedByLine[line] += 1 } else { reads.renewedByName[r.text(1), default: 0] += 1 }
                    reads.renewalRevenue += r.double(2)
                }
                if r.bool(3) && !r.isNull(4) { addChange(r.double(4)) }
            }
        }
        // Campaigns.
        let sent = try db.scalarInt("""
            SELECT count(*) FROM touchpoints t \(agentJoin("t")) WHERE t.sent_at >= ?1 AND t.sent_at < ?2
            """, periodParams)
        reads.touchpoints = try db.queryOne("""
            SELECT count(*),
                   count(*) FILTER (WHERE t.opened_at IS NOT NULL OR t.clicked_at IS NOT NULL OR t.responded_at IS NOT NULL),
                   count(*) FILTER (WHERE t.responded_at IS NOT NULL)
            FROM touchpoints t \(agentJoin("t")) WHERE t.delivered_at >= ?1 AND t.delivered_at < ?2
            """, periodParams) { r in (sent: sent, delivered: r.int(0), engaged: r.int(1), responded: r.int(2)) }!
        reads.activeCampaigns = try db.scalarInt("SELECT count(*) FROM campaigns WHERE status = 'active'")
        // The campaigns measured in the period: those with a touchpoint sent in it (from the index of send
        // times), with their attribution windows; then their whole revenue and cost, read for all at once.
        guard period.includesCampaignROI else { return reads }
        let measured = try db.query("""
            SELECT k.id, k.sequence, coalesce(json_extract(k.target_segment, '$.formerCustomers'), 0) FROM campaigns k
            WHERE k.id IN (SELECT t.campaign_id FROM touchpoints t \(agentJoin("t")) WHERE t.sent_at >= ?1 AND t.sent_at < ?2)
            """, periodParams) { r -> (rowID: Int64, window: Int, formerCustomers: Bool) in
            let lastDelay = (try? JSONValue.parse(r.text(1)))?.arrayValue?.last?["delay"]?.doubleValue ?? 0
            return (r.int64(0), Int(lastDelay) * 60 + 90 * Timestamp.secondsPerDay, r.bool(2))
        }
        for (_, m) in try campaignMeasures(measured, agentId: period.agentId, valueOnly: true).sorted(by: { $0.key < $1.key }) {
            reads.campaignValue.revenueCents += m.treated.revenueCents
            reads.campaignValue.costCents += m.costCents
        }
        return reads
    }
}
