import Foundation

/// What a specialist records while working the queues: who owns a customer, when to look again, and
/// how a contact went. Every action is audited. These are extensions beyond the spec's routes.
extension Engine {
    /// The outcomes a logged contact may have.
    public enum ContactOutcome: String, CaseIterable, Sendable {
        case reached, left_voicemail, no_answer, wrong_number, renewal_discussed, quote_sent, review_scheduled,
             retained, will_leave, callback_requested

        /// The outcome in words, as the dashboard offers it.
        public var title: String {
            switch self {
            case .reached: "Reached the customer"
            case .left_voicemail: "Left a voicemail"
            case .no_answer: "No answer"
            case .wrong_number: "Wrong number"
            case .renewal_discussed: "Discussed the renewal"
            case .quote_sent: "Sent a quote"
            case .review_scheduled: "Scheduled a review"
            case .retained: "Customer is staying"
            case .will_leave: "Customer will leave"
            case .callback_requested: "Customer asked for a callback"
            }
        }
    }

    /// Assigns the customer to a specialist (`nil` unassigns).
    @discardableResult
    public func assign(customerId: String, to specialist: String?, now: Int) throws -> Customer {
        try assign(customerId: customerId, Assignment(to: specialist), now: now)
    }

    /// Assigns the customer to a specialist, or unassigns them (`POST /customers/:id/assign`).
    @discardableResult
    public func assign(customerId: String, _ assignment: Assignment, now: Int) throws -> Customer {
        let specialist = assignment.assignedTo
        return try db.transaction {
            let c = try customer(id: customerId)
            if c.erasedAt != nil { throw RetentionError.customerErased(customerId) }
            try assignment.validate()
            try db.run("UPDATE customers SET assigned_to = ?, version = version + 1, updated_at = ? WHERE id = ?",
                       [.init(specialist), .int(Int64(now)), .int(c.rowID)])
            try audit(specialist == nil ? "customer.unassign" : "customer.assign", entity: "customer", id: customerId,
                      details: .object([("assignedTo", .optional(specialist)), ("previously", .optional(c.assignedTo))]), now: now)
            return try customer(rowID: c.rowID)
        }
    }

    /// Hides the customer from the at-risk queue until `until` (`nil` wakes them now). A date's instant (00:00 UTC)
    /// is that date, and ends at its start where the customer is; any other instant is kept.
    @discardableResult
    public func snooze(customerId: String, until: Int?, now: Int) throws -> Customer {
        try snooze(customerId: customerId, Snooze(until: until), now: now)
    }

    /// Hides the customer from the at-risk queue until a date, or wakes them (`POST /customers/:id/snooze`).
    @discardableResult
    public func snooze(customerId: String, _ snooze: Snooze, now: Int) throws -> Customer {
        return try db.transaction {
            let c = try customer(id: customerId)
            if c.erasedAt != nil { throw RetentionError.customerErased(customerId) }
            try snooze.validate(now: now)
            // A date ends at its start where the customer is, as the dashboard's snooze does (see `snoozeInTheCustomersZone`).
            let until = snooze.until.map(CustomerZone.resolve(timeZone: c.timeZone, state: c.state).snoozeEnd(given:))
            try db.run("UPDATE customers SET snoozed_until = ?, version = version + 1, updated_at = ? WHERE id = ?",
                       [.init(until), .int(Int64(now)), .int(c.rowID)])
            try audit(until == nil ? "customer.unsnooze" : "customer.snooze", entity: "customer", id: customerId,
                      details: .object([("until", .optional(until.map(Timestamp.formatDate)))]), now: now)
            return try customer(rowID: c.rowID)
        }
    }

    /// Logs a contact with the customer and its outcome: a `contact_made` event that moves `lastContactDate`.
    @discardableResult
    public func logContact(customerId: String, channel: ContactChannel, outcome: ContactOutcome, note: String?, now: Int) throws -> RetentionEvent {
        try logContact(customerId: customerId, ContactLog(channel: channel, outcome: outcome, note: note), now: now)
    }

    /// Logs a contact with the customer and its outcome (`POST /customers/:id/contacts`): one `contact_made`
    /// event (`data`: channel, outcome, note, followUpAt; tied to the policy when given), and, with a follow-up
    /// date, one open follow-up task (reason `contact_made`, title "Follow up: <outcome in words>") assigned to
    /// the person logging it and due then. A customer has at most one open follow-up: a new one moves it.
    @discardableResult
    public func logContact(customerId: String, _ contact: ContactLog, now: Int) throws -> RetentionEvent {
        let channel = contact.channel, outcome = contact.outcome, note = contact.note
        return try db.transaction {
            let rowID = try liveCustomerRowID(customerId)
            try contact.validate(now: now)
            var policyRow: Int64?
            if let key = contact.policy {
                guard let p = try db.queryOne("SELECT id, customer_id FROM policies WHERE uuid = ?1 OR policy_number = ?1 LIMIT 1",
                                              [.text(key)], { ($0.int64(0), $0.int64(1)) }) else {
                    throw RetentionError(.notFound, code: "policy_not_found", "Policy \(key) was not found.", field: "policyId")
                }
                guard p.1 == rowID else { throw RetentionError.invalid("policyId", "policy \(key) belongs to another customer") }
                policyRow = p.0
            }
            var data: [(String, JSONValue)] = [("channel", .string(channel.rawValue)), ("outcome", .string(outcome.rawValue))]
            if let note { data.append(("note", .string(note))) }
            if let at = contact.followUpAt { data.append(("followUpAt", .string(Timestamp.formatInstant(at)))) }
            let event = try insertEvent(customerRow: rowID, policyRow: policyRow, type: .contact_made, severity: .info, data: .object(data),
                                        actions: [], occurredAt: now, now: now)
            var details = data.filter { $0.0 != "note" }
            if let key = contact.policy { details.append(("policy", .string(key))) }
            if let at = contact.followUpAt { try setFollowUp(customerRow: rowID, outcome: outcome, at: at, sourceEventRow: event.rowID, now: now) }
            try audit("customer.contact", entity: "customer", id: customerId, details: .object(details), now: now)
            return event
        }
    }

    /// The title of a follow-up task.
    static func followUpTitle(_ outcome: ContactOutcome) -> String { "Follow up: " + outcome.title.prefix(1).lowercased() + outcome.title.dropFirst() }

    /// Opens the customer's follow-up task, or moves the open one, for the acting user. Runs inside the caller's transaction.
    func setFollowUp(customerRow: Int64, outcome: ContactOutcome, at: Int, sourceEventRow: Int64, now: Int) throws {
        let title = Engine.followUpTitle(outcome)
        if let open = try db.queryOne("SELECT id FROM tasks WHERE customer_id = ? AND done_at IS NULL AND reason = 'contact_made' ORDER BY id LIMIT 1",
                                      [.int(customerRow)], { $0.int64(0) }) {
            try db.run("UPDATE tasks SET title = ?, due_at = ?, assignee = ?, source_event_id = ? WHERE id = ?",
                       [.text(title), .int(Int64(at)), .text(user), .int(sourceEventRow), .int(open)])
            return
        }
        try db.run("""
            INSERT INTO tasks (uuid, customer_id, assignee, reason, title, source_event_id, created_at, due_at, created_by)
            VALUES (?, ?, ?, 'contact_made', ?, ?, ?, ?, ?)
            """, [.text(Engine.newID()), .int(customerRow), .text(user), .text(title), .int(sourceEventRow), .int(Int64(now)), .int(Int64(at)), .text(user)])
    }
}
