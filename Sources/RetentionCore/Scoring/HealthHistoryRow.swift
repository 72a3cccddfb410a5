import Foundation

/// A health-score history row as numbers (schema 16): what `GET /customers/:id/health-score`'s history
/// entry is a function of, and the entry rebuilt from them on read, byte for byte the document the row would
/// have held before (Formulas.md, "Score history").
///
/// The row holds the overall score and the four component scores (REAL, as computed), the churn probability
/// (REAL, unrounded; the entry shows it to 4 decimals) and risk (its rank), and the components' factor values:
/// counts as integers, rates and premium growth (which the scoring rounds to one decimal) as integer tenths
/// (72.4 → 724, read back as 724 / 10, the very double the scoring made). The band is the overall score's
/// (`band`, the rule as of schema 16). The risk factors' titles and the recommendations' actions are codes of
/// `riskFactorTitles` and `recommendationActions`, one base-16 digit an item, the first item in the lowest
/// digit: [No recent contact, Low engagement] → 3 + 1·16 = 19; none → 0.
///
/// A score the numbers cannot rebuild exactly (a title the code table does not know, a rate that is not a
/// whole number of tenths, a band rule that changed) is stored as its document instead (`document`, compact,
/// see `DocumentShape`), as rows an older release wrote that the migration could not convert are.
enum HealthHistoryRow {
    /// Risk-factor titles by code (1 = the first). Frozen with schema 16's migration, which holds the same
    /// table: append only, never reorder.
    static let riskFactorTitles = ["Low engagement", "Payment issues", "No recent contact", "No active policies",
                                   "High claims frequency", "Declining satisfaction"]
    /// Recommendation actions by code (1 = the first). Frozen like `riskFactorTitles`.
    static let recommendationActions = [
        "Send personalized re-engagement campaign", "Offer a flexible payment plan", "Schedule a check-in call", "Make a win-back offer",
        "Review the policy and coverage with the customer", "Offer a retention incentive or loyalty discount",
        "Immediate outreach required - schedule personal call", "Identify cross-sell opportunities",
    ]
    private static let riskFactorCodes = Dictionary(uniqueKeysWithValues: riskFactorTitles.enumerated().map { ($1, Int64($0 + 1)) })
    private static let recommendationCodes = Dictionary(uniqueKeysWithValues: recommendationActions.enumerated().map { ($1, Int64($0 + 1)) })

    /// The band of an overall score, as schema 16's rows were written (the spec's bands: 80, 60, 40).
    static func band(_ overall: Double) -> String {
        overall >= 80 ? "excellent" : overall >= 60 ? "good" : overall >= 40 ? "fair" : "poor"
    }

    /// The churn probability the entry shows: to 4 decimals, as `CustomerHealthScore` rounds it.
    static func shownProbability(_ p: Double) -> Double { (p * 10_000).rounded() / 10_000 }

    /// `v` in integer tenths, when `v` is exactly a whole number of tenths as the scoring rounds (k / 10); else nil.
    static func tenths(_ v: Double) -> Int64? {
        let k = (v * 10).rounded()
        guard k / 10 == v, abs(k) < 1e15 else { return nil }
        return Int64(k)
    }

    /// The codes of `texts` in `table`'s code table (`codes`), nil when one is unknown or there are more than 15.
    static func codes(_ texts: [String], _ table: [String: Int64]) -> Int64? {
        guard texts.count <= 15 else { return nil }
        var out: Int64 = 0
        for (i, t) in texts.enumerated() {
            guard let c = table[t] else { return nil }
            out |= c << (4 * Int64(i))
        }
        return out
    }

    /// The texts of `codes` in `table`.
    static func texts(_ codes: Int64, _ table: [String]) throws -> [JSONValue] {
        var out: [JSONValue] = []
        var rest = codes
        while rest != 0 {
            let c = Int(rest & 15)
            guard c >= 1 && c <= table.count else { throw RetentionError.storage("a health-score history row holds the unknown text code \(c)") }
            out.append(.string(table[c - 1]))
            rest >>= 4
        }
        return out
    }

