import Foundation

/// Appends realistic activity to a book, so a demonstration shows the dashboard moving: contacts,
/// payments received and missed, NPS answers, and progress of touchpoints already sent. Every change goes
/// through the engine's own operations, so counters, events and the audit trail stay true.
public struct ActivitySimulator {
    public var rng: SeededGenerator

    public init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    /// Applies one random piece of activity and describes it, or nil when the book has nothing to act on.
    public mutating func step(_ engine: Engine, now: Int) throws -> String? {
        let active = try engine.db.scalarInt("SELECT count(*) FROM customers WHERE active_policies > 0 AND erased_at IS NULL")
        guard active > 0 else { return nil }
        let offset = Int(rng.next() % UInt64(active))
        guard let (customerID, name) = try engine.db.queryOne(
            "SELECT uuid, first_name || ' ' || last_name FROM customers WHERE active_policies > 0 AND erased_at IS NULL ORDER BY id LIMIT 1 OFFSET ?",
            [.int(Int64(offset))], { ($0.text(0), $0.text(1)) }) else { return nil }
        let policy = try engine.db.queryOne("""
            SELECT p.uuid, p.premium_cents FROM policies p JOIN customers c ON c.id = p.customer_id
            WHERE c.uuid = ? AND p.status IN \(PolicyStatus.inForceSQL) ORDER BY p.id LIMIT 1
            """, [.text(customerID)]) { ($0.text(0), $0.int(1)) }
        let roll = rng.nextUnit()
        func event(_ type: EventType, _ data: JSONValue, policy: String? = nil, severity: EventSeverity = .info) throws {
            try engine.createEvent(NewEvent(customer: customerID, type: type, policy: policy, severity: severity, data: data), now: now)
        }
        if roll < 0.30, let policy {
            try event(.payment_received, .object([("amount", .money(policy.1))]), policy: policy.0)
            return "payment received from \(name)"
        } else if roll < 0.45, let policy {
            try event(.payment_missed, .object([("amount", .money(policy.1)), ("dueDate", .string(Timestamp.formatDate(now)))]), policy: policy.0, severity: .warning)
            return "payment missed by \(name)"
        } else if roll < 0.70 {
            let outcome = Engine.ContactOutcome.allCases[Int(rng.next() % UInt64(Engine.ContactOutcome.allCases.count))]
            try engine.logContact(customerId: customerID, channel: [.call, .email, .sms][Int(rng.next() % 3)], outcome: outcome, note: nil, now: now)
            return "contact with \(name): \(outcome.rawValue)"
        } else if roll < 0.80 {
            let score = Int(rng.next() % 11)
            try event(.nps_response, .object([("score", .int(score))]))
            return "NPS \(score) from \(name)"
        } else if let (tp, status) = try engine.db.queryOne("""
            SELECT uuid, status FROM touchpoints WHERE status IN ('sent', 'delivered', 'opened') ORDER BY random() LIMIT 1
            """, [], { ($0.text(0), $0.text(1)) }) {
            let next: TouchpointStatus = status == "sent" ? .delivered : status == "delivered" ? .opened : .clicked
            if next == .clicked && rng.nextUnit() < 0.5 {
                try engine.recordTouchpointResponse(id: tp, response: "Customer asked to review the renewal", now: now)
                return "touchpoint answered"
            }
            try engine.updateTouchpointStatus(id: tp, status: next, metadata: nil, now: now)
            return "touchpoint \(next.rawValue)"
        }
        try event(.contact_made, .object([("channel", .string("email")), ("outcome", .string("reached"))]))
        return "e-mail exchange with \(name)"
    }
}
