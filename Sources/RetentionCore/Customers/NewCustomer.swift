import Foundation

/// A customer to create from a converted lead (`Engine.createCustomer`, `POST /customers`, an import's row).
/// The API reads it from JSON in one place (API/Decoding/CustomerDecoding.swift); `validate` checks the rules
/// that need no database, each error naming the field. `leadId` must be new (checked as it is written).
public struct NewCustomer: Sendable {
    /// The customer's id, kept by an import only (`nil`: Retention assigns one).
    public var id: String?
    public var leadId: String
    /// The start of the day the customer joined (default: today).
    public var customerSince: Int?
    /// The customer's fields, read by the update's rules: `agentId`, `firstName`, `lastName` and `email` are required.
    public var fields: CustomerPatch
    /// An import only: the customer was erased at this instant (the record holds the erasure's placeholders).
    public var erasedAt: Int?

    public init(leadId: String, agentId: String, firstName: String, lastName: String, email: String,
                customerSince: Int? = nil, fields: CustomerPatch = CustomerPatch(), id: String? = nil) {
        self.id = id
        self.leadId = leadId
        self.customerSince = customerSince
        self.fields = fields
        self.fields.agentId = agentId
        self.fields.firstName = firstName
        self.fields.lastName = lastName
        self.fields.email = email
    }

    /// The rules that need no database. `importing` (an import) may keep an id, restore an erased customer and
    /// carry a snooze that has already ended.
    public func validate(now: Int, importing: Bool = false) throws {
        if let id {
            guard Validation.isUUID(id) else { throw RetentionError.invalid("id", "must be a UUID, got \"\(id)\"") }
            guard importing else { throw RetentionError.invalid("id", "is assigned by Retention; only `retention import` may keep an existing id") }
        }
        if leadId.isEmpty { throw RetentionError.invalid("leadId", "is required") }
        _ = try Validation.text(leadId, field: "leadId", maxLength: 100)
        if let customerSince, customerSince > now { throw RetentionError.invalid("customerSince", "cannot be in the future") }
        if erasedAt != nil {
            guard importing else { throw RetentionError.invalid("erasedAt", "only `retention import` may restore an erased customer") }
            guard let agent = fields.agentId, !agent.isEmpty else { throw RetentionError.invalid("agentId", "is required") }
            _ = try Validation.text(agent, field: "agentId", maxLength: 100)
            for (key, value) in [("state", fields.state), ("country", fields.country)] {
                if let v = value ?? nil { _ = try Validation.text(v, field: key) }
            }
            return
        }
        // The first missing one, in this order (each in turn, no list of them made: an import checks every row).
        if fields.agentId == nil { throw RetentionError.invalid("agentId", "is required") }
        if fields.firstName == nil { throw RetentionError.invalid("firstName", "is required") }
        if fields.lastName == nil { throw RetentionError.invalid("lastName", "is required") }
        if fields.email == nil { throw RetentionError.invalid("email", "is required") }
        try fields.validate(now: now, importing: importing)
    }

    /// The customer as it is written: its id (a new one unless kept), lead, start and column values. An
    /// erased customer keeps what an erasure keeps (agent, state, country, preferred channel) and the
    /// erasure's placeholders.
    func prepared(now: Int) -> PreparedCustomer {
        let id = self.id?.lowercasedASCIIFast ?? Engine.newID()
        let since = customerSince ?? Timestamp.startOfDay(now)
        guard let erasedAt else {
            let f = CustomerFields(fields.snoozeInTheCustomersZone(timeZone: fields.timeZone ?? nil, state: fields.state ?? nil))
            return PreparedCustomer(id: id, leadId: leadId, since: since, fields: f)
        }
        var f = CustomerFields()
        f.set("agent_id", "agentId", .text(fields.agentId ?? ""))
        if let v = fields.state ?? nil { f.set("state", "state", .text(v)) }
        if let v = fields.country ?? nil { f.set("country", "country", .text(v)) }
        if let m = fields.preferredContactMethod ?? nil { f.set("preferred_contact_method", "preferredContactMethod", .text(m.rawValue)) }
        for (column, field, value) in [("first_name", "firstName", SQLValue.text("Erased")), ("last_name", "lastName", .text("Customer")),
                                       ("email", "email", .text("erased-\(id)@invalid")), ("do_not_contact", "doNotContact", .int(1)),
                                       ("erased_at", "erasedAt", .int(Int64(erasedAt)))] {
            f.set(column, field, value)
        }
        return PreparedCustomer(id: id, leadId: "erased-" + id, since: since, fields: f)
    }
}

/// A validated new customer as its row is written.
struct PreparedCustomer: Sendable {
    var id: String
    var leadId: String
    var since: Int
    var fields: CustomerFields

    /// The columns every new customer's row gives before its fields, in this order (`bindFixedColumns`).
    static let fixedColumns = ["uuid", "lead_id", "customer_since", "created_at", "updated_at"]

    /// Binds the values of `fixedColumns` to the parameters `first` … `first + 4` of `statement`, bound value by
    /// value (no array of the row's values is built); the texts through `arena` when one is given
    /// (`Statement.bind(text:at:arena:)`).
    func bindFixedColumns(now: Int, to statement: Statement, from first: Int32, arena: TextArena? = nil) throws {
        if let arena {
            try statement.bind(text: id, at: first, arena: arena)
            try statement.bind(text: leadId, at: first + 1, arena: arena)
        } else {
            try statement.bind(.text(id), at: first)
            try statement.bind(.text(leadId), at: first + 1)
        }
        try statement.bind(.int(Int64(since)), at: first + 2)
        try statement.bind(.int(Int64(now)), at: first + 3)
        try statement.bind(.int(Int64(now)), at: first + 4)
    }
}
