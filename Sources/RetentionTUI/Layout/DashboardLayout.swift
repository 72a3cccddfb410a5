/// Which of the four dashboard panes (named `PaneID` to leave `Pane` free for the panes themselves).
public enum PaneID: Int, CaseIterable, Sendable, Hashable {
    case atRisk
    case renewals
    case campaigns
    case detail
    /// The manager view (`ManagerPane`): the book as pictures, on the whole body.
    case manager

    /// The name shown in a pane's border and in the pane switcher.
    public var title: String {
        switch self {
        case .atRisk: "At risk"
        case .renewals: "Renewals"
        case .campaigns: "Campaigns"
        case .detail: "Detail"
        case .manager: "Manager"
        }
    }

    /// The digit key that focuses the pane (1–5).
    public var number: Int { rawValue + 1 }
}

/// Where everything goes on a terminal of a given size. Pure: the same size and focus always give
/// the same rectangles, so it is tested at many sizes without a terminal.
///
/// Modes, by terminal size (`columns × rows`):
/// - `columns < 40` or `rows < 12`: ``Mode/tooSmall``; nothing but a message fits.
/// - `columns < 100`: ``Mode/single``: one pane, the focused one, with a one-row pane switcher
///   (tabs) above it; the user moves between panes with Tab or 1–4.
/// - `columns ≥ 100` and `rows ≥ 20`: ``Mode/grid``: 2 × 2, at-risk top left, renewals top
///   right, campaigns bottom left, detail bottom right.
/// - `columns ≥ 100` and `rows < 20`: ``Mode/sideBySide``: two columns, one row: the focused list
///   pane on the left and detail on the right (at risk on the left when detail has the focus),
///   with the switcher row, since two panes are hidden.
///
/// Heights: the header is 2 rows when `rows ≥ 20`, else 1; the footer (status line and key
/// hints) is always 2 rows at the bottom. The body between them is split evenly; where it does not
/// divide, the left column and the top row get the smaller half (`left = ⌊w / 2⌋`,
/// `top = ⌊h / 2⌋`). The rectangles tile the screen exactly: they never overlap and never leave it.
public struct DashboardLayout: Sendable, Equatable {
    /// How the panes are arranged.
    public enum Mode: Sendable, Equatable {
        case tooSmall
        case single
        case sideBySide
        case grid
    }

    /// The smallest usable terminal: 40 columns by 12 rows.
    public static let minimumColumns = 40
    public static let minimumRows = 12
    /// From this width on, panes are shown side by side.
    public static let gridColumns = 100
    /// From this height on (with enough width) the 2 × 2 grid is used and the header has 2 rows.
    public static let gridRows = 20

    public let mode: Mode
    /// The terminal size this layout is for.
    public let columns: Int
    public let rows: Int
    /// The header bar (empty when too small).
    public let header: Rect
    /// The pane switcher row, in modes that hide panes (``Mode/single``, ``Mode/sideBySide``).
    public private(set) var tabs: Rect?
    /// The visible panes and their rectangles, in reading order (empty when too small).
    public private(set) var panes: [(pane: PaneID, rect: Rect)]
    /// The status line and key hints (2 rows; empty when too small).
    public let footer: Rect

    /// The rectangle of `pane`, or nil when it is not shown in this layout.
    public func rect(of pane: PaneID) -> Rect? { panes.first { $0.pane == pane }?.rect }

    /// The layout with the focused pane zoomed (`+`): it takes the whole body between header and footer,
    /// the switcher row included.
    public init(columns: Int, rows: Int, focused: PaneID, zoomed: Bool) {
        self.init(columns: columns, rows: rows, focused: focused)
        guard zoomed, mode != .tooSmall, let first = panes.map(\.rect).min(by: { $0.row < $1.row }) else { return }
        let top = tabs?.row ?? first.row
        let bottom = panes.map { $0.rect.row + $0.rect.height }.max() ?? first.row
        panes = [(focused, Rect(row: top, col: 0, width: columns, height: bottom - top))]
        tabs = nil
    }

