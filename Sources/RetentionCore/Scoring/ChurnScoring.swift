import Foundation

/// The churn model's seven features (spec section 4), by their API names.
///
/// - tenure: whole months since the first policy;
/// - policyCount: policies in force;
/// - engagementScore, satisfactionScore: the health score's components (0–100);
/// - paymentHistory: the financial component's on-time share (0–100);
/// - claimsRatio: the loss ratio, claims filed in the last 12 months ÷ premium earned in them, capped at 3
///   (one large claim must not swamp every other signal; 0 when nothing was earned);
/// - lastContactDays: days since the last interaction, capped at `contactDaysCap` (730); a customer never
///   contacted counts as the cap, so "never contacted" never reads safer than "contacted long ago" (D28).
public struct ChurnFeatures: Sendable, Equatable {
    /// The most days since the last interaction the model sees, and what "never contacted" counts as: two
    /// years. `lastContactDays = min(d, 730)`, never contacted: 730.
    public static let contactDaysCap = 730

    public static let names = ["tenure", "policyCount", "engagementScore", "satisfactionScore", "paymentHistory", "claimsRatio", "lastContactDays"]
    static let ranges: [ClosedRange<Double>] = [0...1200, 0...100, 0...100, 0...100, 0...100, 0...3, 0...36500]

    public var values: [Double]

    public init(values: [Double]) { self.values = values }

    public init(signals s: CustomerSignals, health h: HealthScore) {
        let ratio = s.premiumEarnedInWindowCents > 0 ? min(3, Double(s.claimAmountInWindowCents) / Double(s.premiumEarnedInWindowCents)) : 0
        values = [Double(s.tenureMonths), Double(s.activePolicies), h.engagement.score, h.satisfaction.score,
                  h.financial.paymentHistory, ratio, Double(min(s.daysSinceLastInteraction ?? Self.contactDaysCap, Self.contactDaysCap))]
    }

    public func value(_ name: String) -> Double { values[ChurnFeatures.names.firstIndex(of: name)!] }

    /// A what-if: the given features replace the stored ones. Unknown names and out-of-range values are errors.
    public func applying(_ overrides: JSONValue?) throws -> ChurnFeatures {
        guard let overrides, !overrides.isNull else { return self }
        guard case .object(let pairs) = overrides else { throw RetentionError.invalid("features", "must be a JSON object") }
        var v = values
        for (key, value) in pairs {
            guard let i = ChurnFeatures.names.firstIndex(of: key) else {
                throw RetentionError.invalid("features.\(key)", "is not a model feature; known: \(ChurnFeatures.names.joined(separator: ", "))")
            }
            guard let d = value.doubleValue, ChurnFeatures.ranges[i].contains(d) else {
                throw RetentionError.invalid("features.\(key)", "must be a number from \(JSONValue.format(number: ChurnFeatures.ranges[i].lowerBound)) to \(JSONValue.format(number: ChurnFeatures.ranges[i].upperBound))")
            }
            v[i] = d
        }
        return ChurnFeatures(values: v)
    }


    /// A feature in plain words, by the side of the model's mean μⱼ its value `x` lies on ("Short tenure"
    /// below the mean, "Long tenure" above): the name of a factor for people. No policy in force is said so.
    public static func title(_ name: String, value x: Double, mean: Double) -> String {
        let above = x > mean
        switch name {
        case "tenure": return above ? "Long tenure" : "Short tenure"
        case "policyCount": return x < 1 ? "No active policies" : above ? "Many policies" : "Few policies"
        case "engagementScore": return above ? "High engagement" : "Low engagement"
        case "satisfactionScore": return above ? "High satisfaction" : "Low satisfaction"
        case "paymentHistory": return above ? "Good payment record" : "Payment issues"
        case "claimsRatio": return above ? "High claims" : "Few claims"
        case "lastContactDays": return above ? "No recent contact" : "Recent contact"
        default: return name
        }
    }
}

/// The coefficients used until `retention model train` has fitted the book.
///
/// Judgement, not data: a one-standard-deviation move in each feature changes the log-odds by the
/// coefficient shown (negative protects). The intercept ln(0.12/0.88) ≈ −1.99 puts an average customer
/// at about 12 % yearly churn, in line with agency retention of 85–90 %. They are not calibrated to any
/// book (on the demo books they are far too extreme: calibration slope about 0.3), so whatever they score
/// is labelled "untrained: documented default coefficients" (`Engine.ChurnModelInfo`).
public enum DefaultChurnModel {
    public static let model = LogisticModel(
        featureNames: ChurnFeatures.names,
        means: [36, 1.5, 50, 65, 92, 0.2, 120],
        scales: [30, 0.8, 20, 20, 12, 0.6, 110],
        intercept: log(0.12 / 0.88),
        coefficients: [-0.35, -0.45, -0.55, -0.45, -0.60, 0.20, 0.40])
}

