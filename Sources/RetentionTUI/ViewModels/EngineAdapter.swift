import Foundation
import RetentionCore

/// The one place the dashboard turns the engine's typed values into the small values the panes draw
/// (`HeaderMetrics`, `CampaignRow`, `CampaignReport`, `DetailScores`), into an action's sentence, or into a
/// typed write (`NewEvent`, `CustomerPatch`). It reads no JSON document: every figure is a field of a
/// type the engine returns, so a renamed figure fails to compile instead of showing a dash on screen.
enum EngineAdapter {
    /// The header strip from the period's metrics (`Engine.retentionMetrics`) and the count of high-risk customers.
    static func header(_ m: RetentionMetrics, highRiskCustomers: Int) -> HeaderMetrics {
        HeaderMetrics(
            retentionRate: m.customers.retentionRate,
            churnRate: m.customers.churnRate,
            netRevenueRetention: m.revenue.netRevenueRetention,
            averageLTV: m.revenue.averageLTV ?? m.revenue.averageCurrentLTV,
            averageHealth: m.health.averageHealthScore,
            highRiskCustomers: highRiskCustomers,
            activeCampaigns: m.campaigns.activeCampaigns)
    }

    /// A campaign pane row from a campaign and its performance. "Reached" is `customers.reached`: the
    /// customers with a touchpoint counted in `touchpoints.byStatus[.delivered]`.
    static func campaignRow(_ c: Campaign, performance p: CampaignPerformance) -> CampaignRow {
        CampaignRow(campaign: c, targeted: p.customers.targeted, reached: p.customers.reached,
                    openRate: p.touchpoints.rates.openRate, responseRate: p.touchpoints.rates.responseRate,
                    revenue: p.revenue.retained, cost: p.cost, roi: p.roi, upliftPoints: p.retention.upliftPoints,
                    sent: p.touchpoints.byStatus[.sent] ?? 0, responded: p.touchpoints.byStatus[.responded] ?? 0,
                    pending: p.touchpoints.byCurrentStatus[.pending] ?? 0,
                    treatedRate: p.retention.treatedRate, controlRate: p.retention.controlRate, tooEarly: p.measurement.tooEarlyText)
    }

    /// The campaign overlay's figures from the campaign's performance.
    static func campaignReport(_ p: CampaignPerformance) -> CampaignReport {
        var r = CampaignReport()
        let rates = p.touchpoints.rates
        r.status = p.status.rawValue
        r.targeted = Double(p.customers.targeted)
        r.reached = Double(p.customers.reached)
        r.control = Double(p.customers.control)
        r.touchpoints = Double(p.touchpoints.total)
        for status in TouchpointStatus.allCases { r.byStatus[status] = Double(p.touchpoints.byStatus[status] ?? 0) }
        (r.deliveryRate, r.openRate, r.clickRate, r.responseRate) = (rates.deliveryRate, rates.openRate, rates.clickRate, rates.responseRate)
        (r.treatedRate, r.controlRate, r.upliftPoints) = (p.retention.treatedRate, p.retention.controlRate, p.retention.upliftPoints)
        (r.revenueRetained, r.revenueIncremental) = (p.revenue.retained, p.revenue.incremental)
        (r.cost, r.roi, r.roiOnUplift) = (p.cost, p.roi, p.roiOnUplift)
        let g = p.goals
        r.goalCustomers = (Double(g.targetCustomers.actual), g.targetCustomers.goal.map(Double.init))
        r.goalRetained = (Double(g.expectedRetention.actual), g.expectedRetention.goal.map(Double.init))
        r.goalRevenue = (g.expectedRevenue.actual, g.expectedRevenue.goal.map { Double($0) / 100 })
        return r
    }

    /// Overall health from the stored health scores, oldest first (they come newest first).
    static func healthHistory(_ newestFirst: [HealthScorePoint]) -> [Double] {
        newestFirst.reversed().map(\.overall)
    }

