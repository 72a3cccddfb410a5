/// The sums the metrics read about the book's active customers, kept per agent in `customer_totals`
/// (schema v7), so a metrics call reads a handful of rows instead of the whole customers table (0.43 s of
/// table pages at a million customers, the larger half of the metrics' reads).
///
/// A customer counts while they are **active** (`active_policies > 0`). Each active customer c adds to
/// their agent's row:
///
/// | column | adds |
/// |---|---|
/// | `active` | 1 |
/// | `paid_cents` | premiums paid to date, `lifetime_value_cents` |
/// | `satisfaction_count`, `satisfaction_micros` | 1 and round(satisfaction × 10⁶), when c has a score |
/// | `ltv_count`, `ltv_cents` | 1 and the projected LTV, when c has one |
/// | `scored` | 1 when c has been scored (`scored_at` set) |
/// | `health_micros` | round(health × 10⁶), when scored |
/// | `risk_low` … `risk_critical` | 1 in the column of c's churn risk, when scored |
/// | `band_excellent` … `band_poor` | 1 in the column of c's health band (≥ 80, 60–80, 40–60, < 40), when scored |
///
/// so the metrics' averages are Σ / count over the rows of the book (or of one agent). Scores are summed
/// in millionths as integers: the sums are exact whatever order customers change in (a floating sum
/// kept up by adding and subtracting would drift), and a health score has one decimal, a satisfaction
/// score at most a few, so nothing is rounded away.
///
/// Two mechanisms keep the rows right, each for its own writers:
/// - **Triggers** on `customers`, for every write of the agent, the active-policy count, premiums paid or
///   satisfaction (policy changes, events, imports, erasure, loads): an inserted active customer is
///   added, a deleted one subtracted, and an update adds the difference between the row's new and old
///   contributions (all columns, scores included) to its agent's row; a customer moved to another agent
///   leaves the old agent's row for the new one's.
/// - **The score writers** (a rescore, one customer's health score or LTV) change only the columns from
///   `ltv_count` down, which no trigger watches, and move the totals themselves (`updatingScoreTotals`):
///   the score part of the customers they write is summed before and after the write, in the write's
///   transaction, and the difference added. A trigger would cost every customer's UPDATE a statement
///   journal and a sub-program: a rescore at 100,000 customers took 6.6 s with one, 5.6 s without.
///
/// The totals' tests check every write path against `refill`, a direct sum over the table.
enum CustomerTotals {
    /// The columns, and what one customer row adds to each; `$` stands for the row (`NEW`, `OLD` or a
    /// table alias). Schema v7 (`Migrations.Version07`) froze the table and triggers this list made: changing
    /// it needs a new migration that alters them the same way.
    static let columns: [(name: String, contribution: String)] = [
        ("active", "1"),
        ("paid_cents", "$.lifetime_value_cents"),
        ("satisfaction_count", "$.satisfaction_score IS NOT NULL"),
        ("satisfaction_micros", "coalesce(CAST(round($.satisfaction_score * 1000000) AS INTEGER), 0)"),
    ] + scoreColumns.map { ($0, scoreContributionSQL[$0]!) }

    /// The columns only the score writers change, in the order `scoreContribution` gives them.
    static let scoreColumns = ["ltv_count", "ltv_cents", "scored", "health_micros", "risk_low", "risk_medium", "risk_high", "risk_critical",
                               "band_excellent", "band_good", "band_fair", "band_poor"]

    private static let scoreContributionSQL: [String: String] = [
        "ltv_count": "$.projected_ltv_cents IS NOT NULL",
        "ltv_cents": "coalesce($.projected_ltv_cents, 0)",
        "scored": "$.scored_at IS NOT NULL",
        "health_micros": "CASE WHEN $.scored_at IS NOT NULL THEN CAST(round($.health_score * 1000000) AS INTEGER) ELSE 0 END",
        "risk_low": "$.scored_at IS NOT NULL AND $.churn_risk = 0",
        "risk_medium": "$.scored_at IS NOT NULL AND $.churn_risk = 1",
        "risk_high": "$.scored_at IS NOT NULL AND $.churn_risk = 2",
        "risk_critical": "$.scored_at IS NOT NULL AND $.churn_risk = 3",
        "band_excellent": "$.scored_at IS NOT NULL AND $.health_score >= 80",
        "band_good": "$.scored_at IS NOT NULL AND $.health_score >= 60 AND $.health_score < 80",
        "band_fair": "$.scored_at IS NOT NULL AND $.health_score >= 40 AND $.health_score < 60",
        "band_poor": "$.scored_at IS NOT NULL AND $.health_score < 40",
    ]

