import Foundation

/// What a sync makes of one row of its file.
enum SyncOutcome: Sendable {
    case new(Engine.PreparedImportRow)
    case unchanged
    case changed(SyncChange)
    case refused(RetentionError)
}

/// A change of one record: what is written, the fields it changes (the file's column names), and the
/// events it records.
struct SyncChange: Sendable {
    enum Target: Sendable {
        /// Written by `updateCustomer`, so audited as any customer update.
        case customer(id: String, patch: CustomerPatch)
        case policy(SyncPolicyWrite)
    }
    var target: Target
    var fields: [String]
    var events: [SyncEvent] = []
}

struct SyncEvent: Sendable, Equatable {
    var type: EventType
    var severity: EventSeverity
    var data: JSONValue?
    /// When it happened, by the row's dates (never after the sync's now); nil: at the sync's now.
    var occurredAt: Int? = nil
}

/// A changed policy's row id, its customer's, its id, the columns to write, and whether it stops being in force.
struct SyncPolicyWrite: Sendable {
    var rowID: Int64
    var customerRowID: Int64
    var uuid: String
    var assignments: [(String, SQLValue)]
    var endsInForce: Bool
}

/// The comparison of a file's row with the book's, with no database: pure, so a file's rows are compared on
/// every core. The book's row comes as export cells (`Engine.exportCells`); the file's cells are laid over
/// them (a non-empty cell replaces the book's value, an empty one or a missing column leaves it), and both
/// are read by the import's own parsing, so "changed" means "would be stored differently".
enum SyncCompare {
    /// The types of `header`'s columns, by position (as the import reads them: an unknown column is text).
    static func types(_ kind: ExchangeKind, for header: [String]) -> [ExchangeKind.CellType] {
        let typeOf = Dictionary(uniqueKeysWithValues: kind.columns.map { ($0.name, $0.type) })
        return header.map { typeOf[$0] ?? .text }
    }

    static func given(_ record: CSV.Record, _ header: [String], _ column: String) -> String? {
        guard let i = header.firstIndex(of: column), i < record.fields.count else { return nil }
        let cell = record.fields[i]
        return isBlank(cell) ? nil : FormulaGuard.restore(cell)
    }

    /// An empty cell, or one of spaces only: "not given".
    static func isBlank(_ cell: String) -> Bool { cell.utf8.allSatisfy { $0 == 0x20 } }

    /// The book's cells with the file's non-empty cells over them.
    static func merged(_ record: CSV.Record, _ header: [String], _ book: [String], _ kind: ExchangeKind) -> [String] {
        let names = kind.columns.map(\.name)
        var cells = book
        for (name, cell) in zip(header, record.fields) where !isBlank(cell) {
            if let i = names.firstIndex(of: name) { cells[i] = cell }
        }
        return cells
    }

    /// Whether every non-empty cell of the row is the book's own cell, character for character (as an export
    /// writes it): then the row reads as the book's and nothing changes, without parsing either.
    /// A policy's `customerId` may name the customer by lead (`customerLead`).
    static func sameAsBook(_ record: CSV.Record, _ header: [String], _ book: [String], _ kind: ExchangeKind, customerLead: String? = nil) -> Bool {
        let names = kind.columns.map(\.name)
        for (name, cell) in zip(header, record.fields) where !isBlank(cell) {
            guard let i = names.firstIndex(of: name), cell == book[i] || (name == "customerId" && cell == customerLead) else { return false }
        }
        return true
    }

    /// A row the book does not hold: read as an import reads it, with the import's required columns.
    static func newRow(_ record: CSV.Record, _ header: [String], kind: ExchangeKind, key: String, now: Int) throws -> SyncOutcome {
        if let missing = kind.requiredColumns.subtracting(header).sorted().first {
            throw RetentionError.invalid(missing, "is required: \(key) is new to the book, and a new \(kind == .customers ? "customer" : "policy") needs the columns \(kind.requiredColumns.sorted().joined(separator: ", "))")
        }
        let row = Engine.prepareImportRow(record, kind: kind, header: header, types: types(kind, for: header), now: now)
        switch row {
        case .problem(let e): throw e
        case .policy(let p): try p.validate()
        default: break
        }
        return .new(row)
    }

    static func cellCount(_ record: CSV.Record, _ header: [String]) throws {
        guard record.fields.count == header.count else {
            throw RetentionError.invalid("", "has \(record.fields.count) cells but the header has \(header.count)")
        }
    }

    // MARK: Customers

