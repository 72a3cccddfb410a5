import Foundation
import Testing
@testable import RetentionCore
@testable import RetentionTUI

/// The one `update`: messages in (keys, clicks, resizes, ticks, effect results), state and effects out,
/// at a given `now`; and the panes drawn from it.
@Suite struct MessageLoopTests {
    let now = Timestamp.parse("2026-11-25T12:00:00Z")!

    func entry(_ i: Int) -> AtRiskEntry {
        AtRiskEntry(id: "c\(i)", name: "Customer \(i)", email: "c\(i)@example.com", phone: nil, agentId: "a", churnRisk: .high,
                    churnProbability: 0.9 - Double(i) / 1000, topRiskFactor: "No recent contact", healthScore: 37, projectedLTVCents: 450_000,
                    ltvTier: "silver", nextRenewalDate: now + 86_400 * 10, lastContactDate: nil, assignedTo: nil, snoozedUntil: nil)
    }

    func snapshot(atRisk: [AtRiskEntry] = [], campaigns: [CampaignRow] = []) -> DashboardSnapshot {
        DashboardSnapshot(header: HeaderMetrics(retentionRate: 91.5, churnRate: 8.5, netRevenueRetention: 102.3, averageLTV: 4200,
                                                averageHealth: 64.2, highRiskCustomers: 12, activeCampaigns: 1),
                          atRisk: atRisk, renewals: [], campaigns: campaigns, detail: nil, hasCustomers: true, loadedAt: now)
    }

    func campaign(_ name: String, _ status: CampaignStatus) -> Campaign {
        Campaign(rowID: 1, id: "k1", name: name, description: nil, type: .loyalty, status: status,
                 targetSegment: TargetSegment(), schedule: CampaignSchedule(startDate: nil, endDate: nil, timezone: "UTC", cron: nil),
                 sequence: [], goals: CampaignGoals(), controlFraction: 0.1, createdBy: "x", statusChangedAt: nil, pausedAt: nil,
                 nextRunAt: nil, version: 1, createdAt: now, updatedAt: now)
    }

    func draw(_ state: DashboardState, glyphs: Glyphs = .unicode) -> Canvas {
        var canvas = Canvas(columns: state.columns, rows: state.rows, glyphs: glyphs)
        DashboardView.draw(state, into: &canvas, now: now)
        return canvas
    }

    /// The review's probe (D1): 60 rows, 40 moves down, a click on the third row shown. The table's offset
    /// is stored by `update` and drawn as stored, so the click selects the customer under the pointer.
    @Test func aClickAfterScrollingSelectsTheRowUnderThePointer() throws {
        var state = DashboardState(themeName: "default", user: "me")
        _ = state.update(.resize(columns: 120, rows: 40), now: updateNow)
        state.apply(snapshot(atRisk: (0..<60).map(entry)))
        for _ in 0..<40 { _ = state.handle(.character("j")) }
        #expect(state.atRiskSelection.index == 40)
        #expect(state.atRiskSelection.offset > 0, "scrolled")
        let rect = try #require(state.layout.rect(of: .atRisk))
        let row = rect.row + 2 + 2 // border, column titles, then the third row shown
        let underPointer = draw(state).line(row)
        _ = state.update(.click(row: row, col: rect.col + 3), now: updateNow)
        let selected = try #require(state.selectedAtRisk)
        #expect(selected.id == "c\(state.atRiskSelection.offset + 2)")
        #expect(underPointer.contains("\(selected.name) "), "the pointer was on: \(underPointer)")
        // Scrolling back up moves the window only once the selection reaches its top.
        let offset = state.atRiskSelection.offset
        _ = state.handle(.character("k"))
        #expect(state.atRiskSelection.offset == offset)
    }

