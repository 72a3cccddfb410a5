import Foundation
import Testing
@testable import RetentionCore

/// Every metric pinned on a small book whose answers are worked out by hand below.
///
/// Period 2024-01-01 to 2024-12-31 (366 days, exclusive end 2025-01-01).
/// - A: auto $1,200/yr from 2023-01-01, renewed 2024-01-01; adds umbrella $300/yr on 2024-07-01 (cross-sell).
/// - B: home $1,000/yr from 2023-06-01, cancelled 2024-03-01.
/// - C: new customer, auto $600/yr from 2024-06-01.
/// - E: renters $200/yr from 2023-02-01, lapsed 2024-02-01.
@Suite struct RetentionMetricsTests {
    func d(_ s: String) -> Int { Timestamp.parse(s)! }

    func book() throws -> Engine {
        let engine = try makeEngine()
        func customer(_ lead: String) throws -> String {
            try engine.createCustomer(try json(#"{"leadId":"\#(lead)","agentId":"ag","firstName":"\#(lead)","lastName":"X","email":"\#(lead)@example.com"}"#), now: d("2023-01-01")).id
        }
        func policy(_ cid: String, _ number: String, _ type: String, _ premium: Int, _ from: String, _ to: String) throws -> String {
            try engine.createPolicy(try json("""
                {"customerId":"\(cid)","policyNumber":"\(number)","policyType":"\(type)","premium":{"amount":\(premium),"frequency":"annual"},
                 "coverage":{"type":"std","amount":1000},"effectiveDate":"\(from)","expirationDate":"\(to)"}
                """), now: d(from)).id
        }
        let a = try customer("A"), b = try customer("B"), c = try customer("C"), e = try customer("E")
        let aAuto = try policy(a, "A1", "auto", 1200, "2023-01-01", "2024-01-01")
        try engine.renewPolicy(id: aAuto, nil, now: d("2024-01-01"))
        _ = try policy(a, "A2", "umbrella", 300, "2024-07-01", "2025-07-01")
        let bHome = try policy(b, "B1", "home", 1000, "2023-06-01", "2024-06-01")
        try engine.updatePolicy(id: bHome, try json(#"{"status":"cancelled","endReason":"price"}"#), now: d("2024-03-01"))
        _ = try policy(c, "C1", "auto", 600, "2024-06-01", "2025-06-01")
        let eRent = try policy(e, "E1", "renters", 200, "2023-02-01", "2024-02-01")
        try engine.updatePolicy(id: eRent, try json(#"{"status":"lapsed"}"#), now: d("2024-02-01"))
        return engine
    }

    @Test func customerMetrics() throws {
        let m = try book().retentionMetrics(try MetricsPeriod(startDate: d("2024-01-01"), endDate: d("2024-12-31"))).customers
        // S = {A, B, E} = 3; E = {A, C} = 2; N = {C} = 1; retained = E − N = 1.
        #expect(m.totalCustomers == 4)
        #expect(m.activeAtStart == 3)
        #expect(m.activeCustomers == 2)
        #expect(m.newCustomers == 1)
        #expect(m.churnedCustomers == 2)
        #expect(m.retentionRate == 33.33)   // 1 / 3
        #expect(m.churnRate == 66.67)       // 2 / 3
        #expect(m.growthRate == -33.33)     // (2 − 3) / 3
    }

    @Test func policyMetrics() throws {
        let m = try book().retentionMetrics(try MetricsPeriod(startDate: d("2024-01-01"), endDate: d("2024-12-31"))).policies
        func renewal(_ line: String) -> Double?? { m.renewalRateByType.first { $0.line == line }.map(\.value) }
        func premium(_ line: String) -> Double? { m.averagePremiumByType.first { $0.line == line }?.value }
        #expect(m.totalPolicies == 5)
        #expect(m.activePolicies == 3)                  // A1, A2, C1
        #expect(renewal("auto") == .some(100))         // A1 renewed, none lost
        #expect(renewal("renters") == .some(0))        // E1 lapsed at renewal
        #expect(m.renewalRate == 50)                   // 1 / (1 + 1)
        #expect(m.cancellationRate == 33.33)           // B1 / {A1, B1, E1}
        #expect(m.lapseRate == 33.33)                  // E1 / {A1, B1, E1}
        #expect(premium("auto") == 900)                // (1200 + 600) / 2
        #expect(premium("umbrella") == 300)
    }

    @Test func revenueMetrics() throws {
        let m = try book().retentionMetrics(try MetricsPeriod(startDate: d("2024-01-01"), endDate: d("2024-12-31"))).revenue
        // R₀ = 1200 + 1000 + 200 = 2400; churned = 1000 + 200; expansion = 300 (A's umbrella).
        #expect(m.startingRecurringRevenue == 2400)
        #expect(m.churnedRevenue == 1200)
        #expect(m.expansionRevenue == 300)
        #expect(m.contractionRevenue == 0)
        #expect(m.netRevenueRetention == 62.5)   // (2400 + 300 − 0 − 1200) / 2400
        #expect(m.grossRevenueRetention == 50)   // (2400 − 0 − 1200) / 2400
        // Earned: (1200·366 + 1000·60 + 200·31 + 600·214 + 300·184) / 365.25 = 1886.379…
        #expect(m.totalRevenue == 1886.38)
        #expect(m.newCustomerRevenue == 351.54)  // 600·214 / 365.25
        #expect(m.renewalRevenue == 1200)        // A1's 12-month term
    }

    /// The API's JSON is the typed metrics encoded: the same figures under the spec's keys.
    @Test func theAPIDocumentCarriesTheTypedFigures() throws {
        let typed = try book().retentionMetrics(try MetricsPeriod(startDate: d("2024-01-01"), endDate: d("2024-12-31")))
        let m = typed.json
        #expect(m["period"]?["startDate"] == .string("2024-01-01"))
        #expect(m["period"]?["endDate"] == .string("2024-12-31"))
        #expect(m["customerMetrics"]?["retentionRate"] == .number(33.33))
        #expect(m["policyMetrics"]?["renewalRateByType"]?["renters"] == .number(0))
        #expect(m["revenueMetrics"]?["netRevenueRetention"] == .number(62.5))
        #expect(m["customerMetrics"]?["churnRiskDistribution"]?.objectPairs?.map(\.0) == ChurnRisk.allCases.map(\.rawValue))
    }

    /// Premium changes made by PATCH (which changes the policy's premium and records the change). R₀ is the premium
    /// in force at the start as it was then: A1 $1,200 (today $2,000, less +300 − 100 + 600 recorded since the
    /// start), B1 $1,000, E1 $200 = $2,400. Today's premiums would give $3,200 and count the in-period changes twice.
    @Test func premiumChangesMakeExpansionAndContraction() throws {
        let engine = try book()
        let ids = try engine.db.query("SELECT policy_number, uuid FROM policies WHERE policy_number IN ('A1', 'A2', 'C1')") { ($0.text(0), $0.text(1)) }
        let policy = Dictionary(uniqueKeysWithValues: ids)
        func change(_ number: String, to premium: Int, on date: String) throws {
            try engine.updatePolicy(id: policy[number]!, try json(#"{"premium":{"amount":\#(premium)}}"#), now: d(date) + 12 * 3600)
        }
        try change("A1", to: 1500, on: "2024-03-01")  // A1, in force at the start: +300 upsell
        try change("A1", to: 1400, on: "2024-09-01")  // A1: −100 contraction
        try change("A2", to: 250, on: "2024-08-01")   // A2 began in the period: its change is part of the new premium, not a contraction
        try change("C1", to: 900, on: "2024-07-01")   // C1 began in the period: not an upsell either
        try change("A1", to: 2000, on: "2025-02-01")  // after the period
        let metrics = try engine.metrics(try MetricsPeriod(startDate: d("2024-01-01"), endDate: d("2024-12-31")))
        let m = metrics["revenueMetrics"]!
        #expect(m["startingRecurringRevenue"] == .number(2400))
        #expect(m["expansionRevenue"] == .number(550))      // cross-sell A2 at its premium now, 250 + upsell 300
        #expect(m["contractionRevenue"] == .number(100))
        #expect(m["renewalRevenue"] == .number(1200))       // coverage changes are not renewals
        #expect(m["netRevenueRetention"] == .number(68.75)) // (2400 + 550 − 100 − 1200) / 2400
        #expect(m["grossRevenueRetention"] == .number(45.83)) // (2400 − 100 − 1200) / 2400
        // Auto in force at the end, at the premiums of then: A1 $1,400 (today $2,000 less the +600 of 2025), C1 $900.
        #expect(metrics["policyMetrics"]?["averagePremiumByType"]?["auto"] == .number(1150))
        // The same for one agent's book (the agent path reads the changes row by row).
        let agent = try engine.metrics(try MetricsPeriod(startDate: d("2024-01-01"), endDate: d("2024-12-31"), agentId: "ag"))
        #expect(agent["revenueMetrics"]?["startingRecurringRevenue"] == .number(2400))
        #expect(agent["revenueMetrics"]?["netRevenueRetention"] == .number(68.75))
        #expect(agent["policyMetrics"]?["averagePremiumByType"]?["auto"] == .number(1150))
        // A policy that starts after the period and is re-rated later changes nothing about the period's end
        // (the review's case: its change came off the period's auto premium, giving 0 or less).
        let late = try engine.createCustomer(try json(#"{"leadId":"Z","agentId":"ag","firstName":"Z","lastName":"X","email":"z@example.com"}"#), now: d("2025-03-01")).id
        let z1 = try engine.createPolicy(try json("""
            {"customerId":"\(late)","policyNumber":"Z1","policyType":"auto","premium":{"amount":1000,"frequency":"annual"},
             "coverage":{"type":"std","amount":1000},"effectiveDate":"2025-03-01","expirationDate":"2026-03-01"}
            """), now: d("2025-03-01")).id
        try engine.updatePolicy(id: z1, try json(#"{"premium":{"amount":2000}}"#), now: d("2025-06-01"))
        for agentId in [nil, "ag"] as [String?] {
            let again = try engine.metrics(try MetricsPeriod(startDate: d("2024-01-01"), endDate: d("2024-12-31"), agentId: agentId))
            #expect(again["policyMetrics"]?["averagePremiumByType"]?["auto"] == .number(1150))
            #expect(again["revenueMetrics"]?["startingRecurringRevenue"] == .number(2400))
            #expect(again["revenueMetrics"]?["netRevenueRetention"] == .number(68.75))
        }
    }

    /// The period's edges are counted once (the audit's January 2026 case): a customer whose first policy starts on
    /// the first day is new, not active at the start. Period 2024-01-01 – 2024-01-31, worked out below.
    @Test func aPolicyStartingOnTheFirstDayIsNewNotActiveAtStart() throws {
        let engine = try book()
        let n = try engine.createCustomer(try json(#"{"leadId":"N","agentId":"ag","firstName":"N","lastName":"X","email":"n@example.com"}"#), now: d("2024-01-01")).id
        _ = try engine.createPolicy(try json("""
            {"customerId":"\(n)","policyNumber":"N1","policyType":"auto","premium":{"amount":500,"frequency":"annual"},
             "coverage":{"type":"std","amount":1000},"effectiveDate":"2024-01-01","expirationDate":"2025-01-01"}
            """), now: d("2024-01-01"))
        let m = try engine.metrics(try MetricsPeriod(startDate: d("2024-01-01"), endDate: d("2024-01-31")))["customerMetrics"]!
        // Before 2024-01-01: A (A1), B (B1), E (E1) in force: S = 3. On 2024-01-31: A, B, E (lapses 02-01), N: 4. New: N.
        // Retention (E − N)/S = (4 − 1)/3 = 100 %; the old count put N in S as well (S = 4, 75 %).
        #expect(m["activeAtStart"] == .number(3))
        #expect(m["newCustomers"] == .number(1))
        #expect(m["activeCustomers"] == .number(4))
        #expect(m["retentionRate"] == .number(100))
        #expect(m["growthRate"] == .number(33.33))
    }

    @Test func campaignAndHealthMetrics() throws {
        let engine = try book()
        // Scores: A 85 (excellent), C 55 (fair); A's survey 80, C none. B and E have nothing in force.
        try engine.db.run("UPDATE customers SET health_score = 85, satisfaction_score = 80, scored_at = 1 WHERE first_name = 'A'")
        try engine.db.run("UPDATE customers SET health_score = 55, satisfaction_score = NULL, scored_at = 1 WHERE first_name = 'C'")
        try engine.db.run("UPDATE customers SET health_score = 10, satisfaction_score = 5, scored_at = 1 WHERE first_name IN ('B', 'E')")
        // One active campaign; touchpoints: sent+delivered+opened, sent+delivered+responded, sent only (all in 2024),
        // and one sent in 2023 (outside the period).
        try engine.db.run("INSERT INTO campaigns (uuid, name, campaign_type, status, target_segment, schedule, sequence, created_by, created_at, updated_at) VALUES ('k', 'K', 'loyalty', 'active', '{}', '{}', '[]', 'x', 0, 0)")
        let a = try engine.db.scalarInt("SELECT id FROM customers WHERE first_name = 'A'")
        let mid = d("2024-06-01")
        for (i, cols) in [("sent_at, delivered_at, opened_at", 3), ("sent_at, delivered_at, responded_at", 3), ("sent_at", 1)].enumerated() {
            let values = Array(repeating: "\(mid)", count: cols.1).joined(separator: ", ")
            try engine.db.execute("INSERT INTO touchpoints (uuid, campaign_id, customer_id, channel, status, due_at, \(cols.0), created_at, updated_at) VALUES ('t\(i)', 1, \(a), 'email', 'sent', \(mid), \(values), 0, 0)")
        }
        try engine.db.execute("INSERT INTO touchpoints (uuid, campaign_id, customer_id, channel, status, due_at, sent_at, delivered_at, created_at, updated_at) VALUES ('old', 1, \(a), 'email', 'delivered', 0, \(d("2023-05-01")), \(d("2023-05-01")), 0, 0)")
        let m = try engine.metrics(try MetricsPeriod(startDate: d("2024-01-01"), endDate: d("2024-12-31")))
        let c = m["campaignMetrics"]!
        #expect(c["activeCampaigns"] == .number(1))
        #expect(c["touchpointsSent"] == .number(3))
        #expect(c["touchpointsDelivered"] == .number(2))
        #expect(c["engagementRate"] == .number(100))   // 2 engaged / 2 delivered
        #expect(c["conversionRate"] == .number(50))    // 1 responded / 2 delivered
        #expect(c["roi"] == .number(-100))             // K retained nothing for its 4 e-mails sent: (0 − 4¢) / 4¢
        // The dashboard's header leaves the ROI out (its costliest read); every other figure is the same.
        var headerPeriod = try MetricsPeriod(startDate: d("2024-01-01"), endDate: d("2024-12-31"))
        headerPeriod.includesCampaignROI = false
        let header = try engine.metrics(headerPeriod)
        #expect(header["campaignMetrics"]?["roi"] == .null)
        for group in ["customerMetrics", "policyMetrics", "revenueMetrics", "healthMetrics"] { #expect(header[group] == m[group], "\(group)") }
        let h = m["healthMetrics"]!
        #expect(h["averageHealthScore"] == .number(70))          // (85 + 55) / 2, active customers only
        #expect(h["averageSatisfactionScore"] == .number(80))    // C has no survey
        #expect(h["healthScoreDistribution"]?["excellent"] == .number(1))
        #expect(h["healthScoreDistribution"]?["fair"] == .number(1))
        #expect(h["healthScoreDistribution"]?["poor"] == .number(0))
        #expect(m["customerMetrics"]?["churnRiskDistribution"]?["low"] == .number(2))
    }

    /// Campaign ROI over the campaigns measured in the period (a touchpoint sent in it), each with its whole
    /// revenue retained and cost:
    /// - K1 enrols A on 2023-12-15 (window: last step 1 day + 90 days); e-mail sent 2023-12-15 (1¢), call
    ///   2024-01-05 (400¢); A renews A1's 12-month term at $1,200 on 2024-01-01, inside the window: revenue 120,000¢.
    /// - K2 enrols B on 2023-06-01, one e-mail sent then (1¢); B never renews.
    /// - K3 enrols Z (agent zz) on 2024-06-01, one SMS sent then (5¢); Z never renews.
    @Test func campaignROIOverTheCampaignsMeasuredInThePeriod() throws {
        let engine = try book()
        _ = try engine.createCustomer(try json(#"{"leadId":"Z","agentId":"zz","firstName":"Z","lastName":"X","email":"z@example.com"}"#), now: d("2024-01-01"))
        func campaign(_ name: String, _ steps: String) throws -> Int64 {
            let c = try engine.createCampaign(try json(#"{"name":"\#(name)","type":"loyalty","touchpoints":[\#(steps)]}"#), now: d("2023-01-01"))
            return c.rowID
        }
        let k1 = try campaign("K1", #"{"type":"email","template":"loyalty","delay":0},{"type":"call","template":"loyalty","delay":1440}"#)
        let k2 = try campaign("K2", #"{"type":"email","template":"loyalty","delay":0}"#)
        let k3 = try campaign("K3", #"{"type":"sms","template":"loyalty","delay":0}"#)
        func enrol(_ k: Int64, _ lead: String, _ at: String, sent: [(String, String)]) throws {
            let customer = try engine.db.scalarInt("SELECT id FROM customers WHERE lead_id = ?", [.text(lead)])
            try engine.db.run("INSERT INTO campaign_enrollments (campaign_id, customer_id, run_at, enrolled_at, is_control) VALUES (?, ?, ?, ?, 0)",
                              [.int(k), .int(Int64(customer)), .int(Int64(d(at))), .int(Int64(d(at)))])
            for (i, (channel, date)) in sent.enumerated() {
                try engine.db.run("""
                    INSERT INTO touchpoints (uuid, campaign_id, customer_id, step_index, channel, status, due_at, sent_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, 'sent', ?, ?, 0, 0)
                    """, [.text("\(k)-\(lead)-\(i)"), .int(k), .int(Int64(customer)), .int(Int64(i)), .text(channel), .int(Int64(d(date))), .int(Int64(d(date)))])
            }
        }
        try enrol(k1, "A", "2023-12-15", sent: [("email", "2023-12-15"), ("call", "2024-01-05")])
        try enrol(k2, "B", "2023-06-01", sent: [("email", "2023-06-01")])
        try enrol(k3, "Z", "2024-06-01", sent: [("sms", "2024-06-01")])
        func roi(_ from: String, _ to: String, agent: String? = nil) throws -> JSONValue? {
            try engine.metrics(try MetricsPeriod(startDate: d(from), endDate: d(to), agentId: agent))["campaignMetrics"]?["roi"]
        }
        // 2024: K1 (its call) and K3: (120,000 − (401 + 5)) / 406 × 100; K2 sent nothing in 2024.
        #expect(try roi("2024-01-01", "2024-12-31") == .number(29456.65))
        // The same from the campaigns' own performance: Σ revenue retained and Σ cost of K1 and K3.
        let perf = try engine.campaignPerformances(try engine.campaigns().filter { [k1, k3].contains($0.rowID) }.sorted { $0.rowID < $1.rowID }, now: d("2025-01-01"))
        #expect(perf.map(\.revenue.retained) == [1200, 0] && perf.map(\.cost) == [4.01, 0.05])
        // 2023: K1 (its e-mail) and K2: (120,000 − (401 + 1)) / 402 × 100; K1 counts whole, its 2024 renewal too.
        #expect(try roi("2023-01-01", "2023-12-31") == .number(29750.75))
        // Agent ag: K1 alone (K3 sent only to Z, of agent zz): (120,000 − 401) / 401 × 100. Agent zz: K3, (0 − 5) / 5.
        #expect(try roi("2024-01-01", "2024-12-31", agent: "ag") == .number(29825.19))
        #expect(try roi("2024-01-01", "2024-12-31", agent: "zz") == .number(-100))
        // Nothing sent in 2025: null, and the notes say why.
        let m2025 = try engine.metrics(try MetricsPeriod(startDate: d("2025-01-01"), endDate: d("2025-12-31")))
        #expect(m2025["campaignMetrics"]?["roi"] == .null && m2025["notes"]?["roi"] != nil)
    }

    /// Each agent's metrics cover that agent's customers only: on a demo book the agents' counts and
    /// premium sums add up to the whole book's.
    @Test func agentsMetricsAddUpToTheBooks() throws {
        let engine = try makeEngine()
        let now = d("2026-11-25")
        try DemoBook(customers: 400, seed: 3, now: now).generate(into: engine.db)
        try engine.rescore(now: now)
        let period = MetricsPeriod.trailingYear(now: now)
        let book = try engine.metrics(period)
        let agents = try engine.db.query("SELECT id FROM agents") { $0.text(0) }
        let perAgent = try agents.map { try engine.metrics(MetricsPeriod.trailingYear(now: now, agentId: $0)) }
        for path in [["customerMetrics", "totalCustomers"], ["customerMetrics", "activeCustomers"], ["customerMetrics", "activeAtStart"],
                     ["customerMetrics", "newCustomers"], ["customerMetrics", "churnedCustomers"], ["policyMetrics", "totalPolicies"],
                     ["policyMetrics", "activePolicies"], ["revenueMetrics", "startingRecurringRevenue"], ["revenueMetrics", "churnedRevenue"],
                     ["revenueMetrics", "renewalRevenue"], ["revenueMetrics", "totalRevenue"], ["revenueMetrics", "expansionRevenue"]] {
            let whole = book[path[0]]?[path[1]]?.doubleValue ?? -1
            let sum = perAgent.reduce(0.0) { $0 + ($1[path[0]]?[path[1]]?.doubleValue ?? 0) }
            #expect(abs(whole - sum) < 0.05 * Double(agents.count), "\(path.joined(separator: ".")): book \(whole), agents \(sum)")
            #expect(whole > 0, "\(path.joined(separator: ".")) is exercised by the demo book")
        }
    }

    @Test func onAFileThePassesRunOnTwoConnectionsAndGiveTheSameFigures() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = Engine(database: try Store.open(path: dir + "/book.db"), user: "test")
        let now = d("2026-11-25")
        try DemoBook(customers: 500, seed: 8, now: now).generate(into: engine.db)
        try engine.rescore(now: now)
        #expect(try engine.readersOnOneSnapshot(2)?.count == 2, "a file engine reads the metrics on two connections")
        for agent in [nil, "agent-blake"] {
            let period = MetricsPeriod.trailingYear(now: now, agentId: agent)
            let parallel = try engine.metrics(period)
            // Inside a transaction the same passes run one after the other on the engine's own connection.
            let sequential = try engine.db.transaction { try engine.metrics(period) }
            #expect(parallel.serialized() == sequential.serialized())
            #expect((parallel["customerMetrics"]?["activeCustomers"]?.doubleValue ?? 0) > 0)
        }
    }

    @Test func theReadersSeeOneCommittedStateWhateverIsWrittenAfter() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/book.db"
        let engine = Engine(database: try Store.open(path: path), user: "test")
        let agents = { (db: Database) in try db.scalarInt("SELECT count(*) FROM agents") }
        let readers = try #require(try engine.readersOnOneSnapshot(2))
        #expect(engine.db.isAutocommit, "the write lock that lined the readers up is given back")
        try engine.db.run("INSERT INTO agents (id, name) VALUES ('late', 'Late')")
        let other = try Store.open(path: path)
        try other.run("INSERT INTO agents (id, name) VALUES ('later', 'Later')")
        #expect(try readers.map { try agents($0.db) } == [0, 0], "neither reader sees a commit made after they started")
        #expect(try agents(other) == 2)
        #expect(try makeEngine().readersOnOneSnapshot(2) == nil, "an in-memory database has no file for more connections")
        // A writer holding the lock (a long import) is not waited for: the metrics are read on one connection.
        try other.execute("BEGIN IMMEDIATE")
        #expect(try engine.readersOnOneSnapshot(2, lockWaitMilliseconds: 20) == nil)
        #expect(try engine.metrics(MetricsPeriod.trailingYear(now: d("2026-11-25")))["customerMetrics"]?["totalCustomers"]?.doubleValue == 0)
        try other.execute("ROLLBACK")
        #expect(try engine.db.transaction { try engine.readersOnOneSnapshot(2) } == nil, "inside a transaction the engine reads alone")
    }

    @Test func emptyDenominatorsAreNullWithAReason() throws {
        let engine = try makeEngine()
        let m = try engine.retentionMetrics(try MetricsPeriod(startDate: d("2024-01-01"), endDate: d("2024-12-31")))
        #expect(m.customers.retentionRate == nil)
        #expect(m.revenue.netRevenueRetention == nil)
        #expect(m.campaigns.engagementRate == nil)
        #expect(m.notes.first { $0.metric == "retentionRate" }?.reason.contains("no customers were active") == true)
        #expect(m.notes.contains { $0.metric == "engagementRate" })
        // In the API's JSON: null, and the reason under the metric's name.
        #expect(m.json["customerMetrics"]?["retentionRate"] == .null)
        #expect(m.json["notes"]?["retentionRate"]?.stringValue?.contains("no customers were active") == true)
    }

    @Test func agentFilterAndPeriodValidation() throws {
        let engine = try book()
        let m = try engine.metrics(try MetricsPeriod(startDate: d("2024-01-01"), endDate: d("2024-12-31"), agentId: "nobody"))
        #expect(m["customerMetrics"]?["totalCustomers"] == .number(0))
        #expect { try MetricsPeriod(startDate: d("2024-02-01"), endDate: d("2024-01-01")) } throws: { ($0 as? RetentionError)?.field == "endDate" }
    }

    @Test func renewalQueueOrdersByDateAndFlagsOverdue() throws {
        let engine = try book()
        // On 2025-06-10: A2 renews 2025-07-01 (21 days), C1 was due 2025-06-01 (overdue), A1 renews 2025-01-01 (overdue).
        let q = try engine.upcomingRenewals(days: 30, now: d("2025-06-10T12:00:00Z"))
        #expect(q.map(\.policyNumber) == ["A1", "C1", "A2"])
        #expect(q.map(\.overdue) == [true, true, false])
        #expect(q.last?.daysUntilRenewal == 21)
        #expect(try engine.upcomingRenewals(days: 30, policyType: .umbrella, now: d("2025-06-10")).map(\.policyNumber) == ["A2"])
        #expect(try engine.upcomingRenewals(days: 5, now: d("2025-06-10")).map(\.policyNumber) == ["A1", "C1"])
    }

    @Test func atRiskSearchFindsTheQueuesMatchesInQueueOrder() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 600, seed: 9, now: testNow).generate(into: engine.db)
        try engine.rescore(now: testNow)
        let queue = try engine.atRisk({ var q = AtRiskQuery(); q.limit = 1000; return q }(), now: testNow)
        #expect(queue.count > 50)
        for text in [String(queue[3].name.prefix(2)), queue[7].name, String(queue[5].email.prefix(4)), "zzz", "a"] {
            var q = AtRiskQuery()
            q.search = text
            q.limit = 1000
            // The whole queue filtered by the search's rule, in the queue's own order.
            let expected = queue.filter { e in
                let first = try! engine.customer(id: e.id)
                return [first.firstName, first.lastName, first.email, "\(first.firstName) \(first.lastName)"].contains {
                    $0.lowercased().hasPrefix(text.lowercased())
                }
            }
            #expect(try engine.atRisk(q, now: testNow).map(\.id) == expected.map(\.id), "search \"\(text)\"")
        }
    }

    @Test func aSelectiveFilterFindsTheSameQueueAsWalkingIt() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 600, seed: 12, now: testNow).generate(into: engine.db)
        try engine.rescore(now: testNow)
        let queue = try engine.atRisk({ var q = AtRiskQuery(); q.limit = 1000; return q }(), now: testNow)
        for e in queue.prefix(40).enumerated() where e.offset % 3 == 0 { try engine.assign(customerId: e.element.id, to: "dana", now: testNow) }
        let agent = try #require(queue.first?.agentId)
        let tag = try #require(try engine.db.queryOne("SELECT tag FROM customer_tags GROUP BY tag ORDER BY count(*) DESC LIMIT 1") { $0.text(0) })
        var queries: [AtRiskQuery] = []
        for change in [{ (q: inout AtRiskQuery) in q.agentId = agent }, { $0.agentId = "nobody" }, { $0.policyType = .home },
                       { $0.policyType = .boat }, { $0.tag = tag }, { $0.assignedTo = "dana" }, { $0.agentId = agent; $0.policyType = .auto },
                       { $0.levels = [.critical]; $0.unassignedOnly = true }] {
            // The whole queue, and small pages (a walk that stops short of a page falls back to a filter).
            for (limit, page) in [(1000, 1), (5, 1), (5, 3)] {
                var q = AtRiskQuery()
                q.limit = limit
                q.page = page
                change(&q)
                queries.append(q)
            }
        }
        var nonEmpty = 0
        for q in queries {
            let walked = try engine.atRisk(q, now: testNow, fewEnough: -1, walkBudget: 1_000_000)   // never reads a filter first: walks the whole queue
            let found = try engine.atRisk(q, now: testNow, fewEnough: 1_000_000) // always reads the first filter's customers first
            let shortWalk = try engine.atRisk(q, now: testNow, fewEnough: -1, walkBudget: 3)   // walks a few entries, then the fewest-customer filter
            #expect(found.map(\.id) == walked.map(\.id), "\(q)")
            #expect(shortWalk.map(\.id) == walked.map(\.id), "\(q)")
            if !walked.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty >= 15)
    }

    @Test func atRiskQueueOrdersByProbabilityThenValueAndHidesSnoozed() throws {
        let engine = try book()
        let rows = try engine.db.query("SELECT id, first_name FROM customers ORDER BY first_name") { ($0.int64(0), $0.text(1)) }
        // Scores set directly: A 0.8 critical, C 0.55 high; E and B have nothing in force.
        for (id, name) in rows {
            let (p, risk, ltv): (Double, Int, Int) = name == "A" ? (0.8, 3, 100_000) : name == "C" ? (0.55, 2, 50_000) : (0.9, 3, 1)
            try engine.db.run("UPDATE customers SET churn_probability = ?, churn_risk = ?, projected_ltv_cents = ?, scored_at = 1 WHERE id = ?",
                              [.double(p), .int(Int64(risk)), .int(Int64(ltv)), .int(id)])
        }
        let now = d("2024-12-01")
        #expect(try engine.atRisk(AtRiskQuery(), now: now).map(\.name) == ["A X", "C X"])
        var q = AtRiskQuery()
        q.levels = [.high]
        #expect(try engine.atRisk(q, now: now).map(\.name) == ["C X"])
        var byType = AtRiskQuery()
        byType.policyType = .umbrella       // only A holds an umbrella policy
        #expect(try engine.atRisk(byType, now: now).map(\.name) == ["A X"])
        var byAgent = AtRiskQuery()
        byAgent.agentId = "nobody"
        #expect(try engine.atRisk(byAgent, now: now).isEmpty)
        let c = try #require(try engine.atRisk(AtRiskQuery(), now: now).last)
        try engine.assign(customerId: c.id, to: "dana", now: now)
        var mine = AtRiskQuery()
        mine.assignedTo = "dana"
        #expect(try engine.atRisk(mine, now: now).map(\.name) == ["C X"])
        var unassigned = AtRiskQuery()
        unassigned.unassignedOnly = true
        #expect(try engine.atRisk(unassigned, now: now).map(\.name) == ["A X"])
        try engine.updateCustomer(id: c.id, try json(#"{"tags": ["vip"]}"#), now: now)
        var tagged = AtRiskQuery()
        tagged.tag = "vip"
        #expect(try engine.atRisk(tagged, now: now).map(\.name) == ["C X"])
        let a = try #require(try engine.atRisk(AtRiskQuery(), now: now).first)
        try engine.updateCustomer(id: a.id, try json(#"{"snoozedUntil": "2024-12-10"}"#), now: now)
        #expect(try engine.atRisk(AtRiskQuery(), now: now).map(\.name) == ["C X"])
        #expect(try engine.atRisk(AtRiskQuery(), now: d("2024-12-11")).map(\.name) == ["A X", "C X"])
    }
}
