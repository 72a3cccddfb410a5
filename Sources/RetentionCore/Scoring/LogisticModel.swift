import Foundation

/// A fitted (or default) logistic-regression model over standardised features.
///
/// For a feature vector `x`, each feature is standardised `zⱼ = (xⱼ − μⱼ) / σⱼ` and
///
///     logit(p) = β₀ + Σⱼ βⱼ·zⱼ          p = 1 / (1 + e^(−logit))
///
/// The contribution of feature `j` to the log-odds is `βⱼ·zⱼ`; a positive contribution pushes the
/// probability up. Standardising makes coefficients comparable: `βⱼ` is the change in log-odds for a
/// one-standard-deviation move of feature `j`.
public struct LogisticModel: Sendable, Codable, Equatable {
    /// Names of the features, in the order of `means`, `scales` and `coefficients`.
    public var featureNames: [String]
    /// μⱼ: the mean used to centre each feature.
    public var means: [Double]
    /// σⱼ: the standard deviation used to scale each feature (never 0; 1 when a feature is constant).
    public var scales: [Double]
    /// β₀: the intercept.
    public var intercept: Double
    /// βⱼ: one coefficient per standardised feature.
    public var coefficients: [Double]

    public init(featureNames: [String], means: [Double], scales: [Double], intercept: Double, coefficients: [Double]) {
        precondition(featureNames.count == means.count && means.count == scales.count && scales.count == coefficients.count,
                     "LogisticModel: every per-feature array must have one entry per feature")
        self.featureNames = featureNames
        self.means = means
        self.scales = scales.map { $0 == 0 || !$0.isFinite ? 1 : $0 }
        self.intercept = intercept
        self.coefficients = coefficients
    }

    /// zⱼ = (xⱼ − μⱼ) / σⱼ for every feature.
    public func standardised(_ x: [Double]) -> [Double] {
        precondition(x.count == coefficients.count, "LogisticModel: expected \(coefficients.count) features, got \(x.count)")
        var z = [Double](repeating: 0, count: x.count)
        for j in 0..<x.count { z[j] = (x[j] - means[j]) / scales[j] }
        return z
    }

    /// βⱼ·zⱼ for every feature: how much each feature adds to the log-odds.
    public func contributions(_ x: [Double]) -> [Double] {
        let z = standardised(x)
        var c = [Double](repeating: 0, count: z.count)
        for j in 0..<z.count { c[j] = coefficients[j] * z[j] }
        return c
    }

    /// logit(p) = β₀ + Σⱼ βⱼ·zⱼ.
    public func logOdds(_ x: [Double]) -> Double {
        var sum = intercept
        for j in 0..<x.count { sum += coefficients[j] * (x[j] - means[j]) / scales[j] }
        return sum
    }

    /// p = σ(logit) = 1 / (1 + e^(−logit)), computed stably for large |logit|.
    public func probability(_ x: [Double]) -> Double { Self.sigmoid(logOdds(x)) }

    /// The logistic function σ(t) = 1 / (1 + e^(−t)), evaluated without overflow.
    public static func sigmoid(_ t: Double) -> Double {
        if t >= 0 { return 1 / (1 + exp(-t)) }
        let e = exp(t)
        return e / (1 + e)
    }
}
