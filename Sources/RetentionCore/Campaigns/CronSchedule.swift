import Foundation

/// A 5-field cron expression (minute hour day-of-month month day-of-week), evaluated in a time zone.
///
/// Fields accept `*`, numbers, lists `a,b`, ranges `a-b`, steps `*/n` and `a-b/n`, month names JAN–DEC and
/// day names SUN–SAT (case-insensitive); day-of-week 0 and 7 are Sunday. As in Vixie cron, when both
/// day-of-month and day-of-week are restricted (neither starts with `*`), a day matches when either does.
///
/// Daylight saving, as cronie does it: a wall-clock time that does not exist on a spring-forward day runs
/// once, at the first instant after the gap; a time that occurs twice on a fall-back day runs once, at its
/// first occurrence.
public struct CronSchedule: Sendable, Equatable {
    public let expression: String
    let minutes: Set<Int>, hours: Set<Int>, days: Set<Int>, months: Set<Int>, weekdays: Set<Int>
    let dayRestricted: Bool, weekdayRestricted: Bool

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
    public func nextRun(after: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let sortedHours = hours.sorted(), sortedMinutes = minutes.sorted()
        var day = calendar.startOfDay(for: after)
        for _ in 0..<(366 * 5) {
            let c = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            if dayMatches(day: c.day!, month: c.month!, weekday: c.weekday! - 1) {
                for h in sortedHours {
                    for m in sortedMinutes {
                        guard let instant = wallClock(year: c.year!, month: c.month!, day: c.day!, hour: h, minute: m, calendar: calendar) else { continue }
                        if instant > after { return instant }
                    }
                }
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
            day = calendar.startOfDay(for: next)
        }
        return nil
    }

    /// The instant of a local wall-clock time: its first occurrence when repeated, or the end of the gap
    /// when the time was skipped by a spring-forward change.
    func wallClock(year: Int, month: Int, day: Int, hour: Int, minute: Int, calendar: Calendar) -> Date? {
        let tz = calendar.timeZone
        // Candidate instants: the wall time read with each offset the zone uses around that day.
        let noonUTC = Date(timeIntervalSince1970: Double(Timestamp.days(year: year, month: month, day: day) * 86_400 + 43_200))
        let offsets = Set([tz.secondsFromGMT(for: noonUTC.addingTimeInterval(-86_400)), tz.secondsFromGMT(for: noonUTC),
                           tz.secondsFromGMT(for: noonUTC.addingTimeInterval(86_400))])
        let local = Timestamp.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60
        let matches = offsets.map { Date(timeIntervalSince1970: Double(local - $0)) }.filter { tz.secondsFromGMT(for: $0) == Int(local) - Int($0.timeIntervalSince1970) }
        if let first = matches.min() { return first }
        // Skipped by the change: run at the first instant after the gap, the transition itself.
        let dayStart = Date(timeIntervalSince1970: Double(Timestamp.days(year: year, month: month, day: day) * 86_400 - 14 * 3600))
        return tz.nextDaylightSavingTimeTransition(after: dayStart)
    }
}
