import Foundation
import RetentionCore

/// A side effect `update` asks the app loop to carry out.
public enum Effect: Sendable, Equatable {
    /// Read everything again; `force` also recomputes the book-wide figures (the user asked, or data changed).
    case refresh(force: Bool)
    /// The request changed (a filter, the detail shown): read the panes again; the figures are book-wide
    /// and follow their own schedule.
    case reloadPanes
    case campaign(id: String, to: CampaignStatus)
    case previewCampaign(id: String, name: String)
    case assignToMe(customerID: String)
    case snooze(customerID: String, days: Int)
    case logContact(customerID: String, outcome: Engine.ContactOutcome)
    case note(customerID: String, text: String)
    case tag(customerID: String, tag: String)
    case paymentMissed(customerID: String)
    case recompute(customerID: String)
    case enrol(customerID: String, campaignID: String)
    case completeTask(id: String)
    case campaignDetail(id: String, name: String)
    /// Show the churn model in use and its calibration table (`ChurnModelInfo.summaryLines`).
    case churnModel
    case copy(String)
    case nextTheme
}

extension DashboardState {
    /// Handles one key: changes the state and names the effects to run. Pure, so tests drive it directly.
    public mutating func handle(_ key: Key) -> [Effect] {
        if screenTooSmall {
            if KeyBindings.binding(for: key, in: focused)?.action == .quit { quit = true }
            return []
        }
        if let overlay { return handleOverlay(overlay, key) }
        guard let binding = KeyBindings.binding(for: key, in: focused) else {
            if case .character(let c) = key { status = ("\(c): no such key here; ? lists the keys", true) }
            return []
        }
        status = nil
        switch binding.action {
        case .quit: quit = true
        case .help: overlay = .help
        case .churnModel: return [.churnModel]
        case .up: return move(-1)
        case .down: return move(1)
        case .pageUp: return move(-15)
        case .pageDown: return move(15)
        case .top: return move(-1_000_000)
        case .bottom: return move(1_000_000)
        case .nextPane: focused = PaneID(rawValue: (focused.rawValue + 1) % 4)!
        case .previousPane: focused = PaneID(rawValue: (focused.rawValue + 3) % 4)!
        case .paneAtRisk: focused = .atRisk
        case .paneRenewals: focused = .renewals
        case .paneCampaigns: focused = .campaigns
        case .paneDetail: focused = .detail
        case .open:
            if focused == .campaigns {
                guard let c = selectedCampaign?.campaign else { status = ("No campaign selected.", true); return [] }
                return [.campaignDetail(id: c.id, name: c.name)]
            }
            guard let id = actionCustomerID else { status = ("Nothing selected to open.", true); return [] }
            detailCustomerID = id
            request.detailCustomerID = id
            detailReturnPane = focused
            detailScroll = 0
            focused = .detail
            return [.reloadPanes]
        case .back:
            if focused == .detail { focused = detailReturnPane }
        case .filter:
            overlay = .prompt(title: "Filter at-risk: name or e-mail, agent:ID, type:auto, tag:vip", text: filterText ?? "", action: .search)
        case .sort:
            let all = AtRiskSort.allCases
            sort = all[(all.firstIndex(of: sort)! + 1) % all.count]
            atRiskSelection.reconcile(ids: atRiskPaneIDs)
            status = ("Sorted by \(sort.rawValue).", false)
        case .riskFilter:
            riskFilterIndex = (riskFilterIndex + 1) % Self.riskFilters.count
            request.atRisk.levels = Self.riskFilters[riskFilterIndex].levels
            status = ("Risk filter: \(Self.riskFilters[riskFilterIndex].label).", false)
            return [.reloadPanes]
        case .winBack:
            // From the detail pane it switches the list the detail was opened from, and goes back to it.
            if focused == .detail { focused = .atRisk }
            request.winBack.toggle()
            atRiskSelection = ListSelection()
            request.rowLimit = SnapshotRequest.rowsPerRead
            status = (request.winBack ? "Win-back: former customers, the most recent leavers first (b for the at-risk queue)." : "At-risk queue.", false)
            return [.reloadPanes]
        case .mine:
            mineOnly.toggle()
            request.atRisk.assignedTo = mineOnly ? user : nil
            status = (mineOnly ? "Showing customers assigned to \(user)." : "Showing everyone's customers.", false)
            return [.reloadPanes]
        case .renewalWindow:
            let w = Self.renewalWindows
            request.renewalDays = w[((w.firstIndex(of: request.renewalDays) ?? 0) + 1) % w.count]
            status = ("Renewals in the next \(request.renewalDays) days.", false)
            return [.reloadPanes]
        case .refresh: return [.refresh(force: true)]
        case .pauseRefresh:
            timerPaused.toggle()
            status = (timerPaused ? "Timer paused: press P to resume, r to refresh once." : "Timer resumed.", false)
        case .nextTheme: return [.nextTheme]
        case .activateCampaign, .pauseCampaign, .cancelCampaign, .previewCampaign:
            return campaignAction(binding.action)
        case .logContact, .addNote, .addTag, .assignToMe, .snooze, .paymentMissed, .copyContact, .recompute, .enrol, .completeTask:
            return customerAction(binding.action)
        }
        return []
    }

