import Foundation

/// The characters used for lines, bars, sparklines and the ellipsis: Unicode by default, with a
/// plain-ASCII set for terminals or locales that cannot show line drawing.
public struct Glyphs: Sendable, Equatable {
    /// The six pieces of a box outline.
    public struct BoxPieces: Sendable, Equatable {
        public var horizontal: Character
        public var vertical: Character
        public var topLeft: Character
        public var topRight: Character
        public var bottomLeft: Character
        public var bottomRight: Character

        public init(horizontal: Character, vertical: Character, topLeft: Character,
                    topRight: Character, bottomLeft: Character, bottomRight: Character) {
            self.horizontal = horizontal
            self.vertical = vertical
            self.topLeft = topLeft
            self.topRight = topRight
            self.bottomLeft = bottomLeft
            self.bottomRight = bottomRight
        }
    }

    /// Outline of an ordinary pane.
    public var box: BoxPieces
    /// Outline of the focused pane: heavier, so focus shows even without colour.
    public var focusedBox: BoxPieces
    /// Appended to text cut short.
    public var ellipsis: String
    /// `barEighths[k]` is a bar cell filled `k` eighths, `k` = 0…8 (index 0 is the empty cell).
    public var barEighths: [Character]
    /// Sparkline levels, lowest first (8 entries).
    public var sparkLevels: [Character]
    /// True for the ASCII set; a bar then fills whole cells only.
    public var isASCII: Bool

    /// Box drawing, eighth blocks `▏▎▍▌▋▊▉█` and lower blocks `▁▂▃▄▅▆▇█`.
    public static let unicode = Glyphs(
        box: BoxPieces(horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘"),
        focusedBox: BoxPieces(horizontal: "━", vertical: "┃", topLeft: "┏", topRight: "┓", bottomLeft: "┗", bottomRight: "┛"),
        ellipsis: "…",
        barEighths: [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"],
        sparkLevels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        isASCII: false)

    /// Printable ASCII only: `+-|` boxes (`#=` for focus), `~` as ellipsis, `#` bars, `._-~=+*#` sparklines.
    public static let ascii = Glyphs(
        box: BoxPieces(horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+"),
        focusedBox: BoxPieces(horizontal: "=", vertical: "|", topLeft: "#", topRight: "#", bottomLeft: "#", bottomRight: "#"),
        ellipsis: "~",
        barEighths: [".", ".", ".", ".", "#", "#", "#", "#", "#"],
        sparkLevels: [".", "_", "-", "~", "=", "+", "*", "#"],
        isASCII: true)

    /// Marks a figure that rose or fell since the last refresh.
    public var rise: String { isASCII ? "^" : "▲" }
    public var fall: String { isASCII ? "v" : "▼" }
    /// Stands for a value that is not known.
    public var missing: String { isASCII ? "-" : "—" }
    /// Separates the parts of a title.
    public var separator: String { isASCII ? "|" : "·" }
    /// Marks a row that needs attention soon (a renewal this week).
    public var bullet: String { isASCII ? "*" : "●" }
    /// Marks the paused timer.
    public var paused: String { isASCII ? "||" : "⏸" }

    /// The one-column ASCII stand-ins the canvas writes, with ASCII glyphs, for the symbols the
    /// interface's own text uses (dashes for a missing value, separators, arrows, marks). Bars and
    /// sparklines are not here: the `Bar` and `Sparkline` widgets draw them from `barEighths` and
    /// `sparkLevels`, whose ASCII cells follow their own rules (a cell half full is `#`).
    public static let asciiStandIns: [Character: Character] = [
        "—": "-", "–": "-", "·": "|", "…": "~", "▲": "^", "▼": "v", "●": "*", "⏸": "=",
        "↑": "^", "↓": "v", "←": "<", "→": ">", "▏": "|", "×": "x", "−": "-",
    ]

    /// A one-column letter shown on an ASCII terminal: its base letter without accents (í → i, ễ → e,
    /// Ö → O), else `?`. Always one printable ASCII column, so a row keeps its width.
    public static func transliterated(_ character: Character) -> Character {
        if let ascii = character.asciiValue, ascii >= 0x20, ascii < 0x7F { return character }
        let special: [Character: Character] = ["ß": "s", "æ": "a", "Æ": "A", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L",
                                               "ı": "i", "œ": "o", "Œ": "O", "þ": "t", "ð": "d"]
        if let s = special[character] { return s }
        let base = String(character).decomposedStringWithCanonicalMapping.unicodeScalars.first
        if let base, base.value >= 0x20 && base.value < 0x7F { return Character(base) }
        return "?"
    }
}
