import Foundation

/// Opens a Retention database file and brings its schema up to date.
///
/// A file that holds some other SQLite database (tables present, a different `application_id`) is
/// refused rather than altered. A file written by a newer Retention (a higher `user_version` than this
/// build knows) is refused too: migrations only go forward.
public enum Store {
    public static func open(path: String, options: Database.Options = Database.Options()) throws -> Database {
        let db = try Database(path: path, options: options)
        if !options.readOnly { try migrate(db) } else { try checkVersion(db) }
        return db
    }

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

    static func migrate(_ db: Database) throws {
        try checkVersion(db)
        var version = try db.scalarInt("PRAGMA user_version")
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
    }
}
