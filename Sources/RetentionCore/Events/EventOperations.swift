import Foundation

extension Engine {
    /// Records a retention event (`POST /events`).
    ///
    /// Side effects that keep the customer's numbers true:
    /// - `payment_received` with `data.amount` adds to the policy's `totalPaid` (and so to lifetime value);
    /// - `claim_filed` with `data.amount` adds one claim and the amount to the policy;
    /// - contact events (`contact_made`, `touchpoint_responded`, `nps_response`) move `lastContactDate`.
    /// Payment and claim events must name the policy (`policyId`).
    ///
    /// `triggeredActions` must be known actions (`TriggeredAction`), each once, each applicable to the
    /// event (`send_reminder` only where the event has a reminder); they are stored as given and carried
    /// out in the event's transaction (see `perform`), and the returned event says what each did
    /// (`actionsTaken`). An import (`allowIdentity` without side effects) stores an event's actions as its
    /// history and carries none out.
    @discardableResult
    public func createEvent(_ event: NewEvent, now: Int, applySideEffects: Bool = true) throws -> RetentionEvent {
        // An import (`applySideEffects` false) restores history: it may keep ids and another system's action names.
        let importing = !applySideEffects
        try event.validate(now: now, keepsHistory: importing)
        if !importing { try EventRules.validateDueDate(type: event.type, data: event.data, occurredAt: event.occurredAt ?? now) }
        return try db.transaction {
            let (id, customerRow, policyRow) = try checkNewEvent(event, importing: importing)
            let type = event.type, data = event.data, actions = event.triggeredActions
            let occurredAt = event.occurredAt ?? now
            let toPerform = applySideEffects ? try Engine.triggeredActions(actions, type: type, data: data, hasPolicy: policyRow != nil) : []
            var recorded = try insertEvent(customerRow: customerRow.0, policyRow: policyRow, type: type, severity: event.severity, data: data,
                                           actions: actions, occurredAt: occurredAt, now: now, id: id, applySideEffects: applySideEffects)
            try audit("event.create", entity: "event", id: recorded.id, details: .object([("eventType", .string(type.rawValue))]), now: now)
            if applySideEffects {
                recorded.actionsTaken = try perform(toPerform, for: recorded, customerRow: customerRow.0, policyRow: policyRow, now: now)
            }
            return recorded
        }
    }

    /// The checks of a new event that read the book, by reads alone (an import's dry run runs them without the
    /// write lock), then the event's rules: only an import may keep an id, and not one the book has; the
    /// customer exists (by id or lead id) and, unless an import restores their history, is not erased; the
    /// policy, if named, exists and is theirs; an erased customer's event keeps numbers only; the event type's
    /// rules (`EventRules`). Returns the event's id, its customer's row (with erased at) and its policy's row.
    func checkNewEvent(_ event: NewEvent, importing: Bool) throws -> (id: String, customer: (Int64, Int?), policy: Int64?) {
        var id = Engine.newID()
        if let given = event.id {
            guard importing else { throw RetentionError.invalid("id", "is assigned by Retention; only `retention import` may keep an existing id") }
            id = given.lowercased()
            if try db.queryOne("SELECT 1 FROM retention_events WHERE uuid = ?", [.text(id)], { _ in true }) != nil {
                throw Self.duplicateEventID(id)
            }
        }
        let customerKey = event.customer
        guard let customerRow = try db.queryOne("SELECT id, erased_at FROM customers WHERE uuid = ?1 OR lead_id = ?1 ORDER BY uuid = ?1 DESC LIMIT 1",
                                                [.text(customerKey)], { ($0.int64(0), $0.optionalInt(1)) }) else {
            throw RetentionError(.notFound, code: "customer_not_found", "Customer \(customerKey) was not found.", field: "customerId")
        }
        // An erased customer takes no new event; an import restores their old ones, whose data the
        // erasure reduced to numbers.
        let customerErased = customerRow.1 != nil
        if customerErased && !importing { throw RetentionError.customerErased(customerKey) }
        var policyRow: Int64?
        if let policyKey = event.policy {
            guard let p = try db.queryOne("SELECT id, customer_id FROM policies WHERE uuid = ?1 OR policy_number = ?1 LIMIT 1",
                                          [.text(policyKey)], { ($0.int64(0), $0.int64(1)) }) else {
                throw RetentionError(.notFound, code: "policy_not_found", "Policy \(policyKey) was not found.", field: "policyId")
            }
            guard p.1 == customerRow.0 else {
                throw RetentionError.invalid("policyId", "policy \(policyKey) belongs to another customer")
            }
            policyRow = p.0
        }
        if customerErased, let pairs = event.data?.objectPairs, let text = pairs.first(where: { $0.1.doubleValue == nil }) {
            throw RetentionError.invalid("data.\(text.0)", "must be a number or absent: customer \(customerKey) was erased, and an erased customer's events keep numbers only")
        }
        try EventRules.validate(type: event.type, data: event.data, hasPolicy: policyRow != nil)
        return (id, customerRow, policyRow)
    }

