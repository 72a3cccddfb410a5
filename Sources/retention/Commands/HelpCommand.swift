/// `retention help [COMMAND]`.
enum HelpCommand {
    static let spec = CommandSpec(
        name: "help", summary: "Show help for retention or one command",
        usage: "usage: retention help [COMMAND]",
        help: "usage: retention help [COMMAND]\n\nShows the list of commands, or the full help of one command.",
        run: { args, _ in
            guard let name = args.positionals.first else { Output.out(overview()); return ExitCode.ok }
            guard let spec = Dispatcher.commands.first(where: { $0.name == name }) else {
                throw UsageError(message: "unknown command \"\(name)\"", usage: "usage: retention help [COMMAND]")
            }
            Output.out(spec.help)
            return ExitCode.ok
        })

    static func overview() -> String {
        let width = Dispatcher.commands.map(\.name.count).max() ?? 8
        let list = Dispatcher.commands.map { "  " + $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary }
        return """
        retention \(Dispatcher.version): keep insurance customers. A terminal dashboard and engine over one SQLite file.

        \(Dispatcher.mainUsage)

        Commands:
        \(list.joined(separator: "\n"))

        Global options:
          --db PATH     the database (default: $RETENTION_DB, else $XDG_DATA_HOME/retention/retention.db)
          --user NAME   who is acting, for the audit trail (default: $USER)
          --today DATE  fix the clock at DATE (noon UTC) or at an instant, for reproducible
                        books and tests (default: $RETENTION_TODAY, else the real time)
          --help        help for retention or for a command
          --version     print the version

        `retention help COMMAND` shows the options of a command.
        """
    }
}
