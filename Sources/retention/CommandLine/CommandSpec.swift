import Foundation
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
    static let software: Int32 = 70
    /// The database or file system failed.
    static let ioError: Int32 = 74
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

    var user: String { arguments.value("--user") ?? environment["USER"] ?? environment["LOGNAME"] ?? "unknown" }
    var databasePath: String { DatabaseLocation.resolve(explicit: arguments.value("--db"), environment: environment) }
    var now: Int { Timestamp.now() }
    var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Opens (creating if needed) the configured database and returns an engine over it.
    func openEngine(create: Bool = true) throws -> Engine {
        var options = Database.Options()
        options.create = create
        options.refuseGroupOrWorldWritable = environment["RETENTION_STRICT_PERMISSIONS"] == "1"
        let path = databasePath
        return Engine(database: try Store.open(path: path, options: options) { from, to in
            Output.err(Store.upgradeNotice(path: path, from: from, to: to))
        }, user: user)
    }
}

/// Output helpers: stdout for results, stderr for messages.
enum Output {
    static func out(_ s: String) {
        FileHandle.standardOutput.write(Data((s + "\n").utf8))
    }
    static func err(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
}
