extension DashboardState {
    /// A write that failed (or was refused) brings no refresh: when the detail was set to the customer it acted on
    /// (`showCustomerActedOn`) and has not been read yet, it is read now, so it never stays "Loading…".
    func detailStillToRead() -> [Effect] {
        guard let id = detailCustomerID, snapshot?.detail?.customer.id != id else { return [] }
        return [.readDetail(customerID: id)]
    }

    /// What an effect came back with.
    mutating func handleResult(_ result: EffectResult) -> [Effect] {
        switch result {
        case .snapshot(let snapshot, let version):
            // The manager view's pictures are read again when the book changed (and at first).
            let changed = version != lastVersion
            lastVersion = version
            if snapshot.request?.lists.fromTimer == true {
                // The timer's refresh is held until the user stops moving (`releaseHeldSnapshot`), so rows do not jump.
                pending = snapshot
            } else {
                // What the user asked for (Enter, a filter key, a sort, an action's result) shows at once.
                pending = nil
                applySnapshot(snapshot)
            }
            if focused == .manager && (changed || pictures == nil) && !picturesLoading {
                picturesLoading = true
                return [.bookPictures]
            }
        case .detail(let detail):
            applyDetail(detail)
        case .figures(let header, let campaigns):
            // The header comes first with no campaign rows, then again with the campaigns' numbers.
            if pending != nil {
                pending?.header = header
                if !campaigns.isEmpty { pending?.campaigns = campaigns }
            } else {
                applyFigures(header, campaigns)
            }
        case .formReads, .formSaved, .formRefused:
            return handleFormResult(result)
        case .pictures(let p):
            pictures = p
            picturesLoading = false
        case .unchanged: break
        case .done(.status(let sentence)):
            status = (sentence, false)
            paging.contactJustLogged = sentence.hasPrefix("Contact logged:")
            return [.refresh(force: true)]
        case .done(.confirm(let title, let question, let action, let subjectID)):
            overlay = .confirm(title: title, message: question, action: .confirmed(action, subjectID: subjectID))
        case .done(.enrolCues(let id, let campaign, let question)):
            overlay = .confirm(title: "Before you enrol", message: question, action: .enrolDespiteCues(customerID: id, campaignID: campaign))
        case .done(.contactForm(let draft)):
            contactStep(draft, .channel)
        case .done(.paymentForm(let id, let title, let text)):
            overlay = .prompt(title: title, text: text, action: .payment(customerID: id))
        case .done(.paymentRefused(let id, let text, let message)):
            status = (message, true)
            overlay = .prompt(title: "Missed payment", text: text, action: .payment(customerID: id))
            return detailStillToRead()
        case .done(.preview(let title, let lines)):
            overlay = .preview(title: title, lines: lines)
            return [.refresh(force: true)]
        case .done(.campaignDetail(let title, let detail)):
            overlay = .campaignDetail(title: title, detail: detail)
            return [.refresh(force: true)]
        case .failed(let message):
            status = (message, true)
            // A list re-asked for whose read failed: a later refresh nobody asked for must not move the detail.
            // While keys wait for that list they keep waiting (the failure may be another action's, and the rows
            // still come); if the rows never come they are dropped after `typeAheadSeconds`, and the status says so.
            if keys.typedAhead.isEmpty { paging.reasked.removeAll() }
            loading = false
            picturesLoading = false
            return detailStillToRead()
        case .themeApplied(let name, let count, let warning):
            themeName = name
            status = warning.map { ("Theme \(name): \($0)", true) }
                ?? (count == 1 ? ("Theme: \(name), the only one found (no themes/ folder beside the program or in the config folder).", true)
                               : ("Theme: \(name).", false))
        }
        return []
    }
}
