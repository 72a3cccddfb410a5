import Foundation

extension NewPolicy {
    /// Reads `POST /policies`'s body (or an import's row): premium and coverage nested as in the spec
    /// (`premium {amount, frequency, currency}`, `coverage {type, amount, deductible, limits}`) or under the
    /// model's flat names (`premiumAmount`, `coverageType`, ...); `id` and the history fields when
    /// `allowIdentity` (an import). Errors name the field.
    public init(json body: JSONValue, allowIdentity: Bool = false) throws {
        var r = try FieldReader(body)
        try self.init(reading: &r, allowIdentity: allowIdentity)
    }

    /// Reads a new policy from any source of fields (a JSON body, an import's CSV cells), by the same rules.
    init<Source: FieldSource>(reading r: inout Source, allowIdentity: Bool) throws {
        let id = try r.importedID(allowIdentity: allowIdentity)
        try r.refuseID(unlessImporting: allowIdentity)
        let customer = try r.string("customerId")
        let agentId = try r.optionalString("agentId")
        let number = try r.string("policyNumber")
        guard let type = try r.optionalChoice("policyType", PolicyType.self) else { throw RetentionError.invalid("policyType", "is required") }
        let status = try r.optionalChoice("status", PolicyStatus.self) ?? .active
        let money = try PolicyMoneyFields.read(&r, creating: true)
        guard let effective = try r.optionalDate("effectiveDate") else { throw RetentionError.invalid("effectiveDate", "is required") }
        guard let expiration = try r.optionalDate("expirationDate") else { throw RetentionError.invalid("expirationDate", "is required") }
        let inception = try r.optionalDate("inceptionDate")
        let underwriter = try r.optionalString("underwriter")
        let documents = try r.optionalStringArray("documents") ?? []
        let metadata = try r.optionalJSONObject("metadata")
        // History fields, for importing an existing book.
        let lastRenewal = try r.optionalDate("lastRenewalDate")
        let renewalCount = try r.optionalInt("renewalCount") ?? 0
        let totalPaid = try r.optionalCents("totalPaid") ?? 0
        let claimsCount = try r.optionalInt("claimsCount") ?? 0
        let totalClaims = try r.optionalCents("totalClaimAmount") ?? 0
        let endedAt = try r.optionalDate("endedAt")
        let endReason = try r.optionalString("endReason")
        try r.finish()
        self.init(customer: customer, policyNumber: number, policyType: type, premiumCents: money.premiumCents!, frequency: money.frequency!,
                  coverageType: money.coverageType!, coverageCents: money.coverageCents!, effectiveDate: effective, expirationDate: expiration,
                  status: status, currency: money.currency, deductibleCents: money.deductibleCents, limits: money.limits, agentId: agentId,
                  inceptionDate: inception, underwriter: underwriter, documents: documents, metadata: metadata, lastRenewalDate: lastRenewal,
                  renewalCount: renewalCount, totalPaidCents: totalPaid, claimsCount: claimsCount, totalClaimCents: totalClaims,
                  endedAt: endedAt, endReason: endReason, id: id)
    }
}

extension PolicyPatch {
    /// Reads `PATCH /policies/:id`'s body: any of the create body's fields (nested or flat) plus `version`,
    /// `status` and `endReason`. Errors name the field.
    public init(json body: JSONValue) throws {
        self.init()
        var r = try FieldReader(body)
        version = try r.optionalInt("version")
        status = try r.optionalChoice("status", PolicyStatus.self)
        endReason = try r.optionalString("endReason")
        agentId = try r.optionalString("agentId")
        if r.has("policyNumber") {
            guard let n = try r.optionalString("policyNumber") else { throw RetentionError.invalid("policyNumber", "cannot be empty") }
            policyNumber = n
        }
        policyType = try r.optionalChoice("policyType", PolicyType.self)
        let money = try PolicyMoneyFields.read(&r, creating: false)
        premiumCents = money.premiumCents
        frequency = money.frequency
        currency = money.currency
        coverageType = money.coverageType
        coverageCents = money.coverageCents
        if money.deductibleGiven { deductibleCents = .some(money.deductibleCents) }
        if money.limitsGiven { limits = .some(money.limits) }
        effectiveDate = try r.optionalDate("effectiveDate")
        expirationDate = try r.optionalDate("expirationDate")
        if r.has("underwriter") { underwriter = .some(try r.optionalString("underwriter")) }
        documents = try r.optionalStringArray("documents")
        if r.has("metadata") { metadata = .some(try r.optionalJSONObject("metadata")) }
        totalPaidCents = try r.optionalCents("totalPaid")
        claimsCount = try r.optionalInt("claimsCount")
        totalClaimCents = try r.optionalCents("totalClaimAmount")
        try r.finish()
    }
}