/// Why a customer is at risk: each code fires on a documented condition.
public enum RiskFactor: String, CaseIterable, Sendable {
    /// engagement score below 40
    case low_engagement
    /// payment history below 90 % or two or more missed payments in 12 months
    case payment_issues
    /// no interaction for more than 90 days, or never
    case no_recent_contact
    /// no policy in force
    case no_active_policies
    /// two or more claims in 12 months, or claims above half the premium earned
    case high_claims_frequency
    /// satisfaction score below 50, or the latest NPS answer a detractor (0–6)
    case declining_satisfaction

    public var title: String {
        switch self {
        case .low_engagement: "Low engagement"
        case .payment_issues: "Payment issues"
        case .no_recent_contact: "No recent contact"
        case .no_active_policies: "No active policies"
        case .high_claims_frequency: "High claims frequency"
        case .declining_satisfaction: "Declining satisfaction"
        }
    }

    /// The model feature the factor is about (its expected impact is measured on it).
    var feature: String {
        switch self {
        case .low_engagement: "engagementScore"
        case .payment_issues: "paymentHistory"
        case .no_recent_contact: "lastContactDays"
        case .no_active_policies: "policyCount"
        case .high_claims_frequency: "claimsRatio"
        case .declining_satisfaction: "satisfactionScore"
        }
    }

    /// The action that answers the factor.
    var action: String {
        switch self {
        case .low_engagement: "Send personalized re-engagement campaign"
        case .payment_issues: "Offer a flexible payment plan"
        case .no_recent_contact: "Schedule a check-in call"
        case .no_active_policies: "Make a win-back offer"
        case .high_claims_frequency: "Review the policy and coverage with the customer"
        case .declining_satisfaction: "Offer a retention incentive or loyalty discount"
        }
    }

    public static func detect(signals s: CustomerSignals, health h: HealthScore, features f: ChurnFeatures) -> [RiskFactor] {
        var out: [RiskFactor] = []
        if f.value("engagementScore") < 40 { out.append(.low_engagement) }
        if f.value("paymentHistory") < 90 || s.paymentsMissed >= 2 { out.append(.payment_issues) }
        if f.value("lastContactDays") > 90 { out.append(.no_recent_contact) }
        if f.value("policyCount") < 1 { out.append(.no_active_policies) }
        if s.claimsInWindow >= 2 || f.value("claimsRatio") > 0.5 { out.append(.high_claims_frequency) }
        if f.value("satisfactionScore") < 50 || (s.latestNPS ?? 10) <= 6 { out.append(.declining_satisfaction) }
        return out
    }
}

/// A churn prediction with its explanation (the spec's churn-prediction response).
public struct ChurnPrediction: Sendable, Equatable {
    public struct Factor: Sendable, Equatable {
        public var name: String
        public var impact: Double
        public var direction: String
    }
    public struct Recommendation: Sendable, Equatable {
        public var action: String
        public var priority: String
        public var expectedImpact: String
    }

    /// The factor that raises the churn probability most (see `top(features:model:)`).
    public struct TopFactor: Sendable, Equatable {
        /// The feature's API name ("paymentHistory").
        public var name: String
        /// The feature in plain words ("Payment issues"), what the at-risk list shows.
        public var title: String
        /// Its contribution βⱼ·zⱼ to the log-odds.
        public var contribution: Double
    }

    public var probability: Double
    public var risk: ChurnRisk
    public var confidence: Double
    public var factors: [Factor]
    public var recommendations: [Recommendation]
    /// The risk factors that fired, the one whose feature contributes most first.
    public var riskFactors: [RiskFactor]
    public var topFactor: TopFactor?

    /// Smallest contribution, either way, reported as a factor (and as the top factor).
    public static let reportedContribution = 0.05

    /// The top factor: the feature with the largest positive contribution βⱼ·zⱼ to the log-odds, if it is at
    /// least 0.05 (smaller ones are not reported as factors); a tie goes to the earlier feature. Nil when no
    /// feature raises the risk that much. The one definition of "top factor": the at-risk list shows it
    /// (stored with the score), the detail pane and the churn-prediction route name it, and it is the first
    /// of the prediction's factors with direction "negative".
    public static func top(features: ChurnFeatures, model: LogisticModel) -> TopFactor? {
        let contributions = model.contributions(features.values)
        var best: Int?
        for (j, c) in contributions.enumerated() where c >= reportedContribution && c > (best.map { contributions[$0] } ?? -.infinity) {
            best = j
        }
        return best.map { j in
            TopFactor(name: model.featureNames[j], title: ChurnFeatures.title(model.featureNames[j], value: features.values[j], mean: model.means[j]),
                      contribution: contributions[j])
        }
    }

