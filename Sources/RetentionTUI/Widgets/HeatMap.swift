import Foundation

/// A table of shares (0…1) as a heat map: each cell shows its percentage as a number, so it reads without
/// colour, in a role by band (the theme's risk colours: the lower the share, the hotter), with a legend.
///
/// Bands of a share `v`: v ≥ 0.90 `riskLow`, 0.75 ≤ v < 0.90 `riskMedium`, 0.50 ≤ v < 0.75 `riskHigh`,
/// v < 0.50 `riskCritical`. A cell is `cellWidth` columns: the percentage rounded, right-aligned.
public struct HeatMap: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var label: String
        /// nil: nothing to show (not yet measured).
        public var values: [Double?]
        public init(label: String, values: [Double?]) {
            self.label = label
            self.values = values
        }
    }

    public var rows: [Row]
    public var cellWidth: Int
    public init(rows: [Row], cellWidth: Int = 4) {
        self.rows = rows
        self.cellWidth = cellWidth
    }

    /// The legend's bands, hottest last: (text, role, lowest share of the band).
    public static let bands: [(text: String, role: StyleRole, from: Double)] = [
        ("≥90%", .riskLow, 0.90), ("75-89%", .riskMedium, 0.75), ("50-74%", .riskHigh, 0.50), ("<50%", .riskCritical, -.infinity),
    ]

    public static func role(for share: Double) -> StyleRole { bands.first { share >= $0.from }!.role }

    /// A cell's text: the percentage rounded, right-aligned in `width` columns.
    public static func text(_ share: Double, width: Int) -> String {
        let s = "\(Int((share * 100).rounded()))"
        return String(repeating: " ", count: max(0, width - s.count)) + s
    }

    /// Draws the label column (`labelWidth`) and the cells, one row per row, into `rect`.
    public func draw(into canvas: inout Canvas, rect: Rect, labelWidth: Int) {
        for (i, row) in rows.prefix(rect.height).enumerated() {
            let r = rect.row + i
            var col = canvas.putField(text: row.label, row: r, col: rect.col, columns: labelWidth, role: .text)
            for v in row.values {
                guard col + cellWidth <= rect.right else { break }
                if let v { canvas.put(text: Self.text(v, width: cellWidth), row: r, col: col, role: Self.role(for: v), maxColumns: cellWidth) }
                col += cellWidth
            }
        }
    }

    /// Draws the legend on one line: each band's text in its role.
    public static func drawLegend(into canvas: inout Canvas, row: Int, col: Int, maxColumns: Int) {
        var c = canvas.put(text: "kept: ", row: row, col: col, role: .dim, maxColumns: maxColumns)
        for band in bands where c < col + maxColumns {
            let text = canvas.glyphs.isASCII ? band.text.replacingOccurrences(of: "≥", with: ">=") : band.text
            c = canvas.put(text: text, row: row, col: c, role: band.role, maxColumns: col + maxColumns - c) + 1
        }
    }
}
