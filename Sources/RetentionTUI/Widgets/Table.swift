/// One column of a ``Table``: its title, how wide it may be and how its text is aligned.
public struct TableColumn: Sendable, Equatable {
    public var title: String
    /// The width the column always gets while shown.
    public var minWidth: Int
    /// The most it may grow to; nil for no limit.
    public var maxWidth: Int?
    public var alignment: TextAlignment
    /// Share of the spare width this column takes (0: stays at `minWidth`).
    public var flex: Int

    /// A column; `minWidth` defaults to the title's width (at least 1).
    public init(_ title: String, minWidth: Int? = nil, maxWidth: Int? = nil,
                alignment: TextAlignment = .left, flex: Int = 0) {
        self.title = title
        let minimum = max(1, minWidth ?? DisplayWidth.width(of: DisplayText.clean(title)))
        self.minWidth = minimum
        self.maxWidth = maxWidth.map { max($0, minimum) }
        self.alignment = alignment
        self.flex = max(0, flex)
    }
}

/// One cell of a table row: text and, optionally, its own role (a risk level in colour).
public struct TableCell: Sendable, Equatable, ExpressibleByStringLiteral {
    public var text: String
    /// nil: the row's role.
    public var role: StyleRole?

    public init(_ text: String, role: StyleRole? = nil) {
        self.text = text
        self.role = role
    }

    public init(stringLiteral value: String) { self.init(value) }
}

/// One row: cells in column order (missing cells are blank) and the role for cells without one.
public struct TableRow: Sendable, Equatable {
    public var cells: [TableCell]
    public var role: StyleRole

    public init(_ cells: [TableCell], role: StyleRole = .text) {
        self.cells = cells
        self.role = role
    }
}

/// A table drawn into a rectangle: a header row of column titles, then as many rows as fit,
/// scrolled so that the selected row is visible.
///
/// The table draws only the rows it is given, so a pane passes the page it fetched, not the book.
/// The selected row is drawn in `selection` (or `selectionUnfocused` when the pane has no focus)
/// across the full width, overriding the cells' own roles so the highlight reads as one bar.
public struct Table: Sendable, Equatable {
    public var columns: [TableColumn]
    public var rows: [TableRow]
    /// Index in `rows` of the selected row, if any.
    public var selected: Int?
    /// Whether the pane holding the table has the keyboard focus.
    public var focused: Bool
    /// Index of the first row shown (kept from the previous frame so the view does not jump).
    public var scrollOffset: Int
    /// Shown, dimmed, when there are no rows.
    public var emptyText: String
    /// Columns between neighbouring columns.
    public var gap: Int

    public init(columns: [TableColumn], rows: [TableRow], selected: Int? = nil, focused: Bool = true,
                scrollOffset: Int = 0, emptyText: String = "", gap: Int = 1) {
        self.columns = columns
        self.rows = rows
        self.selected = selected
        self.focused = focused
        self.scrollOffset = scrollOffset
        self.emptyText = emptyText
        self.gap = max(0, gap)
    }

    /// The width of each column in a table `totalWidth` columns wide (0 for a hidden column).
    ///
    /// 1. Columns are shown left to right while their `minWidth`s plus the gaps between them fit;
    ///    the first column that does not fit and all after it are hidden (so put the least important
    ///    columns last). If even the first column does not fit, it gets the whole width.
    /// 2. The spare width `s = totalWidth − Σ minWidth − gaps` is shared among shown columns with
    ///    `flex > 0` that are below their `maxWidth`: column `i` gets `⌊s × flexᵢ / Σ flex⌋`, capped at
    ///    its `maxWidth`; this repeats with what is left until nothing is left or no column can grow.
    ///    When every share rounds down to 0, the columns take one column each, leftmost first.
    /// 3. Width nobody can take stays blank at the right.
    ///
    /// Example: width 40, columns A (min 10, flex 1), B (min 8, flex 2), C (min 6): 10 + 8 + 6 + 2
    /// gaps = 26, s = 14; A gets ⌊14/3⌋ = 4, B ⌊28/3⌋ = 9, 1 left; shares of 1 round to 0, so A takes
    /// it: A 15, B 17, C 6, and 15 + 17 + 6 + 2 = 40.
    public static func columnWidths(_ columns: [TableColumn], totalWidth: Int, gap: Int = 1) -> [Int] {
        var widths = Array(repeating: 0, count: columns.count)
        guard totalWidth > 0, !columns.isEmpty else { return widths }
        var used = 0
        for (i, column) in columns.enumerated() {
            let needed = column.minWidth + (i > 0 ? gap : 0)
            if used + needed > totalWidth {
                if i == 0 { widths[0] = totalWidth; return widths }
                break
            }
            widths[i] = column.minWidth
            used += needed
        }
        var spare = totalWidth - used
        while spare > 0 {
            let growable = columns.indices.filter { i in
                widths[i] > 0 && columns[i].flex > 0 && widths[i] < (columns[i].maxWidth ?? Int.max)
            }
            guard !growable.isEmpty else { break }
            let totalFlex = growable.reduce(0) { $0 + columns[$1].flex }
            var given = 0
            for i in growable {
                let room = (columns[i].maxWidth ?? Int.max) - widths[i]
                let share = min(room, spare * columns[i].flex / totalFlex)
                widths[i] += share
                given += share
            }
            if given == 0 {
                for i in growable where given < spare {
                    widths[i] += 1
                    given += 1
                }
            }
            spare -= given
        }
        return widths
    }

