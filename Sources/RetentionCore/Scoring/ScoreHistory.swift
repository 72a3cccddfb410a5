import Foundation

/// When a rescore adds a history row, and which rows `retention maintenance` keeps (Formulas.md, "Score history").
///
/// A rescore always updates the customer's current score; it adds a history row (health and LTV, together)
/// only when the score moved materially since the customer's last history row, or a set interval passed:
///
///     record = no row yet
///           or |overall − overall_last| ≥ minHealthChange            (default 1 point)
///           or risk ≠ risk_last                                      (any change of level)
///           or |p − p_last| ≥ minChurnChange                         (default 0.02)
///           or now − at_last ≥ maxIntervalDays × 86,400 s            (default 30 days; 0: always, even at or
///                                                                    before the last row's time)
///
/// Maintenance keeps every row younger than `keepAllDays` (90), then the last row of each week (weeks start
/// Monday 00:00 UTC) until `keepWeeklyDays` (365), then the last row of each calendar month (UTC).
public struct HistorySettings: Sendable, Equatable {
    public var minHealthChange = 1.0
    public var minChurnChange = 0.02
    public var maxIntervalDays = 30
    public var keepAllDays = 90
    public var keepWeeklyDays = 365
    public init() {}

    /// A customer's last history row, as the materiality test compares with it.
    public struct LastPoint: Sendable, Equatable {
        public var overall: Double
        public var churnProbability: Double
        public var risk: ChurnRisk
        public var calculatedAt: Int
        public init(overall: Double, churnProbability: Double, risk: ChurnRisk, calculatedAt: Int) {
            (self.overall, self.churnProbability, self.risk, self.calculatedAt) = (overall, churnProbability, risk, calculatedAt)
        }
    }

    /// Differences this close to a threshold count as reaching it (scores are stored as binary doubles:
    /// 72.4 − 71.4 is 0.99999999999999…).
    static let tolerance = 1e-9

    /// Whether a new score gets a history row (see the type's formula).
    public func records(overall: Double, churnProbability: Double, risk: ChurnRisk, now: Int, since last: LastPoint?) -> Bool {
        guard let last else { return true }
        return abs(overall - last.overall) >= minHealthChange - Self.tolerance
            || risk != last.risk
            || abs(churnProbability - last.churnProbability) >= minChurnChange - Self.tolerance
            || maxIntervalDays == 0 || now - last.calculatedAt >= maxIntervalDays * Timestamp.secondsPerDay
    }

    /// Monday 1970-01-05 00:00 UTC: weeks are counted from it.
    static let firstMonday = 4 * 86_400

    /// A history row's bucket (`calculated_at` = `t`, older than the all-cut; `weeklyCut`: the time before which
    /// rows are kept monthly): its week counted from Monday 1970-01-05 00:00 UTC (a positive number) or its UTC
    /// calendar month as −(year·100 + month) (negative, so the two never meet). Plain arithmetic: the week is
    /// ⌊(t − 345,600) / 604,800⌋ (t after 1970-01-05), the month the civil date of day ⌊t / 86,400⌋.
    static func bucket(_ t: Int, weeklyCut: Int) -> Int {
        if t >= weeklyCut { return (t - firstMonday) / 604_800 }
        // The UTC (proleptic Gregorian) civil date, H. Hinnant's `civil_from_days`: the same month as SQLite's
        // `strftime('%Y%m', t, 'unixepoch')`.
        let date = Timestamp.civil(days: t >= 0 ? t / 86_400 : (t - 86_399) / 86_400)
        return -(date.year * 100 + date.month)
    }

    /// The rows of `table` the retention policy may thin among customers ?1…?2, read in the order of the
    /// table's `(customer_id, calculated_at DESC)` index (no sort: `EXPLAIN QUERY PLAN` shows a covering-index
    /// search and no temporary B-tree): older than the all-cut (?4), and only in the window that can have
    /// changed since the last thinning (`window`): from ?5 on, and the monthly rows (before ?3) from ?6 on.
    static func thinningScanSQL(_ table: String) -> String {
        """
        SELECT id, customer_id, calculated_at FROM \(table) INDEXED BY \(table)_customer
        WHERE customer_id BETWEEN ?1 AND ?2 AND calculated_at < ?4
          AND (calculated_at >= ?5 OR (calculated_at >= ?6 AND calculated_at < ?3))
        ORDER BY customer_id, calculated_at DESC
        """
    }

    /// The ids the policy drops among the rows of `thinningScanSQL` (in its order: customer, then newest first):
    /// in each bucket (`bucket`) of a customer, every row but the newest (the greatest time; of rows with that
    /// same time, the greatest id). `row` gives each row's (id, customer, time) in that order; `drop` gets the
    /// ids to drop.
    static func thin(weeklyCut: Int, next row: () throws -> (id: Int64, customer: Int64, at: Int)?, drop: (Int64) -> Void) rethrows {
        var customer: Int64 = 0, bucket = 0, newest = 0, kept: Int64 = 0, open = false
        while let r = try row() {
            let b = Self.bucket(r.at, weeklyCut: weeklyCut)
            if open && r.customer == customer && b == bucket {
                if r.at == newest {
                    // A tie with the newest time: the greater id is kept (the index gives ties in id order).
                    if r.id > kept { drop(kept); kept = r.id } else { drop(r.id) }
                } else {
                    drop(r.id)
                }
            } else {
                (customer, bucket, newest, kept, open) = (r.customer, b, r.at, r.id, true)
            }
        }
    }

