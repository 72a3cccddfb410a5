import Foundation
import Testing
@testable import RetentionCore

/// The score history: when a rescore adds a row (materiality), which customers `--changed` rescores, and
/// which rows `maintenance`'s retention policy keeps.
@Suite struct ScoreHistoryTests {
    let day = 86_400

    /// The materiality rule with the documented defaults (1 point, any risk change, 0.02, 30 days), by hand.
    @Test func aRowIsRecordedOnlyForAMaterialMoveOrAfterTheInterval() {
        let h = HistorySettings()
        let last = HistorySettings.LastPoint(overall: 71.4, churnProbability: 0.30, risk: .medium, calculatedAt: testNow)
        let later = testNow + day
        #expect(h.records(overall: 50, churnProbability: 0.9, risk: .high, now: later, since: nil), "a first score always")
        #expect(h.records(overall: 72.4, churnProbability: 0.30, risk: .medium, now: later, since: last), "72.4 − 71.4 is one point")
        #expect(h.records(overall: 70.4, churnProbability: 0.30, risk: .medium, now: later, since: last), "down one point too")
        #expect(!h.records(overall: 72.3, churnProbability: 0.30, risk: .medium, now: later, since: last), "0.9 points is not enough")
        #expect(h.records(overall: 71.4, churnProbability: 0.30, risk: .high, now: later, since: last), "any change of risk level")
        #expect(!h.records(overall: 71.4, churnProbability: 0.3199, risk: .medium, now: later, since: last), "0.0199 of probability is not")
        #expect(h.records(overall: 71.4, churnProbability: 0.32, risk: .medium, now: later, since: last), "0.02 is")
        #expect(h.records(overall: 71.4, churnProbability: 0.28, risk: .medium, now: later, since: last), "a fall of 0.02 too")
        #expect(!h.records(overall: 71.4, churnProbability: 0.30, risk: .medium, now: testNow + 29 * day + 86_399, since: last), "29.99 days")
        #expect(h.records(overall: 71.4, churnProbability: 0.30, risk: .medium, now: testNow + 30 * day, since: last), "30 days")
        var every = h
        every.maxIntervalDays = 0
        #expect(every.records(overall: 71.4, churnProbability: 0.30, risk: .medium, now: testNow, since: last), "0 days: every rescore")
        #expect(every.records(overall: 71.4, churnProbability: 0.30, risk: .medium, now: testNow - 1, since: last), "even one scored before the last row")
    }

