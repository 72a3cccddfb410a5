import Foundation
import Testing
@testable import RetentionCore

@Suite struct StoreTests {
    @Test func newDatabaseFileIsPrivateToItsOwner() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/nested/retention.db"
        _ = try Store.open(path: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aFileThatIsNotSQLiteIsRefusedAndLeftUntouched() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/notes.db"
        let content = Data("these are my notes, not a database\n".utf8)
        _ = FileManager.default.createFile(atPath: path, contents: content)
        #expect { try Store.open(path: path) } throws: { ($0 as? RetentionError)?.code == "not_a_database" }
        #expect(FileManager.default.contents(atPath: path) == content)
    }

    /// Opening a second connection must not drop the locks of the first: another process closing its
    /// connection would then take itself for the last one and delete the write-ahead log under ours.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), "needs the sqlite3 shell as the other process"))
    func anotherProcessNeverDeletesTheLogUnderOpenConnections() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/shared.db"
        let first = try Store.open(path: path)
        try first.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
        let second = try Store.open(path: path)
        #expect(try second.scalarInt("SELECT count(*) FROM settings WHERE key = 'a'") == 1)
        let other = Process()
        other.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        other.arguments = [path, "SELECT count(*) FROM settings;"]
        other.standardOutput = FileHandle.nullDevice
        try other.run()
        other.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: path + "-wal"), "the other process deleted our log")
        try first.execute("INSERT INTO settings (key, value) VALUES ('b', '2')")
        let seen = Process()
        seen.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        seen.arguments = [path, "SELECT value FROM settings WHERE key = 'b';"]
        let pipe = Pipe()
        seen.standardOutput = pipe
        try seen.run()
        seen.waitUntilExit()
        #expect(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "2\n", "a later write is seen by other processes")
        withExtendedLifetime((first, second)) {}
    }

    @Test func anotherApplicationsDatabaseIsRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/other.db"
        do {
            let other = try Database(path: path)
            try other.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
        }
        #expect { try Store.open(path: path) } throws: { ($0 as? RetentionError)?.code == "not_a_retention_database" }
    }

    @Test func writableByOthersIsRefusedWhenAskedTo() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/shared.db"
        _ = try Store.open(path: path)
        chmod(path, 0o666)
        var options = Database.Options()
        options.refuseGroupOrWorldWritable = true
        #expect { try Store.open(path: path, options: options) } throws: { ($0 as? RetentionError)?.code == "unsafe_permissions" }
    }

    @Test func migrationsSetTheVersionAndReopenCleanly() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/r.db"
        _ = try Store.open(path: path)
        let db = try Store.open(path: path)
        #expect(try db.scalarInt("PRAGMA user_version") == Migrations.all.count)
        #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
        #expect(try db.query("PRAGMA journal_mode") { $0.text(0) } == ["wal"])
        #expect(try db.integrityCheck() == "ok")
    }

    /// A database of an older schema is upgraded in place, keeping its rows, and the opener is told before
    /// (a new file and an up-to-date one are not "upgrades").
    @Test func anOlderSchemaIsUpgradedAndTheOpenerIsToldOnce() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/r.db"
        var told: [[Int]] = []
        do {
            let old = try Database(path: path)
            for step in Migrations.all.dropLast() { try old.execute(step) }
            try old.execute("PRAGMA application_id = \(Migrations.applicationID); PRAGMA user_version = \(Migrations.all.count - 1)")
            try old.execute("INSERT INTO agents (id, name) VALUES ('a', 'Agent A')")
        }
        let db = try Store.open(path: path) { told.append([$0, $1]) }
        #expect(told == [[Migrations.all.count - 1, Migrations.all.count]])
        #expect(try db.scalarInt("PRAGMA user_version") == Migrations.all.count)
        #expect(try db.scalarInt("SELECT count(*) FROM agents") == 1)
        _ = try Store.open(path: path) { told.append([$0, $1]) }
        _ = try Store.open(path: dir + "/new.db") { told.append([$0, $1]) }
        #expect(told.count == 1)
    }

    /// The notice says how long the steps still to run take on a large book, summed.
    @Test func theUpgradeNoticeAddsUpTheStepsToRun() {
        func duration(_ from: Int) -> String { Store.upgradeNotice(path: "b.db", from: from, to: 7) }
        #expect(duration(6).contains("(about 15 seconds at a million customers)"))   // 16 s
        #expect(duration(5).contains("about 20 seconds"))             // 3 + 16 s
        #expect(duration(4).contains("about 50 seconds"))             // 30 + 3 + 16 s
        #expect(Store.upgradeNotice(path: "b.db", from: 5, to: 6).contains("a few seconds"))
        #expect(duration(6).hasPrefix("retention: upgrading b.db from schema 6 to 7;"))
    }

    @Test func aThrowingTransactionRollsBackEverything() throws {
        let engine = try makeEngine()
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try engine.db.transaction {
                try engine.createCustomer(try json(specCustomerBody), now: testNow)
                throw Boom()
            }
        }
        #expect(try count(engine, "customers") == 0)
        #expect(try count(engine, "audit_log") == 0)
    }

    @Test func databaseLocationFollowsFlagThenEnvironmentThenXDG() {
        #expect(DatabaseLocation.resolve(explicit: "/x.db", environment: ["RETENTION_DB": "/y.db"]) == "/x.db")
        #expect(DatabaseLocation.resolve(explicit: nil, environment: ["RETENTION_DB": "/y.db", "XDG_DATA_HOME": "/d"]) == "/y.db")
        #expect(DatabaseLocation.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "/d"]) == "/d/retention/retention.db")
        #expect(DatabaseLocation.resolve(explicit: nil, environment: ["HOME": "/home/u"]) == "/home/u/.local/share/retention/retention.db")
        #expect(DatabaseLocation.demo(explicit: nil, environment: ["HOME": "/home/u"]) == "/home/u/.local/share/retention/demo.db")
    }

    @Test func boundTextIsStoredByteForByte() throws {
        let db = try Store.inMemory()
        // Swift strings of every storage kind: empty, small (inline), large, bridged from Foundation, with a NUL.
        let texts = ["", "é", "Zoë O'Brien-Łukasz 東京 🙂", String(repeating: "x", count: 300), NSString(string: "bridged ✓") as String, "a\u{0}b"]
        for text in texts {
            let stored = try db.queryOne("SELECT typeof(?1), length(CAST(?1 AS BLOB)), ?1", [.text(text)]) { ($0.text(0), $0.int(1), $0.text(2)) }!
            #expect(stored.0 == "text", "\(text.debugDescription) is bound as text, never NULL")
            #expect(stored.1 == text.utf8.count)
            #expect(stored.2 == text)
        }
    }

    @Test func aColumnsTextIsFoundAmongNamesOnlyWhenItIsWholeAndTheSame() throws {
        let db = try Store.inMemory()
        let names = TextNames(["auto", "home", "", "東京"])
        let found = { (value: SQLValue) in try db.queryOne("SELECT ?1", [value]) { $0.position(0, in: names) } ?? nil }
        #expect(try found("auto") == 0 && found("home") == 1 && found("") == 2 && found("東京") == 3)
        #expect(try found("aut") == nil && found("automobile") == nil && found("Auto") == nil && found("homes") == nil)
        #expect(try found(.null) == nil)
    }
}

