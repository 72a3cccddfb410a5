import Foundation

/// The spec's JSON for `GET /metrics`: the one place `RetentionMetrics` becomes JSON.
extension RetentionMetrics {
    public var json: JSONValue {
        func number(_ v: Double?) -> JSONValue { v.map { .number($0) } ?? .null }
        return .object([
            ("period", .object([("startDate", .string(Timestamp.formatDate(startDate))),
                                ("endDate", .string(Timestamp.formatDate(endDate))),
                                ("agentId", .optional(agentId))])),
            ("customerMetrics", .object([
                ("totalCustomers", .int(customers.totalCustomers)),
                ("newCustomers", .int(customers.newCustomers)),
                ("activeCustomers", .int(customers.activeCustomers)),
                ("activeAtStart", .int(customers.activeAtStart)),
                ("churnedCustomers", .int(customers.churnedCustomers)),
                ("retentionRate", number(customers.retentionRate)),
                ("churnRate", number(customers.churnRate)),
                ("growthRate", number(customers.growthRate)),
                ("churnRiskDistribution", .object(customers.churnRiskDistribution.map { ($0.level.rawValue, .int($0.customers)) })),
            ])),
            ("policyMetrics", .object([
                ("totalPolicies", .int(policies.totalPolicies)),
                ("activePolicies", .int(policies.activePolicies)),
                ("renewalRateByType", .object(policies.renewalRateByType.map { ($0.line, number($0.value)) })),
                ("renewalRate", number(policies.renewalRate)),
                ("cancellationRate", number(policies.cancellationRate)),
                ("lapseRate", number(policies.lapseRate)),
                ("averagePremiumByType", .object(policies.averagePremiumByType.map { ($0.line, .number($0.value)) })),
            ])),
            ("revenueMetrics", .object([
                ("totalRevenue", .number(revenue.totalRevenue)),
                ("newCustomerRevenue", .number(revenue.newCustomerRevenue)),
                ("renewalRevenue", .number(revenue.renewalRevenue)),
                ("expansionRevenue", .number(revenue.expansionRevenue)),
                ("contractionRevenue", .number(revenue.contractionRevenue)),
                ("churnedRevenue", .number(revenue.churnedRevenue)),
                ("startingRecurringRevenue", .number(revenue.startingRecurringRevenue)),
                ("netRevenueRetention", number(revenue.netRevenueRetention)),
                ("grossRevenueRetention", number(revenue.grossRevenueRetention)),
                ("averageLTV", number(revenue.averageLTV)),
                ("averageCurrentLTV", number(revenue.averageCurrentLTV)),
            ])),
            ("campaignMetrics", .object([
                ("activeCampaigns", .int(campaigns.activeCampaigns)),
                ("touchpointsSent", .int(campaigns.touchpointsSent)),
                ("touchpointsDelivered", .int(campaigns.touchpointsDelivered)),
                ("engagementRate", number(campaigns.engagementRate)),
                ("conversionRate", number(campaigns.conversionRate)),
                ("roi", number(campaigns.roi)),
            ])),
            ("healthMetrics", .object([
                ("averageHealthScore", number(health.averageHealthScore)),
                ("averageSatisfactionScore", number(health.averageSatisfactionScore)),
                ("healthScoreDistribution", .object([("excellent", .int(health.excellent)), ("good", .int(health.good)),
                                                     ("fair", .int(health.fair)), ("poor", .int(health.poor))])),
            ])),
            ("notes", .object(notes.map { ($0.metric, .string($0.reason)) })),
        ])
    }
}

/// The cohort retention triangle (`retention report --format json`): each cohort's retained shares in percent.
extension CohortTable {
    public var json: JSONValue {
        .object([("grain", .string(grain.rawValue)),
                 ("cohorts", .array(cohorts.map { .object([("cohort", .string($0.label)), ("customers", .int($0.size)),
                                                           ("retained", .array($0.retained.map { .rounded($0 * 100, 1) }))]) }))])
    }
}

extension KaplanMeier {
    /// A survival curve at the given checkpoints (months), in percent to 1 decimal, with its 95 % band
    /// (`retention report --format json`). Checkpoints beyond the longest follow-up have no estimate: null,
    /// not a made-up 100 %.
    public func json(checkpoints: [Double]) -> JSONValue {
        .object([("medianMonths", median.map { .rounded($0, 1) } ?? .null),
                 ("longestFollowUpMonths", .rounded(longestFollowUp, 1)),
                 ("points", .array(checkpoints.map { t in
                    let point = point(at: t)
                    return .object([("months", .number(t)), ("survival", point.map { .rounded($0.survival * 100, 1) } ?? .null),
                                    ("lower95", point.map { .rounded($0.lower95 * 100, 1) } ?? .null),
                                    ("upper95", point.map { .rounded($0.upper95 * 100, 1) } ?? .null)])
                 }))])
    }
}
