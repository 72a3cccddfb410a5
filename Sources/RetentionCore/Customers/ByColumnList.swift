/// Something made once for each list of columns a new customer's row gives (its INSERT statement, its place in a
/// multi-row INSERT), found again by that list. An import's rows mostly give the same columns, so the last list is
/// tried first, compared with the row's assignments without building the list.
struct ByColumnList<Value> {
    private var made: [[String]: Value] = [:]
    private var last: ([String], Value)?

    /// The value for the columns of `assignments` (in their order), made by `make` the first time they are seen.
    mutating func value(for assignments: [(String, SQLValue)], make: ([String]) throws -> Value) rethrows -> Value {
        if let (columns, value) = last, columns.count == assignments.count, zip(columns, assignments).allSatisfy({ $0 == $1.0 }) {
            return value
        }
        let columns = assignments.map(\.0)
        let value: Value
        if let known = made[columns] {
            value = known
        } else {
            value = try make(columns)
            made[columns] = value
        }
        last = (columns, value)
        return value
    }
}
