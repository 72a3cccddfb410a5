import Foundation
import Testing
@testable import RetentionTUI

/// The sanitiser: nothing that can steer a terminal survives, and ordinary text is untouched.
struct DisplayTextTests {
    @Test func plainTextIsUnchanged() {
        #expect(DisplayText.clean("Jane O'Neil, 42 Main St.") == "Jane O'Neil, 42 Main St.")
        #expect(DisplayText.clean("") == "")
        #expect(DisplayText.clean("山田太郎") == "山田太郎")
        #expect(DisplayText.clean("Zoë Müller") == "Zoë Müller")
    }

    @Test func escapeSequenceLosesItsEscape() {
        // ESC [ 2 J would clear the screen; without ESC the rest is harmless visible text.
        #expect(DisplayText.clean("a\u{1B}[2Jb") == "a[2Jb")
        #expect(DisplayText.clean("\u{1B}[31mred\u{1B}[0m") == "[31mred[0m")
    }

    @Test func osc52ClipboardSequenceIsDefused() {
        // ESC ] 52 ; c ; <base64> BEL would write the victim's clipboard.
        #expect(DisplayText.clean("x\u{1B}]52;c;ZXZpbA==\u{07}name") == "x]52;c;ZXZpbA==name")
        // ... also when terminated by ST (ESC \).
        #expect(DisplayText.clean("\u{1B}]0;title\u{1B}\\ok") == "]0;title\\ok")
    }

    @Test func c1ControlsAreRemoved() {
        // U+009B is the one-character CSI; U+009D OSC; U+0085 NEL is a line break (a space).
        #expect(DisplayText.clean("\u{9B}2Jx") == "2Jx")
        #expect(DisplayText.clean("a\u{9D}0;t\u{9C}b") == "a0;tb")
        #expect(DisplayText.clean("a\u{85}b") == "a b")
        // As UTF-8 bytes, U+009B is C2 9B.
        #expect(DisplayText.clean(bytes: [0x41, 0xC2, 0x9B, 0x32, 0x4A]) == "A2J")
        // A lone 0x9B byte is not UTF-8 at all: it shows as U+FFFD, never as a CSI.
        #expect(DisplayText.clean(bytes: [0x41, 0x9B, 0x32]) == "A\u{FFFD}2")
    }

    @Test func otherC0ControlsAndDeleteAreRemoved() {
        #expect(DisplayText.clean("a\u{00}b\u{07}c\u{08}d\u{7F}e\u{1A}f") == "abcdef")
    }

    @Test func bidiControlsAreRemoved() {
        // RLO would show "abc" + reversed "fed" ("Trojan Source").
        #expect(DisplayText.clean("abc\u{202E}fed") == "abcfed")
        let bidi: [Unicode.Scalar] = ["\u{061C}", "\u{200E}", "\u{200F}", "\u{202A}", "\u{202B}", "\u{202C}",
                                      "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}"]
        for scalar in bidi {
            #expect(DisplayText.clean("x\(scalar)y") == "xy", "U+\(String(scalar.value, radix: 16)) kept")
        }
    }

    @Test func zeroWidthCharactersAreRemoved() {
        for scalar: Unicode.Scalar in ["\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{00AD}"] {
            #expect(DisplayText.clean("x\(scalar)y") == "xy", "U+\(String(scalar.value, radix: 16)) kept")
        }
        // ZWJ removed: the family emoji becomes three people, 2 + 2 + 2 = 6 columns on every terminal.
        let family = DisplayText.clean("👨\u{200D}👩\u{200D}👧")
        #expect(family == "👨👩👧")
        #expect(DisplayWidth.width(of: family) == 6)
    }

    @Test func emojiModifiersAndVariationSelectorsAreRemoved() {
        #expect(DisplayText.clean("👍🏽") == "👍")
        #expect(DisplayText.clean("❤\u{FE0F}") == "❤")
    }

    @Test func tabsAndLineBreaksBecomeOneSpaceEach() {
        #expect(DisplayText.clean("a\tb") == "a b")
        #expect(DisplayText.clean("a\nb") == "a b")
        #expect(DisplayText.clean("a\rb") == "a b")
        // CR LF is one line break, so one space.
        #expect(DisplayText.clean("a\r\nb") == "a b")
        #expect(DisplayText.clean("a\n\nb") == "a  b")
        #expect(DisplayText.clean("a\u{2028}b\u{2029}c\u{0B}d\u{0C}e") == "a b c d e")
    }

