import Testing
@testable import RetentionCore

@Suite struct CustomerOperationsTests {
    @Test func createsTheSpecExampleCustomer() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        #expect(c.leadId == "lead-uuid")
        #expect(c.fullName == "John Doe")
        #expect(c.city == "Springfield" && c.zipCode == "62701" && c.country == "USA")
        #expect(c.dateOfBirth.map(Timestamp.formatDate) == "1980-01-01")
        #expect(c.tags == ["vip", "multi-policy"])
        #expect(c.preferredContactMethod == .email)
        #expect(c.healthScore == 50 && c.churnRisk == .low && c.totalPolicies == 0)
        #expect(Timestamp.formatDate(c.customerSince) == "2024-01-15")
        let again = try engine.customer(id: c.id)
        #expect(again == c)
        #expect(try count(engine, "audit_log") == 1)
    }

    @Test func duplicateLeadIsAConflictAndChangesNothing() throws {
        let engine = try makeEngine()
        try engine.createCustomer(try json(specCustomerBody), now: testNow)
        do {
            try engine.createCustomer(try json(specCustomerBody), now: testNow)
            Issue.record("expected a conflict")
        } catch let e as RetentionError {
            #expect(e.kind == .conflict && e.code == "duplicate_lead_id" && e.field == "leadId")
        }
        #expect(try count(engine, "customers") == 1)
        #expect(try count(engine, "customer_tags") == 2)
        #expect(try count(engine, "audit_log") == 1)
    }

    @Test(arguments: [
        (#"{"agentId":"a","firstName":"J","lastName":"D","email":"j@example.com"}"#, "leadId"),
        (#"{"leadId":"l","agentId":"a","firstName":"J","lastName":"D","email":"not-an-email"}"#, "email"),
        (#"{"leadId":"l","agentId":"a","firstName":"J","lastName":"D","email":"j@example.com","phone":"12"}"#, "phone"),
        (#"{"leadId":"l","agentId":"a","firstName":"J","lastName":"D","email":"j@example.com","dateOfBirth":"1980-02-30"}"#, "dateOfBirth"),
        (#"{"leadId":"l","agentId":"a","firstName":"J","lastName":"D","email":"j@example.com","preferredContactMethod":"fax"}"#, "preferredContactMethod"),
        (#"{"leadId":"l","agentId":"a","firstName":"J","lastName":"D","email":"j@example.com","address":{"zip":"1"}}"#, "address.zip"),
        (#"{"leadId":"l","agentId":"a","firstName":"J","lastName":"D","email":"j@example.com","colour":"red"}"#, "colour"),
        (#"{"leadId":"l","agentId":"a","firstName":"J","lastName":"D","email":"j@example.com","satisfactionScore":120}"#, "satisfactionScore"),
        (#"{"leadId":"l","agentId":"a","firstName":"J","lastName":"D","email":"j@example.com","tags":"vip"}"#, "tags"),
        // No escape sequence (or any other control character) is stored in a name, an address or a tag.
        (#"{"leadId":"l","agentId":"a","firstName":"Evil\u001b]0;pwned\u0007","lastName":"D","email":"j@example.com"}"#, "firstName"),
        (#"{"leadId":"l","agentId":"a","firstName":"J","lastName":"D\u009b2J","email":"j@example.com"}"#, "lastName"),
        (#"{"leadId":"l","agentId":"a","firstName":"J","lastName":"D","email":"j@example.com","address":{"city":"Spring\nfield"}}"#, "address.city"),
        (#"{"leadId":"l","agentId":"a","firstName":"J","lastName":"D","email":"j@example.com","tags":["ok","b\u007fad"]}"#, "tags[1]"),
        (#"{"leadId":"l","agentId":"a","firstName":"J","lastName":"D","email":"j@example.com","dateOfBirth":"2099-01-01"}"#, "dateOfBirth"),
        (#"{"leadId":"l","agentId":"a","firstName":"J","lastName":"D","email":"j@example.com","snoozedUntil":"2020-01-01"}"#, "snoozedUntil"),
        (#"{"leadId":"l\u001b]0;x\u0007","agentId":"a","firstName":"J","lastName":"D","email":"j@example.com"}"#, "leadId"),
        (#"{"leadId":"l","agentId":"a","firstName":"J\u2028K","lastName":"D","email":"j@example.com"}"#, "firstName"),
        // A tag holding ";" would come back from a CSV export as two tags.
        (#"{"leadId":"l","agentId":"a","firstName":"J","lastName":"D","email":"j@example.com","tags":["a;b"]}"#, "tags[0]"),
        (#"{"leadId":"l","agentId":"a","firstName":"J","lastName":"D","email":"j@example.com","tags":["ok","end;"]}"#, "tags[1]"),
    ])
    func invalidBodiesNameTheField(body: String, field: String) throws {
        let engine = try makeEngine()
        do {
            try engine.createCustomer(try json(body), now: testNow)
            Issue.record("expected an error for \(field)")
        } catch let e as RetentionError {
            #expect(e.kind == .invalid)
            #expect(e.field == field, "got \(e.field ?? "nil"): \(e.message)")
        }
        #expect(try count(engine, "customers") == 0)
    }

    /// Control characters are refused with where they are; any script, emoji and punctuation is kept exactly.
    @Test func namesKeepEveryScriptButNoControlCharacter() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(#"{"leadId":"l","agentId":"a","firstName":"Chloé 山田 😀","lastName":"O'Brien-Nuñez","email":"c@example.com","tags":["très bien"]}"#), now: testNow)
        #expect(c.fullName == "Chloé 山田 😀 O'Brien-Nuñez" && c.tags == ["très bien"])
        #expect { try engine.updateCustomer(id: c.id, try json(#"{"firstName":"A\u001b[31mB"}"#), now: testNow) } throws: {
            ($0 as? RetentionError)?.message.contains("control characters or line breaks; found U+001B at character 2") == true
        }
        #expect(try engine.customer(id: c.id).firstName == "Chloé 山田 😀")
        // A note may run over several lines, and still holds no escape sequence.
        _ = try engine.logContact(customerId: c.id, channel: .call, outcome: .reached, note: "Line one\nline two\tend", now: testNow)
        #expect { try engine.logContact(customerId: c.id, channel: .call, outcome: .reached, note: "x\u{1B}]52;c;AAAA\u{7}", now: testNow) } throws: {
            ($0 as? RetentionError)?.field == "note"
        }
    }

    @Test func partialUpdateChangesOnlyGivenFields() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let u = try engine.updateCustomer(id: c.id, try json(#"{"satisfactionScore": 85, "tags": ["vip", "multi-policy", "loyal"]}"#), now: testNow + 60)
        #expect(u.satisfactionScore == 85)
        #expect(u.tags == ["vip", "multi-policy", "loyal"])
        #expect(u.email == c.email && u.phone == c.phone && u.city == c.city)
        #expect(u.version == c.version + 1)
        #expect(u.updatedAt == testNow + 60)
    }

    @Test func staleVersionIsRefusedNamingWhoChangedIt() throws {
        let engine = try makeEngine(user: "alice")
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        try engine.updateCustomer(id: c.id, try json(#"{"version": 1, "firstName": "Johnny"}"#), now: testNow + 1)
        engine.user = "bob"
        do {
            try engine.updateCustomer(id: c.id, try json(#"{"version": 1, "firstName": "Jon"}"#), now: testNow + 2)
            Issue.record("expected a conflict")
        } catch let e as RetentionError {
            #expect(e.code == "edit_conflict")
            #expect(e.message.contains("alice"))
        }
        #expect(try engine.customer(id: c.id).firstName == "Johnny")
    }

    @Test func optOutsAreStoredAndAuditedWithWhoAndWhen() throws {
        let engine = try makeEngine(user: "carol")
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let u = try engine.updateCustomer(id: c.id, try json(#"{"optedOutChannels": ["sms", "call"], "doNotContact": true}"#), now: testNow + 5)
        #expect(u.optedOutChannels == [.call, .sms])
        #expect(u.doNotContact)
        let entries = try engine.db.query("SELECT user_name, action, at FROM audit_log WHERE action LIKE 'customer.opt_%' ORDER BY id") { ($0.text(0), $0.text(1), $0.int(2)) }
        #expect(entries.count == 2)
        #expect(entries.allSatisfy { $0.0 == "carol" && $0.1 == "customer.opt_out" && $0.2 == testNow + 5 })
    }

    @Test func unknownCustomerIsNotFound() throws {
        let engine = try makeEngine()
        #expect(throws: RetentionError.notFound("Customer", "nope")) { try engine.customer(id: "nope") }
    }

    @Test func listFiltersSortsAndPages() throws {
        let engine = try makeEngine()
        for i in 0..<7 {
            let c = try engine.createCustomer(try json("""
                {"leadId":"l\(i)","agentId":"\(i % 2 == 0 ? "a1" : "a2")","firstName":"F\(i)","lastName":"Name\(i)","email":"p\(i)@example.com","tags":["t\(i % 3)"]}
                """), now: testNow)
            try engine.db.run("UPDATE customers SET health_score = ?, churn_risk = ? WHERE id = ?",
                              [.double(Double(i * 10)), .int(Int64(i % 4)), .int(c.rowID)])
        }
        var q = CustomerQuery()
        q.healthScoreMin = 20
        q.healthScoreMax = 50
        q.sort = .health
        q.descending = true
        #expect(try engine.listCustomers(q).items.map(\.healthScore) == [50, 40, 30, 20])
        q = CustomerQuery()
        q.churnRisk = [.high, .critical]
        #expect(Set(try engine.listCustomers(q).items.map(\.lastName)) == ["Name2", "Name3", "Name6"])
        q = CustomerQuery()
        q.agentId = "a2"
        #expect(try engine.listCustomers(q).total == 3)
        q = CustomerQuery()
        q.tag = "t0"
        #expect(Set(try engine.listCustomers(q).items.map(\.lastName)) == ["Name0", "Name3", "Name6"])
        q = CustomerQuery()
        q.search = "p5@"
        #expect(try engine.listCustomers(q).items.map(\.lastName) == ["Name5"])
        q = CustomerQuery()
        q.search = "%"
        #expect(try engine.listCustomers(q).total == 0, "LIKE wildcards in a search are literal")
        q = CustomerQuery()
        q.limit = 3
        q.page = 3
        let page = try engine.listCustomers(q)
        #expect(page.items.map(\.lastName) == ["Name6"])
        #expect(page.total == 7 && page.totalPages == 3)
    }

    /// Walking the sort's index and sorting the matches are two ways to the same page: same customers,
    /// same order (ties by row id in the sort's direction, names in any case), same total; a walk that
    /// ends before the page is full falls back to sorting.
    @Test func bothListPlansGiveTheSamePages() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 400, seed: 21, now: testNow).generate(into: engine.db)
        try engine.rescore(now: testNow, chunk: 100)
        // Equal health scores, so the tie-break is exercised; names in lower case, so the sort's case is.
        try engine.db.run("UPDATE customers SET health_score = 55 WHERE id % 7 = 0")
        try engine.db.run("UPDATE customers SET last_name = lower(last_name) WHERE id % 5 = 0")
        // Shared renewal and contact dates, and customers without either.
        try engine.db.run("UPDATE customers SET next_renewal_date = 1800000000 WHERE id % 6 = 0")
        try engine.db.run("UPDATE customers SET last_contact_date = 1790000000 WHERE id % 4 = 0")
        try engine.db.run("UPDATE customers SET last_contact_date = NULL WHERE id % 9 = 0")
        #expect(try engine.db.scalarInt("SELECT count(*) FROM customers WHERE next_renewal_date IS NULL") > 0)
        let agent = try #require(try engine.db.queryOne("SELECT agent_id FROM customers LIMIT 1", []) { $0.text(0) })
        var queries: [CustomerQuery] = []
        for sort in [CustomerQuery.Sort.name, .health, .since, .renewal, .lastContact] {
            for descending in [false, true] {
                for filter in 0..<5 {
                    for page in [1, 3] {
                        var q = CustomerQuery()
                        q.sort = sort
                        q.descending = descending
                        q.limit = 7
                        q.page = page
                        switch filter {
                        case 0: q.search = "a"
                        case 1: q.churnRisk = [.medium, .high]
                        case 2: q.agentId = agent
                        case 3: q.healthScoreMin = 40; q.search = "m"
                        default: break
                        }
                        queries.append(q)
                    }
                }
            }
        }
        // The health order is merged from the four risk levels' orders (schema 19 keeps health in one index): with
        // no filter, the page is the book's, sorted by SQLite itself, for either direction and any page; erased
        // customers left out; a page past the end empty.
        try engine.db.run("UPDATE customers SET erased_at = 1 WHERE id % 11 = 0")
        for descending in [false, true] {
            for page in [1, 3, 40] {
                var q = CustomerQuery()
                q.sort = .health
                q.descending = descending
                q.limit = 7
                q.page = page
                let dir = descending ? "DESC" : "ASC"
                let expected = try engine.db.query("SELECT uuid FROM customers WHERE erased_at IS NULL ORDER BY (+health_score) \(dir), id \(dir) LIMIT 7 OFFSET ?",
                                                   [.int(Int64((page - 1) * 7))]) { $0.text(0) }
                #expect(try engine.listCustomers(q).items.map(\.id) == expected && expected.count == 7, "\(q)")
            }
            var past = CustomerQuery()
            past.sort = .health
            past.descending = descending
            past.page = 1_000
            #expect(try engine.listCustomers(past).items.isEmpty)
        }
        // SQLite merges the levels (each read in its index order, none sorted) and sorts only the page.
        let merged = Engine.healthOrderPage(levels: ChurnRisk.allCases, whereSQL: "c.erased_at IS NULL", params: [], descending: true, limit: 7, offset: 70)
        let plan = try engine.db.query("EXPLAIN QUERY PLAN \(merged.sql)", merged.params) { $0.text(3) }
        #expect(plan.contains("MERGE (UNION ALL)") && plan.filter { $0.contains("USING INDEX customers_risk_level") }.count == 4, "\(plan)")
        #expect(plan.filter { $0.contains("TEMP B-TREE") }.count == 1, "\(plan)")
        try engine.db.run("UPDATE customers SET erased_at = NULL")
        // A health range with no risk level, in the list and in a campaign's segment, is read from that index too.
        var segment = TargetSegment()
        segment.healthScoreMin = 90
        let (condition, values) = engine.segmentCondition(segment, now: testNow)
        for (sql, params) in [("SELECT count(*) FROM customers c WHERE \(condition)", values),
                              ("SELECT count(*) FROM customers c WHERE c.erased_at IS NULL AND \(ChurnRisk.everyLevelSQL) AND c.health_score >= ?", [SQLValue.double(90)])] {
            let plan = try engine.db.query("EXPLAIN QUERY PLAN \(sql)", params) { $0.text(3) }
            #expect(plan.contains { $0.contains("USING INDEX customers_risk_level") || $0.contains("USING COVERING INDEX customers_risk_level") }, "\(plan)")
        }
        for q in queries {
            let sorted = try engine.listCustomers(q, plan: .sortMatches)
            #expect(!sorted.items.isEmpty, "\(q)")
            // A walk of the whole index, a walk too short to fill the page (it falls back to sorting), the automatic choice.
            for plan in [Engine.ListPlan.walkSortIndex(budget: 1_000), .walkSortIndex(budget: 12), .automatic] {
                let page = try engine.listCustomers(q, plan: plan)
                #expect(page.items.map(\.id) == sorted.items.map(\.id), "\(q) \(plan)")
                #expect(page.total == sorted.total)
            }
        }
    }

    /// By renewal: the earliest next renewal first, customers without one after every date (and first when
    /// descending); by last contact, never-contacted customers first. Read from the v6 indexes, not sorted.
    @Test func theRenewalAndContactOrdersAndTheirIndexes() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 300, seed: 4, now: testNow).generate(into: engine.db)
        var q = CustomerQuery()
        q.limit = 1000
        q.sort = .renewal
        let ascending = try engine.listCustomers(q).items.map(\.nextRenewalDate)
        let dated = ascending.prefix { $0 != nil }.map { $0! }
        #expect(dated.count > 0 && dated.count < ascending.count, "the book has customers with and without a renewal")
        #expect(dated == dated.sorted() && ascending.dropFirst(dated.count).allSatisfy { $0 == nil })
        q.descending = true
        #expect(try engine.listCustomers(q).items.map(\.nextRenewalDate) == ascending.reversed())
        q.sort = .lastContact
        q.descending = false
        let contacts = try engine.listCustomers(q).items.map { $0.lastContactDate ?? Int.min }
        #expect(contacts == contacts.sorted())
        for (key, index) in [(CustomerQuery.Sort.renewalKey, "customers_renewal"), ("c.last_contact_date", "customers_last_contact")] {
            let plan = try engine.db.query("EXPLAIN QUERY PLAN SELECT c.id FROM customers c ORDER BY \(key) DESC, c.id DESC LIMIT 50") { $0.text(3) }
            #expect(plan.contains { $0.contains("USING INDEX \(index)") || $0.contains("USING COVERING INDEX \(index)") }, "\(plan)")
        }
    }

    // The search's rule and its index: CustomerSearchTests.

    @Test func theUnfilteredCountLeavesOutErasedCustomers() throws {
        let engine = try makeEngine()
        let ids = try (0..<5).map { i in
            try engine.createCustomer(try json(#"{"leadId":"e\#(i)","agentId":"a","firstName":"F","lastName":"L\#(i)","email":"e\#(i)@example.com"}"#), now: testNow).id
        }
        try engine.eraseCustomer(customerId: ids[1], now: testNow)
        try engine.eraseCustomer(customerId: ids[3], now: testNow)
        let all = try engine.listCustomers(CustomerQuery())
        #expect(all.total == 3 && all.items.count == 3)
        var q = CustomerQuery()
        q.agentId = "a"
        q.churnRisk = [.low]
        #expect(try engine.listCustomers(q).total == 3, "filtered counts leave the erased out too")
        q.agentId = "b"
        #expect(try engine.listCustomers(q).total == 0)
    }
}
