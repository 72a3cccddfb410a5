import Foundation

/// What a specialist should know before contacting a customer or enrolling them (D16): the same compliance
/// rules the dispatcher applies at send time (`ContactRules`), read for a person about to act.
///
/// - do-not-contact;
/// - the channel is one the customer opted out of;
/// - a call or SMS outside the customer's calling window (`contact.window`, default 08:00–21:00) in their time
///   zone: their own, else their state's main zone, else UTC (`zoneSource` says which);
/// - the weekly cap reached: 3 or more touches in the last 7 days, counting what the dispatcher counts
///   (touchpoints sent) plus the contacts logged (`contact_made`): both reached the customer.
public struct ContactCues: Sendable, Equatable {
    public enum ZoneSource: String, Sendable { case customer, state, utc }

    public var doNotContact: Bool
    public var optedOut: [ContactChannel]
    public var preferred: ContactChannel?
    /// The time zone the calling window and follow-up times are read in, and where it came from.
    public var zone: String
    public var zoneSource: ZoneSource
    public var window: CallingWindow
    /// When a call or SMS may next be made (`now` when inside the window).
    public var nextCallAt: Int
    /// Touches in the last `capDays` days, and the cap.
    public var recentTouches: Int
    public var cap = 3
    public var capDays = 7

    /// The cues for contacting by `channel` now, as sentences, the most serious first (empty: nothing to say).
    public func cues(for channel: ContactChannel?, now: Int) -> [String] {
        var out: [String] = []
        if doNotContact { out.append("do not contact") }
        if let channel, optedOut.contains(channel) { out.append("opted out of \(channel.rawValue)") }
        if channel == nil || channel == .call || channel == .sms, nextCallAt > now {
            out.append("outside the calling window \(window.description) (\(zone)\(zoneSource == .utc ? ", no zone on file" : ""))")
        }
        if recentTouches >= cap { out.append("weekly cap reached (\(recentTouches) touches in \(capDays) days)") }
        return out
    }
}

/// A customer's time zone as a specialist's tools read it (the calling window, follow-up and snooze times):
/// their own (`timeZone`, when it is a zone the system knows), else their state's main zone, else UTC, said
/// as "no zone on file".
public struct CustomerZone: Sendable, Equatable {
    public let timeZone: TimeZone
    public let source: ContactCues.ZoneSource
    public var identifier: String { timeZone.identifier }

    public init(timeZone: TimeZone, source: ContactCues.ZoneSource) {
        self.timeZone = timeZone
        self.source = source
    }

    public static let utc = CustomerZone(timeZone: TimeZone(identifier: "UTC")!, source: .utc)

    /// The zone of a customer whose `time_zone` and `state` are these.
    public static func resolve(timeZone: String?, state: String?) -> CustomerZone {
        if let own = timeZone.flatMap(TimeZone.init(identifier:)) { return CustomerZone(timeZone: own, source: .customer) }
        if let zone = ContactRules.zone(forState: state) { return CustomerZone(timeZone: zone, source: .state) }
        return .utc
    }

    /// When a snooze to calendar day `day` (days since 1970-01-01) ends: the start of that day in this zone,
    /// and never before 00:00 UTC of it, so the day the API and the audit give (`snoozedUntil`, a UTC date)
    /// is the same day. West of UTC that is local midnight (Los Angeles: 08:00 UTC in winter); east of UTC,
    /// 00:00 UTC, already that day there (Tokyo: 09:00).
    public func snoozeEnd(day: Int) -> Int {
        max(Timestamp.startOfDay(days: day, in: timeZone), day * Timestamp.secondsPerDay)
    }

    /// When a snooze given as `until` ends: a date's instant (00:00 UTC, as the API and a CSV give a date) is
    /// that date, ending at its start here (`snoozeEnd(day:)`); any other instant is kept.
    public func snoozeEnd(given until: Int) -> Int {
        until % Timestamp.secondsPerDay == 0 ? snoozeEnd(day: until / Timestamp.secondsPerDay) : until
    }

