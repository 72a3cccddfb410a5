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
        but a random holdout, prints holdout AUC, log-loss, Brier score and calibration (predicted against
        observed churn by tenth of the holdout, calibration slope and intercept) next to the default model's,
        and stores the model; every later score uses it. Run `retention rescore` afterwards.
        A holdout with fewer than 100 churned or 100 retained customers cannot say whether the probabilities
        are right, nor fewer than 70 of each in the training part fit seven coefficients: training is then
        refused (exit 1), with how many customers the book would need, and nothing is stored.
        show: prints the model in use (trained, or the untrained default coefficients) with its coefficients
        and metrics.

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
            Output.err(summary(report).joined(separator: "\n"))
        case "show":
            Output.out(try engine.churnModelDescription().json.serialized(pretty: true))
        default:
            throw UsageError(message: "unknown model command \"\(verb)\"", usage: usage)
        }
        return ExitCode.ok
    }

    /// What training did, for people (the standard error stream; the JSON goes to standard output).
    static func summary(_ report: Engine.TrainingReport) -> [String] {
        let d = report.defaultCalibration
        return ["Model #\(report.version) stored: holdout AUC \(report.auc.map { String(format: "%.3f", $0) } ?? "n/a") "
                + "(default coefficients \(report.defaultAUC.map { String(format: "%.3f", $0) } ?? "n/a")).",
                "Calibration on the holdout (\(report.holdoutRows) customers, predicted against observed churn within \(report.horizonMonths) months):"]
            + report.calibration.textLines
            + [String(format: "The default coefficients on the same holdout predicted %.1f %% against %.1f %% observed", d.meanPredicted * 100, d.observedRate * 100)
               + (d.slope.map { String(format: ", slope %.2f, intercept %+.2f.", $0, d.intercept ?? 0) } ?? "."),
               "Run `retention rescore` to apply it."]
    }
}
