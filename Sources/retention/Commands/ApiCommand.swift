import Foundation
import RetentionCore

/// `retention api METHOD PATH`: every route of the spec's HTTP API, answered with its JSON envelope.
enum ApiCommand {
    static let usage = "usage: retention api METHOD PATH [--data JSON | --data @FILE | --data -] [--pretty | --compact]\n       retention api --routes"

    static let spec = CommandSpec(
        name: "api", summary: "Call any route of the retention API (the spec's JSON in and out)",
        usage: usage,
        help: """
        \(usage)

        Runs one operation of the spec's HTTP API against the database and prints the JSON answer:
        {"success": true, "data": ...} on success (exit 0), or
        {"success": false, "error": {"code", "message", "field"}, "status": N} on failure
        (exit 1 for 4xx, 74 for 5xx).

        PATH may carry the /api/v1/retention prefix or not, and a query string:
          retention api GET '/customers?churnRisk=high&limit=20'
          retention api POST /customers --data @customer.json
          echo '{"status":"active"}' | retention api PATCH /campaigns/ID/status --data -

        Options:
          --data JSON|@FILE|-   the request body: inline JSON, a file, or standard input
          --pretty / --compact  force the output style (default: pretty on a terminal, compact otherwise)
          --routes              list every route
          --user NAME           who is acting (the spec's X-User-Id)

        Run by a web server (GATEWAY_INTERFACE set), retention answers the request in the CGI
        environment as `retention cgi` does, whatever its arguments.
        """,
        valueOptions: ["--data"], flagOptions: ["--pretty", "--compact", "--routes"],
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        if args.flag("--routes") {
            let width = Router.routes.map { $0.method.count + $0.path.count }.max() ?? 20
            for r in Router.routes {
                let left = "\(r.method) \(Router.prefix)\(r.path)"
                Output.out(left.padding(toLength: width + Router.prefix.count + 3, withPad: " ", startingAt: 0) + r.summary)
            }
            return ExitCode.ok
        }
        // Run by a web server without METHOD and PATH: the request is in the CGI environment.
        guard args.positionals.count == 2 else {
            throw UsageError(message: "expected METHOD and PATH", usage: usage)
        }
        let method = args.positionals[0].uppercased()
        guard ["GET", "POST", "PATCH", "PUT", "DELETE"].contains(method) else {
            throw UsageError(message: "unknown method \"\(args.positionals[0])\"; use GET, POST, PATCH, PUT or DELETE", usage: usage)
        }
        let pretty = args.flag("--pretty") || (!args.flag("--compact") && env.stdoutIsTerminal)
        var response: APIResponse
        var inputMissing = false
        do {
            let body = try readBody(args.value("--data"))
            let request = try APIRequest(method: method, target: args.positionals[1], body: body)
            // Reading never creates a database: a mistyped --db path is reported, not answered from a new empty book.
            let engine = try env.openEngine(create: method != "GET")
            response = Router.handle(request, engine: engine, now: env.now)
        } catch let e as RetentionError {
            response = .failure(e)
            inputMissing = ExitCode.noInputCodes.contains(e.code)
        }
        Output.out(response.body.serialized(pretty: pretty))
        if response.isSuccess { return ExitCode.ok }
        if inputMissing { return ExitCode.noInput }
        return response.status >= 500 ? ExitCode.ioError : ExitCode.refused
    }

    /// The body from `--data`: inline JSON, `@FILE`, or `-` for standard input.
    static func readBody(_ data: String?) throws -> JSONValue? {
        guard let data else { return nil }
        let text: String
        if data == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else if data.hasPrefix("@") {
            let path = String(data.dropFirst())
            guard let d = FileManager.default.contents(atPath: path) else {
                throw RetentionError(.invalid, code: "body_unreadable", "Cannot read the body file \(path).", field: "--data")
            }
            text = String(decoding: d, as: UTF8.self)
        } else {
            text = data
        }
        return try JSONValue.parse(text)
    }
}
