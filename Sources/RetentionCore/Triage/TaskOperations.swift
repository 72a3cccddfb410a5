import Foundation

/// The agents' tasks (an extension beyond the spec): follow-ups raised by an event's `agent_notification`
/// action, listed per assignee (earliest due first) and marked done.
extension Engine {
    /// How soon a task is due after the event that raised it, by the event's severity: critical at once,
    /// warning within a day, info within three days.
    static func taskDelay(_ severity: EventSeverity) -> Int {
        switch severity {
        case .critical: 0
        case .warning: Timestamp.secondsPerDay
        case .info: 3 * Timestamp.secondsPerDay
        }
    }

    /// What a task raised by an event of `type` asks the assignee to do.
    static func taskTitle(_ type: EventType, data: JSONValue?) -> String {
        switch type {
        case .payment_missed: return "Call about the missed payment"
        case .churn_risk_increased:
            let level = data?["to"]?.stringValue.flatMap(ChurnRisk.init(rawValue:))
            return level.map { "Reach out: churn risk is now \($0.rawValue)" } ?? "Reach out: churn risk has risen"
        case .complaint_filed: return "Follow up on the complaint"
        case .claim_filed: return "Check in after the claim"
        case .nps_response:
            return data?["score"]?.doubleValue.map { "Follow up on the NPS answer (\(JSONValue.format(number: $0)))" } ?? "Follow up on the NPS answer"
        case .policy_cancelled, .policy_lapsed, .policy_expired: return "Talk about the \(type.rawValue.dropFirst(7)) policy"
        case .customer_churned: return "Win-back call: the last policy ended"
        case .opted_out: return "Check the customer's contact preferences"
        default: return "Follow up: " + type.rawValue.replacingOccurrences(of: "_", with: " ")
        }
    }

    /// Raises a task for the customer's owner (else their agent) about an event (the `agent_notification`
    /// action). A customer has at most one open task per reason: when one is already open, it is brought up
    /// to date (the newer title, the earlier due date) and its row returned with `created` false. Runs inside
    /// the caller's transaction.
    @discardableResult
    func raiseTask(customerRow: Int64, reason: EventType, severity: EventSeverity, data: JSONValue?, sourceEventRow: Int64?,
                   now: Int) throws -> (rowID: Int64, created: Bool) {
        let title = Engine.taskTitle(reason, data: data)
        let due = now + Engine.taskDelay(severity)
        if let open = try db.queryOne("SELECT id FROM tasks WHERE customer_id = ? AND done_at IS NULL AND reason = ? ORDER BY id LIMIT 1",
                                      [.int(customerRow), .text(reason.rawValue)], { $0.int64(0) }) {
            try db.run("UPDATE tasks SET title = ?, due_at = min(due_at, ?) WHERE id = ?", [.text(title), .int(Int64(due)), .int(open)])
            return (open, false)
        }
        try db.run("""
            INSERT INTO tasks (uuid, customer_id, assignee, reason, title, source_event_id, created_at, due_at, created_by)
            SELECT ?, id, coalesce(assigned_to, agent_id), ?, ?, ?, ?, ?, ? FROM customers WHERE id = ?
            """, [.text(Engine.newID()), .text(reason.rawValue), .text(title), .init(sourceEventRow), .int(Int64(now)), .int(Int64(due)),
                  .text(user), .int(customerRow)])
        return (db.lastInsertRowID, true)
    }

    func task(rowID: Int64) throws -> AgentTask {
        guard let t = try db.queryOne("SELECT \(AgentTask.columns) FROM \(AgentTask.from) WHERE t.id = ?", [.int(rowID)], AgentTask.init(row:)) else {
            throw RetentionError.storage("Task #\(rowID) could not be read back.")
        }
        return t
    }

    public func task(id: String) throws -> AgentTask {
        guard let t = try db.queryOne("SELECT \(AgentTask.columns) FROM \(AgentTask.from) WHERE t.uuid = ?", [.text(id)], AgentTask.init(row:)) else {
            throw RetentionError.notFound("Task", id)
        }
        return t
    }

