import Foundation

/// Fits the churn model to the book by L2-regularised logistic regression (Newton–Raphson / IRLS).
///
/// Features are standardised with the training set's means and standard deviations. With design matrix
/// X (a leading 1 for the intercept), labels y, probabilities p = σ(Xβ) and W = diag(p(1 − p)), each step is
///
///     β ← β + (XᵀWX + λI′)⁻¹ (Xᵀ(y − p) − λI′β)
///
/// where I′ is the identity with a 0 for the intercept (the intercept is not penalised). The system is
/// solved by Cholesky decomposition; iteration stops when the largest step is below `tolerance`.
public enum LogisticRegressionFit {
    public struct Result: Sendable {
        public var model: LogisticModel
        public var iterations: Int
        public var converged: Bool
    }

    public static func fit(features: [[Double]], labels: [Bool], featureNames: [String], l2: Double = 1.0,
                           maxIterations: Int = 50, tolerance: Double = 1e-8) throws -> Result {
        let n = features.count
        guard n > 0 else { throw RetentionError.invalid("features", "no training rows") }
        guard labels.count == n else { throw RetentionError.invalid("labels", "has \(labels.count) rows, features have \(n)") }
        let k = featureNames.count
        for (i, row) in features.enumerated() {
            guard row.count == k else { throw RetentionError.invalid("features", "row \(i + 1) has \(row.count) values, expected \(k)") }
            if let j = row.firstIndex(where: { !$0.isFinite }) { throw RetentionError.invalid("features", "row \(i + 1), column \(featureNames[j]) is not a finite number") }
        }
        let positives = labels.filter { $0 }.count
        guard positives > 0 && positives < n else { throw RetentionError.invalid("labels", "need both churned and retained customers to learn from") }
        // Standardise.
        var means = [Double](repeating: 0, count: k), scales = [Double](repeating: 1, count: k)
        for j in 0..<k {
            let m = features.reduce(0) { $0 + $1[j] } / Double(n)
            let v = features.reduce(0) { $0 + ($1[j] - m) * ($1[j] - m) } / Double(n)
            means[j] = m
            scales[j] = v > 1e-12 ? sqrt(v) : 1
        }
        let p = k + 1
        var x = [Double](repeating: 0, count: n * p)
        for i in 0..<n {
            x[i * p] = 1
            for j in 0..<k { x[i * p + j + 1] = (features[i][j] - means[j]) / scales[j] }
        }
        let y = labels.map { $0 ? 1.0 : 0.0 }
        var beta = [Double](repeating: 0, count: p)
        beta[0] = log(Double(positives) / Double(n - positives))
        var iterations = 0
        var converged = false
        while iterations < maxIterations {
            iterations += 1
            var hessian = [Double](repeating: 0, count: p * p)
            var gradient = [Double](repeating: 0, count: p)
            for i in 0..<n {
                var eta = 0.0
                for j in 0..<p { eta += x[i * p + j] * beta[j] }
                let prob = LogisticModel.sigmoid(eta)
                let w = max(prob * (1 - prob), 1e-12)
                let r = y[i] - prob
                for a in 0..<p {
                    let xa = x[i * p + a]
                    gradient[a] += xa * r
                    for b in a..<p { hessian[a * p + b] += w * xa * x[i * p + b] }
                }
            }
            for a in 0..<p { for b in 0..<a { hessian[a * p + b] = hessian[b * p + a] } }
            for j in 1..<p { hessian[j * p + j] += l2; gradient[j] -= l2 * beta[j] }
            let step = try choleskySolve(hessian, gradient, size: p)
            var largest = 0.0
            for j in 0..<p { beta[j] += step[j]; largest = max(largest, abs(step[j])) }
            if largest < tolerance { converged = true; break }
        }
        let model = LogisticModel(featureNames: featureNames, means: means, scales: scales, intercept: beta[0], coefficients: Array(beta[1...]))
        return Result(model: model, iterations: iterations, converged: converged)
    }

