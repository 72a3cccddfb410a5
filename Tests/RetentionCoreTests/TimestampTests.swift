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
