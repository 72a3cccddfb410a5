import Foundation
import Testing
@testable import RetentionCore

@Suite struct CronScheduleTests {
    func at(_ s: String) -> Date { Date(timeIntervalSince1970: Double(Timestamp.parse(s)!)) }
    func iso(_ d: Date?) -> String? { d.map { Timestamp.formatInstant(Int($0.timeIntervalSince1970)) } }
    func next(_ expr: String, _ after: String, _ zone: String) throws -> String? {
        iso(try CronSchedule(expr).nextRun(after: at(after), in: TimeZone(identifier: zone)!))
    }

    @Test func fieldsListsRangesStepsAndNames() throws {
        #expect(try next("*/15 9-17 * * MON-FRI", "2026-11-25T14:07:00Z", "UTC") == "2026-11-25T14:15:00Z")   // a Wednesday
        #expect(try next("0 9 * * mon-fri", "2026-11-27T10:00:00Z", "UTC") == "2026-11-30T09:00:00Z")         // Friday after 9 → Monday
        #expect(try next("0 0 1 jan,jul *", "2026-11-25T00:00:00Z", "UTC") == "2027-01-01T00:00:00Z")
        #expect(try next("5,35 */6 * * *", "2026-11-25T06:06:00Z", "UTC") == "2026-11-25T06:35:00Z")
        #expect(try next("0 12 * * 7", "2026-11-25T00:00:00Z", "UTC") == "2026-11-29T12:00:00Z")              // 7 is Sunday
    }

    @Test func restrictedDayOfMonthAndWeekMatchEither() throws {
        // The 13th or any Friday: after Wed 2026-11-25 the next is Fri 2026-11-27.
        #expect(try next("0 0 13 * FRI", "2026-11-25T00:00:00Z", "UTC") == "2026-11-27T00:00:00Z")
        // With one of them unrestricted, both must match: the 13th only.
        #expect(try next("0 0 13 * *", "2026-11-25T00:00:00Z", "UTC") == "2026-12-13T00:00:00Z")
    }

    @Test func impossibleAndMalformedExpressions() {
        #expect((try? CronSchedule("0 0 30 2 *"))?.nextRun(after: at("2026-01-01T00:00:00Z"), in: .gmt) == nil)
        for (bad, words) in [("0 24 * * *", "hour: 24 is out of range"), ("61 * * * *", "minute"), ("* * * *", "5 fields"),
                             ("0 0 * FOO *", "month"), ("0 0 * * */0", "step"), ("5-1 * * * *", "backwards")] {
            #expect { try CronSchedule(bad) } throws: { ($0 as? RetentionError)?.message.contains(words) == true && ($0 as? RetentionError)?.field == "schedule.cron" }
        }
    }

    @Test func newYorkAcrossDaylightSaving() throws {
        // Spring forward 2026-03-08: 02:30 does not exist; it runs once at 03:00 EDT (07:00Z).
        #expect(try next("30 2 * * *", "2026-03-08T05:00:00Z", "America/New_York") == "2026-03-08T07:00:00Z")
        #expect(try next("30 2 * * *", "2026-03-08T07:00:00Z", "America/New_York") == "2026-03-09T06:30:00Z")
        // Fall back 2026-11-01: 01:30 happens twice; it runs at the first (EDT, 05:30Z), not again at 06:30Z.
        #expect(try next("30 1 * * *", "2026-11-01T04:00:00Z", "America/New_York") == "2026-11-01T05:30:00Z")
        #expect(try next("30 1 * * *", "2026-11-01T05:30:00Z", "America/New_York") == "2026-11-02T06:30:00Z")
        // 09:00 local is 14:00Z in winter and 13:00Z in summer.
        #expect(try next("0 9 * * *", "2026-03-07T15:00:00Z", "America/New_York") == "2026-03-08T13:00:00Z")
    }

    @Test func londonAndSydneyAcrossDaylightSaving() throws {
        // London springs forward 2026-03-29 at 01:00 GMT → 02:00 BST: 01:30 runs at 02:00 BST (01:00Z).
        #expect(try next("30 1 * * *", "2026-03-29T00:00:00Z", "Europe/London") == "2026-03-29T01:00:00Z")
        // London falls back 2026-10-25: 01:30 BST (00:30Z) first, once.
        #expect(try next("30 1 * * *", "2026-10-24T23:00:00Z", "Europe/London") == "2026-10-25T00:30:00Z")
        #expect(try next("30 1 * * *", "2026-10-25T00:30:00Z", "Europe/London") == "2026-10-26T01:30:00Z")
        // Sydney springs forward 2026-10-04 at 02:00 AEST → 03:00 AEDT: 02:30 runs at 03:00 AEDT (16:00Z the day before).
        #expect(try next("30 2 * * *", "2026-10-03T12:00:00Z", "Australia/Sydney") == "2026-10-03T16:00:00Z")
        // Sydney falls back 2026-04-05 at 03:00 AEDT → 02:00 AEST: 02:30 first occurs at 15:30Z on the 4th.
        #expect(try next("30 2 * * *", "2026-04-04T12:00:00Z", "Australia/Sydney") == "2026-04-04T15:30:00Z")
        #expect(try next("30 2 * * *", "2026-04-04T15:30:00Z", "Australia/Sydney") == "2026-04-05T16:30:00Z")
    }
}
