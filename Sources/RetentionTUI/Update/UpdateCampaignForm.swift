import Foundation
import RetentionCore

extension CampaignForm {
    /// `N` and `E` in the campaigns pane, in the key table (`KeyBindings.all`).
    static let bindings: [KeyBinding] = [
        KeyBinding([.character("N")], .newCampaign, "new campaign (form)", panes: [.campaigns], footer: true),
        KeyBinding([.character("E")], .editCampaign, "edit the draft campaign (form)", panes: [.campaigns],
                   disabledReason: { s in
                       guard let c = s.selectedCampaign?.campaign else { return "No campaign selected." }
                       return c.status == .draft ? nil : "\"\(c.name)\" is \(c.status.rawValue); only a draft can be edited."
                   }),
    ]
}

extension DashboardState {
    /// Opens the form: empty for `N`, filled from the selected draft for `E`.
    mutating func openCampaignForm(editing: Bool, now: Date) {
        var form = editing ? selectedCampaign.map { CampaignForm(editing: $0.campaign) } ?? CampaignForm() : CampaignForm()
        form.editedAt = now.timeIntervalSince1970 - 1   // the first count at once
        campaignForm = form
        status = nil
    }

    /// A key while the form is open: ↑↓ Tab Shift-Tab move between fields, the focused field is edited as the
    /// prompts edit (`LineEditor`: ←→ Home End Ctrl-A/E/B/F/W/U/K, Backspace, Delete), Enter saves, Esc or
    /// Ctrl-C leaves with nothing written.
    mutating func handleFormKey(_ key: Key, now: Date) -> [Effect] {
        guard var form = campaignForm else { return [] }
        defer { if campaignForm != nil { campaignForm = form } }
        let fields = CampaignForm.Field.allCases
        func move(_ d: Int) { form.selected = fields[(form.selected.rawValue + d + fields.count) % fields.count] }
        var edited = false
        switch key {
        case .escape, .interrupt:
            campaignForm = nil
            status = ("Cancelled; nothing changed.", false)
            return []
        case .down, .tab: move(1)
        case .up, .backTab: move(-1)
        case .enter:
            guard !form.saving else { return [] }
            do {
                _ = try form.campaign()
                form.problem = nil
                form.saving = true
                return [.saveCampaign(form)]
            } catch let p as CampaignForm.Problem {
                form.problem = p
                form.selected = p.field
            } catch {
                form.problem = .init(field: .name, message: "\(error)")
            }
        case let key where LineEditor.handles(key):
            var editor = form.editor
            edited = editor.handle(key)
            form.editor = editor
        default: break
        }
        if edited {
            if form.problem?.field == form.selected { form.problem = nil }
            if form.selected.isSegment || form.selected == .steps || form.selected == .type || form.selected == .name {
                form.editedAt = now.timeIntervalSince1970
            }
        }
        return []
    }

    /// Text pasted into the form's field (one line).
    mutating func pasteIntoForm(_ text: String, now: Date) {
        guard var form = campaignForm else { return }
        var editor = form.editor
        editor.insert(text.unicodeScalars.filter { $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) }.map(String.init).joined())
        form.editor = editor
        if form.problem?.field == form.selected { form.problem = nil }
        form.editedAt = now.timeIntervalSince1970
        campaignForm = form
    }

    /// Debounced: 0.3 s after the last edit of the segment or the steps, the live count and the first step's
    /// preview are read (one read at a time; a newer edit reads again when it is back).
    mutating func formReadsIfDue(now: Date) -> [Effect] {
        guard var form = campaignForm, !form.reading, let edited = form.editedAt,
              now.timeIntervalSince1970 - edited >= CampaignForm.debounceSeconds else { return [] }
        form.editedAt = nil
        defer { campaignForm = form }
        guard let segment = try? form.validSegment() else {
            form.liveCount = nil
            form.preview = []
            return []
        }
        form.reading = true
        let first = (try? form.steps())?.first
        return [.formReads(segment: segment, template: first?.template, channel: first?.channel ?? .email,
                           name: form[.name].isEmpty ? "(this campaign)" : form[.name])]
    }

    /// What the form's reads and its save came back with.
    mutating func handleFormResult(_ result: EffectResult) -> [Effect] {
        switch result {
        case .formReads(let count, let preview, let segment):
            guard var form = campaignForm else { return [] }
            form.reading = false
            form.liveCount = count
            form.preview = preview
            form.countedSegment = segment
            campaignForm = form
        case .formSaved(let sentence):
            campaignForm = nil
            status = (sentence, false)
            return [.refresh(force: true)]
        case .formRefused(let problem):
            campaignForm?.saving = false
            campaignForm?.problem = problem
            campaignForm?.selected = problem.field
        default: break
        }
        return []
    }
}
