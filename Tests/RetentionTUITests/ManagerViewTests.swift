import Foundation
import Testing
@testable import RetentionCore
@testable import RetentionTUI

/// The chart widgets, read back cell by cell.
@Suite struct ChartWidgetTests {
    /// [0, 1] from 0 to 1 in one cell: dots (0, 3) bottom left to (1, 0) top right, joined: (0,3) (0,2) (1,1)
    /// (1,0) → bits 0x40 + 0x04 + 0x10 + 0x08 = 0x5C, U+285C.
    @Test func aRisingLineInOneBrailleCell() {
        var canvas = Canvas(columns: 1, rows: 1)
        LineChart(series: [.init(values: [0, 1], role: .deltaPositive)], lower: 0, upper: 1).draw(into: &canvas, rect: Rect(row: 0, col: 0, width: 1, height: 1))
        #expect(canvas.line(0) == "\u{285C}")
        #expect(canvas.roles(row: 0) == [.deltaPositive])
    }

    /// A flat series at the top of a 3 × 2 chart: 6 dots across the top dot row of the first row of cells:
    /// each cell has dots 1 and 4 (0x01 + 0x08 = 0x09, ⠉); the row below is empty.
    @Test func aFlatLineAtTheTop() {
        var canvas = Canvas(columns: 3, rows: 2)
        LineChart(series: [.init(values: [5, 5, 5], role: .text)], lower: 0, upper: 5).draw(into: &canvas, rect: Rect(row: 0, col: 0, width: 3, height: 2))
        #expect(canvas.line(0) == "⠉⠉⠉")
        #expect(canvas.line(1) == "   ")
    }

    /// A gap (NaN) is not joined; with ASCII glyphs each point is its series' mark at cell resolution: values
    /// 0, NaN, 1 in a 3 × 2 chart: x = 0, 1, 2; 0 at the bottom row, 1 at the top.
    @Test func asciiMarksAndGaps() {
        var canvas = Canvas(columns: 3, rows: 2, glyphs: .ascii)
        LineChart(series: [.init(values: [0, .nan, 1], role: .text, asciiMark: "o")], lower: 0, upper: 1)
            .draw(into: &canvas, rect: Rect(row: 0, col: 0, width: 3, height: 2))
        #expect(canvas.line(0) == "  o")
        #expect(canvas.line(1) == "o  ")
    }

    /// Two series: the one drawn last owns a shared cell's role; values outside the range are clamped.
    @Test func clampingAndOverlap() {
        let chart = LineChart(series: [.init(values: [-10, -10], role: .riskLow, asciiMark: "a"), .init(values: [0, 0], role: .riskHigh, asciiMark: "b")],
                              lower: 0, upper: 1)
        let cells = chart.cells(width: 2, height: 1, ascii: true)
        #expect(cells[0].map { $0?.0 } == ["b", "b"])
        #expect(cells[0].map { $0?.1 } == [.riskHigh, .riskHigh])
    }

    /// Heat map: the percentage as text (readable without colour), the band as role; the legend names the bands.
    @Test func heatMapCellsAndLegend() {
        var canvas = Canvas(columns: 20, rows: 2)
        HeatMap(rows: [.init(label: "2026-01", values: [0.95, 0.8, 0.5, 0.499, nil])]).draw(into: &canvas, rect: Rect(row: 0, col: 0, width: 20, height: 1), labelWidth: 8)
        #expect(canvas.line(0) == "2026-01   95  80  50")
        #expect(Array(canvas.roles(row: 0)[8...]) == [.riskLow] * 4 + [.riskMedium] * 4 + [.riskHigh] * 4)
        #expect(HeatMap.role(for: 0.499) == .riskCritical && HeatMap.role(for: 0.9) == .riskLow && HeatMap.role(for: 0.75) == .riskMedium)
        var legend = Canvas(columns: 40, rows: 1)
        HeatMap.drawLegend(into: &legend, row: 0, col: 0, maxColumns: 40)
        #expect(legend.line(0).hasPrefix("kept: ≥90% 75-89% 50-74% <50%"))
    }
}

private func * <T>(lhs: [T], rhs: Int) -> [T] { Array([[T]](repeating: lhs, count: rhs).joined()) }

/// The manager view: key 5, its reads through the effect loop, its drawing.
@Suite struct ManagerViewTests {
    let now = Timestamp.parse("2026-11-25T12:00:00Z")!

    func demo() throws -> (Engine, DashboardState) {
        let engine = Engine(database: try Store.open(path: ":memory:"), user: "t")
        try DemoBook(customers: 300, seed: 3, now: now).generate(into: engine.db)
        try engine.rescore(now: now)
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(try DashboardSnapshot.collect(engine, state.request, now: now))
        return (engine, state)
    }

