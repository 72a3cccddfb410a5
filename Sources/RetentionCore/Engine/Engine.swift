import Foundation

/// The engine: every operation of the product, over one database connection.
///
/// Operations live in extensions, one file per concept (`CustomerOperations`, `PolicyOperations`, ...).
/// Each takes `now` from its caller (time is an input, so tests pin it) and runs in one transaction
/// that rolls back on any error: a failed operation leaves the database as it was.
public final class Engine {
    /// The connection; internal: the dashboard and the command line ask the engine typed questions instead
    /// (BookState.swift), and tests reach it with `@testable import`.
    let db: Database
    /// Who is acting, for the audit trail (`--user`, else `$USER`).
    public var user: String
    /// Set while an import runs: rows are audited once for the whole file, not one entry each.
    var bulkImport = false
    /// The INSERT of a new customer, by the optional columns a body gave (an import's rows mostly give the
    /// same ones), so a row is not written by building and looking up its SQL text each time.
    var newCustomerInserts = ByColumnList<Statement>()

    public init(database: Database, user: String) {
        self.db = database
        self.user = user.isEmpty ? "unknown" : user
    }

    /// Appends an entry to the audit trail (who changed what, when). Called inside the operation's transaction.
    func audit(_ action: String, entity: String, id: String, details: JSONValue? = nil, now: Int) throws {
        if bulkImport && !action.hasPrefix("import.") { return }
        try db.run("INSERT INTO audit_log (at, user_name, action, entity_type, entity_id, details) VALUES (?, ?, ?, ?, ?, ?)",
                   [.int(Int64(now)), .text(user), .text(action), .text(entity), .text(id),
                    details.map { .text($0.serialized()) } ?? .null])
    }

    /// The internal row id of a customer's public id, or a not-found error.
    func customerRowID(_ uuid: String) throws -> Int64 {
        guard let id = try db.queryOne("SELECT id FROM customers WHERE uuid = ?", [.text(uuid)], { $0.int64(0) }) else {
            throw RetentionError.notFound("Customer", uuid)
        }
        return id
    }

    /// The row id of a customer who may still take new data, or `customer_erased` (409) once erased
    /// (see `RetentionError.customerErased`).
    func liveCustomerRowID(_ uuid: String) throws -> Int64 {
        guard let (id, erasedAt) = try db.queryOne("SELECT id, erased_at FROM customers WHERE uuid = ?", [.text(uuid)], { ($0.int64(0), $0.optionalInt(1)) }) else {
            throw RetentionError.notFound("Customer", uuid)
        }
        if erasedAt != nil { throw RetentionError.customerErased(uuid) }
        return id
    }

    func policyRowID(_ uuid: String) throws -> Int64 {
        guard let id = try db.queryOne("SELECT id FROM policies WHERE uuid = ?", [.text(uuid)], { $0.int64(0) }) else {
            throw RetentionError.notFound("Policy", uuid)
        }
        return id
    }

    /// A new public id.
    static func newID() -> String { TimeOrderedID.make() }
}
