import Foundation

/// The settings of the API served over HTTP as a CGI program (`retention config`): whether a request the
/// web server did not authenticate (no `REMOTE_USER`) may read, whether it may write, and the largest body.
public struct CGISettings: Sendable, Equatable {
    /// GET (and HEAD) without an authenticated user. Off by default: the book is personal data.
    public var anonymousReads = false
    /// POST, PATCH, PUT and DELETE without an authenticated user. Off by default.
    public var anonymousWrites = false
    /// The largest request body taken, in bytes (larger: 413).
    public var maxBodyBytes = 1_048_576

    public init() {}

    public static let keys = ["cgi.anonymousReads", "cgi.anonymousWrites", "cgi.maxBodyBytes"]
    public static let maxBodyRange = 1_024...104_857_600

    /// Sets `key` from its text, validated; the error names the key.
    public mutating func set(_ key: String, _ text: String) throws {
        switch key {
        case "cgi.anonymousReads": anonymousReads = try Self.bool(key, text)
        case "cgi.anonymousWrites": anonymousWrites = try Self.bool(key, text)
        case "cgi.maxBodyBytes":
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)), Self.maxBodyRange.contains(n) else {
                throw RetentionError.invalid(key, "must be a whole number of bytes from \(Self.maxBodyRange.lowerBound) to \(Self.maxBodyRange.upperBound), got \"\(text)\"")
            }
            maxBodyBytes = n
        default:
            throw RetentionError.invalid("key", "\"\(key)\" is not a CGI setting")
        }
    }

    /// The text of `key`'s value, as `retention config` shows it and the settings table stores it.
    public func value(of key: String) -> String {
        switch key {
        case "cgi.anonymousReads": "\(anonymousReads)"
        case "cgi.anonymousWrites": "\(anonymousWrites)"
        default: "\(maxBodyBytes)"
        }
    }

    static func bool(_ key: String, _ text: String) throws -> Bool {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true": return true
        case "false": return false
        default: throw RetentionError.invalid(key, "must be true or false, got \"\(text)\"")
        }
    }
}

extension Engine {
    /// The CGI settings in force (the defaults for any not set).
    public func cgiSettings() throws -> CGISettings {
        let stored = db.settings
        var settings = CGISettings()
        settings.anonymousReads = try stored.value(Settings.cgiAnonymousReads)
        settings.anonymousWrites = try stored.value(Settings.cgiAnonymousWrites)
        settings.maxBodyBytes = try stored.value(Settings.cgiMaxBodyBytes)
        return settings
    }
}

/// The spec's HTTP API as a CGI program (RFC 3875): `retention cgi`, run by a web server once per request.
///
/// The request comes from the environment (`REQUEST_METHOD`, `PATH_INFO`, `QUERY_STRING`, `CONTENT_TYPE`,
/// `CONTENT_LENGTH`, `REMOTE_USER`) and the body from standard input; the answer is a CGI response: a
/// `Status:` line with the route's HTTP status, `Content-Type: application/json; charset=utf-8`, and the
/// spec's envelope, exactly as `retention api` prints it. Every route goes through `Router`, so both
/// answer alike.
///
/// Checks, in order, each answered with the error envelope and nothing written: an unknown path (404) or a
/// method the path does not have (405, with `Allow`); no authenticated user where the settings want one
/// (401); a body over `cgi.maxBodyBytes` (413, refused before it is read); a body that is not
/// `application/json` (415); a body that is not UTF-8 JSON (400 with its line and column).
public enum CGIGateway {
    /// The realm of the 401's `WWW-Authenticate` challenge (the README's server configurations use it too).
    public static let realm = "Retention API"

    /// One request's answer, and whether it is for HEAD (header fields only, no body).
    public struct Answer: Sendable {
        public var response: APIResponse
        public var headOnly: Bool

        public init(response: APIResponse, headOnly: Bool) {
            self.response = response
            self.headOnly = headOnly
        }
    }

