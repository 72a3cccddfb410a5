import CSQLite
import Foundation

/// A value bound to, or read from, an SQL statement. Every value reaches SQLite as a bound parameter:
/// no data is ever spliced into SQL text.
public enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int) { self = .int(Int64(value)) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(nilLiteral: ()) { self = .null }
}

public extension SQLValue {
    init(_ v: Int) { self = .int(Int64(v)) }
    init(_ v: Int64) { self = .int(v) }
    init(_ v: Double) { self = .double(v) }
    init(_ v: String) { self = .text(v) }
    init(_ v: Bool) { self = .int(v ? 1 : 0) }
    init(_ v: Int?) { self = v.map { .int(Int64($0)) } ?? .null }
    init(_ v: Int64?) { self = v.map { .int($0) } ?? .null }
    init(_ v: Double?) { self = v.map { .double($0) } ?? .null }
    init(_ v: String?) { self = v.map { .text($0) } ?? .null }
}

/// SQLite's own transient-destructor marker: SQLite copies bound text and blobs before `bind` returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Process-wide SQLite settings, made once before the first connection opens (see `retention_sqlite3_disable_memstatus`).
private let sqliteConfigured: Void = { _ = retention_sqlite3_disable_memstatus() }()

/// One prepared statement. Reused through the connection's cache; bind, step, read, reset.
public final class Statement {
    fileprivate let handle: OpaquePointer
    fileprivate unowned let database: Database
    public let sql: String

    fileprivate init(database: Database, sql: String) throws {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            throw database.error(rc, context: "preparing \(sql.prefix(80))")
        }
        self.handle = stmt
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds parameters by position (1-based in SQLite; index 0 of the array is `?1`).
    /// Every parameter is bound anew (the count is checked), so no earlier binding survives.
    public func bind(_ values: [SQLValue]) throws {
        sqlite3_reset(handle)
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard expected == values.count else {
            throw RetentionError.storage("Internal error: statement expects \(expected) parameters, got \(values.count): \(sql.prefix(80))")
        }
        for (i, value) in values.enumerated() { try bind(value, at: Int32(i + 1)) }
    }

    /// How many parameters the statement takes.
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// Binds several rows of `columns` values each, one after another (row k's first value is parameter
    /// k × columns + 1), as a multi-row INSERT takes them. Every parameter is bound anew (the count is checked).
    public func bind(rows: ArraySlice<[SQLValue]>, columns: Int) throws {
        sqlite3_reset(handle)
        guard parameterCount == rows.count * columns else {
            throw RetentionError.storage("Internal error: statement expects \(parameterCount) parameters, got \(rows.count) rows of \(columns): \(sql.prefix(80))")
        }
        var index: Int32 = 1
        for row in rows {
            guard row.count == columns else {
                throw RetentionError.storage("Internal error: a row of \(row.count) values for \(columns) columns: \(sql.prefix(80))")
            }
            for value in row {
                try bind(value, at: index)
                index += 1
            }
        }
    }

