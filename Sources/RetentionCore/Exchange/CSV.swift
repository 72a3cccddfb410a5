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
        var bytes = Array(text.utf8)[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var column = 1
        var inQuotes = false
        var quotedField = false
        var afterQuote = false
        var i = bytes.startIndex
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            quotedField = false
            afterQuote = false
        }
        while i < bytes.endIndex {
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
                if !(fields.count == 1 && fields[0].isEmpty) { try body(Record(line: recordLine, fields: fields)) }
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
        if inQuotes {
            throw RetentionError(.invalid, code: "invalid_csv", "Line \(recordLine): a quoted field is never closed (missing \").", line: recordLine)
        }
        if !field.isEmpty || !fields.isEmpty || quotedField {
            endField()
            try body(Record(line: recordLine, fields: fields))
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
