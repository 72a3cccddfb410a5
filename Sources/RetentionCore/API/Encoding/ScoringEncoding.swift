import Foundation

// The spec's JSON for a customer's scores: the health score (`POST /customers/:id/health-score`), the churn
// prediction (`POST /customers/:id/churn-prediction`) and the lifetime value (`POST /customers/:id/ltv`).
// The histories store these same documents, as they were calculated (see `DocumentShape`).

extension CustomerHealthScore {
    public var json: JSONValue {
        .object([
            ("customerId", .string(customerId)), ("overallScore", .number(health.overall)), ("band", .string(health.band.rawValue)),
            ("components", health.componentsJSON), ("churnRisk", .string(churnRisk.rawValue)),
            ("churnProbability", .number(churnProbability)),
            ("riskFactors", .array(riskFactors.map { .string($0) })),
            ("recommendations", .array(recommendations.map { .string($0) })),
            ("calculatedAt", .string(Timestamp.formatInstant(calculatedAt))),
        ])
    }
}

extension HealthScore {
    /// The spec's `components` object.
    public var componentsJSON: JSONValue {
        .object([
            ("engagement", .object([("score", .number(engagement.score)), ("lastInteractionDays", .optional(engagement.lastInteractionDays)),
                                    ("interactionFrequency", .int(engagement.interactionFrequency)), ("emailOpenRate", .optional(engagement.emailOpenRate)),
                                    ("responseRate", .optional(engagement.responseRate))])),
            ("financial", .object([("score", .number(financial.score)), ("paymentHistory", .number(financial.paymentHistory)),
                                   ("premiumGrowth", .number(financial.premiumGrowth)), ("crossSellOpportunities", .int(financial.crossSellOpportunities))])),
            ("satisfaction", .object([("score", .number(satisfaction.score)), ("nps", .optional(satisfaction.nps)),
                                      ("complaintCount", .int(satisfaction.complaintCount)), ("resolutionRate", .number(satisfaction.resolutionRate))])),
            ("lifecycle", .object([("score", .number(lifecycle.score)), ("tenure", .int(lifecycle.tenure)), ("policyCount", .int(lifecycle.policyCount)),
                                   ("renewalRate", .optional(lifecycle.renewalRate)), ("churnIndicators", .int(lifecycle.churnIndicators))])),
        ])
    }
}

extension CustomerChurnPrediction {
    public var json: JSONValue {
        .object([
            ("customerId", .string(customerId)), ("churnProbability", .rounded(prediction.probability, 4)),
            ("churnRisk", .string(prediction.risk.rawValue)),
            ("customerStatus", .string(customerStatus.rawValue)),
            ("confidence", .number(prediction.confidence)),
            ("factors", prediction.factorsJSON), ("topFactor", prediction.topFactor?.json ?? .null),
            ("recommendations", prediction.recommendationsJSON),
            ("features", features.json), ("model", model.json),
            ("predictedAt", .string(Timestamp.formatInstant(predictedAt))),
        ])
    }
}

extension ChurnFeatures {
    /// `{"tenure": …, …}` in the model's feature order, each to 2 decimals.
    public var json: JSONValue { .object(zip(ChurnFeatures.names, values).map { ($0, .rounded($1, 2)) }) }
}

extension ChurnPrediction.TopFactor {
    /// `{"name", "title", "impact"}`, the impact rounded like the factors'.
    public var json: JSONValue {
        .object([("name", .string(name)), ("title", .string(title)), ("impact", .number((contribution * 100).rounded() / 100))])
    }
}

extension ChurnPrediction {
    public var factorsJSON: JSONValue {
        .array(factors.map { .object([("name", .string($0.name)), ("impact", .number($0.impact)), ("direction", .string($0.direction))]) })
    }
    public var recommendationsJSON: JSONValue {
        .array(recommendations.map { .object([("action", .string($0.action)), ("priority", .string($0.priority)), ("expectedImpact", .string($0.expectedImpact))]) })
    }
}

extension Engine.ChurnModelInfo {
    /// The prediction's `model` member: `{"trained", "version", "trainedAt", "holdoutAUC", "calibrationSlope",
    /// "calibrationIntercept", "description"}`.
    public var json: JSONValue {
        .object([("trained", .bool(trained)), ("version", .optional(version)),
                 ("trainedAt", .optional(trainedAt.map(Timestamp.formatInstant))),
                 ("holdoutAUC", holdoutAUC.map { .rounded($0, 4) } ?? .null),
                 ("calibrationSlope", calibration?.slope.map { .rounded($0, 4) } ?? .null),
                 ("calibrationIntercept", calibration?.intercept.map { .rounded($0, 4) } ?? .null),
                 ("description", .string(description))])
    }
}

extension CustomerLifetimeValue {
    public var json: JSONValue {
        let v = value, settings = value.settings
        return .object([
            ("customerId", .string(customerId)), ("currentLTV", .money(v.currentCents)), ("projectedLTV", .money(v.projectedCents)),
            ("projectedProfit", .money(v.projectedProfitCents)),
            ("averageRevenue", .object([("monthly", .money(v.monthlyRevenueCents)), ("annual", .money(v.annualRevenueCents))])),
            ("retentionRate", v.retentionRate.map { .rounded($0 * 100, 1) } ?? .null),
            ("churnProbability", .rounded(v.churnProbability, 4)),
            ("averageLifespan", .rounded(v.averageLifespanMonths, 1)),
            ("acquisitionCost", .money(settings.acquisitionCostCents)), ("operationalCost", .money(settings.operationalCostCents)),
            ("profitMargin", .rounded(settings.profitMargin * 100, 1)), ("discountRate", .rounded(settings.discountRate * 100, 1)),
            ("breakdown", .object([("totalRevenue", .money(v.currentCents)), ("totalCost", .money(v.totalCostCents)),
                                   ("netProfit", .money(v.netProfitCents)),
                                   ("policyRevenue", .object(v.revenueByType.map { ($0.0, .money($0.1)) }))])),
            ("segments", .object([("tier", .string(v.tier)), ("category", .string(v.category))])),
            ("calculatedAt", .string(Timestamp.formatInstant(calculatedAt))),
        ])
    }
}
