import Foundation
import RetentionCore

extension DashboardState {
    /// A key: an open overlay takes it; otherwise the key table names its binding, which may be disabled
    /// now (its reason goes to the status line) or ask first (its question opens), before it acts.
    mutating func handleKey(_ key: Key, now: Date) -> [Effect] {
        if screenTooSmall {
            if KeyBindings.binding(for: key, in: focused)?.action == .quit { return quitEffects() }
            return []
        }
        if let overlay { return handleOverlay(overlay, key, now: now) }
        guard let binding = KeyBindings.binding(for: key, in: focused) else {
            if case .character(let c) = key { status = ("\(c): no such key here; ? lists the keys", true) }
            return []
        }
        status = nil
        if let reason = binding.disabledReason(in: self) {
            status = (reason, true)
            return []
        }
        if let confirm = binding.confirm, let subject = bindingSubjectID {
            overlay = .confirm(title: confirm.title, message: confirm.question(self), action: .confirmed(binding.action, subjectID: subject))
            return []
        }
        switch binding.action {
        case .quit: return quitEffects()
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
            atRiskSelection = TableState()
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
        case .logContact, .addNote, .addTag, .assignToMe, .snooze, .paymentMissed, .copyContact, .recompute, .enrol, .completeTask,
             .unsnooze, .unassign, .riskOverride:
            return customerAction(binding.action)
        case .followUps: return toggleFollowUps()
        }
        return []
    }

    /// Quitting: the choices to keep for the next run are saved, then the dashboard ends.
    mutating func quitEffects() -> [Effect] {
        quit = true
        return [.savePreferences(DashboardPreferences(theme: themeName, sort: sort.rawValue, riskFilter: riskFilterIndex,
                                                      renewalDays: request.renewalDays)), .quit]
    }

    /// Handles pasted text: typed into the open prompt as one line (line breaks and tabs become spaces,
    /// other control characters are dropped), or refused when no prompt is open, so that a paste never
    /// runs as a series of keys.
    mutating func handlePaste(_ pasted: String) -> [Effect] {
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
        case .atRisk, .renewals, .campaigns:
            let ids = rowIDs(focused)
            self[table: focused]?.move(by: delta, ids: ids)
        case .detail: detailScroll = max(0, detailScroll + delta)
        }
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
}
