import Foundation
import Testing
@testable import RetentionCore

/// The rescore's writes (current scores set-wise through a TEMP table and one `UPDATE … FROM`, the score
/// indexes rebuilt by sorting): the same scores, history rows, risk-change events, tasks and totals as the
/// row-by-row writer before it, on a small demo book taken through a first scoring, a `--changed` rescore
/// and a nightly one past the history interval.
@Suite struct RescoreWritesTests {
    let day = 86_400

    /// The demo book and the three rescores; returns their summaries.
    func scenario(_ engine: Engine) throws -> [Engine.RescoreSummary] {
        try DemoBook(customers: 300, seed: 9, now: testNow).generate(into: engine.db)
        var out = [try engine.rescore(.all, now: testNow + day)]
        // Some customers' satisfaction collapses: their health falls, some cross into high risk (events, tasks).
        try engine.db.run("UPDATE customers SET satisfaction_score = 2, updated_at = ?1 WHERE id % 9 = 0", [.int(Int64(testNow + day + 600))])
        out.append(try engine.rescore(.changed, now: testNow + day + 3_600))
        // And recovers for some of them: the nightly rescore 40 days on (every customer past the 30-day interval).
        try engine.db.run("UPDATE customers SET satisfaction_score = 95, updated_at = ?1 WHERE id % 18 = 0", [.int(Int64(testNow + 2 * day))])
        out.append(try engine.rescore(.all, now: testNow + 40 * day))
        return out
    }

    /// Every row a rescore writes, as text (no history document: its storage is another change's).
    func dump(_ db: Database) throws -> [String: [String]] {
        func rows(_ sql: String) throws -> [String] {
            try db.query(sql) { r in (0..<r.columnCount).map { r.isNull($0) ? "∅" : r.text($0) }.joined(separator: "|") }
        }
        func all(_ table: String, orderBy: String) throws -> [String] {
            let columns = try db.query("SELECT name FROM pragma_table_info(?) WHERE name != 'uuid' ORDER BY cid", [.text(table)]) { $0.text(0) }  // not the random ids
            return try rows("SELECT \(columns.map { "quote(\($0))" }.joined(separator: ", ")) FROM \(table) ORDER BY \(orderBy)")
        }
        return [
            "customers": try rows("""
                SELECT id, printf('%.17g', health_score), churn_risk, printf('%.17g', churn_probability), top_risk_factor, scored_at,
                       projected_ltv_cents, ltv_tier FROM customers ORDER BY id
                """),
            "health_scores": try rows("""
                SELECT id, customer_id, calculated_at, printf('%.17g|%.17g|%.17g|%.17g|%.17g|%.17g', overall, engagement, financial,
                       satisfaction, lifecycle, churn_probability), churn_risk, model_version FROM health_scores ORDER BY id
                """),
            "ltv_history": try rows("SELECT id, customer_id, calculated_at, current_ltv_cents, projected_ltv_cents, tier, category FROM ltv_history ORDER BY id"),
            "events": try rows("""
                SELECT id, customer_id, event_type, severity, data, occurred_at FROM retention_events
                WHERE event_type IN ('churn_risk_increased', 'churn_risk_decreased') ORDER BY id
                """),
            "tasks": try all("tasks", orderBy: "id"),
            "customer_totals": try all("customer_totals", orderBy: "agent_id"),
            "indexes": try rows("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' ORDER BY name"),
        ]
    }

