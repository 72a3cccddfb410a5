import Testing
@testable import RetentionCore

@Suite struct ParallelMapTests {
    @Test func givesWhatMapGivesInTheSameOrder() {
        for n in [0, 1, 63, 64, 129, 1_000, 4_097] {
            let input = (0..<n).map { $0 * 7 + 3 }
            #expect(input.parallelMap { "\($0 * $0)" } == input.map { "\($0 * $0)" }, "\(n) elements")
            // Cut into shares handed out as threads come free (an import's rows): the same, in the same order.
            for shares in [2, 4, 100] {
                #expect(input.parallelMap(sharesPerCore: shares) { "\($0 * $0)" } == input.map { "\($0 * $0)" }, "\(n) elements, \(shares) shares a core")
            }
        }
    }
}
