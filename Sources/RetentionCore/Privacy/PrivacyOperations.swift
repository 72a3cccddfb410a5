import Foundation

/// Everything held about one person (`GET /customers/:id/export`, `retention customer export`).
public struct PersonalDataExport: Sendable {
    /// A channel the person opted out of (or back into), when and by whom.
    public struct Consent: Sendable, Equatable {
        public var channel: String
        public var optedOut: Bool
        public var changedAt: Int
        public var changedBy: String
    }
    /// An audit entry about the person; `details` is the entry's stored free-form JSON (nil when it has none).
    public struct AuditEntry: Sendable, Equatable {
        public var at: Int
        public var user: String
        public var action: String
        public var details: JSONValue?
    }
    public var exportedAt: Int
    public var customer: Customer
    public var contactPreferences: [Consent]
    public var policies: [Policy]
    /// The stored health-score and LTV history documents, newest first, as they were calculated.
    public var healthScores: [JSONValue]
    public var lifetimeValues: [JSONValue]
    public var touchpoints: [Touchpoint]
    public var events: [RetentionEvent]
    public var tasks: [AgentTask]
    public var auditTrail: [AuditEntry]
}

/// The data-protection rights of a customer: access (everything held about them) and erasure.
extension Engine {
    /// Everything held about one person: profile, policies, scores, LTV history, touchpoints with their
    /// content, events, the agents' tasks about them, and the audit entries about them (the right of access).
    /// Its JSON is made in API/Encoding/PrivacyEncoding.swift.
    public func exportPersonalData(customerId: String, now: Int) throws -> PersonalDataExport {
        let c = try customer(id: customerId)
        let audit = try db.query("""
            SELECT at, user_name, action, details FROM audit_log WHERE entity_type = 'customer' AND entity_id = ? ORDER BY id
            """, [.text(customerId)]) { r in
            PersonalDataExport.AuditEntry(at: r.int(0), user: r.text(1), action: r.text(2), details: r.optionalText(3).flatMap { try? JSONValue.parse($0) })
        }
        let consents = try db.query("SELECT channel, opted_out, changed_at, changed_by FROM contact_preferences WHERE customer_id = ? ORDER BY channel",
                                    [.int(c.rowID)]) { r in
            PersonalDataExport.Consent(channel: r.text(0), optedOut: r.bool(1), changedAt: r.int(2), changedBy: r.text(3))
        }
        return PersonalDataExport(
            exportedAt: now, customer: c, contactPreferences: consents, policies: try policies(customerId: customerId),
            healthScores: try healthScoreHistory(customerId: customerId, limit: 1000), lifetimeValues: try ltvHistory(customerId: customerId, limit: 1000),
            touchpoints: try touchpoints(customerId: customerId, limit: 1000), events: try events(customerId: customerId, limit: 1000),
            tasks: try tasks(customerId: customerId, status: .all, limit: 1000), auditTrail: audit)
    }

