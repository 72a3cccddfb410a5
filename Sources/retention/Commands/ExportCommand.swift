import Foundation
import RetentionCore

/// `retention export customers|policies|events [--format csv|json]`.
enum ExportCommand {
    static let usage = "usage: retention export customers|policies|events [--format csv|json]"

    static let spec = CommandSpec(
        name: "export", summary: "Write customers, policies or events to standard output as CSV or JSON",
        usage: usage,
        help: """
        \(usage)

        CSV is the exact inverse of `retention import`: importing an export into an empty database gives
        back the same records. Cells that a spreadsheet would run as a formula (starting with = + - @)
        are prefixed with an apostrophe, which import removes again. JSON is an array of the API's shapes.
        """,
        valueOptions: ["--format"],
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        guard args.positionals.count == 1, let kind = ExchangeKind(rawValue: args.positionals[0]) else {
            throw UsageError(message: "expected one of customers, policies, events", usage: usage)
        }
        let format = args.value("--format") ?? "csv"
        guard format == "csv" || format == "json" else { throw UsageError(message: "--format must be csv or json", usage: usage) }
        let engine = try env.openEngine(create: false)
        let out = FileHandle.standardOutput
        // On a terminal the export is shown display-safe (see Output); to a file or a pipe it is exact.
        let write: (String) throws -> Void = { Output.write($0, to: out, terminal: Output.stdoutIsTerminal) }
        if format == "csv" { try engine.exportCSV(kind, write: write) } else { try engine.exportJSON(kind, write: write) }
        return ExitCode.ok
    }
}
