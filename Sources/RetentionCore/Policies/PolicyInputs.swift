import Foundation

/// A policy to create (`Engine.createPolicy`): what `POST /policies` carries or an import's row. The API
/// reads it from JSON in one place (API/Decoding/PolicyDecoding.swift); the rules that need no database are
/// checked by `validate`, each error naming the field (in the API's names).
public struct NewPolicy: Sendable {
    /// The policy's id, kept by an import only (`nil`: Retention assigns one).
    public var id: String?
    /// The customer: their id, or their lead id.
    public var customer: String
    /// The agent (default: the customer's agent).
    public var agentId: String?
    public var policyNumber: String
    public var policyType: PolicyType
    public var status: PolicyStatus
    /// One instalment, in cents (greater than zero), charged `frequency` times a year.
    public var premiumCents: Int
    public var frequency: PremiumFrequency
    /// ISO 4217 code (default USD).
    public var currency: String?
    public var coverageType: String
    public var coverageCents: Int
    public var deductibleCents: Int?
    /// A JSON object, free-form.
    public var limits: JSONValue?
    /// Start of the current term and its end (the renewal date), Unix seconds at the start of a day.
    public var effectiveDate: Int
    public var expirationDate: Int
    /// When the customer first took the policy (default: `renewalCount` terms before `effectiveDate`).
    public var inceptionDate: Int?
    public var underwriter: String?
    public var documents: [String]
    public var metadata: JSONValue?
    // History, for importing an existing book.
    public var lastRenewalDate: Int?
    public var renewalCount: Int
    public var totalPaidCents: Int
    public var claimsCount: Int
    public var totalClaimCents: Int
    public var endedAt: Int?
    public var endReason: String?

    public init(customer: String, policyNumber: String, policyType: PolicyType, premiumCents: Int, frequency: PremiumFrequency,
                coverageType: String, coverageCents: Int, effectiveDate: Int, expirationDate: Int, status: PolicyStatus = .active,
                currency: String? = nil, deductibleCents: Int? = nil, limits: JSONValue? = nil, agentId: String? = nil,
                inceptionDate: Int? = nil, underwriter: String? = nil, documents: [String] = [], metadata: JSONValue? = nil,
                lastRenewalDate: Int? = nil, renewalCount: Int = 0, totalPaidCents: Int = 0, claimsCount: Int = 0,
                totalClaimCents: Int = 0, endedAt: Int? = nil, endReason: String? = nil, id: String? = nil) {
        self.id = id
        self.customer = customer
        self.agentId = agentId
        self.policyNumber = policyNumber
        self.policyType = policyType
        self.status = status
        self.premiumCents = premiumCents
        self.frequency = frequency
        self.currency = currency
        self.coverageType = coverageType
        self.coverageCents = coverageCents
        self.deductibleCents = deductibleCents
        self.limits = limits
        self.effectiveDate = effectiveDate
        self.expirationDate = expirationDate
        self.inceptionDate = inceptionDate
        self.underwriter = underwriter
        self.documents = documents
        self.metadata = metadata
        self.lastRenewalDate = lastRenewalDate
        self.renewalCount = renewalCount
        self.totalPaidCents = totalPaidCents
        self.claimsCount = claimsCount
        self.totalClaimCents = totalClaimCents
        self.endedAt = endedAt
        self.endReason = endReason
    }

    /// The term in whole months between effective and expiration date (at least one).
    public var termMonths: Int { max(1, Timestamp.wholeMonths(from: effectiveDate, to: expirationDate)) }

    /// The inception date given, or `renewalCount` terms before the effective date (an imported policy is
    /// taken to have renewed every term since it began).
    public var inception: Int { inceptionDate ?? Timestamp.addingMonths(-renewalCount * termMonths, to: effectiveDate) }

    /// The rules that need no database, in the order of the body's fields.
    public func validate() throws {
        if let id, UUID(uuidString: id) == nil { throw RetentionError.invalid("id", "must be a UUID, got \"\(id)\"") }
        if customer.isEmpty { throw RetentionError.invalid("customerId", "is required") }
        if let agentId { _ = try Validation.text(agentId, field: "agentId", maxLength: 100) }
        if policyNumber.isEmpty { throw RetentionError.invalid("policyNumber", "is required") }
        _ = try Validation.text(policyNumber, field: "policyNumber", maxLength: 64)
        try PolicyPatch.checkMoney(premiumCents: premiumCents, currency: currency, coverageType: coverageType, coverageCents: coverageCents,
                                   deductibleCents: deductibleCents, limits: limits)
        guard expirationDate > effectiveDate else {
            throw RetentionError.invalid("expirationDate", "must be after effectiveDate (\(Timestamp.formatDate(effectiveDate))), got \(Timestamp.formatDate(expirationDate))")
        }
        if let underwriter { _ = try Validation.text(underwriter, field: "underwriter") }
        if let metadata, metadata.objectPairs == nil { throw RetentionError.invalid("metadata", "must be a JSON object, got \(metadata.typeName)") }
        guard renewalCount >= 0 else { throw RetentionError.invalid("renewalCount", "cannot be negative") }
        guard inception <= effectiveDate else {
            throw RetentionError.invalid("inceptionDate", "cannot be after effectiveDate (\(Timestamp.formatDate(effectiveDate)))")
        }
        guard claimsCount >= 0 else { throw RetentionError.invalid("claimsCount", "cannot be negative") }
        for (field, cents) in [("totalPaid", totalPaidCents), ("totalClaimAmount", totalClaimCents)] where cents < 0 {
            throw RetentionError.invalid(field, "must be an amount of money of zero or more, got \(JSONValue.format(number: Double(cents) / 100))")
        }
    }
}