    /// The layout for a `columns × rows` terminal with `focused` having the keyboard focus.
    public init(columns: Int, rows: Int, focused: PaneID) {
        self.columns = columns
        self.rows = rows
        guard columns >= Self.minimumColumns && rows >= Self.minimumRows else {
            mode = .tooSmall
            header = Rect(row: 0, col: 0, width: 0, height: 0)
            tabs = nil
            panes = []
            footer = Rect(row: 0, col: 0, width: 0, height: 0)
            return
        }
        let headerHeight = rows >= Self.gridRows ? 2 : 1
        let footerHeight = 2
        header = Rect(row: 0, col: 0, width: columns, height: headerHeight)
        footer = Rect(row: rows - footerHeight, col: 0, width: columns, height: footerHeight)
        var bodyTop = headerHeight
        let wide = columns >= Self.gridColumns
        if focused == .manager {
            // The manager view takes the whole body, under the pane switcher (the way back to the lists).
            mode = wide ? (rows >= Self.gridRows ? .grid : .sideBySide) : .single
            tabs = Rect(row: bodyTop, col: 0, width: columns, height: 1)
            panes = [(.manager, Rect(row: bodyTop + 1, col: 0, width: columns, height: footer.row - bodyTop - 1))]
            return
        }
        if wide && rows >= Self.gridRows {
            mode = .grid
            tabs = nil
        } else {
            mode = wide ? .sideBySide : .single
            tabs = Rect(row: bodyTop, col: 0, width: columns, height: 1)
            bodyTop += 1
        }
        let bodyHeight = footer.row - bodyTop
        let leftWidth = columns / 2
        let rightWidth = columns - leftWidth
        switch mode {
        case .grid:
            let topHeight = bodyHeight / 2
            let bottomHeight = bodyHeight - topHeight
            panes = [
                (.atRisk, Rect(row: bodyTop, col: 0, width: leftWidth, height: topHeight)),
                (.renewals, Rect(row: bodyTop, col: leftWidth, width: rightWidth, height: topHeight)),
                (.campaigns, Rect(row: bodyTop + topHeight, col: 0, width: leftWidth, height: bottomHeight)),
                (.detail, Rect(row: bodyTop + topHeight, col: leftWidth, width: rightWidth, height: bottomHeight)),
            ]
        case .sideBySide:
            let list: PaneID = focused == .detail ? .atRisk : focused
            panes = [
                (list, Rect(row: bodyTop, col: 0, width: leftWidth, height: bodyHeight)),
                (.detail, Rect(row: bodyTop, col: leftWidth, width: rightWidth, height: bodyHeight)),
            ]
        case .single, .tooSmall:
            panes = [(focused, Rect(row: bodyTop, col: 0, width: columns, height: bodyHeight))]
        }
    }

    /// The message shown in place of the dashboard when the terminal is too small, naming both the
    /// current and the needed size.
    public var tooSmallMessage: String {
        "Terminal too small: \(columns)x\(rows). Retention needs at least \(Self.minimumColumns)x\(Self.minimumRows)."
    }

    /// Draws the too-small message centred on `canvas` in the `warning` role: two short lines,
    /// "Terminal too small" and "39x11, need 40x12", so that it fits even a very small terminal.
    public func drawTooSmall(into canvas: inout Canvas) {
        canvas.clear()
        let lines = ["Terminal too small", "\(columns)x\(rows), need \(Self.minimumColumns)x\(Self.minimumRows)"]
        let top = max(0, (canvas.rows - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            canvas.putField(text: line, row: top + i, col: 0, columns: canvas.columns, role: .warning, alignment: .center)
        }
    }

    public static func == (lhs: DashboardLayout, rhs: DashboardLayout) -> Bool {
        lhs.mode == rhs.mode && lhs.columns == rhs.columns && lhs.rows == rhs.rows && lhs.header == rhs.header
            && lhs.tabs == rhs.tabs && lhs.footer == rhs.footer
            && lhs.panes.map(\.pane) == rhs.panes.map(\.pane) && lhs.panes.map(\.rect) == rhs.panes.map(\.rect)
    }
}
