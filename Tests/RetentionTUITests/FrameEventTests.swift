import Testing
@testable import RetentionCore
@testable import RetentionTUI

/// What `DashboardOptions.onFrame` is told about each frame: the panes' data, then the book-wide figures.
@Suite struct FrameEventTests {
    let now = Timestamp.parse("2026-11-25T12:00:00Z")!

    @Test func aFrameSaysWhetherThePanesAndTheFiguresHaveArrived() {
        let campaign = Campaign(rowID: 1, id: "k1", name: "Spring", description: nil, type: .loyalty, status: .active,
                                targetSegment: TargetSegment(), schedule: CampaignSchedule(startDate: nil, endDate: nil, timezone: "UTC", cron: nil),
                                sequence: [], goals: CampaignGoals(), controlFraction: 0.1, createdBy: "x", statusChangedAt: nil, pausedAt: nil,
                                nextRunAt: nil, version: 1, createdAt: now, updatedAt: now)
        var state = DashboardState(themeName: "default", user: "me")
        #expect(DashboardApp.frameEvent(state, frame: 1) == FrameEvent(frame: 1, panesLoaded: false, figuresLoaded: false))
        // The panes first: no header yet, the campaign's performance not read yet.
        var snapshot = DashboardSnapshot(header: nil, atRisk: [], renewals: [], campaigns: [.unmeasured(campaign)], detail: nil, hasCustomers: true, loadedAt: now)
        state.snapshot = snapshot
        #expect(DashboardApp.frameEvent(state, frame: 2) == FrameEvent(frame: 2, panesLoaded: true, figuresLoaded: false))
        // The header alone is not all the figures while a campaign is unmeasured.
        snapshot.header = HeaderMetrics(retentionRate: 91.5, churnRate: 8.5, netRevenueRetention: nil, averageLTV: nil, averageHealth: nil,
                                        highRiskCustomers: 0, activeCampaigns: 1)
        state.snapshot = snapshot
        #expect(DashboardApp.frameEvent(state, frame: 3).figuresLoaded == false)
        snapshot.campaigns[0].measured = true
        state.snapshot = snapshot
        #expect(DashboardApp.frameEvent(state, frame: 4) == FrameEvent(frame: 4, panesLoaded: true, figuresLoaded: true))
    }
}
