import Foundation

/// The six campaign types of the spec.
public enum CampaignType: String, CaseIterable, Sendable, Codable {
    case renewal_reminder, engagement, winback, cross_sell, upsell, loyalty
}

/// The campaign workflow: draft → scheduled → active ⇄ paused → completed | cancelled.
public enum CampaignStatus: String, CaseIterable, Sendable, Codable {
    case draft, scheduled, active, paused, completed, cancelled

    public var allowedTransitions: [CampaignStatus] {
        switch self {
        case .draft: [.scheduled, .active, .cancelled]
        case .scheduled: [.draft, .active, .cancelled]
        case .active: [.paused, .completed, .cancelled]
        case .paused: [.active, .completed, .cancelled]
        case .completed, .cancelled: []
        }
    }

    public var isFinal: Bool { allowedTransitions.isEmpty }
}

/// One step of a multi-touch sequence: a channel (or the customer's preferred one), a template, and a
/// delay in minutes after enrolment. A step may carry a condition on the customer's response to the
/// earlier steps (`skipIf`), evaluated when the step is due.
public struct SequenceStep: Sendable, Equatable {
    /// Skip conditions a step may carry.
    public enum SkipCondition: String, CaseIterable, Sendable {
        /// Skip when the customer opened, clicked or responded to an earlier step.
        case engaged
        /// Skip when the customer clicked or responded to an earlier step.
        case clicked
        /// Skip when the customer responded to an earlier step.
        case responded
        /// Skip when the policy in question has been renewed since enrolment.
        case renewed
    }

    /// The channel, or nil for "the customer's preferred contact method" (`"type": "preferred"`).
    public var channel: ContactChannel?
    public var template: String
    public var delayMinutes: Int
    public var skipIf: SkipCondition?
    /// An A/B test of the step (an addition to the spec, which lists A/B testing as future work): two
    /// different templates, each customer drawn to one of them by `VariantDraw` (half and half); empty for a
    /// step without variants. With variants, `template` is the first of them (variant A).
    public var variants: [String]

    public init(channel: ContactChannel?, template: String, delayMinutes: Int = 0, skipIf: SkipCondition? = nil, variants: [String] = []) {
        self.channel = channel
        self.template = variants.first ?? template
        self.delayMinutes = delayMinutes
        self.skipIf = skipIf
        self.variants = variants
    }

    /// The templates a customer may get at this step: the variants, or the one template.
    public var templates: [String] { variants.isEmpty ? [template] : variants }
}

/// A custom filter of a target segment: customers whose `metadata` holds `key` with the value `value`
/// (compared as text: a number 5 matches "5").
public struct MetadataFilter: Sendable, Equatable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// Who a campaign targets. Every criterion given must hold (they combine with AND); a list criterion
/// matches any of its values.
public struct TargetSegment: Sendable, Equatable {
    public var churnRisk: [ChurnRisk] = []
    public var policyTypes: [PolicyType] = []
    public var healthScoreMin: Double?
    public var healthScoreMax: Double?
    public var tenureMonthsMin: Int?
    public var tenureMonthsMax: Int?
    public var tags: [String] = []
    public var agentId: String?
    /// Customers of any of these agents (an addition to `agentId`, which names one).
    public var agentIds: [String] = []
    /// Customers with an in-force policy renewing within this many days of the run.
    public var renewalWithinDays: Int?
    /// Customers not contacted for more than this many days before the run (never contacted counts as
    /// longer ago than any number of days).
    public var lastContactOlderThanDays: Int?
    /// The spec's custom filters: each one's metadata key must hold its value (all of them must hold).
    public var customFilters: [MetadataFilter] = []
    /// Winback campaigns target customers who have left (no policy in force); others target active customers.
    public var formerCustomers = false

    public init() {}

    /// How specific the segment is: the number of criteria it sets (risk levels, lines, the lowest and the
    /// highest health, the shortest and the longest tenure, tags, agent, agents, renewal window, last contact,
    /// custom filters), each counting once however many values it lists. Of several campaigns matching a
    /// customer, an event's `retention_campaign` action takes the most specific.
    public var criteriaCount: Int {
        [!churnRisk.isEmpty, !policyTypes.isEmpty, healthScoreMin != nil, healthScoreMax != nil, tenureMonthsMin != nil,
         tenureMonthsMax != nil, !tags.isEmpty, agentId != nil, !agentIds.isEmpty, renewalWithinDays != nil,
         lastContactOlderThanDays != nil, !customFilters.isEmpty].filter { $0 }.count
    }
}

