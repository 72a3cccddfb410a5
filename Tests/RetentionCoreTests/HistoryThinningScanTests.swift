import Foundation
import Testing
@testable import RetentionCore

/// `retention maintenance` picks the rows to drop in one ordered scan of each history table's
/// `(customer_id, calculated_at DESC)` index (`HistorySettings.thinningScanSQL` + `HistorySettings.thin`) instead of
/// a window function that sorted them. These tests hold it to the documented rule (Formulas.md, "Score history")
/// as the earlier query wrote it in SQL, kept here as the reference.
@Suite struct HistoryThinningScanTests {
    let day = 86_400

    /// The rule in SQL as it stood before (schema 17): among customers ?1…?2, older than the all-cut (?4), in the
    /// window from ?5 (monthly rows before ?3 from ?6), every row of a bucket (the week from Monday 1970-01-05, or
    /// the UTC month before the weekly cut) but the newest by (time, id).
    static func referenceSQL(_ table: String) -> String {
        """
        SELECT id FROM (
          SELECT id, row_number() OVER (PARTITION BY customer_id, bucket ORDER BY calculated_at DESC, id DESC) AS k
          FROM (SELECT id, customer_id, calculated_at,
                       CASE WHEN calculated_at >= ?3 THEN (calculated_at - 345600) / 604800
                            ELSE -CAST(strftime('%Y%m', calculated_at, 'unixepoch') AS INTEGER) END AS bucket
                FROM \(table) WHERE customer_id BETWEEN ?1 AND ?2 AND calculated_at < ?4
                  AND (calculated_at >= ?5 OR (calculated_at >= ?6 AND calculated_at < ?3))))
        WHERE k > 1 ORDER BY id
        """
    }

    /// The arithmetic bucket is SQLite's `strftime('%Y%m')` month and the week number, second for second around
    /// every month's and week's edges from 1965 to 2105 (leap years and centuries included).
    @Test func theArithmeticBucketIsStrftimesMonthAndTheWeek() throws {
        let db = try Database(path: ":memory:")
        var times: [Int] = []
        var t = -5 * 365 * day
        while t < 135 * 365 * day { times += [t - 1, t, t + 1, t + day - 1]; t += 13 * day + 3_607 }
        for y in [1968, 1970, 2000, 2024, 2025, 2026, 2100] {
            for m in 1...12 {
                let start = Timestamp.parse(String(format: "%04d-%02d-01T00:00:00Z", y, m))!
                times += [start - 1, start, start + 1]
            }
        }
        for chunk in stride(from: 0, to: times.count, by: 500) {
            let part = Array(times[chunk..<min(times.count, chunk + 500)])
            let sql = part.map { "SELECT \($0), CAST(strftime('%Y%m', \($0), 'unixepoch') AS INTEGER), (\($0) - 345600) / 604800" }
                .joined(separator: " UNION ALL ")
            try db.forEach(sql) { r in
                let t = r.int(0)
                #expect(HistorySettings.bucket(t, weeklyCut: t + 1) == -r.int(1), "month of \(t)")
                #expect(HistorySettings.bucket(t, weeklyCut: t) == r.int(2), "week of \(t)")
            }
        }
        // By hand: Monday 2026-06-15 00:00 UTC opens week 2945 ((1,781,481,600 − 345,600) / 604,800); a second
        // before is in week 2944; 2025-02-28 23:59:59 is February 2025, a second later March.
        let monday = Timestamp.parse("2026-06-15T00:00:00Z")!
        #expect(HistorySettings.bucket(monday, weeklyCut: 0) == 2945 && HistorySettings.bucket(monday - 1, weeklyCut: 0) == 2944)
        let march = Timestamp.parse("2025-03-01T00:00:00Z")!
        #expect(HistorySettings.bucket(march - 1, weeklyCut: march + day) == -202502)
        #expect(HistorySettings.bucket(march, weeklyCut: march + day) == -202503)
    }

