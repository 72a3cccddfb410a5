import Foundation
import RetentionCore

/// The manager view (key `5`): the book as pictures, read by `Engine.bookPictures` (Metrics/BookPictures.swift,
/// where every figure is defined) off the UI thread and again when the book changes. Four parts: monthly
/// retention and churn over the last 24 complete months with the trailing year's NRR and GRR beside them;
/// the Kaplan–Meier survival of customers and of each line; the monthly cohort triangle as a heat map with
/// its legend; each agent's queue, assigned, contacted this week and retention. Braille charts, or one
/// mark per cell with ASCII glyphs. At 100 columns and more the parts sit in two columns; narrower, one
/// under the other, and ↑↓ scroll them part by part.
enum ManagerPane: Pane {
    static let id = PaneID.manager
    static let bindings: [KeyBinding] = []
    static var tableState: WritableKeyPath<DashboardState, TableState>? { nil }
    static func rowIDs(_ state: DashboardState) -> [String] { [] }

    /// The roles and ASCII marks of the survival curves, customers first, then the lines in turn.
    static let curveStyles: [(StyleRole, Character)] = [(.emphasis, "*"), (.riskLow, "o"), (.riskMedium, "+"), (.riskHigh, "x"),
                                                         (.riskCritical, "#"), (.sparkline, "%"), (.bar, "@")]

    /// The ASCII marks of the monthly chart's two series: letters, unlike any survival curve's mark, the ellipsis or a border.
    static let retentionMark: Character = "R", churnMark: Character = "C"

    static func draw(_ state: DashboardState, into canvas: inout Canvas, rect: Rect, now: Int) {
        let computed = state.pictures.map { " \(canvas.glyphs.separator) computed " + Formatting.clock($0.computedAt, in: state.localZone, seconds: false) } ?? ""
        let inner = canvas.box(title: "5 Manager: the book as pictures" + computed, rect: rect, focused: state.focused == .manager)
        guard let p = state.pictures else {
            canvas.put(text: state.picturesLoading ? "Reading the book's pictures…" : "Press r to read the book's pictures.",
                       row: inner.row, col: inner.col + 1, role: .dim, maxColumns: inner.width - 1)
            return
        }
        let parts: [(height: Int, draw: (inout Canvas, Rect) -> Void)] = [
            (14, { drawMonthly(p, into: &$0, rect: $1) }),
            (14, { drawSurvival(p, into: &$0, rect: $1) }),
            (p.cohorts.count + 3, { drawCohorts(p, into: &$0, rect: $1) }),
            (max(4, min(p.agents.count, 12) + 3), { drawAgents(p, into: &$0, rect: $1) }),
        ]
        if inner.width >= 96 {
            // Two columns: monthly over cohorts on the left, survival over agents on the right.
            let leftWidth = inner.width / 2
            let topHeight = max(6, inner.height - parts[2].height)
            let left = Rect(row: inner.row, col: inner.col, width: leftWidth - 1, height: inner.height)
            let right = Rect(row: inner.row, col: inner.col + leftWidth, width: inner.width - leftWidth, height: inner.height)
            parts[0].draw(&canvas, Rect(row: left.row, col: left.col, width: left.width, height: topHeight))
            parts[2].draw(&canvas, Rect(row: left.row + topHeight, col: left.col, width: left.width, height: left.height - topHeight))
            parts[1].draw(&canvas, Rect(row: right.row, col: right.col, width: right.width, height: topHeight))
            parts[3].draw(&canvas, Rect(row: right.row + topHeight, col: right.col, width: right.width, height: right.height - topHeight))
        } else {
            var row = inner.row
            for part in parts.dropFirst(min(state.managerScroll, parts.count - 1)) where row < inner.bottom {
                let h = min(part.height, inner.bottom - row)
                part.draw(&canvas, Rect(row: row, col: inner.col, width: inner.width, height: h))
                row += h
            }
        }
    }

