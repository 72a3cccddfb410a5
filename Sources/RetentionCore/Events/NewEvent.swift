import Foundation

/// A retention event to record (`Engine.createEvent`): what `POST /events` carries, an import's row, or an
/// event the dashboard or the demo's activity makes. The API reads it from JSON in one place
/// (API/Decoding/EventDecoding.swift); the rules that need no database are checked by `validate`, each
/// error naming the field it is about.
public struct NewEvent: Sendable {
    /// The event's id, kept by an import only (`nil`: Retention assigns one).
    public var id: String?
    /// The customer: their id, or their lead id.
    public var customer: String
    /// The policy (its id or policy number), required for payments and claims.
    public var policy: String?
    public var type: EventType
    public var severity: EventSeverity
    /// The event's details, a JSON object (free-form: `amount` for payments and claims, `note`, `score`, ...).
    public var data: JSONValue?
    /// Actions to carry out with the event (`TriggeredAction` names); an import keeps another system's as text.
    public var triggeredActions: [String]
    /// When it happened (default: now).
    public var occurredAt: Int?

    public init(customer: String, type: EventType, policy: String? = nil, severity: EventSeverity = .info, data: JSONValue? = nil,
                triggeredActions: [String] = [], occurredAt: Int? = nil, id: String? = nil) {
        self.customer = customer
        self.type = type
        self.policy = policy
        self.severity = severity
        self.data = data
        self.triggeredActions = triggeredActions
        self.occurredAt = occurredAt
        self.id = id
    }

    /// The rules that need no database. `keepsHistory` (an import) accepts any snake_case action name, kept
    /// as text and never carried out; otherwise the actions are checked against the event when it is written.
    public func validate(now: Int, keepsHistory: Bool) throws {
        if let id, UUID(uuidString: id) == nil { throw RetentionError.invalid("id", "must be a UUID, got \"\(id)\"") }
        if customer.isEmpty { throw RetentionError.invalid("customerId", "is required") }
        if let data, data.objectPairs == nil { throw RetentionError.invalid("data", "must be a JSON object, got \(data.typeName)") }
        for (i, a) in triggeredActions.enumerated() where keepsHistory && (a.isEmpty || a.count > 64 || !a.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })) {
            throw RetentionError.invalid("triggeredActions[\(i)]", "must be a snake_case action name like send_reminder, got \"\(a)\"")
        }
        // An event is something that happened: a future one would move the customer's last contact ahead
        // of today and skew every score (an hour's grace for clocks that disagree).
        if let occurredAt, occurredAt > now + 3_600 {
            throw RetentionError.invalid("occurredAt", "cannot be in the future (\(Timestamp.formatInstant(occurredAt)) is after now, \(Timestamp.formatInstant(now)))")
        }
    }
}