    @Test func invalidUTF8BecomesReplacementCharacter() {
        #expect(DisplayText.clean(bytes: [0x66, 0x6F, 0xFF, 0x6F]) == "fo\u{FFFD}o")
        // E5 B1 is the start of 山 (E5 B1 B1) cut short: one maximal invalid part, one U+FFFD.
        #expect(DisplayText.clean(bytes: [0xE5, 0xB1]) == "\u{FFFD}")
        // Valid multi-byte text survives byte decoding.
        #expect(DisplayText.clean(bytes: Array("山田".utf8)) == "山田")
    }

    @Test func unknownAndPrivateUseCodePointsAreReplaced() {
        #expect(DisplayText.clean("a\u{E000}b") == "a\u{FFFD}b")
        #expect(DisplayText.clean("a\u{0378}b") == "a\u{FFFD}b")  // unassigned in the Greek block
        #expect(DisplayText.clean("a\u{FFFF}b") == "a\u{FFFD}b")  // noncharacter
    }

    @Test func combiningMarksStayOnTheirBase() {
        #expect(DisplayText.clean("e\u{301}") == "e\u{301}")
        // A mark with nothing before it is dropped.
        #expect(DisplayText.clean("\u{301}abc") == "abc")
        #expect(DisplayText.clean("\u{1B}\u{301}x") == "x")
    }

    @Test func veryLongStringsAreCleanedWhole() {
        let hostile = String(repeating: "a\u{1B}", count: 1_000_000)
        let cleaned = DisplayText.clean(hostile)
        #expect(cleaned.utf8.count == 1_000_000)
        #expect(!cleaned.utf8.contains(0x1B))
        let plain = String(repeating: "abc ", count: 250_000)
        #expect(DisplayText.clean(plain) == plain)
    }

    @Test func noControlOrInvisibleScalarSurvivesAnyInput() {
        // Every scalar of the Basic Multilingual Plane plus the emoji and tag planes, one at a time.
        var checked = 0
        for value in Array(0...0xFFFF) + Array(0x1F000...0x1FAFF) + Array(0xE0000...0xE01EF) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let out = DisplayText.clean("a" + String(Character(scalar)))
            for s in out.unicodeScalars {
                let v = s.value
                #expect(!(v < 0x20 || (0x7F...0x9F).contains(v)), "U+\(String(value, radix: 16)) left a control")
                #expect(s.properties.generalCategory != .format, "U+\(String(value, radix: 16)) left a format character")
                #expect(!s.properties.isDefaultIgnorableCodePoint, "U+\(String(value, radix: 16)) left an invisible")
            }
            checked += 1
        }
        // 65536 − 2048 surrogates + 2816 (U+1F000–U+1FAFF) + 496 (U+E0000–U+E01EF) = 66800.
        #expect(checked == 66_800)
    }

    @Test func linesSplitOnEveryKindOfBreak() {
        #expect(DisplayText.lines("one\r\ntwo\nthree\tx\rfour") == ["one", "two", "three x", "four"])
        #expect(DisplayText.lines("") == [""])
        #expect(DisplayText.lines("a\n") == ["a", ""])
        #expect(DisplayText.lines("a\u{1B}[2J\u{2028}b") == ["a[2J", "b"])
    }

    @Test func titleSequenceCannotBeEndedByUserText() {
        let title = TerminalSequence.windowTitle("Smith\u{07}\u{1B}]0;pwned\u{07}")
        #expect(title == "\u{1B}]2;Smith]0;pwned\u{1B}\\")
        // Exactly one ESC opens and one ESC closes; nothing in between.
        #expect(title.unicodeScalars.filter { $0 == "\u{1B}" }.count == 2)
    }

    @Test func clipboardSequenceCarriesCleanedBase64() {
        // "a\nb" cleans to "a b" = 61 20 62 → 011000 010010 000001 100010 → Y S B i.
        #expect(TerminalSequence.copyToClipboard("a\nb") == "\u{1B}]52;c;YSBi\u{1B}\\")
        #expect(TerminalSequence.copyToClipboard("x\u{202E}y") == "\u{1B}]52;c;" + Data("xy".utf8).base64EncodedString() + "\u{1B}\\")
    }
}
