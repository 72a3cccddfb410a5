import Foundation
import Testing
@testable import RetentionCore
@testable import RetentionTUI

/// Keys and terminals as people expect (issue 21): the prompt's line editor, Esc and Ctrl-C, half pages,
/// status messages that survive the next key, "working…", read-only books, the wheel under the pointer,
/// the clipboard's honesty, ASCII terminals, the paused timer, the book's name, and the built-in themes.
@Suite struct KeysAndTerminalTests {
    let now = Timestamp.parse("2026-11-25T12:00:00Z")!

    func entry(_ id: String, _ name: String, _ p: Double) -> AtRiskEntry {
        AtRiskEntry(id: id, name: name, email: "\(id)@example.com", phone: nil, agentId: "a", churnRisk: ChurnRisk(probability: p),
                    churnProbability: p, topRiskFactor: "No recent contact", healthScore: 35, projectedLTVCents: 450_000, ltvTier: "silver",
                    nextRenewalDate: now + 86_400 * 10, lastContactDate: nil, assignedTo: nil, snoozedUntil: nil)
    }

    func snapshot(atRisk: [AtRiskEntry] = [], renewals: [RenewalEntry] = []) -> DashboardSnapshot {
        DashboardSnapshot(header: HeaderMetrics(retentionRate: 91.5, churnRate: 8.5, netRevenueRetention: 102.3, averageLTV: 4200,
                                                averageHealth: 64.2, highRiskCustomers: 12, activeCampaigns: 1),
                          atRisk: atRisk, renewals: renewals, campaigns: [], detail: nil, hasCustomers: true, loadedAt: now)
    }

    func state(rows: Int = 40, columns: Int = 120) -> DashboardState {
        var s = DashboardState(themeName: "default", user: "me")
        _ = s.update(.resize(columns: columns, rows: rows), now: updateNow)
        s.apply(snapshot(atRisk: (0..<80).map { entry("c\($0)", "Customer \($0)", 0.99 - Double($0) / 100) }))
        return s
    }

    func render(_ state: DashboardState, _ columns: Int = 120, _ rows: Int = 40, glyphs: Glyphs = .unicode) -> Canvas {
        var canvas = Canvas(columns: columns, rows: rows, glyphs: glyphs)
        DashboardView.draw(state, into: &canvas, now: now)
        return canvas
    }

    func text(_ canvas: Canvas) -> String { canvas.lines().joined(separator: "\n") }

    func promptText(_ s: DashboardState) -> String? {
        if case .prompt(_, let text, _) = s.overlay { return text }
        return nil
    }

    // MARK: The line editor

    @Test func theLineEditorMovesAndDeletesAsAShellDoes() {
        var e = LineEditor(text: "call about monthly plan.")
        #expect(e.cursor == 24)
        e.handle(.left); e.handle(.left); e.handle(.left)
        e.handle(.backspace)  // deletes the "l" of "plan", not the final "."
        #expect(e.text == "call about monthly pan.")
        e.handle(.home)
        e.handle(.character("X"))
        #expect(e.text == "Xcall about monthly pan.")
        e.handle(.control("e"))
        #expect(e.cursor == e.text.count)
        e.handle(.control("w"))  // the word before the cursor
        #expect(e.text == "Xcall about monthly ")
        e.handle(.control("w"))  // the spaces, then the word
        #expect(e.text == "Xcall about ")
        e.handle(.control("a"))
        e.handle(.delete)
        #expect(e.text == "call about ")
        e.handle(.right); e.handle(.right)
        e.handle(.control("k"))
        #expect(e.text == "ca")
        e.handle(.control("u"))
        #expect(e.text == "" && e.cursor == 0)
        // Nothing happens past either end.
        e.handle(.backspace); e.handle(.delete); e.handle(.left)
        #expect(e.text == "" && e.cursor == 0)
        // Characters are graphemes: an accented letter or an ideograph is one step.
        var wide = LineEditor(text: "Lucía 山田")
        wide.handle(.left)
        wide.handle(.backspace)
        #expect(wide.text == "Lucía 田")
    }

