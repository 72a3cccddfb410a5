import Foundation

/// Reads the JSON shapes of a campaign's parts: the spec's create-campaign body (`NewCampaign(json:)`) and
/// the stored columns, which hold the same shapes. Only the shapes are checked here (types, known values,
/// known fields), each error naming its field; the rules live with the typed values (`NewCampaign.validate`,
/// `TargetSegment.validate`, `CampaignSchedule.validate`, `CampaignGoals.validate`).
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
        }
        if var tenure = try r.optionalObject("tenureMonths") {
            s.tenureMonthsMin = try tenure.optionalInt("min")
            s.tenureMonthsMax = try tenure.optionalInt("max")
            try tenure.finish()
        }
        s.tags = try r.optionalStringArray("tags") ?? []
        s.agentId = try r.optionalString("agentId")
        s.agentIds = try r.optionalStringArray("agentIds") ?? []
        s.renewalWithinDays = try r.optionalInt("renewalWithinDays")
        s.lastContactOlderThanDays = try r.optionalInt("lastContactOlderThanDays")
        if let filters = r.raw("customFilters"), !filters.isNull {
            guard case .array(let items) = filters else { throw RetentionError.invalid("targetSegment.customFilters", "must be an array of {\"key\", \"value\"} objects, got \(filters.typeName)") }
            s.customFilters = try items.enumerated().map { i, item in
                var f = try FieldReader(item, prefix: "targetSegment.customFilters[\(i)].")
                let key = try f.string("key")
                let value: String
                switch f.raw("value") {
                case .string(let v)?: value = v
                case .number(let n)?: value = JSONValue.format(number: n)
                case .bool(let b)?: value = b ? "true" : "false"
                case nil, .null?: throw RetentionError.invalid("targetSegment.customFilters[\(i)].value", "is required")
                case let v?: throw RetentionError.invalid("targetSegment.customFilters[\(i)].value", "must be a string, number or true/false, got \(v.typeName)")
                }
                try f.finish()
                return MetadataFilter(key: key, value: value)
            }
        }
        s.formerCustomers = try r.optionalBool("formerCustomers") ?? false
        try r.finish()
        return s
    }

    static func schedule(_ value: JSONValue?) throws -> CampaignSchedule {
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
        let cron = try r.optionalString("cron")
        try r.finish()
        return CampaignSchedule(startDate: start, endDate: end, timezone: zone, cron: cron)
    }

    static func sequence(_ value: JSONValue?) throws -> [SequenceStep] {
        guard let value, !value.isNull else { throw RetentionError.invalid("touchpoints", "is required: a campaign needs at least one touchpoint") }
        guard case .array(let items) = value else { throw RetentionError.invalid("touchpoints", "must be an array, got \(value.typeName)") }
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
            let variants = try r.optionalStringArray("variants") ?? []
            // With variants the template may be left out: it is the first variant.
            let template = variants.isEmpty ? try r.string("template") : try r.optionalString("template") ?? variants[0]
            if !variants.isEmpty, template != variants[0] {
                throw RetentionError.invalid("touchpoints[\(i)].template", "must be the first of touchpoints[\(i)].variants (\"\(variants[0])\") or left out when the step has variants")
            }
            let delay = try r.optionalInt("delay") ?? 0
            let skip = try r.optionalChoice("skipIf", SequenceStep.SkipCondition.self)
            try r.finish()
            steps.append(SequenceStep(channel: channel, template: template, delayMinutes: delay, skipIf: skip, variants: variants))
        }
        return steps
    }

    static func goals(_ value: JSONValue?) throws -> CampaignGoals {
        guard let value, !value.isNull else { return CampaignGoals() }
        var r = try FieldReader(value, prefix: "goals.")
        let g = CampaignGoals(targetCustomers: try r.optionalInt("targetCustomers"), expectedRetention: try r.optionalInt("expectedRetention"),
                              expectedRevenueCents: try r.optionalCents("expectedRevenue"))
        try r.finish()
        return g
    }
}
