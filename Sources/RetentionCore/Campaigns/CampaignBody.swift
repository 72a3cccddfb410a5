import Foundation

/// Reads and validates the spec's create-campaign body. Each rule broken names its field.
/// The stored columns hold the same JSON shapes, read back through the same parsers.
enum CampaignBody {
    static func segment(_ value: JSONValue?) throws -> TargetSegment {
        var s = TargetSegment()
        guard let value, !value.isNull else { return s }
        var r = try FieldReader(value, prefix: "targetSegment.")
        if let levels = try r.optionalStringArray("churnRisk") {
            s.churnRisk = try levels.enumerated().map { i, l in
                guard let v = ChurnRisk(rawValue: l) else { throw RetentionError.invalid("targetSegment.churnRisk[\(i)]", "must be one of low, medium, high, critical; got \"\(l)\"") }
                return v
            }
        }
        if let types = try r.optionalStringArray("policyTypes") {
            s.policyTypes = try types.enumerated().map { i, t in
                guard let v = PolicyType(rawValue: t) else {
                    throw RetentionError.invalid("targetSegment.policyTypes[\(i)]", "must be one of \(PolicyType.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(t)\"")
                }
                return v
            }
        }
        if var range = try r.optionalObject("healthScoreRange") {
            s.healthScoreMin = try range.optionalDouble("min")
            s.healthScoreMax = try range.optionalDouble("max")
            try range.finish()
            for (v, k) in [(s.healthScoreMin, "min"), (s.healthScoreMax, "max")] where v.map({ !(0...100).contains($0) }) ?? false {
                throw RetentionError.invalid("targetSegment.healthScoreRange.\(k)", "must be between 0 and 100")
            }
            if let lo = s.healthScoreMin, let hi = s.healthScoreMax, lo > hi {
                throw RetentionError.invalid("targetSegment.healthScoreRange", "min (\(JSONValue.format(number: lo))) is above max (\(JSONValue.format(number: hi)))")
            }
        }
        if var tenure = try r.optionalObject("tenureMonths") {
            s.tenureMonthsMin = try tenure.optionalInt("min")
            s.tenureMonthsMax = try tenure.optionalInt("max")
            try tenure.finish()
            if let lo = s.tenureMonthsMin, let hi = s.tenureMonthsMax, lo > hi {
                throw RetentionError.invalid("targetSegment.tenureMonths", "min (\(lo)) is above max (\(hi))")
            }
        }
        s.tags = try r.optionalStringArray("tags") ?? []
        s.agentId = try r.optionalString("agentId")
        if let days = try r.optionalInt("renewalWithinDays") {
            guard (0...3650).contains(days) else { throw RetentionError.invalid("targetSegment.renewalWithinDays", "must be between 0 and 3650 days") }
            s.renewalWithinDays = days
        }
        s.formerCustomers = try r.optionalBool("formerCustomers") ?? false
        try r.finish()
        return s
    }

    static func schedule(_ value: JSONValue?, now: Int) throws -> CampaignSchedule {
        guard let value, !value.isNull else { return CampaignSchedule(startDate: nil, endDate: nil, timezone: "UTC", cron: nil) }
        var r = try FieldReader(value, prefix: "schedule.")
        func date(_ key: String) throws -> ScheduleDate? {
            guard let s = try r.optionalString(key) else { return nil }
            guard let d = ScheduleDate.parse(s) else {
                throw RetentionError.invalid("schedule.\(key)", "must be a date like 2024-03-31 (the whole day, in schedule.timezone) or a date-time like 2024-03-31T23:59:59Z, got \"\(s)\"")
            }
            return d
        }
        let start = try date("startDate")
        let end = try date("endDate")
        let zone = try r.optionalString("timezone") ?? "UTC"
        guard TimeZone(identifier: zone) != nil else {
            throw RetentionError.invalid("schedule.timezone", "\"\(zone)\" is not an IANA time zone (like America/New_York)")
        }
        let cron = try r.optionalString("cron")
        try r.finish()
        let schedule = CampaignSchedule(startDate: start, endDate: end, timezone: zone, cron: cron)
        if let starts = schedule.startsAt, let ends = schedule.endsAt, ends <= starts {
            throw RetentionError.invalid("schedule.endDate", "\(end!.text) ends the campaign before it starts (startDate \(start!.text))")
        }
        if let cron {
            // A schedule no date matches (30 February, 31 April) was accepted and never ran, silently.
            guard try CronSchedule(cron).nextRun(after: Date(timeIntervalSince1970: 946_684_800), in: TimeZone(identifier: "UTC")!) != nil else {
                throw RetentionError.invalid("schedule.cron", "\"\(cron)\" never fires: no date matches it (such as 30 February or 31 April)")
            }
        }
        return schedule
    }

