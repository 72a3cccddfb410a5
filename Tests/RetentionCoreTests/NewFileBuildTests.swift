import Foundation
import Testing
@testable import RetentionCore

/// A database built whole in a new file (the demo book) appears at its path complete or not at all.
@Suite struct NewFileBuildTests {
    func agentNames(_ path: String) throws -> [String] {
        try Store.open(path: path).query("SELECT name FROM agents ORDER BY name") { $0.text(0) }
    }

    func leftovers(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".building-") }
    }

    func addAgent(_ db: Database, _ name: String) throws {
        try db.run("INSERT INTO agents (id, name) VALUES (?, ?)", [.text(name.lowercased()), .text(name)])
    }

    @Test func aNewFileIsBuiltWithoutAJournalAndEndsUpPrivateInWALMode() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/book.db"
        let answer = try Store.buildNewFile(at: path) { db in
            #expect(try db.queryOne("PRAGMA journal_mode", [], { $0.text(0) }) == "off")
            #expect(!FileManager.default.fileExists(atPath: path), "nothing at the path while the build runs")
            try addAgent(db, "Ada")
            return 42
        }
        #expect(answer == 42)
        #expect(try agentNames(path) == ["Ada"])
        #expect(try Store.open(path: path).queryOne("PRAGMA journal_mode", [], { $0.text(0) }) == "wal")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try leftovers(dir).isEmpty)
        #expect(try Store.open(path: path).integrityCheck() == "ok")
    }

    @Test func theOldFileStaysUntilTheNewOneIsCompleteAndItsLogsGoWithIt() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/book.db"
        // A log left beside the old file (its last commit, never checkpointed) must not be applied to the new one.
        let staleLog: Data = try {
            let old = try Store.open(path: path)
            try old.execute("PRAGMA wal_autocheckpoint=0")
            try addAgent(old, "Old")
            return try Data(contentsOf: URL(fileURLWithPath: path + "-wal"))
        }()
        #expect(staleLog.count > 32 && !FileManager.default.fileExists(atPath: path + "-wal"), "the log was copied, then removed by the close")
        try Store.buildNewFile(at: path) { db in
            try addAgent(db, "New")
            #expect(try agentNames(path) == ["Old"], "the old file is still readable while the new one is built")
            try staleLog.write(to: URL(fileURLWithPath: path + "-wal"))
        }
        #expect(try agentNames(path) == ["New"])
        #expect(try leftovers(dir).isEmpty)
    }

    @Test func aFailedBuildLeavesTheOldFileAsItWasAndNoTemporaryFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/book.db"
        try addAgent(Store.open(path: path), "Old")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try Store.buildNewFile(at: path) { db in
                try addAgent(db, "Half")
                throw Boom()
            }
        }
        #expect(try agentNames(path) == ["Old"])
        #expect(try leftovers(dir).isEmpty)
        #expect(throws: Boom.self) { try Store.buildNewFile(at: dir + "/never.db") { _ in throw Boom() } }
        #expect(!FileManager.default.fileExists(atPath: dir + "/never.db"))
    }

    /// A file that must be new (`replacing: false`): an old book's log left at the name is removed before the
    /// new file takes it, but a log that appeared while the build ran is another process's book being made there:
    /// it is left alone and the build gives way (`book_appeared`).
    @Test func aNewBookGivesWayToALogWrittenWhileItWasBuilt() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        let stale = dir + "/old.db", fresh = dir + "/new.db"
        fm.createFile(atPath: stale + "-wal", contents: Data("an old book's log".utf8))
        try Store.buildNewFile(at: stale, replacing: false) { db in try addAgent(db, "Ada") }
        #expect(try agentNames(stale) == ["Ada"], "the stale log was removed, not applied")
        #expect(throws: RetentionError.self) {
            try Store.buildNewFile(at: fresh, replacing: false) { db in
                try addAgent(db, "Bea")
                fm.createFile(atPath: fresh + "-wal", contents: Data("another process's log".utf8))
            }
        }
        #expect(fm.contents(atPath: fresh + "-wal") == Data("another process's log".utf8))
        #expect(!fm.fileExists(atPath: fresh))
        #expect(try leftovers(dir).isEmpty)
    }

    @Test func theFilesOfABuildWhoseProcessDiedAreRemovedByTheNextBuild() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/book.db"
        // A process id that has ended: a child that has exited and been waited for.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = "book.db.building-\(child.processIdentifier)", alive = "book.db.building-1", other = "other.db.building-\(child.processIdentifier)"
        for name in [dead, dead + "-wal", alive, other] { try Data().write(to: URL(fileURLWithPath: dir + "/" + name)) }
        try Store.buildNewFile(at: path) { db in try addAgent(db, "New") }
        #expect(try leftovers(dir).sorted() == [alive, other], "only the dead build's files of this path are removed")
    }
}
