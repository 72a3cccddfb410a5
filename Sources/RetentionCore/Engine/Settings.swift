import Foundation

/// The `settings` table, typed. Every key Retention keeps there is a `Settings.Key` declared in
/// `SettingKeys.swift`, with the type of its value, its default, how the value is stored as text and what a
/// valid value is; nothing else in the product reads or writes the table. The keys `retention config` may
/// change are listed in `Settings.configurable`.
///
/// The stored texts are those earlier versions wrote (numbers as decimal text, JSON documents for the
/// structured values), so every existing database reads the same.
///
/// Reading is lenient where the product always was: a value that is not of its key's type reads as the
/// default (`value`) or as absent (`stored`); `checked` instead refuses it, naming the key, for state that
/// must not be silently ignored (an interrupted bulk load's).
public struct Settings {
    let db: Database

    init(_ db: Database) { self.db = db }

    /// One key of the table: its name, what its value must be, its default, and its stored text.
    public struct Key<Value: Sendable>: Sendable {
        /// The key in the `settings` table.
        public let name: String
        /// What a value must be, in words ("a number from 0 to 1"): a refusal says it.
        public let expected: String
        /// The value in force when none is stored.
        public let defaultValue: Value
        /// The value of a stored text (also of the text `retention config set` is given); nil when it is none.
        let decode: @Sendable (String) -> Value?
        /// The text a value is stored as (also what `retention config get` shows).
        let encode: @Sendable (Value) -> String
        /// Why a value of the right type is still refused (out of range, say), nil when it is accepted.
        let refusal: @Sendable (Value) -> String?

        init(_ name: String, expected: String, default defaultValue: Value, decode: @escaping @Sendable (String) -> Value?,
             encode: @escaping @Sendable (Value) -> String, refusal: @escaping @Sendable (Value) -> String? = { _ in nil }) {
            (self.name, self.expected, self.defaultValue) = (name, expected, defaultValue)
            (self.decode, self.encode, self.refusal) = (decode, encode, refusal)
        }

        /// The value of `text`, checked: the error names the key and says what it must be.
        func parse(_ text: String) throws -> Value {
            guard let value = decode(text) else { throw RetentionError.invalid(name, "must be \(expected); got \"\(text)\"") }
            if let reason = refusal(value) { throw RetentionError.invalid(name, "\(reason); got \"\(text)\"") }
            return value
        }

        func check(_ value: Value) throws {
            if let reason = refusal(value) { throw RetentionError.invalid(name, reason) }
        }
    }

    /// The stored value; nil when none is stored or the stored text is not a value of the key's type.
    func stored<V>(_ key: Key<V>) throws -> V? { try text(key.name).flatMap(key.decode) }

    /// The value in force: the stored one, else the key's default.
    func value<V>(_ key: Key<V>) throws -> V { try stored(key) ?? key.defaultValue }

    /// The stored value, nil when none is stored; a stored text that is not a value of the key's type is an error naming the key.
    func checked<V>(_ key: Key<V>) throws -> V? {
        guard let text = try text(key.name) else { return nil }
        guard let value = key.decode(text) else {
            throw RetentionError.storage("The setting \(key.name) holds \"\(text.prefix(200))\", which is not \(key.expected).")
        }
        return value
    }

    /// Whether a value is stored under the key (readable or not).
    func isStored<V>(_ key: Key<V>) throws -> Bool { try text(key.name) != nil }

    /// Stores a value after checking it (the error names the key). Runs in the caller's transaction, if any.
    func set<V>(_ key: Key<V>, _ value: V) throws {
        try key.check(value)
        try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [.text(key.name), .text(key.encode(value))])
    }

    /// Removes the key's value; whether there was one.
    @discardableResult
    func remove<V>(_ key: Key<V>) throws -> Bool {
        try db.run("DELETE FROM settings WHERE key = ?", [.text(key.name)])
        return db.changes > 0
    }

    /// The names of the keys stored under a family's prefix (`template.`), in order.
    func storedNames(prefix: String) throws -> [String] {
        let pattern = prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        return try db.query("SELECT key FROM settings WHERE key LIKE ? ESCAPE '\\' ORDER BY key", [.text(pattern)]) { $0.text(0) }
    }

    private func text(_ name: String) throws -> String? {
        try db.queryOne("SELECT value FROM settings WHERE key = ?", [.text(name)], { $0.text(0) })
    }
}

extension Database {
    /// The typed `settings` table of this database.
    var settings: Settings { Settings(self) }
}

extension Settings.Key {
    /// A key `retention config` may change, type-erased for the listing (see `Settings.configurable`).
    func configurable(help: String) -> Settings.Configurable {
        Settings.Configurable(name: name, expected: expected, help: help, matches: { [name] in $0 == name },
                              names: { [name] _ in [name] },
                              read: { settings, _ in self.encode(try settings.value(self)) },
                              write: { settings, _, text in let v = try self.parse(text); try settings.set(self, v); return self.encode(v) })
    }
}

extension Settings {
    /// A key, or a family of keys (`policy.graceDays.LINE`), that `retention config` lists and changes.
    public struct Configurable: Sendable {
        /// The key, or the family's pattern (`policy.graceDays.LINE`).
        public let name: String
        /// What a value must be.
        public let expected: String
        /// What the setting does, for `retention config --help`.
        public let help: String
        let matches: @Sendable (String) -> Bool
        /// The keys `config get` lists: the key itself, or those of the family that are stored.
        let names: @Sendable (Settings) throws -> [String]
        /// The text of a key's value in force.
        let read: @Sendable (Settings, String) throws -> String
        /// Checks and stores a key's value given as text; the text stored.
        let write: @Sendable (Settings, String, String) throws -> String
    }

    /// The configurable entry of a key, if any.
    static func configurable(for key: String) -> Configurable? { configurable.first { $0.matches(key) } }

    /// Refusal of a key `retention config` does not know: names the keys there are.
    static func unknown(_ key: String) -> RetentionError {
        RetentionError.invalid("key", "\"\(key)\" is not a setting; known: \(configurable.map(\.name).joined(separator: ", ")) (LINE: \(PolicyType.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
}
