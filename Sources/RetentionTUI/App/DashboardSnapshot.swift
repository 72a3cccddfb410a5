import Foundation
import RetentionCore

/// The numbers of the header strip.
public struct HeaderMetrics: Sendable, Equatable {
    public var retentionRate: Double?
    public var churnRate: Double?
    public var netRevenueRetention: Double?
    public var averageLTV: Double?
    public var averageHealth: Double?
    public var highRiskCustomers: Int
    public var activeCampaigns: Int
}

/// One row of the campaign pane: the campaign and its performance summary.
public struct CampaignRow: Sendable, Equatable {
    public var campaign: Campaign
    public var targeted: Int
    public var reached: Int
    public var openRate: Double?
    public var responseRate: Double?
    public var revenue: Double
    public var cost: Double
    public var roi: Double?
    public var upliftPoints: Double?
    /// False until the campaign's performance has been read (the numbers are then zeros, shown as "…").
    public var measured = true
    /// Touchpoints sent and responded (the funnel's stages), and those pending now (what a pause holds).
    public var sent = 0, responded = 0, pending = 0
    /// Retention of the treated and the control group in percent; nil for an empty group.
    public var treatedRate: Double?, controlRate: Double?
    /// "too early (N of M measured)" while retention, uplift and ROI cannot be judged yet; nil after.
    public var tooEarly: String?

    /// A row whose numbers have not been read yet.
    static func unmeasured(_ campaign: Campaign) -> CampaignRow {
        CampaignRow(campaign: campaign, targeted: 0, reached: 0, openRate: nil, responseRate: nil, revenue: 0, cost: 0, roi: nil, upliftPoints: nil,
                    measured: false)
    }
}

/// Everything shown about the selected customer.
public struct CustomerDetail: Sendable, Equatable {
    public var customer: Customer
    public var policies: [Policy]
    public var events: [RetentionEvent]
    public var touchpoints: [Touchpoint]
    /// Overall health, oldest first, for the sparkline.
    public var healthHistory: [Double]
    /// Health components, the churn prediction with its factors and recommendations, the lifetime value.
    public var scores = DetailScores()
    /// The customer's open tasks, the earliest due first.
    public var tasks: [AgentTask] = []
    /// A specialist's view (Panes/DetailSections.swift): why in words, what changed since the last score (nil
    /// with `scorings` < 2), and the compliance cues.
    public var reasons: [RiskReason] = []
    public var change: ScoreChange?
    public var scorings = 0
    public var cues: ContactCues?
    /// The specialist's risk level in force, if any (shown beside the model's).
    public var riskOverride: RiskOverride?
    /// The customer's time zone: their follow-up and snooze times are shown in it (`CustomerZone`).
    public var zone = CustomerZone.utc
    /// The names of the customer's agent, owner and task assignees, by id (`Engine.agentNames`; an id
    /// without a name is shown as itself).
    public var agentNames: [String: String] = [:]
}

/// A follow-up that left the `F` view since the last read: whose, and why (done, moved to a later day,
/// now someone else's).
public struct FollowUpDeparture: Sendable, Equatable {
    public var taskID: String
    public var customerName: String
    public var reason: String
}

/// What the panes show, collected by the background worker in one go.
public struct DashboardSnapshot: Sendable, Equatable {
    /// Nil while the header's metrics are still being computed (they arrive after the panes).
    public var header: HeaderMetrics?
    public var atRisk: [AtRiskEntry]
    /// Former customers, most recent leavers first, when the at-risk pane shows the win-back view (else empty).
    public var winBack: [WinBackEntry] = []
    public var renewals: [RenewalEntry]
    public var campaigns: [CampaignRow]
    public var detail: CustomerDetail?
    /// Whether the book holds any customer (the empty at-risk pane says what to do next).
    public var hasCustomers: Bool
    /// Whether any customer with a policy in force has been scored (`customer_totals` counts those only;
    /// an empty at-risk pane asks for a rescore only when none has).
    public var hasScores = true
    /// The filters the lists were read for (nil: unknown, taken as current).
    public var request: SnapshotRequest?
    public var loadedAt: Int
    /// The dashboard user's open tasks, and how many of them are due (the header shows them).
    public var myOpenTasks = 0
    public var myDueTasks = 0
    /// Where the at-risk and renewal rows stand in their whole queues (keys, ends, true sizes), and who left
    /// the at-risk queue since the last read (`ListReads`).
    public var lists = ListWindows()
    /// The follow-up view of the at-risk pane (`F`): the user's open tasks due today or overdue on each customer's calendar.
    public var followUps: [AgentTask] = []
    /// The change of each at-risk row's churn probability at its last scoring, in points (rows scored once: none).
    public var churnDeltas: [String: Double] = [:]
    /// The names of the owners in the at-risk and win-back rows, by id (`Engine.agentNames`).
    public var agentNames: [String: String] = [:]
    /// The follow-up selected when the read was asked for, when it is no longer in the `F` view: why.
    public var followUpDeparture: FollowUpDeparture?
}

