import Foundation

extension Engine {
    /// The columns `templateValues(_:)` reads, in this order, from a query joining the customer `c`, their
    /// agent `a`, the policy in question `p` and the campaign's name as column 16 (the touchpoint's campaign
    /// `k.name`, or NULL where the caller sets it); `c.erased_at` is column 17.
    static let templateValueColumns = """
        c.first_name, c.last_name, c.email, c.phone, c.city, c.state, a.name, a.email, a.phone,
        p.policy_number, p.policy_type, p.annual_premium_cents, p.premium_currency, p.renewal_date, p.expiration_date,
        p.coverage_amount_cents
        """

    /// The one mapping from a row of `templateValueColumns` (then the campaign name, then `c.erased_at`) to the
    /// values templates use: an erased customer's own fields stay blank (their agent and policy remain).
    /// Used by the touchpoints' rendering and by the campaign form's preview alike.
    static func templateValues(_ r: Row) -> [String: TemplateValue] {
        var v: [String: TemplateValue] = [:]
        func text(_ key: String, _ i: Int32) { if let s = r.optionalText(i), !s.isEmpty { v[key] = .text(s) } }
        if r.isNull(17) {
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
        return v
    }

    /// The values a touchpoint's templates can use: the customer, the policy in question, the agent, the campaign.
    func templateValues(touchpointRow: Int64) throws -> (values: [String: TemplateValue], channel: ContactChannel, template: String?) {
        guard let row = try db.queryOne("""
            SELECT \(Self.templateValueColumns), k.name, c.erased_at, t.channel, t.template
            FROM touchpoints t JOIN customers c ON c.id = t.customer_id LEFT JOIN agents a ON a.id = c.agent_id
            LEFT JOIN policies p ON p.id = t.policy_id LEFT JOIN campaigns k ON k.id = t.campaign_id WHERE t.id = ?
            """, [.int(touchpointRow)], { r -> ([String: TemplateValue], ContactChannel, String?) in
            (Self.templateValues(r), ContactChannel(rawValue: r.text(18)) ?? .email, r.optionalText(19))
        }) else { throw RetentionError.notFound("Touchpoint", "#\(touchpointRow)") }
        var values = row.0
        if let company = try db.settings.stored(Settings.companyName) { values["company.name"] = .text(company) }
        return (values, row.1, row.2)
    }

    /// A template's message for a channel: the user's own (`retention template set`) first, else the built-in one.
    public func message(name: String, channel: ContactChannel) throws -> ChannelMessage? {
        if let own = try db.settings.value(Settings.template(name, channel)) {
            return ChannelMessage(subject: try own.subject.map(MessageTemplate.init), body: try MessageTemplate(own.body))
        }
        return BuiltInTemplates.message(name: name, channel: channel)
    }

    /// The size limits of a template (see the README): a body of 100,000 bytes, a subject of 200 characters.
    public static let templateBodyBytesAtMost = 100_000
    public static let templateSubjectCharactersAtMost = 200

    /// Saves a user's template for a channel after checking it (unknown variables or filters are refused). Audited.
    public func setTemplate(name: String, channel: ContactChannel, subject: String?, body: String, now: Int) throws {
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw RetentionError.invalid("name", "must be letters, digits, _ or -, like spring_promo; got \"\(name)\"")
        }
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw RetentionError.invalid("body", "is empty: a message needs text") }
        // Every send stores a rendered copy and writes one, so a template's size is multiplied by the book: a 20 MB
        // template grew a database by 800 MB in 40 sends. The README lists these limits.
        guard body.utf8.count <= Self.templateBodyBytesAtMost else {
            throw RetentionError.invalid("body", "is \(body.utf8.count) bytes; a template body may have at most \(Self.templateBodyBytesAtMost) bytes (100 KB)")
        }
        if let bad = body.unicodeScalars.first(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t" }) {
            throw RetentionError.invalid("body", "holds the control character U+\(String(format: "%04X", bad.value)); only line breaks and tabs are allowed")
        }
        if let subject {
            guard subject.count <= Self.templateSubjectCharactersAtMost else {
                throw RetentionError.invalid("subject", "is \(subject.count) characters; at most \(Self.templateSubjectCharactersAtMost)")
            }
            if let bad = subject.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                throw RetentionError.invalid("subject", "must be one line of text; it holds the control character U+\(String(format: "%04X", bad.value))")
            }
        }
        do { _ = try MessageTemplate(body) } catch let e as RetentionError { throw RetentionError.invalid("body", e.message) }
        if let subject { do { _ = try MessageTemplate(subject) } catch let e as RetentionError { throw RetentionError.invalid("subject", e.message) } }
        if channel == .email, (subject ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw RetentionError.invalid("subject", "is required for an e-mail template (--subject TEXT)")
        }
        // A marketing text message must say how to stop them (the built-in ones end "Reply STOP to opt out").
        if channel == .sms, body.range(of: "STOP", options: .caseInsensitive) == nil {
            throw RetentionError.invalid("body", "must tell how to opt out of text messages, e.g. \"Reply STOP to opt out\"")
        }
        try db.transaction {
            try db.settings.set(Settings.template(name, channel), Settings.UserTemplate(subject: subject, body: body))
            try audit("template.set", entity: "template", id: "\(name).\(channel.rawValue)", now: now)
        }
    }

    /// Removes a user's template (a built-in one of the same name shows again).
    public func deleteTemplate(name: String, channel: ContactChannel, now: Int) throws {
        try db.transaction {
            let removed = try db.settings.remove(Settings.template(name, channel))
            let builtIn = BuiltInTemplates.message(name: name, channel: channel) != nil
            guard removed else {
                throw RetentionError.notFound("Template", "\(name) for \(channel.rawValue)\(builtIn ? " of your own (the built-in one cannot be deleted)" : "")")
            }
            // A campaign that has not finished would have nothing to send on that channel (a built-in template
            // of the same name takes over if there is one).
            if !builtIn {
                let users = try db.query("""
                    SELECT name FROM campaigns WHERE status IN ('draft', 'scheduled', 'active', 'paused')
                      AND EXISTS (SELECT 1 FROM json_each(sequence) WHERE json_extract(value, '$.template') = ? AND json_extract(value, '$.type') = ?)
                    ORDER BY name
                    """, [.text(name), .text(channel.rawValue)]) { $0.text(0) }
                if !users.isEmpty {
                    throw RetentionError.conflict("template_in_use", "Template \(name) for \(channel.rawValue) is used by the campaign(s) \(users.map { "\"\($0)\"" }.joined(separator: ", ")); change or cancel them first.")
                }
            }
            try audit("template.delete", entity: "template", id: "\(name).\(channel.rawValue)", now: now)
        }
    }

    /// Every template name with the channels it has, the user's marked as such.
    public func templateCatalogue() throws -> [(name: String, channel: ContactChannel, custom: Bool)] {
        var out: [(String, ContactChannel, Bool)] = []
        let custom = try db.settings.storedNames(prefix: Settings.templatePrefix).compactMap { key -> (String, ContactChannel)? in
            let parts = key.split(separator: ".")
            guard parts.count == 3, let ch = ContactChannel(rawValue: String(parts[2])) else { return nil }
            return (String(parts[1]), ch)
        }
        for (n, ch) in custom { out.append((n, ch, true)) }
        for name in BuiltInTemplates.names { for ch in ContactChannel.allCases where !custom.contains(where: { $0.0 == name && $0.1 == ch }) { out.append((name, ch, false)) } }
        return out.sorted { ($0.0, $0.1.rawValue) < ($1.0, $1.1.rawValue) }
    }

    /// The message a touchpoint would send now, rendered from its template (`GET /touchpoints/:id/preview`).
    public func renderTouchpoint(id: String) throws -> (subject: String?, body: String) {
        var templates: [String: ChannelMessage?] = [:]
        return try renderTouchpoint(rowID: try touchpoint(id: id).rowID, id: id, templates: &templates)
    }

    /// Renders a touchpoint by row id; `templates` caches the templates looked up so far (a dispatch pass
    /// renders thousands of messages from a handful of templates).
    func renderTouchpoint(rowID: Int64, id: String, templates: inout [String: ChannelMessage?]) throws -> (subject: String?, body: String) {
        let (values, channel, name) = try templateValues(touchpointRow: rowID)
        guard let name else { throw RetentionError.conflict("no_template", "Touchpoint \(id) has no template for \(channel.rawValue).") }
        let key = "\(name).\(channel.rawValue)"
        if templates[key] == nil { templates[key] = .some(try self.message(name: name, channel: channel)) }
        guard let message = templates[key] ?? nil else {
            throw RetentionError.conflict("no_template", "Touchpoint \(id) has no template for \(channel.rawValue).")
        }
        return (message.subject?.render(values), message.body.render(values))
    }
}
