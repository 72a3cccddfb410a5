import Foundation
import RetentionCore
import RetentionTUI

/// `retention tui` (and `retention` with no command): the full-screen dashboard.
enum TuiCommand {
    static let usage = "usage: retention [tui] [--db PATH] [--user NAME] [--refresh SECONDS] [--theme NAME] [--no-mouse]"

    static let spec = CommandSpec(
        name: "tui", summary: "Open the full-screen dashboard (the default command)",
        usage: usage,
        help: """
        \(usage)

        Opens the dashboard on the database: at-risk customers, upcoming renewals, campaign performance and
        customer detail, with live metrics in the header. Press ? inside for every key.

        Options:
          --refresh SECONDS  how often the numbers refresh (default 5; r refreshes at once, P pauses)
          --theme NAME       a theme from themes/ or $XDG_CONFIG_HOME/retention/themes (t cycles them)
          --no-mouse         leave the mouse to the terminal (its own text selection keeps working)
        """,
        valueOptions: ["--refresh", "--theme"], flagOptions: ["--no-mouse"],
        run: { args, env in
            // `retention --no-mouse api GET /x` is a mistake, not a dashboard: words after the options are refused.
            guard args.positionals.isEmpty else { throw UsageError(message: "unexpected \"\(args.positionals[0])\"", usage: usage) }
            return try open(args, env, databasePath: env.databasePath)
        })

    /// Whether `word` is one of the dashboard's own options (`--theme`, `--theme=dark`, `--refresh`, `--no-mouse`),
    /// which may come without the word `tui`.
    static func isDashboardOption(_ word: String) -> Bool {
        let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
        return spec.valueOptions.contains(name) || spec.flagOptions.contains(name)
    }

    /// `TERM=…` when that terminal type cannot draw the dashboard (unset, `dumb`, `unknown`); nil when it can.
    static func cannotDraw(_ term: String?) -> String? {
        let term = term ?? ""
        return ["", "dumb", "unknown"].contains(term) ? "TERM=\(term.isEmpty ? "(unset)" : term)" : nil
    }

    static func open(_ args: ParsedArguments, _ env: CommandEnvironment, databasePath: String) throws -> Int32 {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            Output.err("retention: the dashboard needs a terminal; use `retention api` or `retention help` from scripts.")
            return ExitCode.usage
        }
        // A terminal that cannot move its cursor (TERM=dumb: an editor's shell, a CI log) cannot show the
        // dashboard: it would stay at "loading…". The book's text report is printed instead, which it can show.
        if let term = cannotDraw(env.environment["TERM"]) {
            Output.err("retention: \(term) cannot draw the dashboard (it cannot move the cursor); here is the book's report instead. "
                + "Set TERM to your terminal's type (for example TERM=xterm-256color) for the dashboard.")
            let reportArgs = try ParsedArguments(["--db", databasePath], valueOptions: ReportCommand.spec.valueOptions, flagOptions: [], usage: ReportCommand.usage)
            var reportEnv = CommandEnvironment(arguments: reportArgs)
            reportEnv.environment = env.environment
            return try ReportCommand.run(reportArgs, reportEnv)
        }
        var options = DashboardOptions(databasePath: databasePath, user: env.user)
        if let r = args.value("--refresh") {
            guard let seconds = Double(r), seconds >= 0.5, seconds <= 3600 else {
                throw UsageError(message: "--refresh must be a number of seconds from 0.5 to 3600, got \"\(r)\"", usage: usage)
            }
            options.refreshSeconds = seconds
        }
        options.themeName = args.value("--theme")
        options.mouse = !args.flag("--no-mouse")
        // `retention bench` runs the dashboard as a child to time its first frame (see BenchCommand.DashboardProbe).
        let probe = BenchCommand.DashboardProbe(environment: env.environment)
        probe?.watch(&options)
        let status = try DashboardApp.run(options)
        probe?.writeReport()
        return status
    }
}