    /// The columns after `model_version` (`Engine.healthHistoryInsert`), in order.
    static let numberColumns = """
        last_interaction_days, interaction_frequency, email_open_rate_tenths, response_rate_tenths, payment_history_tenths,
        premium_growth_tenths, cross_sell_opportunities, nps_tenths, complaint_count, resolution_rate_tenths, tenure_months, policy_count,
        renewal_rate_tenths, churn_indicators, risk_factor_codes, recommendation_codes
        """
    static let numberColumnCount = 16

    /// The values of `numberColumns` for a score, nil when the numbers cannot rebuild its document exactly.
    static func numbers(_ sc: CustomerScore) -> [SQLValue]? {
        let h = sc.health
        guard band(h.overall) == h.band.rawValue else { return nil }
        func t(_ v: Double) -> SQLValue? { tenths(v).map { .int($0) } }
        func t(_ v: Double?) -> SQLValue? { guard let v else { return .null }; return t(v) }
        var recs: [String] = []
        for r in sc.prediction.recommendations where !recs.contains(r.action) { recs.append(r.action) }
        guard let email = t(h.engagement.emailOpenRate), let response = t(h.engagement.responseRate),
              let payment = t(h.financial.paymentHistory), let growth = t(h.financial.premiumGrowth), let nps = t(h.satisfaction.nps),
              let resolution = t(h.satisfaction.resolutionRate), let renewal = t(h.lifecycle.renewalRate),
              let factors = codes(sc.prediction.riskFactors.map(\.title), riskFactorCodes), let actions = codes(recs, recommendationCodes)
        else { return nil }
        return [.init(h.engagement.lastInteractionDays), .init(h.engagement.interactionFrequency), email, response, payment, growth,
                .init(h.financial.crossSellOpportunities), nps, .init(h.satisfaction.complaintCount), resolution, .init(h.lifecycle.tenure),
                .init(h.lifecycle.policyCount), renewal, .init(h.lifecycle.churnIndicators), .int(factors), .int(actions)]
    }

    /// The columns `document(_:…)` reads, in its order.
    static let readColumns = "calculated_at, overall, engagement, financial, satisfaction, lifecycle, churn_probability, churn_risk, \(numberColumns), document"

    /// The history entry of a row read with `readColumns`: its numbers rebuilt into the spec's response with
    /// `Engine.healthDocumentShape`, or the document it holds.
    static func document(_ r: Row, customerID: String) throws -> JSONValue {
        let at = r.int(0)
        if !r.isNull(24) { return try Engine.healthDocumentShape.expand(r.text(24), customerID: customerID, calculatedAt: at) }
        func int(_ i: Int32) throws -> JSONValue {
            guard !r.isNull(i) else { throw RetentionError.storage("a health-score history row lacks a number and a document") }
            return .number(Double(r.int64(i)))
        }
        func optionalInt(_ i: Int32) -> JSONValue { r.isNull(i) ? .null : .number(Double(r.int64(i))) }
        func tenths(_ i: Int32) throws -> JSONValue {
            guard !r.isNull(i) else { throw RetentionError.storage("a health-score history row lacks a number and a document") }
            return .number(Double(r.int64(i)) / 10)
        }
        func optionalTenths(_ i: Int32) -> JSONValue { r.isNull(i) ? .null : .number(Double(r.int64(i)) / 10) }
        func code(_ i: Int32) throws -> Int64 {
            guard !r.isNull(i) else { throw RetentionError.storage("a health-score history row lacks a number and a document") }
            return r.int64(i)
        }
        let overall = r.double(1)
        guard let risk = ChurnRisk(rank: r.int(7)) else { throw RetentionError.storage("a health-score history row holds the unknown risk \(r.int(7))") }
        let values: [JSONValue] = [
            .number(overall), .string(band(overall)),
            .number(r.double(2)), optionalInt(8), try int(9), optionalTenths(10), optionalTenths(11),
            .number(r.double(3)), try tenths(12), try tenths(13), try int(14),
            .number(r.double(4)), optionalTenths(15), try int(16), try tenths(17),
            .number(r.double(5)), try int(18), try int(19), optionalTenths(20), try int(21),
            .string(risk.rawValue), .number(shownProbability(r.double(6))),
            .array(try texts(try code(22), riskFactorTitles)), .array(try texts(try code(23), recommendationActions)),
        ]
        return try Engine.healthDocumentShape.build(values, customerID: customerID, calculatedAt: at)
    }
}