/// A campaign's start or end as the user gave it: a calendar date (`2024-03-31`), read in the campaign's
/// time zone, or an instant (`2024-03-31T23:59:59Z`, any offset), which means itself.
public enum ScheduleDate: Sendable, Equatable {
    /// A whole day: the days since 1970-01-01 of a calendar date.
    case date(days: Int)
    case instant(Int)

    /// Reads `YYYY-MM-DD` as a date, an ISO date-time as an instant.
    public static func parse(_ text: String) -> ScheduleDate? {
        guard let t = Timestamp.parse(text) else { return nil }
        return text.utf8.count == 10 ? .date(days: Timestamp.startOfDay(t) / Timestamp.secondsPerDay) : .instant(t)
    }

    /// As given: the date, or the instant in UTC.
    public var text: String {
        switch self {
        case .date(let days): Timestamp.formatDate(days * Timestamp.secondsPerDay)
        case .instant(let t): Timestamp.formatInstant(t)
        }
    }

    /// When a start means: a date's first instant (00:00) in `zone`, or the instant.
    public func start(in zone: TimeZone) -> Int {
        switch self {
        case .date(let days): Timestamp.startOfDay(days: days, in: zone)
        case .instant(let t): t
        }
    }

    /// The first instant past an end: for a date, 00:00 of the next day in `zone` (so the date is included
    /// through 23:59:59); for an instant, the instant itself (the campaign ends at it).
    public func end(in zone: TimeZone) -> Int {
        switch self {
        case .date(let days): Timestamp.startOfDay(days: days + 1, in: zone)
        case .instant(let t): t
        }
    }
}

/// When a campaign runs: a window, the IANA time zone its dates and cron expression are read in, and an
/// optional 5-field cron expression for recurring runs (each run enrols newly matching customers).
///
/// A date-only `startDate` starts at 00:00 of that day in the zone; a date-only `endDate` is included to the
/// end of that day in the zone (the campaign ends at 00:00 of the next day there). An instant means itself.
/// The dates are kept and shown as they were given.
public struct CampaignSchedule: Sendable, Equatable {
    public var startDate: ScheduleDate?
    public var endDate: ScheduleDate?
    public var timezone: String
    public var cron: String?

    public init(startDate: ScheduleDate?, endDate: ScheduleDate?, timezone: String, cron: String?) {
        self.startDate = startDate
        self.endDate = endDate
        self.timezone = timezone
        self.cron = cron
    }

    /// The zone the dates and cron expression are read in (checked when the campaign was created).
    public var zone: TimeZone { TimeZone(identifier: timezone) ?? .gmt }
    /// The instant the campaign may start.
    public var startsAt: Int? { startDate?.start(in: zone) }
    /// The first instant the campaign is over: it runs while `now < endsAt`.
    public var endsAt: Int? { endDate?.end(in: zone) }

    /// The end as a person reads it: the date with the zone it is read in, or the instant.
    public var endDescription: String? {
        endDate.map { end in
            if case .date = end { "\(end.text) (to the end of that day, \(timezone))" } else { end.text }
        }
    }
}

/// The campaign's goals from its body, shown against actuals.
public struct CampaignGoals: Sendable, Equatable {
    public var targetCustomers: Int?
    public var expectedRetention: Int?
    public var expectedRevenueCents: Int?

    public init(targetCustomers: Int? = nil, expectedRetention: Int? = nil, expectedRevenueCents: Int? = nil) {
        self.targetCustomers = targetCustomers
        self.expectedRetention = expectedRetention
        self.expectedRevenueCents = expectedRevenueCents
    }
}

/// A retention campaign (spec section 5).
public struct Campaign: Sendable, Equatable {
    public var rowID: Int64
    public var id: String
    public var name: String
    public var description: String?
    public var type: CampaignType
    public var status: CampaignStatus
    public var targetSegment: TargetSegment
    public var schedule: CampaignSchedule
    public var sequence: [SequenceStep]
    public var goals: CampaignGoals
    /// Share of enrolled customers held out as a control group: enrolled, never contacted.
    public var controlFraction: Double
    public var createdBy: String
    public var statusChangedAt: Int?
    public var pausedAt: Int?
    public var nextRunAt: Int?
    public var version: Int
    public var createdAt: Int
    public var updatedAt: Int
}
