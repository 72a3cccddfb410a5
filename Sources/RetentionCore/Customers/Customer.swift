/// A customer: a converted lead with at least one policy (or who once had one).
///
/// Every field of the spec's Customer model, plus what the product needs around it: the churn
/// probability and projected LTV from the last scoring, contact preferences, triage state, and a
/// `version` that changes on every write so two people editing the same customer cannot silently
/// overwrite each other.
public struct Customer: Sendable, Equatable {
    public var rowID: Int64
    public var id: String
    public var leadId: String
    public var agentId: String
    public var firstName: String
    public var lastName: String
    public var email: String
    public var phone: String?
    public var dateOfBirth: Int?
    public var street: String?
    public var city: String?
    public var state: String?
    public var zipCode: String?
    public var country: String?
    public var timeZone: String?
    public var customerSince: Int
    public var totalPolicies: Int
    public var activePolicies: Int
    public var lifetimeValueCents: Int
    public var satisfactionScore: Double?
    public var healthScore: Double
    public var churnRisk: ChurnRisk
    public var churnProbability: Double?
    public var topRiskFactor: String?
    public var projectedLTVCents: Int?
    public var ltvTier: String?
    public var scoredAt: Int?
    public var lastContactDate: Int?
    public var nextRenewalDate: Int?
    public var preferredContactMethod: ContactChannel?
    public var doNotContact: Bool
    public var assignedTo: String?
    public var snoozedUntil: Int?
    public var metadata: JSONValue?
    public var erasedAt: Int?
    public var version: Int
    public var createdAt: Int
    public var updatedAt: Int
    public var tags: [String] = []
    /// Channels the customer has opted out of.
    public var optedOutChannels: [ContactChannel] = []

    public var fullName: String { "\(firstName) \(lastName)" }

    /// The columns `init(row:)` reads, in order.
    static let columns = """
    id, uuid, lead_id, agent_id, first_name, last_name, email, phone, date_of_birth, street, city, state, zip_code, \
    country, time_zone, customer_since, total_policies, active_policies, lifetime_value_cents, satisfaction_score, \
    health_score, churn_risk, churn_probability, top_risk_factor, projected_ltv_cents, ltv_tier, scored_at, \
    last_contact_date, next_renewal_date, preferred_contact_method, do_not_contact, assigned_to, snoozed_until, \
    metadata, erased_at, version, created_at, updated_at
    """

    /// The same columns qualified by the alias `c`, for joins.
    static let qualifiedColumns = columns.split(separator: ",")
        .map { "c." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")

    init(row r: Row) {
        rowID = r.int64(0)
        id = r.text(1)
        leadId = r.text(2)
        agentId = r.text(3)
        firstName = r.text(4)
        lastName = r.text(5)
        email = r.text(6)
        phone = r.optionalText(7)
        dateOfBirth = r.optionalInt(8)
        street = r.optionalText(9)
        city = r.optionalText(10)
        state = r.optionalText(11)
        zipCode = r.optionalText(12)
        country = r.optionalText(13)
        timeZone = r.optionalText(14)
        customerSince = r.int(15)
        totalPolicies = r.int(16)
        activePolicies = r.int(17)
        lifetimeValueCents = r.int(18)
        satisfactionScore = r.optionalDouble(19)
        healthScore = r.double(20)
        churnRisk = ChurnRisk(rank: r.int(21)) ?? .low
        churnProbability = r.optionalDouble(22)
        topRiskFactor = r.optionalText(23)
        projectedLTVCents = r.optionalInt(24)
        ltvTier = r.optionalText(25)
        scoredAt = r.optionalInt(26)
        lastContactDate = r.optionalInt(27)
        nextRenewalDate = r.optionalInt(28)
        preferredContactMethod = r.optionalText(29).flatMap(ContactChannel.init(rawValue:))
        doNotContact = r.bool(30)
        assignedTo = r.optionalText(31)
        snoozedUntil = r.optionalInt(32)
        metadata = r.optionalText(33).flatMap { try? JSONValue.parse($0) }
        erasedAt = r.optionalInt(34)
        version = r.int(35)
        createdAt = r.int(36)
        updatedAt = r.int(37)
    }
}
