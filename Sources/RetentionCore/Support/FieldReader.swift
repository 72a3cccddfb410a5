/// Reads the fields of a JSON request body with errors that name the field and the rule.
///
/// Fields are addressed by their API name; nested objects report dotted paths (`premium.amount`).
/// `finish()` rejects any field the operation does not know, so a typo is an error, not silently ignored.
public struct FieldReader: FieldSource {
    private let pairs: [(String, JSONValue)]
    private let prefix: String
    /// Which of `pairs` the operation has read (by position: a body has few fields, so a scan beats hashing).
    private var used: [Bool]

    public init(_ body: JSONValue, prefix: String = "") throws {
        guard case .object(let pairs) = body else {
            throw RetentionError.invalid(prefix.isEmpty ? "body" : String(prefix.dropLast()),
                                         "must be a JSON object, got \(body.typeName)")
        }
        self.pairs = pairs
        self.prefix = prefix
        used = Array(repeating: false, count: pairs.count)
    }

    public func path(_ key: String) -> String { prefix + key }

    public mutating func has(_ key: String) -> Bool { raw(key) != nil }

    /// The raw value, or nil when absent. Explicit `null` is returned as `.null`.
    public mutating func raw(_ key: String) -> JSONValue? {
        guard let i = pairs.firstIndex(where: { $0.0 == key }) else { return nil }
        used[i] = true
        return pairs[i].1
    }

    /// A string, trimmed; nil when absent or null. An empty string counts as absent for optional text.
    public mutating func optionalString(_ key: String) throws -> String? {
        guard let v = raw(key), !v.isNull else { return nil }
        guard case .string(let s) = v else { throw RetentionError.invalid(path(key), "must be a string, got \(v.typeName)") }
        let t = s.trimmedOfWhitespace
        if t.utf8.count > 10_000, t.count > 10_000 { throw RetentionError.invalid(path(key), "is longer than 10,000 characters") }
        return t.isEmpty ? nil : t
    }

    public mutating func optionalDouble(_ key: String) throws -> Double? {
        guard let v = raw(key), !v.isNull else { return nil }
        guard case .number(let d) = v, d.isFinite else { throw RetentionError.invalid(path(key), "must be a number, got \(v.typeName)") }
        return d
    }

    public mutating func optionalBool(_ key: String) throws -> Bool? {
        guard let v = raw(key), !v.isNull else { return nil }
        guard case .bool(let b) = v else { throw RetentionError.invalid(path(key), "must be true or false, got \(v.typeName)") }
        return b
    }

    public mutating func optionalStringArray(_ key: String) throws -> [String]? {
        guard let v = raw(key), !v.isNull else { return nil }
        guard case .array(let items) = v else { throw RetentionError.invalid(path(key), "must be an array of strings, got \(v.typeName)") }
        return try items.enumerated().map { i, item in
            guard case .string(let s) = item else { throw RetentionError.invalid("\(path(key))[\(i)]", "must be a string, got \(item.typeName)") }
            return s.trimmedOfWhitespace
        }
    }

    /// A nested object's reader, or nil when absent or null.
    public mutating func optionalObject(_ key: String) throws -> FieldReader? {
        guard let v = raw(key), !v.isNull else { return nil }
        return try FieldReader(v, prefix: path(key) + ".")
    }

    /// A free-form JSON object (metadata), or nil.
    public mutating func optionalJSONObject(_ key: String) throws -> JSONValue? {
        guard let v = raw(key), !v.isNull else { return nil }
        guard case .object = v else { throw RetentionError.invalid(path(key), "must be a JSON object, got \(v.typeName)") }
        let size = v.serialized().utf8.count
        guard size <= Self.jsonObjectBytesAtMost else {
            throw RetentionError.invalid(path(key), "is \(size) bytes as JSON; at most \(Self.jsonObjectBytesAtMost) bytes (64 KiB) are kept")
        }
        return v
    }

    /// The largest JSON object a field (metadata, an event's data with its note, coverage limits) may hold,
    /// serialized: 64 KiB. The README lists it with the other size limits.
    public static let jsonObjectBytesAtMost = 65_536

    /// Rejects fields the operation does not read.
    public func finish() throws {
        for ((key, _), read) in zip(pairs, used) where !read {
            throw RetentionError.invalid(path(key), "is not a known field here", code: "unknown_field")
        }
    }
}

extension String {
    /// The string without leading and trailing white space and newlines (Unicode's definition). Text
    /// that starts and ends with a printable ASCII character, nearly all of it, is returned as is
    /// without a scan.
    var trimmedOfWhitespace: String {
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