    /// Erases a customer's personal data everywhere it is stored (the right to erasure).
    ///
    /// Names, contact details, address, date of birth, tags, metadata, notes, rendered message content and
    /// responses are removed or replaced; event data keeps only its numbers (amounts, scores), so counts and
    /// money in the metrics stay correct; policies keep their numbers but lose documents and metadata; audit
    /// details about the customer are cleared. Pending touchpoints are cancelled and the customer is marked
    /// do-not-contact, so nothing is ever sent again; the agents' tasks about them are deleted (there is no
    /// one left to follow up with). The erasure itself is audited without personal data.
    /// Afterwards the write-ahead log is checkpointed and truncated; with `secure_delete` on, no erased value
    /// remains in the database file's free pages.
    public func eraseCustomer(customerId: String, now: Int) throws {
        let sentCopies = try messageCopies(customerId: customerId)
        try db.transaction {
            let c = try customer(id: customerId)
            guard c.erasedAt == nil else { throw RetentionError.conflict("customer_erased", "Customer \(customerId) was already erased.") }
            try db.run("""
                UPDATE customers SET first_name = 'Erased', last_name = 'Customer', email = 'erased-' || uuid || '@invalid', lead_id = 'erased-' || uuid,
                  phone = NULL, date_of_birth = NULL, street = NULL, city = NULL, zip_code = NULL, metadata = NULL, time_zone = NULL,
                  satisfaction_score = NULL, assigned_to = NULL, snoozed_until = NULL, do_not_contact = 1, erased_at = ?,
                  version = version + 1, updated_at = ?
                WHERE id = ?
                """, [.int(Int64(now)), .int(Int64(now)), .int(c.rowID)])
            try db.run("DELETE FROM customer_tags WHERE customer_id = ?", [.int(c.rowID)])
            try db.run("DELETE FROM tasks WHERE customer_id = ?", [.int(c.rowID)])
            try db.run("UPDATE policies SET documents = '[]', metadata = NULL, underwriter = NULL WHERE customer_id = ?", [.int(c.rowID)])
            try db.run("""
                UPDATE touchpoints SET subject = NULL, content = NULL, response = NULL, metadata = NULL, last_error = NULL,
                  status = CASE WHEN status IN ('pending', 'sending') THEN 'cancelled' ELSE status END,
                  skip_reason = CASE WHEN status IN ('pending', 'sending') THEN 'customer_erased' ELSE skip_reason END
                WHERE customer_id = ?
                """, [.int(c.rowID)])
            // Event data keeps only numbers: amounts and scores the metrics read.
            for (id, text) in try db.query("SELECT id, data FROM retention_events WHERE customer_id = ? AND data IS NOT NULL", [.int(c.rowID)], { ($0.int64(0), $0.text(1)) }) {
                let kept = ((try? JSONValue.parse(text))?.objectPairs ?? []).filter { $0.1.doubleValue != nil }
                try db.run("UPDATE retention_events SET data = ? WHERE id = ?", [.text(JSONValue.object(kept).serialized()), .int(id)])
            }
            try db.run("UPDATE audit_log SET details = NULL WHERE entity_type = 'customer' AND entity_id = ?", [.text(customerId)])
            try audit("customer.erase", entity: "customer", id: customerId, now: now)
        }
        // Old page images in the write-ahead log would still hold the erased values: fold and truncate it.
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        // Copies of messages the product wrote into Maildir and outbox folders go too.
        for path in sentCopies where FileManager.default.fileExists(atPath: path) {
            try FileManager.default.removeItem(atPath: path)
        }
    }

    /// The files under the product's control that hold a copy of a message sent to the customer.
    func messageCopies(customerId: String) throws -> [String] {
        let rowID = try customerRowID(customerId)
        let sent = try db.query("SELECT uuid FROM touchpoints WHERE customer_id = ? AND sent_at IS NOT NULL", [.int(rowID)]) { $0.text(0) }
        guard !sent.isEmpty else { return [] }
        // Every folder the product was ever set to write to, whichever channel used it and whatever is set
        // now (a copy written before a channel was pointed elsewhere is still a copy). Messages handed to a
        // command or to sendmail are outside the product's control.
        var paths: [String] = []
        for folder in try messageFolders() {
            switch folder.kind {
            case .maildir:
                // A mail reader renames a message it has seen into cur/ with flags after a colon.
                let seen = (try? FileManager.default.contentsOfDirectory(atPath: folder.target + "/cur")) ?? []
                for uuid in sent {
                    paths += ["\(folder.target)/new/\(uuid).retention", "\(folder.target)/cur/\(uuid).retention"]
                    paths += seen.filter { $0.hasPrefix("\(uuid).retention:") }.map { "\(folder.target)/cur/\($0)" }
                }
            case .outbox: paths += sent.map { "\(folder.target)/\($0).json" }
            case .command, .sendmail: break
            }
        }
        return paths
    }
}
