import Foundation

/// A partial update of a customer (`Engine.updateCustomer`, `PATCH /customers/:id`), and the fields of a new
/// customer (`POST /customers`, read through the same rules). Only the fields given change; a double
/// optional is a field that may be cleared: `.some(nil)` clears it. The API reads it from JSON in one place
/// (API/Decoding/CustomerDecoding.swift); `validate` checks the rules that need no database, each error
/// naming the field.
public struct CustomerPatch: Sendable {
    /// The version read before editing: the update is refused if the customer changed since.
    public var version: Int?
    public var agentId: String?
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var phone: String??
    public var dateOfBirth: Int??
    public var street: String??
    public var city: String??
    public var state: String??
    public var zipCode: String??
    public var country: String??
    /// An IANA time zone like America/Chicago.
    public var timeZone: String??
    public var preferredContactMethod: ContactChannel??
    /// Replaces the tags (at most 50, each one line of at most 50 characters without `;`).
    public var tags: [String]?
    /// A JSON object, free-form.
    public var metadata: JSONValue??
    /// 0 to 100.
    public var satisfactionScore: Double??
    public var doNotContact: Bool?
    /// Replaces the channels the customer opted out of (each change of consent is recorded).
    public var optedOutChannels: Set<ContactChannel>?
    public var assignedTo: String??
    /// Hides the customer from the at-risk queue until this date (a future one; null ends the snooze).
    public var snoozedUntil: Int??

    public init() {}

    /// The rules that need no database. `importing`: a record from an export file, which may carry a snooze
    /// that has already ended.
    public func validate(now: Int, importing: Bool = false) throws {
        // (Each field in turn, not a list of them: an import checks a million rows, and each list was an allocation.)
        func name(_ key: String, _ value: String?) throws {
            guard let value else { return }
            if value.isEmpty { throw RetentionError.invalid(key, "cannot be empty") }
            _ = try Validation.text(value, field: key, maxLength: 100)
        }
        try name("agentId", agentId)
        try name("firstName", firstName)
        try name("lastName", lastName)
        if let email {
            if email.isEmpty { throw RetentionError.invalid("email", "cannot be empty") }
            _ = try Validation.email(email)
        }
        if let p = phone ?? nil { _ = try Validation.phone(p) }
        if let dob = dateOfBirth ?? nil, dob > now { throw RetentionError.invalid("dateOfBirth", "cannot be in the future") }
        func address(_ key: String, _ value: String??) throws {
            if let v = value ?? nil { _ = try Validation.text(v, field: key, maxLength: 200) }
        }
        try address("street", street)
        try address("city", city)
        try address("state", state)
        try address("zipCode", zipCode)
        try address("country", country)
        if let zone = timeZone ?? nil, TimeZone(identifier: zone) == nil {
            throw RetentionError.invalid("timeZone", "must be an IANA time zone like America/Chicago, got \"\(zone)\"")
        }
        if let tags {
            for (i, t) in tags.enumerated() { _ = try Validation.tag(t, field: "tags[\(i)]") }
            guard tags.count <= 50 else { throw RetentionError.invalid("tags", "must hold at most 50 tags") }
        }
        if let m = metadata ?? nil, m.objectPairs == nil { throw RetentionError.invalid("metadata", "must be a JSON object, got \(m.typeName)") }
        if let s = satisfactionScore ?? nil, !(0...100).contains(s) {
            throw RetentionError.invalid("satisfactionScore", "must be between 0 and 100, got \(JSONValue.format(number: s))")
        }
        if let a = assignedTo ?? nil { _ = try Validation.text(a, field: "assignedTo", maxLength: 100) }
        // As POST …/snooze does: a snooze ends in the future (null ends it now).
        if let until = snoozedUntil ?? nil, until <= now, !importing {
            throw RetentionError.invalid("snoozedUntil", "must be a future date (or null to end the snooze)")
        }
    }
}

extension CustomerPatch {
    /// A snooze given as a date (00:00 UTC of it, as the API and a CSV give it) ends at the start of that day
    /// where the customer is (`CustomerZone.snoozeEnd`: never before 00:00 UTC of it), as a snooze set in the
    /// dashboard does; an instant that is not a date's is kept. `timeZone` and `state` are the customer's after
    /// the change.
    func snoozeInTheCustomersZone(timeZone: String?, state: String?) -> CustomerPatch {
        guard let until = snoozedUntil ?? nil else { return self }
        var p = self
        p.snoozedUntil = .some(CustomerZone.resolve(timeZone: timeZone, state: state).snoozeEnd(given: until))
        return p
    }
}

/// The writable fields of a customer as SQL assignments, from a validated patch.
struct CustomerFields {
    var assignments: [(String, SQLValue)] = []
    var changedFieldNames: [String] = []
    var tags: [String]?
    var optedOutChannels: Set<ContactChannel>?

    mutating func set(_ column: String, _ field: String, _ value: SQLValue) {
        assignments.append((column, value))
        changedFieldNames.append(field)
    }

    init() {}

    /// The assignments of a patch, in the order of the API's fields.
    init(_ p: CustomerPatch) {
        // Room for every field at once: a new customer gives most of them, and the lists grown one by one were
        // made five or six times each (an import prepares a million of these).
        assignments.reserveCapacity(18)
        changedFieldNames.reserveCapacity(18)
        if let v = p.agentId { set("agent_id", "agentId", .text(v)) }
        if let v = p.firstName { set("first_name", "firstName", .text(v)) }
        if let v = p.lastName { set("last_name", "lastName", .text(v)) }
        if let v = p.email { set("email", "email", .text(v)) }
        if let v = p.phone { set("phone", "phone", .init(v)) }
        if let v = p.dateOfBirth { set("date_of_birth", "dateOfBirth", .init(v)) }
        for (key, value) in [("street", p.street), ("city", p.city), ("state", p.state), ("zipCode", p.zipCode), ("country", p.country)] {
            if let v = value { set(Self.addressColumn(key), key, .init(v)) }
        }
        if let v = p.timeZone { set("time_zone", "timeZone", .init(v)) }
        if let v = p.preferredContactMethod { set("preferred_contact_method", "preferredContactMethod", .init(v?.rawValue)) }
        tags = p.tags
        if let v = p.metadata { set("metadata", "metadata", .init(v?.serialized())) }
        if let v = p.satisfactionScore { set("satisfaction_score", "satisfactionScore", .init(v)) }
        if let v = p.doNotContact { set("do_not_contact", "doNotContact", .init(v)) }
        optedOutChannels = p.optedOutChannels
        if let v = p.assignedTo { set("assigned_to", "assignedTo", .init(v)) }
        if let v = p.snoozedUntil { set("snoozed_until", "snoozedUntil", .init(v)) }
    }

    static func addressColumn(_ key: String) -> String { key == "zipCode" ? "zip_code" : key }
}
