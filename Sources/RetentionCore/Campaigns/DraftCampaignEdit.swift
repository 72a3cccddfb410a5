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
    /// preview: (the customer's name, subject, body), or nil when nobody matches. Values as a touchpoint's
    /// (`templateValues`): the customer, their agent, their first policy in force, `campaignName` as the campaign.
    public func previewMessage(template: String, channel: ContactChannel, segment: TargetSegment, campaignName: String, now: Int) throws
        -> (customer: String, subject: String?, body: String)? {
        let (condition, params) = segmentCondition(segment, now: now)
        guard let row = try db.queryOne("""
            SELECT c.first_name, c.last_name, c.email, c.phone, c.city, c.state, a.name, a.email, a.phone,
                   p.policy_number, p.policy_type, p.annual_premium_cents, p.premium_currency, p.renewal_date, p.expiration_date, p.coverage_amount_cents
            FROM (SELECT c.id FROM customers c WHERE \(condition) ORDER BY c.churn_probability DESC, c.id LIMIT 1) m
            JOIN customers c ON c.id = m.id LEFT JOIN agents a ON a.id = c.agent_id
            LEFT JOIN policies p ON p.id = (SELECT q.id FROM policies q WHERE q.customer_id = c.id ORDER BY q.status IN \(PolicyStatus.inForceSQL) DESC, q.renewal_date LIMIT 1)
            """, params, { r -> [String: TemplateValue] in
            var v: [String: TemplateValue] = [:]
            func text(_ key: String, _ i: Int32) { if let s = r.optionalText(i), !s.isEmpty { v[key] = .text(s) } }
            text("firstName", 0); text("lastName", 1); text("email", 2); text("phone", 3); text("city", 4); text("state", 5)
            if let f = r.optionalText(0), let l = r.optionalText(1) { v["fullName"] = .text("\(f) \(l)") }
            text("agent.name", 6); text("agent.email", 7); text("agent.phone", 8)
            text("policy.policyNumber", 9); text("policy.policyType", 10)
            let currency = r.optionalText(12) ?? "USD"
            if let c = r.optionalInt(11) { v["policy.premium"] = .money(cents: c, currency: currency) }
            if let d = r.optionalInt(13) { v["policy.renewalDate"] = .date(d) }
            if let d = r.optionalInt(14) { v["policy.expirationDate"] = .date(d) }
            if let c = r.optionalInt(15) { v["policy.coverageAmount"] = .money(cents: c, currency: currency) }
            return v
        }) else { return nil }
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
