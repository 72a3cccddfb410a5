import RetentionCore

/// Why a key cannot act now: the reasons the key table's bindings give (`KeyBinding.disabledReason`),
/// shown on the status line when the key is pressed, dimmed in the footer, and in help.
extension DashboardState {
    /// A campaign key on the selected campaign: none selected, or its status does not allow `target`.
    func campaignUnavailable(to target: CampaignStatus?) -> String? {
        guard let c = selectedCampaign?.campaign else { return "No campaign selected. Create one with `retention api POST /campaigns`." }
        guard let target, !c.status.allowedTransitions.contains(target) else { return nil }
        switch target {
        case .active: return "\"\(c.name)\" is \(c.status.rawValue) and cannot be activated."
        case .paused: return "\"\(c.name)\" is \(c.status.rawValue); only an active campaign can be paused."
        default: return "\"\(c.name)\" is \(c.status.rawValue) and cannot be \(target.rawValue)."
        }
    }

    /// A customer key: the list is being read for a new filter, nobody is selected, or the detail is not read yet.
    func customerUnavailable() -> String? {
        guard rowsAreCurrent(focused) else { return "The list is being read; a moment." }
        guard let id = actionCustomerID else { return "Select a customer first." }
        if focused == .detail && snapshot?.detail?.customer.id != id { return "The customer is still being read; a moment." }
        return nil
    }

    /// The customer this dashboard just snoozed, when the detail still shows them, they have left the at-risk
    /// list and its selected customer is not snoozed: `Z` in the list wakes them. (A customer snoozed from the list
    /// leaves it and the selection moves on, but the detail keeps them: `Z` right after `z` undoes it, from the list
    /// as from the detail.) Anyone else, such as a customer another program snoozed, is woken from the detail only.
    var snoozedCustomerInDetail: (id: String, name: String)? {
        guard focused == .atRisk, actionCustomerSnoozed == false, let d = snapshot?.detail, d.customer.id == detailCustomerID,
              d.customer.id == paging.lastSnoozed, !atRiskPaneIDs.contains(d.customer.id),
              (d.customer.snoozedUntil ?? 0) > Int(lastKeyAt) else { return nil }
        return (d.customer.id, d.customer.fullName)
    }

    /// Campaigns a customer can be enrolled in.
    var runningCampaigns: [CampaignRow] {
        (snapshot?.campaigns ?? []).filter { $0.campaign.status == .active || $0.campaign.status == .paused }
    }

    /// The open tasks of customer `id`, when the detail shows that customer.
    func openTasks(of id: String) -> [AgentTask] {
        if focused == .atRisk && showsFollowUps { return followUpRows.filter { $0.customerId == id } }
        return snapshot?.detail?.customer.id == id ? snapshot?.detail?.tasks ?? [] : []
    }

    /// Whether the customer an action applies to is snoozed / assigned, when the rows on screen say (nil: unknown).
    var actionCustomerSnoozed: Bool? {
        let now = Int(lastKeyAt)
        switch focused {
        case .atRisk where !showsFollowUps && !showsWinBack: return selectedAtRisk.map { ($0.snoozedUntil ?? 0) > now }
        case .detail: return snapshot?.detail.map { ($0.customer.snoozedUntil ?? 0) > now }
        default: return nil
        }
    }
    var actionCustomerAssigned: Bool? {
        switch focused {
        case .atRisk where !showsFollowUps && !showsWinBack: return selectedAtRisk.map { $0.assignedTo != nil }
        case .atRisk where showsWinBack: return selectedWinBack.map { $0.assignedTo != nil }
        case .detail: return snapshot?.detail.map { $0.customer.assignedTo != nil }
        default: return nil
        }
    }

    /// What `y` copies in turn in the focused pane: (what, value).
    var copyChoices: [(String, String)] {
        switch focused {
        case .renewals: return selectedRenewal.map { [("policy number", $0.policyNumber)] } ?? []
        case .atRisk: return selectedAtRisk.map { e in [("e-mail", e.email)] + (e.phone.map { [("phone", $0)] } ?? []) } ?? []
        case .detail:
            guard let d = snapshot?.detail else { return [] }
            return [("e-mail", d.customer.email)] + (d.customer.phone.map { [("phone", $0)] } ?? [])
                + (d.policies.first.map { [("policy number", $0.policyNumber)] } ?? [])
        case .campaigns, .manager: return []
        }
    }
}