    /// A customer row: matched by lead. A change is a customer update of the fields that differ (the
    /// customer's start, `customerSince`, is not compared: the book keeps it as its policies make it).
    static func customer(_ record: CSV.Record, header: [String], book: SyncBookRow?, now: Int) -> SyncOutcome {
        do {
            try cellCount(record, header)
            let lead = given(record, header, "leadId") ?? ""
            guard let book else { return try newRow(record, header, kind: .customers, key: "lead \(lead)", now: now) }
            if sameAsBook(record, header, book.cells, .customers) { return .unchanged }
            let names = ExchangeKind.customers.columns.map(\.name), t = types(.customers, for: names)
            let old = try NewCustomer(json: Engine.jsonBody(book.cells, header: names, types: t), allowIdentity: true)
            let new = try NewCustomer(json: Engine.jsonBody(merged(record, header, book.cells, .customers), header: names, types: t), allowIdentity: true)
            if let id = new.id?.lowercased(), id != old.id?.lowercased() {
                throw RetentionError.conflict("key_mismatch", "Lead \(lead) is customer \(old.id ?? "") in the book, not \(id).", field: "id")
            }
            if new.erasedAt != old.erasedAt {
                throw RetentionError.invalid("erasedAt", old.erasedAt == nil
                    ? "a sync does not erase a customer (erasure is its own request, which keeps its record)"
                    : "customer \(old.id ?? lead) was erased and can no longer be changed")
            }
            // Both sides as the file and the book's export give them: a snooze compares by its date (the instant it is
            // stored as, its day's start where the customer is, is made when a changed one is written).
            let before = CustomerFields(old.fields), after = CustomerFields(new.fields)
            let valuesBefore = Dictionary(zip(before.changedFieldNames, before.assignments.map(\.1)), uniquingKeysWith: { a, _ in a })
            let valuesAfter = Dictionary(zip(after.changedFieldNames, after.assignments.map(\.1)), uniquingKeysWith: { a, _ in a })
            var changed = Set(valuesAfter.keys.filter { valuesBefore[$0] != valuesAfter[$0] })
            if (new.fields.tags ?? []) != (old.fields.tags ?? []) { changed.insert("tags") }
            if (new.fields.optedOutChannels ?? []) != (old.fields.optedOutChannels ?? []) { changed.insert("optedOutChannels") }
            if changed.isEmpty { return .unchanged }
            let fields = names.filter(changed.contains)
            if old.erasedAt != nil {
                throw RetentionError.conflict("customer_erased", "Customer \(old.id ?? lead) was erased and can no longer be changed.", field: fields[0])
            }
            let patch = patch(new.fields, fields)
            try patch.validate(now: now)
            return .changed(SyncChange(target: .customer(id: old.id ?? "", patch: patch), fields: fields))
        } catch let e as RetentionError {
            return .refused(e)
        } catch {
            return .refused(RetentionError.invalid("", "\(error)"))
        }
    }

    /// The update of the given fields only, from a customer's fields.
    static func patch(_ from: CustomerPatch, _ fields: [String]) -> CustomerPatch {
        var p = CustomerPatch()
        for field in fields {
            switch field {
            case "agentId": p.agentId = from.agentId
            case "firstName": p.firstName = from.firstName
            case "lastName": p.lastName = from.lastName
            case "email": p.email = from.email
            case "phone": p.phone = from.phone ?? .some(nil)
            case "dateOfBirth": p.dateOfBirth = from.dateOfBirth ?? .some(nil)
            case "street": p.street = from.street ?? .some(nil)
            case "city": p.city = from.city ?? .some(nil)
            case "state": p.state = from.state ?? .some(nil)
            case "zipCode": p.zipCode = from.zipCode ?? .some(nil)
            case "country": p.country = from.country ?? .some(nil)
            case "timeZone": p.timeZone = from.timeZone ?? .some(nil)
            case "preferredContactMethod": p.preferredContactMethod = from.preferredContactMethod ?? .some(nil)
            case "satisfactionScore": p.satisfactionScore = from.satisfactionScore ?? .some(nil)
            case "doNotContact": p.doNotContact = from.doNotContact ?? false
            case "optedOutChannels": p.optedOutChannels = from.optedOutChannels ?? []
            case "assignedTo": p.assignedTo = from.assignedTo ?? .some(nil)
            case "tags": p.tags = from.tags ?? []
            case "metadata": p.metadata = from.metadata ?? .some(nil)
            case "snoozedUntil": p.snoozedUntil = from.snoozedUntil ?? .some(nil)
            default: break
            }
        }
        return p
    }

    // MARK: Policies

