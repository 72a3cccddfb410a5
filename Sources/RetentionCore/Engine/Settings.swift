/// The settings `retention config` shows and changes: the lifetime-value parameters (see `LTVSettings`),
/// the company name messages sign with, the calling window for calls and text messages, and who may use
/// the API over HTTP (see `CGISettings`).
extension Engine {
    /// Every settable key, in the order `config get` lists them.
    public static let settingKeys = LTVSettings.keys + ["company.name", "contact.window"] + CGISettings.keys + [RenewalGrace.defaultKey, "policy.graceDays.LINE", DispatchSettings.programTimeoutKey]

    /// Each setting with the value in force (the default when none was set).
    public func settings() throws -> [(key: String, value: String)] {
        let ltv = try ltvSettings()
        let window = try callingWindow()
        let company = try db.queryOne("SELECT value FROM settings WHERE key = 'company.name'", [], { $0.text(0) })
        let cgi = try cgiSettings()
        return [("ltv.discountRate", JSONValue.format(number: ltv.discountRate)), ("ltv.profitMargin", JSONValue.format(number: ltv.profitMargin)),
                ("ltv.acquisitionCost", JSONValue.format(number: Double(ltv.acquisitionCostCents) / 100)),
                ("ltv.operationalCost", JSONValue.format(number: Double(ltv.operationalCostCents) / 100)),
                ("company.name", company ?? TemplateVariables.fallback("company.name")), ("contact.window", window.description)]
            + CGISettings.keys.map { ($0, cgi.value(of: $0)) }
            + graceSettings(try renewalGrace())
            + [(DispatchSettings.programTimeoutKey, String(try programTimeout()))]
    }

    /// The grace settings: the default, then each line that has its own.
    private func graceSettings(_ grace: RenewalGrace) -> [(key: String, value: String)] {
        [(RenewalGrace.defaultKey, String(grace.defaultDays))]
            + grace.daysByLine.sorted { $0.key < $1.key }.map { (RenewalGrace.linePrefix + $0.key, String($0.value)) }
    }

    /// One setting's value in force, or an error naming the settings there are.
    public func setting(_ key: String) throws -> String {
        if RenewalGrace.isKey(key), key != RenewalGrace.defaultKey {
            return String(try renewalGrace().days(for: String(key.dropFirst(RenewalGrace.linePrefix.count))))
        }
        guard let value = try settings().first(where: { $0.key == key })?.value else { throw Self.unknownSetting(key) }
        return value
    }

    static func unknownSetting(_ key: String) -> RetentionError {
        RetentionError.invalid("key", "\"\(key)\" is not a setting; known: \(settingKeys.joined(separator: ", ")) (LINE: \(PolicyType.allCases.map(\.rawValue).joined(separator: ", ")))")
    }

    /// Sets one setting, validated (the error names the key) and audited.
    public func setSetting(_ key: String, _ value: String, now: Int) throws {
        var value = value
        switch key {
        case _ where LTVSettings.keys.contains(key):
            try setLTVSetting(key, value, now: now)
            return
        case "company.name":
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty else { throw RetentionError.invalid(key, "cannot be empty") }
            _ = try Validation.text(value, field: key, maxLength: 100)
        case _ where RenewalGrace.isKey(key):
            _ = try RenewalGrace.parse(key, value)
        case "contact.window":
            guard CallingWindow(parsing: value) != nil else {
                throw RetentionError.invalid(key, "must be HH:MM-HH:MM with the start before the end, like 08:00-21:00; got \"\(value)\"")
            }
        case DispatchSettings.programTimeoutKey:
            value = String(try DispatchSettings.programTimeout(parsing: value))
        case _ where CGISettings.keys.contains(key):
            var cgi = CGISettings()
            try cgi.set(key, value)
            value = cgi.value(of: key)
        default:
            throw Self.unknownSetting(key)
        }
        try db.transaction {
            try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [.text(key), .text(value)])
            try audit("settings.set", entity: "setting", id: key, details: .object([("value", .string(value))]), now: now)
        }
    }
}