extension PolicyRenewal {
    /// Reads `POST /policies/:id/renew`'s optional body: a new premium (`premium.amount`/`premiumAmount`,
    /// `premium.frequency`/`premiumFrequency`). The other premium and coverage fields a policy body holds
    /// are read and checked as before, and do not change at a renewal.
    public init(json body: JSONValue?) throws {
        self.init()
        guard let body, !body.isNull else { return }
        var r = try FieldReader(body)
        let money = try PolicyMoneyFields.read(&r, creating: false)
        try r.finish()
        premiumCents = money.premiumCents
        frequency = money.frequency
    }
}

/// The premium and coverage fields of a policy body, nested (`premium.amount`) or flat (`premiumAmount`).
struct PolicyMoneyFields {
    var premiumCents: Int?
    var frequency: PremiumFrequency?
    var currency: String?
    var coverageType: String?
    var coverageCents: Int?
    var deductibleCents: Int?
    var deductibleGiven = false
    var limits: JSONValue?
    var limitsGiven = false

    static func read<Source: FieldSource>(_ r: inout Source, creating: Bool) throws -> PolicyMoneyFields {
        var f = PolicyMoneyFields()
        if var premium = try r.optionalObject("premium") {
            f.premiumCents = try premium.optionalDouble("amount").map { try Validation.cents($0, field: premium.path("amount"), allowZero: false) }
            f.frequency = try premium.optionalChoice("frequency", PremiumFrequency.self)
            f.currency = try premium.optionalString("currency").map { try Validation.currency($0, field: premium.path("currency")) }
            try premium.finish()
        }
        if let a = try r.optionalDouble("premiumAmount") { f.premiumCents = try Validation.cents(a, field: "premiumAmount", allowZero: false) }
        if let fr = try r.optionalChoice("premiumFrequency", PremiumFrequency.self) { f.frequency = fr }
        if let c = try r.optionalString("premiumCurrency") { f.currency = try Validation.currency(c, field: "premiumCurrency") }
        if var coverage = try r.optionalObject("coverage") {
            f.coverageType = try coverage.optionalString("type")
            f.coverageCents = try coverage.optionalCents("amount")
            if coverage.has("deductible") { f.deductibleGiven = true; f.deductibleCents = try coverage.optionalCents("deductible") }
            if coverage.has("limits") { f.limitsGiven = true; f.limits = try coverage.optionalJSONObject("limits") }
            try coverage.finish()
        }
        if let t = try r.optionalString("coverageType") { f.coverageType = t }
        if let a = try r.optionalCents("coverageAmount") { f.coverageCents = a }
        if r.has("coverageDeductible") { f.deductibleGiven = true; f.deductibleCents = try r.optionalCents("coverageDeductible") }
        if r.has("coverageLimits") { f.limitsGiven = true; f.limits = try r.optionalJSONObject("coverageLimits") }
        if creating {
            guard f.premiumCents != nil else { throw RetentionError.invalid("premium.amount", "is required and must be greater than zero") }
            guard f.frequency != nil else {
                throw RetentionError.invalid("premium.frequency", "is required: one of \(PremiumFrequency.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard f.coverageType != nil else { throw RetentionError.invalid("coverage.type", "is required") }
            guard f.coverageCents != nil else { throw RetentionError.invalid("coverage.amount", "is required") }
        }
        return f
    }
}
