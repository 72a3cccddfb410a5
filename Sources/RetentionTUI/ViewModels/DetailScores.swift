/// The scores the customer detail draws: health components, the churn prediction, the lifetime value.
/// Filled by `EngineAdapter` from what the engine returns; the pane reads fields only.
public struct DetailScores: Sendable, Equatable {
    /// Component scores by name (`engagement`, `financial`, `satisfaction`, `lifecycle`); empty when unscored.
    public var components: [String: Double] = [:]
    public var confidence: Double?
    /// Whether the prediction names a top factor at all, and which (nil title: none raises the risk enough).
    public var hasTopFactor = false
    public var topFactorTitle: String?
    public var topFactorImpact = 0.0
    public var model: ModelLine?
    public var factors: [(name: String, impact: Double)] = []
    public var recommendations: [(action: String, highPriority: Bool, expectedImpact: String)] = []
    public var ltv: LTVLine?

    /// The churn model behind the numbers.
    public struct ModelLine: Sendable, Equatable {
        public var trained: Bool
        public var description: String
        public var holdoutAUC: Double?
        public var calibrationSlope: Double?
    }

    /// The latest stored lifetime value.
    public struct LTVLine: Sendable, Equatable {
        public var category: String?
        public var totalRevenue: Double?
        public var totalCost: Double?
        public var netProfit: Double?
        public var projectedProfit: Double?
        public var retentionRate: Double?
        public var averageLifespanMonths: Double?
        /// Revenue to date by policy line, in the engine's order.
        public var revenueByLine: [(line: String, amount: Double?)] = []

        public static func == (a: LTVLine, b: LTVLine) -> Bool {
            a.category == b.category && [a.totalRevenue, a.totalCost, a.netProfit, a.projectedProfit, a.retentionRate, a.averageLifespanMonths]
                == [b.totalRevenue, b.totalCost, b.netProfit, b.projectedProfit, b.retentionRate, b.averageLifespanMonths]
                && a.revenueByLine.map(\.line) == b.revenueByLine.map(\.line) && a.revenueByLine.map(\.amount) == b.revenueByLine.map(\.amount)
        }
    }

    public static func == (a: DetailScores, b: DetailScores) -> Bool {
        a.components == b.components && a.confidence == b.confidence && a.hasTopFactor == b.hasTopFactor
            && a.topFactorTitle == b.topFactorTitle && a.topFactorImpact == b.topFactorImpact && a.model == b.model
            && a.factors.map(\.name) == b.factors.map(\.name) && a.factors.map(\.impact) == b.factors.map(\.impact)
            && a.recommendations.map(\.action) == b.recommendations.map(\.action) && a.ltv == b.ltv
    }
}
