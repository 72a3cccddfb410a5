import Foundation

/// The JSON of the work queues' rows (`GET /metrics/at-risk`, `/metrics/renewals`, `/metrics/win-back`) and of
/// agent tasks: the one place these typed rows become JSON.
extension AgentTask {
    public var json: JSONValue {
        .object([
            ("id", .string(id)),
            ("customerId", .string(customerId)),
            ("customerName", .string(customerName)),
            ("assignee", .string(assignee)),
            ("status", .string(status.rawValue)),
            ("reason", .string(reason.rawValue)),
            ("title", .string(title)),
            ("sourceEventId", .optional(sourceEventId)),
            ("dueAt", .string(Timestamp.formatInstant(dueAt))),
            ("createdAt", .string(Timestamp.formatInstant(createdAt))),
            ("createdBy", .string(createdBy)),
            ("doneAt", .optional(doneAt.map(Timestamp.formatInstant))),
            ("doneBy", .optional(doneBy)),
        ])
    }
}

extension AtRiskEntry {
    public var json: JSONValue {
        .object([
            ("customerId", .string(id)), ("name", .string(name)), ("email", .string(email)), ("phone", .optional(phone)),
            ("agentId", .string(agentId)), ("churnRisk", .string(churnRisk.rawValue)), ("churnProbability", .rounded(churnProbability, 4)),
            ("topRiskFactor", .optional(topRiskFactor)), ("healthScore", .rounded(healthScore, 1)),
            ("projectedLTV", .money(projectedLTVCents)), ("ltvTier", .optional(ltvTier)),
            ("nextRenewalDate", .optional(nextRenewalDate.map(Timestamp.formatDate))),
            ("lastContactDate", .optional(lastContactDate.map(Timestamp.formatInstant))),
            ("assignedTo", .optional(assignedTo)), ("snoozedUntil", .optional(snoozedUntil.map(Timestamp.formatDate))),
        ])
    }
}

extension RenewalEntry {
    public var json: JSONValue {
        .object([
            ("policyId", .string(policyId)), ("policyNumber", .string(policyNumber)), ("policyType", .string(policyType.rawValue)),
            ("status", .string(status.rawValue)), ("annualPremium", .money(annualPremiumCents)),
            ("renewalDate", .string(Timestamp.formatDate(renewalDate))), ("daysUntilRenewal", .int(daysUntilRenewal)),
            ("overdue", .bool(overdue)), ("agentId", .string(agentId)),
            ("customer", .object([("id", .string(customerId)), ("name", .string(customerName)), ("churnRisk", .string(churnRisk.rawValue)),
                                  ("churnProbability", churnProbability.map { .rounded($0, 4) } ?? .null), ("healthScore", .rounded(healthScore, 1))])),
        ])
    }
}

extension WinBackEntry {
    public var json: JSONValue {
        .object([
            ("customerId", .string(id)), ("name", .string(name)), ("email", .string(email)), ("phone", .optional(phone)),
            ("agentId", .string(agentId)), ("customerStatus", .string(CustomerStatus.former.rawValue)),
            ("leftAt", .string(Timestamp.formatDate(leftAt))), ("tenureMonths", .int(tenureMonths)),
            ("lostAnnualPremium", .money(lostAnnualPremiumCents)), ("currentLTV", .money(paidToDateCents)),
            ("lastEndReason", .optional(lastEndReason)), ("assignedTo", .optional(assignedTo)),
        ])
    }
}

extension RiskOverride {
    /// `{"modelLevel", "override": {"level", "reason", "until", "setBy", "setAt"} | null, "effectiveLevel"}`.
    /// A customer's JSON with `riskOverride` added: `{level, reason, until, setBy}` of the level in force, or null.
    static func withOverride(_ customer: JSONValue, _ o: RiskOverride?) -> JSONValue {
        guard case .object(var pairs) = customer else { return customer }
        pairs.append(("riskOverride", o.map { .object([("level", .string($0.level.rawValue)), ("reason", .string($0.reason)),
                                                      ("until", .string(Timestamp.formatInstant($0.until))), ("setBy", .string($0.setBy))]) } ?? .null))
        return .object(pairs)
    }

    public static func json(_ o: RiskOverride?, model: ChurnRisk) -> JSONValue {
        .object([
            ("modelLevel", .string(model.rawValue)),
            ("override", o.map { .object([("level", .string($0.level.rawValue)), ("reason", .string($0.reason)),
                                          ("until", .string(Timestamp.formatInstant($0.until))), ("setBy", .string($0.setBy)),
                                          ("setAt", .string(Timestamp.formatInstant($0.setAt)))]) } ?? .null),
            ("effectiveLevel", .string((o?.level ?? model).rawValue)),
        ])
    }
}
