import Foundation

/// `retention maintenance`: the score history's retention policy (`HistorySettings`: every row for 90 days,
/// then one a week, then one a month) and the space it frees given back to the file system.
extension Engine {
    /// What maintenance did (or, for a dry run, would do).
    public struct MaintenanceReport: Sendable, Equatable {
        public var dryRun = false
        /// Health-score and LTV history rows removed by the retention policy (to remove, for a dry run).
        public var healthRowsThinned = 0
        public var ltvRowsThinned = 0
        /// The file was (or, for a dry run, must be) converted once to incremental vacuum.
        public var convertedToIncremental = false
        public var needsConversion = false
        /// The database's size (the file and its write-ahead log) before and after, in bytes.
        public var bytesBefore = 0
        public var bytesAfter = 0
        /// Free pages in the file before the space was reclaimed, in bytes (what a dry run could reclaim at least).
        public var freeBytesBefore = 0
        public var bytesReclaimed: Int { max(0, bytesBefore - bytesAfter) }
    }

    /// Applies the history retention policy at `now` and reclaims the freed space.
    ///
    /// Thinning reads only the rows that can have aged into a thinner bucket since the last run
    /// (`HistorySettings.window`), `batch` customers at a time, and collects the ids of the rows to drop
    /// (`thinnedRowsSQL`). Then, per table: when at least half its rows go, the kept rows are copied out, the
    /// table emptied and refilled in (customer, time) order (new ids in that order: a customer's rows end up side
    /// by side) and its indexes rebuilt by sorting; when fewer go, they are deleted by id. Everything, both
    /// tables and the mark of this run, is one transaction: killed at any point, the history is as it was, and
    /// the next run does the whole job. Space is then reclaimed with `PRAGMA incremental_vacuum`. A file not yet
    /// in incremental auto-vacuum mode (every file made before this release) is converted once:
    /// `auto_vacuum = INCREMENTAL` and a `VACUUM`, which rewrites the whole file in one transaction (killed, the
    /// file is as it was) and needs free disk space about the size of the file. A dry run writes nothing to the
    /// book and reports what a run would remove.
    public func maintain(now: Int, dryRun: Bool = false, batch: Int = 100_000, observe: ((JobPhase) -> Void)? = nil) throws -> MaintenanceReport {
        var phases = JobPhases(observe)
        var report = MaintenanceReport()
        report.dryRun = dryRun
        let policy = try historySettings()
        let cuts = policy.cuts(now: now)
        let maxID = Int64(try db.scalarInt("SELECT coalesce(max(id), 0) FROM customers"))
        let mark = try db.settings.value(Settings.lastHistoryThinning)
        let window = policy.window(now: now, previous: mark.flatMap { $0[1] == policy.keepAllDays && $0[2] == policy.keepWeeklyDays ? $0[0] : nil })
        report.bytesBefore = try databaseBytes()
        let tables = ["health_scores", "ltv_history"]
        func thin() throws {
            try db.execute("DROP TABLE IF EXISTS temp.thinned_history; CREATE TEMP TABLE thinned_history (tbl INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (tbl, id)) WITHOUT ROWID")
            defer { try? db.execute("DROP TABLE IF EXISTS temp.thinned_history") }
            phases.begin("thinning history")
            phases.progress(done: 0, total: Int(maxID))
            var first: Int64 = 1
            while first <= maxID {
                let last = first + Int64(batch) - 1
                let params: [SQLValue] = [.int(first), .int(last), .int(Int64(cuts.weekly)), .int(Int64(cuts.all)),
                                          .int(Int64(window.fromWeekly)), .int(Int64(window.fromMonthly))]
                for (i, table) in tables.enumerated() {
                    try db.run("INSERT INTO temp.thinned_history (tbl, id) SELECT \(i), id FROM (\(HistorySettings.thinnedRowsSQL(table)))", params)
                }
                phases.progress(done: Int(min(last, maxID)), total: Int(maxID))
                first = last + 1
            }
            let counts = try tables.indices.map { try db.scalarInt("SELECT count(*) FROM temp.thinned_history WHERE tbl = ?", [.int(Int64($0))]) }
            report.healthRowsThinned = counts[0]
            report.ltvRowsThinned = counts[1]
            if dryRun { return }
            for (i, table) in tables.enumerated() where counts[i] > 0 {
                let total = try db.scalarInt("SELECT count(*) FROM \(table)")
                if counts[i] * 2 >= total {
                    phases.begin("rewriting \(table)")
                    try rewriteKeeping(table, dropped: i)
                } else {
                    try db.run("DELETE FROM \(table) WHERE id IN (SELECT id FROM temp.thinned_history WHERE tbl = ?)", [.int(Int64(i))])
                }
            }
            // Only a completed thinning marks where the next one starts (in the same transaction).
            try db.settings.set(Settings.lastHistoryThinning, [now, policy.keepAllDays, policy.keepWeeklyDays])
        }
        if dryRun { try thin() } else { try db.transaction { try thin() } }
        let pageSize = try db.scalarInt("PRAGMA page_size")
        report.freeBytesBefore = try db.scalarInt("PRAGMA freelist_count") * pageSize
        let incremental = try db.scalarInt("PRAGMA auto_vacuum") == 2
        report.needsConversion = !incremental
        if dryRun {
            phases.end()
            report.bytesAfter = report.bytesBefore
            return report
        }
        if incremental {
            phases.begin("reclaiming space")
            try db.execute("PRAGMA incremental_vacuum")
        } else {
            phases.begin("converting the file to incremental vacuum (once)")
            try db.execute("PRAGMA auto_vacuum = INCREMENTAL")
            try db.execute("VACUUM")
            report.convertedToIncremental = true
        }
        if db.path != ":memory:" && !db.path.isEmpty { try db.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
        phases.end()
        report.bytesAfter = try databaseBytes()
        try db.transaction {
            try audit("maintenance", entity: "book", id: "history", details: .object([
                ("healthRowsThinned", .int(report.healthRowsThinned)), ("ltvRowsThinned", .int(report.ltvRowsThinned)),
                ("bytesReclaimed", .int(report.bytesReclaimed)), ("converted", .bool(report.convertedToIncremental))]), now: now)
        }
        return report
    }

    /// Rewrites `table` with only the rows not listed in `temp.thinned_history` under `dropped`: the kept rows
    /// copied to a temporary table in (customer, time, id) order, the table emptied (whole pages freed at once),
    /// refilled in that order with new ids, and its indexes (dropped meanwhile) rebuilt by sorting from their own
    /// stored definitions, so the schema stays exactly as the migrations made it. Runs inside the caller's transaction.
    private func rewriteKeeping(_ table: String, dropped: Int) throws {
        let columns = try db.query("SELECT name FROM pragma_table_info(?) WHERE name <> 'id' ORDER BY cid", [.text(table)]) { $0.text(0) }
            .joined(separator: ", ")
        let indexes = try db.query("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                                   [.text(table)]) { ($0.text(0), $0.text(1)) }
        try db.execute("DROP TABLE IF EXISTS temp.kept_history")
        try db.run("""
            CREATE TEMP TABLE kept_history AS SELECT \(columns) FROM main.\(table)
            WHERE id NOT IN (SELECT id FROM temp.thinned_history WHERE tbl = ?) ORDER BY customer_id, calculated_at, id
            """, [.int(Int64(dropped))])
        for (name, _) in indexes { try db.execute("DROP INDEX main.\"\(name)\"") }
        try db.execute("DELETE FROM main.\(table)")
        try db.execute("INSERT INTO main.\(table) (\(columns)) SELECT \(columns) FROM temp.kept_history ORDER BY rowid")
        try db.execute("DROP TABLE temp.kept_history")
        for (_, sql) in indexes { try db.execute(sql) }
    }

    /// The bytes the database takes: its file and write-ahead log, or its pages in memory.
    func databaseBytes() throws -> Int {
        guard db.path != ":memory:" && !db.path.isEmpty else {
            return try db.scalarInt("PRAGMA page_count") * db.scalarInt("PRAGMA page_size")
        }
        func size(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0 }
        return size(db.path) + size(db.path + "-wal")
    }
}
