/// An in-memory screen: a grid of ``Cell``s that panes and widgets draw into, and that the one curses
/// backend copies to the terminal. Panes are thus testable without a terminal (read ``lines()``).
///
/// **Every text entry point cleans.** ``put(text:row:col:role:maxColumns:)``,
/// ``putField(text:row:col:columns:role:alignment:)``, ``fill(_:role:character:)`` and
/// ``box(title:rect:focused:)`` pass their text through ``DisplayText/clean(_:)`` before a single
/// cell is written, so no control character, escape sequence or bidi override can reach the screen,
/// whatever a pane forgets. There is no way to store an unclean grapheme in a cell.
///
/// Drawing outside the grid is clipped silently, and a wide character never straddles an edge: where
/// it would not fit whole, a space is drawn instead. Overwriting half of a wide character blanks the
/// other half, so the grid never holds an orphan continuation cell.
public struct Canvas: Sendable, Equatable {
    /// Width in columns.
    public let columns: Int
    /// Height in rows.
    public let rows: Int
    /// Line drawing, bar and ellipsis characters (Unicode or ASCII).
    public var glyphs: Glyphs
    /// Row-major cells: cell (r, c) is `cells[r * columns + c]`.
    public private(set) var cells: [Cell]

    /// A blank canvas of `columns × rows` cells in `role` (negative sizes count as 0).
    public init(columns: Int, rows: Int, role: StyleRole = .text, glyphs: Glyphs = .unicode) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        self.glyphs = glyphs
        self.cells = Array(repeating: .blank(role), count: self.columns * self.rows)
    }

    /// The whole canvas as a rectangle.
    public var bounds: Rect { Rect(row: 0, col: 0, width: columns, height: rows) }

    /// The cell at (`row`, `col`); both must be inside the canvas.
    public subscript(row: Int, col: Int) -> Cell {
        precondition(row >= 0 && row < rows && col >= 0 && col < columns, "cell (\(row), \(col)) is outside the canvas")
        return cells[row * columns + col]
    }

    // MARK: - Drawing

    /// Blanks every cell in `role`.
    public mutating func clear(role: StyleRole = .text) {
        for index in cells.indices { cells[index] = .blank(role) }
    }

    /// Writes one line of text starting at (`row`, `col`) and returns the column just after the last
    /// cell written (`col` when nothing was written).
    ///
    /// The text is cleaned first (see ``DisplayText``), then drawn grapheme by grapheme: a grapheme
    /// `w` columns wide takes `w` cells. Drawing stops at the right edge of the canvas or after
    /// `maxColumns` columns, whichever is first; a wide grapheme that would cross that limit is
    /// replaced by spaces up to the limit. Text starting left of column 0 is clipped the same way.
    /// Nothing is drawn on a row outside the canvas.
    @discardableResult
    public mutating func put(text: String, row: Int, col: Int, role: StyleRole, maxColumns: Int? = nil) -> Int {
        writeClean(DisplayText.clean(text), row: row, col: col, role: role, limit: maxColumns)
    }

    /// Writes `text` into a field exactly `columns` wide at (`row`, `col`): cleaned, cut with the
    /// canvas's ellipsis when too wide, and padded with spaces (in `role`) by `alignment`.
    /// Returns the column just after the field.
    @discardableResult
    public mutating func putField(text: String, row: Int, col: Int, columns width: Int,
                                  role: StyleRole, alignment: TextAlignment = .left) -> Int {
        guard width > 0 else { return col }
        let fitted = DisplayWidth.pad(DisplayText.clean(text), toColumns: width, alignment: alignment, ellipsis: glyphs.ellipsis)
        writeClean(fitted, row: row, col: col, role: role, limit: width)
        return col + width
    }

    /// Fills `rect` (clipped to the canvas) with `character` in `role`. A character that is not
    /// exactly one column wide once cleaned (a control, a wide ideograph) is drawn as a space.
    public mutating func fill(_ rect: Rect, role: StyleRole, character: Character = " ") {
        let cleaned = DisplayText.clean(String(character))
        var glyph: Character = " "
        if cleaned.count == 1, let only = cleaned.first, DisplayWidth.width(of: only) == 1 { glyph = only }
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for r in area.row..<area.bottom {
            for c in area.col..<area.right {
                setNarrow(Cell(grapheme: glyph, role: role), row: r, col: c)
            }
        }
    }

    /// Changes the role of the cells in `rect` without touching their text (a selected row, a
    /// highlighted column).
    public mutating func setRole(_ role: StyleRole, in rect: Rect) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for r in area.row..<area.bottom {
            for c in area.col..<area.right { cells[r * columns + c].role = role }
        }
    }

    /// Draws a box outline on the edge of `rect` with `title` in its top border, and returns the
    /// inside (`rect` inset by 1), where the pane draws its content.
    ///
    /// The focused box uses ``Glyphs/focusedBox`` and the roles `borderFocused` / `paneTitleFocused`;
    /// otherwise ``Glyphs/box``, `border` and `paneTitle`. The title (cleaned) is drawn as
    /// `┌─ Title ───┐`, i.e. from the third column, and is cut with an ellipsis so that at least one
    /// line piece shows on each side: at most `width − 6` columns of title text (no title when the
    /// box is narrower than 7). A rect narrower or shorter than 2 draws nothing and returns an empty
    /// inside.
    @discardableResult
    public mutating func box(title: String = "", rect: Rect, focused: Bool = false) -> Rect {
        guard rect.width >= 2 && rect.height >= 2 else { return rect.inset(by: 1) }
        let pieces = focused ? glyphs.focusedBox : glyphs.box
        let borderRole: StyleRole = focused ? .borderFocused : .border
        let titleRole: StyleRole = focused ? .paneTitleFocused : .paneTitle
        let top = rect.row, bottom = rect.bottom - 1, left = rect.col, right = rect.right - 1
        for c in (left + 1)..<right {
            putGlyph(pieces.horizontal, row: top, col: c, role: borderRole)
            putGlyph(pieces.horizontal, row: bottom, col: c, role: borderRole)
        }
        for r in (top + 1)..<bottom {
            putGlyph(pieces.vertical, row: r, col: left, role: borderRole)
            putGlyph(pieces.vertical, row: r, col: right, role: borderRole)
        }
        putGlyph(pieces.topLeft, row: top, col: left, role: borderRole)
        putGlyph(pieces.topRight, row: top, col: right, role: borderRole)
        putGlyph(pieces.bottomLeft, row: bottom, col: left, role: borderRole)
        putGlyph(pieces.bottomRight, row: bottom, col: right, role: borderRole)

        // Title layout: corner, one line piece, space, title, space, at least one line piece, corner.
        let room = rect.width - 6
        let cleanTitle = DisplayText.clean(title)
        if room >= 1 && !cleanTitle.isEmpty {
            let shown = DisplayWidth.truncate(cleanTitle, toColumns: room, ellipsis: glyphs.ellipsis)
            var c = writeClean(" ", row: top, col: left + 2, role: titleRole, limit: 1)
            c = writeClean(shown, row: top, col: c, role: titleRole, limit: room)
            writeClean(" ", row: top, col: c, role: titleRole, limit: 1)
        }
        return rect.inset(by: 1)
    }

    // MARK: - Reading

    /// The text of every row, one string per row, continuation cells skipped; each string is exactly
    /// `columns` columns wide. For tests and for plain-text dumps.
    public func lines() -> [String] {
        (0..<rows).map { line($0) }
    }

    /// The text of one row (see ``lines()``).
    public func line(_ row: Int) -> String {
        var text = ""
        let start = row * columns
        for index in start..<(start + columns) where !cells[index].isContinuation {
            text.append(cells[index].grapheme)
        }
        return text
    }

    /// The roles of one row, one per column (a continuation cell repeats its grapheme's role).
    public func roles(row: Int) -> [StyleRole] {
        let start = row * columns
        return cells[start..<(start + columns)].map(\.role)
    }

    // MARK: - Diff

    /// A stretch of one row that changed: `text` starts at (`row`, `col`), is `columns` columns wide and
    /// is drawn entirely in `role`.
    public struct Run: Equatable, Sendable {
        public var row: Int
        public var col: Int
        public var text: String
        public var columns: Int
        public var role: StyleRole

        public init(row: Int, col: Int, text: String, columns: Int, role: StyleRole) {
            self.row = row
            self.col = col
            self.text = text
            self.columns = columns
            self.role = role
        }
    }

    /// What the backend must write to turn a screen showing `previous` into one showing `self`.
    ///
    /// Runs are maximal stretches of changed cells of one role, in row then column order. A run
    /// never starts on a continuation cell: if only the right half of a wide character changed, the
    /// run starts at its left half, and a wide character is always written whole. When the sizes
    /// differ (after a resize) every cell counts as changed.
    public func diff(from previous: Canvas) -> [Run] {
        let sameSize = previous.columns == columns && previous.rows == rows
        var runs: [Run] = []
        for r in 0..<rows {
            let start = r * columns
            var c = 0
            while c < columns {
                if sameSize && cells[start + c] == previous.cells[start + c] {
                    c += 1
                    continue
                }
                var first = c
                while first > 0 && cells[start + first].isContinuation { first -= 1 }
                let role = cells[start + first].role
                var text = ""
                var end = first
                // Extend over changed cells of the same role, and always over continuations of a
                // wide character already included.
                while end < columns {
                    let cell = cells[start + end]
                    if end > first && !cell.isContinuation {
                        let changed = !sameSize || cell != previous.cells[start + end]
                        if !changed || cell.role != role { break }
                    }
                    if !cell.isContinuation { text.append(cell.grapheme) }
                    end += 1
                }
                if let last = runs.last, last.row == r, last.col + last.columns == first, last.role == role {
                    runs[runs.count - 1].text += text
                    runs[runs.count - 1].columns += end - first
                } else {
                    runs.append(Run(row: r, col: first, text: text, columns: end - first, role: role))
                }
                c = end
            }
        }
        return runs
    }

    // MARK: - Cell writing (the only code that stores graphemes)

    /// Draws already-cleaned text; see ``put(text:row:col:role:maxColumns:)``.
    @discardableResult
    mutating func writeClean(_ text: String, row: Int, col: Int, role: StyleRole, limit: Int?) -> Int {
        guard row >= 0 && row < rows else { return col }
        let stop = min(columns, limit.map { col + max(0, $0) } ?? columns)
        var c = col
        if DisplayText.isPlainASCII(text) {
            // Fast path: one byte, one narrow cell.
            for byte in text.utf8 {
                if c >= stop { break }
                if c >= 0 { setNarrow(Cell(grapheme: Character(Unicode.Scalar(byte)), role: role), row: row, col: c) }
                c += 1
            }
            return max(col, min(c, stop))
        }
        for original in text {
            if c >= stop { break }
            // On an ASCII terminal the interface's own symbols (—, ·, ▲, …) take their ASCII stand-ins, and
            // other letters their ASCII form (í → i) or one `?` per column (山 → ??): never dropped, so the
            // columns to their right stay where the layout put them.
            if glyphs.isASCII, original.asciiValue == nil {
                let w = DisplayWidth.width(of: original)
                if w == 0 { continue }
                let shown = w == 1 ? Glyphs.asciiStandIns[original] ?? Glyphs.transliterated(original) : "?"
                for k in c..<(c + w) where k >= 0 && k < stop {
                    setNarrow(Cell(grapheme: shown, role: role), row: row, col: k)
                }
                c += w
                continue
            }
            let character = original
            let w = DisplayWidth.width(of: character)
            if w == 0 { continue }  // an orphan mark: nothing to draw
            if c < 0 || c + w > stop {
                // Clipped at the left edge or at the limit: fill the visible columns with spaces.
                for k in c..<min(c + w, stop) where k >= 0 {
                    setNarrow(.blank(role), row: row, col: k)
                }
                c += w
                continue
            }
            if w == 1 {
                setNarrow(Cell(grapheme: character, role: role), row: row, col: c)
            } else {
                setWide(character, width: w, role: role, row: row, col: c)
            }
            c += w
        }
        return max(col, min(c, stop))
    }

    private mutating func putGlyph(_ glyph: Character, row: Int, col: Int, role: StyleRole) {
        guard row >= 0 && row < rows && col >= 0 && col < columns else { return }
        setNarrow(Cell(grapheme: glyph, role: role), row: row, col: col)
    }

    /// Stores a one-column cell, first blanking any wide character it overwrites part of.
    private mutating func setNarrow(_ cell: Cell, row: Int, col: Int) {
        breakWide(row: row, col: col)
        cells[row * columns + col] = cell
    }

    /// Stores a `width`-column grapheme at `col…col+width−1` (all inside the row).
    private mutating func setWide(_ grapheme: Character, width: Int, role: StyleRole, row: Int, col: Int) {
        for k in col..<(col + width) { breakWide(row: row, col: k) }
        let start = row * columns
        cells[start + col] = Cell(grapheme: grapheme, role: role)
        for k in (col + 1)..<(col + width) {
            cells[start + k] = Cell(grapheme: " ", role: role, isContinuation: true)
        }
    }

    /// If (`row`, `col`) is part of a wide character, turns every cell of that character into a
    /// blank, so that writing over one half never leaves the other half behind.
    private mutating func breakWide(row: Int, col: Int) {
        let start = row * columns
        let here = cells[start + col]
        let nextIsContinuation = col + 1 < columns && cells[start + col + 1].isContinuation
        guard here.isContinuation || nextIsContinuation else { return }
        var first = col
        while first > 0 && cells[start + first].isContinuation { first -= 1 }
        var end = first + 1
        while end < columns && cells[start + end].isContinuation { end += 1 }
        let role = cells[start + first].role
        for k in first..<end { cells[start + k] = .blank(role) }
    }
}
