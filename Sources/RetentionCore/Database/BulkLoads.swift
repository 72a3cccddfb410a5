/// Bulk loads: a large write with the work SQLite would do per row (index entries, trigger programs)
/// put off and done once, set-based, at the end, and finished by the next open if the load is killed.
extension Store {
    /// Runs a bulk load with the secondary indexes of `tables` dropped, then rebuilds them: building an
    /// index once by sorting is far cheaper than inserting every row into it at a random position.
    /// UNIQUE constraints and unique indexes are kept, so duplicates are still refused during the load.
    ///
    /// The dropped indexes' definitions are saved in `settings` (`Settings.deferredIndexes`) in the same transaction that drops them;
    /// if the load is killed midway, the next `Store.open` rebuilds them (see `restoreDeferredIndexes`),
    /// so a database is never left without its indexes.
    ///
    /// `keeping` names indexes to leave in place: those the load fills in their own order (keys that only grow,
    /// or grow within a few values), where adding each entry costs about what sorting for it would, so
    /// a rebuild would only add a pass over the table.
    public static func withIndexesDeferred<T>(_ db: Database, tables: [String], keeping: Set<String> = [], _ body: () throws -> T) throws -> T {
        try db.transaction {
            let dropped = try dropSecondaryIndexes(db, tables: tables, keeping: keeping)
            try db.settings.set(Settings.deferredIndexes, dropped)
        }
        return try load(body, thenFinishWith: { try restoreDeferredIndexes(db) })
    }

    /// Runs a load, then `finish` (which undoes what was put off for it), whether the load succeeded or threw.
    /// A failure to finish after a failed load is not reported over the load's own error: the next open
    /// finishes the job from what was saved in `settings` (`Settings.deferredIndexes`, `Settings.deferredTriggers`).
    private static func load<T>(_ body: () throws -> T, thenFinishWith finish: () throws -> Void) throws -> T {
        let result: T
        do {
            result = try body()
        } catch {
            try? finish()
            throw error
        }
        try finish()
        return result
    }