    /// Answers one request.
    /// - Parameters:
    ///   - environment: the CGI meta-variables.
    ///   - readBody: reads at most `n` bytes of the body from standard input (fewer only at its end).
    ///   - openEngine: opens the database, creating it when `create` (writes by an authenticated user only).
    public static func answer(environment env: [String: String], readBody: (_ n: Int) throws -> [UInt8],
                              openEngine: (_ create: Bool) throws -> Engine, now: Int) -> Answer {
        let requested = env["REQUEST_METHOD"] ?? ""
        let headOnly = requested == "HEAD"
        // HEAD is GET without the body.
        let method = headOnly ? "GET" : requested
        let path = env["PATH_INFO"].flatMap { $0.isEmpty ? nil : $0 } ?? "/"
        do {
            // The route first: a path that is not there, or a method it does not have, needs no database.
            switch try Router.resolve(method: method, path: path) {
            case .notFound:
                return Answer(response: Router.notFound(requested, path: path), headOnly: headOnly)
            case .methodNotAllowed(let allowed):
                let header = allowed.flatMap { $0 == "GET" ? ["GET", "HEAD"] : [$0] }
                return Answer(response: Router.methodNotAllowed(requested, path: path, allowed: allowed, allowHeader: header), headOnly: headOnly)
            case .route:
                break
            }
            let query = env["QUERY_STRING"] ?? ""
            let writes = method != "GET"
            let user = try remoteUser(env)

            // The settings live in the database. Without one, the defaults hold: no anonymous access, and
            // nothing is created for a request that is refused.
            var engine: Engine?
            do {
                engine = try openEngine(false)
            } catch let e as RetentionError where e.code == "database_not_found" {
                guard user != nil else { throw unauthorized(writes: writes) }
                guard writes else { throw e }
            }
            let settings = try engine?.cgiSettings() ?? CGISettings()
            if user == nil && !(writes ? settings.anonymousWrites : settings.anonymousReads) {
                throw unauthorized(writes: writes)
            }

            let body = writes ? try readJSONBody(env, limit: settings.maxBodyBytes, readBody: readBody) : nil
            let request = try APIRequest(method: method, path: path, queryString: query, body: body)
            let open = try engine ?? openEngine(true)
            open.user = user ?? anonymousName(env)
            return Answer(response: Router.handle(request, engine: open, now: now), headOnly: headOnly)
        } catch let error as RetentionError {
            return Answer(response: .failure(error), headOnly: headOnly)
        } catch {
            return Answer(response: .failure(RetentionError.storage("\(error)")), headOnly: headOnly)
        }
    }

    /// The user the web server authenticated (`REMOTE_USER`), which the audit trail names; nil when none.
    static func remoteUser(_ env: [String: String]) throws -> String? {
        guard let user = env["REMOTE_USER"], !user.isEmpty else { return nil }
        return try Validation.text(user, field: "REMOTE_USER", maxLength: 100)
    }

