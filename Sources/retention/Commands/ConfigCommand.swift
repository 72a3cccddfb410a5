import Foundation
import RetentionCore

/// `retention config [get [KEY] | set KEY VALUE]`: the settings stored in the database.
enum ConfigCommand {
    static let usage = "usage: retention config [get [KEY]]\n       retention config set KEY VALUE"

    static let spec = CommandSpec(
        name: "config", summary: "Show or change the settings (LTV parameters, company name, calling window, HTTP access)",
        usage: usage,
        help: """
        \(usage)

        ltv.discountRate     annual discount rate, a share from 0 to 1 (default 0.10; 0 sums the
                             premium expected in the next 50 years undiscounted)
        ltv.profitMargin     share of premium kept after paying for the cover (default 0.15)
        ltv.acquisitionCost  cost of winning a customer, in dollars (default 200)
        ltv.operationalCost  cost of keeping one policy in force for a year, in dollars
                             (servicing, billing; default 0)
        company.name         the name messages sign with ({{company.name}}; default "your insurance agency")
        contact.window       when calls and text messages may go, in the customer's local time,
                             HH:MM-HH:MM (default 08:00-21:00)
        cgi.anonymousReads   true: `retention cgi` answers GET without a user the web server
                             authenticated (REMOTE_USER); default false
        cgi.anonymousWrites  true: the same for POST, PATCH, PUT and DELETE; default false
        cgi.maxBodyBytes     the largest request body over HTTP, in bytes (1024 to 104857600;
                             default 1048576); a larger one is refused with 413
        Changes are audited; run `retention rescore` to apply the LTV ones to every customer.
        """,
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        let engine = try env.openEngine(create: false)
        switch args.positionals.first ?? "get" {
        case "get":
            guard args.positionals.count <= 2 else { throw UsageError(message: "get takes at most one key", usage: usage) }
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
