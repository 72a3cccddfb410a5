import Foundation

/// Every failure the engine reports: a value with a machine-readable code, a sentence a user understands,
/// and where the problem is (a field, a CSV line and column, a key).
///
/// `retention api` maps the kind to an HTTP-like status (400, 401, 404, 405, 409, 413, 415, 500) inside the spec's envelope
/// `{"success": false, "error": {...}, "status": N}`; sub-commands map it to a sysexits-style exit code.
public struct RetentionError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// The input breaks a rule (HTTP 400, exit 65 for data files).
        case invalid
        /// The thing asked for does not exist (HTTP 404).
        case notFound
        /// The input collides with existing data or state: duplicate key, stale edit, invalid transition (HTTP 409).
        case conflict
        /// The database or the file system failed (HTTP 500, exit 74).
        case storage
        /// Over HTTP: no authenticated user where the settings ask for one (HTTP 401).
        case unauthorized
        /// A known path asked with a method it does not have (HTTP 405; the allowed ones are named).
        case methodNotAllowed
        /// Over HTTP: a request body larger than the limit (HTTP 413).
        case tooLarge
        /// Over HTTP: a body that is not JSON in UTF-8 by its Content-Type (HTTP 415).
        case unsupportedMediaType
    }

    public var kind: Kind
    /// A stable code scripts can test, e.g. `invalid_field`, `duplicate_lead_id`, `customer_not_found`.
    public var code: String
    public var message: String
    /// The offending field, in the API's camelCase (or the CSV column).
    public var field: String?
    /// The 1-based line of an input file, when the error is about one.
    public var line: Int?
    /// The 1-based column (in characters) on that line, when known (malformed JSON).
    public var column: Int?

    public init(_ kind: Kind, code: String, _ message: String, field: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.field = field
        self.line = line
        self.column = column
    }

    public static func invalid(_ field: String, _ message: String, code: String = "invalid_field") -> RetentionError {
        RetentionError(.invalid, code: code, message, field: field)
    }

    public static func notFound(_ what: String, _ id: String) -> RetentionError {
        RetentionError(.notFound, code: "\(what.lowercased().replacingOccurrences(of: " ", with: "_"))_not_found",
                       "\(what) \(id) was not found.")
    }

    public static func conflict(_ code: String, _ message: String, field: String? = nil) -> RetentionError {
        RetentionError(.conflict, code: code, message, field: field)
    }

    /// An erased customer given new data (a note, a policy, a reply, an assignment): it would be personal
    /// data that could never be erased, since erasing again is refused.
    public static func customerErased(_ key: String) -> RetentionError {
        conflict("customer_erased", "Customer \(key) was erased and takes no new data.", field: "customerId")
    }

    public static func storage(_ message: String) -> RetentionError {
        RetentionError(.storage, code: "storage_error", message)
    }

    /// The HTTP-like status of the spec's error envelope.
    public var httpStatus: Int {
        switch kind {
        case .invalid: 400
        case .notFound: 404
        case .conflict: 409
        case .storage: 500
        case .unauthorized: 401
        case .methodNotAllowed: 405
        case .tooLarge: 413
        case .unsupportedMediaType: 415
        }
    }

    /// The message with where it is in front (`line 3, field email: …`), unless the message already says
    /// which line it is about.
    public var description: String {
        if let line, message.range(of: "line \(line)", options: .caseInsensitive) != nil { return message }
        var where_ = ""
        if let line { where_ += "line \(line)" }
        if let field { where_ += (where_.isEmpty ? "" : ", ") + "field \(field)" }
        return where_.isEmpty ? message : "\(where_): \(message)"
    }
}
