import Foundation
import RetentionCore

/// Options of `retention tui`.
public struct DashboardOptions: Sendable {
    public var databasePath: String
    public var user: String
    public var refreshSeconds: Double = 5
    public var themeName: String?
    public var mouse = true
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    /// For the benchmark: quit as soon as a frame shows the panes' data, or the panes and the header.
    public var exitAfterFirstFrame: FirstFrame?

    public enum FirstFrame: String, Sendable { case panes, complete }

    public init(databasePath: String, user: String) {
        self.databasePath = databasePath
        self.user = user
    }
}

/// Choices that persist between runs, in `$XDG_CONFIG_HOME/retention/dashboard.json`.
struct DashboardPreferences {
    var theme: String?
    var sort: String?
    var riskFilter: Int?
    var renewalDays: Int?
    var mouse: Bool?

    static func path(_ env: [String: String]) -> String { DatabaseLocation.configDirectory(environment: env) + "/dashboard.json" }

    static func load(_ env: [String: String]) -> DashboardPreferences {
        guard let data = FileManager.default.contents(atPath: path(env)), let v = try? JSONValue.parse(String(decoding: data, as: UTF8.self)) else {
            return DashboardPreferences()
        }
        return DashboardPreferences(theme: v["theme"]?.stringValue, sort: v["sort"]?.stringValue, riskFilter: v["riskFilter"]?.doubleValue.map { Int($0) },
                                    renewalDays: v["renewalDays"]?.doubleValue.map { Int($0) }, mouse: v["mouse"]?.boolValue)
    }

    func save(_ env: [String: String]) {
        let dir = DatabaseLocation.configDirectory(environment: env)
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let v = JSONValue.object([("theme", .optional(theme)), ("sort", .optional(sort)), ("riskFilter", .optional(riskFilter)),
                                  ("renewalDays", .optional(renewalDays)), ("mouse", mouse.map { .bool($0) } ?? .null)])
        _ = FileManager.default.createFile(atPath: DashboardPreferences.path(env), contents: Data((v.serialized(pretty: true) + "\n").utf8))
    }
}

