import Foundation
import RetentionCore

/// `retention customer export-data ID` and `retention customer erase ID --confirm`.
enum CustomerCommand {
    static let usage = "usage: retention customer export-data ID\n       retention customer erase ID --confirm"

    static let spec = CommandSpec(
        name: "customer", summary: "Export everything held about a customer, or erase their personal data",
        usage: usage,
        help: """
        \(usage)

        export-data  prints one JSON document with the profile, consents, policies, scores, LTV history,
                     touchpoints with their content, events, the agents' tasks and audit entries (the right
                     of access)
        erase        removes or replaces the personal data everywhere it is stored, keeps the numbers the
                     metrics need, cancels pending touchpoints, deletes the agents' tasks about the customer
                     and marks them do-not-contact. It cannot be undone, so it needs --confirm. The
                     erasure is audited without the erased data.
        """,
        flagOptions: ["--confirm"],
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        guard args.positionals.count == 2 else { throw UsageError(message: "expected a command and a customer id", usage: usage) }
        let engine = try env.openEngine(create: false)
        let id = args.positionals[1]
        switch args.positionals[0] {
        case "export-data":
            Output.out(try engine.exportPersonalData(customerId: id, now: env.now).json.serialized(pretty: true))
        case "erase":
            guard args.flag("--confirm") else { throw UsageError(message: "erasure cannot be undone: add --confirm", usage: usage) }
            try engine.eraseCustomer(customerId: id, now: env.now)
            Output.out("Customer \(id) erased.")
        default:
            throw UsageError(message: "unknown customer command \"\(args.positionals[0])\"", usage: usage)
        }
        return ExitCode.ok
    }
}
