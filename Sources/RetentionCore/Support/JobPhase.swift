/// A long job's progress from one phase to the next (a demo book's load, an import), reported to whoever
/// watches it: `retention bench` times the phases with a clock of its own; a command may print them as
/// progress lines. The engine only says where it is; it measures nothing.
///
/// Phases follow one another: a phase `began` as the one before it `ended` (or as the job started), so
/// the time between a phase's two reports is its share of the job. A phase that does not run for a job
/// (nothing to rebuild) is not reported; a job that fails or is rolled back stops reporting there.
public enum JobPhase: Sendable, Equatable {
    case began(String)
    case ended(String)
    /// How far the named phase is: `done` rows of `total` (nil when the total is not known in advance).
    case progress(String, done: Int, total: Int?)
}

/// Reports a job's phases to an optional observer, one phase open at a time.
struct JobPhases {
    private let observe: ((JobPhase) -> Void)?
    private var current: String?

    init(_ observe: ((JobPhase) -> Void)?) { self.observe = observe }

    /// Ends the open phase, if any, and begins `phase`.
    mutating func begin(_ phase: String) {
        end()
        current = phase
        observe?(.began(phase))
    }

    /// Reports how far the open phase is (nothing when no phase is open).
    func progress(done: Int, total: Int?) {
        if let phase = current { observe?(.progress(phase, done: done, total: total)) }
    }

    /// Ends the open phase, if any.
    mutating func end() {
        if let phase = current { observe?(.ended(phase)) }
        current = nil
    }
}
