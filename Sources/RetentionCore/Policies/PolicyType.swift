/// Lines of business Retention knows. The spec's examples are auto and home; the rest are the
/// personal and small-commercial lines an agency's book holds.
public enum PolicyType: String, CaseIterable, Sendable, Codable {
    case auto, home, renters, condo, life, health, umbrella, commercial, motorcycle, boat, pet, travel, disability

    /// The lines' names in `allCases` order, for `Row.position(_:in:)`: whole-book passes read a line's
    /// position per row instead of building a string.
    static let names = TextNames(allCases.map(\.rawValue))
}
