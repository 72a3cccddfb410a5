import Foundation
import Testing
@testable import RetentionCore

@Suite struct TimestampTests {
    @Test func parsesDatesAndInstants() {
        #expect(Timestamp.parse("1970-01-01") == 0)
        #expect(Timestamp.parse("2024-01-15T10:30:00Z") == 1_705_314_600)
        #expect(Timestamp.parse("2024-01-15T10:30:00.123Z") == 1_705_314_600)
        // 12:30 at +02:00 is 10:30 UTC.
        #expect(Timestamp.parse("2024-01-15T12:30:00+02:00") == 1_705_314_600)
        #expect(Timestamp.parse("2024-02-29") != nil)
    }

    @Test func rejectsImpossibleOrMalformedDates() {
        for bad in ["2023-02-29", "2024-13-01", "2024-00-10", "2024-01-32", "24-01-01", "2024/01/01", "2024-01-01T25:00Z", "", "2024-01-01Tfoo"] {
            #expect(Timestamp.parse(bad) == nil, "\(bad) should be rejected")
        }
    }

    @Test func formatsRoundTrip() {
        let t = 1_705_314_600
        #expect(Timestamp.formatInstant(t) == "2024-01-15T10:30:00Z")
        #expect(Timestamp.formatDate(t) == "2024-01-15")
        #expect(Timestamp.formatDate(Timestamp.parse("1969-12-31")!) == "1969-12-31")
        #expect(Timestamp.formatInstant(Timestamp.parse("0001-01-01")!) == "0001-01-01T00:00:00Z")
        #expect(Timestamp.formatInstant(Timestamp.parse("9999-12-31T23:59:59Z")!) == "9999-12-31T23:59:59Z")
        #expect(Timestamp.formatInstant(Timestamp.parse("9999-12-31T23:59:59Z")! + 1) == "10000-01-01T00:00:00Z", "past year 9999, more digits")
        // Across years 1 to 9999, every field zero-padded, and parsing gives the instant back.
        var generator = SeededGenerator(seed: 7)
        let first = Timestamp.parse("0001-01-01")!, last = Timestamp.parse("9999-12-31T23:59:59Z")!
        for _ in 0..<20_000 {
            let t = Int.random(in: first...last, using: &generator)
            let day = Timestamp.floorDiv(t, Timestamp.secondsPerDay), s = t - day * Timestamp.secondsPerDay
            let (y, m, d) = Timestamp.civil(days: day)
            let date = String(format: "%04d-%02d-%02d", y, m, d)
            #expect(Timestamp.formatDate(t) == date)
            #expect(Timestamp.formatInstant(t) == date + String(format: "T%02d:%02d:%02dZ", s / 3600, s % 3600 / 60, s % 60))
            #expect(Timestamp.parse(Timestamp.formatInstant(t)) == t)
        }
    }

    @Test func addingMonthsClampsToMonthEnd() {
        let jan31 = Timestamp.parse("2024-01-31")!
        #expect(Timestamp.formatDate(Timestamp.addingMonths(1, to: jan31)) == "2024-02-29")
        #expect(Timestamp.formatDate(Timestamp.addingMonths(6, to: Timestamp.parse("2024-08-31")!)) == "2025-02-28")
        #expect(Timestamp.formatDate(Timestamp.addingMonths(-12, to: Timestamp.parse("2024-02-29")!)) == "2023-02-28")
        #expect(Timestamp.formatDate(Timestamp.addingMonths(12, to: Timestamp.parse("2024-01-01")!)) == "2025-01-01")
    }

    @Test func wholeMonthsCountsCompletedMonths() {
        #expect(Timestamp.wholeMonths(from: Timestamp.parse("2024-01-01")!, to: Timestamp.parse("2025-01-01")!) == 12)
        #expect(Timestamp.wholeMonths(from: Timestamp.parse("2024-01-01")!, to: Timestamp.parse("2024-07-01")!) == 6)
        #expect(Timestamp.wholeMonths(from: Timestamp.parse("2024-01-15")!, to: Timestamp.parse("2024-02-14")!) == 0)
        // Jan 31 -> Feb 29 counts as a whole month (Feb has no 31st).
        #expect(Timestamp.wholeMonths(from: Timestamp.parse("2024-01-31")!, to: Timestamp.parse("2024-02-29")!) == 1)
    }
}
