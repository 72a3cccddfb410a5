import RetentionCore

/// A campaign's performance as the overlay opened with Enter shows it (`CampaignSummary.lines`). Filled by
/// `EngineAdapter`; nil numbers show as a dash.
public struct CampaignReport: Sendable, Equatable {
    public var status = ""
    public var targeted: Double?, reached: Double?, control: Double?
    public var touchpoints: Double?
    /// Touchpoints by status: the funnel (`sent`…`responded`, those that reached the stage) and the others (those in it now).
    public var byStatus: [TouchpointStatus: Double] = [:]
    public var deliveryRate: Double?, openRate: Double?, clickRate: Double?, responseRate: Double?
    public var treatedRate: Double?, controlRate: Double?, upliftPoints: Double?
    public var revenueRetained: Double?, revenueIncremental: Double?, cost: Double?
    public var roi: Double?, roiOnUplift: Double?
    public var goalCustomers: (actual: Double?, goal: Double?) = (nil, nil)
    public var goalRetained: (actual: Double?, goal: Double?) = (nil, nil)
    public var goalRevenue: (actual: Double?, goal: Double?) = (nil, nil)

    public init() {}

    public static func == (a: CampaignReport, b: CampaignReport) -> Bool { CampaignSummary.lines(a) == CampaignSummary.lines(b) }
}
