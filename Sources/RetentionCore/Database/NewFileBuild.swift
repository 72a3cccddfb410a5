import Foundation

extension Store {
    /// Builds a whole new database file and puts it at `path` only once it is complete.
    ///
    /// The file is written beside `path` under a temporary name (`<name>.building-<pid>`), with no rollback
    /// journal and no syncs during the build (`journal_mode=OFF`, `synchronous=OFF`): every page goes to the
    /// file once, instead of to the write-ahead log first and into the file again at each checkpoint. That
    /// took the demo book's load at a million customers from 134 s to 101 s on this kind of machine.
    ///
    /// Without a journal a failed or killed build could leave its file damaged, so no one ever opens that
    /// file: when `build` throws, it is deleted and the error passed on; a build whose process died is
    /// deleted by the next build beside it. Whatever was at `path` stays as it was until the new file is
    /// complete, switched to WAL journaling like every Retention database, and flushed to disk; then the
    /// old file's logs (`-wal`, `-shm`, a `-journal`) are removed and the new file takes its place in one rename.
    ///
    /// `build` must not keep the connection it is given: it is closed before the file is moved.
    ///
    /// `replacing: false` is for a file that must be new (an import into a book that did not exist when it
    /// began): the finished file is linked in under `path` only if nothing is there yet (`link` refuses an
    /// existing name, atomically), so a book another process made meanwhile is never replaced; the build is
    /// then thrown away with an error saying so (`book_appeared`).
    public static func buildNewFile<T>(at path: String, replacing: Bool = true, _ build: (Database) throws -> T) throws -> T {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent + ".building-"
        removeAbandonedBuilds(in: folder, prefix: prefix)
        // The logs at the book's name as the build begins (time of last change, nil when absent): compared with
        // themselves at the end, never with this process's clock.
        func logStates() -> [Date?] {
            logSuffixes.map { (try? fm.attributesOfItem(atPath: path + $0))?[.modificationDate] as? Date }
        }
        let logsAtStart = logStates()
        let building = folder + "/" + prefix + String(getpid())
        removeFileAndLogs(building)
        let result: T
        do {
            result = try {
                let db = try open(path: building)
                try db.setJournalMode(.off)
                try db.execute("PRAGMA synchronous=OFF")
                let result = try build(db)
                try db.setJournalMode(.wal)
                try db.execute("PRAGMA synchronous=NORMAL")
                return result
            }()
            try flushToDisk(building)
            if !replacing && fm.fileExists(atPath: path) { throw bookAppeared(path) }
            // For a file that must be new, a log that appeared or changed since this build began belongs to a book
            // another process is making at that name right now: all of them are left alone, and this build gives
            // way. Else the old logs go (a leftover one would be applied to the new file).
            let logsNow = logStates()
            if !replacing, zip(logsAtStart, logsNow).contains(where: { before, now in now != nil && now != before }) {
                throw bookAppeared(path)
            }
            let logs = logSuffixes.map { path + $0 }.filter { fm.fileExists(atPath: $0) }
            for log in logs where fm.fileExists(atPath: log) {
                do { try fm.removeItem(atPath: log) } catch where !fm.fileExists(atPath: log) {}   // gone meanwhile: as wanted
            }
            if replacing {
                guard rename(building, path) == 0 else {
                    throw RetentionError.storage("Cannot move the new database \(building) to \(path): \(String(cString: strerror(errno))).")
                }
            } else {
                guard link(building, path) == 0 else {
                    if errno == EEXIST { throw bookAppeared(path) }
                    throw RetentionError.storage("Cannot move the new database \(building) to \(path): \(String(cString: strerror(errno))).")
                }
                unlink(building)
            }
        } catch {
            removeFileAndLogs(building)
            if let e = error as? RetentionError, e.code == "disk_full" {
                // The error names the temporary file, which is gone: say what happened to the book instead.
                throw RetentionError(.storage, code: "disk_full",
                                     "The disk holding \(URL(fileURLWithPath: folder).standardizedFileURL.path) is full: the new database was not written "
                                     + "(its partial file is removed) and \(path) is as it was. Free some space and try again.")
            }
            throw error
        }
        try flushToDisk(folder)
        return result
    }

    private static func bookAppeared(_ path: String) -> RetentionError {
        RetentionError(.conflict, code: "book_appeared",
                       "\(path) was created by another process while this one built it as a new book: nothing was written to it; run the command again.")
    }

    /// Removes what a build of a new file at `path` left when its process died (`<name>.building-<pid>` and its
    /// logs, the process gone); a build still running is left alone. Every command-line command that opens a book
    /// calls it. A build is judged by its process id on this machine: a build run from another PID namespace (a
    /// container) sharing the folder would be taken for dead, and its load then fails cleanly.
    public static func removeAbandonedBuilds(beside path: String) {
        let url = URL(fileURLWithPath: path)
        removeAbandonedBuilds(in: url.deletingLastPathComponent().path, prefix: url.lastPathComponent + ".building-")
    }

    /// Deletes the files of builds in `folder` named `prefix` + pid whose process is gone (a build killed midway).
    private static func removeAbandonedBuilds(in folder: String, prefix: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(prefix) {
            let digits = name.dropFirst(prefix.count).prefix { $0.isNumber }
            let suffix = name.dropFirst(prefix.count + digits.count)
            guard let pid = Int32(digits), suffix.isEmpty || logSuffixes.contains(String(suffix)) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(atPath: folder + "/" + name) }
        }
    }

    /// The files SQLite keeps beside a database: its write-ahead log and shared-memory index, or a rollback
    /// journal. A leftover one would be applied to whatever file later has the database's name.
    private static let logSuffixes = ["-wal", "-shm", "-journal"]

    private static func removeFileAndLogs(_ path: String) {
        for suffix in [""] + logSuffixes { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// `fsync` of a file or a folder (a folder, so a rename in it is on disk too).
    private static func flushToDisk(_ path: String) throws {
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0, fsync(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            if fd >= 0 { close(fd) }
            throw RetentionError.storage("Cannot write \(path) to disk: \(reason).")
        }
        close(fd)
    }
}

extension Database {
    enum JournalMode: String { case off, wal }

    /// Sets the journal mode and checks SQLite took it (it refuses some changes, e.g. while another
    /// connection has the file open, and says so only by answering the old mode).
    func setJournalMode(_ mode: JournalMode) throws {
        let now = try queryOne("PRAGMA journal_mode=\(mode.rawValue)", [], { $0.text(0) }) ?? ""
        guard now.lowercased() == mode.rawValue else {
            throw RetentionError.storage("Cannot set the journal mode of \(path) to \(mode.rawValue) (it stays \(now)).")
        }
    }
}
