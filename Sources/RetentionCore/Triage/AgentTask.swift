/// A follow-up a person owes a customer: raised by an event's `agent_notification` action, assigned to the
/// customer's owner (else their agent), open until marked done. An extension beyond the spec.
public struct AgentTask: Sendable, Equatable {
    /// `GET /tasks?status=`: open ones, done ones, or both.
    public enum ListStatus: String, CaseIterable, Sendable { case open, done, all }
    /// `PATCH /tasks/:id {"status"}`: mark done, or open again.
    public enum Status: String, CaseIterable, Sendable { case open, done }

    public var rowID: Int64
    public var id: String
    public var customerId: String
    public var customerName: String
    public var assignee: String
    /// The event type that raised the task.
    public var reason: EventType
    public var title: String
    public var sourceEventId: String?
    public var createdAt: Int
    public var dueAt: Int
    public var doneAt: Int?
    public var doneBy: String?
    public var createdBy: String
    /// The customer's time zone (`CustomerZone`), read with the task: follow-up times are shown and judged in it.
    public var customerZone: CustomerZone

    public var status: Status { doneAt == nil ? .open : .done }

    static let columns = """
    t.id, t.uuid, c.uuid, c.first_name || ' ' || c.last_name, t.assignee, t.reason, t.title, e.uuid, t.created_at, t.due_at, t.done_at, \
    t.done_by, t.created_by, c.time_zone, c.state
    """
    static let from = "tasks t JOIN customers c ON c.id = t.customer_id LEFT JOIN retention_events e ON e.id = t.source_event_id"

    init(row r: Row) {
        rowID = r.int64(0)
        id = r.text(1)
        customerId = r.text(2)
        customerName = r.text(3)
        assignee = r.text(4)
        reason = EventType(rawValue: r.text(5)) ?? .note_added
        title = r.text(6)
        sourceEventId = r.optionalText(7)
        createdAt = r.int(8)
        dueAt = r.int(9)
        doneAt = r.optionalInt(10)
        doneBy = r.optionalText(11)
        createdBy = r.text(12)
        customerZone = CustomerZone.resolve(timeZone: r.optionalText(13), state: r.optionalText(14))
    }
}
