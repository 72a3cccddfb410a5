// FROZEN: schema version 4 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// v4, for searching and listing a large book:
    /// - an index on the first name (case-insensitive): a customer search unions the first-name, name and
    ///   e-mail indexes instead of reading every customer (4.7 s at a million customers);
    /// - a partial index of erased customers: the unfiltered customer list counts the table less them
    ///   from indexes alone.
    enum Version04 {
        static let sql = """
        CREATE INDEX customers_first_name ON customers(first_name COLLATE NOCASE);
        CREATE INDEX customers_erased ON customers(erased_at) WHERE erased_at IS NOT NULL;
        """
    }
}
