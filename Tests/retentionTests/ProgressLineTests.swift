import Foundation
import Testing
@testable import retention
@testable import RetentionCore

/// The progress line of long jobs, drawn with a clock and an output the test holds.
@Suite struct ProgressLineTests {
    /// A renderer whose clock the test sets and whose output it reads.
    final class Harness {
        var now = 100.0
        var written: [String] = []
        lazy var line = ProgressLine(drawing: drawing, width: 200, clock: { [unowned self] in self.now }, write: { [unowned self] in self.written.append($0) })
        let drawing: Bool
        init(drawing: Bool) { self.drawing = drawing }
    }

    @Test func aTerminalGetsTheRateAndTimeLeftRedrawnInPlace() {
        let h = Harness(drawing: true)
        h.line.observe(.began("write the rows"))
        #expect(h.written == ["\r\u{1B}[Kwrite the rows"])
        h.now += 0.05
        h.line.observe(.progress("write the rows", done: 2_000, total: 100_000))
        #expect(h.written.count == 1, "a draw 50 ms after the last is skipped")
        // 2 s after the phase began, 40,000 rows done: 20,000 a second; 60,000 left take 3 s.
        h.now = 102
        h.line.observe(.progress("write the rows", done: 40_000, total: 100_000))
        #expect(h.written.last == "\r\u{1B}[Kwrite the rows  40,000 of 100,000  20,000/s  3 s left")
        // 100 s in, 50,000 done: 500 a second, 50,000 left: 100 s.
        h.now = 200
        h.line.observe(.progress("write the rows", done: 50_000, total: 100_000))
        #expect(h.written.last == "\r\u{1B}[Kwrite the rows  50,000 of 100,000  500/s  1 min 40 s left")
        h.line.observe(.ended("write the rows"))
        h.line.observe(.began("build the indexes put off"))
        #expect(h.written.last == "\r\u{1B}[Kbuild the indexes put off", "a new phase is drawn at once")
        h.line.finish()
        #expect(h.written.last == "\r\u{1B}[K", "the line is wiped before the summary")
        #expect(h.written.allSatisfy { $0.hasPrefix("\r") && !$0.contains("\n") }, "every draw overwrites the same line")
    }

    @Test func aProgressWithoutPhasesMeasuresFromItsFirstReport() {
        // Rescore reports counts only: the rate runs from the first report (10 customers done at t = 100).
        let h = Harness(drawing: true)
        h.line.progress("rescore", done: 10, total: nil)
        #expect(h.written.last == "\r\u{1B}[Krescore  10")
        h.now = 104
        h.line.progress("rescore", done: 4_010, total: 8_010)
        #expect(h.written.last == "\r\u{1B}[Krescore  4,010 of 8,010  1,000/s  4 s left")
        h.now = 104.5
        h.line.progress("rescore", done: 8_010, total: 8_010)
        #expect(h.written.last == "\r\u{1B}[Krescore  8,010 of 8,010  1,778/s", "nothing left: no time left shown")
    }

    @Test func pipedOrQuietDrawsNothing() {
        let h = Harness(drawing: false)
        h.line.observe(.began("write the rows"))
        h.now = 103
        h.line.observe(.progress("write the rows", done: 40_000, total: 100_000))
        h.line.finish()
        #expect(h.written.isEmpty)
    }

    @Test func durationsReadAsPeopleSayThem() {
        #expect(ProgressLine.duration(0.4) == "under 1 s")
        #expect(ProgressLine.duration(41.2) == "42 s")
        #expect(ProgressLine.duration(185) == "3 min 05 s")
        #expect(ProgressLine.duration(3_720) == "1 h 02 min")
    }

    @Test func aLineWiderThanTheTerminalIsCut() {
        var written: [String] = []
        let line = ProgressLine(drawing: true, width: 24, clock: { 0 }, write: { written.append($0) })
        line.observe(.began("read, check and write the rows"))
        #expect(written.last == "\r\u{1B}[Kread, check and write …")
        #expect(written.last.map { $0.count - 4 } == 23)
    }
}
