import Foundation

extension NewEvent {
    /// Reads `POST /events`'s body (or an import's row): `customerId`, `policyId`, `eventType`, `severity`,
    /// `data`, `triggeredActions`, `occurredAt`, and `id` when `allowIdentity` (an import). Errors name the field.
    public init(json body: JSONValue, allowIdentity: Bool = false) throws {
        var r = try FieldReader(body)
        let id = try r.importedID(allowIdentity: allowIdentity)
        try r.refuseID(unlessImporting: allowIdentity)
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