    /// The calendar day (days since 1970-01-01) instant `t` falls on in this zone: `⌊(t + offset(t)) / 86,400⌋`,
    /// the offset from UTC in force at `t` (daylight saving included).
    public func day(of t: Int) -> Int {
        Timestamp.floorDiv(t + timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))), Timestamp.secondsPerDay)
    }
}

/// Where a follow-up stands on the customer's calendar: due on a day before today there (overdue), today
/// there, or on a later day.
public enum FollowUpDay: Sendable, Equatable { case overdue, today, later }

extension AgentTask {
    /// The task's due day against today, both read on the customer's calendar (`customerZone`): a follow-up
    /// due at 17:00 in Los Angeles on the 8th is due "today" all through the 8th there, even once it is the
    /// 9th in UTC, and overdue from the 9th there.
    public func dueDay(now: Int) -> FollowUpDay {
        let due = customerZone.day(of: dueAt), today = customerZone.day(of: now)
        return due < today ? .overdue : due == today ? .today : .later
    }
}

extension Engine {
    /// The compliance cues of a customer as of `now` (`ContactCues`): one customer's rows, read through their indexes.
    public func contactCues(customerId: String, now: Int) throws -> ContactCues {
        let c = try customer(id: customerId)
        let resolved = CustomerZone.resolve(timeZone: c.timeZone, state: c.state)
        let zone = resolved.timeZone, source = resolved.source
        let window = try db.settings.value(Settings.contactWindow)
        let since = Int64(now - 7 * Timestamp.secondsPerDay)
        let touches = try db.scalarInt("""
            SELECT (SELECT count(*) FROM touchpoints WHERE customer_id = ?1 AND sent_at >= ?2)
                 + (SELECT count(*) FROM retention_events WHERE customer_id = ?1 AND occurred_at >= ?2 AND occurred_at <= ?3 AND event_type = 'contact_made')
            """, [.int(c.rowID), .int(since), .int(Int64(now))])
        return ContactCues(doNotContact: c.doNotContact || c.erasedAt != nil, optedOut: c.optedOutChannels, preferred: c.preferredContactMethod,
                           zone: zone.identifier, zoneSource: source, window: window, nextCallAt: window.nextAllowed(at: now, zone: zone),
                           recentTouches: touches)
    }

    /// The time zone a customer's follow-up and snooze times are read and shown in (`CustomerZone`): one
    /// row read through the customers' unique id.
    public func customerZone(customerId: String) throws -> CustomerZone {
        guard let z = try db.queryOne("SELECT time_zone, state FROM customers WHERE uuid = ?", [.text(customerId)],
                                      { CustomerZone.resolve(timeZone: $0.optionalText(0), state: $0.optionalText(1)) }) else {
            throw RetentionError.notFound("Customer", customerId)
        }
        return z
    }

    /// The follow-up queue: `assignee`'s open tasks due today or earlier, "today" on each customer's own
    /// calendar (`AgentTask.dueDay`), earliest due first. One indexed, paged read through the open-task
    /// index (`tasks_open`: assignee, due_at) that carries each row's zone (the customer's `time_zone` and
    /// `state`, joined by primary key): it reads the tasks due before `now` + 26 hours (the end of today in
    /// any zone, a 25-hour day included) and keeps those due today where their customer is. A task marked
    /// done leaves it.
    public func followUpsDue(assignee: String, now: Int, limit: Int = 300) throws -> [AgentTask] {
        try db.query("""
            SELECT \(AgentTask.columns) FROM \(AgentTask.from)
            WHERE t.assignee = ? AND t.done_at IS NULL AND t.due_at < ? ORDER BY t.due_at, t.id LIMIT ?
            """, [.text(assignee), .int(Int64(now + 26 * 3_600)), .int(Int64(max(1, min(limit, 1000))))], AgentTask.init(row:))
            .filter { $0.dueDay(now: now) != .later }
    }
}
