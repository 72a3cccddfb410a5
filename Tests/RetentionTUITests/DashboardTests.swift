import Testing
@testable import RetentionCore
@testable import RetentionTUI

/// The dashboard without a terminal: feed keys to the state, draw into a canvas, read the text.
@Suite struct DashboardTests {
    let now = Timestamp.parse("2026-11-25T12:00:00Z")!

    func snapshot(atRisk: [AtRiskEntry] = [], campaigns: [CampaignRow] = [], customers: Int = 0) -> DashboardSnapshot {
        DashboardSnapshot(header: HeaderMetrics(retentionRate: 91.5, churnRate: 8.5, netRevenueRetention: 102.3, averageLTV: 4200,
                                                averageHealth: 64.2, highRiskCustomers: 12, activeCampaigns: 1),
                          atRisk: atRisk, renewals: [], campaigns: campaigns, detail: nil, hasCustomers: customers > 0, loadedAt: now)
    }

    func entry(_ id: String, _ name: String, _ p: Double) -> AtRiskEntry {
        AtRiskEntry(id: id, name: name, email: "\(id)@example.com", phone: nil, agentId: "a", churnRisk: ChurnRisk(probability: p),
                    churnProbability: p, topRiskFactor: "No recent contact", healthScore: 35, projectedLTVCents: 450_000, ltvTier: "silver",
                    nextRenewalDate: now + 86_400 * 10, lastContactDate: nil, assignedTo: nil, snoozedUntil: nil)
    }

    /// A scored demo book in memory and the dashboard's state with its panes read.
    func scoredDemo(customers: Int) throws -> (Engine, DashboardState) {
        let engine = Engine(database: try Store.open(path: ":memory:"), user: "t")
        try DemoBook(customers: customers, seed: 3, now: now).generate(into: engine.db)
        try engine.rescore(now: now)
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(try DashboardSnapshot.collect(engine, state.request, now: now))
        return (engine, state)
    }

    func render(_ state: DashboardState, _ columns: Int = 120, _ rows: Int = 40) -> String {
        var canvas = Canvas(columns: columns, rows: rows)
        DashboardView.draw(state, into: &canvas, now: now)
        return canvas.lines().joined(separator: "\n")
    }

