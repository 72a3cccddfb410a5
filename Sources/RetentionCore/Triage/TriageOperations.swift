import Foundation

/// What a specialist records while working the queues: who owns a customer, when to look again, and
/// how a contact went. Every action is audited. These are extensions beyond the spec's routes.
extension Engine {
    /// The outcomes a logged contact may have.
    public enum ContactOutcome: String, CaseIterable, Sendable {
        case reached, left_voicemail, no_answer, wrong_number, renewal_discussed, quote_sent, review_scheduled,
             retained, will_leave, callback_requested
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

    /// Hides the customer from the at-risk queue until the start of `until` (`nil` wakes them now).
    @discardableResult
    public func snooze(customerId: String, until: Int?, now: Int) throws -> Customer {
        try snooze(customerId: customerId, Snooze(until: until), now: now)
    }

    /// Hides the customer from the at-risk queue until a date, or wakes them (`POST /customers/:id/snooze`).
    @discardableResult
    public func snooze(customerId: String, _ snooze: Snooze, now: Int) throws -> Customer {
        let until = snooze.until
        return try db.transaction {
            let c = try customer(id: customerId)
            if c.erasedAt != nil { throw RetentionError.customerErased(customerId) }
            try snooze.validate(now: now)
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

    /// Logs a contact with the customer and its outcome (`POST /customers/:id/contacts`).
    @discardableResult
    public func logContact(customerId: String, _ contact: ContactLog, now: Int) throws -> RetentionEvent {
        let channel = contact.channel, outcome = contact.outcome, note = contact.note
        return try db.transaction {
            let rowID = try liveCustomerRowID(customerId)
            try contact.validate()
            var data: [(String, JSONValue)] = [("channel", .string(channel.rawValue)), ("outcome", .string(outcome.rawValue))]
            if let note { data.append(("note", .string(note))) }
            let event = try insertEvent(customerRow: rowID, policyRow: nil, type: .contact_made, severity: .info, data: .object(data),
                                        actions: [], occurredAt: now, now: now)
            try audit("customer.contact", entity: "customer", id: customerId,
                      details: .object([("channel", .string(channel.rawValue)), ("outcome", .string(outcome.rawValue))]), now: now)
            return event
        }
    }
}
