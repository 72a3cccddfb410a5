import Foundation

/// Cost of one touch per channel, in cents. Defaults are typical list prices; `settings` keys
/// `cost.email`, `cost.sms`, `cost.call`, `cost.notification`, `cost.mail` (in cents) override them.
public enum ChannelCosts {
    public static let defaults: [ContactChannel: Int] = [.email: 1, .sms: 5, .call: 400, .notification: 0, .mail: 120]
}

/// What a campaign's performance is computed from: the totals of its touchpoints and of its enrolments
/// (all of them, or those of one agent's customers).
struct CampaignMeasure {
    /// A group of enrolled customers: the treated ones or the control group.
    struct Group {
        var size = 0.0, retained = 0.0, revenueCents = 0.0
        /// Σ revenue² per customer (cents²), for the revenue interval; enrolments whose measurement window has passed.
        var revenueSquares = 0.0, measured = 0.0
    }
    /// One template of an A/B step: its touchpoints, those sent, delivered and responded.
    struct Variant { var step = 0, template = "", total = 0, sent = 0, delivered = 0, responded = 0 }
    var variants: [Variant] = []
    var total = 0
    /// Touchpoints by the status they are in now.
    var current: [TouchpointStatus: Int] = [:]
    /// Touchpoints that reached each stage of the ladder (their timestamp is recorded), whatever came after.
    var sent = 0, delivered = 0, opened = 0, clicked = 0, responded = 0
    /// Customers with a touchpoint delivered (or further); with one opened, clicked or responded.
    var reached = 0, engaged = 0
    var costCents = 0.0
    var treated = Group(), control = Group()
}

extension Engine {
    public func channelCostCents(_ channel: ContactChannel) throws -> Int {
        try db.settings.value(Settings.channelCost(channel))
    }

    /// The attribution window of a campaign, in seconds: its last step's delay + 90 days.
    static func attributionWindow(_ c: Campaign) -> Int { (c.sequence.last?.delayMinutes ?? 0) * 60 + 90 * Timestamp.secondsPerDay }

    /// The measures of many campaigns at once, by campaign row id: one query over their touchpoints and one
    /// over their enrolments, however many campaigns (a campaign without either has empty totals). With
    /// `agentId`, only the touchpoints and enrolments of that agent's customers count.
    func campaignMeasures(_ campaigns: [Campaign], agentId: String? = nil, now: Int? = nil) throws -> [Int64: CampaignMeasure] {
        var out = try campaignMeasures(campaigns.map { ($0.rowID, Engine.attributionWindow($0), $0.targetSegment.formerCustomers) }, agentId: agentId, now: now)
        // A/B steps: each template's touchpoints, read only for the campaigns that have some.
        let tested = campaigns.filter { $0.sequence.contains { !$0.variants.isEmpty } }
        if !tested.isEmpty {
            let ids = JSONValue.array(tested.map { .int(Int($0.rowID)) }).serialized()
            let byAgent = agentId == nil ? "" : " AND customer_id IN (SELECT id FROM customers WHERE agent_id = ?2)"
            try db.forEach("""
                SELECT campaign_id, step_index, template, count(*), count(sent_at), count(delivered_at), count(responded_at)
                FROM touchpoints WHERE campaign_id IN (SELECT value FROM json_each(?1))\(byAgent)
                GROUP BY campaign_id, step_index, template ORDER BY campaign_id, step_index, template
                """, agentId == nil ? [.text(ids)] : [.text(ids), .text(agentId!)]) { r in
                out[r.int64(0)]?.variants.append(CampaignMeasure.Variant(step: r.int(1), template: r.text(2), total: r.int(3), sent: r.int(4),
                                                                         delivered: r.int(5), responded: r.int(6)))
            }
        }
        return out
    }

