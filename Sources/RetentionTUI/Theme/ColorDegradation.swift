/// How many colours the terminal can show, from what curses reports and the environment.
///
/// Themes are written with any colours; before drawing, ``Theme/resolved(for:)`` degrades every
/// colour step by step, `#rrggbb → 256 → 16 → 8 → none`, to what the terminal has.
public enum ColorCapability: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    /// No colour: only attributes (bold, dim, reverse, underline). Also what `NO_COLOR` asks for.
    case monochrome
    /// The 8 ANSI colours 0–7.
    case ansi8
    /// The 8 ANSI colours and their bright variants, 0–15.
    case ansi16
    /// The xterm 256-colour palette.
    case xterm256

    /// The capability for a terminal reporting `colorCount` colours (curses `COLORS`, 0 when
    /// `has_colors()` is false): `≥ 256 → xterm256`, `≥ 16 → ansi16`, `≥ 8 → ansi8`, else
    /// monochrome. A non-empty `NO_COLOR` variable forces monochrome (https://no-color.org: "when
    /// present and not an empty string").
    public init(colorCount: Int, environment: [String: String]) {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty {
            self = .monochrome
        } else if colorCount >= 256 {
            self = .xterm256
        } else if colorCount >= 16 {
            self = .ansi16
        } else if colorCount >= 8 {
            self = .ansi8
        } else {
            self = .monochrome
        }
    }

    /// Palette entries usable at this capability (0 for monochrome).
    public var paletteSize: Int {
        switch self {
        case .monochrome: 0
        case .ansi8: 8
        case .ansi16: 16
        case .xterm256: 256
        }
    }

    public static func < (lhs: ColorCapability, rhs: ColorCapability) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .monochrome: "monochrome"
        case .ansi8: "8 colours"
        case .ansi16: "16 colours"
        case .xterm256: "256 colours"
        }
    }
}

extension Color {
    /// This colour as the terminal can show it at `capability`.
    ///
    /// Each step picks the entry of the smaller palette nearest in RGB, by squared distance
    /// `d² = (r₁ − r₂)² + (g₁ − g₂)² + (b₁ − b₂)²`, using the colours of ``Color/xtermRGB(_:)``:
    /// - `#rrggbb → 256`: nearest of entries 16–255 (cube and grey ramp; 0–15 are skipped because
    ///   every terminal theme redefines them);
    /// - `256 → 16`: entries 0–15 stay; others go to the nearest of 0–15;
    /// - `16 → 8`: entries 0–7 stay; a bright colour 9–15 loses its brightness, `i → i − 8`
    ///   (bright red 9 → red 1); bright black 8, a mid grey, becomes white 7, the nearest neutral
    ///   (nearest by `d²` would be yellow, and black would vanish on a dark terminal);
    /// - monochrome: every colour becomes `default`.
    ///
    /// `default` stays `default` at every capability. Worked example: `#ff0000` is cube entry
    /// (5, 0, 0) = 16 + 36·5 = 196 exactly; 196 is (255, 0, 0), which is entry 9 (bright red) exactly;
    /// 9 → 9 − 8 = 1 (red).
    public func degraded(to capability: ColorCapability) -> Color {
        guard capability != .monochrome else { return .default }
        var index: UInt8
        switch self {
        case .default: return .default
        case .indexed(let i): index = i
        case .rgb(let r, let g, let b): index = Color.nearest256(red: r, green: g, blue: b)
        }
        if capability <= .ansi16 && index >= 16 { index = Color.nearest(to: Color.xtermRGB(index), in: 0..<16) }
        if capability == .ansi8 && index >= 8 { index = index == 8 ? 7 : index - 8 }
        return .indexed(index)
    }

