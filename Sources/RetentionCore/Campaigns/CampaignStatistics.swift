import Foundation

/// The statistics behind a campaign's "numbers you can defend" (Formulas.md, "Uplift and its interval",
/// "A/B variants"): Wilson and Newcombe intervals for proportions, a normal interval for a difference of
/// means, the control-group size a test needs, and the two-proportion z-test. Pure functions of counts, each
/// tested against the hand-worked values in Formulas.md (`CampaignStatisticsTests`).
public enum CampaignStatistics {
    /// z for a two-sided 95 % interval (the 97.5th percentile of the standard normal).
    public static let z95 = 1.959963984540054
    /// z for 80 % power (the 80th percentile of the standard normal).
    public static let z80 = 0.8416212335729143

    /// A value with its 95 % interval.
    public struct Interval: Sendable, Equatable {
        public var estimate: Double, lower: Double, upper: Double
        public init(estimate: Double, lower: Double, upper: Double) {
            self.estimate = estimate
            self.lower = lower
            self.upper = upper
        }
        /// Whether the interval lies wholly above or wholly below zero.
        public var excludesZero: Bool { lower > 0 || upper < 0 }
        /// Each bound mapped by `f` (an increasing function).
        func map(_ f: (Double) -> Double) -> Interval { Interval(estimate: f(estimate), lower: f(lower), upper: f(upper)) }
    }

    /// The Wilson score interval of a proportion k/n: (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n).
    /// Nil for n = 0.
    public static func wilson(_ k: Double, _ n: Double, z: Double = z95) -> (lower: Double, upper: Double)? {
        guard n > 0 else { return nil }
        let p = k / n, z2 = z * z
        let centre = p + z2 / (2 * n), half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot(), d = 1 + z2 / n
        return ((centre - half) / d, (centre + half) / d)
    }

    /// Newcombe's hybrid score interval (his method 10) for the difference of two proportions p₁ − p₂ =
    /// k₁/n₁ − k₂/n₂, from the Wilson intervals (l₁, u₁) and (l₂, u₂):
    /// lower = d − √((p₁ − l₁)² + (u₂ − p₂)²), upper = d + √((u₁ − p₁)² + (p₂ − l₂)²). As proportions (not
    /// points); nil when a group is empty.
    public static func newcombe(_ k1: Double, _ n1: Double, _ k2: Double, _ n2: Double) -> Interval? {
        guard let (l1, u1) = wilson(k1, n1), let (l2, u2) = wilson(k2, n2) else { return nil }
        let p1 = k1 / n1, p2 = k2 / n2, d = p1 - p2
        return Interval(estimate: d, lower: d - ((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2)).squareRoot(),
                        upper: d + ((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2)).squareRoot())
    }

    /// The incremental revenue nT·(x̄T − x̄C) (the treated group's revenue beyond what the control group's
    /// mean predicts for it) with a normal 95 % interval: ± z·nT·√(s²T/nT + s²C/nC), where x̄ and s² are the
    /// mean and sample variance (n − 1) of revenue per customer, from each group's size, sum and sum of
    /// squares. Nil unless each group holds at least two customers.
    public static func incrementalRevenue(treated: (n: Double, sum: Double, squares: Double),
                                          control: (n: Double, sum: Double, squares: Double)) -> Interval? {
        guard treated.n >= 2, control.n >= 2 else { return nil }
        func variance(_ g: (n: Double, sum: Double, squares: Double)) -> Double { max(0, (g.squares - g.sum * g.sum / g.n) / (g.n - 1)) }
        let estimate = treated.n * (treated.sum / treated.n - control.sum / control.n)
        let half = z95 * treated.n * (variance(treated) / treated.n + variance(control) / control.n).squareRoot()
        return Interval(estimate: estimate, lower: estimate - half, upper: estimate + half)
    }

    /// The control-group size at which an uplift as large as the one observed (p₁ − p₂) would show an
    /// interval excluding zero 80 % of the time (two-sided 5 %), the treated group kept as it is:
    /// n₂ = p₂(1 − p₂) / ((d / (z₀.₉₇₅ + z₀.₈))² − p₁(1 − p₁)/n₁), rounded up. (When the control rate is 0 or
    /// 1 its variance cannot be estimated; the treated group's is used.) Nil when no control group is large
    /// enough: the observed uplift is zero, or the treated group alone is too small to tell it from zero.
    public static func controlNeeded(treatedRate p1: Double, treatedSize n1: Double, controlRate p2: Double) -> Int? {
        let d = p1 - p2
        guard n1 > 0, d != 0 else { return nil }
        let room = (d / (z95 + z80)) * (d / (z95 + z80)) - p1 * (1 - p1) / n1
        guard room > 0 else { return nil }
        let v2 = p2 > 0 && p2 < 1 ? p2 * (1 - p2) : p1 * (1 - p1)
        guard v2 > 0 else { return 1 }
        return Int((v2 / room - 1e-9).rounded(.up))
    }

    /// The size of each of two equal groups at which an uplift p₁ − p₂ would show an interval excluding zero
    /// 80 % of the time (two-sided 5 %): n = (z₀.₉₇₅ + z₀.₈)² · (p₁(1 − p₁) + p₂(1 − p₂)) / (p₁ − p₂)², rounded
    /// up; for when no control group alone would do. Nil for no uplift.
    public static func equalGroupsNeeded(treatedRate p1: Double, controlRate p2: Double) -> Int? {
        let d = p1 - p2
        guard d != 0 else { return nil }
        let z = z95 + z80
        return max(2, Int((z * z * (p1 * (1 - p1) + p2 * (1 - p2)) / (d * d) - 1e-9).rounded(.up)))
    }

    /// The two-proportion z-test with pooled variance: z = (p₁ − p₂) / √(p̄(1 − p̄)(1/n₁ + 1/n₂)), p̄ =
    /// (x₁ + x₂)/(n₁ + n₂); two-sided p = erfc(|z|/√2). Nil when a group is empty or p̄ is 0 or 1.
    public static func twoProportionZ(_ x1: Double, _ n1: Double, _ x2: Double, _ n2: Double) -> (z: Double, p: Double)? {
        guard n1 > 0, n2 > 0 else { return nil }
        let pooled = (x1 + x2) / (n1 + n2)
        guard pooled > 0, pooled < 1 else { return nil }
        let z = (x1 / n1 - x2 / n2) / (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
        return (z, erfc(abs(z) / 2.0.squareRoot()))
    }
}
