import Foundation

/// A specialist's risk level for a customer, with a reason and an expiry (`Engine.setRiskOverride`,
/// `PUT /customers/:id/risk-override`): shown beside the model's, audited, never overwritten by a rescore,
/// and lapsed from its `until` instant on.
///
/// Which level counts where: the **effective level** is the override's while it runs, else the model's. The
/// detail pane and `GET /customers/:id/risk-override` show both. The at-risk queue, its risk filter and the
/// risk counts (header, metrics) follow the **model's** level: they are served by the model's indexed
/// column, and an override is a note for people, not a change of the score.
public struct RiskOverride: Sendable, Equatable {
    public var level: ChurnRisk
    /// Why: one line of at most 500 characters.
    public var reason: String
    /// When it lapses: an instant after now, within a year.
    public var until: Int
    /// Who set it and when (filled by the engine when read back).
    public var setBy: String = ""
    public var setAt: Int = 0

    public init(level: ChurnRisk, reason: String, until: Int) {
        self.level = level
        self.reason = reason
        self.until = until
    }

    public func validate(now: Int) throws {
        let text = try Validation.text(reason, field: "reason", maxLength: 500)
        if text.trimmingCharacters(in: .whitespaces).isEmpty { throw RetentionError.invalid("reason", "is required: say why the level differs from the model's") }
        if until <= now { throw RetentionError.invalid("until", "must be after now (\(Timestamp.formatInstant(now)))") }
        if until > now + 366 * Timestamp.secondsPerDay { throw RetentionError.invalid("until", "must be within a year of now") }
    }

    /// Whether it is in force at `now`.
    public func isActive(at now: Int) -> Bool { until > now }
}

extension Engine {
    /// Sets (or replaces) the customer's manual risk level. Audited as `customer.risk_override` with the
    /// model's level beside it.
    @discardableResult
    public func setRiskOverride(customerId: String, _ o: RiskOverride, now: Int) throws -> RiskOverride {
        try db.transaction {
            let c = try customer(id: customerId)
            if c.erasedAt != nil { throw RetentionError.customerErased(customerId) }
            try o.validate(now: now)
            try db.run("INSERT OR REPLACE INTO risk_overrides (customer_id, churn_risk, reason, until_at, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?)",
                       [.int(c.rowID), .int(Int64(o.level.rank)), .text(o.reason), .int(Int64(o.until)), .text(user), .int(Int64(now))])
            try audit("customer.risk_override", entity: "customer", id: customerId,
                      details: .object([("level", .string(o.level.rawValue)), ("model", .string(c.churnRisk.rawValue)),
                                        ("reason", .string(o.reason)), ("until", .string(Timestamp.formatInstant(o.until)))]), now: now)
            return try riskOverride(customerId: customerId, now: now)!
        }
    }

    /// Clears the customer's manual risk level (audited as `customer.risk_override_cleared`); clearing none is a no-op.
    public func clearRiskOverride(customerId: String, now: Int) throws {
        try db.transaction {
            let rowID = try customerRowID(customerId)
            try db.run("DELETE FROM risk_overrides WHERE customer_id = ?", [.int(rowID)])
            if db.changes > 0 { try audit("customer.risk_override_cleared", entity: "customer", id: customerId, now: now) }
        }
    }

    /// The customer's manual risk level in force at `now` (nil: none, or lapsed).
    public func riskOverride(customerId: String, now: Int) throws -> RiskOverride? {
        let rowID = try customerRowID(customerId)
        return try db.queryOne("SELECT churn_risk, reason, until_at, set_by, set_at FROM risk_overrides WHERE customer_id = ? AND until_at > ?",
                               [.int(rowID), .int(Int64(now))]) { r in
            var o = RiskOverride(level: ChurnRisk(rank: r.int(0)) ?? .medium, reason: r.text(1), until: r.int(2))
            o.setBy = r.text(3)
            o.setAt = r.int(4)
            return o
        }
    }
}
