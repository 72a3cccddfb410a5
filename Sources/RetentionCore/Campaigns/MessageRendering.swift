import Foundation

extension Engine {
    /// The values a touchpoint's templates can use: the customer, the policy in question, the agent, the campaign.
    func templateValues(touchpointRow: Int64) throws -> (values: [String: TemplateValue], channel: ContactChannel, template: String?) {
        guard let row = try db.queryOne("""
            SELECT c.first_name, c.last_name, c.email, c.phone, c.city, c.state, a.name, a.email, a.phone,
                   p.policy_number, p.policy_type, p.annual_premium_cents, p.premium_currency, p.renewal_date, p.expiration_date,
                   p.coverage_amount_cents, k.name, t.channel, t.template, c.erased_at
            FROM touchpoints t JOIN customers c ON c.id = t.customer_id LEFT JOIN agents a ON a.id = c.agent_id
            LEFT JOIN policies p ON p.id = t.policy_id LEFT JOIN campaigns k ON k.id = t.campaign_id WHERE t.id = ?
            """, [.int(touchpointRow)], { r -> ([String: TemplateValue], ContactChannel, String?) in
            var v: [String: TemplateValue] = [:]
            func text(_ key: String, _ i: Int32) { if let s = r.optionalText(i), !s.isEmpty { v[key] = .text(s) } }
            if r.isNull(19) {
                text("firstName", 0); text("lastName", 1); text("email", 2); text("phone", 3); text("city", 4); text("state", 5)
                if let f = r.optionalText(0), let l = r.optionalText(1) { v["fullName"] = .text("\(f) \(l)") }
            }
            text("agent.name", 6); text("agent.email", 7); text("agent.phone", 8)
            text("policy.policyNumber", 9); text("policy.policyType", 10)
            let currency = r.optionalText(12) ?? "USD"
            if let c = r.optionalInt(11) { v["policy.premium"] = .money(cents: c, currency: currency) }
            if let d = r.optionalInt(13) { v["policy.renewalDate"] = .date(d) }
            if let d = r.optionalInt(14) { v["policy.expirationDate"] = .date(d) }
            if let c = r.optionalInt(15) { v["policy.coverageAmount"] = .money(cents: c, currency: currency) }
            text("campaign.name", 16)
            return (v, ContactChannel(rawValue: r.text(17)) ?? .email, r.optionalText(18))
        }) else { throw RetentionError.notFound("Touchpoint", "#\(touchpointRow)") }
        var values = row.0
        if let company = try db.queryOne("SELECT value FROM settings WHERE key = 'company.name'", [], { $0.text(0) }) { values["company.name"] = .text(company) }
        return (values, row.1, row.2)
    }

    /// The message a touchpoint would send now, rendered from its template (`GET /touchpoints/:id/preview`).
    public func renderTouchpoint(id: String) throws -> (subject: String?, body: String) {
        let t = try touchpoint(id: id)
        let (values, channel, name) = try templateValues(touchpointRow: t.rowID)
        guard let name, let message = BuiltInTemplates.message(name: name, channel: channel) else {
            throw RetentionError.conflict("no_template", "Touchpoint \(id) has no template for \(channel.rawValue).")
        }
        return (message.subject?.render(values), message.body.render(values))
    }
}