    /// `campaignMeasures` for campaigns given by row id and attribution window (seconds). With `valueOnly`,
    /// only what the ROI needs is read (the cost of the touches sent, the treated customers' revenue retained),
    /// by the same expressions; the other measures stay empty.
    /// With `now`, each group also counts its enrolments whose measurement window (the attribution window
    /// after enrolment) has passed by then.
    /// `formerCustomers` is the campaign's audience (`TargetSegment.formerCustomers`): only such a campaign
    /// can win a customer back, so only its enrolments are asked for the policies taken out after them.
    func campaignMeasures(_ campaigns: [(rowID: Int64, window: Int, formerCustomers: Bool)], agentId: String? = nil, valueOnly: Bool = false,
                          now: Int? = nil) throws -> [Int64: CampaignMeasure] {
        var out = Dictionary(campaigns.map { ($0.rowID, CampaignMeasure()) }, uniquingKeysWith: { a, _ in a })
        guard !campaigns.isEmpty else { return out }
        let ids = JSONValue.array(campaigns.map { .int(Int($0.rowID)) }).serialized()
        let agent: SQLValue = agentId.map { .text($0) } ?? .null
        // Touchpoints: counts at each stage, per current status, customers reached and engaged, and the cost of
        // the touches sent (a channel's cost bound per channel; an unknown channel costs what an e-mail does).
        let costs = try ContactChannel.allCases.map { ($0, try channelCostCents($0)) }
        var params: [SQLValue] = [.text(ids), agent]
        let costCase = "CASE t.channel " + costs.map { channel, cents in
            params += [.text(channel.rawValue), .int(Int64(cents))]
            return "WHEN ?\(params.count - 1) THEN ?\(params.count)"
        }.joined(separator: " ") + " ELSE ?\(params.count + 1) END"
        params.append(.int(Int64(try channelCostCents(.email))))
        let statuses = TouchpointStatus.allCases
        let byAgent = agentId == nil ? "" : " AND t.customer_id IN (SELECT id FROM customers WHERE agent_id = ?2)"
        if valueOnly {
            try db.forEach("""
                SELECT t.campaign_id, total(\(costCase)) FROM touchpoints t
                WHERE t.campaign_id IN (SELECT value FROM json_each(?1)) AND t.sent_at IS NOT NULL\(byAgent)
                GROUP BY t.campaign_id
                """, params) { r in out[r.int64(0)]?.costCents = r.double(1) }
        } else {
            let statusCounts = statuses.map { s in
                params.append(.text(s.rawValue))
                return "sum(t.status = ?\(params.count))"
            }.joined(separator: ", ")
            try db.forEach("""
                SELECT t.campaign_id, count(*), count(t.sent_at), count(t.delivered_at), count(t.opened_at), count(t.clicked_at), count(t.responded_at),
                       count(DISTINCT CASE WHEN t.delivered_at IS NOT NULL THEN t.customer_id END),
                       count(DISTINCT CASE WHEN t.opened_at IS NOT NULL OR t.clicked_at IS NOT NULL OR t.responded_at IS NOT NULL THEN t.customer_id END),
                       total(CASE WHEN t.sent_at IS NOT NULL THEN \(costCase) END), \(statusCounts)
                FROM touchpoints t WHERE t.campaign_id IN (SELECT value FROM json_each(?1))\(byAgent)
                GROUP BY t.campaign_id
                """, params) { r in
                var m = out[r.int64(0)] ?? CampaignMeasure()
                (m.total, m.sent, m.delivered, m.opened, m.clicked, m.responded) = (r.int(1), r.int(2), r.int(3), r.int(4), r.int(5), r.int(6))
                (m.reached, m.engaged, m.costCents) = (r.int(7), r.int(8), r.double(9))
                for (k, s) in statuses.enumerated() { m.current[s] = r.int(Int32(10 + k)) }
                out[r.int64(0)] = m
            }
        }
        // Enrolments, each campaign's in customer order: whether each customer still holds a policy in force
        // (from the customer's policies index, not the wide customer row) and the premium of the terms they
        // renewed in the campaign's attribution window after enrolment.
        let windows = JSONValue.array(campaigns.map { .array([.int(Int($0.rowID)), .int($0.window), .bool($0.formerCustomers)]) }).serialized()
        let enrolmentsByAgent = agentId == nil ? "" : " AND e.customer_id IN (SELECT id FROM customers WHERE agent_id = ?2)"
        // Revenue: the terms the customer renewed in the window, and, in a campaign aimed at former customers (a
        // win-back), for a customer who held no policy in force when enrolled, the first term of each policy they
        // took out in the window: winning them back is the revenue. Read from the customer's policies index;
        // whether they held a policy at enrolment is asked only of the few who took one out in the window.
        // A policy's first term: its annual premium then (before its first recorded premium change, a renewal's or a
        // re-rating's, else as it is now) × its term in months / 12; fixed once the term began, however the policy
        // is re-rated later.
        let firstTermCents = """
            coalesce((SELECT json_extract(ev.data, '$.premiumBefore') * 100 FROM retention_events ev
                      WHERE ev.customer_id = p.customer_id AND ev.policy_id = p.id AND ev.event_type IN ('policy_renewed', 'coverage_changed')
                        AND json_extract(ev.data, '$.premiumBefore') IS NOT NULL
                      ORDER BY ev.occurred_at, ev.id LIMIT 1), p.annual_premium_cents) * p.term_months / 12.0
            """
        let revenue = """
            coalesce((SELECT sum(coalesce(json_extract(ev.data, '$.premiumAfter') * 100, p.annual_premium_cents) * p.term_months / 12.0)
                   FROM retention_events ev JOIN policies p ON p.id = ev.policy_id
                   WHERE ev.customer_id = e.customer_id AND ev.event_type = 'policy_renewed'
                     AND ev.occurred_at >= e.enrolled_at AND ev.occurred_at < e.enrolled_at + k.window), 0)
            + CASE WHEN k.former THEN coalesce((SELECT n.cents FROM (SELECT sum(\(firstTermCents)) AS cents FROM policies p
                                              WHERE p.customer_id = e.customer_id AND p.inception_date >= e.enrolled_at
                                                AND p.inception_date < e.enrolled_at + k.window
                                                AND NOT EXISTS (SELECT 1 FROM policies r WHERE r.customer_id = p.customer_id AND r.id <> p.id
                                                                  AND r.end_reason = 'rewritten' AND r.inception_date >= e.enrolled_at
                                                                  AND r.inception_date < p.inception_date AND r.ended_at <= p.inception_date)) n
                        WHERE n.cents IS NOT NULL
                          AND NOT EXISTS (SELECT 1 FROM policies p WHERE p.customer_id = e.customer_id AND p.inception_date <= e.enrolled_at
                                            AND (p.ended_at IS NULL OR p.ended_at > e.enrolled_at))), 0) ELSE 0 END
            """
        let inForce = valueOnly ? "NULL" : """
            EXISTS (SELECT 1 FROM policies p WHERE p.customer_id = e.customer_id AND p.status IN \(PolicyStatus.inForceSQL))
            """
        // An enrolment is measured once its window has passed (`?3`, now; 0 without it).
        let measured = now == nil ? "0" : "e.enrolled_at + k.window <= ?3"
        try db.forEach("""
            WITH k(id, window, former) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?1))
            SELECT campaign_id, is_control, count(*), sum(f), total(rev), total(rev * rev), sum(m) FROM (
              SELECT e.campaign_id, e.is_control, \(inForce) AS f, \(revenue) AS rev, \(measured) AS m
              FROM k JOIN campaign_enrollments e ON e.campaign_id = k.id\(enrolmentsByAgent)\(valueOnly ? " AND e.is_control = 0" : ""))
            GROUP BY campaign_id, is_control
            """, now.map { [.text(windows), agent, .int(Int64($0))] } ?? (agentId == nil ? [.text(windows)] : [.text(windows), agent])) { r in
            let group = CampaignMeasure.Group(size: r.double(2), retained: r.double(3), revenueCents: r.double(4), revenueSquares: r.double(5),
                                              measured: r.double(6))
            if r.bool(1) { out[r.int64(0)]?.control = group } else { out[r.int64(0)]?.treated = group }
        }
        return out
    }

