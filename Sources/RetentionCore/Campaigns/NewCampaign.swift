import Foundation

/// A campaign to create in draft (`Engine.createCampaign`, `POST /campaigns`). The API reads it from JSON in
/// one place (API/Decoding/CampaignDecoding.swift); `validate` checks the rules that need no database, each
/// error naming the field in the API's names (`targetSegment.healthScoreRange.min`, `touchpoints[2].delay`,
/// `schedule.cron`); the engine checks that each step's template exists as it writes.
public struct NewCampaign: Sendable {
    public var name: String
    public var description: String?
    public var type: CampaignType
    public var targetSegment: TargetSegment
    public var schedule: CampaignSchedule
    /// The touchpoints laid out for each customer enrolled: 1 to 20 steps, delays never shorter than the previous one's.
    public var sequence: [SequenceStep]
    public var goals: CampaignGoals
    /// The share of enrolled customers held out as a control group, never contacted: 0 to 50 (default 10).
    public var controlGroupPercent: Double

    public init(name: String, type: CampaignType, sequence: [SequenceStep], targetSegment: TargetSegment = TargetSegment(),
                schedule: CampaignSchedule = CampaignSchedule(startDate: nil, endDate: nil, timezone: "UTC", cron: nil),
                goals: CampaignGoals = CampaignGoals(), controlGroupPercent: Double = 10, description: String? = nil) {
        self.name = name
        self.description = description
        self.type = type
        self.targetSegment = targetSegment
        self.schedule = schedule
        self.sequence = sequence
        self.goals = goals
        self.controlGroupPercent = controlGroupPercent
    }

    /// A campaign's settings as a `NewCampaign`, to edit them (`Engine.editCampaign`, the dashboard's form).
    public init(_ c: Campaign) {
        self.init(name: c.name, type: c.type, sequence: c.sequence, targetSegment: c.targetSegment, schedule: c.schedule, goals: c.goals,
                  controlGroupPercent: (c.controlFraction * 1000).rounded() / 10, description: c.description)
    }

    /// The rules that need no database, in the order of the body's fields.
    public func validate() throws {
        if name.isEmpty { throw RetentionError.invalid("name", "is required") }
        _ = try Validation.text(name, field: "name", maxLength: 200)
        if let description { _ = try Validation.text(description, field: "description", maxLength: 2000, multiline: true) }
        try targetSegment.validate()
        try schedule.validate()
        try Self.validate(sequence)
        try goals.validate()
        guard (0...50).contains(controlGroupPercent) else { throw RetentionError.invalid("controlGroupPercent", "must be between 0 and 50") }
    }

    /// A sequence's rules: 1 to 20 steps, each delay within a year and never shorter than the previous step's,
    /// and only a `renewed` condition on the first step.
    static func validate(_ steps: [SequenceStep]) throws {
        guard !steps.isEmpty else { throw RetentionError.invalid("touchpoints", "must hold at least one touchpoint") }
        guard steps.count <= 20 else { throw RetentionError.invalid("touchpoints", "may hold at most 20 steps") }
        for (i, step) in steps.enumerated() {
            if step.template.isEmpty { throw RetentionError.invalid("touchpoints[\(i)].template", "is required") }
            guard step.delayMinutes >= 0, step.delayMinutes <= 525_600 else {
                throw RetentionError.invalid("touchpoints[\(i)].delay", "must be between 0 and 525600 minutes (a year)")
            }
            if i > 0, step.delayMinutes < steps[i - 1].delayMinutes {
                throw RetentionError.invalid("touchpoints[\(i)].delay", "must not be shorter than the previous step's delay (\(steps[i - 1].delayMinutes) minutes)")
            }
            if !step.variants.isEmpty {
                guard step.variants.count == 2 else {
                    throw RetentionError.invalid("touchpoints[\(i)].variants", "must list exactly two templates (an A/B test), got \(step.variants.count)")
                }
                guard step.variants[0] != step.variants[1] else {
                    throw RetentionError.invalid("touchpoints[\(i)].variants", "lists \"\(step.variants[0])\" twice: an A/B test needs two different templates")
                }
                if let k = step.variants.firstIndex(where: \.isEmpty) { throw RetentionError.invalid("touchpoints[\(i)].variants[\(k)]", "is empty") }
            }
            if let skip = step.skipIf, i == 0, skip != .renewed {
                throw RetentionError.invalid("touchpoints[0].skipIf", "the first step has no earlier step to respond to")
            }
        }
    }
}

