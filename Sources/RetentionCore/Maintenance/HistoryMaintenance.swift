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
    /// (`HistorySettings.window`), `batch` customers at a time, in the order of each table's
    /// `(customer_id, calculated_at DESC)` index (`thinningScanSQL`: no sort), and picks the ids to drop as it goes
    /// (`HistorySettings.thin`: every row of a bucket but its newest). Then, per table, the rows are deleted by
    /// id in id order; when at least one row in eight goes (`rebuildShare`), the table's indexes are dropped first
    /// and rebuilt by sorting after. The kept rows keep their ids. On a file in auto-vacuum mode the same
    /// transaction gives the freed pages back: it switches the file to full auto-vacuum, so that its commit moves
    /// the pages in use from the end of the file into the free ones and truncates it, and the file is switched
    /// back to incremental right after. Everything, both tables, the mark of this run and the pages given back, is
    /// one transaction: killed at any point, the history is as it was, and the next run does the whole job. A file
    /// not yet in auto-vacuum mode (every file made before incremental vacuum came) is converted once:
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
        let pageSize = try db.scalarInt("PRAGMA page_size")
        // 0: none (a file made before incremental vacuum came), 1: full, 2: incremental (every book made since).
        let vacuumMode = try db.scalarInt("PRAGMA auto_vacuum")
        func thin() throws {
            phases.begin("thinning history")
            phases.progress(done: 0, total: Int(maxID))
            var dropped: [[Int64]] = [[], []]
            let scans = try tables.map { try db.statement(HistorySettings.thinningScanSQL($0)) }
            var first: Int64 = 1
            while first <= maxID {
                let last = first + Int64(batch) - 1
                let params: [SQLValue] = [.int(first), .int(last), .int(Int64(cuts.weekly)), .int(Int64(cuts.all)),
                                          .int(Int64(window.fromWeekly)), .int(Int64(window.fromMonthly))]
                for (i, scan) in scans.enumerated() {
                    try scan.bind(params)
                    defer { scan.reset() }
                    try HistorySettings.thin(weeklyCut: cuts.weekly, next: {
                        try scan.step() ? (scan.row.int64(0), scan.row.int64(1), scan.row.int(2)) : nil
                    }, drop: { dropped[i].append($0) })
                }
                phases.progress(done: Int(min(last, maxID)), total: Int(maxID))
                first = last + 1
            }
            report.healthRowsThinned = dropped[0].count
            report.ltvRowsThinned = dropped[1].count
            if dryRun { return }
            for (i, table) in tables.enumerated() where !dropped[i].isEmpty {
                dropped[i].sort()
                let total = try db.scalarInt("SELECT count(*) FROM \(table)")
                let rebuild = dropped[i].count * Self.rebuildShare >= total
                phases.begin(rebuild ? "deleting from \(table), its index rebuilt" : "deleting from \(table)")
                try deleteRows(table, ids: dropped[i], rebuildingIndexes: rebuild)
                dropped[i] = []
            }
            // Only a completed thinning marks where the next one starts (in the same transaction).
            try db.settings.set(Settings.lastHistoryThinning, [now, policy.keepAllDays, policy.keepWeeklyDays])
            phases.begin(vacuumMode == 0 ? "committing" : "committing and giving the free pages back")
        }
        report.needsConversion = vacuumMode == 0
        if dryRun {
            try thin()
            report.freeBytesBefore = try db.scalarInt("PRAGMA freelist_count") * pageSize
            phases.end()
            report.bytesAfter = report.bytesBefore
            return report
        }
        // The freed pages are given back by the thinning's own commit: the file is switched to full auto-vacuum
        // inside the transaction, and SQLite's commit then moves the pages in use from the end of the file into
        // the free ones (each taken off the front of the free list) and truncates the file. `PRAGMA
        // incremental_vacuum` did the same after the commit but searched the free list for each page it moved or
        // dropped: 110 s of CPU for the 990,000 pages a first run freed at a million customers. The file is back
        // in incremental mode right after (killed in between, it stays in full mode, which gives pages back at
        // every commit, until the next run switches it back).
        //
        // With the commit emptying the free list, `secure_delete` need not blank each freed page (every one is then
        // overwritten by a page moved into it or cut off the file's end): FAST still blanks a deleted row inside the
        // pages written anyway, and spares the writes of the freed ones (at a million customers, dropping a
        // history table's customer index took 14.1 s with blanking, 1.5 s without; its rows' deletes 13.2 s, 6.3 s).
        let cacheKiB = try db.scalarInt("PRAGMA cache_size")
        try db.execute("PRAGMA cache_size = -\(Self.maintenanceCacheKiB)")
        defer { try? db.execute("PRAGMA cache_size = \(cacheKiB)") }
        let secureDelete = try db.scalarInt("PRAGMA secure_delete")
        if vacuumMode != 0 { try db.execute("PRAGMA secure_delete = FAST") }
        defer { try? db.execute("PRAGMA secure_delete = \(secureDelete)") }
        // No automatic checkpoint at the commit of a file in auto-vacuum mode: SQLite would copy the whole run's log
        // into the file before the commit returned (most of the commit's time at a million customers), with the file
        // still in full mode. The switch back comes first, then the checkpoint below: a kill leaves full mode only in
        // the instant between (unless another connection's write, queued behind the run, takes the lock in that
        // instant: it then checkpoints by its own setting, the file still in full mode, still valid, until the next
        // run switches it back). A file being converted keeps its automatic checkpoint: the log is copied in before the
        // `VACUUM`, whose copy of the file then reuses it instead of growing it by the file's size.
        let autoCheckpoint = try db.scalarInt("PRAGMA wal_autocheckpoint")
        if vacuumMode != 0 { try db.execute("PRAGMA wal_autocheckpoint = 0") }
        defer { try? db.execute("PRAGMA wal_autocheckpoint = \(autoCheckpoint)") }
        try db.transaction {
            if vacuumMode != 0 { try db.execute("PRAGMA auto_vacuum = FULL") }
            try thin()
            if vacuumMode != 0 { report.freeBytesBefore = try db.scalarInt("PRAGMA freelist_count") * pageSize }
        }
        if vacuumMode != 0 {
            try db.execute("PRAGMA auto_vacuum = INCREMENTAL")
        } else {
            report.freeBytesBefore = try db.scalarInt("PRAGMA freelist_count") * pageSize
            phases.begin("converting the file to incremental vacuum (once)")
            try db.execute("PRAGMA auto_vacuum = INCREMENTAL")
            try db.execute("VACUUM")
            report.convertedToIncremental = true
        }
        if db.path != ":memory:" && !db.path.isEmpty {
            phases.begin("checkpointing")
            try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        phases.end()
        report.bytesAfter = try databaseBytes()
        try db.transaction {
            try audit("maintenance", entity: "book", id: "history", details: .object([
                ("healthRowsThinned", .int(report.healthRowsThinned)), ("ltvRowsThinned", .int(report.ltvRowsThinned)),
                ("bytesReclaimed", .int(report.bytesReclaimed)), ("converted", .bool(report.convertedToIncremental))]), now: now)
        }
        return report
    }

    /// The page cache of a maintenance run while it deletes, in KiB (1 GiB: the customer index of 23 million
    /// history rows is about 500 MB). Memory, not disk: the process grows by up to this much.
    static let maintenanceCacheKiB = 1_048_576

    /// A table losing at least one row in `rebuildShare` has its indexes dropped while its rows go and rebuilt
    /// after. Deleting a row also removes its entry from the customer index, at a place of its own (with the
    /// index kept, 3.7 µs a row at a million customers); dropping the index and rebuilding it by sorting costs
    /// about 0.45 µs a row of the table (4 s to drop, 14 s to rebuild an index of 45 million rows, of which the
    /// deletes then took 11 s instead of most of the 189 s the run took): cheaper from about one row in eight.
    static let rebuildShare = 8

    /// Deletes the rows `ids` (sorted) of `table` by id, in id order (the table's pages visited once each, front
    /// to back). With `rebuildingIndexes`, the table's indexes are dropped first and rebuilt after by sorting,
    /// from their own stored definitions, so the schema stays exactly as the migrations made it. Runs inside the
    /// caller's transaction; ids of the rows kept do not change.
    private func deleteRows(_ table: String, ids: [Int64], rebuildingIndexes: Bool) throws {
        let indexes = rebuildingIndexes
            ? try db.query("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
                           [.text(table)]) { ($0.text(0), $0.text(1)) }
            : []
        for (name, _) in indexes { try db.execute("DROP INDEX main.\"\(name)\"") }
        let delete = try db.statement("DELETE FROM main.\(table) WHERE id = ?")
        for id in ids {
            try delete.bind(.int(id), at: 1)
            defer { delete.reset() }
            while try delete.step() {}
        }
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
