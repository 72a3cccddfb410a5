import Foundation
import RetentionCore

/// The one place the dashboard reads the engine's JSON documents: each function turns what an engine call
/// returns today into the small values the panes draw (`HeaderMetrics`, `CampaignRow`, `CampaignReport`,
/// `DetailScores`) or into an action's sentence. No pane and no update looks a key up; when the engine
/// returns typed values, only this file changes.
enum EngineAdapter {
    /// The header strip from the metrics document (`GET /metrics`) and the count of high-risk customers.
    static func header(metrics: JSONValue, highRiskCustomers: Int) -> HeaderMetrics {
        let customers = metrics["customerMetrics"], revenue = metrics["revenueMetrics"]
        return HeaderMetrics(
            retentionRate: customers?["retentionRate"]?.doubleValue,
            churnRate: customers?["churnRate"]?.doubleValue,
            netRevenueRetention: revenue?["netRevenueRetention"]?.doubleValue,
            averageLTV: revenue?["averageLTV"]?.doubleValue ?? revenue?["averageCurrentLTV"]?.doubleValue,
            averageHealth: metrics["healthMetrics"]?["averageHealthScore"]?.doubleValue,
            highRiskCustomers: highRiskCustomers,
            activeCampaigns: Int(metrics["campaignMetrics"]?["activeCampaigns"]?.doubleValue ?? 0))
    }

    /// A campaign pane row from a campaign and its performance document. "Reached" is
    /// `customers.reached`: the customers with a touchpoint counted in `touchpoints.byStatus.delivered`.
    static func campaignRow(_ c: Campaign, performance p: JSONValue) -> CampaignRow {
        CampaignRow(campaign: c, targeted: Int(p["customers"]?["targeted"]?.doubleValue ?? 0),
                    reached: Int(p["customers"]?["reached"]?.doubleValue ?? 0),
                    openRate: p["touchpoints"]?["rates"]?["openRate"]?.doubleValue,
                    responseRate: p["touchpoints"]?["rates"]?["responseRate"]?.doubleValue,
                    revenue: p["revenue"]?["retained"]?.doubleValue ?? 0, cost: p["cost"]?.doubleValue ?? 0,
                    roi: p["roi"]?.doubleValue, upliftPoints: p["retention"]?["upliftPoints"]?.doubleValue)
    }

    /// The campaign overlay's figures from the performance document.
    static func campaignReport(_ p: JSONValue) -> CampaignReport {
        var r = CampaignReport()
        let t = p["touchpoints"], rates = t?["rates"], retention = p["retention"], g = p["goals"]
        r.status = p["status"]?.stringValue ?? ""
        r.targeted = p["customers"]?["targeted"]?.doubleValue
        r.reached = p["customers"]?["reached"]?.doubleValue
        r.control = p["customers"]?["control"]?.doubleValue
        r.touchpoints = t?["total"]?.doubleValue
        if case .object(let pairs)? = t?["byStatus"] {
            for (status, count) in pairs { r.byStatus[status] = count.doubleValue }
        }
        (r.deliveryRate, r.openRate) = (rates?["deliveryRate"]?.doubleValue, rates?["openRate"]?.doubleValue)
        (r.clickRate, r.responseRate) = (rates?["clickRate"]?.doubleValue, rates?["responseRate"]?.doubleValue)
        r.treatedRate = retention?["treatedRate"]?.doubleValue
        r.controlRate = retention?["controlRate"]?.doubleValue
        r.upliftPoints = retention?["upliftPoints"]?.doubleValue
        r.revenueRetained = p["revenue"]?["retained"]?.doubleValue
        r.revenueIncremental = p["revenue"]?["incremental"]?.doubleValue
        r.cost = p["cost"]?.doubleValue
        r.roi = p["roi"]?.doubleValue
        r.roiOnUplift = p["roiOnUplift"]?.doubleValue
        func goal(_ key: String) -> (Double?, Double?) { (g?[key]?["actual"]?.doubleValue, g?[key]?["goal"]?.doubleValue) }
        r.goalCustomers = goal("targetCustomers")
        r.goalRetained = goal("expectedRetention")
        r.goalRevenue = goal("expectedRevenue")
        return r
    }

