import Foundation

/// The customer health score (spec section 2): four components, each 0–100, from `CustomerSignals`.
///
///     overall = 0.30·E + 0.30·F + 0.20·S + 0.20·L        (one decimal)
///
/// **Engagement E** = 0.40·recency + 0.25·frequency + 0.20·openRate + 0.15·response
/// - recency = 100·max(0, 1 − d/365), d = days since the last interaction (never: 0);
/// - frequency = 100·min(1, n/6), n = interactions in the last 12 months (six a year is full marks);
/// - openRate = 100·opened/delivered e-mails in the window (none delivered: neutral 50);
/// - response = min(100, 250·responded/delivered touchpoints) (40 % is full marks; none delivered: neutral 50).
///
/// **Financial F** = 0.60·paymentHistory + 0.25·growth + 0.15·coverage
/// - paymentHistory = 100·(1 − m/n) over the window, m = payments missed, n = max(instalments due, m): a missed
///   payment was due, so it counts among those due even when the policy's time in force adds up to less than
///   one instalment (a fraction due and one missed: n = 1, paymentHistory 0). Nothing due and nothing missed: 100;
/// - growth = clamp(50 + 2.5·g, 0, 100), g = premium growth in % over 12 months: premium in force now against
///   premium in force a year ago at that time's premiums, so a re-rate counts (nothing a year ago: g = 0);
/// - coverage = 100·(4 − o)/4, o = cross-sell opportunities: core lines (auto, home or renters, life, umbrella) not held.
///
/// **Satisfaction S** = 0.60·nps + 0.25·complaints + 0.15·resolutionRate
/// - nps = 10 × the latest NPS answer (0–10), else the stored satisfaction score, else neutral 50;
/// - complaints = 100·max(0, 1 − c/3), c = complaints filed in the window;
/// - resolutionRate = 100·resolved/filed (no complaints: 100).
///
/// **Lifecycle L** = 0.35·tenure + 0.20·policies + 0.30·renewalRate + 0.15·stability
/// - tenure = 100·min(1, months/60), months as a customer (to the last policy's end for a former customer);
///   policies = 100·min(1, active/3);
/// - renewalRate = 100·made/(made + lost) in the window (none due: neutral 80);
/// - stability = 100·max(0, 1 − k/3), k = churn indicators: two or more missed payments, a cancellation
///   or a lapse in the window, an unresolved complaint, no policy in force.
///
/// Every sub-score is monotone in its input in the direction that makes sense, and clamped to 0–100.
public struct HealthScore: Sendable, Equatable {
    public struct Engagement: Sendable, Equatable {
        public var score: Double
        public var lastInteractionDays: Int?
        public var interactionFrequency: Int
        public var emailOpenRate: Double?
        public var responseRate: Double?
    }
    public struct Financial: Sendable, Equatable {
        public var score: Double
        public var paymentHistory: Double
        public var premiumGrowth: Double
        public var crossSellOpportunities: Int
    }
    public struct Satisfaction: Sendable, Equatable {
        public var score: Double
        public var nps: Double?
        public var complaintCount: Int
        public var resolutionRate: Double
    }
    public struct Lifecycle: Sendable, Equatable {
        public var score: Double
        public var tenure: Int
        public var policyCount: Int
        public var renewalRate: Double?
        public var churnIndicators: Int
    }

    public enum Band: String, Sendable {
        case excellent, good, fair, poor
        public init(score: Double) {
            self = score >= 80 ? .excellent : score >= 60 ? .good : score >= 40 ? .fair : .poor
        }
    }

    public var engagement: Engagement
    public var financial: Financial
    public var satisfaction: Satisfaction
    public var lifecycle: Lifecycle
    public var overall: Double
    public var band: Band { Band(score: overall) }

    static func clamp(_ v: Double) -> Double { min(100, max(0, v)) }

    /// The core lines a household is expected to hold; each missing one is a cross-sell opportunity.
    public static func crossSellOpportunities(_ held: Set<PolicyType>) -> Int {
        var missing = 0
        if !held.contains(.auto) { missing += 1 }
        if !held.contains(.home) && !held.contains(.renters) && !held.contains(.condo) { missing += 1 }
        if !held.contains(.life) { missing += 1 }
        if !held.contains(.umbrella) { missing += 1 }
        return missing
    }

    /// Counts the churn indicators listed above.
    public static func churnIndicators(_ s: CustomerSignals) -> Int {
        var k = 0
        if s.paymentsMissed >= 2 { k += 1 }
        if s.cancellationsInWindow > 0 { k += 1 }
        if s.renewalsLost > 0 { k += 1 }
        if s.complaintsFiled > s.complaintsResolved { k += 1 }
        if s.activePolicies == 0 { k += 1 }
        return k
    }

