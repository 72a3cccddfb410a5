import Testing
@testable import RetentionCore

@Suite struct DemoBookTests {
    /// Every row of every table, as text, in a stable order (the tables' own keys).
    func dump(_ db: Database) throws -> [String: [String]] {
        var tables: [String: [String]] = [:]
        // A virtual table (the search index) is read through its own tables (`customer_search_data` …): it holds no rows to scan.
        for table in try db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name",
                                  [], { $0.text(0) }) {
            tables[table] = try db.query("SELECT * FROM \"\(table)\"") { r in
                (0..<r.columnCount).map { r.isNull($0) ? "∅" : r.text($0) }.joined(separator: "|")
            }.sorted()
        }
        return tables
    }

    @Test func theSameSeedAndClockGiveTheSameBookInEveryTable() throws {
        let a = try makeEngine(), b = try makeEngine(), c = try makeEngine(), d = try makeEngine()
        try DemoBook(customers: 300, seed: 3, now: testNow).generate(into: a.db)
        try DemoBook(customers: 300, seed: 3, now: testNow).generate(into: b.db)
        try DemoBook(customers: 300, seed: 4, now: testNow).generate(into: c.db)
        try DemoBook(customers: 300, seed: 3, now: testNow + 86_400).generate(into: d.db)
        let one = try dump(a.db), two = try dump(b.db)
        #expect(one.keys.sorted() == two.keys.sorted())
        for (table, rows) in one.sorted(by: { $0.key < $1.key }) {
            #expect(rows == two[table], "table \(table) differs between two builds of the same seed and clock")
        }
        // Every table the book writes has rows, ids included (nothing random by design is left).
        for table in ["customers", "policies", "retention_events", "customer_tags", "contact_preferences", "agents", "campaigns",
                      "campaign_enrollments", "touchpoints", "premium_changes", "renewal_days", "customer_totals", "audit_log", "settings"] {
            #expect(!(one[table] ?? []).isEmpty, "the demo writes \(table)")
        }
        let other = try dump(c.db), later = try dump(d.db)
        for table in ["customers", "policies", "retention_events", "touchpoints", "campaigns"] {
            #expect(one[table] != other[table], "another seed gives another \(table)")
            #expect(one[table] != later[table], "another day gives another \(table)")
        }
    }

    @Test func theBookIsRealisticAndItsCountersAreTrue() throws {
        let engine = try makeEngine()
        var phases: [JobPhase] = []
        let summary = try DemoBook(customers: 800, seed: 42, now: testNow).generate(into: engine.db, phases: { phases.append($0) })
        // The phases the benchmark times, each begun as the one before ended.
        #expect(phases == ["write the rows", "what the triggers put off do (renewal days, totals)", "build the indexes put off"].flatMap { [.began($0), .ended($0)] })
        #expect(summary.customers == 800)
        // Some customers left, most stayed (agency books keep roughly 80-95% a year).
        let churnedShare = Double(summary.customers - summary.activeCustomers) / Double(summary.customers)
        #expect(churnedShare > 0.05 && churnedShare < 0.5, "churned share \(churnedShare)")
        #expect(try engine.db.scalarInt("SELECT count(DISTINCT agent_id) FROM customers") == 6)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM customers WHERE total_policies >= 2") > 100)
        #expect(try engine.db.scalarInt("SELECT count(DISTINCT policy_type) FROM policies") >= 5)
        for type in ["payment_missed", "payment_received", "claim_filed", "claim_closed", "complaint_filed", "complaint_resolved", "nps_response",
                     "contact_made", "policy_created", "policy_renewed", "policy_lapsed", "policy_cancelled", "policy_expired", "customer_churned",
                     "touchpoint_responded", "opted_out"] {
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

/// What the demo book holds, checked against the rules it was built by and the engine's own readings of it.
@Suite struct DemoBookHistoryTests {
    static let day = 86_400

    func book(_ customers: Int = 3_000, seed: UInt64 = 42) throws -> Engine {
        let engine = try makeEngine()
        try DemoBook(customers: customers, seed: seed, now: testNow).generate(into: engine.db)
        return engine
    }

    @Test func campaignsInEveryStateEnrolWhomTheirSegmentMatchedAndHoldOutControlGroups() throws {
        let engine = try book()
        let db = engine.db
        let campaigns = try engine.campaigns()
        #expect(campaigns.map(\.status.rawValue).sorted() == ["active", "completed", "completed", "draft", "paused", "scheduled"])
        #expect(Set(campaigns.map(\.type)) == Set(CampaignType.allCases))
        for c in campaigns {
            let (enrolled, control) = try db.queryOne("SELECT count(*), coalesce(sum(is_control), 0) FROM campaign_enrollments WHERE campaign_id = ?",
                                                      [.int(c.rowID)]) { ($0.int(0), $0.int(1)) }!
            switch c.status {
            case .draft, .scheduled:
                #expect(enrolled == 0, "\(c.name) has not run")
            default:
                #expect(enrolled > 20 && control > 0 && control < enrolled, "\(c.name): \(enrolled) enrolled, \(control) in the control group")
            }
        }
        #expect(campaigns.first { $0.status == .scheduled }?.nextRunAt == campaigns.first { $0.status == .scheduled }?.schedule.startsAt)
        #expect((campaigns.first { $0.status == .active }?.nextRunAt ?? 0) > testNow)
        #expect(campaigns.first { $0.status == .paused }?.pausedAt != nil)
        // The control group is the engine's: the same hash of customer and campaign.
        #expect(try db.scalarInt("""
            SELECT count(*) FROM campaign_enrollments e JOIN campaigns k ON k.id = e.campaign_id
            WHERE e.is_control != (((e.customer_id * 2654435761 + k.id * 97) % 10000) < CAST(round(k.control_fraction * 10000) AS INTEGER))
            """) == 0)
        // Every step of every treated enrolment has its touchpoint; the control group has none.
        #expect(try db.scalarInt("""
            SELECT count(*) FROM campaign_enrollments e JOIN campaigns k ON k.id = e.campaign_id
            WHERE (SELECT count(*) FROM touchpoints t WHERE t.enrollment_id = e.id) != CASE WHEN e.is_control THEN 0 ELSE json_array_length(k.sequence) END
            """) == 0)
        let inForceAt = "p.inception_date <= ?1 AND (p.ended_at IS NULL OR p.ended_at > ?1)"
        // The win-back run enrolled exactly the former auto and home customers of that moment.
        let winback = campaigns.first { $0.type == .winback }!
        let former = try db.query("""
            SELECT c.id FROM customers c
            WHERE NOT EXISTS (SELECT 1 FROM policies p WHERE p.customer_id = c.id AND \(inForceAt))
              AND EXISTS (SELECT 1 FROM policies p WHERE p.customer_id = c.id AND p.inception_date <= ?1 AND p.policy_type IN ('auto', 'home'))
            ORDER BY c.id
            """, [.int(Int64(winback.schedule.startsAt!))]) { $0.int64(0) }
        #expect(former.count > 100)
        #expect(former == (try db.query("SELECT customer_id FROM campaign_enrollments WHERE campaign_id = ? ORDER BY customer_id", [.int(winback.rowID)]) { $0.int64(0) }))
        // The renewal reminders: each enrolment is about a policy in force at the run whose term ended within 30 days of it
        // (renewed, ended, or still to expire then), and the first to renew of the customer's.
        let reminder = campaigns.first { $0.type == .renewal_reminder && $0.status == .completed }!
        let run = reminder.schedule.startsAt!, from = Timestamp.startOfDay(run), to = from + 31 * Self.day
        #expect(try db.scalarInt("""
            SELECT count(*) FROM campaign_enrollments e JOIN policies p ON p.id = e.policy_id
            WHERE e.campaign_id = ?2 AND NOT (\(inForceAt) AND (
                  EXISTS (SELECT 1 FROM retention_events r WHERE r.policy_id = p.id AND r.event_type = 'policy_renewed' AND r.occurred_at >= ?3 AND r.occurred_at < ?4)
                  OR p.ended_at < ?4 OR p.expiration_date < ?4))
            """, [.int(Int64(run)), .int(reminder.rowID), .int(Int64(from)), .int(Int64(to))]) == 0)
        #expect(try db.scalarInt("SELECT count(*) FROM campaign_enrollments WHERE campaign_id = ? AND policy_id IS NULL", [.int(reminder.rowID)]) == 0)
        // The welcome series runs every week and enrols those who joined in the month or two before each run.
        let welcome = campaigns.first { $0.status == .active }!
        #expect(try db.scalarInt("SELECT count(DISTINCT run_at) FROM campaign_enrollments WHERE campaign_id = ?", [.int(welcome.rowID)]) > 4)
        #expect(try db.scalarInt("""
            SELECT count(*) FROM campaign_enrollments e JOIN customers c ON c.id = e.customer_id
            WHERE e.campaign_id = ? AND c.customer_since <= e.run_at - 92 * 86400
            """, [.int(welcome.rowID)]) == 0)
        // The audit trail tells the story: created, activated with its enrolment, runs, paused or completed.
        let activation = try db.queryOne("""
            SELECT details FROM audit_log WHERE entity_id = ? AND action = 'campaign.status' AND details LIKE '%"to":"active"%'
            """, [.text(reminder.id)]) { try JSONValue.parse($0.text(0)) }
        #expect(activation?["enrolled"]?.doubleValue == Double(try db.scalarInt("SELECT count(*) FROM campaign_enrollments WHERE campaign_id = ?", [.int(reminder.rowID)])))
        #expect(try db.scalarInt("SELECT count(*) FROM audit_log WHERE action = 'campaign.run' AND entity_id = ?", [.text(welcome.id)])
                == (try db.scalarInt("SELECT count(DISTINCT run_at) FROM campaign_enrollments WHERE campaign_id = ?", [.int(welcome.rowID)])) - 1)
        #expect(try db.scalarInt("SELECT count(*) FROM audit_log WHERE action = 'campaign.create'") == 6)
    }

    @Test func touchpointsGoThroughEveryStageInOrderAsTheDispatcherLeavesThem() throws {
        let engine = try book()
        let db = engine.db
        let statuses = Set(try db.query("SELECT DISTINCT status FROM touchpoints") { $0.text(0) })
        #expect(statuses.isSuperset(of: ["pending", "sent", "delivered", "opened", "clicked", "responded", "failed", "skipped"]), "\(statuses)")
        let now = Int64(testNow)
        // Stages in order, none in the future, the status the highest stage reached; failures say why, skips say why.
        #expect(try db.scalarInt("""
            SELECT count(*) FROM touchpoints WHERE
                sent_at < due_at OR delivered_at < sent_at OR opened_at < delivered_at OR clicked_at < opened_at OR responded_at < clicked_at
             OR max(coalesce(sent_at, 0), coalesce(delivered_at, 0), coalesce(opened_at, 0), coalesce(clicked_at, 0), coalesce(responded_at, 0),
                    coalesce(failed_at, 0), updated_at) > ?1
             OR (responded_at IS NOT NULL AND (clicked_at IS NULL OR opened_at IS NULL OR delivered_at IS NULL))
             OR (delivered_at IS NOT NULL AND sent_at IS NULL)
             OR status IS NOT CASE WHEN failed_at IS NOT NULL THEN 'failed' WHEN responded_at IS NOT NULL THEN 'responded' WHEN clicked_at IS NOT NULL THEN 'clicked'
                                   WHEN opened_at IS NOT NULL THEN 'opened' WHEN delivered_at IS NOT NULL THEN 'delivered' WHEN sent_at IS NOT NULL THEN 'sent'
                                   ELSE status END
             OR (status = 'failed') != (last_error IS NOT NULL AND failed_at IS NOT NULL)
             OR (status IN ('skipped', 'cancelled')) != (skip_reason IS NOT NULL)
             OR (status IN ('pending', 'skipped', 'cancelled') AND sent_at IS NOT NULL)
             OR (sent_at IS NOT NULL) != (content IS NOT NULL)
             OR (channel = 'email' AND sent_at IS NOT NULL AND subject IS NULL)
            """, [.int(now)]) == 0)
        // Nothing is overdue: the dispatcher would have sent it. What waits belongs to the active campaign (due later)
        // or to the paused one (held).
        #expect(try engine.pendingTouchpoints(limit: 10, now: testNow).isEmpty)
        #expect(try db.scalarInt("""
            SELECT count(*) FROM touchpoints t JOIN campaigns k ON k.id = t.campaign_id
            WHERE t.status = 'pending' AND NOT ((k.status = 'active' AND t.due_at > ?1) OR (k.status = 'paused' AND t.due_at > k.paused_at))
            """, [.int(now)]) == 0)
        #expect(try db.scalarInt("SELECT count(*) FROM touchpoints t JOIN campaigns k ON k.id = t.campaign_id WHERE t.status = 'pending' AND k.status = 'paused'") > 0)
        let reasons = Set(try db.query("SELECT DISTINCT skip_reason FROM touchpoints WHERE status = 'skipped'") { $0.text(0) })
        #expect(reasons.isSuperset(of: ["condition_engaged", "condition_renewed", "do_not_contact"]), "\(reasons)")
        // A step skipped because the customer engaged follows an earlier step they opened, clicked or answered first.
        #expect(try db.scalarInt("""
            SELECT count(*) FROM touchpoints t WHERE t.skip_reason = 'condition_engaged' AND NOT EXISTS (
              SELECT 1 FROM touchpoints u WHERE u.enrollment_id = t.enrollment_id AND u.step_index < t.step_index
                AND min(coalesce(u.opened_at, 1e18), coalesce(u.clicked_at, 1e18), coalesce(u.responded_at, 1e18)) <= t.updated_at)
            """) == 0)
        // Skipped for opting out: the customer had opted out of that channel by then.
        #expect(try db.scalarInt("""
            SELECT count(*) FROM touchpoints t WHERE t.skip_reason LIKE 'opted_out_%' AND NOT EXISTS (
              SELECT 1 FROM contact_preferences c WHERE c.customer_id = t.customer_id AND 'opted_out_' || c.channel = t.skip_reason AND c.changed_at <= t.updated_at)
            """) == 0)
        // E-mail rates as an agency sees them: nearly all delivered, a quarter to a third opened, a few clicks and answers.
        let (sent, delivered, opened, clicked, responded) = try db.queryOne("""
            SELECT count(sent_at), count(delivered_at), count(opened_at), count(clicked_at), count(responded_at) FROM touchpoints WHERE channel = 'email'
            """) { (Double($0.int(0)), Double($0.int(1)), Double($0.int(2)), Double($0.int(3)), Double($0.int(4))) }!
        #expect(delivered / sent > 0.95 && delivered / sent < 1)
        #expect(opened / delivered > 0.18 && opened / delivered < 0.40, "open rate \(opened / delivered)")
        #expect(clicked / delivered > 0.01 && clicked / delivered < 0.08, "click rate \(clicked / delivered)")
        #expect(responded / delivered > 0.005 && responded / delivered < 0.05, "response rate \(responded / delivered)")
        // Each answer is an event of the customer's, at its time, and their last contact; a STOP is an opt-out.
        #expect(try db.scalarInt("""
            SELECT count(*) FROM touchpoints t WHERE t.responded_at IS NOT NULL AND 1 != (
              SELECT count(*) FROM retention_events e WHERE e.customer_id = t.customer_id AND e.event_type = 'touchpoint_responded'
                AND e.occurred_at = t.responded_at AND json_extract(e.data, '$.touchpointId') = t.uuid AND json_extract(e.data, '$.response') = t.response)
            """) == 0)
        #expect(try db.scalarInt("SELECT count(*) FROM touchpoints t JOIN customers c ON c.id = t.customer_id WHERE t.responded_at > c.last_contact_date") == 0)
        #expect(try db.scalarInt("""
            SELECT count(*) FROM touchpoints t WHERE t.response = 'STOP' AND NOT EXISTS (
              SELECT 1 FROM contact_preferences c WHERE c.customer_id = t.customer_id AND c.channel = 'sms' AND c.changed_at <= t.responded_at)
            """) == 0)
        // The health score reads the same touchpoints: the book's e-mail open rate over its customers' signals is the table's.
        var signalDelivered = 0, signalOpened = 0
        try engine.forEachCustomerSignals(asOf: testNow) { signalDelivered += $0.emailsDelivered; signalOpened += $0.emailsOpened }
        let window = Int64(testNow - 365 * Self.day)
        let (tableDelivered, tableOpened) = try db.queryOne("""
            SELECT count(*), count(opened_at) FROM touchpoints WHERE channel = 'email' AND delivered_at >= ? AND delivered_at < ?
            """, [.int(window), .int(now)]) { ($0.int(0), $0.int(1)) }!
        #expect(signalDelivered == tableDelivered && signalOpened == tableOpened && tableDelivered > 100)
    }

    @Test func completedCampaignsShowTheirResults() throws {
        let engine = try book(4_000)
        for c in try engine.campaigns(status: .completed) {
            let perf = try engine.campaignPerformance(id: c.id, now: testNow)
            let retention = perf.retention, revenue = perf.revenue
            let treated = retention.treatedRate ?? -1, control = retention.controlRate ?? -1
            #expect(retention.controlSize > 20, "\(c.name) has a control group")
            #expect(perf.cost > 0, "\(c.name) cost something")
            #expect((perf.touchpoints.rates.openRate ?? 0) > 10, "\(c.name) was opened")
            switch c.type {
            case .renewal_reminder:
                // Most customers renew either way (a reminder moves the few who would not: 1-4 points in books of 20,000,
                // within the noise of a control group of a hundred); the renewals they made are revenue.
                #expect(treated > 85 && control > 80, "most customers renew: treated \(treated) %, control \(control) %")
                #expect(revenue.retained > 10_000 && revenue.control > 1_000)
                #expect(revenue.incremental != nil && perf.roiOnUplift != nil)
            case .winback:
                // Some former customers came back, more of those contacted.
                #expect(treated > control + 3 && treated < 20, "\(c.name): treated \(treated) %, control \(control) %")
            default:
                Issue.record("unexpected completed campaign \(c.name)")
            }
        }
    }

    @Test func premiumsChangeAtRenewalAndLargeIncreasesDriveLapses() throws {
        let engine = try book()
        let db = engine.db
        // Every renewal carries its premiums, as the engine records them, and they chain: each renewal starts
        // from the premium the last one set, and the policy's premium is its last renewal's.
        #expect(try db.scalarInt("""
            SELECT count(*) FROM retention_events WHERE event_type = 'policy_renewed'
              AND (json_extract(data, '$.premiumBefore') IS NULL OR json_extract(data, '$.premiumAfter') IS NULL OR json_extract(data, '$.renewalCount') IS NULL)
            """) == 0)
        #expect(try db.scalarInt("""
            SELECT count(*) FROM (
              SELECT policy_id, json_extract(data, '$.premiumBefore') AS before,
                     lag(json_extract(data, '$.premiumAfter')) OVER (PARTITION BY policy_id ORDER BY occurred_at) AS previous
              FROM retention_events WHERE event_type = 'policy_renewed')
            WHERE previous IS NOT NULL AND abs(previous - before) > 0.001
            """) == 0)
        #expect(try db.scalarInt("""
            SELECT count(*) FROM policies p JOIN retention_events e ON e.policy_id = p.id AND e.event_type = 'policy_renewed'
            WHERE p.status IN ('active', 'pending_renewal') AND e.occurred_at = p.last_renewal_date
              AND abs(json_extract(e.data, '$.premiumAfter') * 100 - p.annual_premium_cents) > 0.5
            """) == 0)
        #expect(try db.scalarInt("SELECT count(*) FROM premium_changes WHERE renewal")
                == (try db.scalarInt("SELECT count(*) FROM retention_events WHERE event_type = 'policy_renewed'")))
        // Most renewals cost more; some a lot more.
        let (renewals, increased, large) = try db.queryOne("""
            SELECT count(*), sum(premium_after_cents > premium_before_cents), sum(premium_after_cents >= 1.15 * premium_before_cents) FROM premium_changes
            """) { ($0.int(0), $0.int(1), $0.int(2)) }!
        #expect(Double(increased) / Double(renewals) > 0.6 && Double(large) / Double(renewals) > 0.05, "\(increased) of \(renewals) up, \(large) by 15 % or more")
        // The offers customers turned down are kept with the ending; leaving is far likelier after a large increase.
        func leftShare(_ low: Double, _ high: Double) throws -> Double {
            let renewed = try db.scalarInt("""
                SELECT count(*) FROM premium_changes WHERE premium_after_cents >= ?1 * premium_before_cents AND premium_after_cents < ?2 * premium_before_cents
                """, [.double(1 + low), .double(1 + high)])
            let left = try db.scalarInt("""
                SELECT count(*) FROM retention_events WHERE event_type IN ('policy_lapsed', 'policy_expired', 'policy_cancelled')
                  AND json_extract(data, '$.premiumOffered') >= ?1 * json_extract(data, '$.premiumBefore')
                  AND json_extract(data, '$.premiumOffered') < ?2 * json_extract(data, '$.premiumBefore')
                """, [.double(1 + low), .double(1 + high)])
            return Double(left) / Double(left + renewed)
        }
        let small = try leftShare(-1, 0.05), big = try leftShare(0.15, 10)
        #expect(big > 2 * small, "left after an increase of 15 % or more: \(big); of less than 5 %: \(small)")
        // Some customers left early in the term after a large increase, for price; some the agency moved to another carrier.
        #expect(try db.scalarInt("""
            SELECT count(*) FROM policies p WHERE p.status = 'cancelled' AND p.end_reason IN ('price', 'moved_to_competitor') AND p.ended_at < p.effective_date + 130 * 86400
              AND EXISTS (SELECT 1 FROM premium_changes c WHERE c.policy_id = p.id AND c.occurred_at = p.effective_date AND c.premium_after_cents >= 1.12 * c.premium_before_cents)
            """) > 0)
        #expect(try db.scalarInt("""
            SELECT count(*) FROM policies p JOIN policies n ON n.customer_id = p.customer_id AND n.policy_type = p.policy_type AND n.inception_date = p.ended_at AND n.id != p.id
            WHERE p.end_reason = 'rewritten' AND p.status = 'cancelled' AND n.underwriter != p.underwriter
            """) == (try db.scalarInt("SELECT count(*) FROM policies WHERE end_reason = 'rewritten'")))
        #expect(try db.scalarInt("SELECT count(*) FROM policies WHERE end_reason = 'rewritten'") > 0)
    }

    @Test func termLifeRunsTenToThirtyYearsAtALevelPremium() throws {
        let engine = try book()
        let db = engine.db
        let life = try db.query("""
            SELECT term_months, renewal_count, coverage_type, inception_date, expiration_date, premium_frequency, status, ended_at, annual_premium_cents
            FROM policies WHERE policy_type = 'life'
            """) { r in (r.int(0), r.int(1), r.text(2), r.int(3), r.int(4), r.text(5), r.text(6), r.optionalInt(7), r.int(8)) }
        #expect(life.count > 100)
        for p in life {
            #expect([120, 180, 240, 300, 360].contains(p.0) && p.1 == 0 && p.2 == "term_\(p.0 / 12)", "\(p)")
            #expect(p.4 == Timestamp.addingMonths(p.0, to: p.3))
            #expect(["monthly", "annual"].contains(p.5))
            #expect(p.6 != "expired" || p.4 <= testNow, "a life policy expires only at its term's end")
        }
        #expect(Set(life.map(\.0)).count >= 4)
        #expect(try db.scalarInt("SELECT count(*) FROM premium_changes WHERE policy_type = 'life'") == 0)
        #expect(try db.scalarInt("SELECT count(*) FROM retention_events e JOIN policies p ON p.id = e.policy_id WHERE p.policy_type = 'life' AND e.event_type IN ('policy_renewed', 'claim_filed')") == 0)
        // Some end along the way, mid-term (cancellations, for non-payment mostly: a lapse is at renewal, and term life has none).
        #expect(life.filter { $0.6 == "lapsed" }.isEmpty && life.filter { $0.6 == "cancelled" }.count > 20)
        #expect(try db.scalarInt("SELECT count(*) FROM policies WHERE policy_type = 'life' AND status = 'cancelled' AND end_reason = 'non_payment'")
                > (try db.scalarInt("SELECT count(*) FROM policies WHERE policy_type = 'life' AND status = 'cancelled' AND end_reason != 'non_payment'")))
        let inForce = life.filter { ["active", "pending_renewal"].contains($0.6) }
        let meanPremium = Double(inForce.map(\.8).reduce(0, +)) / Double(inForce.count) / 100
        #expect(meanPremium > 400 && meanPremium < 2_000, "mean life premium \(meanPremium)")
    }

    @Test func someCustomersLeftAndCameBack() throws {
        let engine = try book()
        let db = engine.db
        // Customers whose cover stopped for a while (no policy in force at some moment after their first) and started again.
        let gaps = try db.query("""
            SELECT DISTINCT n.customer_id FROM policies n
            WHERE n.inception_date > (SELECT min(inception_date) FROM policies WHERE customer_id = n.customer_id)
              AND NOT EXISTS (SELECT 1 FROM policies p WHERE p.customer_id = n.customer_id AND p.id != n.id
                              AND p.inception_date < n.inception_date AND (p.ended_at IS NULL OR p.ended_at >= n.inception_date))
            ORDER BY 1
            """) { $0.int64(0) }
        let tagged = try db.query("SELECT customer_id FROM customer_tags WHERE tag = 'returned' ORDER BY 1") { $0.int64(0) }
        #expect(tagged.count > 30)
        #expect(gaps == tagged, "the customers tagged 'returned' are those who had a gap")
        // They churned (the engine records it when the last policy ends), then took a new policy; most are customers again.
        #expect(try db.scalarInt("""
            SELECT count(*) FROM customer_tags t WHERE t.tag = 'returned' AND EXISTS (
              SELECT 1 FROM retention_events c JOIN retention_events n ON n.customer_id = c.customer_id AND n.event_type = 'policy_created' AND n.occurred_at > c.occurred_at
              WHERE c.customer_id = t.customer_id AND c.event_type = 'customer_churned')
            """) > 10)
        #expect(try db.scalarInt("SELECT count(*) FROM customer_tags t JOIN customers c ON c.id = t.customer_id WHERE t.tag = 'returned' AND c.active_policies > 0") > tagged.count / 2)
    }

    @Test func claimsAndComplaintsAreResolved() throws {
        let engine = try book()
        let db = engine.db
        // Claims are closed after they are filed, on the same policy, paid up to the amount claimed or denied.
        #expect(try db.scalarInt("""
            SELECT count(*) FROM retention_events c WHERE c.event_type = 'claim_closed' AND NOT EXISTS (
              SELECT 1 FROM retention_events f WHERE f.policy_id = c.policy_id AND f.event_type = 'claim_filed' AND f.occurred_at < c.occurred_at
                AND json_extract(f.data, '$.amount') >= json_extract(c.data, '$.amount'))
            """) == 0)
        let outcomes = Set(try db.query("SELECT DISTINCT json_extract(data, '$.outcome') FROM retention_events WHERE event_type = 'claim_closed'") { $0.text(0) })
        #expect(outcomes == ["paid", "denied", "withdrawn"])
        let filed = try db.scalarInt("SELECT count(*) FROM retention_events WHERE event_type = 'claim_filed'")
        let closed = try db.scalarInt("SELECT count(*) FROM retention_events WHERE event_type = 'claim_closed'")
        #expect(closed > filed / 2 && closed <= filed + 50)
        // Complaints are resolved days or weeks later, with how; most are, not all.
        #expect(try db.scalarInt("""
            SELECT count(*) FROM retention_events r WHERE r.event_type = 'complaint_resolved' AND (json_extract(r.data, '$.resolution') IS NULL OR NOT EXISTS (
              SELECT 1 FROM retention_events f WHERE f.customer_id = r.customer_id AND f.event_type = 'complaint_filed'
                AND json_extract(f.data, '$.reason') = json_extract(r.data, '$.reason')
                AND f.occurred_at = r.occurred_at - json_extract(r.data, '$.daysToResolve') * 86400))
            """) == 0)
        let complaints = try db.scalarInt("SELECT count(*) FROM retention_events WHERE event_type = 'complaint_filed'")
        let resolved = try db.scalarInt("SELECT count(*) FROM retention_events WHERE event_type = 'complaint_resolved'")
        #expect(Double(resolved) / Double(complaints) > 0.6 && resolved < complaints)
        // Complaints about a premium increase name a policy whose premium rose by 12 % or more at that renewal.
        #expect(try db.scalarInt("""
            SELECT count(*) FROM retention_events f WHERE f.event_type = 'complaint_filed' AND json_extract(f.data, '$.reason') = 'premium increase' AND NOT EXISTS (
              SELECT 1 FROM retention_events e WHERE e.policy_id = f.policy_id AND e.occurred_at BETWEEN f.occurred_at AND f.occurred_at + 41 * 86400
                AND coalesce(json_extract(e.data, '$.premiumAfter'), json_extract(e.data, '$.premiumOffered')) >= 1.12 * json_extract(e.data, '$.premiumBefore'))
            """) == 0)
        #expect(try db.scalarInt("SELECT count(*) FROM retention_events WHERE event_type = 'complaint_filed' AND json_extract(data, '$.reason') = 'premium increase'") > 10)
    }
}
