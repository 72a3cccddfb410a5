import Foundation

/// The customers' row ids cut into `count` ranges of about the same size (fewer when there are fewer ids), the first open below and the
/// last open above (so together they cover every id, including rows added past `lastCustomer`).
struct CustomerRanges: Sendable {
    let bounds: [Int64]

    init(lastCustomer: Int64, count: Int) {
        let n = max(1, count)
        // Each range ends at a distinct id (a small book has fewer ranges than asked for).
        bounds = Array(Set((1..<n).map { Int64((Double(max(0, lastCustomer)) * Double($0) / Double(n)).rounded()) })).sorted()
    }

    var count: Int { bounds.count + 1 }

    subscript(k: Int) -> ClosedRange<Int64> {
        (k == 0 ? Int64.min : bounds[k - 1] + 1)...(k == bounds.count ? Int64.max : bounds[k])
    }
}

/// Work items 0..<count taken one at a time by several threads, and each item's result kept in its place.
final class RangeResults<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var results: [Value?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    /// The next item no thread has taken yet, or nil when all are taken.
    func take() -> Int? {
        lock.withLock {
            guard next < results.count else { return nil }
            defer { next += 1 }
            return next
        }
    }

    func store(_ k: Int, _ value: Value) { lock.withLock { results[k] = value } }

    /// The results in item order; call once every taken item is stored.
    func all() -> [Value] { lock.withLock { results.map { $0! } } }
}
