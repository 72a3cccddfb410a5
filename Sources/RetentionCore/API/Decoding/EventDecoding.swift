import Foundation

extension NewEvent {
    /// Reads `POST /events`'s body (or an import's row): `customerId`, `policyId`, `eventType`, `severity`,
    /// `data`, `triggeredActions`, `occurredAt`, and `id` when `allowIdentity` (an import). Errors name the field.
    public init(json body: JSONValue, allowIdentity: Bool = false) throws {
        var r = try FieldReader(body)
        var id: String?
        if allowIdentity, let given = try r.optionalString("id") {
            guard UUID(uuidString: given) != nil else { throw RetentionError.invalid("id", "must be a UUID, got \"\(given)\"") }
            id = given.lowercased()
        } else if r.has("id") {
            throw RetentionError.invalid("id", "is assigned by Retention; only `retention import` may keep an existing id")
        }
        let customer = try r.string("customerId")
        let policy = try r.optionalString("policyId")
        guard let typeText = try r.optionalString("eventType") else { throw RetentionError.invalid("eventType", "is required") }
        guard let type = EventType(rawValue: typeText) else {
            throw RetentionError.invalid("eventType", "\"\(typeText)\" is not a known event type; known types: \(EventType.allCases.map(\.rawValue).joined(separator: ", "))",
                                         code: "unknown_event_type")
        }
        let severity = try r.optionalChoice("severity", EventSeverity.self) ?? .info
        let data = try r.optionalJSONObject("data")
        let actions = try r.optionalStringArray("triggeredActions") ?? []
        let occurredAt = try r.optionalInstant("occurredAt")
        try r.finish()
        self.init(customer: customer, type: type, policy: policy, severity: severity, data: data,
                  triggeredActions: actions, occurredAt: occurredAt, id: id)
    }
}
