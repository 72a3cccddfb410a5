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
        return try Self.stringArray(v, path: path(key))
    }

    /// The rule of `optionalStringArray` for a given value `v` (not null) of the field at `path`: an array of
    /// strings, each trimmed. (A CSV row's list cell is read by it too, with no reader made for it.)
    static func stringArray(_ v: JSONValue, path: @autoclosure () -> String) throws -> [String] {
        guard case .array(let items) = v else { throw RetentionError.invalid(path(), "must be an array of strings, got \(v.typeName)") }
        return try items.enumerated().map { i, item in
            guard case .string(let s) = item else { throw RetentionError.invalid("\(path())[\(i)]", "must be a string, got \(item.typeName)") }
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
    /// `lowercased()`; the text itself when it is ASCII without a capital letter (`lowercased()` would change
    /// nothing), without making a new string (an import lower-cases a million ids, twice each).
    var lowercasedASCIIFast: String {
        if withUTF8Bytes({ !$0.contains { $0 >= 0x80 || ($0 >= 0x41 && $0 <= 0x5A) } }) { return self }
        return lowercased()
    }

    /// `body` given the text's UTF-8 bytes: in place when the string holds them together (a native string, every
    /// string an import reads), else a copy. (Reading them through `utf8`'s `first`, `last` or `allSatisfy` went
    /// through the view's index checks byte by byte: 2–3 % of an import's parsing threads' time.)
    @inline(__always)
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let r = try utf8.withContiguousStorageIfAvailable(body) { return r }
        return try Array(utf8).withUnsafeBufferPointer(body)
    }

    /// The string without leading and trailing white space and newlines (Unicode's definition). Text
    /// that starts and ends with a printable ASCII character, nearly all of it, is returned as is
    /// without a scan.
    var trimmedOfWhitespace: String {
        if withUTF8Bytes({ b in b.first.map { $0 > 0x20 && $0 < 0x7F } == true && b.last.map { $0 > 0x20 && $0 < 0x7F } == true }) { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
