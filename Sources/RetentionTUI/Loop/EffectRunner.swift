import Foundation
import RetentionCore

/// Carries out the effects `update` names: engine work on the background worker (its results come back
/// as messages through `drain`), the clipboard, the theme, the preferences file. It decides nothing:
/// every sentence and overlay the user sees is made by `update` or by `EngineAdapter` from the result.
final class EffectRunner {
    private let worker: BackgroundWorker
    private let terminal: CursesTerminal
    private let themes: ThemeSwitcher
    private let options: DashboardOptions
    /// Results of effects done on this side (the theme), handed back with the worker's.
    private var local: [EffectResult] = []
    /// Preferences as loaded: the mouse choice is kept as it was.
    private let loaded: DashboardPreferences

    init(worker: BackgroundWorker, terminal: CursesTerminal, themes: ThemeSwitcher, options: DashboardOptions, loaded: DashboardPreferences) {
        self.worker = worker
        self.terminal = terminal
        self.themes = themes
        self.options = options
        self.loaded = loaded
    }

    /// Whether the worker still has pane or action jobs.
    var workerBusy: Bool { worker.isBusy }

    /// Everything finished since the last call, as messages for `update`.
    func drain() -> [Message] {
        let results = local + worker.drain()
        local.removeAll()
        return results.map(Message.result)
    }

    func run(_ effects: [Effect], state: DashboardState) {
        for effect in effects { run(effect, state: state) }
    }

