import Foundation
import Testing
@testable import RetentionCore

/// The byte-level shortcuts an import takes for every cell (a text's bytes read in place, an id left as it is
/// when it has no capital, a plan of a run found by the set of its columns, texts bound from an arena) give
/// exactly what the general code they short-cut gives: each is checked here against that code, written out as
/// it was, on chosen odd texts and on many made at random (a fixed seed).
@Suite struct ImportFastPathTests {
    /// A small seeded generator (the same texts every run).
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state
        }
    }

    static let odd: [String] = [
        "", " ", "'", "''", "'=1+2", "''=1", "'-x", "'\u{301}=1", "'\u{301}", "=SUM(A1)", "+1 555", "-3", "@home", "\tx", "\rx",
        "'a", "a'", "é", "É", "İstanbul", "STRASSE", "straße", "ǅ", "ABC-def", "abc", "019ECB27-2200-7000-8000-00012972B860",
        "019ecb27-2200-7000-8000-00012972b860", "019ecb27-2200-7000-8000-00012972b86", "019ecb27-2200-7000-8000-00012972b8é",
        "019ecb27-2200-7000-8000-00012972b8600", "019ecb2722007000800000012972b860ab12", "g19ecb27-2200-7000-8000-00012972b860",
        "a@b.c", "a@b", "@b.c", "a@@b.c", "a@b..c", "a@.b.c", "a@b.c.", "zoë@exämple.com", "a b@c.d", "a<b@c.d", "a\\b@c.d",
        "a\"b@c.d", "a;b@c.d", "a:b@c.d", "a,b@c.d", "a(b)@c.d", "a[b]@c.d", "a\u{7F}b@c.d", "a\u{85}b@c.d",
        " padded ", "\u{A0}nbsp\u{A0}", "\nline\n", "x\u{2028}", "\u{1F600}", "e\u{301}", "Zoë O'Brien-Smith",
        String(repeating: "a", count: 250) + "@b.co", String(repeating: "é", count: 130) + "@b.co",
    ]

    /// `count` texts made at random from bytes and characters an import meets (and some it rarely does).
    static func randomTexts(_ count: Int) -> [String] {
        let pieces = ["'", "=", "+", "-", "@", ".", " ", "\t", "\r", "\n", "a", "Z", "f", "F", "0", "9", "-", "é", "É", "ß", "İ",
                      "\u{301}", "\u{A0}", "\u{1F600}", "\"", ",", ";", ":", "<", "\\", "\u{7F}", "\u{85}", "x@y.z", "019ecb27-2200-7000-8000-"]
        var g = Seeded(state: 23)
        return (0 ..< count).map { _ in (0 ..< Int.random(in: 0 ... 12, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined() }
    }

    // The general code, as it was before the shortcuts.

    func restoreAsBefore(_ s: String) -> String { s.hasPrefix("'") && FormulaGuard.needsGuard(s) ? String(s.dropFirst()) : s }

    func trimmedAsBefore(_ s: String) -> String {
        if let first = s.utf8.first, let last = s.utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F { return s }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func canonicalUUIDAsBefore(_ s: String) -> Bool {
        var count = 0
        for (i, b) in s.utf8.enumerated() {
            count += 1
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if b != UInt8(ascii: "-") { return false }
            } else if !((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)) {
                return false
            }
        }
        return count == 36
    }

    func emailAsBefore(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        var at: Int?
        var ok = !bytes.isEmpty && (bytes.count <= 254 || s.count <= 254)
        for (i, b) in bytes.enumerated() where ok {
            if b == UInt8(ascii: "@") { if at == nil { at = i } else { ok = false } }
            if b < 0x80 && (b <= 0x20 || b == 0x7F || Validation.emailForbidden.contains(b)) { ok = false }
        }
        if ok, let at, at > 0 {
            let domain = bytes[(at + 1)...]
            ok = domain.contains(UInt8(ascii: ".")) && domain.first != UInt8(ascii: ".") && domain.last != UInt8(ascii: ".")
                && !zip(domain, domain.dropFirst()).contains { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }
        } else {
            ok = false
        }
        return ok
    }

    func textAsBefore(_ s: String, maxLength: Int) -> Result<String, RetentionError> {
        if s.utf8.count <= maxLength && s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return .success(s) }
        return Result { try Validation.text(s, field: "f", maxLength: maxLength) }.mapError { $0 as! RetentionError }   // (the rest unchanged)
    }

    @Test func eachShortcutGivesWhatTheGeneralCodeGives() throws {
        let texts = Self.odd + Self.randomTexts(5_000)
        var sawGuarded = 0, sawCapital = 0, sawUUID = 0, sawEmail = 0
        for s in texts {
            #expect(FormulaGuard.restore(s) == restoreAsBefore(s), "\(s.debugDescription)")
            #expect(s.lowercasedASCIIFast == s.lowercased(), "\(s.debugDescription)")
            #expect(s.trimmedOfWhitespace == trimmedAsBefore(s), "\(s.debugDescription)")
            #expect(Validation.isCanonicalUUID(s) == canonicalUUIDAsBefore(s), "\(s.debugDescription)")
            let email = Result { try Validation.email(s) }
            #expect((try? email.get()) == (emailAsBefore(s) ? s : nil), "\(s.debugDescription)")
            if case .failure(let e as RetentionError) = email { #expect(e.message == "must be an e-mail address like name@example.com, got \"\(s)\"" && e.field == "email") }
            for maxLength in [3, 200] {
                let now = Result { try Validation.text(s, field: "f", maxLength: maxLength) }.mapError { $0 as! RetentionError }
                switch (now, textAsBefore(s, maxLength: maxLength)) {
                case (.success(let a), .success(let b)): #expect(a == b)
                case (.failure(let a), .failure(let b)): #expect(a.message == b.message && a.field == b.field)
                default: Issue.record("Validation.text differs for \(s.debugDescription)")
                }
            }
            if restoreAsBefore(s) != s { sawGuarded += 1 }
            if s.lowercased() != s { sawCapital += 1 }
            if canonicalUUIDAsBefore(s) { sawUUID += 1 }
            if emailAsBefore(s) { sawEmail += 1 }
        }
        // The texts do reach each side of each check.
        #expect(sawGuarded > 10 && sawCapital > 100 && sawUUID >= 2 && sawEmail > 10, "\(sawGuarded) \(sawCapital) \(sawUUID) \(sawEmail)")
        for b in UInt8.min ... UInt8.max { #expect(Validation.isEmailForbidden(b) == Validation.emailForbidden.contains(b), "\(b)") }
    }

    /// A text's bytes, read in place or (a text that does not hold them together) from a copy, are its UTF-8.
    @Test func theBytesOfATextAreItsUTF8() {
        for s in Self.odd + Self.randomTexts(500) {
            #expect(s.withUTF8Bytes { Array($0) } == Array(s.utf8))
        }
    }

    /// A header's column is found by its slot (a mix of its length and three bytes) as by its name.
    @Test func aColumnIsFoundByItsSlotAsByItsName() {
        let names = ExchangeKind.customers.columns.map(\.name)
        for header in [names, names.reversed(), ["", "é", "ée", "a", "a", "b\u{301}", String(repeating: "x", count: 40)] + names.prefix(5)] {
            let columns = CSVColumns(header, types: header.map { _ in .text })
            for name in header + ["nope", "", "emai", "email ", "É"] {
                #expect(columns.index(of: name) == header.firstIndex(of: name), "\(name)")
            }
        }
    }

    /// A run's plan found by the set of columns a customer gives (in `CustomerFields`' order) is the plan worked
    /// out from the list itself; a list in another order, or with a column a run cannot bind, is planned by the
    /// list (or not at all), as before.
    @Test func aRunsPlanBySetOfColumnsIsThePlanOfTheList() throws {
        let engine = try makeEngine()
        _ = try Store.dropTriggers(engine.db, ["customer_totals_insert", "customer_search_insert"])
        let runs = try #require(try NewCustomerRuns(engine.db))
        let all = NewCustomerRuns.optionalColumns
        func customer(_ columns: [String]) -> PreparedCustomer {
            var f = CustomerFields()
            for c in columns { f.set(c, c, .text("v")) }
            return PreparedCustomer(id: "x", leadId: "l", since: 0, fields: f)
        }
        // What a row leaving a column out binds, from the table itself: its literal default, NULL when it may be
        // NULL and has none; nil (the row cannot go in a run) when it may not.
        let info = try engine.db.query("SELECT name, \"notnull\", dflt_value FROM pragma_table_info('customers')") { ($0.text(0), $0.bool(1), $0.isNull(2) ? nil : $0.text(2)) }
        let leftOut: [SQLValue?] = all.map { column in
            let (_, notNull, dflt) = info.first { $0.0 == column }!
            return dflt.map(NewCustomerRuns.literal) ?? (notNull ? nil : .null)
        }
        #expect(leftOut.contains { $0 == nil } && leftOut.contains { $0 == .null } && leftOut.contains { $0 == .int(0) }, "\(leftOut)")
        /// The plan of the list as the run made it before: each given column's slot in its order, each other bound
        /// what leaving it out stores; nil when a column is not one of the run's, comes twice, or may not be left out.
        func expected(_ columns: [String]) -> ([Int32], [(Int32, SQLValue)])? {
            guard Set(columns).count == columns.count, columns.allSatisfy(all.contains) else { return nil }
            let given = columns.map { Int32(all.firstIndex(of: $0)!) }
            var missing: [(Int32, SQLValue)] = []
            for slot in 0 ..< Int32(all.count) where !given.contains(slot) {
                guard let value = leftOut[Int(slot)] else { return nil }
                missing.append((slot, value))
            }
            return (given, missing)
        }
        var g = Seeded(state: 7)
        let required = ["agent_id", "first_name", "last_name", "email"]
        var lists: [[String]] = [all, [], ["agent_id"], required, required + ["do_not_contact"], required.reversed() + ["phone"], Array(all.reversed()), ["email", "agent_id"], ["agent_id", "email"], ["agent_id", "agent_id"],
                                 ["agent_id", "erased_at"], ["erased_at"]]
        for _ in 0 ..< 300 {
            let subset = all.filter { required.contains($0) || Bool.random(using: &g) }
            lists.append(subset)
            lists.append(subset.shuffled(using: &g))
        }
        var planOf: [[String]: Int] = [:], planned = 0
        for columns in lists + lists.shuffled(using: &g) {
            let p = runs.plan(for: customer(columns))
            guard let want = expected(columns) else { #expect(p == nil, "\(columns)"); continue }
            let plan = try #require(p.map { runs.plans[$0] }, "\(columns)")
            #expect(plan.given == want.0 && plan.missing.map(\.slot) == want.1.map(\.0) && plan.missing.map(\.value) == want.1.map(\.1), "\(columns)")
            if let before = planOf[columns] { #expect(before == p, "the same list, the same plan") }
            planOf[columns] = p
            planned += 1
        }
        #expect(planned > 600, "most lists go in runs: \(planned)")
        #expect(Set(planOf.values).count == planOf.count, "a plan for each list")
    }

    /// Texts bound from the arena are stored as bound, across its blocks, with a text longer than a block bound
    /// the usual way, an empty text stored as '' (not NULL).
    @Test func textsBoundFromTheArenaAreStoredAsGiven() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (k INTEGER, v)")
        let rowsPerStatement = 100
        let insert = try db.statement("INSERT INTO t VALUES " + Array(repeating: "(?, ?)", count: rowsPerStatement).joined(separator: ", "))
        let arena = TextArena()
        var g = Seeded(state: 11)
        var texts = Self.odd + Self.randomTexts(2_900)
        texts += [String(repeating: "é", count: TextArena.blockBytes / 2 + 1), String(repeating: "z", count: TextArena.blockBytes),
                  String(repeating: "\u{1F600}", count: 5_000)]
        texts.shuffle(using: &g)
        while texts.count % rowsPerStatement != 0 { texts.append("pad \(texts.count)") }
        for start in stride(from: 0, to: texts.count, by: rowsPerStatement) {
            insert.reset()
            arena.clear()
            for r in 0 ..< rowsPerStatement {
                try insert.bind(.int(Int64(start + r)), at: Int32(2 * r + 1), arena: arena)
                try insert.bind(.text(texts[start + r]), at: Int32(2 * r + 2), arena: arena)
            }
            while try insert.step() {}
        }
        insert.reset()
        insert.clearBindings()
        let stored = try db.query("SELECT v, typeof(v) FROM t ORDER BY k") { ($0.text(0), $0.text(1)) }
        #expect(stored.count == texts.count)
        #expect(stored.map(\.0) == texts)
        #expect(stored.allSatisfy { $0.1 == "text" })
    }

    /// A large import of odd rows (every column; capitals in ids; quotes, commas and line breaks in cells; accents
    /// and emoji; formula-guarded cells; empty cells; metadata of 60,011 bytes, near a block of the arena) writes in runs
    /// exactly what it writes one row at a time, and its export gives the cells back.
    @Test func oddRowsGoInRunsAsOneByOne() throws {
        let header = ExchangeKind.customers.columns.map(\.name)
        var g = Seeded(state: 5)
        let names = ["Zoë", "O'Neil", "Doe, Jr.", "\"Quoted\"", "Ünal", "李", "=cmd", "-dash", "+plus", "@at", "'=kept", "  spaced  "]
        var lines = [header]
        for i in 1 ... 10_100 {
            var cells: [String: String] = [
                "id": String(format: "019ECB27-2200-7000-8000-%012X", i), "leadId": "lead-\(i)", "agentId": "agent-\(i % 5)",
                "firstName": FormulaGuard.neutralise(names.randomElement(using: &g)!), "lastName": FormulaGuard.neutralise(names.randomElement(using: &g)!),
                "email": i % 17 == 0 ? "zoë.\(i)@exämple.com" : "p\(i)@example.com", "phone": i % 3 == 0 ? "" : "'+1 555 0\(100 + i % 900)",
                "street": i % 4 == 0 ? "" : "\(i) Main St, Apt \"\(i % 9)\"", "city": i % 5 == 0 ? "São Paulo" : "Boulder",
                "state": "CO", "zipCode": "80301", "country": "USA", "timeZone": i % 6 == 0 ? "" : "America/Denver",
                "satisfactionScore": i % 4 == 0 ? "" : "\(i % 101)", "doNotContact": i % 11 == 0 ? "TRUE" : "no",
                "tags": i % 3 == 0 ? "vip; home ;🙂" : "", "optedOutChannels": i % 7 == 0 ? "sms" : "",
                "preferredContactMethod": i % 2 == 0 ? "Email" : "",
                "metadata": i == 5_000 ? "{\"note\":\"" + String(repeating: "é", count: 30_000) + "\"}" : i % 13 == 0 ? #"{"source":"agency, \"x\""}"# : "",
            ]
            if i % 9 == 0 { cells["assignedTo"] = "owner-\(i % 4)" }
            lines.append(header.map { cells[$0] ?? "" })
        }
        let file = lines.map(CSV.line).joined()
        let inRuns = try makeEngine(), oneByOne = try makeEngine()
        var counted: (Int, Int)?
        let a = try inRuns.importCSVRowByRow(.customers, text: file, now: testNow, runs: { counted = ($0, $1) })
        #expect(a.succeeded, "\(a.problems)")
        #expect(try oneByOne.importCSVRowByRow(.customers, text: file, now: testNow, inRuns: false).succeeded)
        #expect((counted?.0 ?? 0) > 100, "the rows went in runs")
        for (table, order) in [("customers", "id"), ("customer_tags", "customer_id, position"), ("contact_preferences", "customer_id, channel"),
                               ("customer_search_data", "id")] {
            let columns = try inRuns.db.query("SELECT name FROM pragma_table_info(?)", [.text(table)]) { $0.text(0) }.joined(separator: ", ")
            let sql = "SELECT \(columns) FROM \(table) ORDER BY \(order)"
            let mapRow: (Row) -> [SQLValue] = { row in (0 ..< row.columnCount).map { row.value($0) } }
            #expect(try inRuns.db.query(sql, [], mapRow) == oneByOne.db.query(sql, [], mapRow), "\(table)")
        }
        // The run's statement is the import's own, not left in the connection's cache pointing into the arena let go with it.
        #expect(!inRuns.db.cachedStatementSQL.contains { $0.hasPrefix("INSERT OR FAIL INTO customers") })
        #expect(try inRuns.db.queryOne("SELECT uuid FROM customers WHERE lead_id = 'lead-10'") { $0.text(0) } == "019ecb27-2200-7000-8000-00000000000a")
        #expect(try inRuns.db.queryOne("SELECT length(metadata) FROM customers WHERE lead_id = 'lead-5000'") { $0.int(0) } == 30_011, "60,011 bytes: more than fits beside the run's other texts in a block of the arena")
    }
}