    /// The detail's scores from the latest stored health score, the churn prediction (nil for an erased
    /// customer) and the latest stored lifetime value. Figures rounded as the API shows them (the top
    /// factor's impact to 2 decimals, the model's AUC and calibration slope to 4).
    static func detailScores(health: HealthScorePoint?, prediction: CustomerChurnPrediction?, ltv: StoredLifetimeValue?) -> DetailScores {
        func round(_ v: Double, _ places: Double) -> Double { let f = pow(10, places); return (v * f).rounded() / f }
        var s = DetailScores()
        for (name, score) in health?.components ?? [] { s.components[name] = score }
        if let p = prediction {
            s.confidence = p.prediction.confidence
            s.hasTopFactor = true
            s.topFactorTitle = p.prediction.topFactor?.title
            s.topFactorImpact = p.prediction.topFactor.map { round($0.contribution, 2) } ?? 0
            s.model = DetailScores.ModelLine(trained: p.model.trained, description: p.model.description,
                                             holdoutAUC: p.model.holdoutAUC.map { round($0, 4) },
                                             calibrationSlope: p.model.calibration?.slope.map { round($0, 4) })
            s.factors = p.prediction.factors.map { ($0.name, $0.impact) }
            s.recommendations = p.prediction.recommendations.map { ($0.action, $0.priority == "high", $0.expectedImpact) }
        }
        if let l = ltv {
            s.ltv = DetailScores.LTVLine(category: l.category, totalRevenue: l.totalRevenue, totalCost: l.totalCost, netProfit: l.netProfit,
                                         projectedProfit: l.projectedProfit, retentionRate: l.retentionRate,
                                         averageLifespanMonths: l.averageLifespanMonths,
                                         revenueByLine: l.revenueByLine.map { ($0.line, $0.amount) })
        }
        return s
    }

    /// An event's first three data fields as `key=value`, for the detail's event list. The spec leaves an
    /// event's `data` free-form (any JSON object, its members depending on the event and on who recorded
    /// it), so it has no typed form: showing its first members as they are is the one-line summary, and
    /// the only place the dashboard reads JSON.
    static func eventSummary(_ e: RetentionEvent) -> String {
        guard let data = e.data, case .object(let pairs) = data else { return "" }
        return pairs.prefix(3).map { "\($0.0)=\($0.1.stringValue ?? $0.1.serialized())" }.joined(separator: " ")
    }

    /// The sentence after recording a missed payment: the health score the event's rescore stored (the
    /// latest stored score, calculated at the event's moment), when it ran.
    static func paymentMissedSentence(latestHealth: HealthScorePoint?, recordedAt now: Int) -> String {
        let health = latestHealth.flatMap { $0.calculatedAt == now ? $0.overall : nil }
        return "Missed payment recorded" + (health.map { String(format: "; health now %.1f.", $0) } ?? ".")
    }

    /// The sentence after a rescore.
    static func rescoredSentence(_ h: CustomerHealthScore) -> String {
        "Rescored: health \(JSONValue.format(number: h.health.overall)), \(h.churnRisk.rawValue) risk."
    }

    /// The rows of the at-risk list whose ▲/▼ are read: the first screenfuls (one indexed read of two history
    /// points each, through the typed `Engine.healthHistory`).
    static let deltaRows = 80

    /// The change of each customer's churn probability at their last scoring, in points (`ScoreChange`);
    /// customers scored once have none.
    static func churnDeltas(_ engine: Engine, _ ids: [String]) throws -> [String: Double] {
        var out: [String: Double] = [:]
        for id in ids {
            let points = try engine.healthHistory(customerId: id, limit: 2)
            if points.count == 2 { out[id] = ScoreChange(from: points[1], to: points[0]).churnDeltaPoints }
        }
        return out
    }

    /// "▲12.5" / "▼3.0" for a change in points, nothing for none or less than 0.05.
    static func deltaMark(_ points: Double?, glyphs: Glyphs) -> String {
        guard let points, abs(points) >= 0.05 else { return "" }
        return (points > 0 ? glyphs.rise : glyphs.fall) + String(format: "%.1f", abs(points))
    }

    /// The sentence after logging a contact: its outcome and channel, and the follow-up's time in the
    /// customer's zone, named ("; follow-up Tue 8 Dec 09:00 America/Los_Angeles").
    static func contactLoggedSentence(_ contact: ContactLog, zone: CustomerZone, now: Int) -> String {
        "Contact logged: \(contact.outcome.title) by \(contact.channel.rawValue)"
            + (contact.followUpAt.map { "; follow-up \(Formatting.customerTime($0, in: zone, now: now))" } ?? "") + "."
    }

