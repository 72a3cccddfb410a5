import Foundation

/// Whether predicted probabilities mean what they say: among customers scored 30 %, about 30 % leave.
///
/// Measured on examples the model did not learn from (the training holdout):
/// - **The table**: the examples sorted by predicted probability and cut into `groups` (10: deciles) of
///   equal count (the first n mod g groups one larger); each group's count, churned count, mean predicted
///   probability p̄ₖ and observed rate oₖ = churnedₖ / countₖ. A calibrated model has p̄ₖ ≈ oₖ in every row.
/// - **Slope and intercept** (Cox 1958): the logistic regression of the outcome on the logit of the prediction,
///
///       logit P(y = 1) = a + b·logit(p),      logit(p) = ln(p / (1 − p)), p clipped to [1e-9, 1 − 1e-9]
///
///   fitted by maximum likelihood (Newton–Raphson from a = 0, b = 1). A calibrated model has b ≈ 1 and
///   a ≈ 0; b < 1 means its predictions are too extreme (the high ones too high, the low ones too low), b > 1
///   too timid; with b near 1, a < 0 means it predicts too much churn overall, a > 0 too little.
public struct Calibration: Sendable, Equatable {
    /// One group of the table.
    public struct Group: Sendable, Equatable {
        public var count: Int
        public var churned: Int
        /// p̄ₖ: the mean predicted probability of the group.
        public var meanPredicted: Double
        /// oₖ = churned / count.
        public var observedRate: Double { count > 0 ? Double(churned) / Double(count) : 0 }
    }

    public var groups: [Group]
    /// b: 1 when calibrated; nil when it cannot be fitted (one distinct prediction, one outcome only, or
    /// predictions that separate the outcomes perfectly).
    public var slope: Double?
    /// a: 0 when calibrated; nil when the slope is.
    public var intercept: Double?

    public var count: Int { groups.reduce(0) { $0 + $1.count } }
    public var churned: Int { groups.reduce(0) { $0 + $1.churned } }
    /// Mean predicted probability over all examples (calibration in the large: compare with `observedRate`).
    public var meanPredicted: Double {
        count > 0 ? groups.reduce(0) { $0 + $1.meanPredicted * Double($1.count) } / Double(count) : 0
    }
    public var observedRate: Double { count > 0 ? Double(churned) / Double(count) : 0 }

    public init(groups: [Group], slope: Double?, intercept: Double?) {
        self.groups = groups
        self.slope = slope
        self.intercept = intercept
    }

    /// Measures `probabilities` against `labels` (true: churned).
    public static func measure(probabilities: [Double], labels: [Bool], groups: Int = 10) -> Calibration {
        precondition(probabilities.count == labels.count, "Calibration: one label per probability")
        let n = probabilities.count
        // Ties are broken by position, so the same examples always give the same table.
        let order = probabilities.indices.sorted { (probabilities[$0], $0) < (probabilities[$1], $1) }
        let g = min(max(1, groups), n)
        var table: [Group] = []
        var start = 0
        for k in 0..<g {
            let size = n / g + (k < n % g ? 1 : 0)
            let members = order[start..<(start + size)]
            start += size
            let sum = members.reduce(0.0) { $0 + probabilities[$1] }
            table.append(Group(count: size, churned: members.filter { labels[$0] }.count, meanPredicted: sum / Double(size)))
        }
        let fit = coxFit(probabilities: probabilities, labels: labels)
        return Calibration(groups: table, slope: fit?.slope, intercept: fit?.intercept)
    }

    /// ln(p / (1 − p)) with p clipped to [1e-9, 1 − 1e-9], so a prediction of exactly 0 or 1 stays finite.
    public static func logit(_ p: Double) -> Double {
        let q = min(max(p, 1e-9), 1 - 1e-9)
        return log(q / (1 - q))
    }

