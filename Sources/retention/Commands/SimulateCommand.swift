import Foundation
import RetentionCore

/// `retention simulate`: live activity for demonstrations and the end-to-end tests.
enum SimulateCommand {
    static let usage = "usage: retention simulate [--rate N] [--count N] [--seed S]"

    static let spec = CommandSpec(
        name: "simulate", summary: "Append realistic activity to a database, so a demo shows the dashboard moving",
        usage: usage,
        help: """
        \(usage)

        Adds payments received and missed, contacts, NPS answers and touchpoint progress at a steady rate,
        through the same operations the API uses, until stopped with Ctrl-C or after --count changes.
        Run it beside `retention tui` on the same database to watch the numbers move.

        Options:
          --rate N    changes per second (default 2, at most 1000)
          --count N   stop after N changes
          --seed S    random seed (default: the clock)
        """,
        valueOptions: ["--rate", "--count", "--seed"],
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        guard args.positionals.isEmpty else { throw UsageError(message: "unexpected \(args.positionals[0])", usage: usage) }
        let rate = try args.int("--rate", usage: usage, range: 1...1000) ?? 2
        let count = try args.int("--count", usage: usage, range: 1...Int.max)
        let seed = try args.int("--seed", usage: usage, range: 0...Int.max) ?? Int(Date().timeIntervalSince1970)
        let engine = try env.openEngine(create: false)
        var simulator = ActivitySimulator(seed: UInt64(seed))
        var done = 0
        while count.map({ done < $0 }) ?? true {
            if let what = try simulator.step(engine, now: Timestamp.now()) {
                done += 1
                Output.out("\(Timestamp.formatInstant(Timestamp.now()))  \(what)")
            } else {
                Output.err("retention simulate: the book has no active customers to act on.")
                return ExitCode.refused
            }
            usleep(UInt32(1_000_000 / rate))
        }
        return ExitCode.ok
    }
}
