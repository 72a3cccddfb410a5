import Foundation

/// The writes of `retention rescore --changed` (issue 23): the changed customers are scattered over the book
/// (10,000 re-rated policies touch about one customer in a hundred), so their new scores are applied in one
/// pass over the staged rows instead of one `UPDATE` (with two reads of the score totals) per run of nearby
/// customers, which at a million customers was a statement per customer.
extension Engine {
    /// How many changed customers a reader thread reads and scores at a time (`changedReadGroups`): small groups,
    /// so that the writer starts on the first while the readers go on (at a million customers, two groups of 5,000
    /// kept the writer waiting 0.37 s for its first, and the readers idle while it wrote).
    static let changedReadGroupCustomers = 1_000

    /// How many changed customers one transaction of `rescore --changed` writes (`writeChangedGroups`), as before
    /// the groups were made smaller: each commit writes the pages it dirtied to the log and copies them into the
    /// file (a checkpoint, two file syncs), so a commit per small group wrote the scattered customers' index pages
    /// again and again; one transaction for the whole 10,000 measured no faster (its 20,700 pages overflow the
    /// writer's page cache and are all copied after the last group). An interruption loses at most this many.
    static let changedCommitCustomers = 5_000

    /// The groups of row ranges a changed-only rescore reads and scores together, each holding at most
    /// `min(chunk, changedReadGroupCustomers)` of the changed customers `rows` (sorted): changed customers far
    /// apart are read range by range (`ranges(covering:)`: no read of the customers between).
    static func changedReadGroups(_ rows: [Int64], chunk: Int) -> [[ClosedRange<Int64>]] {
        let size = max(1, min(chunk, changedReadGroupCustomers))
        var groups: [[ClosedRange<Int64>]] = [[]]
        var inGroup = 0
        for r in Engine.ranges(covering: rows, chunk: size) {
            let count = rows.count(in: r)
            if inGroup + count > size && !groups[groups.count - 1].isEmpty { groups.append([]); inGroup = 0 }
            groups[groups.count - 1].append(r)
            inGroup += count
        }
        return groups.filter { !$0.isEmpty }
    }

    /// Runs `write` for each of `count` groups (of at most `min(chunk, changedReadGroupCustomers)` customers,
    /// `changedReadGroups`) in order, each group's scores applied as it comes while the readers go on, about
    /// `changedCommitCustomers` customers to a transaction.
    func writeChangedGroups(_ count: Int, chunk: Int, _ write: (Int) throws -> Void) throws {
        try writeChangedGroups(count, groupsPerTransaction: Engine.changedCommitCustomers / max(1, min(chunk, Engine.changedReadGroupCustomers)), write)
    }

    /// Runs `write` for groups 0..<`count` in order, `groupsPerTransaction` of them (at least 1) to a transaction,
    /// the staging table emptied at the start of each: an error rolls back the groups of its own transaction (and
    /// is thrown), those committed before stay.
    func writeChangedGroups(_ count: Int, groupsPerTransaction: Int, _ write: (Int) throws -> Void) throws {
        var index = 0
        while index < count {
            try db.transaction {
                try db.execute("DELETE FROM temp.rescored_scores")
                let end = min(count, index + max(1, groupsPerTransaction))
                while index < end { try write(index); index += 1 }
            }
        }
    }

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