    /// A campaign's performance (`GET /campaigns/:id/performance`, and `performance` in the campaign object).
    public func campaignPerformance(id: String, now: Int) throws -> CampaignPerformance {
        try campaignPerformances([try campaign(id: id)], now: now)[0]
    }

    /// The performance of each campaign given, in order, read for all of them at once (`campaignMeasures`:
    /// two queries, however many campaigns), the same value `campaignPerformance(id:)` gives for one.
    /// The definitions are those of `CampaignPerformance`.
    public func campaignPerformances(_ campaigns: [Campaign], now: Int) throws -> [CampaignPerformance] {
        let measures = try campaignMeasures(campaigns, now: now)
        return campaigns.map { CampaignPerformance($0, measures[$0.rowID] ?? CampaignMeasure(), now: now) }
    }
}

/// A campaign's performance, as `GET /campaigns/:id/performance` shows it (its JSON is made in
/// API/Encoding/CampaignEncoding.swift). Rates and amounts are rounded as shown: percentages and currency
/// units to 2 decimals.
///
/// Definitions (T = treated customers: enrolled and contacted; C = the control group: enrolled, never contacted):
/// - targeted = |T|; reached = customers in T with at least one touchpoint delivered (or further);
/// - `touchpoints.byStatus` is a funnel: `sent`, `delivered`, `opened`, `clicked` and `responded` count the
///   touchpoints that reached that stage, whatever came after (an opened one is also delivered and sent);
///   `pending`, `sending`, `failed`, `skipped`, `cancelled` and `needs_review` count those in that state now.
///   `touchpoints.byCurrentStatus` counts every touchpoint once, by the status it is in now;
/// - rates over that funnel: deliveryRate = delivered / sent; openRate = opened / delivered;
///   clickRate = clicked / delivered; responseRate = responded / delivered; clickToOpenRate = clicked / opened;
/// - engagementRate = customers who opened, clicked or responded / reached;
/// - retention rate of a group = customers still holding a policy in force / group size;
/// - revenue retained = premium of the terms renewed (`policy_renewed`) by the group's customers between
///   enrolment and 90 days after the sequence's last step (the attribution window), plus, in a campaign aimed
///   at former customers (`formerCustomers`: every win-back unless it says otherwise), for each customer who
///   held no policy in force when enrolled, the first term of each policy they took out in that window
///   (inception in it: the annual premium it started with × term months / 12; a policy that replaced one of
///   them as a rewrite is not counted again). A policy a customer in force adds (a cross-sale) is not
///   counted: it is new business, not revenue kept;
/// - cost = Σ touches sent × the channel's cost per touch;
/// - ROI = (revenue retained − cost) / cost × 100;
/// - with a control group: uplift = treated retention rate − control retention rate (percentage points);
///   incremental revenue = revenue(T) − revenue(C) × |T| / |C|; ROI on uplift = (incremental revenue − cost) / cost × 100.
/// A rate with an empty denominator is nil (null in JSON).
public struct CampaignPerformance: Sendable, Equatable {
    public struct Customers: Sendable, Equatable {
        /// |T|, the treated customers.
        public var targeted: Int
        /// Customers in T with a touchpoint delivered (or further).
        public var reached: Int
        /// Customers with a touchpoint opened, clicked or responded.
        public var engaged: Int
        /// |C|, the control group.
        public var control: Int
    }
    /// Rates over the touchpoint funnel, in percent (2 decimals); nil over an empty denominator.
    public struct Rates: Sendable, Equatable {
        public var deliveryRate: Double?, openRate: Double?, clickRate: Double?, responseRate: Double?, clickToOpenRate: Double?
    }
    public struct Touchpoints: Sendable, Equatable {
        public var total: Int
        /// The funnel: sent…responded count touchpoints that reached the stage; the other statuses those in it now.
        public var byStatus: [TouchpointStatus: Int]
        /// Every touchpoint once, by the status it is in now.
        public var byCurrentStatus: [TouchpointStatus: Int]
        public var rates: Rates
    }
    public struct Retention: Sendable, Equatable {
        /// Retention rates of T and C in percent (2 decimals); uplift in percentage points.
        public var treatedRate: Double?, controlRate: Double?, upliftPoints: Double?
        public var treatedSize: Int, controlSize: Int
    }
    public struct Revenue: Sendable, Equatable {
        /// Currency units, 2 decimals.
        public var retained: Double, control: Double, incremental: Double?
        public var attributionWindowDays: Int
    }
    /// A goal of the campaign (nil when it set none) beside what it achieved.
    public struct Goal<Value: Sendable & Equatable, Actual: Sendable & Equatable>: Sendable, Equatable {
        public var goal: Value?
        public var actual: Actual
    }
    public struct Goals: Sendable, Equatable {
        public var targetCustomers: Goal<Int, Int>
        public var expectedRetention: Goal<Int, Int>
        /// Goal in cents; actual in currency units (2 decimals).
        public var expectedRevenue: Goal<Int, Double>
    }

