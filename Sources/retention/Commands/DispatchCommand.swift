import Foundation
import RetentionCore

/// `retention dispatch` and `retention channel`: sending due touchpoints through configured adapters.
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
        template and hands the message to the channel's adapter (`retention channel set`); each send is
        recorded as it completes. Failures are retried with backoff up to 3 attempts. A `command` or
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
        var line = "\(Timestamp.formatInstant(Timestamp.now()))  sent \(s.sent), deferred \(s.deferred), skipped \(s.skipped), retrying \(s.retried), failed \(s.failed), recovered \(s.recovered)"
        if s.recovered > 0 {
            line += " (delivered before a stop: \(s.recoveredSent), due again: \(s.recoveredPending), needs review: \(s.needsReview))"
        }
        Output.out(line)
    }
}

enum ChannelCommand {
    static let usage = "usage: retention channel list\n       retention channel set email|sms|call|notification|mail maildir|outbox|command TARGET"

    static let spec = CommandSpec(
        name: "channel", summary: "Show or configure where each channel's messages go (Maildir, outbox folder, command)",
        usage: usage,
        help: """
        \(usage)

        maildir PATH   e-mail as RFC 5322 files delivered into a Maildir (PATH/new), written atomically
        outbox PATH    each message as a JSON file in PATH, written atomically
        command CMD    each message as JSON on the command's standard input; exit status 0 means sent
                       (for e-mail through sendmail, a small script can turn the JSON into `sendmail -t` input)
        """,
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        let engine = try env.openEngine(create: false)
        switch args.positionals.first ?? "list" {
        case "list":
            for c in ContactChannel.allCases {
                let a = try engine.channelAdapter(c)
                Output.out("\(c.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(a.map { "\($0.kind.rawValue) \($0.target)" } ?? "not configured")")
            }
        case "set":
            guard args.positionals.count == 4 else { throw UsageError(message: "set needs a channel, a kind and a target", usage: usage) }
            guard let channel = ContactChannel(rawValue: args.positionals[1]) else { throw UsageError(message: "unknown channel \"\(args.positionals[1])\"", usage: usage) }
            guard let kind = ChannelAdapter.Kind(rawValue: args.positionals[2]) else { throw UsageError(message: "unknown kind \"\(args.positionals[2])\"", usage: usage) }
            try engine.setChannelAdapter(channel, ChannelAdapter(kind: kind, target: args.positionals[3]), now: env.now)
            Output.out("\(channel.rawValue) → \(kind.rawValue) \(args.positionals[3])")
        default:
            throw UsageError(message: "unknown channel command \"\(args.positionals[0])\"", usage: usage)
        }
        return ExitCode.ok
    }
}
