import Foundation

/// One call of the spec's HTTP API, as `retention api METHOD PATH` receives it.
public struct APIRequest: Sendable {
    public var method: String
    /// The path without the query, with or without the `/api/v1/retention` prefix.
    public var path: String
    public var query: [(String, String)]
    public var body: JSONValue?

    /// Splits `PATH?query` and percent-decodes the query.
    public init(method: String, target: String, body: JSONValue? = nil) throws {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        try self.init(method: method, path: String(parts[0]), queryString: parts.count == 2 ? String(parts[1]) : "", body: body)
    }

    /// A path given apart from its query (a web server hands a CGI program `PATH_INFO`, already decoded,
    /// and `QUERY_STRING`, still encoded).
    public init(method: String, path: String, queryString: String, body: JSONValue? = nil) throws {
        self.method = method.uppercased()
        self.path = path
        self.query = try APIRequest.parseQuery(queryString)
        self.body = body
    }

    /// `a=1&b=x%20y` as pairs, percent-decoded.
    static func parseQuery(_ queryString: String) throws -> [(String, String)] {
        var query: [(String, String)] = []
        for item in queryString.split(separator: "&") where !item.isEmpty {
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = APIRequest.percentDecode(String(kv[0])),
                  let value = APIRequest.percentDecode(kv.count == 2 ? String(kv[1]) : "") else {
                throw RetentionError.invalid("query", "has malformed percent-encoding in \"\(item)\"", code: "invalid_query")
            }
            query.append((key, value))
        }
        return query
    }

    /// Decodes `%XX` escapes and `+` as space; nil when an escape is malformed or the bytes are not UTF-8.
    static func percentDecode(_ s: String) -> String? {
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%") {
                guard it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) else { return nil }
                bytes.append(v)
                it = it.dropFirst(2)
            } else if b == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else {
                bytes.append(b)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// The answer: an HTTP-like status, the spec's JSON envelope, and the HTTP header fields it needs
/// beyond the status (a 405's `Allow`), which `retention cgi` sends and `retention api` has no use for.
public struct APIResponse: Sendable {
    public var status: Int
    public var body: JSONValue
    public var headers: [(String, String)] = []
    public var isSuccess: Bool { (200..<300).contains(status) }

    public init(status: Int, body: JSONValue, headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    public static func success(_ data: JSONValue, status: Int = 200, extra: [(String, JSONValue)] = []) -> APIResponse {
        APIResponse(status: status, body: .object([("success", .bool(true)), ("data", data)] + extra))
    }

    /// The spec's error envelope: `code`, `message`, and where known `field`, `line` and `column`
    /// (plus `allow`, the methods a path has, on a 405).
    public static func failure(_ error: RetentionError, allow: [String]? = nil) -> APIResponse {
        var err: [(String, JSONValue)] = [("code", .string(error.code)), ("message", .string(error.message))]
        if let field = error.field { err.append(("field", .string(field))) }
        if let line = error.line { err.append(("line", .int(line))) }
        if let column = error.column { err.append(("column", .int(column))) }
        if let allow { err.append(("allow", .array(allow.map { .string($0) }))) }
        return APIResponse(status: error.httpStatus,
                           body: .object([("success", .bool(false)), ("error", .object(err)), ("status", .int(error.httpStatus))]),
                           headers: allow.map { [("Allow", $0.joined(separator: ", "))] } ?? [])
    }
}

/// Reads query parameters with errors that name the parameter. Unknown parameters are rejected.
public struct QueryReader {
    private let items: [(String, String)]
    private var used: Set<String> = []
    /// Parameters that take one value (a list parameter may repeat).
    private var single: Set<String> = []

    public init(_ items: [(String, String)]) { self.items = items }

    public mutating func string(_ key: String) -> String? {
        used.insert(key)
        single.insert(key)
        return items.last(where: { $0.0 == key })?.1
    }

    /// All values of a repeated or comma-separated parameter (`churnRisk=high,critical` or repeated).
    public mutating func list(_ key: String) -> [String] {
        used.insert(key)
        return items.filter { $0.0 == key }.flatMap { $0.1.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
    }

    public mutating func int(_ key: String, default def: Int, range: ClosedRange<Int>) throws -> Int {
        guard let s = string(key), !s.isEmpty else { return def }
        guard let v = Int(s), range.contains(v) else {
            throw RetentionError.invalid(key, "must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(s)\"", code: "invalid_query")
        }
        return v
    }

    public mutating func double(_ key: String) throws -> Double? {
        guard let s = string(key), !s.isEmpty else { return nil }
        guard let v = Double(s), v.isFinite else { throw RetentionError.invalid(key, "must be a number, got \"\(s)\"", code: "invalid_query") }
        return v
    }

    public mutating func date(_ key: String) throws -> Int? {
        guard let s = string(key), !s.isEmpty else { return nil }
        guard let t = Timestamp.parseDate(s) else {
            throw RetentionError.invalid(key, "must be an ISO date like 2024-01-31, got \"\(s)\"", code: "invalid_query")
        }
        return t
    }

    public mutating func bool(_ key: String) throws -> Bool? {
        guard let s = string(key)?.lowercased(), !s.isEmpty else { return nil }
        switch s {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw RetentionError.invalid(key, "must be true or false, got \"\(s)\"", code: "invalid_query")
        }
    }

    public mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws -> T? where T.RawValue == String {
        guard let s = string(key), !s.isEmpty else { return nil }
        guard let v = T(rawValue: s) else {
            throw RetentionError.invalid(key, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(s)\"", code: "invalid_query")
        }
        return v
    }

    public mutating func choices<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws -> [T] where T.RawValue == String {
        try list(key).map { s in
            guard let v = T(rawValue: s) else {
                throw RetentionError.invalid(key, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(s)\"", code: "invalid_query")
            }
            return v
        }
    }

    /// Refuses parameters the route does not know, and a one-value parameter given twice (which of the
    /// two was meant is not for the program to guess).
    public func finish() throws {
        for (key, _) in items where !used.contains(key) {
            let known = used.sorted().joined(separator: ", ")
            throw RetentionError.invalid(key, "is not a known query parameter here\(known.isEmpty ? "" : "; known: \(known)")", code: "unknown_parameter")
        }
        for key in single {
            let values = items.filter { $0.0 == key }.map(\.1)
            if values.count > 1 {
                throw RetentionError.invalid(key, "is given \(values.count) times (\(values.map { "\"\($0)\"" }.joined(separator: ", "))); give it once", code: "invalid_query")
            }
        }
    }
}
