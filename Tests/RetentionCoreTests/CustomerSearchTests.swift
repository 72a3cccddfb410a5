import Foundation
import Testing
@testable import RetentionCore

/// The customer search through the full-text index `customer_search` (schema v12): case folded for all of
/// Unicode, accents removed, names and e-mail matched from their start word by word; the index kept in step
/// with every write, and free of an erased customer's words.
@Suite struct CustomerSearchTests {
    /// The lead ids a search finds in the customer list (`GET /customers?search=`).
    func found(_ engine: Engine, _ text: String) throws -> Set<String> {
        var q = CustomerQuery()
        q.search = text
        q.limit = 1000
        let page = try engine.listCustomers(q)
        #expect(page.total == page.items.count, "search \"\(text)\"")
        return Set(page.items.map(\.leadId))
    }

    func add(_ engine: Engine, _ lead: String, _ first: String, _ last: String, _ email: String) throws -> Customer {
        try engine.createCustomer(NewCustomer(leadId: lead, agentId: "a", firstName: first, lastName: last, email: email), now: testNow)
    }

    @Test func caseAndAccentsDoNotMatter() throws {
        let engine = try makeEngine()
        _ = try add(engine, "zoe", "Zoë", "Brontë", "zoe.b@example.com")
        _ = try add(engine, "elo", "Élodie", "Dupont", "elodie@example.fr")
        _ = try add(engine, "jur", "Jürgen", "Groß", "jg@example.de")
        _ = try add(engine, "zed", "Zed", "Young", "zy@example.com")
        #expect(try found(engine, "ZOË") == ["zoe"], "ZOË finds Zoë (before v12 only ASCII letters ignored case)")
        #expect(try found(engine, "zoë") == ["zoe"])
        #expect(try found(engine, "zoe") == ["zoe"], "…and the e-mail zoe.b@ too")
        #expect(try found(engine, "BRONTE") == ["zoe"])
        #expect(try found(engine, "ÉLODIE") == ["elo"])
        #expect(try found(engine, "elodie dup") == ["elo"])
        #expect(try found(engine, "jurgen g") == ["jur"])
        #expect(try found(engine, "Z") == ["zoe", "zed"])
        #expect(try found(engine, "young") == ["zed"])
        #expect(try found(engine, "ou") == [], "a word's start, not its middle")
        // With another filter the count is the table's; alone, the index's: the same customers either way.
        var q = CustomerQuery()
        q.search = "Z"
        q.agentId = "a"
        #expect(try engine.listCustomers(q).total == 2)
        q.agentId = "b"
        #expect(try engine.listCustomers(q).total == 0)
    }

    /// The same people the LIKE-based search of schema v4 was tested on, with what the word-by-word rule finds.
    @Test func namesMatchWordByWordFromTheirStart() throws {
        let engine = try makeEngine()
        let people = [("Mary Ann", "Smith"), ("Mary", "Ann-Smith"), ("mary", "smithers"), ("John", "Doe"), ("Jo", "Hn Doe"), ("Zoë", "O'Neil"),
                      ("Ann", " Smith"), ("100%", "Real_Name"), ("Élodie", "Dupont")]
        for (i, (first, last)) in people.enumerated() {
            _ = try add(engine, "s\(i)", first, last, "p\(i)@example.com")
        }
        let expected: [(String, Set<String>)] = [
            ("mary", ["s0", "s1", "s2"]), ("MARY ANN", ["s0", "s1"]), ("mary ann s", ["s0", "s1"]), ("Mary A", ["s0", "s1"]),
            ("mary  smith", ["s2"]), ("mary smith", ["s2"]), ("john d", ["s3"]), ("jo hn", ["s4"]), ("jo hn doe", ["s4"]),
            // Words are cut at every character that is not a letter or digit: Ann-Smith is "ann smith".
            ("ann  s", ["s1", "s6"]), ("ann smith", ["s1", "s6"]), ("smith", ["s0", "s2", "s6"]),
            ("100%", ["s7"]), ("100% r", ["s7"]), ("real_", ["s7"]), ("zoë o'", ["s5"]), ("ZOË", ["s5"]), ("o'neil", ["s5"]),
            ("p3@", ["s3"]), ("p3@example.c", ["s3"]), ("example", []), ("nobody", []), ("a", ["s1", "s6"]),
            // No letter or digit: no word to look for, no one found (and no FTS5 syntax: quotes are text).
            ("%", []), ("-", []), ("\"", []), ("\"mary\" OR x", []), ("mary*", ["s0", "s1", "s2"]),
        ]
        for (text, leads) in expected {
            #expect(try found(engine, text) == leads, "search \"\(text)\"")
        }
        // Spaces alone are no search at all.
        #expect(Engine.nameSearchCondition("   ") == nil && Engine.nameSearchCondition(nil) == nil)
        var blank = CustomerQuery()
        blank.search = "  "
        #expect(try engine.listCustomers(blank).total == people.count)
        // The search reads the full-text index, never every customer.
        let (condition, params) = try #require(Engine.nameSearchCondition("mary ann s"))
        let plan = try engine.db.query("EXPLAIN QUERY PLAN SELECT c.id FROM customers c WHERE \(condition)", params) { $0.text(3) }
        #expect(!plan.contains { $0 == "SCAN c" || $0.hasPrefix("SCAN c ") }, "\(plan)")
        #expect(plan.contains { $0.contains("customer_search VIRTUAL TABLE") }, "\(plan)")
    }

