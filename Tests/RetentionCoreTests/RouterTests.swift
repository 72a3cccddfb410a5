import Testing
@testable import RetentionCore

@Suite struct RouterTests {
    func call(_ engine: Engine, _ method: String, _ target: String, _ body: String? = nil) throws -> APIResponse {
        Router.handle(try APIRequest(method: method, target: target, body: try body.map(json)), engine: engine, now: testNow)
    }

    @Test func answersWithTheSpecEnvelopeWithOrWithoutPrefix() throws {
        let engine = try makeEngine()
        let created = try call(engine, "POST", "/api/v1/retention/customers", specCustomerBody)
        #expect(created.status == 201)
        #expect(created.body["success"] == .bool(true))
        let id = try #require(created.body["data"]?["id"]?.stringValue)
        let got = try call(engine, "GET", "/customers/\(id)")
        #expect(got.status == 200 && got.body["data"]?["email"] == .string("john.doe@example.com"))
        let patched = try call(engine, "PATCH", "/api/v1/retention/customers/\(id)", #"{"satisfactionScore": 85, "tags": ["vip", "multi-policy", "loyal"]}"#)
        #expect(patched.body["data"]?["satisfactionScore"] == .number(85))
        let list = try call(engine, "GET", "/customers?churnRisk=low&healthScoreMin=0&healthScoreMax=50&page=1&limit=50")
        #expect(list.body["data"]?.arrayValue?.count == 1)
        #expect(list.body["pagination"]?["total"] == .number(1))
    }

    /// The work queues page without counting: each page says whether another follows, and the pages
    /// together are the whole queue, each row once.
    @Test func theQueuesSayWhetherAnotherPageFollows() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 300, seed: 4, now: testNow).generate(into: engine.db)
        try engine.rescore(now: testNow)
        for (path, key) in [("/at-risk?limit=7", "customerId"), ("/renewals/upcoming?days=60&limit=7", "policyId")] {
            let whole = try call(engine, "GET", path.replacingOccurrences(of: "limit=7", with: "limit=1000"))
            let all = try #require(whole.body["data"]?.arrayValue).compactMap { $0[key]?.stringValue }
            #expect(all.count > 14 && all.count < 1000 && whole.body["pagination"]?["hasMore"] == .bool(false), "\(path)")
            var paged: [String] = []
            for page in 1... {
                let r = try call(engine, "GET", "\(path)&page=\(page)")
                paged += try #require(r.body["data"]?.arrayValue).compactMap { $0[key]?.stringValue }
                #expect(r.body["pagination"]?["page"] == .number(Double(page)) && r.body["pagination"]?["limit"] == .number(7))
                if r.body["pagination"]?["hasMore"] != .bool(true) { break }
            }
            #expect(paged == all, "\(path)")
        }
    }

    @Test func policyAndEventRoutesAnswerTheSpecExamples() throws {
        let engine = try makeEngine()
        let id = try #require(try call(engine, "POST", "/customers", specCustomerBody).body["data"]?["id"]?.stringValue)
        let policy = try call(engine, "POST", "/policies", specPolicyBody(customerId: id))
        #expect(policy.status == 201)
        let pid = try #require(policy.body["data"]?["id"]?.stringValue)
        #expect(try call(engine, "GET", "/policies/\(pid)").body["data"]?["premiumAmount"] == .number(1500))
        let renewed = try call(engine, "POST", "/policies/\(pid)/renew")
        #expect(renewed.body["data"]?["renewalCount"] == .number(1))
        #expect(try call(engine, "PATCH", "/policies/\(pid)", #"{"underwriter":"XYZ"}"#).body["data"]?["underwriter"] == .string("XYZ"))
        let event = try call(engine, "POST", "/events", """
            {"customerId":"\(id)","policyId":"\(pid)","eventType":"payment_missed","severity":"warning",
             "data":{"dueDate":"2024-01-15","amount":150},"triggeredActions":["send_reminder","update_health_score"]}
            """)
        #expect(event.status == 201)
        let events = try call(engine, "GET", "/customers/\(id)/events?limit=50&eventType=policy_renewed")
        #expect(events.body["data"]?.arrayValue?.count == 1)
    }

    @Test func failuresCarryCodeFieldAndStatus() throws {
        let engine = try makeEngine()
        let missing = try call(engine, "GET", "/customers/nope")
        #expect(missing.status == 404)
        #expect(missing.body["success"] == .bool(false))
        #expect(missing.body["status"] == .number(404))
        #expect(missing.body["error"]?["code"] == .string("customer_not_found"))
        let invalid = try call(engine, "POST", "/customers", #"{"leadId":"x"}"#)
        #expect(invalid.status == 400 && invalid.body["error"]?["field"] == .string("agentId"))
        #expect(try call(engine, "POST", "/customers").body["error"]?["code"] == .string("missing_body"))
        let wrongMethod = try call(engine, "DELETE", "/customers")
        #expect(wrongMethod.status == 405 && wrongMethod.body["error"]?["code"] == .string("method_not_allowed"))
        #expect(wrongMethod.body["error"]?["allow"] == .array([.string("GET"), .string("POST")]))
        #expect(wrongMethod.body["error"]?["message"] == .string("DELETE is not allowed on /customers; use GET or POST."))
        #expect(try call(engine, "GET", "/nowhere").status == 404)
        let badQuery = try call(engine, "GET", "/customers?limit=abc")
        #expect(badQuery.status == 400 && badQuery.body["error"]?["field"] == .string("limit"))
        let unknownParam = try call(engine, "GET", "/customers?colour=red")
        #expect(unknownParam.body["error"]?["code"] == .string("unknown_parameter"))
        #expect(try call(engine, "GET", "/customers?churnRisk=extreme").status == 400)
    }

    @Test func queryStringsArePercentDecoded() throws {
        let engine = try makeEngine()
        _ = try call(engine, "POST", "/customers", specCustomerBody)
        let r = try call(engine, "GET", "/customers?search=John%20D")
        #expect(r.body["data"]?.arrayValue?.count == 1)
        #expect(throws: RetentionError.self) { try APIRequest(method: "GET", target: "/customers?search=%zz") }
    }

    /// Query parameters that cannot be meant are refused: one given twice, a range upside down, and any
    /// on a route that writes, before it writes anything.
    @Test func ambiguousOrMisplacedQueryParametersAreRefused() throws {
        let engine = try makeEngine()
        let twice = try call(engine, "GET", "/customers?limit=5&limit=50")
        #expect(twice.status == 400 && twice.body["error"]?["field"] == .string("limit"))
        let upsideDown = try call(engine, "GET", "/customers?healthScoreMin=50&healthScoreMax=10")
        #expect(upsideDown.status == 400 && upsideDown.body["error"]?["field"] == .string("healthScoreMin"))
        #expect(try call(engine, "GET", "/customers?churnRisk=high&churnRisk=critical").status == 200, "a list parameter may repeat")
        let write = try call(engine, "POST", "/customers?dryRun=true", specCustomerBody)
        #expect(write.status == 400 && write.body["error"]?["code"] == .string("unknown_parameter"))
        #expect(try count(engine, "customers") == 0)
    }
}

