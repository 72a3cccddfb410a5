import Foundation

/// The spec's JSON for a retention event: the one place `RetentionEvent` becomes JSON.
extension RetentionEvent {
    public var json: JSONValue {
        .object([
            ("id", .string(id)),
            ("customerId", .string(customerId)),
            ("policyId", .optional(policyId)),
            ("eventType", .string(eventType.rawValue)),
            ("severity", .string(severity.rawValue)),
            ("data", data ?? .object([])),
            ("triggeredActions", .array(triggeredActions.map { .string($0) })),
            ("occurredAt", .string(Timestamp.formatInstant(occurredAt))),
            ("createdBy", .string(createdBy)),
            ("createdAt", .string(Timestamp.formatInstant(createdAt))),
        ] + (actionsTaken.map { [("actionsTaken", .array($0))] } ?? []))
    }
}
