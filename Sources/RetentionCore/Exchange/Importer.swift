import Foundation

/// One rejected row of an import.
public struct ImportProblem: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: String?
    public var reason: String
    public var description: String { "line \(line)\(column.map { ", column \($0)" } ?? ""): \(reason)" }
}

/// What an import did (or, for a dry run, would do).
public struct ImportResult: Sendable {
    public var kind: ExchangeKind
    public var rows: Int
    public var problems: [ImportProblem]
    public var dryRun: Bool
    public var succeeded: Bool { problems.isEmpty }
}

extension Engine {
    /// Imports a CSV file of customers, policies or events, all or nothing.
    ///
    /// Every row is validated by the same rules as the API. If any row is bad, nothing is written and
    /// the result lists the bad rows (the first `maxProblems`), each with its line, column and reason.
    /// `dryRun` validates everything and writes nothing. Imported events are history: they do not
    /// add to policy totals again (those come from the policies file).
    public func importCSV(_ kind: ExchangeKind, text: String, dryRun: Bool, now: Int, maxProblems: Int = 50) throws -> ImportResult {
        var problems: [ImportProblem] = []
        var header: [String] = []
        var rows = 0
        var totalProblems = 0
        let columnTypes = Dictionary(uniqueKeysWithValues: kind.columns.map { ($0.name, $0.type) })
        struct Rollback: Error {}
        do {
            try db.transaction {
                bulkImport = true
                defer { bulkImport = false }
                try CSV.parse(text) { record in
                    if header.isEmpty {
                        header = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
                        for (i, name) in header.enumerated() where columnTypes[name] == nil {
                            throw RetentionError(.invalid, code: "unknown_column",
                                "Line \(record.line), column \(i + 1): unknown column \"\(name)\"; known columns: \(kind.columns.map(\.name).joined(separator: ", ")).",
                                field: name, line: record.line)
                        }
                        if let dup = Dictionary(grouping: header, by: { $0 }).first(where: { $0.value.count > 1 }) {
                            throw RetentionError(.invalid, code: "duplicate_column", "Line \(record.line): column \"\(dup.key)\" appears twice.", field: dup.key, line: record.line)
                        }
                        let missing = kind.requiredColumns.subtracting(header)
                        if !missing.isEmpty {
                            throw RetentionError(.invalid, code: "missing_column", "Line \(record.line): the header lacks the required column(s) \(missing.sorted().joined(separator: ", ")).",
                                                 line: record.line)
                        }
                        return
                    }
                    rows += 1
                    do {
                        guard record.fields.count == header.count else {
                            throw RetentionError.invalid("", "has \(record.fields.count) cells but the header has \(header.count)")
                        }
                        let body = try Self.jsonBody(record.fields, header: header, types: columnTypes)
                        try db.transaction {
                            switch kind {
                            case .customers: _ = try insertCustomer(body, now: now, allowIdentity: true)
                            case .policies: _ = try createPolicy(body, now: now, allowIdentity: true)
                            case .events: _ = try createEvent(body, now: now, allowIdentity: true, applySideEffects: false)
                            }
                        }
                    } catch let e as RetentionError {
                        totalProblems += 1
                        if problems.count < maxProblems {
                            problems.append(ImportProblem(line: record.line, column: (e.field?.isEmpty ?? true) ? nil : e.field, reason: e.message))
                        }
                    }
                }
                if header.isEmpty {
                    throw RetentionError(.invalid, code: "empty_file", "The file is empty: it needs a header row of column names.", line: 1)
                }
                if dryRun || totalProblems > 0 { throw Rollback() }
                try audit("import.\(kind.rawValue)", entity: "import", id: kind.rawValue, details: .object([("rows", .int(rows))]), now: now)
            }
        } catch is Rollback {}
        return ImportResult(kind: kind, rows: rows, problems: problems, dryRun: dryRun)
    }

    /// Turns the cells of one row into the API's JSON body, typed by column. Empty cells are omitted.
    static func jsonBody(_ cells: [String], header: [String], types: [String: ExchangeKind.CellType]) throws -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        for (name, raw) in zip(header, cells) {
            let cell = FormulaGuard.restore(raw)
            if cell.isEmpty { continue }
            switch types[name] ?? .text {
            case .text: pairs.append((name, .string(cell)))
            case .number:
                guard let d = Double(cell.trimmingCharacters(in: .whitespaces)), d.isFinite else {
                    throw RetentionError.invalid(name, "must be a number, got \"\(cell)\"")
                }
                pairs.append((name, .number(d)))
            case .integer:
                guard let v = Int(cell.trimmingCharacters(in: .whitespaces)) else { throw RetentionError.invalid(name, "must be a whole number, got \"\(cell)\"") }
                pairs.append((name, .int(v)))
            case .boolean:
                switch cell.lowercased() {
                case "true", "yes", "1": pairs.append((name, .bool(true)))
                case "false", "no", "0": pairs.append((name, .bool(false)))
                default: throw RetentionError.invalid(name, "must be true or false, got \"\(cell)\"")
                }
            case .list:
                pairs.append((name, .array(cell.split(separator: ";").map { .string($0.trimmingCharacters(in: .whitespaces)) })))
            case .json:
                do { pairs.append((name, try JSONValue.parse(cell))) } catch let e as RetentionError {
                    throw RetentionError.invalid(name, "must be JSON: \(e.message)")
                }
            }
        }
        return .object(pairs)
    }
}
