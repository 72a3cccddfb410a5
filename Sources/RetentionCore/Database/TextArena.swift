import Foundation

/// Room for the texts bound to one run of a statement (`Statement.bind(_:at:arena:)`): blocks of 64 KiB, kept
/// and reused from one run to the next, so that binding a text is one copy into a block instead of SQLite's
/// allocation, copy and free of each value. A text longer than a block is not taken (`copy` answers nil).
final class TextArena {
    static let blockBytes = 64 << 10
    private var blocks: [UnsafeMutableRawPointer] = []
    /// The block being filled and how much of it is used.
    private var current = 0, used = 0

    init() {}

    deinit { for b in blocks { b.deallocate() } }

    /// A copy of `bytes` in the arena, valid until `clear`; nil when empty or longer than a block.
    func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer? {
        let n = bytes.count
        guard n > 0, n <= Self.blockBytes, let source = bytes.baseAddress else { return nil }
        if blocks.isEmpty || used + n > Self.blockBytes {
            if !blocks.isEmpty { current += 1 }
            if current == blocks.count {
                let block = UnsafeMutableRawPointer.allocate(byteCount: Self.blockBytes, alignment: 16)
                block.bindMemory(to: CChar.self, capacity: Self.blockBytes)   // SQLite reads it as C characters
                blocks.append(block)
            }
            used = 0
        }
        let p = blocks[current] + used
        p.copyMemory(from: source, byteCount: n)
        used += n
        return p
    }

    /// Lets every copy go (the blocks are kept for the next run): only once nothing bound to them is read again.
    func clear() { current = 0; used = 0 }
}
