import Foundation

/// The text of an input file, which must be UTF-8: a file in another encoding (Latin-1, Windows-1252)
/// is refused with the line and column of its first byte that is not UTF-8, instead of being imported
/// with its accented letters turned into U+FFFD.
public enum UTF8Text {
    public static func decode(_ data: Data, name: String) throws -> String {
        if let text = String(validating: data, as: UTF8.self) { return text }
        guard let (line, column) = firstForeignByte(data) else { throw RetentionError(.invalid, code: "not_utf8", "\(name) is not UTF-8 text.") }
        throw notUTF8(name: name, line: line, column: column)
    }

    /// The error for a byte that is not UTF-8 at `line`, `column` of the input `name`.
    static func notUTF8(name: String, line: Int, column: Int) -> RetentionError {
        RetentionError(.invalid, code: "not_utf8",
            "\(name): line \(line), column \(column): a byte that is not UTF-8; the file is not UTF-8 text. Save it as UTF-8 (it may be Latin-1 or Windows-1252) and import it again.",
            line: line, column: column)
    }

    /// The line and column (in characters, 1-based) of the first byte that is not UTF-8; nil when all are.
    public static func firstForeignByte<Bytes: Collection>(_ bytes: Bytes) -> (line: Int, column: Int)? where Bytes.Element == UInt8, Bytes.SubSequence: Collection {
        var line = 1
        // A line feed byte is never part of a multi-byte UTF-8 sequence, so each line can be checked alone.
        for slice in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if String(validating: Array(slice), as: UTF8.self) == nil {
                let repaired = String(decoding: Array(slice), as: UTF8.self)
                let column = repaired.firstIndex(of: "\u{FFFD}").map { repaired.distance(from: repaired.startIndex, to: $0) + 1 } ?? 1
                return (line, column)
            }
            line += 1
        }
        return nil
    }
}
