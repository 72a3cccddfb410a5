import Foundation
import RetentionCore
import RetentionTUI

/// `retention bench`: measures every hot path on a book of N customers.
enum BenchCommand {
    static let usage = "usage: retention bench [--customers N] [--db PATH] [--json] [--dashboard]"

    static let spec = CommandSpec(
        name: "bench", summary: "Measure the hot paths (generation, rescore, metrics, queues, activation, dispatch, import, sync, dashboard) on a book of N customers",
        usage: usage,
        help: """
        \(usage)

        Builds a demo book of N customers (default 1,000,000) in PATH (default a temporary file) unless it already
        holds one, then times each operation (median of several runs where cheap) and prints N, wall time, rows
        per second and the peak resident memory of the process. The dashboard is measured as a separate process
        on a 120x40 pseudo-terminal: time from launch to its first frame with the panes' data, to its first
        complete frame (header metrics too), and its peak resident memory; then, through the dashboard's own
        message loop, keys sent to it as a user types them: Enter on the first at-risk customer until the
        detail is drawn, and one character typed in the `/` filter until the filtered list is drawn.
        --dashboard measures the dashboard alone, on the book in PATH.
        """,
        valueOptions: ["--customers"], flagOptions: ["--json", "--dashboard"],
        run: run)

    struct Measure {
        var name: String
        var seconds: Double
        var rows: Int
        /// Peak resident memory (MiB) of the process that did the work, up to the end of this operation.
        var peakMiB: Double = BenchCommand.peakRSSMiB()
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