    /// Every binding that asks first opens its question and acts only on yes; none other asks; help says
    /// which ask, from the same table.
    /// `a` never activates at once: it reads what the activation would do, asks with it, and acts only on yes.
    @Test func activationAsksFirstWithWhatItWouldDo() {
        let campaign = campaign("Winter", .draft)
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot(atRisk: [entry(1)], campaigns: [CampaignRow.unmeasured(campaign)]))
        state.focused = .campaigns
        #expect(state.handle(.character("a")) == [.planActivation(id: campaign.id)])
        #expect(state.overlay == nil)
        let question = "Activate \"Winter\"? It enrols 1,200 customers (120 held out as the control group) and schedules 3,240 messages by email, sms."
        _ = state.update(.result(.done(.confirm(title: "Activate campaign", question: question, action: .activateCampaign, subjectID: campaign.id))), now: Date(timeIntervalSince1970: 0))
        guard case .confirm(let title, let message, _)? = state.overlay else { Issue.record("no question"); return }
        #expect(title == "Activate campaign" && message == question)
        #expect(state.handle(.character("y")) == [.campaign(id: campaign.id, to: .active)])
        // No says no: nothing is activated.
        _ = state.update(.result(.done(.confirm(title: "Activate campaign", question: question, action: .activateCampaign, subjectID: campaign.id))), now: Date(timeIntervalSince1970: 0))
        #expect(state.handle(.character("n")).isEmpty)
        #expect(KeyBindings.all.first { $0.action == .activateCampaign }?.helpSummary == "activate / resume campaign (asks first)")
    }

    @Test func bindingsThatAskFirstAskThroughTheTableAndHelpSaysSo() {
        let campaign = campaign("Winter", .active)
        var base = DashboardState(themeName: "default", user: "me")
        base.apply(snapshot(atRisk: [entry(1)], campaigns: [CampaignRow.unmeasured(campaign)]))
        for binding in KeyBindings.all where binding.panes.contains(.atRisk) || binding.panes.contains(.campaigns) {
            var state = base
            state.focused = binding.panes.contains(.atRisk) ? .atRisk : .campaigns
            let effects = state.handle(binding.keys[0])
            if let confirm = binding.confirm {
                guard case .confirm(let title, _, _)? = state.overlay else { Issue.record("\(binding.keyLabel) did not ask"); continue }
                #expect(title == confirm.title && effects.isEmpty)
                #expect(!state.handle(.character("y")).isEmpty, "\(binding.keyLabel) acts on yes")
            } else if case .confirm? = state.overlay {
                Issue.record("\(binding.keyLabel) asks, but its binding does not say so")
            }
        }
        #expect(KeyBindings.all.filter { $0.confirm != nil }.map(\.action) == [.pauseCampaign, .cancelCampaign, .paymentMissed])
        var state = base
        _ = state.handle(.character("?"))
        state.columns = 200; state.rows = 60
        let help = draw(state).lines().joined(separator: "\n")
        #expect(help.contains("record a missed payment (asks first)"))
        #expect(help.contains("cancel campaign (asks first)"))
        #expect(help.contains("snooze (presets) or show snoozed"), "z offers the presets: help says so")
    }

    /// Help cuts nothing: at 80x24 and 120x40 every key's whole description, "(asks first)" and its reason for
    /// being disabled now can be read (an entry too long for its column wraps; two columns never split one).
    @Test func helpShowsEveryEntryWholeAtUsualSizes() throws {
        for (columns, rows) in [(80, 24), (120, 40)] {
            var state = DashboardState(themeName: "default", user: "me")
            _ = state.update(.resize(columns: columns, rows: rows), now: updateNow)
            state.apply(snapshot(atRisk: [entry(1)], campaigns: [CampaignRow.unmeasured(campaign("Winter", .completed))]))
            _ = state.handle(.character("3"))
            let help = DashboardView.helpLines(state: state, columns: columns, rows: rows)
            let lines = help.lines.map(\.0)
            #expect(lines.allSatisfy { DisplayWidth.width(of: $0) <= columns - 8 }, "\(columns)x\(rows): a line is wider than the box")
            // Read each column top to bottom, as a person does.
            let twoColumns = help.columnWidth != nil
            let split = help.columnWidth ?? columns
            func column(_ right: Bool) -> String {
                lines.map { line -> String in
                    let chars = Array(line)
                    return right ? String(chars.dropFirst(split + 2)) : String(chars.prefix(split))
                }.joined(separator: " ").split(separator: " ").joined(separator: " ")
            }
            let text = column(false) + " " + (twoColumns ? column(true) : "")
            for b in KeyBindings.all {
                let reason = (b.panes.isEmpty || b.panes.contains(.campaigns)) ? b.disabledReason(in: state) : nil
                let scope = b.panes.isEmpty ? "" : " [" + b.panes.sorted { $0.rawValue < $1.rawValue }.map(\.title).joined(separator: ", ") + "]"
                let whole = (b.keyLabel + " " + b.helpSummary + scope + (reason.map { "; not now: \($0)" } ?? "")).split(separator: " ").joined(separator: " ")
                #expect(text.contains(whole), "\(columns)x\(rows): \(b.keyLabel) cut: \(whole)")
            }
            // What does not fit the screen scrolls into view: the last line can be reached, and the title says where.
            _ = state.handle(.character("?"))
            for _ in 0..<3 { _ = state.handle(.pageDown) }
            let screen = draw(state).lines()
            let last = try #require(lines.last?.split(separator: " ").first.map(String.init))
            #expect(screen.contains { $0.contains(last) }, "\(columns)x\(rows): the end of help cannot be reached")
            if lines.count > rows - 4 { #expect(screen.contains { $0.contains("of \(lines.count)") }) }
            _ = state.handle(.character("x"))
            #expect(state.overlay == nil && state.helpOffset == 0)
        }
    }

    /// A key that cannot act says why: on the status line when pressed, dimmed in the footer, with its
    /// reason in help; all from the binding's `disabledReason`.
    @Test func disabledReasonsShowInTheStatusFooterAndHelp() throws {
        var state = DashboardState(themeName: "default", user: "me")
        _ = state.update(.resize(columns: 160, rows: 40), now: updateNow)
        state.apply(snapshot())
        _ = state.handle(.character("3"))
        let activate = try #require(KeyBindings.binding(for: .character("a"), in: .campaigns))
        let reason = try #require(activate.disabledReason(in: state))
        #expect(reason.hasPrefix("No campaign selected"))
        let canvas = draw(state)
        let footer = canvas.line(canvas.rows - 1)
        let col = try #require(footer.range(of: " activate").map { footer.distance(from: footer.startIndex, to: $0.lowerBound) })
        #expect(canvas.roles(row: canvas.rows - 1)[col - 1] == .dim, "the key is dimmed: \(footer)")
        #expect(canvas.roles(row: canvas.rows - 1)[try #require(footer.firstIndex(of: "?")).utf16Offset(in: footer)] == .footerKey)
        #expect(state.handle(.character("a")).isEmpty && state.status?.text == reason && state.status?.isError == true)
        _ = state.handle(.character("?"))
        // (The reason may wrap after "No campaign": pause asks first, so its entry is longer.)
        #expect(draw(state).lines().joined().contains("not now: No campaign"))
        // An active campaign can be paused but not activated: the reason names its status.
        state.overlay = nil
        state.apply(snapshot(campaigns: [CampaignRow.unmeasured(campaign("Winter", .active))]))
        #expect(activate.disabledReason(in: state) == "\"Winter\" is active and cannot be activated.")
        #expect(KeyBindings.binding(for: .character("p"), in: .campaigns)?.disabledReason(in: state) == nil)
    }

    /// On an ASCII terminal the panes draw bars and sparklines with the `Bar` and `Sparkline` widgets'
    /// ASCII cells, and the interface's own marks with their stand-ins: nothing outside ASCII reaches the screen.
    @Test func panesFollowTheASCIIFallback() throws {
        let engine = Engine(database: try Store.open(path: ":memory:"), user: "t")
        try DemoBook(customers: 40, seed: 3, now: now).generate(into: engine.db)
        try engine.rescore(now: now)
        var state = DashboardState(themeName: "default", user: "me")
        _ = state.update(.resize(columns: 160, rows: 50), now: updateNow)
        state.apply(try DashboardSnapshot.collect(engine, state.request, now: now))
        #expect(state.handle(.enter) == [.readDetail(customerID: state.detailCustomerID ?? "")])
        _ = try engine.calculateHealthScore(customerId: try #require(state.detailCustomerID), now: now + 86_400)
        state.apply(try DashboardSnapshot.collect(engine, state.request, now: now))
        state.snapshot?.header = snapshot().header
        state.previousHeader = state.snapshot?.header.map { var h = $0; h.churnRate = 99; return h }
        state.timerPaused = true
        let ascii = draw(state, glyphs: .ascii).lines().joined(separator: "\n")
        // Customers' own names may hold any script (the demo has some); the interface's glyphs must not show.
        let u = Glyphs.unicode
        var interface = Set<Character>(u.barEighths.dropFirst())
        interface.formUnion(u.sparkLevels)
        interface.formUnion(Glyphs.asciiStandIns.keys)
        for b in [u.box, u.focusedBox] { interface.formUnion([b.horizontal, b.vertical, b.topLeft, b.topRight, b.bottomLeft, b.bottomRight]) }
        let shown = Set(ascii.filter { interface.contains($0) })
        #expect(shown.isEmpty, "interface glyphs on an ASCII terminal: \(shown.sorted())")
        #expect(ascii.contains("Health ") && ascii.contains("#"), "bars drawn in ASCII")
        let unicode = draw(state).lines().joined(separator: "\n")
        #expect(unicode.contains("█") && unicode.contains("▼"), "the same screen in Unicode has its blocks and marks")
        // The health bar is the widget's: 37 on five cells is 15 eighths, one full cell and a partial of 7.
        #expect(Bar(value: 37).text(width: 5, glyphs: .unicode) == "█▉   ")
        #expect(Bar(value: 37).text(width: 5, glyphs: .ascii) == "##...")
        #expect(Sparkline(values: [0, 50, 100], scale: .fixed(lower: 0, upper: 100)).text(width: 20, glyphs: .ascii) == ".=#")
    }

    /// A preview comes back as a typed result: an overlay with its title and lines, then a refresh.
    @Test func aPreviewArrivesAsATypedResult() {
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot())
        let effects = state.update(.result(.done(.preview(title: "Winter: 2 customers match", lines: ["Ann  a@x  high", "Bob  b@x  medium"]))),
                                   now: updateNow)
        #expect(effects == [.refresh(force: true)])
        #expect(state.overlay == .preview(title: "Winter: 2 customers match", lines: ["Ann  a@x  high", "Bob  b@x  medium"]))
        _ = state.update(.result(.done(.status("Campaign \"Winter\" is now active."))), now: updateNow)
        #expect(state.status?.text == "Campaign \"Winter\" is now active.")
        #expect(state.update(.result(.failed("database is locked")), now: updateNow).isEmpty && state.status?.isError == true)
    }

    /// `update` reads no clock: the same state and messages at the same `now` give the same result, and a
    /// fresh snapshot waits 0.8 s after the last key by `now` alone; the timer refreshes by `now` too.
    @Test func updateIsDeterministicGivenNow() {
        let t0 = updateNow
        func run() -> (DashboardState, [[Effect]]) {
            var state = DashboardState(themeName: "default", user: "me")
            var out: [[Effect]] = []
            for message: Message in [.resize(columns: 120, rows: 40), .result(.snapshot(snapshot(atRisk: (0..<5).map(entry)), dataVersion: 7)),
                                     .key(.down), .key(.character("z")), .key(.enter)] {
                out.append(state.update(message, now: t0))
            }
            return (state, out)
        }
        let (a, effectsA) = run(), (b, effectsB) = run()
        #expect(effectsA == effectsB && a.overlay == b.overlay && a.atRiskSelection == b.atRiskSelection)
        #expect(effectsA.last == [.snooze(customerID: "c1", days: 7)], "the second row, after one move down")

        var state = DashboardState(themeName: "default", user: "me")
        state.lastRefreshAt = t0.timeIntervalSince1970
        _ = state.update(.key(.down), now: t0)
        var timers = snapshot(atRisk: [entry(1)])
        timers.request = SnapshotRequest()
        timers.request?.lists.fromTimer = true
        _ = state.update(.result(.snapshot(timers, dataVersion: 1)), now: t0.addingTimeInterval(0.5))
        #expect(state.snapshot == nil && state.pending != nil, "the timer's refresh is held while the user moves")
        #expect(state.update(.tick(workerBusy: false), now: t0.addingTimeInterval(0.9)).isEmpty)
        #expect(state.snapshot != nil && state.pending == nil && state.lastVersion == 1)
        #expect(state.update(.tick(workerBusy: true), now: t0.addingTimeInterval(6)).isEmpty, "the worker is busy")
        #expect(state.update(.tick(workerBusy: false), now: t0.addingTimeInterval(6)) == [.refresh(force: false)])
        #expect(state.update(.tick(workerBusy: false), now: t0.addingTimeInterval(7)).isEmpty, "once per period")
        // A snooze typed as a date is that date (a day on the customer's calendar, checked against the `now` given).
        let date = Timestamp.startOfDay(Int(t0.timeIntervalSince1970)) + 3 * 86_400
        state.overlay = .prompt(title: "", text: Timestamp.formatDate(date), action: .snooze(customerID: "c1"))
        #expect(state.update(.key(.enter), now: t0) == [.snoozeToDate(customerID: "c1", date: date)])
        state.overlay = .prompt(title: "", text: Timestamp.formatDate(date - 4 * 86_400), action: .snooze(customerID: "c1"))
        #expect(state.update(.key(.enter), now: t0).isEmpty && state.status?.isError == true, "a day before today anywhere is refused at once")
    }

    /// Quitting saves the choices to keep, then ends.
    @Test func quittingSavesThePreferencesThenQuits() {
        var state = DashboardState(themeName: "dark", user: "me")
        state.request.renewalDays = 60
        #expect(state.handle(.character("q")) == [.savePreferences(DashboardPreferences(theme: "dark", sort: "probability", riskFilter: 0, renewalDays: 60)), .quit])
        #expect(state.quit)
    }
}
