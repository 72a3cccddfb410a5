import Foundation
import RetentionCore

/// Draws the campaign form (`CampaignForm`) over the panes: a field per line (the selected one with its
/// cursor and what it takes), the field at fault and why, the live count of matching customers, the cron
/// line's next five runs, the first step's message for the first matching customer.
enum CampaignFormView {
    static func draw(_ form: CampaignForm, into canvas: inout Canvas, now: Int) {
        let width = min(canvas.columns - 2, 110), height = canvas.rows - 2
        let rect = Rect(row: 1, col: max(0, (canvas.columns - width) / 2), width: width, height: height)
        canvas.fill(rect, role: .overlay)
        let title = (form.draftID == nil ? "New campaign" : "Edit draft campaign") + " (↑↓ field, type to edit, Ctrl-U clear, Enter save, Esc cancel)"
        let inner = canvas.box(title: title, rect: rect, focused: true)
        let labelWidth = 17
        var row = inner.row
        for field in CampaignForm.Field.allCases where row < inner.bottom {
            let selected = field == form.selected
            let faulty = form.problem?.field == field
            canvas.putField(text: field.label, row: row, col: inner.col, columns: labelWidth, role: faulty ? .statusError : selected ? .emphasis : .overlay)
            let valueWidth = inner.width - labelWidth - 1
            let text = DisplayText.clean(form[field])
            // The selected field shows its end (where the typing is) and a cursor.
            let shown = selected ? String(text.suffix(max(0, valueWidth - 1))) + "▏" : text
            canvas.putField(text: shown, row: row, col: inner.col + labelWidth + 1, columns: valueWidth, role: selected ? .input : .overlay)
            row += 1
        }
        func line(_ text: String, _ role: StyleRole) {
            guard row < inner.bottom else { return }
            canvas.putField(text: text, row: row, col: inner.col, columns: inner.width, role: role)
            row += 1
        }
        line("", .overlay)
        line("  " + form.selected.label + ": " + form.selected.hint, .dim)
        if let p = form.problem { line("  " + p.field.label + ": " + p.message, .statusError) }
        let segmentNote: String
        if let count = form.liveCount {
            segmentNote = "Matching customers now: \(NumberText.grouped(count))" + (form.reading || form.editedAt != nil ? " (counting…)" : "")
        } else {
            segmentNote = form.reading || form.editedAt != nil ? "Matching customers now: counting…" : "Matching customers now: (the segment does not parse)"
        }
        line("  " + segmentNote, .emphasis)
        let runs = form.cronRuns(now: now)
        if !runs.isEmpty { line("  Next runs: " + runs.joined(separator: ", "), .overlay) }
        for l in form.preview.prefix(max(0, inner.bottom - row)) { line("  " + l, .dim) }
    }
}
