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
            ("reasons", RiskReason.json(reasons)),
        ])
    }
}

extension RiskReason {
    /// `{"kind", "text", "evidence": [{"eventId", "type", "occurredAt"}], "feature", "contribution"}` (an addition to the spec).
    public var json: JSONValue {
        .object([
            ("kind", .string(kind.rawValue)), ("text", .string(text)),
            ("evidence", .array(evidence.map { .object([("eventId", .string($0.eventId)), ("type", .string($0.type.rawValue)),
                                                        ("occurredAt", .string(Timestamp.formatInstant($0.occurredAt)))]) })),
            ("feature", .optional(feature)), ("contribution", .optional(contribution)),
        ])
    }

    public static func json(_ reasons: [RiskReason]) -> JSONValue { .array(reasons.map(\.json)) }
}

extension JSONValue {
    /// An object with one more member at its end (any other value unchanged).
    public func adding(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(let pairs) = self else { return self }
        return .object(pairs + [(key, value)])
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

extension ScoreChange {
    /// The `change` member of a health-score history entry (an addition to the spec): against the scoring before.
    public var json: JSONValue {
        .object([
            ("since", .string(Timestamp.formatInstant(previousAt))),
            ("components", .object(components.map { ($0.name, .object([("from", .number($0.before)), ("to", .number($0.after)),
                                                                        ("delta", .number($0.delta))])) })),
            ("churnProbability", .object([("from", .rounded(churnBefore, 4)), ("to", .rounded(churnAfter, 4))])),
            ("churnRisk", .object([("from", .string(riskBefore.rawValue)), ("to", .string(riskAfter.rawValue))])),
            ("events", .array(events.map { .object([("eventId", .string($0.eventId)), ("type", .string($0.type.rawValue)),
                                                    ("occurredAt", .string(Timestamp.formatInstant($0.occurredAt)))]) })),
        ])
    }
}