    public var campaignId: String
    public var name: String
    public var status: CampaignStatus
    public var customers: Customers
    public var touchpoints: Touchpoints
    /// Percent (2 decimals) of reached customers who engaged; nil when none was reached.
    public var engagementRate: Double?
    public var retention: Retention
    public var revenue: Revenue
    /// Currency units, 2 decimals.
    public var cost: Double
    /// Percent, 2 decimals; nil when nothing was spent.
    public var roi: Double?
    public var roiOnUplift: Double?
    public var goals: Goals
    public var calculatedAt: Int
    /// Whether the numbers can be judged yet, and the uplift's uncertainty (`measurement` in the JSON, an addition).
    public var measurement: Measurement
    /// The A/B steps' results, one per step with variants (`variants` in the JSON, an addition; empty without).
    public var variants: [VariantTest]

    /// Whether retention, uplift and ROI can be judged yet, and how sure the uplift is (Formulas.md, "Too
    /// early" and "Uplift and its interval").
    ///
    /// An enrolment is *measured* once its measurement window (the attribution window: the last step's delay +
    /// 90 days) has passed. Until more than half of the enrolled (treated and control) are measured the state
    /// is `tooEarly`, and every view says "too early (N of M measured)" instead of retention, uplift and ROI.
    public struct Measurement: Sendable, Equatable {
        public enum State: String, Sendable { case noEnrolments = "no_enrolments", tooEarly = "too_early", measured }
        public var state: State
        /// Enrolments (treated and control) whose window has passed, of all enrolled.
        public var measured: Int, enrolled: Int
        public var windowDays: Int
        /// Treated − control retention in points with Newcombe's 95 % interval (2 decimals); nil without both groups.
        public var uplift: CampaignStatistics.Interval?
        /// Incremental revenue in currency units with its 95 % interval (2 decimals); nil unless each group has 2 customers.
        public var incrementalRevenue: CampaignStatistics.Interval?
        /// ROI on uplift in percent, its interval the revenue interval's bounds through (x − cost)/cost × 100; nil without cost.
        public var roiOnUplift: CampaignStatistics.Interval?
        /// The control-group size an uplift as large as the observed one needs for its interval to exclude zero
        /// (80 % power), when the interval includes zero now; nil when it already excludes zero or none would do.
        public var controlNeeded: Int?
        /// When no control group alone would do: the size of each of two equal groups that would (80 % power).
        public var equalGroupsNeeded: Int?