/// What to collect: the pane filters in force.
public struct SnapshotRequest: Sendable, Equatable {
    public var atRisk = AtRiskQuery()
    public var renewalDays = 30
    /// The at-risk pane shows former customers to win back instead of the at-risk queue.
    public var winBack = false
    /// The at-risk pane shows the user's follow-ups due today and overdue (`F`).
    public var followUps = false
    public var detailCustomerID: String?
    /// Rows of the at-risk and renewal lists read: `rowsPerRead` at first, more as the selection reaches the end.
    public var rowLimit = SnapshotRequest.rowsPerRead
    public static let rowsPerRead = 300
    public static let maximumRows = 10_000
    /// Which rows of the at-risk and renewal queues to read, in which order (`ListRequest`).
    public var lists = ListRequest()

    /// Whether `other` asks `pane` for the same rows: the same filter, view and order (the at-risk pane), or the
    /// same days and direction (the renewals), and, when `countingWindow`, the same window of them and as many rows.
    public func asksSameRows(as other: SnapshotRequest, in pane: PaneID, countingWindow: Bool = true) -> Bool {
        switch pane {
        case .atRisk:
            atRisk == other.atRisk && followUps == other.followUps && winBack == other.winBack && lists.atRiskOrder == other.lists.atRiskOrder
                && (!countingWindow || (lists.atRiskWindow == other.lists.atRiskWindow && rowLimit == other.rowLimit))
        case .renewals:
            renewalDays == other.renewalDays && lists.renewalsReversed == other.lists.renewalsReversed
                && (!countingWindow || (lists.renewalWindow == other.lists.renewalWindow && rowLimit == other.rowLimit))
        default: true
        }
    }
}

extension DashboardSnapshot {
    /// Collects a snapshot through the engine: every read is an indexed, paged query.
    ///
    /// The panes' queries are indexed and paged and come back at once; the header's metrics and the
    /// campaigns' performance read the whole book or whole campaigns, so they are left out (`header`
    /// nil, campaign rows unmeasured) and collected afterwards by `collectHeader` and
    /// `collectCampaignRows`: the panes never wait for them.
    public static func collect(_ engine: Engine, _ request: SnapshotRequest, now: Int) throws -> DashboardSnapshot {
        // The at-risk pane reads one of its two lists: the queue (a window of it, in the order chosen), or the
        // former customers to win back.
        let lists = try ListReads.collect(engine, request, now: now)
        let atRisk = lists.atRisk.rows
        // Due today or overdue on each customer's own calendar; each row carries its customer's zone.
        let followUps = request.followUps ? try engine.followUpsDue(assignee: engine.user, now: now, limit: request.rowLimit) : []
        let winBack = request.winBack ? try engine.winBack(limit: request.rowLimit) : []
        let renewals = lists.renewals.rows
        let campaigns = try engine.campaigns(limit: 200).map(CampaignRow.unmeasured)
        var detail: CustomerDetail?
        if let id = request.detailCustomerID { detail = try collectDetail(engine, id: id, now: now) }
        let hasCustomers = try !engine.bookIsEmpty()
        // An unscored book has nothing to find.
        let hasScores = try !atRisk.isEmpty || engine.bookHasScores()
        // The user's tasks, from the index of open tasks by assignee (the engine's user is the dashboard's).
        let tasks = try engine.openTaskCounts(assignee: engine.user, now: now)
        var snapshot = DashboardSnapshot(header: nil, atRisk: atRisk, winBack: winBack, renewals: renewals, campaigns: campaigns, detail: detail,
                                         hasCustomers: hasCustomers, hasScores: hasScores, request: request, loadedAt: now,
                                         myOpenTasks: tasks.open, myDueTasks: tasks.due, lists: lists.windows)
        snapshot.followUps = followUps
        // The owners' names: one read of the agents' primary key for the distinct owners of the rows read.
        snapshot.agentNames = try engine.agentNames(ids: atRisk.compactMap(\.assignedTo) + winBack.compactMap(\.assignedTo))
        if request.followUps, let watched = request.lists.watchedFollowUpID, !followUps.contains(where: { $0.id == watched }),
           let task = try? engine.task(id: watched) {
            snapshot.followUpDeparture = FollowUpDeparture(taskID: watched, customerName: task.customerName,
                                                           reason: followUpDepartureReason(task, user: engine.user, now: now,
                                                                                           names: try engine.agentNames(ids: [task.assignee] + [task.doneBy].compactMap { $0 })))
        }
        snapshot.churnDeltas = try EngineAdapter.churnDeltas(engine, atRisk.prefix(EngineAdapter.deltaRows).map(\.id))
        return snapshot
    }

