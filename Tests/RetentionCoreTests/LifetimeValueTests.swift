import Foundation
import Testing
@testable import RetentionCore

@Suite struct LifetimeValueTests {
    /// Fader & Hardie (2007), the "regular" cohort: survivors per 1,000 over years 0–7.
    @Test func sBGFitMatchesThePaper() throws {
        let m = try ShiftedBetaGeometric.fit(survivors: [1000, 631, 468, 382, 326, 289, 262, 241])
        #expect(abs(m.alpha - 0.704) < 0.01, "alpha \(m.alpha)")
        #expect(abs(m.beta - 1.182) < 0.01, "beta \(m.beta)")
        // Projected survivors for years 8–12 against the observed 223, 207, 194, 183, 173.
        for (t, observed) in zip(8...12, [223.0, 207, 194, 183, 173]) {
            #expect(abs(1000 * m.survival(t) - observed) < 5, "year \(t): \(1000 * m.survival(t)) vs \(observed)")
        }
    }

    @Test func probabilitiesAreConsistent() {
        let m = ShiftedBetaGeometric(alpha: 0.704, beta: 1.182)
        // P(T = 1) = α/(α + β) = 0.704/1.886 = 0.37328
        #expect(abs(m.churnProbability(period: 1) - 0.704 / 1.886) < 1e-12)
        // S(t) + Σ P(T = k ≤ t) = 1
        #expect(abs(m.survival(5) + (1...5).reduce(0) { $0 + m.churnProbability(period: $1) } - 1) < 1e-12)
        // r_2 = (β + 1)/(α + β + 1) = 2.182/2.886
        #expect(abs(m.retentionRate(period: 2) - 2.182 / 2.886) < 1e-12)
    }

