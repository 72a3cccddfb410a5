import Foundation
import RetentionCore

/// Draws the whole state into a canvas: header strip, panes in the layout, footer, overlays.
public enum DashboardView {
    public static func draw(_ state: DashboardState, into canvas: inout Canvas, now: Int) {
        canvas.clear(role: .text)
        let layout = DashboardLayout(columns: canvas.columns, rows: canvas.rows, focused: state.focused, zoomed: state.paging.zoomed)
        if case .tooSmall = layout.mode {
            layout.drawTooSmall(into: &canvas)
            return
        }
        drawHeader(state, into: &canvas, rect: layout.header, now: now)
        if let tabs = layout.tabs {
            var col = tabs.col
            for pane in PaneID.allCases where col < tabs.right {
                col = canvas.put(text: " \(pane.number) \(pane.title) ", row: tabs.row, col: col,
                                 role: pane == state.focused ? .paneTitleFocused : .paneTitle, maxColumns: tabs.right - col) + 1
            }
        }
        for (pane, rect) in layout.panes {
            pane.pane.draw(state, into: &canvas, rect: rect, now: now)
        }
        drawFooter(state, into: &canvas, rect: layout.footer)
        if let form = state.campaignForm { CampaignFormView.draw(form, into: &canvas, now: now) }
        if let overlay = state.overlay { drawOverlay(overlay, state: state, into: &canvas) }
    }

    static func drawHeader(_ state: DashboardState, into canvas: inout Canvas, rect: Rect, now: Int) {
        canvas.fill(rect, role: .header)
        var col = canvas.put(text: " Retention ", row: rect.row, col: rect.col, role: .headerValue)
        // Which book is open (its file name, cut with an ellipsis), and whether it can be changed.
        if let book = state.keys.bookName {
            let shown = DisplayWidth.truncate(DisplayText.clean(book), toColumns: max(8, min(24, rect.width / 5)), ellipsis: canvas.glyphs.ellipsis)
            col = canvas.put(text: shown.trimmingCharacters(in: .whitespaces) + " ", row: rect.row, col: col, role: .header, maxColumns: rect.right - col)
        }
        if state.keys.readOnlyReason != nil {
            col = canvas.put(text: "read-only", row: rect.row, col: col, role: .warning, maxColumns: rect.right - col) + 1
        }
        // The paused timer always shows: its mark is kept free on the right before the figures are placed.
        let pausedMark = "\(canvas.glyphs.paused) PAUSED"
        let right = rect.right - (state.timerPaused ? DisplayWidth.width(of: pausedMark) + 2 : 0)
        if state.timerPaused, rect.width > DisplayWidth.width(of: pausedMark) + 2 {
            canvas.put(text: pausedMark, row: rect.row, col: rect.right - DisplayWidth.width(of: pausedMark) - 1, role: .warning)
        }
        // The user's own open tasks come with the panes, before the book-wide figures; the due ones stand out.
        if let s = state.snapshot {
            let due = s.myDueTasks > 0 ? ", \(s.myDueTasks) due" : ""
            if col + DisplayWidth.width(of: " Tasks \(s.myOpenTasks) mine\(due)") < right {
                col = canvas.put(text: " Tasks ", row: rect.row, col: col, role: .header, maxColumns: right - col)
                col = canvas.put(text: "\(s.myOpenTasks) mine", row: rect.row, col: col, role: .headerValue, maxColumns: right - col)
                if s.myDueTasks > 0 {
                    col = canvas.put(text: due, row: rect.row, col: col, role: .warning, maxColumns: right - col)
                }
                col += 1
            }
        }
        guard let h = state.snapshot?.header else {
            let text = state.snapshot != nil ? " computing metrics…" : state.loading ? "loading…" : ""
            if right - col > 1 { canvas.putField(text: text, row: rect.row, col: col, columns: right - col - 1, role: .header) }
            return
        }
        let prev = state.previousHeader
        func item(_ label: String, _ value: String, _ current: Double?, _ old: Double?, higherIsBetter: Bool = true) {
            // Whole items only: one that does not fit (with its mark) is left out, never cut mid-word.
            guard col + DisplayWidth.width(of: " \(label) \(value)\(canvas.glyphs.rise)") <= right else { col = right; return }
            col = canvas.put(text: " \(label) ", row: rect.row, col: col, role: .header, maxColumns: rect.right - col)
            col = canvas.put(text: value, row: rect.row, col: col, role: .headerValue, maxColumns: rect.right - col)
            if let c = current, let o = old, abs(c - o) > 1e-9 {
                let up = c > o
                col = canvas.put(text: up ? canvas.glyphs.rise : canvas.glyphs.fall, row: rect.row, col: col, role: up == higherIsBetter ? .deltaPositive : .deltaNegative,
                                 maxColumns: rect.right - col)
            }
            col += 1
        }
        item("Retained", Formatting.percent(h.retentionRate), h.retentionRate, prev?.retentionRate)
        item("Churn", Formatting.percent(h.churnRate), h.churnRate, prev?.churnRate, higherIsBetter: false)
        item("NRR", Formatting.percent(h.netRevenueRetention), h.netRevenueRetention, prev?.netRevenueRetention)
        item("Avg LTV", Formatting.money(h.averageLTV), h.averageLTV, prev?.averageLTV)
        item("Health", h.averageHealth.map { String(format: "%.1f", $0) } ?? canvas.glyphs.missing, h.averageHealth, prev?.averageHealth)
        item("High risk", Formatting.grouped(h.highRiskCustomers), Double(h.highRiskCustomers), prev.map { Double($0.highRiskCustomers) }, higherIsBetter: false)
        item("Campaigns", "\(h.activeCampaigns) active", Double(h.activeCampaigns), prev.map { Double($0.activeCampaigns) })
        // The dashboard's own clock, in the machine's zone (`TZ`), with its offset from UTC.
        let when = state.snapshot.map { "updated " + Formatting.clock($0.loadedAt, in: state.localZone) } ?? ""
        let stamp = state.timerPaused ? "\(pausedMark) \(canvas.glyphs.separator) \(when)" : when
        let w = DisplayWidth.width(of: stamp)
        if rect.right - w - 1 > col { canvas.put(text: stamp, row: rect.row, col: rect.right - w - 1, role: state.timerPaused ? .warning : .header) }
    }

