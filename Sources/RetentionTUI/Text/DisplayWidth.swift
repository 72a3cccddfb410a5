/// Width of text in terminal columns ("display columns"), which is what layout must count:
/// a CJK ideograph or an emoji takes two columns, a combining accent none, a Latin letter one.
///
/// The rule is the one the C library's `wcwidth` applies code point by code point, because curses
/// advances the cursor by `wcwidth` of each code point it writes; measuring the same way keeps the
/// canvas and the real screen in step. Per scalar `s`:
///
/// - `width(s) = 0` for combining marks (general category Mn, Me), format characters (Cf),
///   controls, and the Hangul medial vowels and final consonants `U+1160–U+11FF`, `U+D7B0–U+D7FF`
///   (they join the preceding initial consonant into one syllable);
/// - `width(s) = 2` for East Asian Wide and Fullwidth characters (Unicode's EastAsianWidth property
///   W or F), which since Unicode 9 include the emoji drawn in emoji presentation by default;
/// - `width(s) = 1` otherwise (East Asian Ambiguous counts 1, as in a non-CJK locale).
///
/// A grapheme cluster (a `Character`) and a string are as wide as the sum of their scalars:
/// `width(é = e + U+0301) = 1 + 0 = 1`, `width("山田") = 2 + 2 = 4`. ``DisplayText/clean(_:)``
/// removes the pieces on which terminals disagree (ZWJ, variation selectors, skin-tone modifiers),
/// so for cleaned text this sum is what the terminal draws.
///
/// The functions expect cleaned text; they never fail on other text but count controls as 0.
public enum DisplayWidth {
    /// Columns taken by one Unicode scalar: 0, 1 or 2 (see ``DisplayWidth``).
    @inline(__always)
    public static func width(of scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x7F { return value >= 0x20 ? 1 : 0 }
        if value < 0xA0 { return 0 }  // DEL and C1 controls
        if value < 0x300 { return value == 0xAD ? 0 : 1 }  // Latin-1 and Latin Extended: no marks, no wide
        if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        return isWide(value) ? 2 : 1
    }

    /// Columns taken by one grapheme cluster: the sum of its scalars' widths.
    @inline(__always)
    public static func width(of character: Character) -> Int {
        if let ascii = character.asciiValue { return ascii >= 0x20 && ascii < 0x7F ? 1 : 0 }
        var total = 0
        for scalar in character.unicodeScalars { total += width(of: scalar) }
        return total
    }

    /// Columns taken by a string: the sum of its scalars' widths.
    public static func width(of text: String) -> Int {
        if DisplayText.isPlainASCII(text) { return text.utf8.count }
        var total = 0
        for scalar in text.unicodeScalars { total += width(of: scalar) }
        return total
    }

    /// Cuts `text` to at most `columns` columns, ending it with `ellipsis` when anything was cut.
    ///
    /// A cut never splits a grapheme cluster, so a wide character that does not fit is left out
    /// whole; if that leaves one column empty, a space fills it, so the result of a cut is exactly
    /// `columns` wide and the next field starts where the layout expects. Text that already fits is
    /// returned unchanged (it may be narrower than `columns`; use ``pad(_:toColumns:alignment:ellipsis:)``
    /// for an exact width). If `columns` is narrower than the ellipsis itself the text is cut
    /// without one. Example: `truncate("山田太郎", toColumns: 6)`: budget for text = 6 − 1 = 5,
    /// 山 田 take 4, 太 would make 6 > 5, so the result is `"山田…"` (5 columns) plus one space.
    public static func truncate(_ text: String, toColumns columns: Int, ellipsis: String = "…") -> String {
        guard columns > 0 else { return "" }
        let fullWidth = width(of: text)
        if fullWidth <= columns { return text }
        if DisplayText.isPlainASCII(text) && DisplayText.isPlainASCII(ellipsis) && ellipsis.utf8.count <= columns {
            // Fast path: one byte is one column.
            let keep = columns - ellipsis.utf8.count
            return String(decoding: text.utf8.prefix(keep), as: UTF8.self) + ellipsis
        }
        let ellipsisWidth = width(of: ellipsis)
        let useEllipsis = ellipsisWidth <= columns
        let budget = useEllipsis ? columns - ellipsisWidth : columns
        var result = ""
        var used = 0
        for character in text {
            let w = width(of: character)
            if used + w > budget { break }
            result.append(character)
            used += w
        }
        if useEllipsis {
            result += ellipsis
            used += ellipsisWidth
        }
        if used < columns { result += String(repeating: " ", count: columns - used) }
        return result
    }

    /// Returns `text` exactly `columns` wide: cut with ``truncate(_:toColumns:ellipsis:)`` when too
    /// wide, otherwise filled with spaces on the side(s) the alignment leaves free. For `.center`
    /// the free columns `f` are split as `⌊f / 2⌋` on the left and `f − ⌊f / 2⌋` on the right.
    public static func pad(_ text: String, toColumns columns: Int, alignment: TextAlignment = .left, ellipsis: String = "…") -> String {
        guard columns > 0 else { return "" }
        let w = width(of: text)
        if w > columns { return truncate(text, toColumns: columns, ellipsis: ellipsis) }
        let free = columns - w
        if free == 0 { return text }
        switch alignment {
        case .left:
            return text + String(repeating: " ", count: free)
        case .right:
            return String(repeating: " ", count: free) + text
        case .center:
            let left = free / 2
            return String(repeating: " ", count: left) + text + String(repeating: " ", count: free - left)
        }
    }

