import RetentionCore

extension DashboardState {
    /// A campaign key on the selected campaign (the binding's disabled reason has been checked).
    mutating func campaignAction(_ action: Action) -> [Effect] {
        guard let c = selectedCampaign?.campaign else { return [] }
        switch action {
        // Activation asks first, with what it would enrol and schedule (read from the engine): see `ActivationPlan`.
        case .activateCampaign: return [.planActivation(id: c.id)]
        case .pauseCampaign: return [.campaign(id: c.id, to: .paused)]
        case .previewCampaign: return [.previewCampaign(id: c.id, name: c.name)]
        default: return []
        }
    }

    /// The campaign or customer a key of the focused pane acts on.
    var bindingSubjectID: String? { focused == .campaigns ? selectedCampaign?.campaign.id : actionCustomerID }

    /// What a binding that asks first does once the user says yes.
    func confirmedEffects(_ action: Action, subjectID id: String) -> [Effect] {
        switch action {
        case .activateCampaign: [.campaign(id: id, to: .active)]
        case .cancelCampaign: [.campaign(id: id, to: .cancelled)]
        case .pauseCampaign: [.campaign(id: id, to: .paused)]
        case .paymentMissed: [.paymentForm(customerID: id, policyID: focused == .renewals ? selectedRenewal?.policyId : nil)]
        default: []
        }
    }

    /// A customer key on the customer of the focused pane (the binding's disabled reason has been checked).
    mutating func customerAction(_ action: Action) -> [Effect] {
        guard let id = actionCustomerID else { return [] }
        // Every prompt and confirmation names the customer it acts on.
        let name = actionCustomerName ?? "this customer"
        switch action {
        case .logContact:
            // The form needs the customer's preferred channel, time zone and cues: read first, then opened.
            return [.startContact(customerID: id, policyID: focused == .renewals ? selectedRenewal?.policyId : nil)]
        case .unsnooze:
            if let woken = snoozedCustomerInDetail { return [.unsnooze(customerID: woken.id)] }
            return [.unsnooze(customerID: id)]
        case .riskOverride: overrideStep(OverrideDraft(customerID: id, name: name), .level)
        case .unassign: return [.unassign(customerID: id)]
        case .addNote: overlay = .prompt(title: "Note on \(name)", text: "", action: .note(customerID: id))
        case .addTag: overlay = .prompt(title: "Tag \(name) (one word or phrase, no ;)", text: "", action: .tag(customerID: id))
        case .assignToMe: return [.assignToMe(customerID: id)]
        case .snooze: snoozeChoice(customerID: id, name: name)
        case .recompute: return [.recompute(customerID: id)]
        case .enrol:
            let running = runningCampaigns
            overlay = .choice(title: "Enrol \(name) in campaign", options: running.map(\.campaign.name), selected: 0,
                              action: .enrol(customerID: id, campaignIDs: running.map(\.campaign.id)))
        case .completeTask:
            let tasks = openTasks(of: id)
            overlay = .choice(title: "Mark a task of \(name) done", options: tasks.map { "\(Formatting.customerTime($0.dueAt, in: $0.customerZone, now: Int(lastKeyAt)))  \($0.title)" }, selected: 0,
                              action: .completeTask(customerID: id, taskIDs: tasks.map(\.id)))
        case .copyContact:
            // y copies the e-mail, then the phone, then the policy number, in turn.
            let choices = copyChoices
            guard !choices.isEmpty else { return [] }
            let (what, value) = choices[copyIndex % choices.count]
            copyIndex += 1
            status = (copiedSentence(what: what, value: value, more: choices.count > 1), false)
            return [.copy(value)]
        default: break
        }
        return []
    }
}
