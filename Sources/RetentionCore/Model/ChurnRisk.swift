/// The four churn-risk levels of the spec, ordered from least to most urgent.
///
/// A level is derived from a churn probability `p` by fixed thresholds (spec section 4):
/// low `p < 0.30`, medium `0.30 ≤ p < 0.50`, high `0.50 ≤ p < 0.70`, critical `p ≥ 0.70`.
public enum ChurnRisk: String, CaseIterable, Sendable, Codable, Comparable {
    case low, medium, high, critical

    /// The level for a churn probability in 0...1 (values outside are clamped).
    public init(probability p: Double) {
        switch p {
        case ..<0.30: self = .low
        case ..<0.50: self = .medium
        case ..<0.70: self = .high
        default: self = .critical
        }
    }

    /// 0 for low up to 3 for critical; stored in the database so that ordering and filtering use an index.
    public var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .critical: 3
        }
    }

    public init?(rank: Int) {
        guard let level = ChurnRisk.allCases.first(where: { $0.rank == rank }) else { return nil }
        self = level
    }

    public static func < (lhs: ChurnRisk, rhs: ChurnRisk) -> Bool { lhs.rank < rhs.rank }

    /// A condition naming every level, `c.churn_risk IN (0, 1, 2, 3)` (constants of this type, no value of a
    /// user's): true of every customer, since the score writers store only a level's rank, and what lets a health
    /// range be read from `customers_risk_level (churn_risk, health_score)`, one range per level (schema 19 keeps
    /// the health score in that index only).
    static let everyLevelSQL = "c.churn_risk IN (\(allCases.map { String($0.rank) }.joined(separator: ", ")))"
}
