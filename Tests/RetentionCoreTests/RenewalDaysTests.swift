import Foundation
import Testing
@testable import RetentionCore

/// `renewal_days` against its definition, summed here from the renewals in `premium_changes` after each
/// kind of write, and the book's renewal figures read from it against the same sums.
@Suite struct RenewalDaysTests {
    static let day = 86_400

    /// Per "day|line": the renewals and Σ round(premium × term months), from the rows.
    static func direct(_ db: Database, from start: Int = Int.min, to end: Int = Int.max) throws -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        try db.forEach("""
            SELECT occurred_at, policy_type, coalesce(premium_after_cents, annual_premium_cents), term_months FROM premium_changes WHERE renewal
            """) { r in
            let t = r.int(0)
            guard t >= start && t < end else { return }
            let dayStart = Int((Double(t) / Double(day)).rounded(.down)) * day
            let key = "\(dayStart)|\(r.text(1))"
            out[key, default: [0, 0]][0] += 1
            out[key, default: [0, 0]][1] += Int((r.double(2) * Double(r.int(3))).rounded())
        }
        return out
    }

    static func kept(_ db: Database) throws -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        try db.forEach("SELECT day, line, renewals, revenue_cent_months FROM renewal_days") { r in
            if r.int(2) != 0 || r.int(3) != 0 { out["\(r.int(0))|\(r.text(1))"] = [r.int(2), r.int(3)] }
        }
        return out
    }

    static func expectKept(_ db: Database, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let direct = try direct(db)
        #expect(try kept(db) == direct, "after \(step)", sourceLocation: sourceLocation)
        #expect(!direct.isEmpty, "after \(step): there are renewals", sourceLocation: sourceLocation)
    }

    @Test func everyWritePathKeepsTheDays() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 200, seed: 9, now: testNow).generate(into: engine.db)
        try Self.expectKept(engine.db, "the demo load (caught up after it)")
        let customer = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let policy = try engine.createPolicy(try json(specPolicyBody(customerId: customer.id)), now: testNow)
        _ = try engine.renewPolicy(id: policy.id, try json(#"{"premium":{"amount":1650,"frequency":"annual"}}"#), now: testNow + Self.day)
        try Self.expectKept(engine.db, "a renewal through the API")
        let event = try engine.createEvent(try json("""
            {"customerId":"\(customer.id)","policyId":"\(policy.id)","eventType":"policy_renewed","data":{"premiumAfter":1650.55}}
            """), now: testNow + 2 * Self.day, applySideEffects: false)
        try Self.expectKept(engine.db, "a renewal event with a premium in cents")
        try engine.db.run("UPDATE retention_events SET data = '{\"premiumAfter\":999}' WHERE uuid = ?", [.text(event.id)])
        try Self.expectKept(engine.db, "the event's premium changed")
        try engine.db.run("UPDATE retention_events SET data = '{}' WHERE uuid = ?", [.text(event.id)])
        try Self.expectKept(engine.db, "the event's premium removed (the policy's annual premium counts)")
        try engine.db.run("DELETE FROM retention_events WHERE uuid = ?", [.text(event.id)])
        try Self.expectKept(engine.db, "the event deleted")
        try engine.db.run("""
            INSERT INTO retention_events (uuid, customer_id, policy_id, event_type, severity, data, occurred_at, created_by, created_at)
            SELECT 'early', customer_id, id, 'policy_renewed', 'info', '{}', -3600, 't', 0 FROM policies WHERE uuid = ?
            """, [.text(policy.id)])
        try Self.expectKept(engine.db, "a renewal an hour before 1970 (day −1)")
        #expect(try Self.kept(engine.db)["-86400|auto"] == [1, 165_000 * 12], "the policy's annual premium since its renewal")
    }

    @Test func theBooksRenewalsForAPeriodAreTheRowsSums() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 300, seed: 2, now: testNow).generate(into: engine.db)
        let today = Timestamp.startOfDay(testNow)
        for (start, end) in [(Timestamp.addingMonths(-12, to: today), today + Self.day), (today - 30 * Self.day, today - 29 * Self.day),
                             (Timestamp.addingMonths(-40, to: today), Timestamp.addingMonths(-20, to: today))] {
            let direct = try Self.direct(engine.db, from: start, to: end)
            var byLine: [String: Int] = [:]
            var centMonths = 0
            for (key, sums) in direct {
                byLine[String(key.split(separator: "|")[1]), default: 0] += sums[0]
                centMonths += sums[1]
            }
            let read = try engine.bookRenewals(start: start, end: end)
            #expect(read.byLine == byLine, "\(Timestamp.formatDate(start))…\(Timestamp.formatDate(end))")
            #expect(read.revenueCents == Double(centMonths) / 12)
            #expect(!byLine.isEmpty || end - start == Self.day)
        }
    }

    /// A renewal's premium is checked when it is recorded, and premiums too large for 64-bit sums (written
    /// behind the API's back) neither fail nor crash the metrics.
    @Test func premiumsAreCheckedAndHugeOnesDoNotBreakTheMetrics() throws {
        let engine = try makeEngine()
        let customer = try engine.createCustomer(try json(specCustomerBody), now: testNow)
        let policy = try engine.createPolicy(try json(specPolicyBody(customerId: customer.id)), now: testNow)
        for (value, message) in [("\"abc\"", "must be a number"), ("1e17", "must be between 0 and"), ("-5", "must be between 0 and")] {
            #expect {
                _ = try engine.createEvent(try json("""
                    {"customerId":"\(customer.id)","policyId":"\(policy.id)","eventType":"policy_renewed","data":{"premiumAfter":\(value)}}
                    """), now: testNow)
            } throws: { ($0 as? RetentionError)?.field == "data.premiumAfter" && ($0 as? RetentionError)?.message.contains(message) == true }
        }
        try engine.db.execute("""
            INSERT INTO premium_changes (occurred_at, event_id, customer_id, policy_id, renewal, policy_type, policy_inception, term_months,
              annual_premium_cents, premium_before_cents, premium_after_cents)
            VALUES (\(testNow), 900001, 1, 1, 1, 'auto', 0, 12, 100, NULL, 1e19), (\(testNow + 86_400), 900002, 1, 1, 1, 'auto', 0, 12, 100, NULL, 1e19),
                   (\(testNow + 86_400), 900003, 1, 1, 1, 'home', 0, 12, 100, NULL, 1e19), (\(testNow + 86_400), 900004, 1, 1, 1, 'home', 0, 12, 100, NULL, 1e19)
            """)
        // Each auto day holds the largest integer; the two home renewals of one day overflowed into a float.
        #expect(try engine.db.scalarInt("SELECT count(*) FROM renewal_days WHERE line = 'auto' AND typeof(revenue_cent_months) = 'integer'") == 2)
        let period = try MetricsPeriod(startDate: testNow - 86_400, endDate: testNow + 2 * 86_400)
        let revenue = try engine.metrics(period)["revenueMetrics"]?["renewalRevenue"]?.doubleValue
        #expect(revenue.map { $0.isFinite && $0 > 1e16 } == true, "\(String(describing: revenue))")
    }

    @Test func theUpgradeFillsTheDaysFromThePremiumChanges() throws {
        let db = try Database(path: ":memory:")
        for step in Migrations.all.prefix(6) { try db.execute(step) }
        try db.execute("PRAGMA application_id = \(Migrations.applicationID); PRAGMA user_version = 6")
        try db.execute("""
            INSERT INTO premium_changes (occurred_at, event_id, customer_id, policy_id, renewal, policy_type, policy_inception, term_months,
              annual_premium_cents, premium_before_cents, premium_after_cents)
            VALUES (86400 * 10 + 5, 1, 1, 1, 1, 'home', 0, 12, 100000, NULL, NULL),
                   (86400 * 10 + 99, 2, 1, 2, 1, 'home', 0, 6, 50000, NULL, 60000.0),
                   (86400 * 11, 3, 1, 2, 0, 'home', 0, 6, 50000, 60000.0, 55000.0),
                   (86400 * 12, 4, 2, 3, 1, 'auto', 0, 12, 70000, NULL, NULL);
            """)
        try Store.migrate(db)
        #expect(try Self.kept(db) == ["864000|home": [2, 100_000 * 12 + 60_000 * 6], "1036800|auto": [1, 70_000 * 12]])
        #expect(try db.scalarInt("SELECT count(*) FROM premium_changes INDEXED BY premium_changes_priced WHERE premium_before_cents IS NOT NULL AND premium_after_cents IS NOT NULL") == 1)
    }
}