/// The settings `retention config` shows and changes.
@Suite struct SettingsTests {
    @Test func everySettingHasADefaultAndIsCheckedWhenSet() throws {
        let engine = try makeEngine()
        // Every key is listed with its value in force (a line's own grace only once it is set).
        #expect(try engine.settings().map(\.key) == Engine.settingKeys.filter { $0 != "policy.graceDays.LINE" })
        #expect(try engine.settings().first { $0.key == "contact.window" }?.value == "08:00-21:00")
        try engine.setSetting("company.name", "Acme Mutual", now: testNow)
        try engine.setSetting("contact.window", "09:30-24:00", now: testNow)
        #expect(try engine.settings().first { $0.key == "company.name" }?.value == "Acme Mutual")
        #expect(try engine.callingWindow() == CallingWindow(start: 9 * 60 + 30, end: 24 * 60))
        for (key, value) in [("contact.window", "20:00-08:00"), ("contact.window", "8-21"), ("contact.window", "08:00-21:60"),
                             ("company.name", " "), ("company.name", "A\u{1B}]0;x\u{7}"), ("ltv.discountRate", "2"), ("nope", "1")] {
            #expect(throws: RetentionError.self, "\(key) = \(value)") { try engine.setSetting(key, value, now: testNow) }
        }
        #expect(try engine.callingWindow() == CallingWindow(start: 9 * 60 + 30, end: 24 * 60), "a refused value changes nothing")
        #expect(try engine.db.scalarInt("SELECT count(*) FROM audit_log WHERE action = 'settings.set'") == 2)
    }
}
