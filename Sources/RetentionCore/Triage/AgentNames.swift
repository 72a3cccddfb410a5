import Foundation

/// Who the agents and owners a specialist sees are, by name (the `agents` table: id, name, email, phone).
extension Engine {
    /// The names of the agents among `ids` (customers' agents, owners, task assignees), by id; an id with no
    /// row in `agents`, or a blank name, is left out (the caller shows the id). One read through the agents'
    /// primary key for a list's distinct ids, in chunks of 500 bound parameters.
    public func agentNames(ids: some Sequence<String>) throws -> [String: String] {
        let distinct = Array(Set(ids))
        var names: [String: String] = [:]
        for start in stride(from: 0, to: distinct.count, by: 500) {
            let chunk = distinct[start..<min(start + 500, distinct.count)]
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            for (id, name) in try db.query("SELECT id, name FROM agents WHERE id IN (\(marks))", chunk.map { .text($0) }, { ($0.text(0), $0.text(1)) })
            where !name.trimmingCharacters(in: .whitespaces).isEmpty {
                names[id] = name
            }
        }
        return names
    }
}
