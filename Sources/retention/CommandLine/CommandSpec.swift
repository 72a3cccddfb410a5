import Foundation
import RetentionTUI
import RetentionCore

/// Exit codes, after BSD sysexits where one fits.
enum ExitCode {
    static let ok: Int32 = 0
    /// The engine refused the operation (an `api` call answered with a 4xx status).
    static let refused: Int32 = 1
    static let usage: Int32 = 64
    /// A data file (CSV, JSON body) is malformed.
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    /// Errors that mean an input is not there (no database at the path, a body file that cannot be read): 66.
    static let noInputCodes: Set<String> = ["database_not_found", "body_unreadable"]
    static let software: Int32 = 70
    /// The database or file system failed.
    static let ioError: Int32 = 74
    /// Done in part; the rest happens later by itself (an erasure whose old copies a reader still holds).
    static let tempFail: Int32 = 75
}

/// One sub-command: its name, its one-line summary, its full help, its options, and what it does.
struct CommandSpec: Sendable {
    var name: String
    var summary: String
    var usage: String
    var help: String
    var valueOptions: Set<String> = []
    var flagOptions: Set<String> = []
    var run: @Sendable (ParsedArguments, CommandEnvironment) throws -> Int32
}

/// What every command may use: the resolved database path, the acting user, the clock, the streams.
struct CommandEnvironment: Sendable {
    var arguments: ParsedArguments
    var environment: [String: String] = ProcessInfo.processInfo.environment

    /// Who is acting, for the audit trail: `--user`, else `$USER` or `$LOGNAME`, else the login name of the
    /// process's user (a cron job or a service may have neither variable set).
    var user: String {
        if let given = arguments.value("--user") ?? environment["USER"] ?? environment["LOGNAME"], !given.isEmpty { return given }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(getuid())"
    }
    var databasePath: String { DatabaseLocation.resolve(explicit: arguments.value("--db"), environment: environment) }
    var now: Int { Timestamp.now() }
    var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Opens (creating if needed) the configured database and returns an engine over it. A write waits up to
    /// `lockWaitSeconds` for another one (`RETENTION_LOCK_WAIT_SECONDS` overrides it).
    func openEngine(create: Bool = true, lockWaitSeconds: Int32 = 600) throws -> Engine {
        var options = Database.Options()
        options.create = create
        options.refuseGroupOrWorldWritable = Database.isTrue(environment["RETENTION_STRICT_PERMISSIONS"])
        // A write waits for another one (a long import, a rescore) instead of failing, and says so on stderr.
        options.waitNotice = { Output.err($0) }
        options.busyTimeoutMilliseconds = lockWaitSeconds * 1000
        if let seconds = environment["RETENTION_LOCK_WAIT_SECONDS"].flatMap(Int32.init), seconds >= 0 {
            options.busyTimeoutMilliseconds = seconds.multipliedReportingOverflow(by: 1000).overflow ? Int32.max : seconds * 1000
        }
        let path = databasePath
        // What a killed load into a new book left beside it (`<book>.building-<pid>`, its process gone) goes
        // with the next command that opens the book, whatever the command.
        Store.removeAbandonedBuilds(beside: path)
        return Engine(database: try Store.open(path: path, options: options) { from, to in
            Output.err(Store.upgradeNotice(path: path, from: from, to: to))
        }, user: user)
    }
}

/// Where commands write. Text for a terminal is made display-safe line by line (``DisplayText``): data
/// from the book (a name, a note, an import's bad value quoted in an error) cannot reach the terminal as
/// a control or escape sequence that would retitle the window, set the clipboard or hide text. Output to
/// a file or a pipe is written exactly as it is (an export is the data, byte for byte). Messages on standard
/// error are always cleaned, wherever they go: they are read by people (in a terminal, or later from a log
/// with `cat`), and they may quote what a user typed or another program's command line.
enum Output {
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1

    static func out(_ s: String) { write(s + "\n", to: .standardOutput, terminal: stdoutIsTerminal) }
    static func err(_ s: String) { write(s + "\n", to: .standardError, terminal: true) }

    /// Writes `text` as it is, or display-safe when `terminal`.
    static func write(_ text: String, to handle: FileHandle, terminal: Bool) {
        handle.write(Data((terminal ? forTerminal(text) : text).utf8))
    }

    /// `text` with every line cleaned for display; its line breaks kept.
    static func forTerminal(_ text: String) -> String {
        DisplayText.lines(text).joined(separator: "\n")
    }
}
