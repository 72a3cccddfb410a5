import Foundation

extension Engine {
    // MARK: Create

    /// Creates a policy (`POST /policies`) for an existing customer. The renewal date is derived: it is the
    /// expiration date. The term is the whole months between effective and expiration date.
    /// An import (`allowIdentity`) may keep the policy's id and restore an erased customer's old policies.
    @discardableResult
    public func createPolicy(_ new: NewPolicy, now: Int, allowIdentity: Bool = false) throws -> Policy {
        try new.validate()
        return try db.transaction {
            let (id, customerRow) = try checkNewPolicy(new, allowIdentity: allowIdentity)
            let agentId = new.agentId ?? customerRow.1
            try db.run("""
                INSERT INTO policies (uuid, customer_id, agent_id, policy_number, policy_type, status, premium_cents, premium_frequency,
                  premium_currency, annual_premium_cents, coverage_type, coverage_amount_cents, coverage_deductible_cents, coverage_limits,
                  effective_date, expiration_date, renewal_date, term_months, last_renewal_date, renewal_count, total_paid_cents,
                  claims_count, total_claim_cents, underwriter, documents, metadata, ended_at, end_reason, created_at, updated_at, inception_date,
                  metrics_code)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(id), .int(customerRow.0), .text(agentId)] + new.columnValues(now: now))
            let rowID = db.lastInsertRowID
            try refreshCustomerCounters(customerRow.0, now: now)
            // An imported policy brings its history in the events file; only a new policy records its creation.
            if !bulkImport {
                try recordPolicyEvent(.policy_created, customerRow: customerRow.0, policyRow: rowID, number: new.policyNumber, reason: nil, now: now)
            }
            try audit("policy.create", entity: "policy", id: id, details: .object([("policyNumber", .string(new.policyNumber))]), now: now)
            return try policy(rowID: rowID)
        }
    }

    /// The checks of a new policy that read the book, by reads alone (an import's dry run runs them without
    /// the write lock): only an import may keep an id; the customer exists (by id or lead id) and, unless an
    /// import restores their old policies, is not erased; an erased customer's policy holds no personal data;
    /// the policy number and the id are not in the book yet (nor in `alsoTaken`, what an import's dry run or a
    /// sync would have written before this row, by line, or `staged`, which finds the line of what a staged
    /// import has kept aside so far: a table on disk rather than maps in memory). A number or id an earlier line
    /// of the file has is refused naming that line. Returns the policy's id and its customer's row.
    func checkNewPolicy(_ new: NewPolicy, allowIdentity: Bool, alsoTaken: (numbers: [String: Int], ids: [String: Int])? = nil,
                        staged: (number: (String) throws -> Int?, id: (String) throws -> Int?)? = nil)
        throws -> (id: String, customer: (Int64, String, Int?)) {
        if new.id != nil && !allowIdentity {
            throw RetentionError.invalid("id", "is assigned by Retention; only `retention import` may keep an existing id")
        }
        let id = new.id?.lowercased() ?? Engine.newID()
        let customerKey = new.customer
        let customerRow = try policyCustomer(customerKey, allowErased: allowIdentity)
        if customerRow.2 != nil {
            for (field, present) in [("documents", !new.documents.isEmpty), ("metadata", new.metadata != nil), ("underwriter", new.underwriter != nil)] where present {
                throw RetentionError.invalid(field, "must be empty: customer \(customerKey) was erased, and an erased customer's policies hold no personal data")
            }
        }
        if let line = try alsoTaken?.numbers[new.policyNumber] ?? staged?.number(new.policyNumber) {
            throw RetentionError.twiceInFile("duplicate_policy_number", "Policy number \(new.policyNumber)", line: line, field: "policyNumber")
        }
        if try db.queryOne("SELECT 1 FROM policies WHERE policy_number = ?", [.text(new.policyNumber)], { _ in true }) != nil {
            throw Self.duplicatePolicyNumber(new.policyNumber)
        }
        if let line = try alsoTaken?.ids[id] ?? staged?.id(id) {
            throw RetentionError.twiceInFile("duplicate_id", "Id \(id)", line: line, field: "id")
        }
        if try db.queryOne("SELECT 1 FROM policies WHERE uuid = ?", [.text(id)], { _ in true }) != nil {
            throw Self.duplicatePolicyID(id)
        }
        return (id, customerRow)
    }

    static func duplicatePolicyNumber(_ number: String) -> RetentionError {
        RetentionError.conflict("duplicate_policy_number", "Policy number \(number) is already in use.", field: "policyNumber")
    }

    static func duplicatePolicyID(_ id: String) -> RetentionError {
        RetentionError.conflict("duplicate_id", "A policy with id \(id) already exists.", field: "id")
    }

    /// The customer a new policy is for (row id, agent, erased at), named by id or (handy when importing a
    /// book) by lead id. An erased customer takes no new policy; an import (`allowErased`) restores their old
    /// ones, without personal data.
    func policyCustomer(_ key: String, allowErased: Bool) throws -> (Int64, String, Int?) {
        guard let row = try db.queryOne("SELECT id, agent_id, erased_at FROM customers WHERE uuid = ?1 OR lead_id = ?1 ORDER BY uuid = ?1 DESC LIMIT 1",
                                        [.text(key)], { ($0.int64(0), $0.text(1), $0.optionalInt(2)) }) else {
            throw RetentionError(.notFound, code: "customer_not_found", "Customer \(key) was not found.", field: "customerId")
        }
        if row.2 != nil && !allowErased { throw RetentionError.customerErased(key) }
        return row
    }

    /// Checks that a new policy's customer exists and takes new data (`POST /policies` reports this before
    /// the other errors of its body, as it always has).
    public func checkCustomerTakesPolicy(_ key: String) throws {
        _ = try policyCustomer(key, allowErased: false)
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
    public func updatePolicy(id: String, _ patch: PolicyPatch, now: Int) throws -> Policy {
        try db.transaction {
            let before = try policy(id: id)
            _ = try liveCustomerRowID(before.customerId)
            try patch.validate()
            let expectedVersion = patch.version
            var sets: [(String, SQLValue)] = []
            var changed: [String] = []
            func set(_ column: String, _ field: String, _ v: SQLValue) { sets.append((column, v)); changed.append(field) }

            let newStatus = patch.status
            let endReason = patch.endReason
            if let a = patch.agentId { set("agent_id", "agentId", .text(a)) }
            if let n = patch.policyNumber {
                if n != before.policyNumber,
                   try db.queryOne("SELECT 1 FROM policies WHERE policy_number = ?", [.text(n)], { _ in true }) != nil {
                    throw RetentionError.conflict("duplicate_policy_number", "Policy number \(n) is already in use.", field: "policyNumber")
                }
                set("policy_number", "policyNumber", .text(n))
            }
            if let t = patch.policyType { set("policy_type", "policyType", .text(t.rawValue)) }
            let premium = patch.premiumCents ?? before.premiumCents
            let frequency = patch.frequency ?? before.premiumFrequency
            let premiumChanged = patch.premiumCents != nil || patch.frequency != nil
            if premiumChanged {
                set("premium_cents", "premiumAmount", .int(Int64(premium)))
                set("premium_frequency", "premiumFrequency", .text(frequency.rawValue))
                set("annual_premium_cents", "annualPremium", .int(Int64(premium * frequency.paymentsPerYear)))
            }
            if let c = patch.currency { set("premium_currency", "premiumCurrency", .text(c.uppercased())) }
            if let c = patch.coverageType { set("coverage_type", "coverageType", .text(c)) }
            if let c = patch.coverageCents { set("coverage_amount_cents", "coverageAmount", .int(Int64(c))) }
            if let d = patch.deductibleCents { set("coverage_deductible_cents", "coverageDeductible", .init(d)) }
            if let l = patch.limits { set("coverage_limits", "coverageLimits", .init(l?.serialized())) }
            var effective = before.effectiveDate, expiration = before.expirationDate
            if let e = patch.effectiveDate { effective = e; set("effective_date", "effectiveDate", .int(Int64(e))) }
            if let e = patch.expirationDate {
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
            if let u = patch.underwriter { set("underwriter", "underwriter", .init(u)) }
            if let d = patch.documents { set("documents", "documents", .text(JSONValue.array(d.map { .string($0) }).serialized())) }
            if let m = patch.metadata { set("metadata", "metadata", .init(m?.serialized())) }
            if let v = patch.totalPaidCents { set("total_paid_cents", "totalPaid", .int(Int64(v))) }
            if let v = patch.claimsCount { set("claims_count", "claimsCount", .int(Int64(v))) }
            if let v = patch.totalClaimCents { set("total_claim_cents", "totalClaimAmount", .int(Int64(v))) }

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
                    // Ended at the instant of the change, the instant its event is dated (the API shows the day).
                    set("ended_at", "endedAt", .int(Int64(now)))
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
            if premiumChanged, premium * frequency.paymentsPerYear != before.annualPremiumCents {
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
    public func renewPolicy(id: String, _ renewal: PolicyRenewal = PolicyRenewal(), now: Int) throws -> Policy {
        try db.transaction {
            let before = try policy(id: id)
            try renewal.validate()
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
            let premium = renewal.premiumCents ?? before.premiumCents
            let frequency = renewal.frequency ?? before.premiumFrequency
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
                        actions: [], occurredAt: datedAtLastEnd ? min(lastEnd ?? now, now) : now, now: now)
        return true
    }
}

extension NewPolicy {
    /// The values of a new policy's row from `policy_number` to `metrics_code`, in the order of the policies
    /// table's columns after `uuid, customer_id, agent_id` (see `createPolicy`; the staged import writes the same):
    /// the renewal date is the expiration date, the annual premium the premium times its payments a year, a
    /// policy not in force ends on `endedAt` or today.
    func columnValues(now: Int) -> [SQLValue] {
        let ended = status.isInForce ? nil : (endedAt ?? Timestamp.startOfDay(now))
        return [.text(policyNumber), .text(policyType.rawValue), .text(status.rawValue),
                .int(Int64(premiumCents)), .text(frequency.rawValue), .text(currency?.uppercased() ?? "USD"),
                .int(Int64(premiumCents * frequency.paymentsPerYear)),
                .text(coverageType), .int(Int64(coverageCents)), .init(deductibleCents),
                .init(limits?.serialized()), .int(Int64(effectiveDate)), .int(Int64(expirationDate)), .int(Int64(expirationDate)),
                .int(Int64(termMonths)), .init(lastRenewalDate), .int(Int64(renewalCount)), .int(Int64(totalPaidCents)),
                .int(Int64(claimsCount)), .int(Int64(totalClaimCents)), .init(underwriter),
                .text(JSONValue.array(documents.map { .string($0) }).serialized()),
                .init(metadata?.serialized()), .init(ended), .init(endReason), .int(Int64(now)), .int(Int64(now)), .int(Int64(inception)),
                .int(Int64(PolicyMetricsCode.code(type: policyType.rawValue, status: status.rawValue, endReason: endReason)))]
    }
}
