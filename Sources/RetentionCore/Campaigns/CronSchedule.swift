import Foundation

/// A 5-field cron expression (minute hour day-of-month month day-of-week), evaluated in a time zone.
///
/// Fields accept `*`, numbers, lists `a,b`, ranges `a-b`, steps `*/n` and `a-b/n`, month names JAN–DEC and
/// day names SUN–SAT (case-insensitive); day-of-week 0 and 7 are Sunday. As in Vixie cron, when both
/// day-of-month and day-of-week are restricted (neither starts with `*`), a day matches when either does.
///
/// Daylight saving, as cronie does it (its `MIN_STAR`/`HR_STAR` rule), depends on the kind of job:
/// - a **fixed-time** job, whose minute and hour fields both start with a number (`30 2`, `0,30 9-17`), gets
///   cronie's fix-ups: a wall-clock time that does not exist on a spring-forward day runs once, at the first
///   instant after the gap; a time that occurs twice on a fall-back day runs once, at its first occurrence;
/// - a **wildcard** job, whose minute or hour field starts with `*` (`*`, `*/15`), runs on wall-clock time:
///   a time in the spring-forward gap does not exist, so it does not run (no catch-up run), and a time in
///   the repeated hour of a fall-back day runs at both of its occurrences.
public struct CronSchedule: Sendable, Equatable {
    public let expression: String
    let minutes: Set<Int>, hours: Set<Int>, days: Set<Int>, months: Set<Int>, weekdays: Set<Int>
    let dayRestricted: Bool, weekdayRestricted: Bool
    /// Whether the minute or the hour field starts with `*` (cronie's `MIN_STAR | HR_STAR`): such a job runs
    /// on wall-clock time across daylight-saving changes, without the fixed-time jobs' fix-ups.
    public let isWildcard: Bool

    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    public init(_ expression: String) throws {
        self.expression = expression
        let fields = expression.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw RetentionError.invalid("schedule.cron", "must have 5 fields (minute hour day-of-month month day-of-week), got \(fields.count)")
        }
        minutes = try Self.parse(fields[0], name: "minute", range: 0...59, names: [])
        hours = try Self.parse(fields[1], name: "hour", range: 0...23, names: [])
        days = try Self.parse(fields[2], name: "day-of-month", range: 1...31, names: [])
        months = try Self.parse(fields[3], name: "month", range: 1...12, names: Self.monthNames, nameBase: 1)
        weekdays = Set(try Self.parse(fields[4], name: "day-of-week", range: 0...7, names: Self.dayNames).map { $0 % 7 })
        dayRestricted = !fields[2].hasPrefix("*")
        weekdayRestricted = !fields[4].hasPrefix("*")
        isWildcard = fields[0].hasPrefix("*") || fields[1].hasPrefix("*")
    }

    static func parse(_ field: String, name: String, range: ClosedRange<Int>, names: [String], nameBase: Int = 0) throws -> Set<Int> {
        func value(_ s: String) throws -> Int {
            if let v = Int(s) {
                guard range.contains(v) else {
                    throw RetentionError.invalid("schedule.cron", "\(name): \(v) is out of range \(range.lowerBound)-\(range.upperBound)")
                }
                return v
            }
            if let i = names.firstIndex(of: s.uppercased()) { return i + nameBase }
            throw RetentionError.invalid("schedule.cron", "\(name): \"\(s)\" is not a number\(names.isEmpty ? "" : " or a name like \(names[0])")")
        }
        var out = Set<Int>()
        for part in field.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !part.isEmpty else { throw RetentionError.invalid("schedule.cron", "\(name): empty list item in \"\(field)\"") }
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard pieces.count <= 2 else { throw RetentionError.invalid("schedule.cron", "\(name): more than one / in \"\(part)\"") }
            var step = 1
            if pieces.count == 2 {
                guard let s = Int(pieces[1]), s >= 1, s <= range.upperBound else {
                    throw RetentionError.invalid("schedule.cron", "\(name): step \"\(pieces[1])\" must be a whole number from 1 to \(range.upperBound)")
                }
                step = s
            }
            var low = range.lowerBound, high = range.upperBound
            if pieces[0] != "*" {
                let bounds = pieces[0].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
                guard bounds.count <= 2 else { throw RetentionError.invalid("schedule.cron", "\(name): bad range \"\(pieces[0])\"") }
                low = try value(bounds[0])
                high = bounds.count == 2 ? try value(bounds[1]) : (pieces.count == 2 ? range.upperBound : low)
                guard low <= high else { throw RetentionError.invalid("schedule.cron", "\(name): range \(low)-\(high) runs backwards") }
            }
            for v in stride(from: low, through: high, by: step) { out.insert(v) }
        }
        return out
    }

    /// Does the calendar day match (month, and day-of-month / day-of-week with the either-rule)?
    func dayMatches(day: Int, month: Int, weekday: Int) -> Bool {
        guard months.contains(month) else { return false }
        let dom = days.contains(day), dow = weekdays.contains(weekday)
        if dayRestricted && weekdayRestricted { return dom || dow }
        return dom && dow
    }

    /// The first run strictly after `after`, in `timeZone`; nil if none within five years.
    ///
    /// A day's runs are its matching wall-clock times read as instants (see `instants`). On a day without a
    /// change of offset they come in wall-clock order; on a day with one they are sorted (the repeated hour
    /// of a fall-back day comes twice), so the earliest run after `after` is taken either way.
    public func nextRun(after: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let sortedHours = hours.sorted(), sortedMinutes = minutes.sorted()
        var day = calendar.startOfDay(for: after)
        for _ in 0..<(366 * 5) {
            let c = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            if dayMatches(day: c.day!, month: c.month!, weekday: c.weekday! - 1) {
                let offsets = Self.offsets(year: c.year!, month: c.month!, day: c.day!, in: timeZone)
                var best: Date?
                search: for h in sortedHours {
                    for m in sortedMinutes {
                        for instant in instants(year: c.year!, month: c.month!, day: c.day!, hour: h, minute: m, offsets: offsets, in: timeZone)
                        where instant > after && instant < (best ?? .distantFuture) {
                            best = instant
                            // Without a change of offset that day, wall-clock order is time order: the first is the earliest.
                            if offsets.count == 1 { break search }
                        }
                    }
                }
                if let best { return best }
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
            day = calendar.startOfDay(for: next)
        }
        return nil
    }

    /// The UTC offsets the zone uses around a calendar day (the day before, the day, the day after, at noon UTC).
    static func offsets(year: Int, month: Int, day: Int, in tz: TimeZone) -> Set<Int> {
        let noonUTC = Date(timeIntervalSince1970: Double(Timestamp.days(year: year, month: month, day: day) * 86_400 + 43_200))
        return Set([tz.secondsFromGMT(for: noonUTC.addingTimeInterval(-86_400)), tz.secondsFromGMT(for: noonUTC),
                    tz.secondsFromGMT(for: noonUTC.addingTimeInterval(86_400))])
    }

    /// The instants at which this job runs for one local wall-clock time:
    /// - a time that occurs once: that instant;
    /// - a time repeated by a fall-back change: the first occurrence for a fixed-time job, both for a wildcard job;
    /// - a time skipped by a spring-forward change: the end of the gap (the change itself) for a fixed-time job,
    ///   none for a wildcard job.
    func instants(year: Int, month: Int, day: Int, hour: Int, minute: Int, offsets: Set<Int>, in tz: TimeZone) -> [Date] {
        let local = Timestamp.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60
        // The wall time read with each offset, kept where the zone really has that offset at that instant.
        let matches = offsets.map { Date(timeIntervalSince1970: Double(local - $0)) }
            .filter { tz.secondsFromGMT(for: $0) == local - Int($0.timeIntervalSince1970) }.sorted()
        if !matches.isEmpty { return isWildcard ? matches : [matches[0]] }
        if isWildcard { return [] }
        // Skipped by the change: a fixed-time job runs at the first instant after the gap, the transition itself.
        let dayStart = Date(timeIntervalSince1970: Double(Timestamp.days(year: year, month: month, day: day) * 86_400 - 14 * 3600))
        return tz.nextDaylightSavingTimeTransition(after: dayStart).map { [$0] } ?? []
    }
}
