import Dispatch

/// Wall time of a batch job's phases, for the benchmark's "of which" rows: each `end(_:)` closes the
/// phase that began at the previous one (or at the clock's creation).
struct PhaseClock {
    private var last = PhaseClock.seconds()
    /// The phases ended so far, in order, with their wall seconds.
    private(set) var ended: [(phase: String, seconds: Double)] = []

    mutating func end(_ phase: String) {
        let now = Self.seconds()
        ended.append((phase, now - last))
        last = now
    }

    private static func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
