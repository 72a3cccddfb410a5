/// Lines of business Retention knows. The spec's examples are auto and home; the rest are the
/// personal and small-commercial lines an agency's book holds.
public enum PolicyType: String, CaseIterable, Sendable, Codable {
    case auto, home, renters, condo, life, health, umbrella, commercial, motorcycle, boat, pet, travel, disability

    /// SQL that turns `column`, a line's name, into its position in `allCases`, NULL for a name the enum
    /// does not know: whole-book passes read a number per row instead of building a string. The SQL holds
    /// only the enum's own names, never user text.
    static func sqlPosition(of column: String) -> String {
        "CASE \(column) " + allCases.enumerated().map { "WHEN '\($1.rawValue)' THEN \($0)" }.joined(separator: " ") + " END"
    }
}
