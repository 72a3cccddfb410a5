import Foundation
import RetentionCore

/// The dashboard's loop: read a message (a key, a click, a resize, a finished effect, a tick), let
/// `update` change the state and name effects, let `EffectRunner` carry them out, draw. One thread owns
/// the terminal; engine work runs on the background worker and comes back as messages.
public enum DashboardApp {
    public static func run(_ options: DashboardOptions) throws -> Int32 {
        // Fail before touching the terminal if the database cannot be opened. This connection stays open
        // until the dashboard ends: SQLite deletes the write-ahead log when a process's last connection to
        // the file closes, so closing it while the worker's connections are still opening could take the
        // log away from under them.
        let access = BookAccess(path: options.databasePath)
        // What a killed load into a new book left beside it goes now, as with every command (not from a book
        // opened read-only: the dashboard then changes nothing on the disk).
        if access.readOnlyReason == nil { Store.removeAbandonedBuilds(beside: options.databasePath) }
        var openOptions = Database.Options(cacheKiB: 256)
        if access.readOnlyReason != nil { (openOptions.readOnly, openOptions.create) = (true, false) }
        let keepAlive = try Store.open(path: options.databasePath, options: openOptions) { from, to in
            FileHandle.standardError.write(Data((Store.upgradeNotice(path: options.databasePath, from: from, to: to) + "\n").utf8))
        }
        defer { withExtendedLifetime(keepAlive) {} }
        // Policies past their expiration and grace end on open (idempotent; a few rows on a book kept daily).
        // (Not in a read-only book, which nothing can change.)
        let expiry: Result<ExpirySummary, Error>? = access.readOnlyReason != nil ? nil : Result { try Engine(database: keepAlive, user: options.user).expireOverduePolicies(now: Timestamp.now()) }
        let prefs = DashboardPreferences.load(options.environment)
        let terminal = CursesTerminal(mouse: options.mouse && (prefs.mouse ?? true))
        defer { terminal.stop() }
        let themes = ThemeSwitcher(terminal: terminal, environment: options.environment, name: options.themeName ?? prefs.theme ?? "default")
        var state = initialState(options, prefs: prefs, themes: themes, expiry: expiry)
        access.describe(into: &state, environment: options.environment)
        let worker = BackgroundWorker(databasePath: options.databasePath, user: options.user, wakeupFD: terminal.wakeupFDs.write,
                                      readOnly: access.readOnlyReason != nil)
        let runner = EffectRunner(worker: worker, terminal: terminal, themes: themes, options: options, loaded: prefs)

        func send(_ message: Message) { runner.run(state.update(message, now: clockNow()), state: state) }
        send(.resize(columns: terminal.columns, rows: terminal.rows))
        runner.run([.refresh(force: true)], state: state)
        var dirty = true
        var frames = 0
        while !state.quit {
            if dirty {
                var canvas = Canvas(columns: terminal.columns, rows: terminal.rows, glyphs: terminal.unicode ? .unicode : .ascii)
                DashboardView.draw(state, into: &canvas, now: Timestamp.now())
                terminal.draw(canvas)
                dirty = false
                frames += 1
                if let onFrame = options.onFrame, onFrame(frameEvent(state, frame: frames)) { break }
            }
            if let event = terminal.readInput() {
                dirty = true
                switch event {
                case .resize: send(.resize(columns: terminal.columns, rows: terminal.rows))
                case .key(let key): send(.key(key))
                case .click(let row, let col): send(.click(row: row, col: col))
                case .scroll(let row, let col, let down): send(.scroll(row: row, col: col, down: down))
                case .paste(let text): send(.paste(text))
                }
            }
            for message in runner.drain() {
                dirty = true
                send(message)
            }
            // The timer's tick can change what is on screen by itself: a held snapshot put in place, "working…",
            // a status line (keys that waited too long), keys that waited replayed, the detail following.
            let before = TickVisible(state)
            send(.tick(workerBusy: runner.workerBusy))
            if TickVisible(state) != before { dirty = true }
        }
        terminal.stop()
        return 0
    }

    /// What a tick may change on screen, compared before and after it to know whether to draw again.
    struct TickVisible: Equatable {
        let held: Bool, working: Bool, status: String?, detail: String?, waiting: Int, atRisk: TableState, renewals: TableState, overlay: Overlay?
        init(_ s: DashboardState) {
            held = s.pending != nil
            working = s.keys.working
            status = s.status?.text
            detail = s.detailCustomerID
            waiting = s.keys.typedAhead.count
            atRisk = s.atRiskSelection
            renewals = s.renewalSelection
            overlay = s.overlay
        }
    }

    /// Now on the process clock (`--today` / `RETENTION_TODAY`), with the real clock's fraction of a second.
    static func clockNow() -> Date {
        Date(timeIntervalSince1970: Double(Timestamp.now()) + Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 1))
    }

    /// The state the dashboard opens with: the saved choices, and what happened on open.
    static func initialState(_ options: DashboardOptions, prefs: DashboardPreferences, themes: ThemeSwitcher,
                             expiry: Result<ExpirySummary, Error>?) -> DashboardState {
        var themeName = themes.name
        var themeProblem: String?
        if !themes.names.contains(themeName) {
            themeProblem = "No theme called \"\(themeName)\"; available: \(themes.names.joined(separator: ", ")). Using default."
            themeName = "default"
        }
        themes.apply(themeName)
        var state = DashboardState(themeName: themeName, user: options.user)
        state.refreshSeconds = options.refreshSeconds
        switch expiry {
        case .success(let ended)? where !ended.isEmpty: state.status = ("Policies past their renewal grace ended on open: \(ended.description).", false)
        case .failure(let error)?: state.status = ("Policies past their renewal grace could not be ended on open (\(error)); `retention campaign tick` will.", true)
        default: break
        }
        if let themeProblem { state.status = (themeProblem, true) }
        if let s = prefs.sort, let sort = AtRiskSort(rawValue: s) {
            // The saved sort is the store's order too, so the first rows are in the order the title names.
            state.sort = sort
            state.request.lists.atRiskOrder = QueueOrder(sort.queueSort)
        }
        if let f = prefs.riskFilter, DashboardState.riskFilters.indices.contains(f) {
            state.riskFilterIndex = f
            state.request.atRisk.levels = DashboardState.riskFilters[f].levels
        }
        if let d = prefs.renewalDays, DashboardState.renewalWindows.contains(d) { state.request.renewalDays = d }
        if let w = themes.warnings.first { state.status = ("Theme: \(w)", true) }
        return state
    }

    /// What the frame just drawn shows, for `DashboardOptions.onFrame`.
    static func frameEvent(_ state: DashboardState, frame: Int) -> FrameEvent {
        FrameEvent(frame: frame, panesLoaded: state.snapshot != nil,
                   figuresLoaded: state.snapshot?.header != nil && state.snapshot?.campaigns.allSatisfy(\.measured) == true,
                   detailShown: state.detailCustomerID != nil && state.snapshot?.detail?.customer.id == state.detailCustomerID,
                   atRiskSearchShown: state.rowsAreCurrent(.atRisk) ? state.snapshot?.request?.atRisk.search : nil)
    }
}
