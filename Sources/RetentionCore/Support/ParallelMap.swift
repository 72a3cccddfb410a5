import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `map` with the elements split into contiguous shares (one per processor core, or `sharesPerCore` each),
    /// the shares transformed at the same time. Same result, in the same order, as `map(transform)`; for work where each element
    /// costs far more than the hand-off (checking an import's rows, say).
    ///
    /// `sharesPerCore` above 1 cuts the elements into that many shares a core, handed out as the threads come
    /// free: for work that runs beside another busy thread (an import's writer), where the share of the thread
    /// that shares a core with it would finish last and the other core would wait for it.
    func parallelMap<T>(sharesPerCore: Int = 1, _ transform: @Sendable (Element) -> T) -> [T] {
        let parts = Swift.min(ProcessInfo.processInfo.activeProcessorCount * Swift.max(1, sharesPerCore), count / 64)
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