    func render(_ state: DashboardState, _ columns: Int, _ rows: Int, glyphs: Glyphs = .unicode) -> String {
        var canvas = Canvas(columns: columns, rows: rows, glyphs: glyphs)
        DashboardView.draw(state, into: &canvas, now: now)
        return canvas.lines().joined(separator: "\n")
    }

    @Test func fiveOpensTheManagerViewAndReadsThePicturesOnce() throws {
        var state = DashboardState(themeName: "default", user: "me")
        #expect(state.handle(.character("5")) == [.bookPictures])
        #expect(state.focused == .manager && state.picturesLoading)
        // A second press while the read is under way asks nothing more.
        #expect(state.handle(.character("5")) == [])
        #expect(state.handle(.character("r")) == [.refresh(force: true)])
        _ = state.update(.result(.failed("boom")), now: updateNow)
        #expect(!state.picturesLoading)
        #expect(state.handle(.character("r")) == [.refresh(force: true), .bookPictures])
        #expect(state.handle(.character("1")) == [] && state.focused == .atRisk)
    }

    /// The timer's snapshot re-reads the pictures only when the book changed, and only in the manager view.
    @Test func thePicturesFollowTheBooksVersion() throws {
        let (engine, _) = try demo()
        var state = DashboardState(themeName: "default", user: "me")
        let snap = try DashboardSnapshot.collect(engine, state.request, now: now)
        #expect(state.update(.result(.snapshot(snap, dataVersion: 1)), now: updateNow) == [])
        state.focused = .manager
        #expect(state.update(.result(.snapshot(snap, dataVersion: 1)), now: updateNow) == [.bookPictures], "none read yet")
        _ = state.update(.result(.pictures(try engine.bookPictures(now: now))), now: updateNow)
        #expect(state.update(.result(.snapshot(snap, dataVersion: 1)), now: updateNow) == [], "unchanged book")
        #expect(state.update(.result(.snapshot(snap, dataVersion: 2)), now: updateNow) == [.bookPictures], "changed book")
    }

    @Test func theManagerViewDrawsEveryPart() throws {
        let (engine, demoState) = try demo()
        var state = demoState
        _ = state.handle(.character("5"))
        _ = state.update(.result(.pictures(try engine.bookPictures(now: now))), now: updateNow)
        let pictures = try #require(state.pictures)
        let text = render(state, 160, 50)
        #expect(text.contains("5 Manager: the book as pictures"))
        #expect(text.contains("Monthly retention (top) and churn, \(pictures.months.first!.label) to \(pictures.months.last!.label)"))
        #expect(text.contains("NRR \(Formatting.percent(pictures.netRevenueRetention))"))
        #expect(text.contains("GRR \(Formatting.percent(pictures.grossRevenueRetention))"))
        #expect(text.contains("Survival (Kaplan-Meier)"))
        #expect(text.contains("customers"))
        #expect(text.contains("Cohorts: % still a customer"))
        #expect(text.contains("kept: ≥90%"))
        let busiest = try #require(pictures.agents.first)
        // Agents by name (the demo's agents all have one), not by id.
        let busiestName = try #require(busiest.name)
        #expect(text.contains(busiestName) && !text.contains(busiest.agentId))
        #expect(text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "braille dots drawn")
        // ASCII: no braille, no block, every character printable ASCII.
        let ascii = render(state, 160, 50, glyphs: .ascii)
        #expect(ascii.unicodeScalars.allSatisfy { $0.value < 0x7F }, "\(String(ascii.unicodeScalars.filter { $0.value >= 0x7F }))")
        #expect(ascii.contains("Survival (Kaplan-Meier)") && ascii.contains("kept: >=90%"))
        // Narrow: the parts one under the other, ↓ scrolls part by part.
        let narrow = render(state, 80, 30)
        #expect(narrow.contains("Monthly retention"))
        _ = state.handle(.down)
        #expect(state.managerScroll == 1)
        #expect(render(state, 80, 30).contains("Survival") && !render(state, 80, 30).contains("Monthly retention"))
    }

    /// The header's "High risk" is the at-risk pane's count under its high+ filter: the same engine count.
    @Test func theHeaderReconcilesWithTheAtRiskQueue() throws {
        let (engine, _) = try demo()
        let header = try DashboardSnapshot.collectHeader(engine, now: now)
        var q = AtRiskQuery()
        q.levels = [.high, .critical]
        q.limit = 10_000
        #expect(header.highRiskCustomers == (try engine.atRisk(q, now: now)).count)
        #expect(header.highRiskCustomers == (try engine.highRiskQueueCount(now: now)))
    }
}

