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

        Claims due touchpoints atomically (two dispatchers never send the same one), checks compliance at send
        time (do-not-contact, opt-outs, calling window for calls and SMS, at most 3 touches in 7 days, the
        step's skipIf condition), renders the template and hands the message to the channel's adapter
        (`retention channel set`). Failures are retried with backoff up to 3 attempts. A touchpoint a crashed
        dispatcher left in `sending` is marked failed, never re-sent silently. --watch also runs the campaign
        schedules (`retention campaign tick`) on each pass.
        """,
        valueOptions: ["--limit", "--interval"], flagOptions: ["--once", "--watch"],
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        if args.flag("--once") && args.flag("--watch") { throw UsageError(message: "--once and --watch exclude each other", usage: usage) }
        let limit = try args.int("--limit", usage: usage, range: 1...100_000) ?? 500
        let interval = try args.int("--interval", usage: usage, range: 1...3600) ?? 30
        let engine = try env.openEngine(create: false)
        repeat {
            if args.flag("--watch") {
                let expiry = try engine.expireOverduePolicies(now: Timestamp.now())
                if !expiry.isEmpty { Output.out("\(Timestamp.formatInstant(Timestamp.now()))  policies past their renewal grace: \(expiry.description)") }
                try engine.runDueCampaigns(now: Timestamp.now())
            }
            let s = try engine.dispatchDue(now: Timestamp.now(), limit: limit)
            Output.out("\(Timestamp.formatInstant(Timestamp.now()))  sent \(s.sent), deferred \(s.deferred), skipped \(s.skipped), retrying \(s.retried), failed \(s.failed), recovered \(s.recovered)")
            if args.flag("--watch") { sleep(UInt32(interval)) }
        } while args.flag("--watch")
        return ExitCode.ok
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