    /// What an active customer adds to `scoreColumns` (in that order), the same sums as the SQL above
    /// computed in Swift; `CustomerTotalsTests.theScoreWritersSumLikeTheSQL` checks they agree.
    static func scoreContribution(scored: Bool, health: Double, risk: Int, projectedLTVCents: Int?) -> [Int64] {
        var values = [Int64](repeating: 0, count: scoreColumns.count)
        if let ltv = projectedLTVCents { (values[0], values[1]) = (1, Int64(ltv)) }
        guard scored else { return values }
        values[2] = 1
        values[3] = Int64((health * 1_000_000).rounded())
        if (0..<4).contains(risk) { values[4 + risk] = 1 }
        values[8 + (health >= 80 ? 0 : health >= 60 ? 1 : health >= 40 ? 2 : 3)] = 1
        return values
    }

    /// The customer columns whose update fires the update trigger: all the contributions read but the scores.
    static let watchedColumns = "agent_id, active_policies, lifetime_value_cents, satisfaction_score"

    private static func contribution(_ column: (name: String, contribution: String), of row: String) -> String {
        "(" + column.contribution.replacingOccurrences(of: "$.", with: "\(row).") + ")"
    }

    private static var names: String { columns.map(\.name).joined(separator: ", ") }

    /// `column = column + excluded.column` for each of `names`: the upsert's addition.
    private static func addExcluded(_ names: [String]) -> String { names.map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", ") }

    /// Adds an agent's score sums (bound: the agent, then one value per score column) to their row.
    static let addScoreSums = """
        INSERT INTO customer_totals (agent_id, \(scoreColumns.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: scoreColumns.count)))
        ON CONFLICT (agent_id) DO UPDATE SET \(addExcluded(scoreColumns))
        """

    /// Rebuilds every agent's totals from the customers table as it is, in one pass.
    static func rebuild(_ db: Database) throws {
        try db.execute("DELETE FROM customer_totals")
        try db.run(refill)
    }

    /// The totals of every agent from the customers table as it is, into an empty table (`rebuild` empties
    /// it first; the v7 migration filled the table with this same statement, frozen there).
    static var refill: String {
        "INSERT INTO customer_totals (agent_id, \(names)) SELECT c.agent_id, \(columns.map { "sum\(contribution($0, of: "c"))" }.joined(separator: ", ")) FROM customers c WHERE c.active_policies > 0 GROUP BY c.agent_id;"
    }
}

extension Engine {
    /// The active customers' sums of the book, or of one agent's customers, from `customer_totals`, with the
    /// scored ones by churn risk (in rank order).
    func customerTotals(agentId: String?) throws -> (MetricsReads.CustomerTotals, riskCounts: [Int]) {
        // total(), not sum(): a floating sum never fails on integer overflow (premiums of absurd size can reach it).
        let columns = CustomerTotals.columns.map { "total(\($0.name))" }.joined(separator: ", ")
        let sums = try db.queryOne("SELECT \(columns) FROM customer_totals WHERE ?1 IS NULL OR agent_id = ?1", [agentId.map { .text($0) } ?? .null]) { r in
            Dictionary(uniqueKeysWithValues: CustomerTotals.columns.indices.map { (CustomerTotals.columns[$0].name, r.double(Int32($0))) })
        }!
        func sum(_ name: String) -> Double { sums[name]! }
        func count(_ name: String) -> Int { Int(sum(name)) }
        var t = MetricsReads.CustomerTotals()
        (t.active, t.paidSum, t.ltvCount, t.ltvSum) = (count("active"), sum("paid_cents"), count("ltv_count"), sum("ltv_cents"))
        (t.satisfactionCount, t.satisfactionSum) = (count("satisfaction_count"), sum("satisfaction_micros") / 1e6)
        (t.scored, t.healthSum) = (count("scored"), sum("health_micros") / 1e6)
        t.bands = ["band_excellent", "band_good", "band_fair", "band_poor"].map(count)
        return (t, ChurnRisk.allCases.map { count("risk_\($0.rawValue)") })
    }
}

