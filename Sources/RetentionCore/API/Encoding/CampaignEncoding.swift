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
            ("measurement", measurement.json),
        ] + (variants.isEmpty ? [] : [("variants", .array(variants.map(\.json)))]))
    }
}

extension CampaignStatistics.Interval {
    public var json: JSONValue { .object([("estimate", .number(estimate)), ("lower95", .number(lower)), ("upper95", .number(upper))]) }
}

extension CampaignPerformance.Measurement {
    /// An addition to the spec's performance object: whether the numbers can be judged yet, and the intervals.
    public var json: JSONValue {
        .object([
            ("state", .string(state.rawValue)), ("measured", .int(measured)), ("enrolled", .int(enrolled)), ("windowDays", .int(windowDays)),
            ("upliftPoints", uplift?.json ?? .null), ("upliftExcludesZero", uplift.map { .bool($0.excludesZero) } ?? .null),
            ("incrementalRevenue", incrementalRevenue?.json ?? .null), ("roiOnUplift", roiOnUplift?.json ?? .null),
            ("controlGroupNeeded", .optional(controlNeeded)), ("equalGroupsNeeded", .optional(equalGroupsNeeded)),
        ])
    }
}

extension CampaignPerformance.VariantTest {
    /// An addition to the spec: one A/B step's variants and the z-test of their response rates.
    public var json: JSONValue {
        .object([
            ("step", .int(step)),
            ("variants", .array(variants.map { v in
                .object([("template", .string(v.template)), ("touchpoints", .int(v.touchpoints)), ("sent", .int(v.sent)),
                         ("delivered", .int(v.delivered)), ("responded", .int(v.responded)), ("responseRate", .optional(v.responseRate))])
            })),
            ("z", .optional(z)), ("pValue", .optional(pValue)), ("winner", .optional(winner)),
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

extension SequenceStep {
    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [("type", .string(channel?.rawValue ?? "preferred")), ("template", .string(template)), ("delay", .int(delayMinutes))]
        if let skipIf { pairs.append(("skipIf", .string(skipIf.rawValue))) }
        if !variants.isEmpty { pairs.append(("variants", .array(variants.map { .string($0) }))) }
        return .object(pairs)
    }
}

extension TargetSegment {
    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = []
        if !churnRisk.isEmpty { pairs.append(("churnRisk", .array(churnRisk.map { .string($0.rawValue) }))) }
        if !policyTypes.isEmpty { pairs.append(("policyTypes", .array(policyTypes.map { .string($0.rawValue) }))) }
        if healthScoreMin != nil || healthScoreMax != nil {
            pairs.append(("healthScoreRange", .object([("min", .optional(healthScoreMin)), ("max", .optional(healthScoreMax))])))
        }
        if tenureMonthsMin != nil || tenureMonthsMax != nil {
            pairs.append(("tenureMonths", .object([("min", .optional(tenureMonthsMin)), ("max", .optional(tenureMonthsMax))])))
        }
        if !tags.isEmpty { pairs.append(("tags", .array(tags.map { .string($0) }))) }
        if let agentId { pairs.append(("agentId", .string(agentId))) }
        if !agentIds.isEmpty { pairs.append(("agentIds", .array(agentIds.map { .string($0) }))) }
        if let renewalWithinDays { pairs.append(("renewalWithinDays", .int(renewalWithinDays))) }
        if let lastContactOlderThanDays { pairs.append(("lastContactOlderThanDays", .int(lastContactOlderThanDays))) }
        if !customFilters.isEmpty {
            pairs.append(("customFilters", .array(customFilters.map { .object([("key", .string($0.key)), ("value", .string($0.value))]) })))
        }
        if formerCustomers { pairs.append(("formerCustomers", .bool(true))) }
        return .object(pairs)
    }
}

extension CampaignSchedule {
    public var json: JSONValue {
        .object([("startDate", .optional(startDate?.text)), ("endDate", .optional(endDate?.text)),
                 ("timezone", .string(timezone)), ("cron", .optional(cron))])
    }
}

extension CampaignGoals {
    public var json: JSONValue {
        .object([("targetCustomers", .optional(targetCustomers)), ("expectedRetention", .optional(expectedRetention)),
                 ("expectedRevenue", .money(expectedRevenueCents))])
    }
}

extension Campaign {
    public var json: JSONValue {
        .object([
            ("id", .string(id)), ("name", .string(name)), ("description", .optional(description)), ("type", .string(type.rawValue)),
            ("status", .string(status.rawValue)), ("targetSegment", targetSegment.json), ("schedule", schedule.json),
            ("touchpoints", .array(sequence.map(\.json))), ("goals", goals.json), ("controlGroupPercent", .rounded(controlFraction * 100, 1)),
            ("createdBy", .string(createdBy)), ("statusChangedAt", .optional(statusChangedAt.map(Timestamp.formatInstant))),
            ("pausedAt", .optional(pausedAt.map(Timestamp.formatInstant))), ("nextRunAt", .optional(nextRunAt.map(Timestamp.formatInstant))),
            ("allowedTransitions", .array(status.allowedTransitions.map { .string($0.rawValue) })),
            ("version", .int(version)), ("createdAt", .string(Timestamp.formatInstant(createdAt))), ("updatedAt", .string(Timestamp.formatInstant(updatedAt))),
        ])
    }
}

extension Touchpoint {
    public var json: JSONValue {
        func t(_ v: Int?) -> JSONValue { .optional(v.map(Timestamp.formatInstant)) }
        return .object([
            ("id", .string(id)), ("campaignId", .optional(campaignId)), ("customerId", .string(customerId)), ("policyId", .optional(policyId)),
            ("step", .int(step)), ("type", .string(channel.rawValue)), ("template", .optional(template)), ("status", .string(status.rawValue)),
            ("scheduledAt", .string(Timestamp.formatInstant(dueAt))), ("sentAt", t(sentAt)), ("deliveredAt", t(deliveredAt)),
            ("openedAt", t(openedAt)), ("clickedAt", t(clickedAt)), ("respondedAt", t(respondedAt)), ("failedAt", t(failedAt)),
            ("subject", .optional(subject)), ("content", .optional(content)), ("response", .optional(response)),
            ("metadata", metadata ?? .object([])), ("attempts", .int(attempts)), ("lastError", .optional(lastError)),
            ("skipReason", .optional(skipReason)),
        ])
    }
}