    /// Drops the secondary indexes of `tables` that enforce nothing (not the unique ones) and returns the
    /// statements that create them again. Inside one transaction with the load and the rebuild (as an
    /// import does), a failure or a crash rolls the drop back with everything else.
    static func dropSecondaryIndexes(_ db: Database, tables: [String], keeping: Set<String> = []) throws -> [String] {
        let indexes = try db.query("""
            SELECT name, sql FROM sqlite_master
            WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN (SELECT value FROM json_each(?))
            """, [.text(JSONValue.array(tables.map { .string($0) }).serialized())]) { ($0.text(0), $0.text(1)) }
            .filter { !keeping.contains($0.0) }
        for (name, _) in indexes { try db.execute("DROP INDEX \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"") }
        return indexes.map(\.1)
    }

    /// Runs the `CREATE INDEX` statements of indexes a bulk load dropped (each only if it is still missing),
    /// letting SQLite sort for them on a second thread.
    ///
    /// The page cache is made small (2 MiB) while they run: SQLite's sorter sorts in memory runs of at most the
    /// cache's size, and a second thread helps only once there are several. With the connection's 64 MiB, a
    /// million customers' keys were one run sorted on one thread; in runs of 2 MiB both cores sort, and each
    /// run fits the processor's caches. Measured on this machine (the name and start-date indexes of 500,000
    /// customers, a new file, `threads=2`): 1.15–1.21 s with 64 MiB, 0.54–0.68 s with 2 MiB (1 MiB: 0.56–0.67 s;
    /// on one thread 0.70 s). The indexes are the same: their keys are written in the same order. A full rescore
    /// rebuilds its score indexes here too (at a million customers the index on health sorted in 0.53 s, not
    /// 1.4 s, in runs of 4 MiB rather than one of 64 MiB, in the sqlite3 shell; with 2 MiB the whole rescore at a
    /// million customers took 18.6 and 20.7 s against 18.5 and 22.8 s with 4 MiB, in turn: no difference).
    static func createIndexes(_ db: Database, _ statements: [String]) throws {
        let threads = try db.scalarInt("PRAGMA threads")
        let cache = try db.scalarInt("PRAGMA cache_size")
        try db.execute("PRAGMA threads = 2")
        try db.execute("PRAGMA cache_size = -2048")
        defer {
            try? db.execute("PRAGMA cache_size = \(cache)")
            try? db.execute("PRAGMA threads = \(threads)")
        }
        for sql in statements {
            try db.execute(sql.replacingOccurrences(of: "CREATE INDEX ", with: "CREATE INDEX IF NOT EXISTS "))
        }
    }

    /// Rebuilds indexes a bulk load dropped and did not get to rebuild.
    static func restoreDeferredIndexes(_ db: Database) throws {
        guard let saved = try db.settings.checked(Settings.deferredIndexes) else { return }
        try db.transaction {
            try createIndexes(db, saved)
            try db.settings.remove(Settings.deferredIndexes)
        }
    }

    /// A trigger a bulk load runs without, and what it would have done for the rows loaded, done after the
    /// load in one pass per step (with parameters fixed before the load starts, such as the last id
    /// written before it).
    struct DeferredTrigger {
        var name: String
        var catchUp: [CatchUp]
    }

    /// One step of a catch-up: a statement, or a routine (by name, from `catchUpRoutines`) where a pass in
    /// Swift beats SQL's, with integer parameters.
    enum CatchUp {
        case sql(String, [Int64])
        case routine(String, [Int64])
    }

    /// Runs a bulk load with the triggers `deferring` names dropped, then runs their catch-up steps, in
    /// order, and creates them again. Per row, a trigger is a sub-program SQLite runs (and a statement journal it keeps) even
    /// for the rows it ignores: at 100,000 customers the premium-changes trigger alone cost the load 2.7 of
    /// its 5 seconds in SQLite, the customer totals and policy codes of schema 7 another second.
    ///
    /// Only for loads whose rows the catch-up can find after them (rows after an id read before the load,
    /// or a whole-table rebuild), that do not change rows written before, and that no other connection
    /// writes beside (the demo book is built in a new file no one else has open): a renewal changed by
    /// someone else between its load and the catch-up would be moved in `renewal_days` before it was added. The triggers' definitions and
    /// the catch-up are saved in `settings` (`Settings.deferredTriggers`) in the transaction that drops them; if the load is killed
    /// midway, the next `Store.open` finishes the job.
    static func withTriggersDeferred<T>(_ db: Database, _ deferring: (Database) throws -> [DeferredTrigger], _ body: () throws -> T) throws -> T {
        try deferTriggers(db, deferring)
        return try load(body, thenFinishWith: { try restoreDeferredTriggers(db) })
    }

    /// Drops the triggers and saves their definitions and catch-up, in one transaction (the first half of
    /// `withTriggersDeferred`; `restoreDeferredTriggers` is the second).
    static func deferTriggers(_ db: Database, _ deferring: (Database) throws -> [DeferredTrigger]) throws {
        try db.transaction {
            let deferred = try deferring(db)
            let definitions = try dropTriggers(db, deferred.map(\.name))
            try db.settings.set(Settings.deferredTriggers, Settings.DeferredTriggers(triggers: definitions, catchUp: deferred.flatMap(\.catchUp)))
        }
    }

    /// Drops the triggers named that exist and returns the statements that create them again.
    static func dropTriggers(_ db: Database, _ names: [String]) throws -> [String] {
        var definitions: [String] = []
        for name in names {
            guard let sql = try db.queryOne("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [.text(name)], { $0.text(0) }) else { continue }
            definitions.append(sql)
            try db.execute("DROP TRIGGER \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"")
        }
        return definitions
    }

    /// Creates triggers `dropTriggers` dropped (each only if it is still missing).
    static func createTriggers(_ db: Database, _ definitions: [String]) throws {
        for sql in definitions { try db.execute(sql.replacingOccurrences(of: "CREATE TRIGGER ", with: "CREATE TRIGGER IF NOT EXISTS ")) }
    }

    /// Runs the catch-up of triggers a bulk load dropped and creates them again.
    static func restoreDeferredTriggers(_ db: Database) throws {
        guard let saved = try db.settings.checked(Settings.deferredTriggers) else { return }
        try db.transaction {
            for step in saved.catchUp {
                switch step {
                case .sql(let sql, let params): try db.run(sql, params.map { .int($0) })
                case .routine(let name, let params):
                    guard let routine = catchUpRoutines[name] else {
                        throw RetentionError.storage("The saved state of an interrupted bulk load (setting \(Settings.deferredTriggers.name)) names an unknown catch-up \"\(name)\".")
                    }
                    try routine(db, params)
                }
            }
            try createTriggers(db, saved.triggers)
            try db.settings.remove(Settings.deferredTriggers)
        }
    }

    /// Finishes a load of events killed while an earlier Retention had the premium-changes trigger dropped
    /// (saved under its own key, in the shape that version wrote).
    static func restoreDeferredPremiumChanges(_ db: Database) throws {
        guard let saved = try db.settings.checked(Settings.deferredPremiumChanges) else { return }
        try db.transaction {
            try db.run(fillPremiumChanges, [.int(saved.afterEvent)])
            try db.execute(saved.trigger.replacingOccurrences(of: "CREATE TRIGGER ", with: "CREATE TRIGGER IF NOT EXISTS "))
            try db.settings.remove(Settings.deferredPremiumChanges)
        }
    }
}
