import Foundation
import Testing
@testable import RetentionCore
@testable import RetentionTUI

/// The adapter is the one place the dashboard turns the engine's typed values into what the panes draw. Each
/// figure is checked against the same figure in the API's document for the same engine call (made by the
/// encoders in API/Encoding, an independent path): a figure taken from the wrong field, or rounded
/// differently, fails here instead of showing a wrong number on screen.
@Suite struct EngineAdapterTests {
    let now = Timestamp.parse("2026-11-25T12:00:00Z")!

    func scoredBook() throws -> Engine {
        let engine = Engine(database: try Store.open(path: ":memory:"), user: "t")
        try DemoBook(customers: 60, seed: 3, now: now).generate(into: engine.db)
        try engine.rescore(now: now)
        return engine
    }

    @Test func theHeaderShowsTheMetricsDocumentsFigures() throws {
        let engine = try scoredBook()
        let header = try DashboardSnapshot.collectHeader(engine, now: now)
        var period = MetricsPeriod.trailingYear(now: now)
        period.includesCampaignROI = false
        let doc = try engine.retentionMetrics(period).json
        let customers = doc["customerMetrics"], revenue = doc["revenueMetrics"]
        #expect(header.retentionRate != nil && header.retentionRate == customers?["retentionRate"]?.doubleValue)
        #expect(header.churnRate != nil && header.churnRate == customers?["churnRate"]?.doubleValue)
        // Distinct figures, so a swap of two of them would be caught above.
        #expect(header.retentionRate != header.churnRate)
        #expect(header.netRevenueRetention != nil && header.netRevenueRetention == revenue?["netRevenueRetention"]?.doubleValue)
        #expect(header.averageLTV != nil && header.averageLTV == revenue?["averageLTV"]?.doubleValue)
        #expect(header.averageHealth != nil && header.averageHealth == doc["healthMetrics"]?["averageHealthScore"]?.doubleValue)
        #expect(Double(header.activeCampaigns) == doc["campaignMetrics"]?["activeCampaigns"]?.doubleValue)
        // The at-risk queue at high and critical risk: the pane's count under its high+ filter (one engine count).
        #expect(header.highRiskCustomers == (try engine.highRiskQueueCount(now: now)))
    }

    @Test func theDetailShowsTheStoredScoresThePredictionAndTheLatestLTV() throws {
        let engine = try scoredBook()
        var request = SnapshotRequest()
        let id = try #require(try engine.atRisk(AtRiskQuery(), now: now).first?.id)
        request.detailCustomerID = id
        _ = try engine.calculateHealthScore(customerId: id, now: now + 60)
        _ = try engine.calculateLTV(customerId: id, now: now + 60)
        let detail = try #require(try DashboardSnapshot.collect(engine, request, now: now + 60).detail)
        let s = detail.scores

        // The trend and the components: the history route's documents, oldest first.
        let history = try engine.healthScoreHistory(customerId: id, limit: 30)
        #expect(history.count == 2 && detail.healthHistory == history.reversed().compactMap { $0["overallScore"]?.doubleValue })
        let components = try #require(history.first?["components"]?.objectPairs)
        #expect(components.count == 4 && s.components.count == 4)
        for (name, component) in components { #expect(s.components[name] == component["score"]?.doubleValue, "\(name)") }
        #expect(Set(s.components.values).count > 1)

        // The prediction: the churn-prediction route's document.
        let p = try engine.predictChurn(customerId: id, features: nil, now: now + 60).json
        #expect(s.confidence == p["confidence"]?.doubleValue)
        #expect(s.hasTopFactor && s.topFactorTitle == p["topFactor"]?["title"]?.stringValue && s.topFactorTitle != nil)
        #expect(s.topFactorImpact == p["topFactor"]?["impact"]?.doubleValue)
        #expect(s.model?.trained == p["model"]?["trained"]?.boolValue && s.model?.description == p["model"]?["description"]?.stringValue)
        #expect(s.model?.description.isEmpty == false)
        let factors = try #require(p["factors"]?.arrayValue)
        #expect(!factors.isEmpty && s.factors.map(\.name) == factors.map { $0["name"]?.stringValue ?? "" })
        #expect(s.factors.map(\.impact) == factors.map { $0["impact"]?.doubleValue ?? .nan })
        let recs = try #require(p["recommendations"]?.arrayValue)
        #expect(!recs.isEmpty && s.recommendations.map(\.action) == recs.map { $0["action"]?.stringValue ?? "" })
        #expect(s.recommendations.map(\.highPriority) == recs.map { $0["priority"]?.stringValue == "high" })
        #expect(s.recommendations.map(\.expectedImpact) == recs.map { $0["expectedImpact"]?.stringValue ?? "" })

        // The lifetime value: the LTV history route's latest document.
        let l = try #require(try engine.ltvHistory(customerId: id, limit: 1).first)
        let ltv = try #require(s.ltv)
        #expect(ltv.category != nil && ltv.category == l["segments"]?["category"]?.stringValue)
        #expect(ltv.totalRevenue != nil && ltv.totalRevenue == l["breakdown"]?["totalRevenue"]?.doubleValue)
        #expect(ltv.totalCost == l["breakdown"]?["totalCost"]?.doubleValue && ltv.netProfit == l["breakdown"]?["netProfit"]?.doubleValue)
        #expect(ltv.projectedProfit != nil && ltv.projectedProfit == l["projectedProfit"]?.doubleValue)
        #expect(ltv.retentionRate != nil && ltv.retentionRate == l["retentionRate"]?.doubleValue)
        #expect(ltv.averageLifespanMonths == l["averageLifespan"]?.doubleValue)
        let byLine = try #require(l["breakdown"]?["policyRevenue"]?.objectPairs)
        #expect(!byLine.isEmpty && ltv.revenueByLine.map(\.line) == byLine.map(\.0) && ltv.revenueByLine.map(\.amount) == byLine.map { $0.1.doubleValue })
    }

    @Test func theCampaignRowAndOverlayShowThePerformanceDocumentsFigures() throws {
        let engine = try scoredBook()
        let campaign = try #require(try engine.campaigns(limit: 10).first { $0.status != .draft } ?? engine.campaigns(limit: 10).first)
        let p = try engine.campaignPerformance(id: campaign.id, now: now).json
        let report = EngineAdapter.campaignReport(try engine.campaignPerformance(id: campaign.id, now: now))
        #expect(report.status == p["status"]?.stringValue && report.status == campaign.status.rawValue)
        #expect(report.targeted == p["customers"]?["targeted"]?.doubleValue && report.reached == p["customers"]?["reached"]?.doubleValue)
        #expect(report.control == p["customers"]?["control"]?.doubleValue && report.touchpoints == p["touchpoints"]?["total"]?.doubleValue)
        let byStatus = try #require(p["touchpoints"]?["byStatus"]?.objectPairs)
        #expect(report.byStatus.count == byStatus.count)
        for (status, count) in byStatus { #expect(report.byStatus[try #require(TouchpointStatus(rawValue: status))] == count.doubleValue, "\(status)") }
        let rates = p["touchpoints"]?["rates"]
        #expect([report.deliveryRate, report.openRate, report.clickRate, report.responseRate]
                == ["deliveryRate", "openRate", "clickRate", "responseRate"].map { rates?[$0]?.doubleValue })
        #expect([report.treatedRate, report.controlRate, report.upliftPoints]
                == ["treatedRate", "controlRate", "upliftPoints"].map { p["retention"]?[$0]?.doubleValue })
        #expect(report.revenueRetained == p["revenue"]?["retained"]?.doubleValue && report.revenueIncremental == p["revenue"]?["incremental"]?.doubleValue)
        #expect(report.cost == p["cost"]?.doubleValue && report.roi == p["roi"]?.doubleValue && report.roiOnUplift == p["roiOnUplift"]?.doubleValue)
        for (goal, value) in [("targetCustomers", report.goalCustomers), ("expectedRetention", report.goalRetained), ("expectedRevenue", report.goalRevenue)] {
            #expect(value.actual == p["goals"]?[goal]?["actual"]?.doubleValue && value.goal == p["goals"]?[goal]?["goal"]?.doubleValue, "\(goal)")
        }
        let row = try #require(try DashboardSnapshot.collectCampaignRows(engine, [campaign], now: now).first)
        #expect(Double(row.targeted) == report.targeted && Double(row.reached) == report.reached)
        #expect(row.openRate == report.openRate && row.responseRate == report.responseRate && row.revenue == report.revenueRetained)
        #expect(row.cost == report.cost && row.roi == report.roi && row.upliftPoints == report.upliftPoints)
    }

