import Foundation

/// Time in Retention is Unix seconds (UTC) everywhere: in the database, in the engine, in tests.
/// Text crosses the edge as ISO-8601: `2024-01-15T10:30:00Z` for instants and `2024-01-15` for
/// calendar dates (stored as midnight UTC of that date).
///
/// The conversions use Howard Hinnant's `days_from_civil` algorithm (proleptic Gregorian calendar),
/// which is exact for every date from year 1 to 9999 and far faster than a DateFormatter.
public enum Timestamp {
    public static let secondsPerDay = 86_400

    /// Days since 1970-01-01 of a civil date.
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    public static func civil(days z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        default: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        }
    }

    /// Midnight UTC at the start of the day containing `t`.
    public static func startOfDay(_ t: Int) -> Int { floorDiv(t, secondsPerDay) * secondsPerDay }

    /// The first instant of a calendar day (days since 1970-01-01) in a time zone: 00:00 local, or the end of
    /// the gap where the zone skips midnight that day.
    public static func startOfDay(days: Int, in zone: TimeZone) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        // Local noon of that day (noon UTC shifted by the zone's offset then) lies inside the local day.
        let noonUTC = days * secondsPerDay + 43_200
        let localNoon = noonUTC - zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(noonUTC)))
        return Int(calendar.startOfDay(for: Date(timeIntervalSince1970: Double(localNoon))).timeIntervalSince1970)
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// Adds calendar months, clamping the day to the end of a shorter month (Jan 31 + 1 month = Feb 28/29),
    /// keeping the time of day. This is how a policy term moves forward.
    public static func addingMonths(_ months: Int, to t: Int) -> Int {
        let day = floorDiv(t, secondsPerDay)
        let secondsOfDay = t - day * secondsPerDay
        let (y, m, d) = civil(days: day)
        let total = y * 12 + (m - 1) + months
        let ny = floorDiv(total, 12), nm = total - ny * 12 + 1
        let nd = min(d, daysInMonth(year: ny, month: nm))
        return days(year: ny, month: nm, day: nd) * secondsPerDay + secondsOfDay
    }

    /// Whole calendar months from `a` to `b` (b ≥ a), counting a month only when the day-of-month is reached.
    public static func wholeMonths(from a: Int, to b: Int) -> Int {
        if b < a { return -wholeMonths(from: b, to: a) }
        let (y1, m1, d1) = civil(days: floorDiv(a, secondsPerDay))
        let (y2, m2, d2) = civil(days: floorDiv(b, secondsPerDay))
        var months = (y2 - y1) * 12 + (m2 - m1)
        if d2 < d1 && d2 < daysInMonth(year: y2, month: m2) { months -= 1 }
        return max(0, months)
    }

    /// `2024-01-15` for a calendar date.
    public static func formatDate(_ t: Int) -> String {
        let (y, m, d) = civil(days: floorDiv(t, secondsPerDay))
        guard (0...9999).contains(y) else { return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) }
        return String(unsafeUninitializedCapacity: 10) { bytes in
            var end = 0
            writeDate(y, m, d, into: bytes, at: &end)
            return end
        }
    }

    /// `2024-01-15T10:30:00Z` for an instant.
    ///
    /// Written digit by digit into the string's own storage: a rescore formats the same instant for every
    /// customer's history documents, and joining a dozen small strings cost it more than the scores.
    public static func formatInstant(_ t: Int) -> String {
        let day = floorDiv(t, secondsPerDay)
        let s = t - day * secondsPerDay
        let (y, m, d) = civil(days: day)
        guard (0...9999).contains(y) else {
            return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + pad(s / 3600, 2) + ":" + pad(s % 3600 / 60, 2) + ":" + pad(s % 60, 2) + "Z"
        }
        return String(unsafeUninitializedCapacity: 20) { bytes in
            var end = 0
            writeDate(y, m, d, into: bytes, at: &end)
            bytes[end] = UInt8(ascii: "T")
            end += 1
            writeDigits(s / 3600, 2, into: bytes, at: &end)
            bytes[end] = UInt8(ascii: ":")
            end += 1
            writeDigits(s % 3600 / 60, 2, into: bytes, at: &end)
            bytes[end] = UInt8(ascii: ":")
            end += 1
            writeDigits(s % 60, 2, into: bytes, at: &end)
            bytes[end] = UInt8(ascii: "Z")
            return end + 1
        }
    }

    /// `Fri, 27 Nov 2026 12:00:00 +0000`: the date of an e-mail header (RFC 5322, in UTC).
    public static func formatRFC5322(_ t: Int) -> String {
        let day = floorDiv(t, secondsPerDay)
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((day % 7) + 7) % 7]  // 1970-01-01 was a Thursday
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let (y, m, d) = civil(days: day)
        let instant = formatInstant(t)  // YYYY-MM-DDTHH:MM:SSZ
        let time = instant.dropFirst(instant.count - 9).dropLast()
        return "\(weekday), \(d) \(month[m - 1]) \(y) \(time) +0000"
    }

    /// `YYYY-MM-DD` at `end` (a year of 0…9999).
    private static func writeDate(_ y: Int, _ m: Int, _ d: Int, into bytes: UnsafeMutableBufferPointer<UInt8>, at end: inout Int) {
        writeDigits(y, 4, into: bytes, at: &end)
        bytes[end] = UInt8(ascii: "-")
        end += 1
        writeDigits(m, 2, into: bytes, at: &end)
        bytes[end] = UInt8(ascii: "-")
        end += 1
        writeDigits(d, 2, into: bytes, at: &end)
    }

    /// The `width` last decimal digits of a non-negative `value`, zero-padded.
    private static func writeDigits(_ value: Int, _ width: Int, into bytes: UnsafeMutableBufferPointer<UInt8>, at end: inout Int) {
        var rest = value
        for i in stride(from: end + width - 1, through: end, by: -1) {
            bytes[i] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        end += width
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff]]` followed by `Z`, `±HH:MM` or nothing (UTC).
    /// Returns nil for anything else, including impossible dates like 2023-02-30.
    public static func parse(_ text: String) -> Int? {
        text.withUTF8Bytes(parse(utf8:))   // the bytes in place, no array of them made (an import parses two dates a row)
    }

    private static func parse(utf8 b: UnsafeBufferPointer<UInt8>) -> Int? {
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for k in from..<from + count {
                guard b[k] >= 0x30, b[k] <= 0x39 else { return nil }
                v = v * 10 + Int(b[k] - 0x30)
            }
            return v
        }
        guard b.count >= 10, let y = num(0, 4), b[4] == 0x2D, let mo = num(5, 2), b[7] == 0x2D, let d = num(8, 2),
              (1...12).contains(mo), d >= 1, d <= daysInMonth(year: y, month: mo), y >= 1 else { return nil }
        var t = days(year: y, month: mo, day: d) * secondsPerDay
        if b.count == 10 { return t }
        guard b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "), let h = num(11, 2), b.count > 13, b[13] == 0x3A,
              let mi = num(14, 2), h < 24, mi < 60 else { return nil }
        t += h * 3600 + mi * 60
        var k = 16
        if k < b.count, b[k] == 0x3A {
            guard let s = num(k + 1, 2), s < 61 else { return nil }
            t += min(s, 59)
            k += 3
            if k < b.count, b[k] == UInt8(ascii: ".") {
                k += 1
                let start = k
                while k < b.count, b[k] >= 0x30, b[k] <= 0x39 { k += 1 }
                if k == start { return nil }
            }
        }
        if k == b.count { return t }
        if b[k] == UInt8(ascii: "Z"), k + 1 == b.count { return t }
        if b[k] == UInt8(ascii: "+") || b[k] == UInt8(ascii: "-") {
            guard k + 6 == b.count, let oh = num(k + 1, 2), b[k + 3] == 0x3A, let om = num(k + 4, 2), oh < 24, om < 60 else { return nil }
            let offset = oh * 3600 + om * 60
            return b[k] == UInt8(ascii: "+") ? t - offset : t + offset
        }
        return nil
    }

    /// Parses a calendar date only (`YYYY-MM-DD`), or an instant whose date part is used.
    public static func parseDate(_ text: String) -> Int? {
        guard let t = parse(text) else { return nil }
        // Ten bytes are ten characters; a longer text that parsed has a "T" or a space after its date, so it has
        // more than ten characters (counted without cutting the text into characters).
        return text.utf8.count == 10 ? t : startOfDay(t)
    }

    /// The current time on the process's ``Clock`` (fixed by `--today`), for the executable's edges.
    /// Engine operations take `now` from their caller.
    public static func now() -> Int { Clock.now() }
}
