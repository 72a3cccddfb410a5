extension Engine {
    /// `count` new read connections to this engine's file, each inside a read transaction, all on the same
    /// committed state of the file: whole-book reads split between them (one per processor core) add up as
    /// if one connection had read everything.
    ///
    /// SQLite here has no snapshot API, so the states are lined up with the write lock: this connection
    /// takes it (`BEGIN IMMEDIATE`), the readers start their transactions, none of which can then see a
    /// later commit, and the lock is given back at once; writers wait for the lock only while the readers
    /// start. A reader never waits for a writer, so neither does this: when another connection holds the
    /// lock for more than `lockWaitMilliseconds` (an import of a large file holds it throughout), the
    /// answer is nil and the caller reads alone, as before. The readers' page caches hold at most
    /// `cacheKiB` (never more than this connection's: the dashboard keeps its memory small): a reader made
    /// for one pass over an index needs little more than the pages on its path, and every page of cache it
    /// fills is fresh memory the kernel must map and zero (0.1 s of system time per metrics call at a
    /// million customers with a 64 MiB cache). They end their transactions when released.
    ///
    /// nil also when there is no file to open more connections on (an in-memory database), when this
    /// connection cannot take the write lock (opened read-only), or when it is inside a transaction (its
    /// own reads belong to that one).
    func readersOnOneSnapshot(_ count: Int, cacheKiB: Int = 2_048, lockWaitMilliseconds: Int32 = 100) throws -> [Engine]? {
        guard db.path != ":memory:", !db.path.isEmpty, !db.options.readOnly, db.isAutocommit else { return nil }
        var options = Database.Options(cacheKiB: min(cacheKiB, db.options.cacheKiB))
        options.create = false
        options.readOnly = true
        options.busyTimeoutMilliseconds = db.options.busyTimeoutMilliseconds
        let readers = try (0..<count).map { _ in Engine(database: try Database(path: db.path, options: options), user: user) }
        do {
            try db.waitingForLocksAtMost(milliseconds: lockWaitMilliseconds) { try db.execute("BEGIN IMMEDIATE") }
        } catch let error as RetentionError where error.code == "database_busy" {
            return nil
        }
        defer { try? db.execute("ROLLBACK") }
        for reader in readers {
            try reader.db.execute("BEGIN")
            _ = try reader.db.scalarInt("SELECT count(*) FROM sqlite_master") // the first read fixes what the transaction sees
        }
        return readers
    }
}
