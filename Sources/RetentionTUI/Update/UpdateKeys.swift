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
        if campaignForm != nil { return handleFormKey(key, now: now) }
        if let overlay { return handleOverlay(overlay, key, now: now) }
        guard let binding = KeyBindings.binding(for: key, in: focused) else {
            if case .character(let c) = key { status = ("\(c): no such key here; ? lists the keys", true) }
            return []
        }
        expireStatus(now: now)
        if let reason = binding.disabledReason(in: self) {
            status = (reason, true)
            return []
        }
        if let confirm = binding.confirm, let subject = bindingSubjectID {
            overlay = .confirm(title: confirm.title, message: confirm.question(self), action: .confirmed(binding.action, subjectID: subject))
            return []
        }
        if [.sort, .riskFilter, .mine].contains(binding.action), refusedOverAnotherList(binding) { return [] }
        switch binding.action {
        case .quit: return quitEffects()
        case .help: overlay = .help
        case .churnModel: return [.churnModel]
        case .up: return move(-1)
        case .down: return move(1)
        case .pageUp: return move(-pageRows)
        case .pageDown: return move(pageRows)
        case .halfPageUp: return move(-max(1, pageRows / 2))
        case .halfPageDown: return move(max(1, pageRows / 2))
        case .top: return isPagedList(focused) ? jumpInList(toEnd: false) : move(-1_000_000)
        case .bottom: return isPagedList(focused) ? jumpInList(toEnd: true) : move(1_000_000)
        // Tab cycles the four panes of the main screen; from the manager view (a screen of its own, `5`) it
        // goes back to them: Tab to the first, Shift-Tab to the last.
        case .nextPane: focused = focused == .manager ? .atRisk : PaneID(rawValue: (focused.rawValue + 1) % 4)!
        case .previousPane: focused = focused == .manager ? .detail : PaneID(rawValue: (focused.rawValue + 3) % 4)!
        case .paneAtRisk: focused = .atRisk
        case .paneRenewals: focused = .renewals
        case .paneCampaigns: focused = .campaigns
        case .paneDetail: focused = .detail
        case .paneManager:
            focused = .manager
            guard !picturesLoading else { return [] }
            picturesLoading = true
            return [.bookPictures]
        case .open:
            if focused == .campaigns {
                guard let c = selectedCampaign?.campaign else { status = ("No campaign selected.", true); return [] }
                return [.campaignDetail(id: c.id, name: c.name)]
            }
            guard let id = actionCustomerID else { status = ("Nothing selected to open.", true); return [] }
            detailReturnPane = focused
            focused = .detail
            // Enter opens the record at its top, even the customer the detail already showed (and scrolled).
            detailScroll = 0
            return showDetail(id)
        case .back: return escape()
        case .filter:
            // The filter line is the at-risk queue's: over the win-back or follow-up list, `/` goes back to the queue
            // first (and says so), so that what is typed next goes into the prompt, never to the list as keys.
            if showsWinBack || showsFollowUps || request.winBack || request.followUps {
                showAtRiskView(followUps: false, winBack: false)
                openFilterPrompt()
                status = ("Back to the at-risk queue to filter it.", false)
                return [.reloadPanes]
            }
            openFilterPrompt()
        case .sort: return nextSort()
        case .reverse: return reverseOrder()
        case .zoom: return toggleZoom()
        case .riskFilter:
            riskFilterIndex = (riskFilterIndex + 1) % Self.riskFilters.count
            request.atRisk.levels = Self.riskFilters[riskFilterIndex].levels
            status = ("Risk filter: \(Self.riskFilters[riskFilterIndex].label).", false)
            return [.reloadPanes]
        case .winBack:
            // From the detail pane it switches the list the detail was opened from, and goes back to it.
            if focused == .detail { focused = .atRisk }
            // From the follow-up view, `b` goes to the win-back list (the pane shows one list at a time).
            showAtRiskView(followUps: false, winBack: request.followUps ? true : !request.winBack)
            status = (request.winBack ? "Win-back: former customers, the most recent leavers first (b for the at-risk queue)." : "At-risk queue.", false)
            return [.reloadPanes]
        case .mine:
            paging.keepCustomer = actionCustomerID
            mineOnly.toggle()
            request.atRisk.assignedTo = mineOnly ? user : nil
            status = (mineOnly ? "Showing customers assigned to \(user)." : "Showing everyone's customers.", false)
            return [.reloadPanes]
        case .renewalWindow:
            let w = Self.renewalWindows
            request.renewalDays = w[((w.firstIndex(of: request.renewalDays) ?? 0) + 1) % w.count]
            status = ("Renewals in the next \(request.renewalDays) days.", false)
            return [.reloadPanes]
        case .refresh:
            // In the manager view `r` reads the pictures again too.
            guard focused == .manager, !picturesLoading else { return [.refresh(force: true)] }
            picturesLoading = true
            return [.refresh(force: true), .bookPictures]
        case .pauseRefresh:
            timerPaused.toggle()
            status = (timerPaused ? "Timer paused: press P to resume, r to refresh once." : "Timer resumed.", false)
        case .nextTheme: return [.nextTheme]
        case .newCampaign, .editCampaign: openCampaignForm(editing: binding.action == .editCampaign, now: now)
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
        if campaignForm != nil { pasteIntoForm(pasted, now: Date(timeIntervalSince1970: lastKeyAt)); return [] }
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
        var editor = LineEditor(text: text, cursor: keys.promptCursor)
        editor.insert(line)
        keys.promptCursor = editor.cursor
        overlay = .prompt(title: title, text: editor.text, action: action)
        return action == .search ? filterTyped(editor.text) : []
    }

    /// The sort, the risk filter and "only mine" are the at-risk queue's: over the win-back or follow-up list they
    /// would change a list not on screen while the status line claimed otherwise, so they say where they apply
    /// and do nothing. True when refused.
    mutating func refusedOverAnotherList(_ binding: KeyBinding) -> Bool {
        guard showsWinBack || showsFollowUps || request.winBack || request.followUps else { return false }
        let (list, key) = request.winBack || showsWinBack ? ("win-back", "b") : ("follow-up", "F")
        status = ("\(binding.keys.first?.label ?? "This key") sorts or filters the at-risk queue, not the \(list) list; press \(key) to go back to it first.", true)
        return true
    }

    /// `/`: the filter prompt, holding the line in force. What the list is now (its filter, selected customer,
    /// scroll and the window its rows were read with) is kept for Esc (`FilterPromptOrigin`).
    mutating func openFilterPrompt() {
        // A selection Esc is still putting back (its rows not read yet) is the one to keep.
        let selection = paging.restoreSelection ?? atRiskSelection
        keys.filterPrompt = FilterPromptOrigin(filterText: filterText, selection: selection, window: request.lists.atRiskWindow,
                                               anchor: request.lists.atRiskAnchor,
                                               agentExample: selectedAtRisk.flatMap { $0.agentId.isEmpty ? nil : FilterLine.AgentExample(id: $0.agentId, customer: $0.name) })
        keys.promptCursor = nil
        overlay = .prompt(title: "Filter at-risk: name or e-mail, agent:ID, type:auto, tag:vip", text: filterText ?? "", action: .search)
    }

    /// The filter prompt's line changed (a key, a paste): the list follows it. A line with a token that cannot
    /// be applied yet (`agent:` with no id, `type:` with no known line) is not read: the list keeps the rows of the
    /// last line that could be applied, and the status line says what the token needs.
    mutating func filterTyped(_ text: String) -> [Effect] {
        guard let (parsed, line) = readFilterLine(text, hintIsError: false) else { return [] }
        let before = request.atRisk
        applyFilter(parsed, line: line)
        guard request.atRisk != before else { return [] }
        keys.filterPrompt?.readSince = true
        return [.reloadPanes]
    }

    /// Enter in the filter prompt: the line is put in force and the prompt closes. A line that cannot be applied
    /// leaves the prompt open as it was, and the hint is said again as an error (red): the prompt staying open
    /// and the colour say it was not applied, and the hint fits a 120-column status line (see `FilterLine.echoColumns`).
    mutating func acceptFilter(_ text: String) -> [Effect] {
        guard let (parsed, line) = readFilterLine(text, hintIsError: true) else { return [] }
        overlay = nil
        keys.promptCursor = nil
        let origin = keys.filterPrompt
        keys.filterPrompt = nil
        paging.restoreSelection = nil
        applyFilter(parsed, line: line)
        // The line typed back to the filter `/` opened with, after the list followed other lines: as Esc, the list
        // as it was, its selection and scroll too.
        if let origin, origin.readSince, parsed == FilterLine(origin.filterText ?? "") { return restoreList(origin) }
        return [.reloadPanes]
    }

    /// The prompt's text read as a filter line (less its outer spaces), or nil when a token cannot be applied
    /// yet: the status line then says what it needs, as an error (red) when `hintIsError`.
    mutating func readFilterLine(_ text: String, hintIsError: Bool) -> (FilterLine, String)? {
        let line = text.trimmingCharacters(in: .whitespaces)
        let parsed = FilterLine(line, agentExample: keys.filterPrompt?.agentExample)
        if let problem = parsed.problem {
            status = (problem, hintIsError)
            return nil
        }
        return (parsed, line)
    }

    /// Puts the filter line `line` in force (a line kept from before, which reads: see `FilterLine`).
    mutating func applyFilter(_ line: String) { applyFilter(FilterLine(line), line: line) }

    /// Puts a read filter line in force: its tokens in the at-risk query, the rest a name or e-mail search.
    mutating func applyFilter(_ parsed: FilterLine, line: String) {
        request.atRisk.agentId = parsed.agentId
        request.atRisk.policyType = parsed.policyType
        request.atRisk.tag = parsed.tag
        request.atRisk.search = parsed.search
        filterText = line.isEmpty ? nil : line
        status = (line.isEmpty ? "Filter cleared." : "Filter: \(DisplayText.clean(line))", false)
    }

    private mutating func move(_ delta: Int) -> [Effect] {
        switch focused {
        case .atRisk, .renewals, .campaigns:
            let ids = rowIDs(focused)
            self[table: focused]?.move(by: delta, ids: ids)
        case .detail: detailScroll = min(max(0, detailScroll + delta), detailScrollLimit())
        case .manager: managerScroll = max(0, managerScroll + delta)
        }
        return readMoreAtTheEnd()
    }

    /// The at-risk queue and the renewals are windows of their whole queues, read by key as the selection
    /// nears an edge (`readAtTheEdge`). The win-back view is read `SnapshotRequest.rowsPerRead` rows at a
    /// time: moving onto the last row of a view that filled its read reads that many more (up to
    /// `SnapshotRequest.maximumRows`).
    private mutating func readMoreAtTheEnd() -> [Effect] {
        let (index, count): (Int, Int)
        switch focused {
        case .atRisk where showsWinBack: (index, count) = (atRiskSelection.index, atRiskPaneIDs.count)
        case .atRisk, .renewals: return readAtTheEdge()
        case .campaigns, .detail, .manager: return []
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
