// FROZEN: schema version 6 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// v6, for the customer list sorted by next renewal or by last contact, which sorted every customer
    /// (0.5–1.4 s at a million): both orders get an index. Customers with no renewal sort after every date,
    /// so the renewal order is the date with a missing one read as the largest integer (the list's sort key
    /// is the same expression, `CustomerQuery.Sort.renewalKey`). Neither column changes in a rescore; the
    /// scores' own orders (risk, LTV) get no index for that reason (see v3).
    enum Version06 {
        static let sql = """
        CREATE INDEX customers_renewal ON customers(coalesce(next_renewal_date, 9223372036854775807));
        CREATE INDEX customers_last_contact ON customers(last_contact_date);
        """
    }
}