    /// Handles pasted text: typed into the open prompt as one line (line breaks and tabs become spaces,
    /// other control characters are dropped), or refused when no prompt is open, so that a paste never
    /// runs as a series of keys.
    public mutating func handlePaste(_ pasted: String) -> [Effect] {
        guard !screenTooSmall else { return [] }
        guard case .prompt(let title, let text, let action) = overlay else {
            status = ("Pasted text ignored: open a prompt first (n note, T tag, / filter).", true)
            return []
        }
        var line = ""
        for scalar in pasted.unicodeScalars {
            if scalar == "\n" || scalar == "\r" || scalar == "\t" {
                if !line.isEmpty && !line.hasSuffix(" ") { line.append(" ") }
            } else if scalar.value >= 0x20 && !(0x7F...0x9F).contains(scalar.value) {
                line.unicodeScalars.append(scalar)
            }
        }
        overlay = .prompt(title: title, text: text + line, action: action)
        if action == .search {
            applyFilter((text + line).trimmingCharacters(in: .whitespaces))
            return [.reloadPanes]
        }
        return []
    }

    /// The at-risk filter line: `agent:ID`, `type:POLICYTYPE`, `tag:TAG` tokens, the rest a name or e-mail search.
    mutating func applyFilter(_ line: String) {
        var words: [String] = []
        request.atRisk.agentId = nil
        request.atRisk.policyType = nil
        request.atRisk.tag = nil
        var problems: [String] = []
        for token in line.split(separator: " ").map(String.init) {
            if token.hasPrefix("agent:") { request.atRisk.agentId = String(token.dropFirst(6)) }
            else if token.hasPrefix("type:") {
                if let t = PolicyType(rawValue: String(token.dropFirst(5))) { request.atRisk.policyType = t } else { problems.append(token) }
            } else if token.hasPrefix("tag:") { request.atRisk.tag = String(token.dropFirst(4)) }
            else { words.append(token) }
        }
        request.atRisk.search = words.isEmpty ? nil : words.joined(separator: " ")
        filterText = line.isEmpty ? nil : line
        if !problems.isEmpty {
            status = ("Unknown policy type in \(problems.joined(separator: ", ")); types: \(PolicyType.allCases.map(\.rawValue).joined(separator: ", ")).", true)
        } else {
            status = (line.isEmpty ? "Filter cleared." : "Filter: \(line)", false)
        }
    }

    private mutating func move(_ delta: Int) -> [Effect] {
        switch focused {
        case .atRisk: atRiskSelection.move(by: delta, ids: atRiskPaneIDs)
        case .renewals: renewalSelection.move(by: delta, ids: snapshot?.renewals.map(\.policyId) ?? [])
        case .campaigns: campaignSelection.move(by: delta, ids: snapshot?.campaigns.map(\.campaign.id) ?? [])
        case .detail: detailScroll = max(0, detailScroll + delta)
        }
        lastKeyAt = Date().timeIntervalSince1970
        return readMoreAtTheEnd()
    }

