/// A horizontal bar showing a value from 0 to 100 (a health score, a percentage), drawn with
/// eighth blocks `▏▎▍▌▋▊▉█` so it moves in steps of 1/8 of a cell.
public struct Bar: Sendable, Equatable {
    /// The value shown; clamped to 0…100, and NaN counts as 0.
    public var value: Double
    /// Role of the filled part.
    public var role: StyleRole
    /// Role of the empty part (its track).
    public var emptyRole: StyleRole

    public init(value: Double, role: StyleRole = .bar, emptyRole: StyleRole = .barEmpty) {
        self.value = value
        self.role = role
        self.emptyRole = emptyRole
    }

    /// Filled eighths for a bar `width` cells wide:
    /// `e = round(clamp(value, 0, 100) / 100 × width × 8)`, so `e` runs from 0 to `8 × width`.
    /// The bar is then `⌊e / 8⌋` full cells, one partial cell of `e mod 8` eighths if that is not 0,
    /// and empty cells for the rest. Example: value 37, width 10 → 0.37 × 80 = 29.6 → 30 eighths →
    /// 3 full cells and a cell of 6 eighths (`▊`), then 6 empty cells.
    public func filledEighths(width: Int) -> Int {
        guard width > 0 else { return 0 }
        let clamped = value.isNaN ? 0 : min(100, max(0, value))
        return Int((clamped / 100 * Double(width) * 8).rounded())
    }

    /// Draws the bar on `row` from `col`, `width` cells wide. With ASCII glyphs a cell is `#` when
    /// at least half full (4 eighths or more) and `.` otherwise.
    public func draw(into canvas: inout Canvas, row: Int, col: Int, width: Int) {
        guard width > 0 else { return }
        let eighths = filledEighths(width: width)
        let full = eighths / 8, partial = eighths % 8
        let glyphs = canvas.glyphs.barEighths
        var text = String(repeating: String(glyphs[8]), count: full)
        var filledCells = full
        if partial > 0 {
            text.append(glyphs[partial])
            filledCells += 1
        }
        // In ASCII a partial cell below half is drawn like the track, so give it the track's role.
        let partialIsTrack = canvas.glyphs.isASCII && partial > 0 && partial < 4
        let filledColumns = partialIsTrack ? full : filledCells
        canvas.put(text: String(text.prefix(filledColumns)), row: row, col: col, role: role, maxColumns: filledColumns)
        let emptyColumns = width - filledColumns
        if emptyColumns > 0 {
            canvas.put(text: String(repeating: String(glyphs[0]), count: emptyColumns),
                       row: row, col: col + filledColumns, role: emptyRole, maxColumns: emptyColumns)
        }
    }

    /// The bar as text `width` cells wide, for a table cell (one role for the whole cell): the same cells
    /// `draw` puts on screen, `glyphs.barEighths[8]` for a full cell, one partial cell, then the track.
    /// With ASCII glyphs a partial cell below half reads as track, as in `draw`.
    public func text(width: Int, glyphs: Glyphs) -> String {
        guard width > 0 else { return "" }
        let eighths = filledEighths(width: width)
        let full = eighths / 8, partial = eighths % 8
        var cells = Array(repeating: glyphs.barEighths[8], count: full)
        if partial > 0 { cells.append(glyphs.barEighths[partial]) }
        cells += Array(repeating: glyphs.barEighths[0], count: width - cells.count)
        return String(cells)
    }
}
