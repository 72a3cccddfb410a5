import Testing
@testable import RetentionCore

/// `v` on a campaign: new matches and the matching customers already enrolled; the form's live count.
@Suite struct SegmentPreviewTests {
    @Test func newMatchesAndAlreadyEnrolled() throws {
        let engine = try makeEngine()
        let now = Timestamp.parse("2026-11-25")!
        try DemoBook(customers: 300, seed: 5, now: now).generate(into: engine.db)
        try engine.rescore(now: now)
        var segment = TargetSegment()
        segment.churnRisk = [.high, .critical]
        let direct = try engine.db.scalarInt("SELECT count(*) FROM customers WHERE churn_risk >= 2 AND active_policies > 0 AND erased_at IS NULL")
        #expect(direct > 3)
        #expect(try engine.segmentCount(segment, now: now) == direct)
        let campaign = try engine.createCampaign(NewCampaign(name: "High risk calls", type: .engagement,
                                                             sequence: [SequenceStep(channel: .email, template: "renewal_reminder")], targetSegment: segment), now: now)
        // Activation enrols every match (the control group too); then three more customers come to match.
        try engine.setCampaignStatus(id: campaign.id, to: .active, now: now)
        let newcomers = try engine.db.query("SELECT uuid FROM customers WHERE churn_risk = 0 AND active_policies > 0 AND erased_at IS NULL ORDER BY id LIMIT 3") { $0.text(0) }
        for id in newcomers { try engine.db.run("UPDATE customers SET churn_risk = 3, churn_probability = 0.9 WHERE uuid = ?", [.text(id)]) }
        let p = try engine.segmentPreview(campaignId: campaign.id, limit: 2, now: now)
        #expect(p.alreadyEnrolled == direct && p.newMatches == 3)
        #expect(p.customers.count == 2 && p.notListed == 1)
        #expect(p.customers.allSatisfy { newcomers.contains($0.id) }, "only the newcomers are new matches")
        #expect(p.newMatches == (try engine.previewCampaign(id: campaign.id, now: now)).count, "the same count as `campaign preview`")
    }
}
