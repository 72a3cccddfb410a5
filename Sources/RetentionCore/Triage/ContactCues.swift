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

extension Engine {
    /// The compliance cues of a customer as of `now` (`ContactCues`): one customer's rows, read through their indexes.
    public func contactCues(customerId: String, now: Int) throws -> ContactCues {
        let c = try customer(id: customerId)
        let zone: TimeZone, source: ContactCues.ZoneSource
        if let own = c.timeZone.flatMap(TimeZone.init(identifier:)) { (zone, source) = (own, .customer) }
        else if let state = ContactRules.zone(forState: c.state) { (zone, source) = (state, .state) }
        else { (zone, source) = (TimeZone(identifier: "UTC")!, .utc) }
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

    /// The follow-up queue: `assignee`'s open tasks due at or before `dueBy`, earliest due first, through the
    /// open-task index (`tasks_open`: assignee, due_at). A task marked done leaves it.
    public func dueTasks(assignee: String, dueBy: Int, limit: Int = 300) throws -> [AgentTask] {
        try db.query("""
            SELECT \(AgentTask.columns) FROM \(AgentTask.from)
            WHERE t.assignee = ? AND t.done_at IS NULL AND t.due_at <= ? ORDER BY t.due_at, t.id LIMIT ?
            """, [.text(assignee), .int(Int64(dueBy)), .int(Int64(max(1, min(limit, 1000))))], AgentTask.init(row:))
    }
}
