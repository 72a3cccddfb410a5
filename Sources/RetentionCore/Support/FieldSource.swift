import Foundation

/// Where a typed input reads its fields from: a JSON body (`FieldReader`, the API) or the cells of a CSV
/// row (`CSVCellReader`, `retention import`). The typed inputs' decoders are written once against this
/// protocol, so a field's rules and its error messages are the same whichever way the fields arrive; the
/// derived readings (required text, whole numbers, money, dates, instants, choices) are written once here.
public protocol FieldSource {
    /// The field's name as errors give it (a nested object's fields carry its dotted path).
    func path(_ key: String) -> String
    /// Whether the field is given (a JSON `null` counts as given; an empty CSV cell does not).
    mutating func has(_ key: String) -> Bool
    /// A string, trimmed; nil when absent or null. An empty string counts as absent for optional text.
    mutating func optionalString(_ key: String) throws -> String?
    mutating func optionalDouble(_ key: String) throws -> Double?
    mutating func optionalBool(_ key: String) throws -> Bool?
    mutating func optionalStringArray(_ key: String) throws -> [String]?
    /// A nested object's reader, or nil when absent or null.
    mutating func optionalObject(_ key: String) throws -> FieldReader?
    /// A free-form JSON object (metadata), or nil.
    mutating func optionalJSONObject(_ key: String) throws -> JSONValue?
    /// Rejects fields the operation does not read.
    func finish() throws
}

extension FieldSource {
    public mutating func string(_ key: String) throws -> String {
        guard let v = try optionalString(key) else { throw RetentionError.invalid(path(key), "is required") }
        return v
    }

    public mutating func double(_ key: String) throws -> Double {
        guard let v = try optionalDouble(key) else { throw RetentionError.invalid(path(key), "is required") }
        return v
    }

    public mutating func optionalInt(_ key: String) throws -> Int? {
        guard let d = try optionalDouble(key) else { return nil }
        guard d == d.rounded(), abs(d) < 1e15 else { throw RetentionError.invalid(path(key), "must be a whole number") }
        return Int(d)
    }

    /// Money in currency units with at most two decimals, returned as integer cents.
    public mutating func optionalCents(_ key: String) throws -> Int? {
        guard let d = try optionalDouble(key) else { return nil }
        return try Validation.cents(d, field: path(key))
    }

    /// A calendar date `YYYY-MM-DD` (or an ISO instant, whose date is used), as Unix seconds.
    public mutating func optionalDate(_ key: String) throws -> Int? {
        guard let s = try optionalString(key) else { return nil }
        guard let t = Timestamp.parseDate(s) else {
            throw RetentionError.invalid(path(key), "must be an ISO date like 2024-01-31, got \"\(s)\"")
        }
        return t
    }

    public mutating func optionalInstant(_ key: String) throws -> Int? {
        guard let s = try optionalString(key) else { return nil }
        guard let t = Timestamp.parse(s) else {
            throw RetentionError.invalid(path(key), "must be an ISO date or date-time like 2024-01-31T09:00:00Z, got \"\(s)\"")
        }
        return t
    }

    /// A string that must be one of `allowed`; the error lists them.
    public mutating func optionalChoice<T: RawRepresentable>(_ key: String, _ type: T.Type) throws -> T? where T.RawValue == String, T: CaseIterable {
        guard let s = try optionalString(key) else { return nil }
        guard let v = T(rawValue: s.lowercased()) else {
            throw RetentionError.invalid(path(key), "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(s)\"")
        }
        return v
    }
}
