import Foundation
import Testing
@testable import RetentionCore

/// The question the dashboard asks before it activates a campaign states exactly what the activation then does.
@Suite struct ActivationPlanTests {
    @Test func thePlanIsWhatActivationDoes() throws {
        let (engine, campaign) = try CampaignTests().bookAndCampaign()
        let plan = try engine.activationPlan(campaignId: campaign.id, now: testNow)
        let preview = try engine.previewCampaign(id: campaign.id, now: testNow)
        #expect(plan.enrols == preview.count && plan.enrols > 0)
        #expect(plan.control > 0 && plan.control < plan.enrols)
        #expect(plan.channels == [.email, .sms, .call])
        try engine.setCampaignStatus(id: campaign.id, to: .active, now: testNow)
        let enrolled = try engine.db.scalarInt("SELECT count(*) FROM campaign_enrollments")
        let control = try engine.db.scalarInt("SELECT count(*) FROM campaign_enrollments WHERE is_control = 1")
        let touchpoints = try engine.db.scalarInt("SELECT count(*) FROM touchpoints")
        #expect(plan.enrols == enrolled && plan.control == control && plan.messages == touchpoints)
        #expect(plan.messages == (enrolled - control) * 3)
        #expect(plan.sentence.hasPrefix("Activate \"\(campaign.name)\"? It enrols \(enrolled) customers (\(control) held out as the control group) and schedules \(touchpoints) messages by email, sms, call."))
        // Once active, a second activation would enrol nobody new.
        #expect(try engine.activationPlan(campaignId: campaign.id, now: testNow).enrols == 0)
    }

    @Test func aPausedCampaignSaysWhatItResumes() throws {
        let (engine, campaign) = try CampaignTests().bookAndCampaign()
        try engine.setCampaignStatus(id: campaign.id, to: .active, now: testNow)
        try engine.setCampaignStatus(id: campaign.id, to: .paused, now: testNow + 60)
        let pending = try engine.db.scalarInt("SELECT count(*) FROM touchpoints WHERE status = 'pending'")
        let plan = try engine.activationPlan(campaignId: campaign.id, now: testNow + 120)
        #expect(plan.from == .paused && plan.pendingTouchpoints == pending && pending > 0)
        #expect(plan.sentence.hasPrefix("Resume \"\(campaign.name)\"? \(pending.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))) pending touchpoints will be sent"))
    }
}