    @Test func aLongLineShowsTheCursorWithEllipsesWhereItIsCut() {
        var e = LineEditor(text: String(repeating: "abcdefghij", count: 10))
        e.handle(.home)
        for _ in 0..<50 { e.handle(.right) }
        let v = e.visible(columns: 30)
        #expect(v.atCursor == "a")  // the 51st character
        #expect(v.before.hasPrefix("…") && v.after.hasSuffix("…"))
        #expect(DisplayWidth.width(of: v.before + v.atCursor + v.after) <= 30)
        // A short line is shown whole, the cursor a space after it.
        let short = LineEditor(text: "hi").visible(columns: 30)
        #expect(short.before == "hi" && short.atCursor == " " && short.after == "")
    }

    @Test func promptsEditAtTheCursorAndDrawIt() {
        var s = state()
        _ = s.handle(.character("n"))
        for c in "monthly plan." { _ = s.handle(.character(c)) }
        _ = s.handle(.left); _ = s.handle(.left); _ = s.handle(.left)
        _ = s.handle(.backspace)
        #expect(promptText(s) == "monthly pan.")
        _ = s.handle(.control("a"))
        _ = s.handle(.character("X"))
        #expect(promptText(s) == "Xmonthly pan.")
        // The character under the cursor stands out: "m" after the X.
        let canvas = render(s)
        let row = canvas.lines().firstIndex { $0.contains("Xmonthly pan.") }!
        let col = Array(canvas.line(row)).firstIndex(of: "X")! + 1
        #expect(canvas[row, col].grapheme == "m" && canvas[row, col].role == .selection)
        // A paste lands at the cursor, and Enter sends the whole line.
        _ = s.paste("big ")
        #expect(promptText(s) == "Xbig monthly pan.")
        #expect(s.handle(.enter) == [.note(customerID: "c0", text: "Xbig monthly pan.")])
        #expect(s.keys.promptCursor == nil)
    }

    // MARK: Esc and Ctrl-C

    @Test func escInTheFilterPutsBackTheFilterBeforeAndEscInTheListClearsIt() {
        var s = state()
        _ = s.handle(.character("/"))
        for c in "tag:vip" { _ = s.handle(.character(c)) }
        _ = s.handle(.enter)
        #expect(s.filterText == "tag:vip")
        // Typing refilters at once; Esc puts back tag:vip.
        _ = s.handle(.character("/"))
        _ = s.handle(.control("u"))
        for c in "zzqq" { _ = s.handle(.character(c)) }
        #expect(s.filterText == "zzqq")
        #expect(s.handle(.escape) == [.reloadPanes])
        #expect(s.overlay == nil)
        #expect(s.filterText == "tag:vip" && s.request.atRisk.tag == "vip" && s.request.atRisk.search == nil)
        #expect(s.status?.text == "Filter cancelled; still filtering by tag:vip.")
        // Esc in the list clears the filter in force.
        #expect(s.handle(.escape) == [.reloadPanes])
        #expect(s.filterText == nil && s.request.atRisk.tag == nil)
        #expect(s.status?.text.contains("cleared") == true)
        // With no filter Esc does nothing in the list.
        #expect(s.handle(.escape) == [])
    }

