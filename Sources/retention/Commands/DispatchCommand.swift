import Foundation
import RetentionCore

/// `retention dispatch`: sending due touchpoints through the configured adapters.
enum DispatchCommand {
    static let usage = "usage: retention dispatch [--once | --watch] [--limit N] [--interval SECONDS]"

    static let spec = CommandSpec(
        name: "dispatch", summary: "Send due touchpoints through the channel adapters (once, or watching)",
        usage: usage,
        help: """
        \(usage)

        Claims due touchpoints in small batches (two dispatchers never send the same one), checks compliance
        in the same transaction (do-not-contact, opt-outs, calling window for calls and SMS, at most 3 touches
        in 7 days counting sends other dispatchers have in flight, the step's skipIf condition), renders the
        template and hands the message to the channel's adapter (`retention channel set`), checking the
        touchpoint again just before (an erasure, do-not-contact or a stopped campaign since the claim stops
        it; the calling window is judged then); each send is recorded as it completes. Touchpoints of a
        channel with no adapter wait without using an attempt. Failures are retried with backoff up to 3 attempts. A `command` or
        `sendmail` program is stopped after dispatch.programTimeoutSeconds (default 30; `retention config`)
        and that send failed, never retried automatically.

        What a stopped (killed) dispatcher left in `sending` is put right by the next pass: sent if its
        message file was delivered, pending again if it was never handed over, needs_review if a program
        took it and never answered (never re-sent silently). --watch also runs the campaign schedules
        (`retention campaign tick`) on each pass, and waits while another process holds the database's
        write lock (a "waiting for …" line on stderr) instead of stopping.
        """,
        valueOptions: ["--limit", "--interval"], flagOptions: ["--once", "--watch"],
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        if args.flag("--once") && args.flag("--watch") { throw UsageError(message: "--once and --watch exclude each other", usage: usage) }
        let limit = try args.int("--limit", usage: usage, range: 1...100_000) ?? 500
        let interval = try args.int("--interval", usage: usage, range: 1...3600) ?? 30
        let engine = try env.openEngine(create: false)
        let watch = args.flag("--watch")
        var waitingSince: Int?
        repeat {
            do {
                try pass(engine, limit: limit, watch: watch)
                if let since = waitingSince {
                    Output.err("\(Timestamp.formatInstant(Timestamp.now()))  the database is free again (waited \(Timestamp.now() - since) s)")
                    waitingSince = nil
                }
            } catch let error as RetentionError where watch && error.code == "database_busy" {
                // Another process (a long import, say) holds the write lock: wait for it; only other errors stop the watch.
                if waitingSince == nil { waitingSince = Timestamp.now() }
                Output.err("\(Timestamp.formatInstant(Timestamp.now()))  waiting for the database: another process has held its write lock for \(Timestamp.now() - waitingSince!) s; retrying")
                sleep(UInt32(min(interval, 5)))
                continue
            }
            if watch { sleep(UInt32(interval)) }
        } while watch
        return ExitCode.ok
    }

    /// One pass: with --watch, the policy expiry sweep and the campaign schedules first; then the sends.
    private static func pass(_ engine: Engine, limit: Int, watch: Bool) throws {
        if watch {
            let expiry = try engine.expireOverduePolicies(now: Timestamp.now())
            if !expiry.isEmpty { Output.out("\(Timestamp.formatInstant(Timestamp.now()))  policies past their renewal grace: \(expiry.description)") }
            try engine.runDueCampaigns(now: Timestamp.now())
        }
        let s = try engine.dispatchDue(now: Timestamp.now(), limit: limit)
        // The pass's own time (the one its records carry), not the clock after it ran.
        var line = "\(Timestamp.formatInstant(s.at))  sent \(s.sent), deferred \(s.deferred), skipped \(s.skipped), retrying \(s.retried), failed \(s.failed), recovered \(s.recovered)"
        if s.recovered > 0 {
            line += " (delivered before a stop: \(s.recoveredSent), due again: \(s.recoveredPending), needs review: \(s.needsReview))"
        }
        if !s.withdrawn.isEmpty {
            line += "; stopped at hand-over: " + s.withdrawn.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        }
        if !s.waitingForChannel.isEmpty {
            let total = s.waitingForChannel.values.reduce(0, +)
            line += "; \(total) waiting for a channel to be set up (\(s.waitingForChannel.keys.sorted().joined(separator: ", ")))"
        }
        Output.out(line)
    }
}
