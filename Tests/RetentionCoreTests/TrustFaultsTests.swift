import Foundation
import Testing
@testable import RetentionCore

/// Trust under faults: a full disk, a transaction SQLite ends by itself, an erasure under a reader, a writer
/// that waits for another, and the smaller file and input rules. The end-to-end twins are Tests/EndToEnd/trust-faults-*.sh.
@Suite struct TrustFaultsTests {
    private func customersCSV(_ n: Int, prefix: String) -> String {
        "leadId,agentId,firstName,lastName,email\n" + (1...n).map { "\(prefix)-\($0),agent,Pat,Lee \($0),\(prefix)\($0)@example.com" }.joined(separator: "\n") + "\n"
    }

    /// The import that committed ~270 rows on a full disk and called it "bad rows": SQLITE_FULL (here SQLite's own
    /// page limit, `max_page_count`, as SQLite's tests do it) ends the import as a `disk_full` storage error and
    /// writes nothing; with room again the same file imports whole.
    @Test func aFullDiskEndsTheImportAndWritesNothing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = Engine(database: try Store.open(path: dir + "/book.db"), user: "t")
        let pages = try engine.db.scalarInt("PRAGMA page_count")
        _ = try engine.db.scalarInt("PRAGMA max_page_count = \(pages + 8)")
        let csv = customersCSV(3_000, prefix: "full")
        #expect { try engine.importCSV(.customers, text: csv, dryRun: false, now: testNow) } throws: { error in
            guard let e = error as? RetentionError else { return false }
            return e.kind == .storage && e.code == "disk_full" && e.message.contains("is full") && e.message.contains(dir)
        }
        #expect(try count(engine, "customers") == 0)
        #expect(try count(engine, "audit_log") == 0)
        #expect(try engine.db.integrityCheck() == "ok")
        _ = try engine.db.scalarInt("PRAGMA max_page_count = 1073741823")
        let result = try engine.importCSV(.customers, text: csv, dryRun: false, now: testNow)
        let imported = try count(engine, "customers")
        #expect(result.succeeded && result.rows == 3_000 && imported == 3_000)
    }

    /// When SQLite rolls a transaction back by itself (a full disk mid-write does; `RAISE(ROLLBACK)` does it on
    /// demand), the statements the body runs after it must not run in autocommit mode and commit one by one.
    @Test func aTransactionSQLiteRolledBackRefusesEveryLaterStatement() throws {
        let db = try Store.inMemory()
        try db.execute("""
            CREATE TABLE t (x INTEGER);
            CREATE TRIGGER t_fail BEFORE INSERT ON t WHEN new.x = 2 BEGIN SELECT RAISE(ROLLBACK, 'rolled back by SQLite'); END;
            """)
        #expect(throws: RetentionError.self) {
            try db.transaction {
                try db.run("INSERT INTO t VALUES (1)")
                _ = try? db.run("INSERT INTO t VALUES (2)")   // a caller that swallows the error, as the importer did
                try db.run("INSERT INTO t VALUES (3)")        // must fail, not autocommit
            }
        }
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
        // The connection is usable afterwards.
        try db.transaction { try db.run("INSERT INTO t VALUES (4)") }
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 1)
    }

    /// An erasure while another connection reads an older snapshot is not complete and says so; the old values are
    /// still in the file then, and gone once the reader closes and the pending erasure is finished.
    @Test func anErasureUnderAReaderIsPendingUntilItCloses() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/book.db"
        let engine = Engine(database: try Store.open(path: path), user: "dpo")
        let c = try engine.createCustomer(try json(specCustomerBody.replacingOccurrences(of: "john.doe@example.com", with: "zeb.marker@example.com")), now: testNow)
        _ = try engine.db.checkpointAndTruncate()
        func copies() -> Int {
            [path, path + "-wal"].reduce(0) { n, file in
                n + (FileManager.default.contents(atPath: file).map { String(decoding: $0, as: UTF8.self).components(separatedBy: "zeb.marker").count - 1 } ?? 0)
            }
        }
        #expect(copies() > 0)
        let reader = try Database(path: path)
        try reader.execute("BEGIN; SELECT count(*) FROM customers;")
        let outcome = try engine.eraseCustomer(customerId: c.id, now: testNow + 10, waitSeconds: 0)
        #expect(!outcome.complete && outcome.waitingFor != nil)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM settings WHERE key = 'privacy.pending_erasures'") == 1)
        #expect(try Store.finishPendingErasures(engine.db) == ErasureOutcome(complete: false, waitingFor: outcome.waitingFor))
        try reader.execute("COMMIT")
        #expect(try Store.finishPendingErasures(engine.db) == .done)
        #expect(copies() == 0)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM settings WHERE key = 'privacy.pending_erasures'") == 0)
        // With no reader, an erasure is complete at once.
        let d = try engine.createCustomer(try json(specCustomerBody.replacingOccurrences(of: "lead-uuid", with: "lead-2")), now: testNow)
        #expect(try engine.eraseCustomer(customerId: d.id, now: testNow + 20, waitSeconds: 0) == .done)
    }

    /// A write that meets another connection's write lock waits, tells what it waits for once the wait is longer
    /// than the notice delay, and fails as database_busy only past its limit.
    @Test func aWriterWaitsVisiblyThenFailsCleanlyPastItsLimit() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/book.db"
        final class Notes: @unchecked Sendable { var lines: [String] = [] }
        let notes = Notes()
        var options = Database.Options()
        options.busyTimeoutMilliseconds = 300
        options.noticeAfterMilliseconds = 50
        options.waitNotice = { notes.lines.append($0) }
        let writer = try Store.open(path: path, options: options)
        let holder = try Database(path: path)
        try holder.execute("BEGIN IMMEDIATE")
        let started = Date()
        #expect { try writer.transaction { try writer.run("INSERT INTO settings (key, value) VALUES ('k', 'v')") } } throws: {
            ($0 as? RetentionError)?.code == "database_busy"
        }
        #expect(Date().timeIntervalSince(started) >= 0.25)
        #expect(notes.lines.count == 1 && notes.lines[0].contains("waiting for") && notes.lines[0].contains(path))
        try holder.execute("COMMIT")
        try writer.transaction { try writer.run("INSERT INTO settings (key, value) VALUES ('k', 'v')") }
        #expect(try writer.scalarInt("SELECT count(*) FROM settings WHERE key = 'k'") == 1)
    }

    @Test func strictPermissionsTakeTheUsualTrueValues() {
        for v in ["1", "true", "TRUE", "yes", "Yes", "on", " ON "] { #expect(Database.isTrue(v), "\(v)") }
        for v in ["0", "false", "no", "off", "", "2", "enable"] { #expect(!Database.isTrue(v), "\(v)") }
        #expect(!Database.isTrue(nil))
    }

    /// Another program's SQLite file is refused without a change: its journal mode stays `delete`.
    @Test func anotherProgramsFileIsNotSwitchedToWAL() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/other.db"
        do {
            let other = try Database(path: path)
            _ = try other.queryOne("PRAGMA journal_mode=DELETE", [], { $0.text(0) })
            try other.execute("CREATE TABLE t (x)")
        }
        let before = FileManager.default.contents(atPath: path)
        #expect { _ = try Store.open(path: path) } throws: { ($0 as? RetentionError)?.code == "not_a_retention_database" }
        #expect(FileManager.default.contents(atPath: path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    /// A 0-byte file is no database: a read leaves it empty; a write makes it a private (0600) database.
    @Test func anEmptyFileIsNotMadeADatabaseByARead() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/empty.db"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(), attributes: [.posixPermissions: 0o644]))
        var read = Database.Options()
        read.create = false
        #expect { _ = try Store.open(path: path, options: read) } throws: { ($0 as? RetentionError)?.code == "database_not_found" }
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 0)
        _ = try Store.open(path: path)
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
    }

    /// A renewal never pushes a policy's end past 9999-12-31, which export and import could not round-trip.
    @Test func aRenewalPastTheLastDateIsRefused() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let body = specPolicyBody(customerId: c.id).replacingOccurrences(of: "2025-01-01", with: "9999-12-31")
        let p = try engine.createPolicy(try json(body), now: testNow)
        #expect { _ = try engine.renewPolicy(id: p.id, nil, now: testNow) } throws: { ($0 as? RetentionError)?.code == "date_out_of_range" }
        #expect(try engine.policy(id: p.id).expirationDate == Timestamp.parseDate("9999-12-31"))
        // A renewal within range still works (2024-01-01 → 2025-01-01 renews to 2026-01-01).
        let q = try engine.createPolicy(try json(specPolicyBody(customerId: c.id, number: "POL-2")), now: testNow)
        #expect(try engine.renewPolicy(id: q.id, nil, now: testNow).expirationDate == Timestamp.parseDate("2026-01-01"))
    }

    /// The documented size limits: a JSON object field of 64 KiB, a template body of 100,000 bytes, a one-line subject.
    @Test func sizeLimitsAreEnforced() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let fits = String(repeating: "a", count: 9_000)
        let small = JSONValue.object([("metadata", .object((1...7).map { ("k\($0)", .string(fits)) }))])
        _ = try engine.updateCustomer(id: c.id, small, now: testNow)
        let large = JSONValue.object([("metadata", .object((1...8).map { ("k\($0)", .string(fits)) }))])
        #expect { _ = try engine.updateCustomer(id: c.id, large, now: testNow) } throws: { ($0 as? RetentionError)?.field == "metadata" }
        #expect { try engine.setTemplate(name: "big", channel: .email, subject: "Hi", body: String(repeating: "x", count: 100_001), now: testNow) } throws: {
            ($0 as? RetentionError)?.field == "body"
        }
        try engine.setTemplate(name: "ok", channel: .email, subject: "Hi", body: String(repeating: "x", count: 100_000), now: testNow)
        #expect { try engine.setTemplate(name: "crlf", channel: .email, subject: "Hi\r\nBcc: x@example.com", body: "Hello", now: testNow) } throws: {
            ($0 as? RetentionError)?.field == "subject"
        }
        #expect { try engine.setTemplate(name: "nul", channel: .email, subject: "Hi", body: "Hel\u{0}lo", now: testNow) } throws: {
            ($0 as? RetentionError)?.field == "body"
        }
    }

    /// The right of access covers campaign enrolments (the control group too) and the audit rows about the
    /// person's policies and events, not only those about the customer record.
    @Test func exportDataHoldsEnrolmentsAndEveryAuditRowAboutThePerson() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let p = try engine.createPolicy(try json(specPolicyBody(customerId: c.id)), now: testNow)
        _ = try engine.updatePolicy(id: p.id, try json(#"{"underwriter":"Other"}"#), now: testNow)
        let k = try engine.createCampaign(try json(#"{"name":"K","type":"loyalty","touchpoints":[{"type":"email","template":"loyalty"}]}"#), now: testNow)
        try engine.setCampaignStatus(id: k.id, to: .active, now: testNow)
        try engine.db.run("UPDATE campaign_enrollments SET is_control = 1")
        let export = try engine.exportPersonalData(customerId: c.id, now: testNow)
        #expect(export.campaignEnrollments.count == 1 && export.campaignEnrollments.first?.campaignId == k.id && export.campaignEnrollments.first?.controlGroup == true)
        let actions = Set(export.auditTrail.map(\.action))
        // The API's document carries them under the spec's keys.
        let doc = export.json
        #expect(doc["campaignEnrollments"]?.arrayValue?.first?["controlGroup"] == .bool(true))
        #expect(actions.isSuperset(of: ["customer.create", "policy.create", "policy.update"]))
        let all = try engine.db.scalarInt("""
            SELECT count(*) FROM audit_log WHERE (entity_type = 'customer' AND entity_id = ?1)
              OR (entity_type = 'policy' AND entity_id = ?2) OR entity_type IN ('event', 'touchpoint')
            """, [.text(c.id), .text(p.id)])
        #expect(doc["auditTrail"]?.arrayValue?.count == all)
    }
}

@Suite struct NeverFiringScheduleTests {
    /// A cron that no date matches is refused when the campaign is created; a leap-day one is not.
    @Test func aScheduleThatNeverFiresIsRefused() throws {
        let engine = try makeEngine()
        func create(_ cron: String) throws {
            _ = try engine.createCampaign(try json(#"{"name":"C \#(cron)","type":"loyalty","schedule":{"cron":"\#(cron)"},"touchpoints":[{"type":"email","template":"loyalty"}]}"#), now: testNow)
        }
        for cron in ["0 0 30 2 *", "0 0 31 2 *", "0 0 31 4,6,9,11 *"] {
            #expect(throws: RetentionError.self, "\(cron)") { try create(cron) }
        }
        try create("0 0 29 2 *")
        try create("0 10 * * 1")
    }
}
