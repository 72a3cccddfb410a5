import Foundation
import Testing
@testable import RetentionCore

/// Policies past expiration + grace end, on a small book worked out by hand.
///
/// Grace: 30 days (default). Sweep at 2024-02-05.
/// - A: auto 2023-01-01 → 2024-01-01, not renewed: 01-01 + 30 d = 01-31 ≤ 02-05 → expired; A's last policy → A churned.
/// - B: home 2023-06-01 → 2024-01-10, a payment missed on 2023-09-01 and never made up: 01-10 + 30 d = 02-09 > 02-05 → still in force
///   (overdue); with `policy.graceDays.home = 20`: 01-10 + 20 d = 01-30 ≤ 02-05 → lapsed (non-payment).
/// - C: auto 2023-02-01 → 2024-01-05 (02-04 ≤ 02-05 → expired; a missed payment made up later does not make it a lapse)
///   and home 2023-06-01 → 2024-06-01 still in force: C stays a customer.
@Suite struct PolicyExpiryTests {
    func d(_ s: String) -> Int { Timestamp.parse(s)! }

    struct Book { var engine: Engine; var a1: String, b1: String, c1: String, c2: String; var a: String, b: String, c: String }

    func book() throws -> Book {
        let engine = try makeEngine()
        func customer(_ lead: String) throws -> String {
            try engine.createCustomer(try json(#"{"leadId":"\#(lead)","agentId":"ag","firstName":"\#(lead)","lastName":"X","email":"\#(lead)@example.com"}"#), now: d("2023-01-01")).id
        }
        func policy(_ cid: String, _ number: String, _ type: String, _ from: String, _ to: String) throws -> String {
            try engine.createPolicy(try json("""
                {"customerId":"\(cid)","policyNumber":"\(number)","policyType":"\(type)","premium":{"amount":600,"frequency":"annual"},
                 "coverage":{"type":"std","amount":1000},"effectiveDate":"\(from)","expirationDate":"\(to)"}
                """), now: d(from)).id
        }
        func event(_ cid: String, _ pid: String, _ type: String, _ at: String) throws {
            _ = try engine.createEvent(try json(#"{"customerId":"\#(cid)","policyId":"\#(pid)","eventType":"\#(type)","data":{"amount":50}}"#), now: d(at))
        }
        let a = try customer("A"), b = try customer("B"), c = try customer("C")
        let a1 = try policy(a, "A1", "auto", "2023-01-01", "2024-01-01")
        let b1 = try policy(b, "B1", "home", "2023-06-01", "2024-01-10")
        try event(b, b1, "payment_missed", "2023-09-01")
        let c1 = try policy(c, "C1", "auto", "2023-02-01", "2024-01-05")
        try event(c, c1, "payment_missed", "2023-05-01")
        try event(c, c1, "payment_received", "2023-05-20")
        let c2 = try policy(c, "C2", "home", "2023-06-01", "2024-06-01")
        return Book(engine: engine, a1: a1, b1: b1, c1: c1, c2: c2, a: a, b: b, c: c)
    }

    @Test func endsWhatIsPastItsGraceAndNothingElse() throws {
        let book = try book(), engine = book.engine
        let summary = try engine.expireOverduePolicies(now: d("2024-02-05"))
        #expect(summary == ExpirySummary(expired: 2, lapsed: 0, customersLeft: 1))
        let a1 = try engine.policy(id: book.a1), b1 = try engine.policy(id: book.b1), c1 = try engine.policy(id: book.c1)
        #expect(a1.status == .expired && a1.endedAt == d("2024-01-01") && a1.endReason == "not_renewed")
        #expect(b1.status == .active)   // overdue, within grace
        #expect(c1.status == .expired)  // the missed payment was made up
        #expect(try engine.policy(id: book.c2).status == .active)
        // The customers' counters follow; A has left, C has not.
        #expect(try engine.customer(id: book.a).activePolicies == 0)
        #expect(try engine.customer(id: book.c).activePolicies == 1)
        let churned = try engine.db.query("SELECT c.lead_id, e.occurred_at FROM retention_events e JOIN customers c ON c.id = e.customer_id WHERE e.event_type = 'customer_churned'") { ($0.text(0), $0.int(1)) }
        #expect(churned.map(\.0) == ["A"] && churned.first?.1 == d("2024-01-01"))
        // The ending is recorded as the event it is, dated at the expiration, and audited.
        let ended = try engine.db.query("SELECT event_type, occurred_at, json_extract(data, '$.graceDays') FROM retention_events WHERE event_type = 'policy_expired' ORDER BY occurred_at") { ($0.text(0), $0.int(1), $0.int(2)) }
        #expect(ended.map(\.1) == [d("2024-01-01"), d("2024-01-05")] && ended.allSatisfy { $0.2 == 30 })
        #expect(try engine.db.scalarInt("SELECT count(*) FROM audit_log WHERE action = 'policy.expire'") == 2)
        // Idempotent: a second pass at the same instant ends nothing and records nothing.
        let events = try count(engine, "retention_events")
        #expect(try engine.expireOverduePolicies(now: d("2024-02-05")).isEmpty)
        #expect(try count(engine, "retention_events") == events)
    }

    @Test func aLineGraceAndAMissedPaymentMakeALapse() throws {
        let book = try book(), engine = book.engine
        try engine.setSetting("policy.graceDays.home", "20", now: d("2024-02-01"))
        #expect(try engine.renewalGrace() == RenewalGrace(defaultDays: 30, daysByLine: ["home": 20]))
        let summary = try engine.expireOverduePolicies(now: d("2024-02-05"))
        #expect(summary == ExpirySummary(expired: 2, lapsed: 1, customersLeft: 2))
        let b1 = try engine.policy(id: book.b1)
        #expect(b1.status == .lapsed && b1.endReason == "non_payment" && b1.endedAt == d("2024-01-10"))
        #expect(try engine.db.scalarInt("SELECT count(*) FROM retention_events WHERE event_type = 'policy_lapsed'") == 1)
    }

    /// Chunks of one policy: the same result as one pass, each chunk committed on its own.
    @Test func chunkedPassesEndTheSame() throws {
        let book = try book(), engine = book.engine
        try engine.setSetting("policy.graceDays.home", "20", now: d("2024-02-01"))
        #expect(try engine.expireOverduePolicies(now: d("2024-02-05"), chunkSize: 1) == ExpirySummary(expired: 2, lapsed: 1, customersLeft: 2))
        #expect(try engine.expireOverduePolicies(now: d("2024-02-05"), chunkSize: 1).isEmpty)
    }

    /// A customer whose other policy was cancelled after the one that expires left on the cancellation's day.
    @Test func aCustomerLeavesWhenTheirLastPolicyEnded() throws {
        let book = try book(), engine = book.engine
        let extra = try engine.createPolicy(try json("""
            {"customerId":"\(book.a)","policyNumber":"A2","policyType":"home","premium":{"amount":300,"frequency":"annual"},
             "coverage":{"type":"std","amount":1000},"effectiveDate":"2023-03-01","expirationDate":"2024-03-01"}
            """), now: d("2023-03-01")).id
        try engine.updatePolicy(id: extra, try json(#"{"status":"cancelled","endReason":"price"}"#), now: d("2024-01-15"))
        try engine.expireOverduePolicies(now: d("2024-02-05"))
        let churned = try engine.db.query("SELECT e.occurred_at FROM retention_events e JOIN customers c ON c.id = e.customer_id WHERE e.event_type = 'customer_churned' AND c.lead_id = 'A'") { $0.int(0) }
        #expect(churned == [d("2024-01-15")])
        #expect(try engine.winBack().first { $0.name == "A X" }?.leftAt == d("2024-01-15"))
    }

    /// A term-life policy is not renewed: at the end of its term it expires with the term ended.
    @Test func aLifeTermEndsAsTermEnded() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(#"{"leadId":"L","agentId":"ag","firstName":"L","lastName":"X","email":"l@example.com"}"#), now: d("2004-01-01")).id
        let p = try engine.createPolicy(try json("""
            {"customerId":"\(c)","policyNumber":"L1","policyType":"life","premium":{"amount":400,"frequency":"annual"},
             "coverage":{"type":"term","amount":250000},"effectiveDate":"2004-01-01","expirationDate":"2024-01-01"}
            """), now: d("2004-01-01")).id
        #expect(try engine.expireOverduePolicies(now: d("2024-02-05")).expired == 1)
        #expect(try engine.policy(id: p).endReason == "term_ended")
    }

    @Test func exactlyAtTheEndOfGraceItEnds() throws {
        let book = try book(), engine = book.engine
        // A1: 2024-01-01 + 30 days = 2024-01-31 00:00; one second before, nothing ends.
        #expect(try engine.expireOverduePolicies(now: d("2024-01-31") - 1) == ExpirySummary(expired: 0, lapsed: 0, customersLeft: 0))
        #expect(try engine.expireOverduePolicies(now: d("2024-01-31")) == ExpirySummary(expired: 1, lapsed: 0, customersLeft: 1))
    }

    @Test func aRenewalWithinGraceKeepsThePolicy() throws {
        let book = try book(), engine = book.engine
        let renewed = try engine.renewPolicy(id: book.a1, nil, now: d("2024-01-20"))
        #expect(renewed.effectiveDate == d("2024-01-01"))   // the new term continues from the expiration
        #expect(try engine.expireOverduePolicies(now: d("2024-02-05")).expired == 1)   // C1 only
        #expect(try engine.policy(id: book.a1).status == .active)
    }

    @Test func graceSettingsAreChecked() throws {
        let engine = try makeEngine()
        #expect(throws: RetentionError.self) { try engine.setSetting("policy.graceDays", "-1", now: testNow) }
        #expect(throws: RetentionError.self) { try engine.setSetting("policy.graceDays", "367", now: testNow) }
        #expect(throws: RetentionError.self) { try engine.setSetting("policy.graceDays.car", "10", now: testNow) }
        try engine.setSetting("policy.graceDays", "0", now: testNow)
        #expect(try engine.setting("policy.graceDays.auto") == "0")
    }
}
