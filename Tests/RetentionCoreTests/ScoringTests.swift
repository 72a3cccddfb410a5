import Foundation
import Testing
@testable import RetentionCore

/// The worked example of the scoring documentation, checked number by number.
@Suite struct ScoringTests {
    /// Five days since the last interaction, 12 interactions, 13 of 20 e-mails opened, 10 of 25 touchpoints
    /// answered, 12 instalments due and none missed, premium up 15 % ($3,000 → $3,450), auto and home held,
    /// latest NPS 7, one complaint resolved, 24 months' tenure, 2 policies, 2 of 2 renewals made.
    static let example = CustomerSignals(
        customerRowID: 1, daysSinceLastInteraction: 5, interactionsInWindow: 12, emailsDelivered: 20, emailsOpened: 13,
        touchpointsDelivered: 25, touchpointsResponded: 10, paymentsDue: 12, paymentsMissed: 0, premiumNowCents: 345_000,
        premiumYearAgoCents: 300_000, heldTypes: [.auto, .home], latestNPS: 7, complaintsFiled: 1, complaintsResolved: 1,
        tenureMonths: 24, activePolicies: 2, totalPolicies: 2, renewalsMade: 2, renewalsLost: 0, cancellationsInWindow: 0,
        claimsInWindow: 0, claimAmountInWindowCents: 0, premiumEarnedInWindowCents: 330_000, satisfactionScore: 80)

    @Test func workedExampleHealthScore() {
        let h = HealthScore.compute(Self.example)
        // E = 0.40·100·(1 − 5/365) + 0.25·100 + 0.20·65 + 0.15·min(100, 2.5·40) = 92.452…
        #expect(h.engagement.score == 92.5)
        #expect(h.engagement.emailOpenRate == 65 && h.engagement.responseRate == 40)
        // F = 0.60·100 + 0.25·(50 + 2.5·15) + 0.15·(100·(4 − 2)/4) = 89.375
        #expect(h.financial.score == 89.4)
        #expect(h.financial.premiumGrowth == 15 && h.financial.crossSellOpportunities == 2)
        // S = 0.60·70 + 0.25·100·(1 − 1/3) + 0.15·100 = 73.667
        #expect(h.satisfaction.score == 73.7 && h.satisfaction.nps == 70)
        // L = 0.35·100·24/60 + 0.20·100·2/3 + 0.30·100 + 0.15·100 = 72.333
        #expect(h.lifecycle.score == 72.3 && h.lifecycle.churnIndicators == 0)
        // overall = 0.3·92.452 + 0.3·89.375 + 0.2·73.667 + 0.2·72.333 = 83.748
        #expect(h.overall == 83.7)
        #expect(h.band == .excellent)
    }

    @Test func workedExampleChurnProbability() {
        let h = HealthScore.compute(Self.example)
        let f = ChurnFeatures(signals: Self.example, health: h)
        #expect(f.values == [24, 2, 92.5, 73.7, 100, 0, 5])
        // logit = ln(0.12/0.88) − 0.35·(24−36)/30 − 0.45·(2−1.5)/0.8 − 0.55·(92.5−50)/20 − 0.45·(73.7−65)/20
        //         − 0.60·(100−92)/12 + 0.20·(0−0.2)/0.6 + 0.40·(5−120)/110 = −4.38303; p = 0.012333
        #expect(abs(DefaultChurnModel.model.probability(f.values) - 0.0123335) < 1e-6)
    }

