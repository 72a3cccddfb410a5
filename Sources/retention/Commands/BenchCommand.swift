import Foundation
import RetentionCore

/// `retention bench`: measures every hot path on a book of N customers.
enum BenchCommand {
    static let usage = "usage: retention bench [--customers N] [--db PATH] [--json]"

    static let spec = CommandSpec(
        name: "bench", summary: "Measure the hot paths (generation, rescore, metrics, queues, activation, import) on a book of N customers",
        usage: usage,
        help: """
        \(usage)

        Builds a demo book of N customers (default 1,000,000) in PATH (default a temporary file) unless it already
        holds one, then times each operation (median of several runs where cheap) and prints N, wall time, rows
        per second and the peak resident memory of the process.
        """,
        valueOptions: ["--customers"], flagOptions: ["--json"],
        run: run)

    struct Measure {
        var name: String
        var seconds: Double
        var rows: Int
    }

    static func time(_ runs: Int = 1, _ body: () throws -> Int) rethrows -> (Double, Int) {
        var times: [Double] = []
        var rows = 0
        for _ in 0..<runs {
            let t0 = DispatchTime.now().uptimeNanoseconds
            rows = try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        return (times.sorted()[times.count / 2], rows)
    }

    static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        let n = try args.int("--customers", usage: usage, range: 100...10_000_000) ?? 1_000_000
        let path = args.value("--db") ?? NSTemporaryDirectory() + "retention-bench-\(n).db"
        var results: [Measure] = []
        let now = env.now
        var db = try Store.open(path: path)
        if try db.scalarInt("SELECT count(*) FROM customers") == 0 {
            let (t, _) = try time { try DemoBook(customers: n, seed: 1, now: now).generate(into: db).customers }
            results.append(Measure(name: "generate the demo book", seconds: t, rows: n))
        }
        db = try Store.open(path: path)
        let engine = Engine(database: db, user: "bench")
        let (rescore, _) = try time { try engine.rescore(now: now).customers }
        results.append(Measure(name: "rescore the whole book (health, churn, LTV, history)", seconds: rescore, rows: n))
        let (metrics, _) = try time(3) { _ = try engine.metrics(MetricsPeriod.trailingYear(now: now)); return 1 }
        results.append(Measure(name: "metrics for 12 months (all groups)", seconds: metrics, rows: n))
        let (atRisk, risky) = try time(9) { var q = AtRiskQuery(); q.limit = 50; return try engine.atRisk(q, now: now).count }
        results.append(Measure(name: "at-risk top 50", seconds: atRisk, rows: risky))
        let (renewals, renewing) = try time(9) { try engine.upcomingRenewals(days: 30, limit: 50, now: now).count }
        results.append(Measure(name: "renewals next 30 days (first page)", seconds: renewals, rows: renewing))
        let someone = try engine.db.queryOne("SELECT uuid FROM customers ORDER BY id LIMIT 1 OFFSET ?", [.int(Int64(n / 2))]) { $0.text(0) } ?? ""
        let (detail, _) = try time(9) {
            _ = try engine.customer(id: someone); _ = try engine.policies(customerId: someone)
            _ = try engine.events(customerId: someone, limit: 30); _ = try engine.touchpoints(customerId: someone, limit: 30)
            return 1
        }
        results.append(Measure(name: "one customer's detail", seconds: detail, rows: 1))
        let campaign = try engine.createCampaign(.object([
            ("name", .string("Bench \(Date().timeIntervalSince1970)")), ("type", .string("engagement")),
            ("touchpoints", .array([0, 10_080, 20_160].map { .object([("type", .string("email")), ("template", .string("engagement")), ("delay", .int($0))]) })),
        ]), now: now)
        let (activate, enrolled) = try time {
            _ = try engine.setCampaignStatus(id: campaign.id, to: .active, now: now)
            return try engine.db.scalarInt("SELECT count(*) FROM campaign_enrollments WHERE campaign_id = ?", [.int(campaign.rowID)])
        }
        results.append(Measure(name: "activate a campaign (3-step sequence)", seconds: activate, rows: enrolled))
        var csv = ""
        try engine.exportCSV(.customers) { csv += $0 }
        let importPath = NSTemporaryDirectory() + "retention-bench-import-\(getpid()).db"
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: importPath + s) } }
        let target = Engine(database: try Store.open(path: importPath), user: "bench")
        let (importTime, imported) = try time { try target.importCSV(.customers, text: csv, dryRun: false, now: now).rows }
        results.append(Measure(name: "import customers CSV", seconds: importTime, rows: imported))

        let peak = peakRSSMiB()
        if args.flag("--json") {
            Output.out(JSONValue.object([("customers", .int(n)), ("peakRSSMiB", .rounded(peak, 1)),
                                         ("operations", .array(results.map { .object([("name", .string($0.name)), ("seconds", .rounded($0.seconds, 4)),
                                                                                      ("rows", .int($0.rows))]) }))]).serialized(pretty: true))
        } else {
            Output.out("N = \(n)   database \(path)")
            for r in results {
                let rate = r.seconds > 0 ? Double(r.rows) / r.seconds : 0
                Output.out(r.name.padding(toLength: 54, withPad: " ", startingAt: 0)
                           + String(format: "%10.1f ms %12.0f rows/s", r.seconds * 1000, rate))
            }
            Output.out(String(format: "peak resident memory %.1f MiB", peak))
        }
        return ExitCode.ok
    }
}
