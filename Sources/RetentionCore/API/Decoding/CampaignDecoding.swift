import Foundation

extension NewCampaign {
    /// Reads `POST /campaigns`'s body: `name`, `description`, `type`, `targetSegment`, `schedule`,
    /// `touchpoints` (the sequence), `goals`, `controlGroupPercent`. A win-back campaign whose segment does not
    /// say `formerCustomers` targets former customers. Errors name the field.
    public init(json body: JSONValue) throws {
        var r = try FieldReader(body)
        let name = try r.string("name")
        let description = try r.optionalString("description")
        guard let type = try r.optionalChoice("type", CampaignType.self) else {
            throw RetentionError.invalid("type", "is required: one of \(CampaignType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var segment = try CampaignBody.segment(r.raw("targetSegment"))
        if type == .winback && r.raw("targetSegment")?["formerCustomers"] == nil { segment.formerCustomers = true }
        let schedule = try CampaignBody.schedule(r.raw("schedule"))
        let sequence = try CampaignBody.sequence(r.raw("touchpoints"))
        let goals = try CampaignBody.goals(r.raw("goals"))
        let controlPercent = try r.optionalDouble("controlGroupPercent") ?? 10
        try r.finish()
        self.init(name: name, type: type, sequence: sequence, targetSegment: segment, schedule: schedule, goals: goals,
                  controlGroupPercent: controlPercent, description: description)
    }
}
