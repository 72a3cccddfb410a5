/// How often the premium amount is charged. `premium.amount` is the amount of ONE instalment, so the
/// annual premium is `amount × paymentsPerYear` (monthly 125 → 1,500 a year).
public enum PremiumFrequency: String, CaseIterable, Sendable, Codable {
    case monthly, quarterly, semi_annual, annual

    public var paymentsPerYear: Int {
        switch self {
        case .monthly: 12
        case .quarterly: 4
        case .semi_annual: 2
        case .annual: 1
        }
    }
}
