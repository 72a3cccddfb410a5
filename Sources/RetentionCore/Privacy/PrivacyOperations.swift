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
    /// An audit entry about the person or their policies, events and touchpoints (`entity`, `entityId`);
    /// `details` is the entry's stored free-form JSON (nil when it has none).
    public struct AuditEntry: Sendable, Equatable {
        public var at: Int
        public var user: String
        public var action: String
        public var entity: String
        public var entityId: String
        public var details: JSONValue?
    }
    /// A campaign the person was enrolled in, as a member of its control group (sent nothing) or not.
    public struct Enrolment: Sendable, Equatable {
        public var campaignId: String
        public var campaignName: String
        public var enrolledAt: Int
        public var runAt: Int
        public var controlGroup: Bool
        public var policyId: String?
    }
    public var exportedAt: Int
    public var customer: Customer
    public var contactPreferences: [Consent]
    public var policies: [Policy]
    /// The stored health-score and LTV history documents, newest first, as they were calculated.
    public var healthScores: [JSONValue]
    public var lifetimeValues: [JSONValue]
    public var campaignEnrollments: [Enrolment]
    public var touchpoints: [Touchpoint]
    public var events: [RetentionEvent]
    public var tasks: [AgentTask]
    public var auditTrail: [AuditEntry]
}

/// The data-protection rights of a customer: access (everything held about them) and erasure.
extension Engine {
    /// Everything held about one person: profile, policies, scores, LTV history, campaign enrolments (with
    /// control-group membership), touchpoints with their content, events, the agents' tasks about them, and
    /// every audit entry about them or their policies, events and touchpoints (the right of access).
    /// Its JSON is made in API/Encoding/PrivacyEncoding.swift.
    public func exportPersonalData(customerId: String, now: Int) throws -> PersonalDataExport {
        let c = try customer(id: customerId)
        // Every audit row about the person: about the customer, and about their policies, events and touchpoints.
        let audit = try db.query("""
            SELECT at, user_name, action, entity_type, entity_id, details FROM audit_log
            WHERE (entity_type = 'customer' AND entity_id = ?1)
               OR (entity_type = 'policy' AND entity_id IN (SELECT uuid FROM policies WHERE customer_id = ?2))
               OR (entity_type = 'event' AND entity_id IN (SELECT uuid FROM retention_events WHERE customer_id = ?2))
               OR (entity_type = 'touchpoint' AND entity_id IN (SELECT uuid FROM touchpoints WHERE customer_id = ?2))
            ORDER BY id
            """, [.text(customerId), .int(c.rowID)]) { r in
            PersonalDataExport.AuditEntry(at: r.int(0), user: r.text(1), action: r.text(2), entity: r.text(3), entityId: r.text(4),
                                          details: r.optionalText(5).flatMap { try? JSONValue.parse($0) })
        }
        // The campaigns the person was enrolled in, including as a member of a control group (sent nothing).
        let enrolments = try db.query("""
            SELECT c.uuid, c.name, e.enrolled_at, e.run_at, e.is_control, p.uuid FROM campaign_enrollments e
            JOIN campaigns c ON c.id = e.campaign_id LEFT JOIN policies p ON p.id = e.policy_id
            WHERE e.customer_id = ? ORDER BY e.id
            """, [.int(c.rowID)]) { r in
            PersonalDataExport.Enrolment(campaignId: r.text(0), campaignName: r.text(1), enrolledAt: r.int(2), runAt: r.int(3),
                                         controlGroup: r.bool(4), policyId: r.optionalText(5))
        }
        let consents = try db.query("SELECT channel, opted_out, changed_at, changed_by FROM contact_preferences WHERE customer_id = ? ORDER BY channel",
                                    [.int(c.rowID)]) { r in
            PersonalDataExport.Consent(channel: r.text(0), optedOut: r.bool(1), changedAt: r.int(2), changedBy: r.text(3))
        }
        return PersonalDataExport(
            exportedAt: now, customer: c, contactPreferences: consents, policies: try policies(customerId: customerId),
            healthScores: try healthScoreHistory(customerId: customerId, limit: 1000), lifetimeValues: try ltvHistory(customerId: customerId, limit: 1000),
            campaignEnrollments: enrolments,
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
    ///
    /// The checkpoint cannot copy the erased pages over the old ones while another connection reads a snapshot
    /// from before the erasure (a dashboard, a long export): it waits for such readers up to `waitSeconds`.
    /// If they are still there, the erasure is committed but not complete: the outcome says so and which
    /// process holds the old copy, and a pending-erasure record (`privacy.pending_erasures` in settings,
    /// written in the erasure's own transaction, so a crash leaves it too) makes the next Retention command
    /// that opens the book finish the checkpoint (`Store.finishPendingErasures`).
    @discardableResult
    public func eraseCustomer(customerId: String, now: Int, waitSeconds: Int32 = 30) throws -> ErasureOutcome {
        // Listed inside the erasure's write transaction: a dispatcher moves a message into place and records
        // it in one write transaction too, so every copy it made before is listed, and none comes after.
        let sentCopies = try db.transaction {
            let copies = try messageCopies(customerId: customerId)
            let c = try customer(id: customerId)
            guard c.erasedAt == nil else { throw RetentionError.conflict("customer_erased", "Customer \(customerId) was already erased.") }
            try db.run("""
                UPDATE customers SET first_name = 'Erased', last_name = 'Customer', email = 'erased-' || uuid || '@invalid', lead_id = 'erased-' || uuid,
                  phone = NULL, date_of_birth = NULL, street = NULL, city = NULL, zip_code = NULL, metadata = NULL, time_zone = NULL,
                  satisfaction_score = NULL, assigned_to = NULL, snoozed_until = NULL, do_not_contact = 1, erased_at = ?,
                  version = version + 1, updated_at = ?
                WHERE id = ?
                """, [.int(Int64(now)), .int(Int64(now)), .int(c.rowID)])
            // The update took the customer's words out of the search index (its trigger), but a full-text index
            // keeps them in its older pages until those are merged: merging the whole index now (0.6 s at a
            // million customers) frees every page that held them, and `secure_delete` blanks those pages.
            try db.execute("INSERT INTO customer_search (customer_search) VALUES ('optimize')")
            try db.run("DELETE FROM customer_tags WHERE customer_id = ?", [.int(c.rowID)])
            try db.run("DELETE FROM tasks WHERE customer_id = ?", [.int(c.rowID)])
            try db.run("DELETE FROM risk_overrides WHERE customer_id = ?", [.int(c.rowID)])
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
            try Store.addPendingErasure(db, customerId: customerId, at: now)
            return copies
        }
        // Copies of messages the product wrote into Maildir and outbox folders go too.
        for path in sentCopies where FileManager.default.fileExists(atPath: path) {
            try FileManager.default.removeItem(atPath: path)
        }
        // Old page images in the database file and the write-ahead log would still hold the erased values:
        // copy the new pages over them and truncate the log; only then is the erasure complete.
        return try Store.finishPendingErasures(db, waitMilliseconds: waitSeconds.multipliedReportingOverflow(by: 1000).partialValue)
    }

    /// The files under the product's control that hold a copy of a message to the customer: sent ones, and
    /// those a dispatcher killed midway left behind whatever its row says (staged in a Maildir's `tmp/` or as an
    /// outbox's `.<id>.json.tmp`, or delivered while the row stayed `sending` and later became `failed`).
    func messageCopies(customerId: String) throws -> [String] {
        let rowID = try customerRowID(customerId)
        let sent = try db.query("SELECT uuid FROM touchpoints WHERE customer_id = ? AND (sent_at IS NOT NULL OR status NOT IN ('pending', 'skipped', 'cancelled'))",
                                [.int(rowID)]) { $0.text(0) }
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
                    paths += ["\(folder.target)/tmp/\(uuid).retention", "\(folder.target)/new/\(uuid).retention", "\(folder.target)/cur/\(uuid).retention"]
                    paths += seen.filter { $0.hasPrefix("\(uuid).retention:") }.map { "\(folder.target)/cur/\($0)" }
                }
            case .outbox: paths += sent.flatMap { ["\(folder.target)/\($0).json", "\(folder.target)/.\($0).json.tmp"] }
            case .command, .sendmail: break
            }
        }
        return paths
    }
}