    /// The rows a thinning at `now` must read after one at `previous` (with this same policy): the rows that
    /// passed the all-cut since, with the rest of their weeks (from the start of the week of the previous
    /// all-cut), and the rows that passed the weekly cut since, with the rest of their months (from the start
    /// of the month of the previous weekly cut). Every other row is where the previous run left it, in a
    /// bucket it already thinned. Everything (`Int.min`) without a previous run, after a clock that went
    /// back, or after a long gap (half a year: a month bucket could straddle the window).
    func window(now: Int, previous: Int?) -> (fromWeekly: Int, fromMonthly: Int) {
        guard let previous, previous <= now, now - previous < 180 * Timestamp.secondsPerDay else { return (Int.min, Int.min) }
        let before = cuts(now: previous)
        let weekStart = Self.firstMonday + Int((Double(before.all - Self.firstMonday) / 604_800).rounded(.down)) * 604_800
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let month = utc.dateComponents([.year, .month], from: Date(timeIntervalSince1970: TimeInterval(before.weekly)))
        let monthStart = Int(utc.date(from: month)!.timeIntervalSince1970)
        return (weekStart, monthStart)
    }

    /// The cuts of the policy at `now`: rows before `all` are thinned; before `weekly`, to one a month.
    func cuts(now: Int) -> (all: Int, weekly: Int) {
        (now - keepAllDays * Timestamp.secondsPerDay, now - max(keepAllDays, keepWeeklyDays) * Timestamp.secondsPerDay)
    }
}

/// The time and last event of the last full rescore (see `Settings.lastFullRescore`).
struct FullRescoreMark: Sendable, Equatable {
    var at: Int
    var lastEvent: Int64
}

extension Engine {
    /// The history settings in force (`history.*`).
    public func historySettings() throws -> HistorySettings {
        var h = HistorySettings()
        h.minHealthChange = try db.settings.value(Settings.historyMinHealthChange)
        h.minChurnChange = try db.settings.value(Settings.historyMinChurnChange)
        h.maxIntervalDays = try db.settings.value(Settings.historyMaxIntervalDays)
        h.keepAllDays = try db.settings.value(Settings.historyKeepAllDays)
        h.keepWeeklyDays = try db.settings.value(Settings.historyKeepWeeklyDays)
        return h
    }

    /// The customers `retention rescore --changed` rescores, in row order: not erased, and with a row newer than
    /// their last score (or never scored): their own row (`customers.updated_at`), a policy's (`updated_at`),
    /// a touchpoint's (`updated_at`) or an event (`created_at`; not the risk-change events a rescore itself writes), strictly
    /// after the score's second. A row written in the same second as the score does not count: the rescore's own
    /// writes (the expiry pass before it, its events) fall in that second, and counting them rescored the whole
    /// book again after a full rescore. A change in that very second waits for the nightly full rescore.
    ///
    /// Only rows changed since the last full rescore can be newer than a customer's score (that rescore scored
    /// everyone), so the tables are read from there through their `updated_at` indexes (schema 14) and the events
    /// from the last event before it; before any full rescore, everything is read.
    public func changedCustomerRows() throws -> [Int64] {
        let mark = try db.settings.value(Settings.lastFullRescore)
        let since = mark?.at ?? Int.min, lastEvent = mark?.lastEvent ?? 0
        return try db.query("""
            SELECT c.id FROM (
              SELECT id AS cid, updated_at AS t FROM customers WHERE updated_at >= ?1
              UNION ALL SELECT customer_id, updated_at FROM policies WHERE updated_at >= ?1
              UNION ALL SELECT customer_id, updated_at FROM touchpoints WHERE updated_at >= ?1
              UNION ALL SELECT customer_id, created_at FROM retention_events
                WHERE id > ?2 AND event_type NOT IN ('churn_risk_increased', 'churn_risk_decreased')
            ) ch JOIN customers c ON c.id = ch.cid
            WHERE c.erased_at IS NULL
            GROUP BY c.id HAVING c.scored_at IS NULL OR max(ch.t) > c.scored_at
            ORDER BY c.id
            """, [.int(Int64(since)), .int(lastEvent)]) { $0.int64(0) }
    }

    /// Row ranges covering `rows` (sorted): neighbours less than `gap` apart share a range, none longer than `chunk`.
    static func ranges(covering rows: [Int64], gap: Int64 = 32, chunk: Int) -> [ClosedRange<Int64>] {
        var out: [ClosedRange<Int64>] = []
        for r in rows {
            if let last = out.last, r - last.upperBound < gap, r - last.lowerBound < Int64(chunk) {
                out[out.count - 1] = last.lowerBound...r
            } else {
                out.append(r...r)
            }
        }
        return out
    }
}

extension Array where Element == Int64 {
    /// How many of these sorted values fall in `range` (two binary searches).
    func count(in range: ClosedRange<Int64>) -> Int {
        func firstIndex(notBelow v: Int64) -> Int {
            var (lo, hi) = (0, count)
            while lo < hi { let mid = (lo + hi) / 2; if self[mid] < v { lo = mid + 1 } else { hi = mid } }
            return lo
        }
        return firstIndex(notBelow: range.upperBound + 1) - firstIndex(notBelow: range.lowerBound)
    }
}
