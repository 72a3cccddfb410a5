import Foundation
import RetentionCore

/// `retention cgi`: the spec's HTTP API as a CGI program, run by a web server (lighttpd, Apache, nginx with
/// fcgiwrap) once per request. Whenever a web server runs the program (`GATEWAY_INTERFACE` and `REQUEST_METHOD`
/// set) this is what it does, whatever its arguments (see `Dispatcher.main`).
enum CgiCommand {
    static let usage = "usage: retention cgi   (run by a web server, with RETENTION_DB set in its configuration)"

    static let spec = CommandSpec(
        name: "cgi", summary: "Answer one HTTP request of the API as a CGI program (behind lighttpd, Apache, nginx)",
        usage: usage,
        help: """
        \(usage)

        Reads one request from the CGI environment (REQUEST_METHOD, PATH_INFO, QUERY_STRING,
        CONTENT_TYPE, CONTENT_LENGTH, REMOTE_USER) and the body from standard input, answers it
        as `retention api` would, and writes a CGI response: Status, Content-Type: application/json,
        and the spec's envelope. PATH_INFO may carry the /api/v1/retention prefix or not.

        The database is RETENTION_DB (arguments are ignored under a web server: Apache passes a
        query string without "=" as arguments). The audit trail names REMOTE_USER, the user the web
        server authenticated. Without one, reads and writes are refused (401) unless
        `retention config set cgi.anonymousReads true` (or cgi.anonymousWrites) allows them.
        A body over cgi.maxBodyBytes (default 1 MiB) is refused with 413, one that is not
        application/json with 415, malformed JSON with 400 naming its line and column, a method
        the path does not have with 405 and Allow. The README shows lighttpd and Apache set-ups.
        """,
        run: run)

    /// Whether a web server runs this process as a CGI program.
    static func isGateway(_ environment: [String: String]) -> Bool {
        !(environment["GATEWAY_INTERFACE"] ?? "").isEmpty && environment["REQUEST_METHOD"] != nil
    }

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        guard isGateway(env.environment) else {
            throw UsageError(message: "run by a web server as a CGI program (GATEWAY_INTERFACE and REQUEST_METHOD are not set); use `retention api METHOD PATH` from a shell", usage: usage)
        }
        let answer: CGIGateway.Answer
        if (env.environment["RETENTION_DB"] ?? "").isEmpty {
            // Not the web server's user's own default book: the configuration names the database.
            answer = CGIGateway.Answer(response: .failure(RetentionError(.storage, code: "cgi_not_configured",
                "The web server's configuration does not name the database: set RETENTION_DB to its path.")),
                headOnly: env.environment["REQUEST_METHOD"] == "HEAD")
        } else {
            // A request's write waits 15 s for another (a command's waits 10 minutes): the web server and its
            // client would give up long before, and the answer says busy, try again.
            answer = CGIGateway.answer(environment: env.environment, readBody: readStandardInput,
                                       openEngine: { try env.openEngine(create: $0, lockWaitSeconds: 15) }, now: env.now)
        }
        let bytes = CGIGateway.render(answer)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                offset += n
            }
        }
        return ExitCode.ok
    }

    /// Reads up to `count` bytes from standard input, stopping early only at its end.
    static func readStandardInput(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = bytes.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress! + filled, count - filled) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw RetentionError.storage("Cannot read the request body: \(String(cString: strerror(errno))).") }
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return bytes
    }
}
