/// Bulk loads: a large write with the work SQLite would do per row (index entries, trigger programs)
/// put off and done once, set-based, at the end, and finished by the next open if the load is killed.
extension Store {
    static let deferredIndexesKey = "store.deferred_indexes"

    /// Runs a bulk load with the secondary indexes of `tables` dropped, then rebuilds them: building an
    /// index once by sorting is far cheaper than inserting every row into it at a random position.
    /// UNIQUE constraints and unique indexes are kept, so duplicates are still refused during the load.
    ///
    /// The dropped indexes' definitions are saved in `settings` in the same transaction that drops them;
    /// if the load is killed midway, the next `Store.open` rebuilds them (see `restoreDeferredIndexes`),
    /// so a database is never left without its indexes.
    ///
    /// `keeping` names indexes to leave in place: those the load fills in their own order (keys that only grow,
    /// or grow within a few values), where adding each entry costs about what sorting for it would, so
    /// a rebuild would only add a pass over the table.
    public static func withIndexesDeferred<T>(_ db: Database, tables: [String], keeping: Set<String> = [], _ body: () throws -> T) throws -> T {
        try db.transaction {
            let dropped = try dropSecondaryIndexes(db, tables: tables, keeping: keeping)
            try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                       [.text(deferredIndexesKey), .text(JSONValue.array(dropped.map { .string($0) }).serialized())])
        }
        return try load(body, thenFinishWith: { try restoreDeferredIndexes(db) })
    }

    /// Runs a load, then `finish` (which undoes what was put off for it), whether the load succeeded or threw.
    /// A failure to finish after a failed load is not reported over the load's own error: the next open
    /// finishes the job from what was saved in `settings`.
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
    static func createIndexes(_ db: Database, _ statements: [String]) throws {
        let threads = try db.scalarInt("PRAGMA threads")
        try db.execute("PRAGMA threads = 2")
        defer { try? db.execute("PRAGMA threads = \(threads)") }
        for sql in statements {
            try db.execute(sql.replacingOccurrences(of: "CREATE INDEX ", with: "CREATE INDEX IF NOT EXISTS "))
        }
    }

    /// Rebuilds indexes a bulk load dropped and did not get to rebuild.
    static func restoreDeferredIndexes(_ db: Database) throws {
        guard let saved = try db.queryOne("SELECT value FROM settings WHERE key = ?", [.text(deferredIndexesKey)], { $0.text(0) }) else { return }
        try db.transaction {
            try createIndexes(db, try JSONValue.parse(saved).arrayValue?.compactMap(\.stringValue) ?? [])
            try db.run("DELETE FROM settings WHERE key = ?", [.text(deferredIndexesKey)])
        }
    }

    static let deferredPremiumChangesKey = "store.deferred_premium_changes"

    /// The set-based twin of the `premium_changes_insert` trigger (schema v2): the `premium_changes` row of
    /// every renewal or coverage change event after event `?1` that has none yet, from the event and its
    /// policy as they are now. A test checks it writes exactly the rows the trigger writes.
    static let fillPremiumChanges = """
        INSERT OR IGNORE INTO premium_changes
        SELECT ev.occurred_at, ev.id, ev.customer_id, p.id, ev.event_type = 'policy_renewed', p.policy_type, p.inception_date, p.term_months,
               p.annual_premium_cents, json_extract(ev.data, '$.premiumBefore') * 100, json_extract(ev.data, '$.premiumAfter') * 100
        FROM retention_events ev JOIN policies p ON p.id = ev.policy_id
        WHERE ev.id > ?1 AND ev.event_type IN ('policy_renewed', 'coverage_changed')
        """

    /// Runs a bulk load of events (the demo book) with the `premium_changes_insert` trigger dropped, then
    /// writes the `premium_changes` rows of the events loaded in one set-based pass and creates the trigger
    /// again. Per event, the trigger is a sub-program SQLite runs even for the five events in six it
    /// ignores; at 100,000 customers (1.3 million events) it cost the load 2.7 of its 5 seconds in SQLite.
    ///
    /// Only for loads that write policies before their events and do not change those policies afterwards
    /// (the trigger reads the policy when the event is written, the pass after the load). The trigger's
    /// definition and the last event id before the load are saved in `settings` in the transaction that
    /// drops it; if the load is killed midway, the next `Store.open` finishes the job.
    public static func withPremiumChangesDeferred<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.transaction {
            guard let trigger = try db.queryOne("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'premium_changes_insert'",
                                                [], { $0.text(0) }) else { return }
            let lastEvent = try db.scalarInt("SELECT coalesce(max(id), 0) FROM retention_events")
            try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                       [.text(deferredPremiumChangesKey),
                        .text(JSONValue.object([("trigger", .string(trigger)), ("afterEvent", .int(lastEvent))]).serialized())])
            try db.execute("DROP TRIGGER premium_changes_insert")
        }
        return try load(body, thenFinishWith: { try restoreDeferredPremiumChanges(db) })
    }

    /// Writes the `premium_changes` rows a bulk load deferred and creates its trigger again.
    static func restoreDeferredPremiumChanges(_ db: Database) throws {
        guard let saved = try db.queryOne("SELECT value FROM settings WHERE key = ?", [.text(deferredPremiumChangesKey)], { $0.text(0) }) else { return }
        let state = try JSONValue.parse(saved)
        guard let trigger = state["trigger"]?.stringValue, let lastEvent = state["afterEvent"]?.doubleValue else {
            throw RetentionError.storage("The saved state of an interrupted bulk load (settings \(deferredPremiumChangesKey)) is unreadable: \(saved.prefix(200))")
        }
        try db.transaction {
            try db.run(fillPremiumChanges, [.int(Int64(lastEvent))])
            try db.execute(trigger.replacingOccurrences(of: "CREATE TRIGGER ", with: "CREATE TRIGGER IF NOT EXISTS "))
            try db.run("DELETE FROM settings WHERE key = ?", [.text(deferredPremiumChangesKey)])
        }
    }
}
