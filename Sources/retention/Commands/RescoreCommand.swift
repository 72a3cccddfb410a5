import Foundation
import RetentionCore

/// `retention rescore [--customer ID]`: recomputes health and churn for the whole book (or one customer).
enum RescoreCommand {
    static let usage = "usage: retention rescore [--customer ID] [--quiet]"

    static let spec = CommandSpec(
        name: "rescore", summary: "Recompute health scores and churn risk for the whole book",
        usage: usage,
        help: """
        \(usage)

        Recomputes every customer's health score, churn probability and risk factors in one set-based pass,
        writes a history row for each, and records churn_risk_increased when a customer crosses into high or
        critical risk. Work is committed in chunks: an interruption loses nothing already written and never
        leaves a customer half-scored. On a terminal a progress line shows customers done of all, customers
        per second and the time left; a summary line at the end.

        Options:
          --customer ID   rescore one customer and print the health-score response
          --quiet         no progress line, only the summary (also when standard error is not a terminal)
        """,
        valueOptions: ["--customer"], flagOptions: ["--quiet"],
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        guard args.positionals.isEmpty else { throw UsageError(message: "unexpected \(args.positionals[0])", usage: usage) }
        let engine = try env.openEngine(create: false)
        if let id = args.value("--customer") {
            Output.out(try engine.calculateHealthScore(customerId: id, now: env.now).json.serialized(pretty: env.stdoutIsTerminal))
            return ExitCode.ok
        }
        // Scores read who is in force: policies past expiration and grace end first.
        let expiry = try engine.expireOverduePolicies(now: env.now)
        if !expiry.isEmpty { Output.out("Policies past their renewal grace: \(expiry.description).") }
        let started = Date()
        let progress = ProgressLine.forCommand(args, env)
        let summary = try engine.rescore(now: env.now) { done, total in progress.progress("rescore", done: done, total: total) }
        progress.finish()
        let risk = ChurnRisk.allCases.map { "\(summary.byRisk[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        Output.out("Rescored \(summary.customers) customers in \(String(format: "%.1f", Date().timeIntervalSince(started))) s: \(risk); \(summary.riskIncreases) rose to high or critical.")
        return ExitCode.ok
    }
}