    private func run(_ effect: Effect, state: DashboardState) {
        let me = options.user
        switch effect {
        case .refresh(let force):
            worker.refresh(state.request, lastVersion: force ? nil : state.lastVersion, force: force)
        case .reloadPanes:
            worker.refresh(state.request, lastVersion: nil, force: false)
        case .readDetail(let id):
            worker.readDetail(id)
        case .campaign(let id, let target):
            worker.perform { engine, now in
                let c = try engine.setCampaignStatus(id: id, to: target, now: now)
                return .status("Campaign \"\(c.name)\" is now \(c.status.rawValue).")
            }
        case .planActivation(let id):
            worker.perform { engine, now in
                let plan = try engine.activationPlan(campaignId: id, now: now)
                return .confirm(title: plan.from == .paused ? "Resume campaign" : "Activate campaign", question: plan.sentence,
                                action: .activateCampaign, subjectID: id)
            }
        case .previewCampaign(let id, let name):
            worker.perform { engine, now in
                let p = try engine.segmentPreview(campaignId: id, limit: EngineAdapter.previewListed, now: now)
                return .preview(title: "\(name): " + EngineAdapter.segmentPreviewTitle(p), lines: EngineAdapter.segmentPreviewLines(p))
            }
        case .assignToMe(let id):
            worker.perform { engine, now in .status("\(try engine.assign(customerId: id, to: me, now: now).fullName) is assigned to \(me).") }
        case .snooze(let id, let days):
            worker.perform { engine, now in try EngineAdapter.snooze(engine, customerID: id, days: days, now: now) }
        case .snoozeToDate(let id, let date):
            worker.perform { engine, now in try EngineAdapter.snooze(engine, customerID: id, date: date, now: now) }
        case .startContact(let id, let policyID):
            worker.perform { engine, now in
                let c = try engine.customer(id: id)
                let number = try policyID.map { try engine.policy(id: $0).policyNumber }
                return .contactForm(ContactDraft(customerID: id, name: c.fullName, policyID: policyID, policyNumber: number,
                                                 cues: try engine.contactCues(customerId: id, now: now)))
            }
        case .logContact(let id, let contact):
            worker.perform { engine, now in
                _ = try engine.logContact(customerId: id, contact, now: now)
                // The contact moves the score (days since contact): scored again, so the detail's reasons, its
                // scores and the list row agree, as after a missed payment.
                _ = try engine.calculateHealthScore(customerId: id, now: now)
                return .status(EngineAdapter.contactLoggedSentence(contact, zone: try engine.customerZone(customerId: id), now: now))
            }
        case .checkEnrol(let id, let campaignID):
            worker.perform { engine, now in
                let c = try engine.customer(id: id), k = try engine.campaign(id: campaignID)
                let channel = k.sequence.first.flatMap { $0.channel } ?? c.preferredContactMethod
                let cues = try engine.contactCues(customerId: id, now: now).cues(for: channel, now: now)
                if !cues.isEmpty {
                    return .enrolCues(customerID: id, campaignID: campaignID,
                                      question: "\(c.fullName): \(cues.joined(separator: "; ")). Enrol in \"\(k.name)\" anyway? (Dispatch applies the same rules when each message is due.)")
                }
                let steps = try engine.enrolCustomer(campaignId: campaignID, customerId: id, now: now)
                return .status("Enrolled: \(steps) touchpoints scheduled in \"\(k.name)\".")
            }
        case .setOverride(let id, let o):
            worker.perform { engine, now in
                let set = try engine.setRiskOverride(customerId: id, o, now: now)
                return .status("\(try engine.customer(id: id).fullName): your level \(set.level.rawValue) until \(Formatting.date(set.until)) (the model's stays beside it).")
            }
        case .clearOverride(let id):
            worker.perform { engine, now in
                try engine.clearRiskOverride(customerId: id, now: now)
                return .status("\(try engine.customer(id: id).fullName): manual level cleared; the model's level applies.")
            }
        case .unsnooze(let id):
            worker.perform { engine, now in .status(EffectRunner.woken(try engine.snooze(customerId: id, until: nil, now: now))) }
        case .unassign(let id):
            worker.perform { engine, now in .status("\(try engine.assign(customerId: id, to: nil, now: now).fullName) is unassigned.") }
        case .paymentForm(let id, let policyID):
            worker.perform { engine, now in
                let c = try engine.customer(id: id)
                let inForce = try engine.policies(customerId: id).filter(\.status.isInForce)
                let policy = inForce.first { $0.id == policyID } ?? inForce.first
                let instalment = policy.map { String(format: "%.2f", Double($0.annualPremiumCents) / 100 / Double($0.premiumFrequency.paymentsPerYear)) }
                let text = [policy?.policyNumber, instalment, Timestamp.formatDate(now)].compactMap { $0 }.joined(separator: " ")
                let others = inForce.count > 1 ? "; in force: " + inForce.map(\.policyNumber).joined(separator: ", ") : ""
                return .paymentForm(customerID: id, title: "Missed payment of \(c.fullName): POLICY AMOUNT DUE-DATE\(others)", text: text)
            }
        case .recordPayment(let id, let policy, let amount, let due):
            worker.perform { engine, now in
                do {
                    _ = try engine.createEvent(EngineAdapter.paymentMissedEvent(customerID: id, policy: policy, amount: amount, dueDate: due), now: now)
                } catch let e as RetentionError {
                    // Refused (unknown policy, another customer's, a due date after today): the prompt comes back with the input.
                    return .paymentRefused(customerID: id, text: EngineAdapter.paymentText(policy: policy, amount: amount, dueDate: due), message: e.message)
                }
                return .status(EngineAdapter.paymentMissedSentence(latestHealth: try engine.healthHistory(customerId: id, limit: 1).first, recordedAt: now))
            }
        case .note(let id, let text):
            worker.perform { engine, now in
                _ = try engine.createEvent(EngineAdapter.noteEvent(customerID: id, text: text), now: now)
                return .status("Note added.")
            }
        case .tag(let id, let tag):
            worker.perform { engine, now in
                let c = try engine.customer(id: id)
                _ = try engine.updateCustomer(id: id, EngineAdapter.tagPatch(c, adding: tag), now: now)
                return .status("Tagged \(c.fullName) \"\(tag)\".")
            }
        case .recompute(let id):
            worker.perform { engine, now in .status(EngineAdapter.rescoredSentence(try engine.calculateHealthScore(customerId: id, now: now))) }
        case .enrol(let id, let campaignID):
            worker.perform { engine, now in
                let steps = try engine.enrolCustomer(campaignId: campaignID, customerId: id, now: now)
                return .status("Enrolled: \(steps) touchpoints scheduled in \"\(try engine.campaign(id: campaignID).name)\".")
            }
        case .completeTask(let id):
            worker.perform { engine, now in .status("Task done: \(try engine.setTaskStatus(id: id, to: .done, now: now).title).") }
        case .campaignDetail(let id, let name):
            worker.perform { engine, now in
                .campaignDetail(title: name, detail: try engine.campaignDetail(id: id, now: now))
            }
        case .formReads(let segment, let template, let channel, let name):
            worker.read { engine, now in
                let count = try engine.segmentCount(segment, now: now)
                var preview: [String] = []
                if let template, let m = try? engine.previewMessage(template: template, channel: channel, segment: segment, campaignName: name, now: now) {
                    preview = ["Preview for \(m.customer) (\(channel.rawValue), \(template)):"] + (m.subject.map { ["Subject: \($0)"] } ?? [])
                        + m.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                }
                return .formReads(count: count, preview: preview, segment: segment)
            }
        case .saveCampaign(let form):
            worker.read { engine, now in
                do {
                    let new = try form.campaign()
                    let c = try form.draftID.map { try engine.updateDraftCampaign(id: $0, new, now: now) } ?? engine.createCampaign(new, now: now)
                    return .formSaved("Campaign \"\(c.name)\" \(form.draftID == nil ? "created" : "saved") as a draft; a activates it (asks first).")
                } catch let p as CampaignForm.Problem {
                    return .formRefused(p)
                } catch let e as RetentionError {
                    return .formRefused(CampaignForm.problem(e))
                }
            }
        case .bookPictures:
            worker.readBookWide { engine, now in .pictures(try engine.bookPictures(now: now)) }
        case .churnModel:
            worker.perform { engine, _ in .preview(title: "Churn model", lines: try engine.churnModelInfo().summaryLines) }
        case .copy(let text):
            terminal.writeRaw(TerminalSequence.copyToClipboard(text))
        case .nextTheme:
            if let result = themes.next() { local.append(result) }
        case .savePreferences(var prefs):
            guard options.savesPreferences else { return }
            prefs.mouse = loaded.mouse
            prefs.save(options.environment)
        case .quit:
            break // `update` has set `state.quit`; the loop ends.
        }
    }
}

extension EffectRunner {
    /// What `Z` says of the customer it woke: back in the at-risk queue, or, for one the queue does not hold (low
    /// risk, nothing in force, no policy yet), no longer snoozed and why they are not in it.
    static func woken(_ c: Customer) -> String {
        let why: String? = switch CustomerStatus(activePolicies: c.activePolicies, totalPolicies: c.totalPolicies) {
        case .prospect: "no policy yet"
        case .former: "nothing in force"
        case .active: c.churnRisk == .low ? "low risk" : nil
        }
        return why.map { "\(c.fullName) is no longer snoozed (not in the queue: \($0))." } ?? "\(c.fullName) is back in the queue (unsnoozed)."
    }
}
