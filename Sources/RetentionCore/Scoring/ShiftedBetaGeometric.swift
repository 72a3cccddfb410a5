import Foundation

/// The shifted-beta-geometric (sBG) model of contractual retention (Fader & Hardie 2007, "How to project
/// customer retention"). Each customer renews each period with their own probability 1 − θ, and θ varies
/// across customers as Beta(α, β). The customers likeliest to leave leave first, so the retention rate of
/// the survivors rises with tenure:
///
///     P(T = 1) = α/(α + β)          P(T = t) = (β + t − 2)/(α + β + t − 1) · P(T = t − 1)
///     S(t) = 1 − Σ_{k ≤ t} P(T = k)  r_t = S(t)/S(t − 1) = (β + t − 1)/(α + β + t − 1)
///
/// T is the period in which the customer leaves; S(t) the share still a customer after t periods.
public struct ShiftedBetaGeometric: Sendable, Codable, Equatable {
    public var alpha: Double
    public var beta: Double

    public init(alpha: Double, beta: Double) {
        self.alpha = alpha
        self.beta = beta
    }

    /// P(T = t), t ≥ 1.
    public func churnProbability(period t: Int) -> Double {
        guard t >= 1 else { return 0 }
        var p = alpha / (alpha + beta)
        if t == 1 { return p }
        for k in 2...t { p *= (beta + Double(k) - 2) / (alpha + beta + Double(k) - 1) }
        return p
    }

    /// S(t) = B(α, β + t)/B(α, β), computed as the product of retention rates.
    public func survival(_ t: Int) -> Double {
        var s = 1.0
        if t >= 1 { for k in 1...t { s *= retentionRate(period: k) } }
        return s
    }

    /// r_t = (β + t − 1)/(α + β + t − 1): the share of those alive at t − 1 who renew into period t.
    public func retentionRate(period t: Int) -> Double { (beta + Double(t) - 1) / (alpha + beta + Double(t) - 1) }

    /// Discounted expected residual lifetime (Fader & Hardie 2010, "Customer-base valuation in a contractual
    /// setting"): the expected number of payments still to come from a customer who has made n renewals,
    /// each discounted. As in the paper, a payment falls at the start of its period and the valuation stands at
    /// the end of the period paid for, so the next renewal's payment (made with probability r_{n+1}) is not
    /// discounted:
    ///
    ///     DERL(d | α, β, n) = Σ_{j ≥ 1} [S(n + j)/S(n)] / (1 + d)^(j − 1) = r_{n+1} · ₂F₁(1, β + n + 1; α + β + n + 1; 1/(1 + d))
    ///
    /// with d the discount rate per period, summed over at most `periods` payments: at d = 0 the sum is the
    /// expected number of further renewals, which is infinite when α ≤ 1, so the caller bounds the horizon.
    public func discountedExpectedResidualLifetime(renewals n: Int, discountRate d: Double, periods: Int) -> Double {
        residual(renewals: n, discountRate: d, periods: periods).discounted
    }

    /// The further payments of a customer who has made n renewals when their own rate q governs the next k
    /// renewals and this cohort curve the ones after. s_j, the chance of making j more renewals, is
    ///
    ///     s_j = q^j  (j ≤ k)          s_j = q^k · S(n + j)/S(n + k)  (j > k)
    ///
    /// and the result is `discounted` = Σ s_j / (1 + d)^(j − 1) (DERL, the first payment undiscounted as in
    /// `discountedExpectedResidualLifetime`) and `expected` = Σ s_j (undiscounted), for j = 1 … `periods`.
    /// With k = 0 this is the cohort's own DERL. One pass, no allocation; it stops once s_j < 1e-12.
    public func residual(renewals n: Int, nextRenewals k: Int = 0, rate q: Double = 1, discountRate d: Double, periods: Int)
        -> (discounted: Double, expected: Double) {
        var discounted = 0.0, expected = 0.0
        var s = 1.0, weight = 1.0
        let v = 1 / (1 + d)
        var j = 1
        while j <= periods {
            s *= j <= k ? q : retentionRate(period: n + j)
            discounted += s * weight
            expected += s
            if s < 1e-12 { break }
            weight *= v
            j += 1
        }
        return (discounted, expected)
    }

    // MARK: Fitting

