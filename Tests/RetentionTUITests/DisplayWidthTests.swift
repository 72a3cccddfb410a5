import Testing
@testable import RetentionTUI

/// Widths in terminal columns, and cutting and padding by columns.
struct DisplayWidthTests {
    @Test func asciiIsOneColumnPerCharacter() {
        #expect(DisplayWidth.width(of: "") == 0)
        #expect(DisplayWidth.width(of: "abc") == 3)
        #expect(DisplayWidth.width(of: "Jane Doe") == 8)
    }

    @Test func cjkIsTwoColumnsPerCharacter() {
        // 4 ideographs × 2 columns = 8.
        #expect(DisplayWidth.width(of: "山田太郎") == 8)
        #expect(DisplayWidth.width(of: "한국") == 4)
        #expect(DisplayWidth.width(of: "カタカナ") == 8)
        // Fullwidth Latin A (U+FF21) is wide; halfwidth katakana (U+FF71) is narrow.
        #expect(DisplayWidth.width(of: "\u{FF21}") == 2)
        #expect(DisplayWidth.width(of: "\u{FF71}") == 1)
        // Ideographic space U+3000 is fullwidth.
        #expect(DisplayWidth.width(of: "\u{3000}") == 2)
        // A Hangul syllable spelled with conjoining jamo: initial 2 + vowel 0 + final 0 = 2.
        #expect(DisplayWidth.width(of: "\u{1112}\u{1161}\u{11AB}") == 2)
        // A CJK extension B ideograph (plane 2).
        #expect(DisplayWidth.width(of: "\u{20BB7}") == 2)
    }

    @Test func emojiAreTwoColumns() {
        #expect(DisplayWidth.width(of: "😀") == 2)
        #expect(DisplayWidth.width(of: "👍") == 2)
        #expect(DisplayWidth.width(of: "⌚") == 2)  // U+231A has emoji presentation
        #expect(DisplayWidth.width(of: "🫠") == 2)  // U+1FAE0, a newer emoji
        // A flag is two regional indicators of one column each.
        #expect(DisplayWidth.width(of: "🇯🇵") == 2)
        // U+2764 HEAVY BLACK HEART is text presentation by default: one column.
        #expect(DisplayWidth.width(of: "❤") == 1)
        // "Ann 😀" = 3 + 1 + 2 = 6.
        #expect(DisplayWidth.width(of: "Ann 😀") == 6)
    }

    @Test func combiningMarksTakeNoColumn() {
        let decomposed = "e\u{301}"
        #expect(decomposed.count == 1)
        #expect(DisplayWidth.width(of: decomposed) == 1)
        #expect(DisplayWidth.width(of: Character(decomposed)) == 1)
        #expect(DisplayWidth.width(of: "é") == 1)  // precomposed U+00E9
        // "José" decomposed: J o s e + U+0301 = 4 columns.
        #expect(DisplayWidth.width(of: "Jose\u{301}") == 4)
        #expect(DisplayWidth.width(of: Character("\u{301}")) == 0)
    }

    @Test func controlsMeasureZero() {
        #expect(DisplayWidth.width(of: "\u{1B}") == 0)
        #expect(DisplayWidth.width(of: "\u{9B}") == 0)
        #expect(DisplayWidth.width(of: "\u{200B}") == 0)
    }

    @Test func truncationCutsByColumnsWithEllipsis() {
        // 8 ASCII columns into 5: 4 characters + "…".
        #expect(DisplayWidth.truncate("abcdefgh", toColumns: 5) == "abcd…")
        #expect(DisplayWidth.truncate("abcde", toColumns: 5) == "abcde")
        #expect(DisplayWidth.truncate("abc", toColumns: 5) == "abc")
        #expect(DisplayWidth.truncate("abc", toColumns: 0) == "")
        #expect(DisplayWidth.truncate("abcdefgh", toColumns: 5, ellipsis: "...") == "ab...")
        // An ellipsis wider than the room is left out.
        #expect(DisplayWidth.truncate("abcdefgh", toColumns: 2, ellipsis: "...") == "ab")
    }

    @Test func truncationNeverSplitsAWideCharacter() {
        // 7 columns: budget 6 = 山田太, then "…": 7.
        #expect(DisplayWidth.truncate("山田太郎", toColumns: 7) == "山田太…")
        // 6 columns: budget 5; 山田 = 4, 太 would make 6 > 5; "山田…" is 5, one space pads to 6.
        #expect(DisplayWidth.truncate("山田太郎", toColumns: 6) == "山田… ")
        #expect(DisplayWidth.truncate("山田太郎", toColumns: 5) == "山田…")
        #expect(DisplayWidth.truncate("山田太郎", toColumns: 2) == "… ")
        #expect(DisplayWidth.truncate("山田太郎", toColumns: 1) == "…")
        #expect(DisplayWidth.truncate("山田太郎", toColumns: 8) == "山田太郎")
        // Every cut of mixed text is exactly the asked width and keeps whole graphemes.
        let samples = ["山田太郎", "Ann 😀 Lee", "e\u{301}te\u{301} 東京", "🇯🇵🇫🇷", "abc"]
        for text in samples {
            let full = DisplayWidth.width(of: text)
            for columns in 0...(full + 2) {
                let cut = DisplayWidth.truncate(text, toColumns: columns)
                if full <= columns {
                    #expect(cut == text)
                } else {
                    #expect(DisplayWidth.width(of: cut) == columns, "\(text) at \(columns): \(cut)")
                    var body = cut
                    while body.hasSuffix(" ") { body.removeLast() }
                    if body.hasSuffix("…") { body.removeLast() }
                    #expect(text.hasPrefix(body), "\(cut) is not a prefix of \(text)")
                }
            }
        }
    }

    @Test func paddingFillsToAnExactWidth() {
        #expect(DisplayWidth.pad("ab", toColumns: 5) == "ab   ")
        #expect(DisplayWidth.pad("ab", toColumns: 5, alignment: .right) == "   ab")
        // 3 free columns: ⌊3/2⌋ = 1 left, 2 right.
        #expect(DisplayWidth.pad("ab", toColumns: 5, alignment: .center) == " ab  ")
        // 山田 is 4 columns, so one space makes 5.
        #expect(DisplayWidth.pad("山田", toColumns: 5) == "山田 ")
        #expect(DisplayWidth.pad("山田", toColumns: 5, alignment: .right) == " 山田")
        #expect(DisplayWidth.pad("abcdefgh", toColumns: 5) == "abcd…")
        #expect(DisplayWidth.pad("x", toColumns: 0) == "")
    }
}
