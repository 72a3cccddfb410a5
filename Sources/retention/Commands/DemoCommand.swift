import Foundation
import RetentionCore

/// `retention demo`: builds a realistic demo book in its own database file and opens it.
enum DemoCommand {
    static let usage = "usage: retention demo [--customers N] [--seed S] [--db PATH] [--no-open] [--force] [--quiet]"

    static let spec = CommandSpec(
        name: "demo", summary: "Build a realistic demo book of business in its own database and open it",
        usage: usage,
        help: """
        \(usage)

        Creates a demo book (default 10,000 customers, seed 42) with dates relative to today (or --today):
        six agents, auto, home, renters, life (10-30 year terms), umbrella and commercial policies with
        plausible premiums and terms, multi-policy households, renewals re-rated (large increases drive
        lapses), payments, claims and complaints with their resolutions, NPS answers, contacts, customers
        who left and some who came back, and six campaigns in every state with their touchpoints through
        every stage. The same seed and day give the same book.

        The churn model is then trained on the book's own history (as `retention model train` does) and the
        book scored with it, so the probabilities are calibrated to the book. A book too small to check a
        model (fewer than 100 churned customers in the holdout: about 7,500 demo customers are needed) keeps
        the documented default coefficients, marked untrained, and the summary says so.

        The demo lives in its own file (default $XDG_DATA_HOME/retention/demo.db), never the real database.
        An existing demo file is replaced once the new book is complete (until then it stays as it was), but
        only while nobody has worked in it: a demo whose audit trail records a change made by a person
        (a contact or note logged, a customer assigned, snoozed or tagged, a task done, a campaign created or
        changed, an import, a setting) is refused unless --force is given; the message says how many changes
        it holds. To open an existing demo without rebuilding it: retention --db PATH. Any other file at that
        path (not a demo) is refused, even with --force.

        Options:
          --customers N   how many customers (default 10000: enough history to train and check the model)
          --seed S        the random seed (default 42)
          --db PATH       where to write the demo database
          --no-open       print a summary and exit instead of opening the dashboard
                          (also the behaviour when not on a terminal)
          --force         replace a demo book even if someone has worked in it
          --quiet         no progress line, only the summary (also when standard error is not a terminal)

        On a terminal a progress line shows the phase (writing the rows, the indexes, training, scoring),
        customers done of all, customers per second and the time left.
        """,
        valueOptions: ["--customers", "--seed", "--refresh", "--theme"], flagOptions: ["--no-open", "--no-mouse", "--force", "--quiet"],
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        guard args.positionals.isEmpty else { throw UsageError(message: "unexpected \(args.positionals[0])", usage: usage) }
        let count = try args.int("--customers", usage: usage, range: 1...10_000_000) ?? 10_000
        let seed = try args.int("--seed", usage: usage, range: 0...Int.max) ?? 42
        let path = DatabaseLocation.demo(explicit: args.value("--db"), environment: env.environment)
        try DemoDatabase.checkReplaceable(at: path, force: args.flag("--force"))
        let started = Date()
        let progress = ProgressLine.forCommand(args, env)
        defer { progress.finish() }
        // The book is written to a new file that takes the old demo's place once it is complete. Its customers
        // written are counted in the phase the book reports last.
        var phase = "write the rows"
        let summary = try Store.buildNewFile(at: path) { db in
            try DemoBook(customers: count, seed: UInt64(seed), now: env.now).generate(into: db, progress: { done in
                progress.progress(phase, done: done, total: count)
            }, phases: { report in
                if case .began(let name) = report { phase = name }
                progress.observe(report)
            })
        }
        progress.observe(.began("train the churn model"))
        // Train the churn model on the book it built, then score the book with it, so the at-risk queue and
        // the health numbers are there from the first frame and the probabilities fit this book.
        let db = try Store.open(path: path)
        let engine = Engine(database: db, user: env.user)
        let modelLine: String
        do {
            let report = try engine.trainChurnModel(now: env.now)
            modelLine = "Churn model #\(report.version) trained on the book: holdout AUC \(report.auc.map { String(format: "%.3f", $0) } ?? "n/a"), "
                + "calibration slope \(report.calibration.slope.map { String(format: "%.2f", $0) } ?? "n/a") (`retention --db \(path) report` shows the table)."
        } catch let error as RetentionError where error.code == "not_enough_history" {
            modelLine = "Churn model untrained (the documented default coefficients score the book). \(error.message)"
        }
        progress.observe(.began("score the book"))
        let scored = try engine.rescore(now: env.now) { done, total in progress.progress("score the book", done: done, total: total) }
        progress.finish()
        let seconds = Date().timeIntervalSince(started)
        Output.out("""
            Demo book written to \(path) in \(String(format: "%.1f", seconds)) s:
              \(summary.customers) customers (\(summary.activeCustomers) active), \(summary.policies) policies (\(summary.inForcePolicies) in force), \
            \(summary.events) events, \(summary.agents) agents; \(scored.customers) customers scored.
            \(modelLine)
            Try: retention --db \(path) api GET '/customers?limit=5'
            """)
        if args.flag("--no-open") || isatty(STDIN_FILENO) != 1 || isatty(STDOUT_FILENO) != 1 { return ExitCode.ok }
        return try TuiCommand.open(args, env, databasePath: path)
    }
}

/// The demo database file: replaced only if it is a demo.
enum DemoDatabase {
    /// Refuses a file at `path` that is not a demo database, and a demo someone has worked in unless `force`
    /// (a missing file is fine).
    static func checkReplaceable(at path: String, force: Bool = false) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        guard Store.isDemoBook(path: path) else {
            throw RetentionError(.conflict, code: "not_a_demo_database",
                                 "\(path) exists and is not a demo database; it was left untouched. Choose another path with --db.")
        }
        let work = workDone(at: path)
        guard force || work == 0 else {
            throw RetentionError(.conflict, code: "demo_has_work",
                                 "\(path) is a demo book someone has worked in (\(work) change\(work == 1 ? "" : "s") in its audit trail: contacts, notes, "
                                 + "assignments, tasks, campaigns, imports…); it was left untouched. Open it with `retention --db \(path)`, "
                                 + "choose another path with --db, or rebuild it anyway with --force.")
        }
    }

    /// The rule for "someone has worked in this demo": entries in its audit trail other than those the demo
    /// writes itself (user `demo`: its campaigns' history), rescoring and the training of the churn model (the demo does
    /// both when it builds the book; `retention rescore` and `retention model train` do them again), and the program's own upkeep (policies
    /// ended past their grace when the dashboard opens, work put off by a bulk load). Every change a person
    /// makes through retention (the dashboard, the api, an import, a setting) writes one.
    static func workDone(at path: String) -> Int {
        var options = Database.Options()
        (options.create, options.readOnly) = (false, true)
        guard let db = try? Database(path: path, options: options) else { return 0 }
        return (try? db.scalarInt("""
            SELECT count(*) FROM audit_log
            WHERE user_name <> 'demo' AND action NOT IN ('model.train', 'rescore', 'policy.expire') AND action NOT LIKE 'store.%'
            """)) ?? 0
    }
}