    static func drawFooter(_ state: DashboardState, into canvas: inout Canvas, rect: Rect) {
        canvas.fill(rect, role: .footerText)
        // While an action waits (on another program's write lock, a slow read), the status line's right end says so.
        let working = state.keys.working ? " working…" : ""
        let workingWidth = DisplayWidth.width(of: working)
        if state.keys.working, rect.width > workingWidth + 2 {
            canvas.put(text: working, row: rect.row, col: rect.right - workingWidth - 1, role: .warning)
        }
        if let status = state.status {
            // A message too long for the line ends in an ellipsis rather than mid-word.
            canvas.putField(text: status.text, row: rect.row, col: rect.col + 1, columns: rect.width - 2 - workingWidth, role: status.isError ? .statusError : .statusOk)
        }
        // Whole hints only, as many as fit, and the last one (quit) always: `?` lists the rest.
        // A key that cannot act now is dimmed; pressing it, or `?`, says why.
        // While the campaign form is open its own keys show: the panes' keys type letters into its field.
        let hints = state.campaignForm != nil
            ? CampaignFormView.footerHints.map { (key: $0.key, text: $0.text, disabled: false) }
            : KeyBindings.footer(for: state.focused).map {
                (key: $0.keys[0].label, text: " \($0.summary)  ", disabled: $0.disabledReason(in: state) != nil)
            }
        let width = { (h: (key: String, text: String, disabled: Bool)) in DisplayWidth.width(of: h.key) + DisplayWidth.width(of: h.text) }
        let reserved = hints.last.map(width) ?? 0
        var col = rect.col + 1
        let row = rect.row + min(1, rect.height - 1)
        for (i, hint) in hints.enumerated() {
            let isLast = i == hints.count - 1
            guard col + width(hint) <= rect.right - (isLast ? 0 : reserved) else { if isLast { break } else { continue } }
            col = canvas.put(text: hint.key, row: row, col: col, role: hint.disabled ? .dim : .footerKey, maxColumns: rect.right - col)
            col = canvas.put(text: hint.text, row: row, col: col, role: hint.disabled ? .dim : .footerText, maxColumns: rect.right - col)
        }
    }

