/// A line chart of one or more series in a rectangle, drawn with braille dots (each cell 2 dots wide and
/// 4 high, so a 40 × 8 chart has 80 × 32 points), or, with ASCII glyphs, one mark per cell (`*`, `o`, `+`…).
///
/// Scale: a value `v` in `lower…upper` is at dot row `round((v − lower) / (upper − lower) × (H − 1))` from
/// the bottom, `H` = 4 × height dots (height with ASCII), clamped to the rectangle; value `i` of `n` is at dot
/// column `round(i × (W − 1) / (n − 1))`, `W` = 2 × width dots (width with ASCII), so the first value is at the
/// left edge and the last at the right. Consecutive points are joined by a straight line (Bresenham); NaN
/// is a gap. Where series cross, the cell takes the role of the series drawn last.
public struct LineChart: Sendable, Equatable {
    public struct Series: Sendable, Equatable {
        public var values: [Double]
        public var role: StyleRole
        /// The series' mark with ASCII glyphs.
        public var asciiMark: Character
        public init(values: [Double], role: StyleRole, asciiMark: Character = "*") {
            self.values = values
            self.role = role
            self.asciiMark = asciiMark
        }
    }

    public var series: [Series]
    public var lower: Double
    public var upper: Double

    public init(series: [Series], lower: Double, upper: Double) {
        self.series = series
        self.lower = lower
        self.upper = upper
    }

    /// The braille bit of the dot at (`x`, `y`) inside a cell, `x` 0…1, `y` 0…3 from the top.
    static func brailleBit(x: Int, y: Int) -> UInt32 {
        let left: [UInt32] = [0x01, 0x02, 0x04, 0x40], right: [UInt32] = [0x08, 0x10, 0x20, 0x80]
        return x == 0 ? left[y] : right[y]
    }

    /// The points of one series in a `dotsWide × dotsHigh` grid (y from the top), lines joined.
    func dots(_ s: Series, dotsWide: Int, dotsHigh: Int) -> [(x: Int, y: Int)] {
        guard dotsWide > 0, dotsHigh > 0, !s.values.isEmpty else { return [] }
        let n = s.values.count
        func point(_ i: Int) -> (x: Int, y: Int)? {
            let v = s.values[i]
            guard v.isFinite else { return nil }
            let x = n == 1 ? 0 : Int((Double(i) * Double(dotsWide - 1) / Double(n - 1)).rounded())
            let span = upper - lower
            let fromBottom = span > 0 ? Int(((v - lower) / span * Double(dotsHigh - 1)).rounded()) : 0
            return (x, dotsHigh - 1 - min(dotsHigh - 1, max(0, fromBottom)))
        }
        var out: [(x: Int, y: Int)] = []
        var previous: (x: Int, y: Int)?
        for i in 0..<n {
            guard let p = point(i) else { previous = nil; continue }
            if let a = previous { out += Self.line(from: a, to: p).dropFirst() } else { out.append(p) }
            previous = p
        }
        return out
    }

    /// The cells of a straight line between two dots, both ends included.
    static func line(from a: (x: Int, y: Int), to b: (x: Int, y: Int)) -> [(x: Int, y: Int)] {
        var (x, y) = a
        let dx = abs(b.x - a.x), dy = -abs(b.y - a.y), sx = a.x < b.x ? 1 : -1, sy = a.y < b.y ? 1 : -1
        var err = dx + dy
        var out = [(x, y)]
        while (x, y) != (b.x, b.y) {
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
            out.append((x, y))
        }
        return out
    }

    /// The chart's cells for a `width × height` rectangle: a character (nil: nothing drawn) and a role each, by row.
    public func cells(width: Int, height: Int, ascii: Bool) -> [[(Character, StyleRole)?]] {
        var grid = Array(repeating: [(Character, StyleRole)?](repeating: nil, count: max(0, width)), count: max(0, height))
        guard width > 0, height > 0 else { return grid }
        if ascii {
            for s in series {
                for d in dots(s, dotsWide: width, dotsHigh: height) { grid[d.y][d.x] = (s.asciiMark, s.role) }
            }
            return grid
        }
        var bits = Array(repeating: [UInt32](repeating: 0, count: width), count: height)
        for s in series {
            for d in dots(s, dotsWide: width * 2, dotsHigh: height * 4) {
                let (r, c) = (d.y / 4, d.x / 2)
                bits[r][c] |= Self.brailleBit(x: d.x % 2, y: d.y % 4)
                grid[r][c] = (" ", s.role)
            }
        }
        for r in 0..<height {
            for c in 0..<width where bits[r][c] != 0 {
                grid[r][c] = (Character(Unicode.Scalar(0x2800 + bits[r][c])!), grid[r][c]!.1)
            }
        }
        return grid
    }

    /// Draws the chart into `rect` (cells with no dot are left as they are).
    public func draw(into canvas: inout Canvas, rect: Rect) {
        let grid = cells(width: rect.width, height: rect.height, ascii: canvas.glyphs.isASCII)
        for (r, line) in grid.enumerated() {
            for (c, cell) in line.enumerated() {
                if let (ch, role) = cell { canvas.put(text: String(ch), row: rect.row + r, col: rect.col + c, role: role, maxColumns: 1) }
            }
        }
    }
}