/// The dashboard's main loop: one thread owns the terminal; keys, resizes and timer ticks arrive as
/// events; engine work runs on the background worker and comes back as finished values.
public enum DashboardApp {
    public static func run(_ options: DashboardOptions) throws -> Int32 {
        // Fail before touching the terminal if the database cannot be opened. This connection stays open
        // until the dashboard ends: SQLite deletes the write-ahead log when a process's last connection to
        // the file closes, so closing it while the worker's connections are still opening could take the
        // log away from under them.
        let keepAlive = try Store.open(path: options.databasePath, options: Database.Options(cacheKiB: 256)) { from, to in
            FileHandle.standardError.write(Data((Store.upgradeNotice(path: options.databasePath, from: from, to: to) + "\n").utf8))
        }
        defer { withExtendedLifetime(keepAlive) {} }
        // Policies past their expiration and grace end on open (idempotent; a few rows on a book kept daily).
        let expiry = Result { try Engine(database: keepAlive, user: options.user).expireOverduePolicies(now: Timestamp.now()) }
        var prefs = DashboardPreferences.load(options.environment)
        let catalog = ThemeCatalog(directories: ThemeCatalog.searchDirectories(installed: installedThemesDirectory(options.environment),
                                                                                 environment: options.environment))
        let themeNames = catalog.entries().map(\.name)
        var themeName = options.themeName ?? prefs.theme ?? "default"
        var themeProblem: String?
        if !themeNames.contains(themeName) {
            themeProblem = "No theme called \"\(themeName)\"; available: \(themeNames.joined(separator: ", ")). Using default."
            themeName = "default"
        }
        let mouse = options.mouse && (prefs.mouse ?? true)

        let terminal = CursesTerminal(mouse: mouse)
        defer { terminal.stop() }
        var warnings: [String] = []
        func applyTheme(_ name: String) {
            let theme: Theme
            do {
                let result = try catalog.load(named: name)
                theme = result.theme
                warnings = result.warnings.map { "\($0)" }
            } catch {
                theme = Theme.builtinDefault
                warnings = ["\(error)"]
            }
            terminal.apply(theme: theme.resolved(for: ColorCapability(colorCount: terminal.colorCount, environment: options.environment)))
        }
        applyTheme(themeName)

        var state = DashboardState(themeName: themeName, user: options.user)
        switch expiry {
        case .success(let ended) where !ended.isEmpty: state.status = ("Policies past their renewal grace ended on open: \(ended.description).", false)
        case .failure(let error): state.status = ("Policies past their renewal grace could not be ended on open (\(error)); `retention campaign tick` will.", true)
        default: break
        }
        if let themeProblem { state.status = (themeProblem, true) }
        if let s = prefs.sort, let sort = AtRiskSort(rawValue: s) { state.sort = sort }
        if let f = prefs.riskFilter, DashboardState.riskFilters.indices.contains(f) {
            state.riskFilterIndex = f
            state.request.atRisk.levels = DashboardState.riskFilters[f].levels
        }
        if let d = prefs.renewalDays, DashboardState.renewalWindows.contains(d) { state.request.renewalDays = d }
        if let w = warnings.first { state.status = ("Theme: \(w)", true) }

        let worker = BackgroundWorker(databasePath: options.databasePath, user: options.user, wakeupFD: terminal.wakeupFDs.write)
        worker.refresh(state.request, lastVersion: nil, force: true)
        var lastVersion: Int?
        var lastRefresh = Date()
        var pending: DashboardSnapshot?
        var dirty = true

        func run(_ effects: [Effect]) {
            for effect in effects {
                switch effect {
                case .refresh(let force):
                    worker.refresh(state.request, lastVersion: force ? nil : lastVersion, force: force)
                    lastRefresh = Date()
                case .reloadPanes:
                    worker.refresh(state.request, lastVersion: nil, force: false)
                    lastRefresh = Date()
                case .campaign(let id, let target):
                    worker.perform { engine, now in
                        let c = try engine.setCampaignStatus(id: id, to: target, now: now)
                        return "Campaign \"\(c.name)\" is now \(c.status.rawValue)."
                    }
                case .previewCampaign(let id, let name):
                    worker.perform { engine, now in
                        let p = try engine.previewCampaign(id: id, limit: 12, now: now)
                        return "PREVIEW\u{0}\(name): \(p.count) customers match\u{0}" + p.customers.map { "\($0.fullName)  \($0.email)  \($0.churnRisk.rawValue)" }.joined(separator: "\u{0}")
                    }
                case .assignToMe(let id):
                    let me = options.user
                    worker.perform { engine, now in
                        let c = try engine.assign(customerId: id, to: me, now: now)
                        return "\(c.fullName) is assigned to \(me)."
                    }
                case .snooze(let id, let days):
                    worker.perform { engine, now in
                        let c = try engine.snooze(customerId: id, until: Timestamp.startOfDay(now) + days * 86_400, now: now)
                        return "\(c.fullName) snoozed until \(Formatting.date(c.snoozedUntil))."
                    }
                case .logContact(let id, let outcome):
                    worker.perform { engine, now in
                        _ = try engine.logContact(customerId: id, channel: .call, outcome: outcome, note: nil, now: now)
                        return "Contact logged: \(outcome.rawValue)."
                    }
                case .note(let id, let text):
                    worker.perform { engine, now in
                        _ = try engine.createEvent(.object([("customerId", .string(id)), ("eventType", .string("note_added")),
                                                            ("data", .object([("note", .string(text))]))]), now: now)
                        return "Note added."
                    }
                case .tag(let id, let tag):
                    worker.perform { engine, now in
                        let c = try engine.customer(id: id)
                        let tags = c.tags.contains(tag) ? c.tags : c.tags + [tag]
                        // The version read here makes a concurrent edit by someone else a clear conflict, not a lost tag.
                        _ = try engine.updateCustomer(id: id, .object([("tags", .array(tags.map { .string($0) })), ("version", .int(c.version))]), now: now)
                        return "Tagged \(c.fullName) \"\(tag)\"."
                    }
                case .paymentMissed(let id):
                    worker.perform { engine, now in
                        // Rescored at once, counting the payment, as the question said it would lower the score.
                        let event = try engine.createEvent(.object([("customerId", .string(id)), ("eventType", .string("payment_missed")),
                                                                    ("severity", .string("warning")),
                                                                    ("triggeredActions", .array([.string("update_health_score")]))]), now: now)
                        let health = (event.actionsTaken ?? []).lazy.compactMap { $0["healthScore"]?["overallScore"]?.doubleValue }.first
                        return "Missed payment recorded" + (health.map { String(format: "; health now %.1f.", $0) } ?? ".")
                    }
                case .recompute(let id):
                    worker.perform { engine, now in
                        let h = try engine.healthScoreDocument(customerId: id, now: now)
                        return "Rescored: health \(JSONValue.format(number: h["overallScore"]?.doubleValue ?? 0)), \(h["churnRisk"]?.stringValue ?? "") risk."
                    }
                case .enrol(let id, let campaignID):
                    worker.perform { engine, now in
                        let steps = try engine.enrolCustomer(campaignId: campaignID, customerId: id, now: now)
                        return "Enrolled: \(steps) touchpoints scheduled in \"\(try engine.campaign(id: campaignID).name)\"."
                    }
                case .completeTask(let id):
                    worker.perform { engine, now in
                        let task = try engine.setTaskStatus(id: id, to: .done, now: now)
                        return "Task done: \(task.title)."
                    }
                case .campaignDetail(let id, let name):
                    worker.perform { engine, now in
                        let p = try engine.campaignPerformanceDocument(id: id, now: now)
                        return "PREVIEW\u{0}\(name)\u{0}" + CampaignSummary.lines(p).joined(separator: "\u{0}")
                    }
                case .churnModel:
                    worker.perform { engine, _ in
                        "PREVIEW\u{0}Churn model\u{0}" + (try engine.churnModelInfo().summaryLines).joined(separator: "\u{0}")
                    }
                case .copy(let text):
                    terminal.writeRaw(TerminalSequence.copyToClipboard(text))
                case .nextTheme:
                    let names = catalog.entries().map(\.name)
                    if !names.isEmpty {
                        themeName = names[((names.firstIndex(of: themeName) ?? -1) + 1) % names.count]
                        applyTheme(themeName)
                        state.themeName = themeName
                        state.status = warnings.first.map { ("Theme \(themeName): \($0)", true) }
                            ?? (names.count == 1 ? ("Theme: \(themeName), the only one found (no themes/ folder beside the program or in the config folder).", true)
                                                 : ("Theme: \(themeName).", false))
                    }
                }
            }
        }

        while !state.quit {
            state.screenTooSmall = DashboardLayout(columns: terminal.columns, rows: terminal.rows, focused: state.focused).mode == .tooSmall
            if dirty {
                var canvas = Canvas(columns: terminal.columns, rows: terminal.rows, glyphs: terminal.unicode ? .unicode : .ascii)
                DashboardView.draw(state, into: &canvas, now: Timestamp.now())
                terminal.draw(canvas)
                dirty = false
                switch options.exitAfterFirstFrame {
                case .panes? where state.snapshot != nil: state.quit = true
                case .complete? where state.snapshot?.header != nil && state.snapshot?.campaigns.allSatisfy(\.measured) == true: state.quit = true
                default: break
                }
            }
            if let event = terminal.readInput() {
                dirty = true
                switch event {
                case .resize: break
                case .key(let key):
                    state.lastKeyAt = Date().timeIntervalSince1970
                    run(state.handle(key))
                case .click(let row, let col):
                    if !state.screenTooSmall { click(row: row, col: col, state: &state, columns: terminal.columns, rows: terminal.rows) }
                case .scroll(_, _, let down):
                    run(state.handle(down ? .down : .up))
                case .paste(let text):
                    run(state.handlePaste(text))
                }
            }
            for result in worker.drain() {
                dirty = true
                switch result {
                case .snapshot(let s, let version):
                    lastVersion = version
                    pending = s
                case .figures(let header, let campaigns):
                    // The header comes first with no campaign rows, then again with the campaigns' numbers.
                    if pending != nil {
                        pending?.header = header
                        if !campaigns.isEmpty { pending?.campaigns = campaigns }
                    } else {
                        state.applyFigures(header, campaigns)
                    }
                case .unchanged: break
                case .actionDone(let message):
                    if message.hasPrefix("PREVIEW\u{0}") {
                        let parts = message.split(separator: "\u{0}", omittingEmptySubsequences: false).dropFirst().map(String.init)
                        state.overlay = .preview(title: parts.first ?? "Preview", lines: Array(parts.dropFirst()))
                    } else {
                        state.status = (message, false)
                    }
                    run([.refresh(force: true)])
                case .failed(let message):
                    state.status = (message, true)
                    state.loading = false
                }
            }
            // Hold a new snapshot back while the user is moving, so rows do not jump under the cursor.
            if let p = pending, Date().timeIntervalSince1970 - state.lastKeyAt > 0.8 {
                state.apply(p)
                pending = nil
                dirty = true
            }
            if !state.timerPaused && Date().timeIntervalSince(lastRefresh) >= options.refreshSeconds && !worker.isBusy {
                worker.refresh(state.request, lastVersion: lastVersion, force: false)
                lastRefresh = Date()
            }
        }
        terminal.stop()
        if options.exitAfterFirstFrame != nil, let report = options.environment["RETENTION_BENCH_REPORT"] {
            // The benchmark's measure of this process's memory: the high-water mark of its own address space.
            let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
            let peak = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) } ?? ""
            _ = FileManager.default.createFile(atPath: report, contents: Data(peak.utf8))
            return 0
        }
        prefs.theme = themeName
        prefs.sort = state.sort.rawValue
        prefs.riskFilter = state.riskFilterIndex
        prefs.renewalDays = state.request.renewalDays
        prefs.save(options.environment)
        return 0
    }

    /// Clicking a pane focuses it; clicking a row selects it.
    static func click(row: Int, col: Int, state: inout DashboardState, columns: Int, rows: Int) {
        let layout = DashboardLayout(columns: columns, rows: rows, focused: state.focused)
        if let tabs = layout.tabs, row == tabs.row {
            let index = (col - tabs.col) * PaneID.allCases.count / max(1, tabs.width)
            if let pane = PaneID(rawValue: index) { state.focused = pane }
            return
        }
        guard let (pane, rect) = layout.panes.first(where: { row >= $0.rect.row && row < $0.rect.bottom && col >= $0.rect.col && col < $0.rect.right }) else { return }
        state.focused = pane
        let line = row - rect.row - 2 // border, column titles
        guard line >= 0 else { return }
        switch pane {
        case .atRisk: state.atRiskSelection.move(by: state.atRiskSelection.scroll + line - state.atRiskSelection.index, ids: state.atRiskPaneIDs)
        case .renewals: state.renewalSelection.move(by: state.renewalSelection.scroll + line - state.renewalSelection.index, ids: state.snapshot?.renewals.map(\.policyId) ?? [])
        case .campaigns: state.campaignSelection.move(by: state.campaignSelection.scroll + line - state.campaignSelection.index, ids: state.snapshot?.campaigns.map(\.campaign.id) ?? [])
        case .detail: break
        }
    }

    /// The `themes/` folder shipped with the program: `$RETENTION_THEMES`, else `./themes`, else beside the build.
    static func installedThemesDirectory(_ env: [String: String]) -> String? {
        if let dir = env["RETENTION_THEMES"], !dir.isEmpty { return dir }
        let fm = FileManager.default
        if fm.fileExists(atPath: fm.currentDirectoryPath + "/themes") { return fm.currentDirectoryPath + "/themes" }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = url.appendingPathComponent("themes").path
            if fm.fileExists(atPath: candidate) { return candidate }
            url.deleteLastPathComponent()
        }
        return nil
    }
}
