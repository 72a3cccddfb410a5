import Testing
@testable import RetentionTUI

/// The in-memory screen: cleaning at every entry point, wide characters, clipping, boxes, diffs.
struct CanvasTests {
    @Test func putWritesTextAndReturnsTheNextColumn() {
        var canvas = Canvas(columns: 10, rows: 2)
        let next = canvas.put(text: "hello", row: 0, col: 0, role: .text)
        #expect(next == 5)
        #expect(canvas.lines() == ["hello     ", "          "])
        #expect(canvas[0, 0].grapheme == "h")
        #expect(canvas[0, 0].role == .text)
    }

    @Test func putCleansItsText() {
        var canvas = Canvas(columns: 10, rows: 1)
        canvas.put(text: "a\u{1B}[2Jb", row: 0, col: 0, role: .text)
        #expect(canvas.line(0) == "a[2Jb     ")
        canvas.put(text: "x\u{202E}y\tz", row: 0, col: 0, role: .text)
        #expect(canvas.line(0) == "xy zb     ")
    }

    @Test func wideCharactersTakeTwoCells() {
        var canvas = Canvas(columns: 5, rows: 1)
        let next = canvas.put(text: "山田", row: 0, col: 0, role: .text)
        #expect(next == 4)
        #expect(canvas[0, 0].grapheme == "山")
        #expect(canvas[0, 1].isContinuation)
        #expect(canvas[0, 2].grapheme == "田")
        #expect(canvas[0, 3].isContinuation)
        #expect(!canvas[0, 4].isContinuation)
        #expect(canvas.line(0) == "山田 ")
        #expect(DisplayWidth.width(of: canvas.line(0)) == 5)
    }

    @Test func wideCharacterThatDoesNotFitBecomesASpace() {
        var canvas = Canvas(columns: 5, rows: 1)
        // a b 山 take columns 0-3; 田 would need 4-5 but the canvas ends at 4.
        canvas.put(text: "ab山田", row: 0, col: 0, role: .dim)
        #expect(canvas.line(0) == "ab山 ")
        #expect(canvas[0, 4].grapheme == " ")
        #expect(!canvas[0, 4].isContinuation)
        #expect(canvas[0, 4].role == .dim)
        // The same at a maxColumns limit: 3 columns hold "a" and a space, not half of 山.
        var limited = Canvas(columns: 6, rows: 1)
        let next = limited.put(text: "a山", row: 0, col: 0, role: .text, maxColumns: 2)
        #expect(next == 2)
        #expect(limited.line(0) == "a     ")
    }

    @Test func clippingAtEdges() {
        var canvas = Canvas(columns: 6, rows: 2)
        canvas.put(text: "abcdef", row: 0, col: 1, role: .text, maxColumns: 3)
        #expect(canvas.line(0) == " abc  ")
        // Starting left of the canvas: 山 straddles column 0, so column 0 is blank.
        canvas.put(text: "山xyz", row: 1, col: -1, role: .text)
        #expect(canvas.line(1) == " xyz  ")
        // Rows outside draw nothing.
        let before = canvas
        #expect(canvas.put(text: "zzz", row: 2, col: 0, role: .text) == 0)
        #expect(canvas.put(text: "zzz", row: -1, col: 0, role: .text) == 0)
        #expect(canvas == before)
        canvas.put(text: "0123456789", row: 0, col: 4, role: .text)
        #expect(canvas.line(0) == " abc01")
    }

    @Test func overwritingHalfOfAWideCharacterBlanksTheOtherHalf() {
        var canvas = Canvas(columns: 4, rows: 1)
        canvas.put(text: "山", row: 0, col: 0, role: .text)
        canvas.put(text: "x", row: 0, col: 1, role: .text)
        #expect(canvas.line(0) == " x  ")
        #expect(!canvas[0, 1].isContinuation)

        canvas.put(text: "田", row: 0, col: 2, role: .text)
        canvas.put(text: "y", row: 0, col: 2, role: .text)
        #expect(canvas.line(0) == " xy ")
        #expect(!canvas[0, 3].isContinuation)

        // A wide character written over the second half of another one.
        canvas.put(text: "山", row: 0, col: 0, role: .text)
        canvas.put(text: "田", row: 0, col: 1, role: .text)
        #expect(canvas.line(0) == " 田 ")
        #expect(canvas.cells.filter(\.isContinuation).count == 1)
    }

    @Test func putFieldCutsAndPads() {
        var canvas = Canvas(columns: 12, rows: 1)
        var col = canvas.putField(text: "Bartholomew", row: 0, col: 0, columns: 6, role: .text)
        col = canvas.putField(text: "42", row: 0, col: col, columns: 4, role: .riskHigh, alignment: .right)
        #expect(col == 10)
        #expect(canvas.line(0) == "Barth…  42  ")
        #expect(canvas.roles(row: 0)[6...9].allSatisfy { $0 == .riskHigh })
    }

    @Test func fillUsesOnlySafeNarrowCharacters() {
        var canvas = Canvas(columns: 3, rows: 2)
        canvas.fill(Rect(row: 0, col: 1, width: 5, height: 5), role: .overlay, character: "·")
        #expect(canvas.lines() == [" ··", " ··"])
        #expect(canvas[1, 2].role == .overlay)
        canvas.fill(canvas.bounds, role: .text, character: "\u{1B}")
        #expect(canvas.lines() == ["   ", "   "])
        canvas.fill(canvas.bounds, role: .text, character: "山")
        #expect(canvas.lines() == ["   ", "   "])
    }