    /// Maximum-likelihood fit to a cohort: `survivors[t]` customers still active after t periods (t = 0…T).
    /// LL = Σ_{t=1..T} (n_{t−1} − n_t)·ln P(T = t) + n_T·ln S(T).
    public static func fit(survivors: [Double]) throws -> ShiftedBetaGeometric {
        guard survivors.count >= 2, survivors[0] > 0 else { throw RetentionError.invalid("survivors", "needs at least two periods") }
        var churned: [Int: Double] = [:]
        for t in 1..<survivors.count { churned[t] = survivors[t - 1] - survivors[t] }
        return try fit(churned: churned, censored: [survivors.count - 1: survivors.last!])
    }

    /// Maximum-likelihood fit from individual histories: `churned[t]` customers who left in period t
    /// (after t − 1 renewals), `censored[n]` customers still active after n renewals.
    /// LL = Σ_t churned[t]·ln P(T = t) + Σ_n censored[n]·ln S(n), maximised over (ln α, ln β) by Nelder–Mead.
    public static func fit(churned: [Int: Double], censored: [Int: Double]) throws -> ShiftedBetaGeometric {
        let totalChurned = churned.values.reduce(0, +), totalCensored = censored.values.reduce(0, +)
        guard totalChurned > 0 else { throw RetentionError.invalid("history", "no customer has left yet, so retention cannot be estimated") }
        guard totalChurned + totalCensored >= 10 else { throw RetentionError.invalid("history", "fewer than 10 histories") }
        let maxT = max(churned.keys.max() ?? 1, censored.keys.max() ?? 0) + 1
        func negLL(_ x: [Double]) -> Double {
            let a = exp(x[0]), b = exp(x[1])
            guard a.isFinite, b.isFinite, a > 1e-6, b > 1e-6, a < 1e6, b < 1e6 else { return .infinity }
            let m = ShiftedBetaGeometric(alpha: a, beta: b)
            var p = [Double](repeating: 0, count: maxT + 1), s = [Double](repeating: 1, count: maxT + 1)
            for t in 1...maxT {
                p[t] = t == 1 ? a / (a + b) : p[t - 1] * (b + Double(t) - 2) / (a + b + Double(t) - 1)
                s[t] = s[t - 1] * m.retentionRate(period: t)
            }
            var ll = 0.0
            for (t, n) in churned where n > 0 { ll += n * log(max(p[t], 1e-300)) }
            for (t, n) in censored where n > 0 { ll += n * log(max(s[t], 1e-300)) }
            return -ll
        }
        let best = NelderMead.minimize(negLL, start: [0, 0.5])
        return ShiftedBetaGeometric(alpha: exp(best[0]), beta: exp(best[1]))
    }
}

/// A small Nelder–Mead simplex minimiser for a few parameters.
enum NelderMead {
    static func minimize(_ f: ([Double]) -> Double, start: [Double], step: Double = 0.5, iterations: Int = 2_000, tolerance: Double = 1e-10) -> [Double] {
        let n = start.count
        var simplex = [start] + (0..<n).map { i -> [Double] in var v = start; v[i] += step; return v }
        var values = simplex.map(f)
        for _ in 0..<iterations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            if abs(values[n] - values[0]) < tolerance * (abs(values[0]) + tolerance) { break }
            let centroid = (0..<n).map { j in simplex[0..<n].reduce(0) { $0 + $1[j] } / Double(n) }
            func along(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) } }
            let reflected = along(-1), fr = f(reflected)
            if fr < values[0] {
                let expanded = along(-2), fe = f(expanded)
                if fe < fr { simplex[n] = expanded; values[n] = fe } else { simplex[n] = reflected; values[n] = fr }
            } else if fr < values[n - 1] {
                simplex[n] = reflected; values[n] = fr
            } else {
                let contracted = fr < values[n] ? along(-0.5) : along(0.5)
                let fc = f(contracted)
                if fc < min(fr, values[n]) {
                    simplex[n] = contracted; values[n] = fc
                } else {
                    for i in 1...n {
                        simplex[i] = (0..<n).map { simplex[0][$0] + 0.5 * (simplex[i][$0] - simplex[0][$0]) }
                        values[i] = f(simplex[i])
                    }
                }
            }
        }
        return simplex[values.indices.min { values[$0] < values[$1] }!]
    }
}
