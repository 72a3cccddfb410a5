import Foundation
import RetentionCore

/// `retention config [get | set KEY VALUE]`: the lifetime-value settings stored in the database.
enum ConfigCommand {
    static let usage = "usage: retention config [get]\n       retention config set ltv.discountRate|ltv.profitMargin|ltv.acquisitionCost VALUE"

    static let spec = CommandSpec(
        name: "config", summary: "Show or change the lifetime-value settings (discount rate, margin, acquisition cost)",
        usage: usage,
        help: """
        \(usage)

        ltv.discountRate     annual discount rate, a share (default 0.10)
        ltv.profitMargin     share of premium kept as profit (default 0.15)
        ltv.acquisitionCost  cost of winning a customer, in dollars (default 200)
        Changes are audited; run `retention rescore` to apply them to every customer.
        """,
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        let engine = try env.openEngine(create: false)
        switch args.positionals.first ?? "get" {
        case "get":
            let s = try engine.ltvSettings()
            Output.out("ltv.discountRate = \(s.discountRate)\nltv.profitMargin = \(s.profitMargin)\nltv.acquisitionCost = \(Double(s.acquisitionCostCents) / 100)")
        case "set":
            guard args.positionals.count == 3 else { throw UsageError(message: "set needs a key and a value", usage: usage) }
            try engine.setLTVSetting(args.positionals[1], args.positionals[2], now: env.now)
            Output.out("\(args.positionals[1]) = \(args.positionals[2])")
        default:
            throw UsageError(message: "unknown config command \"\(args.positionals[0])\"", usage: usage)
        }
        return ExitCode.ok
    }
}
