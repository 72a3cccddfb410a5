import Foundation

extension Engine {
    /// Replaces a draft campaign's definition with `new` (the dashboard's campaign form, `E`): the same rules
    /// as `createCampaign` (validation, each step's template known for its channel); only a draft can be
    /// edited (once scheduled or running, its enrolments were made from the old definition). Audited as
    /// `campaign.update`. A minimal typed draft update: the `campaign edit` command may replace it.
    @discardableResult
    public func updateDraftCampaign(id: String, _ new: NewCampaign, now: Int) throws -> Campaign {
        try new.validate()
        return try db.transaction {
            let current = try campaign(id: id)
            guard current.status == .draft else {
                throw RetentionError.conflict("not_draft", "Campaign \"\(current.name)\" is \(current.status.rawValue); only a draft can be edited.", field: "status")
            }
            for (i, step) in new.sequence.enumerated() {
                for ch in step.channel.map({ [$0] }) ?? ContactChannel.allCases where (try? message(name: step.template, channel: ch)) == nil {
                    throw RetentionError.invalid("touchpoints[\(i)].template",
                        "no template \"\(step.template)\" for \(ch.rawValue); built-in templates: \(BuiltInTemplates.names.joined(separator: ", "))")
                }
            }
            try db.run("""
                UPDATE campaigns SET name = ?, description = ?, campaign_type = ?, target_segment = ?, schedule = ?, sequence = ?, goals = ?,
                  control_fraction = ?, updated_at = ? WHERE uuid = ? AND status = 'draft'
                """, [.text(new.name), .init(new.description), .text(new.type.rawValue), .text(new.targetSegment.json.serialized()),
                      .text(new.schedule.json.serialized()), .text(JSONValue.array(new.sequence.map(\.json)).serialized()),
                      .text(new.goals.json.serialized()), .double(new.controlGroupPercent / 100), .int(Int64(now)), .text(id)])
            try audit("campaign.update", entity: "campaign", id: id, details: .object([("name", .string(new.name))]), now: now)
            return try campaign(id: id)
        }
    }

    /// A step's message rendered for the segment's first customer (the most likely to leave), as the form's
    /// preview: (the customer's name, subject, body), or nil when nobody matches. The values are mapped by the
    /// touchpoints' own function (`templateValues(_:)`, erased customers' fields blank), and the policy is the one
    /// enrolment would pick (`enrol`): the customer's in-force policy that renews first, of the segment's lines
    /// when it targets some; `campaignName` stands for the campaign.
    public func previewMessage(template: String, channel: ContactChannel, segment: TargetSegment, campaignName: String, now: Int) throws
        -> (customer: String, subject: String?, body: String)? {
        let (condition, params) = segmentCondition(segment, now: now)
        // Enum values checked at parse time: listing them in the SQL text splices no user text (as `enrol` does).
        let typeFilter = segment.policyTypes.isEmpty ? "" :
            " AND q.policy_type IN (\(segment.policyTypes.map { "'\($0.rawValue)'" }.joined(separator: ", ")))"
        guard let row = try db.queryOne("""
            SELECT \(Self.templateValueColumns), NULL, c.erased_at
            FROM (SELECT c.id FROM customers c WHERE \(condition) ORDER BY c.churn_probability DESC, c.id LIMIT 1) m
            JOIN customers c ON c.id = m.id LEFT JOIN agents a ON a.id = c.agent_id
            LEFT JOIN policies p ON p.id = (SELECT q.id FROM policies q WHERE q.customer_id = c.id AND q.status IN \(PolicyStatus.inForceSQL)\(typeFilter)
                                            ORDER BY q.renewal_date LIMIT 1)
            """, params, { r in Self.templateValues(r) }) else { return nil }
        var values = row
        values["campaign.name"] = .text(campaignName)
        if let company = try db.settings.stored(Settings.companyName) { values["company.name"] = .text(company) }
        guard let message = try message(name: template, channel: channel) else {
            throw RetentionError.invalid("touchpoints.template", "no template \"\(template)\" for \(channel.rawValue)")
        }
        let name = values["fullName"].map { if case .text(let s) = $0 { s } else { "" } } ?? "(erased)"
        return (name, message.subject?.render(values), message.body.render(values))
    }
}
