import RetentionCore

/// The campaign's performance as lines for the overlay opened with Enter.
enum CampaignSummary {
    static func lines(_ p: CampaignReport) -> [String] {
        func n(_ v: Double?) -> String { v.map { JSONValue.format(number: $0) } ?? "—" }
        func pct(_ v: Double?) -> String { Formatting.percent(v) }
        return [
            "Status \(p.status)    targeted \(n(p.targeted))    reached \(n(p.reached))    control \(n(p.control))",
            // The funnel counts a touchpoint at every stage it reached; the side states count those in them now.
            "Touchpoints \(n(p.touchpoints)), reached: " + [TouchpointStatus.sent, .delivered, .opened, .clicked, .responded]
                .map { "\($0.rawValue) \(n(p.byStatus[$0]))" }.joined(separator: ", "),
            "Now: " + [TouchpointStatus.pending, .sending, .failed, .skipped, .cancelled].map { "\($0.rawValue) \(n(p.byStatus[$0]))" }.joined(separator: ", "),
            "Delivery \(pct(p.deliveryRate))  open \(pct(p.openRate))  click \(pct(p.clickRate))  response \(pct(p.responseRate))",
            "Retention: treated \(pct(p.treatedRate)), control \(pct(p.controlRate)), uplift \(n(p.upliftPoints)) points",
            "Revenue retained \(Formatting.money(p.revenueRetained))  incremental \(Formatting.money(p.revenueIncremental))  cost \(Formatting.money(p.cost))",
            "ROI \(pct(p.roi))    ROI on uplift \(pct(p.roiOnUplift))",
            "Goals: customers \(n(p.goalCustomers.actual)) of \(n(p.goalCustomers.goal)), retained \(n(p.goalRetained.actual)) of \(n(p.goalRetained.goal)), revenue \(Formatting.money(p.goalRevenue.actual)) of \(Formatting.money(p.goalRevenue.goal))",
        ]
    }
}
