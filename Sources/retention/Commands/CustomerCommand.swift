import Foundation
import RetentionCore

/// `retention customer export-data ID` and `retention customer erase ID --confirm`.
enum CustomerCommand {
    static let usage = "usage: retention customer export-data ID\n       retention customer erase ID --confirm\n       retention customer erase-pending"

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
                     erasure is audited without the erased data. It is done when it says "erased": no copy
                     is left in the database file or its logs. While another program reads an older snapshot
                     (a dashboard, a long export) it waits up to 30 s; if the reader is still there it exits
                     75 and names the process holding the old copies; the next command that opens the book
                     finishes the erasure.
        erase-pending  finishes erasures left pending (waits up to 30 s for readers); exit 75 if still pending
        """,
        flagOptions: ["--confirm"],
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        guard args.positionals.count == 2 || args.positionals == ["erase-pending"] else { throw UsageError(message: "expected a command and a customer id", usage: usage) }
        let engine = try env.openEngine(create: false)
        let id = args.positionals.count > 1 ? args.positionals[1] : ""
        switch args.positionals[0] {
        case "erase-pending":
            // Finishes erasures left pending (see `erase`), waiting up to 30 s for readers of the old copies.
            let outcome = try engine.finishPendingErasures(waitSeconds: min(30, engine.lockWaitSeconds))
            guard outcome.complete else {
                Output.err("retention customer: erasure still pending: old copies stay while another connection reads an older snapshot (waiting for \(outcome.waitingFor ?? "it to finish")).")
                return ExitCode.tempFail
            }
            Output.out("No erasure is pending: no erased data is left in \(engine.databasePath) or its logs.")
            return ExitCode.ok
        case "export-data":
            Output.out(try engine.exportPersonalData(customerId: id, now: env.now).json.serialized(pretty: true))
        case "erase":
            guard args.flag("--confirm") else { throw UsageError(message: "erasure cannot be undone: add --confirm", usage: usage) }
            let outcome = try engine.eraseCustomer(customerId: id, now: env.now, waitSeconds: min(30, engine.lockWaitSeconds))
            guard outcome.complete else {
                Output.err("retention customer: customer \(id) is erased from the book, but old copies of the erased data stay in \(engine.databasePath) "
                    + "and its -wal file while another connection reads an older snapshot (waiting for \(outcome.waitingFor ?? "it to finish")). They go when it closes: the next retention "
                    + "command that opens the book finishes the erasure (recorded as pending); `retention customer erase-pending` checks.")
                return ExitCode.tempFail
            }
            Output.out("Customer \(id) erased.")
        default:
            throw UsageError(message: "unknown customer command \"\(args.positionals[0])\"", usage: usage)
        }
        return ExitCode.ok
    }
}
