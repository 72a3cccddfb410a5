import Foundation

extension Engine {
    /// The conditions that make a customer part of the at-risk queue (`atRisk`), on the customers table
    /// aliased `c`, with their bound values: scored at one of `q.levels` (medium and up; low is never in the
    /// queue), not erased, with a policy in force, not snoozed now (unless `includeSnoozed`), and the
    /// agent, line, tag, owner and unassigned filters. A name search is not among them: `atRisk` reads its
    /// customers from the name indexes (a driver); `the queue's windows and `atRiskCount` (Triage/QueueWindows.swift) add it as a condition.
    ///
    /// One definition for every count of the queue: the at-risk list, its count (`atRiskCount`), the
    /// header's "High risk" and the manager view's per-agent queue (`BookPictures`).
    static func atRiskQueueConditions(_ q: AtRiskQuery, now: Int) -> (conditions: [String], params: [SQLValue])? {
        let inForce = "status IN \(PolicyStatus.inForceSQL)"
        var conditions = ["c.churn_risk >= 1", "c.erased_at IS NULL", "c.active_policies > 0"]
        var params: [SQLValue] = []
        let levels = q.levels.isEmpty ? [.medium, .high, .critical] : q.levels.filter { $0 != .low }
        guard !levels.isEmpty else { return nil }
        conditions.append("c.churn_risk IN (\(levels.map { _ in "?" }.joined(separator: ", ")))")
        params += levels.map { .int(Int64($0.rank)) }
        if let a = q.agentId { conditions.append("c.agent_id = ?"); params.append(.text(a)) }
        if let t = q.policyType {
            conditions.append("EXISTS (SELECT 1 FROM policies p WHERE p.customer_id = c.id AND p.policy_type = ? AND p.\(inForce))")
            params.append(.text(t.rawValue))
        }
        if let tag = q.tag { conditions.append("c.id IN (SELECT customer_id FROM customer_tags WHERE tag = ?)"); params.append(.text(tag)) }
        if let who = q.assignedTo { conditions.append("c.assigned_to = ?"); params.append(.text(who)) }
        if q.unassignedOnly { conditions.append("c.assigned_to IS NULL") }
        if !q.includeSnoozed { conditions.append("(c.snoozed_until IS NULL OR c.snoozed_until <= ?)"); params.append(.int(Int64(now))) }
        return (conditions, params)
    }

    /// The header's "High risk": the at-risk queue at high and critical risk (`atRiskCount`), the same
    /// customers the at-risk pane lists under its `high+` filter.
    public func highRiskQueueCount(now: Int) throws -> Int {
        var q = AtRiskQuery()
        q.levels = [.high, .critical]
        return try atRiskCount(q, now: now)
    }
}
