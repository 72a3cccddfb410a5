import Foundation
import RetentionCore

/// Draws the campaign form (`CampaignForm`) over the panes: a field per line (the focused one edited as the
/// prompts edit, its cursor drawn as theirs), the field at fault and why, the live count of matching customers,
/// the focused field's hint, the cron line's next five runs, the first step's message for the first matching
/// customer. On a short screen the fields scroll to keep the focused one in view, and the rows for the error,
/// the count and the hint are kept below them; on every screen the form covers the full width, so nothing of
/// the pane underneath shows at its borders.
enum CampaignFormView {
    /// Rows kept under the fields: the error (or the count), the count (or the hint), the hint.
    static let feedbackRows = 3

    /// The first field shown when `rows` field rows show out of `count`, keeping `selected` in view (centred
    /// when it can be).
    static func firstField(selected: Int, rows: Int, count: Int) -> Int {
        guard rows < count else { return 0 }
        return min(max(0, selected - rows / 2), count - max(1, rows))
    }

    static func draw(_ form: CampaignForm, into canvas: inout Canvas, now: Int) {
        let width = min(canvas.columns - 2, 110), height = canvas.rows - 2
        // The whole band under the form is cleared, so no character of the pane underneath shows beside it.
        canvas.fill(Rect(row: 1, col: 0, width: canvas.columns, height: max(0, height)), role: .overlay)
        let rect = Rect(row: 1, col: max(0, (canvas.columns - width) / 2), width: width, height: height)
        let title = (form.draftID == nil ? "New campaign" : "Edit draft campaign") + " (Enter save, Esc cancel)"
        let inner = canvas.box(title: title, rect: rect, focused: true)
        guard inner.height > 0, inner.width > 0 else { return }
        let labelWidth = min(17, max(1, inner.width / 3))
        let valueWidth = max(1, inner.width - labelWidth - 1)
        let fields = CampaignForm.Field.allCases
        let fieldRows = max(1, min(fields.count, inner.height - feedbackRows))
        let first = firstField(selected: form.selected.rawValue, rows: fieldRows, count: fields.count)
        var row = inner.row
        for (i, field) in fields.enumerated().dropFirst(first).prefix(fieldRows) where row < inner.bottom {
            let selected = field == form.selected
            let faulty = form.problem?.field == field
            // A field cut off above or below says so by an ellipsis in front of the edge label.
            let more = (i == first && first > 0) ? canvas.glyphs.ellipsis : (i == first + fieldRows - 1 && i < fields.count - 1) ? canvas.glyphs.ellipsis : ""
            canvas.putField(text: more + field.label, row: row, col: inner.col, columns: labelWidth, role: faulty ? .statusError : selected ? .emphasis : .overlay)
            let col = inner.col + labelWidth + 1
            if selected {
                // Cut by display columns around the cursor, an ellipsis where it is cut (as the prompts do).
                let parts = LineEditor(text: DisplayText.clean(form[field]), cursor: form.cursor)
                    .visible(columns: valueWidth, ellipsis: canvas.glyphs.ellipsis)
                canvas.putField(text: "", row: row, col: col, columns: valueWidth, role: .input)
                var c = canvas.put(text: parts.before, row: row, col: col, role: .input, maxColumns: valueWidth)
                c = canvas.put(text: parts.atCursor, row: row, col: c, role: .selection, maxColumns: col + valueWidth - c)
                canvas.put(text: parts.after, row: row, col: c, role: .input, maxColumns: col + valueWidth - c)
            } else {
                canvas.putField(text: form[field], row: row, col: col, columns: valueWidth, role: .overlay)
            }
            row += 1
        }
        func line(_ text: String, _ role: StyleRole) {
            guard row < inner.bottom else { return }
            canvas.putField(text: text, row: row, col: inner.col, columns: inner.width, role: role)
            row += 1
        }
        if inner.bottom - row > feedbackRows { line("", .overlay) }
        if let p = form.problem { line("  " + p.field.label + ": " + p.message, .statusError) }
        line("  " + segmentNote(form), .emphasis)
        line("  " + form.selected.label + ": " + form.selected.hint, .dim)
        let runs = form.cronRuns(now: now)
        if !runs.isEmpty { line("  Next runs: " + runs.joined(separator: ", "), .overlay) }
        for l in form.preview.prefix(max(0, inner.bottom - row)) { line("  " + l, .dim) }
    }

    /// The footer's keys while the form is open (the panes' keys type letters into the field then).
    static let footerHints: [(key: String, text: String)] = [
        ("↑↓", " field  "), ("←→", " cursor  "), ("Ctrl-W", " delete word  "), ("Ctrl-U/K", " delete before/after  "),
        ("Enter", " save  "), ("Esc", " cancel  "),
    ]

    /// The live count, or why there is none: a segment that does not parse, or that the engine would refuse
    /// (health 80-20), shows no number.
    static func segmentNote(_ form: CampaignForm) -> String {
        do { _ = try form.validSegment() } catch let p as CampaignForm.Problem {
            return "Matching customers now: —, fix the \(p.field.label.lowercased())"
        } catch {
            return "Matching customers now: —"
        }
        if let count = form.liveCount {
            return "Matching customers now: \(NumberText.grouped(count))" + (form.reading || form.editedAt != nil ? " (counting…)" : "")
        }
        return "Matching customers now: counting…"
    }
}