    /// Runs `retention tui` on a 120×40 pseudo-terminal until its first frame with the panes' data (or
    /// the complete first frame) and returns the seconds from launch to that frame drawn (the dashboard
    /// reports the monotonic clock when it has written the frame to its terminal; the process's exit after
    /// it is no part of what the user waits for, and `Process.waitUntilExit` only notices an exit at its
    /// next 50 ms poll, which made the figure jump between ~50, ~100 and ~150 ms), and the dashboard's peak
    /// resident memory in MiB (the high-water mark it reports of its own address space: the kernel's
    /// per-child figure would also count the memory this process shared with it before it started).
    static func dashboardFirstFrame(databasePath: String, until: String,
                                    drive: ((_ master: Int32, _ readyPath: String) throws -> Void)? = nil) throws -> (seconds: Double, peakMiB: Double, doneNanos: UInt64?) {
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        let master = pty.master
        let slave = open(pty.slavePath, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw RetentionError.storage("bench: cannot open \(pty.slavePath)") }
        let tty = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        process.arguments = ["tui", "--db", databasePath, "--user", "bench"]
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm-256color"
        environment["LINES"] = "40"
        environment["COLUMNS"] = "120"
        environment[DashboardProbe.untilVariable] = until
        let report = NSTemporaryDirectory() + "retention-bench-dashboard-\(getpid()).txt"
        environment[DashboardProbe.reportVariable] = report
        defer { for file in [report, report + ".ready"] { try? FileManager.default.removeItem(atPath: file) } }
        environment["XDG_CONFIG_HOME"] = NSTemporaryDirectory() + "retention-bench-config-\(getpid())"
        process.environment = environment
        process.standardInput = tty
        process.standardOutput = tty
        process.standardError = tty
        // Drain the screen output so the dashboard never blocks writing it.
        let reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while read(master, &buffer, buffer.count) > 0 {}
        }
        let t0 = DashboardProbe.monotonicNanos()
        try process.run()
        reader.start()
        do { try drive?(master, report + ".ready") } catch { process.terminate(); process.waitUntilExit(); throw error }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: environment["XDG_CONFIG_HOME"]!)
        guard process.terminationStatus == 0 else {
            throw RetentionError.storage("bench: the dashboard exited with status \(process.terminationStatus)")
        }
        let words = ((try? String(contentsOfFile: report, encoding: .utf8)) ?? "").split(separator: " ")
        let kib = words.first.flatMap { Double($0) } ?? 0
        let done = words.firstIndex(of: "done").flatMap { words.indices.contains($0 + 1) ? UInt64(words[$0 + 1]) : nil }
        guard let frame = done, frame >= t0 else { throw RetentionError.storage("bench: the dashboard did not report the frame waited for") }
        return (Double(frame - t0) / 1e9, kib / 1024, done)
    }

    /// The benchmark's side of the dashboard it runs as a child (`dashboardFirstFrame`): the child's
    /// `retention tui` reads these two variables, ends after the first frame showing what is waited for,
    /// and writes its memory high-water mark to the report file. The dashboard itself only offers the
    /// neutral `DashboardOptions.onFrame`.
    struct DashboardProbe {
        static let untilVariable = "RETENTION_EXIT_AFTER_FIRST_FRAME"
        static let reportVariable = "RETENTION_BENCH_REPORT"
        /// `panes`: the first frame with the panes' data; `complete`: with the header's and campaigns' figures too;
        /// `enter`: the first frame showing the detail of the customer opened; `filter`: the first frame showing
        /// the at-risk rows for the search "a". For the last two the dashboard writes `reportPath + ".ready"`
        /// once its panes are drawn (the benchmark then types). The report holds the clock (`monotonicNanos`)
        /// when the frame waited for was drawn, after the memory figure.
        enum Until: String { case panes, complete, enter, filter }
        var until: Until
        var reportPath: String?

        /// Nil unless the environment asks for a measured run.
        init?(environment: [String: String]) {
            guard let until = environment[Self.untilVariable].flatMap(Until.init(rawValue:)) else { return nil }
            self.until = until
            reportPath = environment[Self.reportVariable]
        }

        /// Ends the dashboard after the frame waited for, and leaves the user's saved choices alone.
        func watch(_ options: inout DashboardOptions) {
            let until = until, report = reportPath, marks = marks
            options.onFrame = { frame in
                switch until {
                case .panes, .complete:
                    guard until == .panes ? frame.panesLoaded : frame.figuresLoaded else { return false }
                    marks.done = DashboardProbe.monotonicNanos()
                    return true
                case .enter, .filter:
                    guard frame.panesLoaded else { return false }
                    if until == .enter ? frame.detailShown : frame.atRiskSearchShown == "a" {
                        marks.done = DashboardProbe.monotonicNanos()
                        return true
                    }
                    if !marks.ready, let report {
                        marks.ready = true
                        _ = FileManager.default.createFile(atPath: report + ".ready", contents: Data())
                    }
                    return false
                }
            }
            options.savesPreferences = false
        }

        /// What the frames waited for saw (written by the loop's thread, read once the dashboard has ended).
        final class Marks: @unchecked Sendable {
            var ready = false
            var done: UInt64?
        }
        let marks = Marks()

        /// The system's monotonic clock in nanoseconds: the same clock in the benchmark and in the dashboard it runs.
        static func monotonicNanos() -> UInt64 {
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
        }

        /// Writes this process's memory high-water mark (VmHWM, its own address space's peak) to the report file.
        func writeReport() {
            guard let reportPath else { return }
            let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
            let peak = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) } ?? ""
            let done = marks.done.map { " done \($0)" } ?? ""
            _ = FileManager.default.createFile(atPath: reportPath, contents: Data((peak + done).utf8))
        }
    }

    /// A load of new customers as a user runs it: `retention import customers FILE --quiet` into a new book, as
    /// a separate process (the file read as it is imported), timed from launch to exit. Its peak memory is not
    /// the kernel's figure for this process's children, which counts the memory the child shared with this
    /// process as it started: measure it with `/usr/bin/time -v retention import …`.
    static func loadAsCommand(csv: String, now: Int) throws -> Double {
        let folder = NSTemporaryDirectory() + "retention-bench-load-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/customers.csv"
        guard FileManager.default.createFile(atPath: file, contents: Data(csv.utf8)) else { throw RetentionError.storage("bench: cannot write \(file)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        process.arguments = ["--db", folder + "/book.db", "--today", Timestamp.formatInstant(now), "--user", "bench", "import", "customers", file, "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        let t0 = DispatchTime.now().uptimeNanoseconds
        try process.run()
        process.waitUntilExit()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        guard process.terminationStatus == 0 else { throw RetentionError.storage("bench: the load exited with status \(process.terminationStatus)") }
        return seconds
    }

    /// Keys typed into the dashboard as a user types them, through its terminal and its own message loop,
    /// timed from the key sent to the first frame showing the answer (median of `runs` launches): Enter on
    /// the first at-risk customer until the detail is drawn, and "a" typed in the `/` filter until the at-risk
    /// rows for it are drawn.
    static func dashboardKeys(databasePath: String, runs: Int = 3) throws -> [Measure] {
        func waitFor(_ path: String) throws {
            let deadline = DashboardProbe.monotonicNanos() + 120_000_000_000
            while !FileManager.default.fileExists(atPath: path) {
                guard DashboardProbe.monotonicNanos() < deadline else { throw RetentionError.storage("bench: the dashboard never drew its panes") }
                usleep(1_000)
            }
        }
        func send(_ master: Int32, _ text: String) { _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) } }
        func measure(_ until: String, before: String?, key: String) throws -> Double {
            var sent: UInt64 = 0
            let run = try dashboardFirstFrame(databasePath: databasePath, until: until) { master, ready in
                try waitFor(ready)
                if let before { send(master, before); usleep(200_000) }
                sent = DashboardProbe.monotonicNanos()
                send(master, key)
            }
            guard let done = run.doneNanos, done >= sent else { throw RetentionError.storage("bench: the dashboard did not report the frame waited for") }
            return Double(done - sent) / 1e9
        }
        let enter = try (0..<runs).map { _ in try measure("enter", before: nil, key: "\r") }.sorted()
        let filter = try (0..<runs).map { _ in try measure("filter", before: "/", key: "a") }.sorted()
        return [Measure(name: "dashboard: Enter → the customer's detail drawn", seconds: enter[runs / 2], rows: 1),
                Measure(name: "dashboard: filter keystroke → the at-risk list drawn", seconds: filter[runs / 2], rows: 1)]
    }

    /// `--dashboard`: the dashboard's measurements alone, on the book in `path` (first frame, first complete
    /// frame, Enter, a filter keystroke).
    static func dashboardOnly(path: String, json: Bool) throws -> Int32 {
        let launches = try (0..<3).map { _ in try dashboardFirstFrame(databasePath: path, until: "panes") }.sorted { $0.seconds < $1.seconds }
        var results = [Measure(name: "dashboard: first frame with the panes' data", seconds: launches[1].seconds, rows: 1,
                               peakMiB: launches.map(\.peakMiB).max() ?? 0)]
        let complete = try dashboardFirstFrame(databasePath: path, until: "complete")
        results.append(Measure(name: "dashboard: first complete frame (header metrics)", seconds: complete.seconds, rows: 1, peakMiB: complete.peakMiB))
        results += try dashboardKeys(databasePath: path)
        let n = try Engine(database: Store.open(path: path), user: "bench").listCustomers(CustomerQuery()).total
        print(results, n: n, path: path, json: json, peak: peakRSSMiB(), dashboardPeak: results.map(\.peakMiB).max() ?? 0)
        return ExitCode.ok
    }

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        let n = try args.int("--customers", usage: usage, range: 100...10_000_000) ?? 1_000_000
        let path = args.value("--db") ?? NSTemporaryDirectory() + "retention-bench-\(n).db"
        var results: [Measure] = []
        let now = env.now
        // A new file is built whole and put in place (as `retention demo` does); an existing empty database is filled where it is.
        let isNewFile = !FileManager.default.fileExists(atPath: path)
        if try isNewFile || Engine(database: Store.open(path: path), user: "bench").bookIsEmpty() {
            let clock = PhaseClock()
            let (t, rows) = try time { () throws -> Int in
                let generate = { (db: Database) in try DemoBook(customers: n, seed: 1, now: now).generate(into: db, phases: clock.observe) }
                let s = try isNewFile ? Store.buildNewFile(at: path, generate) : generate(Store.open(path: path))
                return s.customers + s.policies + s.events
            }
            let phases = clock.ended
            results.append(Measure(name: "generate the demo book (rows: customers, policies, events)", seconds: t, rows: rows))
            for (phase, seconds) in phases { results.append(Measure(name: "  of which: \(phase)", seconds: seconds, rows: 0)) }
            if isNewFile {
                results.append(Measure(name: "  of which: new file, then WAL on, flushed to disk, moved in place", seconds: t - phases.reduce(0) { $0 + $1.seconds }, rows: 0))
            }
        }
        if args.flag("--dashboard") { return try dashboardOnly(path: path, json: args.flag("--json")) }
        let db = try Store.open(path: path)
        let engine = Engine(database: db, user: "bench")
        let (rescore, _) = try time { try engine.rescore(now: now).customers }
        results.append(Measure(name: "rescore the whole book (health, churn, LTV, history)", seconds: rescore, rows: n))
        results += try rescoreBudgetMeasures(engine: engine, db: db, n: n, now: now)
        let (metrics, _) = try time(3) { _ = try engine.retentionMetrics(MetricsPeriod.trailingYear(now: now)); return 1 }
        results.append(Measure(name: "metrics for 12 months (all groups)", seconds: metrics, rows: n))
        let (atRisk, risky) = try time(9) { var q = AtRiskQuery(); q.limit = 50; return try engine.atRisk(q, now: now).count }
        results.append(Measure(name: "at-risk top 50", seconds: atRisk, rows: risky))
        let (renewals, renewing) = try time(9) { try engine.upcomingRenewals(days: 30, limit: 50, now: now).count }
        results.append(Measure(name: "renewals next 30 days (first page)", seconds: renewals, rows: renewing))
        let someone = try engine.customerID(atPosition: n / 2) ?? ""
        let (detail, _) = try time(9) {
            _ = try engine.customer(id: someone); _ = try engine.policies(customerId: someone)
            _ = try engine.events(customerId: someone, limit: 30); _ = try engine.touchpoints(customerId: someone, limit: 30)
            return 1
        }
        results.append(Measure(name: "one customer's detail", seconds: detail, rows: 1))
        // The customer list as `GET /customers` serves it: a one-letter search, a risk level and a health range,
        // each by name with its total (rows/s is the matches counted per second).
        let lists: [(String, (inout CustomerQuery) -> Void)] = [
            ("customer list: search \"a\", by name", { $0.search = "a" }),
            ("customer list: churn risk high, by name", { $0.churnRisk = [.high] }),
            ("customer list: critical risk, by health", { $0.churnRisk = [.critical]; $0.sort = .health; $0.descending = true }),
            ("customer list: health 90 or more, by name", { $0.healthScoreMin = 90 }),
        ]
        for (name, filter) in lists {
            var q = CustomerQuery()
            filter(&q)
            let (t, matched) = try time(5) { try engine.listCustomers(q).total }
            results.append(Measure(name: name, seconds: t, rows: matched))
        }
        // A campaign that enrols a tenth of the book (100,000 of a million): customers not at low risk (about
        // 14% of a demo book) whose health is at most the score that cuts that many off.
        let healthCut = try engine.healthScoreOfNotLowRisk(atRank: n / 10) ?? 100
        var segment = TargetSegment()
        segment.churnRisk = [.medium, .high, .critical]
        segment.healthScoreMax = healthCut
        let campaign = try engine.createCampaign(NewCampaign(
            name: "Bench \(Date().timeIntervalSince1970)", type: .engagement,
            sequence: [0, 10_080, 20_160].map { SequenceStep(channel: .email, template: "engagement", delayMinutes: $0) },
            targetSegment: segment), now: now)
        let (activate, enrolled) = try time {
            _ = try engine.setCampaignStatus(id: campaign.id, to: .active, now: now)
            return try engine.enrolmentCount(campaign: campaign)
        }
        results.append(Measure(name: "activate a campaign (3 steps, a tenth of the book)", seconds: activate, rows: enrolled))

        // Dispatch the campaign's first step to a Maildir (up to 10,000 messages, or half the step, each): first beside the database,
        // on its file system as a mail spool would be, then (where the machine has one) in memory, which shows
        // the dispatcher's own throughput without the file system's cost of creating files.
        let dueAt = try engine.earliestPendingDue(campaign: campaign)
        var spools = [("dispatch to a Maildir beside the database", (path as NSString).deletingLastPathComponent)]
        if FileManager.default.fileExists(atPath: "/dev/shm") { spools.append(("dispatch to a Maildir in memory (/dev/shm)", "/dev/shm")) }
        let due = try engine.pendingDueCount(campaign: campaign, at: max(now, dueAt))
        let perSpool = min(10_000, due / spools.count)
        for (name, folder) in spools {
            let maildir = folder + "/retention-bench-maildir-\(getpid())"
            defer { try? FileManager.default.removeItem(atPath: maildir) }
            try engine.setChannelAdapter(.email, ChannelAdapter(kind: .maildir, target: maildir), now: now)
            let (dispatch, sent) = try time {
                var sent = 0
                while sent < perSpool {
                    let s = try engine.dispatchDue(now: max(now, dueAt), limit: min(2_000, perSpool - sent))
                    if s.sent + s.skipped + s.deferred + s.failed + s.retried == 0 { break }
                    sent += s.sent
                }
                return sent
            }
            results.append(Measure(name: name, seconds: dispatch, rows: sent))
        }
        var csv = ""
        try engine.exportCSV(.customers) { csv += $0 }
        let importPath = NSTemporaryDirectory() + "retention-bench-import-\(getpid()).db"
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: importPath + s) } }
        let target = Engine(database: try Store.open(path: importPath), user: "bench")
        let importClock = PhaseClock()
        let (importTime, imported) = try time { () throws -> Int in
            try target.importCSV(.customers, text: csv, dryRun: false, now: now, phases: importClock.observe).rows
        }
        let importPhases = importClock.ended
        results.append(Measure(name: "import customers CSV", seconds: importTime, rows: imported))
        for (phase, seconds) in importPhases { results.append(Measure(name: "  of which: \(phase)", seconds: seconds, rows: 0)) }
        results.append(Measure(name: "load customers (`retention import FILE`, a new book)", seconds: try loadAsCommand(csv: csv, now: now), rows: imported))

        // Sync: 10,000 policies in force re-rated (premium + 5 %), matched by number, then the same file again (a no-op).
        let rerate = "policyNumber,premiumAmount\r\n" + (try db.query("""
            SELECT policy_number, premium_cents FROM policies WHERE status IN ('active', 'pending_renewal')
              AND customer_id IN (SELECT id FROM customers WHERE erased_at IS NULL) ORDER BY id LIMIT 10000
            """) { CSV.line([$0.text(0), JSONValue.format(number: Double($0.int(1) * 105 / 100) / 100)]) }).joined()
        for (name, clock) in [("sync 10,000 re-rated policies (premium changes)", PhaseClock()), ("sync the same file again (nothing to write)", PhaseClock())] {
            let (t, rows) = try time { try engine.syncCSV(.policies, text: rerate, dryRun: false, now: now, phases: clock.observe).rows }
            results.append(Measure(name: name, seconds: t, rows: rows))
            for (phase, seconds) in clock.ended { results.append(Measure(name: "  of which: \(phase)", seconds: seconds, rows: 0)) }
        }

        let peak = peakRSSMiB()
        // The dashboard, as a separate process on a pseudo-terminal: time to the first frame with the panes'
        // data, then to the first complete frame (header metrics too), and the dashboard's peak memory.
        // Median of three launches: the first after the import above also pays for reloading the program.
        let launches = try (0..<3).map { _ in try dashboardFirstFrame(databasePath: path, until: "panes") }.sorted { $0.seconds < $1.seconds }
        let panes = launches[1]
        results.append(Measure(name: "dashboard: first frame with the panes' data", seconds: panes.seconds, rows: 1,
                               peakMiB: launches.map(\.peakMiB).max() ?? 0))
        let complete = try dashboardFirstFrame(databasePath: path, until: "complete")
        results.append(Measure(name: "dashboard: first complete frame (header metrics)", seconds: complete.seconds, rows: 1, peakMiB: complete.peakMiB))
        results += try dashboardKeys(databasePath: path)
        let dashboardPeak = max(launches.map(\.peakMiB).max() ?? 0, complete.peakMiB)
        print(results, n: n, path: path, json: args.flag("--json"), peak: peak, dashboardPeak: dashboardPeak)
        return ExitCode.ok
    }

    /// Prints the measures as a table, or as JSON.
    static func print(_ results: [Measure], n: Int, path: String, json: Bool, peak: Double, dashboardPeak: Double) {
        if json {
            Output.out(JSONValue.object([("customers", .int(n)), ("peakRSSMiB", .rounded(peak, 1)), ("dashboardPeakRSSMiB", .rounded(dashboardPeak, 1)),
                                         ("operations", .array(results.map { .object([("name", .string($0.name.trimmingCharacters(in: .whitespaces))), ("seconds", .rounded($0.seconds, 4)),
                                                                                      ("rows", .int($0.rows)), ("peakRSSMiB", .rounded($0.peakMiB, 1))]) }))]).serialized(pretty: true))
        } else {
            Output.out("N = \(n)   database \(path)")
            Output.out("operation".padding(toLength: 60, withPad: " ", startingAt: 0) + "      wall       rows/s   peak RSS")
            for r in results {
                let rate = r.rows > 1 && r.seconds > 0 ? String(format: "%12.0f", Double(r.rows) / r.seconds) : String(repeating: " ", count: 11) + "—"
                Output.out(r.name.padding(toLength: 60, withPad: " ", startingAt: 0)
                           + String(format: "%8.1f ms ", r.seconds * 1000) + rate + String(format: " %7.1f MiB", r.peakMiB))
            }
            Output.out(String(format: "peak resident memory: %.1f MiB (the benchmark process), %.1f MiB (the dashboard)", peak, dashboardPeak))
        }
    }

    // MARK: Rescoring that keeps up (issue 23): the floor, the nightly rescore, --changed, growth, maintenance

    /// One run of `body`: its wall seconds and its result.
    static func timed<T>(_ body: () throws -> T) rethrows -> (Double, T) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        return (Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9, result)
    }

    /// The database's bytes on disk (file and write-ahead log) after a checkpoint that empties the log.
    static func databaseBytes(_ db: Database) throws -> Int {
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        func size(_ p: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: p))?[.size] as? NSNumber)?.intValue ?? 0 }
        return size(db.path) + size(db.path + "-wal")
    }

    /// After the first rescore (`run`): a raw scan of the rescore's inputs (the floor a rescore cannot beat: every
    /// row it reads, read once, nothing computed), the nightly rescore a day later (history rows only where a score
    /// moved materially) with the file's growth, `--changed` after a sync of up to 10,000 policies, and maintenance
    /// on a simulated year of material-only nightly history (rows copied with a fixed clock: see below), first run
    /// (converts the file once to incremental vacuum) and a week later.
    static func rescoreBudgetMeasures(engine: Engine, db: Database, n: Int, now: Int) throws -> [Measure] {
        var out: [Measure] = []
        let day = 86_400
        let (scan, scanned) = try time(3) { () throws -> Int in
            var rows = 0
            for sql in ["SELECT count(*), sum(satisfaction_score), sum(updated_at) FROM customers WHERE erased_at IS NULL",
                        "SELECT count(*), sum(occurred_at), sum(length(event_type)) FROM retention_events INDEXED BY retention_events_customer",
                        "SELECT count(*), sum(json_extract(data, '$.amount')) FROM retention_events WHERE event_type IN ('claim_filed', 'policy_renewed', 'coverage_changed', 'nps_response')",
                        "SELECT count(*), sum(annual_premium_cents), sum(inception_date), sum(ended_at), sum(renewal_date), sum(length(status)) FROM policies",
                        "SELECT count(*), sum(sent_at), sum(opened_at), sum(responded_at), sum(length(channel)) FROM touchpoints",
                        // The last history row of every customer, which the materiality test compares with (one probe each).
                        """
                        SELECT count(*), sum(h.overall) FROM customers c JOIN health_scores h
                          ON h.id = (SELECT s.id FROM health_scores s WHERE s.customer_id = c.id ORDER BY s.calculated_at DESC LIMIT 1)
                        """] {
                rows += try db.scalarInt(sql)
            }
            return rows
        }
        out.append(Measure(name: "rescore's floor: raw scan of its inputs (rows)", seconds: scan, rows: scanned))
        let before = try databaseBytes(db)
        let (t, nightly) = try timed { try engine.rescore(.all, now: now + day) }
        let growth = try databaseBytes(db) - before
        out.append(Measure(name: "nightly rescore, a day later: \(nightly.historyRows) history rows", seconds: t, rows: n))
        out.append(Measure(name: "  file growth: \(growth) bytes (\(growth / max(1, n)) a customer)", seconds: 0, rows: 0))
        let synced = min(10_000, max(1, n / 10))
        let policies = try db.scalarInt("SELECT count(*) FROM policies")
        try db.run("UPDATE policies SET updated_at = ?1 WHERE id IN (SELECT id FROM policies WHERE id % ?2 = 0 LIMIT ?3)",
                   [.int(Int64(now + day + 3_600)), .int(Int64(max(1, policies / synced))), .int(Int64(synced))])
        let (tc, changed) = try timed { try engine.rescore(.changed, now: now + day + 7_200) }
        out.append(Measure(name: "rescore --changed: \(synced) policies, \(changed.customers) customers", seconds: tc, rows: changed.customers))
        // A year of material-only nightly history (`HistorySettings.records`), written night by night, oldest first
        // (ids in time order, as nightly rescores write them), each row a copy of the customer's row of today:
        // every customer gets a row every 30th night (the 30-day interval, staggered by customer), and one in 10
        // (those whose scores move: claims, payments, renewals) also on 2 nights of every 7 (material moves).
        // About 23 rows a customer a year in each table; maintenance then drops about one in five.
        let (ty, written) = try time { () throws -> Int in
            var rows = 0
            for table in ["health_scores", "ltv_history"] {
                let columns = try db.query("SELECT name FROM pragma_table_info(?) WHERE name NOT IN ('id', 'calculated_at')", [.text(table)]) { $0.text(0) }
                try db.execute("DROP TABLE IF EXISTS temp.bench_base")
                let before = try db.scalarInt("SELECT count(*) FROM \(table)")
                // One row a customer (a measured rescore may have run more than once at `now`).
                try db.run("""
                    CREATE TEMP TABLE bench_base AS SELECT * FROM \(table)
                    WHERE id IN (SELECT max(id) FROM \(table) WHERE calculated_at = ? GROUP BY customer_id)
                    """, [.int(Int64(now))])
                try db.run("""
                    WITH RECURSIVE night(d) AS (SELECT 365 UNION ALL SELECT d - 1 FROM night WHERE d > 1)
                    INSERT INTO \(table) (calculated_at, \(columns.joined(separator: ", ")))
                    SELECT b.calculated_at - night.d * 86400, \(columns.map { "b." + $0 }.joined(separator: ", "))
                    FROM night CROSS JOIN temp.bench_base b
                    WHERE (b.customer_id + night.d) % 30 = 0
                       OR (b.customer_id % 10 = 0 AND night.d % 7 IN ((b.customer_id / 10) % 7, ((b.customer_id / 10) + 3) % 7))
                    """)
                rows += try db.scalarInt("SELECT count(*) FROM \(table)") - before
                try db.execute("DROP TABLE temp.bench_base")
            }
            return rows
        }
        out.append(Measure(name: "  simulate a year of material-only history (every 30th night; 1 in 10 also 2 of 7)", seconds: ty, rows: written))
        let clock = PhaseClock()
        let (tm, first) = try timed { try engine.maintain(now: now + day, observe: clock.observe) }
        out.append(Measure(name: "maintenance on the year\(first.convertedToIncremental ? " (+conversion)" : ""): -\(first.bytesReclaimed / 1_000_000) MB",
                           seconds: tm, rows: first.healthRowsThinned + first.ltvRowsThinned))
        for (phase, seconds) in clock.ended { out.append(Measure(name: "  of which: \(phase)", seconds: seconds, rows: 0)) }
        let weekClock = PhaseClock()
        let (tw, week) = try timed { try engine.maintain(now: now + 8 * day, observe: weekClock.observe) }
        out.append(Measure(name: "maintenance a week later: -\(week.bytesReclaimed / 1_000_000) MB", seconds: tw, rows: week.healthRowsThinned + week.ltvRowsThinned))
        for (phase, seconds) in weekClock.ended { out.append(Measure(name: "  of which: \(phase)", seconds: seconds, rows: 0)) }
        return out
    }
}
