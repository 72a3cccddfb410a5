import Foundation
import RetentionCore

/// `retention channel`: where each channel's messages go.
enum ChannelCommand {
    static let usage = "usage: retention channel list\n       retention channel set email|sms|call|notification|mail maildir|outbox|command|sendmail TARGET"

    static let spec = CommandSpec(
        name: "channel", summary: "Show or configure where each channel's messages go (Maildir, outbox folder, command)",
        usage: usage,
        help: """
        \(usage)

        maildir PATH   e-mail as RFC 5322 files delivered into a Maildir (PATH/new), written atomically
        outbox PATH    each message as a JSON file in PATH, written atomically
        command CMD    each message as JSON on the command's standard input; exit status 0 means sent
        sendmail PROG  e-mail as an RFC 5322 message on the standard input of `PROG -t`; exit status 0 means accepted
        A command or sendmail program is stopped after dispatch.programTimeoutSeconds (default 30).
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
