import Foundation

/// Opens a Retention database file and brings its schema up to date.
///
/// A file that holds some other SQLite database (tables present, a different `application_id`) is
/// refused rather than altered. A file written by a newer Retention (a higher `user_version` than this
/// build knows) is refused too: migrations only go forward.
public enum Store {
    /// `upgrading` is told the schema versions (from, to) before a database that already holds a schema is
    /// migrated, so a command can say why it pauses (rebuilding an index of a large book takes a while).
    public static func open(path: String, options: Database.Options = Database.Options(),
                            upgrading: ((_ from: Int, _ to: Int) -> Void)? = nil) throws -> Database {
        let db = try Database(path: path, options: options)
        if !options.readOnly { try migrate(db, upgrading: upgrading) } else { try checkVersion(db) }
        return db
    }

    /// What a command says before it upgrades a database (see `open(path:options:upgrading:)`).
    public static func upgradeNotice(path: String, from: Int, to: Int) -> String {
        let seconds = ((from + 1)...max(from + 1, to)).reduce(0) { $0 + (upgradeSeconds[$1] ?? 0) }
        let duration = seconds < 10 ? "a few seconds"
            : seconds < 60 ? "about \(Int((Double(seconds) / 5).rounded()) * 5) seconds"
            : "about \((seconds + 30) / 60) minute\(seconds < 90 ? "" : "s")"
        return "retention: upgrading \(path) from schema \(from) to \(to); once, and on a large book it takes a while (\(duration) at a million customers)…"
    }

    /// What upgrading to a schema version takes at a million customers, in seconds, where it takes long:
    /// 5 rebuilds the events' index, 6 adds two customer indexes, 7 writes a code into every policy, rebuilds
    /// the metrics' index on it and sums the customers per agent and the renewals per day (16 s measured); 12
    /// fills the full-text search index (1.3 s measured at a million); 13 adds the at-risk queue's order
    /// indexes (0.6 s measured at 100,000 customers); 14 indexes the customers', policies' and touchpoints'
    /// `updated_at` for `rescore --changed` (0.7 s measured at 100,000); 16 turns every health-score history
    /// document into numbers and rebuilds the table (233 s measured on the 1M demo book with a year of simulated
    /// history, 13.2 million rows: about 18 µs a row; 1.4 s at 100,000 customers with one row each); 17 rebuilds
    /// the queue's default order index with the list's columns (a queue of 145,000 at a million: 0.9 s with the
    /// customers in the page cache, 16 s from a cold cache); 18 turns every LTV history document into numbers and
    /// rebuilds that table (about 32 µs a row measured on the 10,000-customer demo book with three rescores,
    /// 32,565 rows in 1.0 s; measured on a copy of the million-customer book with a year of history, 13,173,988
    /// rows, every one converted: 4 min 15 s, release build, 165 MiB peak).
    static let upgradeSeconds = [5: 30, 6: 3, 7: 16, 12: 2, 13: 6, 14: 7, 16: 240, 17: 15, 18: 260]

    /// An in-memory database with the full schema, for tests.
    public static func inMemory() throws -> Database {
        let db = try Database(path: ":memory:")
        try migrate(db)
        return db
    }

    static func checkVersion(_ db: Database) throws {
        let version = try db.scalarInt("PRAGMA user_version")
        let appID = try db.scalarInt("PRAGMA application_id")
        let tables = try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        if tables > 0 && appID != Int(Migrations.applicationID) {
            throw RetentionError(.storage, code: "not_a_retention_database",
                                 "\(db.path) is an SQLite database but not a Retention one; it was left untouched.")
        }
        if version > Migrations.all.count {
            throw RetentionError(.storage, code: "database_too_new",
                                 "\(db.path) was written by a newer Retention (schema \(version), this build knows \(Migrations.all.count)). Upgrade retention.")
        }
    }

    static func migrate(_ db: Database, upgrading: ((Int, Int) -> Void)? = nil) throws {
        try checkVersion(db)
        var version = try db.scalarInt("PRAGMA user_version")
        if version > 0 && version < Migrations.all.count { upgrading?(version, Migrations.all.count) }
        while version < Migrations.all.count {
            let target = version + 1
            try db.transaction {
                // Another process may have migrated while we waited for the write lock.
                guard try db.scalarInt("PRAGMA user_version") == version else { return }
                try db.execute(Migrations.all[version])
                try db.execute("PRAGMA application_id = \(Migrations.applicationID); PRAGMA user_version = \(target)")
            }
            version = try db.scalarInt("PRAGMA user_version")
        }
        try restoreDeferredIndexes(db)
        try restoreDeferredPremiumChanges(db)
        try restoreDeferredTriggers(db)
        // An erasure that could not clear the old copies from the files (a reader held them) is finished here.
        if db.path != ":memory:" { try finishPendingErasures(db) }
    }
}
