import Dispatch

/// Work started on a background queue now, whose result is taken later: how the batch jobs overlap
/// reading or drawing the next range with writing the current one (a rescore reads on a second
/// connection, the demo book draws rows on a second thread).
final class Prefetch<Value>: @unchecked Sendable {
    private let done = DispatchGroup()
    private var result: Result<Value, Error>?

    init(on queue: DispatchQueue, _ work: @escaping @Sendable () throws -> Value) {
        queue.async(group: done) { self.result = Result { try work() } }
    }

    /// Waits for the work and returns its value (or throws its error).
    func value() throws -> Value {
        done.wait()
        return try result!.get()
    }
}
