import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// RFC 4180 CSV: reading with line numbers for error messages, and writing.
///
/// Reading accepts a UTF-8 byte order mark, CRLF or LF line ends, quoted fields with embedded commas,
/// quotes (`""`) and line breaks. Every record remembers the line it started on.
///
/// One field may hold at most ``maxFieldBytes`` (1 MiB) and one record ``maxRecordBytes`` (8 MiB) of the
/// file's bytes: a longer one (most often a quote never closed, which swallows the rest of the file) is refused
/// with the file, line, column and the limit as soon as it passes it, so the reader's memory stays bounded.
public enum CSV {
    /// The most bytes one field may hold (1 MiB).
    public static let maxFieldBytes = 1 << 20
    /// The most bytes one record may span (8 MiB).
    public static let maxRecordBytes = 8 << 20

    public struct Record: Sendable {
        /// 1-based line number where the record starts in the file.
        public var line: Int
        public var fields: [String]
    }

    /// Parses CSV text into records. Errors name the line and column.
    public static func parse(_ text: String) throws -> [Record] {
        var records: [Record] = []
        try parse(text) { records.append($0) }
        return records
    }

    /// Streams records to `body` without holding them all.
    public static func parse(_ text: String, _ body: (Record) throws -> Void) throws {
        var reader = Reader(text)
        while true {
            let records = try reader.next(1_024)
            if records.isEmpty { return }
            for record in records { try body(record) }
        }
    }

    /// Reads a text or a file record by record, a batch at a time; a copy carries on from where it was copied,
    /// so a batch can be read on another thread while the previous one is used (one copy at a time: copies
    /// of a reader of a file share the file).
    ///
    /// A reader of a file (`init(file:name:)`) holds only what it has not parsed yet, a chunk (1 MiB) at a
    /// time, never the whole file, and checks every field is UTF-8 as it reads it: a byte that is not is
    /// refused with its line and column, as `UTF8Text.decode` refuses a whole text.
    public struct Reader: Sendable {
        private var bytes: [UInt8]
        private var position: Int
        private var line = 1
        /// Bytes of the file before `bytes` (already parsed and let go).
        private var dropped = 0
        private let source: ByteSource?
        private var sourceEnded: Bool
        /// The file's name (its path) as errors give it.
        let name: String
        /// The limits of one field and one record, in bytes (``CSV/maxFieldBytes``, ``CSV/maxRecordBytes``).
        var maxFieldBytes = CSV.maxFieldBytes
        var maxRecordBytes = CSV.maxRecordBytes

        /// The size of the text or file and how much of it has been read, in bytes. The size of a pipe or
        /// standard input is not known (`sizeKnown` false): `byteCount` is then what has been read so far.
        public var byteCount: Int { source.map { $0.size ?? dropped + bytes.count } ?? bytes.count }
        public var sizeKnown: Bool { source == nil || source?.size != nil }
        public var bytesRead: Int { dropped + position }

        /// The error for a file with no header row: `name` (the file) is empty.
        public static func emptyFile(_ name: String) -> RetentionError {
            RetentionError(.invalid, code: "empty_file", "\(name) is empty: it needs a header row of column names.", line: 1)
        }

        /// How many records the whole text or file holds, estimated from `rowsRead` records in the bytes read so
        /// far (`bytesRead` of `byteCount`); nil when the size is not known (a pipe, standard input).
        public func estimatedRows(afterReading rowsRead: Int) -> Int? {
            guard sizeKnown else { return nil }
            return Int(Double(rowsRead) * Double(byteCount) / Double(max(1, bytesRead)))
        }

        /// A reader of a text; `name` (the file it came from) names it in errors.
        public init(_ text: String, name: String = "The text") {
            bytes = Array(text.utf8)
            position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            source = nil
            sourceEnded = true
            self.name = name
        }

        /// A reader of the file open at `handle`, read as it is parsed. `name` (its path) names it in errors.
        public init(file handle: FileHandle, name: String, chunkBytes: Int = 1 << 20) {
            source = ByteSource(handle, chunkBytes: chunkBytes)
            bytes = []
            position = 0
            sourceEnded = false
            self.name = name
            refill()
            while bytes.count < 3 && !sourceEnded { refill() }   // the byte order mark whole, whatever the chunk size
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }

