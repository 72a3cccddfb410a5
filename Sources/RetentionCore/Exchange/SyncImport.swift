import Foundation

/// What a sync did (or, for a dry run, would do): the diff between a file and the book.
public struct SyncResult: Sendable {
    public var kind: ExchangeKind
    public var rows = 0
    /// Rows new to the book (inserted), rows that change a record, rows equal to the book (left alone).
    public var new = 0
    public var changed = 0
    public var unchanged = 0
    /// For each field the changed rows change, how many rows change it, in the order of the file's columns.
    public var fieldCounts: [(field: String, count: Int)] = []
    /// The events the changes record (`policy_renewed`, `policy_lapsed`, `coverage_changed`, `customer_churned` …), by type.
    public var eventCounts: [(type: String, count: Int)] = []
    /// Refused rows (line, column, reason), the first `maxProblems`, and how many in all.
    public var problems: [ImportProblem] = []
    public var problemCount = 0
    /// `--full`: how many customers (not erased) or policies of the book the file does not hold, and the first few keys.
    public var absentCount: Int?
    public var absentKeys: [String] = []
    public var dryRun: Bool
    public var succeeded: Bool { problemCount == 0 }
    /// Whether anything was written (a sync that finds nothing new and nothing changed writes nothing at all).
    public var wrote: Bool { !dryRun && succeeded && new + changed > 0 }

    init(kind: ExchangeKind, dryRun: Bool) { self.kind = kind; self.dryRun = dryRun }
}

extension Engine {
    /// Brings the book in line with a file from another system (`retention import KIND FILE --sync`), all or
    /// nothing, in one write transaction (a dry run by reads alone, without the write lock).
    ///
    /// Rows are matched by their natural key: a customer by lead id (`leadId`), a policy by policy number, an
    /// event by id, or, without one, by its customer, type, time and data. A row new to the book is inserted as
    /// an import inserts it; a row equal to the book is left alone; a row that differs changes what it means
    /// (`SyncPolicyChange`, `SyncCustomerChange`): a cell of the file replaces the book's value, an empty
    /// cell or a column the file lacks leaves it as it is. A file that changes nothing writes nothing, not even
    /// an audit row. A row the rules refuse (a transition the lifecycle forbids, a policy moved to another
    /// customer, an erased customer changed, an event rewritten) is listed with its line, column and reason,
    /// and then nothing is written.
    ///
    /// The file is read a batch of rows at a time; for each batch the book's rows are read in one join against
    /// the batch's keys (a TEMP table), compared on all cores (so memory grows with the changes, not the file),
    /// and each changed policy is written by its row id with one prepared statement, its events and audit row
    /// beside it; the counters of the customers touched are recomputed set-wise at the end.
    ///
    /// `full` (customers and policies): the file is the whole book; the book's records it lacks are counted
    /// and the first few named (`absentCount`, `absentKeys`), never deleted or changed.
    ///
    /// `phases` is told each phase and, within it, rows done of the total (`JobPhase.progress`).
    public func syncCSV(_ kind: ExchangeKind, text: String, name: String = "The text", dryRun: Bool, full: Bool = false, now: Int, maxProblems: Int = 50,
                        phases observe: ((JobPhase) -> Void)? = nil) throws -> SyncResult {
        try syncCSV(kind, reader: CSV.Reader(text, name: name), dryRun: dryRun, full: full, now: now, maxProblems: maxProblems, phases: observe)
    }

