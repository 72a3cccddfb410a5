import Foundation
import Testing
@testable import RetentionCore

/// The statistics of "numbers you can defend", against the hand-worked values of Formulas.md.
@Suite struct CampaignStatisticsTests {
    @Test func wilsonAndNewcombeMatchTheWorkedExample() throws {
        // Formulas.md, "Uplift and its interval": treated 180 of 200 retained, control 40 of 50.
        let (l1, u1) = try #require(CampaignStatistics.wilson(180, 200))
        #expect(abs(l1 - 0.850594) < 1e-6 && abs(u1 - 0.934330) < 1e-6)
        let (l2, u2) = try #require(CampaignStatistics.wilson(40, 50))
        #expect(abs(l2 - 0.669629) < 1e-6 && abs(u2 - 0.887562) < 1e-6)
        let d = try #require(CampaignStatistics.newcombe(180, 200, 40, 50))
        // d = 0.9 − 0.8 = 0.10; lower = 0.10 − √(0.049406² + 0.087562²) = −0.000539; upper = 0.10 + √(0.034330² + 0.130371²) = 0.234815.
        #expect(abs(d.estimate - 0.10) < 1e-12)
        #expect(abs(d.lower - -0.000539) < 1e-6 && abs(d.upper - 0.234815) < 1e-6)
        #expect(!d.excludesZero)
        #expect(CampaignStatistics.newcombe(1, 0, 1, 2) == nil)
    }

    @Test func theControlGroupNeededMatchesTheWorkedExample() {
        // (0.10 / (1.959964 + 0.841621))² = 0.00127407; minus 0.9·0.1/200 = 0.00045 → 0.00082407; 0.8·0.2 / that = 194.16 → 195.
        #expect(CampaignStatistics.controlNeeded(treatedRate: 0.9, treatedSize: 200, controlRate: 0.8) == 195)
        // No uplift, or a treated group too small for any control group: nil.
        #expect(CampaignStatistics.controlNeeded(treatedRate: 0.8, treatedSize: 200, controlRate: 0.8) == nil)
        #expect(CampaignStatistics.controlNeeded(treatedRate: 0.9, treatedSize: 10, controlRate: 0.8) == nil)
        // Two equal groups instead: 2.801585² × (0.09 + 0.16) / 0.01 = 196.22 → 197 each.
        #expect(CampaignStatistics.equalGroupsNeeded(treatedRate: 0.9, controlRate: 0.8) == 197)
        #expect(CampaignStatistics.equalGroupsNeeded(treatedRate: 0.8, controlRate: 0.8) == nil)
    }

    @Test func incrementalRevenueIntervalMatchesTheWorkedExample() throws {
        // Treated $100, $0, $200 (cents below); control $0, $100: nT(x̄T − x̄C) = 3 × (100 − 50) = $150;
        // s²T = 10,000, s²C = 5,000; half width = 1.96 × 3 × √(10,000/3 + 5,000/2) = $449.08.
        let r = try #require(CampaignStatistics.incrementalRevenue(treated: (3, 30_000, 500_000_000), control: (2, 10_000, 100_000_000)))
        #expect(abs(r.estimate - 15_000) < 1e-6)
        #expect(abs(r.lower - -29_908.4166) < 1e-3 && abs(r.upper - 59_908.4166) < 1e-3)
        #expect(CampaignStatistics.incrementalRevenue(treated: (1, 100, 10_000), control: (2, 0, 0)) == nil)
    }

    @Test func twoProportionZTestMatchesTheWorkedExample() throws {
        // A: 30 of 200 responded, B: 15 of 200. p̄ = 45/400 = 0.1125; SE = √(0.1125·0.8875·(2/200)) = 0.031598;
        // z = 0.075 / 0.031598 = 2.3736; p = erfc(2.3736/√2) = 0.0176.
        let (z, p) = try #require(CampaignStatistics.twoProportionZ(30, 200, 15, 200))
        #expect(abs(z - 2.373563) < 1e-5 && abs(p - 0.017617) < 1e-5)
        #expect(CampaignStatistics.twoProportionZ(0, 100, 0, 100) == nil)
    }
}