    /// A rescore always updates the current score; the history grows only where the rule says.
    @Test func aRescoreAddsHistoryOnlyWhenTheScoreMovedOrTheIntervalPassed() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 120, seed: 3, now: testNow).generate(into: engine.db)
        let first = try engine.rescore(.all, now: testNow)
        #expect(first.customers == 120 && first.historyRows == 120, "a first score is always recorded")
        #expect(try count(engine, "health_scores") == 120 && count(engine, "ltv_history") == 120)
        // The same inputs an hour later: no score moves, no row; every current score is still rewritten.
        let again = try engine.rescore(.all, now: testNow + 3_600)
        #expect(again.customers == 120 && again.historyRows == 0)
        #expect(try count(engine, "health_scores") == 120 && count(engine, "ltv_history") == 120)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM customers WHERE scored_at = ?", [.int(Int64(testNow + 3_600))]) == 120)
        // Past the interval (30 days after the last row) everyone gets a row, moved or not.
        let month = try engine.rescore(.all, now: testNow + 30 * day)
        #expect(month.historyRows == 120)
        #expect(try count(engine, "health_scores") == 240 && count(engine, "ltv_history") == 240)
        // history.maxIntervalDays 0: a row at every rescore (the behaviour before this setting).
        try engine.db.settings.set(Settings.historyMaxIntervalDays, 0)
        #expect(try engine.rescore(.all, now: testNow + 30 * day + 60).historyRows == 120)
        // The typed history the dashboard reads still has the newest row first.
        let id = try #require(try engine.listCustomers(CustomerQuery()).items.first?.id)
        let history = try engine.healthHistory(customerId: id, limit: 10)
        #expect(history.map(\.calculatedAt) == [testNow + 30 * day + 60, testNow + 30 * day, testNow])
    }

    /// A complaint moves one customer's score: only they get a row when the book is rescored the same day.
    @Test func aMaterialMoveOfOneCustomerAddsTheirRowOnly() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 80, seed: 4, now: testNow).generate(into: engine.db)
        try engine.rescore(.all, now: testNow)
        let c = try #require(try engine.listCustomers(CustomerQuery()).items.first { $0.activePolicies > 0 })
        let before = try #require(try engine.healthHistory(customerId: c.id, limit: 1).first)
        for _ in 0..<3 {
            try engine.createEvent(try json(#"{"customerId":"\#(c.id)","eventType":"complaint_filed","severity":"critical"}"#), now: testNow + 60)
        }
        let s = try engine.rescore(.all, now: testNow + 120)
        let after = try engine.customer(id: c.id)
        let moved = abs((after.healthScore) - before.overall) >= 1 || after.churnRisk != before.churnRisk
            || abs((after.churnProbability ?? 0) - before.churnProbability) >= 0.02
        #expect(moved, "three critical complaints move the score materially")
        #expect(s.historyRows == 1)
        #expect(try engine.healthHistory(customerId: c.id, limit: 5).map(\.calculatedAt) == [testNow + 120, testNow])
    }

    /// `--changed` picks exactly the customers with a row newer than their score: an edited customer, a
    /// customer with a new event, one whose policy changed, and a new customer; nobody else.
    @Test func changedPicksExactlyTheChangedCustomers() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 150, seed: 6, now: testNow).generate(into: engine.db)
        try engine.rescore(.all, now: testNow)
        #expect(try engine.changedCustomerRows() == [], "the book written in the score's second is not newer: a full rescore leaves nothing changed")
        // Scored a minute later: nothing changed since.
        try engine.rescore(.all, now: testNow + 60)
        #expect(try engine.changedCustomerRows() == [])
        let people = try engine.listCustomers(CustomerQuery()).items.filter { $0.activePolicies > 0 }
        let (edited, evented, insured) = (people[0], people[1], people[2])
        _ = try engine.updateCustomer(id: edited.id, try json(#"{"phone":"+15550001111"}"#), now: testNow + 120)
        try engine.createEvent(try json(#"{"customerId":"\#(evented.id)","eventType":"complaint_filed"}"#), now: testNow + 130)
        let policy = try #require(try engine.policies(customerId: insured.id).first { $0.status == .active })
        _ = try engine.updatePolicy(id: policy.id, try json(#"{"status":"cancelled","endReason":"price"}"#), now: testNow + 140)
        let newcomer = try engine.createCustomer(NewCustomer(json: try json(specCustomerBody)), now: testNow + 150)
        let expected = [edited.rowID, evented.rowID, insured.rowID, newcomer.rowID].sorted()
        #expect(try engine.changedCustomerRows() == expected)
        let s = try engine.rescore(.changed, now: testNow + 200)
        #expect(s.customers == 4)
        #expect(try engine.db.query("SELECT id FROM customers WHERE scored_at = ? ORDER BY id", [.int(Int64(testNow + 200))]) { $0.int64(0) } == expected)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM customers WHERE scored_at = ?", [.int(Int64(testNow + 60))]) == 150 - 3)
        // Rescored, they are no longer changed; the risk-change events the rescore wrote do not count as changes.
        #expect(try engine.changedCustomerRows() == [])
        // Changed customers far apart, written two to a transaction: each scored once, and the per-agent totals
        // still the table's sums.
        let spread = try engine.db.query("SELECT id FROM customers WHERE id % 37 = 0 AND erased_at IS NULL ORDER BY id") { $0.int64(0) }
        try engine.db.run("UPDATE customers SET updated_at = ? WHERE id % 37 = 0", [.int(Int64(testNow + 300))])
        #expect(try engine.changedCustomerRows() == spread)
        #expect(try engine.rescore(.changed, now: testNow + 400, chunk: 2).customers == spread.count)
        #expect(try engine.db.query("SELECT id FROM customers WHERE scored_at = ? ORDER BY id", [.int(Int64(testNow + 400))]) { $0.int64(0) } == spread)
        try CustomerTotalsTests.expectKept(engine.db, "a rescore of scattered changed customers")
    }

    /// The retention policy on a known set of rows (now Monday 2026-06-15 12:00 UTC; 90 days of every row, weekly
    /// to 365 days, then monthly): 91 days ago is Monday 03-16 (its own week); 92 (Sunday 03-15) and 95 (Thursday
    /// 03-12) share the week of 03-09, the newer, 92, stays; 100 (Saturday 03-07) and 101 (Friday 03-06) share
    /// the week of 03-02, 100 stays; 200 is alone; past 365 days, 370 (2025-06-10) is June's only row, 380
    /// (05-31) and 400 (05-11) share May, 380 stays; 430 (04-11) is April's. Removed: 95, 101 and 400.
    @Test func maintenanceKeepsEveryRecentRowThenOneAWeekThenOneAMonth() throws {
        let engine = try makeEngine()
        let now = Timestamp.parse("2026-06-15T12:00:00Z")!
        let c = try engine.createCustomer(NewCustomer(json: try json(specCustomerBody)), now: now - 500 * day)
        let daysAgo = [0, 10, 89, 91, 92, 95, 100, 101, 200, 370, 380, 400, 430]
        for d in daysAgo {
            try engine.db.run("""
                INSERT INTO health_scores (customer_id, calculated_at, overall, engagement, financial, satisfaction, lifecycle, churn_probability, churn_risk, document)
                VALUES (?, ?, 50, 50, 50, 50, 50, 0.1, 0, '[]')
                """, [.int(c.rowID), .int(Int64(now - d * day))])
            try engine.db.run("""
                INSERT INTO ltv_history (customer_id, calculated_at, current_ltv_cents, projected_ltv_cents, tier, category, document)
                VALUES (?, ?, 0, 0, 'bronze', 'stable', '[]')
                """, [.int(c.rowID), .int(Int64(now - d * day))])
        }
        func left(_ table: String) throws -> [Int] {
            try engine.db.query("SELECT calculated_at FROM \(table) ORDER BY calculated_at DESC") { (now - $0.int(0)) / day }
        }
        let dry = try engine.maintain(now: now, dryRun: true)
        #expect(dry.healthRowsThinned == 3 && dry.ltvRowsThinned == 3 && dry.needsConversion)
        #expect(try left("health_scores") == daysAgo, "a dry run changes nothing")
        let report = try engine.maintain(now: now, batch: 1)
        #expect(report.healthRowsThinned == 3 && report.ltvRowsThinned == 3 && report.convertedToIncremental)
        let survivors = [0, 10, 89, 91, 92, 100, 200, 370, 380, 430]
        #expect(try left("health_scores") == survivors)
        #expect(try left("ltv_history") == survivors)
        #expect(try engine.db.scalarInt("PRAGMA auto_vacuum") == 2)
        // Run again: nothing more goes (a thinned bucket keeps its one row), and no second conversion.
        let second = try engine.maintain(now: now)
        #expect(second.healthRowsThinned == 0 && second.ltvRowsThinned == 0 && !second.convertedToIncremental)
        #expect(try left("health_scores") == survivors)
    }

    /// When many of a table's rows go (one in eight or more), its index is dropped, the rows deleted and the
    /// index rebuilt; when few go, they are deleted with the index in place; either way the kept rows keep their
    /// ids, and the whole thinning is one transaction. Now Monday 2026-06-15 12:00 UTC; customer A
    /// has a health row every night for 400 nights (days 0…399 ago), B one today. Kept by hand: days 0…90 (91
    /// rows: day 90 is at the 90-day cut, not before it); from 91 to 365 one a week (weeks Monday to Sunday):
    /// day 91 (Monday 03-16, alone past the cut in its week), the Sunday of each of the 39 weeks from day 92…98 to
    /// 358…364, and day 365 (Monday 2025-06-15, alone before the 365-day cut) = 41; before: June 2025's newest
    /// (day 366) and May's (day 380) = 2. 134 of A's 400 rows stay (266 go: the index rebuilt). LTV: days 0…20, 100 and 101;
    /// 100 and 101 share a week, 101 goes (1 of 23, fewer than one in eight: deleted with the index in place, ids unchanged).
    @Test func manyRowsGoingRebuildTheIndexFewAreDeletedKeptIdsStayAllInOneTransaction() throws {
        let now = Timestamp.parse("2026-06-15T12:00:00Z")!
        func book() throws -> (Engine, Int64, Int64) {
            let engine = try makeEngine()
            let a = try engine.createCustomer(NewCustomer(json: try json(specCustomerBody)), now: now - 500 * day).rowID
            var other = try json(specCustomerBody)
            if case .object(var pairs) = other {
                pairs = pairs.map { $0.0 == "email" ? ($0.0, .string("b@example.com")) : $0.0 == "leadId" ? ($0.0, .string("lead-b")) : $0 }
                other = .object(pairs)
            }
            let b = try engine.createCustomer(NewCustomer(json: other), now: now - 500 * day).rowID
            // Nights written newest first, so ids do not follow customer and time order.
            for d in 0..<400 {
                for (c, n) in [(a, d), (b, 0)] where c == a || d == 0 {
                    try engine.db.run("""
                        INSERT INTO health_scores (customer_id, calculated_at, overall, engagement, financial, satisfaction, lifecycle, churn_probability, churn_risk, document)
                        VALUES (?, ?, 50, 50, 50, 50, 50, 0.1, 0, '[]')
                        """, [.int(c), .int(Int64(now - n * day))])
                }
            }
            for d in Array(0...20) + [100, 101] {
                try engine.db.run("""
                    INSERT INTO ltv_history (customer_id, calculated_at, current_ltv_cents, projected_ltv_cents, tier, category, document)
                    VALUES (?, ?, 0, 0, 'bronze', 'stable', '[]')
                    """, [.int(a), .int(Int64(now - d * day))])
            }
            return (engine, a, b)
        }
        // A failure while thinning the second table leaves the first as it was: all or nothing.
        let (failing, _, _) = try book()
        try failing.db.execute("CREATE TEMP TRIGGER refuse BEFORE DELETE ON main.ltv_history BEGIN SELECT RAISE(ABORT, 'refused'); END")
        #expect(throws: (any Error).self) { try failing.maintain(now: now) }
        #expect(try count(failing, "health_scores") == 401 && count(failing, "ltv_history") == 23)
        #expect(try failing.db.settings.value(Settings.lastHistoryThinning) == nil)

        let (engine, a, b) = try book()
        let ltvIDs = try engine.db.query("SELECT id FROM ltv_history WHERE calculated_at <> ? ORDER BY id", [.int(Int64(now - 101 * day))]) { $0.int(0) }
        let weekly = [91] + (14...52).map { 7 * $0 - 6 } + [365]
        let keptDays = Array(0...90) + weekly + [366, 380]
        // The ids of A's kept rows as the book wrote them (night d of A is row 1 + d, B's row 2: d = 0 wrote A then B).
        let healthIDs = try engine.db.query("SELECT id FROM health_scores WHERE customer_id = ? ORDER BY id", [.int(a)]) { $0.int(0) }
        let indexSQL = try engine.db.query("SELECT sql FROM sqlite_master WHERE tbl_name = 'health_scores' AND type = 'index'") { $0.text(0) }
        var phases: [String] = []
        let report = try engine.maintain(now: now) { if case .began(let name) = $0 { phases.append(name) } }
        #expect(report.healthRowsThinned == 266 && report.ltvRowsThinned == 1)
        #expect(phases.contains("deleting from health_scores, its index rebuilt") && phases.contains("deleting from ltv_history"),
                "the health rows' index rebuilt, the LTV row deleted with its index in place: \(phases)")
        let rows = try engine.db.query("SELECT id, customer_id, (? - calculated_at) / 86400 FROM health_scores ORDER BY customer_id, calculated_at DESC", [.int(Int64(now))]) {
            ($0.int(0), $0.int64(1), $0.int(2))
        }
        #expect(rows.map(\.1) == Array(repeating: a, count: 134) + [b], "customer A's rows, then B's")
        #expect(rows.prefix(134).map(\.2) == keptDays, "newest first")
        let keptIDs = keptDays.map { d in healthIDs[d] }
        #expect(rows.prefix(134).map(\.0) == keptIDs, "the kept rows keep their ids")
        #expect(try engine.db.query("SELECT id FROM ltv_history ORDER BY id") { $0.int(0) } == ltvIDs)
        #expect(try engine.db.query("SELECT sql FROM sqlite_master WHERE tbl_name = 'health_scores' AND type = 'index'") { $0.text(0) } == indexSQL,
                "the customer index is back, as the migration wrote it")
        #expect(try engine.db.integrityCheck() == "ok")
    }

    /// On a book in a file (incremental vacuum from its first page): a demo book scored, each customer's rows copied
    /// back over 400 nights. Maintenance removes exactly the rows the rule drops (the reference query of
    /// `HistoryThinningScanTests`), every customer's stored history (the entries `healthScoreHistory` builds for the
    /// API; the API's `change` beside each, measured from the previous kept entry, may differ) reads back byte for
    /// byte what it read before minus the dropped rows, every free page is given back by the thinning's commit (none left, the file
    /// smaller), and the file is in incremental mode after. A file a kill left in full auto-vacuum mode (between
    /// that commit and the switch back) is switched back by the next run, with no conversion.
    @Test func aFileBooksHistoryReadsBackTheSameMinusTheDroppedRowsAndItsFreePagesGoBack() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/book.db"
        let engine = Engine(database: try Store.open(path: path), user: "t")
        try DemoBook(customers: 12, seed: 5, now: testNow).generate(into: engine.db)
        try engine.rescore(.all, now: testNow)
        for t in ["health_scores", "ltv_history"] {
            let cols = try engine.db.query("SELECT name FROM pragma_table_info(?) WHERE name NOT IN ('id', 'calculated_at')", [.text(t)]) { $0.text(0) }
            try engine.db.run("""
                WITH RECURSIVE d(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM d WHERE n < 400)
                INSERT INTO \(t) (calculated_at, \(cols.joined(separator: ", ")))
                SELECT h.calculated_at - d.n * 86400, \(cols.map { "h." + $0 }.joined(separator: ", ")) FROM \(t) h, d ORDER BY d.n, h.id
                """)
        }
        #expect(try engine.db.scalarInt("PRAGMA auto_vacuum") == 2)
        let cut = HistorySettings().cuts(now: testNow)
        func reference(_ t: String) throws -> Set<Int64> {
            Set(try engine.db.query(HistoryThinningScanTests.referenceSQL(t), [.int(0), .int(Int64.max), .int(Int64(cut.weekly)), .int(Int64(cut.all)),
                                                                                .int(Int64.min), .int(Int64.min)]) { $0.int64(0) })
        }
        let dropHealth = try reference("health_scores"), dropLTV = try reference("ltv_history")
        let customers = try engine.db.query("SELECT uuid, id FROM customers ORDER BY id") { ($0.text(0), $0.int64(1)) }
        func ids(_ t: String, _ row: Int64) throws -> [Int64] {
            try engine.db.query("SELECT id FROM \(t) WHERE customer_id = ? ORDER BY calculated_at DESC, id DESC", [.int(row)]) { $0.int64(0) }
        }
        var expected: [String: ([JSONValue], [JSONValue])] = [:]
        for (uuid, row) in customers {
            let health = zip(try ids("health_scores", row), try engine.healthScoreHistory(customerId: uuid, limit: 1000)).filter { !dropHealth.contains($0.0) }.map(\.1)
            let ltv = zip(try ids("ltv_history", row), try engine.ltvHistory(customerId: uuid, limit: 1000)).filter { !dropLTV.contains($0.0) }.map(\.1)
            expected[uuid] = (health, ltv)
        }
        let before = (try count(engine, "health_scores"), try count(engine, "ltv_history"))
        #expect(dropHealth.count * 2 > before.0 && dropLTV.count * 2 > before.1, "most rows go: \(dropHealth.count) of \(before.0), \(dropLTV.count) of \(before.1)")
        let report = try engine.maintain(now: testNow)
        #expect(report.healthRowsThinned == dropHealth.count && report.ltvRowsThinned == dropLTV.count)
        for (uuid, _) in customers {
            #expect(try engine.healthScoreHistory(customerId: uuid, limit: 1000).map { $0.serialized() } == expected[uuid]!.0.map { $0.serialized() })
            #expect(try engine.ltvHistory(customerId: uuid, limit: 1000).map { $0.serialized() } == expected[uuid]!.1.map { $0.serialized() })
        }
        #expect(report.freeBytesBefore > 0 && report.bytesReclaimed > 0 && !report.convertedToIncremental)
        #expect(try engine.db.scalarInt("PRAGMA freelist_count") == 0, "every free page given back")
        #expect(try engine.db.scalarInt("PRAGMA auto_vacuum") == 2)
        #expect(try engine.db.integrityCheck() == "ok")

        // Killed after the commit, before the switch back: the file is left in full mode.
        try engine.db.execute("PRAGMA auto_vacuum = FULL")
        #expect(try engine.db.scalarInt("PRAGMA auto_vacuum") == 1)
        let again = try engine.maintain(now: testNow + 30 * day)
        #expect(!again.convertedToIncremental && !again.needsConversion)
        #expect(try engine.db.scalarInt("PRAGMA auto_vacuum") == 2 && engine.db.scalarInt("PRAGMA freelist_count") == 0)
        #expect(try engine.db.integrityCheck() == "ok")
    }

    /// A later run reads only the rows that aged since the last one (`HistorySettings.window`): nightly rows for
    /// 500 days, thinned, then 40 more nights with runs 3, 10 and 27 days apart, leave exactly the rows the same
    /// runs leave reading every row (the mark of the last run removed before each).
    @Test func aLaterMaintenanceReadsOnlyWhatAgedAndLeavesWhatAFullRunLeaves() throws {
        let now = Timestamp.parse("2026-06-15T12:00:00Z")!
        func book() throws -> (Engine, Int64) {
            let engine = try makeEngine()
            let c = try engine.createCustomer(NewCustomer(json: try json(specCustomerBody)), now: now - 600 * day)
            return (engine, c.rowID)
        }
        func night(_ engine: Engine, _ row: Int64, _ at: Int) throws {
            try engine.db.run("""
                INSERT INTO health_scores (customer_id, calculated_at, overall, engagement, financial, satisfaction, lifecycle, churn_probability, churn_risk, document)
                VALUES (?, ?, 50, 50, 50, 50, 50, 0.1, 0, '[]')
                """, [.int(row), .int(Int64(at))])
        }
        func kept(_ engine: Engine) throws -> [Int] { try engine.db.query("SELECT calculated_at FROM health_scores ORDER BY calculated_at") { $0.int(0) } }
        let (stepwise, a) = try book()
        let (whole, b) = try book()
        for d in 0..<500 { try night(stepwise, a, now - d * day); try night(whole, b, now - d * day) }
        func full(_ at: Int) throws -> Engine.MaintenanceReport {
            try whole.db.run("DELETE FROM settings WHERE key = 'history.lastThinning'")
            return try whole.maintain(now: at)
        }
        try stepwise.maintain(now: now)
        _ = try full(now)
        var at = now
        for gap in [3, 10, 27] {
            for d in 1...gap { try night(stepwise, a, at + d * day); try night(whole, b, at + d * day) }
            at += gap * day
            let report = try stepwise.maintain(now: at)
            #expect(report.healthRowsThinned > 0)
            #expect(report.healthRowsThinned == (try full(at)).healthRowsThinned)
            #expect(try kept(stepwise) == kept(whole), "after the run of day +\((at - now) / day)")
        }
        #expect(try kept(whole).count < 540 - 100)
    }

    /// Rescore and maintenance report their phases and rows done as `JobPhase.progress`.
    @Test func rescoreAndMaintenanceReportProgress() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 50, seed: 2, now: testNow).generate(into: engine.db)
        var seen: [JobPhase] = []
        try engine.rescore(.all, now: testNow, chunk: 20) { seen.append($0) }
        #expect(seen.first == .began("rescoring") && seen.last == .ended("rescoring"))
        #expect(seen.contains(.progress("rescoring", done: 20, total: 50)) && seen.contains(.progress("rescoring", done: 50, total: 50)))
        var old: [(Int, Int)] = []
        try engine.rescore(now: testNow, chunk: 25) { old.append(($0, $1)) }
        #expect(old.map(\.0) == [0, 25, 50] && old.allSatisfy { $0.1 == 50 }, "the older progress closure still works")
        seen = []
        try engine.maintain(now: testNow, batch: 30) { seen.append($0) }
        #expect(seen.contains(.progress("thinning history", done: 30, total: 50)))
    }
}