    /// The at-risk and renewal lists are read `SnapshotRequest.rowsPerRead` rows at a time: moving onto the
    /// last row of a list that filled its read reads that many more (an indexed read, up to
    /// `SnapshotRequest.maximumRows`; a filter narrows a longer list), so every customer can be reached.
    private mutating func readMoreAtTheEnd() -> [Effect] {
        let (index, count): (Int, Int)
        switch focused {
        case .atRisk: (index, count) = (atRiskSelection.index, atRiskPaneIDs.count)
        case .renewals: (index, count) = (renewalSelection.index, snapshot?.renewals.count ?? 0)
        case .campaigns, .detail: return []
        }
        guard count > 0, count >= request.rowLimit, index >= count - 1 else { return [] }
        guard request.rowLimit < SnapshotRequest.maximumRows else {
            status = ("The list shows its first \(request.rowLimit) rows; filter (/ or f) to reach the others.", false)
            return []
        }
        request.rowLimit = min(SnapshotRequest.maximumRows, request.rowLimit + SnapshotRequest.rowsPerRead)
        status = ("Reading more rows (up to \(request.rowLimit))…", false)
        return [.reloadPanes]
    }

    private mutating func campaignAction(_ action: Action) -> [Effect] {
        guard let row = selectedCampaign else {
            status = ("No campaign selected. Create one with `retention api POST /campaigns`.", true)
            return []
        }
        let c = row.campaign
        switch action {
        case .activateCampaign:
            guard c.status.allowedTransitions.contains(.active) else {
                status = ("\"\(c.name)\" is \(c.status.rawValue) and cannot be activated.", true); return []
            }
            return [.campaign(id: c.id, to: .active)]
        case .pauseCampaign:
            guard c.status.allowedTransitions.contains(.paused) else {
                status = ("\"\(c.name)\" is \(c.status.rawValue); only an active campaign can be paused.", true); return []
            }
            return [.campaign(id: c.id, to: .paused)]
        case .cancelCampaign:
            guard c.status.allowedTransitions.contains(.cancelled) else {
                status = ("\"\(c.name)\" is \(c.status.rawValue) and cannot be cancelled.", true); return []
            }
            overlay = .confirm(title: "Cancel campaign",
                               message: "Cancel \"\(c.name)\"? It touches \(row.targeted) customers; every pending touchpoint is cancelled.",
                               action: .cancelCampaign(id: c.id, name: c.name))
        case .previewCampaign:
            return [.previewCampaign(id: c.id, name: c.name)]
        default: break
        }
        return []
    }

    private mutating func customerAction(_ action: Action) -> [Effect] {
        guard rowsAreCurrent(focused) else { status = ("The list is being read for the new filter; a moment.", true); return [] }
        guard let id = actionCustomerID else { status = ("Select a customer first.", true); return [] }
        if focused == .detail && snapshot?.detail?.customer.id != id {
            status = ("The customer is still being read; a moment.", true)
            return []
        }
        // Every prompt and confirmation names the customer it acts on.
        let name = actionCustomerName ?? "this customer"
        switch action {
        case .logContact:
            overlay = .choice(title: "Contact outcome for \(name)", options: Engine.ContactOutcome.allCases.map(\.rawValue), selected: 0,
                              action: .contactOutcome(customerID: id))
        case .addNote: overlay = .prompt(title: "Note on \(name)", text: "", action: .note(customerID: id))
        case .addTag: overlay = .prompt(title: "Tag \(name) (one word or phrase, no ;)", text: "", action: .tag(customerID: id))
        case .assignToMe: return [.assignToMe(customerID: id)]
        case .snooze:
            overlay = .prompt(title: "Snooze \(name) until (YYYY-MM-DD, or days like 7)", text: "7", action: .snooze(customerID: id))
        case .paymentMissed:
            // A missed payment is a retention event that lowers the health score: asked first, never one stray key.
            overlay = .confirm(title: "Record a missed payment",
                               message: "Record a missed payment for \(name)? It lowers their health score.",
                               action: .paymentMissed(customerID: id))
        case .recompute: return [.recompute(customerID: id)]
        case .enrol:
            let running = (snapshot?.campaigns ?? []).filter { $0.campaign.status == .active || $0.campaign.status == .paused }
            guard !running.isEmpty else { status = ("No active or paused campaign to enrol into; activate one in pane 3.", true); return [] }
            overlay = .choice(title: "Enrol \(name) in campaign", options: running.map(\.campaign.name), selected: 0,
                              action: .enrol(customerID: id, campaignIDs: running.map(\.campaign.id)))
        case .completeTask:
            let tasks = snapshot?.detail?.customer.id == id ? snapshot?.detail?.tasks ?? [] : []
            guard !tasks.isEmpty else { status = ("\(name) has no open task.", true); return [] }
            overlay = .choice(title: "Mark a task of \(name) done", options: tasks.map { "\(Formatting.date($0.dueAt))  \($0.title)" }, selected: 0,
                              action: .completeTask(customerID: id, taskIDs: tasks.map(\.id)))
        case .copyContact:
            // y copies the e-mail, then the phone, then the policy number, in turn.
            var choices: [(String, String)] = []
            if focused == .renewals, let r = selectedRenewal { choices = [("policy number", r.policyNumber)] }
            if focused == .atRisk, let e = selectedAtRisk { choices = [("e-mail", e.email)] + (e.phone.map { [("phone", $0)] } ?? []) }
            if focused == .detail, let c = snapshot?.detail?.customer {
                choices = [("e-mail", c.email)] + (c.phone.map { [("phone", $0)] } ?? []) + (snapshot?.detail?.policies.first.map { [("policy number", $0.policyNumber)] } ?? [])
            }
            guard !choices.isEmpty else { status = ("Nothing to copy here.", true); return [] }
            let (what, value) = choices[copyIndex % choices.count]
            copyIndex += 1
            status = ("Copied the \(what) \(value) to the clipboard (y again for the next detail).", false)
            return [.copy(value)]
        default: break
        }
        return []
    }

