import Foundation
import Testing
@testable import RetentionCore

@Suite struct ChurnModelTrainingTests {
    /// Data drawn from a known model: the fit recovers the coefficients within ±0.1 (40,000 rows, tiny L2).
    @Test func recoversKnownCoefficients() throws {
        var rng = SeededGenerator(seed: 17)
        let truth = (intercept: -1.0, betas: [0.8, -1.2, 0.5])
        var xs: [[Double]] = [], ys: [Bool] = []
        for _ in 0..<40_000 {
            let x = [rng.normal(), rng.normal(), rng.normal()]
            let eta = truth.intercept + zip(truth.betas, x).reduce(0) { $0 + $1.0 * $1.1 }
            xs.append(x)
            ys.append(rng.nextUnit() < LogisticModel.sigmoid(eta))
        }
        let fit = try LogisticRegressionFit.fit(features: xs, labels: ys, featureNames: ["a", "b", "c"], l2: 1e-6)
        #expect(fit.converged)
        // Coefficients are on the standardised scale; unstandardise: β = βz / σ, and the intercept accordingly.
        let raw = zip(fit.model.coefficients, fit.model.scales).map { $0 / $1 }
        for (got, want) in zip(raw, truth.betas) { #expect(abs(got - want) < 0.1, "\(got) vs \(want)") }
        let intercept = fit.model.intercept - zip(raw, fit.model.means).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(intercept - truth.intercept) < 0.1)
    }

    @Test func aucMatchesAPairwiseCount() {
        var rng = SeededGenerator(seed: 3)
        let scores = (0..<300).map { _ in (rng.nextUnit() * 20).rounded() / 20 }   // many ties
        let labels = scores.map { rng.nextUnit() < $0 }
        var wins = 0.0, pairs = 0.0
        for i in scores.indices where labels[i] {
            for j in scores.indices where !labels[j] {
                pairs += 1
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0
            }
        }
        let auc = ClassifierEvaluation.auc(scores: scores, labels: labels)!
        #expect(abs(auc - wins / pairs) < 1e-12)
        // A hand-checked case: positives 0.9, 0.4; negatives 0.4, 0.1 → pairs won 1 + 1 + 0.5 + 1 = 3.5 of 4.
        #expect(ClassifierEvaluation.auc(scores: [0.9, 0.4, 0.4, 0.1], labels: [true, true, false, false]) == 0.875)
        #expect(ClassifierEvaluation.auc(scores: [0.5], labels: [true]) == nil)
    }

    @Test func lossesAreHandChecked() {
        // log-loss of p = (0.8, 0.3) for outcomes (1, 0): −(ln 0.8 + ln 0.7)/2 = 0.2899…
        #expect(abs(ClassifierEvaluation.logLoss(probabilities: [0.8, 0.3], labels: [true, false]) - 0.289909) < 1e-6)
        // Brier: ((0.8 − 1)² + (0.3 − 0)²)/2 = (0.04 + 0.09)/2 = 0.065
        #expect(abs(ClassifierEvaluation.brier(probabilities: [0.8, 0.3], labels: [true, false]) - 0.065) < 1e-12)
    }

    // MARK: Calibration

