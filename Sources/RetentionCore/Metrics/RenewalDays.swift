/// The book's renewals per day and line with their premium, kept in `renewal_days` (schema v7) by triggers
/// on `premium_changes`, so the metrics' renewal figures for a period read at most a row per day and line
/// instead of every renewal in it (940,000 rows a year at a million customers, half the metrics' reads).
///
/// For the renewals (`premium_changes.renewal`) that occurred on UTC day d of line l:
/// - `renewals` = how many;
/// - `revenue_cent_months` = Σ round(premium × term months), premium being the renewal's `premiumAfter`
///   else the policy's annual premium when it was recorded, in cents: the renewed terms' premium is this
///   sum / 12. Kept as an integer (premiums are whole cents), it is exact whatever order rows come and go in;
///   it is read with floating sums (`total`), exact to 2⁵³ cent-months and never failing on overflow.
///
/// A renewal written, changed or deleted moves its day's row (three triggers); a bulk load drops the
/// insert trigger and adds its renewals in one pass after (`catchUp`). One agent's renewals are
/// still read row by row: the rows are the book's, and a customer may move to another agent.
enum RenewalDays {
    /// The start (UTC midnight, in seconds) of the day of time column `t`, negative times included.
    static func dayStart(_ t: String) -> String { "(\(t) - ((\(t) % 86400) + 86400) % 86400)" }

    /// A renewal's premium × term in cent-months, from the `premium_changes` row `r`.
    static func revenue(_ r: String) -> String {
        "CAST(round(coalesce(\(r).premium_after_cents, \(r).annual_premium_cents) * \(r).term_months) AS INTEGER)"
    }

    private static let addExcluded = "renewals = renewals + excluded.renewals, revenue_cent_months = revenue_cent_months + excluded.revenue_cent_months"

    /// Adds the renewals of `premium_changes` rows after event `afterEvent` to their days: the catch-up of
    /// a load that ran without the insert trigger. The rows are read in their stored (time) order and
    /// summed here, then each day's lines are added in one upsert each: grouping them in SQL sorted every
    /// row (8.3 s for the 2.2 million renewals of a million-customer book, 0.9 s this way). The table is
    /// scanned rather than the event index searched (`+pc.event_id`): a load's rows are most of the table,
    /// and reaching each row from the index cost 4.1 s there.
    static func catchUp(_ db: Database, afterEvent: Int64) throws {
        struct Key: Hashable { var day: Int, line: String }
        var sums: [Key: (renewals: Int, centMonths: Double)] = [:]
        try db.forEach("""
            SELECT \(dayStart("pc.occurred_at")), pc.policy_type, \(revenue("pc")) FROM premium_changes pc WHERE pc.renewal AND +pc.event_id > ?1
            """, [.int(afterEvent)]) { r in
            let key = Key(day: r.int(0), line: r.text(1))
            let sum = sums[key] ?? (0, 0)
            sums[key] = (sum.renewals + 1, sum.centMonths + r.double(2))
        }
        for (key, sum) in sums.sorted(by: { ($0.key.day, $0.key.line) < ($1.key.day, $1.key.line) }) {
            try db.run("""
                INSERT INTO renewal_days (day, line, renewals, revenue_cent_months) VALUES (?, ?, ?, ?)
                ON CONFLICT (day, line) DO UPDATE SET \(addExcluded)
                """, [.int(Int64(key.day)), .text(key.line), .int(Int64(sum.renewals)), .double(sum.centMonths)])
        }
    }
}

extension Engine {
    /// The book's renewals in [start, end) by line name, and their premium in cents (`start` and `end` at
    /// UTC midnights, as a metrics period's are).
    func bookRenewals(start: Int, end: Int) throws -> (byLine: [String: Int], revenueCents: Double) {
        var byLine: [String: Int] = [:]
        var centMonths = 0.0
        // total(), not sum(): a floating sum never fails on integer overflow (premiums of absurd size can reach it).
        try db.forEach("SELECT line, total(renewals), total(revenue_cent_months) FROM renewal_days WHERE day >= ?1 AND day < ?2 GROUP BY line",
                       [.int(Int64(start)), .int(Int64(end))]) { r in
            if r.int(1) != 0 { byLine[r.text(0)] = r.int(1) }
            centMonths += r.double(2)
        }
        return (byLine, centMonths / 12)
    }
}
