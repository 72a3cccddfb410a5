import Foundation

extension NewCustomer {
    /// Reads `POST /customers`'s body (or an import's row): `leadId`, the customer's fields (the address nested
    /// or flat), and when `allowIdentity` (an import) `id`, `customerSince` and `erasedAt`. An erased customer's
    /// row keeps only what an erasure keeps (`agentId`, `state`, `country`, `preferredContactMethod`); its other
    /// cells are not read. Errors name the field.
    public init(json body: JSONValue, allowIdentity: Bool = false) throws {
        var r = try FieldReader(body)
        try self.init(reading: &r, allowIdentity: allowIdentity)
    }

    /// Reads a new customer from any source of fields (a JSON body, an import's CSV cells), by the same rules.
    init<Source: FieldSource>(reading r: inout Source, allowIdentity: Bool) throws {
        let id = try r.importedID(allowIdentity: allowIdentity)
        let leadId = try r.string("leadId")
        try r.refuseID(unlessImporting: allowIdentity)
        let since = try r.optionalDate("customerSince")
        if let erasedAt = allowIdentity ? try r.optionalInstant("erasedAt") : nil {
            var fields = CustomerPatch()
            fields.agentId = try r.string("agentId")
            if let v = try r.optionalString("state") { fields.state = .some(v) }
            if let v = try r.optionalString("country") { fields.country = .some(v) }
            if let m = try r.optionalChoice("preferredContactMethod", ContactChannel.self) { fields.preferredContactMethod = .some(m) }
            self.init(leadId: leadId, agentId: fields.agentId!, firstName: "", lastName: "", email: "", customerSince: since, fields: fields, id: id)
            self.fields.firstName = nil
            self.fields.lastName = nil
            self.fields.email = nil
            self.erasedAt = erasedAt
            return
        }
        let fields = try CustomerPatch(reading: &r, creating: true)
        try r.finish()
        self.init(leadId: leadId, agentId: fields.agentId!, firstName: fields.firstName!, lastName: fields.lastName!, email: fields.email!,
                  customerSince: since, fields: fields, id: id)
    }
}

extension CustomerPatch {
    /// Reads `PATCH /customers/:id`'s body: `version` and any writable field of a customer, the address
    /// nested (`address.street`, ...) as in the spec's create body or flat as in its model. Errors name the field.
    public init(json body: JSONValue) throws {
        var r = try FieldReader(body)
        let version = try r.optionalInt("version")
        try self.init(reading: &r, creating: false)
        self.version = version
        try r.finish()
    }

    /// Reads the writable fields of a customer from a create (`creating`: the names and e-mail are
    /// required) or update body, leaving the reader open for the caller's other fields.
    init<Source: FieldSource>(reading r: inout Source, creating: Bool) throws {
        self.init()
        func requiredText(_ key: String) throws -> String? {
            if creating { return try r.string(key) }
            guard r.has(key) else { return nil }
            guard let v = try r.optionalString(key) else { throw RetentionError.invalid(key, "cannot be empty") }
            return v
        }
        func optionalText<S: FieldSource>(_ r: inout S, _ key: String) throws -> String?? {
            guard r.has(key) else { return nil }
            return .some(try r.optionalString(key))
        }
        agentId = try requiredText("agentId")
        firstName = try requiredText("firstName")
        lastName = try requiredText("lastName")
        email = try requiredText("email")
        phone = try optionalText(&r, "phone")
        if r.has("dateOfBirth") { dateOfBirth = .some(try r.optionalDate("dateOfBirth")) }
        // The address: nested as in the spec's create body, or flat as in its model (which wins if both are given).
        // (Five optionals, not a dictionary of them: an import reads this for every row.)
        if var nested = try r.optionalObject("address") {
            func nestedText(_ key: String) throws -> String?? {
                guard let v = try optionalText(&nested, key) else { return nil }
                if let text = v { _ = try Validation.text(text, field: nested.path(key)) }
                return .some(v)
            }
            street = try nestedText("street")
            city = try nestedText("city")
            state = try nestedText("state")
            zipCode = try nestedText("zipCode")
            country = try nestedText("country")
            try nested.finish()
        }
        if let v = try optionalText(&r, "street") { street = .some(v) }
        if let v = try optionalText(&r, "city") { city = .some(v) }
        if let v = try optionalText(&r, "state") { state = .some(v) }
        if let v = try optionalText(&r, "zipCode") { zipCode = .some(v) }
        if let v = try optionalText(&r, "country") { country = .some(v) }
        timeZone = try optionalText(&r, "timeZone")
        if r.has("preferredContactMethod") { preferredContactMethod = .some(try r.optionalChoice("preferredContactMethod", ContactChannel.self)) }
        tags = try r.optionalStringArray("tags")
        if r.has("metadata") { metadata = .some(try r.optionalJSONObject("metadata")) }
        if r.has("satisfactionScore") { satisfactionScore = .some(try r.optionalDouble("satisfactionScore")) }
        doNotContact = try r.optionalBool("doNotContact")
        if let channels = try r.optionalStringArray("optedOutChannels") {
            var set = Set<ContactChannel>()
            for (i, c) in channels.enumerated() {
                guard let ch = ContactChannel(rawValue: c.lowercased()) else {
                    throw RetentionError.invalid("optedOutChannels[\(i)]", "must be one of \(ContactChannel.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(c)\"")
                }
                set.insert(ch)
            }
            optedOutChannels = set
        }
        assignedTo = try optionalText(&r, "assignedTo")
        if r.has("snoozedUntil") { snoozedUntil = .some(try r.optionalDate("snoozedUntil")) }
    }
}
