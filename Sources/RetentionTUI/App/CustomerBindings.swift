extension KeyBindings {
    /// The keys that act on a customer: the one selected in the at-risk or renewals list, or the one
    /// the detail shows. Each says why it cannot act now (`customerUnavailable` and its own reasons).
    static let customer: [KeyBinding] = [
        KeyBinding([.character("L")], .logContact, "log a contact and a follow-up", panes: [.atRisk, .renewals, .detail], footer: true,
                   disabledReason: { $0.customerUnavailable() }),
        KeyBinding([.character("n")], .addNote, "add a note", panes: [.atRisk, .renewals, .detail], disabledReason: { $0.customerUnavailable() }),
        KeyBinding([.character("T")], .addTag, "add a tag", panes: [.atRisk, .renewals, .detail], disabledReason: { $0.customerUnavailable() }),
        KeyBinding([.character("A")], .assignToMe, "assign to me", panes: [.atRisk, .renewals, .detail], footer: true,
                   disabledReason: { $0.customerUnavailable() }),
        KeyBinding([.character("z")], .snooze, "snooze (presets) or show snoozed", panes: [.atRisk, .detail], footer: true,
                   disabledReason: { $0.customerUnavailable() }),
        // A missed payment is a retention event that lowers the health score: asked first, never one stray key.
        KeyBinding([.character("$")], .paymentMissed, "record a missed payment", panes: [.atRisk, .renewals, .detail],
                   confirm: ConfirmSpec(title: "Record a missed payment") { s in
                       "Record a missed payment for \(s.actionCustomerName ?? "this customer")? It lowers their health score."
                   },
                   disabledReason: { $0.customerUnavailable() }),
        KeyBinding([.character("R")], .recompute, "recompute the score", panes: [.atRisk, .renewals, .detail],
                   disabledReason: { $0.customerUnavailable() }),
        KeyBinding([.character("e")], .enrol, "enrol in a campaign", panes: [.atRisk, .renewals, .detail],
                   disabledReason: { $0.customerUnavailable() ?? ($0.runningCampaigns.isEmpty ? "No active or paused campaign to enrol into; activate one in pane 3." : nil) }),
        KeyBinding([.character("Z")], .unsnooze, "unsnooze", panes: [.atRisk, .renewals, .detail],
                   disabledReason: { s in
                       s.customerUnavailable() ?? (s.actionCustomerSnoozed == false && s.snoozedCustomerInDetail == nil
                           ? "\(s.actionCustomerName ?? "This customer") is not snoozed." : nil)
                   }),
        KeyBinding([.character("U")], .unassign, "unassign", panes: [.atRisk, .renewals, .detail],
                   disabledReason: { s in
                       s.customerUnavailable() ?? (s.actionCustomerAssigned == false ? "\(s.actionCustomerName ?? "This customer") is not assigned." : nil)
                   }),
        KeyBinding([.character("o")], .riskOverride, "my risk level, or clear it", panes: [.atRisk, .renewals, .detail],
                   disabledReason: { $0.customerUnavailable() }),
        KeyBinding([.character("F")], .followUps, "my follow-ups due / the queue", panes: [.atRisk, .detail], footer: true),
        KeyBinding([.character("d")], .completeTask, "mark a task done", panes: [.detail, .atRisk], footer: true,
                   disabledReason: { s in
                       s.customerUnavailable() ?? (s.openTasks(of: s.actionCustomerID ?? "").isEmpty ? "\(s.actionCustomerName ?? "This customer") has no open task." : nil)
                   }),
        KeyBinding([.character("y")], .copyContact, "copy e-mail, phone or policy number", panes: [.atRisk, .renewals, .detail],
                   disabledReason: { $0.customerUnavailable() ?? ($0.copyChoices.isEmpty ? "Nothing to copy here." : nil) }),
    ]
}