        /// "too early (N of M measured)", or nil once the numbers can be judged.
        public var tooEarlyText: String? {
            switch state {
            case .measured: nil
            case .noEnrolments: "too early (nobody enrolled)"
            case .tooEarly: "too early (\(NumberText.grouped(measured)) of \(NumberText.grouped(enrolled)) measured)"
            }
        }

        /// One sentence on the uplift's interval: whether it excludes zero and, when not, the control group needed.
        public func upliftVerdict(controlSize: Int) -> String? {
            guard let u = uplift else { return nil }
            if u.excludesZero { return u.estimate > 0 ? "excludes zero: the campaign kept more customers" : "excludes zero: the campaign lost customers" }
            guard let n = controlNeeded else {
                guard let each = equalGroupsNeeded else { return "includes zero: no difference between the groups" }
                return "includes zero: too few treated for any control group; \(NumberText.grouped(each)) in each group would show an uplift this large"
            }
            return "includes zero: a control group of \(NumberText.grouped(n)) (not \(NumberText.grouped(controlSize))) would show an uplift this large"
        }
    }

    /// One template of an A/B step.
    public struct VariantResult: Sendable, Equatable {
        public var template: String
        public var touchpoints: Int, sent: Int, delivered: Int, responded: Int
        /// responded / delivered in percent (2 decimals); nil before any delivery.
        public var responseRate: Double?
    }
    /// An A/B step's variants side by side, with the two-proportion z-test of their response rates.
    public struct VariantTest: Sendable, Equatable {
        public var step: Int
        public var variants: [VariantResult]
        /// z (2 decimals) and two-sided p-value (4 decimals); nil when either variant has no delivery or nobody (or everybody) responded.
        public var z: Double?, pValue: Double?
        /// The template with the higher response rate when p < 0.05; nil otherwise (no winner yet).
        public var winner: String?
    }