    @Test func boxDrawsOutlineAndTitle() {
        var canvas = Canvas(columns: 12, rows: 4)
        let inside = canvas.box(title: "Risk", rect: canvas.bounds, focused: false)
        #expect(inside == Rect(row: 1, col: 1, width: 10, height: 2))
        #expect(canvas.lines() == [
            "┌─ Risk ───┐",
            "│          │",
            "│          │",
            "└──────────┘",
        ])
        #expect(canvas[0, 0].role == .border)
        #expect(canvas[0, 3].role == .paneTitle)

        var focused = Canvas(columns: 12, rows: 3)
        focused.box(title: "Risk", rect: focused.bounds, focused: true)
        #expect(focused.line(0) == "┏━ Risk ━━━┓")
        #expect(focused[0, 0].role == .borderFocused)
        #expect(focused[0, 3].role == .paneTitleFocused)
    }

    @Test func boxTitleIsCutAndCleaned() {
        // Width 10: room for 10 − 6 = 4 title columns: "Cam…".
        var canvas = Canvas(columns: 10, rows: 2)
        canvas.box(title: "Campaigns", rect: canvas.bounds)
        #expect(canvas.line(0) == "┌─ Cam… ─┐")
        var hostile = Canvas(columns: 14, rows: 2)
        hostile.box(title: "\u{1B}]0;x\u{07}", rect: hostile.bounds)
        #expect(hostile.line(0) == "┌─ ]0;x ─────┐")
    }

    @Test func asciiGlyphsForPlainTerminals() {
        var canvas = Canvas(columns: 12, rows: 3, glyphs: .ascii)
        canvas.box(title: "Risk", rect: canvas.bounds)
        #expect(canvas.lines() == ["+- Risk ---+", "|          |", "+----------+"])
        canvas.putField(text: "abcdefgh", row: 1, col: 1, columns: 5, role: .text)
        #expect(canvas.line(1) == "|abcd~     |")
    }

    @Test func everyEntryPointCleans() {
        let hostile = ["\u{1B}[2J", "\u{9B}31m", "\u{202E}abc", "a\u{200D}b", "x\ny", "\u{7F}", "\u{E000}"]
        var canvas = Canvas(columns: 40, rows: 6)
        for (i, text) in hostile.enumerated() {
            canvas.put(text: text, row: 0, col: i * 5, role: .text)
            canvas.putField(text: text, row: 1, col: i * 5, columns: 5, role: .text)
            canvas.box(title: text, rect: Rect(row: 2, col: i * 5, width: 5, height: 3))
        }
        for cell in canvas.cells {
            for scalar in cell.grapheme.unicodeScalars {
                #expect(DisplayText.action(for: scalar) == .keep, "U+\(String(scalar.value, radix: 16)) reached a cell")
            }
        }
    }

    @Test func diffOfIdenticalCanvasesIsEmpty() {
        var canvas = Canvas(columns: 8, rows: 2)
        canvas.put(text: "same", row: 1, col: 2, role: .text)
        #expect(canvas.diff(from: canvas).isEmpty)
    }

    @Test func diffReportsChangedRuns() {
        let old = Canvas(columns: 8, rows: 2)
        var new = old
        new.put(text: "ab", row: 0, col: 3, role: .text)
        new.put(text: "c", row: 1, col: 0, role: .text)
        new.put(text: "d", row: 1, col: 1, role: .dim)
        #expect(new.diff(from: old) == [
            Canvas.Run(row: 0, col: 3, text: "ab", columns: 2, role: .text),
            Canvas.Run(row: 1, col: 0, text: "c", columns: 1, role: .text),
            Canvas.Run(row: 1, col: 1, text: "d", columns: 1, role: .dim),
        ])
    }

    @Test func diffWritesWideCharactersWhole() {
        var old = Canvas(columns: 4, rows: 1)
        old.put(text: "ab", row: 0, col: 0, role: .text)
        var new = old
        new.put(text: "山", row: 0, col: 0, role: .text)
        #expect(new.diff(from: old) == [Canvas.Run(row: 0, col: 0, text: "山", columns: 2, role: .text)])

        // A wide character that changes only its role is rewritten whole.
        var restyled = new
        restyled.put(text: "山", row: 0, col: 0, role: .dim)
        #expect(restyled.diff(from: new) == [Canvas.Run(row: 0, col: 0, text: "山", columns: 2, role: .dim)])

        // A wide character moving one column left: all three cells change.
        var before = Canvas(columns: 4, rows: 1)
        before.put(text: " 山", row: 0, col: 0, role: .text)
        var after = Canvas(columns: 4, rows: 1)
        after.put(text: "山", row: 0, col: 0, role: .text)
        #expect(after.diff(from: before) == [Canvas.Run(row: 0, col: 0, text: "山 ", columns: 3, role: .text)])

        var wideToNarrow = Canvas(columns: 4, rows: 1)
        wideToNarrow.put(text: "ab", row: 0, col: 0, role: .text)
        #expect(wideToNarrow.diff(from: new) == [Canvas.Run(row: 0, col: 0, text: "ab", columns: 2, role: .text)])
    }

    @Test func diffAfterResizeRewritesEverything() {
        let small = Canvas(columns: 2, rows: 2)
        var large = Canvas(columns: 3, rows: 2)
        large.put(text: "xyz", row: 1, col: 0, role: .text)
        #expect(large.diff(from: small) == [
            Canvas.Run(row: 0, col: 0, text: "   ", columns: 3, role: .text),
            Canvas.Run(row: 1, col: 0, text: "xyz", columns: 3, role: .text),
        ])
    }

    @Test func longTextIsClippedToTheCanvas() {
        var canvas = Canvas(columns: 80, rows: 1)
        let long = String(repeating: "名前", count: 200_000)
        let next = canvas.put(text: long, row: 0, col: 0, role: .text)
        #expect(next == 80)
        #expect(canvas.line(0) == String(repeating: "名前", count: 20))
    }
}