    static func drawOverlay(_ overlay: Overlay, state: DashboardState, into canvas: inout Canvas) {
        var lines: [(String, StyleRole)] = []
        var title = ""
        // The box is as wide as its widest line; for help, of all its lines, so scrolling does not move the box.
        var widest: Int?
        // The prompt's line, drawn in three parts: the character under the cursor stands out.
        var edited: (before: String, atCursor: String, after: String)?
        switch overlay {
        case .help:
            title = "Keys (any key closes)"
            let help = helpLines(state: state, columns: canvas.columns, rows: canvas.rows).lines
            widest = help.map { DisplayWidth.width(of: $0.0) }.max()
            let visible = max(1, min(canvas.rows - 2, help.count + 2) - 2)
            if help.count > visible {
                let first = min(max(0, state.helpOffset), help.count - visible)
                title = "Keys, lines \(first + 1)-\(first + visible) of \(help.count) (↑↓ PgUp PgDn scroll, other keys close)"
                lines = Array(help[first..<(first + visible)])
            } else {
                lines = help
            }
            // From the key table: what each key does, whether it asks first, and (for the keys of this pane)
            // why it cannot act now.
        case .confirm(let t, let message, _):
            // The answer keys are in the title, which is never wrapped away; the question wraps to fit.
            title = t + " (y/n)"
            lines = Table.wrap(message, columns: max(10, canvas.columns - 8)).map { ($0, .overlay) }
        case .prompt(let t, let text, _):
            title = t + " (Enter to accept, Esc to cancel)"
            // A line longer than the box shows the part around the cursor, an ellipsis where it is cut.
            let parts = LineEditor(text: DisplayText.clean(text), cursor: state.keys.promptCursor)
                .visible(columns: max(10, canvas.columns - 9), ellipsis: canvas.glyphs.ellipsis)
            edited = parts
            lines = [(parts.before + parts.atCursor + parts.after, .input)]
        case .choice(let t, let options, let selected, _):
            title = t + " (↑↓ Enter, Esc)"
            lines = options.enumerated().map { ($0.element, $0.offset == selected ? .selection : .overlay) }
        case .preview(let t, let body):
            title = t + " (any key closes)"
            lines = body.map { ($0, .overlay) }
        case .campaignDetail(let t, let detail):
            title = t + " (any key closes)"
            lines = CampaignDetailView.lines(detail, glyphs: canvas.glyphs, columns: canvas.columns - 8)
        }
        // A list taller than the screen folds into two columns (help folds its own, keeping each entry whole).
        if case .help = overlay {} else if foldsInTwo(lines: lines.count, columns: canvas.columns, rows: canvas.rows) {
            let half = (lines.count + 1) / 2
            let columnWidth = (canvas.columns - 8) / 2
            lines = (0..<half).map { i in
                let left = DisplayWidth.pad(lines[i].0, toColumns: columnWidth)
                let right = i + half < lines.count ? lines[i + half].0 : ""
                return (left + "  " + right, lines[i].1)
            }
        }
        // A preview longer than the screen scrolls (↑↓ PgUp PgDn), its title saying which lines show.
        if case .preview = overlay, lines.count > canvas.rows - 4 {
            widest = lines.map { DisplayWidth.width(of: $0.0) }.max()
            let visible = max(1, canvas.rows - 4)
            let first = min(max(0, state.previewOffset), lines.count - visible)
            title = title.replacingOccurrences(of: " (any key closes)", with: "") + ", lines \(first + 1)-\(first + visible) of \(lines.count) (↑↓ PgUp PgDn scroll, other keys close)"
            lines = Array(lines[first..<(first + visible)])
        }
        let width = min(canvas.columns - 4, max(DisplayWidth.width(of: title) + 6, (widest ?? lines.map { DisplayWidth.width(of: $0.0) }.max() ?? 10) + 4))
        let height = min(canvas.rows - 2, lines.count + 2)
        let rect = Rect(row: max(0, (canvas.rows - height) / 2), col: max(0, (canvas.columns - width) / 2), width: width, height: height)
        canvas.fill(rect, role: .overlay)
        let inner = canvas.box(title: title, rect: rect, focused: true)
        for (i, l) in lines.prefix(inner.height).enumerated() {
            canvas.putField(text: l.0, row: inner.row + i, col: inner.col, columns: inner.width, role: l.1)
        }
        if let edited, inner.height > 0 {
            let col = canvas.put(text: edited.before, row: inner.row, col: inner.col, role: .input, maxColumns: inner.width)
            canvas.put(text: edited.atCursor, row: inner.row, col: col, role: .selection, maxColumns: inner.right - col)
        }
    }

    /// Whether an overlay's list of `lines` folds into two columns on a `columns × rows` screen.
    static func foldsInTwo(lines: Int, columns: Int, rows: Int) -> Bool { lines > rows - 4 && columns >= 60 }