    /// Snoozes a customer `days` days after today on their calendar (today where they are, in their zone),
    /// or until `date`'s day: the snooze ends at the start of that day there (`CustomerZone.snoozeEnd`), and
    /// the sentence says when, in their zone, named.
    static func snooze(_ engine: Engine, customerID id: String, days: Int? = nil, date: Int? = nil, now: Int) throws -> ActionOutcome {
        let zone = try engine.customerZone(customerId: id)
        let today = zone.day(of: now)
        let day = date.map { Timestamp.startOfDay($0) / Timestamp.secondsPerDay } ?? today + (days ?? 1)
        guard day > today else {
            throw RetentionError.invalid("until", "must be a day after today where the customer is (\(Formatting.zoneName(zone)): \(Timestamp.formatDate(today * Timestamp.secondsPerDay)))")
        }
        let c = try engine.snooze(customerId: id, until: zone.snoozeEnd(day: day), now: now)
        return .status("\(c.fullName) snoozed until \(c.snoozedUntil.map { Formatting.customerTime($0, in: zone, now: now) } ?? "—").")
    }

    /// The contact to record from a finished contact form.
    static func contactLog(_ d: ContactDraft) -> ContactLog {
        ContactLog(channel: d.channel, outcome: d.outcome ?? .reached, note: d.note, policy: d.policyID, followUpAt: d.followUpAt)
    }

    /// A missed payment with its policy, amount and due date (D26), rescored at once.
    static func paymentMissedEvent(customerID: String, policy: String?, amount: Double?, dueDate: Int?) -> NewEvent {
        var data: [(String, JSONValue)] = []
        if let amount { data.append(("amount", .number(amount))) }
        if let dueDate { data.append(("dueDate", .string(Timestamp.formatDate(dueDate)))) }
        return NewEvent(customer: customerID, type: .payment_missed, policy: policy, severity: .warning, data: data.isEmpty ? nil : .object(data),
                        triggeredActions: [TriggeredAction.update_health_score.rawValue])
    }

    /// The missed payment's fields as the `$` prompt takes them ("POLICY AMOUNT DUE-DATE"), to give them back when refused.
    static func paymentText(policy: String?, amount: Double?, dueDate: Int?) -> String {
        [policy, amount.map { JSONValue.format(number: $0) }, dueDate.map(Timestamp.formatDate)].compactMap { $0 }.joined(separator: " ")
    }

    /// A note event.
    static func noteEvent(customerID: String, text: String) -> NewEvent {
        NewEvent(customer: customerID, type: .note_added, data: .object([("note", .string(text))]))
    }


    /// The patch adding a tag; the version read makes a concurrent edit by someone else a clear conflict, not a lost tag.
    static func tagPatch(_ c: Customer, adding tag: String) -> CustomerPatch {
        var patch = CustomerPatch()
        patch.tags = c.tags.contains(tag) ? c.tags : c.tags + [tag]
        patch.version = c.version
        return patch
    }

    /// How many new matches `v` lists (the overlay scrolls through them).
    static let previewListed = 200

    /// The title of `v`'s overlay: new matches and those already enrolled (`Engine.segmentPreview`).
    static func segmentPreviewTitle(_ p: SegmentPreview) -> String {
        "\(NumberText.grouped(p.newMatches)) new \(p.newMatches == 1 ? "match" : "matches"), \(NumberText.grouped(p.alreadyEnrolled)) already enrolled"
    }

    /// `v`'s lines: one per new match listed, then "…and N more" for those not listed.
    static func segmentPreviewLines(_ p: SegmentPreview) -> [String] {
        let listed = p.customers.map { "\($0.fullName)  \($0.email)  \($0.churnRisk.rawValue)" }
        let none = p.newMatches == 0 ? ["No new customer matches the segment" + (p.alreadyEnrolled > 0 ? "; every match is already enrolled." : ".")] : []
        return none + listed + (p.notListed > 0 ? ["…and \(NumberText.grouped(p.notListed)) more"] : [])
    }
}