    /// The policies table's columns that `NewPolicy.columnValues` gives, in its order, with the file's
    /// column each comes from (nil: derived from others, or the row's times).
    static let policyColumns: [(column: String, field: String?)] = [
        ("policy_number", "policyNumber"), ("policy_type", "policyType"), ("status", "status"), ("premium_cents", "premiumAmount"),
        ("premium_frequency", "premiumFrequency"), ("premium_currency", "premiumCurrency"), ("annual_premium_cents", nil),
        ("coverage_type", "coverageType"), ("coverage_amount_cents", "coverageAmount"), ("coverage_deductible_cents", "coverageDeductible"),
        ("coverage_limits", "coverageLimits"), ("effective_date", "effectiveDate"), ("expiration_date", "expirationDate"),
        ("renewal_date", nil), ("term_months", nil), ("last_renewal_date", "lastRenewalDate"), ("renewal_count", "renewalCount"),
        ("total_paid_cents", "totalPaid"), ("claims_count", "claimsCount"), ("total_claim_cents", "totalClaimAmount"),
        ("underwriter", "underwriter"), ("documents", "documents"), ("metadata", "metadata"), ("ended_at", "endedAt"),
        ("end_reason", "endReason"), ("created_at", nil), ("updated_at", nil), ("inception_date", "inceptionDate"), ("metrics_code", nil),
    ]

    /// A policy row: matched by policy number. What a change means, by the lifecycle's rules (`PolicyStatus`):
    ///
    /// - a renewal: the effective date moves later and the policy is (still or again) in force. Allowed from
    ///   active, pending_renewal and lapsed, as `renew` is; it records `policy_renewed` with the annual premium
    ///   before and after (the premium change the growth and NRR figures read), adds one to `renewalCount` and
    ///   sets `lastRenewalDate` to the new effective date unless the file gives them;
    /// - otherwise a status change is a transition `update` allows (active → lapsed, lapsed → active …), and
    ///   records what `update` records: `policy_lapsed`, `policy_cancelled`, `policy_expired` (with the row's
    ///   `endReason`), `policy_reinstated` (lapsed → in force); a forbidden one refuses the row;
    /// - a different annual premium outside a renewal records `coverage_changed` with the premium before and after;
    /// - a policy does not move to another customer, and an erased customer's policies do not change.
    /// The columns of a whole policy row (the book's, merged with the file's), looked up once.
    static let allPolicyColumns: CSVColumns = {
        let names = ExchangeKind.policies.columns.map(\.name)
        return CSVColumns(names, types: types(.policies, for: names))
    }()

