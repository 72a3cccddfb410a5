import Foundation

/// What activating (or resuming) a campaign would do now, read before it is done, so the one who presses the
/// key is told what follows: the dashboard asks with these figures before it activates.
///
/// - A draft or scheduled campaign whose start has come enrols `enrols` customers: every customer matching the
///   target segment who was never enrolled (the count `retention campaign preview` gives). Of them, `control`
///   are held out as the control group, drawn by the enrolment's own `ControlGroupDraw`, so the figure is
///   exact, not an estimate. Each of the others gets one touchpoint per step: `messages = (enrols − control) × steps`.
/// - A draft whose start date is still ahead becomes `scheduled`: it enrols nobody now (`startsLater`).
/// - A paused campaign resumes its `pendingTouchpoints`, their due times moved on by the time spent paused.
public struct ActivationPlan: Sendable, Equatable {
    public var campaignName: String
    /// The status it would move from.
    public var from: CampaignStatus
    /// Set when the campaign would only become `scheduled`: its start date.
    public var startsLater: Int?
    public var enrols: Int
    public var control: Int
    public var messages: Int
    /// Each step's channel, in order; nil for a step that goes by each customer's preferred channel.
    public var channels: [ContactChannel?]
    /// For a paused campaign: the touchpoints waiting to be sent.
    public var pendingTouchpoints: Int

    /// The plan in a sentence, for a question ("Activate …? It enrols …").
    public var sentence: String {
        let n = NumberText.grouped
        if from == .paused {
            return "Resume \"\(campaignName)\"? \(n(pendingTouchpoints)) pending touchpoint\(pendingTouchpoints == 1 ? "" : "s") will be sent, moved on by the time spent paused."
        }
        if let start = startsLater {
            return "Activate \"\(campaignName)\"? It starts on \(Timestamp.formatDate(start)): nobody is enrolled until then."
        }
        let names = channels.map { $0?.rawValue ?? "preferred channel" }
        var seen = Set<String>()
        let via = names.filter { seen.insert($0).inserted }.joined(separator: ", ")
        return "Activate \"\(campaignName)\"? It enrols \(n(enrols)) customer\(enrols == 1 ? "" : "s") (\(n(control)) held out as the control group) "
            + "and schedules \(n(messages)) message\(messages == 1 ? "" : "s") by \(via)."
    }
}

extension Engine {
    /// What `setCampaignStatus(id:to: .active)` would do now (see `ActivationPlan`); reads only.
    public func activationPlan(campaignId: String, now: Int) throws -> ActivationPlan {
        let c = try campaign(id: campaignId)
        var plan = ActivationPlan(campaignName: c.name, from: c.status, startsLater: nil, enrols: 0, control: 0, messages: 0,
                                  channels: c.sequence.map(\.channel), pendingTouchpoints: 0)
        switch c.status {
        case .paused:
            plan.pendingTouchpoints = try db.scalarInt("SELECT count(*) FROM touchpoints WHERE campaign_id = ? AND status = 'pending'", [.int(c.rowID)])
        case .draft, .scheduled:
            if let start = c.schedule.startsAt, start > now { plan.startsLater = start; break }
            let (condition, params) = segmentCondition(c.targetSegment, now: now)
            let counts = try db.queryOne("""
                SELECT count(*), coalesce(sum(\(ControlGroupDraw.sql(customerRow: "c.id", campaignRow: "?", threshold: "?"))), 0) FROM customers c
                WHERE \(condition) AND NOT EXISTS (SELECT 1 FROM campaign_enrollments e WHERE e.campaign_id = ? AND e.customer_id = c.id)
                """, [.int(c.rowID), .int(ControlGroupDraw.threshold(c.controlFraction))] + params + [.int(c.rowID)]) { ($0.int(0), $0.int(1)) }
            (plan.enrols, plan.control) = counts ?? (0, 0)
            plan.messages = (plan.enrols - plan.control) * c.sequence.count
        default:
            break
        }
        return plan
    }
}
