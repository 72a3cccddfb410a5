import Foundation
import RetentionCore

/// `retention config [get [KEY] | set KEY VALUE]`: the settings stored in the database.
enum ConfigCommand {
    static let usage = "usage: retention config [get [KEY]]   (list: the same as get)\n       retention config set KEY VALUE"

    static let spec = CommandSpec(
        name: "config", summary: "Show or change the settings (LTV parameters, company name, calling window, HTTP access)",
        usage: usage,
        help: usage + "\n\n" + Settings.configurable.map { keyHelp($0.name, $0.help) }.joined(separator: "\n")
            + "\nA value that is not what its key takes is refused with what it must be. Changes are audited;\n"
            + "run `retention rescore` to apply the LTV ones to every customer.",
        run: run)

    /// One key's help: the key in a column of 21, the text wrapped at 92 columns beside it.
    static func keyHelp(_ key: String, _ text: String) -> String {
        var lines: [String] = [], line = key.padding(toLength: max(21, key.count + 1), withPad: " ", startingAt: 0)
        let indent = String(repeating: " ", count: 21)
        for word in text.split(separator: " ") {
            if line.count + word.count > 92 && line.count > 21 { lines.append(line); line = indent }
            line += (line.count > 21 && line.last != " " ? " " : "") + word
        }
        return (lines + [line]).joined(separator: "\n")
    }

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        let engine = try env.openEngine(create: false)
        switch args.positionals.first ?? "get" {
        case "get", "list":
            guard args.positionals.count <= 2 else { throw UsageError(message: "\(args.positionals[0]) takes at most one key", usage: usage) }
            if args.positionals.count == 2 {
                Output.out(try engine.setting(args.positionals[1]))
            } else {
                for (key, value) in try engine.settings() { Output.out("\(key) = \(value)") }
            }
        case "set":
            guard args.positionals.count == 3 else { throw UsageError(message: "set needs a key and a value", usage: usage) }
            try engine.setSetting(args.positionals[1], args.positionals[2], now: env.now)
            Output.out("\(args.positionals[1]) = \(try engine.setting(args.positionals[1]))")
        default:
            throw UsageError(message: "unknown config command \"\(args.positionals[0])\"", usage: usage)
        }
        return ExitCode.ok
    }
}
