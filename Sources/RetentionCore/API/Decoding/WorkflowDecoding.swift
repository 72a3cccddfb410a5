import Foundation

// The bodies of the workflow writes: campaign and touchpoint status changes, enrolments, triage, tasks,
// erasure. Each reads its fields by the API's names and rejects unknown ones; errors name the field.

extension CampaignStatusChange {
    /// `PATCH /campaigns/:id/status`: `{"status": ...}`.
    public init(json body: JSONValue) throws {
        var r = try FieldReader(body)
        guard let status = try r.optionalChoice("status", CampaignStatus.self) else { throw RetentionError.invalid("status", "is required") }
        try r.finish()
        self.init(to: status)
    }
}

extension CampaignEnrolment {
    /// `POST /campaigns/:id/enrol`: `{"customerId": ...}`.
    public init(json body: JSONValue) throws {
        var r = try FieldReader(body)
        let customer = try r.string("customerId")
        try r.finish()
        self.init(customerId: customer)
    }
}

extension TouchpointStatusChange {
    /// `PATCH /touchpoints/:id/status`: `{"status": ..., "metadata": {...}}`.
    public init(json body: JSONValue) throws {
        var r = try FieldReader(body)
        guard let status = try r.optionalChoice("status", TouchpointStatus.self) else { throw RetentionError.invalid("status", "is required") }
        let metadata = try r.optionalJSONObject("metadata")
        try r.finish()
        self.init(to: status, metadata: metadata)
    }
}

extension TouchpointResponse {
    /// `POST /touchpoints/:id/response`: `{"response": ...}`.
    public init(json body: JSONValue) throws {
        var r = try FieldReader(body)
        let response = try r.string("response")
        try r.finish()
        self.init(response)
    }
}

extension Assignment {
    /// `POST /customers/:id/assign`: `{"assignedTo": NAME or null}`.
    public init(json body: JSONValue) throws {
        var r = try FieldReader(body)
        let who = try r.optionalString("assignedTo")
        try r.finish()
        self.init(to: who)
    }
}

extension Snooze {
    /// `POST /customers/:id/snooze`: `{"until": DATE or null}`.
    public init(json body: JSONValue) throws {
        var r = try FieldReader(body)
        let until = try r.optionalDate("until")
        try r.finish()
        self.init(until: until)
    }
}

extension ContactLog {
    /// `POST /customers/:id/contacts`: `{"channel", "outcome", "note", "policyId", "followUpAt"}` (the last two optional
    /// additions: the policy the contact was about, and an instant to follow up, like 2026-12-08T14:30:00Z).
    public init(json body: JSONValue) throws {
        var r = try FieldReader(body)
        guard let channel = try r.optionalChoice("channel", ContactChannel.self) else { throw RetentionError.invalid("channel", "is required") }
        guard let outcome = try r.optionalChoice("outcome", Engine.ContactOutcome.self) else { throw RetentionError.invalid("outcome", "is required") }
        let note = try r.optionalString("note")
        let policy = try r.optionalString("policyId")
        var followUpAt: Int?
        if let text = try r.optionalString("followUpAt") {
            guard let at = Timestamp.parse(text) else { throw RetentionError.invalid("followUpAt", "must be an instant like 2026-12-08T14:30:00Z, got \"\(text)\"") }
            followUpAt = at
        }
        try r.finish()
        self.init(channel: channel, outcome: outcome, note: note, policy: policy, followUpAt: followUpAt)
    }
}

extension TaskStatusChange {
    /// `PATCH /tasks/:id`: `{"status": "done" | "open"}`.
    public init(json body: JSONValue) throws {
        var r = try FieldReader(body)
        guard let status = try r.optionalChoice("status", AgentTask.Status.self) else {
            throw RetentionError.invalid("status", "is required: done or open")
        }
        try r.finish()
        self.init(to: status)
    }
}

extension ErasureRequest {
    /// `POST /customers/:id/erase`: `{"confirm": true}` (the confirmation is checked before unknown fields, as it always was).
    public init(json body: JSONValue) throws {
        var r = try FieldReader(body)
        self.init(confirm: try r.optionalBool("confirm") ?? false)
        try validate()
        try r.finish()
    }
}

extension RiskOverride {
    /// `PUT /customers/:id/risk-override`: `{"level": "low"|"medium"|"high"|"critical", "reason", "until": DATE or instant}`
    /// (a date alone lapses at the start of that day, UTC).
    public init(json body: JSONValue) throws {
        var r = try FieldReader(body)
        guard let level = try r.optionalChoice("level", ChurnRisk.self) else { throw RetentionError.invalid("level", "is required: low, medium, high or critical") }
        guard let reason = try r.optionalString("reason") else { throw RetentionError.invalid("reason", "is required") }
        guard let text = try r.optionalString("until") else { throw RetentionError.invalid("until", "is required: a date like 2026-12-31") }
        guard let until = Timestamp.parse(text) ?? Timestamp.parseDate(text) else {
            throw RetentionError.invalid("until", "must be a date like 2026-12-31 or an instant, got \"\(text)\"")
        }
        try r.finish()
        self.init(level: level, reason: reason, until: until)
    }
}