@Suite struct CampaignNumberFormatTests {
    @Test func oneFormatForEveryView() {
        typealias F = CampaignNumberFormat
        #expect(F.count(12426) == "12,426" && F.count(nil) == "—")
        #expect(F.money(4.07) == "$4.07" && F.money(131_109.4) == "$131,109" && F.money(-150) == "−$150")
        #expect(F.roi(48841.2) == "+48,841%" && F.roi(-100) == "−100%" && F.roi(0) == "0%")
        // The pane's column (8 wide) keeps every ROI whole: thousands of percent from 100,000 %, millions beyond.
        #expect(F.roiShort(48841.2) == "+48,841%" && F.roiShort(99_999.4) == "+99,999%" && F.roiShort(-100) == "−100%")
        #expect(F.roiShort(173_771.2) == "+174k%" && F.roiShort(-250_400) == "−250k%" && F.roiShort(9_999_400) == "+9,999k%")
        #expect(F.roiShort(9_999_600) == "+10M%" && F.roiShort(12_345_678) == "+12M%")
        #expect(F.points(3.14) == "+3.1 pts" && F.signed(-0.04) == "+0.0" && F.signed(-0.1) == "−0.1")
        #expect(F.interval(.init(estimate: 10, lower: -0.05, upper: 23.48), F.signed) == "+10.0 (−0.1 to +23.5)")
    }
}

/// The too-early state, the intervals in the performance, A/B variants and the segment's filters, on small books built here.
@Suite struct CampaignNumbersTests {
    let day = Timestamp.secondsPerDay