    @Test func ctrlCCancelsPromptsChoicesAndQuestionsAndQuitsElsewhere() {
        var s = state()
        _ = s.handle(.character("n"))
        _ = s.handle(.character("x"))
        #expect(s.handle(.interrupt) == [])
        #expect(s.overlay == nil && !s.quit)
        #expect(s.status?.text == "Cancelled; nothing changed.")
        s.apply(snapshot(atRisk: [entry("c0", "Ann", 0.9)]))
        // A choice (the snooze presets on `z`).
        _ = s.handle(.character("z"))
        guard case .choice = s.overlay else { Issue.record("no choice"); return }
        #expect(s.handle(.interrupt) == [])
        #expect(s.overlay == nil && !s.quit)
        _ = s.handle(.character("$"))
        guard case .confirm = s.overlay else { Issue.record("no question"); return }
        #expect(s.handle(.interrupt) == [])
        #expect(s.overlay == nil && !s.quit)
        // Over help, and with nothing open, Ctrl-C quits.
        _ = s.handle(.character("?"))
        #expect(s.handle(.interrupt).contains(.quit))
        var t = state()
        #expect(t.handle(.interrupt).contains(.quit))
    }

    @Test func helpTellsThePromptsKeysTheMouseAndCtrlC() {
        let s = state()
        // One column (a wide, short terminal never folds it), so each note reads on its own lines.
        let help = DashboardView.helpLines(state: s, columns: 250, rows: 200).lines.map(\.0).joined(separator: "\n")
        #expect(help.contains("In a prompt") && help.contains("Ctrl-W a word"))
        #expect(help.contains("the wheel scrolls the pane under the pointer"))
        #expect(help.contains("half a page down"))
    }

    // MARK: Moving

    @Test func ctrlDAndCtrlUMoveHalfAPageOfThePane() {
        var s = state(rows: 40, columns: 120)
        // At 120×40 the at-risk pane shows its rows under a border and a title line.
        let page = s.layout.rect(of: .atRisk)!.height - 3
        _ = s.handle(.control("d"))
        #expect(s.atRiskSelection.index == page / 2)
        _ = s.handle(.control("d"))
        #expect(s.atRiskSelection.index == 2 * (page / 2))
        _ = s.handle(.control("u"))
        #expect(s.atRiskSelection.index == page / 2)
        _ = s.handle(.pageDown)
        #expect(s.atRiskSelection.index == page / 2 + page)
    }

    @Test func theWheelScrollsThePaneUnderThePointerAndLeavesTheFocus() {
        var s = state()
        s.apply(snapshot(atRisk: (0..<80).map { entry("c\($0)", "Customer \($0)", 0.99 - Double($0) / 100) }))
        s.focused = .renewals
        let atRisk = s.layout.rect(of: .atRisk)!
        _ = s.update(.scroll(row: atRisk.row + 5, col: atRisk.col + 3, down: true), now: updateNow)
        _ = s.update(.scroll(row: atRisk.row + 5, col: atRisk.col + 3, down: true), now: updateNow)
        #expect(s.atRiskSelection.index == 2)
        #expect(s.focused == .renewals)
        // Over the detail pane it scrolls the detail.
        let detail = s.layout.rect(of: .detail)!
        _ = s.update(.scroll(row: detail.row + 2, col: detail.col + 2, down: true), now: updateNow)
        // (scrolling stops at the detail's last line: here the detail may fit, so 0 or 1)
        #expect(s.detailScroll == min(1, s.detailScrollLimit()) && s.focused == .renewals)
        // Over the header it acts on the focused pane, as ↓ would.
        _ = s.update(.scroll(row: 0, col: 5, down: true), now: updateNow)
        #expect(s.atRiskSelection.index == 2)
    }

    // MARK: The status line and "working…"

    @Test func aResultSurvivesTheNextKeysUntilItHasShownAFewSeconds() {
        var s = state()
        let t0 = updateNow
        _ = s.update(.result(.done(.status("Ann is assigned to me."))), now: t0)
        _ = s.update(.key(.down), now: t0.addingTimeInterval(1))
        _ = s.update(.key(.down), now: t0.addingTimeInterval(3))
        #expect(s.status?.text == "Ann is assigned to me.")
        // A new message replaces it at any time.
        _ = s.update(.key(.character("P")), now: t0.addingTimeInterval(4))
        #expect(s.status?.text.hasPrefix("Timer paused") == true)
        // Once shown long enough, the next key clears it.
        _ = s.update(.key(.down), now: t0.addingTimeInterval(4 + KeysState.statusSeconds))
        #expect(s.status == nil)
    }

