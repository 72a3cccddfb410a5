/// A colour as written in a theme file.
///
/// - `default`: the terminal's own foreground or background (curses colour -1), so a theme can
///   keep the user's background;
/// - `indexed(n)`: entry `n` (0–255) of the terminal palette; 0–7 are the ANSI colours, 8–15 their
///   bright variants, 16–231 the 6×6×6 colour cube and 232–255 the grey ramp;
/// - `rgb`: an exact colour `#rrggbb`, turned into the nearest palette entry by
///   ``Color/degraded(to:)`` because curses draws palette entries.
public enum Color: Hashable, Sendable, CustomStringConvertible {
    case `default`
    case indexed(UInt8)
    case rgb(red: UInt8, green: UInt8, blue: UInt8)

    /// The 16 ANSI colour names, index = position: `black` 0 … `white` 7, `bright-black` 8 … `bright-white` 15.
    public static let ansiNames: [String] = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow",
        "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
    ]

    /// Parses a colour written without a palette: an ANSI name (case-insensitive; `bright-red`,
    /// `bright_red` and `brightred` are the same), `default`, a decimal index 0–255 or `#rrggbb`.
    /// Returns nil for anything else.
    public init?(parsing text: String) {
        let word = text.lowercased()
        if word == "default" { self = .default; return }
        if let index = Color.ansiIndex(word) { self = .indexed(UInt8(index)); return }
        if !word.isEmpty, word.utf8.count <= 3, word.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
           let number = Int(word), number <= 255 {
            self = .indexed(UInt8(number))
            return
        }
        if word.utf8.count == 7, word.hasPrefix("#"), let value = UInt32(word.dropFirst(), radix: 16),
           word.dropFirst().allSatisfy(\.isHexDigit) {
            self = .rgb(red: UInt8(value >> 16), green: UInt8((value >> 8) & 0xFF), blue: UInt8(value & 0xFF))
            return
        }
        return nil
    }

    /// Index 0–15 of an ANSI colour name, ignoring `-` and `_` (`bright-red`, `brightred` → 9).
    static func ansiIndex(_ name: String) -> Int? {
        let squeezed = name.lowercased().filter { $0 != "-" && $0 != "_" }
        return ansiNames.firstIndex { $0.filter { $0 != "-" } == squeezed }
    }

    /// The value curses wants: -1 for `default`, the palette index otherwise. An `rgb` colour is
    /// first mapped to the nearest of the 256 palette entries (see ``ColorCapability``).
    public var terminalIndex: Int {
        switch self {
        case .default: -1
        case .indexed(let index): Int(index)
        case .rgb(let r, let g, let b): Int(Color.nearest256(red: r, green: g, blue: b))
        }
    }

    /// Theme-file spelling: `default`, an ANSI name for 0–15, the number for 16–255, `#rrggbb`.
    public var description: String {
        switch self {
        case .default: return "default"
        case .indexed(let index): return index < 16 ? Color.ansiNames[Int(index)] : String(index)
        case .rgb(let r, let g, let b):
            let hex = (Int(r) << 16) | (Int(g) << 8) | Int(b)
            let digits = String(hex, radix: 16)
            return "#" + String(repeating: "0", count: 6 - digits.count) + digits
        }
    }
}