    /// The engine's typed health score and prediction of the worked example, and the API documents made of
    /// them: each figure under the spec's key, rounded as shown.
    @Test func theHealthScoreAndPredictionDocumentsCarryTheTypedFigures() throws {
        let engine = try makeEngine()
        let model = try engine.churnModelInfo()
        let sc = engine.score(Self.example, model: model.model, medians: ChurnFeatures(values: DefaultChurnModel.model.means))
        let hs = CustomerHealthScore(customerId: "c-1", sc, at: testNow)
        // p = 0.0123335 (workedExampleChurnProbability), to 4 decimals; low risk.
        #expect(hs.health.overall == 83.7 && hs.health.band == .excellent && hs.churnRisk == .low && hs.churnProbability == 0.0123)
        let doc = hs.json
        #expect(doc["customerId"] == .string("c-1") && doc["calculatedAt"] == .string(Timestamp.formatInstant(testNow)))
        #expect(doc["overallScore"] == .number(83.7) && doc["band"] == .string("excellent"))
        #expect(doc["churnRisk"] == .string("low") && doc["churnProbability"] == .number(0.0123))
        #expect(doc["components"]?["engagement"]?["score"] == .number(92.5) && doc["components"]?["engagement"]?["emailOpenRate"] == .number(65))
        #expect(doc["components"]?["financial"]?["score"] == .number(89.4) && doc["components"]?["financial"]?["premiumGrowth"] == .number(15))
        #expect(doc["components"]?["satisfaction"]?["score"] == .number(73.7) && doc["components"]?["satisfaction"]?["nps"] == .number(70))
        #expect(doc["components"]?["lifecycle"]?["score"] == .number(72.3) && doc["components"]?["lifecycle"]?["churnIndicators"] == .number(0))
        #expect(doc["riskFactors"] == .array(hs.riskFactors.map { .string($0) }) && doc["recommendations"] == .array(hs.recommendations.map { .string($0) }))

        let prediction = CustomerChurnPrediction(customerId: "c-1", prediction: sc.prediction, customerStatus: .active, features: sc.features,
                                                 model: model, predictedAt: testNow)
        let p = prediction.json
        #expect(p["churnProbability"] == .number(0.0123) && p["churnRisk"] == .string("low") && p["customerStatus"] == .string("active"))
        #expect(p["confidence"] == .number(sc.prediction.confidence) && p["predictedAt"] == .string(Timestamp.formatInstant(testNow)))
        #expect(p["features"] == .object([("tenure", .number(24)), ("policyCount", .number(2)), ("engagementScore", .number(92.5)),
                                          ("satisfactionScore", .number(73.7)), ("paymentHistory", .number(100)), ("claimsRatio", .number(0)),
                                          ("lastContactDays", .number(5))]))
        #expect(p["factors"]?.arrayValue?.map { $0["name"]?.stringValue } == sc.prediction.factors.map(\.name))
        #expect(p["model"]?["trained"] == .bool(false) && p["topFactor"] == (sc.prediction.topFactor?.json ?? .null))
    }

    @Test func bandsAndRiskLevelsFollowTheSpec() {
        #expect(HealthScore.Band(score: 80) == .excellent && HealthScore.Band(score: 79.9) == .good)
        #expect(HealthScore.Band(score: 60) == .good && HealthScore.Band(score: 59.9) == .fair)
        #expect(HealthScore.Band(score: 40) == .fair && HealthScore.Band(score: 39.9) == .poor)
        #expect(ChurnRisk(probability: 0.2999) == .low && ChurnRisk(probability: 0.30) == .medium)
        #expect(ChurnRisk(probability: 0.4999) == .medium && ChurnRisk(probability: 0.50) == .high)
        #expect(ChurnRisk(probability: 0.6999) == .high && ChurnRisk(probability: 0.70) == .critical)
    }

    /// Each input swept with the others fixed: the score never moves the wrong way, and stays in 0–100.
    @Test func scoresAreBoundedAndMonotoneInEveryInput() {
        func sweep(_ values: [Int], _ set: (inout CustomerSignals, Int) -> Void, better: Bool, _ part: (HealthScore) -> Double, _ name: String) {
            var last: Double?
            for v in values {
                var s = Self.example
                set(&s, v)
                let h = HealthScore.compute(s)
                let x = part(h)
                #expect((0...100).contains(x) && (0...100).contains(h.overall))
                if let last { #expect(better ? x >= last : x <= last, "\(name) moved the wrong way at \(v)") }
                last = x
            }
        }
        let r = Array(0...40)
        sweep(r.map { $0 * 20 }, { $0.daysSinceLastInteraction = $1 }, better: false, { $0.engagement.score }, "days since contact")
        sweep(r, { $0.interactionsInWindow = $1 }, better: true, { $0.engagement.score }, "interactions")
        sweep(Array(0...20), { $0.emailsOpened = $1 }, better: true, { $0.engagement.score }, "opens")
        sweep(Array(0...25), { $0.touchpointsResponded = $1 }, better: true, { $0.engagement.score }, "responses")
        sweep(Array(0...12), { $0.paymentsMissed = $1 }, better: false, { $0.financial.score }, "missed payments")
        sweep(r.map { $0 * 20_000 }, { $0.premiumNowCents = $1 }, better: true, { $0.financial.score }, "premium growth")
        sweep(Array(0...10), { $0.latestNPS = $1 }, better: true, { $0.satisfaction.score }, "NPS")
        sweep(Array(0...8), { $0.complaintsFiled = $1; $0.complaintsResolved = 0 }, better: false, { $0.satisfaction.score }, "complaints")
        sweep(Array(0...8), { $0.complaintsFiled = 8; $0.complaintsResolved = $1 }, better: true, { $0.satisfaction.score }, "resolutions")
        sweep(r.map { $0 * 6 }, { $0.tenureMonths = $1 }, better: true, { $0.lifecycle.score }, "tenure")
        sweep(Array(0...6), { $0.activePolicies = $1 }, better: true, { $0.lifecycle.score }, "policies")
        sweep(Array(0...6), { $0.renewalsLost = $1 }, better: false, { $0.lifecycle.score }, "renewals lost")
        sweep(Array(0...6), { $0.cancellationsInWindow = $1 }, better: false, { $0.lifecycle.score }, "cancellations")
        // The churn model moves the other way from health: more days since contact never lowers churn.
        var last = 0.0
        for d in stride(from: 0, through: 800, by: 20) {
            var s = Self.example
            s.daysSinceLastInteraction = d
            let p = DefaultChurnModel.model.probability(ChurnFeatures(signals: s, health: HealthScore.compute(s)).values)
            #expect(p >= last)
            last = p
        }
    }

    @Test func randomInputsStayInRange() {
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<2_000 {
            func n(_ m: Int) -> Int { Int(rng.next() % UInt64(m + 1)) }
            let s = CustomerSignals(customerRowID: 1, daysSinceLastInteraction: n(3) == 0 ? nil : n(2000), interactionsInWindow: n(50),
                                    emailsDelivered: n(30), emailsOpened: n(40), touchpointsDelivered: n(30), touchpointsResponded: n(40),
                                    paymentsDue: n(24), paymentsMissed: n(30), premiumNowCents: n(1_000_000), premiumYearAgoCents: n(1_000_000),
                                    heldTypes: Set(PolicyType.allCases.filter { _ in n(1) == 1 }), latestNPS: n(2) == 0 ? nil : n(10),
                                    complaintsFiled: n(10), complaintsResolved: n(12), tenureMonths: n(300), activePolicies: n(6), totalPolicies: n(8),
                                    renewalsMade: n(5), renewalsLost: n(5), cancellationsInWindow: n(3), claimsInWindow: n(4),
                                    claimAmountInWindowCents: n(5_000_000), premiumEarnedInWindowCents: n(500_000),
                                    satisfactionScore: n(1) == 0 ? nil : Double(n(100)))
            let h = HealthScore.compute(s)
            for v in [h.overall, h.engagement.score, h.financial.score, h.satisfaction.score, h.lifecycle.score] { #expect((0...100).contains(v)) }
            let p = DefaultChurnModel.model.probability(ChurnFeatures(signals: s, health: h).values)
            #expect(p.isFinite && (0...1).contains(p))
        }
    }

    @Test func expectedImpactIsTheProbabilityDropAtTheMedian() {
        var s = Self.example
        s.daysSinceLastInteraction = 400
        let h = HealthScore.compute(s)
        let f = ChurnFeatures(signals: s, health: h)
        let medians = ChurnFeatures(values: [30, 1, 55, 70, 95, 0.1, 60])
        let factors = RiskFactor.detect(signals: s, health: h, features: f)
        #expect(factors.contains(.no_recent_contact))
        let prediction = ChurnPrediction.explain(features: f, model: DefaultChurnModel.model, medians: medians, riskFactors: factors,
                                                 completeness: 1, crossSellOpportunities: 2)
        var moved = f.values
        moved[6] = 60
        let expected = (DefaultChurnModel.model.probability(f.values) - DefaultChurnModel.model.probability(moved)) * 100
        let rec = prediction.recommendations.first { $0.action == "Schedule a check-in call" }
        #expect(rec?.expectedImpact == String(format: "Reduce churn probability by %.1f%%", expected))
        #expect(prediction.factors.first?.name == "lastContactDays" && prediction.factors.first?.direction == "negative")
    }

    /// The top factor is the largest positive contribution βⱼ·zⱼ. In the worked example every feature but tenure
    /// protects: tenure −0.35·(24 − 36)/30 = +0.14 is the top factor, "Short tenure". With 400 days since the last
    /// interaction, lastContactDays adds 0.40·(400 − 120)/110 = +1.018 and leads, ahead of the missed payments'
    /// −0.60·(75 − 92)/12 = +0.85 (3 of 12 instalments missed: paymentHistory 75).
    @Test func theTopFactorIsTheLargestContributionHandChecked() throws {
        let model = DefaultChurnModel.model, medians = ChurnFeatures(values: model.means)
        func predict(_ s: CustomerSignals) -> ChurnPrediction {
            let h = HealthScore.compute(s), f = ChurnFeatures(signals: s, health: h)
            return ChurnPrediction.explain(features: f, model: model, medians: medians, riskFactors: RiskFactor.detect(signals: s, health: h, features: f),
                                           completeness: 1, crossSellOpportunities: 0)
        }
        let example = predict(Self.example)
        let top = try #require(example.topFactor)
        #expect(top.name == "tenure" && top.title == "Short tenure" && abs(top.contribution - 0.14) < 1e-12)
        #expect(example.factors.first { $0.direction == "negative" }?.name == "tenure")

        var s = Self.example
        s.daysSinceLastInteraction = 400
        s.paymentsMissed = 3
        let p = predict(s)
        #expect(p.topFactor?.name == "lastContactDays" && p.topFactor?.title == "No recent contact")
        #expect(abs((p.topFactor?.contribution ?? 0) - 0.4 * 280 / 110) < 1e-12)
        #expect(p.factors.prefix(2).map(\.name) == ["lastContactDays", "paymentHistory"] && p.factors[1].impact == 0.85)
        // The rules that fired, in the order of their features' contributions (detection checks payments first).
        #expect(p.riskFactors.prefix(2) == [.no_recent_contact, .payment_issues], "\(p.riskFactors)")
        #expect(p.topFactor?.json == .object([("name", .string("lastContactDays")), ("title", .string("No recent contact")), ("impact", .number(1.02))]))

        // 34 months' tenure adds only −0.35·(34 − 36)/30 = +0.023, below the 0.05 reported: no top factor.
        s = Self.example
        s.tenureMonths = 34
        #expect(predict(s).topFactor == nil && !predict(s).factors.contains { $0.direction == "negative" })
    }

    /// A factor is named by the side of the mean its value lies on, whatever the coefficient's sign: a trained
    /// model in which recent contact goes with leaving names that, not "No recent contact".
    @Test func theTopFactorSaysWhichSideOfTheMeanTheCustomerIsOn() {
        var model = DefaultChurnModel.model
        model.coefficients = [0, 0, 0, 0, 0, 0, -0.5]
        let recent = ChurnFeatures(values: [36, 1.5, 50, 65, 92, 0.2, 10])
        #expect(ChurnPrediction.top(features: recent, model: model)?.title == "Recent contact")
        #expect(ChurnPrediction.top(features: ChurnFeatures(values: [36, 1.5, 50, 65, 92, 0.2, 400]), model: model) == nil)
        #expect(ChurnFeatures.title("policyCount", value: 0, mean: 1.5) == "No active policies")
        #expect(ChurnFeatures.title("policyCount", value: 1, mean: 1.5) == "Few policies")
        #expect(ChurnFeatures.title("paymentHistory", value: 75, mean: 92) == "Payment issues")
        #expect(ChurnFeatures.title("claimsRatio", value: 1.2, mean: 0.2) == "High claims")
    }

    /// The at-risk list, the customer record and the churn-prediction route name the same top factor, and an
    /// untrained book's prediction says which model made it.
    @Test func theListTheCustomerAndTheAPIAgreeOnTheTopFactor() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 300, seed: 8, now: testNow).generate(into: engine.db)
        try engine.rescore(now: testNow)
        var query = AtRiskQuery()
        query.levels = ChurnRisk.allCases
        query.limit = 40
        let entries = try engine.atRisk(query, now: testNow)
        #expect(entries.count == 40)
        for e in entries {
            let prediction = try engine.predictChurn(customerId: e.id, features: nil, now: testNow)
            #expect(prediction.prediction.topFactor?.title == e.topRiskFactor, "\(e.name)")
            #expect(try engine.customer(id: e.id).topRiskFactor == e.topRiskFactor)
            let firstRaising = prediction.prediction.factors.first { $0.direction == "negative" }
            #expect(firstRaising?.name == prediction.prediction.topFactor?.name)
            #expect(prediction.json["topFactor"]?["title"] == .optional(e.topRiskFactor))
        }
        #expect(Set(entries.compactMap(\.topRiskFactor)).count > 1, "the top factor tells customers apart")
        let model = try engine.predictChurn(customerId: entries[0].id, features: nil, now: testNow).json["model"]
        #expect(model == .object([("trained", .bool(false)), ("version", .null), ("trainedAt", .null), ("holdoutAUC", .null),
                                  ("calibrationSlope", .null), ("calibrationIntercept", .null),
                                  ("description", .string("untrained: documented default coefficients"))]))
    }

    @Test func routesAnswerWithTheSpecShapesAndStoreHistory() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 120, seed: 2, now: testNow).generate(into: engine.db)
        let id = try #require(try engine.listCustomers(CustomerQuery()).items.first { $0.activePolicies > 0 }?.id)
        func call(_ m: String, _ p: String, _ body: String? = nil) throws -> JSONValue {
            Router.handle(try APIRequest(method: m, target: p, body: try body.map(json)), engine: engine, now: testNow).body
        }
        let hs = try call("POST", "/customers/\(id)/health-score")["data"]!
        for key in ["customerId", "overallScore", "components", "churnRisk", "churnProbability", "riskFactors", "recommendations", "calculatedAt"] {
            #expect(hs[key] != nil, "health-score lacks \(key)")
        }
        for (part, keys) in [("engagement", ["score", "lastInteractionDays", "interactionFrequency", "emailOpenRate", "responseRate"]),
                             ("financial", ["score", "paymentHistory", "premiumGrowth", "crossSellOpportunities"]),
                             ("satisfaction", ["score", "nps", "complaintCount", "resolutionRate"]),
                             ("lifecycle", ["score", "tenure", "policyCount", "renewalRate", "churnIndicators"])] {
            for k in keys { #expect(hs["components"]?[part]?[k] != nil, "\(part) lacks \(k)") }
        }
        let stored = try engine.customer(id: id)
        #expect(stored.healthScore == hs["overallScore"]?.doubleValue && stored.scoredAt == testNow)
        _ = try call("POST", "/customers/\(id)/health-score")
        #expect(try call("GET", "/customers/\(id)/health-score?limit=10")["data"]?.arrayValue?.count == 2)
        let cp = try call("POST", "/customers/\(id)/churn-prediction", #"{"features":{"tenure":24,"policyCount":2,"engagementScore":45,"satisfactionScore":50,"lastContactDays":120}}"#)["data"]!
        for key in ["churnProbability", "churnRisk", "confidence", "factors", "recommendations", "predictedAt"] { #expect(cp[key] != nil) }
        #expect(cp["features"]?["lastContactDays"] == .number(120))
        let bad = try call("POST", "/customers/\(id)/churn-prediction", #"{"features":{"shoeSize":44}}"#)
        #expect(bad["error"]?["field"] == .string("features.shoeSize"))
    }

    @Test func rescoreScoresTheBookAndAnEventCanTriggerARescore() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 300, seed: 8, now: testNow).generate(into: engine.db)
        let summary = try engine.rescore(now: testNow, chunk: 64)
        #expect(summary.customers == 300)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM customers WHERE scored_at IS NULL") == 0)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM health_scores") == 300)
        #expect(try engine.bookMedians() != ChurnFeatures(values: DefaultChurnModel.model.means))
        let c = try #require(try engine.listCustomers(CustomerQuery()).items.first { $0.activePolicies > 0 })
        let before = try engine.db.scalarInt("SELECT count(*) FROM health_scores WHERE customer_id = ?", [.int(c.rowID)])
        try engine.createEvent(try json(#"{"customerId":"\#(c.id)","eventType":"complaint_filed","triggeredActions":["update_health_score"]}"#), now: testNow + 60)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM health_scores WHERE customer_id = ?", [.int(c.rowID)]) == before + 1)
    }
}