    /// True when `value` is East Asian Wide or Fullwidth: binary search in ``wideRanges``.
    static func isWide(_ value: UInt32) -> Bool {
        if value < 0x1100 { return false }
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = wideRanges[middle]
            if value < range.0 {
                high = middle - 1
            } else if value > range.1 {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// Closed ranges of code points whose East Asian Width is W or F, sorted and disjoint.
    ///
    /// Generated from Unicode 14 data (`unicodedata.east_asian_width`), with the blocks that Unicode
    /// reserves as wide (CJK ideographs, planes 2 and 3, the emoji blocks `U+1F900–U+1F9FF` and
    /// `U+1FA70–U+1FAFF`) taken whole, so ideographs and emoji added later are wide too.
    static let wideRanges: [(UInt32, UInt32)] = [
    (0x1100, 0x115F), (0x231A, 0x231B), (0x2329, 0x232A), (0x23E9, 0x23EC),
    (0x23F0, 0x23F0), (0x23F3, 0x23F3), (0x25FD, 0x25FE), (0x2614, 0x2615),
    (0x2648, 0x2653), (0x267F, 0x267F), (0x2693, 0x2693), (0x26A1, 0x26A1),
    (0x26AA, 0x26AB), (0x26BD, 0x26BE), (0x26C4, 0x26C5), (0x26CE, 0x26CE),
    (0x26D4, 0x26D4), (0x26EA, 0x26EA), (0x26F2, 0x26F3), (0x26F5, 0x26F5),
    (0x26FA, 0x26FA), (0x26FD, 0x26FD), (0x2705, 0x2705), (0x270A, 0x270B),
    (0x2728, 0x2728), (0x274C, 0x274C), (0x274E, 0x274E), (0x2753, 0x2755),
    (0x2757, 0x2757), (0x2795, 0x2797), (0x27B0, 0x27B0), (0x27BF, 0x27BF),
    (0x2B1B, 0x2B1C), (0x2B50, 0x2B50), (0x2B55, 0x2B55), (0x2E80, 0x2E99),
    (0x2E9B, 0x2EF3), (0x2F00, 0x2FD5), (0x2FF0, 0x2FFB), (0x3000, 0x303E),
    (0x3041, 0x3096), (0x3099, 0x30FF), (0x3105, 0x312F), (0x3131, 0x318E),
    (0x3190, 0x31E3), (0x31F0, 0x321E), (0x3220, 0x3247), (0x3250, 0x4DBF),
    (0x4E00, 0xA48C), (0xA490, 0xA4C6), (0xA960, 0xA97C), (0xAC00, 0xD7A3),
    (0xF900, 0xFAFF), (0xFE10, 0xFE19), (0xFE30, 0xFE52), (0xFE54, 0xFE66),
    (0xFE68, 0xFE6B), (0xFF01, 0xFF60), (0xFFE0, 0xFFE6), (0x16FE0, 0x16FE4),
    (0x16FF0, 0x16FF1), (0x17000, 0x187F7), (0x18800, 0x18CD5), (0x18D00, 0x18D08),
    (0x1AFF0, 0x1AFF3), (0x1AFF5, 0x1AFFB), (0x1AFFD, 0x1AFFE), (0x1B000, 0x1B122),
    (0x1B150, 0x1B152), (0x1B164, 0x1B167), (0x1B170, 0x1B2FB), (0x1F004, 0x1F004),
    (0x1F0CF, 0x1F0CF), (0x1F18E, 0x1F18E), (0x1F191, 0x1F19A), (0x1F200, 0x1F202),
    (0x1F210, 0x1F23B), (0x1F240, 0x1F248), (0x1F250, 0x1F251), (0x1F260, 0x1F265),
    (0x1F300, 0x1F320), (0x1F32D, 0x1F335), (0x1F337, 0x1F37C), (0x1F37E, 0x1F393),
    (0x1F3A0, 0x1F3CA), (0x1F3CF, 0x1F3D3), (0x1F3E0, 0x1F3F0), (0x1F3F4, 0x1F3F4),
    (0x1F3F8, 0x1F43E), (0x1F440, 0x1F440), (0x1F442, 0x1F4FC), (0x1F4FF, 0x1F53D),
    (0x1F54B, 0x1F54E), (0x1F550, 0x1F567), (0x1F57A, 0x1F57A), (0x1F595, 0x1F596),
    (0x1F5A4, 0x1F5A4), (0x1F5FB, 0x1F64F), (0x1F680, 0x1F6C5), (0x1F6CC, 0x1F6CC),
    (0x1F6D0, 0x1F6D2), (0x1F6D5, 0x1F6D7), (0x1F6DD, 0x1F6DF), (0x1F6EB, 0x1F6EC),
    (0x1F6F4, 0x1F6FC), (0x1F7E0, 0x1F7EB), (0x1F7F0, 0x1F7F0), (0x1F90C, 0x1F93A),
    (0x1F93C, 0x1F945), (0x1F947, 0x1F9FF), (0x1FA70, 0x1FAFF), (0x20000, 0x2FFFD),
    (0x30000, 0x3FFFD),
    ]
}