    static func duplicateEventID(_ id: String) -> RetentionError {
        RetentionError.conflict("duplicate_id", "An event with id \(id) already exists.", field: "id")
    }

    /// The amount of an event's `data.amount` in cents, checked as recording the event checks it.
    static func eventAmountCents(_ data: JSONValue?) throws -> Int? {
        try data?["amount"]?.doubleValue.map { try Validation.cents($0, field: "data.amount") }
    }

    /// Inserts an event and applies its side effects. Runs inside the caller's transaction.
    @discardableResult
    func insertEvent(customerRow: Int64, policyRow: Int64?, type: EventType, severity: EventSeverity, data: JSONValue?,
                     actions: [String], occurredAt: Int, now: Int, id: String = Engine.newID(),
                     applySideEffects: Bool = true) throws -> RetentionEvent {
        try db.run("""
            INSERT INTO retention_events (uuid, customer_id, policy_id, event_type, severity, data, triggered_actions, occurred_at, created_by, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(id), .int(customerRow), .init(policyRow), .text(type.rawValue), .text(severity.rawValue),
                  .init(data?.serialized()), .text(JSONValue.array(actions.map { .string($0) }).serialized()),
                  .int(Int64(occurredAt)), .text(user), .int(Int64(now))])
        let rowID = db.lastInsertRowID
        let amountCents = try Self.eventAmountCents(data)
        switch applySideEffects ? type : nil {
        case .payment_received:
            if let policyRow, let amountCents {
                try db.run("UPDATE policies SET total_paid_cents = total_paid_cents + ?, updated_at = ? WHERE id = ?",
                           [.int(Int64(amountCents)), .int(Int64(now)), .int(policyRow)])
                try refreshCustomerCounters(customerRow, now: now)
            }
        case .claim_filed:
            if let policyRow {
                try db.run("UPDATE policies SET claims_count = claims_count + 1, total_claim_cents = total_claim_cents + ?, updated_at = ? WHERE id = ?",
                           [.int(Int64(amountCents ?? 0)), .int(Int64(now)), .int(policyRow)])
            }
        case .opted_out, .opted_in:
            // Consent follows the event at once, as a PATCH of optedOutChannels would (dispatch reads it).
            if let channel = data?["channel"]?.stringValue.flatMap(ContactChannel.init(rawValue:)) {
                try recordConsent(customerRow: customerRow, channel: channel, optedOut: type == .opted_out, now: now)
            }
        default: break
        }
        if type.isContact { // also on import: lastContactDate is derived from the contact history
            try db.run("UPDATE customers SET last_contact_date = max(coalesce(last_contact_date, 0), ?), updated_at = ? WHERE id = ?",
                       [.int(Int64(occurredAt)), .int(Int64(now)), .int(customerRow)])
        }
        guard let e = try db.queryOne("SELECT \(RetentionEvent.columns) FROM \(RetentionEvent.from) WHERE e.id = ?", [.int(rowID)], RetentionEvent.init(row:)) else {
            throw RetentionError.storage("The event just written could not be read back.")
        }
        return e
    }

    /// A customer's events, newest first (`GET /customers/:id/events?limit=&eventType=`).
    public func events(customerId: String, eventType: EventType? = nil, limit: Int = 50) throws -> [RetentionEvent] {
        let rowID = try customerRowID(customerId)
        let limit = Int64(max(1, min(limit, 1000)))
        if let eventType {
            return try db.query("SELECT \(RetentionEvent.columns) FROM \(RetentionEvent.from) WHERE e.customer_id = ? AND e.event_type = ? ORDER BY e.occurred_at DESC, e.id DESC LIMIT ?",
                                [.int(rowID), .text(eventType.rawValue), .int(limit)], RetentionEvent.init(row:))
        }
        return try db.query("SELECT \(RetentionEvent.columns) FROM \(RetentionEvent.from) WHERE e.customer_id = ? ORDER BY e.occurred_at DESC, e.id DESC LIMIT ?",
                            [.int(rowID), .int(limit)], RetentionEvent.init(row:))
    }
}

/// What each event type requires of its `data`.
enum EventRules {
    /// A missed payment was due on or before the day it was missed: `data.dueDate` (YYYY-MM-DD) after the
    /// event's day (`occurredAt`, or now) is refused. An import restores history as it was and is not checked.
    static func validateDueDate(type: EventType, data: JSONValue?, occurredAt: Int) throws {
        guard type == .payment_missed, let text = data?["dueDate"]?.stringValue, let due = Timestamp.parseDate(text) else { return }
        if due > Timestamp.startOfDay(occurredAt) {
            throw RetentionError.invalid("data.dueDate", "a payment due \(text) cannot be missed on \(Timestamp.formatDate(occurredAt)): the due date is after the event's day")
        }
    }

    static func validate(type: EventType, data: JSONValue?, hasPolicy: Bool) throws {
        func number(_ key: String, required: Bool, range: ClosedRange<Double>? = nil) throws {
            guard let v = data?[key], !v.isNull else {
                if required { throw RetentionError.invalid("data.\(key)", "is required for \(type.rawValue) events") }
                return
            }
            guard let d = v.doubleValue else { throw RetentionError.invalid("data.\(key)", "must be a number, got \(v.typeName)") }
            if let range, !range.contains(d) {
                throw RetentionError.invalid("data.\(key)", "must be between \(JSONValue.format(number: range.lowerBound)) and \(JSONValue.format(number: range.upperBound)), got \(JSONValue.format(number: d))")
            }
        }
        switch type {
        case .payment_received, .claim_filed:
            guard hasPolicy else { throw RetentionError.invalid("policyId", "is required for \(type.rawValue) events") }
            try number("amount", required: type == .payment_received, range: 0...1e11)
            if let a = data?["amount"]?.doubleValue { _ = try Validation.cents(a, field: "data.amount") }
        case .payment_missed, .claim_closed:
            try number("amount", required: false, range: 0...1e11)
        case .nps_response:
            try number("score", required: true, range: 0...10)
        case .policy_renewed, .coverage_changed:
            // Annual premiums in currency units, as a policy's premium may be (`Validation.cents`).
            try number("premiumBefore", required: false, range: 0...1e13)
            try number("premiumAfter", required: false, range: 0...1e13)
        case .opted_out, .opted_in:
            // The event changes the customer's consent for that channel: it must name one.
            guard let name = data?["channel"]?.stringValue, ContactChannel(rawValue: name) != nil else {
                throw RetentionError.invalid("data.channel", "is required for \(type.rawValue) events: one of \(ContactChannel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        default: break
        }
    }
}
