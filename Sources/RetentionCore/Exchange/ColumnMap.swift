import Foundation

/// A mapping from another system's CSV export to the columns `retention import` reads (`--map FILE`), so a
/// user does not rewrite their export by hand. A text file, one directive a line; `#` starts a comment line,
/// blank lines are skipped; names and values are trimmed of spaces and may hold spaces.
///
///     rename Policy Number -> policyNumber      # the export's column "Policy Number" is read as policyNumber
///     ignore Writing Company                    # a column of the export that is not imported
///     value status: A -> active                 # a cell of the (renamed) column status that is "A" becomes "active"
///     date effectiveDate: MM/DD/YYYY            # that column's dates are written MM/DD/YYYY (tokens YYYY MM DD M D)
///     dates: MM/DD/YYYY                         # every date column of the kind is written so
///     default premiumFrequency = annual         # fills the column's empty cells, or the whole column when missing
///
/// A rename's target, a value map's, a date's and a default's column must be a column of the kind; a
/// column may be renamed to once, a value mapped once, a column given one default and one date format (one
/// `dates:` line; a `date column:` line is that column's format whatever `dates:` says); a second one is an
/// error naming both lines. A default is a Retention value (not mapped or reformatted): it fills every empty
/// (or blank) cell of its column, and the whole column when the file (after its renames) lacks it.
/// Cells the value map does not name pass unchanged (the import's rules then judge them). A date cell that
/// does not fit its format is a bad row (line, column, reason), like any other. Applied to a file, a rename
/// whose source column is not in the file's header, or a column that is not the kind's after the map, is an
/// error naming the map's line (or the file's column).
public struct ColumnMap: Sendable, Equatable {
    public var renames: [String: String] = [:]
    public var ignored: Set<String> = []
    public var values: [String: [String: String]] = [:]
    public var dateFormats: [String: DateFormat] = [:]
    public var defaults: [(column: String, value: String)] = []
    /// The map's name (its path), the line of each rename by source column, and the kind's columns.
    var name = "map"
    var renameLines: [String: Int] = [:]
    var known: Set<String>? = nil

    public static func == (a: ColumnMap, b: ColumnMap) -> Bool {
        a.renames == b.renames && a.ignored == b.ignored && a.values == b.values && a.dateFormats == b.dateFormats
            && a.defaults.map(\.column) == b.defaults.map(\.column) && a.defaults.map(\.value) == b.defaults.map(\.value)
    }

    /// The date columns of each kind (written `YYYY-MM-DD` by export).
    public static func dateColumns(_ kind: ExchangeKind) -> [String] {
        switch kind {
        case .customers: ["dateOfBirth", "customerSince", "snoozedUntil"]
        case .policies: ["inceptionDate", "effectiveDate", "expirationDate", "lastRenewalDate", "endedAt"]
        case .events: []
        }
    }

    /// A date written in another order: `YYYY` four digits, `MM`/`DD` two, `M`/`D` one or two, any other
    /// character itself (`MM/DD/YYYY`, `D.M.YYYY`, `YYYYMMDD`).
    public struct DateFormat: Sendable, Equatable {
        enum Token: Sendable, Equatable { case year, month(fixed: Bool), day(fixed: Bool), literal(Character) }
        let tokens: [Token]
        public let text: String

        public init?(_ text: String) {
            var tokens: [Token] = []
            var rest = Substring(text)
            while let c = rest.first {
                if rest.hasPrefix("YYYY") { tokens.append(.year); rest = rest.dropFirst(4) }
                else if rest.hasPrefix("MM") { tokens.append(.month(fixed: true)); rest = rest.dropFirst(2) }
                else if rest.hasPrefix("DD") { tokens.append(.day(fixed: true)); rest = rest.dropFirst(2) }
                else if c == "M" { tokens.append(.month(fixed: false)); rest = rest.dropFirst() }
                else if c == "D" { tokens.append(.day(fixed: false)); rest = rest.dropFirst() }
                else if c.isLetter || c.isNumber { return nil }
                else { tokens.append(.literal(c)); rest = rest.dropFirst() }
            }
            let count = { (match: (Token) -> Bool) in tokens.filter(match).count }
            guard count({ $0 == .year }) == 1,
                  count({ if case .month = $0 { true } else { false } }) == 1,
                  count({ if case .day = $0 { true } else { false } }) == 1 else { return nil }
            self.tokens = tokens
            self.text = text
        }

