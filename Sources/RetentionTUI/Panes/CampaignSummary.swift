import RetentionCore

/// The campaign's performance as lines for the overlay opened with Enter.
enum CampaignSummary {
    static func lines(_ p: JSONValue) -> [String] {
        func n(_ v: JSONValue?) -> String { v.map { $0.isNull ? "—" : JSONValue.format(number: $0.doubleValue ?? 0) } ?? "—" }
        func pct(_ v: JSONValue?) -> String { v?.doubleValue.map { Formatting.percent($0) } ?? "—" }
        let t = p["touchpoints"], rates = t?["rates"], r = p["retention"], g = p["goals"]
        var out = [
            "Status \(p["status"]?.stringValue ?? "")    targeted \(n(p["customers"]?["targeted"]))    reached \(n(p["customers"]?["reached"]))    control \(n(p["customers"]?["control"]))",
            // The funnel counts a touchpoint at every stage it reached; the side states count those in them now.
            "Touchpoints \(n(t?["total"])), reached: " + ["sent", "delivered", "opened", "clicked", "responded"]
                .map { "\($0) \(n(t?["byStatus"]?[$0]))" }.joined(separator: ", "),
            "Now: " + ["pending", "sending", "failed", "skipped", "cancelled"].map { "\($0) \(n(t?["byStatus"]?[$0]))" }.joined(separator: ", "),
            "Delivery \(pct(rates?["deliveryRate"]))  open \(pct(rates?["openRate"]))  click \(pct(rates?["clickRate"]))  response \(pct(rates?["responseRate"]))",
            "Retention: treated \(pct(r?["treatedRate"])), control \(pct(r?["controlRate"])), uplift \(n(r?["upliftPoints"])) points",
            "Revenue retained \(Formatting.money(p["revenue"]?["retained"]?.doubleValue))  incremental \(Formatting.money(p["revenue"]?["incremental"]?.doubleValue))  cost \(Formatting.money(p["cost"]?.doubleValue))",
            "ROI \(pct(p["roi"]))    ROI on uplift \(pct(p["roiOnUplift"]))",
        ]
        out.append("Goals: customers \(n(g?["targetCustomers"]?["actual"])) of \(n(g?["targetCustomers"]?["goal"])), retained \(n(g?["expectedRetention"]?["actual"])) of \(n(g?["expectedRetention"]?["goal"])), revenue \(Formatting.money(g?["expectedRevenue"]?["actual"]?.doubleValue)) of \(Formatting.money(g?["expectedRevenue"]?["goal"]?.doubleValue))")
        return out
    }
}
