import Testing
@testable import RetentionCore

@Suite struct CustomerSignalsTests {
    func d(_ s: String) -> Int { Timestamp.parse(s)! }

    @Test func signalsAreAggregatedAsOfAnInstantWithoutLookingAhead() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(#"{"leadId":"L","agentId":"a","firstName":"A","lastName":"B","email":"a@example.com","satisfactionScore":70}"#), now: d("2023-01-01"))
        let p = try engine.createPolicy(try json("""
            {"customerId":"\(c.id)","policyNumber":"P1","policyType":"auto","premium":{"amount":100,"frequency":"monthly"},
             "coverage":{"type":"std","amount":1000},"effectiveDate":"2023-01-01","expirationDate":"2024-01-01"}
            """), now: d("2023-01-01"))
        try engine.renewPolicy(id: p.id, nil, now: d("2024-01-01"))
        func event(_ type: String, _ at: String, _ data: String = "{}") throws {
            try engine.createEvent(try json(#"{"customerId":"\#(c.id)","policyId":"\#(p.id)","eventType":"\#(type)","occurredAt":"\#(at)","data":\#(data)}"#), now: d(at))
        }
        try event("contact_made", "2024-03-01T00:00:00Z")
        try event("payment_missed", "2024-04-01T00:00:00Z", #"{"amount":100}"#)
        try event("complaint_filed", "2024-05-01T00:00:00Z")
        try event("nps_response", "2024-02-01T00:00:00Z", #"{"score":9}"#)
        try event("nps_response", "2024-06-01T00:00:00Z", #"{"score":4}"#)
        try event("claim_filed", "2024-06-15T00:00:00Z", #"{"amount":2500}"#)
        try event("claim_filed", "2024-01-10T00:00:00Z", #"{"amount":100}"#)
        // Before the 365-day window: not a claim of the window.
        try event("claim_filed", "2023-05-01T00:00:00Z", #"{"amount":999}"#)
        // On the window's edges: exactly 365 days before the observation instant is out; at the instant is in
        // ("as of t" includes t).
        try event("complaint_filed", "2023-07-02T00:00:00Z")
        try event("complaint_resolved", "2024-07-01T00:00:00Z")
        // After the observation date: must not count.
        try event("contact_made", "2024-08-01T00:00:00Z")
        try event("payment_missed", "2024-08-02T00:00:00Z", #"{"amount":100}"#)
        try event("claim_filed", "2024-08-03T00:00:00Z", #"{"amount":777}"#)

        var got: [CustomerSignals] = []
        try engine.forEachCustomerSignals(asOf: d("2024-07-01")) { got.append($0) }
        let s = try #require(got.first)
        #expect(got.count == 1)
        #expect(s.daysSinceLastInteraction == 30)         // NPS answer on 2024-06-01
        #expect(s.interactionsInWindow == 3)              // contact + 2 NPS answers
        #expect(s.paymentsMissed == 1)
        #expect(s.paymentsDue == 12)                      // monthly, in force the whole 365-day window
        #expect(s.latestNPS == 4)
        #expect(s.complaintsFiled == 1 && s.complaintsResolved == 1)
        #expect(s.claimsInWindow == 2 && s.claimAmountInWindowCents == 260_000)
        #expect(s.tenureMonths == 18)
        #expect(s.activePolicies == 1 && s.totalPolicies == 1)
        #expect(s.renewalsMade == 1 && s.renewalsLost == 0 && s.renewalRate == 1)
        #expect(s.heldTypes == [.auto])
        #expect(s.premiumNowCents == 120_000 && s.premiumYearAgoCents == 120_000)
        #expect(s.satisfactionScore == 70)
    }

    /// The streaming read (four statements merged in customer order) gives, customer for customer, what
    /// one joined query of the same aggregates gives: on a demo book with erased customers, tied NPS
    /// answers, claims without an amount, at several instants and over several ranges.
    @Test func streamingReadMatchesOneJoinedQuery() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 150, seed: 11, now: testNow).generate(into: engine.db)
        let ids = try engine.db.query("SELECT uuid FROM customers ORDER BY id") { $0.text(0) }
        // Two NPS answers at one instant (the first recorded wins), a claim without an amount, two erased customers.
        for (score, at) in [(3, "2023-11-01T00:00:00Z"), (8, "2023-11-01T00:00:00Z")] {
            try engine.createEvent(try json(#"{"customerId":"\#(ids[4])","eventType":"nps_response","occurredAt":"\#(at)","data":{"score":\#(score)}}"#), now: testNow)
        }
        let policy = try #require(try engine.db.queryOne("SELECT uuid FROM policies WHERE customer_id = 6 LIMIT 1", []) { $0.text(0) })
        try engine.createEvent(try json(#"{"customerId":"\#(ids[5])","policyId":"\#(policy)","eventType":"claim_filed","occurredAt":"2023-12-01T00:00:00Z","data":{}}"#), now: testNow)
        // Rows on the edges of the window as of testNow: one just out (exactly 365 days before), one just in (at
        // the instant, which "as of" includes): events, a touchpoint answered and a policy lapsed.
        try engine.createEvent(try json(#"{"customerId":"\#(ids[7])","eventType":"payment_missed","occurredAt":"2023-01-15T10:30:00Z","data":{}}"#), now: testNow)
        try engine.createEvent(try json(#"{"customerId":"\#(ids[7])","eventType":"complaint_filed","occurredAt":"2024-01-15T10:30:00Z","data":{}}"#), now: testNow)
        try engine.createEvent(try json(#"{"customerId":"\#(ids[7])","eventType":"nps_response","occurredAt":"2024-01-15T10:30:00Z","data":{"score":2}}"#), now: testNow)
        let yearBefore = testNow - 365 * Timestamp.secondsPerDay
        for (customer, at) in [(Int64(10), testNow), (Int64(11), yearBefore)] {
            try engine.db.run("""
                INSERT INTO touchpoints (uuid, customer_id, channel, status, due_at, sent_at, delivered_at, opened_at, responded_at, created_at, updated_at)
                VALUES (?1, ?2, 'email', 'responded', ?3, ?3, ?3, ?3, ?3, ?3, ?3)
                """, [.text(Engine.newID()), .int(customer), .int(Int64(at))])
            try engine.db.run("UPDATE policies SET status = 'lapsed', ended_at = ?1 WHERE id = (SELECT min(id) FROM policies WHERE customer_id = ?2)",
                              [.int(Int64(at)), .int(customer)])
        }
        try engine.eraseCustomer(customerId: ids[6], now: testNow)
        try engine.eraseCustomer(customerId: ids[149], now: testNow)

        var checked = 0
        for asOf in [testNow, testNow - 200 * Timestamp.secondsPerDay, testNow - 3 * 365 * Timestamp.secondsPerDay] {
            for rows: ClosedRange<Int64>? in [nil, 1...50, 5...5, 7...8, 140...400] {
                var streamed: [CustomerSignals] = []
                try engine.forEachCustomerSignals(asOf: asOf, customerRows: rows) { streamed.append($0) }
                let joined = try joinedQuerySignals(engine.db, asOf: asOf, rows: rows)
                #expect(streamed.count == joined.count)
                for (a, b) in zip(streamed, joined) {
                    #expect(a == b, "customer #\(a.customerRowID) as of \(Timestamp.formatInstant(asOf))")
                }
                checked += streamed.count
            }
        }
        #expect(checked > 400)
        // The edges as the oracle saw them (both reads could be wrong alike): customer 8 has the events,
        // 10 the rows at the instant, 11 those 365 days before.
        var edges: [CustomerSignals] = []
        try engine.forEachCustomerSignals(asOf: testNow, customerRows: 8...11) { edges.append($0) }
        let baseline = try joinedQuerySignals(engine.db, asOf: testNow - 1, rows: 8...11)
        #expect(edges.map(\.customerRowID) == [8, 9, 10, 11])
        #expect(edges[0].complaintsFiled == baseline[0].complaintsFiled + 1 && edges[0].latestNPS == 2
                && edges[0].paymentsMissed == baseline[0].paymentsMissed - 1, "the events at the instant count, the one 365 days before no longer")
        #expect(edges[2].touchpointsResponded == baseline[2].touchpointsResponded + 1 && edges[2].renewalsLost == baseline[2].renewalsLost + 1
                && edges[2].daysSinceLastInteraction == 0, "a touchpoint answered and a policy lapsed at the instant count")
        #expect(edges[3].touchpointsResponded == baseline[3].touchpointsResponded - 1 && edges[3].renewalsLost == baseline[3].renewalsLost - 1,
                "exactly 365 days before the instant is outside the window (one second earlier, it was inside)")
        var tied: [CustomerSignals] = []
        try engine.forEachCustomerSignals(asOf: testNow, customerRows: 5...5) { tied.append($0) }
        #expect(tied.first?.latestNPS == 3)
        var erased: [CustomerSignals] = []
        try engine.forEachCustomerSignals(asOf: testNow, customerRows: 7...7) { erased.append($0) }
        #expect(erased.isEmpty)
        // The read leaves no statement in progress (one would hold this connection's snapshot), also when the
        // caller's body throws part-way.
        #expect(!engine.db.hasStatementInProgress)
        struct Stop: Error {}
        #expect(throws: Stop.self) { try engine.forEachCustomerSignals(asOf: testNow) { if $0.customerRowID > 3 { throw Stop() } } }
        #expect(!engine.db.hasStatementInProgress)
    }

    /// The signals as one query joining the three aggregates: the engine's read before it streamed (as it was, the
    /// year-ago premium's `?4` aside, which was the window's start too), kept as the oracle; since then the year-ago
    /// premium takes off the premium changes recorded after it (read here from `premium_changes`, not from the
    /// events as the streamed read does), and tenure stops at a former customer's last policy end.
    func joinedQuerySignals(_ db: Database, asOf: Int, rows: ClosedRange<Int64>?) throws -> [CustomerSignals] {
        let window = asOf - 365 * Timestamp.secondsPerDay
        let contactTypes = "('contact_made', 'touchpoint_responded', 'nps_response')"
        return try db.query("""
            WITH ev AS (
              SELECT customer_id,
                     max(occurred_at) FILTER (WHERE event_type IN \(contactTypes)) AS last_contact,
                     count(*) FILTER (WHERE event_type IN \(contactTypes) AND occurred_at > ?2) AS interactions,
                     count(*) FILTER (WHERE event_type = 'payment_missed' AND occurred_at > ?2) AS missed,
                     count(*) FILTER (WHERE event_type = 'complaint_filed' AND occurred_at > ?2) AS complaints,
                     count(*) FILTER (WHERE event_type = 'complaint_resolved' AND occurred_at > ?2) AS resolved,
                     count(*) FILTER (WHERE event_type = 'policy_renewed' AND occurred_at > ?2) AS renewed,
                     count(*) FILTER (WHERE event_type = 'claim_filed' AND occurred_at > ?2) AS claims,
                     max(occurred_at) FILTER (WHERE event_type = 'nps_response') AS last_nps_at
              FROM retention_events WHERE occurred_at <= ?1 AND customer_id BETWEEN ?3 AND ?4 GROUP BY customer_id
            ),
            po AS (
              SELECT customer_id,
                     count(*) FILTER (WHERE ended_at IS NULL OR ended_at > ?1) AS active, count(*) AS total, min(inception_date) AS first_inception,
                     coalesce(sum(annual_premium_cents) FILTER (WHERE ended_at IS NULL OR ended_at > ?1), 0) AS premium_now,
                     coalesce(sum(annual_premium_cents - coalesce((SELECT sum(pc.premium_after_cents - pc.premium_before_cents) FROM premium_changes pc
                                                                   WHERE pc.policy_id = policies.id AND pc.occurred_at > ?2), 0))
                              FILTER (WHERE inception_date <= ?2 AND (ended_at IS NULL OR ended_at > ?2)), 0) AS premium_year_ago,
                     max(ended_at) AS last_end,
                     group_concat(policy_type) FILTER (WHERE ended_at IS NULL OR ended_at > ?1) AS types,
                     count(*) FILTER (WHERE (status = 'lapsed' OR (status = 'expired' AND policy_type != 'life')) AND ended_at > ?2 AND ended_at <= ?1) AS lost,
                     count(*) FILTER (WHERE status = 'cancelled' AND ended_at > ?2 AND ended_at <= ?1) AS cancelled,
                     coalesce(sum((CASE premium_frequency WHEN 'monthly' THEN 12 WHEN 'quarterly' THEN 4 WHEN 'semi_annual' THEN 2 ELSE 1 END)
                        * max(0, min(coalesce(ended_at, ?1), ?1) - max(inception_date, ?2)) / 31536000.0), 0) AS due,
                     coalesce(sum(annual_premium_cents * max(0, min(coalesce(ended_at, ?1), ?1) - max(inception_date, ?2)) / 31557600.0), 0) AS earned
              FROM policies WHERE inception_date <= ?1 AND customer_id BETWEEN ?3 AND ?4 GROUP BY customer_id
            ),
            tp AS (
              SELECT customer_id,
                     count(*) FILTER (WHERE channel = 'email' AND delivered_at IS NOT NULL) AS emails_delivered,
                     count(*) FILTER (WHERE channel = 'email' AND opened_at IS NOT NULL) AS emails_opened,
                     count(*) FILTER (WHERE delivered_at IS NOT NULL) AS delivered,
                     count(*) FILTER (WHERE responded_at IS NOT NULL) AS responded, max(responded_at) AS last_response
              FROM touchpoints
              WHERE coalesce(delivered_at, sent_at, due_at) > ?2 AND coalesce(delivered_at, sent_at, due_at) <= ?1 AND customer_id BETWEEN ?3 AND ?4
              GROUP BY customer_id
            )
            SELECT c.id, max(coalesce(ev.last_contact, 0), coalesce(tp.last_response, 0)), coalesce(ev.interactions, 0),
                   coalesce(tp.emails_delivered, 0), coalesce(tp.emails_opened, 0), coalesce(tp.delivered, 0), coalesce(tp.responded, 0),
                   CAST(round(coalesce(po.due, 0)) AS INTEGER), coalesce(ev.missed, 0), coalesce(po.premium_now, 0), CAST(round(coalesce(po.premium_year_ago, 0)) AS INTEGER),
                   coalesce(po.types, ''),
                   (SELECT json_extract(e2.data, '$.score') FROM retention_events e2
                     WHERE e2.customer_id = c.id AND e2.event_type = 'nps_response' AND e2.occurred_at = ev.last_nps_at LIMIT 1),
                   coalesce(ev.complaints, 0), coalesce(ev.resolved, 0), po.first_inception, coalesce(po.active, 0), coalesce(po.total, 0),
                   coalesce(ev.renewed, 0), coalesce(po.lost, 0), coalesce(po.cancelled, 0), coalesce(ev.claims, 0),
                   CASE WHEN ev.claims > 0 THEN
                     (SELECT coalesce(sum(CAST(round(json_extract(e3.data, '$.amount') * 100) AS INTEGER)), 0) FROM retention_events e3
                      WHERE e3.customer_id = c.id AND e3.event_type = 'claim_filed' AND e3.occurred_at > ?2 AND e3.occurred_at <= ?1)
                   ELSE 0 END,
                   CAST(round(coalesce(po.earned, 0)) AS INTEGER), c.satisfaction_score,
                   CASE WHEN coalesce(po.active, 0) = 0 THEN min(po.last_end, ?1) END
            FROM customers c LEFT JOIN ev ON ev.customer_id = c.id LEFT JOIN po ON po.customer_id = c.id LEFT JOIN tp ON tp.customer_id = c.id
            WHERE c.erased_at IS NULL AND c.id BETWEEN ?3 AND ?4
            ORDER BY c.id
            """, [.int(Int64(asOf)), .int(Int64(window)), .int(rows?.lowerBound ?? Int64.min), .int(rows?.upperBound ?? Int64.max)]) { r in
            let last = r.int(1)
            return CustomerSignals(
                customerRowID: r.int64(0), daysSinceLastInteraction: last > 0 ? max(0, (asOf - last) / Timestamp.secondsPerDay) : nil,
                interactionsInWindow: r.int(2), emailsDelivered: r.int(3), emailsOpened: r.int(4), touchpointsDelivered: r.int(5),
                touchpointsResponded: r.int(6), paymentsDue: r.int(7), paymentsMissed: r.int(8), premiumNowCents: r.int(9),
                premiumYearAgoCents: r.int(10), heldTypes: Set(r.text(11).split(separator: ",").compactMap { PolicyType(rawValue: String($0)) }),
                latestNPS: r.optionalDouble(12).map { Int($0.rounded()) }, complaintsFiled: r.int(13), complaintsResolved: r.int(14),
                tenureMonths: r.optionalInt(15).map { Timestamp.wholeMonths(from: $0, to: max($0, r.optionalInt(25) ?? asOf)) } ?? 0, activePolicies: r.int(16),
                totalPolicies: r.int(17), renewalsMade: r.int(18), renewalsLost: r.int(19), cancellationsInWindow: r.int(20),
                claimsInWindow: r.int(21), claimAmountInWindowCents: r.int(22), premiumEarnedInWindowCents: r.int(23), satisfactionScore: r.optionalDouble(24))
        }
    }
}
