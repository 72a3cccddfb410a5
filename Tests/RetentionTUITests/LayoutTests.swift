import Testing
@testable import RetentionTUI

/// The dashboard layout at many terminal sizes.
struct LayoutTests {
    /// Header, tabs, panes and footer of a layout, as one list.
    private func allRects(_ layout: DashboardLayout) -> [Rect] {
        [layout.header] + (layout.tabs.map { [$0] } ?? []) + layout.panes.map(\.rect) + [layout.footer]
    }

    @Test func tooSmallBelow40x12() {
        for (columns, rows) in [(39, 12), (40, 11), (10, 5), (0, 0), (39, 100), (300, 11)] {
            let layout = DashboardLayout(columns: columns, rows: rows, focused: .atRisk)
            #expect(layout.mode == .tooSmall, "\(columns)x\(rows)")
            #expect(layout.panes.isEmpty)
        }
        #expect(DashboardLayout(columns: 40, rows: 12, focused: .atRisk).mode == .single)
    }

    @Test func tooSmallMessageNamesBothSizes() {
        let layout = DashboardLayout(columns: 39, rows: 12, focused: .atRisk)
        #expect(layout.tooSmallMessage == "Terminal too small: 39x12. Retention needs at least 40x12.")
        var canvas = Canvas(columns: 39, rows: 12)
        layout.drawTooSmall(into: &canvas)
        // 12 rows, 2 lines: top = (12 − 2) / 2 = 5.
        #expect(canvas.line(5).contains("Terminal too small"))
        #expect(canvas.line(6).contains("39x12, need 40x12"))
        #expect(canvas.roles(row: 5).allSatisfy { $0 == .warning })
    }

    @Test func smallestUsableTerminal() {
        // 40x12: header 1 row, tabs 1, footer 2 → pane 12 − 4 = 8 rows.
        let layout = DashboardLayout(columns: 40, rows: 12, focused: .campaigns)
        #expect(layout.header == Rect(row: 0, col: 0, width: 40, height: 1))
        #expect(layout.tabs == Rect(row: 1, col: 0, width: 40, height: 1))
        #expect(layout.panes.map(\.pane) == [.campaigns])
        #expect(layout.rect(of: .campaigns) == Rect(row: 2, col: 0, width: 40, height: 8))
        #expect(layout.footer == Rect(row: 10, col: 0, width: 40, height: 2))
    }

    @Test func singlePaneBelow100Columns() {
        // 99x30: header 2, tabs 1, footer 2 → pane rows 3…27, 25 rows.
        let layout = DashboardLayout(columns: 99, rows: 30, focused: .renewals)
        #expect(layout.mode == .single)
        #expect(layout.header == Rect(row: 0, col: 0, width: 99, height: 2))
        #expect(layout.tabs == Rect(row: 2, col: 0, width: 99, height: 1))
        #expect(layout.panes.map(\.pane) == [.renewals])
        #expect(layout.rect(of: .renewals) == Rect(row: 3, col: 0, width: 99, height: 25))
        #expect(layout.rect(of: .atRisk) == nil)
        #expect(layout.footer == Rect(row: 28, col: 0, width: 99, height: 2))
    }

    @Test func gridFrom100Columns() {
        // 100x30: header 2, footer 2 → body rows 2…27 (26 rows): top 13, bottom 13; 50 + 50 columns.
        let layout = DashboardLayout(columns: 100, rows: 30, focused: .atRisk)
        #expect(layout.mode == .grid)
        #expect(layout.tabs == nil)
        #expect(layout.rect(of: .atRisk) == Rect(row: 2, col: 0, width: 50, height: 13))
        #expect(layout.rect(of: .renewals) == Rect(row: 2, col: 50, width: 50, height: 13))
        #expect(layout.rect(of: .campaigns) == Rect(row: 15, col: 0, width: 50, height: 13))
        #expect(layout.rect(of: .detail) == Rect(row: 15, col: 50, width: 50, height: 13))
        #expect(layout.footer == Rect(row: 28, col: 0, width: 100, height: 2))
    }

