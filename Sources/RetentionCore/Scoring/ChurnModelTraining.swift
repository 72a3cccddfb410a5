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
        var flat: [Double] = []
        flat.reserveCapacity(n * k)
        for (i, row) in features.enumerated() {
            guard row.count == k else { throw RetentionError.invalid("features", "row \(i + 1) has \(row.count) values, expected \(k)") }
            flat.append(contentsOf: row)
        }
        return try fit(matrix: flat, rows: Array(0..<n), labels: labels, featureNames: featureNames, l2: l2,
                       maxIterations: maxIterations, tolerance: tolerance)
    }

    /// The fit on the rows `rows` of a row-major matrix with one column per feature (`labels` indexed like
    /// the matrix's rows): the training part of a book's examples is fitted where it lies, not copied out.
    static func fit(matrix: [Double], rows: [Int], labels: [Bool], featureNames: [String], l2: Double = 1.0,
                    maxIterations: Int = 50, tolerance: Double = 1e-8) throws -> Result {
        let n = rows.count
        guard n > 0 else { throw RetentionError.invalid("features", "no training rows") }
        let k = featureNames.count
        for (i, r) in rows.enumerated() {
            if let j = (0..<k).first(where: { !matrix[r * k + $0].isFinite }) {
                throw RetentionError.invalid("features", "row \(i + 1), column \(featureNames[j]) is not a finite number")
            }
        }
        let positives = rows.filter { labels[$0] }.count
        guard positives > 0 && positives < n else { throw RetentionError.invalid("labels", "need both churned and retained customers to learn from") }
        // Standardise.
        var means = [Double](repeating: 0, count: k), scales = [Double](repeating: 1, count: k)
        for j in 0..<k {
            let m = rows.reduce(0) { $0 + matrix[$1 * k + j] } / Double(n)
            let v = rows.reduce(0) { $0 + (matrix[$1 * k + j] - m) * (matrix[$1 * k + j] - m) } / Double(n)
            means[j] = m
            scales[j] = v > 1e-12 ? sqrt(v) : 1
        }
        let p = k + 1
        var x = [Double](repeating: 0, count: n * p)
        for (i, r) in rows.enumerated() {
            x[i * p] = 1
            for j in 0..<k { x[i * p + j + 1] = (matrix[r * k + j] - means[j]) / scales[j] }
        }
        let y = rows.map { labels[$0] ? 1.0 : 0.0 }
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

/// How many examples training needs before it may store a model, and why.
///
/// A model is stored only when its holdout can say whether its probabilities are right, and its training
/// part is large enough to fit seven coefficients:
/// - the holdout holds at least **100 churned and 100 retained** customers: the usual minimum for validating a
///   prediction model, below which the calibration slope and the decile table are mostly noise (Vergouwe et
///   al. 2005, J Clin Epidemiol 58:475; Collins, Ogundimu & Altman 2016, Stat Med 35:214, who advise 100
///   events at the least and 200 or more where possible);
/// - the training part holds at least **10 churned and 10 retained customers per feature** (70 for seven
///   features): the usual events-per-variable floor for a logistic regression (Peduzzi et al. 1996).
///
/// With churn rate r, m = min(r, 1 − r), holdout share h and k features, the examples needed are on average
///
///     n = max(100 / (h·m), 10k / ((1 − h)·m))
///
/// (the holdout is a random draw, so a book near the bound can fall either side of it).
public enum TrainingSampleRule {
    /// Churned, and retained, customers the holdout must hold.
    public static let holdoutMinimum = 100
    /// Churned, and retained, customers the training part must hold per feature.
    public static let perFeature = 10

    /// The examples needed on average at churn rate `churnRate` and holdout share `holdout`; nil when
    /// nobody churned or nobody stayed (no number of such examples is enough).
    public static func examplesNeeded(churnRate r: Double, holdout h: Double, features k: Int) -> Int? {
        let m = min(r, 1 - r)
        guard m > 0 else { return nil }
        let n = max(Double(holdoutMinimum) / (h * m), Double(perFeature * k) / ((1 - h) * m))
        return Int(n.rounded(.up))
    }

    /// The holdout share that needs the fewest examples: both bounds meet at h = 100 / (100 + 10k).
    public static func leastHoldout(features k: Int) -> Double { Double(holdoutMinimum) / Double(holdoutMinimum + perFeature * k) }

    /// Refuses the split when either part is too small, saying why and how many examples the book needs.
    static func check(examples: Int, churned: Int, holdout: (churned: Int, retained: Int), training: (churned: Int, retained: Int),
                      holdoutShare h: Double, features k: Int, horizonMonths: Int, observed: Int, bookCustomers: Int) throws {
        let trainingMinimum = perFeature * k
        guard holdout.churned < holdoutMinimum || holdout.retained < holdoutMinimum
                || training.churned < trainingMinimum || training.retained < trainingMinimum else { return }
        let n = NumberText.grouped
        guard examples > 0 else {
            throw RetentionError.conflict("not_enough_history", "Not enough history to train a churn model: no customer had a policy in force on "
                + "\(Timestamp.formatDate(observed)), \(horizonMonths) months ago, to learn from. Nothing was stored; the model in use is unchanged.")
        }
        let rate = examples > 0 ? Double(churned) / Double(examples) : 0
        var message = "Not enough history to train and check a churn model. Checking calibration needs at least \(holdoutMinimum) churned and "
            + "\(holdoutMinimum) retained customers in the holdout, and fitting \(k) features \(trainingMinimum) of each in the training part; "
            + "the holdout drew \(n(holdout.churned)) churned and \(n(holdout.retained)) retained, the training part \(n(training.churned)) and "
            + "\(n(training.retained)) (of the \(n(examples)) customers in force on \(Timestamp.formatDate(observed)), \(horizonMonths) months ago, "
            + "\(n(churned)) (\(String(format: "%.1f", rate * 100)) %) have left). "
        if let needed = examplesNeeded(churnRate: rate, holdout: h, features: k) {
            message += "At that churn rate a \(Int((h * 100).rounded())) % holdout needs about \(n(roundedUp(needed))) customers in force then"
            if examples > 0 && bookCustomers > examples {
                // The same share of the book in force then: the size of a book like this one that would do.
                message += ", a book of about \(n(roundedUp(Int((Double(needed) * Double(bookCustomers) / Double(examples)).rounded(.up))))) like this one"
            }
            let least = leastHoldout(features: k)
            if let fewest = examplesNeeded(churnRate: rate, holdout: least, features: k), fewest < needed {
                message += " (--holdout \(String(format: "%.2f", least)): about \(n(roundedUp(fewest))) in force)"
            }
            message += "."
        } else {
            message += "A model learns from customers who left and customers who stayed; this book has only one kind."
        }
        throw RetentionError.conflict("not_enough_history", message + " Nothing was stored; the model in use is unchanged.")
    }

    /// Up to the next hundred (the figure is an average, not a promise).
    static func roundedUp(_ v: Int) -> Int { (v + 99) / 100 * 100 }

}

extension Engine {
    /// What training produced (its JSON, printed by `retention model train` and stored with the model, is
    /// made in API/Encoding/ModelEncoding.swift).
    public struct TrainingReport: Sendable {
        public var version: Int
        public var model: LogisticModel
        public var horizonMonths: Int
        public var trainRows: Int
        public var holdoutRows: Int
        public var churnRate: Double
        public var auc: Double?
        public var logLoss: Double
        public var brier: Double
        public var defaultAUC: Double?
        public var iterations: Int
        /// The trained model's calibration on the holdout.
        public var calibration: Calibration
        /// The default coefficients' calibration on the same holdout (what the book used before).
        public var defaultCalibration: Calibration
    }

    /// Trains the churn model on the book's own history (`retention model train`).
    ///
    /// Examples: every customer with a policy in force at the observation date `now − horizon`. Features are
    /// computed as of that date from rows that existed then (the undated survey score is left out, so
    /// nothing from after the date leaks in). The label is churned when no policy is in force at `now`, i.e.
    /// all their policies ended without renewal within the horizon. A seeded random `holdout` share is kept
    /// out of the fit and used to report AUC, log-loss, Brier score and calibration (`Calibration`), next to
    /// the default model's. A split too small to check the model (`TrainingSampleRule`) is refused before
    /// anything is fitted or stored. The model is stored with its metrics and used by every later score.
    ///
    /// Memory: one row of seven numbers per example in one flat array, and one label; the customers' rows
    /// are streamed, so a book of a million customers holds about 60 MB here.
    public func trainChurnModel(horizonMonths: Int = 12, holdout: Double = 0.3, seed: UInt64 = 42, l2: Double = 1.0, now: Int) throws -> TrainingReport {
        guard (1...60).contains(horizonMonths) else { throw RetentionError.invalid("horizonMonths", "must be from 1 to 60") }
        guard holdout > 0 && holdout < 0.9 else { throw RetentionError.invalid("holdout", "must be between 0 and 0.9") }
        let observed = Timestamp.addingMonths(-horizonMonths, to: now)
        let inForce = { (t: String) in
            "EXISTS (SELECT 1 FROM policies p WHERE p.customer_id = c.id AND p.inception_date <= \(t) AND (p.ended_at IS NULL OR p.ended_at > \(t)))"
        }
        // The labels in customer order, merged with the signals as they stream by (also in customer order).
        var labelIDs: [Int64] = [], labelValues: [Bool] = []
        try db.forEach("SELECT c.id, NOT \(inForce("?2")) FROM customers c WHERE \(inForce("?1")) ORDER BY c.id",
                       [.int(Int64(observed)), .int(Int64(now))]) { r in
            labelIDs.append(r.int64(0))
            labelValues.append(r.bool(1))
        }
        let k = ChurnFeatures.names.count
        var matrix: [Double] = [], ys: [Bool] = []
        matrix.reserveCapacity(labelIDs.count * k)
        ys.reserveCapacity(labelIDs.count)
        var next = 0
        try forEachCustomerSignals(asOf: observed) { s in
            while next < labelIDs.count && labelIDs[next] < s.customerRowID { next += 1 }
            guard next < labelIDs.count && labelIDs[next] == s.customerRowID else { return }
            var signals = s
            signals.satisfactionScore = nil
            let h = HealthScore.compute(signals)
            matrix.append(contentsOf: ChurnFeatures(signals: signals, health: h).values)
            ys.append(labelValues[next])
        }
        labelIDs = []; labelValues = []
        var rng = SeededGenerator(seed: seed)
        var train: [Int] = [], test: [Int] = []
        for i in ys.indices { if rng.nextUnit() < holdout { test.append(i) } else { train.append(i) } }
        let churned = ys.filter { $0 }.count
        let testChurned = test.filter { ys[$0] }.count, trainChurned = train.filter { ys[$0] }.count
        try TrainingSampleRule.check(examples: ys.count, churned: churned, holdout: (testChurned, test.count - testChurned),
                                     training: (trainChurned, train.count - trainChurned), holdoutShare: holdout, features: k,
                                     horizonMonths: horizonMonths, observed: observed,
                                     bookCustomers: try db.scalarInt("SELECT count(*) FROM customers WHERE erased_at IS NULL"))
        let fit = try LogisticRegressionFit.fit(matrix: matrix, rows: train, labels: ys, featureNames: ChurnFeatures.names, l2: l2)
        let testY = test.map { ys[$0] }
        func row(_ i: Int) -> [Double] { Array(matrix[(i * k)..<((i + 1) * k)]) }
        let probabilities = test.map { fit.model.probability(row($0)) }
        let defaults = test.map { DefaultChurnModel.model.probability(row($0)) }
        var report = TrainingReport(version: 0, model: fit.model, horizonMonths: horizonMonths, trainRows: train.count, holdoutRows: test.count,
                                    churnRate: Double(churned) / Double(ys.count),
                                    auc: ClassifierEvaluation.auc(scores: probabilities, labels: testY),
                                    logLoss: ClassifierEvaluation.logLoss(probabilities: probabilities, labels: testY),
                                    brier: ClassifierEvaluation.brier(probabilities: probabilities, labels: testY),
                                    defaultAUC: ClassifierEvaluation.auc(scores: defaults, labels: testY), iterations: fit.iterations,
                                    calibration: Calibration.measure(probabilities: probabilities, labels: testY),
                                    defaultCalibration: Calibration.measure(probabilities: defaults, labels: testY))
        let modelJSON = String(decoding: try JSONEncoder().encode(fit.model), as: UTF8.self)
        try db.transaction {
            try db.run("INSERT INTO churn_models (trained_at, model, metrics) VALUES (?, ?, '{}')", [.int(Int64(now)), .text(modelJSON)])
            report.version = Int(db.lastInsertRowID)
            // The metrics carry the version the insert gave.
            try db.run("UPDATE churn_models SET metrics = ? WHERE id = ?", [.text(report.json.serialized()), .int(Int64(report.version))])
            try audit("model.train", entity: "churn_model", id: String(report.version),
                      details: .object([("holdoutAUC", report.auc.map { .rounded($0, 4) } ?? .null),
                                        ("calibrationSlope", report.calibration.slope.map { .rounded($0, 4) } ?? .null)]), now: now)
        }
        return report
    }

    /// The model in force and where it came from: the newest trained model, else the documented defaults.
    public struct ChurnModelInfo: Sendable {
        public var model: LogisticModel
        /// The stored model's number; nil for the default coefficients.
        public var version: Int?
        public var trainedAt: Int?
        public var holdoutAUC: Double?
        /// The months ahead the model predicts (its training horizon).
        public var horizonMonths: Int?
        /// The holdout's calibration table, slope and intercept (nil for the defaults, or a model stored
        /// before calibration was measured).
        public var calibration: Calibration?

        public var trained: Bool { version != nil }

        /// "trained #3 on 2026-06-15" or "untrained: documented default coefficients".
        public var description: String {
            guard let version else { return "untrained: documented default coefficients" }
            return "trained #\(version)" + (trainedAt.map { " on \(Timestamp.formatDate($0))" } ?? "")
        }

        /// The model and its calibration table for people: what `retention report` prints and the
        /// dashboard's model overlay (`M`) shows.
        public var summaryLines: [String] {
            guard trained else {
                return ["Churn model untrained: the documented default coefficients.",
                        "Their probabilities are judgement, not calibrated to this book: of the customers they score 30 %, it is",
                        "not known how many leave. `retention model train` fits the model to the book's history and checks it;",
                        "it needs a holdout of at least \(TrainingSampleRule.holdoutMinimum) customers who left and \(TrainingSampleRule.holdoutMinimum) who stayed."]
            }
            var lines = ["Churn model: \(description)" + (holdoutAUC.map { String(format: "; holdout AUC %.3f", $0) } ?? "") + "."]
            guard let calibration else {
                return lines + ["Its calibration was not measured (it was trained before that was); train again to measure it."]
            }
            let within = horizonMonths.map { " within \($0) months" } ?? ""
            lines.append("Calibration on the holdout (\(NumberText.grouped(calibration.count)) customers), churn\(within) predicted and observed:")
            return lines + calibration.textLines
        }
    }

    /// The model in force with its version, training date and holdout metrics.
    public func churnModelInfo() throws -> ChurnModelInfo {
        if let row = try db.queryOne("SELECT id, model, trained_at, metrics FROM churn_models ORDER BY id DESC LIMIT 1", [],
                                     { ($0.int(0), $0.text(1), $0.int(2), $0.optionalText(3)) }),
           let m = try? JSONDecoder().decode(LogisticModel.self, from: Data(row.1.utf8)) {
            let metrics = row.3.flatMap { try? JSONValue.parse($0) }
            return ChurnModelInfo(model: m, version: row.0, trainedAt: row.2, holdoutAUC: metrics?["holdoutAUC"]?.doubleValue,
                                  horizonMonths: metrics?["horizonMonths"]?.doubleValue.map { Int($0) },
                                  calibration: Calibration(json: metrics?["calibration"]))
        }
        return ChurnModelInfo(model: DefaultChurnModel.model, version: nil, trainedAt: nil, holdoutAUC: nil, horizonMonths: nil, calibration: nil)
    }

    /// The model in force, with the metrics it was trained with (`retention model show`; its JSON is made in
    /// API/Encoding/ModelEncoding.swift).
    public func churnModelDescription() throws -> ChurnModelDescription {
        let info = try churnModelInfo()
        let metrics = try info.version.flatMap { v in try db.queryOne("SELECT metrics FROM churn_models WHERE id = ?", [.int(Int64(v))]) { $0.optionalText(0) } }
        return ChurnModelDescription(info: info, storedMetrics: metrics.flatMap { $0 }.flatMap { try? JSONValue.parse($0) })
    }
}

/// The churn model in force as `retention model show` describes it: the model (its coefficients, whether and
/// when it was trained) and the metrics stored with it when it was trained.
public struct ChurnModelDescription: Sendable {
    public var info: Engine.ChurnModelInfo
    /// The training report as it was stored with the model (`churn_models.metrics`, the document
    /// `TrainingReport.json` made then: a model trained by an older version has fewer members), shown as
    /// stored; nil for the untrained default model.
    public var storedMetrics: JSONValue?
}
