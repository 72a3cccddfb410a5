import Foundation

/// Cost of one touch per channel, in cents. Defaults are typical list prices; `settings` keys
/// `cost.email`, `cost.sms`, `cost.call`, `cost.notification`, `cost.mail` (in cents) override them.
public enum ChannelCosts {
    public static let defaults: [ContactChannel: Int] = [.email: 1, .sms: 5, .call: 400, .notification: 0, .mail: 120]
}

extension Engine {
    public func channelCostCents(_ channel: ContactChannel) throws -> Int {
        if let v = try db.queryOne("SELECT value FROM settings WHERE key = ?", [.text("cost.\(channel.rawValue)")], { $0.text(0) }), let cents = Int(v) {
            return cents
        }
        return ChannelCosts.defaults[channel] ?? 0
    }

    /// A campaign's performance (`GET /campaigns/:id/performance`).
    ///
    /// Definitions (T = treated customers: enrolled and contacted; C = the control group: enrolled, never contacted):
    /// - targeted = |T|; reached = customers in T with at least one touchpoint delivered;
    /// - rates over touchpoints: deliveryRate = delivered / sent; openRate = opened / delivered;
    ///   clickRate = clicked / delivered; responseRate = responded / delivered; clickToOpenRate = clicked / opened
    ///   (a touchpoint counts at every stage it reached: a click is also an open and a delivery);
    /// - engagementRate = customers who opened, clicked or responded / reached;
    /// - retention rate of a group = customers still holding a policy in force / group size;
    /// - revenue retained = premium of the terms renewed (`policy_renewed`) by the group's customers between
    ///   enrolment and 90 days after the sequence's last step (the attribution window);
    /// - cost = Σ touches sent × the channel's cost per touch;
    /// - ROI = (revenue retained − cost) / cost × 100;
    /// - with a control group: uplift = treated retention rate − control retention rate (percentage points);
    ///   incremental revenue = revenue(T) − revenue(C) × |T| / |C|; ROI on uplift = (incremental revenue − cost) / cost × 100.
    /// A rate with an empty denominator is null.
    public func campaignPerformance(id: String, now: Int) throws -> JSONValue {
        let c = try campaign(id: id)
        let attribution = (c.sequence.last?.delayMinutes ?? 0) * 60 + 90 * Timestamp.secondsPerDay
        func pct(_ n: Double, _ d: Double) -> JSONValue { d > 0 ? .rounded(n / d * 100, 2) : .null }
        // The touchpoints, in one read: counts by status, by stage and by channel sent, and the customers reached and engaged.
        struct TouchpointTotals {
            var byStatus: [String: Int] = [:], sentByChannel: [String: Int] = [:]
            var sent = 0.0, delivered = 0.0, opened = 0.0, clicked = 0.0, responded = 0.0, total = 0
            var reached = Set<Int64>(), engaged = Set<Int64>()
        }
        var tp = TouchpointTotals()
        try db.forEach("""
            SELECT customer_id, status, channel, sent_at IS NOT NULL, delivered_at IS NOT NULL, opened_at IS NOT NULL, clicked_at IS NOT NULL,
                   responded_at IS NOT NULL
            FROM touchpoints WHERE campaign_id = ?
            """, [.int(c.rowID)]) { r in
            let (sent, delivered, opened, clicked, responded) = (r.bool(3), r.bool(4), r.bool(5), r.bool(6), r.bool(7))
            tp.total += 1
            tp.byStatus[r.text(1), default: 0] += 1
            if sent { tp.sent += 1; tp.sentByChannel[r.text(2), default: 0] += 1 }
            if delivered { tp.delivered += 1; tp.reached.insert(r.int64(0)) }
            if opened { tp.opened += 1 }
            if clicked { tp.clicked += 1 }
            if responded { tp.responded += 1 }
            if opened || clicked || responded { tp.engaged.insert(r.int64(0)) }
        }
        // The enrolments, in customer order: whether each still holds a policy in force (from the customer's
        // policies index, not the wide customer row) and the premium of the terms they renewed in the window.
        struct Group { var size = 0.0; var retained = 0.0; var revenue = 0.0 }
        var groups: [Bool: Group] = [false: Group(), true: Group()]
        try db.forEach("""
            SELECT e.is_control,
                   EXISTS (SELECT 1 FROM policies p WHERE p.customer_id = e.customer_id AND p.status IN ('active', 'pending_renewal')),
                   (SELECT sum(coalesce(json_extract(ev.data, '$.premiumAfter') * 100, p.annual_premium_cents) * p.term_months / 12.0)
                    FROM retention_events ev JOIN policies p ON p.id = ev.policy_id
                    WHERE ev.customer_id = e.customer_id AND ev.event_type = 'policy_renewed'
                      AND ev.occurred_at >= e.enrolled_at AND ev.occurred_at < e.enrolled_at + ?2)
            FROM campaign_enrollments e WHERE e.campaign_id = ?1
            """, [.int(c.rowID), .int(Int64(attribution))]) { r in
            var group = groups[r.bool(0)]!
            group.size += 1
            if r.bool(1) { group.retained += 1 }
            group.revenue += r.double(2)
            groups[r.bool(0)] = group
        }
        let treated = groups[false]!, control = groups[true]!
        var costCents = 0.0
        for (channel, n) in tp.sentByChannel {
            costCents += Double(n * (try channelCostCents(ContactChannel(rawValue: channel) ?? .email)))
        }
        let treatedRate = treated.size > 0 ? treated.retained / treated.size : nil
        let controlRate = control.size > 0 ? control.retained / control.size : nil
        let incremental: Double? = control.size > 0 ? treated.revenue - control.revenue * treated.size / control.size : nil
        let roi: JSONValue = costCents > 0 ? .rounded((treated.revenue - costCents) / costCents * 100, 2) : .null
        let roiUplift: JSONValue = costCents > 0 && incremental != nil ? .rounded((incremental! - costCents) / costCents * 100, 2) : .null
        let customers: JSONValue = .object([("targeted", .number(treated.size)), ("reached", .int(tp.reached.count)), ("engaged", .int(tp.engaged.count)),
                                            ("control", .number(control.size))])
        let statusCounts: [(String, JSONValue)] = TouchpointStatus.allCases.map { ($0.rawValue, JSONValue.int(tp.byStatus[$0.rawValue] ?? 0)) }
        let rates: JSONValue = .object([("deliveryRate", pct(tp.delivered, tp.sent)), ("openRate", pct(tp.opened, tp.delivered)),
                                        ("clickRate", pct(tp.clicked, tp.delivered)), ("responseRate", pct(tp.responded, tp.delivered)),
                                        ("clickToOpenRate", pct(tp.clicked, tp.opened))])
        let touchpoints: JSONValue = .object([("total", .int(tp.total)), ("byStatus", .object(statusCounts)), ("rates", rates)])
        var uplift: JSONValue = .null
        if let t = treatedRate, let c = controlRate { uplift = .rounded((t - c) * 100, 2) }
        let retention: JSONValue = .object([("treatedRate", treatedRate.map { .rounded($0 * 100, 2) } ?? .null),
                                            ("controlRate", controlRate.map { .rounded($0 * 100, 2) } ?? .null),
                                            ("upliftPoints", uplift),
                                            ("treatedSize", .number(treated.size)), ("controlSize", .number(control.size))])
        let revenue: JSONValue = .object([("retained", .rounded(treated.revenue / 100, 2)), ("control", .rounded(control.revenue / 100, 2)),
                                          ("incremental", incremental.map { .rounded($0 / 100, 2) } ?? .null),
                                          ("attributionWindowDays", .int(attribution / Timestamp.secondsPerDay))])
        let goals: JSONValue = .object([
            ("targetCustomers", .object([("goal", .optional(c.goals.targetCustomers)), ("actual", .number(treated.size))])),
            ("expectedRetention", .object([("goal", .optional(c.goals.expectedRetention)), ("actual", .number(treated.retained))])),
            ("expectedRevenue", .object([("goal", .money(c.goals.expectedRevenueCents)), ("actual", .rounded(treated.revenue / 100, 2))])),
        ])
        return .object([
            ("campaignId", .string(c.id)), ("name", .string(c.name)), ("status", .string(c.status.rawValue)),
            ("customers", customers), ("touchpoints", touchpoints), ("engagementRate", pct(Double(tp.engaged.count), Double(tp.reached.count))),
            ("retention", retention), ("revenue", revenue), ("cost", .rounded(costCents / 100, 2)),
            ("roi", roi), ("roiOnUplift", roiUplift), ("goals", goals),
            ("calculatedAt", .string(Timestamp.formatInstant(now))),
        ])
    }
}
