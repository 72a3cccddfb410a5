/// The settings `retention config` shows and changes (`Settings.configurable`): the lifetime-value
/// parameters (see `LTVSettings`), the company name messages sign with, the calling window for calls and
/// text messages, who may use the API over HTTP (see `CGISettings`) and the renewal grace (`RenewalGrace`).
extension Engine {
    /// Every settable key, in the order `config get` lists them (`policy.graceDays.LINE` stands for each line's).
    public static var settingKeys: [String] { Settings.configurable.map(\.name) }

    /// Each setting with the value in force (the default when none was set); of a family (a line's grace),
    /// those set.
    public func settings() throws -> [(key: String, value: String)] {
        let settings = db.settings
        return try Settings.configurable.flatMap { entry in try entry.names(settings).map { ($0, try entry.read(settings, $0)) } }
    }

    /// One setting's value in force, or an error naming the settings there are.
    public func setting(_ key: String) throws -> String {
        guard let entry = Settings.configurable(for: key) else { throw Settings.unknown(key) }
        return try entry.read(db.settings, key)
    }

    /// Sets one setting, validated (the error names the key and what its value must be) and audited.
    public func setSetting(_ key: String, _ value: String, now: Int) throws {
        guard let entry = Settings.configurable(for: key) else { throw Settings.unknown(key) }
        try db.transaction {
            let stored = try entry.write(db.settings, key, value)
            try audit("settings.set", entity: "setting", id: key, details: .object([("value", .string(stored))]), now: now)
        }
    }
}