    private mutating func handleOverlay(_ overlay: Overlay, _ key: Key) -> [Effect] {
        switch overlay {
        case .help, .preview:
            self.overlay = nil
        case .confirm(_, _, let action):
            switch key {
            case .character("y"), .character("Y"):
                self.overlay = nil
                if case .cancelCampaign(let id, _) = action { return [.campaign(id: id, to: .cancelled)] }
                if case .paymentMissed(let id) = action { return [.paymentMissed(customerID: id)] }
            case .character("n"), .character("N"), .escape:
                self.overlay = nil
                status = ("Nothing changed.", false)
            default: break
            }
        case .prompt(let title, var text, let action):
            switch key {
            case .escape: self.overlay = nil
            case .enter:
                self.overlay = nil
                let value = text.trimmingCharacters(in: .whitespaces)
                switch action {
                case .search:
                    applyFilter(value)
                    return [.reloadPanes]
                case .note(let id): return value.isEmpty ? [] : [.note(customerID: id, text: value)]
                case .snooze(let id):
                    let today = Timestamp.startOfDay(Timestamp.now())
                    if let days = Int(value), (1...3650).contains(days) { return [.snooze(customerID: id, days: days)] }
                    if let date = Timestamp.parseDate(value), date > today { return [.snooze(customerID: id, days: (date - today) / 86_400)] }
                    status = ("Snooze needs a future date like 2026-12-31 or a number of days; got \"\(value)\".", true)
                case .tag(let id): return value.isEmpty ? [] : [.tag(customerID: id, tag: value)]
                default: break
                }
            case .backspace, .character, .control("u"):
                // Ctrl-U clears the line, as in a shell.
                switch key {
                case .character(let c): text.append(c)
                case .control: text = ""
                default: if !text.isEmpty { text.removeLast() }
                }
                self.overlay = .prompt(title: title, text: text, action: action)
                // The at-risk search is incremental: the list follows every keystroke.
                if action == .search {
                    applyFilter(text.trimmingCharacters(in: .whitespaces))
                    return [.reloadPanes]
                }
            default: break
            }
        case .choice(let title, let options, var selected, let action):
            switch key {
            case .escape: self.overlay = nil
            case .up, .character("k"): selected = max(0, selected - 1); self.overlay = .choice(title: title, options: options, selected: selected, action: action)
            case .down, .character("j"): selected = min(options.count - 1, selected + 1); self.overlay = .choice(title: title, options: options, selected: selected, action: action)
            case .enter:
                self.overlay = nil
                if case .contactOutcome(let id) = action, let outcome = Engine.ContactOutcome(rawValue: options[selected]) {
                    return [.logContact(customerID: id, outcome: outcome)]
                }
                if case .enrol(let id, let campaigns) = action, campaigns.indices.contains(selected) {
                    return [.enrol(customerID: id, campaignID: campaigns[selected])]
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