    /// Monthly retention (top chart) and churn (below), each on its own scale, with the latest month, NRR and GRR.
    static func drawMonthly(_ p: BookPictures, into canvas: inout Canvas, rect: Rect) {
        guard rect.height >= 4 else { return }
        let last = p.months.last
        // With ASCII glyphs each series has its own mark (none shared with the survival chart), named here.
        let legend = canvas.glyphs.isASCII ? " (\(retentionMark) retention, top; \(churnMark) churn)" : " (top) and churn"
        let heading = canvas.glyphs.isASCII ? "Monthly retention and churn" + legend : "Monthly retention" + legend
        // Headings too wide for their part end in an ellipsis (the field writer), never mid-word without a mark.
        canvas.putField(text: heading + ", \(p.months.first?.label ?? "") to \(last?.label ?? "")", row: rect.row, col: rect.col,
                        columns: rect.width, role: .tableHeader)
        let figures = "Last month: kept \(Formatting.percent(last?.retentionRate)), churn \(Formatting.percent(last?.churnRate))   "
            + "NRR \(Formatting.percent(p.netRevenueRetention))  GRR \(Formatting.percent(p.grossRevenueRetention)) (year)"
        canvas.putField(text: figures.trimmingCharacters(in: .whitespaces), row: rect.row + 1, col: rect.col, columns: rect.width, role: .emphasis)
        let chartsHeight = rect.height - 3
        let retentionHeight = max(1, chartsHeight * 3 / 5), churnHeight = max(1, chartsHeight - retentionHeight)
        let labelWidth = 7
        let kept = p.months.map { $0.retentionRate ?? .nan }, churn = p.months.map { $0.churnRate ?? .nan }
        let keptFinite = kept.filter(\.isFinite), churnFinite = churn.filter(\.isFinite)
        // Retention from just under its lowest month to 100 %; churn from 0 to just over its highest.
        let keptLow = max(0, ((keptFinite.min() ?? 0) - 1).rounded(.down)), churnHigh = min(100, ((churnFinite.max() ?? 0) + 1).rounded(.up))
        let chartWidth = max(1, rect.width - labelWidth)
        let top = rect.row + 2
        func axis(_ text: String, _ row: Int) { canvas.putField(text: text, row: row, col: rect.col, columns: labelWidth - 1, role: .dim, alignment: .right) }
        axis("100%", top)
        axis(String(format: "%.0f%%", keptLow), top + retentionHeight - 1)
        LineChart(series: [.init(values: kept, role: .deltaPositive, asciiMark: retentionMark)], lower: keptLow, upper: 100)
            .draw(into: &canvas, rect: Rect(row: top, col: rect.col + labelWidth, width: chartWidth, height: retentionHeight))
        axis(String(format: "%.0f%%", churnHigh), top + retentionHeight)
        axis("0%", top + retentionHeight + churnHeight - 1)
        LineChart(series: [.init(values: churn, role: .deltaNegative, asciiMark: churnMark)], lower: 0, upper: churnHigh)
            .draw(into: &canvas, rect: Rect(row: top + retentionHeight, col: rect.col + labelWidth, width: chartWidth, height: churnHeight))
        let axisRow = top + retentionHeight + churnHeight
        if axisRow < rect.bottom, let first = p.months.first, let last {
            canvas.put(text: first.label, row: axisRow, col: rect.col + labelWidth, role: .dim, maxColumns: chartWidth)
            canvas.put(text: last.label, row: axisRow, col: rect.col + labelWidth + max(0, chartWidth - last.label.count), role: .dim, maxColumns: chartWidth)
        }
    }

    /// Survival of customers and of each line's policies, 0–100 %, over the first five years (or the longest follow-up).
    static func drawSurvival(_ p: BookPictures, into canvas: inout Canvas, rect: Rect) {
        guard rect.height >= 4 else { return }
        let months = min(60, p.curves.map { $0.points.last?.month ?? 0 }.max() ?? 0)
        canvas.putField(text: "Survival (Kaplan-Meier), months 0 to \(months)", row: rect.row, col: rect.col, columns: rect.width, role: .tableHeader)
        // The legend: each curve's name in its role (its mark with ASCII glyphs), with its median.
        var col = rect.col
        for (i, curve) in p.curves.enumerated() {
            let (role, mark) = curveStyles[i % curveStyles.count]
            let median = curve.medianMonths.map { " \($0)m" } ?? ""
            let text = (canvas.glyphs.isASCII ? "\(mark) " : "") + DisplayText.clean(curve.name) + median + "  "
            guard col + DisplayWidth.width(of: text) <= rect.right else { break }
            col = canvas.put(text: text, row: rect.row + 1, col: col, role: role, maxColumns: rect.right - col)
        }
        let labelWidth = 5
        let height = rect.height - 3
        let width = max(1, rect.width - labelWidth)
        let series = p.curves.enumerated().map { i, curve in
            LineChart.Series(values: curve.points.prefix(months + 1).map(\.survival) + Array(repeating: .nan, count: max(0, months + 1 - curve.points.count)),
                             role: curveStyles[i % curveStyles.count].0, asciiMark: curveStyles[i % curveStyles.count].1)
        }
        // Customers last, on top.
        LineChart(series: Array(series.dropFirst()) + series.prefix(1), lower: 0, upper: 1)
            .draw(into: &canvas, rect: Rect(row: rect.row + 2, col: rect.col + labelWidth, width: width, height: height))
        canvas.putField(text: "100%", row: rect.row + 2, col: rect.col, columns: labelWidth - 1, role: .dim, alignment: .right)
        canvas.putField(text: "0%", row: rect.row + 1 + height, col: rect.col, columns: labelWidth - 1, role: .dim, alignment: .right)
        canvas.put(text: "0", row: rect.row + 2 + height, col: rect.col + labelWidth, role: .dim, maxColumns: width)
        let end = "\(months) months"
        canvas.put(text: end, row: rect.row + 2 + height, col: rect.col + labelWidth + max(0, width - end.count), role: .dim, maxColumns: width)
    }

