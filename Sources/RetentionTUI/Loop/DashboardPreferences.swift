import Foundation
import RetentionCore

/// Choices that persist between runs, in `$XDG_CONFIG_HOME/retention/dashboard.json`.
public struct DashboardPreferences: Sendable, Equatable {
    var theme: String?
    var sort: String?
    var riskFilter: Int?
    var renewalDays: Int?
    var mouse: Bool?

    init(theme: String? = nil, sort: String? = nil, riskFilter: Int? = nil, renewalDays: Int? = nil, mouse: Bool? = nil) {
        (self.theme, self.sort, self.riskFilter, self.renewalDays, self.mouse) = (theme, sort, riskFilter, renewalDays, mouse)
    }

    static func path(_ env: [String: String]) -> String { DatabaseLocation.configDirectory(environment: env) + "/dashboard.json" }

    static func load(_ env: [String: String]) -> DashboardPreferences {
        guard let data = FileManager.default.contents(atPath: path(env)), let v = try? JSONValue.parse(String(decoding: data, as: UTF8.self)) else {
            return DashboardPreferences()
        }
        return DashboardPreferences(theme: v["theme"]?.stringValue, sort: v["sort"]?.stringValue, riskFilter: v["riskFilter"]?.doubleValue.map { Int($0) },
                                    renewalDays: v["renewalDays"]?.doubleValue.map { Int($0) }, mouse: v["mouse"]?.boolValue)
    }

    func save(_ env: [String: String]) {
        let dir = DatabaseLocation.configDirectory(environment: env)
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let v = JSONValue.object([("theme", .optional(theme)), ("sort", .optional(sort)), ("riskFilter", .optional(riskFilter)),
                                  ("renewalDays", .optional(renewalDays)), ("mouse", mouse.map { .bool($0) } ?? .null)])
        _ = FileManager.default.createFile(atPath: DashboardPreferences.path(env), contents: Data((v.serialized(pretty: true) + "\n").utf8))
    }
}