    /// Why a follow-up is no longer in the user's `F` view: done, someone else's now, or due on a later day
    /// where the customer is.
    static func followUpDepartureReason(_ t: AgentTask, user: String, now: Int, names: [String: String]) -> String {
        if t.doneAt != nil { return t.doneBy.map { $0 == user ? "marked done" : "marked done by \(names[$0] ?? $0)" } ?? "marked done" }
        if t.assignee != user { return "now \(names[t.assignee] ?? t.assignee)'s" }
        if t.dueDay(now: now) == .later { return "moved to " + Formatting.customerTime(t.dueAt, in: t.customerZone, now: now) }
        return "no longer listed"
    }

    /// Everything the detail pane shows about customer `id`: one customer's indexed reads.
    public static func collectDetail(_ engine: Engine, id: String, now: Int) throws -> CustomerDetail {
        let history = try engine.healthHistory(customerId: id, limit: 30)
        let customer = try engine.customer(id: id)
        var detail = CustomerDetail(customer: customer, policies: try engine.policies(customerId: id),
                                  events: try engine.events(customerId: id, limit: 30), touchpoints: try engine.touchpoints(customerId: id, limit: 30),
                                  healthHistory: EngineAdapter.healthHistory(history),
                                  scores: EngineAdapter.detailScores(
                                      health: history.first,
                                      prediction: customer.erasedAt == nil ? try? engine.predictChurn(customerId: id, features: nil, now: now) : nil,
                                      ltv: try engine.lifetimeValueHistory(customerId: id, limit: 1).first),
                                  tasks: try engine.tasks(customerId: id, status: .open, limit: 20))
        if customer.erasedAt == nil {
            detail.reasons = (try? engine.riskReasons(customerId: id, now: now)) ?? []
            detail.cues = try engine.contactCues(customerId: id, now: now)
            detail.riskOverride = try engine.riskOverride(customerId: id, now: now)
        }
        detail.zone = CustomerZone.resolve(timeZone: customer.timeZone, state: customer.state)
        detail.agentNames = try engine.agentNames(ids: [customer.agentId] + [customer.assignedTo].compactMap { $0 } + detail.tasks.map(\.assignee))
        detail.scorings = history.count
        detail.change = try engine.latestScoreChange(customerId: id)
        return detail
    }

    /// The campaign pane's rows with each campaign's performance, read for all of them at once. "Reached" is
    /// `customers.reached`: the customers with a touchpoint counted in `touchpoints.byStatus.delivered`.
    public static func collectCampaignRows(_ engine: Engine, _ campaigns: [Campaign], now: Int) throws -> [CampaignRow] {
        zip(campaigns, try engine.campaignPerformances(campaigns, now: now)).map { EngineAdapter.campaignRow($0, performance: $1) }
    }

    /// The header strip: the trailing year's metrics and the at-risk queue at high and critical risk
    /// (`Engine.highRiskQueueCount`, the count of the at-risk pane under its `high+` filter).
    public static func collectHeader(_ engine: Engine, now: Int) throws -> HeaderMetrics {
        // The header shows no campaign ROI: leave out its reads (a second or more at a million customers).
        var period = MetricsPeriod.trailingYear(now: now)
        period.includesCampaignROI = false
        let metrics = try engine.retentionMetrics(period)
        let highRisk = try engine.highRiskQueueCount(now: now)
        return EngineAdapter.header(metrics, highRiskCustomers: highRisk)
    }
}