extension TargetSegment {
    /// Health scores within 0 to 100, each range's minimum at most its maximum, renewals within ten years.
    public func validate() throws {
        for (v, k) in [(healthScoreMin, "min"), (healthScoreMax, "max")] where v.map({ !(0...100).contains($0) }) ?? false {
            throw RetentionError.invalid("targetSegment.healthScoreRange.\(k)", "must be between 0 and 100")
        }
        if let lo = healthScoreMin, let hi = healthScoreMax, lo > hi {
            throw RetentionError.invalid("targetSegment.healthScoreRange", "min (\(JSONValue.format(number: lo))) is above max (\(JSONValue.format(number: hi)))")
        }
        if let lo = tenureMonthsMin, let hi = tenureMonthsMax, lo > hi {
            throw RetentionError.invalid("targetSegment.tenureMonths", "min (\(lo)) is above max (\(hi))")
        }
        if let days = renewalWithinDays, !(0...3650).contains(days) {
            throw RetentionError.invalid("targetSegment.renewalWithinDays", "must be between 0 and 3650 days")
        }
        if let days = lastContactOlderThanDays, !(0...36_500).contains(days) {
            throw RetentionError.invalid("targetSegment.lastContactOlderThanDays", "must be between 0 and 36500 days")
        }
        if let k = agentIds.firstIndex(where: \.isEmpty) { throw RetentionError.invalid("targetSegment.agentIds[\(k)]", "is empty") }
        for (i, f) in customFilters.enumerated() {
            // The key becomes a JSON path bound as a parameter ($."key"): a quote or backslash would end it.
            guard !f.key.isEmpty, f.key.utf8.count <= 100, !f.key.contains("\""), !f.key.contains("\\"),
                  f.key.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
                throw RetentionError.invalid("targetSegment.customFilters[\(i)].key", "must be 1 to 100 characters without quotes, backslashes or control characters")
            }
            _ = try Validation.text(f.value, field: "targetSegment.customFilters[\(i)].value", maxLength: 1000)
        }
    }
}

extension CampaignSchedule {
    /// An IANA time zone, an end after the start, and a valid cron expression.
    public func validate() throws {
        guard TimeZone(identifier: timezone) != nil else {
            throw RetentionError.invalid("schedule.timezone", "\"\(timezone)\" is not an IANA time zone (like America/New_York)")
        }
        if let starts = startsAt, let ends = endsAt, ends <= starts {
            throw RetentionError.invalid("schedule.endDate", "\(endDate!.text) ends the campaign before it starts (startDate \(startDate!.text))")
        }
        if let cron {
            // A schedule no date matches (30 February, 31 April) was accepted and never ran, silently.
            guard try CronSchedule(cron).nextRun(after: Date(timeIntervalSince1970: 946_684_800), in: TimeZone(identifier: "UTC")!) != nil else {
                throw RetentionError.invalid("schedule.cron", "\"\(cron)\" never fires: no date matches it (such as 30 February or 31 April)")
            }
        }
    }
}

extension CampaignGoals {
    /// No negative goal.
    public func validate() throws {
        for (v, k) in [(targetCustomers, "targetCustomers"), (expectedRetention, "expectedRetention")] where (v ?? 0) < 0 {
            throw RetentionError.invalid("goals.\(k)", "cannot be negative")
        }
        if let c = expectedRevenueCents, c < 0 { throw RetentionError.invalid("goals.expectedRevenue", "cannot be negative") }
    }
}