extension Engine {
    /// Runs `write`, which changes only the score columns (health, churn risk, scoring time, projected LTV)
    /// of customers whose row ids are in `rows`, and moves those customers in `customer_totals` from their
    /// old scores to their new ones: the score part of their contributions is summed per agent before and
    /// after the write, and the difference added. Runs inside the caller's transaction, so no other
    /// writer comes between the two sums.
    func updatingScoreTotals<T>(of rows: ClosedRange<Int64>, _ write: () throws -> T) throws -> T {
        try updatingScoreTotals(of: .rows(rows), write)
    }

    /// The customers whose score totals `updatingScoreTotals` follows: a range of row ids, or the customers
    /// staged in `temp.rescored_scores` (a changed-only rescore's, scattered over the book).
    enum ScoredCustomers {
        case rows(ClosedRange<Int64>)
        case stagedRescores
    }

    func updatingScoreTotals<T>(of customers: ScoredCustomers, _ write: () throws -> T) throws -> T {
        precondition(db.isInTransaction, "the score totals move inside the write's transaction")
        let before = try scoreTotals(of: customers)
        let result = try write()
        var change = try scoreTotals(of: customers)
        for (agent, sums) in before { change[agent, default: Array(repeating: 0, count: sums.count)].subtract(sums) }
        for (agent, sums) in change.sorted(by: { $0.key < $1.key }) where sums.contains(where: { $0 != 0 }) {
            try db.run(CustomerTotals.addScoreSums, [.text(agent)] + sums.map { .int($0) })
        }
        return result
    }

    /// The score part of the totals of the active customers among `customers`, per agent.
    private func scoreTotals(of customers: ScoredCustomers) throws -> [String: [Int64]] {
        var sums: [String: [Int64]] = [:]
        let columns = "c.agent_id, c.scored_at IS NOT NULL, c.health_score, c.churn_risk, c.projected_ltv_cents"
        let (sql, params): (String, [SQLValue]) = switch customers {
        case .rows(let rows):
            ("SELECT \(columns) FROM customers c WHERE c.id BETWEEN ? AND ? AND c.active_policies > 0", [.int(rows.lowerBound), .int(rows.upperBound)])
        case .stagedRescores:
            ("SELECT \(columns) FROM temp.rescored_scores s CROSS JOIN customers c ON c.id = s.id WHERE c.active_policies > 0", [])
        }
        try db.forEach(sql, params) { r in
            let values = CustomerTotals.scoreContribution(scored: r.bool(1), health: r.double(2), risk: r.int(3), projectedLTVCents: r.optionalInt(4))
            sums[r.text(0), default: Array(repeating: 0, count: values.count)].add(values)
        }
        return sums
    }
}

extension Engine {
    /// Active customers at high or critical churn risk who are not erased (the dashboard's header): the
    /// scored ones by risk from `customer_totals`, less the erased among them, read from the small index of
    /// erased customers. Counting them in the customers table read every high-risk row (0.4 s of processor
    /// time at a million customers, 6.6 s from a cold disk).
    public func highRiskCustomerCount() throws -> Int {
        try db.scalarInt("""
            SELECT (SELECT coalesce(sum(risk_high + risk_critical), 0) FROM customer_totals)
                 - (SELECT count(*) FROM customers INDEXED BY customers_erased
                    WHERE erased_at IS NOT NULL AND churn_risk >= 2 AND active_policies > 0 AND scored_at IS NOT NULL)
            """)
    }
}

private extension Array where Element == Int64 {
    // Wrapping arithmetic: with sums of absurd size the difference after − before is still exact whenever it
    // fits, and nothing traps.
    mutating func add(_ other: [Int64]) { for i in indices { self[i] &+= other[i] } }
    mutating func subtract(_ other: [Int64]) { for i in indices { self[i] &-= other[i] } }
}
