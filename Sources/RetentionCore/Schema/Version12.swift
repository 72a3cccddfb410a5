// FROZEN: schema version 12 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// Version 12: one full-text index for the customer search (`Engine.nameSearchCondition`), in place of the
    /// first-name and e-mail indexes of versions 1 and 4 (the name index stays: it gives the list's order).
    /// - `customer_search`: an FTS5 index, contentless (it keeps no copy of the text, only its tokens), of
    ///   each customer not erased, by row id: `name` (first and last name), `last_name` and `email`. The
    ///   tokenizer folds case for all of Unicode and removes diacritics (`ZOË` finds `Zoë`, `elodie` finds
    ///   `Élodie`); `columnsize=0`: no ranking, so no sizes kept.
    /// - triggers keep it in step with every write of a customer: an insert adds the customer; a change of
    ///   a name, the e-mail or the erasure takes the old tokens out (a contentless index needs the old
    ///   values for that) and, unless the customer is now erased, puts the new ones in; a delete takes them
    ///   out. An erasure also merges the index (`optimize`) so no page keeps the erased tokens.
    /// - the index is filled from the customers in one statement.
    enum Version12 {
        static let sql = """
        CREATE VIRTUAL TABLE customer_search USING fts5(name, last_name, email, content='', columnsize=0, tokenize='unicode61 remove_diacritics 2');
        INSERT INTO customer_search (rowid, name, last_name, email)
            SELECT id, first_name || ' ' || last_name, last_name, email FROM customers WHERE erased_at IS NULL;

        CREATE TRIGGER customer_search_insert AFTER INSERT ON customers WHEN NEW.erased_at IS NULL
        BEGIN
            INSERT INTO customer_search (rowid, name, last_name, email) VALUES (NEW.id, NEW.first_name || ' ' || NEW.last_name, NEW.last_name, NEW.email);
        END;

        CREATE TRIGGER customer_search_update AFTER UPDATE OF first_name, last_name, email, erased_at ON customers
        WHEN OLD.first_name IS NOT NEW.first_name OR OLD.last_name IS NOT NEW.last_name OR OLD.email IS NOT NEW.email OR OLD.erased_at IS NOT NEW.erased_at
        BEGIN
            INSERT INTO customer_search (customer_search, rowid, name, last_name, email)
                SELECT 'delete', OLD.id, OLD.first_name || ' ' || OLD.last_name, OLD.last_name, OLD.email WHERE OLD.erased_at IS NULL;
            INSERT INTO customer_search (rowid, name, last_name, email)
                SELECT NEW.id, NEW.first_name || ' ' || NEW.last_name, NEW.last_name, NEW.email WHERE NEW.erased_at IS NULL;
        END;

        CREATE TRIGGER customer_search_delete AFTER DELETE ON customers WHEN OLD.erased_at IS NULL
        BEGIN
            INSERT INTO customer_search (customer_search, rowid, name, last_name, email)
                VALUES ('delete', OLD.id, OLD.first_name || ' ' || OLD.last_name, OLD.last_name, OLD.email);
        END;

        DROP INDEX customers_first_name;
        DROP INDEX customers_email;
        """
    }
}
