import Foundation
import RetentionCore

/// Finds the sub-command and runs it, turning errors into messages and exit codes.
enum Dispatcher {
    static let version = "1.0.0"

    static var commands: [CommandSpec] {
        [TuiCommand.spec, ApiCommand.spec, CgiCommand.spec, ImportCommand.spec, ExportCommand.spec, RescoreCommand.spec, MaintenanceCommand.spec, CampaignCommand.spec, DispatchCommand.spec, ChannelCommand.spec, TemplateCommand.spec, CustomerCommand.spec, ModelCommand.spec, ConfigCommand.spec, ReportCommand.spec, DemoCommand.spec, SimulateCommand.spec, BenchCommand.spec, HelpCommand.spec]
    }

    static let mainUsage = "usage: retention [--db PATH] [--user NAME] [--today DATE] COMMAND [OPTIONS]   (retention --help lists the commands)"

    static func main(_ words: [String]) -> Int32 {
        // Run by a web server, the process answers one HTTP request and nothing else, whatever its arguments:
        // Apache passes a query string without "=" as command-line words (`?config+set+…` would otherwise run
        // `retention config set …` for anyone who can send a request). The database comes from RETENTION_DB.
        if CgiCommand.isGateway(ProcessInfo.processInfo.environment) {
            do {
                let args = try ParsedArguments([], valueOptions: [], flagOptions: [], usage: CgiCommand.usage)
                return try CgiCommand.run(args, CommandEnvironment(arguments: args))
            } catch {
                Output.err("retention cgi: \(error)")
                return ExitCode.software
            }
        }
        // The first word that is not a global option names the command.
        var rest = words
        var globals: [String] = []
        var commandName: String?
        while !rest.isEmpty {
            let w = rest.removeFirst()
            if ParsedArguments.globalValueOptions.contains(w) {
                globals.append(w)
                if !rest.isEmpty { globals.append(rest.removeFirst()) }
            } else if ParsedArguments.globalValueOptions.contains(where: { w.hasPrefix($0 + "=") }) {
                globals.append(w)
            } else if w == "--version" || w == "-V" {
                Output.out("retention \(version)")
                return ExitCode.ok
            } else if w == "--help" || w == "-h" {
                Output.out(HelpCommand.overview())
                return ExitCode.ok
            } else if TuiCommand.isDashboardOption(w) {
                // `retention --theme dark` is `retention tui --theme dark`: the dashboard is the default command.
                commandName = "tui"
                rest.insert(w, at: 0)
                break
            } else if w.hasPrefix("-") {
                Output.err("retention: unknown option \(w)\n\(mainUsage)")
                return ExitCode.usage
            } else {
                commandName = w
                break
            }
        }
        // No command: open the dashboard on a terminal, print help otherwise.
        let name = commandName ?? (isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 ? "tui" : "help")
        guard let spec = commands.first(where: { $0.name == name }) else {
            Output.err("retention: unknown command \"\(name)\"\n\(mainUsage)")
            return ExitCode.usage
        }
        do {
            let args = try ParsedArguments(globals + rest, valueOptions: spec.valueOptions, flagOptions: spec.flagOptions, usage: spec.usage)
            if args.flag("--help") || args.flag("-h") {
                Output.out(spec.help)
                return ExitCode.ok
            }
            // --today fixes the clock for this run (as RETENTION_TODAY does), before anything reads it.
            if let today = args.value("--today") {
                guard let instant = Clock.instant(fromToday: today) else {
                    throw UsageError(message: "--today must be a date (YYYY-MM-DD) or an instant (YYYY-MM-DDTHH:MM:SSZ) between the years 1900 and 9000, got \"\(today)\"", usage: mainUsage)
                }
                Clock.fix(at: instant)
            } else if let text = ProcessInfo.processInfo.environment[Clock.environmentKey], !text.isEmpty, Clock.instant(fromToday: text) == nil {
                throw UsageError(message: "\(Clock.environmentKey) must be a date (YYYY-MM-DD) or an instant (YYYY-MM-DDTHH:MM:SSZ) between the years 1900 and 9000, got \"\(text)\"", usage: mainUsage)
            }
            // The acting user goes into the audit trail as one line of text.
            if let user = args.value("--user") {
                do { _ = try Validation.text(user, field: "--user", maxLength: 100) } catch let e as RetentionError {
                    throw UsageError(message: "--user \(e.message)", usage: mainUsage)
                }
                guard !user.trimmingCharacters(in: .whitespaces).isEmpty else { throw UsageError(message: "--user cannot be empty", usage: mainUsage) }
            }
            return try spec.run(args, CommandEnvironment(arguments: args))
        } catch let e as UsageError {
            Output.err("retention \(name): \(e.message)\n\(e.usage)")
            return ExitCode.usage
        } catch let e as RetentionError {
            Output.err("retention \(name): \(e.description)")
            if ExitCode.noInputCodes.contains(e.code) { return ExitCode.noInput }
            switch e.kind {
            case .storage: return ExitCode.ioError
            case .invalid: return ExitCode.dataError
            case .notFound, .conflict, .unauthorized, .methodNotAllowed, .tooLarge, .unsupportedMediaType: return ExitCode.refused
            }
        } catch {
            Output.err("retention \(name): \(error)")
            return ExitCode.software
        }
    }
}