    /// Customers with one in-force auto policy each, by name.
    func customers(_ engine: Engine, _ names: [String]) throws -> [String: (id: String, row: Int64, policy: String)] {
        var out: [String: (id: String, row: Int64, policy: String)] = [:]
        for (n, name) in names.enumerated() {
            let c = try engine.createCustomer(try json(#"{"leadId":"\#(name)","agentId":"a","firstName":"\#(name)","lastName":"X","email":"\#(name)@example.com"}"#),
                                              now: testNow)
            let p = try engine.createPolicy(try json(specPolicyBody(customerId: c.id, number: "P-\(n)")), now: testNow)
            out[name] = (c.id, c.rowID, p.id)
        }
        return out
    }

    @Test func performanceIsTooEarlyUntilMoreThanHalfAreMeasured() throws {
        let engine = try makeEngine()
        let people = try customers(engine, ["T1", "T2", "T3", "K1"])
        let campaign = try engine.createCampaign(try json(#"{"name":"Save","type":"loyalty","touchpoints":[{"type":"email","template":"loyalty","delay":0}]}"#), now: testNow)
        let row = try engine.db.scalarInt("SELECT id FROM campaigns WHERE uuid = ?", [.text(campaign.id)])
        // The window is 0 + 90 days. T1 and K1 enrolled 100 days before testNow (measured), T2 and T3 today.
        for (name, ago, control) in [("T1", 100, 0), ("K1", 100, 1), ("T2", 0, 0), ("T3", 0, 0)] {
            try engine.db.run("INSERT INTO campaign_enrollments (campaign_id, customer_id, run_at, enrolled_at, is_control) VALUES (?, ?, ?, ?, ?)",
                              [.int(Int64(row)), .int(people[name]!.row), .int(Int64(testNow - ago * day)), .int(Int64(testNow - ago * day)), .int(Int64(control))])
        }
        let early = try engine.campaignPerformance(id: campaign.id, now: testNow).measurement
        // 2 of 4 measured is not more than half: too early.
        #expect(early.state == .tooEarly && early.measured == 2 && early.enrolled == 4 && early.windowDays == 90)
        #expect(early.tooEarlyText == "too early (2 of 4 measured)")
        // The summary says so instead of retention, uplift and ROI.
        let lines = try engine.campaignPerformance(id: campaign.id, now: testNow).summaryLines
        #expect(lines.contains("Uplift      too early (2 of 4 measured)") && lines.contains("ROI         too early (2 of 4 measured)"))
        #expect(!lines.contains { $0.hasPrefix("Retention   treated") })
        // A day past T2's and T3's window... 91 days later all four are measured.
        let later = try engine.campaignPerformance(id: campaign.id, now: testNow + 90 * day).measurement
        #expect(later.state == .measured && later.measured == 4 && later.tooEarlyText == nil)
        // 3 of 4 is more than half: measured (T3 enrolled a day later than T2).
        try engine.db.run("UPDATE campaign_enrollments SET enrolled_at = enrolled_at + ? WHERE customer_id = ?", [.int(Int64(day)), .int(people["T3"]!.row)])
        #expect(try engine.campaignPerformance(id: campaign.id, now: testNow + 90 * day).measurement.state == .measured)
        let doc = try engine.campaignPerformance(id: campaign.id, now: testNow).json
        #expect(doc["measurement"]?["state"] == .string("too_early") && doc["measurement"]?["measured"] == .number(2))
        // A campaign nobody is enrolled in has nothing to measure.
        let empty = try engine.createCampaign(try json(#"{"name":"Empty","type":"loyalty","touchpoints":[{"type":"email","template":"loyalty"}]}"#), now: testNow)
        #expect(try engine.campaignPerformance(id: empty.id, now: testNow).measurement.state == .noEnrolments)
    }

    /// The worked example of CampaignPerformanceTests with its intervals: treated T1 (renewed $1,650, in
    /// force), T2 (in force), T3 (cancelled); control K1 (renewed $1,200) and K2 (in force, no renewal).
    @Test func performanceCarriesTheIntervalsOfTheWorkedExample() throws {
        let engine = try makeEngine()
        let people = try customers(engine, ["T1", "T2", "T3", "K1", "K2"])
        let campaign = try engine.createCampaign(try json(#"{"name":"Save","type":"loyalty","touchpoints":[{"type":"email","template":"loyalty","delay":0}]}"#), now: testNow)
        let row = try engine.db.scalarInt("SELECT id FROM campaigns WHERE uuid = ?", [.text(campaign.id)])
        for name in ["T1", "T2", "T3", "K1", "K2"] {
            try engine.db.run("INSERT INTO campaign_enrollments (campaign_id, customer_id, run_at, enrolled_at, is_control) VALUES (?, ?, ?, ?, ?)",
                              [.int(Int64(row)), .int(people[name]!.row), .int(Int64(testNow)), .int(Int64(testNow)), .int(name.hasPrefix("K") ? 1 : 0)])
        }
        _ = try engine.renewPolicy(id: people["T1"]!.policy, try json(#"{"premium":{"amount":1650,"frequency":"annual"}}"#), now: testNow + 10 * day)
        _ = try engine.renewPolicy(id: people["K1"]!.policy, try json(#"{"premium":{"amount":1200,"frequency":"annual"}}"#), now: testNow + 5 * day)
        _ = try engine.updatePolicy(id: people["T3"]!.policy, try json(#"{"status":"cancelled"}"#), now: testNow + 20 * day)
        try engine.db.run("INSERT INTO touchpoints (uuid, campaign_id, customer_id, channel, status, due_at, sent_at, created_at, updated_at) VALUES ('x', ?, ?, 'call', 'sent', ?, ?, 0, 0)",
                          [.int(Int64(row)), .int(people["T1"]!.row), .int(Int64(testNow)), .int(Int64(testNow))])
        let p = try engine.campaignPerformance(id: campaign.id, now: testNow + 30 * day)
        // Retention 2/3 against 2/2: uplift −33.33 points; Newcombe from Wilson (2,3) = (0.2077, 0.9385) and (2,2) = (0.3424, 1):
        // lower = −0.3333 − √(0.4590² + 0²) = −0.7923, upper = −0.3333 + √(0.2718² + 0.6576²) = 0.3783.
        let u = try #require(p.measurement.uplift)
        #expect(u.estimate == -33.33 && u.lower == -79.23 && u.upper == 37.83)
        // Treated revenue per customer $1,650, 0, 0; control $1,200, 0: 3 × (550 − 600) = −$150; s²T = 907,500,
        // s²C = 720,000; half = 1.96 × 3 × √(907,500/3 + 720,000/2) = $4,785.89.
        let r = try #require(p.measurement.incrementalRevenue)
        #expect(r.estimate == -150 && r.lower == -4935.89 && r.upper == 4635.89)
        // ROI on uplift over the call's $4.00: (x − 400¢)/400¢ × 100 at each bound.
        let roi = try #require(p.measurement.roiOnUplift)
        #expect(roi.estimate == -3850 && roi.lower == -123497.13 && roi.upper == 115797.13)
        #expect(p.roiOnUplift == -3850)
        // A treated group of 3 cannot tell any uplift this small apart from zero.
        #expect(p.measurement.controlNeeded == nil)
        // Two equal groups would need (2.801585² × (2/9 + 0)) / (1/3)² = 15.7 → 16 each.
        #expect(p.measurement.equalGroupsNeeded == 16)
        #expect(p.json["measurement"]?["upliftPoints"]?["lower95"] == .number(-79.23))
        // 30 days on none of the 5 is past the 90-day window: too early; 91 days on the intervals show.
        #expect(p.summaryLines.contains("Uplift      too early (0 of 5 measured)"))
        let measured = try engine.campaignPerformance(id: campaign.id, now: testNow + 91 * day).summaryLines
        #expect(measured.contains("Uplift      −33.3 (−79.2 to +37.8) pts, 95 % interval"))
        #expect(measured.contains("Revenue     retained $1,650; incremental −$150 (−$4,936 to $4,636)"))
        #expect(p.json["measurement"]?["upliftExcludesZero"] == .bool(false))
    }

    func book() throws -> Engine {
        let engine = try makeEngine(user: "manager")
        try DemoBook(customers: 400, seed: 11, now: testNow, withCampaigns: false).generate(into: engine.db)
        return engine
    }

    @Test func anABStepSplitsTheTreatedByTheDrawAndReportsEachVariant() throws {
        let engine = try book()
        let c = try engine.createCampaign(try json("""
            {"name":"AB","type":"loyalty","controlGroupPercent":10,
             "touchpoints":[{"type":"email","variants":["loyalty","engagement"]},{"type":"sms","template":"loyalty","delay":60}]}
            """), now: testNow)
        #expect(c.sequence[0].template == "loyalty" && c.sequence[0].variants == ["loyalty", "engagement"])
        #expect(c.json["touchpoints"]?.arrayValue?[0]["variants"] == .array([.string("loyalty"), .string("engagement")]))
        try engine.setCampaignStatus(id: c.id, to: .active, now: testNow)
        // Every first-step touchpoint holds the template the draw gives its customer; the second step has no variants.
        let rows = try engine.db.query("SELECT customer_id, step_index, template FROM touchpoints WHERE campaign_id = ?", [.int(c.rowID)]) { ($0.int64(0), $0.int(1), $0.text(2)) }
        #expect(!rows.isEmpty)
        for (customer, step, template) in rows {
            #expect(template == (step == 0 ? VariantDraw.template(c.sequence[0], customerRow: customer, campaignRow: c.rowID, index: 0) : "loyalty"))
        }
        let a = rows.filter { $0.1 == 0 && $0.2 == "loyalty" }.count, b = rows.filter { $0.1 == 0 && $0.2 == "engagement" }.count
        // Half and half among the treated (within 12 points on a few hundred).
        #expect(abs(Double(a) / Double(a + b) - 0.5) < 0.12)
        // Deliver every first-step touchpoint; 30 of A's and 10 of B's customers respond.
        try engine.db.run("UPDATE touchpoints SET status = 'delivered', sent_at = ?1, delivered_at = ?1 WHERE campaign_id = ?2 AND step_index = 0", [.int(Int64(testNow)), .int(c.rowID)])
        for (template, n) in [("loyalty", 30), ("engagement", 10)] {
            try engine.db.run("""
                UPDATE touchpoints SET status = 'responded', responded_at = ?1 WHERE id IN
                  (SELECT id FROM touchpoints WHERE campaign_id = ?2 AND step_index = 0 AND template = ?3 ORDER BY id LIMIT ?4)
                """, [.int(Int64(testNow)), .int(c.rowID), .text(template), .int(Int64(n))])
        }
        let p = try engine.campaignPerformance(id: c.id, now: testNow)
        let test = try #require(p.variants.first)
        #expect(p.variants.count == 1 && test.step == 0)
        #expect(test.variants.map(\.template) == ["loyalty", "engagement"])
        #expect(test.variants.map(\.delivered) == [a, b] && test.variants.map(\.responded) == [30, 10])
        let (z, pValue) = try #require(CampaignStatistics.twoProportionZ(30, Double(a), 10, Double(b)))
        #expect(test.z == (z * 100).rounded() / 100 && test.pValue == (pValue * 10_000).rounded() / 10_000)
        #expect(test.winner == (pValue < 0.05 ? "loyalty" : nil))
        #expect(p.json["variants"]?.arrayValue?[0]["variants"]?.arrayValue?[1]["responded"] == .number(10))
        // A single enrolment follows the same draw.
        let newcomer = try engine.createCustomer(try json(#"{"leadId":"n","agentId":"a","firstName":"N","lastName":"X","email":"n@example.com"}"#), now: testNow)
        _ = try engine.createPolicy(try json(specPolicyBody(customerId: newcomer.id, number: "P-N")), now: testNow)
        try engine.enrolCustomer(campaignId: c.id, customerId: newcomer.id, now: testNow)
        let mine = try engine.db.queryOne("SELECT template FROM touchpoints WHERE customer_id = ? AND step_index = 0", [.int(newcomer.rowID)]) { $0.text(0) }
        #expect(mine == VariantDraw.template(c.sequence[0], customerRow: newcomer.rowID, campaignRow: c.rowID, index: 0))
    }

    @Test(arguments: [
        (#"[{"type":"email","variants":["loyalty"]}]"#, "touchpoints[0].variants"),
        (#"[{"type":"email","variants":["loyalty","loyalty"]}]"#, "touchpoints[0].variants"),
        (#"[{"type":"email","template":"engagement","variants":["loyalty","winback"]}]"#, "touchpoints[0].template"),
        (#"[{"type":"email","variants":["loyalty","birthday"]}]"#, "touchpoints[0].variants[1]"),
    ])
    func badVariantsNameTheField(steps: String, field: String) throws {
        let engine = try makeEngine()
        #expect { try engine.createCampaign(try json(#"{"name":"x","type":"loyalty","touchpoints":\#(steps)}"#), now: testNow) }
            throws: { ($0 as? RetentionError)?.field == field }
    }

    @Test func theSegmentFiltersAgentsLastContactAndMetadata() throws {
        let engine = try makeEngine()
        // Four customers: A (agent a1, contacted 10 days ago, source=broker), B (a2, 100 days ago, source=web),
        // C (a3, never contacted, source=broker, tier 2), D (a1, 200 days ago, no metadata).
        var rows: [String: Int64] = [:]
        for (name, agent, contactedDaysAgo, metadata) in [("A", "a1", 10, #"{"source":"broker"}"#), ("B", "a2", 100, #"{"source":"web"}"#),
                                                        ("C", "a3", -1, #"{"source":"broker","tier":2}"#), ("D", "a1", 200, "{}")] {
            let c = try engine.createCustomer(try json(#"{"leadId":"\#(name)","agentId":"\#(agent)","firstName":"\#(name)","lastName":"X","email":"\#(name)@example.com","metadata":\#(metadata)}"#), now: testNow)
            _ = try engine.createPolicy(try json(specPolicyBody(customerId: c.id, number: "P-\(name)")), now: testNow)
            try engine.db.run("UPDATE customers SET last_contact_date = ? WHERE id = ?",
                              [contactedDaysAgo < 0 ? .null : .int(Int64(testNow - contactedDaysAgo * day)), .int(c.rowID)])
            rows[name] = c.rowID
        }
        func matches(_ segment: String) throws -> Set<String> {
            let c = try engine.createCampaign(try json(#"{"name":"S","type":"loyalty","targetSegment":\#(segment),"touchpoints":[{"type":"email","template":"loyalty"}]}"#), now: testNow)
            let found = Set(try engine.previewCampaign(id: c.id, limit: 100, now: testNow).customers.map(\.rowID))
            return Set(rows.filter { found.contains($0.value) }.map(\.key))
        }
        #expect(try matches(#"{"agentIds":["a1","a3"]}"#) == ["A", "C", "D"])
        // Not contacted for more than 90 days: B (100), D (200) and C (never).
        #expect(try matches(#"{"lastContactOlderThanDays":90}"#) == ["B", "C", "D"])
        #expect(try matches(#"{"customFilters":[{"key":"source","value":"broker"}]}"#) == ["A", "C"])
        // A number in the metadata matches its text; filters combine with AND.
        #expect(try matches(#"{"customFilters":[{"key":"source","value":"broker"},{"key":"tier","value":2}]}"#) == ["C"])
        #expect(try matches(#"{"agentIds":["a1"],"lastContactOlderThanDays":30}"#) == ["D"])
        // The filters come back in the campaign's JSON, and bad ones name their field.
        let c = try engine.createCampaign(try json(#"{"name":"S","type":"loyalty","targetSegment":{"agentIds":["a1"],"lastContactOlderThanDays":30,"customFilters":[{"key":"k","value":"v"}]},"touchpoints":[{"type":"email","template":"loyalty"}]}"#), now: testNow)
        #expect(c.json["targetSegment"]?["customFilters"] == .array([.object([("key", .string("k")), ("value", .string("v"))])]))
        #expect(c.targetSegment.criteriaCount == 3)
        for (segment, field) in [(#"{"customFilters":[{"key":"a\"b","value":"v"}]}"#, "targetSegment.customFilters[0].key"),
                                 (#"{"customFilters":[{"key":"k"}]}"#, "targetSegment.customFilters[0].value"),
                                 (#"{"customFilters":{"k":"v"}}"#, "targetSegment.customFilters"),
                                 (#"{"lastContactOlderThanDays":-1}"#, "targetSegment.lastContactOlderThanDays")] {
            #expect { try engine.createCampaign(try json(#"{"name":"x","type":"loyalty","targetSegment":\#(segment),"touchpoints":[{"type":"email","template":"loyalty"}]}"#), now: testNow) }
                throws: { ($0 as? RetentionError)?.field == field }
        }
    }

    @Test func onlyADraftIsEditedAndEveryRuleStillHolds() throws {
        let engine = try book()
        let c = try engine.createCampaign(NewCampaign(name: "Draft", type: .loyalty, sequence: [SequenceStep(channel: .email, template: "loyalty")]), now: testNow)
        var edit = NewCampaign(c)
        edit.name = "Renamed"
        edit.sequence.append(SequenceStep(channel: .sms, template: "loyalty", delayMinutes: 60, variants: ["loyalty", "engagement"]))
        edit.targetSegment.lastContactOlderThanDays = 30
        let edited = try engine.editCampaign(id: c.id, edit, expectedVersion: c.version, now: testNow + 60)
        #expect(edited.name == "Renamed" && edited.sequence.count == 2 && edited.sequence[1].variants == ["loyalty", "engagement"])
        #expect(edited.version == c.version + 1 && edited.createdAt == c.createdAt && edited.id == c.id)
        #expect(edited.targetSegment.lastContactOlderThanDays == 30)
        // A stale version, a bad template, an active campaign: refused, nothing changed.
        #expect { try engine.editCampaign(id: c.id, edit, expectedVersion: c.version, now: testNow) } throws: { ($0 as? RetentionError)?.field == "version" }
        edit.sequence[0].template = "birthday"
        #expect { try engine.editCampaign(id: c.id, edit, now: testNow) } throws: { ($0 as? RetentionError)?.field == "touchpoints[0].template" }
        #expect(try engine.campaign(id: c.id) == edited)
        try engine.setCampaignStatus(id: c.id, to: .active, now: testNow)
        #expect { try engine.editCampaign(id: c.id, NewCampaign(edited), now: testNow) } throws: { ($0 as? RetentionError)?.field == "status" }
    }
}