    /// Who the audit trail names for a request without an authenticated user (where the settings allow
    /// one): `anonymous`, with the client's address when the server gives it.
    static func anonymousName(_ env: [String: String]) -> String {
        guard let address = env["REMOTE_ADDR"], !address.isEmpty, address.count <= 64,
              address.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".:%-_".unicodeScalars.contains($0)) })
        else { return "anonymous" }
        return "anonymous (\(address))"
    }

    static func unauthorized(writes: Bool) -> RetentionError {
        RetentionError(.unauthorized, code: "unauthorized",
                       writes ? "Writing needs a user the web server has authenticated (REMOTE_USER); `retention config set cgi.anonymousWrites true` allows writes without one."
                              : "Reading needs a user the web server has authenticated (REMOTE_USER); `retention config set cgi.anonymousReads true` allows reads without one.")
    }

    /// The request's JSON body: nil when there is none; refused when larger than `limit` (413, before it is
    /// read), not `application/json` (415), shorter than `CONTENT_LENGTH` says, or not UTF-8 JSON (400).
    static func readJSONBody(_ env: [String: String], limit: Int, readBody: (Int) throws -> [UInt8]) throws -> JSONValue? {
        var bytes: [UInt8]
        if let text = env["CONTENT_LENGTH"], !text.isEmpty {
            guard text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber), let length = Int(text) else {
                throw RetentionError.invalid("Content-Length", "must be a whole number of bytes, got \"\(text)\"", code: "invalid_content_length")
            }
            if length > limit { throw tooLarge(length: length, limit: limit) }
            if length == 0 { return nil }
            try checkContentType(env["CONTENT_TYPE"])
            bytes = try readBody(length)
            guard bytes.count == length else {
                throw RetentionError.invalid("body", "ended after \(bytes.count) of the \(length) bytes Content-Length announced", code: "incomplete_body")
            }
        } else {
            // No length (a chunked upload some servers pass through): read to the end, one byte past the limit.
            bytes = try readBody(limit + 1)
            if bytes.count > limit { throw tooLarge(length: nil, limit: limit) }
            if bytes.isEmpty { return nil }
            try checkContentType(env["CONTENT_TYPE"])
        }
        return try decodeJSON(bytes)
    }

    static func tooLarge(length: Int?, limit: Int) -> RetentionError {
        RetentionError(.tooLarge, code: "body_too_large",
                       "The body is \(length.map { "\($0) bytes" } ?? "larger than the limit"); the limit is \(limit) bytes (`retention config set cgi.maxBodyBytes N`).",
                       field: "body")
    }

    /// Refuses a body whose `Content-Type` is not JSON in UTF-8: `application/json` (or a `+json` type),
    /// with no charset or `charset=utf-8`.
    static func checkContentType(_ value: String?) throws {
        let parts = (value ?? "").split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let type = parts[0].lowercased()
        let isJSON = type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
        var charsetOK = true
        for parameter in parts.dropFirst() where !parameter.isEmpty {
            let kv = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "charset" {
                charsetOK = ["utf-8", "utf8"].contains(kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased())
            }
        }
        guard isJSON && charsetOK else {
            let given = value.map { "got \"\($0)\"" } ?? "none was given"
            throw RetentionError(.unsupportedMediaType, code: "unsupported_media_type",
                                 "The body must be JSON in UTF-8, sent with Content-Type: application/json; \(given).", field: "Content-Type")
        }
    }

    /// The body as JSON: UTF-8 (a foreign byte is named by line and column), then parsed (an error names
    /// the line and column).
    static func decodeJSON(_ bytes: [UInt8]) throws -> JSONValue {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let (line, column) = UTF8Text.firstForeignByte(bytes) ?? (1, 1)
            throw RetentionError(.invalid, code: "invalid_json",
                                 "Invalid JSON at line \(line), column \(column): a byte that is not UTF-8.", line: line, column: column)
        }
        return try JSONValue.parse(text)
    }

    /// The CGI response: `Status:`, the header fields, a blank line, and the envelope (not for HEAD).
    public static func render(_ answer: Answer) -> [UInt8] {
        let response = answer.response
        let body = Array((response.body.serialized(pretty: false) + "\n").utf8)
        var head = "Status: \(response.status) \(reason(response.status))\r\n"
        head += "Content-Type: application/json; charset=utf-8\r\n"
        if !answer.headOnly { head += "Content-Length: \(body.count)\r\n" }
        // The answers hold personal data: no cache keeps them.
        head += "Cache-Control: no-store\r\n"
        head += "X-Content-Type-Options: nosniff\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        if response.status == 401 { head += "WWW-Authenticate: Basic realm=\"\(realm)\", charset=\"UTF-8\"\r\n" }
        head += "\r\n"
        return Array(head.utf8) + (answer.headOnly ? [] : body)
    }

    /// The reason phrase of a status (RFC 9110).
    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status \(status)"
        }
    }
}