    /// A hand-built history of five customers: nightly rows, rows on the edges of weeks (Monday 00:00, Sunday
    /// 23:59:59) and months, on both sides of the two cuts, ties (two and three rows in the same second, ids in
    /// and against time order), a customer with a single row, one with none old enough. The scan drops exactly
    /// the rows the reference query drops, at several `now`s, whole and a customer at a time, and with a
    /// later run's window; and maintenance keeps exactly the others.
    @Test func theScanDropsExactlyTheRowsTheRuleDrops() throws {
        let engine = try makeEngine()
        let now = Timestamp.parse("2026-06-15T12:00:00Z")!
        var customers: [Int64] = []
        for i in 0..<5 {
            var body = try json(specCustomerBody)
            if case .object(var pairs) = body {
                pairs = pairs.map { $0.0 == "email" ? ($0.0, .string("c\(i)@example.com")) : $0.0 == "leadId" ? ($0.0, .string("lead-\(i)")) : $0 }
                body = .object(pairs)
            }
            customers.append(try engine.createCustomer(NewCustomer(json: body), now: now - 900 * day).rowID)
        }
        var tag = 0
        func add(_ c: Int64, _ at: Int) throws {
            tag += 1
            try engine.db.run("""
                INSERT INTO health_scores (customer_id, calculated_at, overall, engagement, financial, satisfaction, lifecycle, churn_probability, churn_risk, document)
                VALUES (?, ?, ?, 50, 50, 50, 50, 0.1, 0, '[]')
                """, [.int(c), .int(Int64(at)), .double(Double(tag))])
        }
        let mondayMidnight = Timestamp.parse("2026-06-15T00:00:00Z")!
        // Customer 0: every night for 500 days, written newest first (ids against time order).
        for d in 0..<500 { try add(customers[0], now - d * day) }
        // Customer 1: the edges of weeks and months, each with a row a second inside.
        for w in 1...60 {
            let monday = mondayMidnight - w * 7 * day
            try add(customers[1], monday); try add(customers[1], monday - 1); try add(customers[1], monday + 1)
        }
        for m in 1...20 {
            var c = DateComponents(); c.year = 2026; c.month = 6 - m; c.day = 1
            var utc = Calendar(identifier: .gregorian); utc.timeZone = TimeZone(identifier: "UTC")!
            let start = Int(utc.date(from: c)!.timeIntervalSince1970)
            try add(customers[1], start); try add(customers[1], start - 1)
        }
        // Customer 2: ties: the newest second of a week twice and three times, and an older tied pair.
        for w in [20, 30, 50, 70] {
            let sunday = mondayMidnight - w * 7 * day - 1
            try add(customers[2], sunday); try add(customers[2], sunday - 3 * day)
            try add(customers[2], sunday); if w >= 50 { try add(customers[2], sunday) }
            try add(customers[2], sunday - 3 * day)
        }
        // Around the cuts (90 and 365 days), a second on each side.
        for cut in [now - 90 * day, now - 365 * day] {
            for delta in [-86_400, -2, -1, 0, 1, 2] { try add(customers[3], cut + delta) }
        }
        try add(customers[3], now - 700 * day)
        // Customer 4: one row, recent.
        try add(customers[4], now - day)
        // Interleave customers in id order: a few more rows of customer 0 at the end, older than all its others.
        for d in 500..<520 { try add(customers[0], now - d * day) }

        let policy = HistorySettings()
        let lo = customers.min()!, hi = customers.max()!
        func dropped(_ at: Int, window: (fromWeekly: Int, fromMonthly: Int) = (Int.min, Int.min), batch: Int64) throws -> (scan: [Int64], reference: [Int64]) {
            let cuts = policy.cuts(now: at)
            var scan: [Int64] = [], reference: [Int64] = []
            var first = lo
            while first <= hi {
                let params: [SQLValue] = [.int(first), .int(first + batch - 1), .int(Int64(cuts.weekly)), .int(Int64(cuts.all)),
                                          .int(Int64(window.fromWeekly)), .int(Int64(window.fromMonthly))]
                let s = try engine.db.statement(HistorySettings.thinningScanSQL("health_scores"))
                try s.bind(params)
                defer { s.reset() }
                try HistorySettings.thin(weeklyCut: cuts.weekly, next: { try s.step() ? (s.row.int64(0), s.row.int64(1), s.row.int(2)) : nil },
                                         drop: { scan.append($0) })
                reference += try engine.db.query(Self.referenceSQL("health_scores"), params) { $0.int64(0) }
                first += batch
            }
            return (scan.sorted(), reference.sorted())
        }
        for at in [now, now + 3 * day + 7_000, now + 17 * day, now + 40 * day + 1] {
            for batch: Int64 in [1, 2, 100] {
                let (scan, reference) = try dropped(at, batch: batch)
                #expect(!reference.isEmpty)
                #expect(scan.count == reference.count && Set(scan).symmetricDifference(reference).isEmpty,
                        "now + \((at - now) / day) days, \(batch) customers at a time: differ at \(Set(scan).symmetricDifference(reference).sorted())")
            }
        }
        let later = now + 10 * day
        let w = policy.window(now: later, previous: now)
        let (scan, reference) = try dropped(later, window: w, batch: 100)
        #expect(!reference.isEmpty && scan == reference, "a later run's window: differ at \(Set(scan).symmetricDifference(reference).sorted())")

        // Maintenance removes exactly those rows, found by their tags (the overall column; ids change when the
        // table is rewritten).
        let expected = Set(try dropped(now, batch: 100).reference)
        let tags = try engine.db.query("SELECT id, overall FROM health_scores ORDER BY overall") { ($0.int64(0), $0.double(1)) }
        let report = try engine.maintain(now: now)
        #expect(report.healthRowsThinned == expected.count)
        #expect(try engine.db.query("SELECT overall FROM health_scores ORDER BY overall") { $0.double(0) }
                == tags.filter { !expected.contains($0.0) }.map(\.1))
    }

    /// The scan reads each table through its `(customer_id, calculated_at DESC)` index without sorting.
    @Test func theScanNeedsNoSort() throws {
        let engine = try makeEngine()
        for table in ["health_scores", "ltv_history"] {
            let plan = try engine.db.query("EXPLAIN QUERY PLAN " + HistorySettings.thinningScanSQL(table),
                                           Array(repeating: SQLValue.int(0), count: 6)) { $0.text(3) }
            #expect(plan.count == 1 && plan[0].contains("USING COVERING INDEX \(table)_customer"), "\(plan)")
            #expect(!plan.joined().contains("TEMP B-TREE"), "\(plan)")
        }
    }
}