    /// Tasks (`GET /tasks?assignee=&customerId=&status=&limit=`): open ones earliest due first, done ones
    /// latest done first, both (`all`) open before done. Each filter is read through an index: an assignee's
    /// open tasks through `tasks_open`, a customer's through `tasks_customer`.
    public func tasks(assignee: String? = nil, customerId: String? = nil, status: AgentTask.ListStatus = .open, limit: Int = 100) throws -> [AgentTask] {
        var conditions: [String] = [], params: [SQLValue] = []
        if let assignee { conditions.append("t.assignee = ?"); params.append(.text(assignee)) }
        if let customerId { conditions.append("t.customer_id = ?"); params.append(.int(try customerRowID(customerId))) }
        switch status {
        case .open: conditions.append("t.done_at IS NULL")
        case .done: conditions.append("t.done_at IS NOT NULL")
        case .all: break
        }
        let order = switch status {
        case .open: "t.due_at, t.id"  // the order of `tasks_open`: no sort for one assignee's
        case .done: "t.done_at DESC, t.id DESC"
        case .all: "t.done_at IS NOT NULL, t.due_at, t.id"
        }
        return try db.query("""
            SELECT \(AgentTask.columns) FROM \(AgentTask.from)
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")) ORDER BY \(order) LIMIT ?
            """, params + [.int(Int64(max(1, min(limit, 1000))))], AgentTask.init(row:))
    }

    /// An assignee's open tasks, and how many of them are due (the dashboard's header): the rows of the `F`
    /// view (`followUpsDue`), due today or overdue on each customer's own calendar. Every task due by `now` is
    /// (its day has come wherever the customer is), counted from the open-task index; to those are added the
    /// tasks due later today where their customer is, read from the next 26 hours only (a day ends at most 14
    /// hours after it does in UTC).
    public func openTaskCounts(assignee: String, now: Int) throws -> (open: Int, due: Int) {
        let (open, past) = try db.queryOne("SELECT count(*), count(*) FILTER (WHERE due_at <= ?2) FROM tasks WHERE assignee = ?1 AND done_at IS NULL",
                                           [.text(assignee), .int(Int64(now))], { ($0.int(0), $0.int(1)) }) ?? (0, 0)
        let laterToday = try db.query("""
            SELECT \(AgentTask.columns) FROM \(AgentTask.from)
            WHERE t.assignee = ? AND t.done_at IS NULL AND t.due_at > ? AND t.due_at < ? ORDER BY t.due_at, t.id
            """, [.text(assignee), .int(Int64(now)), .int(Int64(now + 26 * 3_600))], AgentTask.init(row:))
            .filter { $0.dueDay(now: now) == .today }.count
        return (open, past + laterToday)
    }

    /// Marks a task done, or open again (`PATCH /tasks/:id {"status": "done" | "open"}`), as the acting user.
    /// Audited under the customer, so the person's access export shows it and their erasure clears it.
    @discardableResult
    public func setTaskStatus(id: String, to status: AgentTask.Status, now: Int) throws -> AgentTask {
        try setTaskStatus(id: id, TaskStatusChange(to: status), now: now)
    }

    /// Marks a task done, or open again (`PATCH /tasks/:id`).
    @discardableResult
    public func setTaskStatus(id: String, _ change: TaskStatusChange, now: Int) throws -> AgentTask {
        let status = change.status
        return try db.transaction {
            let t = try task(id: id)
            guard t.status != status else {
                throw RetentionError.conflict("invalid_transition", "Task \(id) is already \(status.rawValue).", field: "status")
            }
            switch status {
            case .done: try db.run("UPDATE tasks SET done_at = ?, done_by = ? WHERE id = ?", [.int(Int64(now)), .text(user), .int(t.rowID)])
            case .open: try db.run("UPDATE tasks SET done_at = NULL, done_by = NULL WHERE id = ?", [.int(t.rowID)])
            }
            try audit(status == .done ? "task.done" : "task.reopen", entity: "customer", id: t.customerId,
                      details: .object([("taskId", .string(id)), ("title", .string(t.title))]), now: now)
            return try task(rowID: t.rowID)
        }
    }
}