    @Test func workingShowsWhileAnActionWaitsAndGoesWithItsAnswer() {
        var s = state()
        let t0 = updateNow
        #expect(s.update(.key(.character("A")), now: t0) == [.assignToMe(customerID: "c0")])
        _ = s.update(.tick(workerBusy: true), now: t0.addingTimeInterval(0.1))
        #expect(!s.keys.working, "a quick answer never flashes it")
        _ = s.update(.tick(workerBusy: true), now: t0.addingTimeInterval(2))
        #expect(s.keys.working)
        #expect(text(render(s)).contains("working…"))
        // The user moves meanwhile; the answer then arrives and stays on screen.
        _ = s.update(.key(.down), now: t0.addingTimeInterval(3))
        _ = s.update(.result(.done(.status("Customer 0 is assigned to me."))), now: t0.addingTimeInterval(11))
        _ = s.update(.tick(workerBusy: true), now: t0.addingTimeInterval(11.1))  // the refresh it asked for
        #expect(!s.keys.working)
        _ = s.update(.key(.down), now: t0.addingTimeInterval(12))
        #expect(s.status?.text == "Customer 0 is assigned to me.")
        #expect(!text(render(s)).contains("working…"))
        // Refreshes never count as waiting actions.
        _ = s.update(.key(.character("r")), now: t0.addingTimeInterval(13))
        _ = s.update(.tick(workerBusy: true), now: t0.addingTimeInterval(15))
        #expect(!s.keys.working)
    }

    // MARK: Read-only books

    @Test func aReadOnlyBookDisablesTheKeysThatChangeItSayingWhy() {
        var s = state()
        s.keys.readOnlyReason = "Read-only book (ro.db cannot be written): nothing can be changed here."
        for key in ["A", "n", "T", "z", "L", "$", "R"] {
            #expect(s.handle(.character(Character(key))) == [], "\(key) acted on a read-only book")
            #expect(s.overlay == nil)
            #expect(s.status?.text == s.keys.readOnlyReason && s.status?.isError == true)
        }
        // Looking still works.
        #expect(s.handle(.enter) == [.readDetail(customerID: "c0")])
        // The footer dims them, help says why, the header says read-only.
        _ = s.handle(.escape)
        let canvas = render(s)
        let footer = canvas.lines().count - 1
        let line = canvas.line(footer)
        // The first key in the footer that writes to the book is drawn dimmed.
        let chars = Array(line)
        let writers = KeyBindings.footer(for: s.focused).filter { $0.action.changesBook }.map { Array($0.keyLabel + " ") }
        let aCol = chars.indices.first { i in (i == 0 || chars[i - 1] == " ") && writers.contains { i + $0.count <= chars.count && Array(chars[i..<(i + $0.count)]) == $0 } }
        #expect(aCol != nil, "no writing key in the footer: \(line)")
        #expect(aCol.map { canvas[footer, $0].role } == .dim, "\(line)")
        #expect(canvas.line(0).contains("read-only"))
        _ = s.handle(.character("?"))
        #expect(text(render(s)).contains("not now: Read-only book"))
    }

