import Foundation

/// Where one channel's messages go, configured in the database (`retention channel set`).
///
/// - `maildir PATH`: each message is an RFC 5322 file written to `PATH/tmp` and renamed into `PATH/new`;
/// - `outbox PATH`: each message is a JSON file in `PATH`, written to a temporary name and renamed;
/// - `command PROGRAM`: the message is JSON on the program's standard input; exit status 0 means sent;
/// - `sendmail PROGRAM`: e-mail as an RFC 5322 message on the standard input of `PROGRAM -t` (the sendmail
///   convention: recipients are read from the headers); exit status 0 means accepted.
public struct ChannelAdapter: Sendable, Equatable {
    public enum Kind: String, CaseIterable, Sendable { case maildir, outbox, command, sendmail }
    public var kind: Kind
    public var target: String

    public init(kind: Kind, target: String) {
        self.kind = kind
        self.target = target
    }

    /// An adapter as stored in `settings` (`{"kind": …, "target": …}`); nil for anything else.
    init?(json: JSONValue) {
        guard let kind = json["kind"]?.stringValue.flatMap(Kind.init(rawValue:)), let target = json["target"]?.stringValue else { return nil }
        self.init(kind: kind, target: target)
    }

    var json: JSONValue { .object([("kind", .string(kind.rawValue)), ("target", .string(target))]) }
    /// Sends one message; throws `ChannelSendFailure` with the reason when the channel did not take it.
    /// `timeout` bounds a `command` or `sendmail` program's run (see `ChannelProgram`).
    func send(id: String, channel: ContactChannel, to: String, subject: String?, body: String, timeout: Double = 30) throws {
        switch kind {
        case .maildir, .outbox:
            var unchecked = Set<String>()
            if let failure = Self.deliver([try stage(id: id, channel: channel, to: to, subject: subject, body: body, readyFolders: &unchecked)])[0] {
                throw ChannelSendFailure(reason: failure, mayHaveSent: false)
            }
        case .sendmail:
            try runProgram("\(target) -t", input: Self.rfc5322(id: id, to: to, subject: subject, body: body), channel: channel, timeout: timeout)
        case .command:
            try runProgram(target, input: Self.json(id: id, channel: channel, to: to, subject: subject, body: body), channel: channel, timeout: timeout)
        }
    }

    /// Whether messages go to files (Maildir, outbox), which a dispatch pass writes in batches.
    var writesFiles: Bool { kind == .maildir || kind == .outbox }

    /// Hands `input` to a channel program; exit status 0 after reading the whole message means sent.
    private func runProgram(_ command: String, input: String, channel: ContactChannel, timeout: Double) throws {
        let outcome = try ChannelProgram.run(command, input: Data(input.utf8), timeout: timeout)
        var stderr = String(decoding: outcome.stderr.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        stderr = stderr.isEmpty ? "" : ": \(stderr)"
        let program = "the \(channel.rawValue) \(kind.rawValue) program"
        if outcome.timedOut {
            throw ChannelSendFailure(reason: "\(program) did not finish within \(JSONValue.format(number: timeout)) s (dispatch.programTimeoutSeconds) and was stopped; it may have sent the message: check the channel before retrying\(stderr)",
                                     mayHaveSent: true)
        }
        if let signal = outcome.signal {
            throw ChannelSendFailure(reason: "\(program) was killed by signal \(signal)\(stderr)", mayHaveSent: false)
        }
        if outcome.exitStatus != 0 {
            throw ChannelSendFailure(reason: "\(program) exited with status \(outcome.exitStatus ?? -1)\(stderr)", mayHaveSent: false)
        }
        if !outcome.tookWholeInput {
            throw ChannelSendFailure(reason: "\(program) exited without reading the whole message (took \(outcome.inputWritten) of \(outcome.inputBytes) bytes)\(stderr)",
                                     mayHaveSent: false)
        }
    }
}

/// Why a channel did not take a message. `mayHaveSent` is true when the channel may have sent it anyway (a
/// program stopped at its timeout): such a send is never retried automatically.
struct ChannelSendFailure: Error, CustomStringConvertible {
    var reason: String
    var mayHaveSent: Bool
    var description: String { reason }
}
