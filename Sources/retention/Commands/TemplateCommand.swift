import Foundation
import RetentionCore

/// `retention template list|show|set|delete`: message templates, built-in and the user's own.
enum TemplateCommand {
    static let usage = "usage: retention template list\n       retention template show NAME CHANNEL\n       retention template set NAME CHANNEL --body-file FILE [--subject TEXT]\n       retention template delete NAME CHANNEL"

    static let spec = CommandSpec(
        name: "template", summary: "List, show, add or change message templates",
        usage: usage,
        help: """
        \(usage)

        A template of your own overrides a built-in one of the same name and channel. Templates are checked
        when saved: an unknown {{variable}} or filter is refused with its line and column. See the README for
        the variables, filters and {{#if}} blocks.
        """,
        valueOptions: ["--body-file", "--subject"],
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        let engine = try env.openEngine(create: false)
        func target() throws -> (String, ContactChannel) {
            guard args.positionals.count == 3 else { throw UsageError(message: "expected a name and a channel", usage: usage) }
            guard let ch = ContactChannel(rawValue: args.positionals[2]) else { throw UsageError(message: "unknown channel \"\(args.positionals[2])\"", usage: usage) }
            return (args.positionals[1], ch)
        }
        switch args.positionals.first ?? "list" {
        case "list":
            for t in try engine.templateCatalogue() { Output.out("\(t.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(t.channel.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(t.custom ? "yours" : "built-in")") }
        case "show":
            let (name, ch) = try target()
            guard let m = try engine.message(name: name, channel: ch) else { throw RetentionError.notFound("Template", "\(name) for \(ch.rawValue)") }
            if let s = m.subject { Output.out("Subject: \(s.source)\n") }
            Output.out(m.body.source)
        case "set":
            let (name, ch) = try target()
            guard let file = args.value("--body-file") else { throw UsageError(message: "set needs --body-file", usage: usage) }
            guard let data = FileManager.default.contents(atPath: file) else { Output.err("retention template: cannot read \(file)"); return ExitCode.noInput }
            try engine.setTemplate(name: name, channel: ch, subject: args.value("--subject"), body: try UTF8Text.decode(data, name: file), now: env.now)
            Output.out("Template \(name) for \(ch.rawValue) saved.")
        case "delete":
            let (name, ch) = try target()
            try engine.deleteTemplate(name: name, channel: ch, now: env.now)
            Output.out("Template \(name) for \(ch.rawValue) deleted.")
        default:
            throw UsageError(message: "unknown template command \"\(args.positionals[0])\"", usage: usage)
        }
        return ExitCode.ok
    }
}
