import Foundation

/// The writes of `retention rescore --changed` (issue 23): the changed customers are scattered over the book
/// (10,000 re-rated policies touch about one customer in a hundred), so their new scores are applied in one
/// pass over the staged rows instead of one `UPDATE` (with two reads of the score totals) per run of nearby
/// customers, which at a million customers was a statement per customer.
extension Engine {
    /// Moves the staged scores (`stageRescored`: `temp.rescored_scores`) into `customers` inside the caller's
    /// transaction, visiting only the staged customers (by row id, the staging table driving; the score columns
    /// only of those whose score moved), with their move in `customer_totals` (`updatingScoreTotals` over the
    /// staged customers). Then empties the staging table. The same result as `applyRescored`.
    func applyRescoredScattered() throws {
        // (A customer whose every score column is unchanged has only `scored_at` written.)
        precondition(db.isInTransaction, "the scores move inside the rescore's transaction")
        try updatingScoreTotals(of: .stagedRescores) {
            // The time of the score for every staged customer (no index holds it); each group of score columns only
            // where it moved. The score columns sit in a dozen indexes (the queues' partial ones test churn_risk), and
            // SQLite moves a row's entries in every index that names a column the UPDATE sets, even to the same value:
            // a re-rated policy moves its customer's LTV, and only the three indexes holding it need to follow.
            try db.run("""
                UPDATE customers SET scored_at = (SELECT s.scored_at FROM temp.rescored_scores s WHERE s.id = customers.id)
                WHERE id IN (SELECT id FROM temp.rescored_scores)
                """)
            for group in Self.scoreColumnGroups {
                let set = group.joined(separator: ", "), values = group.map { "s.\($0)" }.joined(separator: ", ")
                let moved = group.map { "c.\($0) IS NOT s.\($0)" }.joined(separator: " OR ")
                try db.run("""
                    UPDATE customers SET (\(set)) = (SELECT \(values) FROM temp.rescored_scores s WHERE s.id = customers.id)
                    WHERE id IN (SELECT s.id FROM temp.rescored_scores s CROSS JOIN customers c ON c.id = s.id WHERE \(moved))
                    """)
            }
        }
        try db.execute("DELETE FROM temp.rescored_scores")
    }

    /// The score columns `applyRescoredScattered` sets together, each group only where one of its columns moved
    /// (together: the columns an index holds side by side, or that move together).
    static let scoreColumnGroups = [["projected_ltv_cents", "ltv_tier"], ["churn_probability", "top_risk_factor"], ["health_score"], ["churn_risk"]]
}
