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
        try db.transaction {
            let c = try customer(id: customerId)
            if c.erasedAt != nil { throw RetentionError.customerErased(customerId) }
            if let specialist { _ = try Validation.text(specialist, field: "assignedTo", maxLength: 100) }
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
        try db.transaction {
            let c = try customer(id: customerId)
            if c.erasedAt != nil { throw RetentionError.customerErased(customerId) }
            if let until, until <= Timestamp.startOfDay(now) {
                throw RetentionError.invalid("until", "must be a date after today (\(Timestamp.formatDate(now)))")
            }
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
        try db.transaction {
            let rowID = try liveCustomerRowID(customerId)
            if let note { _ = try Validation.text(note, field: "note", maxLength: 2000, multiline: true) }
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