    /// A manual level in force rides along with the at-risk row (the pane shows "model→manual"); the row keeps its
    /// place (the queue follows the model's level); a lapsed one is not carried.
    @Test func aManualLevelShowsBesideTheModelsInTheAtRiskRow() throws {
        let (engine, state0) = try scoredDemo(customers: 40)
        let before = try DashboardSnapshot.collect(engine, state0.request, now: now).atRisk
        guard let first = before.first else { Issue.record("no at-risk row"); return }
        #expect(first.overrideLevel == nil)
        _ = try engine.setRiskOverride(customerId: first.id, RiskOverride(level: .low, reason: "renewed by phone", until: now + 86_400 * 7), now: now)
        let snap = try DashboardSnapshot.collect(engine, state0.request, now: now)
        let row = snap.atRisk.first { $0.id == first.id }
        #expect(row?.overrideLevel == .low && row?.churnRisk == first.churnRisk)
        #expect(snap.atRisk.map(\.id) == before.map(\.id), "the queue keeps the model's order")
        let later = try DashboardSnapshot.collect(engine, state0.request, now: now + 86_400 * 8)
        #expect(later.atRisk.first { $0.id == first.id }?.overrideLevel == nil, "a lapsed level shows no more")
        // Drawn: the row's Risk cell reads the model's level and the specialist's beside it, whole.
        var e = entry("a", "Ann Lee", 0.95)
        e.overrideLevel = .low
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot(atRisk: [e, entry("b", "Bo Park", 0.5)]))
        #expect(render(state, 120, 40).contains("\(e.churnRisk.rawValue)→low"))
    }

    @Test func anEmptyBookSaysWhatToDoNext() {
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot())
        let text = render(state)
        #expect(text.contains("import a book"))
        #expect(text.contains("No campaigns yet"))
        #expect(text.contains("Select a customer"))
        #expect(text.contains("Retained 91.5%"))
        // The detail pane's hint wraps: its end is on screen, not cut at the pane's edge.
        #expect(text.contains("press Enter.") || text.contains("and press") && text.contains("Enter."))
    }

    @Test func aFilterThatMatchesNobodySaysSoRatherThanAskingForARescore() {
        var state = DashboardState(themeName: "default", user: "me")
        state.filterText = "smithsmith"
        state.apply(snapshot(customers: 10))
        let text = render(state, 160, 40)
        #expect(text.contains("matches the filter"))
        #expect(!text.contains("retention rescore"))
    }

    @Test func filtersReloadThePanesWithoutRecomputingTheBookWideFigures() {
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot(atRisk: [entry("a", "Ann", 0.9)]))
        _ = state.handle(.character("/"))
        #expect(state.handle(.character("x")) == [.reloadPanes], "each keystroke of the search")
        #expect(state.handle(.enter) == [.reloadPanes])
        #expect(state.handle(.character("f")) == [.reloadPanes], "risk levels")
        #expect(state.handle(.character("r")) == [.refresh(force: true)], "the user asking for fresh figures gets them")
    }

    /// An empty at-risk list asks for a rescore only when nothing is scored; a scored book with no one at
    /// risk says so.
    @Test func anEmptyAtRiskListSaysWhyItIsEmpty() {
        var state = DashboardState(themeName: "default", user: "me")
        var unscored = snapshot(customers: 10)
        unscored.hasScores = false
        state.apply(unscored)
        #expect(render(state, 160, 40).contains("No customer is scored yet"))
        state.apply(snapshot(customers: 10))
        let scored = render(state, 160, 40)
        #expect(scored.contains("No customer at this risk level now") && !scored.contains("rescore"))
        // Under a filter, or only mine: the keys that would widen it, and only those, and who is never in the queue.
        state.filterText = "zelda"
        #expect(AtRiskPane.emptyFilterText(state) == "No customer in the queue at medium+ matches the filter. Press / to change the filter."
            + " Not in the queue: low risk, snoozed (z shows them), former customers (b), prospects (retention api GET '/customers?search=…').")
        state.mineOnly = true
        state.riskFilterIndex = 2
        #expect(AtRiskPane.emptyFilterText(state).hasPrefix("No customer of yours in the queue at critical matches the filter."
            + " Press / to change the filter, m for everyone's or f for other risk levels."))
        state.filterText = nil
        #expect(AtRiskPane.emptyFilterText(state).hasPrefix("No customer in the queue at critical is assigned to you. Press m for everyone's or f for other risk levels."))
        #expect(render(state, 160, 40).contains("is assigned to you"))
    }

    /// "Last contact" counts whole calendar months, as the detail's reasons do: 2023-06-27 to 2026-06-15 is 35.
    @Test func monthsAgoAreWholeCalendarMonths() {
        let then = Timestamp.parseDate("2023-06-27")!, at = Timestamp.parseDate("2026-06-15")!
        #expect(Formatting.ago(then, now: at) == "35mo ago")
        #expect(Formatting.ago(at - 59 * 86_400, now: at) == "59d ago")
    }

    /// Money: a loss has its sign before the dollar sign.
    @Test func aLossIsWrittenWithItsSignFirst() {
        #expect(Formatting.money(-82) == "−$82" && Formatting.money(-12_345) == "−$12k" && Formatting.money(-0.4) == "$0")
        #expect(Formatting.cents(-150_000) == "−$1,500" && Formatting.money(82) == "$82")
        #expect(Formatting.compactCents(-150_000) == "−$1.5k" && Formatting.compactCents(150_000) == "$1.5k")
    }

    @Test func theValueAtStakeShowsWithItsTierAt120Columns() {
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot(atRisk: [entry("a", "Ann", 0.9)], customers: 1))
        let text = render(state)
        #expect(text.contains("$4.5k S"), "LTV and tier letter, not cut short")
        #expect(text.contains("Renews"), "and the renewal date still fits")
        #expect(Formatting.compactCents(51_900) == "$519" && Formatting.compactCents(792_100) == "$7.9k"
                && Formatting.compactCents(1_234_500) == "$12k" && Formatting.compactCents(123_456_700) == "$1.2M")
    }

    @Test func selectionSurvivesARefreshThatReordersRows() {
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot(atRisk: [entry("a", "Ann", 0.9), entry("b", "Bob", 0.8), entry("c", "Cy", 0.7)]))
        _ = state.handle(.down)
        #expect(state.selectedAtRisk?.id == "b")
        state.apply(snapshot(atRisk: [entry("c", "Cy", 0.95), entry("a", "Ann", 0.9), entry("b", "Bob", 0.8)]))
        #expect(state.selectedAtRisk?.id == "b")
        #expect(state.atRiskSelection.index == 2)
    }

    @Test func keysMoveFocusOpenAndBackOut() {
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot(atRisk: [entry("a", "Ann", 0.9)]))
        #expect(state.handle(.tab).isEmpty && state.focused == .renewals)
        _ = state.handle(.character("1"))
        #expect(state.handle(.enter) == [.readDetail(customerID: state.detailCustomerID ?? "")])
        #expect(state.focused == .detail && state.detailCustomerID == "a")
        _ = state.handle(.escape)
        #expect(state.focused == .atRisk)
        _ = state.handle(.character("q"))
        #expect(state.quit)
    }

    @Test func dangerousCampaignActionsConfirmAndImpossibleOnesSayWhy() throws {
        let campaign = Campaign(rowID: 1, id: "k1", name: "Spring", description: nil, type: .loyalty, status: .cancelled,
                                targetSegment: TargetSegment(), schedule: CampaignSchedule(startDate: nil, endDate: nil, timezone: "UTC", cron: nil),
                                sequence: [], goals: CampaignGoals(), controlFraction: 0.1, createdBy: "x", statusChangedAt: nil, pausedAt: nil,
                                nextRunAt: nil, version: 1, createdAt: now, updatedAt: now)
        var row = CampaignRow(campaign: campaign, targeted: 40, reached: 0, openRate: nil, responseRate: nil, revenue: 0, cost: 0, roi: nil, upliftPoints: nil)
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot(campaigns: [row]))
        _ = state.handle(.character("3"))
        #expect(state.handle(.character("p")).isEmpty)
        #expect(state.status?.text.contains("only an active campaign can be paused") == true)
        row.campaign.status = .active
        state.apply(snapshot(campaigns: [row]))
        #expect(state.handle(.character("c")).isEmpty)
        guard case .confirm(_, let message, _) = state.overlay else { Issue.record("no confirmation"); return }
        #expect(message.contains("Spring") && message.contains("40 customers"))
        #expect(state.handle(.character("y")) == [.campaign(id: "k1", to: .cancelled)])
        // Pause asks first too, with what is pending; yes pauses.
        #expect(state.handle(.character("p")).isEmpty)
        guard case .confirm(_, let pause, _) = state.overlay else { Issue.record("pause did not ask"); return }
        #expect(pause.contains("Spring") && pause.contains("pending touchpoints are held"))
        #expect(state.handle(.character("y")) == [.campaign(id: "k1", to: .paused)])
    }

    /// `$` records a retention event that lowers the score: one stray key must not do it. It asks, naming
    /// the customer; `n` leaves everything as it was, `y` records it.
    @Test func aMissedPaymentIsRecordedOnlyAfterAYesNamingTheCustomer() {
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot(atRisk: [entry("a", "Ann Lee", 0.9)]))
        #expect(state.handle(.character("$")).isEmpty)
        guard case .confirm(_, let message, _) = state.overlay else { Issue.record("no confirmation"); return }
        #expect(message.contains("Ann Lee"))
        #expect(state.handle(.character("n")).isEmpty && state.overlay == nil)
        _ = state.handle(.character("$"))
        #expect(state.handle(.character("A")).isEmpty, "other keys do nothing while it asks")
        // Yes reads the customer's policies to ask for the policy, amount and due date (D26).
        #expect(state.handle(.character("y")) == [.paymentForm(customerID: "a", policyID: nil)])
        // The prompts name their customer too.
        _ = state.handle(.character("n"))
        guard case .prompt(let title, _, _) = state.overlay else { Issue.record("no note prompt"); return }
        #expect(title.contains("Ann Lee"))
    }

    /// After a filter change the old rows stay until the new ones arrive, marked as being read, and no
    /// action applies to them (the selection would be a customer the new filter may not show).
    @Test func noActionAppliesToRowsReadForAnEarlierFilter() {
        var state = DashboardState(themeName: "default", user: "me")
        var shown = snapshot(atRisk: [entry("a", "Ann", 0.9)])
        shown.request = state.request
        state.apply(shown)
        #expect(state.handle(.character("f")) == [.reloadPanes])
        #expect(render(state).contains("(reading…)"))
        #expect(state.handle(.character("A")).isEmpty && state.status?.text.contains("being read") == true)
        shown.request = state.request
        state.apply(shown)
        #expect(state.handle(.character("A")) == [.assignToMe(customerID: "a")])
    }

    /// A detail line wider than the pane goes on under itself, word by word, nothing cut away.
    @Test func detailLinesWrapWordByWord() {
        let lines: [[(String, StyleRole)]] = [[("  → ", .dim), ("Reduce churn probability with a personal call before the renewal", .text), ("  high", .dim)]]
        let screen = DetailPane.wrapped(lines, width: 30).map { $0.map(\.0).joined() }
        #expect(screen == ["  → Reduce churn probability", "    with a personal call", "    before the renewal  high"])
        #expect(screen.allSatisfy { DisplayWidth.width(of: $0) <= 30 })
        #expect(DetailPane.wrapped([[("Sacramento", .text)]], width: 30).map { $0.map(\.0).joined() } == ["Sacramento"])
        // One character 80 columns wide (40 joined Hangul jamo) gets a line of its own; the wrapping ends.
        let jamo = String(repeating: "\u{1100}", count: 40)
        #expect(jamo.count == 1)
        #expect(DetailPane.wrapped([[("city ", .dim), (jamo + " ok", .text)]], width: 30).map { $0.map(\.0).joined() } == ["city ", "    " + jamo, "    ok"])
        #expect(DetailPane.wrapped([[("x", .text), (String(repeating: "y", count: 40), .text)]], width: 12).map { $0.map(\.0).joined() }
                == ["xyyyyyyyyyyy", "    yyyyyyyy", "    yyyyyyyy", "    yyyyyyyy", "    yyyyy"], "1 + 11 + 8 + 8 + 8 + 5 characters")
    }

    /// The footer shows whole key hints only, and quitting always; a long status ends in an ellipsis.
    @Test func theFooterShowsWholeHintsAndAlwaysQuit() {
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot(atRisk: [entry("a", "Ann", 0.9)]))
        state.status = ("Unknown policy type in type:bogus; types: " + PolicyType.allCases.map(\.rawValue).joined(separator: ", ") + ", and more words to be long", true)
        for columns in [40, 80, 120] {
            let lines = render(state, columns, 30).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let hints = lines[lines.count - 1], status = lines[lines.count - 2]
            #expect(hints.contains("q quit"), "\(columns): \(hints)")
            #expect(status.trimmingCharacters(in: .whitespaces).hasSuffix("…"), "\(columns): \(status)")
            for binding in KeyBindings.footer(for: .atRisk) where hints.contains(" \(binding.summary.prefix(4))") {
                #expect(hints.contains(binding.summary), "\(columns): a hint cut short in \(hints)")
            }
        }
    }

    /// A question wraps to fit and its answer keys are always in sight; a long line being typed shows its end.
    @Test func aLongQuestionWrapsAndALongLineShowsItsEnd() {
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot(atRisk: [entry("a", "Maximiliana Featherstonehaugh-Villanueva de la Cruz", 0.9)]))
        _ = state.handle(.character("$"))
        let question = render(state, 80, 24)
        #expect(question.contains("(y/n)"))
        #expect(question.contains("health score."), "the end of the question is on screen")
        _ = state.handle(.escape)
        _ = state.handle(.character("n"))
        _ = state.paste(String(repeating: "spoke about the renewal quote ", count: 6) + "END")
        // The line shows its end, where the cursor is (a highlighted cell after END), after an ellipsis.
        #expect(render(state, 80, 24).contains("quote END "))
    }

    /// The detail pane's actions wait for the customer just opened: until it is read, the pane still shows
    /// the one before, and a question naming that one would act on the other.
    @Test func aCustomerJustOpenedIsActedOnOnlyOnceShown() throws {
        var (engine, state) = try scoredDemo(customers: 60)
        #expect(state.handle(.enter) == [.readDetail(customerID: state.detailCustomerID ?? "")])
        let first = try #require(state.detailCustomerID)
        state.apply(try DashboardSnapshot.collect(engine, state.request, now: now))
        _ = state.handle(.escape)
        _ = state.handle(.down)
        #expect(state.handle(.enter) == [.readDetail(customerID: state.detailCustomerID ?? "")])
        #expect(state.detailCustomerID != first)
        #expect(state.handle(.character("$")).isEmpty && state.overlay == nil && state.status?.text.contains("still being read") == true)
        state.apply(try DashboardSnapshot.collect(engine, state.request, now: now))
        _ = state.handle(.character("$"))
        guard case .confirm(_, let message, _) = state.overlay else { Issue.record("no question once shown"); return }
        #expect(message.contains(state.snapshot?.detail?.customer.fullName ?? "?"))
    }

    /// The user's open tasks show in the header (the due ones marked) as soon as the panes are read; the
    /// customer's open tasks show in the detail pane, and `d` there marks the one chosen done.
    @Test func tasksShowInTheHeaderAndTheDetailAndDMarksOneDone() throws {
        let engine = Engine(database: try Store.open(path: ":memory:"), user: "me")
        let c = try engine.createCustomer(NewCustomer(leadId: "L1", agentId: "agent-7", firstName: "Ann", lastName: "Lee", email: "ann@example.com"), now: now - 7200)
        func notify(_ type: EventType, _ severity: EventSeverity, at: Int) throws {
            _ = try engine.createEvent(NewEvent(customer: c.id, type: type, severity: severity, triggeredActions: ["agent_notification"]), now: at)
        }
        try notify(.complaint_filed, .critical, at: now - 3600)   // due at once: due now
        try engine.assign(customerId: c.id, to: "me", now: now - 3000)
        try notify(.note_added, .info, at: now)                    // due in three days
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(try DashboardSnapshot.collect(engine, state.request, now: now))
        #expect(state.snapshot?.myOpenTasks == 2 && state.snapshot?.myDueTasks == 1)
        #expect(render(state).contains(" Retention  Tasks 2 mine, 1 due  computing metrics…"))
        // With the figures the header shows whole items only, as many as fit after the tasks.
        state.applyFigures(snapshot().header!, [])
        for columns in [80, 100, 120, 160] {
            let header = String(render(state, columns, 30).prefix { $0 != "\n" })
            #expect(header.hasPrefix(" Retention  Tasks 2 mine, 1 due  Retained 91.5%  Churn 8.5%"), "\(columns): \(header)")
            for item in ["NRR 102.3%", "Avg LTV $4,200", "Health 64.2", "High risk 12", "Campaigns 1 active"] {
                #expect(header.contains(item) || !header.contains(item.prefix(3)), "\(columns): \(item) cut in \(header)")
            }
        }
        #expect(String(render(state, 160, 30).prefix { $0 != "\n" }).contains("Campaigns 1 active"))

        // In the at-risk list d marks a follow-up done in the F view; with nothing selected there it says so.
        #expect(state.handle(.character("d")).isEmpty && state.overlay == nil && state.status?.text == "Select a customer first.")
        state.focused = .detail
        state.detailCustomerID = c.id
        state.request.detailCustomerID = c.id
        state.apply(try DashboardSnapshot.collect(engine, state.request, now: now))
        let text = render(state)
        // Times in the customer's zone (none on file: UTC, said so).
        #expect(text.contains("Open tasks (d: done), times in UTC (no zone on file)"))
        #expect(text.contains("due Wed 25 Nov 11:00  Follow up on the complaint  for me"))
        #expect(text.contains("due Sat 28 Nov 12:00  Follow up: note added  for me"))
        #expect(state.handle(.character("d")).isEmpty)
        guard case .choice(let title, let options, _, _) = state.overlay else { Issue.record("no choice of tasks"); return }
        #expect(title.contains("Ann Lee") && options == ["Wed 25 Nov 11:00 UTC (no zone on file)  Follow up on the complaint",
                                                       "Sat 28 Nov 12:00 UTC (no zone on file)  Follow up: note added"])
        _ = state.handle(.down)
        let chosen = try #require(state.snapshot?.detail?.tasks.last?.id)
        #expect(state.handle(.enter) == [.completeTask(id: chosen)])
        // The effect, as the app runs it; the next snapshot shows one task left.
        try engine.setTaskStatus(id: chosen, to: .done, now: now)
        state.apply(try DashboardSnapshot.collect(engine, state.request, now: now))
        #expect(state.snapshot?.detail?.tasks.count == 1 && state.snapshot?.myOpenTasks == 1)
        try engine.setTaskStatus(id: try #require(state.snapshot?.detail?.tasks.first?.id), to: .done, now: now)
        state.apply(try DashboardSnapshot.collect(engine, state.request, now: now))
        #expect(!render(state).contains("Open tasks"))
        #expect(state.handle(.character("d")).isEmpty && state.status?.text == "Ann Lee has no open task.")
    }

    /// The detail pane names the top factor the at-risk list shows, and says the model is untrained when the
    /// default coefficients made the numbers; `M` asks for the model overlay from any pane.
    @Test func theDetailNamesTheListsTopFactorAndTheModelBehindIt() throws {
        var (engine, state) = try scoredDemo(customers: 120)
        let first = try #require(state.selectedAtRisk)
        let factor = try #require(first.topRiskFactor)
        #expect(state.handle(.enter) == [.readDetail(customerID: state.detailCustomerID ?? "")])
        state.apply(try DashboardSnapshot.collect(engine, state.request, now: now))
        let text = render(state, 200, 60)
        #expect(text.contains("top factor \(factor) +"), "\(factor)")
        #expect(text.contains("model untrained: documented default coefficients (M)"))
        for pane in PaneID.allCases {
            state.focused = pane
            #expect(state.handle(.character("M")) == [.churnModel], "\(pane)")
        }
    }

    /// The model overlay shows the calibration table a trained model was stored with.
    @Test func theModelOverlayShowsTheCalibrationTable() {
        let calibration = Calibration(groups: [.init(count: 120, churned: 3, meanPredicted: 0.02), .init(count: 120, churned: 30, meanPredicted: 0.27)],
                                      slope: 0.97, intercept: -0.04)
        let info = Engine.ChurnModelInfo(model: DefaultChurnModel.model, version: 2, trainedAt: now, holdoutAUC: 0.74, horizonMonths: 12,
                                         calibration: calibration)
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot())
        state.overlay = .preview(title: "Churn model", lines: info.summaryLines)
        let text = render(state)
        #expect(text.contains("Churn model: trained #2 on 2026-11-25; holdout AUC 0.740."))
        #expect(text.contains("group  customers  churned  predicted  observed"))
        #expect(text.contains("    2        120       30      27.0%     25.0%"))
        #expect(text.contains("  all        240       33      14.5%     13.8%"))
        #expect(text.contains("calibration slope 0.97, intercept -0.04"))
    }

    /// A bracketed paste is text for the open prompt, never a run of keys: its line breaks do not press
    /// Enter and the letters after them do not act; with no prompt open it is refused.
    @Test func pastedTextGoesIntoThePromptAndNeverRunsAsKeys() {
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot(atRisk: [entry("a", "Ann", 0.9)]))
        #expect(state.paste("A$").isEmpty && state.overlay == nil)
        #expect(state.status?.isError == true && state.status?.text.contains("Pasted text ignored") == true)
        _ = state.handle(.character("n"))
        #expect(state.paste("Left voicemail\r\nA$\u{1B}[31m red\u{7}\tend").isEmpty)
        guard case .prompt(_, let text, _) = state.overlay else { Issue.record("the note prompt closed"); return }
        #expect(text == "Left voicemail A$[31m red end")
        #expect(state.handle(.enter) == [.note(customerID: "a", text: "Left voicemail A$[31m red end")])
        // Into the filter, a paste filters as typing does.
        _ = state.handle(.character("/"))
        #expect(state.paste("tag:vip") == [.reloadPanes] && state.request.atRisk.tag == "vip")
    }

    /// While the terminal is too small to show anything but its message, keys cannot act on a customer the
    /// user cannot see; quitting still works.
    @Test func onATerminalTooSmallOnlyQuittingWorks() {
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot(atRisk: [entry("a", "Ann", 0.9)]))
        state.screenTooSmall = true
        for key: Key in [.character("$"), .character("A"), .character("n"), .enter, .character("y")] {
            #expect(state.handle(key).isEmpty && state.overlay == nil, "\(key)")
        }
        #expect(state.paste("x").isEmpty)
        _ = state.handle(.character("q"))
        #expect(state.quit)
    }

    /// The panes arrive first; the header and the campaigns' numbers follow and are never blanked by a
    /// later refresh that has not read them yet.
    @Test func panesComeFirstAndFiguresFollowWithoutFlicker() throws {
        let campaign = Campaign(rowID: 1, id: "k1", name: "Spring", description: nil, type: .loyalty, status: .active,
                                targetSegment: TargetSegment(), schedule: CampaignSchedule(startDate: nil, endDate: nil, timezone: "UTC", cron: nil),
                                sequence: [], goals: CampaignGoals(), controlFraction: 0.1, createdBy: "x", statusChangedAt: nil, pausedAt: nil,
                                nextRunAt: nil, version: 1, createdAt: now, updatedAt: now)
        var state = DashboardState(themeName: "default", user: "me")
        var panes = snapshot(campaigns: [CampaignRow.unmeasured(campaign)])
        panes.header = nil
        state.apply(panes)
        var text = render(state)
        #expect(text.contains("computing metrics…"))
        #expect(text.contains("Spring") && text.contains("…"))
        let measured = CampaignRow(campaign: campaign, targeted: 4_321, reached: 40, openRate: 25, responseRate: 5, revenue: 1_000, cost: 10,
                                   roi: 9_900, upliftPoints: 2.5)
        state.applyFigures(snapshot().header!, [measured])
        // (Targeted is among the columns a wide terminal adds.)
        text = render(state, 200)
        #expect(text.contains("4,321") && text.contains("91.5"))
        // A later refresh of the panes alone keeps the numbers and the header until new ones arrive.
        state.apply(panes)
        text = render(state, 200)
        #expect(text.contains("4,321") && text.contains("91.5") && !text.contains("computing metrics"))
        // New numbers mark what moved.
        var more = measured
        more.reached = 55
        state.applyFigures(snapshot().header!, [more])
        #expect(state.previousCampaigns["k1"]?.reached == 40)
        #expect(render(state).contains("55▲"))
    }

    /// "Reached" counts customers with a touchpoint that reached delivery, however far it went after (an
    /// opened e-mail reached its customer), as `customers.reached` does; the campaign's overlay shows the
    /// touchpoints' funnel (`byStatus`, where `delivered` counts every touchpoint delivered or further).
    @Test func reachedCountsCustomersWhoseTouchpointWasDeliveredOrFurther() throws {
        let engine = Engine(database: try Store.inMemory(), user: "t")
        for lead in ["A", "B"] {
            let c = try engine.createCustomer(NewCustomer(leadId: lead, agentId: "a", firstName: lead, lastName: "X", email: "\(lead)@example.com"), now: now)
            _ = try engine.createPolicy(NewPolicy(json: try JSONValue.parse("""
                {"customerId":"\(c.id)","policyNumber":"P-\(lead)","policyType":"auto","premium":{"amount":1200,"frequency":"annual"},
                 "coverage":{"type":"std","amount":1000},"effectiveDate":"2026-01-01","expirationDate":"2027-01-01"}
                """)), now: now)
        }
        let campaign = try engine.createCampaign(NewCampaign(name: "Save", type: .loyalty, sequence: [
            SequenceStep(channel: .email, template: "loyalty"), SequenceStep(channel: .sms, template: "loyalty")], controlGroupPercent: 0), now: now)
        try engine.setCampaignStatus(id: campaign.id, to: .active, now: now)
        let touches = try engine.touchpoints(campaignId: campaign.id, status: nil, limit: 10)
        let a = touches.filter { $0.channel == .email }.first!, aSMS = touches.first { $0.customerId == a.customerId && $0.channel == .sms }!
        let b = touches.first { $0.customerId != a.customerId }!
        // A: the e-mail opened (never reported delivered), the SMS delivered; B: sent only.
        try engine.updateTouchpointStatus(id: a.id, status: .sent, metadata: nil, now: now)
        try engine.updateTouchpointStatus(id: a.id, status: .opened, metadata: nil, now: now)
        try engine.updateTouchpointStatus(id: aSMS.id, status: .delivered, metadata: nil, now: now)
        try engine.updateTouchpointStatus(id: b.id, status: .sent, metadata: nil, now: now)
        let rows = try DashboardSnapshot.collectCampaignRows(engine, [try engine.campaign(id: campaign.id)], now: now)
        #expect(rows.map(\.targeted) == [2] && rows.map(\.reached) == [1])
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot(campaigns: rows))
        let line = render(state).split(separator: "\n").first { $0.contains("Save") }.map(String.init) ?? ""
        // Sent 3 touchpoints, reached 1 customer, 0 responded (the pane's first columns at 120).
        #expect(line.range(of: #"Save\s+3\s+1\s+0\s"#, options: .regularExpression) != nil, "\(line)")
        // The overlay: customers reached 1; touchpoints delivered 2 (the opened e-mail and the SMS), sent 3.
        let summary = CampaignSummary.lines(EngineAdapter.campaignReport(try engine.campaignPerformance(id: campaign.id, now: now)))
        #expect(summary[0].contains("reached 1"))
        #expect(summary[1] == "Touchpoints 4, reached: sent 3, delivered 2, opened 1, clicked 0, responded 0")
        #expect(summary[2] == "Now: pending 1, sending 0, failed 0, skipped 0, cancelled 0")
    }

    @Test func theKeyTableHasNoConflictsAndFeedsFooterAndHelp() {
        for pane in PaneID.allCases {
            var seen: [Key: Action] = [:]
            for b in KeyBindings.all where b.panes.isEmpty || b.panes.contains(pane) {
                for k in b.keys {
                    #expect(seen[k] == nil, "\(k.label) is bound twice in \(pane)")
                    seen[k] = b.action
                }
            }
            #expect(KeyBindings.footer(for: pane).first?.action == .help)
        }
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot())
        _ = state.handle(.character("?"))
        // Help scrolls: every line of it, not only the first screen.
        let help = DashboardView.helpLines(state: state, columns: 200, rows: 50).lines.map(\.0).joined(separator: "\n")
        for b in KeyBindings.all { #expect(help.contains(b.summary), "help lacks \(b.summary)") }
    }

    @Test func layoutAdaptsToTheTerminalSize() {
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot(atRisk: [entry("a", "Ann", 0.9)]))
        #expect(render(state, 80, 24).contains("1 At risk"))
        #expect(!render(state, 80, 24).contains("3 Campaigns ("))
        #expect(render(state, 30, 10).lowercased().contains("too small"))
        #expect(render(state, 200, 60).contains("3 Campaigns ("))
    }

    @Test func hostileTextNeverReachesTheScreenAsControls() {
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snapshot(atRisk: [entry("a", "Evil\u{1B}[2J\u{1B}]0;pwned\u{07}\u{202E}eman\u{9B}31m", 0.9)]))
        let text = render(state)
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(!text.unicodeScalars.contains { (0x80...0x9F).contains($0.value) || $0.value == 0x202E })
        #expect(text.contains("Evil"))
    }
}