    public func bind(_ value: SQLValue, at index: Int32) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .int(let v): rc = sqlite3_bind_int64(handle, index, v)
        case .double(let v): rc = sqlite3_bind_double(handle, index, v)
        case .text(let v):
            // The string's own UTF-8 bytes with their length: no C-string copy, and text with a NUL in it is
            // stored whole. An empty string is bound as "" (a nil pointer would bind NULL).
            func bindUTF8(_ utf8: UnsafeBufferPointer<UInt8>) -> Int32 {
                guard let base = utf8.baseAddress, !utf8.isEmpty else { return sqlite3_bind_text(handle, index, "", 0, transient) }
                return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { sqlite3_bind_text(handle, index, $0, Int32(utf8.count), transient) }
            }
            if let bound = v.utf8.withContiguousStorageIfAvailable(bindUTF8) {
                rc = bound
            } else {
                var native = v
                rc = native.withUTF8(bindUTF8)
            }
        case .blob(let v): rc = v.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), transient) }
        }
        guard rc == SQLITE_OK else { throw database.error(rc, context: "binding parameter \(index)") }
    }

    /// Binds `value` as `bind(_:at:)` does, a text's bytes copied into `arena` and bound from there without
    /// SQLite's own copy (`SQLITE_STATIC`): SQLite then reads them in place when the statement steps. The caller
    /// keeps `arena` unchanged (`TextArena.clear` not called) until the statement has stepped and been reset or
    /// bound anew. Other values, and a text longer than the arena's blocks, are bound by `bind(_:at:)`.
    func bind(_ value: SQLValue, at index: Int32, arena: TextArena) throws {
        guard case .text(let v) = value else { return try bind(value, at: index) }
        try bind(text: v, at: index, arena: arena)
    }

    /// Binds the text `v` as `bind(_:at:arena:)` does; an empty text, one longer than a block of the arena, or one
    /// whose bytes are not stored in one piece is bound by `bind(_:at:)` (SQLite's own copy).
    func bind(text v: String, at index: Int32, arena: TextArena) throws {
        let rc: Int32
        func bindUTF8(_ utf8: UnsafeBufferPointer<UInt8>) -> Int32? {
            guard !utf8.isEmpty, let copy = arena.copy(UnsafeRawBufferPointer(utf8)) else { return nil }
            return sqlite3_bind_text(handle, index, copy.assumingMemoryBound(to: CChar.self), Int32(utf8.count), nil)   // nil: SQLITE_STATIC
        }
        if let bound = v.utf8.withContiguousStorageIfAvailable(bindUTF8) {
            guard let bound else { return try bind(.text(v), at: index) }
            rc = bound
        } else {
            return try bind(.text(v), at: index)
        }
        guard rc == SQLITE_OK else { throw database.error(rc, context: "binding parameter \(index)") }
    }

    /// Binds NULL to every parameter (`sqlite3_clear_bindings`): a statement that outlives the arena its texts were
    /// bound from (`bind(_:at:arena:)`) must hold no pointer into it.
    func clearBindings() { sqlite3_clear_bindings(handle) }

    /// Advances one row; `true` while a row is available.
    public func step() throws -> Bool {
        if let aborted = database.abortedTransaction { throw aborted }
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let err = database.error(rc, context: "running \(sql.prefix(80))")
            sqlite3_reset(handle)
            database.noteFailure(err)
            throw err
        }
    }

    /// Releases the statement's read cursor so the connection is free for the next statement.
    public func reset() { sqlite3_reset(handle) }

    public var row: Row { Row(handle: handle) }
}

/// A few names a column's text is looked up among by `Row.position(_:in:)`, kept as UTF-8 bytes.
public struct TextNames: Sendable {
    let utf8: [[UInt8]]
    public init(_ names: [String]) { utf8 = names.map { Array($0.utf8) } }
}

/// The current row of a statement, read by column index with typed accessors.
public struct Row {
    fileprivate let handle: OpaquePointer

    public func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }
    public func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(handle, i)) }
    public func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }
    public func optionalInt(_ i: Int32) -> Int? { isNull(i) ? nil : int(i) }
    public func double(_ i: Int32) -> Double { sqlite3_column_double(handle, i) }
    public func optionalDouble(_ i: Int32) -> Double? { isNull(i) ? nil : double(i) }
    public func bool(_ i: Int32) -> Bool { sqlite3_column_int64(handle, i) != 0 }
    public func text(_ i: Int32) -> String {
        guard let c = sqlite3_column_text(handle, i) else { return "" }
        let n = Int(sqlite3_column_bytes(handle, i))
        return String(decoding: UnsafeBufferPointer(start: c, count: n), as: UTF8.self)
    }
    public func optionalText(_ i: Int32) -> String? { isNull(i) ? nil : text(i) }
    /// The position in `names` of the column's text, compared byte for byte without building a string
    /// (whole-book passes read a name per row); nil for NULL or a text that is none of them.
    public func position(_ i: Int32, in names: TextNames) -> Int? {
        guard let text = sqlite3_column_text(handle, i) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, i))
        for k in names.utf8.indices where names.utf8[k].count == count {
            if names.utf8[k].withUnsafeBytes({ $0.baseAddress.map { memcmp($0, text, count) == 0 } ?? true }) { return k }
        }
        return nil
    }
    public func value(_ i: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, i) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .int(int64(i))
        case SQLITE_FLOAT: return .double(double(i))
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(handle, i))
            guard n > 0, let p = sqlite3_column_blob(handle, i) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: p, count: n)))
        default: return .text(text(i))
        }
    }
    public var columnCount: Int32 { sqlite3_column_count(handle) }
    public func columnName(_ i: Int32) -> String { String(cString: sqlite3_column_name(handle, i)) }
}

/// One connection to the Retention database file. Not shared between threads: a background worker opens
/// its own. This is the only file that talks to SQLite's C API.
///
/// Every connection runs with WAL journaling (readers never block the writer), `foreign_keys=ON`,
/// a busy timeout (a writer waits for another instead of failing with "database is locked"), and
/// `secure_delete=ON` (deleted personal data is overwritten, not left in free pages).
public final class Database {
    fileprivate let handle: OpaquePointer
    public let path: String
    /// The options the connection was opened with.
    public let options: Options
    private var cache: [String: Statement] = [:]
    private var transactionDepth = 0
    /// Set when SQLite rolled back the open transaction by itself (it does on a full disk, an I/O error,
    /// running out of memory): every later statement of that transaction fails with it instead of running
    /// in autocommit mode and committing on its own, until `transaction` ends.
    fileprivate var abortedTransaction: RetentionError?
    private let busyWaiter: BusyWaiter

