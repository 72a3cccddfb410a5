import Testing
@testable import RetentionTUI

/// Bars, sparklines and tables, read back from the canvas.
struct WidgetTests {
    // MARK: Bar

    @Test func barUsesEighthBlocks() {
        // 37 in 10 cells: 0.37 × 80 = 29.6 → 30 eighths = 3 full cells + 6 eighths (▊) + 6 empty.
        #expect(Bar(value: 37).filledEighths(width: 10) == 30)
        var canvas = Canvas(columns: 10, rows: 1)
        Bar(value: 37).draw(into: &canvas, row: 0, col: 0, width: 10)
        #expect(canvas.line(0) == "███▊      ")
        #expect(canvas.roles(row: 0) == Array(repeating: .bar, count: 4) + Array(repeating: .barEmpty, count: 6))
    }

    @Test func barEndsAndClamping() {
        func draw(_ value: Double, width: Int) -> String {
            var canvas = Canvas(columns: width, rows: 1)
            Bar(value: value).draw(into: &canvas, row: 0, col: 0, width: width)
            return canvas.line(0)
        }
        #expect(draw(100, width: 5) == "█████")
        #expect(draw(0, width: 5) == "     ")
        // 50 in 3 cells: 0.5 × 24 = 12 eighths = 1 full + 4 eighths (▌).
        #expect(draw(50, width: 3) == "█▌ ")
        // 1 in 10 cells: 0.8 eighths → 1 eighth (▏).
        #expect(draw(1, width: 10) == "▏         ")
        #expect(draw(-5, width: 4) == "    ")
        #expect(draw(150, width: 4) == "████")
        #expect(draw(.nan, width: 4) == "    ")
    }

    @Test func asciiBarFillsWholeCells() {
        func draw(_ value: Double) -> Canvas {
            var canvas = Canvas(columns: 10, rows: 1, glyphs: .ascii)
            Bar(value: value).draw(into: &canvas, row: 0, col: 0, width: 10)
            return canvas
        }
        // 37 → 30 eighths: 3 full + 6 eighths (≥ 4, so a full #).
        #expect(draw(37).line(0) == "####......")
        // 31 → 24.8 → 25 eighths: 3 full + 1 eighth (< 4, drawn as track).
        let low = draw(31)
        #expect(low.line(0) == "###.......")
        #expect(low.roles(row: 0)[2] == .bar)
        #expect(low.roles(row: 0)[3] == .barEmpty)
    }

    // MARK: Sparkline

    @Test func sparklineLevelsFromZero() {
        // lo 0, hi 10: 0 → 0, 5 → round(3.5) = 4, 10 → 7.
        #expect(Sparkline(values: [0, 5, 10]).levels(width: 3) == [0, 4, 7])
        var canvas = Canvas(columns: 3, rows: 1)
        Sparkline(values: [0, 5, 10]).draw(into: &canvas, row: 0, col: 0, width: 3)
        #expect(canvas.line(0) == "▁▅█")
        #expect(canvas.roles(row: 0) == [.sparkline, .sparkline, .sparkline])
        // From zero, 10 11 12 look alike: 10/12 × 7 = 5.83 → 6, 11/12 × 7 = 6.42 → 6, 7.
        #expect(Sparkline(values: [10, 11, 12]).levels(width: 3) == [6, 6, 7])
        // Negative values widen the range below zero: lo −10, hi 10: 0, 3.5 → 4, 7.
        #expect(Sparkline(values: [-10, 0, 10]).levels(width: 3) == [0, 4, 7])
    }

    @Test func sparklineOtherScales() {
        // From the minimum: lo 10, hi 12: 0, 3.5 → 4, 7.
        #expect(Sparkline(values: [10, 11, 12], scale: .fromMinimum).levels(width: 3) == [0, 4, 7])
        // Fixed 0…100: 50 → 3.5 → 4; 150 is clamped to 7.
        #expect(Sparkline(values: [50, 150], scale: .fixed(lower: 0, upper: 100)).levels(width: 2) == [4, 7])
        // A flat series is a flat line at the lowest level.
        #expect(Sparkline(values: [3, 3, 3], scale: .fromMinimum).levels(width: 3) == [0, 0, 0])
        #expect(Sparkline(values: [0, 0]).levels(width: 2) == [0, 0])
    }

