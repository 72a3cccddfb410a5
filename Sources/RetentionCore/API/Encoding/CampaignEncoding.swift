import Foundation

/// The spec's JSON for a campaign's performance (`GET /campaigns/:id/performance`, `performance` in
/// `GET /campaigns` and `GET /campaigns/:id`, `retention campaign performance`): the one place
/// `CampaignPerformance` becomes JSON.
extension CampaignPerformance {
    public var json: JSONValue {
        func number(_ v: Double?) -> JSONValue { v.map { .number($0) } ?? .null }
        func byStatus(_ counts: [TouchpointStatus: Int]) -> JSONValue {
            .object(TouchpointStatus.allCases.map { ($0.rawValue, .int(counts[$0] ?? 0)) })
        }
        let r = touchpoints.rates
        return .object([
            ("campaignId", .string(campaignId)), ("name", .string(name)), ("status", .string(status.rawValue)),
            ("customers", .object([("targeted", .int(customers.targeted)), ("reached", .int(customers.reached)),
                                   ("engaged", .int(customers.engaged)), ("control", .int(customers.control))])),
            ("touchpoints", .object([
                ("total", .int(touchpoints.total)), ("byStatus", byStatus(touchpoints.byStatus)),
                ("byCurrentStatus", byStatus(touchpoints.byCurrentStatus)),
                ("rates", .object([("deliveryRate", number(r.deliveryRate)), ("openRate", number(r.openRate)),
                                   ("clickRate", number(r.clickRate)), ("responseRate", number(r.responseRate)),
                                   ("clickToOpenRate", number(r.clickToOpenRate))])),
            ])),
            ("engagementRate", number(engagementRate)),
            ("retention", .object([("treatedRate", number(retention.treatedRate)), ("controlRate", number(retention.controlRate)),
                                   ("upliftPoints", number(retention.upliftPoints)),
                                   ("treatedSize", .int(retention.treatedSize)), ("controlSize", .int(retention.controlSize))])),
            ("revenue", .object([("retained", .number(revenue.retained)), ("control", .number(revenue.control)),
                                 ("incremental", number(revenue.incremental)),
                                 ("attributionWindowDays", .int(revenue.attributionWindowDays))])),
            ("cost", .number(cost)), ("roi", number(roi)), ("roiOnUplift", number(roiOnUplift)),
            ("goals", .object([
                ("targetCustomers", .object([("goal", .optional(goals.targetCustomers.goal)), ("actual", .int(goals.targetCustomers.actual))])),
                ("expectedRetention", .object([("goal", .optional(goals.expectedRetention.goal)), ("actual", .int(goals.expectedRetention.actual))])),
                ("expectedRevenue", .object([("goal", .money(goals.expectedRevenue.goal)), ("actual", .number(goals.expectedRevenue.actual))])),
            ])),
            ("calculatedAt", .string(Timestamp.formatInstant(calculatedAt))),
        ])
    }
}

extension Campaign {
    /// The campaign with its performance, as `GET /campaigns` and `GET /campaigns/:id` return it: the spec
    /// reads `campaign.performance.roi`.
    public func json(performance: CampaignPerformance) -> JSONValue {
        .object((json.objectPairs ?? []) + [("performance", performance.json)])
    }
}
