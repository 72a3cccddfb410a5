import Foundation

extension Engine {
    // MARK: Create

    /// Creates a policy (`POST /policies`) for an existing customer.
    ///
    /// Body as in the spec: `premium {amount, frequency, currency}` and `coverage {type, amount,
    /// deductible, limits}` nested, or the model's flat names (`premiumAmount`, `coverageType`, ...).
    /// The renewal date is derived: it is the expiration date. The term is the whole months between
    /// effective and expiration date.
    @discardableResult
    public func createPolicy(_ body: JSONValue, now: Int, allowIdentity: Bool = false) throws -> Policy {
        try db.transaction {
            var r = try FieldReader(body)
            let id: String
            if allowIdentity, let given = try r.optionalString("id") {
                guard UUID(uuidString: given) != nil else { throw RetentionError.invalid("id", "must be a UUID, got \"\(given)\"") }
                id = given.lowercased()
            } else if r.has("id") {
                throw RetentionError.invalid("id", "is assigned by Retention; only `retention import` may keep an existing id")
            } else { id = Engine.newID() }
            let customerKey = try r.string("customerId")
            // A customer is named by its id, or (handy when importing a book) by its lead id.
            guard let customerRow = try db.queryOne("SELECT id, agent_id, erased_at FROM customers WHERE uuid = ?1 OR lead_id = ?1 ORDER BY uuid = ?1 DESC LIMIT 1",
                                                    [.text(customerKey)], { ($0.int64(0), $0.text(1), $0.optionalInt(2)) }) else {
                throw RetentionError(.notFound, code: "customer_not_found", "Customer \(customerKey) was not found.", field: "customerId")
            }
            // An erased customer takes no new policy; an import restores their old ones, without personal data.
            let customerErased = customerRow.2 != nil
            if customerErased && !allowIdentity { throw RetentionError.customerErased(customerKey) }
            let agentId = try r.optionalString("agentId").map { try Validation.text($0, field: "agentId", maxLength: 100) } ?? customerRow.1
            let number = try Validation.text(try r.string("policyNumber"), field: "policyNumber", maxLength: 64)
            guard let type = try r.optionalChoice("policyType", PolicyType.self) else { throw RetentionError.invalid("policyType", "is required") }
            let status = try r.optionalChoice("status", PolicyStatus.self) ?? .active
            let money = try PolicyMoneyFields.read(&r, creating: true)
            guard let effective = try r.optionalDate("effectiveDate") else { throw RetentionError.invalid("effectiveDate", "is required") }
            guard let expiration = try r.optionalDate("expirationDate") else { throw RetentionError.invalid("expirationDate", "is required") }
            guard expiration > effective else {
                throw RetentionError.invalid("expirationDate", "must be after effectiveDate (\(Timestamp.formatDate(effective))), got \(Timestamp.formatDate(expiration))")
            }
            let term = max(1, Timestamp.wholeMonths(from: effective, to: expiration))
            let inceptionGiven = try r.optionalDate("inceptionDate")
            let underwriter = try r.optionalString("underwriter").map { try Validation.text($0, field: "underwriter") }
            let documents = try r.optionalStringArray("documents") ?? []
            let metadata = try r.optionalJSONObject("metadata")
            if customerErased {
                for (field, present) in [("documents", !documents.isEmpty), ("metadata", metadata != nil), ("underwriter", underwriter != nil)] where present {
                    throw RetentionError.invalid(field, "must be empty: customer \(customerKey) was erased, and an erased customer's policies hold no personal data")
                }
            }
            // History fields, for importing an existing book.
            let lastRenewal = try r.optionalDate("lastRenewalDate")
            let renewalCount = try r.optionalInt("renewalCount") ?? 0
            let totalPaid = try r.optionalCents("totalPaid") ?? 0
            let claimsCount = try r.optionalInt("claimsCount") ?? 0
            let totalClaims = try r.optionalCents("totalClaimAmount") ?? 0
            let endedAt = try r.optionalDate("endedAt")
            let endReason = try r.optionalString("endReason")
            try r.finish()
            guard renewalCount >= 0 else { throw RetentionError.invalid("renewalCount", "cannot be negative") }
            // Without an inception date, an imported policy is taken to have renewed every term since it began.
            let inception = inceptionGiven ?? Timestamp.addingMonths(-renewalCount * term, to: effective)
            guard inception <= effective else {
                throw RetentionError.invalid("inceptionDate", "cannot be after effectiveDate (\(Timestamp.formatDate(effective)))")
            }
            guard claimsCount >= 0 else { throw RetentionError.invalid("claimsCount", "cannot be negative") }
            if try db.queryOne("SELECT 1 FROM policies WHERE policy_number = ?", [.text(number)], { _ in true }) != nil {
                throw RetentionError.conflict("duplicate_policy_number", "Policy number \(number) is already in use.", field: "policyNumber")
            }
            if try db.queryOne("SELECT 1 FROM policies WHERE uuid = ?", [.text(id)], { _ in true }) != nil {
                throw RetentionError.conflict("duplicate_id", "A policy with id \(id) already exists.", field: "id")
            }
            let ended = status.isInForce ? nil : (endedAt ?? Timestamp.startOfDay(now))
            try db.run("""
                INSERT INTO policies (uuid, customer_id, agent_id, policy_number, policy_type, status, premium_cents, premium_frequency,
                  premium_currency, annual_premium_cents, coverage_type, coverage_amount_cents, coverage_deductible_cents, coverage_limits,
                  effective_date, expiration_date, renewal_date, term_months, last_renewal_date, renewal_count, total_paid_cents,
                  claims_count, total_claim_cents, underwriter, documents, metadata, ended_at, end_reason, created_at, updated_at, inception_date,
                  metrics_code)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(id), .int(customerRow.0), .text(agentId), .text(number), .text(type.rawValue), .text(status.rawValue),
                      .int(Int64(money.premiumCents!)), .text(money.frequency!.rawValue), .text(money.currency ?? "USD"),
                      .int(Int64(money.premiumCents! * money.frequency!.paymentsPerYear)),
                      .text(money.coverageType!), .int(Int64(money.coverageCents!)), .init(money.deductibleCents),
                      .init(money.limits?.serialized()), .int(Int64(effective)), .int(Int64(expiration)), .int(Int64(expiration)),
                      .int(Int64(term)), .init(lastRenewal), .int(Int64(renewalCount)), .int(Int64(totalPaid)), .int(Int64(claimsCount)),
                      .int(Int64(totalClaims)), .init(underwriter), .text(JSONValue.array(documents.map { .string($0) }).serialized()),
                      .init(metadata?.serialized()), .init(ended), .init(endReason), .int(Int64(now)), .int(Int64(now)), .int(Int64(inception)),
                      .int(Int64(PolicyMetricsCode.code(type: type.rawValue, status: status.rawValue, endReason: endReason)))])
            let rowID = db.lastInsertRowID
            try refreshCustomerCounters(customerRow.0, now: now)
            // An imported policy brings its history in the events file; only a new policy records its creation.
            if !bulkImport {
                try recordPolicyEvent(.policy_created, customerRow: customerRow.0, policyRow: rowID, number: number, reason: nil, now: now)
            }
            try audit("policy.create", entity: "policy", id: id, details: .object([("policyNumber", .string(number))]), now: now)
            return try policy(rowID: rowID)
        }
    }

    // MARK: Read

    public func policy(id: String) throws -> Policy {
        guard let p = try db.queryOne("SELECT \(Policy.columns) FROM \(Policy.from) WHERE p.uuid = ?", [.text(id)], Policy.init(row:)) else {
            throw RetentionError.notFound("Policy", id)
        }
        return p
    }

    func policy(rowID: Int64) throws -> Policy {
        guard let p = try db.queryOne("SELECT \(Policy.columns) FROM \(Policy.from) WHERE p.id = ?", [.int(rowID)], Policy.init(row:)) else {
            throw RetentionError.notFound("Policy", "#\(rowID)")
        }
        return p
    }

    /// A customer's policies, in force first, then by renewal date.
    public func policies(customerId: String) throws -> [Policy] {
        let rowID = try customerRowID(customerId)
        return try db.query("""
            SELECT \(Policy.columns) FROM \(Policy.from) WHERE p.customer_id = ?
            ORDER BY p.status NOT IN \(PolicyStatus.inForceSQL), p.renewal_date
            """, [.int(rowID)], Policy.init(row:))
    }

    // MARK: Update

    /// Partial update (`PATCH /policies/:id`). A status change must be an allowed transition; ending a
    /// policy (cancelled, lapsed, expired) records the matching event with the optional `endReason`.
    @discardableResult
    public func updatePolicy(id: String, _ body: JSONValue, now: Int) throws -> Policy {
        try db.transaction {
            let before = try policy(id: id)
            _ = try liveCustomerRowID(before.customerId)
            var r = try FieldReader(body)
            let expectedVersion = try r.optionalInt("version")
            var sets: [(String, SQLValue)] = []
            var changed: [String] = []
            func set(_ column: String, _ field: String, _ v: SQLValue) { sets.append((column, v)); changed.append(field) }

            let newStatus = try r.optionalChoice("status", PolicyStatus.self)
            let endReason = try r.optionalString("endReason")
            if let a = try r.optionalString("agentId") { set("agent_id", "agentId", .text(try Validation.text(a, field: "agentId", maxLength: 100))) }
            if r.has("policyNumber") {
                guard let n = try r.optionalString("policyNumber") else { throw RetentionError.invalid("policyNumber", "cannot be empty") }
                if n != before.policyNumber,
                   try db.queryOne("SELECT 1 FROM policies WHERE policy_number = ?", [.text(n)], { _ in true }) != nil {
                    throw RetentionError.conflict("duplicate_policy_number", "Policy number \(n) is already in use.", field: "policyNumber")
                }
                set("policy_number", "policyNumber", .text(try Validation.text(n, field: "policyNumber", maxLength: 64)))
            }
            if let t = try r.optionalChoice("policyType", PolicyType.self) { set("policy_type", "policyType", .text(t.rawValue)) }
            let money = try PolicyMoneyFields.read(&r, creating: false)
            let premium = money.premiumCents ?? before.premiumCents
            let frequency = money.frequency ?? before.premiumFrequency
            if money.premiumCents != nil || money.frequency != nil {
                set("premium_cents", "premiumAmount", .int(Int64(premium)))
                set("premium_frequency", "premiumFrequency", .text(frequency.rawValue))
                set("annual_premium_cents", "annualPremium", .int(Int64(premium * frequency.paymentsPerYear)))
            }
            if let c = money.currency { set("premium_currency", "premiumCurrency", .text(c)) }
            if let c = money.coverageType { set("coverage_type", "coverageType", .text(c)) }
            if let c = money.coverageCents { set("coverage_amount_cents", "coverageAmount", .int(Int64(c))) }
            if money.deductibleGiven { set("coverage_deductible_cents", "coverageDeductible", .init(money.deductibleCents)) }
            if money.limitsGiven { set("coverage_limits", "coverageLimits", .init(money.limits?.serialized())) }
            var effective = before.effectiveDate, expiration = before.expirationDate
            if let e = try r.optionalDate("effectiveDate") { effective = e; set("effective_date", "effectiveDate", .int(Int64(e))) }
            if let e = try r.optionalDate("expirationDate") {
                expiration = e
                set("expiration_date", "expirationDate", .int(Int64(e)))
                set("renewal_date", "renewalDate", .int(Int64(e)))
            }
            guard expiration > effective else {
                throw RetentionError.invalid("expirationDate", "must be after effectiveDate (\(Timestamp.formatDate(effective))), got \(Timestamp.formatDate(expiration))")
            }
            if effective != before.effectiveDate || expiration != before.expirationDate {
                set("term_months", "termMonths", .int(Int64(max(1, Timestamp.wholeMonths(from: effective, to: expiration)))))
            }
            if r.has("underwriter") { set("underwriter", "underwriter", .init(try r.optionalString("underwriter").map { try Validation.text($0, field: "underwriter") })) }
            if let d = try r.optionalStringArray("documents") { set("documents", "documents", .text(JSONValue.array(d.map { .string($0) }).serialized())) }
            if r.has("metadata") { set("metadata", "metadata", .init(try r.optionalJSONObject("metadata")?.serialized())) }
            if let v = try r.optionalCents("totalPaid") { set("total_paid_cents", "totalPaid", .int(Int64(v))) }
            if let v = try r.optionalInt("claimsCount") {
                guard v >= 0 else { throw RetentionError.invalid("claimsCount", "cannot be negative") }
                set("claims_count", "claimsCount", .int(Int64(v)))
            }
            if let v = try r.optionalCents("totalClaimAmount") { set("total_claim_cents", "totalClaimAmount", .int(Int64(v))) }
            try r.finish()

            if let expectedVersion, expectedVersion != before.version {
                throw RetentionError.conflict("edit_conflict",
                    "Policy \(before.policyNumber) was changed since you loaded it (version \(expectedVersion), now \(before.version)). Reload and apply your change again.",
                    field: "version")
            }
            var endedEvent: EventType?
            if let newStatus, newStatus != before.status {
                guard before.status.allowedTransitions.contains(newStatus) else {
                    let allowed = before.status.allowedTransitions.map(\.rawValue)
                    throw RetentionError.conflict("invalid_transition",
                        "A \(before.status.rawValue) policy cannot become \(newStatus.rawValue); allowed: \(allowed.isEmpty ? "none (it is final)" : allowed.joined(separator: ", ")).",
                        field: "status")
                }
                set("status", "status", .text(newStatus.rawValue))
                if newStatus.isInForce {
                    set("ended_at", "endedAt", .null)
                    set("end_reason", "endReason", .null)
                    if before.status == .lapsed { endedEvent = .policy_reinstated }
                } else {
                    set("ended_at", "endedAt", .int(Int64(Timestamp.startOfDay(now))))
                    set("end_reason", "endReason", .init(endReason))
                    endedEvent = newStatus == .cancelled ? .policy_cancelled : newStatus == .lapsed ? .policy_lapsed : .policy_expired
                }
            } else if endReason != nil {
                throw RetentionError.invalid("endReason", "can only be given with a status that ends the policy (cancelled, lapsed, expired)")
            }
            if !sets.isEmpty {
                try db.run("UPDATE policies SET \(sets.map { "\($0.0) = ?" }.joined(separator: ", ")), version = version + 1, updated_at = ? WHERE id = ?",
                           sets.map(\.1) + [.int(Int64(now)), .int(before.rowID)])
            }
            try refreshCustomerCounters(before.customerRowID, now: now)
            if let endedEvent {
                try recordPolicyEvent(endedEvent, customerRow: before.customerRowID, policyRow: before.rowID,
                                      number: before.policyNumber, reason: endReason, now: now)
                try recordChurnIfLastPolicyEnded(customerRow: before.customerRowID, now: now)
            }
            if money.premiumCents != nil || money.frequency != nil, premium * frequency.paymentsPerYear != before.annualPremiumCents {
                try insertEvent(customerRow: before.customerRowID, policyRow: before.rowID, type: .coverage_changed, severity: .info,
                                data: .object([("premiumBefore", .money(before.annualPremiumCents)),
                                               ("premiumAfter", .money(premium * frequency.paymentsPerYear))]),
                                actions: [], occurredAt: now, now: now)
            }
            try audit("policy.update", entity: "policy", id: id, details: .object([("fields", .array(changed.map { .string($0) }))]), now: now)
            return try policy(rowID: before.rowID)
        }
    }

    // MARK: Renew

    /// Renews a policy for one more term (`POST /policies/:id/renew`): effective, expiration and renewal
    /// dates move forward by the term, `renewalCount` goes up by one, `lastRenewalDate` becomes the new
    /// effective date, the status becomes active, and a `policy_renewed` event is recorded.
    /// An optional body may give a new premium (`premium.amount`/`premiumAmount`) for the new term.
    @discardableResult
    public func renewPolicy(id: String, _ body: JSONValue?, now: Int) throws -> Policy {
        try db.transaction {
            let before = try policy(id: id)
            var money = PolicyMoneyFields()
            if let body, !body.isNull {
                var r = try FieldReader(body)
                money = try PolicyMoneyFields.read(&r, creating: false)
                try r.finish()
            }
            guard before.status.canRenew else {
                throw RetentionError.conflict("invalid_transition",
                    "A \(before.status.rawValue) policy cannot be renewed; only active, pending_renewal or lapsed policies can.", field: "status")
            }
            let newEffective = before.expirationDate
            let newExpiration = Timestamp.addingMonths(before.termMonths, to: newEffective)
            // Dates stay within what an export and an import round-trip (years 0 to 9999): a policy that ends
            // on 9999-12-31 renewed for another term would be exported as 10999-… and the import would refuse it.
            guard newExpiration < Timestamp.days(year: 10_000, month: 1, day: 1) * Timestamp.secondsPerDay else {
                throw RetentionError.conflict("date_out_of_range",
                    "Renewing policy \(before.policyNumber) would make it expire after 9999-12-31 (the last date the book can hold); it ends \(Timestamp.formatDate(before.expirationDate)).",
                    field: "expirationDate")
            }
            let premium = money.premiumCents ?? before.premiumCents
            let frequency = money.frequency ?? before.premiumFrequency
            try db.run("""
                UPDATE policies SET effective_date = ?, expiration_date = ?, renewal_date = ?, last_renewal_date = ?,
                  renewal_count = renewal_count + 1, status = 'active', ended_at = NULL, end_reason = NULL,
                  premium_cents = ?, premium_frequency = ?, annual_premium_cents = ?, version = version + 1, updated_at = ?
                WHERE id = ?
                """, [.int(Int64(newEffective)), .int(Int64(newExpiration)), .int(Int64(newExpiration)), .int(Int64(newEffective)),
                      .int(Int64(premium)), .text(frequency.rawValue), .int(Int64(premium * frequency.paymentsPerYear)),
                      .int(Int64(now)), .int(before.rowID)])
            try refreshCustomerCounters(before.customerRowID, now: now)
            try insertEvent(customerRow: before.customerRowID, policyRow: before.rowID, type: .policy_renewed, severity: .info,
                            data: .object([("policyNumber", .string(before.policyNumber)),
                                           ("renewalCount", .int(before.renewalCount + 1)),
                                           ("premiumBefore", .money(before.annualPremiumCents)),
                                           ("premiumAfter", .money(premium * frequency.paymentsPerYear)),
                                           ("newExpirationDate", .string(Timestamp.formatDate(newExpiration)))]),
                            actions: [], occurredAt: now, now: now)
            try audit("policy.renew", entity: "policy", id: id, details: .object([("renewalCount", .int(before.renewalCount + 1))]), now: now)
            return try policy(rowID: before.rowID)
        }
    }

    private func recordPolicyEvent(_ type: EventType, customerRow: Int64, policyRow: Int64, number: String, reason: String?, now: Int) throws {
        var data: [(String, JSONValue)] = [("policyNumber", .string(number))]
        if let reason { data.append(("reason", .string(reason))) }
        let severity: EventSeverity = type == .policy_cancelled || type == .policy_lapsed ? .warning : .info
        try insertEvent(customerRow: customerRow, policyRow: policyRow, type: type, severity: severity, data: .object(data),
                        actions: [], occurredAt: now, now: now)
    }

    /// When a customer's last in-force policy ends, the customer has churned: record it once, dated now, or
    /// (`datedAtLastEnd`, for policies ended after the fact) at the latest end of their policies, when they left.
    /// Whether it was recorded.
    @discardableResult
    func recordChurnIfLastPolicyEnded(customerRow: Int64, datedAtLastEnd: Bool = false, now: Int) throws -> Bool {
        guard let lastEnd = try db.queryOne("""
            SELECT max(ended_at) FROM policies WHERE customer_id = ?1
            HAVING count(*) FILTER (WHERE status IN \(PolicyStatus.inForceSQL)) = 0
            """, [.int(customerRow)], { $0.optionalInt(0) }) else { return false }
        try insertEvent(customerRow: customerRow, policyRow: nil, type: .customer_churned, severity: .critical, data: nil,
                        actions: [], occurredAt: datedAtLastEnd ? lastEnd ?? now : now, now: now)
        return true
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

    static func read(_ r: inout FieldReader, creating: Bool) throws -> PolicyMoneyFields {
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