    /// `templateExists` says whether a template name has a message for a channel (built-in or the user's).
    static func sequence(_ value: JSONValue?, templateExists: (String, ContactChannel) -> Bool = { _, _ in true }) throws -> [SequenceStep] {
        guard let value, !value.isNull else { throw RetentionError.invalid("touchpoints", "is required: a campaign needs at least one touchpoint") }
        guard case .array(let items) = value else { throw RetentionError.invalid("touchpoints", "must be an array, got \(value.typeName)") }
        guard !items.isEmpty else { throw RetentionError.invalid("touchpoints", "must hold at least one touchpoint") }
        guard items.count <= 20 else { throw RetentionError.invalid("touchpoints", "may hold at most 20 steps") }
        var steps: [SequenceStep] = []
        for (i, item) in items.enumerated() {
            var r = try FieldReader(item, prefix: "touchpoints[\(i)].")
            let typeText = try r.string("type")
            let channel: ContactChannel?
            if typeText == "preferred" { channel = nil } else {
                guard let c = ContactChannel(rawValue: typeText) else {
                    throw RetentionError.invalid("touchpoints[\(i)].type", "must be one of \(ContactChannel.allCases.map(\.rawValue).joined(separator: ", ")), preferred; got \"\(typeText)\"")
                }
                channel = c
            }
            let template = try r.string("template")
            // The template must exist for the step's channel (or, for "preferred", for every channel).
            for ch in channel.map({ [$0] }) ?? ContactChannel.allCases where !templateExists(template, ch) {
                throw RetentionError.invalid("touchpoints[\(i)].template",
                    "no template \"\(template)\" for \(ch.rawValue); built-in templates: \(BuiltInTemplates.names.joined(separator: ", "))")
            }
            let delay = try r.optionalInt("delay") ?? 0
            guard delay >= 0, delay <= 525_600 else { throw RetentionError.invalid("touchpoints[\(i)].delay", "must be between 0 and 525600 minutes (a year)") }
            if let previous = steps.last, delay < previous.delayMinutes {
                throw RetentionError.invalid("touchpoints[\(i)].delay", "must not be shorter than the previous step's delay (\(previous.delayMinutes) minutes)")
            }
            let skip = try r.optionalChoice("skipIf", SequenceStep.SkipCondition.self)
            if skip != nil && i == 0 && skip != .renewed {
                throw RetentionError.invalid("touchpoints[0].skipIf", "the first step has no earlier step to respond to")
            }
            try r.finish()
            steps.append(SequenceStep(channel: channel, template: template, delayMinutes: delay, skipIf: skip))
        }
        return steps
    }

    static func goals(_ value: JSONValue?) throws -> CampaignGoals {
        guard let value, !value.isNull else { return CampaignGoals() }
        var r = try FieldReader(value, prefix: "goals.")
        let g = CampaignGoals(targetCustomers: try r.optionalInt("targetCustomers"), expectedRetention: try r.optionalInt("expectedRetention"),
                              expectedRevenueCents: try r.optionalCents("expectedRevenue"))
        try r.finish()
        for (v, k) in [(g.targetCustomers, "targetCustomers"), (g.expectedRetention, "expectedRetention")] where (v ?? 0) < 0 {
            throw RetentionError.invalid("goals.\(k)", "cannot be negative")
        }
        return g
    }
}