        /// Lets go of the bytes parsed and appends the file's next chunk (or notes that it has ended).
        private mutating func refill() {
            guard let source else { sourceEnded = true; return }
            if position > 0 {
                bytes.removeSubrange(0..<position)
                dropped += position
                position = 0
            }
            let chunk = source.read()
            if chunk.isEmpty { sourceEnded = true } else { bytes.append(contentsOf: chunk) }
        }

        /// Up to `limit` records from where the reader stands; none when the text is used up.
        public mutating func next(_ limit: Int) throws -> [Record] {
            var records: [Record] = []
            while true {
                let final = sourceEnded
                try parse(into: &records, limit: limit, final: final)
                if records.count >= limit || final { return records }
                refill()
            }
        }

        /// Parses records from `position` until `limit` or the end of the bytes held. At the end of bytes that
        /// are not `final`, the record begun is left for the next call (with more bytes): `position` and `line`
        /// stay at its start.
        private mutating func parse(into records: inout [Record], limit: Int, final: Bool) throws {
            var fields: [String] = []
            var field: [UInt8] = []
            var line = self.line
            var recordLine = line
            var recordStart = position
            var column = 1
            var inQuotes = false
            var quotedField = false
            var afterQuote = false
            var i = position
            let name = self.name
            let bytes = self.bytes
            let end = bytes.endIndex, quote = UInt8(ascii: "\""), comma = UInt8(ascii: ",")
            /// Whether the field holds a byte of 0x80 or more: only then can it be other than UTF-8 (ASCII is).
            var fieldIsASCII = true
            let maxField = maxFieldBytes, maxRecord = maxRecordBytes
            /// Refuses a field or record past its limit (checked as each byte is added).
            func checkSize() throws {
                if field.count > maxField {
                    throw RetentionError(.invalid, code: "field_too_long",
                        "\(name): line \(recordLine), column \(fields.count + 1): a field is longer than \(CSV.describe(maxField)), the most one field may hold\(inQuotes ? " (is a quote never closed?)" : "").",
                        line: recordLine)
                }
                if i - recordStart > maxRecord {
                    throw RetentionError(.invalid, code: "record_too_long",
                        "\(name): line \(recordLine), column \(fields.count + 1): the record is longer than \(CSV.describe(maxRecord)), the most one record may span\(inQuotes ? " (is a quote never closed?)" : "").",
                        line: recordLine)
                }
            }
            func endField() throws {
                if fieldIsASCII {
                    fields.append(String(decoding: field, as: UTF8.self))
                } else {
                    guard let text = String(validating: field, as: UTF8.self) else {
                        let (lines, column) = UTF8Text.firstForeignByte(bytes[recordStart..<i]) ?? (1, 1)
                        throw UTF8Text.notUTF8(name: name, line: recordLine + lines - 1, column: column)
                    }
                    fields.append(text)
                }
                field.removeAll(keepingCapacity: true)
                fieldIsASCII = true
                quotedField = false
                afterQuote = false
            }
            while i < bytes.endIndex && records.count < limit {
                let b = bytes[i]
                i += 1
                if inQuotes {
                    if b == UInt8(ascii: "\"") {
                        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "\"") {
                            field.append(b); i += 1; column += 2
                        } else if i == bytes.endIndex && !final {
                            break   // a doubled quote or the closing one: the next bytes say
                        } else {
                            inQuotes = false; afterQuote = true; column += 1
                        }
                    } else if b == 0x0A {
                        field.append(b)
                        line += 1; column = 1
                        if field.count > maxField || i - recordStart > maxRecord { try checkSize() }
                    } else {
                        // This byte and the run of bytes after it up to the next quote or line feed, at once.
                        // (This loop and the one for unquoted text below are written out, not one function taking
                        // its stop test: folded, a 100,000-customer import took 7–8 % more time, 7 pairs in turn.)
                        var j = i, high = b
                        while j < end {
                            let c = bytes[j]
                            if c == quote || c == 0x0A { break }
                            high |= c
                            j += 1
                        }
                        field.append(contentsOf: bytes[(i - 1)..<j])
                        if high >= 0x80 { fieldIsASCII = false }
                        column += j - i + 1
                        i = j
                        if field.count > maxField || i - recordStart > maxRecord { try checkSize() }
                    }
                    continue
                }
                switch b {
                case UInt8(ascii: ","):
                    try endField(); column += 1
                    if i - recordStart > maxRecord { try checkSize() }
                case 0x0D:
                    if i < bytes.endIndex, bytes[i] == 0x0A { i += 1 } else if i == bytes.endIndex && !final { i = bytes.endIndex + 1; break }
                    fallthrough
                case 0x0A:
                    try endField()
                    if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
                    fields.removeAll(keepingCapacity: true)
                    line += 1; column = 1; recordLine = line; recordStart = i
                case UInt8(ascii: "\""):
                    guard field.isEmpty, !quotedField else {
                        throw RetentionError(.invalid, code: "invalid_csv", "\(name): line \(line), column \(column): a quote inside an unquoted field; quote the whole field and double the quote (\"\").", line: line)
                    }
                    inQuotes = true; quotedField = true; column += 1
                default:
                    if afterQuote {
                        throw RetentionError(.invalid, code: "invalid_csv", "\(name): line \(line), column \(column): text after a closing quote; a quoted field must end at a comma or line end.", line: line)
                    }
                    // This byte and the run of ordinary bytes after it (to the next comma, quote or line end), at once.
                    var j = i, high = b
                    while j < end {
                        let c = bytes[j]
                        if c == comma || c == quote || c == 0x0A || c == 0x0D { break }
                        high |= c
                        j += 1
                    }
                    field.append(contentsOf: bytes[(i - 1)..<j])
                    if high >= 0x80 { fieldIsASCII = false }
                    column += j - i + 1
                    i = j
                    if field.count > maxField || i - recordStart > maxRecord { try checkSize() }
                }
                if i > bytes.endIndex { break }
            }
            if i >= bytes.endIndex && !final {
                // The bytes ran out inside a record (or just after one): it is read again, whole, with more bytes.
                position = recordStart
                self.line = recordLine
                return
            }
            position = i
            self.line = line
            if i == bytes.endIndex {
                if inQuotes {
                    throw RetentionError(.invalid, code: "invalid_csv", "\(name): line \(recordLine): a quoted field is never closed (missing \").", line: recordLine)
                }
                if !field.isEmpty || !fields.isEmpty || quotedField {
                    try endField()
                    records.append(Record(line: recordLine, fields: fields))
                    self.line = line + 1
                    position = i
                }
            }
        }
    }

    /// A file's bytes, a chunk at a time, for a `Reader` (its copies share it: they read one after another).
    final class ByteSource: @unchecked Sendable {
        private let handle: FileHandle
        private let chunkBytes: Int
        /// The file's size, when it is a regular file.
        let size: Int?

        init(_ handle: FileHandle, chunkBytes: Int) {
            self.handle = handle
            self.chunkBytes = chunkBytes
            var info = stat()
            size = fstat(handle.fileDescriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
        }

        /// The next chunk; empty at the end of the file.
        func read() -> [UInt8] {
            var chunk = [UInt8](repeating: 0, count: chunkBytes)
            var filled = 0
            while filled < chunkBytes {
                let n = chunk.withUnsafeMutableBytes { Glibc.read(handle.fileDescriptor, $0.baseAddress! + filled, chunkBytes - filled) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                filled += n
            }
            chunk.removeLast(chunkBytes - filled)
            return chunk
        }
    }

    /// A limit in words: "1 MiB (1048576 bytes)".
    static func describe(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB (\(bytes) bytes)" : "\(bytes) bytes"
    }

    /// One CSV line (with CRLF, as RFC 4180 says), quoting fields that need it.
    public static func line(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\r\n"
    }

    static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || s.hasPrefix(" ") || s.hasSuffix(" ") else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Spreadsheet formula neutralisation (OWASP "CSV injection"): on export a cell that a spreadsheet
/// would run as a formula (starting `=`, `+`, `-`, `@`, TAB or CR) gets a leading `'`; import removes
/// exactly that apostrophe, so a round trip is exact. A value that already starts with apostrophes
/// followed by such a character gets one more, so it survives the round trip too.
public enum FormulaGuard {
    static let triggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    static func needsGuard(_ s: String) -> Bool {
        let rest = s.drop(while: { $0 == "'" })
        guard let first = rest.first else { return false }
        return triggers.contains(first)
    }

    public static func neutralise(_ s: String) -> String { needsGuard(s) ? "'" + s : s }

    public static func restore(_ s: String) -> String {
        // A text whose first byte is not an apostrophe cannot start with the character "'": returned as it is
        // without comparing characters (every cell of an import comes through here).
        guard s.withUTF8Bytes({ $0.first }) == UInt8(ascii: "'") else { return s }
        return s.hasPrefix("'") && needsGuard(s) ? String(s.dropFirst()) : s
    }
}
