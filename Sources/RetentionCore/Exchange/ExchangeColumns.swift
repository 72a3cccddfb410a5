/// The CSV columns of each kind of record, named as the spec's fields. Import reads them and export
/// writes them, so a file exported and imported again gives back the same records.
///
/// Cell types: text as is; numbers as plain decimals (`1500.5`); dates `YYYY-MM-DD`; instants ISO-8601;
/// booleans `true`/`false`; lists separated by `;`; JSON objects as JSON text. An empty cell is "not given".
public enum ExchangeKind: String, CaseIterable, Sendable {
    case customers, policies, events

    /// What one row of this kind is, for "1 customer" where the kind's name is the plural.
    public var oneRow: String {
        switch self {
        case .customers: "customer"
        case .policies: "policy"
        case .events: "event"
        }
    }

    public enum CellType: Sendable { case text, number, integer, boolean, list, json }

    public var columns: [(name: String, type: CellType)] {
        switch self {
        case .customers:
            [("id", .text), ("leadId", .text), ("agentId", .text), ("firstName", .text), ("lastName", .text), ("email", .text),
             ("phone", .text), ("dateOfBirth", .text), ("street", .text), ("city", .text), ("state", .text), ("zipCode", .text),
             ("country", .text), ("timeZone", .text), ("customerSince", .text), ("preferredContactMethod", .text),
             ("satisfactionScore", .number), ("doNotContact", .boolean), ("optedOutChannels", .list), ("assignedTo", .text),
             ("tags", .list), ("metadata", .json), ("snoozedUntil", .text), ("erasedAt", .text)]
        case .policies:
            [("id", .text), ("customerId", .text), ("agentId", .text), ("policyNumber", .text), ("policyType", .text), ("status", .text),
             ("premiumAmount", .number), ("premiumFrequency", .text), ("premiumCurrency", .text), ("coverageType", .text),
             ("coverageAmount", .number), ("coverageDeductible", .number), ("coverageLimits", .json), ("inceptionDate", .text), ("effectiveDate", .text),
             ("expirationDate", .text), ("lastRenewalDate", .text), ("renewalCount", .integer), ("totalPaid", .number),
             ("claimsCount", .integer), ("totalClaimAmount", .number), ("underwriter", .text), ("documents", .list),
             ("metadata", .json), ("endedAt", .text), ("endReason", .text)]
        case .events:
            [("id", .text), ("customerId", .text), ("policyId", .text), ("eventType", .text), ("severity", .text), ("data", .json),
             ("triggeredActions", .list), ("occurredAt", .text)]
        }
    }

    /// Columns a file must have.
    public var requiredColumns: Set<String> {
        switch self {
        case .customers: ["leadId", "agentId", "firstName", "lastName", "email"]
        case .policies: ["customerId", "policyNumber", "policyType", "premiumAmount", "premiumFrequency", "coverageType", "coverageAmount", "effectiveDate", "expirationDate"]
        case .events: ["customerId", "eventType"]
        }
    }
}
