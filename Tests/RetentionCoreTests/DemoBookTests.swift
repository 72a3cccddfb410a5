import Testing
@testable import RetentionCore

@Suite struct DemoBookTests {
    @Test func theSameSeedGivesTheSameBook() throws {
        let a = try makeEngine(), b = try makeEngine(), c = try makeEngine()
        try DemoBook(customers: 150, seed: 3, now: testNow).generate(into: a.db)
        try DemoBook(customers: 150, seed: 3, now: testNow).generate(into: b.db)
        try DemoBook(customers: 150, seed: 4, now: testNow).generate(into: c.db)
        let fingerprint = "SELECT group_concat(uuid || email || total_paid_cents) FROM (SELECT c.uuid, c.email, p.total_paid_cents FROM customers c JOIN policies p ON p.customer_id = c.id ORDER BY p.id)"
        let fa = try a.db.queryOne(fingerprint) { $0.text(0) }
        #expect(fa == (try b.db.queryOne(fingerprint) { $0.text(0) }))
        #expect(fa != (try c.db.queryOne(fingerprint) { $0.text(0) }))
    }

    @Test func theBookIsRealisticAndItsCountersAreTrue() throws {
        let engine = try makeEngine()
        let summary = try DemoBook(customers: 800, seed: 42, now: testNow).generate(into: engine.db)
        #expect(summary.phaseSeconds.map(\.phase) == ["write the rows", "what the triggers put off do (premium changes, totals)", "build the indexes put off"])
        #expect(summary.phaseSeconds.allSatisfy { $0.seconds >= 0 })
        #expect(summary.customers == 800)
        // Some customers left, most stayed (agency books keep roughly 80-95% a year).
        let churnedShare = Double(summary.customers - summary.activeCustomers) / Double(summary.customers)
        #expect(churnedShare > 0.05 && churnedShare < 0.5, "churned share \(churnedShare)")
        #expect(try engine.db.scalarInt("SELECT count(DISTINCT agent_id) FROM customers") == 6)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM customers WHERE total_policies >= 2") > 100)
        #expect(try engine.db.scalarInt("SELECT count(DISTINCT policy_type) FROM policies") >= 5)
        for type in ["payment_missed", "claim_filed", "complaint_filed", "nps_response", "contact_made", "policy_renewed"] {
            #expect(try engine.db.scalarInt("SELECT count(*) FROM retention_events WHERE event_type = ?", [.text(type)]) > 0, "no \(type) events")
        }
        #expect(try engine.db.scalarInt("SELECT count(*) FROM policies WHERE term_months = 6") > 0)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM policies WHERE renewal_date > ? AND status IN ('active','pending_renewal')", [.int(Int64(testNow))]) == summary.inForcePolicies)
        // Counters agree with a recount.
        let wrong = try engine.db.scalarInt("""
            SELECT count(*) FROM customers c WHERE total_policies != (SELECT count(*) FROM policies WHERE customer_id = c.id)
              OR active_policies != (SELECT count(*) FROM policies WHERE customer_id = c.id AND status IN ('active','pending_renewal'))
              OR lifetime_value_cents != (SELECT coalesce(sum(total_paid_cents), 0) FROM policies WHERE customer_id = c.id)
              OR next_renewal_date IS NOT (SELECT min(renewal_date) FROM policies WHERE customer_id = c.id AND status IN ('active','pending_renewal'))
            """)
        #expect(wrong == 0)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM customers WHERE next_renewal_date IS NOT NULL") == summary.activeCustomers)
        // The hidden propensity shows in the signals: customers who left missed more payments per year
        // in force (exposure counted inside the 36-month event window) than those who stayed.
        let windowStart = Timestamp.addingMonths(-36, to: Timestamp.startOfDay(testNow))
        func missedPerYear(left: Bool) throws -> Double {
            let missed = try engine.db.scalarInt("""
                SELECT count(*) FROM retention_events e JOIN customers c ON c.id = e.customer_id
                WHERE e.event_type = 'payment_missed' AND (c.active_policies = 0) = ?
                """, [.int(left ? 1 : 0)])
            let exposure = try engine.db.scalarDouble("""
                SELECT sum(max(0, coalesce(p.ended_at, ?1) - max(p.created_at, ?2))) / 31557600.0
                FROM policies p JOIN customers c ON c.id = p.customer_id WHERE (c.active_policies = 0) = ?3
                """, [.int(Int64(testNow)), .int(Int64(windowStart)), .int(left ? 1 : 0)]) ?? 1
            return Double(missed) / exposure
        }
        let missedLeft = try missedPerYear(left: true)
        let missedStayed = try missedPerYear(left: false)
        #expect(missedLeft > missedStayed)
    }
}

@Suite struct ActivitySimulatorTests {
    @Test func simulatedActivityKeepsTheBookConsistent() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 100, seed: 1, now: testNow).generate(into: engine.db)
        let eventsBefore = try count(engine, "retention_events")
        var sim = ActivitySimulator(seed: 9)
        var described = 0
        for i in 0..<60 where try sim.step(engine, now: testNow + i) != nil { described += 1 }
        #expect(described == 60)
        // Each step is an event, or the progress of one of the demo campaigns' touchpoints (audited, no event).
        let progressed = try engine.db.scalarInt("SELECT count(*) FROM audit_log WHERE action = 'touchpoint.status' AND user_name = 'tester'")
        #expect(progressed > 0, "the demo's campaigns have touchpoints on their way")
        #expect(try count(engine, "retention_events") + progressed >= eventsBefore + 60)
        let wrong = try engine.db.scalarInt("""
            SELECT count(*) FROM customers c WHERE lifetime_value_cents != (SELECT coalesce(sum(total_paid_cents), 0) FROM policies WHERE customer_id = c.id)
            """)
        #expect(wrong == 0)
        #expect(try engine.db.integrityCheck() == "ok")
    }
}
