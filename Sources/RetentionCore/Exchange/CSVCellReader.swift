import Foundation

/// The columns of an import file's header, looked at once for the whole file: each column's position by
/// name and its cell type (an unknown name, which the header check refuses first, is text).
struct CSVColumns: Sendable {
    let names: [String]
    let types: [ExchangeKind.CellType]
    let position: [String: Int]

    init(_ header: [String], kind: ExchangeKind) {
        let typeOf = Dictionary(uniqueKeysWithValues: kind.columns.map { ($0.name, $0.type) })
        self.init(header, types: header.map { typeOf[$0] ?? .text })
    }

    init(_ header: [String], types: [ExchangeKind.CellType]) {
        names = header
        self.types = types
        position = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var size = 64
        while size < header.count * 4 { size *= 2 }
        var slots = [Int32](repeating: -1, count: size)
        for (k, name) in header.enumerated() where position[name] == k {
            var s = Self.slot(name, mask: size - 1)
            while slots[s] >= 0 { s = (s + 1) & (size - 1) }
            slots[s] = Int32(k)
        }
        self.slots = slots
    }

    /// Open addressing of the header's names by a cheap mix of their length and three of their bytes: a row's
    /// decoder asks for each field by name (about forty times a customer row), and the dictionary's hashing
    /// of each name was a tenth of the parsing threads' time.
    private let slots: [Int32]

    private static func slot(_ key: String, mask: Int) -> Int {
        key.withUTF8Bytes { b in   // the bytes in place (a native string's), read by position
            let n = b.count
            guard n > 0 else { return 0 }
            return (n &* 131 &+ Int(b[0]) &* 31 &+ Int(b[n / 2]) &* 7 &+ Int(b[n - 1])) & mask
        }
    }

    /// The position of the column named `key` (the first, if the header names it twice); nil if the header lacks it.
    func index(of key: String) -> Int? {
        let mask = slots.count - 1
        var s = Self.slot(key, mask: mask)
        while true {
            let k = Int(slots[s])
            if k < 0 { return nil }
            if names[k] == key { return k }
            s = (s + 1) & mask
        }
    }
}

/// The cells of one CSV row read as a typed input's fields (`FieldSource`): the importer decodes a row
/// straight into `NewCustomer` with no JSON body built in between, by the decoder the API uses, so every
/// rule and every message is the API's.
///
/// A cell is read as its column's type says (`ExchangeKind.columns`): text as it is (less the export's
/// formula guard, `FormulaGuard.restore`); numbers as plain decimals; whole numbers; booleans `true`/`yes`/`1`
/// or `false`/`no`/`0` in any case; lists separated by `;`, each item trimmed; JSON as JSON text. An empty
/// cell is "not given". A cell its column's type cannot read is refused when the row is opened, the first
/// such cell from the left, with the messages the import always gave (`must be a number, got "x"`). A field
/// read as another type than its column's (never, for the kinds' own columns) gets the API's message for a
/// body holding that value.
struct CSVCellReader: FieldSource {
    private let columns: CSVColumns
    private let cells: [String]
    /// The value of each given cell of a column that is not text, read by its type (nil: not given); for a text
    /// column, the cell less its formula guard when it starts with an apostrophe (nil: the cell as it is).
    private var typed: [JSONValue?]
    /// Which columns the decoder has read, so `finish` refuses a given cell it never read, as `FieldReader` does.
    private var used: [Bool]

