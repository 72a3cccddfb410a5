import Foundation
import RetentionCore

/// `retention rescore [--changed | --customer ID]`: recomputes health and churn for the whole book, the
/// customers changed since their last score, or one customer.
enum RescoreCommand {
    static let usage = "usage: retention rescore [--changed | --customer ID] [--quiet]"

    static let spec = CommandSpec(
        name: "rescore", summary: "Recompute health scores and churn risk for the whole book",
        usage: usage,
        help: """
        \(usage)

        Recomputes every customer's health score, churn probability and risk factors in one set-based pass
        and records churn_risk_increased when a customer crosses into high or critical risk. The current score
        is always updated; a history row is added only when the score moved materially since the customer's
        last one or the interval passed (`retention config`: history.minHealthChange, history.minChurnChange,
        history.maxIntervalDays). The full rescore commits once, at the end (an interruption leaves the book
        as it was); `--changed` commits in chunks (an interruption loses nothing already written); neither
        ever leaves a customer half-scored. On a terminal a progress line shows customers done of all,
        customers per second and the time left; a summary line at the end.

        Run the full rescore nightly (scores move with time: tenure, days since contact, renewals coming up);
        after an import or sync, `--changed` rescores just the customers whose rows changed.

        Options:
          --changed       only customers with a row (their own, a policy, an event, a touchpoint) newer than
                          their last score, or never scored
          --customer ID   rescore one customer and print the health-score response (always adds a history row)
          --quiet         no progress line, only the summary (also when standard error is not a terminal)
        """,
        valueOptions: ["--customer"], flagOptions: ["--changed", "--quiet"],
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        guard args.positionals.isEmpty else { throw UsageError(message: "unexpected \(args.positionals[0])", usage: usage) }
        let engine = try env.openEngine(create: false)
        if let id = args.value("--customer") {
            if args.flag("--changed") { throw UsageError(message: "--changed and --customer go separately", usage: usage) }
            Output.out(try engine.calculateHealthScore(customerId: id, now: env.now).json.serialized(pretty: env.stdoutIsTerminal))
            return ExitCode.ok
        }
        // Scores read who is in force: policies past expiration and grace end first.
        let expiry = try engine.expireOverduePolicies(now: env.now)
        if !expiry.isEmpty { Output.out("Policies past their renewal grace: \(expiry.description).") }
        let started = Date()
        let progress = ProgressLine.forCommand(args, env)
        let changed = args.flag("--changed")
        let summary = try engine.rescore(changed ? .changed : .all, now: env.now) { progress.observe($0) }
        progress.finish()
        Output.out(summaryLine(summary, changed: changed, seconds: Date().timeIntervalSince(started)))
        return ExitCode.ok
    }

    /// The rescore's outcome on one line (a cron log greps it): the risk levels of the customers with a policy
    /// in force (snoozed ones too, whom the at-risk queue leaves out), the others apart, the rises (a first score
    /// is no rise), and the history rows written.
    static func summaryLine(_ summary: Engine.RescoreSummary, changed: Bool, seconds: Double) -> String {
        let inForce = summary.customers - summary.outOfForce
        let risk = ChurnRisk.allCases.map { "\(summary.byRisk[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        let without = summary.outOfForce > 0 ? "; \(summary.outOfForce) without one (former customers and prospects: not in the at-risk queue)" : ""
        let first = summary.firstScores > 0 ? " (\(summary.firstScores) scored for the first time, which raises no alert)" : ""
        return "Rescored \(summary.customers) \(changed ? "changed " : "")customer\(summary.customers == 1 ? "" : "s") in \(String(format: "%.1f", seconds)) s: "
            + "\(inForce) with a policy in force (\(risk))\(without); \(summary.riskIncreases) rose to high or critical\(first); "
            + "\(summary.historyRows) history row\(summary.historyRows == 1 ? "" : "s") added."
    }
}