        /// The date as `YYYY-MM-DD`, or nil when the text does not fit the format or is no calendar day.
        public func isoDate(_ value: String) -> String? {
            var rest = Substring(value)
            var year = 0, month = 0, day = 0
            func digits(_ min: Int, _ max: Int) -> Int? {
                let run = rest.prefix(while: { $0.isASCII && $0.isNumber }).prefix(max)
                guard run.count >= min, let n = Int(run) else { return nil }
                rest = rest.dropFirst(run.count)
                return n
            }
            for token in tokens {
                switch token {
                case .year: guard let n = digits(4, 4) else { return nil }; year = n
                case .month(let fixed): guard let n = digits(fixed ? 2 : 1, 2) else { return nil }; month = n
                case .day(let fixed): guard let n = digits(fixed ? 2 : 1, 2) else { return nil }; day = n
                case .literal(let c): guard rest.first == c else { return nil }; rest = rest.dropFirst()
                }
            }
            guard rest.isEmpty else { return nil }
            let iso = String(format: "%04d-%02d-%02d", year, month, day)
            return Timestamp.parseDate(iso) != nil && Timestamp.formatDate(Timestamp.parseDate(iso)!) == iso ? iso : nil
        }
    }

    public init() {}

    /// Reads a map file for `kind`. A line that is not a directive, a column that is not the kind's, a
    /// column renamed to twice, a date format without one year, month and day, is an error naming the line.
    public init(text: String, kind: ExchangeKind, name: String = "map") throws {
        let known = Set(kind.columns.map(\.name))
        let knownList = kind.columns.map(\.name).joined(separator: ", ")
        func fail(_ line: Int, _ message: String) -> RetentionError {
            RetentionError(.invalid, code: "invalid_map", "\(name): line \(line): \(message)", line: line)
        }
        func column(_ raw: Substring, _ line: Int) throws -> String {
            let c = raw.trimmingCharacters(in: .whitespaces)
            guard known.contains(c) else { throw fail(line, "\"\(c)\" is not a column of \(kind.rawValue); known columns: \(knownList)") }
            return c
        }
        func split(_ s: Substring, _ separator: String, _ line: Int, _ shape: String) throws -> (Substring, Substring) {
            guard let r = s.range(of: separator) else { throw fail(line, "expected \(shape)") }
            return (s[..<r.lowerBound], s[r.upperBound...])
        }
        self.name = name
        self.known = known
        var renamedTo: [String: Int] = [:]
        var defaultLines: [String: Int] = [:], dateLines: [String: Int] = [:], allDates: (DateFormat, Int)? = nil
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let trimmed = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let word = trimmed.prefix(while: { $0 != " " && $0 != ":" })
            let rest = trimmed.dropFirst(word.count)
            switch word {
            case "rename":
                let (from, to) = try split(rest, "->", line, "rename SOURCE COLUMN -> column")
                let source = from.trimmingCharacters(in: .whitespaces)
                guard !source.isEmpty else { throw fail(line, "the source column is empty") }
                let target = try column(to, line)
                if let earlier = renamedTo[target] { throw fail(line, "\(target) is renamed to twice (line \(earlier) too)") }
                if let earlier = renameLines[source] { throw fail(line, "\"\(source)\" is renamed twice (line \(earlier) too)") }
                renamedTo[target] = line
                renameLines[source] = line
                renames[source] = target
            case "ignore":
                let source = rest.trimmingCharacters(in: .whitespaces)
                guard !source.isEmpty else { throw fail(line, "expected ignore SOURCE COLUMN") }
                ignored.insert(source)
            case "value":
                let (c, mapping) = try split(rest, ":", line, "value column: SOURCE VALUE -> value")
                let target = try column(c, line)
                let (from, to) = try split(mapping, "->", line, "value \(target): SOURCE VALUE -> value")
                let source = from.trimmingCharacters(in: .whitespaces)
                if values[target]?[source] != nil { throw fail(line, "the value \"\(source)\" of \(target) is mapped twice") }
                values[target, default: [:]][source] = to.trimmingCharacters(in: .whitespaces)
            case "date", "dates":
                let (c, f) = word == "dates" ? ("", rest.drop(while: { $0 == " " }).dropFirst()) : try split(rest, ":", line, "date column: FORMAT")
                if word == "dates" && !rest.trimmingCharacters(in: .whitespaces).hasPrefix(":") { throw fail(line, "expected dates: FORMAT") }
                let formatText = f.trimmingCharacters(in: .whitespaces)
                guard let format = DateFormat(formatText) else {
                    throw fail(line, "date format \"\(formatText)\" must hold YYYY, MM (or M) and DD (or D) once each, e.g. MM/DD/YYYY")
                }
                let columns = word == "dates" ? Self.dateColumns(kind) : [try column(c, line)]
                if word == "date", !Self.dateColumns(kind).contains(columns[0]) {
                    throw fail(line, "\(columns[0]) is not a date column of \(kind.rawValue); date columns: \(Self.dateColumns(kind).joined(separator: ", "))")
                }
                if word == "dates" {
                    if let (_, earlier) = allDates { throw fail(line, "dates: is given twice (line \(earlier) too)") }
                    allDates = (format, line)
                } else {
                    if let earlier = dateLines[columns[0]] { throw fail(line, "\(columns[0]) has two date formats (line \(earlier) too)") }
                    dateLines[columns[0]] = line
                    dateFormats[columns[0]] = format
                }
            case "default":
                let (c, v) = try split(rest, "=", line, "default column = value")
                let target = try column(c, line)
                if let earlier = defaultLines[target] { throw fail(line, "\(target) has two defaults (line \(earlier) too)") }
                defaultLines[target] = line
                defaults.append((target, v.trimmingCharacters(in: .whitespaces)))
            default:
                throw fail(line, "unknown directive \"\(word)\"; a line is one of: rename, ignore, value, date, dates, default (or # a comment)")
            }
        }
        // `dates:` for every date column a `date column:` line does not give its own format.
        if let (format, _) = allDates {
            for c in Self.dateColumns(kind) where dateFormats[c] == nil { dateFormats[c] = format }
        }
    }

    /// The file with the map applied: the header renamed (ignored columns dropped, defaults added), value
    /// maps and date formats applied to the cells. Each record keeps its line, so the import's messages name
    /// the user's file. A date that does not fit its format is a problem of its line.
    public func apply(to text: String, name: String = "The text") throws -> (text: String, problems: [ImportProblem]) {
        var reader = CSV.Reader(text, name: name)
        var out = ""
        var problems: [ImportProblem] = []
        let wroteHeader = try apply(&reader, problems: { problems.append($0) }) { out += $0 }
        return (wroteHeader ? out : text, problems)
    }

    /// The map applied to a file read as it goes (`CSV.Reader(file:name:)`), the mapped CSV handed to `write` a
    /// piece at a time (a few thousand rows), never held whole: a large file is mapped with the memory of one
    /// batch. Each problem (a date that does not fit its format) goes to `problem` as it is found. Whether the
    /// file had a header (nothing is written when it has none).
    public func apply(_ reader: inout CSV.Reader, problems problem: (ImportProblem) -> Void, write: (String) throws -> Void) throws -> Bool {
        let name = reader.name
        guard let header = try reader.next(1).first else { return false }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        for (source, mapLine) in renameLines.sorted(by: { $0.value < $1.value }) where !names.contains(source) {
            throw RetentionError(.invalid, code: "invalid_map", "\(self.name): line \(mapLine): column \"\(source)\" is not in \(name)'s header.", line: mapLine)
        }
        let kept = names.indices.filter { !ignored.contains(names[$0]) }
        let newNames = kept.map { renames[names[$0]] ?? names[$0] }
        if let known {
            for (position, i) in kept.enumerated() where !known.contains(newNames[position]) {
                let how = renames[names[i]] == nil ? "the map \(self.name) does not rename it (add `rename \(names[i]) -> column` or `ignore \(names[i])`)"
                    : "the map \(self.name) renames \"\(names[i])\" to it (line \(renameLines[names[i]] ?? 0))"
                throw RetentionError(.invalid, code: "unknown_column",
                    "\(name): line \(header.line), column \(i + 1): unknown column \"\(newNames[position])\"; \(how); known columns: \(known.sorted().joined(separator: ", ")).",
                    field: newNames[position], line: header.line, column: i + 1)
            }
        }
        let added = defaults.filter { !newNames.contains($0.column) }
        let defaultOf = Dictionary(defaults.map { ($0.column, $0.value) }, uniquingKeysWith: { a, _ in a })
        try write(String(repeating: "\n", count: header.line - 1) + CSV.line(newNames + added.map(\.column)))
        var line = header.line + 1
        while true {
            let records = try reader.next(4_096)
            if records.isEmpty { break }
            var out = ""
            for record in records {
                if record.line > line { out += String(repeating: "\n", count: record.line - line) }
                var cells: [String] = []
                for (position, i) in kept.enumerated() {
                    guard i < record.fields.count else { break }
                    let column = newNames[position]
                    var cell = record.fields[i]
                    let trimmed = cell.trimmingCharacters(in: .whitespaces)
                    // A default fills an empty cell, as it fills a missing column.
                    if trimmed.isEmpty, let value = defaultOf[column] { cells.append(value); continue }
                    if let mapped = values[column]?[trimmed] { cell = mapped }
                    if let format = dateFormats[column], !trimmed.isEmpty, values[column]?[trimmed] == nil {
                        if let iso = format.isoDate(trimmed) { cell = iso } else {
                            problem(ImportProblem(line: record.line, column: column, reason: "must be a date written \(format.text), got \"\(trimmed)\""))
                        }
                    }
                    cells.append(cell)
                }
                // A short row stays short, so the import reports its cell count as it would.
                if record.fields.count >= names.count { cells += added.map(\.value) }
                let written = CSV.line(cells)
                out += written
                line = record.line + written.utf8.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
            }
            try write(out)
        }
        return true
    }
}