    @Test func sparklineShowsTheNewestValuesRightAligned() {
        var canvas = Canvas(columns: 4, rows: 1)
        // Only the last 4 of 6 values: [0, 7, 0, 7] → ▁█▁█ (range 0…7).
        Sparkline(values: [7, 7, 0, 7, 0, 7]).draw(into: &canvas, row: 0, col: 0, width: 4)
        #expect(canvas.line(0) == "▁█▁█")
        var short = Canvas(columns: 5, rows: 1)
        Sparkline(values: [1, .nan, 2]).draw(into: &short, row: 0, col: 0, width: 5)
        // lo 0, hi 2: 1 → 3.5 → 4 (▅), NaN blank, 2 → 7; two blank cells on the left.
        #expect(short.line(0) == "  ▅ █")
    }

    // MARK: Table

    @Test func columnWidthsShareSpareSpaceByFlex() {
        // 10 + 8 + 6 + 2 gaps = 26, spare 14: A ⌊14·1/3⌋ = 4, B ⌊14·2/3⌋ = 9, 1 left → A. 15+17+6+2 = 40.
        let columns = [TableColumn("A", minWidth: 10, flex: 1), TableColumn("B", minWidth: 8, flex: 2), TableColumn("C", minWidth: 6)]
        #expect(Table.columnWidths(columns, totalWidth: 40) == [15, 17, 6])
    }

    @Test func columnWidthsRespectMaximum() {
        // Spare 14: shares 7 and 7, A capped at +2 (max 12) → B 15; 5 left, all to B → 20. 12+20+6+2 = 40.
        let columns = [TableColumn("A", minWidth: 10, maxWidth: 12, flex: 1), TableColumn("B", minWidth: 8, flex: 1), TableColumn("C", minWidth: 6)]
        #expect(Table.columnWidths(columns, totalWidth: 40) == [12, 20, 6])
        // Nobody can grow: the spare width stays blank.
        let fixed = [TableColumn("A", minWidth: 3), TableColumn("B", minWidth: 3)]
        #expect(Table.columnWidths(fixed, totalWidth: 20) == [3, 3])
    }

    @Test func columnsThatDoNotFitAreHiddenFromTheRight() {
        let columns = [TableColumn("A", minWidth: 10, flex: 1), TableColumn("B", minWidth: 8, flex: 2), TableColumn("C", minWidth: 6)]
        // 10 + 1 + 8 = 19 fits 20, C would need 26: hidden; spare 1 → A (both shares round to 0).
        #expect(Table.columnWidths(columns, totalWidth: 20) == [11, 8, 0])
        #expect(Table.columnWidths(columns, totalWidth: 5) == [5, 0, 0])
        #expect(Table.columnWidths(columns, totalWidth: 0) == [0, 0, 0])
    }

    @Test func scrollOffsetKeepsSelectionVisible() {
        #expect(Table.scrollOffset(selected: 0, current: 0, visibleRows: 5, rowCount: 100) == 0)
        // 7 is below the window 0…4: the window ends at 7 → starts at 3.
        #expect(Table.scrollOffset(selected: 7, current: 0, visibleRows: 5, rowCount: 100) == 3)
        // Inside the window: no movement.
        #expect(Table.scrollOffset(selected: 5, current: 3, visibleRows: 5, rowCount: 100) == 3)
        #expect(Table.scrollOffset(selected: 2, current: 3, visibleRows: 5, rowCount: 100) == 2)
        #expect(Table.scrollOffset(selected: 99, current: 0, visibleRows: 5, rowCount: 100) == 95)
        // Fewer rows than the window; and a stale offset after the list shrank.
        #expect(Table.scrollOffset(selected: 2, current: 0, visibleRows: 5, rowCount: 3) == 0)
        #expect(Table.scrollOffset(selected: nil, current: 50, visibleRows: 5, rowCount: 10) == 5)
    }

