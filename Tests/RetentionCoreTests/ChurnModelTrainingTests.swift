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

    @Test func aTrainedModelBeatsTheDefaultsOnTheDemoBookAndIsUsed() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 2_000, seed: 42, now: testNow).generate(into: engine.db)
        let report = try engine.trainChurnModel(now: testNow)
        let auc = try #require(report.auc), baseline = try #require(report.defaultAUC)
        #expect(auc > baseline, "trained \(auc) vs default \(baseline)")
        #expect(auc > 0.6)
        #expect(try engine.currentChurnModel().version == report.version)
        #expect(try engine.churnModelDescription()["source"]?.stringValue?.contains("trained model #\(report.version)") == true)
    }

    @Test func tooLittleHistoryIsRefused() throws {
        let engine = try makeEngine()
        #expect { try engine.trainChurnModel(now: testNow) } throws: { ($0 as? RetentionError)?.code == "not_enough_history" }
    }
}