    /// Opens a row whose cells match the header (the caller checks the count).
    init(_ cells: [String], _ columns: CSVColumns) throws {
        self.columns = columns
        self.cells = cells
        used = Array(repeating: false, count: cells.count)
        typed = Array(repeating: nil, count: cells.count)
        for k in cells.indices where k < columns.types.count && !cells[k].isEmpty {
            if columns.types[k] == .text {
                // The guard is taken off once here, not each time the decoder asks for the cell (`text`).
                if cells[k].withUTF8Bytes({ $0.first }) == UInt8(ascii: "'") { typed[k] = .string(FormulaGuard.restore(cells[k])) }
                continue
            }
            let cell = FormulaGuard.restore(cells[k])
            if cell.isEmpty { continue }
            let name = columns.names[k]
            switch columns.types[k] {
            case .text: break
            case .number:
                // Digits, a sign, a point and an exponent only: Swift's Double("0x32") would read hexadecimal as 50.
                let text = cell.trimmedOfWhitespace
                guard text.allSatisfy({ "0123456789+-.eE".contains($0) }), let d = Double(text), d.isFinite else {
                    throw RetentionError.invalid(name, "must be a number, got \"\(cell)\"")
                }
                typed[k] = .number(d)
            case .integer:
                guard let v = Int(cell.trimmedOfWhitespace) else { throw RetentionError.invalid(name, "must be a whole number, got \"\(cell)\"") }
                typed[k] = .int(v)
            case .boolean:
                switch cell.lowercased() {
                case "true", "yes", "1": typed[k] = .bool(true)
                case "false", "no", "0": typed[k] = .bool(false)
                default: throw RetentionError.invalid(name, "must be true or false, got \"\(cell)\"")
                }
            case .list:
                typed[k] = .array(cell.split(separator: ";").map { .string(String($0).trimmedOfWhitespace) })
            case .json:
                do { typed[k] = try JSONValue.parse(cell) } catch let e as RetentionError {
                    throw RetentionError.invalid(name, "must be JSON: \(e.message)")
                }
            }
        }
    }

    func path(_ key: String) -> String { key }

    /// The text of a given cell of a text column (nil: not given).
    private func text(_ k: Int) -> String? {
        let raw = cells[k]
        if raw.isEmpty { return nil }
        guard case .string(let cell)? = typed[k] else { return raw }   // no apostrophe first: nothing to restore
        return cell.isEmpty ? nil : cell
    }

    /// The cell's value as the API's body would hold it (nil: not given), marking the column read.
    private mutating func value(_ key: String) -> (Int, JSONValue)? {
        guard let k = columns.index(of: key), k < cells.count else { return nil }
        used[k] = true
        if columns.types[k] == .text { return text(k).map { (k, .string($0)) } }
        return typed[k].map { (k, $0) }
    }

    /// A reading of one value by the API's own reader (its rules, its messages), for the cells read as
    /// another type than their column's, and for lists and JSON.
    private func read<T>(_ key: String, _ value: JSONValue, _ reading: (inout FieldReader) throws -> T) throws -> T {
        var one = try FieldReader(.object([(key, value)]))
        return try reading(&one)
    }

    mutating func has(_ key: String) -> Bool { value(key) != nil }

    mutating func optionalString(_ key: String) throws -> String? {
        guard let k = columns.index(of: key), k < cells.count else { return nil }
        used[k] = true
        guard columns.types[k] == .text else {
            guard let v = typed[k] else { return nil }
            return try read(key, v) { try $0.optionalString(key) }
        }
        guard let s = text(k) else { return nil }
        let t = s.trimmedOfWhitespace
        if t.utf8.count > 10_000, t.count > 10_000 { throw RetentionError.invalid(key, "is longer than 10,000 characters") }
        return t.isEmpty ? nil : t
    }

    mutating func optionalDouble(_ key: String) throws -> Double? {
        guard let (_, v) = value(key) else { return nil }
        if case .number(let d) = v { return d }
        return try read(key, v) { try $0.optionalDouble(key) }
    }

    mutating func optionalBool(_ key: String) throws -> Bool? {
        guard let (_, v) = value(key) else { return nil }
        if case .bool(let b) = v { return b }
        return try read(key, v) { try $0.optionalBool(key) }
    }

    mutating func optionalStringArray(_ key: String) throws -> [String]? {
        guard let (_, v) = value(key), !v.isNull else { return nil }
        return try FieldReader.stringArray(v, path: key)   // the reader's own rule, with no reader made for one value
    }

    mutating func optionalObject(_ key: String) throws -> FieldReader? {
        guard let (_, v) = value(key) else { return nil }
        return try read(key, v) { try $0.optionalObject(key) }
    }

    mutating func optionalJSONObject(_ key: String) throws -> JSONValue? {
        guard let (_, v) = value(key) else { return nil }
        return try read(key, v) { try $0.optionalJSONObject(key) }
    }

    func finish() throws {
        for k in cells.indices where k < columns.names.count && !used[k] {
            let given = columns.types[k] == .text ? text(k) != nil : typed[k] != nil
            if given { throw RetentionError.invalid(columns.names[k], "is not a known field here", code: "unknown_field") }
        }
    }
}