    @Test func gridAt120x40() {
        // Body rows 2…37 = 36 rows → 18 + 18; 60 + 60 columns.
        let layout = DashboardLayout(columns: 120, rows: 40, focused: .detail)
        #expect(layout.rect(of: .atRisk) == Rect(row: 2, col: 0, width: 60, height: 18))
        #expect(layout.rect(of: .detail) == Rect(row: 20, col: 60, width: 60, height: 18))
        #expect(layout.footer == Rect(row: 38, col: 0, width: 120, height: 2))
    }

    @Test func oddSizesGiveTheExtraCellToRightAndBottom() {
        // 101x21: body rows 2…18 = 17 → top ⌊17/2⌋ = 8, bottom 9; left ⌊101/2⌋ = 50, right 51.
        let layout = DashboardLayout(columns: 101, rows: 21, focused: .atRisk)
        #expect(layout.rect(of: .atRisk) == Rect(row: 2, col: 0, width: 50, height: 8))
        #expect(layout.rect(of: .detail) == Rect(row: 10, col: 50, width: 51, height: 9))
    }

    @Test func wideButShortShowsTwoPanesSideBySide() {
        // 100x19: header 1, tabs 1, footer 2 → body rows 2…16 (15 rows), 50 + 50 columns.
        let layout = DashboardLayout(columns: 100, rows: 19, focused: .campaigns)
        #expect(layout.mode == .sideBySide)
        #expect(layout.panes.map(\.pane) == [.campaigns, .detail])
        #expect(layout.rect(of: .campaigns) == Rect(row: 2, col: 0, width: 50, height: 15))
        #expect(layout.rect(of: .detail) == Rect(row: 2, col: 50, width: 50, height: 15))
        // With detail focused, the at-risk list keeps it company.
        let detail = DashboardLayout(columns: 100, rows: 19, focused: .detail)
        #expect(detail.panes.map(\.pane) == [.atRisk, .detail])
    }

    @Test func listedSizesTileTheScreen() {
        let sizes = [(40, 12), (99, 30), (100, 30), (120, 40), (200, 60), (300, 100), (80, 24), (100, 19), (100, 20)]
        for (columns, rows) in sizes {
            for pane in PaneID.allCases {
                let layout = DashboardLayout(columns: columns, rows: rows, focused: pane)
                checkTiling(layout)
                #expect(layout.rect(of: pane) != nil, "focused pane hidden at \(columns)x\(rows)")
            }
        }
        #expect(DashboardLayout(columns: 200, rows: 60, focused: .atRisk).mode == .grid)
        #expect(DashboardLayout(columns: 300, rows: 100, focused: .atRisk).mode == .grid)
    }

    @Test func everySizeUpTo320x110TilesTheScreen() {
        for columns in stride(from: 0, through: 320, by: 1) {
            for rows in stride(from: 0, through: 110, by: 1) {
                let layout = DashboardLayout(columns: columns, rows: rows, focused: .renewals)
                if layout.mode == .tooSmall { continue }
                checkTiling(layout)
            }
        }
    }

    /// Rects never overlap, never leave the screen, and together cover every cell exactly once.
    private func checkTiling(_ layout: DashboardLayout, sourceLocation: SourceLocation = #_sourceLocation) {
        let screen = Rect(row: 0, col: 0, width: layout.columns, height: layout.rows)
        let rects = allRects(layout)
        for rect in rects {
            #expect(!rect.isEmpty, "empty rect at \(layout.columns)x\(layout.rows)", sourceLocation: sourceLocation)
            #expect(screen.contains(rect), "\(rect) leaves \(layout.columns)x\(layout.rows)", sourceLocation: sourceLocation)
        }
        for i in rects.indices {
            for j in rects.indices where j > i {
                #expect(!rects[i].intersects(rects[j]), "\(rects[i]) overlaps \(rects[j])", sourceLocation: sourceLocation)
            }
        }
        #expect(rects.reduce(0) { $0 + $1.area } == screen.area, "gaps at \(layout.columns)x\(layout.rows)", sourceLocation: sourceLocation)
    }
}
