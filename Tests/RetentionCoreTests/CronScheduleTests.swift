import Foundation
import Testing
@testable import RetentionCore

@Suite struct CronScheduleTests {
    func at(_ s: String) -> Date { Date(timeIntervalSince1970: Double(Timestamp.parse(s)!)) }
    func iso(_ d: Date?) -> String? { d.map { Timestamp.formatInstant(Int($0.timeIntervalSince1970)) } }
    func next(_ expr: String, _ after: String, _ zone: String) throws -> String? {
        iso(try CronSchedule(expr).nextRun(after: at(after), in: TimeZone(identifier: zone)!))
    }

    /// The first `count` runs after `after`, each found from the one before.
    func runs(_ expr: String, after: String, _ count: Int, _ zone: String) throws -> [String] {
        let cron = try CronSchedule(expr), tz = TimeZone(identifier: zone)!
        var out: [String] = [], t = at(after)
        for _ in 0..<count {
            guard let n = cron.nextRun(after: t, in: tz) else { break }
            out.append(iso(n)!)
            t = n
        }
        return out
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

    @Test func aJobIsWildcardWhenItsMinuteOrHourStartsWithAStar() throws {
        // cronie's MIN_STAR / HR_STAR: the first character of the minute or hour field.
        for expr in ["* * * * *", "*/15 9 * * *", "0 */2 * * *", "30 * * * *", "*/20 2 * * *"] { #expect(try CronSchedule(expr).isWildcard, "\(expr)") }
        for expr in ["30 2 * * *", "0,30 9 * * *", "0 9-17 * * MON-FRI", "0-59/15 1 * * *", "30 2 * * *"] { #expect(try !CronSchedule(expr).isWildcard, "\(expr)") }
    }

    // Daylight saving, every expected run listed by hand in UTC. New York 2026: EST (UTC−5) until
    // 2026-03-08 07:00Z, when 02:00 EST becomes 03:00 EDT (UTC−4); 2026-11-01 06:00Z, 02:00 EDT becomes
    // 01:00 EST, so 01:00–01:59 happens twice (05:00–05:59Z, then 06:00–06:59Z). Berlin 2026: CET (UTC+1)
    // until 2026-03-29 01:00Z, when 02:00 becomes 03:00 CEST (UTC+2); 2026-10-25 01:00Z, 03:00 CEST becomes
    // 02:00 CET, so 02:00–02:59 happens twice (00:00–00:59Z, then 01:00–01:59Z).

    @Test func fixedTimeJobsSpringForwardRunOnceAfterTheGap() throws {
        // 02:30 does not exist on 03-08: it runs at 03:00 EDT (07:00Z); 03-09 and 03-10 at 02:30 EDT.
        #expect(try runs("30 2 * * *", after: "2026-03-07T08:00:00Z", 3, "America/New_York")
                == ["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"])
        // A range of hours is fixed too (cronie): 01:15 EST, 02:15 → 03:00 EDT, 03:15 EDT, then 01:15 EDT next day.
        #expect(try runs("15 1-3 * * *", after: "2026-03-08T05:00:00Z", 4, "America/New_York")
                == ["2026-03-08T06:15:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z", "2026-03-09T05:15:00Z"])
        // Berlin: 02:30 on 03-29 runs at 03:00 CEST (01:00Z); 03-30 at 02:30 CEST (00:30Z).
        #expect(try runs("30 2 * * *", after: "2026-03-28T02:00:00Z", 2, "Europe/Berlin") == ["2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"])
    }

    @Test func fixedTimeJobsFallBackRunOnceAtTheFirstOccurrence() throws {
        // 01:30 on 11-01 at 01:30 EDT (05:30Z) only, not again at 01:30 EST (06:30Z).
        #expect(try runs("30 1 * * *", after: "2026-11-01T04:00:00Z", 3, "America/New_York")
                == ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z", "2026-11-03T06:30:00Z"])
        // 01:00 EDT (05:00Z), not 01:00 EST (06:00Z); 02:00 EST (07:00Z); next day 01:00 EST (06:00Z).
        #expect(try runs("0 1-2 * * *", after: "2026-11-01T04:00:00Z", 3, "America/New_York")
                == ["2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z", "2026-11-02T06:00:00Z"])
        // Berlin: 02:30 CEST (00:30Z) on 10-25, not 02:30 CET (01:30Z); 10-26 at 02:30 CET (01:30Z).
        #expect(try runs("30 2 * * *", after: "2026-10-24T22:00:00Z", 2, "Europe/Berlin") == ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"])
    }

    @Test func wildcardJobsSpringForwardSkipTheGap() throws {
        // Every hour at :30: 00:30 EST, 01:30 EST, no 02:30 (it does not exist) and no catch-up run, 03:30 EDT, 04:30 EDT.
        #expect(try runs("30 * * * *", after: "2026-03-08T05:00:00Z", 4, "America/New_York")
                == ["2026-03-08T05:30:00Z", "2026-03-08T06:30:00Z", "2026-03-08T07:30:00Z", "2026-03-08T08:30:00Z"])
        // Every 20 minutes of the 02:00 hour: none on 03-08 at all; 03-09 at 02:00, 02:20, 02:40 EDT.
        #expect(try runs("*/20 2 * * *", after: "2026-03-08T05:00:00Z", 3, "America/New_York")
                == ["2026-03-09T06:00:00Z", "2026-03-09T06:20:00Z", "2026-03-09T06:40:00Z"])
        // Berlin: 00:30 CET, 01:30 CET, no 02:30, 03:30 CEST, 04:30 CEST.
        #expect(try runs("30 * * * *", after: "2026-03-28T23:00:00Z", 4, "Europe/Berlin")
                == ["2026-03-28T23:30:00Z", "2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z"])
    }

    @Test func wildcardJobsFallBackRunInTheRepeatedHourAgain() throws {
        // 00:30 EDT, 01:30 EDT, 01:30 EST again, 02:30 EST.
        #expect(try runs("30 * * * *", after: "2026-11-01T04:00:00Z", 4, "America/New_York")
                == ["2026-11-01T04:30:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z"])
        // Every half hour of the 01:00 hour: 01:00, 01:30 EDT, 01:00, 01:30 EST; next day 01:00 EST.
        #expect(try runs("*/30 1 * * *", after: "2026-11-01T04:00:00Z", 5, "America/New_York")
                == ["2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z", "2026-11-02T06:00:00Z"])
        // Berlin, every half hour of the 02:00 hour: 02:00, 02:30 CEST, 02:00, 02:30 CET; 10-26 02:00 CET.
        #expect(try runs("*/30 2 * * *", after: "2026-10-24T22:00:00Z", 5, "Europe/Berlin")
                == ["2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z", "2026-10-26T01:00:00Z"])
        // Hourly on the hour: 01:00, 02:00 CEST, 02:00 CET, 03:00 CET, one run every real hour.
        #expect(try runs("0 * * * *", after: "2026-10-24T22:00:00Z", 4, "Europe/Berlin")
                == ["2026-10-24T23:00:00Z", "2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"])
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
