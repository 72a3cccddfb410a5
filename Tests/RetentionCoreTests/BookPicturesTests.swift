import Testing
@testable import RetentionCore

/// The manager view's series on a five-customer book worked by hand (Formulas.md, "The book as pictures").
@Suite struct BookPicturesTests {
    static func d(_ s: String) -> Int { Timestamp.parse(s)! }
    static let now = d("2026-06-15T12:00:00Z")   // a Monday

    /// A (agent a1) joined 2025-01-01 and stays (and holds an auto policy from 2026-01-01); B (a1) joined
    /// 2025-01-01, left 2026-03-10; C (a2) joined 2026-02-01, left 2026-04-01; D (a2) joined 2025-12-15 and
    /// stays; E (a2) joined 2026-03-20, left 2026-05-05.
    static func book() throws -> (Engine, [String: String]) {
        let engine = try makeEngine()
        var ids: [String: String] = [:]
        let people: [(String, String, String, String?)] = [("A", "a1", "2025-01-01", nil), ("B", "a1", "2025-01-01", "2026-03-10"),
                                                           ("C", "a2", "2026-02-01", "2026-04-01"), ("D", "a2", "2025-12-15", nil),
                                                           ("E", "a2", "2026-03-20", "2026-05-05")]
        for (name, agent, joined, left) in people {
            let c = try engine.createCustomer(try json(#"{"leadId":"l\#(name)","agentId":"\#(agent)","firstName":"\#(name)","lastName":"L","email":"\#(name)@example.com"}"#), now: d(joined))
            ids[name] = c.id
            let p = try engine.createPolicy(try json("""
                {"customerId":"\(c.id)","policyNumber":"P\(name)","policyType":"home","premium":{"amount":100,"frequency":"annual"},
                 "coverage":{"type":"x","amount":1},"effectiveDate":"\(joined)","expirationDate":"2027-12-31"}
                """), now: d(joined))
            if let left { _ = try engine.updatePolicy(id: p.id, try json(#"{"status":"cancelled"}"#), now: d(left)) }
        }
        _ = try engine.createPolicy(try json("""
            {"customerId":"\(ids["A"]!)","policyNumber":"PA2","policyType":"auto","premium":{"amount":100,"frequency":"annual"},
             "coverage":{"type":"x","amount":1},"effectiveDate":"2026-01-01","expirationDate":"2027-12-31"}
            """), now: d("2026-01-01"))
        return (engine, ids)
    }

    @Test func monthlyRetentionAndChurnByHand() throws {
        let (engine, _) = try Self.book()
        let p = try engine.bookPictures(now: Self.now)
        #expect(p.months.count == 24)
        #expect(p.months.first?.label == "2024-06" && p.months.last?.label == "2026-05")
        func month(_ label: String) throws -> BookPictures.Month { try #require(p.months.first { $0.label == label }) }
        // 2025-01: A and B joined on its first instant (joined ≤ s): 2 active, none left.
        #expect(try month("2025-01").activeAtStart == 2)
        #expect(try month("2024-12").activeAtStart == 0 && month("2024-12").retentionRate == nil)
        // 2026-01: A, B, D; C joins on Feb 1 (the end), not yet active.
        #expect(try month("2026-01").activeAtStart == 3)
        // 2026-02: C joined at its first instant: 4 active.
        #expect(try month("2026-02").activeAtStart == 4 && month("2026-02").churned == 0)
        // 2026-03: 4 active; B left on Mar 10 and C on Apr 1 (= the end: left ≤ e): 2 churned, 50 %.
        let march = try month("2026-03")
        #expect(march.activeAtStart == 4 && march.churned == 2 && march.retentionRate == 50 && march.churnRate == 50)
        // 2026-04: C left at its first instant, so not active: A, D, E; none left.
        #expect(try month("2026-04").activeAtStart == 3 && month("2026-04").churned == 0)
        // 2026-05: A, D, E; E left on May 5: retention 2/3.
        let may = try month("2026-05")
        #expect(may.churned == 1 && abs(may.retentionRate! - 200.0 / 3) < 1e-9 && abs(may.churnRate! - 100.0 / 3) < 1e-9)
    }

    @Test func cohortTriangleByHand() throws {
        let (engine, _) = try Self.book()
        let p = try engine.bookPictures(now: Self.now)
        #expect(p.cohorts.map(\.label).first == "2025-06" && p.cohorts.count == 12)
        func cohort(_ label: String) throws -> BookPictures.Cohort { try #require(p.cohorts.first { $0.label == label }) }
        // D joined in December and stays: 6 months measured (Jan 1 … Jun 1), all 100 %.
        #expect(try cohort("2025-12").retained == [1, 1, 1, 1, 1, 1])
        // C joined Feb 1 and left Apr 1: still here Mar 1, not on Apr 1 (left > s is false), nor after.
        #expect(try cohort("2026-02").retained == [1, 0, 0, 0])
        // E joined Mar 20, left May 5: here Apr 1 and May 1, gone Jun 1.
        #expect(try cohort("2026-03").retained == [1, 1, 0])
        #expect(try cohort("2026-01").size == 0 && cohort("2026-01").retained.isEmpty)
    }

    /// Durations in months of 30.4375 days: A 530.5 d = 17.4 (censored at 17), B 433 d = 14.2 (left: event
    /// at 15), C 59 d = 1.9 (event at 2), D 182.5 d = 5.996 (censored at 5), E 46 d = 1.5 (event at 2).
    /// S(2) = 1 − 2/5 = 0.6; at 15, A and B at risk, B leaves: S(15) = 0.6 × 1/2 = 0.3; median 15.
    @Test func survivalCurvesByHand() throws {
        let (engine, _) = try Self.book()
        let p = try engine.bookPictures(now: Self.now)
        let customers = try #require(p.curves.first)
        #expect(customers.name == "customers")
        #expect(customers.survival(at: 0) == 1 && customers.survival(at: 1) == 1)
        #expect(abs(customers.survival(at: 2)! - 0.6) < 1e-12 && abs(customers.survival(at: 14)! - 0.6) < 1e-12)
        #expect(abs(customers.survival(at: 15)! - 0.3) < 1e-12)
        #expect(customers.points.last?.month == 17 && customers.medianMonths == 15)
        // Lines: home is the same five (one policy each); auto is A's, censored at 5 months (165.5 d).
        #expect(p.curves.map(\.name) == ["customers", "auto", "home"])
        let auto = p.curves[1]
        #expect(auto.points.map(\.survival) == [1, 1, 1, 1, 1, 1] && auto.medianMonths == nil)
        #expect(abs(p.curves[2].survival(at: 15)! - 0.3) < 1e-12)
    }

    /// Queue: A at high risk, D at medium and assigned; B is high but left (nothing in force). Contacted this
    /// week (since Monday 2026-06-15 00:00): D at 08:00 that day; A on Sunday does not count. Retention over the
    /// trailing year: a1 had A and B active on 2025-06-15, A still is: 50 %; a2 had no one then: nil.
    @Test func agentWorkloadByHand() throws {
        let (engine, ids) = try Self.book()
        // A risk level comes with its scoring (`scored_at`), as a rescore writes it, and the per-agent totals the
        // queue's count reads are rebuilt after these raw writes (the engine's score writers keep them).
        try engine.db.run("UPDATE customers SET churn_risk = 2, scored_at = 1 WHERE uuid IN (?, ?)", [.text(ids["A"]!), .text(ids["B"]!)])
        try engine.db.run("UPDATE customers SET churn_risk = 1, scored_at = 1, assigned_to = 'sam', last_contact_date = ? WHERE uuid = ?",
                          [.int(Int64(Self.d("2026-06-15T08:00:00Z"))), .text(ids["D"]!)])
        try engine.db.run("UPDATE customers SET last_contact_date = ? WHERE uuid = ?", [.int(Int64(Self.d("2026-06-14T20:00:00Z"))), .text(ids["A"]!)])
        try CustomerTotals.rebuild(engine.db)
        // a1 has a name on file (the table shows it); a2 has none (the table shows the id).
        try engine.db.run("INSERT OR REPLACE INTO agents (id, name) VALUES ('a1', 'Avery Collins')")
        try engine.db.run("DELETE FROM agents WHERE id = 'a2'")
        let p = try engine.bookPictures(now: Self.now)
        let a1 = try #require(p.agents.first { $0.agentId == "a1" }), a2 = try #require(p.agents.first { $0.agentId == "a2" })
        #expect(a1.name == "Avery Collins" && a2.name == nil)
        #expect(a1.customers == 2 && a1.queue == 1 && a1.assigned == 0 && a1.contactedThisWeek == 0 && a1.retentionRate == 50)
        #expect(a2.customers == 3 && a2.queue == 1 && a2.assigned == 1 && a2.contactedThisWeek == 1 && a2.retentionRate == nil)
        // The per-agent queue is the at-risk queue's count for that agent.
        var q = AtRiskQuery()
        q.agentId = "a2"
        #expect(try engine.atRiskCount(q, now: Self.now) == a2.queue)
    }
}

/// The at-risk queue's count is the length of its list, for every filter (the header and the pane's title).
@Suite struct AtRiskCountTests {
    @Test func theCountIsTheListsLength() throws {
        let engine = try makeEngine()
        let now = Timestamp.parse("2026-11-25")!
        try DemoBook(customers: 400, seed: 12, now: now).generate(into: engine.db)
        try engine.rescore(now: now)
        // Snooze two high-risk customers: the queue hides them, and so does its count.
        let snoozed = try engine.db.query("SELECT uuid FROM customers WHERE churn_risk >= 2 AND active_policies > 0 AND erased_at IS NULL LIMIT 2") { $0.text(0) }
        for id in snoozed { _ = try engine.snooze(customerId: id, until: now + 7 * 86_400, now: now) }
        let agent = try engine.db.queryOne("SELECT agent_id FROM customers GROUP BY agent_id ORDER BY count(*) DESC LIMIT 1") { $0.text(0) }!
        var queries: [AtRiskQuery] = []
        for levels in [[ChurnRisk.medium, .high, .critical], [.high, .critical], [.critical], [.medium]] {
            var q = AtRiskQuery()
            q.levels = levels
            queries.append(q)
            q.agentId = agent
            queries.append(q)
            q.agentId = nil
            q.includeSnoozed = true
            queries.append(q)
            q.includeSnoozed = false
            q.search = "a"
            queries.append(q)
        }
        for var q in queries {
            q.limit = 10_000
            let listed = try engine.atRisk(q, now: now).count
            #expect(try engine.atRiskCount(q, now: now) == listed, "\(q)")
        }
        var high = AtRiskQuery()
        high.levels = [.high, .critical]
        high.limit = 10_000
        let listed = try engine.atRisk(high, now: now).count
        #expect(try engine.highRiskQueueCount(now: now) == listed)
        #expect(listed > 0)
        // The snoozed are in the book-wide count of high-risk customers, not in the queue's.
        #expect(try engine.highRiskCustomerCount() == listed + snoozed.count)
    }
}