    /// The maximum-likelihood fit of logit P(y = 1) = a + b·logit(p), by Newton–Raphson: with
    /// xᵢ = logit(pᵢ), μᵢ = σ(a + b·xᵢ) and wᵢ = μᵢ(1 − μᵢ), each step solves
    ///
    ///     [Σw   Σwx ] [Δa]   [Σ(y − μ) ]
    ///     [Σwx  Σwx²] [Δb] = [Σ(y − μ)x]
    ///
    /// and is halved while it would lower the log-likelihood ℓ = Σ y·ln μ + (1 − y)·ln(1 − μ) (a full step
    /// from a = 0, b = 1 can overshoot when the predictions are far too extreme), until both steps are below
    /// 1e-7 or no step improves ℓ. Nil when the system is singular (all predictions equal, or one outcome only) or the fit runs
    /// away (the predictions separate the outcomes perfectly: no finite fit).
    public static func coxFit(probabilities: [Double], labels: [Bool]) -> (intercept: Double, slope: Double)? {
        guard probabilities.count == labels.count, labels.contains(true), labels.contains(false) else { return nil }
        let xs = probabilities.map(logit)
        func logLikelihood(_ a: Double, _ b: Double) -> Double {
            var sum = 0.0
            for (x, y) in zip(xs, labels) {
                // ln σ(t) = −ln(1 + e^(−t)), computed without overflow.
                let t = (a + b * x) * (y ? 1 : -1)
                sum -= t >= 0 ? log1p(exp(-t)) : -t + log1p(exp(t))
            }
            return sum
        }
        var a = 0.0, b = 1.0
        var current = logLikelihood(a, b)
        for _ in 0..<100 {
            var sw = 0.0, swx = 0.0, swxx = 0.0, g0 = 0.0, g1 = 0.0
            for (x, y) in zip(xs, labels) {
                let mu = LogisticModel.sigmoid(a + b * x)
                let w = mu * (1 - mu)
                let r = (y ? 1.0 : 0.0) - mu
                sw += w; swx += w * x; swxx += w * x * x
                g0 += r; g1 += r * x
            }
            let det = sw * swxx - swx * swx
            guard det > 1e-12 * max(1, sw * swxx), det.isFinite else { return nil }
            var da = (swxx * g0 - swx * g1) / det
            var db = (sw * g1 - swx * g0) / det
            if abs(da) < 1e-7 && abs(db) < 1e-7 { return (a + da, b + db) }
            var next = logLikelihood(a + da, b + db)
            var halvings = 0
            while !(next > current) && halvings < 20 {
                da /= 2; db /= 2; halvings += 1
                next = logLikelihood(a + da, b + db)
            }
            // No step improves the likelihood: the maximum is reached to the precision of the sums.
            guard next > current else { return (a, b) }
            a += da
            b += db
            current = next
            guard a.isFinite, b.isFinite, abs(b) < 1e4 else { return nil }
        }
        return nil
    }

    /// Reads back the table a trained model's stored metrics hold (`churn_models.metrics`, written with
    /// `Calibration.json`, API/Encoding/ModelEncoding.swift); nil when the document has no table.
    public init?(json: JSONValue?) {
        guard let rows = json?["groups"]?.arrayValue, !rows.isEmpty else { return nil }
        var groups: [Group] = []
        for r in rows {
            guard let n = r["count"]?.doubleValue, let c = r["churned"]?.doubleValue, let m = r["meanPredicted"]?.doubleValue else { return nil }
            groups.append(Group(count: Int(n), churned: Int(c), meanPredicted: m))
        }
        self.init(groups: groups, slope: json?["slope"]?.doubleValue, intercept: json?["intercept"]?.doubleValue)
    }

    /// The table for people: one line per group, then the slope and intercept.
    ///
    ///     group  customers  churned  predicted  observed
    ///         1        120        2       1.2%      1.7%
    public var textLines: [String] {
        var lines = ["group  customers  churned  predicted  observed"]
        for (k, g) in groups.enumerated() {
            lines.append(String(format: "%5d  %9d  %7d  %8.1f%%  %7.1f%%", k + 1, g.count, g.churned, g.meanPredicted * 100, g.observedRate * 100))
        }
        lines.append(String(format: "  all  %9d  %7d  %8.1f%%  %7.1f%%", count, churned, meanPredicted * 100, observedRate * 100))
        let fit = slope.map { b in String(format: "slope %.2f, intercept %+.2f (calibrated: 1 and 0)", b, intercept ?? 0) }
            ?? "slope and intercept cannot be fitted on these examples"
        lines.append("calibration " + fit)
        return lines
    }
}
