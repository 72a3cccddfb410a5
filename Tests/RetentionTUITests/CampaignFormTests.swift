import Foundation
import Testing
@testable import RetentionCore
@testable import RetentionTUI

/// The campaign form: keys, the debounced live count, validation naming the field, save and cancel.
@Suite struct CampaignFormTests {
    let now = Timestamp.parse("2026-11-25T12:00:00Z")!

    func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: updateNow.timeIntervalSince1970 + seconds) }

    func typed(_ state: inout DashboardState, _ text: String, at t: Double = 0) {
        for c in text { _ = state.update(.key(.character(c)), now: at(t)) }
    }

    func campaignsState() -> DashboardState {
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(DashboardSnapshot(header: nil, atRisk: [], renewals: [], campaigns: [], detail: nil, hasCustomers: true, loadedAt: 0))
        state.focused = .campaigns
        return state
    }

    @Test func nOpensTheFormAndEscapeWritesNothing() {
        var state = campaignsState()
        #expect(state.update(.key(.character("N")), now: at(0)) == [])
        #expect(state.campaignForm?.selected == .name)
        typed(&state, "Spring")
        #expect(state.campaignForm?[.name] == "Spring")
        // Keys go to the form, not to the panes: q types a q.
        typed(&state, "q")
        #expect(!state.quit && state.campaignForm?[.name] == "Springq")
        _ = state.update(.key(.backspace), now: at(0))
        #expect(state.update(.key(.escape), now: at(0)) == [])
        #expect(state.campaignForm == nil && state.status?.text == "Cancelled; nothing changed.")
    }

    /// The count is read 0.3 s after the last key of the segment, once, off the UI thread (an effect).
    @Test func theLiveCountIsDebounced() {
        var state = campaignsState()
        _ = state.update(.key(.character("N")), now: at(0))
        // Opening reads the count of the empty segment at once.
        #expect(state.update(.tick(workerBusy: false), now: at(0)).contains { if case .formReads = $0 { true } else { false } })
        _ = state.update(.result(.formReads(count: 300, preview: [], segment: TargetSegment())), now: at(0.1))
        _ = state.update(.key(.down), now: at(1))
        _ = state.update(.key(.down), now: at(1))
        #expect(state.campaignForm?.selected == .risk)
        typed(&state, "high", at: 1)
        #expect(state.update(.tick(workerBusy: false), now: at(1.2)) == [], "too soon after the last key")
        var segment = TargetSegment()
        segment.churnRisk = [.high]
        let effects = state.update(.tick(workerBusy: false), now: at(1.31))
        #expect(effects == [.formReads(segment: segment, template: "renewal_reminder", channel: .email, name: "(this campaign)")])
        #expect(state.update(.tick(workerBusy: false), now: at(2)) == [], "one read per edit")
        _ = state.update(.result(.formReads(count: 42, preview: ["Preview for Ann Lee (email, renewal_reminder):"], segment: segment)), now: at(2))
        var canvas = Canvas(columns: 120, rows: 40)
        DashboardView.draw(state, into: &canvas, now: now)
        let text = canvas.lines().joined(separator: "\n")
        #expect(text.contains("Matching customers now: 42"))
        #expect(text.contains("Preview for Ann Lee"))
    }

    /// A field that does not parse, or that the engine's validation refuses, is named and selected; nothing is saved.
    @Test func validationNamesTheField() {
        var state = campaignsState()
        _ = state.update(.key(.character("N")), now: at(0))
        #expect(state.update(.key(.enter), now: at(0)) == [])
        #expect(state.campaignForm?.problem == .init(field: .name, message: "name is required") || state.campaignForm?.problem?.field == .name)
        typed(&state, "Winter")
        state.campaignForm?.selected = .health
        typed(&state, "70-20")
        #expect(state.update(.key(.enter), now: at(0)) == [])
        #expect(state.campaignForm?.problem?.field == .health && state.campaignForm?.selected == .health)
        #expect(state.campaignForm?.problem?.message.contains("above max") == true)
        state.campaignForm?[.health] = ""
        state.campaignForm?.selected = .risk
        typed(&state, "hot")
        _ = state.update(.key(.enter), now: at(0))
        #expect(state.campaignForm?.problem?.message == "\"hot\" is not a risk level (low, medium, high, critical)")
        state.campaignForm?[.risk] = "high"
        state.campaignForm?[.steps] = "email:renewal_reminder@0d; fax:x@1d"
        _ = state.update(.key(.enter), now: at(0))
        #expect(state.campaignForm?.problem?.field == .steps)
        state.campaignForm?[.steps] = "email:renewal_reminder@0d; sms:renewal_reminder@7d skip=responded"
        let effects = state.update(.key(.enter), now: at(0))
        #expect(effects.count == 1 && state.campaignForm?.saving == true)
        // The engine refuses (a template unknown for a channel): the field is named, the form stays open.
        _ = state.update(.result(.formRefused(.init(field: .steps, message: "no template"))), now: at(0))
        #expect(state.campaignForm?.problem?.field == .steps && state.campaignForm?.saving == false)
        _ = state.update(.result(.formSaved("Campaign \"Winter\" created as a draft.")), now: at(0))
        #expect(state.campaignForm == nil && state.status?.text.contains("Winter") == true)
    }

    @Test func stepsScheduleAndCronParse() throws {
        var form = CampaignForm()
        form[.name] = "Renewals"
        form[.type] = "renewal_reminder"
        form[.steps] = "email:renewal_reminder@0d; sms:renewal_reminder@12h skip=responded; preferred:renewal_reminder@1d"
        form[.renewal] = "30"
        form[.tenure] = "12-"
        form[.start] = "2026-12-01"
        form[.timezone] = "Europe/Paris"
        form[.cron] = "0 9 * * 1"
        form[.control] = "20"
        form[.goalCustomers] = "500"
        let c = try form.campaign()
        #expect(c.sequence == [SequenceStep(channel: .email, template: "renewal_reminder", delayMinutes: 0),
                               SequenceStep(channel: .sms, template: "renewal_reminder", delayMinutes: 720, skipIf: .responded),
                               SequenceStep(channel: nil, template: "renewal_reminder", delayMinutes: 1440)])
        #expect(c.targetSegment.renewalWithinDays == 30 && c.targetSegment.tenureMonthsMin == 12 && c.targetSegment.tenureMonthsMax == nil)
        #expect(c.controlGroupPercent == 20 && c.goals.targetCustomers == 500 && c.schedule.cron == "0 9 * * 1")
        // Wednesday 2026-11-25 12:00 UTC: Mondays at 09:00 Paris time from 30 November.
        #expect(form.cronRuns(now: now) == ["Mon 2026-11-30 09:00", "Mon 2026-12-07 09:00", "Mon 2026-12-14 09:00",
                                            "Mon 2026-12-21 09:00", "Mon 2026-12-28 09:00"])
        form[.cron] = "0 9 31 2 *"
        #expect(form.cronRuns(now: now) == ["(never fires)"])
    }

    /// The segment's last two filters: no contact for N days, and metadata key=value pairs (all must match);
    /// a pair without `=` is named; editing a draft puts both back in their fields.
    @Test func lastContactAndMetadataFiltersParseAndRoundTrip() throws {
        var form = CampaignForm()
        form[.name] = "Quiet brokers"
        form[.lastContact] = "180"
        form[.metadata] = "source=broker, region=north west"
        let c = try form.campaign()
        #expect(c.targetSegment.lastContactOlderThanDays == 180)
        #expect(c.targetSegment.customFilters == [MetadataFilter(key: "source", value: "broker"), MetadataFilter(key: "region", value: "north west")])
        let engine = Engine(database: try Store.open(path: ":memory:"), user: "t")
        let back = CampaignForm(editing: try engine.createCampaign(c, now: now))
        #expect(back[.lastContact] == "180" && back[.metadata] == "source=broker, region=north west")
        form[.metadata] = "source"
        #expect(throws: CampaignForm.Problem.self) { try form.segment() }
        do { _ = try form.segment() } catch let p as CampaignForm.Problem { #expect(p.field == .metadata) }
        form[.metadata] = ""
        // A range takes the hyphen, and the dashes a document pastes (en dash, em dash, minus sign).
        for text in ["20-60", "20–60", "20 — 60", "20−60"] {
            form[.health] = text
            let s = try form.segment()
            #expect(s.healthScoreMin == 20 && s.healthScoreMax == 60, "\(text)")
        }
        form[.health] = "20–"
        #expect(try form.segment().healthScoreMin == 20 && form.segment().healthScoreMax == nil)
        form[.health] = ""
        form[.lastContact] = "soon"
        do { _ = try form.segment(); Issue.record("a word for days was accepted") } catch let p as CampaignForm.Problem { #expect(p.field == .lastContact) }
    }

    /// Saved through the engine: created as a draft, then edited with `E` (the form filled from it) and saved
    /// over it; a campaign no longer a draft is refused, naming its status.
    func keys(_ state: inout DashboardState, _ keys: [Key]) {
        for k in keys { _ = state.update(.key(k), now: at(0)) }
    }

    func render(_ state: DashboardState, _ columns: Int, _ rows: Int) -> Canvas {
        var canvas = Canvas(columns: columns, rows: rows)
        DashboardView.draw(state, into: &canvas, now: now)
        return canvas
    }

    /// The focused field is edited as the prompts edit it (`LineEditor`), its cursor drawn as theirs; a paste
    /// lands at the cursor; Ctrl-C leaves like Esc, with nothing written and the app still running.
    @Test func theFocusedFieldHasTheLineEditorAndCtrlCCancels() {
        var state = campaignsState()
        _ = state.update(.key(.character("N")), now: at(0))
        typed(&state, "abc def")
        keys(&state, [.left, .left, .control("w"), .home])
        typed(&state, "X")
        #expect(state.campaignForm?[.name] == "Xabc ef")
        keys(&state, [.end, .control("b"), .backspace, .delete])
        #expect(state.campaignForm?[.name] == "Xabc ")
        keys(&state, [.control("a"), .control("f"), .control("k")])
        #expect(state.campaignForm?[.name] == "X")
        _ = state.update(.paste("yz"), now: at(0))
        keys(&state, [.control("a")])
        _ = state.update(.paste("<"), now: at(0))
        #expect(state.campaignForm?[.name] == "<Xyz" && state.campaignForm?.cursor == 1)
        // The cursor is drawn on the character under it, as the prompts draw it.
        let canvas = render(state, 120, 40)
        let row = (0..<40).first { canvas.line($0).contains("<Xyz") }!
        let col = DisplayWidth.width(of: String(canvas.line(row).prefix(upTo: canvas.line(row).range(of: "<Xyz")!.lowerBound)))
        #expect(canvas.roles(row: row)[col + 1] == .selection && canvas.roles(row: row)[col] == .input)
        // Another field starts with the cursor at its end; Ctrl-U there deletes what is before it.
        keys(&state, [.down, .control("u")])
        #expect(state.campaignForm?[.type] == "" && state.campaignForm?[.name] == "<Xyz")
        #expect(state.update(.key(.interrupt), now: at(0)) == [])
        #expect(state.campaignForm == nil && !state.quit && state.status?.text == "Cancelled; nothing changed.")
    }

    /// At 60x20 the last field scrolls into view when focused, the error keeps a row inside the box, a wide
    /// (CJK) value is cut by display columns with the cursor in view, and nothing of the pane underneath shows.
    @Test func aSmallScreenScrollsTheFieldsAndKeepsTheFeedback() {
        var state = campaignsState()
        _ = state.update(.key(.character("N")), now: at(0))
        typed(&state, String(repeating: "顧客", count: 30))
        var canvas = render(state, 60, 20)
        for r in 0..<20 { #expect(DisplayWidth.width(of: canvas.line(r)) <= 60) }
        let nameRow = (0..<20).first { canvas.line($0).contains("Name") }!
        #expect(canvas.roles(row: nameRow).contains(.selection), "the cursor is on screen")
        #expect(canvas.line(nameRow).contains("…顧客"))
        keys(&state, [.up])   // wraps to the last field
        #expect(state.campaignForm?.selected == .goalRetained)
        typed(&state, "x")
        _ = state.update(.key(.enter), now: at(0))
        #expect(state.campaignForm?.problem?.field == .goalRetained)
        canvas = render(state, 60, 20)
        let text = canvas.lines().joined(separator: "\n")
        #expect(text.contains("Goal: retained"))
        #expect(text.contains("\"x\" is not a whole number"))
        #expect(text.contains("Matching customers now"))
        // The error is drawn inside the box (above its bottom border), not under it.
        let errorRow = (0..<20).first { canvas.line($0).contains("is not a whole number") }!
        #expect(errorRow < 18, "row 18 is the box's bottom border")
        // The margins beside the box are blank over the form's rows.
        for r in 1..<19 {
            #expect(canvas.line(r).first == " " && canvas.line(r).last == " ", "row \(r): \(canvas.line(r))")
        }
    }

    /// A segment the engine would refuse shows no count (not a 0 that reads as real), and the footer shows
    /// the form's keys, not the campaigns pane's letters (which type into the field).
    @Test func anUnparsableSegmentShowsNoCountAndTheFooterShowsTheFormsKeys() {
        var state = campaignsState()
        _ = state.update(.key(.character("N")), now: at(0))
        _ = state.update(.tick(workerBusy: false), now: at(0))
        _ = state.update(.result(.formReads(count: 300, preview: [], segment: TargetSegment())), now: at(0))
        state.campaignForm?.selected = .health
        typed(&state, "80-20", at: 1)
        #expect(state.update(.tick(workerBusy: false), now: at(2)) == [], "no read of a segment the engine refuses")
        let text = render(state, 120, 40).lines().joined(separator: "\n")
        #expect(text.contains("Matching customers now: —, fix the health range"))
        #expect(!text.contains("Matching customers now: 0") && !text.contains("Matching customers now: 300"))
        #expect(text.contains("Esc cancel") && text.contains("Enter save"))
        #expect(!text.contains("activate") && !text.contains("pause"))
    }

    @Test func createAndEditADraftThroughTheEngine() throws {
        let engine = Engine(database: try Store.open(path: ":memory:"), user: "t")
        try DemoBook(customers: 120, seed: 3, now: now).generate(into: engine.db)
        let before = try engine.campaigns().count
        var form = CampaignForm()
        form[.name] = "Check-in"
        form[.risk] = "high,critical"
        let created = try engine.createCampaign(try form.campaign(), now: now)
        #expect(created.status == .draft && created.targetSegment.churnRisk == [.high, .critical])
        var edit = CampaignForm(editing: created)
        #expect(edit[.risk] == "high,critical" && edit[.steps] == "email:renewal_reminder@0d" && edit[.control] == "10")
        edit[.name] = "Check-in <b>"
        edit[.health] = "10-50"
        let saved = try engine.updateDraftCampaign(id: created.id, try edit.campaign(), now: now + 60)
        #expect(saved.name == "Check-in <b>" && saved.targetSegment.healthScoreMin == 10 && saved.targetSegment.healthScoreMax == 50)
        #expect(try engine.campaigns().count == before + 1, "saved over the draft, not added")
        try engine.setCampaignStatus(id: created.id, to: .active, now: now + 120)
        #expect(throws: RetentionError.self) { try engine.updateDraftCampaign(id: created.id, try edit.campaign(), now: now + 180) }
        // The live count is the enrolment's condition.
        #expect(try engine.segmentCount(try edit.segment(), now: now) == engine.db.scalarInt("""
            SELECT count(*) FROM customers WHERE erased_at IS NULL AND active_policies > 0 AND churn_risk IN (2, 3) AND health_score BETWEEN 10 AND 50
            """))
    }
}