    /// Explains a probability.
    /// - Factors: each feature's contribution to the log-odds, βⱼ·zⱼ, largest first; a positive contribution
    ///   raises churn ("negative" for retention). Features contributing less than 0.05 either way are left out.
    ///   The top factor (`top(features:model:)`) is the first of them with direction "negative".
    /// - Risk factors: those that fired, ordered by their feature's contribution, largest first.
    /// - Recommendations: one per risk factor that fired, with expectedImpact = p − p′, where p′ is the
    ///   model's probability with that factor's feature set to the book's median (percentage points).
    ///   High and critical risk add "Immediate outreach" first, measured on the top factor.
    /// - Confidence = 0.5·completeness + 0.5·|2p − 1|: how much of the data was observed rather than
    ///   neutral, and how far the probability is from the 50 % boundary. Two decimals.
    public static func explain(features: ChurnFeatures, model: LogisticModel, medians: ChurnFeatures, riskFactors: [RiskFactor],
                               completeness: Double, crossSellOpportunities: Int) -> ChurnPrediction {
        let p = model.probability(features.values)
        let risk = ChurnRisk(probability: p)
        let contributions = model.contributions(features.values)
        // Largest contribution first, ties in feature order (sorted before rounding, so the top factor leads).
        let order = contributions.indices.sorted { (contributions[$0], -$0) > (contributions[$1], -$1) }
        var factors: [Factor] = []
        for j in order where abs(contributions[j]) >= reportedContribution {
            let c = contributions[j]
            factors.append(Factor(name: model.featureNames[j], impact: (c * 100).rounded() / 100, direction: c > 0 ? "negative" : "positive"))
        }
        let topFactor = top(features: features, model: model)
        let contributionOf = { (f: RiskFactor) in model.featureNames.firstIndex(of: f.feature).map { contributions[$0] } ?? 0 }
        let riskFactors = riskFactors.enumerated().sorted { (contributionOf($0.element), -$0.offset) > (contributionOf($1.element), -$1.offset) }.map(\.element)
        func drop(_ feature: String) -> Double {
            var v = features.values
            let i = ChurnFeatures.names.firstIndex(of: feature)!
            v[i] = medians.values[i]
            return p - model.probability(v)
        }
        func impact(_ d: Double) -> String {
            let tenths = Int((max(0, d) * 1000).rounded())
            return "Reduce churn probability by \(tenths / 10).\(tenths % 10)%"
        }
        var recs: [Recommendation] = []
        if risk >= .high {
            let top = topFactor?.name ?? "lastContactDays"
            recs.append(Recommendation(action: "Immediate outreach required - schedule personal call", priority: "high", expectedImpact: impact(drop(top))))
        }
        for f in riskFactors {
            let d = drop(f.feature)
            guard d > 0.0005 || f == .no_active_policies else { continue }
            recs.append(Recommendation(action: f.action, priority: risk >= .high ? "high" : risk == .medium ? "medium" : "low", expectedImpact: impact(d)))
        }
        if risk == .low && crossSellOpportunities >= 2 {
            recs.append(Recommendation(action: "Identify cross-sell opportunities", priority: "low", expectedImpact: impact(drop("policyCount"))))
        }
        let confidence = ((0.5 * min(1, max(0, completeness)) + 0.5 * abs(2 * p - 1)) * 100).rounded() / 100
        return ChurnPrediction(probability: p, risk: risk, confidence: confidence, factors: factors, recommendations: recs, riskFactors: riskFactors,
                               topFactor: topFactor)
    }

    /// Share of the inputs that were observed rather than neutral defaults: last interaction known,
    /// an NPS answer or satisfaction score, instalments due, e-mail or touchpoint history, tenure.
    public static func completeness(_ s: CustomerSignals) -> Double {
        let known = [s.daysSinceLastInteraction != nil, s.latestNPS != nil || s.satisfactionScore != nil, s.paymentsDue > 0,
                     s.emailsDelivered > 0 || s.touchpointsDelivered > 0, s.tenureMonths > 0]
        return Double(known.filter { $0 }.count) / Double(known.count)
    }
}
