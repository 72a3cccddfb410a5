import Foundation
import Testing
@testable import RetentionCore
@testable import RetentionTUI

/// When the dashboard's book-wide figures are computed, and the worker that computes them.
@Suite struct BackgroundWorkerTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    @Test func oneComputationAtATimeAndAForcedRequestMeanwhileRunsNext() {
        var schedule = FiguresSchedule<String>()
        let firstStarts = schedule.start("first", force: false, now: t0)
        #expect(firstStarts, "never computed: due")
        let timerStarts = schedule.start("timer", force: false, now: t0 + 1)
        #expect(!timerStarts, "one at a time")
        let forcedStarts = schedule.start("after an action", force: true, now: t0 + 2)
        #expect(!forcedStarts, "kept for later, not started alongside")
        let forcedAgainStarts = schedule.start("another action", force: true, now: t0 + 3)
        #expect(!forcedAgainStarts)
        let next = schedule.finished(startedAt: t0, now: t0 + 4)
        #expect(next == "another action", "the latest forced request runs next")
        #expect(schedule.inFlight)
        let nextAfterThat = schedule.finished(startedAt: t0 + 4, now: t0 + 8)
        #expect(nextAfterThat == nil)
        #expect(!schedule.inFlight)
    }

    @Test func unforcedRequestsWaitTenTimesTheLastDuration() {
        var schedule = FiguresSchedule<Int>()
        let firstStarts = schedule.start(1, force: false, now: t0)
        #expect(firstStarts)
        let rerun = schedule.finished(startedAt: t0, now: t0 + 3)
        #expect(rerun == nil)   // took 3 s
        let timerStarts = schedule.start(2, force: false, now: t0 + 20)
        #expect(!timerStarts, "17 s after: not yet (30 s)")
        let forcedStarts = schedule.start(3, force: true, now: t0 + 20)
        #expect(forcedStarts, "forced: at once")
        let rerunAfterForced = schedule.finished(startedAt: t0 + 20, now: t0 + 21)
        #expect(rerunAfterForced == nil) // took 1 s
        let laterTimerStarts = schedule.start(4, force: false, now: t0 + 31)
        #expect(laterTimerStarts)
    }

    /// On a real file: the panes come back, then the header's figures, then the campaigns' numbers.
    @Test func theWorkerSendsPanesThenFigures() throws {
        let dir = NSTemporaryDirectory() + "retention-worker-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/book.db"
        let now = Timestamp.now()
        let engine = Engine(database: try Store.open(path: path), user: "t")
        try DemoBook(customers: 200, seed: 3, now: now, withCampaigns: false).generate(into: engine.db)
        let campaign = try engine.createCampaign(NewCampaign(name: "Worker", type: .loyalty, sequence: [SequenceStep(channel: .email, template: "loyalty")]), now: now)
        try engine.setCampaignStatus(id: campaign.id, to: .active, now: now)
        let worker = BackgroundWorker(databasePath: path, user: "t")
        worker.refresh(SnapshotRequest(), lastVersion: nil, force: true)
        var all: [BackgroundWorker.Result] = []
        let deadline = Date().addingTimeInterval(30)
        func figures() -> HeaderMetrics? { all.lazy.compactMap { if case .figures(let h, _) = $0 { h } else { nil } }.last }
        func campaignRows() -> [[CampaignRow]] { all.compactMap { if case .figures(_, let rows) = $0 { rows } else { nil } } }
        while campaignRows().count < 2 && Date() < deadline {
            all += worker.drain()
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(figures()?.activeCampaigns == 1)
        // The header comes on its own first; the campaigns' numbers follow.
        #expect(campaignRows().first == [])
        #expect(campaignRows().dropFirst().first?.map(\.campaign.name) == ["Worker"])
        #expect(campaignRows().dropFirst().first?.allSatisfy(\.measured) == true)
        let snapshots = all.compactMap { if case .snapshot(let s, _) = $0 { s } else { nil } }
        #expect(snapshots.first?.campaigns.map(\.campaign.name) == ["Worker"])
    }
}
