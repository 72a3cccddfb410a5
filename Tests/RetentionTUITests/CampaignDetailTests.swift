import Foundation
import Testing
@testable import RetentionCore
@testable import RetentionTUI

/// The campaigns pane's columns, the too-early state, the campaign detail (Enter) and pause's question.
@Suite struct CampaignDetailTests {
    let now = Timestamp.parse("2026-11-25T12:00:00Z")!

    /// A demo book in memory (its campaigns: a measured renewal reminder with an A/B step, a too-early welcome).
    func demo() throws -> (Engine, DashboardState) {
        let engine = Engine(database: try Store.open(path: ":memory:"), user: "t")
        try DemoBook(customers: 1500, seed: 3, now: now).generate(into: engine.db)
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(try DashboardSnapshot.collect(engine, state.request, now: now))
        // The campaigns' numbers follow the panes, as they do on screen.
        let header = HeaderMetrics(retentionRate: 91.5, churnRate: 8.5, netRevenueRetention: 102.3, averageLTV: 4200, averageHealth: 64.2,
                                   highRiskCustomers: 12, activeCampaigns: 1)
        state.applyFigures(header, try DashboardSnapshot.collectCampaignRows(engine, try engine.campaigns(), now: now))
        return (engine, state)
    }

    func render(_ state: DashboardState, _ columns: Int = 120, _ rows: Int = 40, glyphs: Glyphs = .unicode) -> String {
        var canvas = Canvas(columns: columns, rows: rows, glyphs: glyphs)
        DashboardView.draw(state, into: &canvas, now: now)
        return canvas.lines().joined(separator: "\n")
    }

    @Test func thePaneAt120ColumnsShowsTheManagersColumnsAndTooEarly() throws {
        let (engine, state) = try demo()
        let text = render(state)
        #expect(text.contains("Campaign       Sent Reached  Resp Retained Uplift      ROI"))
        // Wider terminals add Status, Revenue, Cost, Targeted.
        #expect(!text.contains("Revenue") && render(state, 200).contains("Revenue") && render(state, 200).contains("Status"))
        let rows = try #require(state.snapshot?.campaigns)
        let reminder = try #require(rows.first { $0.campaign.type == .renewal_reminder })
        let welcome = try #require(rows.first { $0.campaign.type == .engagement })
        let p = try engine.campaignPerformance(id: reminder.campaign.id, now: now)
        // The reminder is measured: Retained "treated/control" in whole percent, Uplift in points, ROI, as CampaignNumberFormat writes them.
        #expect(p.measurement.state == .measured)
        let cells = CampaignsPane.cells(reminder)
        #expect(cells[1] == CampaignNumberFormat.count(p.touchpoints.byStatus[.sent]) && cells[2] == CampaignNumberFormat.count(p.customers.reached))
        #expect(cells[4] == String(format: "%.0f/%.0f", p.retention.treatedRate!, p.retention.controlRate!))
        #expect(cells[5] == CampaignNumberFormat.signed(p.retention.upliftPoints!) && cells[6] == CampaignNumberFormat.roiShort(p.roi))
        // The weekly welcome has run for nine weeks of a 111-day window: too early, not 100 % or −100 %.
        #expect(welcome.tooEarly?.hasPrefix("too early (") == true)
        #expect(Array(CampaignsPane.cells(welcome)[4...6]) == ["early", "early", "early"])
        // A draft that enrolled nobody shows dashes.
        let draft = try #require(rows.first { $0.campaign.status == .draft })
        #expect(Array(CampaignsPane.cells(draft)[4...6]) == ["—", "—", "—"])
    }

    @Test func enterOpensTheDetailWithBarsIntervalsAndVariants() throws {
        let (engine, state) = try demo()
        let reminder = try #require(state.snapshot?.campaigns.first { $0.campaign.type == .renewal_reminder })
        let detail = try engine.campaignDetail(id: reminder.campaign.id, now: now)
        // The funnel per step follows the sequence; the steps add up to the whole.
        #expect(detail.steps.map(\.label) == ["1 email A/B", "2 sms", "3 call"])
        #expect(detail.steps.map(\.sent).reduce(0, +) == detail.performance.touchpoints.byStatus[.sent])
        #expect(detail.channels.map(\.responded).reduce(0, +) == detail.performance.touchpoints.byStatus[.responded])
        // A finished campaign's days end at its last activity, not today: the sparkline is not flat.
        #expect(detail.dailySent.reduce(0, +) > 0 && detail.lastDay < Timestamp.startOfDay(now) / Timestamp.secondsPerDay)
        var open = state
        open.overlay = .campaignDetail(title: reminder.campaign.name, detail: detail)
        let text = render(open, 120, 50)
        for part in ["Funnel", "Per step (sent → delivered", "Per channel", "sends", "responses", "Cost", "pts, 95 % interval", "A/B step 1",
                     "A renewal_reminder:", "B engagement:", "Goals"] {
            #expect(text.contains(part), "\(part)")
        }
        #expect(text.contains("█"))
        // ASCII terminals get # bars and no Unicode minus or arrows.
        let ascii = render(open, 120, 50, glyphs: .ascii)
        #expect(ascii.contains("##") && !ascii.contains("█") && !ascii.contains("→") && !ascii.contains("−"))
        // Any key closes it.
        _ = open.handle(.character("x"))
        #expect(open.overlay == nil)
        // The welcome is too early: the detail says so, with how many are measured.
        let welcome = try #require(state.snapshot?.campaigns.first { $0.campaign.type == .engagement })
        let lines = CampaignDetailView.lines(try engine.campaignDetail(id: welcome.campaign.id, now: now), glyphs: .unicode, columns: 100).map(\.0)
        #expect(lines.contains { $0.hasPrefix("Uplift      too early (") && $0.hasSuffix(" measured)") })
        #expect(!lines.contains { $0.contains("95 % interval") })
    }

    @Test func pauseAsksWithWhatIsPending() throws {
        var (_, state) = try demo()
        let rows = try #require(state.snapshot?.campaigns)
        let active = try #require(rows.firstIndex { $0.campaign.status == .active })
        state.focused = .campaigns
        state.campaignSelection.select(active, ids: rows.map(\.campaign.id))
        _ = state.handle(.character("p"))
        guard case .confirm(let title, let message, _)? = state.overlay else { Issue.record("pause did not ask"); return }
        #expect(title == "Pause campaign")
        #expect(message == "Pause \"\(rows[active].campaign.name)\"? \(NumberText.grouped(rows[active].pending)) pending touchpoints are held until you resume (a resume moves them on by the time spent paused).")
        #expect(rows[active].pending > 0)
        // Yes pauses it.
        #expect(state.handle(.character("y")) == [.campaign(id: rows[active].campaign.id, to: .paused)])
    }
}
