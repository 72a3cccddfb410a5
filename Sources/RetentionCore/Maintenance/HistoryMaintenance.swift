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
    /// (`HistorySettings.window`), in batches of `batch` customers, each its own transaction: a kill loses at most the batch
    /// in progress, and the next run finishes the job (the policy is idempotent: a thinned bucket holds one row,
    /// which stays). Space is then reclaimed with `PRAGMA incremental_vacuum`. A file not yet in incremental
    /// auto-vacuum mode (every file made before this release) is converted once: `auto_vacuum = INCREMENTAL`
    /// and a `VACUUM`, which rewrites the whole file in one transaction (killed, the file is as it was) and needs
    /// free disk space about the size of the file. A dry run writes nothing and reports what a run would remove.
    public func maintain(now: Int, dryRun: Bool = false, batch: Int = 20_000, observe: ((JobPhase) -> Void)? = nil) throws -> MaintenanceReport {
        var phases = JobPhases(observe)
        var report = MaintenanceReport()
        report.dryRun = dryRun
        let policy = try historySettings()
        let cuts = policy.cuts(now: now)
        let maxID = Int64(try db.scalarInt("SELECT coalesce(max(id), 0) FROM customers"))
        let mark = try db.settings.value(Settings.lastHistoryThinning)
        let window = policy.window(now: now, previous: mark.flatMap { $0[1] == policy.keepAllDays && $0[2] == policy.keepWeeklyDays ? $0[0] : nil })
        report.bytesBefore = try databaseBytes()
        phases.begin("thinning history")
        phases.progress(done: 0, total: Int(maxID))
        var first: Int64 = 1
        while first <= maxID {
            let last = first + Int64(batch) - 1
            let params: [SQLValue] = [.int(first), .int(last), .int(Int64(cuts.weekly)), .int(Int64(cuts.all)),
                                      .int(Int64(window.fromWeekly)), .int(Int64(window.fromMonthly))]
            if dryRun {
                report.healthRowsThinned += try db.scalarInt("SELECT count(*) FROM (\(HistorySettings.thinnedRowsSQL("health_scores")))", params)
                report.ltvRowsThinned += try db.scalarInt("SELECT count(*) FROM (\(HistorySettings.thinnedRowsSQL("ltv_history")))", params)
            } else {
                try db.transaction {
                    try db.run("DELETE FROM health_scores WHERE id IN (\(HistorySettings.thinnedRowsSQL("health_scores")))", params)
                    report.healthRowsThinned += db.changes
                    try db.run("DELETE FROM ltv_history WHERE id IN (\(HistorySettings.thinnedRowsSQL("ltv_history")))", params)
                    report.ltvRowsThinned += db.changes
                }
            }
            phases.progress(done: Int(min(last, maxID)), total: Int(maxID))
            first = last + 1
        }
        // Only a completed thinning marks where the next one starts (killed before this, the next reads more).
        if !dryRun { try db.transaction { try db.settings.set(Settings.lastHistoryThinning, [now, policy.keepAllDays, policy.keepWeeklyDays]) } }
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

    /// The bytes the database takes: its file and write-ahead log, or its pages in memory.
    func databaseBytes() throws -> Int {
        guard db.path != ":memory:" && !db.path.isEmpty else {
            return try db.scalarInt("PRAGMA page_count") * db.scalarInt("PRAGMA page_size")
        }
        func size(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0 }
        return size(db.path) + size(db.path + "-wal")
    }
}
