import Foundation

/// What the dashboard's campaign detail (Enter on a campaign) draws beyond the performance: the funnel per
/// step and per channel, sends and responses per day, and the cost by channel (`Engine.campaignDetail`).
public struct CampaignDetail: Sendable, Equatable {
    /// Touchpoints that reached each stage (the funnel of `CampaignPerformance.touchpoints.byStatus`).
    public struct Funnel: Sendable, Equatable {
        public var label: String
        public var sent = 0, delivered = 0, opened = 0, clicked = 0, responded = 0
        /// Touchpoints still pending (scheduled, not sent).
        public var pending = 0
        /// Cost of the touches sent, currency units.
        public var cost = 0.0
        /// The stages in order, named, for bars.
        public var stages: [(String, Int)] { [("sent", sent), ("delivered", delivered), ("opened", opened), ("clicked", clicked), ("responded", responded)] }
        public static func == (a: Funnel, b: Funnel) -> Bool {
            a.label == b.label && a.stages.map(\.1) == b.stages.map(\.1) && a.pending == b.pending && a.cost == b.cost
        }
    }
    public var performance: CampaignPerformance
    /// One per step of the sequence, in order ("1 email", "2 sms").
    public var steps: [Funnel]
    /// One per channel used, in the channels' order.
    public var channels: [Funnel]
    /// Touchpoints sent and responded on each of `days` days (oldest first) up to `lastDay` (UTC days since 1970).
    public var dailySent: [Int], dailyResponded: [Int]
    public var days: Int
    /// The last day of the series: today, or the day of the campaign's last send or response when that was earlier.
    public var lastDay: Int
}

extension Engine {
    /// The campaign's detail for the dashboard: its performance, the funnel per step and per channel with the
    /// cost of each channel's sends, and the touchpoints sent and responded on each of `days` days (UTC) up to
    /// today, or up to the day of its last send or response when that was earlier (a finished campaign shows
    /// its own weeks, not a flat line). Grouped queries over the campaign's touchpoints.
    public func campaignDetail(id: String, days: Int = 30, now: Int) throws -> CampaignDetail {
        let c = try campaign(id: id)
        let performance = try campaignPerformances([c], now: now)[0]
        var byStep: [Int: CampaignDetail.Funnel] = [:], byChannel: [ContactChannel: CampaignDetail.Funnel] = [:]
        var cost: [ContactChannel: Double] = [:]
        for ch in ContactChannel.allCases { cost[ch] = Double(try channelCostCents(ch)) }
        try db.forEach("""
            SELECT step_index, channel, count(sent_at), count(delivered_at), count(opened_at), count(clicked_at), count(responded_at), sum(status = 'pending')
            FROM touchpoints WHERE campaign_id = ? GROUP BY step_index, channel
            """, [.int(c.rowID)]) { r in
            let step = r.int(0), channel = ContactChannel(rawValue: r.text(1)) ?? .email
            let counts = (r.int(2), r.int(3), r.int(4), r.int(5), r.int(6), r.int(7))
            func add(_ f: inout CampaignDetail.Funnel) {
                f.sent += counts.0; f.delivered += counts.1; f.opened += counts.2; f.clicked += counts.3; f.responded += counts.4; f.pending += counts.5
                f.cost += Double(counts.0) * (cost[channel] ?? 0) / 100
            }
            add(&byStep[step, default: CampaignDetail.Funnel(label: "")])
            add(&byChannel[channel, default: CampaignDetail.Funnel(label: channel.rawValue)])
        }
        let steps = c.sequence.enumerated().map { k, s -> CampaignDetail.Funnel in
            var f = byStep[k] ?? CampaignDetail.Funnel(label: "")
            f.label = "\(k + 1) \(s.channel?.rawValue ?? "preferred")" + (s.variants.isEmpty ? "" : " A/B")
            return f
        }
        let channels = ContactChannel.allCases.compactMap { byChannel[$0] }
        let days = max(1, min(days, 365))
        let lastActivity = try db.queryOne("SELECT max(max(coalesce(sent_at, 0)), max(coalesce(responded_at, 0))) FROM touchpoints WHERE campaign_id = ?",
                                           [.int(c.rowID)]) { $0.int(0) } ?? 0
        let today = min(Timestamp.startOfDay(now), Timestamp.startOfDay(lastActivity > 0 ? lastActivity : now)) / Timestamp.secondsPerDay
        var sent = Array(repeating: 0, count: days), responded = Array(repeating: 0, count: days)
        let from = Int64((today - days + 1) * Timestamp.secondsPerDay)
        try db.forEach("""
            SELECT sent_at / 86400, count(*) FROM touchpoints WHERE campaign_id = ?1 AND sent_at >= ?2 AND sent_at < ?3 GROUP BY 1
            """, [.int(c.rowID), .int(from), .int(Int64((today + 1) * Timestamp.secondsPerDay))]) { r in
            let k = r.int(0) - (today - days + 1)
            if sent.indices.contains(k) { sent[k] = r.int(1) }
        }
        try db.forEach("""
            SELECT responded_at / 86400, count(*) FROM touchpoints WHERE campaign_id = ?1 AND responded_at >= ?2 AND responded_at < ?3 GROUP BY 1
            """, [.int(c.rowID), .int(from), .int(Int64((today + 1) * Timestamp.secondsPerDay))]) { r in
            let k = r.int(0) - (today - days + 1)
            if responded.indices.contains(k) { responded[k] = r.int(1) }
        }
        return CampaignDetail(performance: performance, steps: steps, channels: channels, dailySent: sent, dailyResponded: responded, days: days, lastDay: today)
    }

    /// The touchpoints of a campaign still pending (scheduled, not sent), by channel: what a pause holds and a
    /// resume sends (the dashboard's pause and resume questions).
    public func pendingTouchpoints(campaignId: String) throws -> [(channel: ContactChannel, count: Int)] {
        let c = try campaign(id: campaignId)
        return try db.query("SELECT channel, count(*) FROM touchpoints WHERE campaign_id = ? AND status = 'pending' GROUP BY channel ORDER BY channel",
                            [.int(c.rowID)]) { (ContactChannel(rawValue: $0.text(0)) ?? .email, $0.int(1)) }
    }
}
