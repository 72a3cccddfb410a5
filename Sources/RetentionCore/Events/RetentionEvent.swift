/// Something that happened to a customer and matters for retention (spec: Retention Events).
public struct RetentionEvent: Sendable, Equatable {
    public var rowID: Int64
    public var id: String
    public var customerId: String
    public var policyId: String?
    public var eventType: EventType
    public var severity: EventSeverity
    public var data: JSONValue?
    public var triggeredActions: [String]
    public var occurredAt: Int
    public var createdBy: String
    public var createdAt: Int
    /// What each triggered action did, in the order they ran (the create response's `actionsTaken`, an
    /// addition to the spec's response); nil for an event read back.
    public var actionsTaken: [JSONValue]?

    static let columns = """
    e.id, e.uuid, c.uuid, p.uuid, e.event_type, e.severity, e.data, e.triggered_actions, e.occurred_at, e.created_by, e.created_at
    """
    static let from = "retention_events e JOIN customers c ON c.id = e.customer_id LEFT JOIN policies p ON p.id = e.policy_id"

    init(row r: Row) {
        rowID = r.int64(0)
        id = r.text(1)
        customerId = r.text(2)
        policyId = r.optionalText(3)
        eventType = EventType(rawValue: r.text(4)) ?? .note_added
        severity = EventSeverity(rawValue: r.text(5)) ?? .info
        data = r.optionalText(6).flatMap { try? JSONValue.parse($0) }
        triggeredActions = r.optionalText(7).flatMap { try? JSONValue.parse($0) }?.arrayValue?.compactMap(\.stringValue) ?? []
        occurredAt = r.int(8)
        createdBy = r.text(9)
        createdAt = r.int(10)
    }
}