    /// Nearest of the 256-palette entries 16–255 to an exact colour (see ``degraded(to:)``).
    ///
    /// Squared distance adds up per component, so the nearest cube entry takes, for each of r, g, b
    /// separately, the nearest of the levels `0, 95, 135, 175, 215, 255`. For the grey ramp
    /// `8 + 10k` (k = 0…23), `d²` to grey `y` is smallest at the mean `m = (r + g + b) / 3`, so the
    /// ramp entry is `k = round((m − 8) / 10)` clamped to 0…23. The closer of the two candidates
    /// wins; a tie goes to the cube (it holds the pure black and white a theme most likely meant).
    static func nearest256(red r: UInt8, green g: UInt8, blue b: UInt8) -> UInt8 {
        let target = (Int(r), Int(g), Int(b))
        let levels = [0, 95, 135, 175, 215, 255]
        func nearestLevel(_ v: Int) -> Int {
            var best = 0
            for k in 1..<levels.count where abs(levels[k] - v) < abs(levels[best] - v) { best = k }
            return best
        }
        let cr = nearestLevel(target.0), cg = nearestLevel(target.1), cb = nearestLevel(target.2)
        let cubeIndex = 16 + 36 * cr + 6 * cg + cb
        let cubeDistance = squaredDistance(target, (levels[cr], levels[cg], levels[cb]))
        let mean = Double(target.0 + target.1 + target.2) / 3
        let greyStep = max(0, min(23, Int(((mean - 8) / 10).rounded())))
        let greyLevel = 8 + 10 * greyStep
        let greyDistance = squaredDistance(target, (greyLevel, greyLevel, greyLevel))
        return greyDistance < cubeDistance ? UInt8(232 + greyStep) : UInt8(cubeIndex)
    }

    /// The palette entry in `range` nearest to `rgb` by squared distance (the lowest index on a tie).
    static func nearest(to rgb: (Int, Int, Int), in range: Range<Int>) -> UInt8 {
        var best = range.lowerBound
        var bestDistance = Int.max
        for index in range {
            let d = squaredDistance(rgb, xtermRGB(UInt8(index)))
            if d < bestDistance {
                best = index
                bestDistance = d
            }
        }
        return UInt8(best)
    }

    /// The RGB colour of palette entry `index` in xterm's default palette.
    ///
    /// 0–15: xterm's defaults (black (0,0,0), red (205,0,0) … bright white (255,255,255));
    /// 16–231: cube entry `16 + 36r + 6g + b` has levels `[0, 95, 135, 175, 215, 255]` at r, g, b;
    /// 232–255: grey `8 + 10·(index − 232)` in all three components.
    public static func xtermRGB(_ index: UInt8) -> (Int, Int, Int) {
        let i = Int(index)
        if i < 16 { return ansiRGB[i] }
        if i < 232 {
            let levels = [0, 95, 135, 175, 215, 255]
            let n = i - 16
            return (levels[n / 36], levels[(n / 6) % 6], levels[n % 6])
        }
        let grey = 8 + 10 * (i - 232)
        return (grey, grey, grey)
    }

    private static let ansiRGB: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// `(r₁ − r₂)² + (g₁ − g₂)² + (b₁ − b₂)²`.
    static func squaredDistance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        return dr * dr + dg * dg + db * db
    }

    /// Perceived brightness 0–255 of a palette entry, `Y = (299·R + 587·G + 114·B) / 1000`
    /// (ITU-R BT.601 weights).
    static func brightness(ofIndex index: UInt8) -> Int {
        let (r, g, b) = xtermRGB(index)
        return (299 * r + 587 * g + 114 * b) / 1000
    }
}

extension Style {
    /// This style as drawn for `role` at `capability`.
    ///
    /// Colours are degraded by ``Color/degraded(to:)``. In monochrome the colours become `default`
    /// and the role's ``StyleRole/monochromeAttributes`` are added to the theme's attributes, so
    /// selection, focus and urgency still show. If degrading made foreground and background the same
    /// palette entry (light grey on white at 8 colours), the text would vanish, so the foreground is
    /// replaced by black when the background is bright (`Y > 128`, see `brightness`) and by white
    /// otherwise (entries 0 and 7 at 8 colours, 0 and 15 at 16, 16 and 231 at 256).
    public func degraded(to capability: ColorCapability, for role: StyleRole) -> Style {
        if capability == .monochrome {
            return Style(.default, on: .default, attributes.union(role.monochromeAttributes))
        }
        var foreground = self.foreground.degraded(to: capability)
        let background = self.background.degraded(to: capability)
        if case .indexed(let f) = foreground, case .indexed(let b) = background, f == b {
            let bright = Color.brightness(ofIndex: b) > 128
            switch capability {
            case .ansi8: foreground = .indexed(bright ? 0 : 7)
            case .ansi16: foreground = .indexed(bright ? 0 : 15)
            default: foreground = .indexed(bright ? 16 : 231)
            }
        }
        return Style(foreground, on: background, attributes)
    }
}
