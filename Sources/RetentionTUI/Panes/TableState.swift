/// What a list pane remembers between frames (ratatui's `TableState`): the selected row, by its stable
/// id so it survives refreshes, its position, and the first row shown (`offset`).
///
/// `update` keeps `offset` so the selection stays on screen (`Table.scrollOffset`, moving the window as
/// little as possible); the pane draws from it, and a click maps the screen line through it, so the row
/// under the pointer is the row selected.
public struct TableState: Sendable, Equatable {
    public var selectedID: String?
    public var index = 0
    /// Index of the first row shown.
    public var offset = 0

    public init() {}

    /// Re-finds the selected row by id in freshly loaded rows; keeps the position if it vanished.
    mutating func reconcile(ids: [String]) {
        if let id = selectedID, let i = ids.firstIndex(of: id) { index = i }
        index = ids.isEmpty ? 0 : min(max(0, index), ids.count - 1)
        selectedID = ids.isEmpty ? nil : ids[index]
    }

    mutating func move(by delta: Int, ids: [String]) {
        guard !ids.isEmpty else { return }
        select(index + delta, ids: ids)
    }

    /// Selects row `row` (clamped to the list).
    mutating func select(_ row: Int, ids: [String]) {
        guard !ids.isEmpty else { return }
        index = min(max(0, row), ids.count - 1)
        selectedID = ids[index]
    }

    /// Moves the window so the selected row shows among `visibleRows` rows of `rowCount`.
    mutating func keepSelectionVisible(visibleRows: Int, rowCount: Int) {
        offset = Table.scrollOffset(selected: rowCount > 0 ? index : nil, current: offset, visibleRows: visibleRows, rowCount: rowCount)
    }
}
