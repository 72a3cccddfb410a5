import Foundation
import RetentionCore

/// `retention import customers|policies|events FILE.csv [--dry-run] [--sync [--full]] [--map MAP]`.
enum ImportCommand {
    static let usage = "usage: retention import customers|policies|events FILE.csv [--sync [--full]] [--map MAP] [--dry-run] [--timings] [--quiet]"

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

        With --sync the file is another system's current view of the book (a nightly export): rows are
        matched by their key (a customer by leadId, a policy by policyNumber, an event by id, else by
        customer, type, time and data); new rows are inserted, changed ones updated as what they mean (a
        renewal, a lapse, a premium change, an audited customer update), equal ones left alone. The same
        file twice writes nothing the second time. A row the lifecycle forbids (a cancelled policy made
        active) is printed with line, column and reason, and nothing is written (exit 65).

        Options:
          --sync      match rows with the book: insert, update, leave alone (see the README)
          --full      with --sync: the file is the whole book; report the customers or policies it lacks
                      (how many, the first five), never delete or change them
          --map MAP   read the file through a mapping file: column renames, ignored columns, value maps
                      (status codes, line names), date formats, defaults (see the README); a bad map is
                      an error naming its line (exit 64)
          --dry-run   check the file and report, write nothing (by reads alone: other writers never wait for it);
                      with --sync, print the diff: new, changed (which fields, how many each), unchanged
          --timings   print on stderr the wall time of each phase (reading, checking and writing the rows;
                      building the indexes put off; indexing the new customers for search; committing).
                      A real import of customers or events holds the book's write lock through all of
                      them; one of policies reads and checks its rows without it, and holds it to write
                      them and commit.
          --quiet     no progress line: print only the summary (also the behaviour when standard error is
                      not a terminal)

