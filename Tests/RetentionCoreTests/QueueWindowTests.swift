import Foundation
import Testing
@testable import RetentionCore

/// The at-risk and renewal queues read by the store in every order, paged by key both ways, with their
/// true sizes, on a small book whose order is known by hand.
///
/// Seven customers with a policy in force, scored by hand (probability, LTV, health):
///   A 0.90 $500  h40 · B 0.90 $700 h30 · C 0.80 $900 h50 · D 0.70 $900 h20 · E 0.60 $100 h60
///   F 0.55 $300 h35 (critical, snoozed to 2024-02-01) · L 0.10 (low risk: never in the queue)
/// By probability (highest first, then LTV): B, A, C, D, E. By LTV (highest first; a tie goes by row id the
/// same way, so D before C): D, C, B, A, E. By health (lowest first): D, B, A, C, E. F is snoozed: in the queue only with snoozed included.
@Suite struct QueueWindowTests {
    struct Book {
        let engine: Engine
        let ids: [String: String]
    }

    func book() throws -> Book {
        let engine = try makeEngine()
        var ids: [String: String] = [:]
        let rows: [(String, Double, Int, Double, Int)] = [
            ("A", 0.90, 500, 40, 2), ("B", 0.90, 700, 30, 3), ("C", 0.80, 900, 50, 1), ("D", 0.70, 900, 20, 2),
            ("E", 0.60, 100, 60, 1), ("F", 0.55, 300, 35, 3), ("L", 0.10, 5_000, 90, 0),
        ]
        for (n, (name, p, ltv, health, risk)) in rows.enumerated() {
            let id = try engine.createCustomer(try json(#"{"leadId":"\#(name)","agentId":"ag-1","firstName":"\#(name)","lastName":"Zed","email":"\#(name)@example.com"}"#),
                                               now: testNow).id
            ids[name] = id
            _ = try engine.createPolicy(try json("""
                {"customerId":"\(id)","policyNumber":"P-\(name)","policyType":"auto","premium":{"amount":\(100 * (n + 1)),"frequency":"annual"},
                 "coverage":{"type":"std","amount":1000},"effectiveDate":"2023-0\(n + 1)-20","expirationDate":"2024-0\(n + 1)-20"}
                """), now: testNow)
            try engine.db.run("""
                UPDATE customers SET churn_probability = ?, projected_ltv_cents = ?, health_score = ?, churn_risk = ?, scored_at = ? WHERE uuid = ?
                """, [.double(p), .int(Int64(ltv * 100)), .double(health), .int(Int64(risk)), .int(Int64(testNow)), .text(id)])
        }
        try CustomerTotals.rebuild(engine.db)
        _ = try engine.snooze(customerId: ids["F"]!, until: Timestamp.parse("2024-02-01T00:00:00Z")!, now: testNow)
        return Book(engine: engine, ids: ids)
    }

    func names(_ page: QueuePage<AtRiskEntry>) -> [String] { page.rows.map { String($0.name.prefix(1)) } }

    @Test func everyOrderIsTheWholeQueuesAndReversible() throws {
        let b = try book()
        func order(_ sort: QueueSort, reversed: Bool = false) throws -> [String] {
            names(try b.engine.atRiskWindow(AtRiskQuery(), order: QueueOrder(sort, reversed: reversed), window: .top, now: testNow))
        }
        #expect(try order(.probability) == ["B", "A", "C", "D", "E"])
        #expect(try order(.probability, reversed: true) == ["E", "D", "C", "A", "B"])
        // Equal LTVs (C and D, $900) go by row id, the other way round when reversed: the same list read backwards.
        #expect(try order(.ltv) == ["D", "C", "B", "A", "E"])
        #expect(try order(.ltv, reversed: true) == ["E", "A", "B", "C", "D"])
        #expect(try order(.health) == ["D", "B", "A", "C", "E"])
        #expect(try order(.name) == ["A", "B", "C", "D", "E"])
        // Snoozed customers show when asked for.
        var q = AtRiskQuery()
        q.includeSnoozed = true
        #expect(names(try b.engine.atRiskWindow(q, order: QueueOrder(.probability), window: .top, now: testNow)) == ["B", "A", "C", "D", "E", "F"])
        // A level and a name filter (the search drives).
        q = AtRiskQuery()
        q.levels = [.high, .critical]
        #expect(names(try b.engine.atRiskWindow(q, order: QueueOrder(.ltv), window: .top, now: testNow)) == ["D", "B", "A"])
        q.search = "d"
        #expect(names(try b.engine.atRiskWindow(q, order: QueueOrder(.ltv), window: .top, now: testNow)) == ["D"])
        // A search matching more customers than the queue holds (every last name is Zed: 7 against 3) walks the
        // queue's index instead of driving: the same rows.
        q.search = "zed"
        #expect(names(try b.engine.atRiskWindow(q, order: QueueOrder(.ltv), window: .top, now: testNow)) == ["D", "B", "A"])
        #expect(try b.engine.atRiskCount(q, now: testNow) == 3)
    }

    @Test func pagesByKeyBothWaysWithTheEnds() throws {
        let b = try book()
        let e = b.engine
        let order = QueueOrder(.ltv)
        let all = try e.atRiskWindow(AtRiskQuery(), order: order, window: .top, now: testNow)
        #expect(all.reachesTop && all.reachesBottom && all.beforeKey == 0)
        // Around C (second by LTV, tied with D): one row before it, two from it on.
        let around = try e.atRiskWindow(AtRiskQuery(), order: order, window: .around(all.keys[1], before: 1, after: 2), now: testNow)
        #expect(names(around) == ["D", "C", "B"] && around.beforeKey == 1 && around.reachesTop && !around.reachesBottom)
        // Around A: two before (C, B), one from it: the queue goes on both ways.
        let middle = try e.atRiskWindow(AtRiskQuery(), order: order, window: .around(all.keys[3], before: 2, after: 1), now: testNow)
        #expect(names(middle) == ["C", "B", "A"] && middle.beforeKey == 2 && !middle.reachesTop && !middle.reachesBottom)
        // The last rows, in order.
        let bottom = try e.atRiskWindow(AtRiskQuery(), order: order, window: .bottom, now: testNow)
        #expect(names(bottom) == ["D", "C", "B", "A", "E"] && bottom.reachesBottom && bottom.reachesTop)
        // A key whose row has left (B snoozed) still places the window: from where B stood.
        _ = try e.snooze(customerId: b.ids["B"]!, until: Timestamp.parse("2024-02-01T00:00:00Z")!, now: testNow)
        let after = try e.atRiskWindow(AtRiskQuery(), order: order, window: .around(all.keys[2], before: 1, after: 2), now: testNow)
        #expect(names(after) == ["C", "A", "E"] && after.beforeKey == 1)
    }

    @Test func theQueuesTrueSizeAndWhyACustomerLeftIt() throws {
        let b = try book()
        let e = b.engine
        #expect(try e.atRiskCount(AtRiskQuery(), now: testNow) == 5)
        var q = AtRiskQuery()
        q.includeSnoozed = true
        #expect(try e.atRiskCount(q, now: testNow) == 6)
        q = AtRiskQuery()
        q.levels = [.critical]
        #expect(try e.atRiskCount(q, now: testNow) == 1) // B (F is snoozed)
        _ = try e.assign(customerId: b.ids["A"]!, to: "sam", now: testNow)
        q = AtRiskQuery()
        q.unassignedOnly = true
        #expect(try e.atRiskCount(q, now: testNow) == 4)
        q = AtRiskQuery()
        q.assignedTo = "sam"
        #expect(try e.atRiskCount(q, now: testNow) == 1)
        q = AtRiskQuery()
        q.search = "c"
        #expect(try e.atRiskCount(q, now: testNow) == 1)
        // After the snooze ends, F is back.
        #expect(try e.atRiskCount(AtRiskQuery(), now: Timestamp.parse("2024-02-02T00:00:00Z")!) == 6)
        // Why someone is not in the queue.
        #expect(try e.atRiskExclusion(customerId: b.ids["F"]!, AtRiskQuery(), now: testNow) == "snoozed until 2024-02-01")
        #expect(try e.atRiskExclusion(customerId: b.ids["L"]!, AtRiskQuery(), now: testNow) == "risk now low")
        #expect(try e.atRiskExclusion(customerId: b.ids["A"]!, AtRiskQuery(), now: testNow) == nil)
        q = AtRiskQuery()
        q.assignedTo = "kim"
        #expect(try e.atRiskExclusion(customerId: b.ids["A"]!, q, now: testNow) == "assigned to sam")
    }

    @Test func renewalsPageByKeyWithTheirCount() throws {
        let b = try book()
        let e = b.engine
        // Policies renew on the 20th of January to July 2024; from 2024-01-15 the next 60 days hold January and February.
        let top = try e.renewalsWindow(days: 60, window: .top, now: testNow)
        #expect(top.rows.map(\.policyNumber) == ["P-A", "P-B"] && top.reachesBottom)
        #expect(try e.renewalsCount(days: 60, now: testNow) == 2)
        #expect(try e.renewalsCount(days: 400, now: testNow) == 7)
        let reversed = try e.renewalsWindow(days: 400, reversed: true, window: .top, now: testNow)
        #expect(reversed.rows.map(\.policyNumber) == ["P-L", "P-F", "P-E", "P-D", "P-C", "P-B", "P-A"])
        let around = try e.renewalsWindow(days: 400, window: .around(reversed.keys[3], before: 2, after: 2), now: testNow)
        #expect(around.rows.map(\.policyNumber) == ["P-B", "P-C", "P-D", "P-E"] && around.beforeKey == 2)
    }

    /// The default order's first page reads the index alone (schema 17: it carries the list's columns),
    /// never the customers' rows; so does the queue's count under a search that does not drive.
    @Test func theDefaultOrderAndTheSearchCountReadTheIndexAlone() throws {
        let b = try book()
        let page = try b.engine.db.query("""
            EXPLAIN QUERY PLAN SELECT c.uuid, c.first_name || ' ' || c.last_name, c.email, c.phone, c.agent_id, c.churn_risk, coalesce(c.churn_probability, 0),
                   c.top_risk_factor, c.health_score, c.projected_ltv_cents, c.ltv_tier, c.next_renewal_date, c.last_contact_date,
                   c.assigned_to, c.snoozed_until, coalesce(c.churn_probability, 0), coalesce(c.projected_ltv_cents, -1), c.id
            FROM customers c INDEXED BY customers_queue_by_probability
            WHERE c.churn_risk >= 1 AND c.erased_at IS NULL AND c.active_policies > 0 AND c.churn_risk IN (1, 2, 3) AND c.agent_id = 'x'
              AND c.assigned_to IS NULL AND (c.snoozed_until IS NULL OR c.snoozed_until <= 0)
            ORDER BY coalesce(c.churn_probability, 0) DESC, coalesce(c.projected_ltv_cents, -1) DESC, c.id DESC LIMIT 301
            """) { $0.text(3) }
        #expect(page.contains { $0.contains("USING COVERING INDEX customers_queue_by_probability") }, "\(page)")
        let count = try b.engine.db.query("""
            EXPLAIN QUERY PLAN SELECT count(*) FROM customers c INDEXED BY customers_queue_by_probability
            WHERE c.churn_risk >= 1 AND c.erased_at IS NULL AND c.active_policies > 0 AND c.churn_risk IN (1, 2, 3)
              AND (c.snoozed_until IS NULL OR c.snoozed_until <= 0) AND c.id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH 'z*')
            """) { $0.text(3) }
        #expect(count.contains { $0.contains("USING COVERING INDEX customers_queue_by_probability") }, "\(count)")
    }

    /// A search that matches many customers walks the order's index instead of reading every match's row:
    /// the same rows in the same order, both ways, and the same count, whichever way it is read.
    @Test func aSearchReadsTheSameRowsWhetherItDrivesOrNot() throws {
        let b = try book()
        // "b", "a zed", "e": one customer each, who drives (fewEnough 1,000) or not (0); "z" (every last name is
        // "Zed") matches more customers than the queue holds and never drives.
        for search in ["b", "a zed", "e", "z"] {
            var q = AtRiskQuery()
            q.search = search
            for sort in [QueueSort.probability, .ltv, .name] {
                for reversed in [false, true] {
                    let order = QueueOrder(sort, reversed: reversed)
                    // fewEnough 0 and a queue of 5 (an eighth of it: 0): the index is walked; 1,000: a one-customer search drives.
                    let walked = try b.engine.atRiskWindow(q, order: order, window: .top, now: testNow, fewEnough: 0)
                    let driven = try b.engine.atRiskWindow(q, order: order, window: .top, now: testNow, fewEnough: 1_000)
                    #expect(walked == driven, "\(search) \(sort) \(reversed)")
                }
            }
        }
        var q = AtRiskQuery()
        q.search = "z"
        #expect(names(try b.engine.atRiskWindow(q, order: QueueOrder(), window: .top, now: testNow, fewEnough: 0)) == ["B", "A", "C", "D", "E"])
        #expect(try b.engine.atRiskCount(q, now: testNow) == 5)
        q.search = "b"
        #expect(names(try b.engine.atRiskWindow(q, order: QueueOrder(), window: .top, now: testNow, fewEnough: 0)) == ["B"])
        #expect(try b.engine.atRiskCount(q, now: testNow) == 1)
    }

    /// Every order reads its own index: no sort of the whole queue in a temporary tree.
    @Test func everyOrderReadsAnIndex() throws {
        let b = try book()
        for sort in QueueSort.allCases {
            for reversed in [false, true] {
                let page = try b.engine.atRiskWindow(AtRiskQuery(), order: QueueOrder(sort, reversed: reversed), window: .top, now: testNow)
                let key = page.keys[2]
                let exprs = sort.expressions + ["c.id"]
                let plan = try b.engine.db.query("""
                    EXPLAIN QUERY PLAN SELECT c.uuid FROM customers c INDEXED BY \(sort.index)
                    WHERE c.churn_risk >= 1 AND c.erased_at IS NULL AND c.active_policies > 0 AND \(exprs[0]) >= ?
                      AND (\(exprs.joined(separator: ", "))) > (\(key.values.map { _ in "?" }.joined(separator: ", ")))
                    ORDER BY \(exprs.joined(separator: ", ")) LIMIT 10
                    """, [key.values[0]] + key.values) { $0.text(3) }
                #expect(plan.contains { $0.hasPrefix("SEARCH c USING INDEX \(sort.index)") || $0.hasPrefix("SEARCH c USING COVERING INDEX \(sort.index)") },
                        "\(sort): \(plan)")
                #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(sort): \(plan)")
            }
        }
    }
}