    /// The performance of one campaign from its measures.
    init(_ c: Campaign, _ m: CampaignMeasure, now: Int) {
        func round2(_ v: Double) -> Double { (v * 100).rounded() / 100 }
        func pct(_ n: Double, _ d: Double) -> Double? { d > 0 ? round2(n / d * 100) : nil }
        let treated = m.treated, control = m.control
        let treatedRate = treated.size > 0 ? treated.retained / treated.size : nil
        let controlRate = control.size > 0 ? control.retained / control.size : nil
        let incremental: Double? = control.size > 0 ? treated.revenueCents - control.revenueCents * treated.size / control.size : nil
        campaignId = c.id
        name = c.name
        status = c.status
        customers = Customers(targeted: Int(treated.size), reached: m.reached, engaged: m.engaged, control: Int(control.size))
        let reachedStage: [TouchpointStatus: Int] = [.sent: m.sent, .delivered: m.delivered, .opened: m.opened, .clicked: m.clicked, .responded: m.responded]
        let (sent, delivered, opened) = (Double(m.sent), Double(m.delivered), Double(m.opened))
        touchpoints = Touchpoints(
            total: m.total,
            byStatus: Dictionary(uniqueKeysWithValues: TouchpointStatus.allCases.map { ($0, reachedStage[$0] ?? m.current[$0] ?? 0) }),
            byCurrentStatus: Dictionary(uniqueKeysWithValues: TouchpointStatus.allCases.map { ($0, m.current[$0] ?? 0) }),
            rates: Rates(deliveryRate: pct(delivered, sent), openRate: pct(opened, delivered), clickRate: pct(Double(m.clicked), delivered),
                         responseRate: pct(Double(m.responded), delivered), clickToOpenRate: pct(Double(m.clicked), opened)))
        engagementRate = pct(Double(m.engaged), Double(m.reached))
        var uplift: Double?
        if let t = treatedRate, let c = controlRate { uplift = round2((t - c) * 100) }
        retention = Retention(treatedRate: treatedRate.map { round2($0 * 100) }, controlRate: controlRate.map { round2($0 * 100) },
                              upliftPoints: uplift, treatedSize: Int(treated.size), controlSize: Int(control.size))
        revenue = Revenue(retained: round2(treated.revenueCents / 100), control: round2(control.revenueCents / 100),
                          incremental: incremental.map { round2($0 / 100) },
                          attributionWindowDays: Engine.attributionWindow(c) / Timestamp.secondsPerDay)
        cost = round2(m.costCents / 100)
        roi = m.costCents > 0 ? round2((treated.revenueCents - m.costCents) / m.costCents * 100) : nil
        roiOnUplift = m.costCents > 0 && incremental != nil ? round2((incremental! - m.costCents) / m.costCents * 100) : nil
        goals = Goals(targetCustomers: Goal(goal: c.goals.targetCustomers, actual: Int(treated.size)),
                      expectedRetention: Goal(goal: c.goals.expectedRetention, actual: Int(treated.retained)),
                      expectedRevenue: Goal(goal: c.goals.expectedRevenueCents, actual: round2(treated.revenueCents / 100)))
        calculatedAt = now
        let enrolled = treated.size + control.size, measuredCount = treated.measured + control.measured
        var m2 = Measurement(state: enrolled == 0 ? .noEnrolments : measuredCount * 2 > enrolled ? .measured : .tooEarly,
                             measured: Int(measuredCount), enrolled: Int(enrolled), windowDays: Engine.attributionWindow(c) / Timestamp.secondsPerDay)
        if let d = CampaignStatistics.newcombe(treated.retained, treated.size, control.retained, control.size) {
            m2.uplift = d.map { round2($0 * 100) }
            if !d.excludesZero {
                m2.controlNeeded = CampaignStatistics.controlNeeded(treatedRate: treated.retained / treated.size, treatedSize: treated.size,
                                                                    controlRate: control.retained / control.size)
                if m2.controlNeeded == nil {
                    m2.equalGroupsNeeded = CampaignStatistics.equalGroupsNeeded(treatedRate: treated.retained / treated.size, controlRate: control.retained / control.size)
                }
            }
        }
        if let r = CampaignStatistics.incrementalRevenue(treated: (treated.size, treated.revenueCents, treated.revenueSquares),
                                                         control: (control.size, control.revenueCents, control.revenueSquares)) {
            m2.incrementalRevenue = r.map { round2($0 / 100) }
            if m.costCents > 0 { m2.roiOnUplift = r.map { round2(($0 - m.costCents) / m.costCents * 100) } }
        }
        measurement = m2
        variants = Dictionary(grouping: m.variants, by: \.step).sorted { $0.key < $1.key }.compactMap { step, rows in
            guard c.sequence.indices.contains(step), c.sequence[step].variants.count == 2 else { return nil }
            let results = c.sequence[step].variants.map { t in
                let v = rows.first { $0.template == t } ?? CampaignMeasure.Variant(step: step, template: t)
                return VariantResult(template: t, touchpoints: v.total, sent: v.sent, delivered: v.delivered, responded: v.responded,
                                     responseRate: pct(Double(v.responded), Double(v.delivered)))
            }
            var test = VariantTest(step: step, variants: results)
            if let (z, p) = CampaignStatistics.twoProportionZ(Double(results[0].responded), Double(results[0].delivered),
                                                             Double(results[1].responded), Double(results[1].delivered)) {
                test.z = round2(z)
                test.pValue = (p * 10_000).rounded() / 10_000
                if p < 0.05 { test.winner = z > 0 ? results[0].template : results[1].template }
            }
            return test
        }
    }
}
