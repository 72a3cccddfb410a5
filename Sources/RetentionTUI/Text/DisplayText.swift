/// The one place where text from outside the program (the database, an import file, a theme file,
/// an error message quoting user input) is made safe to draw on a terminal.
///
/// Every text entry point of the canvas calls ``clean(_:)``, so a pane cannot forget it (btop once
/// sanitised one field and forgot another). Escape sequences the program writes itself (window title,
/// OSC 52 clipboard) clean their payload the same way, see ``TerminalSequence``.
///
/// The rules, scalar by scalar (a scalar is one Unicode code point):
///
/// | Input                                                                 | Output        | Why |
/// |-----------------------------------------------------------------------|---------------|-----|
/// | printable ASCII `U+0020–U+007E`                                       | kept          | |
/// | TAB, LF, VT, FF, CR, NEL `U+0085`, LINE/PARAGRAPH SEPARATOR `U+2028/9` | one space     | curses would move the cursor; a space keeps the words apart. CR LF counts as one break, so it gives one space. |
/// | other C0 controls `U+0000–U+001F` (ESC, BEL, BS, NUL …), DEL `U+007F`, C1 `U+0080–U+009F` (CSI `U+009B`, OSC `U+009D` …) | removed | they start or steer escape sequences; without ESC/CSI the rest of a sequence (`[2J`) is harmless visible text. |
/// | format characters (general category Cf) and default-ignorable code points: bidi controls `U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069`, zero-width `U+200B–U+200D, U+2060, U+FEFF`, soft hyphen, variation selectors `U+FE00–U+FE0F`, tag characters, Hangul fillers | removed | invisible by design: they reorder or hide text (the "Trojan Source" trick) or change a glyph's width differently in each terminal. |
/// | emoji skin-tone modifiers `U+1F3FB–U+1F3FF`                            | removed       | terminals disagree whether they join the previous emoji; removing them (and ZWJ above) leaves emoji whose width every terminal agrees on, so columns stay aligned. |
/// | private use (Co), unassigned and noncharacters (Cn)                   | `U+FFFD` �    | their width is unknown to the C library, so the cursor position after them is a guess. |
/// | zero-width scalars (combining marks) at the very start                 | removed       | a zero-width cluster would merge into whatever the terminal shows left of it. |
/// | everything else (letters, CJK, emoji, combining marks after a base)   | kept          | |
///
/// Invalid UTF-8 (only possible in raw bytes, see ``clean(bytes:)``) becomes `U+FFFD`.
///
/// The result never contains a control character, so it is also a single line.
public enum DisplayText {
    /// The replacement character shown for undecodable bytes and unknown code points.
    public static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// Returns `text` made safe to draw: see the table on ``DisplayText`` for each rule.
    ///
    /// Pure ASCII text without controls (most names, ids and numbers) is returned as is without copying.
    public static func clean(_ text: String) -> String {
        if isPlainASCII(text) { return text }
        var output = String.UnicodeScalarView()
        var previousWasCarriageReturn = false
        for scalar in text.unicodeScalars {
            let action = self.action(for: scalar)
            defer { previousWasCarriageReturn = scalar == "\r" }
            switch action {
            case .keep:
                // A zero-width scalar with nothing before it (a combining mark) would attach to
                // whatever the terminal shows left of the text.
                if output.isEmpty && DisplayWidth.width(of: scalar) == 0 { continue }
                output.append(scalar)
            case .lineBreak:
                if scalar == "\n" && previousWasCarriageReturn { continue }
                output.append(" ")
            case .remove:
                continue
            case .replace:
                output.append(replacement)
            }
        }
        return String(output)
    }

    /// Decodes raw bytes as UTF-8, showing each invalid sequence as `U+FFFD`, then cleans the text.
    public static func clean<Bytes: Collection>(bytes: Bytes) -> String where Bytes.Element == UInt8 {
        clean(String(decoding: bytes, as: UTF8.self))
    }

    /// Splits multi-line text (a note, an address) into display-safe lines.
    ///
    /// Line breaks are LF, CR, CR LF, VT, FF, NEL, U+2028 and U+2029; every line is then cleaned by
    /// ``clean(_:)`` (so a TAB inside a line becomes one space). An empty input gives one empty line.
    public static func lines(_ text: String) -> [String] {
        var result: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCarriageReturn = false
        for scalar in text.unicodeScalars {
            defer { previousWasCarriageReturn = scalar == "\r" }
            if isLineBreak(scalar) {
                if scalar == "\n" && previousWasCarriageReturn { continue }
                result.append(clean(String(current)))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        result.append(clean(String(current)))
        return result
    }

    /// True when `text` needs no cleaning: every byte is printable ASCII `0x20–0x7E`.
    @inline(__always)
    static func isPlainASCII(_ text: String) -> Bool {
        for byte in text.utf8 where byte < 0x20 || byte > 0x7E { return false }
        return true
    }

    /// What ``clean(_:)`` does with one scalar.
    enum Action: Equatable { case keep, lineBreak, remove, replace }

    static func action(for scalar: Unicode.Scalar) -> Action {
        let value = scalar.value
        if value >= 0x20 && value < 0x7F { return .keep }
        if isLineBreak(scalar) || value == 0x09 { return .lineBreak }
        if value < 0xA0 { return .remove }  // C0, DEL, C1
        if (0x1F3FB...0x1F3FF).contains(value) { return .remove }  // skin-tone modifiers
        let properties = scalar.properties
        if properties.isDefaultIgnorableCodePoint { return .remove }
        switch properties.generalCategory {
        case .format, .control, .surrogate: return .remove
        case .privateUse, .unassigned: return .replace
        default: return .keep
        }
    }

    /// LF, VT, FF, CR, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR.
    @inline(__always)
    static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }
}
