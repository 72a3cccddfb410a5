import Foundation
import Testing
@testable import RetentionCore

/// `retention import … --sync`: a file from another system matched with the book by key; new rows inserted,
/// changed ones written as what they mean, equal ones left alone, forbidden transitions refusing the file.
@Suite struct SyncImportTests {
    static let customers = """
        leadId,agentId,firstName,lastName,email,street,city
        L-1,agent-1,Ann,Lee,ann@example.com,1 Elm St,Springfield
        L-2,agent-1,Bob,Ray,bob@example.com,2 Oak St,Springfield

        """
    static let policiesHeader = "customerId,policyNumber,policyType,status,premiumAmount,premiumFrequency,coverageType,coverageAmount,effectiveDate,expirationDate\n"
    static let policies = policiesHeader + """
        L-1,P-1,auto,active,1000,annual,full,50000,2023-01-15,2024-01-15
        L-1,P-2,home,active,800,annual,full,300000,2023-06-01,2024-06-01
        L-2,P-3,auto,active,600,annual,full,20000,2023-03-01,2024-03-01
        L-2,P-4,auto,cancelled,500,annual,full,20000,2022-03-01,2023-03-01

        """
    /// P-1 renewed at a new premium, P-2 re-rated mid-term, P-3 lapsed (Bob's last policy in force), P-4 as
    /// it was, P-5 new.
    static let changes = policiesHeader + """
        L-1,P-1,auto,active,1200,annual,full,50000,2024-01-15,2025-01-15
        L-1,P-2,home,active,900,annual,full,300000,2023-06-01,2024-06-01
        L-2,P-3,auto,lapsed,600,annual,full,20000,2023-03-01,2024-03-01
        L-2,P-4,auto,cancelled,500,annual,full,20000,2022-03-01,2023-03-01
        L-1,P-5,renters,active,200,annual,basic,10000,2024-01-01,2025-01-01

        """

    private func book() throws -> Engine {
        let engine = try makeEngine()
        #expect(try engine.importCSV(.customers, text: Self.customers, dryRun: false, now: testNow).succeeded)
        #expect(try engine.importCSV(.policies, text: Self.policies, dryRun: false, now: testNow).succeeded)
        return engine
    }

    /// Everything a sync could write: row counts and the policies' and customers' versions.
    private func fingerprint(_ e: Engine) throws -> [Int] {
        try ["customers", "policies", "retention_events", "audit_log", "premium_changes"].map { try count(e, $0) }
            + [e.db.scalarInt("SELECT sum(version) FROM policies"), e.db.scalarInt("SELECT sum(version) FROM customers"),
               e.db.scalarInt("SELECT sum(premium_cents) + sum(renewal_count) FROM policies")]
    }

    private func events(_ e: Engine, _ number: String) throws -> [String] {
        try e.db.query("""
            SELECT e.event_type FROM retention_events e JOIN policies p ON p.id = e.policy_id WHERE p.policy_number = ? ORDER BY e.id
            """, [.text(number)]) { $0.text(0) }
    }

    @Test func eachPolicyChangeIsWhatItMeans() throws {
        let engine = try book()
        let r = try engine.syncCSV(.policies, text: Self.changes, dryRun: false, now: testNow)
        #expect(r.problems.isEmpty)
        #expect((r.new, r.changed, r.unchanged) == (1, 3, 1))
        #expect(Dictionary(uniqueKeysWithValues: r.fieldCounts.map { ($0.field, $0.count) })
                == ["premiumAmount": 2, "effectiveDate": 1, "expirationDate": 1, "status": 1, "endedAt": 1, "renewalCount": 1, "lastRenewalDate": 1])
        #expect(r.eventCounts.map { "\($0.type) \($0.count)" } == ["coverage_changed 1", "customer_churned 1", "policy_lapsed 1", "policy_renewed 1"])

