/// A one-row chart of a series, one cell per value, with the levels `▁▂▃▄▅▆▇█`.
public struct Sparkline: Sendable, Equatable {
    /// How values map to the eight levels.
    public enum Scale: Sendable, Equatable {
        /// From `min(0, smallest)` to `max(0, largest)`: heights are proportional to the values, so
        /// 100 and 101 look alike. The honest choice for counts and amounts.
        case fromZero
        /// From the smallest to the largest value shown: small changes fill the height.
        case fromMinimum
        /// A fixed range, e.g. 0…100 for scores, so two sparklines compare.
        case fixed(lower: Double, upper: Double)
    }

    /// The series, oldest first. NaN marks a missing value, drawn as a blank.
    public var values: [Double]
    public var scale: Scale
    public var role: StyleRole

    public init(values: [Double], scale: Scale = .fromZero, role: StyleRole = .sparkline) {
        self.values = values
        self.scale = scale
        self.role = role
    }

    /// The level 0…7 of each of the last `width` values (nil for NaN).
    ///
    /// With range `lo…hi` from ``scale`` (computed over the values shown), a value `v` has level
    /// `round((v − lo) / (hi − lo) × 7)`, clamped to 0…7. When `hi ≤ lo` (all values equal in
    /// `.fromMinimum`, or all zero in `.fromZero`) every value is level 0, a flat line. Example:
    /// `[0, 5, 10]` from zero: lo = 0, hi = 10 → 0, round(3.5) = 4, 7.
    public func levels(width: Int) -> [Int?] {
        guard width > 0 else { return [] }
        let shown = values.suffix(width)
        let finite = shown.filter { $0.isFinite }
        guard let smallest = finite.min(), let largest = finite.max() else { return shown.map { _ in nil } }
        let lo: Double, hi: Double
        switch scale {
        case .fromZero: (lo, hi) = (min(0, smallest), max(0, largest))
        case .fromMinimum: (lo, hi) = (smallest, largest)
        case .fixed(let lower, let upper): (lo, hi) = (lower, upper)
        }
        return shown.map { v -> Int? in
            guard v.isFinite else { return nil }
            guard hi > lo else { return 0 }
            return min(7, max(0, Int(((v - lo) / (hi - lo) * 7).rounded())))
        }
    }

    /// Draws the last `width` values on `row` from `col`, right-aligned so the newest value is at the
    /// right edge; unused cells on the left are blank.
    public func draw(into canvas: inout Canvas, row: Int, col: Int, width: Int) {
        guard width > 0 else { return }
        let levels = self.levels(width: width)
        let pieces = canvas.glyphs.sparkLevels
        var text = String(repeating: " ", count: width - levels.count)
        for level in levels { text.append(level.map { pieces[$0] } ?? " ") }
        canvas.put(text: text, row: row, col: col, role: role, maxColumns: width)
    }

    /// The last `width` values as text, one glyph per value and no padding (the newest last), for a line
    /// of text; `glyphs.missing` when there are no values.
    public func text(width: Int, glyphs: Glyphs) -> String {
        let levels = self.levels(width: width)
        guard !levels.isEmpty else { return glyphs.missing }
        return String(levels.map { $0.map { glyphs.sparkLevels[$0] } ?? " " })
    }
}
