import Foundation

/// The Kaplan–Meier estimate of a survival curve, with censoring (Kaplan & Meier 1958).
///
/// At each time tᵢ with dᵢ events among nᵢ still at risk:
///
///     S(t) = Π_{tᵢ ≤ t} (1 − dᵢ/nᵢ)
///     Var[S(t)] = S(t)² · Σ_{tᵢ ≤ t} dᵢ / (nᵢ(nᵢ − dᵢ))          (Greenwood)
///
/// The 95 % band uses the log(−log) transform so it stays inside [0, 1]:
/// S(t)^exp(±1.96·σ), σ = √(Σ dᵢ/(nᵢ(nᵢ − dᵢ))) / |ln S(t)|.
/// Where S(t) = 0 the band is [0, 0] (no one is left; the transform is undefined there). Observations censored
/// at a time tie with events are counted at risk at that time (the usual convention). Beyond the longest
/// follow-up (the longest time anyone was observed, event or censored) the data say nothing: `point(at:)`
/// is nil there, and reports print no figure; unless S reached 0, which it then stays.
public struct KaplanMeier: Sendable {
    public struct Row: Sendable, Equatable {
        public var time: Double
        public var atRisk: Int
        public var events: Int
        public var censored: Int
        public var survival: Double
        public var standardError: Double
        public var lower95: Double
        public var upper95: Double
    }

    public var rows: [Row]
    /// The longest time observed, event or censored (0 with no observations).
    public var longestFollowUp: Double

    public init(durations: [Double], events: [Bool]) {
        var byTime: [Double: (events: Int, censored: Int)] = [:]
        for (t, event) in zip(durations, events) {
            if event { byTime[t, default: (0, 0)].events += 1 } else { byTime[t, default: (0, 0)].censored += 1 }
        }
        self.init(groups: byTime.map { (time: $0.key, events: $0.value.events, censored: $0.value.censored) })
    }

    /// The estimate from grouped observations: at each time, how many events and how many censored (the
    /// manager view's curves group a million customers by month instead of listing them).
    init(groups: [(time: Double, events: Int, censored: Int)]) {
        var byTime: [Double: (d: Int, c: Int)] = [:]
        for g in groups { byTime[g.time, default: (0, 0)].d += g.events; byTime[g.time, default: (0, 0)].c += g.censored }
        var atRisk = byTime.values.reduce(0) { $0 + $1.d + $1.c }
        longestFollowUp = byTime.filter { $0.value.d + $0.value.c > 0 }.keys.max() ?? 0
        var s = 1.0, greenwood = 0.0
        var rows: [Row] = []
        for t in byTime.keys.sorted() {
            let (d, c) = byTime[t]!
            if d > 0 {
                s *= 1 - Double(d) / Double(atRisk)
                if atRisk > d { greenwood += Double(d) / (Double(atRisk) * Double(atRisk - d)) }
                let se = s * sqrt(greenwood)
                var lo = 0.0, hi = 1.0
                if s > 0 && s < 1 {
                    let sigma = sqrt(greenwood) / abs(log(s))
                    lo = pow(s, exp(1.96 * sigma))
                    hi = pow(s, exp(-1.96 * sigma))
                } else if s >= 1 { lo = 1 } else { hi = 0 }
                rows.append(Row(time: t, atRisk: atRisk, events: d, censored: c, survival: s, standardError: se, lower95: lo, upper95: hi))
            }   // a time with censoring only: the curve does not step
            atRisk -= d + c
        }
        self.rows = rows
    }

    /// S(t): the survival at time t (1 before the first event).
    public func survival(at t: Double) -> Double { rows.last { $0.time <= t }?.survival ?? 1 }

    /// S(t) with its 95 % band, or nil when t is beyond the longest follow-up (or nothing was observed).
    public func point(at t: Double) -> (survival: Double, lower95: Double, upper95: Double)? {
        // Once no one is left (S = 0) it stays 0; otherwise nothing is known past the longest follow-up.
        if let last = rows.last, last.survival == 0, t >= last.time { return (0, 0, 0) }
        guard t <= longestFollowUp else { return nil }
        guard let row = rows.last(where: { $0.time <= t }) else { return (1, 1, 1) }
        return (row.survival, row.lower95, row.upper95)
    }

    /// The first time at which S falls to 0.5 or below; nil if it never does.
    public var median: Double? { rows.first { $0.survival <= 0.5 }?.time }
}