    /// Opening options.
    public struct Options: Sendable {
        public var readOnly = false
        /// Create the file (mode 0600) if it does not exist.
        public var create = true
        /// Refuse to open a file that users other than the owner can write to.
        public var refuseGroupOrWorldWritable = false
        /// Milliseconds a statement waits for another connection's write lock (or, for a checkpoint, for
        /// readers) before failing. Commands wait ten minutes (`CommandEnvironment.openEngine`: a long import or
        /// rescore makes them wait, not fail); the dashboard keeps this default and shows it is busy.
        public var busyTimeoutMilliseconds: Int32 = 15_000
        /// Told, once per wait, what a statement is waiting for when the wait passes `noticeAfterMilliseconds`
        /// (a command writes it to stderr: "waiting for process 123 (retention import …) …").
        public var waitNotice: (@Sendable (String) -> Void)?
        public var noticeAfterMilliseconds: Int32 = 1_000
        /// The page cache of this connection, in KiB (batch commands read much; the dashboard, which
        /// keeps its memory small, reads little).
        public var cacheKiB = 65_536
        public init() {}
        /// The defaults with a page cache of `cacheKiB` KiB (a connection that reads little).
        public init(cacheKiB: Int) { self.cacheKiB = cacheKiB }
    }

    public init(path: String, options: Options = Options()) throws {
        _ = sqliteConfigured
        self.path = path
        self.options = options
        let fm = FileManager.default
        let exists = path == ":memory:" || fm.fileExists(atPath: path)
        if !exists {
            guard options.create, !options.readOnly else {
                throw RetentionError(.notFound, code: "database_not_found", "No database at \(path).")
            }
            try Database.createPrivateFile(at: path)
        } else if path != ":memory:" {
            try Database.checkExistingFile(at: path, refuseWritableByOthers: options.refuseGroupOrWorldWritable)
            // An empty file is no database yet: a read does not make one of it, and a write that does makes it
            // private (0600) first, as a new file would be.
            if Database.isEmptyFile(path) {
                guard options.create, !options.readOnly else {
                    throw RetentionError(.notFound, code: "database_not_found", "\(path) is an empty file, not a Retention database yet; it was left untouched.")
                }
                chmod(path, 0o600)
            }
        }
        var db: OpaquePointer?
        busyWaiter = BusyWaiter(path: path, limitMilliseconds: options.busyTimeoutMilliseconds, notice: options.waitNotice,
                                noticeAfterMilliseconds: options.noticeAfterMilliseconds)
        var flags = (options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX
        var name = path
        if options.readOnly && path != ":memory:" && !Database.canReadInPlace(path: path) {
            // A read-only connection to a write-ahead-log book still needs its `-shm` file, which cannot be
            // made in a folder this user cannot write (a snapshot on a read-only mount, a book another user
            // owns): such a book is read as immutable, as the file is, with no shared memory and no locks.
            name = Database.immutableURI(path)
            flags |= SQLITE_OPEN_URI
        }
        let rc = sqlite3_open_v2(name, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw RetentionError.storage("Cannot open database \(path): \(message).")
        }
        handle = db
        installBusyHandler()
        sqlite3_extended_result_codes(db, 1)
        do {
            // Reading the schema is the first access to the file: a file that is not SQLite fails here,
            // before anything is written to it. Another program's SQLite file (tables, and an application id
            // other than Retention's) is not switched to WAL journaling either: `Store` refuses it untouched.
            let tables = try scalarInt("SELECT count(*) FROM sqlite_master")
            let foreign = try tables > 0 && path != ":memory:" && Int32(truncatingIfNeeded: scalarInt("PRAGMA application_id")) != Migrations.applicationID
            if !options.readOnly && !foreign {
                // A new, empty file is made in incremental auto-vacuum mode (`retention maintenance` gives the pages
                // thinned history frees back to the disk); the mode can only be chosen before the first table and
                // before WAL journaling writes the file's header. Older files are converted once by maintenance.
                if tables == 0 && path != ":memory:" { try execute("PRAGMA auto_vacuum=INCREMENTAL") }
                try execute("PRAGMA journal_mode=WAL")
            }
            // Temporary tables and sorts (whole-book aggregates on a large book) spill to an unlinked
            // temporary file past a small cache instead of growing the process: memory stays bounded.
            try execute("PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; PRAGMA synchronous=NORMAL; PRAGMA temp_store=FILE; PRAGMA cache_size=-\(max(256, options.cacheKiB))")
            try registerFunctions()
        } catch let error as RetentionError {
            cache.removeAll()
            sqlite3_close_v2(db)
            if error.code == "not_a_database" || error.code == "disk_full" { throw error }
            throw RetentionError(.storage, code: "database_unreadable", "Cannot use \(path) as a Retention database: \(error.message)")
        }
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Creates an empty file readable and writable by its owner only (0600), before SQLite touches it,
    /// so personal data never sits in a world-readable file even for a moment.
    private static func createPrivateFile(at path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw RetentionError.storage("Cannot create the folder \(dir): \(error.localizedDescription)")
            }
        }
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = errno
            // A symbolic link whose target is missing: O_EXCL refuses to create through it ("File exists"),
            // which names neither the link nor what is missing.
            if reason == EEXIST, let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                throw RetentionError.storage("Cannot create the database file \(path): it is a symbolic link to \(target), which does not exist. Point --db at the book itself, or remove the link.")
            }
            throw RetentionError.storage("Cannot create the database file \(path): \(String(cString: strerror(reason))).")
        }
        fchmod(fd, 0o600) // umask may have narrowed it further; never widen beyond 0600
        close(fd)
    }

    /// Whether a read-only connection can read the book at `path` as it is (false when its write-ahead log's
    /// shared memory cannot be opened or made: the folder is not writable and no `-shm` file is there).
    private static func canReadInPlace(path: String) -> Bool {
        // Only a folder this user cannot write, with no `-shm` file in it, can stop it (no probe otherwise).
        let folder = (path as NSString).deletingLastPathComponent
        guard access(folder.isEmpty ? "." : folder, W_OK) != 0, access(path + "-shm", F_OK) != 0 else { return true }
        var probe: OpaquePointer?
        defer { if let probe { sqlite3_close_v2(probe) } }
        guard sqlite3_open_v2(path, &probe, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let probe else { return true }
        let rc = sqlite3_exec(probe, "SELECT count(*) FROM sqlite_master", nil, nil, nil)
        let extended = sqlite3_extended_errcode(probe)
        return !(rc != SQLITE_OK && (extended == 1544 /* SQLITE_READONLY_DIRECTORY */ || rc == SQLITE_CANTOPEN || extended == 1288 /* SQLITE_READONLY_CANTINIT */))
    }

    /// `file:PATH?immutable=1`, the path percent-encoded where a URI needs it.
    private static func immutableURI(_ path: String) -> String {
        var encoded = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"): encoded += String(format: "%%%02X", byte)
            default: encoded += String(decoding: [byte], as: UTF8.self)
            }
        }
        return "file:" + encoded + "?immutable=1"
    }

    private static func isEmptyFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && st.st_size == 0
    }

    private static func checkExistingFile(at path: String, refuseWritableByOthers: Bool) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw RetentionError.storage("Cannot read \(path): \(String(cString: strerror(errno))).")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw RetentionError.storage("\(path) is not a regular file.")
        }
        if refuseWritableByOthers { try checkStrictPermissions(path, st) }
        // The file's content is not read here: opening and closing a second descriptor on it would drop
        // every POSIX lock this process holds on it, including those of connections already open, and the
        // next process to close its own connection would then take itself for the last one and delete the
        // write-ahead log under them. A file that is not SQLite fails at the first read instead (see
        // `error(_:context:)`), before anything is written to it.
    }

    /// `RETENTION_STRICT_PERMISSIONS`: the database, its `-wal` and `-shm` files and its folder must belong
    /// to this user; the files must not be readable or writable by anyone else, and the folder must not be
    /// writable by others (who could replace the file or plant a log) unless it has the sticky bit.
    static func checkStrictPermissions(_ path: String, _ st: stat) throws {
        func refuse(_ what: String, _ file: String, _ fix: String) throws -> Never {
            throw RetentionError(.storage, code: "unsafe_permissions", "\(file) \(what); run `\(fix)` first (RETENTION_STRICT_PERMISSIONS is on).")
        }
        let me = geteuid()
        for (file, info) in [(path, Optional(st)), (path + "-wal", nil), (path + "-shm", nil)] {
            var s = stat()
            if let info { s = info } else if lstat(file, &s) != 0 { continue }
            if (s.st_mode & S_IFMT) == S_IFLNK { try refuse("is a symbolic link", file, "rm \(file)") }
            if s.st_uid != me { try refuse("belongs to another user (uid \(s.st_uid))", file, "chown \(me) \(file)") }
            if (s.st_mode & 0o077) != 0 {
                try refuse("can be read or written by other users (mode \(String(s.st_mode & 0o777, radix: 8)))", file, "chmod 600 \(file)")
            }
        }
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var d = stat()
        if stat(folder, &d) == 0 {
            if (d.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (d.st_mode & S_ISVTX) == 0 {
                try refuse("can be written by other users, who could replace the database (mode \(String(d.st_mode & 0o777, radix: 8)))", "The folder \(folder)",
                           "chmod go-w \(folder)")
            }
            if d.st_uid != me && d.st_uid != 0 { try refuse("belongs to another user (uid \(d.st_uid))", "The folder \(folder)", "chown \(me) \(folder)") }
        }
    }

    /// Whether `RETENTION_STRICT_PERMISSIONS`'s value turns the check on: 1, true, yes or on, in any case.
    public static func isTrue(_ value: String?) -> Bool {
        guard let v = value?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return ["1", "true", "yes", "on"].contains(v)
    }

    // MARK: Errors

    fileprivate func error(_ rc: Int32, context: String) -> RetentionError {
        let message = String(cString: sqlite3_errmsg(handle))
        let primary = rc & 0xFF
        if primary == SQLITE_CONSTRAINT {
            return RetentionError(.conflict, code: "constraint_violation", "The change breaks a database rule: \(message).")
        }
        if primary == SQLITE_NOTADB {
            return RetentionError(.storage, code: "not_a_database",
                                  "\(path) is not an SQLite database (it may be corrupt or another kind of file); it was left untouched.")
        }
        if primary == SQLITE_CORRUPT {
            return RetentionError(.storage, code: "database_corrupt", "The database \(path) is damaged: \(message).")
        }
        if primary == SQLITE_BUSY || primary == SQLITE_LOCKED {
            return RetentionError(.storage, code: "database_busy",
                                  "Another process kept \(path) busy for longer than \(options.busyTimeoutMilliseconds / 1000) s; nothing was written; try again. (\(context))")
        }
        if primary == SQLITE_FULL || primary == SQLITE_IOERR, let full = diskFullMessage(primary: primary) {
            return RetentionError(.storage, code: "disk_full", full)
        }
        if primary == SQLITE_IOERR {
            // The disk failed a read or a write (EIO): SQLite rolls back the transaction it was in, so a change is
            // written whole or not at all. (SQLite's last system error is not always the write's: no errno is named.)
            return RetentionError(.storage, code: "io_error",
                                  "The disk holding \(path) reported an I/O error while \(context) (\(message), code \(rc)): the change it was writing was not written, and \(path) keeps its last complete state. Check the disk (the system log: dmesg) and try again.")
        }
        return RetentionError.storage("Database error while \(context): \(message) (code \(rc)).")
    }

    /// What to say when an error is the disk filling up: SQLITE_FULL, or an I/O error whose cause is no space
    /// (ENOSPC, a quota, a file-size limit) or happened with no space left where the database is. Nil otherwise.
    private func diskFullMessage(primary: Int32) -> String? {
        let errno = sqlite3_system_errno(handle)
        let relative = path == ":memory:" ? "." : ((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
        let folder = URL(fileURLWithPath: relative).standardizedFileURL.path
        let free = Database.freeBytes(folder)
        // SQLite's last system error is not always the write's (it reads `errno` late), so a file-size limit
        // (`ulimit -f`) is also recognised by a database or log file that has reached it.
        let sizeLimited = errno == EFBIG || Database.atFileSizeLimit([path, path + "-wal", path + "-shm"])
        let noSpace = errno == ENOSPC || errno == EDQUOT || sizeLimited || (free.map { $0 < 1 << 20 } ?? false)
        guard primary == SQLITE_FULL || noSpace else { return nil }
        let reason = sizeLimited ? "the file-size limit (ulimit -f) was reached" : errno == EDQUOT ? "the disk quota is used up" : "no space left"
        var where_ = "The disk holding \(folder) is full (\(reason))"
        if free.map({ $0 >= 1 << 20 }) ?? false {
            // Space is left beside the database: SQLite's temporary files (sorts, temporary tables) filled theirs.
            let tmp = ProcessInfo.processInfo.environment["SQLITE_TMPDIR"] ?? ProcessInfo.processInfo.environment["TMPDIR"] ?? "/var/tmp or /tmp"
            where_ = "The disk holding \(path) or SQLite's temporary folder (\(tmp)) is full (\(reason))"
        }
        return "\(where_): the change that needed the space was not written; \(path) keeps its last complete state. Free some space and try again."
    }

    /// Whether a file-size limit is set and one of `files` is within 64 KiB of it (a write past it fails with EFBIG).
    static func atFileSizeLimit(_ files: [String]) -> Bool {
        var limit = rlimit()
        #if os(Linux)
        let resource = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
        #else
        let resource = RLIMIT_FSIZE
        #endif
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur != rlim_t.max else { return false }
        return files.contains { file in
            var st = stat()
            return stat(file, &st) == 0 && UInt64(st.st_size) + 65_536 >= UInt64(limit.rlim_cur)
        }
    }

    /// Bytes free for this user on the file system holding `folder`, if it can be told.
    static func freeBytes(_ folder: String) -> UInt64? {
        var fs = statvfs()
        guard statvfs(folder, &fs) == 0 else { return nil }
        return UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
    }

    /// Records that SQLite ended the open transaction by itself after `error` (see `abortedTransaction`).
    fileprivate func noteFailure(_ error: RetentionError) {
        if transactionDepth > 0 && abortedTransaction == nil && sqlite3_get_autocommit(handle) != 0 {
            abortedTransaction = error
        }
    }

    // MARK: Running SQL

    /// Runs SQL text with no parameters (schema, pragmas). Never used with data.
    public func execute(_ sql: String) throws {
        if let aborted = abortedTransaction { throw aborted }
        var errmsg: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errmsg)
        if rc != SQLITE_OK {
            let e = error(rc, context: "running \(sql.prefix(60))")
            sqlite3_free(errmsg)
            noteFailure(e)
            throw e
        }
    }

    /// The texts of the statements in the connection's cache, for tests.
    var cachedStatementSQL: [String] { Array(cache.keys) }

    /// A statement for `sql` that is the caller's own, not kept in the connection's cache: finalized when the
    /// caller lets it go (for one whose bindings point into memory the caller owns, `TextArena`).
    func uncachedStatement(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// A cached prepared statement for `sql`. Statements are prepared once per connection.
    public func statement(_ sql: String) throws -> Statement {
        if let s = cache[sql] { return s }
        let s = try Statement(database: self, sql: sql)
        cache[sql] = s
        return s
    }

    /// Runs one statement that returns no rows.
    public func run(_ sql: String, _ params: [SQLValue] = []) throws {
        try run(try statement(sql), params)
    }

    /// Runs a statement prepared earlier that returns no rows.
    public func run(_ statement: Statement, _ params: [SQLValue]) throws {
        try statement.bind(params)
        defer { statement.reset() }
        while try statement.step() {}
    }

    /// Runs a query and maps each row.
    public func query<T>(_ sql: String, _ params: [SQLValue] = [], _ map: (Row) throws -> T) throws -> [T] {
        let s = try statement(sql)
        try s.bind(params)
        defer { s.reset() }
        var out: [T] = []
        while try s.step() { out.append(try map(s.row)) }
        return out
    }

    /// Runs a query and calls `body` for each row without collecting them (streaming, constant memory).
    public func forEach(_ sql: String, _ params: [SQLValue] = [], _ body: (Row) throws -> Void) throws {
        let s = try statement(sql)
        try s.bind(params)
        defer { s.reset() }
        while try s.step() { try body(s.row) }
    }

    /// The first row mapped, or nil.
    public func queryOne<T>(_ sql: String, _ params: [SQLValue] = [], _ map: (Row) throws -> T) throws -> T? {
        let s = try statement(sql)
        try s.bind(params)
        defer { s.reset() }
        return try s.step() ? try map(s.row) : nil
    }

    public func scalarInt(_ sql: String, _ params: [SQLValue] = []) throws -> Int {
        try queryOne(sql, params) { $0.int(0) } ?? 0
    }

    public func scalarDouble(_ sql: String, _ params: [SQLValue] = []) throws -> Double? {
        try queryOne(sql, params) { $0.optionalDouble(0) } ?? nil
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Changes whenever another connection commits to the file (`PRAGMA data_version`): a cheap test
    /// for "has anything changed since I last looked".
    public func dataVersion() throws -> Int { try scalarInt("PRAGMA data_version") }

    /// Runs `body` with another busy timeout (how long a statement waits for another connection's lock),
    /// then restores the connection's own.
    public func waitingForLocksAtMost<T>(milliseconds: Int32, _ body: () throws -> T) rethrows -> T {
        let before = busyWaiter.limitMilliseconds
        busyWaiter.limitMilliseconds = milliseconds
        defer { busyWaiter.limitMilliseconds = before }
        return try body()
    }

    /// Waits for other connections' locks through `BusyWaiter` (SQLite calls it each time a lock is busy).
    private func installBusyHandler() {
        sqlite3_busy_handler(handle, { context, count in
            guard let context else { return 0 }
            return Unmanaged<BusyWaiter>.fromOpaque(context).takeUnretainedValue().shouldRetry(count: count) ? 1 : 0
        }, Unmanaged.passUnretained(busyWaiter).toOpaque())
    }

    /// False while a transaction is open on this connection.
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    // MARK: Transactions

    /// Runs `body` in a transaction that commits when it returns and rolls back when it throws.
    /// Write transactions begin IMMEDIATE so two writers queue on the busy timeout instead of failing
    /// mid-transaction. Nested calls become savepoints.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if transactionDepth > 0 {
            let name = "sp\(transactionDepth)"
            try execute("SAVEPOINT \(name)")
            transactionDepth += 1
            do {
                let result = try body()
                transactionDepth -= 1
                try execute("RELEASE \(name)")
                return result
            } catch {
                transactionDepth -= 1
                try? execute("ROLLBACK TO \(name); RELEASE \(name)")
                throw error
            }
        }
        try execute("BEGIN IMMEDIATE")
        transactionDepth = 1
        do {
            let result = try body()
            if let aborted = abortedTransaction { throw aborted }
            do {
                try execute("COMMIT")
            } catch {
                // A COMMIT that fails on a full disk has been rolled back by SQLite (it is not left open).
                if !isAutocommit { abortedTransaction = nil; try? execute("ROLLBACK") }
                throw error
            }
            transactionDepth = 0
            return result
        } catch {
            let aborted = abortedTransaction
            abortedTransaction = nil
            transactionDepth = 0
            if !isAutocommit { try? execute("ROLLBACK") }
            if let e = (aborted ?? (error as? RetentionError)), e.code == "disk_full" { giveBackLogSpace() }
            throw error
        }
    }

    /// Runs `body` in a transaction (see `transaction(_:)`) without SQLite's per-row foreign-key lookups,
    /// for set-based writes whose every reference is taken from a row the same statement reads (an
    /// `INSERT … SELECT` over existing parents cannot break a reference, so the lookups only cost time:
    /// four per touchpoint a campaign lays out). SQLite cannot change the setting inside a transaction,
    /// so a call nested in one runs with the checks as they are; the setting is restored afterwards.
    @discardableResult
    public func transactionWithoutForeignKeyChecks<T>(_ body: () throws -> T) throws -> T {
        guard transactionDepth == 0 else { return try transaction(body) }
        try execute("PRAGMA foreign_keys=OFF")
        defer { try? execute("PRAGMA foreign_keys=ON") }
        return try transaction(body)
    }

    public var isInTransaction: Bool { transactionDepth > 0 }

    /// After a write failed on a full disk: folds what the write-ahead log holds into the file and truncates
    /// the log, so the pages of the rolled-back transaction stop taking the space (a 20 MB log kept a 24 MB
    /// disk full, and every later write failed). Does not wait for readers; if one is active the log stays
    /// until the last connection closes.
    func giveBackLogSpace() {
        guard path != ":memory:", !options.readOnly else { return }
        waitingForLocksAtMost(milliseconds: 0) { try? execute("PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// `PRAGMA wal_checkpoint(TRUNCATE)` and whether it finished: every page of the write-ahead log copied into
    /// the database file and the log emptied. It does not finish while another connection reads an older
    /// snapshot (those pages must stay for it); it waits for such readers as long as the busy wait allows.
    public func checkpointAndTruncate() throws -> Bool {
        guard path != ":memory:" else { return true }
        guard let (busy, _, _) = try queryOne("PRAGMA wal_checkpoint(TRUNCATE)", [], { ($0.int(0), $0.int(1), $0.int(2)) }) else { return false }
        return busy == 0
    }

    /// True while a statement of this connection is stepped but not yet reset or finished: such a statement
    /// holds the connection's read snapshot (WAL) open, so later reads would not see other connections' commits.
    public var hasStatementInProgress: Bool {
        var statement = sqlite3_next_stmt(handle, nil)
        while let s = statement {
            if sqlite3_stmt_busy(s) != 0 { return true }
            statement = sqlite3_next_stmt(handle, s)
        }
        return false
    }

    // MARK: SQL functions

    /// Registers the functions our SQL calls on this connection:
    /// - `retention_ordered_uuid(prefix, counter)`: a time-ordered id for row `counter` (a non-negative
    ///   integer below 2⁶²) of a set-based insert, `prefix` being `TimeOrderedID.prefix()` (19 characters:
    ///   time, version and 12 random bits); the rest is the variant and the counter (RFC 9562 §6.2,
    ///   method 1), so one insert's ids ascend with the counter. Same text as `TimeOrderedID.ordered`;
    ///   SQLite's `printf` spent 1.8 µs per id on it, a tenth of a whole activation.
    private func registerFunctions() throws {
        let rc = sqlite3_create_function_v2(handle, "retention_ordered_uuid", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, { context, _, arguments in
            guard let arguments, let prefix = sqlite3_value_text(arguments[0]), sqlite3_value_bytes(arguments[0]) == TimeOrderedID.prefixLength,
                  sqlite3_value_type(arguments[1]) == SQLITE_INTEGER, sqlite3_value_int64(arguments[1]) >= 0 else {
                sqlite3_result_error(context, "retention_ordered_uuid(prefix, counter) needs a 19-character prefix and a non-negative integer", -1)
                return
            }
            let counter = UInt64(sqlite3_value_int64(arguments[1]))
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: TimeOrderedID.length) { id in
                TimeOrderedID.writeOrdered(prefix: UnsafeBufferPointer(start: prefix, count: TimeOrderedID.prefixLength), counter: counter, into: id)
                sqlite3_result_text(context, UnsafeRawPointer(id.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(id.count), transient)
            }
        }, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc, context: "registering SQL functions") }
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try query("PRAGMA integrity_check") { $0.text(0) }.joined(separator: "; ")
    }
}

/// Waits for another connection's lock on behalf of SQLite (its busy handler): sleeps in short steps up to a
/// limit, and once a wait is longer than a second says what it waits for (the process holding the lock, read
/// from the kernel's lock table where there is one), so a long import makes others wait visibly instead of fail.
final class BusyWaiter {
    let path: String
    var limitMilliseconds: Int32
    let notice: (@Sendable (String) -> Void)?
    let noticeAfterMilliseconds: Int32
    private var started = 0.0
    private var announced = false

    init(path: String, limitMilliseconds: Int32, notice: (@Sendable (String) -> Void)?, noticeAfterMilliseconds: Int32) {
        self.path = path
        self.limitMilliseconds = limitMilliseconds
        self.notice = notice
        self.noticeAfterMilliseconds = noticeAfterMilliseconds
    }

    private static func seconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// `count`: how many times SQLite called before for the same lock (0 starts a new wait).
    func shouldRetry(count: Int32) -> Bool {
        let now = Self.seconds()
        if count == 0 { started = now; announced = false }
        let waited = now - started
        let limit = Double(limitMilliseconds) / 1000
        guard waited < limit else { return false }
        if !announced, let notice, waited * 1000 >= Double(noticeAfterMilliseconds) {
            announced = true
            notice("retention: waiting for \(Self.holder(of: path)) (up to \(Int(limit)) s in all)…")
        }
        let step = min(0.05, 0.001 * Double(1 << min(Int(count), 6)), max(0.001, limit - waited))
        usleep(useconds_t(step * 1_000_000))
        return true
    }

    /// Who holds `path`'s write-ahead-log locks, from /proc/locks (Linux): SQLite's WAL write lock is byte
    /// 120 of the `-shm` file, the readers' marks bytes 123 to 127. The lock table is read, the `-shm` file is
    /// not opened (closing a descriptor would drop this process's own locks on it).
    static func holder(of path: String) -> String {
        var st = stat()
        let generic = "another connection to \(path) to finish"
        guard stat(path + "-shm", &st) == 0, let table = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return generic }
        var writer: Int32?, readers: [Int32] = []
        for line in table.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 8, let pid = Int32(f[4]), pid != getpid(), let inode = UInt64(f[5].split(separator: ":").last ?? ""),
                  inode == UInt64(st.st_ino), let start = Int(f[6]) else { continue }
            let end = Int(f[7]) ?? Int.max
            if f[3] == "WRITE" && start <= 120 && 120 <= end { writer = pid }
            else if start <= 127 && end >= 123 && !readers.contains(pid) { readers.append(pid) }
        }
        func describe(_ pid: Int32) -> String {
            let raw = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
            // Another user's command line is quoted in a message: control characters (a line break, an escape) become spaces.
            let words = raw.split(separator: 0).map { word in
                String(String.UnicodeScalarView(String(decoding: word, as: UTF8.self).unicodeScalars.map {
                    CharacterSet.controlCharacters.contains($0) ? " " : $0 }))
            }
            let command = words.isEmpty ? "" : " (" + ([(words[0] as NSString).lastPathComponent] + words.dropFirst()).joined(separator: " ").prefix(120) + ")"
            return "process \(pid)\(command)"
        }
        if let writer { return "\(describe(writer)) to finish writing to \(path)" }
        if !readers.isEmpty { return "\(readers.prefix(3).map(describe).joined(separator: ", ")) to finish reading \(path)" }
        return generic
    }
}