/// `v`: new matches and already enrolled in the title, "…and N more" under the list, and the list scrolls.
@Suite struct SegmentPreviewViewTests {
    @Test func theTitleCountsBothAndTheListSaysHowManyMore() {
        let p = SegmentPreview(newMatches: 250, alreadyEnrolled: 1_234, customers: [])
        #expect(EngineAdapter.segmentPreviewTitle(p) == "250 new matches, 1,234 already enrolled")
        #expect(EngineAdapter.segmentPreviewLines(SegmentPreview(newMatches: 0, alreadyEnrolled: 3, customers: []))
                == ["No new customer matches the segment; every match is already enrolled."])
    }

    @Test func aLongPreviewScrollsAndAnyOtherKeyCloses() {
        var state = DashboardState(themeName: "default", user: "me")
        _ = state.update(.resize(columns: 120, rows: 30), now: updateNow)
        let lines = (1...200).map { "customer \($0)" } + ["…and 50 more"]
        _ = state.update(.result(.done(.preview(title: "Renewals: 250 new matches, 3 already enrolled", lines: lines))), now: updateNow)
        var canvas = Canvas(columns: 120, rows: 30)
        DashboardView.draw(state, into: &canvas, now: 0)
        var text = canvas.lines().joined(separator: "\n")
        #expect(text.contains("lines 1-26 of 101"), "folded into two columns of 101 lines, 26 shown")
        _ = state.handle(.pageDown)
        _ = state.handle(.pageDown)
        _ = state.handle(.pageDown)
        _ = state.handle(.pageDown)
        canvas = Canvas(columns: 120, rows: 30)
        DashboardView.draw(state, into: &canvas, now: 0)
        text = canvas.lines().joined(separator: "\n")
        #expect(state.previewOffset == 101 - 26)
        #expect(text.contains("…and 50 more"))
        _ = state.handle(.character("x"))
        #expect(state.overlay == nil && state.previewOffset == 0)
    }
}

/// Headings cut with an ellipsis, the agents' Retention kept when narrow, the cohort header over its cells,
/// one ASCII mark per series with its legend.
@Suite struct ManagerLayoutTests {
    let now = Timestamp.parse("2026-11-25T12:00:00Z")!

    func managerState() throws -> DashboardState {
        let (engine, state0) = try ManagerViewTests().demo()
        var state = state0
        _ = state.handle(.character("5"))
        _ = state.update(.result(.pictures(try engine.bookPictures(now: now))), now: updateNow)
        return state
    }

    func lines(_ state: DashboardState, _ columns: Int, _ rows: Int, glyphs: Glyphs = .unicode) -> [String] {
        var canvas = Canvas(columns: columns, rows: rows, glyphs: glyphs)
        DashboardView.draw(state, into: &canvas, now: now)
        return canvas.lines()
    }

    @Test func headingsEndInAnEllipsisAndRetentionStays() throws {
        let state = try managerState()
        let wide = lines(state, 120, 40)
        let agents = try #require(wide.first { $0.contains("Agents: queue") })
        #expect(agents.contains("…"), "cut with an ellipsis: \(agents)")
        #expect(!agents.contains("contacted since┃") && !agents.contains("since│"))
        let ascii = lines(state, 100, 40, glyphs: .ascii)
        let monthly = try #require(ascii.first { $0.contains("Monthly retention") })
        #expect(monthly.contains("~"), "cut with the ASCII ellipsis: \(monthly)")
        let header = try #require(ascii.firstIndex { $0.contains("Agent") && $0.contains("Queue") || $0.contains("Agent") && $0.contains("Retention") })
        #expect(ascii[header].contains("Retention"), "\(ascii[header])")
        // The first agent's row shows its retention too.
        #expect(ascii[header + 1].contains("%"), "\(ascii[header + 1])")
    }

    @Test func theCohortHeaderSitsOverItsCells() throws {
        let state = try managerState()
        let all = lines(state, 160, 50)
        let header = try #require(all.first { $0.contains("month   joined") })
        let start = try #require(header.range(of: "month"))
        let offset = header.distance(from: header.startIndex, to: start.lowerBound)
        let chars = Array(header)
        // Label 15 columns, then 4-column cells right-aligned: "1" in the label's 15 + 4th column.
        #expect(chars[offset + 15 + 3] == "1" && chars[offset + 15 + 7] == "2", "\(header)")
    }

    @Test func asciiChartsGiveEachSeriesItsOwnMarkAndSaySo() throws {
        let state = try managerState()
        let text = lines(state, 160, 50, glyphs: .ascii).joined(separator: "\n")
        #expect(text.contains("Monthly retention and churn (R retention, top; C churn)"))
        #expect(text.contains("* customers"), "the survival legend names its marks")
        // The monthly chart draws with R and C, not with a survival curve's * or o.
        let monthlyRows = lines(state, 160, 50, glyphs: .ascii).drop { !$0.contains("Monthly retention") }.dropFirst(2).prefix { !$0.contains("Cohorts") }
        let leftHalf = monthlyRows.map { String($0.prefix(78)) }.joined()
        #expect(leftHalf.contains("R") && leftHalf.contains("C"))
        #expect(!leftHalf.contains("*") && !leftHalf.contains("o"), "\(leftHalf)")
    }
}
