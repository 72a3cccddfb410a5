import Foundation
import RetentionCore

extension DashboardState {
    /// A key while an overlay is open: help and previews close, a question takes y or n, a prompt takes
    /// text, a choice takes arrows and Enter.
    mutating func handleOverlay(_ overlay: Overlay, _ key: Key, now: Date) -> [Effect] {
        // Ctrl-C cancels a prompt, a choice or a question (below); over help or a preview it quits, as everywhere.
        if key == .interrupt {
            switch overlay {
            case .help, .preview:
                self.overlay = nil
                return quitEffects()
            default: break
            }
        }
        switch overlay {
        case .help:
            // Help longer than the screen scrolls; any other key closes it.
            let page = max(1, rows - 6)
            switch key {
            case .down, .character("j"): helpOffset += 1
            case .up, .character("k"): helpOffset -= 1
            case .pageDown, .character(" "), .control("d"): helpOffset += page
            case .pageUp, .control("u"): helpOffset -= page
            default:
                self.overlay = nil
                helpOffset = 0
                return []
            }
            let lines = DashboardView.helpLines(state: self, columns: columns, rows: rows).lines.count
            helpOffset = min(max(0, helpOffset), max(0, lines - max(1, rows - 4)))
        case .preview(_, let lines):
            // A long preview scrolls (as help does); any other key closes it.
            let page = max(1, rows - 6)
            switch key {
            case .down, .character("j"): previewOffset += 1
            case .up, .character("k"): previewOffset -= 1
            case .pageDown, .character(" "), .control("d"): previewOffset += page
            case .pageUp, .control("u"): previewOffset -= page
            default:
                self.overlay = nil
                previewOffset = 0
                return []
            }
            let shown = DashboardView.overlayLineCount(lines: lines.count, columns: columns, rows: rows)
            previewOffset = min(max(0, previewOffset), max(0, shown - max(1, rows - 4)))
        case .campaignDetail:
            self.overlay = nil
        case .confirm(_, _, let action):
            switch key {
            case .character("y"), .character("Y"):
                self.overlay = nil
                if case .confirmed(let binding, let id) = action { return confirmedEffects(binding, subjectID: id) }
                if case .contact(let draft, let step) = action { return contactAnswer(draft, step, now: now) }
                if case .enrolDespiteCues(let id, let campaign) = action { return [.enrol(customerID: id, campaignID: campaign)] }
            case .character("n"), .character("N"), .escape, .interrupt:
                self.overlay = nil
                status = ("Nothing changed.", false)
            default: break
            }
        case .prompt(let title, let text, let action):
            switch key {
            case .escape, .interrupt: return cancelPrompt(action)
            case .enter where action == .search:
                return acceptFilter(text)
            case .enter:
                self.overlay = nil
                keys.promptCursor = nil
                let value = text.trimmingCharacters(in: .whitespaces)
                switch action {
                case .note(let id): return value.isEmpty ? [] : [.note(customerID: id, text: value)]
                case .snooze(let id):
                    let today = Timestamp.startOfDay(Int(now.timeIntervalSince1970))
                    if let days = Int(value), (1...3650).contains(days) { return [.snooze(customerID: id, days: days)] }
                    // A date is a day on the customer's calendar, which may be a day behind or ahead of UTC's:
                    // the runner refuses one that is not after today there.
                    if let date = Timestamp.parseDate(value), date >= today, date <= today + 3650 * 86_400 { return [.snoozeToDate(customerID: id, date: date)] }
                    status = ("Snooze needs a future date like 2026-12-31 or a number of days; got \"\(value)\".", true)
                case .tag(let id): return value.isEmpty ? [] : [.tag(customerID: id, tag: value)]
                case .contact(let draft, let step): return contactAnswer(draft, step, text: value, now: now)
                case .payment(let id): return paymentEntered(customerID: id, text: value)
                case .override(let draft, let step): return overrideAnswer(draft, step, text: value, now: now)
                default: break
                }
            case let key where LineEditor.handles(key):
                // Edited as in a shell (`LineEditor`): arrows, Home/End, Ctrl-A/E/W/U/K, Backspace, Delete.
                var editor = LineEditor(text: text, cursor: keys.promptCursor)
                let changed = editor.handle(key)
                keys.promptCursor = editor.cursor
                self.overlay = .prompt(title: title, text: editor.text, action: action)
                // The at-risk search is incremental: the list follows every keystroke that changes it.
                if changed && action == .search { return filterTyped(editor.text) }
            default: break
            }
        case .choice(let title, let options, var selected, let action):
            switch key {
            case .escape, .interrupt:
                self.overlay = nil
                status = ("Cancelled; nothing changed.", false)
            case .up, .character("k"): selected = max(0, selected - 1); self.overlay = .choice(title: title, options: options, selected: selected, action: action)
            case .down, .character("j"): selected = min(options.count - 1, selected + 1); self.overlay = .choice(title: title, options: options, selected: selected, action: action)
            case .enter:
                self.overlay = nil
                if case .contact(let draft, let step) = action { return contactAnswer(draft, step, choice: selected, now: now) }
                if case .override(let draft, let step) = action { return overrideAnswer(draft, step, choice: selected, now: now) }
                if case .snoozePreset(let id, let renewal) = action { return snoozePreset(customerID: id, renewal: renewal, choice: selected, options: options) }
                if case .enrol(let id, let campaigns) = action, campaigns.indices.contains(selected) {
                    return [.checkEnrol(customerID: id, campaignID: campaigns[selected])]
                }
                if case .completeTask(_, let tasks) = action, tasks.indices.contains(selected) {
                    return [.completeTask(id: tasks[selected])]
                }
            default: break
            }
        }
        return []
    }
}