    @Test func derlFollowsFaderAndHardie2010() {
        let m = ShiftedBetaGeometric(alpha: 0.704, beta: 1.182)
        for n in [0, 3, 10] {
            // The paper's sum: the next renewal's payment, S(n + 1)/S(n), is not discounted.
            var sum = 0.0
            for j in 1...4_000 { sum += m.survival(n + j) / m.survival(n) / pow(1.1, Double(j - 1)) }
            let derl = m.discountedExpectedResidualLifetime(renewals: n, discountRate: 0.1, periods: 4_000)
            #expect(abs(derl - sum) < 1e-6)
            // Its closed form, r_{n+1}·₂F₁(1, β + n + 1; α + β + n + 1; 1/1.1), the series summed term by term.
            let b = 1.182 + Double(n) + 1, c = 0.704 + 1.182 + Double(n) + 1
            var hyper = 0.0, term = 1.0
            for i in 0..<4_000 { hyper += term; term *= (b + Double(i)) / (c + Double(i)) / 1.1 }
            #expect(abs(derl - m.retentionRate(period: n + 1) * hyper) < 1e-6)
        }
        // The first term by hand: r_1 = β/(α + β) = 1.182/1.886, undiscounted.
        #expect(abs(m.discountedExpectedResidualLifetime(renewals: 0, discountRate: 0.1, periods: 1) - 1.182 / 1.886) < 1e-12)
        // Survivors are better customers: more renewals made, more future payments expected.
        #expect(m.discountedExpectedResidualLifetime(renewals: 10, discountRate: 0.1, periods: 600)
                > m.discountedExpectedResidualLifetime(renewals: 0, discountRate: 0.1, periods: 600))
    }

    /// α = 2 makes S(t) = β(β + 1)/((β + t)(β + t + 1)), so the undiscounted sums telescope:
    /// Σ_{t=a+1..b} 1/((β + t)(β + t + 1)) = 1/(β + a + 1) − 1/(β + b + 1).
    @Test func theExpectedRenewalsTelescopeForAlphaTwo() {
        let m = ShiftedBetaGeometric(alpha: 2, beta: 18)
        // r_t = (17 + t)/(19 + t): r_1 = 18/20.
        #expect(abs(m.retentionRate(period: 1) - 0.9) < 1e-15)
        // From n = 4, 100 further terms: Σ S(4 + j)/S(4) = 22·23·(1/23 − 1/123) = 22 − 506/123 = 17.886179.
        let r = m.residual(renewals: 4, discountRate: 0, periods: 100)
        #expect(abs(r.expected - (22 - 506.0 / 123)) < 1e-9)
        #expect(abs(r.discounted - r.expected) < 1e-12, "at a discount rate of 0 DERL is the expected number of renewals")
        // Formulas.md: the line's curve alone values 6-month terms from n = 4 at DERL 8.690388 (d = 10 % a year).
        #expect(abs(m.residual(renewals: 4, discountRate: 1.1.squareRoot() - 1, periods: 100).discounted - 8.690388) < 1e-6)
        // The 50-year horizon changes the critical customer's DERL (2.083477) by 0.05 %: 2.084479 without it.
        let untruncated = m.residual(renewals: 4, nextRenewals: 2, rate: 0.18.squareRoot(), discountRate: 1.1.squareRoot() - 1, periods: 100_000)
        #expect(abs(untruncated.discounted - 2.084479) < 1e-6)
    }

    @Test func tiersFollowTheSpec() {
        #expect(LifetimeValue.tier(projectedCents: 1_000_000) == "platinum" && LifetimeValue.tier(projectedCents: 999_999) == "gold")
        #expect(LifetimeValue.tier(projectedCents: 500_000) == "gold" && LifetimeValue.tier(projectedCents: 499_999) == "silver")
        #expect(LifetimeValue.tier(projectedCents: 200_000) == "silver" && LifetimeValue.tier(projectedCents: 199_999) == "bronze")
    }

    /// The worked example of Formulas.md ("Lifetime value"): a semi-annual auto policy, $1,200 a year ($600 a
    /// term), 4 renewals made, 27 months since inception, 3 months left in the term, $3,000 paid; the auto
    /// line's curve α = 2, β = 18 (r_t = (17 + t)/(19 + t)); d = 10 %, margin 15 %, acquisition $200.
    func autoExample(churn p: Double, settings: LTVSettings = LTVSettings(), operationalYears: Double = 2.25) -> LifetimeValue {
        let now = 40_000_000
        var s = CustomerDemoSignals.minimal
        s.tenureMonths = 27
        s.premiumNowCents = 120_000
        s.premiumYearAgoCents = 120_000
        let line = LifetimeValue.PolicyLine(type: .auto, annualPremiumCents: 120_000, termMonths: 6, renewals: 4, inceptionDate: now - 27 * 2_629_800,
                                            renewalDate: now + 3 * 2_629_800)   // a month is 365.25/12 days = 2,629,800 s
        return LifetimeValue.compute(holdings: .init(inForce: [line], paidByLine: [("auto", 300_000)], policyYears: operationalYears),
                                     churnProbability: p, models: [.auto: ShiftedBetaGeometric(alpha: 2, beta: 18)], settings: settings,
                                     signals: s, risk: ChurnRisk(probability: p), engagement: 60, now: now)
    }

    @Test func aCriticalCustomerIsValuedByHand() {
        // p = 0.82 over 12 months; a 6-month term renews twice in the year, each with q = √0.18 = 0.424264, then
        // the line's curve from 6 renewals: s_1 = 0.424264, s_2 = 0.18, s_3 = 0.18·r_7 = 0.18·24/26, …
        // s_j = 0.18·(24·25)/((22 + j)(23 + j)).
        let ltv = autoExample(churn: 0.82)
        #expect(abs((ltv.retentionRate ?? 0) - 0.18.squareRoot()) < 1e-12)          // retentionRate 42.4
        // N = Σ_{j≤100} s_j = 0.424264 + 0.18 + 0.18·600·(1/25 − 1/123) = 4.046215 renewals;
        // lifespan = 27 + 3 + 6·4.046215 = 54.28 months (the line's curve alone: 27 + 3 + 6·17.886 = 137.3).
        let n = 0.18.squareRoot() + 0.18 + 0.18 * 600 * (1.0 / 25 - 1.0 / 123)
        #expect(abs(n - 4.0462152882) < 1e-9)
        #expect(abs(ltv.averageLifespanMonths - (27 + 3 + 6 * n)) < 1e-9)
        // DERL with δ = 1.1^(−1/2) = 0.953463: 0.424264 + 0.18·0.953463 + 0.166154·0.909091 + … = 2.083477;
        // future premium $600 × 2.083477 = $1,250.09; projectedLTV $3,000 + $1,250.09 = $4,250.09: silver.
        #expect(ltv.currentCents == 300_000)
        #expect(ltv.projectedCents == 425_009)
        #expect(ltv.tier == "silver")
        #expect(ltv.category == "at_risk")
        // Profit: to date 0.15·3,000 = $450; to come 0.15·1,250.09 = $187.51; less acquisition $200: $437.51.
        #expect(ltv.netProfitCents == 45_000 && ltv.totalCostCents == 255_000)
        #expect(ltv.projectedProfitCents == 43_751)
        let json = CustomerLifetimeValue(customerId: "c", value: ltv, calculatedAt: 40_000_000).json
        #expect(json["retentionRate"] == .number(42.4) && json["averageLifespan"] == .number(54.3) && json["churnProbability"] == .number(0.82))
        #expect(json["projectedLTV"] == .number(4250.09) && json["projectedProfit"] == .number(437.51))
    }

    @Test func aLowRiskCustomerIsValuedByHand() {
        // p = 0.05: q = √0.95 = 0.974679; N = 0.974679 + 0.95 + 0.95·600·(1/25 − 1/123) = 20.090533;
        // lifespan 27 + 3 + 6·20.090533 = 150.5 months; DERL = 9.731638; projectedLTV $3,000 + $5,838.98 = $8,838.98: gold.
        let ltv = autoExample(churn: 0.05)
        #expect(abs((ltv.retentionRate ?? 0) - 0.95.squareRoot()) < 1e-12)
        let n = 0.95.squareRoot() + 0.95 + 0.95 * 600 * (1.0 / 25 - 1.0 / 123)
        #expect(abs(ltv.averageLifespanMonths - (27 + 3 + 6 * n)) < 1e-9)
        #expect(ltv.projectedCents == 883_898)
        #expect(ltv.tier == "gold")
        // Higher risk, lower value, everywhere.
        let critical = autoExample(churn: 0.82)
        #expect(critical.projectedCents < ltv.projectedCents && critical.averageLifespanMonths < ltv.averageLifespanMonths
                && critical.retentionRate! < ltv.retentionRate!)
    }

    @Test func theChurnProbabilityGovernsTheNextRenewalAndTheLinesCurveTheRest() {
        // An annual policy (k = 1) whose customer churns with exactly the line's own r_{n+1} is valued as the sBG alone values it.
        let m = ShiftedBetaGeometric(alpha: 0.704, beta: 1.182), now = 40_000_000
        let line = LifetimeValue.PolicyLine(type: .home, annualPremiumCents: 100_000, termMonths: 12, renewals: 3, inceptionDate: 0, renewalDate: now)
        let ltv = LifetimeValue.compute(holdings: .init(inForce: [line]), churnProbability: 1 - m.retentionRate(period: 4), models: [.home: m],
                                        settings: LTVSettings(), signals: CustomerDemoSignals.minimal, risk: .low, engagement: 60, now: now)
        #expect(ltv.projectedCents == Int((100_000 * m.discountedExpectedResidualLifetime(renewals: 3, discountRate: 0.1, periods: 50)).rounded()))
        #expect(abs(ltv.retentionRate! - m.retentionRate(period: 4)) < 1e-12, "the next renewal is r_{n+1}, not r_{n+2}")
        // A line Retention does not know is valued with the fallback model.
        var unknown = line
        unknown.type = nil
        let fallback = LifetimeValue.compute(holdings: .init(inForce: [unknown]), churnProbability: 0.1, models: [.home: m], settings: LTVSettings(),
                                             signals: CustomerDemoSignals.minimal, risk: .low, engagement: 60, now: now)
        let expected = 0.9 + 0.9 * (LifetimeValue.fallbackModel.residual(renewals: 4, discountRate: 0.1, periods: 49).discounted) / 1.1
        #expect(fallback.projectedCents == Int((100_000 * expected).rounded()))
    }

    @Test func aDiscountRateOfZeroValuesFiftyYearsUndiscounted() throws {
        // Decision: 0 is allowed and the horizon is capped at 50 years (100 six-month terms); DERL is then N = 4.046215,
        // and the projected LTV $3,000 + $600 × 4.046215 = $5,427.73.
        var settings = LTVSettings()
        settings.discountRate = 0
        let ltv = autoExample(churn: 0.82, settings: settings)
        #expect(ltv.projectedCents == 542_773)
        #expect(ltv.tier == "gold")
        // On a line with α ≤ 1 the expected number of renewals is infinite; the horizon keeps the value finite:
        // at most 50 years of premium.
        let heavy = ShiftedBetaGeometric(alpha: 0.5, beta: 50)
        let line = LifetimeValue.PolicyLine(type: .home, annualPremiumCents: 100_000, termMonths: 12, renewals: 0, inceptionDate: 0, renewalDate: 0)
        let long = LifetimeValue.compute(holdings: .init(inForce: [line]), churnProbability: 0, models: [.home: heavy], settings: settings,
                                         signals: CustomerDemoSignals.minimal, risk: .low, engagement: 60, now: 0)
        let n = heavy.residual(renewals: 1, discountRate: 0, periods: 49).expected
        #expect(long.projectedCents == Int((100_000 * (1 + n)).rounded()) && long.projectedCents < 50 * 100_000)
        #expect(abs(long.averageLifespanMonths - 12 * (1 + n)) < 1e-9)
        // The setting takes 0, and refuses what is not a rate.
        let engine = try makeEngine()
        try engine.setLTVSetting("ltv.discountRate", "0", now: testNow)
        #expect(try engine.ltvSettings().discountRate == 0)
        for bad in ["-0.01", "1.5", "nan", "ten"] {
            #expect { try engine.setLTVSetting("ltv.discountRate", bad, now: testNow) } throws: { ($0 as? RetentionError)?.field == "ltv.discountRate" }
        }
    }

    @Test func theMarginAndTheOperationalCostChangeProjectedProfitNotRevenue() {
        var settings = LTVSettings()
        settings.profitMargin = 0.65
        let wide = autoExample(churn: 0.82, settings: settings)
        // Revenue is what the customer pays: the same $4,250.09 and tier.
        #expect(wide.projectedCents == 425_009 && wide.tier == "silver")
        // To date: cost 0.35·3,000 = $1,050, profit $1,950 (the spec's rule); to come 0.65·1,250.09 = $812.56;
        // projectedProfit 1,950 + 812.56 − 200 = $2,562.56 (at 15 %: $437.51).
        #expect(wide.totalCostCents == 105_000 && wide.netProfitCents == 195_000)
        #expect(wide.projectedProfitCents == 256_256)
        // $40 a policy-year: 2.25 policy-years to date cost $90, the expected discounted service to come
        // 0.5·2.083477 = 1.041739 policy-years $41.67: profit to date 450 − 90 = $360; projected 360 + 187.51 − 41.67 − 200 = $305.84.
        var costly = LTVSettings()
        costly.operationalCostCents = 4_000
        let served = autoExample(churn: 0.82, settings: costly)
        #expect(served.totalCostCents == 264_000 && served.netProfitCents == 36_000)
        #expect(served.projectedProfitCents == 30_584)
        #expect(served.projectedCents == 425_009)
        #expect(CustomerLifetimeValue(customerId: "c", value: served, calculatedAt: 0).json["operationalCost"] == .number(40))
    }

    @Test func routesAnswerWithTheSpecShape() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 300, seed: 4, now: testNow).generate(into: engine.db)
        let id = try #require(try engine.listCustomers(CustomerQuery()).items.first { $0.activePolicies > 0 }?.id)
        let r = Router.handle(try APIRequest(method: "POST", target: "/customers/\(id)/ltv"), engine: engine, now: testNow).body["data"]!
        for key in ["currentLTV", "projectedLTV", "averageRevenue", "retentionRate", "averageLifespan", "acquisitionCost", "profitMargin", "breakdown", "segments", "calculatedAt"] {
            #expect(r[key] != nil, "ltv lacks \(key)")
        }
        for key in ["totalRevenue", "totalCost", "netProfit", "policyRevenue"] { #expect(r["breakdown"]?[key] != nil) }
        #expect(try engine.customer(id: id).ltvTier == r["segments"]?["tier"]?.stringValue)
        let history = Router.handle(try APIRequest(method: "GET", target: "/customers/\(id)/ltv?limit=10"), engine: engine, now: testNow).body["data"]
        #expect(history?.arrayValue?.count == 1)
        #expect { try engine.setLTVSetting("ltv.profitMargin", "2", now: testNow) } throws: { ($0 as? RetentionError)?.field == "ltv.profitMargin" }
    }

    /// A customer with an auto policy in force and a home policy that ended: the breakdown is to date and adds up.
    @Test func theBreakdownIsRevenueToDateAndAddsUp() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let auto = try engine.createPolicy(try json(specPolicyBody(customerId: c.id)), now: testNow)
        let home = try engine.createPolicy(try json(specPolicyBody(customerId: c.id, number: "POL-2024-002").replacingOccurrences(of: "\"auto\"", with: "\"home\"")),
                                           now: testNow)
        _ = try engine.updatePolicy(id: home.id, try json(#"{"status": "cancelled"}"#), now: testNow)
        try engine.db.run("UPDATE policies SET total_paid_cents = ? WHERE uuid = ?", [.int(300_000), .text(auto.id)])
        try engine.db.run("UPDATE policies SET total_paid_cents = ? WHERE uuid = ?", [.int(150_000), .text(home.id)])
        try engine.refreshCustomerCounters(try engine.customerRowID(c.id), now: testNow)
        try engine.db.run("UPDATE customers SET churn_probability = 0.82, churn_risk = 3 WHERE uuid = ?", [.text(c.id)])
        try engine.setLTVSetting("ltv.profitMargin", "0.65", now: testNow)
        let calculated = try engine.calculateLTV(customerId: c.id, now: testNow), v = calculated.value
        // The spec's example: totalRevenue 4500 = currentLTV, auto 3000 + home 1500, cost 4500·0.35 = 1575, profit 2925.
        #expect(v.currentCents == 450_000)
        #expect(v.revenueByType.map(\.0) == ["auto", "home"] && v.revenueByType.map(\.1) == [300_000, 150_000])
        #expect(v.totalCostCents == 157_500 && v.netProfitCents == 292_500)
        #expect(try engine.customer(id: c.id).lifetimeValueCents == 450_000)
        // The stored churn probability governs: the annual auto renews with 1 − 0.82.
        #expect(v.churnProbability == 0.82 && abs((v.retentionRate ?? 0) - 0.18) < 1e-12)
        #expect(v.category == "at_risk")
        #expect(v.projectedCents > 450_000 && v.projectedProfitCents > 292_500 - 20_000)
        // The API's document carries these figures in currency units and percent.
        let r = calculated.json
        #expect(r["customerId"] == .string(c.id) && r["calculatedAt"] == .string(Timestamp.formatInstant(testNow)))
        #expect(r["currentLTV"] == .number(4500) && r["breakdown"]?["totalRevenue"] == .number(4500))
        #expect(r["breakdown"]?["policyRevenue"] == .object([("auto", .number(3000)), ("home", .number(1500))]))
        #expect(r["breakdown"]?["totalCost"] == .number(1575) && r["breakdown"]?["netProfit"] == .number(2925))
        #expect(r["churnProbability"] == .number(0.82) && r["retentionRate"] == .number(18))
        #expect(r["segments"]?["category"] == .string("at_risk"))
        #expect(r["projectedLTV"] == .money(v.projectedCents) && r["projectedProfit"] == .money(v.projectedProfitCents))
        // Operational costs: $100 a policy-year. Both policies incepted on 1 January; the auto one is in force until now (10:30 on
        // the 15th: 14.4375 days), the home one ended when it was cancelled, at that same instant (14.4375 days):
        // 28.875/365.25 policy-years cost $7.91 (790.55 cents, rounded), so cost 1575 + 7.91 and profit 2925 − 7.91.
        try engine.setLTVSetting("ltv.operationalCost", "100", now: testNow)
        let served = try engine.calculateLTV(customerId: c.id, now: testNow)
        #expect(served.value.settings.operationalCostCents == 10_000)
        #expect(served.value.totalCostCents == 158_291 && served.value.netProfitCents == 291_709)
        #expect(served.json["operationalCost"] == .number(100) && served.json["breakdown"]?["totalCost"] == .number(1582.91))
        #expect { try engine.setLTVSetting("ltv.operationalCost", "-1", now: testNow) } throws: { ($0 as? RetentionError)?.field == "ltv.operationalCost" }
        #expect(try engine.setting("ltv.operationalCost") == "100")
    }

    @Test func theLTVUsesTheChurnScoreTheCustomerShows() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 200, seed: 6, now: testNow).generate(into: engine.db)
        try engine.rescore(now: testNow)
        // Right after a rescore one customer's LTV is the one the rescore stored, for critical and low-risk customers alike.
        let rows = try [0, 3].flatMap { risk in
            try engine.db.query("SELECT uuid, projected_ltv_cents, churn_probability FROM customers WHERE active_policies > 0 AND churn_risk = ? ORDER BY id LIMIT 15",
                                [.int(Int64(risk))]) { ($0.text(0), $0.int(1), $0.double(2)) }
        }
        #expect(rows.contains { $0.2 >= 0.7 } && rows.contains { $0.2 < 0.3 })
        for (id, stored, p) in rows {
            let r = try engine.calculateLTV(customerId: id, now: testNow)
            #expect(r.value.projectedCents == stored, "\(id)")
            #expect(r.json["churnProbability"] == .rounded(p, 4))
        }
        // A customer never scored is scored with the model in force.
        let c = try engine.createCustomer(try json(specCustomerBody.replacingOccurrences(of: "john.doe@", with: "new.one@")), now: testNow)
        _ = try engine.createPolicy(try json(specPolicyBody(customerId: c.id, number: "POL-NEW-1")), now: testNow)
        #expect(try engine.customer(id: c.id).churnProbability == nil)
        let fresh = try engine.calculateLTV(customerId: c.id, now: testNow)
        #expect(fresh.value.churnProbability == (try engine.predictChurn(customerId: c.id, features: nil, now: testNow)).prediction.probability)
    }

    @Test func historyWrittenBeforeProjectedProfitStillReads() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        // An LTV row as the previous version stored it: 15 values, breakdown.totalRevenue then the projected LTV.
        let old = #"[4500,8750,250,3000,95,36,200,65,10,8750,3262.5,5487.5,{"auto":4250},"gold","stable"]"#
        try engine.db.run("INSERT INTO ltv_history (customer_id, calculated_at, current_ltv_cents, projected_ltv_cents, tier, category, document) VALUES (?, ?, ?, ?, ?, ?, ?)",
                          [.int(try engine.customerRowID(c.id)), .int(Int64(testNow)), .int(450_000), .int(875_000), .text("gold"), .text("stable"), .text(old)])
        let read = try #require(try engine.ltvHistory(customerId: c.id, limit: 1).first)
        #expect(read["projectedLTV"] == .number(8750) && read["breakdown"]?["totalRevenue"] == .number(8750) && read["projectedProfit"] == nil)
        #expect(read["segments"]?["tier"] == .string("gold") && read["customerId"] == .string(c.id))
        // A new calculation is stored in the new shape next to it.
        _ = try engine.calculateLTV(customerId: c.id, now: testNow + 60)
        #expect(try engine.ltvHistory(customerId: c.id, limit: 5).count == 2)
        // The old row keeps its document; the new one is numbers (schema 18).
        #expect(try engine.db.scalarInt("SELECT count(*) FROM ltv_history WHERE document IS NOT NULL") == 1)
    }

    /// The grouped SQL the one-pass fit replaced, verbatim, as the reference.
    func referenceModels(_ db: Database) throws -> [PolicyType: ShiftedBetaGeometric] {
        var churned: [PolicyType: [Int: Double]] = [:], censored: [PolicyType: [Int: Double]] = [:]
        try db.forEach("""
            SELECT policy_type, renewal_count, status IN ('active', 'pending_renewal'), count(*) FROM policies
            WHERE status IN ('active', 'pending_renewal', 'lapsed', 'expired') OR (status = 'cancelled' AND coalesce(end_reason, '') != 'rewritten')
            GROUP BY 1, 2, 3
            """) { r in
            guard let type = PolicyType(rawValue: r.text(0)) else { return }
            if r.bool(2) { censored[type, default: [:]][r.int(1), default: 0] += Double(r.int(3)) }
            else { churned[type, default: [:]][r.int(1) + 1, default: 0] += Double(r.int(3)) }
        }
        var models: [PolicyType: ShiftedBetaGeometric] = [:]
        for type in Set(churned.keys).union(censored.keys) {
            if let m = try? ShiftedBetaGeometric.fit(churned: churned[type] ?? [:], censored: censored[type] ?? [:]) { models[type] = m }
        }
        return models
    }

    @Test func theBookIsFittedAsTheGroupedSQLFittedItAndTheRescoreKeepsTheModels() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 400, seed: 8, now: testNow).generate(into: engine.db)
        try engine.db.execute("UPDATE policies SET policy_type = 'crop' WHERE id % 11 = 0") // a line the enum does not know: no model
        let fitted = try engine.fitRetentionModels()
        #expect(fitted.count >= 4)
        #expect(fitted == (try referenceModels(engine.db)))
        // Before any rescore a single LTV fits the models itself; the rescore saves them.
        #expect(try engine.retentionModels() == fitted)
        try engine.rescore(now: testNow)
        let saved = try #require(try engine.db.queryOne("SELECT value FROM settings WHERE key = 'ltv.retentionModels'") { $0.text(0) })
        #expect(saved.contains("\"auto\":{\"alpha\":"))
        #expect(try engine.retentionModels() == fitted, "the saved models read back exactly")
        // Between rescores one customer's LTV uses the saved models, whatever the book does meanwhile.
        let id = try #require(try engine.db.queryOne("""
            SELECT c.uuid FROM customers c JOIN policies p ON p.customer_id = c.id WHERE p.policy_type = 'auto' AND p.status = 'active' LIMIT 1
            """) { $0.text(0) })
        let before = try engine.calculateLTV(customerId: id, now: testNow).value.projectedCents
        try engine.db.execute("UPDATE settings SET value = '{\"auto\":{\"alpha\":1,\"beta\":1000}}' WHERE key = 'ltv.retentionModels'")
        #expect(try engine.retentionModels() == [.auto: ShiftedBetaGeometric(alpha: 1, beta: 1000)])
        #expect(try engine.calculateLTV(customerId: id, now: testNow).value.projectedCents != before, "the saved models are the ones used")
        try engine.db.execute("DELETE FROM settings WHERE key = 'ltv.retentionModels'")
        #expect(try engine.calculateLTV(customerId: id, now: testNow).value.projectedCents == before, "with nothing saved the book is fitted again")
    }
}

/// Signals with nothing in them, for valuation tests.
enum CustomerDemoSignals {
    static let minimal = CustomerSignals(
        customerRowID: 1, daysSinceLastInteraction: nil, interactionsInWindow: 0, emailsDelivered: 0, emailsOpened: 0, touchpointsDelivered: 0,
        touchpointsResponded: 0, paymentsDue: 0, paymentsMissed: 0, premiumNowCents: 0, premiumYearAgoCents: 0, heldTypes: [], latestNPS: nil,
        complaintsFiled: 0, complaintsResolved: 0, tenureMonths: 0, activePolicies: 1, totalPolicies: 1, renewalsMade: 0, renewalsLost: 0,
        cancellationsInWindow: 0, claimsInWindow: 0, claimAmountInWindowCents: 0, premiumEarnedInWindowCents: 0, satisfactionScore: nil)
}