    /// Solves A·x = b for a symmetric positive-definite A (row-major, size × size) by Cholesky: A = LLᵀ.
    static func choleskySolve(_ a: [Double], _ b: [Double], size n: Int) throws -> [Double] {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 0 else { throw RetentionError.invalid("features", "the features are collinear; the model cannot be fitted") }
                    l[i * n + i] = sqrt(sum)
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var z = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= l[i * n + k] * z[k] }
            z[i] = sum / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = z[i]
            for k in (i + 1)..<n { sum -= l[k * n + i] * x[k] }
            x[i] = sum / l[i * n + i]
        }
        return x
    }
}

/// How well predicted probabilities separate those who left from those who stayed.
public enum ClassifierEvaluation {
    /// Area under the ROC curve by the rank-sum (Mann–Whitney) formula, tied scores sharing their average rank:
    /// AUC = (Σ ranks of positives − n₊(n₊ + 1)/2) / (n₊·n₋). 0.5 is chance, 1 is perfect.
    public static func auc(scores: [Double], labels: [Bool]) -> Double? {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var ranks = [Double](repeating: 0, count: scores.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let average = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = average }
            i = j + 1
        }
        let positives = labels.filter { $0 }.count, negatives = labels.count - positives
        guard positives > 0 && negatives > 0 else { return nil }
        let sum = zip(ranks, labels).filter { $0.1 }.reduce(0) { $0 + $1.0 }
        return (sum - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * Double(negatives))
    }

    /// Mean negative log-likelihood, probabilities clipped to [1e-15, 1 − 1e-15].
    public static func logLoss(probabilities: [Double], labels: [Bool]) -> Double {
        let n = Double(max(1, labels.count))
        return -zip(probabilities, labels).reduce(0) { acc, pair in
            let p = min(max(pair.0, 1e-15), 1 - 1e-15)
            return acc + (pair.1 ? log(p) : log(1 - p))
        } / n
    }

    /// Brier score: mean squared difference between probability and outcome (0 is perfect).
    public static func brier(probabilities: [Double], labels: [Bool]) -> Double {
        zip(probabilities, labels).reduce(0) { $0 + pow($1.0 - ($1.1 ? 1 : 0), 2) } / Double(max(1, labels.count))
    }
}

extension Engine {
    /// What training produced.
    public struct TrainingReport: Sendable {
        public var version: Int
        public var model: LogisticModel
        public var trainRows: Int
        public var holdoutRows: Int
        public var churnRate: Double
        public var auc: Double?
        public var logLoss: Double
        public var brier: Double
        public var defaultAUC: Double?
        public var iterations: Int

        public var json: JSONValue {
            .object([("version", .int(version)), ("trainRows", .int(trainRows)), ("holdoutRows", .int(holdoutRows)),
                     ("churnRate", .rounded(churnRate, 4)), ("holdoutAUC", auc.map { .rounded($0, 4) } ?? .null),
                     ("defaultModelHoldoutAUC", defaultAUC.map { .rounded($0, 4) } ?? .null),
                     ("logLoss", .rounded(logLoss, 4)), ("brier", .rounded(brier, 4)), ("iterations", .int(iterations)),
                     ("intercept", .rounded(model.intercept, 4)),
                     ("coefficients", .object(zip(model.featureNames, model.coefficients).map { ($0, .rounded($1, 4)) }))])
        }
    }

