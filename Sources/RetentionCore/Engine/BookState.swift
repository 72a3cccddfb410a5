import Foundation

/// Small typed questions about the book that the dashboard and the command line ask, so that neither runs
/// SQL of its own (`Engine.db` is internal to the engine).
extension Engine {
    /// A number that changes whenever the database changes: another connection's commit (SQLite's
    /// `PRAGMA data_version`) or a write on this connection (`total_changes()`, which `data_version` does
    /// not count). The dashboard compares it with the last one to skip a refresh when nothing changed.
    public func changeCounter() throws -> Int {
        try db.dataVersion() &+ (try db.scalarInt("SELECT total_changes()")) &* 1_000_003
    }

    /// Whether the book holds no customer at all (EXISTS, not count(*): at a million customers counting
    /// would cost a whole index scan).
    public func bookIsEmpty() throws -> Bool {
        try db.scalarInt("SELECT EXISTS (SELECT 1 FROM customers)") == 0
    }

    /// Whether any customer has been scored, from the per-agent totals (a few rows), not the customers.
    public func bookHasScores() throws -> Bool {
        try db.scalarInt("SELECT coalesce(sum(scored), 0) > 0 FROM customer_totals") == 1
    }

    // MARK: For the benchmark (`retention bench`)

    /// The public id of the customer at `position` (0-based) in insertion order, or nil past the end.
    public func customerID(atPosition position: Int) throws -> String? {
        try db.queryOne("SELECT uuid FROM customers ORDER BY id LIMIT 1 OFFSET ?", [.int(Int64(position))]) { $0.text(0) }
    }

    /// The health score of the in-force customer at `rank` (0-based, lowest health first) among those not at
    /// low churn risk, or nil when fewer are.
    public func healthScoreOfNotLowRisk(atRank rank: Int) throws -> Double? {
        try db.queryOne("""
            SELECT health_score FROM customers WHERE erased_at IS NULL AND active_policies > 0 AND churn_risk >= 1
            ORDER BY health_score LIMIT 1 OFFSET ?
            """, [.int(Int64(rank))]) { $0.double(0) }
    }

    /// How many customers a campaign has enrolled (control group included).
    public func enrolmentCount(campaign: Campaign) throws -> Int {
        try db.scalarInt("SELECT count(*) FROM campaign_enrollments WHERE campaign_id = ?", [.int(campaign.rowID)])
    }

    /// When a campaign's earliest pending touchpoint is due (seconds since 1970), or 0 when none is pending.
    public func earliestPendingDue(campaign: Campaign) throws -> Int {
        try db.scalarInt("SELECT coalesce(min(due_at), 0) FROM touchpoints WHERE status = 'pending' AND campaign_id = ?", [.int(campaign.rowID)])
    }

    /// How many of a campaign's touchpoints are pending and due at `at`.
    public func pendingDueCount(campaign: Campaign, at: Int) throws -> Int {
        try db.scalarInt("SELECT count(*) FROM touchpoints WHERE status = 'pending' AND campaign_id = ? AND due_at <= ?",
                         [.int(campaign.rowID), .int(Int64(at))])
    }
}