/// How an erasure ended: complete (no copy of the erased values left in the database's files), or committed
/// with old copies still in the files until the named readers close (see `Engine.eraseCustomer`).
public struct ErasureOutcome: Sendable, Equatable {
    public var complete: Bool
    /// What still holds the old copies, when not complete ("process 123 (retention tui) to finish reading …").
    public var waitingFor: String?
    public static let done = ErasureOutcome(complete: true, waitingFor: nil)
}

extension Store {
    /// Adds a customer to the erasures whose old copies may still be in the files (inside the erasure's transaction).
    static func addPendingErasure(_ db: Database, customerId: String, at now: Int) throws {
        var items = try db.settings.value(Settings.pendingErasures)
        items.append(.object([("customerId", .string(customerId)), ("erasedAt", .string(Timestamp.formatInstant(now)))]))
        try db.settings.set(Settings.pendingErasures, items)
    }

    /// Finishes erasures whose old copies may still be in the files: a truncating checkpoint, waiting for readers
    /// of older snapshots up to `waitMilliseconds`; when it completes the pending record is removed (that write
    /// holds no personal data). Runs at every open of the book for writing, without waiting there.
    @discardableResult
    public static func finishPendingErasures(_ db: Database, waitMilliseconds: Int32 = 0) throws -> ErasureOutcome {
        guard try db.settings.isStored(Settings.pendingErasures) else { return .done }
        // A checkpoint that cannot run now (another process checkpointing, a writer, an I/O error) leaves the
        // erasure pending, which is what it then is; it never makes the command that opens the book fail.
        let done = db.waitingForLocksAtMost(milliseconds: waitMilliseconds) { (try? db.checkpointAndTruncate()) ?? false }
        guard done else { return ErasureOutcome(complete: false, waitingFor: BusyWaiter.holder(of: db.path)) }
        try db.settings.remove(Settings.pendingErasures)
        return .done
    }
}

extension Engine {
    /// The book's file, for messages that name it.
    public var databasePath: String { db.path }

    /// How long this connection waits for another writer or reader, in whole seconds.
    public var lockWaitSeconds: Int32 { db.options.busyTimeoutMilliseconds / 1000 }

    /// Finishes erasures left pending (see `eraseCustomer`), waiting for readers of the old copies up to
    /// `waitSeconds`.
    @discardableResult
    public func finishPendingErasures(waitSeconds: Int32) throws -> ErasureOutcome {
        try Store.finishPendingErasures(db, waitMilliseconds: waitSeconds * 1000)
    }
}