    /// The first row to show so that `selected` is visible in a window of `visibleRows` rows,
    /// moving as little as possible from `current`: if the selection is above the window the
    /// window starts at it; if below, the window ends at it; the result is then clamped to
    /// `0…max(0, rowCount − visibleRows)` so no empty space shows below the last row.
    public static func scrollOffset(selected: Int?, current: Int, visibleRows: Int, rowCount: Int) -> Int {
        guard visibleRows > 0, rowCount > 0 else { return 0 }
        var offset = current
        if let selected {
            if selected < offset { offset = selected }
            if selected >= offset + visibleRows { offset = selected - visibleRows + 1 }
        }
        return max(0, min(offset, rowCount - visibleRows))
    }

    /// Splits text into lines of at most `columns` display columns, breaking at spaces (a word longer than a
    /// line is cut by columns).
    public static func wrap(_ text: String, columns: Int) -> [String] {
        guard columns > 0 else { return [] }
        var lines: [String] = [], current = ""
        for word in DisplayText.clean(text).split(separator: " ").map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if DisplayWidth.width(of: candidate) <= columns { current = candidate; continue }
            if !current.isEmpty { lines.append(current) }
            current = DisplayWidth.width(of: word) <= columns ? word : DisplayWidth.truncate(word, toColumns: columns)
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Draws the table into `rect` and returns the scroll offset used (store it for the next frame).
    @discardableResult
    public func draw(into canvas: inout Canvas, rect: Rect) -> Int {
        let area = rect.intersection(canvas.bounds)
        guard !area.isEmpty else { return 0 }
        canvas.fill(area, role: .text)
        let widths = Self.columnWidths(columns, totalWidth: area.width, gap: gap)

        canvas.fill(Rect(row: area.row, col: area.col, width: area.width, height: 1), role: .tableHeader)
        drawCells(columns.map { TableCell($0.title) }, widths: widths, row: area.row, col: area.col,
                  role: .tableHeader, overrideRole: true, canvas: &canvas)

        let visibleRows = area.height - 1
        let offset = Self.scrollOffset(selected: selected, current: scrollOffset, visibleRows: visibleRows, rowCount: rows.count)
        guard visibleRows > 0 else { return offset }
        if rows.isEmpty {
            // The empty-state text says what to do next, so it is wrapped, never cut.
            for (i, line) in Self.wrap(emptyText, columns: area.width).prefix(visibleRows).enumerated() {
                canvas.putField(text: line, row: area.row + 1 + i, col: area.col, columns: area.width, role: .dim, alignment: .center)
            }
            return offset
        }
        let selectionRole: StyleRole = focused ? .selection : .selectionUnfocused
        for line in 0..<visibleRows {
            let index = offset + line
            guard index < rows.count else { break }
            let row = rows[index]
            let y = area.row + 1 + line
            if index == selected {
                canvas.fill(Rect(row: y, col: area.col, width: area.width, height: 1), role: selectionRole)
                drawCells(row.cells, widths: widths, row: y, col: area.col, role: selectionRole, overrideRole: true, canvas: &canvas)
            } else {
                drawCells(row.cells, widths: widths, row: y, col: area.col, role: row.role, overrideRole: false, canvas: &canvas)
            }
        }
        return offset
    }

    private func drawCells(_ cells: [TableCell], widths: [Int], row: Int, col: Int, role: StyleRole,
                           overrideRole: Bool, canvas: inout Canvas) {
        var x = col
        for (i, width) in widths.enumerated() where width > 0 {
            if i < cells.count {
                let cell = cells[i]
                let cellRole = overrideRole ? role : (cell.role ?? role)
                canvas.putField(text: cell.text, row: row, col: x, columns: width, role: cellRole, alignment: columns[i].alignment)
            }
            x += width + gap
        }
    }
}