    static func policy(_ record: CSV.Record, header: [String], book: SyncBookRow?, now: Int) -> SyncOutcome {
        do {
            try cellCount(record, header)
            let number = given(record, header, "policyNumber") ?? ""
            guard let book else { return try newRow(record, header, kind: .policies, key: "policy \(number)", now: now) }
            if sameAsBook(record, header, book.cells, .policies, customerLead: book.customerLead) { return .unchanged }
            let names = ExchangeKind.policies.columns.map(\.name)
            var cells = merged(record, header, book.cells, .policies)
            let index = { (name: String) in names.firstIndex(of: name)! }
            if let key = given(record, header, "customerId"), key.lowercased() != book.cells[1], key != book.customerLead {
                throw RetentionError.conflict("key_mismatch",
                    "Policy \(number) belongs to customer \(book.customerLead) in the book, not \(key): a sync does not move a policy to another customer.", field: "customerId")
            }
            cells[index("customerId")] = book.cells[1]
            if let id = given(record, header, "id"), id.lowercased() != book.cells[0] {
                throw RetentionError.conflict("key_mismatch", "Policy \(number) is policy \(book.cells[0]) in the book, not \(id).", field: "id")
            }
            // Back in force: the book's end goes, unless the file gives one.
            if let s = given(record, header, "status").flatMap(PolicyStatus.init(rawValue:)), s.isInForce {
                if given(record, header, "endedAt") == nil { cells[index("endedAt")] = "" }
                if given(record, header, "endReason") == nil { cells[index("endReason")] = "" }
            }
            // The book's row and the merged one read as an import reads a row (`CSVCellReader`: no JSON body in between).
            let columns = allPolicyColumns
            var oldCells = try CSVCellReader(book.cells, columns), newCells = try CSVCellReader(cells, columns)
            let old = try NewPolicy(reading: &oldCells, allowIdentity: true)
            let new = try NewPolicy(reading: &newCells, allowIdentity: true)
            try new.validate()
            let before = old.columnValues(now: now)
            var after = new.columnValues(now: now)
            let column = { (name: String) in policyColumns.firstIndex { $0.column == name }! }

            var events: [SyncEvent] = []
            let annualBefore = old.premiumCents * old.frequency.paymentsPerYear, annualAfter = new.premiumCents * new.frequency.paymentsPerYear
            let renewal = new.effectiveDate > old.effectiveDate && new.status.isInForce
            if renewal {
                guard old.status.canRenew else {
                    throw RetentionError.conflict("invalid_transition",
                        "A \(old.status.rawValue) policy cannot be renewed (its effective date moves to \(Timestamp.formatDate(new.effectiveDate))); only active, pending_renewal or lapsed policies can.",
                        field: "effectiveDate")
                }
                if given(record, header, "renewalCount") == nil { after[column("renewal_count")] = .int(Int64(old.renewalCount + 1)) }
                if given(record, header, "lastRenewalDate") == nil { after[column("last_renewal_date")] = .int(Int64(new.effectiveDate)) }
                let count: Int = if case .int(let n) = after[column("renewal_count")] { Int(n) } else { old.renewalCount + 1 }
                events.append(SyncEvent(type: .policy_renewed, severity: .info, data: .object([
                    ("policyNumber", .string(old.policyNumber)), ("renewalCount", .int(count)),
                    ("premiumBefore", .money(annualBefore)), ("premiumAfter", .money(annualAfter)),
                    ("newExpirationDate", .string(Timestamp.formatDate(new.expirationDate)))]),
                    occurredAt: min(new.effectiveDate, now)))
            } else if new.status != old.status {
                guard old.status.allowedTransitions.contains(new.status) else {
                    let allowed = old.status.allowedTransitions.map(\.rawValue)
                    throw RetentionError.conflict("invalid_transition",
                        "A \(old.status.rawValue) policy cannot become \(new.status.rawValue); allowed: \(allowed.isEmpty ? "none (it is final)" : allowed.joined(separator: ", ")).",
                        field: "status")
                }
                if !new.status.isInForce {
                    var data: [(String, JSONValue)] = [("policyNumber", .string(old.policyNumber))]
                    if let reason = new.endReason { data.append(("reason", .string(reason))) }
                    let type: EventType = new.status == .cancelled ? .policy_cancelled : new.status == .lapsed ? .policy_lapsed : .policy_expired
                    // Dated at the row's end: its endedAt when the file (or a map) gives one, an expiry at its
                    // expiration date, else the sync's now; never later than now. The policy ends at that same
                    // instant (`ended_at`), so its event, its end and a churn dated at the customer's last end
                    // (`recordChurnIfLastPolicyEnded`) agree: a lapse the file does not date ends when the sync
                    // learns of it, not at the start of that day, hours before the book knew (the book counted
                    // the policy in force until then).
                    let ended = new.endedAt ?? (new.status == .expired ? new.expirationDate : nil)
                    let occurred = min(ended ?? now, now)
                    if new.endedAt == nil { after[column("ended_at")] = .int(Int64(occurred)) }
                    events.append(SyncEvent(type: type, severity: type == .policy_expired ? .info : .warning, data: .object(data), occurredAt: occurred))
                } else if old.status == .lapsed {
                    events.append(SyncEvent(type: .policy_reinstated, severity: .info, data: .object([("policyNumber", .string(old.policyNumber))])))
                }
            }
            if !renewal && annualAfter != annualBefore {
                events.append(SyncEvent(type: .coverage_changed, severity: .info,
                                        data: .object([("premiumBefore", .money(annualBefore)), ("premiumAfter", .money(annualAfter))])))
            }

            var assignments: [(String, SQLValue)] = [], fields: [String] = []
            if let agent = new.agentId, agent != old.agentId { assignments.append(("agent_id", .text(agent))); fields.append("agentId") }
            for (i, c) in policyColumns.enumerated() where c.column != "created_at" && c.column != "updated_at" && before[i] != after[i] {
                assignments.append((c.column, after[i]))
                if let f = c.field { fields.append(f) }
            }
            if assignments.isEmpty { return .unchanged }
            if book.erased {
                throw RetentionError.conflict("customer_erased",
                    "Policy \(number) belongs to erased customer \(book.cells[1]); an erased customer's policies can no longer be changed.", field: fields.first)
            }
            return .changed(SyncChange(target: .policy(SyncPolicyWrite(rowID: book.rowID, customerRowID: book.customerRowID, uuid: book.cells[0],
                                                                        assignments: assignments, endsInForce: old.status.isInForce && !new.status.isInForce)),
                                       fields: fields, events: events))
        } catch let e as RetentionError {
            return .refused(e)
        } catch {
            return .refused(RetentionError.invalid("", "\(error)"))
        }
    }
}
