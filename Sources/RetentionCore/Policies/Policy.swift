/// An insurance policy held by a customer: every field of the spec's Policy model.
///
/// `premiumCents` is one instalment at `premiumFrequency`; `annualPremiumCents` is derived
/// (`premium × payments per year`). The term (`termMonths`) is the whole months from effective to
/// expiration date; renewal moves both dates forward by one term. The renewal date is the expiration
/// date: the day the next term would start.
public struct Policy: Sendable, Equatable {
    public var rowID: Int64
    public var id: String
    public var customerRowID: Int64
    public var customerId: String
    public var agentId: String
    public var policyNumber: String
    public var policyType: PolicyType
    public var status: PolicyStatus
    public var premiumCents: Int
    public var premiumFrequency: PremiumFrequency
    public var premiumCurrency: String
    public var annualPremiumCents: Int
    public var coverageType: String
    public var coverageAmountCents: Int
    public var coverageDeductibleCents: Int?
    public var coverageLimits: JSONValue?
    /// The first day the policy was ever in force (the effective date of its first term).
    public var inceptionDate: Int
    public var effectiveDate: Int
    public var expirationDate: Int
    public var renewalDate: Int
    public var termMonths: Int
    public var lastRenewalDate: Int?
    public var renewalCount: Int
    public var totalPaidCents: Int
    public var claimsCount: Int
    public var totalClaimCents: Int
    public var underwriter: String?
    public var documents: [String]
    public var metadata: JSONValue?
    public var endedAt: Int?
    public var endReason: String?
    public var version: Int
    public var createdAt: Int
    public var updatedAt: Int

    static let columns = """
    p.id, p.uuid, p.customer_id, c.uuid, p.agent_id, p.policy_number, p.policy_type, p.status, p.premium_cents, \
    p.premium_frequency, p.premium_currency, p.annual_premium_cents, p.coverage_type, p.coverage_amount_cents, \
    p.coverage_deductible_cents, p.coverage_limits, p.effective_date, p.expiration_date, p.renewal_date, p.term_months, \
    p.last_renewal_date, p.renewal_count, p.total_paid_cents, p.claims_count, p.total_claim_cents, p.underwriter, \
    p.documents, p.metadata, p.ended_at, p.end_reason, p.version, p.created_at, p.updated_at, p.inception_date
    """
    static let from = "policies p JOIN customers c ON c.id = p.customer_id"

    init(row r: Row) {
        rowID = r.int64(0)
        id = r.text(1)
        customerRowID = r.int64(2)
        customerId = r.text(3)
        agentId = r.text(4)
        policyNumber = r.text(5)
        policyType = PolicyType(rawValue: r.text(6)) ?? .auto
        status = PolicyStatus(rawValue: r.text(7)) ?? .active
        premiumCents = r.int(8)
        premiumFrequency = PremiumFrequency(rawValue: r.text(9)) ?? .annual
        premiumCurrency = r.text(10)
        annualPremiumCents = r.int(11)
        coverageType = r.text(12)
        coverageAmountCents = r.int(13)
        coverageDeductibleCents = r.optionalInt(14)
        coverageLimits = r.optionalText(15).flatMap { try? JSONValue.parse($0) }
        effectiveDate = r.int(16)
        expirationDate = r.int(17)
        renewalDate = r.int(18)
        termMonths = r.int(19)
        lastRenewalDate = r.optionalInt(20)
        renewalCount = r.int(21)
        totalPaidCents = r.int(22)
        claimsCount = r.int(23)
        totalClaimCents = r.int(24)
        underwriter = r.optionalText(25)
        documents = r.optionalText(26).flatMap { try? JSONValue.parse($0) }?.arrayValue?.compactMap(\.stringValue) ?? []
        metadata = r.optionalText(27).flatMap { try? JSONValue.parse($0) }
        endedAt = r.optionalInt(28)
        endReason = r.optionalText(29)
        version = r.int(30)
        createdAt = r.int(31)
        updatedAt = r.int(32)
        inceptionDate = r.int(33)
    }
}