        // P-1 renewed: a new term, one more renewal, the premium change the growth and NRR figures read.
        let p1 = try engine.db.queryOne("SELECT annual_premium_cents, renewal_count, last_renewal_date, effective_date, renewal_date, status FROM policies WHERE policy_number = 'P-1'") {
            [$0.int(0), $0.int(1), $0.int(2), $0.int(3), $0.int(4)].map(String.init) + [$0.text(5)]
        }
        #expect(p1 == ["120000", "1", String(Timestamp.parseDate("2024-01-15")!), String(Timestamp.parseDate("2024-01-15")!),
                       String(Timestamp.parseDate("2025-01-15")!), "active"])
        #expect(try events(engine, "P-1") == ["policy_renewed"])
        // The premium changes: a renewal $1,000 → $1,200 and a mid-term re-rate $800 → $900.
        let changes = try engine.db.query("""
            SELECT p.policy_number, pc.renewal, pc.premium_before_cents, pc.premium_after_cents FROM premium_changes pc JOIN policies p ON p.id = pc.policy_id ORDER BY p.policy_number
            """) { "\($0.text(0)) \($0.int(1)) \(Int($0.double(2))) \(Int($0.double(3)))" }
        #expect(changes == ["P-1 1 100000 120000", "P-2 0 80000 90000"])
        #expect(try events(engine, "P-2") == ["coverage_changed"])
        // P-3 lapsed: its event, its end, and Bob (P-4 cancelled before) has churned. The file gives no date of
        // the end: the policy ends at the sync's now (10:30, not the start of the day), the instant its
        // policy_lapsed event and Bob's customer_churned are dated.
        #expect(try events(engine, "P-3") == ["policy_lapsed"])
        #expect(try engine.db.queryOne("SELECT status, ended_at FROM policies WHERE policy_number = 'P-3'") { "\($0.text(0)) \($0.int(1))" }
                == "lapsed \(testNow)")
        #expect(try engine.db.query("""
            SELECT e.event_type, e.occurred_at FROM retention_events e JOIN customers c ON c.id = e.customer_id
            WHERE c.lead_id = 'L-2' AND e.event_type IN ('policy_lapsed', 'customer_churned') ORDER BY e.event_type
            """) { "\($0.text(0)) \($0.int(1))" } == ["customer_churned \(testNow)", "policy_lapsed \(testNow)"])
        #expect(testNow != Timestamp.startOfDay(testNow))
        let counters = try engine.db.query("SELECT lead_id, total_policies, active_policies FROM customers ORDER BY lead_id") { "\($0.text(0)) \($0.int(1)) \($0.int(2))" }
        #expect(counters == ["L-1 3 3", "L-2 2 0"])
        #expect(try engine.db.scalarInt("SELECT count(*) FROM retention_events e JOIN customers c ON c.id = e.customer_id WHERE c.lead_id = 'L-2' AND e.event_type = 'customer_churned'") == 1)
        // Each changed policy is audited as an update, with the fields it changed.
        #expect(try engine.db.scalarInt("SELECT count(*) FROM audit_log WHERE action = 'policy.update'") == 3)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM audit_log WHERE action = 'import.sync.policies'") == 1)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM policies WHERE policy_number = 'P-5'") == 1)
    }

    /// The worked example of `ScoringRulesTests.aReRateAtRenewalIsPremiumGrowth`, arriving by sync instead of the
    /// API: auto $1,000 from 2023-03-01, re-rated to $1,200 on 2023-03-15, renewed at $1,500 on 2024-03-01. As of
    /// 2024-04-01: P_then = $1,200 (today's 1,500 less the +300 renewal re-rate since), P_now = $1,500, g = +25 %.
    @Test func aReRateAtRenewalBySyncIsPremiumGrowth() throws {
        let d = { (s: String) in Timestamp.parse(s)! }
        let engine = try makeEngine()
        #expect(try engine.syncCSV(.customers, text: "leadId,agentId,firstName,lastName,email\nG,ag,G,X,g@example.com\n", dryRun: false, now: d("2022-01-01")).new == 1)
        let row = { (premium: Int, from: String, to: String) in Self.policiesHeader + "G,G1,auto,active,\(premium),annual,std,1000,\(from),\(to)\n" }
        #expect(try engine.syncCSV(.policies, text: row(1000, "2023-03-01", "2024-03-01"), dryRun: false, now: d("2023-03-01")).new == 1)
        #expect(try engine.syncCSV(.policies, text: row(1200, "2023-03-01", "2024-03-01"), dryRun: false, now: d("2023-03-15")).eventCounts.map(\.type) == ["coverage_changed"])
        #expect(try engine.syncCSV(.policies, text: row(1500, "2024-03-01", "2025-03-01"), dryRun: false, now: d("2024-03-01")).eventCounts.map(\.type) == ["policy_renewed"])
        let customer = try engine.db.scalarInt("SELECT id FROM customers WHERE lead_id = 'G'")
        var found: CustomerSignals?
        try engine.forEachCustomerSignals(asOf: d("2024-04-01"), customerRows: Int64(customer)...Int64(customer)) { found = $0 }
        let s = try #require(found)
        #expect(s.premiumNowCents == 150_000 && s.premiumYearAgoCents == 120_000)
        #expect(HealthScore.compute(s).financial.premiumGrowth == 25)
    }

    @Test func theSameFileTwiceWritesNothingTheSecondTime() throws {
        let engine = try book()
        #expect(try engine.syncCSV(.policies, text: Self.changes, dryRun: false, now: testNow).wrote)
        let before = try fingerprint(engine)
        let again = try engine.syncCSV(.policies, text: Self.changes, dryRun: false, now: testNow + 86_400)
        #expect((again.new, again.changed, again.unchanged, again.wrote) == (0, 0, 5, false))
        #expect(try fingerprint(engine) == before)
        // The book's own export is in sync with it too, customers and policies.
        for kind in [ExchangeKind.customers, .policies] {
            var text = ""
            try engine.exportCSV(kind) { text += $0 }
            let r = try engine.syncCSV(kind, text: text, dryRun: false, now: testNow)
            #expect((r.new, r.changed, r.problemCount) == (0, 0, 0))
        }
        #expect(try fingerprint(engine) == before)
    }

    /// A file longer than one batch (8,192 rows): the rows of every batch are compared, and a key twice is found
    /// across batches.
    @Test func aFileOfSeveralBatches() throws {
        let engine = try makeEngine()
        let rows = (1...9_000).map { "B-\($0),agent-1,Pat,Lee,b\($0)@example.com\n" }
        let file = "leadId,agentId,firstName,lastName,email\n" + rows.joined()
        #expect(try engine.syncCSV(.customers, text: file, dryRun: false, now: testNow).new == 9_000)
        let again = try engine.syncCSV(.customers, text: file.replacingOccurrences(of: "b8999@", with: "new8999@"), dryRun: false, now: testNow)
        #expect((again.new, again.changed, again.unchanged) == (0, 1, 8_999))
        let twice = try engine.syncCSV(.customers, text: file + "B-3,agent-1,Pat,Lee,b3@example.com\n", dryRun: true, now: testNow)
        #expect(twice.problems.map(\.description) == ["line 9002, column leadId: Lead B-3 comes twice in this file: line 4 has it too."])
    }

    /// More refused rows than are listed: the first 50 by line are listed, whichever check found them (a key twice
    /// is found as the rows are read, before the bad values of the same batch), and all are counted.
    @Test func theRefusedRowsListedAreTheFirstByLine() throws {
        let engine = try makeEngine()
        var file = "leadId,agentId,firstName,lastName,email,satisfactionScore\n"
        for n in 1...60 { file += "C-\(n),agent-1,Pat,Lee,c\(n)@example.com,lots\n" }    // lines 2-61: a bad score
        for n in 61...99 { file += "C-\(n),agent-1,Pat,Lee,c\(n)@example.com,5\n" }
        file += "C-70,agent-1,Pat,Lee,c70@example.com,5\n"                           // line 101: a key twice
        let result = try engine.syncCSV(.customers, text: file, dryRun: true, now: testNow)
        #expect(result.problemCount == 61)
        #expect(result.problems.map(\.line) == Array(2...51))
        let fewer = try engine.syncCSV(.customers, text: file, dryRun: true, now: testNow, maxProblems: 3)
        #expect(fewer.problems.map(\.line) == [2, 3, 4] && fewer.problemCount == 61 && !fewer.succeeded)
    }

    /// A new policy's id that an earlier line of the file gives another new policy is refused naming that line.
    @Test func aNewPolicysIdTwiceInTheFileNamesTheEarlierLine() throws {
        let engine = try makeEngine()
        let customer = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let id = "01a00000-0000-7000-8000-00000000bb01"
        let file = """
            id,customerId,policyNumber,policyType,premiumAmount,premiumFrequency,coverageType,coverageAmount,effectiveDate,expirationDate
            \(id),\(customer.id),S-1,auto,50,monthly,full,10000,2024-01-01,2025-01-01
            \(id),\(customer.id),S-2,auto,50,monthly,full,10000,2024-01-01,2025-01-01

            """
        let result = try engine.syncCSV(.policies, text: file, dryRun: true, now: testNow)
        #expect(result.problems.map(\.description) == ["line 3, column id: Id \(id) comes twice in this file: line 2 has it too."])
    }

    @Test func aForbiddenTransitionRefusesTheWholeFile() throws {
        let engine = try book()
        let before = try fingerprint(engine)
        // P-4 is cancelled (final): it cannot become active. P-2's re-rate on the line before is not written either.
        let file = Self.policiesHeader + """
            L-1,P-2,home,active,900,annual,full,300000,2023-06-01,2024-06-01
            L-2,P-4,auto,active,500,annual,full,20000,2022-03-01,2023-03-01
            L-2,P-3,auto,active,600,annual,full,20000,2023-03-01,2024-03-01
            L-1,P-9,auto,active,600,annual,full,20000,2023-03-01,2022-03-01

            """
        let r = try engine.syncCSV(.policies, text: file, dryRun: false, now: testNow)
        #expect(r.problems.map(\.description) == [
            "line 3, column status: A cancelled policy cannot become active; allowed: none (it is final).",
            "line 5, column expirationDate: must be after effectiveDate (2023-03-01), got 2022-03-01",
        ])
        #expect(!r.wrote)
        #expect(try fingerprint(engine) == before)
        // A cancelled policy renewed (its effective date moved on) is refused the same way, naming the column.
        let renewal = Self.policiesHeader + "L-2,P-4,auto,active,500,annual,full,20000,2023-03-01,2024-03-01\n"
        #expect(try engine.syncCSV(.policies, text: renewal, dryRun: false, now: testNow).problems.map { "\($0.line) \($0.column ?? "")" } == ["2 effectiveDate"])
        // A policy does not move to another customer.
        let moved = Self.policiesHeader + "L-2,P-1,auto,active,1000,annual,full,50000,2023-01-15,2024-01-15\n"
        #expect(try engine.syncCSV(.policies, text: moved, dryRun: false, now: testNow).problems.map { "\($0.line) \($0.column ?? "")" } == ["2 customerId"])
        #expect(try fingerprint(engine) == before)
    }

    /// Lapsed and back in force without a new term is a reinstatement; an erased customer's policy does not change.
    @Test func aReinstatementAndAnErasedCustomer() throws {
        let engine = try book()
        let lapse = Self.policiesHeader + "L-2,P-3,auto,lapsed,600,annual,full,20000,2023-03-01,2024-03-01\n"
        #expect(try engine.syncCSV(.policies, text: lapse, dryRun: false, now: testNow).eventCounts.map(\.type) == ["customer_churned", "policy_lapsed"])
        let back = try engine.syncCSV(.policies, text: lapse.replacingOccurrences(of: "lapsed", with: "active"), dryRun: false, now: testNow + 86_400)
        #expect(back.eventCounts.map(\.type) == ["policy_reinstated"])
        #expect(back.fieldCounts.map(\.field) == ["status", "endedAt"])
        #expect(try engine.db.queryOne("SELECT status || ' ' || (ended_at IS NULL) || ' ' || (end_reason IS NULL) FROM policies WHERE policy_number = 'P-3'") { $0.text(0) } == "active 1 1")
        let bob = try #require(try engine.db.queryOne("SELECT uuid FROM customers WHERE lead_id = 'L-2'") { $0.text(0) })
        try engine.eraseCustomer(customerId: bob, now: testNow + 2 * 86_400)
        let before = try fingerprint(engine)
        let rerate = Self.policiesHeader + "\(bob),P-3,auto,active,700,annual,full,20000,2023-03-01,2024-03-01\n"
        let r = try engine.syncCSV(.policies, text: rerate, dryRun: false, now: testNow + 3 * 86_400)
        #expect(r.problems.map { "\($0.line) \($0.column ?? "") \($0.reason.hasPrefix("Policy P-3 belongs to erased customer"))" } == ["2 premiumAmount true"])
        #expect(try fingerprint(engine) == before)
    }

    @Test func aDryRunPrintsTheDiffAndWritesNothing() throws {
        let engine = try book()
        let before = try fingerprint(engine)
        let r = try engine.syncCSV(.policies, text: Self.changes, dryRun: true, now: testNow)
        #expect((r.new, r.changed, r.unchanged, r.dryRun, r.wrote) == (1, 3, 1, true, false))
        #expect(r.eventCounts.map(\.type) == ["coverage_changed", "policy_lapsed", "policy_renewed"])
        #expect(try fingerprint(engine) == before)
    }

    @Test func aChangedAddressIsAnAuditedCustomerUpdate() throws {
        let engine = try book()
        let file = """
            leadId,agentId,firstName,lastName,email,street,city
            L-1,agent-1,Ann,Lee,ann@example.com,9 Birch Rd,Springfield
            L-2,agent-1,Bob,Ray,bob@example.com,2 Oak St,
            L-3,agent-2,Cy,Day,cy@example.com,,

            """
        let r = try engine.syncCSV(.customers, text: file, dryRun: false, now: testNow)
        #expect(r.problems.isEmpty)
        #expect((r.new, r.changed, r.unchanged) == (1, 1, 1))
        #expect(r.fieldCounts.map { "\($0.field) \($0.count)" } == ["street 1"])
        let ann = try engine.db.queryOne("SELECT uuid, street, version FROM customers WHERE lead_id = 'L-1'") { ($0.text(0), $0.text(1), $0.int(2)) }!
        #expect(ann.1 == "9 Birch Rd" && ann.2 == 2)
        let audit = try engine.db.query("SELECT action, details FROM audit_log WHERE entity_id = ? ORDER BY id", [.text(ann.0)]) { "\($0.text(0)) \($0.text(1))" }
        #expect(audit.last == #"customer.update {"fields":["street"]}"#)
        // The empty city left Bob's as it was.
        #expect(try engine.db.queryOne("SELECT city FROM customers WHERE lead_id = 'L-2'") { $0.text(0) } == "Springfield")
        let again = try engine.syncCSV(.customers, text: file, dryRun: false, now: testNow)
        #expect((again.new, again.changed, again.unchanged, again.wrote) == (0, 0, 3, false))
    }

    @Test func fullReportsWhatTheFileLacksAndTouchesNothing() throws {
        let engine = try book()
        let before = try fingerprint(engine)
        let lines = Self.policies.split(separator: "\n")
        let r = try engine.syncCSV(.policies, text: lines.prefix(3).joined(separator: "\n") + "\n", dryRun: false, full: true, now: testNow)
        #expect(r.absentCount == 2 && r.absentKeys == ["P-3", "P-4"])
        #expect(try fingerprint(engine) == before)
        let c = try engine.syncCSV(.customers, text: "leadId\nL-2\n", dryRun: true, full: true, now: testNow)
        #expect((c.unchanged, c.absentCount, c.absentKeys) == (1, 1, ["L-1"]))
        #expect(throws: RetentionError.self) { try engine.syncCSV(.events, text: "customerId,eventType\n", dryRun: true, full: true, now: testNow) }
    }

    @Test func eventsMatchByIdOrByContentAndHistoryIsNotRewritten() throws {
        let engine = try book()
        let file = """
            id,customerId,policyId,eventType,data,occurredAt
            0190a000-0000-7000-8000-000000000001,L-1,P-1,payment_received,"{""amount"":100}",2023-12-01T00:00:00Z
            ,L-2,,complaint_filed,"{""note"":""late""}",2023-12-02T10:00:00Z

            """
        let first = try engine.syncCSV(.events, text: file, dryRun: false, now: testNow)
        #expect(first.problems.isEmpty)
        #expect((first.new, first.unchanged) == (2, 0))
        let before = try fingerprint(engine)
        let again = try engine.syncCSV(.events, text: file, dryRun: false, now: testNow)
        #expect((again.new, again.changed, again.unchanged, again.wrote) == (0, 0, 2, false))
        #expect(try fingerprint(engine) == before)
        let rewritten = file.replacingOccurrences(of: #"{""amount"":100}"#, with: #"{""amount"":150}"#)
        let r = try engine.syncCSV(.events, text: rewritten, dryRun: false, now: testNow)
        #expect(r.problems.map { "\($0.line) \($0.column ?? "")" } == ["2 data"])
        let noTime = "customerId,eventType\nL-1,complaint_filed\n"
        #expect(try engine.syncCSV(.events, text: noTime, dryRun: true, now: testNow).problems.map { $0.column } == ["occurredAt"])
    }

    /// The same event without an id twice in one file is a key twice: the later line is refused, naming the
    /// earlier, whether or not the book holds it (it used to count as "1 new, 1 unchanged").
    @Test func theSameIdlessEventTwiceInAFileIsRefusedByLine() throws {
        let engine = try book()
        let file = "id,customerId,eventType,occurredAt\n,L-1,contact_made,2023-12-03T10:00:00Z\n,L-1,contact_made,2023-12-03T10:00:00Z\n"
        let before = try fingerprint(engine)
        for dryRun in [true, false] {
            let r = try engine.syncCSV(.events, text: file, dryRun: dryRun, now: testNow)
            #expect(r.problems.map { "\($0.line) \($0.column ?? "")" } == ["3 eventType"])
            #expect(r.problems.first?.reason.contains("line 2 has it too") == true)
            #expect(r.unchanged == 0)
        }
        #expect(try fingerprint(engine) == before)
    }

    /// A catch-up sync dates what it records by the rows' dates, not the sync's: a renewal at its new effective
    /// date (with its premium change), an end at the row's endedAt (an expiry at its expiration date), the
    /// churn at the customer's last end; never after now.
    @Test func aCatchUpSyncDatesEventsByTheRows() throws {
        let engine = try book()
        let later = Timestamp.parse("2024-09-01T12:00:00Z")!
        let day = { (d: String) in Timestamp.parseDate(d)! }
        let file = "customerId,policyNumber,policyType,status,premiumAmount,premiumFrequency,coverageType,coverageAmount,effectiveDate,expirationDate,endedAt\n" + """
            L-1,P-1,auto,active,1200,annual,full,50000,2024-01-15,2025-01-15,
            L-1,P-2,home,expired,800,annual,full,300000,2023-06-01,2024-06-01,
            L-2,P-3,auto,lapsed,600,annual,full,20000,2023-03-01,2024-03-01,2024-03-10

            """
        let r = try engine.syncCSV(.policies, text: file, dryRun: false, now: later)
        #expect(r.problems.isEmpty)
        let dated = try engine.db.query("""
            SELECT e.event_type, e.occurred_at, coalesce(p.policy_number, '') FROM retention_events e LEFT JOIN policies p ON p.id = e.policy_id ORDER BY e.event_type
            """) { "\($0.text(0)) \($0.text(2)) \($0.int(1))" }
        #expect(dated == ["customer_churned  \(day("2024-03-10"))", "policy_expired P-2 \(day("2024-06-01"))",
                          "policy_lapsed P-3 \(day("2024-03-10"))", "policy_renewed P-1 \(day("2024-01-15"))"])
        #expect(try engine.db.query("SELECT occurred_at FROM premium_changes") { $0.int(0) } == [day("2024-01-15")])
        #expect(try engine.db.query("SELECT policy_number, ended_at FROM policies WHERE policy_number IN ('P-2', 'P-3') ORDER BY 1") { "\($0.text(0)) \($0.int(1))" }
                == ["P-2 \(day("2024-06-01"))", "P-3 \(day("2024-03-10"))"])

        // A renewal whose new term starts after now is dated now, never in the future.
        let other = try book()
        let ahead = Self.policiesHeader + "L-1,P-1,auto,active,1000,annual,full,50000,2024-03-01,2025-03-01\n"
        #expect(try other.syncCSV(.policies, text: ahead, dryRun: false, now: testNow).problems.isEmpty)
        #expect(try other.db.query("SELECT occurred_at FROM retention_events WHERE event_type = 'policy_renewed'") { $0.int(0) } == [testNow])
    }

    @Test func syncReportsItsPhasesAndProgress() throws {
        let engine = try book()
        var seen: [JobPhase] = []
        _ = try engine.syncCSV(.policies, text: Self.changes, dryRun: false, now: testNow) { seen.append($0) }
        #expect(seen.contains(.progress("read and compare the rows", done: 5, total: nil)))
        #expect(seen.contains(.progress("write the changes", done: 4, total: 4)))
        #expect(seen.filter { if case .began = $0 { true } else { false } } ==
                ["read and compare the rows", "write the changes", "commit"].map { .began($0) })
    }

    // MARK: Map files

    @Test func aMapFileRenamesMapsValuesAndDates() throws {
        let map = try ColumnMap(text: """
            # an agency export
            rename Policy Number -> policyNumber
            rename Eff Date -> effectiveDate
            ignore Writing Company
            value status: A -> active
            date effectiveDate: MM/DD/YYYY
            default premiumFrequency = annual
            """, kind: .policies)
        let (text, problems) = try map.apply(to: "Policy Number,Eff Date,Writing Company,status\nP-1,01/15/2024,Acme,A\n\nP-2,2/30/2024,Acme,C\n")
        #expect(text == "policyNumber,effectiveDate,status,premiumFrequency\r\nP-1,2024-01-15,active,annual\r\n\nP-2,2/30/2024,C,annual\r\n")
        #expect(problems.map(\.description) == [#"line 4, column effectiveDate: must be a date written MM/DD/YYYY, got "2/30/2024""#])
    }

    @Test func aBadMapFileNamesItsLine() throws {
        func message(_ text: String) -> String? {
            do { _ = try ColumnMap(text: text, kind: .policies, name: "agency.map"); return nil } catch let e as RetentionError { return e.message } catch { return "\(error)" }
        }
        #expect(message("rename A -> policyNumber\nrenam B -> status") == #"agency.map: line 2: unknown directive "renam"; a line is one of: rename, ignore, value, date, dates, default (or # a comment)"#)
        #expect(message("# x\nrename A -> polcyNumber")?.hasPrefix(#"agency.map: line 2: "polcyNumber" is not a column of policies; known columns: id, "#) == true)
        #expect(message("rename A policyNumber") == "agency.map: line 1: expected rename SOURCE COLUMN -> column")
        #expect(message("date effectiveDate: MM/YYYY") == #"agency.map: line 1: date format "MM/YYYY" must hold YYYY, MM (or M) and DD (or D) once each, e.g. MM/DD/YYYY"#)
        #expect(message("date status: MM/DD/YYYY")?.hasPrefix("agency.map: line 1: status is not a date column of policies") == true)
        #expect(message("rename A -> status\nrename B -> status") == "agency.map: line 2: status is renamed to twice (line 1 too)")
        #expect(message("value status: A -> active\nvalue status: A -> lapsed") == #"agency.map: line 2: the value "A" of status is mapped twice"#)
    }

    /// A map's mistakes are refused, not silently taken: a second `dates:` (or date format of a column) names
    /// both lines; a rename of a column the file lacks names the map's line and the file; a column unknown
    /// after the map names the file and says the map did not rename it.
    @Test func aMapsMistakesAreReportedByLine() throws {
        func message(_ text: String, apply file: String? = nil) -> String? {
            do {
                let map = try ColumnMap(text: text, kind: .policies, name: "agency.map")
                if let file { _ = try map.apply(to: file, name: "policies.csv") }
                return nil
            } catch let e as RetentionError { return e.message } catch { return "\(error)" }
        }
        #expect(message("dates: MM/DD/YYYY\n# other\ndates: DD.MM.YYYY") == "agency.map: line 3: dates: is given twice (line 1 too)")
        #expect(message("date effectiveDate: MM/DD/YYYY\ndate effectiveDate: YYYYMMDD") == "agency.map: line 2: effectiveDate has two date formats (line 1 too)")
        #expect(message("default status = active\ndefault status = lapsed") == "agency.map: line 2: status has two defaults (line 1 too)")
        #expect(message("rename Policy Number -> policyNumber\nrename Nope -> status", apply: "Policy Number,Status\nP-1,A\n")
                == #"agency.map: line 2: column "Nope" is not in policies.csv's header."#)
        #expect(message("rename Policy Number -> policyNumber", apply: "Policy Number,Stat\nP-1,A\n")?
                    .hasPrefix(#"policies.csv: line 1, column 2: unknown column "Stat"; the map agency.map does not rename it (add `rename Stat -> column` or `ignore Stat`)"#) == true)
        // A `date column:` line is that column's format whatever `dates:` says, in either order.
        let map = try ColumnMap(text: "date effectiveDate: YYYYMMDD\ndates: MM/DD/YYYY", kind: .policies)
        #expect(try map.apply(to: "effectiveDate,expirationDate\n20240115,01/15/2025\n").text == "effectiveDate,expirationDate\r\n2024-01-15,2025-01-15\r\n")
    }

    /// A default fills a column's empty cells, and the whole column when the file lacks it; a cell with a
    /// value keeps it (a default is not an override).
    @Test func aMapDefaultFillsEmptyCellsAndAMissingColumn() throws {
        let map = try ColumnMap(text: "default status = lapsed\ndefault premiumFrequency = annual", kind: .policies)
        let (text, problems) = try map.apply(to: "policyNumber,status\nP-1,active\nP-2,\nP-3,  \n")
        #expect(problems.isEmpty)
        #expect(text == "policyNumber,status,premiumFrequency\r\nP-1,active,annual\r\nP-2,lapsed,annual\r\nP-3,lapsed,annual\r\n")
    }

    /// The README's worked example (Tests/EndToEnd/agency-sync): an agency system's export, read through its map,
    /// synced into a book twice: the second time changes nothing; then a day later P-1002 lapsed.
    @Test func theReadmeAgencyExampleSyncs() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/EndToEnd/agency-sync")
        let read = { (name: String) in try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) }
        let engine = try makeEngine()
        let customers = try ColumnMap(text: read("customers.map"), kind: .customers).apply(to: read("clients.csv"))
        #expect(customers.problems.isEmpty)
        #expect(try engine.syncCSV(.customers, text: customers.text, dryRun: false, now: testNow).new == 3)
        let map = try ColumnMap(text: read("policies.map"), kind: .policies)
        let day1 = try map.apply(to: read("policies.csv"))
        #expect(day1.problems.isEmpty)
        let first = try engine.syncCSV(.policies, text: day1.text, dryRun: false, now: testNow)
        #expect(first.problems.isEmpty)
        #expect((first.new, first.changed) == (4, 0))
        #expect(try engine.db.query("SELECT policy_number, policy_type, status, annual_premium_cents, effective_date FROM policies ORDER BY policy_number") {
            "\($0.text(0)) \($0.text(1)) \($0.text(2)) \($0.int(3)) \(Timestamp.formatDate($0.int(4)))" } == [
            "P-1001 auto active 124000 2023-03-01", "P-1002 home active 98000 2023-07-15", "P-1003 auto cancelled 61000 2023-05-01",
            "P-1004 umbrella active 35000 2023-09-01"])
        #expect(try engine.syncCSV(.policies, text: day1.text, dryRun: false, now: testNow).wrote == false)
        let day2 = try map.apply(to: read("policies-next-day.csv"))
        let second = try engine.syncCSV(.policies, text: day2.text, dryRun: false, now: testNow)
        #expect((second.new, second.changed, second.unchanged) == (0, 2, 2))
        #expect(second.eventCounts.map { "\($0.type) \($0.count)" } == ["customer_churned 1", "policy_lapsed 1", "policy_renewed 1"])
    }
}