    /// Overall health from the stored health-score documents, oldest first (they come newest first).
    static func healthHistory(_ newestFirst: [JSONValue]) -> [Double] {
        newestFirst.reversed().compactMap { $0["overallScore"]?.doubleValue }
    }

    /// The detail's scores from the latest health document, the churn prediction and the latest LTV document.
    static func detailScores(health: JSONValue?, prediction: JSONValue?, ltv: JSONValue?) -> DetailScores {
        var s = DetailScores()
        if case .object(let pairs)? = health?["components"] {
            for (name, component) in pairs { s.components[name] = component["score"]?.doubleValue ?? 0 }
        }
        s.confidence = prediction?["confidence"]?.doubleValue
        if let top = prediction?["topFactor"] {
            s.hasTopFactor = true
            s.topFactorTitle = top["title"]?.stringValue
            s.topFactorImpact = top["impact"]?.doubleValue ?? 0
        }
        if let m = prediction?["model"] {
            s.model = DetailScores.ModelLine(trained: m["trained"]?.boolValue == true, description: m["description"]?.stringValue ?? "",
                                             holdoutAUC: m["holdoutAUC"]?.doubleValue, calibrationSlope: m["calibrationSlope"]?.doubleValue)
        }
        s.factors = (prediction?["factors"]?.arrayValue ?? []).map { ($0["name"]?.stringValue ?? "", $0["impact"]?.doubleValue ?? 0) }
        s.recommendations = (prediction?["recommendations"]?.arrayValue ?? []).map {
            ($0["action"]?.stringValue ?? "", $0["priority"]?.stringValue == "high", $0["expectedImpact"]?.stringValue ?? "")
        }
        if let l = ltv {
            let b = l["breakdown"]
            var line = DetailScores.LTVLine(category: l["segments"]?["category"]?.stringValue, totalRevenue: b?["totalRevenue"]?.doubleValue,
                                            totalCost: b?["totalCost"]?.doubleValue, netProfit: b?["netProfit"]?.doubleValue,
                                            projectedProfit: l["projectedProfit"]?.doubleValue, retentionRate: l["retentionRate"]?.doubleValue,
                                            averageLifespanMonths: l["averageLifespan"]?.doubleValue)
            if case .object(let byType)? = b?["policyRevenue"] { line.revenueByLine = byType.map { ($0.0, $0.1.doubleValue) } }
            s.ltv = line
        }
        return s
    }

    /// An event's first three data fields as `key=value`, for the detail's event list.
    static func eventSummary(_ e: RetentionEvent) -> String {
        guard let data = e.data, case .object(let pairs) = data else { return "" }
        return pairs.prefix(3).map { "\($0.0)=\($0.1.stringValue ?? $0.1.serialized())" }.joined(separator: " ")
    }

    /// The sentence after recording a missed payment: the new health score when the rescore ran.
    static func paymentMissedSentence(_ event: RetentionEvent) -> String {
        let health = (event.actionsTaken ?? []).lazy.compactMap { $0["healthScore"]?["overallScore"]?.doubleValue }.first
        return "Missed payment recorded" + (health.map { String(format: "; health now %.1f.", $0) } ?? ".")
    }

    /// The sentence after a rescore, from the health-score document.
    static func rescoredSentence(_ h: JSONValue) -> String {
        "Rescored: health \(JSONValue.format(number: h["overallScore"]?.doubleValue ?? 0)), \(h["churnRisk"]?.stringValue ?? "") risk."
    }

    /// The body of a note event.
    static func noteEvent(customerID: String, text: String) -> JSONValue {
        .object([("customerId", .string(customerID)), ("eventType", .string("note_added")), ("data", .object([("note", .string(text))]))])
    }

    /// The body of a missed-payment event, rescored at once (the question said it lowers the score).
    static func paymentMissedEvent(customerID: String) -> JSONValue {
        .object([("customerId", .string(customerID)), ("eventType", .string("payment_missed")), ("severity", .string("warning")),
                 ("triggeredActions", .array([.string("update_health_score")]))])
    }

    /// The patch adding a tag; the version read makes a concurrent edit by someone else a clear conflict, not a lost tag.
    static func tagPatch(_ c: Customer, adding tag: String) -> JSONValue {
        let tags = c.tags.contains(tag) ? c.tags : c.tags + [tag]
        return .object([("tags", .array(tags.map { .string($0) })), ("version", .int(c.version))])
    }
}