        On a terminal a progress line shows the phase, the rows done of the file's (estimated) rows, rows per
        second and the time left. A file is read as it is imported, never held whole, whatever its kind, and so is
        standard input ("-") or a pipe; so is a file synced, or read through a map (mapped as it is read into a
        scratch file beside the book, which is removed at once). Customers loaded into a book that does not exist
        yet are written to a new file beside it, put in place only once the import succeeded.
        """,
        valueOptions: ["--map"],
        flagOptions: ["--dry-run", "--timings", "--sync", "--full", "--quiet"],
        run: run)

    /// What an import reads: a regular file, a pipe, a FIFO or standard input, each read as it is parsed (a chunk
    /// at a time, never held whole).
    enum Input {
        case file(FileHandle)

        func reader(name: String) -> CSV.Reader {
            switch self {
            case .file(let handle): CSV.Reader(file: handle, name: name)
            }
        }
    }

    /// Opens `path` ("-": standard input); nil (with the reason printed) when it cannot be read.
    static func open(_ path: String) throws -> Input? {
        if path == "-" { return .file(FileHandle.standardInput) }
        var isFolder: ObjCBool = false
        // A regular file, or a pipe or a FIFO (`/dev/stdin`, `<(…)`): read as it is parsed either way.
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
           let handle = FileHandle(forReadingAtPath: path) {
            return .file(handle)
        }
        let reason = !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) ? "there is no such file"
            : isFolder.boolValue ? "it is a folder, not a CSV file" : "it cannot be read (check its permissions)"
        Output.err("retention import: cannot read \(path): \(reason).")
        return nil
    }

    /// A file for the mapped rows beside the book (the user's data stays on the book's disk, readable by its
    /// owner only), removed from its folder as soon as it is open: nothing is left behind, even by a kill.
    static func scratchFile(besideBook databasePath: String) throws -> FileHandle {
        let book = URL(fileURLWithPath: databasePath)
        for folder in [book.deletingLastPathComponent().path, NSTemporaryDirectory()] {
            let path = folder + "/.\(book.lastPathComponent).import-map-\(getpid())"
            let fd = Foundation.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 {
                unlink(path)
                return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            }
        }
        throw RetentionError.storage("retention import: cannot make a scratch file for the mapped rows beside \(databasePath) or in \(NSTemporaryDirectory()).")
    }

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        guard args.positionals.count == 2 else { throw UsageError(message: "expected a kind and a file", usage: usage) }
        guard let kind = ExchangeKind(rawValue: args.positionals[0]) else {
            throw UsageError(message: "unknown kind \"\(args.positionals[0])\"; use customers, policies or events", usage: usage)
        }
        let path = args.positionals[1]
        // What the messages call the file: its path, or "standard input" for "-".
        let shown = path == "-" ? "standard input" : path
        let progress = ProgressLine.forCommand(args, env)
        defer { progress.finish() }
        if args.flag("--full") && !args.flag("--sync") { throw UsageError(message: "--full goes with --sync", usage: usage) }
        if args.flag("--full") && kind == .events { throw UsageError(message: "--full is for customers and policies (a file never holds every event)", usage: usage) }
        var map: ColumnMap?
        if let mapPath = args.value("--map") {
            guard let mapData = FileManager.default.contents(atPath: mapPath) else {
                Output.err("retention import: cannot read the map \(mapPath).")
                return ExitCode.usage
            }
            do {
                map = try ColumnMap(text: try UTF8Text.decode(mapData, name: mapPath), kind: kind, name: mapPath)
            } catch let e as RetentionError {
                Output.err("retention import: \(e.message)")
                return ExitCode.usage
            }
        }
        guard var input = try open(path) else { return ExitCode.noInput }
        defer { if case .file(let handle) = input { try? handle.close() } }
        if let map {
            // The map is applied as the file is read, into a scratch file that the import then reads as it goes:
            // neither the file nor its mapped rows are ever held whole.
            let mapped = try scratchFile(besideBook: env.databasePath)
            var reader = input.reader(name: shown)
            var problems: [ImportProblem] = [], problemCount = 0
            _ = try map.apply(&reader, problems: { problemCount += 1; if problems.count < 50 { problems.append($0) } }) {
                try mapped.write(contentsOf: Data($0.utf8))
            }
            if problemCount > 0 {
                for p in problems { Output.err("\(shown): \(p)") }
                let firstShown = problemCount > 50 ? ", the first 50 shown" : ""
                Output.err("retention import: \(shown) has \(problemCount) bad row\(problemCount == 1 ? "" : "s")\(firstShown); nothing was imported.")
                return ExitCode.dataError
            }
            try mapped.seek(toOffset: 0)
            if case .file(let handle) = input { try? handle.close() }
            input = .file(mapped)
        }
        if args.flag("--sync") {
            let reader = input.reader(name: shown)
            let started = Date()
            let clock = PhaseClock()
            let run = { (engine: Engine) in
                try engine.syncCSV(kind, reader: reader, dryRun: args.flag("--dry-run"), full: args.flag("--full"), now: env.now,
                                   phases: { clock.observe($0); progress.observe($0) })
            }
            let result: SyncResult
            let newBook = args.flag("--dry-run") ? nil : try NewBookBuild.begin(at: env.databasePath)
            if let newBook {
                // Built like a load into a new book: the book appears only if the sync succeeds.
                result = try newBook.run(user: env.user, refused: { !$0.problems.isEmpty }, run)
            } else {
                result = try run(try env.openEngine(create: !args.flag("--dry-run")))
            }
            return printSync(result, path: shown, args: args, newBook: newBook != nil, started: started, clock: clock, progress: progress)
        }
        let source = input
        return try report(args, env, kind: kind, path: shown, progress: progress) { engine, phases in
            try engine.importCSV(kind, reader: source.reader(name: shown), dryRun: args.flag("--dry-run"), now: env.now, phases: phases)
        }
    }

    /// Runs the import on the book (creating it unless it is a dry run) with the progress line and the phases'
    /// clock watching, and prints its outcome.
    static func report(_ args: ParsedArguments, _ env: CommandEnvironment, kind: ExchangeKind, path: String, progress: ProgressLine,
                       _ importing: (Engine, @escaping (JobPhase) -> Void) throws -> ImportResult) throws -> Int32 {
        let started = Date()
        let clock = PhaseClock()
        let observe: (JobPhase) -> Void = { clock.observe($0); progress.observe($0) }
        let bookPath = env.databasePath
        let result: ImportResult
        if !args.flag("--dry-run"), let newBook = try NewBookBuild.begin(at: bookPath) {
            // A new book is built beside the path and put in place only if the import succeeds (`NewBookBuild`).
            result = try newBook.run(user: env.user, refused: { !$0.succeeded }) { try importing($0, observe) }
        } else {
            // A dry run writes nothing, so it does not create a database either.
            let engine = try env.openEngine(create: !args.flag("--dry-run"))
            result = try importing(engine, observe)
        }
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
        Output.out("\(path): \(verb) \(result.rows) \(result.rows == 1 ? kind.oneRow : kind.rawValue) in \(String(format: "%.2f", seconds)) s\(result.dryRun ? " (dry run: nothing written)" : "").")
        return ExitCode.ok
    }

    /// Prints a sync's outcome, once it is on disk: the diff, the refused rows, and how it ended.
    static func printSync(_ result: SyncResult, path: String, args: ParsedArguments, newBook: Bool, started: Date, clock: PhaseClock,
                          progress: ProgressLine) -> Int32 {
        let dryRun = args.flag("--dry-run")
        progress.finish()
        if args.flag("--timings") {
            for (phase, seconds) in clock.ended { Output.err("retention import: \(String(format: "%8.2f", seconds)) s  \(phase)") }
        }
        for line in summary(result, path: path) { Output.out(line) }
        if !result.problems.isEmpty {
            for p in result.problems { Output.err("\(path): \(p)") }
            let shown = result.problemCount > result.problems.count ? ", the first \(result.problems.count) shown" : ""
            Output.err("retention import: \(path) has \(result.problemCount) refused row\(result.problemCount == 1 ? "" : "s")\(shown)\(dryRun ? "; the sync would write nothing" : "; nothing was written").")
            return ExitCode.dataError
        }
        let seconds = Date().timeIntervalSince(started)
        let outcome = dryRun ? "dry run, nothing written" : result.wrote ? "synced" : newBook ? "no rows to sync; a new, empty book was made" : "already in sync, nothing written"
        Output.out("\(path): \(outcome) in \(String(format: "%.2f", seconds)) s.")
        return ExitCode.ok
    }

    /// The diff, one line a count: new, changed (with each field's count), unchanged, events, absent.
    static func summary(_ r: SyncResult, path: String) -> [String] {
        let verb = r.dryRun ? "would be" : ""
        func n(_ count: Int, _ what: String) -> String { "\(count) \(what)" }
        var lines = ["\(path): \(r.rows) \(r.kind.rawValue) rows: \(r.new) new, \(r.changed) changed, \(r.unchanged) unchanged\(r.problemCount > 0 ? ", \(r.problemCount) refused" : "")\(r.dryRun ? " (dry run)" : "")"]
        if !r.fieldCounts.isEmpty {
            lines.append("  changed fields: " + r.fieldCounts.map { "\($0.field) \($0.count)" }.joined(separator: ", "))
        }
        if !r.eventCounts.isEmpty {
            lines.append("  events \(verb.isEmpty ? "recorded" : "to record"): " + r.eventCounts.map { "\($0.type) \($0.count)" }.joined(separator: ", "))
        }
        if let absent = r.absentCount {
            let what = r.kind == .customers ? "customers (leads)" : "policies"
            lines.append("  not in the file (--full; left as they are): \(n(absent, what))\(r.absentKeys.isEmpty ? "" : ", first: " + r.absentKeys.joined(separator: ", "))")
        }
        return lines
    }
}