@Suite struct ChangeMarkingTests {
    @Test func campaignNumbersThatMovedAreMarked() {
        let now = Timestamp.parse("2026-11-25T12:00:00Z")!
        let campaign = Campaign(rowID: 1, id: "k1", name: "Spring", description: nil, type: .loyalty, status: .active,
                                targetSegment: TargetSegment(), schedule: CampaignSchedule(startDate: nil, endDate: nil, timezone: "UTC", cron: nil),
                                sequence: [], goals: CampaignGoals(), controlFraction: 0.1, createdBy: "x", statusChangedAt: nil, pausedAt: nil,
                                nextRunAt: nil, version: 1, createdAt: now, updatedAt: now)
        func snap(_ reached: Int) -> DashboardSnapshot {
            DashboardSnapshot(header: HeaderMetrics(retentionRate: 90, churnRate: 10, netRevenueRetention: 100, averageLTV: 1, averageHealth: 50,
                                                    highRiskCustomers: 1, activeCampaigns: 1),
                              atRisk: [], renewals: [], campaigns: [CampaignRow(campaign: campaign, targeted: 40, reached: reached, openRate: nil,
                                                                               responseRate: nil, revenue: 0, cost: 0, roi: nil, upliftPoints: nil)],
                              detail: nil, hasCustomers: true, loadedAt: now)
        }
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(snap(10))
        var canvas = Canvas(columns: 160, rows: 40)
        DashboardView.draw(state, into: &canvas, now: now)
        #expect(!canvas.lines().joined().contains("10▲"))
        state.apply(snap(12))
        canvas = Canvas(columns: 160, rows: 40)
        DashboardView.draw(state, into: &canvas, now: now)
        #expect(canvas.lines().joined().contains("12▲"))
    }
}
