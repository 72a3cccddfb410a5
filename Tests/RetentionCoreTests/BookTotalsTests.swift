import Foundation
import Testing
@testable import RetentionCore

/// The one-pass policy totals behind the metrics: hand-computed cases, and the same numbers as the
/// set-based SQL they replaced (kept here as the reference) on demo books, for the book and each agent.
@Suite struct BookTotalsTests {
    typealias Policy = BookTotals.Policy
    let day = 86_400

    @Test func oneCustomerByHand() {
        // Period [100 d, 200 d). Policies: an auto in force throughout (premium 1,000.00), a home incepted
        // at 150 d (cross-sell: the auto was in force at the start), a renters that lapsed at 120 d.
        let s = 100 * day, e = 200 * day
        var totals = BookTotals(start: s, end: e)
        totals.add(customer: [
            Policy(type: .auto, inception: 10 * day, endedAt: nil, status: .active, rewritten: false, premiumCents: 100_000),
            Policy(type: .home, inception: 150 * day, endedAt: nil, status: .active, rewritten: false, premiumCents: 50_000),
            Policy(type: .renters, inception: 50 * day, endedAt: 120 * day, status: .lapsed, rewritten: false, premiumCents: 20_000),
        ])
        #expect(totals.customers == BookTotals.Customers(total: 1, activeAtStart: 1, activeAtEnd: 1, new: 0, newActive: 0, retained: 1))
        let year = 365.25 * 86_400.0
        #expect(totals.lines["auto"] == BookTotals.Line(total: 1, active: 1, atStart: 1, premiumEnd: 100_000, premiumStart: 100_000,
                                             earned: 100_000 * Double(100 * day) / year))
        #expect(totals.lines["home"] == BookTotals.Line(total: 1, active: 1, atStart: 0, premiumEnd: 50_000, earned: 50_000 * Double(50 * day) / year,
                                             crossSell: 50_000))
        #expect(totals.lines["renters"] == BookTotals.Line(total: 1, atStart: 1, lapsed: 1, lost: 1, premiumStart: 20_000, churned: 20_000,
                                                earned: 20_000 * Double(20 * day) / year))
    }

    /// Each edge counted once: "at the start" is the last instant before S, "at the end" the last instant
    /// before the exclusive end E.
    @Test func edgesOfThePeriod() {
        let s = 100 * day, e = 200 * day
        var totals = BookTotals(start: s, end: e)
        // New in the period: one policy from exactly the start to exactly the end, ended by a rewrite. It starts
        // on the first day (new, not in force before S) and ends when the period does (in force on its last
        // instant, not ended within it).
        totals.add(customer: [Policy(type: .auto, inception: s, endedAt: e, status: .cancelled, rewritten: true, premiumCents: 36_525)])
        // A policy ended exactly at the start (in force on the instant before S, and lost in [S, E): its premium
        // is churned), and one cancelled before it began (never in force).
        totals.add(customer: [
            Policy(type: .home, inception: 20 * day, endedAt: s, status: .cancelled, rewritten: false, premiumCents: 1_000),
            Policy(type: .home, inception: 180 * day, endedAt: 170 * day, status: .cancelled, rewritten: false, premiumCents: 1_000),
        ])
        // A first policy starting exactly at the exclusive end: not a customer of the period, nor in force at its end.
        totals.add(customer: [Policy(type: .life, inception: e, endedAt: nil, status: .active, rewritten: false, premiumCents: 5_000)])
        #expect(totals.customers == BookTotals.Customers(total: 2, activeAtStart: 1, activeAtEnd: 1, new: 1, newActive: 1, retained: 0))
        let auto = totals.lines["auto"]!
        #expect(auto.active == 1 && auto.atStart == 0 && auto.cancelled == 0 && auto.churned == 0, "a rewrite is neither a cancellation nor churn")
        #expect(abs(auto.earned - 10_000) < 1e-9 && auto.newEarned == auto.earned, "100 days of 365.25 of 365.25 currency units a year")
        let home = totals.lines["home"]!
        #expect(home.total == 2 && home.atStart == 1 && home.premiumStart == 1_000 && home.cancelled == 2 && home.churned == 1_000 && home.earned == 0)
        #expect(totals.lines["life"] == BookTotals.Line())
    }

    /// A term-life policy reaching the end of its term is no renewal lost; an auto that expired unrenewed is.
    @Test func aLifeTermEndingIsNoRenewalLost() {
        let s = 100 * day, e = 200 * day
        var totals = BookTotals(start: s, end: e)
        totals.add(customer: [Policy(type: .life, inception: 0, endedAt: 150 * day, status: .expired, rewritten: false, premiumCents: 40_000),
                              Policy(type: .auto, inception: 10 * day, endedAt: 160 * day, status: .expired, rewritten: false, premiumCents: 90_000)])
        #expect(totals.lines["life"]?.lost == 0 && totals.lines["life"]?.churned == 40_000)
        #expect(totals.lines["auto"]?.lost == 1)
    }

    /// The SQL the one-pass read replaced, with the edges counted as the pass counts them: "in force at S" and
    /// "at E" mean in force on the last instant before them (inception < t, ended null or ≥ t).
    func reference(_ db: Database, start: Int, end: Int, agentId: String?) throws -> (BookTotals.Customers, [String: BookTotals.Line]) {
        let agentJoin = { (table: String) in agentId == nil ? "" : "JOIN customers c ON c.id = \(table).customer_id AND c.agent_id = ?3" }
        let inForceAt = { (t: String) in "p.inception_date < \(t) AND (p.ended_at IS NULL OR p.ended_at >= \(t))" }
        var customers = BookTotals.Customers()
        var lines: [String: BookTotals.Line] = [:]
        try db.forEach("""
            WITH pc AS MATERIALIZED (
              SELECT p.customer_id AS customer_id, min(p.inception_date) AS first_inception,
                     max(\(inForceAt("?1"))) AS active_start, max(\(inForceAt("?2"))) AS active_end,
                     count(*) FILTER (WHERE \(inForceAt("?1"))) AS in_force_start
              FROM policies p \(agentJoin("p"))
              GROUP BY p.customer_id
            ),
            customer_counts AS (
              SELECT count(*) FILTER (WHERE first_inception < ?2) AS total,
                     coalesce(sum(active_start), 0) AS active_start, coalesce(sum(active_end), 0) AS active_end,
                     count(*) FILTER (WHERE first_inception >= ?1 AND first_inception < ?2) AS new,
                     count(*) FILTER (WHERE first_inception >= ?1 AND first_inception < ?2 AND active_end) AS new_active,
                     count(*) FILTER (WHERE active_start AND active_end) AS retained
              FROM pc
            )
            SELECT cc.total, cc.active_start, cc.active_end, cc.new, cc.new_active, cc.retained, lines.*
            FROM customer_counts cc LEFT JOIN (
              SELECT p.policy_type,
                     count(*) FILTER (WHERE p.inception_date < ?2),
                     count(*) FILTER (WHERE \(inForceAt("?2"))),
                     count(*) FILTER (WHERE \(inForceAt("?1"))),
                     count(*) FILTER (WHERE p.status = 'cancelled' AND p.ended_at >= ?1 AND p.ended_at < ?2 AND coalesce(p.end_reason, '') != 'rewritten'),
                     count(*) FILTER (WHERE p.status = 'lapsed' AND p.ended_at >= ?1 AND p.ended_at < ?2),
                     count(*) FILTER (WHERE (p.status = 'lapsed' OR (p.status = 'expired' AND p.policy_type != 'life')) AND p.ended_at >= ?1 AND p.ended_at < ?2),
                     coalesce(sum(p.annual_premium_cents) FILTER (WHERE \(inForceAt("?2"))), 0),
                     coalesce(sum(p.annual_premium_cents) FILTER (WHERE \(inForceAt("?1"))), 0),
                     coalesce(sum(p.annual_premium_cents) FILTER (WHERE \(inForceAt("?1")) AND p.ended_at >= ?1 AND p.ended_at < ?2
                                                                  AND coalesce(p.end_reason, '') != 'rewritten'), 0),
                     coalesce(sum(p.annual_premium_cents * max(0, min(coalesce(p.ended_at, ?2), ?2) - max(p.inception_date, ?1)) / ?4), 0),
                     coalesce(sum(p.annual_premium_cents * max(0, min(coalesce(p.ended_at, ?2), ?2) - max(p.inception_date, ?1)) / ?4)
                              FILTER (WHERE pc.first_inception >= ?1), 0),
                     coalesce(sum(p.annual_premium_cents) FILTER (WHERE p.inception_date >= ?1 AND p.inception_date < ?2
                              AND pc.in_force_start - (\(inForceAt("?1"))) > 0), 0)
              FROM pc JOIN policies p ON p.customer_id = pc.customer_id
              GROUP BY p.policy_type
            ) lines ON 1
            """, [.int(Int64(start)), .int(Int64(end)), .init(agentId), .double(BookTotals.secondsPerYear)]) { r in
            customers = .init(total: r.int(0), activeAtStart: r.int(1), activeAtEnd: r.int(2), new: r.int(3), newActive: r.int(4), retained: r.int(5))
            guard let type = r.optionalText(6) else { return }
            lines[type] = .init(total: r.int(7), active: r.int(8), atStart: r.int(9), cancelled: r.int(10), lapsed: r.int(11), lost: r.int(12),
                                premiumEnd: r.double(13), premiumStart: r.double(14), churned: r.double(15), earned: r.double(16),
                                newEarned: r.double(17), crossSell: r.double(18))
        }
        return (customers, lines)
    }

    func expectSame(_ a: BookTotals, _ b: (BookTotals.Customers, [String: BookTotals.Line]), _ label: String) {
        #expect(a.customers == b.0, "\(label)")
        #expect(Set(a.lines.keys) == Set(b.1.keys), "\(label)")
        for (type, x) in a.lines {
            guard let y = b.1[type] else { continue }
            let counts: [Int] = [x.total, x.active, x.atStart, x.cancelled, x.lapsed, x.lost]
            let expected: [Int] = [y.total, y.active, y.atStart, y.cancelled, y.lapsed, y.lost]
            #expect(counts == expected, "\(label) \(type)")
            for (u, v) in [(x.premiumEnd, y.premiumEnd), (x.premiumStart, y.premiumStart), (x.churned, y.churned), (x.earned, y.earned),
                           (x.newEarned, y.newEarned), (x.crossSell, y.crossSell)] {
                #expect(abs(u - v) <= 1e-9 * max(1, abs(v)), "\(label) \(type): \(u) vs \(v)")
            }
        }
    }

    @Test func aLineTheEnumDoesNotKnowIsStillCountedByName() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 200, seed: 4, now: testNow).generate(into: engine.db)
        // Written behind the API's back (every write path checks the line): the metrics still count it.
        try engine.db.execute("UPDATE policies SET policy_type = 'crop' WHERE id % 7 = 0")
        let today = Timestamp.startOfDay(testNow)
        let totals = try engine.bookTotals(start: Timestamp.addingMonths(-12, to: today), end: today + day, agentId: nil)
        #expect((totals.lines["crop"]?.total ?? 0) > 0)
        expectSame(totals, try reference(engine.db, start: Timestamp.addingMonths(-12, to: today), end: today + day, agentId: nil), "crop")
    }

    @Test func sameNumbersAsTheSetBasedSQLOnDemoBooks() throws {
        for seed in [3, 11] {
            let engine = try makeEngine()
            try DemoBook(customers: 400, seed: UInt64(seed), now: testNow).generate(into: engine.db)
            let agents = try engine.db.query("SELECT DISTINCT agent_id FROM customers ORDER BY 1") { $0.text(0) }
            let today = Timestamp.startOfDay(testNow)
            let periods = [(Timestamp.addingMonths(-12, to: today), today + day), (Timestamp.addingMonths(-3, to: today), today + day),
                           (Timestamp.addingMonths(-60, to: today), Timestamp.addingMonths(-24, to: today)), (today - 7 * day, today + 90 * day)]
            for (start, end) in periods {
                for agent in [nil] + agents.prefix(2).map(Optional.some) {
                    let label = "seed \(seed) \(Timestamp.formatDate(start))…\(Timestamp.formatDate(end)) \(agent ?? "book")"
                    let totals = try engine.bookTotals(start: start, end: end, agentId: agent)
                    #expect(totals.customers.total > 0, "\(label)")
                    expectSame(totals, try reference(engine.db, start: start, end: end, agentId: agent), label)
                }
            }
        }
    }

    /// The metrics sum the policies range by range on two connections and merge the ranges' totals: any
    /// cut of the customers gives the whole book's totals, lines only one range has included.
    @Test func rangesOfCustomersMergeIntoTheWholeBook() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 300, seed: 6, now: testNow).generate(into: engine.db)
        // Two lines the enum does not know, first seen in a different order in different ranges.
        try engine.db.execute("UPDATE policies SET policy_type = 'crop' WHERE customer_id <= 100 AND id % 5 = 0")
        try engine.db.execute("UPDATE policies SET policy_type = 'yacht' WHERE customer_id > 50 AND id % 7 = 0")
        let today = Timestamp.startOfDay(testNow)
        let (start, end) = (Timestamp.addingMonths(-12, to: today), today + day)
        let whole = try engine.bookTotals(start: start, end: end, agentId: nil)
        #expect((whole.lines["crop"]?.total ?? 0) > 0 && (whole.lines["yacht"]?.total ?? 0) > 0)
        for count in [1, 2, 7, 32, 500] {
            let ranges = CustomerRanges(lastCustomer: 300, count: count)
            var merged = BookTotals(start: start, end: end)
            for k in 0..<ranges.count { merged.merge(try engine.bookTotals(start: start, end: end, agentId: nil, customerRows: ranges[k])) }
            expectSame(merged, (whole.customers, whole.lines), "\(count) ranges")
        }
    }

    @Test func customerRangesCoverEveryIDOnce() {
        for (last, count) in [(0, 32), (1, 32), (3, 32), (300, 7), (1_000_000, 32), (50, 1)] {
            let ranges = CustomerRanges(lastCustomer: Int64(last), count: count)
            #expect(ranges[0].lowerBound == Int64.min && ranges[ranges.count - 1].upperBound == Int64.max, "\(last) / \(count)")
            for k in 1..<max(1, ranges.count) { #expect(ranges[k].lowerBound == ranges[k - 1].upperBound + 1, "\(last) / \(count) at \(k)") }
            #expect(ranges.count <= count && ranges.count >= min(count, last + 1), "\(last) / \(count): \(ranges.count) ranges")
        }
        #expect(CustomerRanges(lastCustomer: 300, count: 3).bounds == [100, 200])
    }

    @Test func rangeResultsHandEachItemToOneThreadAndKeepTheirOrder() {
        let results = RangeResults<Int>(count: 1_000)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            while let k = results.take() { results.store(k, k * 2) }
        }
        #expect(results.all() == (0..<1_000).map { $0 * 2 })
    }
}
