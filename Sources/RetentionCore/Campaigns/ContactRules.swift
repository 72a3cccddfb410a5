import Foundation

/// Compliance rules checked when a touchpoint is about to be sent (not only at enrolment), so a change of
/// heart takes effect even for messages already queued.
///
/// - do-not-contact or erased: skipped;
/// - the customer opted out of the channel: skipped;
/// - calls and SMS only inside the customer's local calling window (default 08:00–21:00, `contact.window`
///   setting as "HH:MM-HH:MM"): otherwise deferred to the next opening, in the customer's time zone
///   (their own, else their state's main zone, else UTC);
/// - at most `cap` touches per customer per `days` days across all campaigns (default 3 in 7): otherwise
///   deferred until the oldest touch in the window ages out.
public enum ContactDecision: Sendable, Equatable {
    case send
    case deferUntil(Int, reason: String)
    case skip(reason: String)
}

public struct CallingWindow: Sendable, Equatable {
    /// Minutes after local midnight.
    public var start = 8 * 60
    public var end = 21 * 60

    public init(start: Int = 8 * 60, end: Int = 21 * 60) {
        self.start = start
        self.end = end
    }

    /// `HH:MM-HH:MM` (the end may be `24:00`), the start before the end; nil for anything else.
    public init?(parsing text: String) {
        func minutes(_ part: Substring) -> Int? {
            let hm = part.split(separator: ":", omittingEmptySubsequences: false)
            guard hm.count == 2, hm.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }), let h = Int(hm[0]), let m = Int(hm[1]),
                  (0...59).contains(m), (0...23).contains(h) || (h == 24 && m == 0) else { return nil }
            return h * 60 + m
        }
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = minutes(parts[0]), let end = minutes(parts[1]), start < end else { return nil }
        self.init(start: start, end: end)
    }

    /// `08:00-21:00`.
    public var description: String {
        func hm(_ v: Int) -> String { (v / 60 < 10 ? "0" : "") + "\(v / 60):" + (v % 60 < 10 ? "0" : "") + "\(v % 60)" }
        return hm(start) + "-" + hm(end)
    }

    /// `now` if it falls inside the window in `zone`, else the next opening.
    public func nextAllowed(at now: Int, zone: TimeZone) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = Date(timeIntervalSince1970: Double(now))
        let c = calendar.dateComponents([.hour, .minute], from: date)
        let minute = c.hour! * 60 + c.minute!
        if minute >= start && minute < end { return now }
        let day = calendar.startOfDay(for: date)
        let openingDay = minute < start ? day : calendar.date(byAdding: .day, value: 1, to: day)!
        let opening = calendar.date(bySettingHour: start / 60, minute: start % 60, second: 0, of: openingDay)!
        return Int(opening.timeIntervalSince1970)
    }
}

public enum ContactRules {
    /// The main IANA zone of a US state (approximate for states split between zones).
    public static func zone(forState state: String?) -> TimeZone? {
        guard let s = state?.uppercased() else { return nil }
        let eastern: Set = ["CT", "DE", "DC", "FL", "GA", "IN", "ME", "MD", "MA", "MI", "NH", "NJ", "NY", "NC", "OH", "PA", "RI", "SC", "VT", "VA", "WV", "KY"]
        let central: Set = ["AL", "AR", "IL", "IA", "KS", "LA", "MN", "MS", "MO", "NE", "ND", "OK", "SD", "TN", "TX", "WI"]
        let mountain: Set = ["CO", "ID", "MT", "NM", "UT", "WY"]
        let pacific: Set = ["CA", "NV", "OR", "WA"]
        if eastern.contains(s) { return TimeZone(identifier: "America/New_York") }
        if central.contains(s) { return TimeZone(identifier: "America/Chicago") }
        if mountain.contains(s) { return TimeZone(identifier: "America/Denver") }
        if pacific.contains(s) { return TimeZone(identifier: "America/Los_Angeles") }
        return ["AZ": "America/Phoenix", "AK": "America/Anchorage", "HI": "Pacific/Honolulu"][s].flatMap(TimeZone.init(identifier:))
    }

    /// Decides whether a touchpoint may go now.
    public static func decide(channel: ContactChannel, doNotContact: Bool, optedOut: Bool, zone: TimeZone, now: Int,
                              recentTouches: [Int], window: CallingWindow, cap: Int, capDays: Int) -> ContactDecision {
        if doNotContact { return .skip(reason: "do_not_contact") }
        if optedOut { return .skip(reason: "opted_out_\(channel.rawValue)") }
        if channel == .call || channel == .sms {
            let next = window.nextAllowed(at: now, zone: zone)
            if next > now { return .deferUntil(next, reason: "outside_calling_window") }
        }
        let since = now - capDays * Timestamp.secondsPerDay
        let inWindow = recentTouches.filter { $0 > since }.sorted()
        if inWindow.count >= cap {
            return .deferUntil(inWindow[inWindow.count - cap] + capDays * Timestamp.secondsPerDay + 1, reason: "frequency_cap")
        }
        return .send
    }
}