    @Test func aReadOnlyFileIsFoundFromItsModeAndANewBookIsAnnounced() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/book.db"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        #expect(BookAccess(path: path).readOnlyReason == nil)
        chmod(path, 0o444)
        #expect(BookAccess(path: path).readOnlyReason?.contains("book.db cannot be written") == true)
        let missing = BookAccess(path: dir + "/typo.db")
        #expect(!missing.existed && missing.readOnlyReason == nil)
        var s = DashboardState(themeName: "default", user: "me")
        missing.describe(into: &s, environment: [:])
        #expect(s.status?.text.contains("a new, empty book was created") == true)
        #expect(s.keys.bookName == "typo.db")
    }

    // MARK: The header

    @Test func theHeaderNamesTheBookAndThePausedTimerShowsAt80Columns() {
        var s = state(rows: 24, columns: 80)
        s.keys.bookName = "a-very-long-book-name-for-the-retention-demo.db"
        _ = s.handle(.character("P"))
        let header = render(s, 80, 24).line(0)
        #expect(header.contains("⏸ PAUSED"))
        #expect(header.contains("a-very-long-boo…"), "the name is cut with an ellipsis: \(header)")
        // No figure is cut in the middle: each is whole or left out.
        #expect(!header.contains("$ ") && header.contains("Retained 91.5%"))
    }

    // MARK: The clipboard

    @Test func copyingSaysWhatItCannotKnow() {
        var s = state()
        _ = s.handle(.character("y"))
        #expect(s.status?.text == "Sent the e-mail c0@example.com to the clipboard; it arrives if the terminal accepts OSC 52 copies.",
                "no 'y again' when there is no next detail")
        s.keys.clipboardRoute = .tmux
        _ = s.handle(.character("y"))
        #expect(s.status?.text.contains("only if tmux's set-clipboard is on") == true)
        #expect(ClipboardRoute.detect(["TMUX": "/tmp/tmux-0/default,1,0", "TERM": "screen-256color"]) == .tmux)
        #expect(ClipboardRoute.detect(["STY": "123.pts-0"]) == .screen)
        #expect(ClipboardRoute.detect(["TERM": "xterm-256color"]) == .terminal)
    }

    // MARK: ASCII terminals

    @Test func anASCIITerminalKeepsEveryColumnOfNonASCIIText() {
        var canvas = Canvas(columns: 24, rows: 1, glyphs: .ascii)
        canvas.put(text: "Lucía Nguyễn 山田|x", row: 0, col: 0, role: .text)
        #expect(canvas.line(0) == "Lucia Nguyen ????|x     ")
        // Fields stay aligned: the text is exactly as wide as in a UTF-8 terminal.
        var field = Canvas(columns: 12, rows: 1, glyphs: .ascii)
        field.putField(text: "Björn Wright", row: 0, col: 0, columns: 8, role: .text)
        field.put(text: "|", row: 0, col: 8, role: .text)
        #expect(field.line(0) == "Bjorn W~|   ")
        #expect(Glyphs.transliterated("ß") == "s" && Glyphs.transliterated("Ø") == "O" && Glyphs.transliterated("Ж") == "?")
    }

    // MARK: Themes built into the program

    @Test func theBuiltInThemesEqualTheThemesFolder() throws {
        let themes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("themes").path
        let files = try FileManager.default.contentsOfDirectory(atPath: themes).filter { $0.hasSuffix(".theme") }
        #expect(Set(files.map { String($0.dropLast(6)) }) == Set(ShippedThemes.files.keys), "run themes/embed.sh")
        for file in files {
            let text = try String(contentsOfFile: themes + "/" + file, encoding: .utf8)
            let name = String(file.dropLast(6))
            #expect(ShippedThemes.files[name].map { $0 + "\n" } == text, "\(file) differs from its built-in copy: run themes/embed.sh")
        }
    }

    @Test func aBinaryWithNoThemesFolderStillHasTheShippedThemes() throws {
        let catalog = ThemeCatalog.shipped(directories: ["/nonexistent-\(UUID().uuidString)"])
        #expect(catalog.entries().map(\.name) == ["dark", "default", "high-contrast", "light", "mono", "solarized-dark"])
        let dark = try catalog.load(named: "dark")
        #expect(dark.warnings.isEmpty)
        #expect(dark.theme != Theme.builtinDefault)
        // A file of the same name overrides the built-in copy.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ShippedThemes.files["mono"]!.write(toFile: dir + "/dark.theme", atomically: true, encoding: .utf8)
        #expect(ThemeCatalog.shipped(directories: [dir]).entries().first { $0.name == "dark" }?.path == dir + "/dark.theme")
    }
}
