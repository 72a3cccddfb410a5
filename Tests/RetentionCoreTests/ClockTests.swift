import Foundation
import Testing
@testable import RetentionCore

@Suite struct ClockTests {
    /// `--today 2026-06-15` is noon UTC that day, so the calendar day is the same from UTC−11 to UTC+11.
    @Test func aDateIsNoonUTC() {
        #expect(Clock.instant(fromToday: "2026-06-15") == Timestamp.parse("2026-06-15T12:00:00Z"))
        #expect(Clock.instant(fromToday: " 2026-06-15 ") == Timestamp.parse("2026-06-15T12:00:00Z"))
    }

    @Test func anInstantIsTakenAsGiven() {
        #expect(Clock.instant(fromToday: "2026-06-15T09:30:00Z") == 1_781_515_800)
        #expect(Clock.instant(fromToday: "2026-06-15T11:30:00+02:00") == 1_781_515_800)
    }

    @Test func refusesWhatIsNotADayOfABook() {
        for bad in ["", "tomorrow", "2026-13-01", "2026-02-30", "1899-12-31", "9001-01-01", "15/06/2026"] {
            #expect(Clock.instant(fromToday: bad) == nil, "\(bad) should be refused")
        }
    }
}
