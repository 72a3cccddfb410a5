import Foundation

extension DashboardState {
    /// Clicking a tab or a pane focuses it; clicking a row of a list selects the row under the pointer,
    /// found through the pane's stored scroll offset (the one it was drawn with).
    mutating func handleClick(row: Int, col: Int) -> [Effect] {
        guard !screenTooSmall, columns > 0, rows > 0 else { return [] }
        let layout = self.layout
        if let tabs = layout.tabs, row == tabs.row {
            let index = (col - tabs.col) * PaneID.allCases.count / max(1, tabs.width)
            if let pane = PaneID(rawValue: index) { focused = pane }
            return []
        }
        guard let (pane, rect) = layout.panes.first(where: { $0.rect.contains(row: row, col: col) }) else { return [] }
        focused = pane
        let line = row - rect.row - 2 // border, column titles
        guard line >= 0, line < rect.height - 3, let table = self[table: pane] else { return [] }
        let ids = rowIDs(pane)
        self[table: pane]?.select(table.offset + line, ids: ids)
        return []
    }

    /// The mouse wheel scrolls the pane under the pointer (as htop, lazygit and k9s do), leaving the focus
    /// where it is; over the header or footer, or with an overlay open, it acts as ↑/↓ on what has the keys.
    mutating func handleWheel(row: Int, col: Int, down: Bool, now: Date) -> [Effect] {
        let key: Key = down ? .down : .up
        guard overlay == nil, !screenTooSmall, columns > 0, rows > 0,
              let pane = layout.panes.first(where: { $0.rect.contains(row: row, col: col) })?.pane, pane != focused else {
            return handleKey(key, now: now)
        }
        let was = focused
        focused = pane
        let effects = handleKey(key, now: now)
        focused = was
        return effects
    }
}