    /// Syncs a file as `syncCSV(_:text:…)` does, read as it is compared (`CSV.Reader(file:name:)`: a chunk at a
    /// time, never the whole file held), so the memory a sync takes grows with its changes, not with its file.
    public func syncCSV(_ kind: ExchangeKind, reader: CSV.Reader, dryRun: Bool, full: Bool = false, now: Int, maxProblems: Int = 50,
                        phases observe: ((JobPhase) -> Void)? = nil) throws -> SyncResult {
        if full && kind == .events {
            throw RetentionError.invalid("full", "--full is for customers and policies: events are history, a file never holds all of them")
        }
        var phases = JobPhases(observe)
        var reader = reader
        let name = reader.name
        guard let headerRecord = try reader.next(1).first else {
            throw CSV.Reader.emptyFile(name)
        }
        let header = try Self.syncHeader(headerRecord, kind: kind, name: name)
        var sync = SyncRun(engine: self, kind: kind, header: header, now: now, maxProblems: maxProblems, observe: observe)
        struct Rollback: Error {}
        try db.execute("DROP TABLE IF EXISTS temp.sync_keys; CREATE TEMP TABLE sync_keys (line INTEGER PRIMARY KEY, key TEXT NOT NULL, customer_key TEXT, event_type TEXT, occurred_at INTEGER, data TEXT)")
        defer { try? db.execute("DROP TABLE IF EXISTS temp.sync_keys") }
        let work = {
            phases.begin("read and compare the rows")
            try sync.plan(&reader, phase: "read and compare the rows")
            if full {
                try self.db.execute("CREATE INDEX temp.sync_keys_key ON sync_keys(key)")
                try sync.reportAbsent()
            }
            phases.end()
            if dryRun || sync.result.problemCount > 0 || sync.planned.isEmpty { return }
            phases.begin("write the changes")
            try sync.write()
            if sync.result.problemCount > 0 { throw Rollback() }
            phases.begin("commit")
        }
        if dryRun {
            // One read transaction: the plan sees one snapshot of the book. Its writes go to the TEMP table only,
            // which takes no lock on the book (as the staged policies import's check).
            let own = db.isAutocommit
            if own { try db.execute("BEGIN") }
            defer { if own { try? db.execute("ROLLBACK") } }
            try work()
        } else {
            do { try db.transaction { try work() } } catch is Rollback {}
        }
        phases.end()
        sync.keepFirstProblemsByLine()
        var result = sync.result
        result.dryRun = dryRun
        return result
    }

    /// The column names of a sync's header: every one known, none twice, the key present (a row new to the
    /// book needs the import's required columns too, checked on that row).
    static func syncHeader(_ record: CSV.Record, kind: ExchangeKind, name: String) throws -> [String] {
        do {
            return try importHeader(record, kind: kind, name: name)
        } catch let e as RetentionError where e.code == "missing_column" {
            let header = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            let missing = SyncRun.keyColumns(kind).subtracting(header)
            if !missing.isEmpty {
                throw RetentionError(.invalid, code: "missing_column",
                    "\(name): line \(record.line): the header lacks the column(s) \(missing.sorted().joined(separator: ", ")) that a sync matches rows by.", line: record.line)
            }
            return header
        }
    }

    /// Recomputes the counters a customer's policies decide (totals, in force, next renewal, customer since,
    /// lifetime value) for the customers whose row ids `customerIDs` (a subquery) selects, set-wise.
    func refreshCustomerCounters(in customerIDs: String, now: Int) throws {
        try db.run("""
            UPDATE customers SET
              total_policies = (SELECT count(*) FROM policies WHERE customer_id = customers.id),
              active_policies = (SELECT count(*) FROM policies WHERE customer_id = customers.id AND status IN \(PolicyStatus.inForceSQL)),
              next_renewal_date = (SELECT min(renewal_date) FROM policies WHERE customer_id = customers.id AND status IN \(PolicyStatus.inForceSQL)),
              customer_since = min(customer_since, coalesce((SELECT min(inception_date) FROM policies WHERE customer_id = customers.id), customer_since)),
              lifetime_value_cents = (SELECT coalesce(sum(total_paid_cents), 0) FROM policies WHERE customer_id = customers.id),
              updated_at = ?1
            WHERE id IN (\(customerIDs))
            """, [.int(Int64(now))])
    }
}
