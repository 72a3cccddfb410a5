/// The file line of each row an import wrote to one table, by row id. Row ids are handed out in order from the
/// first new one, so an array of lines (4 bytes a row) is enough: a key that comes twice in the file is found in
/// the book as the row the import wrote a moment ago, and its row id gives the line that had it first.
struct NewRowLines {
    /// The row id the import's first new row takes (the table's largest before it, plus one).
    let firstRowID: Int64
    private var lines: [Int32] = []

    init(firstRowID: Int64) { self.firstRowID = firstRowID }

    /// Notes that row `rowID` came from `line`. Only the next row id in order is noted, so a row id out of
    /// order can never give another row's line.
    mutating func note(rowID: Int64, line: Int) {
        if rowID == firstRowID + Int64(lines.count) { lines.append(Int32(clamping: line)) }
    }

    /// The line of row `rowID`, if this import wrote it (nil for a row the book held before).
    func line(ofRowID rowID: Int64) -> Int? {
        let k = rowID - firstRowID
        return k >= 0 && k < Int64(lines.count) ? Int(lines[Int(k)]) : nil
    }

    /// `refused`, a row's conflict on `key` in `column` of `table` (this table's), said again naming the line of
    /// the row this import wrote with that key (`RetentionError.twiceInFile`); as it was when the book held the
    /// key before the import. `table` and `column` are the caller's constants, never a value.
    func naming(_ refused: RetentionError, _ what: String, table: String, column: String, key: String, in db: Database) throws -> RetentionError {
        guard let rowID = try db.queryOne("SELECT id FROM \(table) WHERE \(column) = ?", [.text(key)], { $0.int64(0) }),
              let line = line(ofRowID: rowID) else { return refused }
        return .twiceInFile(refused.code, what, line: line, field: refused.field)
    }
}
