import Foundation

/// The spec's JSON for a customer: the one place `Customer` becomes JSON.
extension Customer {
    /// The API shape: the spec's Customer model fields in camelCase, money in currency units, dates ISO.
    public var json: JSONValue {
        .object([
            ("id", .string(id)),
            ("leadId", .string(leadId)),
            ("agentId", .string(agentId)),
            ("firstName", .string(firstName)),
            ("lastName", .string(lastName)),
            ("email", .string(email)),
            ("phone", .optional(phone)),
            ("dateOfBirth", .optional(dateOfBirth.map(Timestamp.formatDate))),
            ("street", .optional(street)),
            ("city", .optional(city)),
            ("state", .optional(state)),
            ("zipCode", .optional(zipCode)),
            ("country", .optional(country)),
            ("timeZone", .optional(timeZone)),
            ("customerSince", .string(Timestamp.formatDate(customerSince))),
            ("totalPolicies", .int(totalPolicies)),
            ("activePolicies", .int(activePolicies)),
            ("customerStatus", .string(CustomerStatus(activePolicies: activePolicies, totalPolicies: totalPolicies).rawValue)),
            ("lifetimeValue", .money(lifetimeValueCents)),
            ("satisfactionScore", .optional(satisfactionScore)),
            ("healthScore", .rounded(healthScore, 1)),
            ("churnRisk", .string(churnRisk.rawValue)),
            ("churnProbability", churnProbability.map { .rounded($0, 4) } ?? .null),
            ("topRiskFactor", .optional(topRiskFactor)),
            ("projectedLTV", .money(projectedLTVCents)),
            ("ltvTier", .optional(ltvTier)),
            ("scoredAt", .optional(scoredAt.map(Timestamp.formatInstant))),
            ("lastContactDate", .optional(lastContactDate.map(Timestamp.formatInstant))),
            ("nextRenewalDate", .optional(nextRenewalDate.map(Timestamp.formatDate))),
            ("preferredContactMethod", .optional(preferredContactMethod?.rawValue)),
            ("doNotContact", .bool(doNotContact)),
            ("optedOutChannels", .array(optedOutChannels.map { .string($0.rawValue) })),
            ("assignedTo", .optional(assignedTo)),
            ("snoozedUntil", .optional(snoozedUntil.map(Timestamp.formatDate))),
            ("tags", .array(tags.map { .string($0) })),
            ("metadata", metadata ?? .object([])),
            ("erased", .bool(erasedAt != nil)),
            ("version", .int(version)),
            ("createdAt", .string(Timestamp.formatInstant(createdAt))),
            ("updatedAt", .string(Timestamp.formatInstant(updatedAt))),
        ])
    }
}