    public static func compute(_ s: CustomerSignals) -> HealthScore {
        // Engagement
        let recency = s.daysSinceLastInteraction.map { 100 * max(0, 1 - Double($0) / 365) } ?? 0
        let frequency = 100 * min(1, Double(s.interactionsInWindow) / 6)
        let openRate: Double? = s.emailsDelivered > 0 ? 100 * Double(min(s.emailsOpened, s.emailsDelivered)) / Double(s.emailsDelivered) : nil
        let responseRate: Double? = s.touchpointsDelivered > 0 ? 100 * Double(min(s.touchpointsResponded, s.touchpointsDelivered)) / Double(s.touchpointsDelivered) : nil
        let response = responseRate.map { min(100, 2.5 * $0) } ?? 50
        let e = clamp(0.40 * recency + 0.25 * frequency + 0.20 * (openRate ?? 50) + 0.15 * response)
        // Financial
        let instalmentsDue = max(s.paymentsDue, s.paymentsMissed)
        let payment = instalmentsDue > 0 ? clamp(100 * (1 - Double(s.paymentsMissed) / Double(instalmentsDue))) : 100
        let growth = s.premiumYearAgoCents > 0 ? Double(s.premiumNowCents - s.premiumYearAgoCents) / Double(s.premiumYearAgoCents) * 100 : 0
        let growthScore = clamp(50 + 2.5 * growth)
        let opportunities = crossSellOpportunities(s.heldTypes)
        let f = clamp(0.60 * payment + 0.25 * growthScore + 0.15 * (100 * Double(4 - opportunities) / 4))
        // Satisfaction
        let nps: Double? = s.latestNPS.map { Double($0) * 10 } ?? s.satisfactionScore
        let complaints = 100 * max(0, 1 - Double(s.complaintsFiled) / 3)
        let resolution = s.complaintsFiled > 0 ? 100 * Double(min(s.complaintsResolved, s.complaintsFiled)) / Double(s.complaintsFiled) : 100
        let sat = clamp(0.60 * (nps ?? 50) + 0.25 * complaints + 0.15 * resolution)
        // Lifecycle
        let tenure = 100 * min(1, Double(s.tenureMonths) / 60)
        let policies = 100 * min(1, Double(s.activePolicies) / 3)
        let renewal = s.renewalRate.map { $0 * 100 }
        let indicators = churnIndicators(s)
        let l = clamp(0.35 * tenure + 0.20 * policies + 0.30 * (renewal ?? 80) + 0.15 * 100 * max(0, 1 - Double(indicators) / 3))
        let overall = ((0.30 * e + 0.30 * f + 0.20 * sat + 0.20 * l) * 10).rounded() / 10
        func r1(_ v: Double) -> Double { (v * 10).rounded() / 10 }
        return HealthScore(
            engagement: Engagement(score: r1(e), lastInteractionDays: s.daysSinceLastInteraction, interactionFrequency: s.interactionsInWindow,
                                   emailOpenRate: openRate.map(r1), responseRate: responseRate.map(r1)),
            financial: Financial(score: r1(f), paymentHistory: r1(payment), premiumGrowth: r1(growth), crossSellOpportunities: opportunities),
            satisfaction: Satisfaction(score: r1(sat), nps: nps.map(r1), complaintCount: s.complaintsFiled, resolutionRate: r1(resolution)),
            lifecycle: Lifecycle(score: r1(l), tenure: s.tenureMonths, policyCount: s.activePolicies, renewalRate: renewal.map(r1),
                                 churnIndicators: indicators),
            overall: overall)
    }

    /// The key structure of `componentsJSON` (API/Encoding/ScoringEncoding.swift), for storing it as values (see `DocumentShape`).
    static let componentsShape: DocumentShape = .object([
        ("engagement", .object([("score", .value), ("lastInteractionDays", .value), ("interactionFrequency", .value), ("emailOpenRate", .value),
                                ("responseRate", .value)])),
        ("financial", .object([("score", .value), ("paymentHistory", .value), ("premiumGrowth", .value), ("crossSellOpportunities", .value)])),
        ("satisfaction", .object([("score", .value), ("nps", .value), ("complaintCount", .value), ("resolutionRate", .value)])),
        ("lifecycle", .object([("score", .value), ("tenure", .value), ("policyCount", .value), ("renewalRate", .value), ("churnIndicators", .value)])),
    ])

}