    @Test func theWritesAndTheirSentences() throws {
        let engine = try scoredBook()
        let c = try #require(try engine.atRisk(AtRiskQuery(), now: now).first.map { try engine.customer(id: $0.id) })
        // The rescore's sentence: the score the route answers.
        let later = now + 120
        let h = try engine.calculateHealthScore(customerId: c.id, now: later)
        #expect(EngineAdapter.rescoredSentence(h) == "Rescored: health \(JSONValue.format(number: h.json["overallScore"]!.doubleValue!)), \(h.churnRisk.rawValue) risk.")
        // A missed payment is rescored at once: the sentence names the score it stored.
        let policy = try #require(try engine.policies(customerId: c.id).first { $0.status.isInForce })
        let missed = try engine.createEvent(EngineAdapter.paymentMissedEvent(customerID: c.id, policy: policy.policyNumber, amount: 82.78,
                                                                             dueDate: Timestamp.startOfDay(later)), now: later + 60)
        #expect(missed.eventType == .payment_missed && missed.severity == .warning)
        // D26: the policy, the amount and the due date are recorded.
        #expect(missed.policyId == policy.id && missed.data?["amount"] == .number(82.78)
                && missed.data?["dueDate"] == .string(Timestamp.formatDate(later)))
        let stored = try #require(missed.actionsTaken?.first?["healthScore"]?["overallScore"]?.doubleValue)
        let latest = try engine.healthHistory(customerId: c.id, limit: 1).first
        #expect(EngineAdapter.paymentMissedSentence(latestHealth: latest, recordedAt: later + 60) == String(format: "Missed payment recorded; health now %.1f.", stored))
        #expect(EngineAdapter.paymentMissedSentence(latestHealth: latest, recordedAt: later + 61) == "Missed payment recorded.")
        // A note keeps its text; a tag edit keeps the other tags and refuses a stale version.
        let note = try engine.createEvent(EngineAdapter.noteEvent(customerID: c.id, text: "called back"), now: later)
        #expect(note.eventType == .note_added && note.data?["note"]?.stringValue == "called back")
        let tagged = try engine.updateCustomer(id: c.id, EngineAdapter.tagPatch(c, adding: "vip"), now: later)
        #expect(tagged.tags == c.tags + ["vip"])
        #expect(throws: RetentionError.self) { try engine.updateCustomer(id: c.id, EngineAdapter.tagPatch(c, adding: "other"), now: later) }
        #expect(try engine.customer(id: c.id).tags == c.tags + ["vip"])
    }
}