    @Test func anEmailIsFoundByItsStart() throws {
        let engine = try makeEngine()
        _ = try add(engine, "js", "Jo", "Smith", "j.smith@example.com")
        _ = try add(engine, "jw", "Jo", "Wu", "jwu@smith.org")
        #expect(try found(engine, "j.smith@ex") == ["js"])
        #expect(try found(engine, "J.SMITH@EXAMPLE.COM") == ["js"])
        #expect(try found(engine, "jwu@") == ["jw"])
        #expect(try found(engine, "smith.org") == [], "the e-mail's start, not its domain")
    }

    @Test func theIndexFollowsUpdatesErasureAndImports() throws {
        let engine = try makeEngine()
        let c = try add(engine, "l1", "Zoë", "Ferris", "zf@example.com")
        _ = try add(engine, "l2", "Anna", "Ferris", "af@example.com")
        try engine.updateCustomer(id: c.id, try json(#"{"lastName":"Lindqvist","email":"zl@example.com"}"#), now: testNow + 1)
        #expect(try found(engine, "ferris") == ["l2"])
        #expect(try found(engine, "lindqvist") == ["l1"])
        #expect(try found(engine, "zl@") == ["l1"])
        #expect(try found(engine, "zf@") == [])
        // A change of something else leaves the index alone (the trigger fires only for names, e-mail, erasure).
        try engine.updateCustomer(id: c.id, try json(#"{"phone":"+1 217 555 0100"}"#), now: testNow + 2)
        #expect(try found(engine, "zoe lind") == ["l1"])
        try engine.eraseCustomer(customerId: c.id, now: testNow + 3, waitSeconds: 0)
        for gone in ["zoe", "lindqvist", "zl@"] { #expect(try found(engine, gone) == [], "\(gone) after the erasure") }
        #expect(try found(engine, "erased") == [], "an erased customer is not in the index at all")
        #expect(try engine.db.scalarInt("SELECT count(*) FROM customer_search WHERE customer_search MATCH 'zoe OR lindqvist OR zl'") == 0)
        // The index agrees with the table: FTS5's own check compares it with the rows it was given.
        try engine.db.execute("INSERT INTO customer_search (customer_search, rank) VALUES ('integrity-check', 0)")
        // An import, small (trigger per row) and large (the index filled after the rows), is searchable.
        let small = try engine.importCSV(.customers, text: "leadId,agentId,firstName,lastName,email\nimp-1,a,Åsa,Berg,asa@example.se\n", dryRun: false, now: testNow)
        #expect(small.succeeded)
        #expect(try found(engine, "asa berg") == ["imp-1"])
        var rows = "leadId,agentId,firstName,lastName,email\n"
        for i in 0..<10_500 { rows += "big-\(i),a,Ida\(i),Ström,ida\(i)@example.se\n" }
        let large = try engine.importCSV(.customers, text: rows, dryRun: false, now: testNow)
        #expect(large.succeeded && large.rows == 10_500)
        #expect(try found(engine, "ida10499 strom") == ["big-10499"])
        #expect(try engine.listCustomers({ var q = CustomerQuery(); q.search = "strom"; return q }()).total == 10_500)
        #expect(try engine.db.queryOne("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'customer_search_insert'") { $0.int(0) } == 1,
                "the trigger the large import put off is back")
        try engine.db.execute("INSERT INTO customer_search (customer_search, rank) VALUES ('integrity-check', 0)")
    }

    /// A book of schema 11 gets every customer not erased into the index when it is upgraded, in one statement.
    @Test func theUpgradeIndexesTheBook() throws {
        let db = try Database(path: ":memory:")
        for step in Migrations.all.prefix(11) { try db.execute(step) }
        try db.execute("PRAGMA application_id = \(Migrations.applicationID); PRAGMA user_version = 11")
        for (i, (first, erased)) in [("Zoë", false), ("Chloé", false), ("Erased", true)].enumerated() {
            try db.run("""
                INSERT INTO customers (uuid, lead_id, agent_id, first_name, last_name, email, customer_since, erased_at, created_at, updated_at)
                VALUES (?, ?, 'a', ?, 'Customer', ?, 0, ?, 0, 0)
                """, [.text("u\(i)"), .text("l\(i)"), .text(first), .text("c\(i)@example.com"), erased ? .int(1) : .null])
        }
        try Store.migrate(db)
        let engine = Engine(database: db, user: "t")
        #expect(try found(engine, "zoe") == ["l0"])
        #expect(try found(engine, "CHLOE") == ["l1"])
        #expect(try db.scalarInt("SELECT count(*) FROM customer_search WHERE customer_search MATCH 'customer'") == 2)
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name IN ('customers_first_name', 'customers_email')") == 0)
    }
}