@Suite struct TriageTests {
    func call(_ engine: Engine, _ method: String, _ target: String, _ body: String? = nil) throws -> APIResponse {
        Router.handle(try APIRequest(method: method, target: target, body: try body.map(json)), engine: engine, now: testNow)
    }

    @Test func assignSnoozeAndContactAreRecordedAndAudited() throws {
        let engine = try makeEngine(user: "dana")
        let c = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        #expect(try call(engine, "POST", "/customers/\(c.id)/assign", #"{"assignedTo":"dana"}"#).body["data"]?["assignedTo"] == .string("dana"))
        #expect(try call(engine, "POST", "/customers/\(c.id)/snooze", #"{"until":"2024-02-01"}"#).body["data"]?["snoozedUntil"] == .string("2024-02-01"))
        #expect(try call(engine, "POST", "/customers/\(c.id)/snooze", #"{"until":"2024-01-01"}"#).status == 400)
        let contact = try call(engine, "POST", "/customers/\(c.id)/contacts", #"{"channel":"call","outcome":"renewal_discussed","note":"wants a quote"}"#)
        #expect(contact.status == 201)
        #expect(try engine.customer(id: c.id).lastContactDate == testNow)
        #expect(try call(engine, "POST", "/customers/\(c.id)/contacts", #"{"channel":"call","outcome":"vanished"}"#).body["error"]?["field"] == .string("outcome"))
        let actions = try engine.db.query("SELECT action FROM audit_log WHERE user_name = 'dana' ORDER BY id") { $0.text(0) }
        #expect(actions == ["customer.create", "customer.assign", "customer.snooze", "customer.contact"])
    }
}
