/// RFC 4180 CSV: reading with line numbers for error messages, and writing.
///
/// Reading accepts a UTF-8 byte order mark, CRLF or LF line ends, quoted fields with embedded commas,
/// quotes (`""`) and line breaks. Every record remembers the line it started on.
public enum CSV {
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

    /// Reads a text record by record, a batch at a time; a copy carries on from where it was copied, so a
    /// batch can be read on another thread while the previous one is used.
    public struct Reader: Sendable {
        private let bytes: [UInt8]
        private var position: Int
        private var line = 1

        /// The size of the text and how much of it has been read, in bytes.
        public var byteCount: Int { bytes.count }
        public var bytesRead: Int { position }

        public init(_ text: String) {
            bytes = Array(text.utf8)
            position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        }

        /// Up to `limit` records from where the reader stands; none when the text is used up.
        public mutating func next(_ limit: Int) throws -> [Record] {
            var records: [Record] = []
            var fields: [String] = []
            var field: [UInt8] = []
            var recordLine = line
            var column = 1
            var inQuotes = false
            var quotedField = false
            var afterQuote = false
            var i = position
            func endField() {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
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
                        } else {
                            inQuotes = false; afterQuote = true; column += 1
                        }
                    } else {
                        field.append(b)
                        if b == 0x0A { line += 1; column = 1 } else { column += 1 }
                    }
                    continue
                }
                switch b {
                case UInt8(ascii: ","):
                    endField(); column += 1
                case 0x0D:
                    if i < bytes.endIndex, bytes[i] == 0x0A { i += 1 }
                    fallthrough
                case 0x0A:
                    endField()
                    if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
                    fields.removeAll(keepingCapacity: true)
                    line += 1; column = 1; recordLine = line
                case UInt8(ascii: "\""):
                    guard field.isEmpty, !quotedField else {
                        throw RetentionError(.invalid, code: "invalid_csv", "Line \(line), column \(column): a quote inside an unquoted field; quote the whole field and double the quote (\"\").", line: line)
                    }
                    inQuotes = true; quotedField = true; column += 1
                default:
                    if afterQuote {
                        throw RetentionError(.invalid, code: "invalid_csv", "Line \(line), column \(column): text after a closing quote; a quoted field must end at a comma or line end.", line: line)
                    }
                    field.append(b); column += 1
                }
            }
            position = i
            if i == bytes.endIndex {
                if inQuotes {
                    throw RetentionError(.invalid, code: "invalid_csv", "Line \(recordLine): a quoted field is never closed (missing \").", line: recordLine)
                }
                if !field.isEmpty || !fields.isEmpty || quotedField {
                    endField()
                    records.append(Record(line: recordLine, fields: fields))
                }
            }
            return records
        }
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
        s.hasPrefix("'") && needsGuard(s) ? String(s.dropFirst()) : s
    }
}