    /// FNV-1a, 64 bits, of the lines: a fingerprint that does not depend on the platform's hashing.
    func fingerprint(_ lines: [String]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for line in lines { for b in (line + "\n").utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } }
        return String(h, radix: 16)
    }

    /// The values the row-by-row writer (before the set-wise one) produced for this scenario: rows and fingerprints.
    static let before: [String: (rows: Int, fingerprint: String)] = [
        "customers": (300, "20764405e9348540"), "health_scores": (618, "f757cb4e723fe22"), "ltv_history": (618, "c8d456ffee1cf6cd"),
        "events": (9, "e0bed5c5568c377b"), "tasks": (7, "246b6f68adfe6ea2"), "customer_totals": (6, "919a322e3f7087e7"),
        "indexes": (20, "9711133f0a34adb3"),   // schema 19 dropped customers_health (21 before)
    ]

    @Test func sameRowsAsTheRowByRowWriter() throws {
        let engine = try makeEngine()
        let summaries = try scenario(engine)
        let rows = try dump(engine.db)
        // The scenario exercises what it means to: risk rises and falls, history rows in every rescore.
        #expect(summaries.map(\.customers) == [300, summaries[1].customers, 300] && summaries[1].customers > 20)
        #expect(summaries[1].riskIncreases > 0 && !rows["events"]!.filter { $0.contains("churn_risk_decreased") }.isEmpty)
        #expect(summaries.allSatisfy { $0.historyRows > 0 })
        for (table, expected) in Self.before {
            #expect(rows[table]?.count == expected.rows, "\(table) rows")
            #expect(fingerprint(rows[table] ?? []) == expected.fingerprint, "\(table) differs from the row-by-row writer's")
        }
        // A few customers by hand (the row-by-row writer's values).
        // (id | health | risk rank | churn probability | top factor | scored at | projected LTV cents | tier)
        #expect(rows["customers"]!.filter { ["1|", "9|", "18|", "150|"].contains(where: $0.hasPrefix) } == [
            "1|49|3|0.8438843420637237|No recent contact|1708770600|9445|bronze",
            "9|77.29999999999999|0|0.007671717269810403|No recent contact|1708770600|3526375|platinum",
            "18|75.59999999999999|0|0.02760321513140871|Few policies|1708770600|9396058|platinum",
            "150|76.09999999999999|0|0.02071938812036259|No recent contact|1708770600|2467843|platinum",
        ])
    }

    /// The totals the rescore moved are those a rebuild from the customers table gives; the score indexes are
    /// all there after it, with their definitions; nothing is left staged.
    @Test func totalsMatchARebuildAndIndexesAreBack() throws {
        let engine = try makeEngine()
        let indexesBefore = try engine.db.query("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' ORDER BY name") {
            "\($0.text(0)) \($0.optionalText(1) ?? "")"
        }
        _ = try scenario(engine)
        let moved = try dump(engine.db)["customer_totals"]!
        try engine.db.transaction { try CustomerTotals.rebuild(engine.db) }
        #expect(try dump(engine.db)["customer_totals"]! == moved)
        #expect(try engine.db.query("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' ORDER BY name") {
            "\($0.text(0)) \($0.optionalText(1) ?? "")"
        } == indexesBefore)
        #expect(indexesBefore.contains { $0.hasPrefix("customers_risk_queue ") } && indexesBefore.contains { $0.hasPrefix("customers_risk_level ") })
        #expect(try engine.db.scalarInt("SELECT count(*) FROM temp.rescored_scores") == 0)  // the table is there, empty
        #expect(try engine.db.queryOne("PRAGMA integrity_check") { $0.text(0) } == "ok")
    }

    /// The queue's indexes that name no score column but the churn risk (by renewal, last contact, owner, name:
    /// their condition is `churn_risk >= 1`) are kept through a full rescore, which writes the risk only where it
    /// changed: customers whose risk changes move into and out of them, and each then lists exactly the
    /// customers of the queue. The connection's page cache is as it was before the indexes were rebuilt.
    @Test func theQueueIndexesKeptFollowRiskChanges() throws {
        let engine = try makeEngine()
        _ = try scenario(engine)
        let queue = "churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0"
        let inQueue = try engine.db.query("SELECT id FROM customers WHERE \(queue) ORDER BY id LIMIT 3") { $0.int64(0) }
        let outOfQueue = try engine.db.query("SELECT id FROM customers WHERE churn_risk = 0 AND erased_at IS NULL AND active_policies > 0 ORDER BY id LIMIT 3") { $0.int64(0) }
        #expect(inQueue.count == 3 && outOfQueue.count == 3)
        // Stored risks a rescore will change back: three customers out of the queue, three into it.
        try engine.db.run("UPDATE customers SET churn_risk = 0 WHERE id IN (?, ?, ?)", inQueue.map { .int($0) })
        try engine.db.run("UPDATE customers SET churn_risk = 3 WHERE id IN (?, ?, ?)", outOfQueue.map { .int($0) })
        let cache = try engine.db.scalarInt("PRAGMA cache_size")
        // Those four are kept (their entries moved where the risk changed), the other score indexes rebuilt.
        let kept = try engine.indexesAFullRescoreKeeps()
        for index in ["customers_queue_by_renewal", "customers_queue_by_last_contact", "customers_queue_by_owner", "customers_queue_by_name"] {
            #expect(kept.contains(index), "\(index) kept, not rebuilt")
        }
        #expect(!kept.contains("customers_queue_by_probability") && !kept.contains("customers_risk_level"))
        _ = try engine.rescore(.all, now: testNow + 40 * day)
        #expect(try engine.db.scalarInt("PRAGMA cache_size") == cache)
        let expected = try engine.db.query("SELECT id FROM customers NOT INDEXED WHERE \(queue) ORDER BY id") { $0.int64(0) }
        #expect(Set(inQueue).isSubset(of: expected) && Set(outOfQueue).isDisjoint(with: expected))
        for index in ["customers_queue_by_renewal", "customers_queue_by_last_contact", "customers_queue_by_owner", "customers_queue_by_name"] {
            #expect(try engine.db.query("SELECT id FROM customers INDEXED BY \(index) WHERE \(queue)") { $0.int64(0) }.sorted() == expected, "\(index)")
        }
        #expect(try engine.db.queryOne("PRAGMA integrity_check") { $0.text(0) } == "ok")
    }

    /// A failure while the full rescore writes leaves the book as it was: one transaction, the dropped
    /// indexes come back with the rollback.
    @Test func aFailedFullRescoreChangesNothing() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 120, seed: 5, now: testNow).generate(into: engine.db)
        _ = try engine.rescore(.all, now: testNow + day)
        try engine.db.settings.set(Settings.historyMaxIntervalDays, 0)
        let before = try dump(engine.db)
        // A trigger that refuses the history row of customer 100 (the writes of customers 1…99 are done by then).
        try engine.db.execute("""
            CREATE TEMP TRIGGER refuse_history BEFORE INSERT ON main.health_scores WHEN NEW.customer_id = 100
            BEGIN SELECT RAISE(ABORT, 'refused'); END
            """)
        #expect(throws: (any Error).self) { try engine.rescore(.all, now: testNow + 2 * day) }
        try engine.db.execute("DROP TRIGGER temp.refuse_history")
        #expect(try dump(engine.db) == before)
    }
}
