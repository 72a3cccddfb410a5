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

    @Test func derlEqualsTheBruteForceSum() {
        let m = ShiftedBetaGeometric(alpha: 0.704, beta: 1.182)
        for n in [0, 3, 10] {
            var brute = 0.0
            for t in (n + 1)...(n + 4_000) { brute += m.survival(t) / m.survival(n) / pow(1.1, Double(t - n)) }
            #expect(abs(m.discountedExpectedResidualLifetime(renewals: n, discountRate: 0.1) - brute) < 1e-6)
        }
        // Survivors are better customers: more renewals made, more future payments expected.
        #expect(m.discountedExpectedResidualLifetime(renewals: 10, discountRate: 0.1) > m.discountedExpectedResidualLifetime(renewals: 0, discountRate: 0.1))
    }

    @Test func tiersFollowTheSpec() {
        #expect(LifetimeValue.tier(projectedCents: 1_000_000) == "platinum" && LifetimeValue.tier(projectedCents: 999_999) == "gold")
        #expect(LifetimeValue.tier(projectedCents: 500_000) == "gold" && LifetimeValue.tier(projectedCents: 499_999) == "silver")
        #expect(LifetimeValue.tier(projectedCents: 200_000) == "silver" && LifetimeValue.tier(projectedCents: 199_999) == "bronze")
    }

    @Test func oneAnnualPolicyIsValuedByHand() {
        // $1,200 a year, 12-month term, 0 renewals, α = 1, β = 3, d = 10 %, margin 15 %, acquisition $200, paid $1,200.
        // r_t = (3 + t − 1)/(4 + t − 1): r_1 = 0.75, r_2 = 0.8, … DERL(0) = Σ_{t≥1} S(t)/1.1^t with S(t) = 3/(t + 3).
        let m = ShiftedBetaGeometric(alpha: 1, beta: 3)
        var derl = 0.0
        for t in 1...20_000 { derl += 3.0 / Double(t + 3) / pow(1.1, Double(t)) }
        var s = CustomerDemoSignals.minimal
        s.tenureMonths = 12
        var settings = LTVSettings()
        settings.profitMargin = 0.15
        let ltv = LifetimeValue.compute(currentCents: 120_000, policies: [.init(type: .home, annualPremiumCents: 120_000, termMonths: 12, renewals: 0, inceptionDate: 0)],
                                        models: [.home: m], settings: settings, signals: s, risk: .low, engagement: 60, now: 40_000_000)
        #expect(abs(Double(ltv.projectedCents) - (120_000 + 120_000 * derl)) <= 1)
        #expect(ltv.totalCostCents == Int((Double(ltv.projectedCents) * 0.85).rounded()) + 20_000)
        #expect(abs((ltv.retentionRate ?? 0) - 0.8) < 1e-12)   // r_{n+2} = r_2: the next renewal after the current term
        #expect(ltv.category == "stable")
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
        let before = try engine.calculateLTV(customerId: id, now: testNow)["projectedLTV"]
        try engine.db.execute("UPDATE settings SET value = '{\"auto\":{\"alpha\":1,\"beta\":1000}}' WHERE key = 'ltv.retentionModels'")
        #expect(try engine.retentionModels() == [.auto: ShiftedBetaGeometric(alpha: 1, beta: 1000)])
        #expect(try engine.calculateLTV(customerId: id, now: testNow)["projectedLTV"] != before, "the saved models are the ones used")
        try engine.db.execute("DELETE FROM settings WHERE key = 'ltv.retentionModels'")
        #expect(try engine.calculateLTV(customerId: id, now: testNow)["projectedLTV"] == before, "with nothing saved the book is fitted again")
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