    /// How many lines an overlay's list of `lines` shows as, once folded.
    static func overlayLineCount(lines: Int, columns: Int, rows: Int) -> Int {
        foldsInTwo(lines: lines, columns: columns, rows: rows) ? (lines + 1) / 2 : lines
    }

    /// The help overlay's lines, from the key table: each key, what it does, whether it asks first, the panes
    /// it works in, and (for the keys of the pane in focus) why it cannot act now. An entry longer than its
    /// column wraps onto indented lines, so no part of it is cut; on a short terminal the entries fold into two
    /// columns (never splitting one) when that makes them all fit, else they stay in one column that scrolls.
    /// Help's lines after the key table's.
    static let helpNotes: [(label: String, text: String)] = [
        ("In a prompt", "← → Home End and Ctrl-A/E move, Backspace Del delete, Ctrl-W a word, Ctrl-U/K before/after the cursor; Esc or Ctrl-C cancel"),
        ("Mouse", "click selects; the wheel scrolls the pane under the pointer (--no-mouse leaves it to the terminal)"),
        ("Ctrl-C", "cancels a prompt, choice or question; anywhere else it quits"),
    ]

    static func helpLines(state: DashboardState, columns: Int, rows: Int) -> (lines: [(String, StyleRole)], columnWidth: Int?) {
        let keyColumn = min(16, (KeyBindings.all.map { DisplayWidth.width(of: $0.keyLabel) }.max() ?? 8) + 1)
        func entries(width: Int) -> [[(String, StyleRole)]] {
            KeyBindings.all.map { b in
                let scope = b.panes.isEmpty ? "" : " [" + b.panes.sorted { $0.rawValue < $1.rawValue }.map(\.title).joined(separator: ", ") + "]"
                let applies = b.panes.isEmpty || b.panes.contains(state.focused)
                let reason = applies ? b.disabledReason(in: state) : nil
                let text = b.helpSummary + scope + (reason.map { "; not now: \($0)" } ?? "")
                let wrapped = Table.wrap(text, columns: max(10, width - keyColumn))
                let role = reason == nil ? StyleRole.overlay : .dim
                // A key label wider than its column (none today) gets a line of its own.
                let label = DisplayWidth.width(of: b.keyLabel) < keyColumn ? [] : [(b.keyLabel, role)]
                return label + wrapped.enumerated().map { i, line in
                    (DisplayWidth.pad(i == 0 && label.isEmpty ? b.keyLabel : "", toColumns: keyColumn) + line, role)
                }
            } + helpNotes.map { note in
                // What is not a binding of the table: the prompt's editing keys, the mouse, Ctrl-C.
                Table.wrap(note.text, columns: max(10, width - keyColumn)).enumerated().map { i, line in
                    (DisplayWidth.pad(i == 0 ? note.label : "", toColumns: keyColumn) + line, StyleRole.overlay)
                }
            }
        }
        let fullWidth = max(20, columns - 8)
        let single = entries(width: fullWidth)
        let height = single.reduce(0) { $0 + $1.count }
        guard height > rows - 4, columns >= 60 else { return (single.flatMap { $0 }, nil) }
        let columnWidth = (columns - 10) / 2
        let halves = entries(width: columnWidth)
        let total = halves.reduce(0) { $0 + $1.count }
        var left: [(String, StyleRole)] = [], right: [(String, StyleRole)] = []
        var onLeft = true
        for entry in halves {
            if onLeft, !left.isEmpty, left.count + entry.count > (total + 1) / 2 { onLeft = false }
            if onLeft { left += entry } else { right += entry }
        }
        // Two columns only when they make it all fit; otherwise one column, which scrolls, reads better.
        guard max(left.count, right.count) <= rows - 4 else { return (single.flatMap { $0 }, nil) }
        let lines = (0..<max(left.count, right.count)).map { i -> (String, StyleRole) in
            let l = i < left.count ? left[i] : ("", .overlay)
            let r = i < right.count ? right[i].0 : ""
            return (DisplayWidth.pad(l.0, toColumns: columnWidth) + "  " + r, l.1)
        }
        return (lines, columnWidth)
    }

    /// The end of `text` that fits in `columns`, after an ellipsis when the start is cut.
    static func tail(_ text: String, columns: Int) -> String {
        guard DisplayWidth.width(of: text) > columns, columns > 1 else { return text }
        var kept: [Character] = [], width = 0
        for character in text.reversed() {
            let w = DisplayWidth.width(of: String(character))
            if width + w > columns - 1 { break }
            kept.append(character)
            width += w
        }
        return "…" + String(kept.reversed())
    }
}
