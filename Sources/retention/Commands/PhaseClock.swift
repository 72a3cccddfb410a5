import Dispatch
import RetentionCore

/// Wall time of a batch job's phases, for the benchmark's "of which" rows: plugged into the engine's
/// neutral phase reports (`JobPhase`), it times each phase from its `began` to its `ended`. The engine keeps
/// no clock of its own.
final class PhaseClock {
    private var started = PhaseClock.seconds()
    /// The phases ended so far, in order, with their wall seconds.
    private(set) var ended: [(phase: String, seconds: Double)] = []

    func observe(_ phase: JobPhase) {
        switch phase {
        case .began: started = Self.seconds()
        case .ended(let name): ended.append((name, Self.seconds() - started))
        case .progress: break
        }
    }

    private static func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