    @Test func tableDrawsHeaderRowsAndSelection() {
        // Width 20: Name min 4 flex 1, Risk min 4 right-aligned; 4 + 1 + 4 = 9, spare 11 → Name 15.
        let columns = [TableColumn("Name", flex: 1), TableColumn("Risk", minWidth: 4, alignment: .right)]
        let rows = (0..<6).map { i in
            TableRow([TableCell("Customer \(i)"), TableCell("\(i * 10)", role: .riskHigh)])
        }
        // 5 rows high: header + 4 rows; selected 4 → offset 4 − 4 + 1 = 1.
        let table = Table(columns: columns, rows: rows, selected: 4, focused: true)
        var canvas = Canvas(columns: 20, rows: 5)
        let offset = table.draw(into: &canvas, rect: canvas.bounds)
        #expect(offset == 1)
        #expect(canvas.lines() == [
            "Name            Risk",
            "Customer 1        10",
            "Customer 2        20",
            "Customer 3        30",
            "Customer 4        40",
        ])
        #expect(canvas.roles(row: 0).allSatisfy { $0 == .tableHeader })
        #expect(canvas.roles(row: 1)[0] == .text)
        #expect(canvas.roles(row: 1)[19] == .riskHigh)
        // The selected row is one bar of the selection role, cell roles overridden.
        #expect(canvas.roles(row: 4).allSatisfy { $0 == .selection })

        var unfocused = table
        unfocused.focused = false
        var other = Canvas(columns: 20, rows: 5)
        _ = unfocused.draw(into: &other, rect: other.bounds)
        #expect(other.roles(row: 4).allSatisfy { $0 == .selectionUnfocused })
    }

    @Test func tableCutsLongCellsAndCleansThem() {
        let columns = [TableColumn("Name", flex: 1), TableColumn("Risk", minWidth: 4, alignment: .right)]
        let rows = [TableRow([TableCell("Bartholomew\u{1B}[2J Featherstonehaugh"), TableCell("70")]),
                    TableRow([TableCell("山田太郎山田太郎"), TableCell("5")])]
        var canvas = Canvas(columns: 20, rows: 3)
        _ = Table(columns: columns, rows: rows).draw(into: &canvas, rect: canvas.bounds)
        // 15 columns: 14 characters + "…".
        #expect(canvas.line(1) == "Bartholomew[2J…   70")
        // 山田太郎山田太郎 is 16 wide: budget 14 = 7 ideographs, "…", then the gap and "   5".
        #expect(canvas.line(2) == "山田太郎山田太…    5")
    }

    @Test func emptyTableShowsItsMessage() {
        let table = Table(columns: [TableColumn("Name", flex: 1)], rows: [], emptyText: "No customers")
        var canvas = Canvas(columns: 16, rows: 3)
        _ = table.draw(into: &canvas, rect: canvas.bounds)
        // 16 − 12 = 4 free: 2 left, 2 right.
        #expect(canvas.line(1) == "  No customers  ")
        #expect(canvas.roles(row: 1)[2] == .dim)
    }

    @Test func tableDrawsOnlyInsideItsRect() {
        let table = Table(columns: [TableColumn("Name", flex: 1)], rows: [TableRow(["a"]), TableRow(["b"]), TableRow(["c"])])
        var canvas = Canvas(columns: 10, rows: 4)
        canvas.fill(canvas.bounds, role: .dim, character: "x")
        _ = table.draw(into: &canvas, rect: Rect(row: 1, col: 2, width: 5, height: 2))
        #expect(canvas.lines() == ["xxxxxxxxxx", "xxName xxx", "xxa    xxx", "xxxxxxxxxx"])
    }
}

@Suite struct TableWrapTests {
    @Test func emptyTextWrapsByWordsWithinTheWidth() {
        let lines = Table.wrap("No customers yet: import a book or try retention demo.", columns: 20)
        #expect(lines == ["No customers yet:", "import a book or try", "retention demo."])
        #expect(lines.allSatisfy { DisplayWidth.width(of: $0) <= 20 })
        #expect(Table.wrap("山田太郎山田太郎山田太郎", columns: 10).allSatisfy { DisplayWidth.width(of: $0) <= 10 })
    }
}
