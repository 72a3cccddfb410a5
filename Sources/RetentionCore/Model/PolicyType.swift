/// Lines of business Retention knows. The spec's examples are auto and home; the rest are the
/// personal and small-commercial lines an agency's book holds.
public enum PolicyType: String, CaseIterable, Sendable, Codable {
    case auto, home, renters, condo, life, health, umbrella, commercial, motorcycle, boat, pet, travel, disability
}