/// A partial update of a policy (`Engine.updatePolicy`, `PATCH /policies/:id`): only the fields given
/// change. A double optional is a field that may be cleared: `.some(nil)` clears it.
public struct PolicyPatch: Sendable {
    /// The version read before editing: the update is refused if the policy changed since.
    public var version: Int?
    /// A new status: must be an allowed transition; ending the policy records the matching event.
    public var status: PolicyStatus?
    /// Why the policy ended, with a status that ends it (cancelled, lapsed, expired).
    public var endReason: String?
    public var agentId: String?
    public var policyNumber: String?
    public var policyType: PolicyType?
    public var premiumCents: Int?
    public var frequency: PremiumFrequency?
    public var currency: String?
    public var coverageType: String?
    public var coverageCents: Int?
    public var deductibleCents: Int??
    public var limits: JSONValue??
    public var effectiveDate: Int?
    public var expirationDate: Int?
    public var underwriter: String??
    public var documents: [String]?
    public var metadata: JSONValue??
    public var totalPaidCents: Int?
    public var claimsCount: Int?
    public var totalClaimCents: Int?

    public init() {}

    /// The rules that need no database (the dates are checked against the stored ones when written).
    public func validate() throws {
        if let agentId { _ = try Validation.text(agentId, field: "agentId", maxLength: 100) }
        if let policyNumber {
            if policyNumber.isEmpty { throw RetentionError.invalid("policyNumber", "cannot be empty") }
            _ = try Validation.text(policyNumber, field: "policyNumber", maxLength: 64)
        }
        try Self.checkMoney(premiumCents: premiumCents, currency: currency, coverageType: coverageType, coverageCents: coverageCents,
                            deductibleCents: deductibleCents ?? nil, limits: limits ?? nil)
        if let effectiveDate, let expirationDate, expirationDate <= effectiveDate {
            throw RetentionError.invalid("expirationDate", "must be after effectiveDate (\(Timestamp.formatDate(effectiveDate))), got \(Timestamp.formatDate(expirationDate))")
        }
        if let u = underwriter ?? nil { _ = try Validation.text(u, field: "underwriter") }
        if let m = metadata ?? nil, m.objectPairs == nil { throw RetentionError.invalid("metadata", "must be a JSON object, got \(m.typeName)") }
        if let v = claimsCount, v < 0 { throw RetentionError.invalid("claimsCount", "cannot be negative") }
        for (field, cents) in [("totalPaid", totalPaidCents), ("totalClaimAmount", totalClaimCents)] {
            if let cents, cents < 0 { throw RetentionError.invalid(field, "must be an amount of money of zero or more, got \(JSONValue.format(number: Double(cents) / 100))") }
        }
        if endReason != nil && status == nil {
            throw RetentionError.invalid("endReason", "can only be given with a status that ends the policy (cancelled, lapsed, expired)")
        }
    }

    /// Premium and coverage rules shared by a new policy, a patch and a renewal (named as the spec's nested body).
    static func checkMoney(premiumCents: Int?, currency: String?, coverageType: String?, coverageCents: Int?,
                           deductibleCents: Int?, limits: JSONValue?) throws {
        if let premiumCents, premiumCents <= 0 { throw RetentionError.invalid("premium.amount", "is required and must be greater than zero") }
        if let currency { _ = try Validation.currency(currency, field: "premium.currency") }
        if let coverageType, coverageType.isEmpty { throw RetentionError.invalid("coverage.type", "is required") }
        for (field, cents) in [("coverage.amount", coverageCents), ("coverage.deductible", deductibleCents)] {
            if let cents, cents < 0 { throw RetentionError.invalid(field, "must be an amount of money of zero or more, got \(JSONValue.format(number: Double(cents) / 100))") }
        }
        if let limits, limits.objectPairs == nil { throw RetentionError.invalid("coverage.limits", "must be a JSON object, got \(limits.typeName)") }
    }
}

/// A renewal for one more term (`Engine.renewPolicy`, `POST /policies/:id/renew`), optionally at a new premium.
public struct PolicyRenewal: Sendable {
    /// The new term's instalment in cents (default: unchanged).
    public var premiumCents: Int?
    /// The new term's frequency (default: unchanged).
    public var frequency: PremiumFrequency?

    public init(premiumCents: Int? = nil, frequency: PremiumFrequency? = nil) {
        self.premiumCents = premiumCents
        self.frequency = frequency
    }

    public func validate() throws {
        if let premiumCents, premiumCents <= 0 { throw RetentionError.invalid("premium.amount", "is required and must be greater than zero") }
    }
}
