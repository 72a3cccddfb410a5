import Foundation
import RetentionCore

/// `retention model train|show`: the churn model learned from the book.
enum ModelCommand {
    static let usage = "usage: retention model train [--horizon-months N] [--holdout F] [--seed S]\n       retention model show"

    static let spec = CommandSpec(
        name: "model", summary: "Train the churn model on the book's history, or show the model in use",
        usage: usage,
        help: """
        \(usage)

        train: builds examples from history (customers in force N months ago, features as of then, labelled
        churned when nothing is in force today), fits L2-regularised logistic regression by Newton/IRLS on all
        but a random holdout, prints holdout AUC, log-loss and Brier score next to the default model's AUC,
        and stores the model; every later score uses it. Run `retention rescore` afterwards.
        show: prints the model in use (trained or default) with its coefficients and metrics.

        Options:
          --horizon-months N  how far back the observation date lies (default 12)
          --holdout F         share of examples held out for evaluation (default 0.3)
          --seed S            seed of the holdout draw (default 42)
        """,
        valueOptions: ["--horizon-months", "--holdout", "--seed"],
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        guard let verb = args.positionals.first, args.positionals.count == 1 else { throw UsageError(message: "expected train or show", usage: usage) }
        let engine = try env.openEngine(create: false)
        switch verb {
        case "train":
            let horizon = try args.int("--horizon-months", usage: usage, range: 1...60) ?? 12
            var holdout = 0.3
            if let h = args.value("--holdout") {
                guard let v = Double(h), v > 0, v < 0.9 else { throw UsageError(message: "--holdout must be a share between 0 and 0.9, got \"\(h)\"", usage: usage) }
                holdout = v
            }
            let seed = try args.int("--seed", usage: usage, range: 0...Int.max) ?? 42
            let report = try engine.trainChurnModel(horizonMonths: horizon, holdout: holdout, seed: UInt64(seed), now: env.now)
            Output.out(report.json.serialized(pretty: true))
            Output.err("Model #\(report.version) stored: holdout AUC \(report.auc.map { String(format: "%.3f", $0) } ?? "n/a") (default coefficients \(report.defaultAUC.map { String(format: "%.3f", $0) } ?? "n/a")). Run `retention rescore` to apply it.")
        case "show":
            Output.out(try engine.churnModelDescription().serialized(pretty: true))
        default:
            throw UsageError(message: "unknown model command \"\(verb)\"", usage: usage)
        }
        return ExitCode.ok
    }
}