    /// The monthly cohorts: % still a customer 1, 2, … months after the cohort's month began.
    static func drawCohorts(_ p: BookPictures, into canvas: inout Canvas, rect: Rect) {
        guard rect.height >= 3 else { return }
        canvas.putField(text: "Cohorts: % still a customer after k months", row: rect.row, col: rect.col, columns: rect.width, role: .tableHeader)
        let labelWidth = 15
        let map = HeatMap(rows: p.cohorts.reversed().map { c in
            HeatMap.Row(label: "\(c.label) \(Formatting.grouped(c.size))", values: c.retained.map { Optional($0) })
        })
        // The header's label part is exactly as wide as the rows' labels, so "1" sits over the first cell.
        var header = DisplayWidth.pad("month   joined", toColumns: labelWidth)
        for k in 1...max(1, (rect.width - labelWidth) / map.cellWidth) { header += String(repeating: " ", count: map.cellWidth - "\(k)".count) + "\(k)" }
        canvas.put(text: header, row: rect.row + 1, col: rect.col, role: .dim, maxColumns: rect.width)
        map.draw(into: &canvas, rect: Rect(row: rect.row + 2, col: rect.col, width: rect.width, height: rect.height - 3), labelWidth: labelWidth)
        HeatMap.drawLegend(into: &canvas, row: min(rect.bottom - 1, rect.row + 2 + map.rows.count), col: rect.col, maxColumns: rect.width)
    }

    /// Each agent's workload, the longest queue first.
    static func drawAgents(_ p: BookPictures, into canvas: inout Canvas, rect: Rect) {
        guard rect.height >= 3 else { return }
        canvas.putField(text: "Agents: queue (at risk, medium+), assigned, contacted since Monday, retention (year)", row: rect.row, col: rect.col,
                        columns: rect.width, role: .tableHeader)
        let columns = [
            // Narrow parts shrink the counts' columns (their titles cut with an ellipsis) before Retention would go.
            TableColumn("Agent", minWidth: 6, maxWidth: 24, flex: 2), TableColumn("Customers", minWidth: 5, maxWidth: 10, alignment: .right, flex: 1),
            TableColumn("Queue", minWidth: 5, maxWidth: 8, alignment: .right, flex: 1), TableColumn("Assigned", minWidth: 5, maxWidth: 8, alignment: .right, flex: 1),
            TableColumn("Contacted", minWidth: 5, maxWidth: 9, alignment: .right, flex: 1), TableColumn("Retention", minWidth: 9, maxWidth: 9, alignment: .right),
        ]
        let rows = p.agents.map { a in
            TableRow([TableCell(a.name ?? a.agentId), TableCell(Formatting.grouped(a.customers)), TableCell(Formatting.grouped(a.queue)),
                      TableCell(Formatting.grouped(a.assigned)), TableCell(Formatting.grouped(a.contactedThisWeek)),
                      TableCell(Formatting.percent(a.retentionRate))])
        }
        Table(columns: columns, rows: rows, selected: nil, focused: false, scrollOffset: 0, emptyText: "No agents yet.")
            .draw(into: &canvas, rect: Rect(row: rect.row + 1, col: rect.col, width: rect.width, height: rect.height - 1))
    }
}
