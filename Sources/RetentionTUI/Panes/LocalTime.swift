import Foundation
import RetentionCore

/// Times as a specialist reads them: a customer's follow-up and snooze in the customer's own zone, named;
/// the dashboard's own clock ("updated 14:32:05 UTC+1") in the machine's zone (`TZ`).
extension Formatting {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func parts(_ t: Int, _ zone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(t)))
    }

    /// The zone's name as shown beside a time: its IANA name ("America/Los_Angeles", never an abbreviation
    /// such as CST that names two zones), "UTC (no zone on file)" when the customer has none.
    static func zoneName(_ zone: CustomerZone) -> String {
        zone.source == .utc ? "UTC (no zone on file)" : zone.identifier
    }

    /// The day and time of `t` in `zone` without the zone: "Tue 8 Dec 09:00"; the year after the month when
    /// it is not the year of `now` there ("Fri 7 Jan 2028 09:00").
    static func dayAndTime(_ t: Int, in zone: TimeZone, now: Int) -> String {
        let p = parts(t, zone), year = parts(now, zone).year
        let y = p.year == year ? "" : " \(p.year ?? 0)"
        return "\(weekdays[((p.weekday ?? 1) - 1) % 7]) \(p.day ?? 0) \(months[((p.month ?? 1) - 1) % 12])\(y) "
            + String(format: "%02d:%02d", p.hour ?? 0, p.minute ?? 0)
    }

    /// A customer's follow-up or snooze time in their zone, named: "Tue 8 Dec 09:00 America/Los_Angeles",
    /// "Tue 8 Dec 17:00 UTC (no zone on file)".
    static func customerTime(_ t: Int, in zone: CustomerZone, now: Int) -> String {
        dayAndTime(t, in: zone.timeZone, now: now) + " " + zoneName(zone)
    }

    /// A clock time of the dashboard itself in the machine's zone, with its offset from UTC (the same on every
    /// system, where abbreviations are not: "CET" here, "GMT+1" there): "14:32:05 UTC+1" (`seconds`),
    /// "09:02 UTC−5", "14:32 UTC+5:30", "14:32:05 UTC".
    static func clock(_ t: Int, in zone: TimeZone, seconds: Bool = true) -> String {
        let p = parts(t, zone)
        let time = seconds ? String(format: "%02d:%02d:%02d", p.hour ?? 0, p.minute ?? 0, p.second ?? 0)
                           : String(format: "%02d:%02d", p.hour ?? 0, p.minute ?? 0)
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))) / 60
        guard offset != 0 else { return time + " UTC" }
        let h = abs(offset) / 60, m = abs(offset) % 60
        return time + " UTC" + (offset > 0 ? "+" : "−") + "\(h)" + (m == 0 ? "" : String(format: ":%02d", m))
    }
}