    /// Eight examples in two groups of four: p = 0.2 with one churned, p = 0.8 with three. With two distinct
    /// predictions the fit is saturated: a + b·logit(0.2) = logit(1/4) and a + b·logit(0.8) = logit(3/4), so
    /// b = 2·ln 3 / (2·ln 4) = ln 3 / ln 4 = 0.792481 and a = 0 by symmetry.
    @Test func calibrationOfEightExamplesIsHandChecked() throws {
        let p = [0.2, 0.8, 0.2, 0.8, 0.2, 0.8, 0.2, 0.8]
        let y = [true, true, false, true, false, true, false, false]
        let c = Calibration.measure(probabilities: p, labels: y, groups: 2)
        #expect(c.groups.map(\.count) == [4, 4] && c.groups.map(\.churned) == [1, 3])
        #expect(abs(c.groups[0].meanPredicted - 0.2) < 1e-12 && abs(c.groups[1].meanPredicted - 0.8) < 1e-12)
        #expect(c.groups[0].observedRate == 0.25 && c.groups[1].observedRate == 0.75)
        let slope = try #require(c.slope), intercept = try #require(c.intercept)
        #expect(abs(slope - log(3) / log(4)) < 1e-9, "\(slope)")
        #expect(abs(intercept) < 1e-9, "\(intercept)")
        // Asymmetric: p = 0.5 with 1 of 4 churned, p = 0.8 with 2 of 4. a + b·0 = logit(1/4) = −ln 3;
        // a + b·ln 4 = logit(1/2) = 0, so b = ln 3 / ln 4 and a = −ln 3 = −1.098612.
        let fit = try #require(Calibration.coxFit(probabilities: [0.5, 0.5, 0.5, 0.5, 0.8, 0.8, 0.8, 0.8],
                                                  labels: [true, false, false, false, true, true, false, false]))
        #expect(abs(fit.slope - log(3) / log(4)) < 1e-9 && abs(fit.intercept + log(3)) < 1e-9)
    }

    /// The table cuts the examples, sorted by prediction, into groups of equal count (the first n mod g one
    /// larger), ties kept in their order; the totals are every example's.
    @Test func theTableIsTenthsOfEqualCountInOrderOfPrediction() {
        let p = (0..<25).map { Double(24 - $0) / 100 }          // 0.24 down to 0.00
        let y = (0..<25).map { $0 % 4 == 0 }                     // churned at p = 0.24, 0.20, …, 0.00
        let c = Calibration.measure(probabilities: p, labels: y)
        #expect(c.groups.map(\.count) == [3, 3, 3, 3, 3, 2, 2, 2, 2, 2])
        // The lowest three predictions are 0.00, 0.01, 0.02: mean 0.01; 0.00 churned (index 24).
        #expect(abs(c.groups[0].meanPredicted - 0.01) < 1e-12 && c.groups[0].churned == 1)
        #expect(abs(c.groups[9].meanPredicted - 0.235) < 1e-12 && c.groups[9].churned == 1)   // 0.23, 0.24
        #expect(c.count == 25 && c.churned == 7 && abs(c.observedRate - 0.28) < 1e-12 && abs(c.meanPredicted - 0.12) < 1e-12)
        // Fewer examples than groups: one group each.
        #expect(Calibration.measure(probabilities: [0.1, 0.9], labels: [false, true]).groups.count == 2)
        // Read back from its JSON, as a stored model's metrics are.
        let back = Calibration(json: c.json)
        #expect(back?.groups.map(\.count) == c.groups.map(\.count) && back?.groups.map(\.churned) == c.groups.map(\.churned))
    }

    /// Outcomes drawn from the predictions themselves: slope ≈ 1, intercept ≈ 0. The same outcomes against
    /// predictions twice as extreme on the log-odds scale: slope ≈ 0.5; half as extreme: ≈ 2; one unit too
    /// high throughout: slope ≈ 1, intercept ≈ −1.
    @Test func slopeAndInterceptTellCalibratedFromExtremeAndTimid() throws {
        var rng = SeededGenerator(seed: 11)
        var logits: [Double] = [], y: [Bool] = []
        for _ in 0..<40_000 {
            let t = -2 + 1.2 * rng.normal()
            logits.append(t)
            y.append(rng.nextUnit() < LogisticModel.sigmoid(t))
        }
        func fit(_ f: (Double) -> Double) throws -> (intercept: Double, slope: Double) {
            let p = logits.map { LogisticModel.sigmoid(f($0)) }
            guard let fit = Calibration.coxFit(probabilities: p, labels: y) else { throw RetentionError.invalid("fit", "no calibration fit") }
            return fit
        }
        let calibrated = try fit { $0 }
        #expect(abs(calibrated.slope - 1) < 0.08 && abs(calibrated.intercept) < 0.1, "\(calibrated)")
        let extreme = try fit { 2 * $0 }
        #expect(abs(extreme.slope - 0.5) < 0.05, "\(extreme)")
        let timid = try fit { 0.5 * $0 }
        #expect(abs(timid.slope - 2) < 0.15, "\(timid)")
        let tooHigh = try fit { $0 + 1 }
        #expect(abs(tooHigh.slope - 1) < 0.08 && abs(tooHigh.intercept + 1) < 0.1, "\(tooHigh)")
    }

    @Test func slopeAndInterceptAreNilWhereNoFitExists() {
        #expect(Calibration.coxFit(probabilities: [0.3, 0.3, 0.3], labels: [true, false, false]) == nil, "one distinct prediction")
        #expect(Calibration.coxFit(probabilities: [0.1, 0.5, 0.9], labels: [false, false, false]) == nil, "one outcome")
        #expect(Calibration.coxFit(probabilities: [0.1, 0.2, 0.8, 0.9], labels: [false, false, true, true]) == nil, "perfect separation")
        let c = Calibration.measure(probabilities: [0.3, 0.3], labels: [true, false])
        #expect(c.slope == nil && c.textLines.last?.contains("cannot be fitted") == true)
    }

    // MARK: How much history training needs

    /// n = max(100 / (h·m), 70 / ((1 − h)·m)), m = min(r, 1 − r). At r = 0.1, h = 0.3: max(3,333.3, 1,000) → 3,334;
    /// the fewest at h = 100/170, where both are 1,700; r = 0.9 needs what r = 0.1 does; r = 0 has no answer.
    @Test func examplesNeededAreHandChecked() {
        #expect(TrainingSampleRule.examplesNeeded(churnRate: 0.1, holdout: 0.3, features: 7) == 3_334)
        #expect(abs(TrainingSampleRule.leastHoldout(features: 7) - 100.0 / 170) < 1e-12)
        #expect(TrainingSampleRule.examplesNeeded(churnRate: 0.1, holdout: 100.0 / 170, features: 7) == 1_700)
        #expect(TrainingSampleRule.examplesNeeded(churnRate: 0.9, holdout: 0.3, features: 7) == 3_334)
        #expect(TrainingSampleRule.examplesNeeded(churnRate: 0, holdout: 0.3, features: 7) == nil)
        // At r = 0.5 the training bound leads from h = 0.59: 70 / (0.4·0.5) = 350 against 100 / (0.6·0.5) = 333.3.
        #expect(TrainingSampleRule.examplesNeeded(churnRate: 0.5, holdout: 0.6, features: 7) == 350)
    }

    /// 100 churned and 100 retained in the holdout and 70 of each in the training part pass; one fewer of any is refused.
    @Test func theRuleIsExactAtItsBounds() throws {
        func check(_ holdout: (Int, Int), _ training: (Int, Int)) throws {
            try TrainingSampleRule.check(examples: 2_000, churned: holdout.0 + training.0, holdout: holdout, training: training,
                                         holdoutShare: 0.3, features: 7, horizonMonths: 12, observed: testNow, bookCustomers: 2_000)
        }
        try check((100, 100), (70, 70))
        for (h, t) in [((99, 100), (70, 70)), ((100, 99), (70, 70)), ((100, 100), (69, 70)), ((100, 100), (70, 69))] {
            #expect { try check(h, t) } throws: { ($0 as? RetentionError)?.code == "not_enough_history" }
        }
    }

    /// The default demo book (2,000 customers) has about 90 churned customers in 12 months, some 30 in a 30 %
    /// holdout: training is refused, saying why and how large a book would do, and nothing is stored.
    @Test func aBookTooSmallToCheckTheModelIsRefusedAndNothingStored() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 2_000, seed: 42, now: testNow).generate(into: engine.db)
        let audits = try count(engine, "audit_log")
        var message = ""
        #expect { try engine.trainChurnModel(now: testNow) } throws: { error in
            message = (error as? RetentionError)?.message ?? ""
            return (error as? RetentionError)?.code == "not_enough_history"
        }
        #expect(message.contains("at least 100 churned and 100 retained customers in the holdout"), "\(message)")
        #expect(message.contains("a book of about") && message.contains("Nothing was stored"), "\(message)")
        #expect(try count(engine, "churn_models") == 0 && count(engine, "audit_log") == audits)
        #expect(try engine.churnModelInfo().trained == false)
    }

    /// A book of 10,000 customers trains: the holdout has its 100 churned, the table adds up to the holdout,
    /// the trained model predicts about as much churn as happened (logistic regression with an intercept is
    /// calibrated in the large on its training data) while the defaults predict far too much and too
    /// extremely; the model in force, its API member and its stored table say so.
    @Test func aTrainedModelIsCalibratedOnTheHoldoutAndIsUsed() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 10_000, seed: 42, now: testNow).generate(into: engine.db)
        let report = try engine.trainChurnModel(now: testNow)
        let c = report.calibration
        #expect(c.groups.count == 10 && c.count == report.holdoutRows)
        #expect(c.churned >= TrainingSampleRule.holdoutMinimum && c.count - c.churned >= TrainingSampleRule.holdoutMinimum)
        #expect(c.groups.map(\.count).max()! - c.groups.map(\.count).min()! <= 1)
        #expect(zip(c.groups, c.groups.dropFirst()).allSatisfy { $0.meanPredicted <= $1.meanPredicted })
        #expect(abs(c.meanPredicted - c.observedRate) < 0.02, "\(c.meanPredicted) vs \(c.observedRate)")
        let slope = try #require(c.slope)
        #expect(slope > 0.7 && slope < 1.3, "\(slope)")
        let d = report.defaultCalibration
        #expect(d.meanPredicted > 1.5 * d.observedRate && (d.slope ?? 1) < 0.6, "defaults: \(d.meanPredicted) vs \(d.observedRate), slope \(d.slope ?? .nan)")
        let auc = try #require(report.auc), baseline = try #require(report.defaultAUC)
        #expect(auc > baseline && auc > 0.6, "trained \(auc) vs default \(baseline)")

        let info = try engine.churnModelInfo()
        #expect(info.trained && info.version == report.version && info.trainedAt == testNow && info.horizonMonths == 12)
        #expect(info.calibration?.groups.map(\.churned) == c.groups.map(\.churned))
        #expect(info.summaryLines.contains { $0.hasPrefix("group  customers  churned  predicted  observed") })
        #expect(try engine.churnModelDescription().json["source"]?.stringValue?.contains("trained #\(report.version)") == true)
        #expect(try engine.churnModelDescription().json["metrics"]?["version"] == .int(report.version))
        // The description is typed; the metrics are the report stored with the model, byte for byte.
        let description = try engine.churnModelDescription()
        #expect(description.info.trained && description.info.version == report.version)
        #expect(description.storedMetrics?.serialized() == report.json.serialized())
        let id = try #require(try engine.listCustomers(CustomerQuery()).items.first { $0.activePolicies > 0 }?.id)
        let prediction = try engine.predictChurn(customerId: id, features: nil, now: testNow)
        #expect(prediction.model.trained && prediction.model.version == report.version && prediction.model.trainedAt == testNow)
        // The API's `model` member carries them.
        let model = try #require(prediction.json["model"])
        #expect(model["trained"] == .bool(true) && model["version"] == .int(report.version))
        #expect(model["trainedAt"] == .string(Timestamp.formatInstant(testNow)) && model["holdoutAUC"] == .rounded(auc, 4))
    }

    @Test func tooLittleHistoryIsRefused() throws {
        let engine = try makeEngine()
        #expect { try engine.trainChurnModel(now: testNow) } throws: {
            ($0 as? RetentionError)?.code == "not_enough_history" && ($0 as? RetentionError)?.message.contains("no customer had a policy in force") == true
        }
    }
}
