import Testing
@testable import RetentionCore
@testable import RetentionTUI

/// The adapter is the one place the dashboard reads engine documents: on a scored book every figure the
/// panes draw is found, so a renamed key fails here instead of showing a dash on screen.
@Suite struct EngineAdapterTests {
    let now = Timestamp.parse("2026-11-25T12:00:00Z")!

    @Test func everyFigureThePanesDrawIsFoundInTheEngineDocuments() throws {
        let engine = Engine(database: try Store.open(path: ":memory:"), user: "t")
        try DemoBook(customers: 60, seed: 3, now: now).generate(into: engine.db)
        try engine.rescore(now: now)
        let header = try DashboardSnapshot.collectHeader(engine, now: now)
        #expect(header.retentionRate != nil && header.churnRate != nil && header.netRevenueRetention != nil)
        #expect(header.averageLTV != nil && header.averageHealth != nil)

        var request = SnapshotRequest()
        request.detailCustomerID = try #require(try engine.atRisk(AtRiskQuery(), now: now).first?.id)
        _ = try engine.calculateHealthScore(customerId: request.detailCustomerID!, now: now)
        let detail = try #require(try DashboardSnapshot.collect(engine, request, now: now).detail)
        #expect(Set(detail.scores.components.keys) == ["engagement", "financial", "satisfaction", "lifecycle"])
        #expect(detail.scores.confidence != nil && detail.scores.hasTopFactor && detail.scores.model?.description.isEmpty == false)
        #expect(!detail.scores.factors.isEmpty && !detail.scores.recommendations.isEmpty)
        #expect(!detail.healthHistory.isEmpty)
        #expect(detail.scores.ltv?.totalRevenue != nil && detail.scores.ltv?.retentionRate != nil)

        let campaign = try #require(try engine.campaigns(limit: 10).first)
        let report = EngineAdapter.campaignReport(try engine.campaignPerformanceDocument(id: campaign.id, now: now))
        #expect(report.status == campaign.status.rawValue && report.targeted != nil && report.touchpoints != nil)
        #expect(!report.byStatus.isEmpty)
    }
}
