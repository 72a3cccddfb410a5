import Foundation
import RetentionCore

/// `retention import customers|policies|events FILE.csv [--dry-run]`.
enum ImportCommand {
    static let usage = "usage: retention import customers|policies|events FILE.csv [--dry-run] [--timings] [--quiet]"

    static let spec = CommandSpec(
        name: "import", summary: "Import customers, policies or events from a CSV file (all or nothing)",
        usage: usage,
        help: """
        \(usage)

        Reads an RFC 4180 CSV file whose header row names the spec's fields (retention export writes the
        same layout; see the README for every column). Every row is checked by the same rules as the API.
        If any row is bad nothing is imported: the first 50 bad rows are printed with line, column and
        reason, and the exit status is 65. Import customers first, then policies (customerId may be the
        customer's id or lead id), then events.

        Options:
          --dry-run   check the file and report, write nothing (by reads alone: other writers never wait for it)
          --timings   print on stderr the wall time of each phase (reading, checking and writing the rows;
                      building the indexes put off; rebuilding the customer totals; indexing the new
                      customers for search; committing). A real import of customers or events holds the
                      book's write lock through all of them; one of policies reads and checks its rows
                      without it, and holds it to write them and commit.
          --quiet     no progress line: print only the summary (also the behaviour when standard error is
                      not a terminal)

        On a terminal a progress line shows the phase, the rows done of the file's (estimated) rows, rows per
        second and the time left. A file of customers or events is read as it is imported, never held whole.
        """,
        flagOptions: ["--dry-run", "--timings", "--quiet"],
        run: run)

    /// The bytes of a pipe or FIFO (not a folder), or nil.
    static func readStream(_ path: String) -> Data? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
              let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return (try? handle.readToEnd()) ?? Data()
    }

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        guard args.positionals.count == 2 else { throw UsageError(message: "expected a kind and a file", usage: usage) }
        guard let kind = ExchangeKind(rawValue: args.positionals[0]) else {
            throw UsageError(message: "unknown kind \"\(args.positionals[0])\"; use customers, policies or events", usage: usage)
        }
        let path = args.positionals[1]
        let progress = ProgressLine.forCommand(args, env)
        defer { progress.finish() }
        // A regular file is read as it is parsed (a chunk at a time), never held whole.
        var isFolder: ObjCBool = false
        if path != "-", FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
           let attributes = try? FileManager.default.attributesOfItem(atPath: path), attributes[.type] as? FileAttributeType == .typeRegular,
           let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            return try report(args, env, kind: kind, path: path, progress: progress) { engine, phases in
                try engine.importCSV(kind, file: handle, name: path, dryRun: args.flag("--dry-run"), now: env.now, phases: phases)
            }
        }
        // A pipe or a FIFO (`/dev/stdin`, `<(…)`) is read like a file, whole.
        guard let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                : FileManager.default.contents(atPath: path) ?? readStream(path) else {
            var isFolder: ObjCBool = false
            let reason = !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) ? "there is no such file"
                : isFolder.boolValue ? "it is a folder, not a CSV file" : "it cannot be read (check its permissions)"
            Output.err("retention import: cannot read \(path): \(reason).")
            return ExitCode.noInput
        }
        let text = try UTF8Text.decode(data, name: path)
        return try report(args, env, kind: kind, path: path, progress: progress) { engine, phases in
            try engine.importCSV(kind, text: text, dryRun: args.flag("--dry-run"), now: env.now, phases: phases)
        }
    }

    /// Runs the import on the book (creating it unless it is a dry run) with the progress line and the phases'
    /// clock watching, and prints its outcome.
    static func report(_ args: ParsedArguments, _ env: CommandEnvironment, kind: ExchangeKind, path: String, progress: ProgressLine,
                       _ importing: (Engine, @escaping (JobPhase) -> Void) throws -> ImportResult) throws -> Int32 {
        // A dry run writes nothing, so it does not create a database either.
        let engine = try env.openEngine(create: !args.flag("--dry-run"))
        let started = Date()
        let clock = PhaseClock()
        let result = try importing(engine) { clock.observe($0); progress.observe($0) }
        progress.finish()
        if args.flag("--timings") {
            for (phase, seconds) in clock.ended { Output.err("retention import: \(String(format: "%8.2f", seconds)) s  \(phase)") }
        }
        if !result.problems.isEmpty {
            for p in result.problems { Output.err("\(path): \(p)") }
            let shown = result.problemCount > result.problems.count ? ", the first \(result.problems.count) shown" : ""
            Output.err("retention import: \(path) has \(result.problemCount) bad row\(result.problemCount == 1 ? "" : "s")\(shown); nothing was imported.")
            return ExitCode.dataError
        }
        let seconds = Date().timeIntervalSince(started)
        let verb = result.dryRun ? "would import" : "imported"
        Output.out("\(path): \(verb) \(result.rows) \(kind.rawValue) in \(String(format: "%.2f", seconds)) s\(result.dryRun ? " (dry run: nothing written)" : "").")
        return ExitCode.ok
    }
}
