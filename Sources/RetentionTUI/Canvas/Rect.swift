/// A rectangle of terminal cells: `row`, `col` of the top-left cell (0-based) and a size in
/// columns and rows. Empty when either size is 0 or less.
public struct Rect: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var row: Int
    public var col: Int
    public var width: Int
    public var height: Int

    public init(row: Int, col: Int, width: Int, height: Int) {
        self.row = row
        self.col = col
        self.width = width
        self.height = height
    }

    /// The row just below the rectangle: `row + height`.
    public var bottom: Int { row + height }
    /// The column just right of the rectangle: `col + width`.
    public var right: Int { col + width }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    /// Number of cells, `width × height` (0 when empty).
    public var area: Int { isEmpty ? 0 : width * height }

    /// The rectangle shrunk by `amount` cells on every side (a box's inside), never negative.
    public func inset(by amount: Int) -> Rect {
        Rect(row: row + amount, col: col + amount,
             width: max(0, width - 2 * amount), height: max(0, height - 2 * amount))
    }

    /// The cells both rectangles cover (empty when they do not meet).
    public func intersection(_ other: Rect) -> Rect {
        let top = max(row, other.row), left = max(col, other.col)
        let bottomEdge = min(bottom, other.bottom), rightEdge = min(right, other.right)
        return Rect(row: top, col: left, width: max(0, rightEdge - left), height: max(0, bottomEdge - top))
    }

    public func intersects(_ other: Rect) -> Bool { !intersection(other).isEmpty }

    /// True when `other` lies entirely inside this rectangle (an empty `other` is always inside).
    /// Whether the cell at (`row`, `col`) lies inside.
    public func contains(row r: Int, col c: Int) -> Bool { r >= row && r < bottom && c >= col && c < right }

    public func contains(_ other: Rect) -> Bool {
        other.isEmpty || (other.row >= row && other.col >= col && other.bottom <= bottom && other.right <= right)
    }

    public var description: String { "(row \(row), col \(col), \(width)x\(height))" }
}
