import Foundation

/// The spec's JSON for a policy: the one place `Policy` becomes JSON.
extension Policy {
    public var json: JSONValue {
        .object([
            ("id", .string(id)),
            ("customerId", .string(customerId)),
            ("agentId", .string(agentId)),
            ("policyNumber", .string(policyNumber)),
            ("policyType", .string(policyType.rawValue)),
            ("status", .string(status.rawValue)),
            ("premiumAmount", .money(premiumCents)),
            ("premiumFrequency", .string(premiumFrequency.rawValue)),
            ("premiumCurrency", .string(premiumCurrency)),
            ("annualPremium", .money(annualPremiumCents)),
            ("coverageType", .string(coverageType)),
            ("coverageAmount", .money(coverageAmountCents)),
            ("coverageDeductible", .money(coverageDeductibleCents)),
            ("coverageLimits", coverageLimits ?? .null),
            ("inceptionDate", .string(Timestamp.formatDate(inceptionDate))),
            ("effectiveDate", .string(Timestamp.formatDate(effectiveDate))),
            ("expirationDate", .string(Timestamp.formatDate(expirationDate))),
            ("renewalDate", .string(Timestamp.formatDate(renewalDate))),
            ("termMonths", .int(termMonths)),
            ("lastRenewalDate", .optional(lastRenewalDate.map(Timestamp.formatDate))),
            ("renewalCount", .int(renewalCount)),
            ("totalPaid", .money(totalPaidCents)),
            ("claimsCount", .int(claimsCount)),
            ("totalClaimAmount", .money(totalClaimCents)),
            ("underwriter", .optional(underwriter)),
            ("documents", .array(documents.map { .string($0) })),
            ("metadata", metadata ?? .object([])),
            ("endedAt", .optional(endedAt.map(Timestamp.formatDate))),
            ("endReason", .optional(endReason)),
            ("version", .int(version)),
            ("createdAt", .string(Timestamp.formatInstant(createdAt))),
            ("updatedAt", .string(Timestamp.formatInstant(updatedAt))),
        ])
    }
}
