import Foundation

/// Public ids: UUID version 7 (RFC 9562), lower-case text.
///
/// A version-7 UUID starts with the Unix time in milliseconds, so ids made later sort later. Every
/// table keeps its public id in a `uuid` column with a UNIQUE index; with time-ordered ids each new
/// row's key lands at the right-hand edge of that index instead of at a random page, which keeps bulk
/// writes (imports, demo books, history rows) from touching the whole index once it outgrows the
/// page cache. The remaining 74 bits are random (or, for seeded books, a counter and seeded bits), so
/// ids stay unguessable and unique. Touchpoints laid out by a campaign run are the exception: after the
/// time and 12 random bits they carry a counter (enrolment row id and step), so one run's ids ascend.
public enum TimeOrderedID {
    /// A new id for the current time, with 74 random bits.
    public static func make(milliseconds: UInt64 = UInt64(Date().timeIntervalSince1970 * 1000)) -> String {
        var rng = SystemRandomNumberGenerator()
        return format(milliseconds: milliseconds, randA: UInt16(truncatingIfNeeded: rng.next()), randB: rng.next())
    }

    /// Characters in an id, and in the `prefix` of an ordered one.
    public static let length = 36, prefixLength = 19

    /// The first 19 characters of an id for now (`tttttttt-tttt-7aaa-`: time, version, 12 random bits), for
    /// a set-based insert that completes each id with the variant and a per-row counter (RFC 9562 §6.2,
    /// method 1: its ids ascend row by row) through the SQL function `retention_ordered_uuid`.
    public static func prefix(milliseconds: UInt64 = UInt64(Date().timeIntervalSince1970 * 1000)) -> String {
        var rng = SystemRandomNumberGenerator()
        return String(format(milliseconds: milliseconds, randA: UInt16(truncatingIfNeeded: rng.next()), randB: 0).prefix(prefixLength))
    }

    /// The id numbered `counter` (below 2⁶²) after `prefix`: the variant and the counter in the last 62 bits.
    public static func ordered(prefix: String, counter: UInt64) -> String {
        let prefixBytes = Array(prefix.utf8)
        precondition(prefixBytes.count == prefixLength, "an ordered id's prefix has \(prefixLength) characters")
        var bytes = [UInt8](repeating: 0, count: length)
        prefixBytes.withUnsafeBufferPointer { p in bytes.withUnsafeMutableBufferPointer { writeOrdered(prefix: p, counter: counter, into: $0) } }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes the 36 characters of `ordered(prefix:counter:)` into `id` without allocating (the SQL function's path).
    static func writeOrdered(prefix: UnsafeBufferPointer<UInt8>, counter: UInt64, into id: UnsafeMutableBufferPointer<UInt8>) {
        for k in 0..<prefixLength { id[k] = prefix[k] }
        let low = (counter & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var position = prefixLength
        writeHex(low, nibbles: 4, shift: 60, into: id, at: &position); id[position] = UInt8(ascii: "-"); position += 1
        writeHex(low, nibbles: 12, shift: 44, into: id, at: &position)
    }

    /// Formats the 128 bits: 48-bit time, version 7, 12 bits `randA`, variant 10, 62 bits `randB`.
    public static func format(milliseconds: UInt64, randA: UInt16, randB: UInt64) -> String {
        let high = (milliseconds & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | UInt64(randA & 0x0FFF)
        let low = (randB & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var bytes = [UInt8](repeating: UInt8(ascii: "-"), count: length)
        bytes.withUnsafeMutableBufferPointer { id in
            var position = 0
            writeHex(high, nibbles: 8, shift: 60, into: id, at: &position); position += 1
            writeHex(high, nibbles: 4, shift: 28, into: id, at: &position); position += 1
            writeHex(high, nibbles: 4, shift: 12, into: id, at: &position); position += 1
            writeHex(low, nibbles: 4, shift: 60, into: id, at: &position); position += 1
            writeHex(low, nibbles: 12, shift: 44, into: id, at: &position)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Lower-case hex digits of `word`, `nibbles` of them from bit `shift` down.
    private static func writeHex(_ word: UInt64, nibbles: Int, shift: Int, into id: UnsafeMutableBufferPointer<UInt8>, at position: inout Int) {
        for k in 0..<nibbles {
            let nibble = UInt8((word >> UInt64(shift - 4 * k)) & 0xF)
            id[position] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            position += 1
        }
    }
}
