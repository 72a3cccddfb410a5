import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `map` with the elements split into one contiguous share per processor core, the shares transformed
    /// at the same time. Same result, in the same order, as `map(transform)`; for work where each element
    /// costs far more than the hand-off (checking an import's rows, say).
    func parallelMap<T>(_ transform: @Sendable (Element) -> T) -> [T] {
        let parts = Swift.min(ProcessInfo.processInfo.activeProcessorCount, count / 64)
        guard parts > 1 else { return map(transform) }
        // The results are made in place (no array of optionals copied into the answer after).
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            // Each share initialises only its own range of the buffer.
            nonisolated(unsafe) let output = buffer
            self.withUnsafeBufferPointer { input in
                nonisolated(unsafe) let input = input
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    let range = (count * part / parts)..<(count * (part + 1) / parts)
                    for i in range { (output.baseAddress! + i).initialize(to: transform(input[i])) }
                }
            }
            initialized = count
        }
    }
}