    /// Trains the churn model on the book's own history (`retention model train`).
    ///
    /// Examples: every customer with a policy in force at the observation date `now − horizon`. Features are
    /// computed as of that date from rows that existed then (the undated survey score is left out, so
    /// nothing from after the date leaks in). The label is churned when no policy is in force at `now`, i.e.
    /// all their policies ended without renewal within the horizon. A seeded random `holdout` share is kept
    /// out of the fit and used to report AUC, log-loss and Brier score, next to the default model's AUC.
    /// The model is stored with its metrics and used by every later score.
    public func trainChurnModel(horizonMonths: Int = 12, holdout: Double = 0.3, seed: UInt64 = 42, l2: Double = 1.0, now: Int) throws -> TrainingReport {
        guard (1...60).contains(horizonMonths) else { throw RetentionError.invalid("horizonMonths", "must be from 1 to 60") }
        guard holdout > 0 && holdout < 0.9 else { throw RetentionError.invalid("holdout", "must be between 0 and 0.9") }
        let observed = Timestamp.addingMonths(-horizonMonths, to: now)
        let inForce = { (t: String) in
            "EXISTS (SELECT 1 FROM policies p WHERE p.customer_id = c.id AND p.inception_date <= \(t) AND (p.ended_at IS NULL OR p.ended_at > \(t)))"
        }
        let labels = Dictionary(uniqueKeysWithValues: try db.query("""
            SELECT c.id, NOT \(inForce("?2")) FROM customers c WHERE \(inForce("?1"))
            """, [.int(Int64(observed)), .int(Int64(now))]) { ($0.int64(0), $0.bool(1)) })
        var rows: [[Double]] = [], ys: [Bool] = []
        try forEachCustomerSignals(asOf: observed) { s in
            guard let churned = labels[s.customerRowID] else { return }
            var signals = s
            signals.satisfactionScore = nil
            let h = HealthScore.compute(signals)
            rows.append(ChurnFeatures(signals: signals, health: h).values)
            ys.append(churned)
        }
        guard rows.count >= 50 else {
            throw RetentionError.conflict("not_enough_history", "Only \(rows.count) customers were in force \(horizonMonths) months ago; at least 50 are needed to train.")
        }
        var rng = SeededGenerator(seed: seed)
        var isHoldout = [Bool](repeating: false, count: rows.count)
        for i in rows.indices { isHoldout[i] = rng.nextUnit() < holdout }
        let train = rows.indices.filter { !isHoldout[$0] }, test = rows.indices.filter { isHoldout[$0] }
        let fit = try LogisticRegressionFit.fit(features: train.map { rows[$0] }, labels: train.map { ys[$0] },
                                                featureNames: ChurnFeatures.names, l2: l2)
        let testY = test.map { ys[$0] }
        let probabilities = test.map { fit.model.probability(rows[$0]) }
        let defaults = test.map { DefaultChurnModel.model.probability(rows[$0]) }
        var report = TrainingReport(version: 0, model: fit.model, trainRows: train.count, holdoutRows: test.count,
                                    churnRate: Double(ys.filter { $0 }.count) / Double(ys.count),
                                    auc: ClassifierEvaluation.auc(scores: probabilities, labels: testY),
                                    logLoss: ClassifierEvaluation.logLoss(probabilities: probabilities, labels: testY),
                                    brier: ClassifierEvaluation.brier(probabilities: probabilities, labels: testY),
                                    defaultAUC: ClassifierEvaluation.auc(scores: defaults, labels: testY), iterations: fit.iterations)
        let modelJSON = String(decoding: try JSONEncoder().encode(fit.model), as: UTF8.self)
        try db.transaction {
            try db.run("INSERT INTO churn_models (trained_at, model, metrics) VALUES (?, ?, ?)",
                       [.int(Int64(now)), .text(modelJSON), .text(report.json.serialized())])
            report.version = Int(db.lastInsertRowID)
            try audit("model.train", entity: "churn_model", id: String(report.version), details: .object([("holdoutAUC", report.auc.map { .rounded($0, 4) } ?? .null)]), now: now)
        }
        return report
    }

    /// The model in force, with the metrics it was trained with (`retention model show`).
    public func churnModelDescription() throws -> JSONValue {
        let (model, version) = try currentChurnModel()
        let metrics = try version.flatMap { v in try db.queryOne("SELECT metrics, trained_at FROM churn_models WHERE id = ?", [.int(Int64(v))]) { ($0.text(0), $0.int(1)) } }
        return .object([
            ("source", .string(version.map { "trained model #\($0)" } ?? "default coefficients (no model trained yet)")),
            ("trainedAt", .optional(metrics.map { Timestamp.formatInstant($0.1) })),
            ("intercept", .rounded(model.intercept, 4)),
            ("features", .array(zip(model.featureNames, zip(model.means, zip(model.scales, model.coefficients))).map { name, rest in
                .object([("name", .string(name)), ("mean", .rounded(rest.0, 4)), ("scale", .rounded(rest.1.0, 4)), ("coefficient", .rounded(rest.1.1, 4))])
            })),
            ("metrics", metrics.flatMap { try? JSONValue.parse($0.0) } ?? .null),
        ])
    }
}
