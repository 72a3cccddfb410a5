import Foundation
import RetentionCore

/// A contact being logged (`L`): read from the engine when the form opens (the customer's preferred channel,
/// time zone and compliance cues), filled step by step, recorded as one event when it is complete.
public struct ContactDraft: Sendable, Equatable {
    public var customerID: String
    public var name: String
    /// The policy the contact is about, when `L` was pressed on a renewal.
    public var policyID: String?
    public var policyNumber: String?
    public var channel: ContactChannel
    public var outcome: Engine.ContactOutcome?
    public var note: String?
    public var followUpAt: Int?
    public var cues: ContactCues

    public init(customerID: String, name: String, policyID: String? = nil, policyNumber: String? = nil, cues: ContactCues) {
        self.customerID = customerID
        self.name = name
        self.policyID = policyID
        self.policyNumber = policyNumber
        self.cues = cues
        channel = cues.preferred ?? .call
    }

    /// The channels offered, the customer's preferred one first.
    public var channels: [ContactChannel] {
        let preferred = cues.preferred ?? .call
        return [preferred] + ContactChannel.allCases.filter { $0 != preferred }
    }
}

extension ContactCues {
    /// The customer's cues whatever the channel, for the channel step: do-not-contact, the channels opted out
    /// of, outside the calling window (calls and SMS), the weekly cap.
    func summary(now: Int) -> [String] {
        var out: [String] = []
        if doNotContact { out.append("do not contact") }
        if !optedOut.isEmpty { out.append("\(optedOut.map(\.rawValue).joined(separator: ", ")) opted out") }
        if nextCallAt > now { out.append("call/SMS outside the calling window \(window.description) (\(zone))") }
        if recentTouches >= cap { out.append("weekly cap reached (\(recentTouches) touches in \(capDays) days)") }
        return out
    }
}

/// The steps of the contact form.
public enum ContactStep: Sendable, Equatable { case channel, outcome, note, followUp, confirmCues }

/// A missed payment being recorded (`$`): the policy, the amount and the due date, prefilled from the
/// customer's policies in force (the renewal's when pressed there).
public struct PaymentDraft: Sendable, Equatable {
    public var customerID: String
    public var name: String
    /// (policy id, policy number, instalment in dollars), the default first.
    public var policies: [Policy]
}

extension DashboardState {
    /// Opens the step `step` of the contact form.
    mutating func contactStep(_ d: ContactDraft, _ step: ContactStep, text: String = "") {
        let about = d.policyNumber.map { " about \($0)" } ?? ""
        switch step {
        case .channel:
            let options = d.channels.map { $0 == d.cues.preferred ? "\($0.rawValue) (preferred)" : $0.rawValue }
            let cues = d.cues.summary(now: Int(lastKeyAt))
            let said = cues.isEmpty ? "" : " — \(cues.joined(separator: "; "))"
            overlay = .choice(title: "Contact \(d.name)\(about): channel\(said)", options: options, selected: 0, action: .contact(d, .channel))
        case .outcome:
            overlay = .choice(title: "Contact \(d.name) by \(d.channel.rawValue): how did it go?", options: Engine.ContactOutcome.allCases.map(\.title),
                              selected: 0, action: .contact(d, .outcome))
        case .note:
            overlay = .prompt(title: "Note on the contact with \(d.name) (optional; Enter to skip)", text: text, action: .contact(d, .note))
        case .followUp:
            // Read in the customer's zone, named, with the time it is there now.
            let zone = TimeZone(identifier: d.cues.zone) ?? TimeZone(identifier: "UTC")!
            // The zone first: a title too long for the screen is cut at its end, with an ellipsis.
            let named = d.cues.zoneSource == .utc ? "UTC (no time zone on file)" : d.cues.zone
            let there = Formatting.dayAndTime(Int(lastKeyAt), in: zone, now: Int(lastKeyAt))
            overlay = .prompt(title: "Follow up, \(named) time (now \(there) there): tomorrow 10:00, today 16:00, 3 days, YYYY-MM-DD [HH:MM]; 09:00 if no time; Enter for none",
                              text: text, action: .contact(d, .followUp))
        case .confirmCues:
            let cues = d.cues.cues(for: d.channel, now: Int(lastKeyAt))
            overlay = .confirm(title: "Before you log it", message: "\(d.name) by \(d.channel.rawValue): \(cues.joined(separator: "; ")). Log the contact anyway?",
                               action: .contact(d, .confirmCues))
        }
    }

    /// The form's answer at `step`: the next step, or the contact to record.
    mutating func contactAnswer(_ draft: ContactDraft, _ step: ContactStep, choice: Int? = nil, text: String = "", now: Date) -> [Effect] {
        var d = draft
        let t = Int(now.timeIntervalSince1970)
        switch step {
        case .channel:
            if let choice, d.channels.indices.contains(choice) { d.channel = d.channels[choice] }
            // The cues that apply to the chosen channel are asked about now, before the outcome is typed.
            contactStep(d, d.cues.cues(for: d.channel, now: t).isEmpty ? .outcome : .confirmCues)
        case .outcome:
            if let choice, Engine.ContactOutcome.allCases.indices.contains(choice) { d.outcome = Engine.ContactOutcome.allCases[choice] }
            contactStep(d, .note)
        case .note:
            d.note = text.isEmpty ? nil : text
            contactStep(d, .followUp)
        case .followUp:
            if text.isEmpty {
                d.followUpAt = nil
            } else if let at = Self.followUpInstant(text, zone: TimeZone(identifier: d.cues.zone) ?? TimeZone(identifier: "UTC")!, now: t), at > t {
                d.followUpAt = at
            } else {
                status = ("A follow-up needs a future time like tomorrow 10:00, 3 days or 2026-12-31 14:30; got \"\(text)\".", true)
                contactStep(d, .followUp, text: text)
                return []
            }
            return [.logContact(customerID: d.customerID, EngineAdapter.contactLog(d))]
        case .confirmCues:
            contactStep(d, .outcome)
        }
        return []
    }

    /// A follow-up as typed, read in `zone` (the customer's): `tomorrow [HH:MM]`, `today HH:MM`, `N` or
    /// `N days` / `Nd` `[HH:MM]` (N days after today there), `YYYY-MM-DD [HH:MM]`; at 09:00 when no time is
    /// given. Nil for anything else.
    static func followUpInstant(_ text: String, zone: TimeZone, now: Int) -> Int? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var parts = text.lowercased().split(separator: " ").map(String.init)
        var hour = 9, minute = 0
        // A trailing HH:MM is the time of day.
        if let last = parts.last, last.contains(":") {
            let hm = last.split(separator: ":", omittingEmptySubsequences: false)
            guard hm.count == 2, hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0...23).contains(h), (0...59).contains(m) else { return nil }
            (hour, minute) = (h, m)
            parts.removeLast()
        }
        let today = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(now)))
        func daysAfterToday(_ n: Int) -> DateComponents? {
            guard let start = calendar.date(from: today), let target = calendar.date(byAdding: .day, value: n, to: start) else { return nil }
            return calendar.dateComponents([.year, .month, .day], from: target)
        }
        var day: DateComponents?
        switch parts.count {
        case 0 where text.contains(":"): day = today
        case 1 where parts[0] == "tomorrow": day = daysAfterToday(1)
        case 1 where parts[0] == "today" && text.contains(":"): day = today
        case 1 where Int(parts[0].hasSuffix("d") ? String(parts[0].dropLast()) : parts[0]).map { (1...366).contains($0) } == true:
            day = daysAfterToday(Int(parts[0].hasSuffix("d") ? String(parts[0].dropLast()) : parts[0])!)
        case 2 where ["day", "days"].contains(parts[1]) && Int(parts[0]).map { (1...366).contains($0) } == true:
            day = daysAfterToday(Int(parts[0])!)
        case 1 where Timestamp.parseDate(parts[0]) != nil:
            let c = Timestamp.civil(days: Timestamp.parseDate(parts[0])! / Timestamp.secondsPerDay)
            day = DateComponents(year: c.year, month: c.month, day: c.day)
        default: return nil
        }
        guard var at = day else { return nil }
        at.hour = hour
        at.minute = minute
        return calendar.date(from: at).map { Int($0.timeIntervalSince1970) }
    }

    /// `z`: the snooze presets, until the next renewal when there is one, a date of one's own, and showing
    /// the snoozed customers in the list.
    mutating func snoozeChoice(customerID id: String, name: String) {
        let renewal: Int? = switch focused {
        case .renewals: selectedRenewal?.renewalDate
        case .detail: snapshot?.detail?.customer.nextRenewalDate
        default: selectedAtRisk?.nextRenewalDate
        }
        var options = ["3 days", "7 days", "14 days", "30 days"]
        let today = Timestamp.startOfDay(Int(lastKeyAt))
        let untilRenewal = renewal.map { Timestamp.startOfDay($0) }.flatMap { $0 > today ? $0 : nil }
        if let r = untilRenewal { options.append("until the renewal (\(Formatting.date(r)))") }
        options += ["a date or number of days…", request.atRisk.includeSnoozed ? "hide snoozed customers in the list" : "show snoozed customers in the list"]
        overlay = .choice(title: "Snooze \(name)", options: options, selected: 1, action: .snoozePreset(customerID: id, renewal: untilRenewal))
    }

    /// The snooze preset chosen.
    mutating func snoozePreset(customerID id: String, renewal: Int?, choice: Int, options: [String]) -> [Effect] {
        let days = [3, 7, 14, 30]
        if choice < days.count { return [.snooze(customerID: id, days: days[choice])] }
        var rest = choice - days.count
        if let renewal {
            if rest == 0 { return [.snoozeToDate(customerID: id, date: renewal)] }
            rest -= 1
        }
        if rest == 0 {
            overlay = .prompt(title: "Snooze \(actionCustomerName ?? "this customer") until (YYYY-MM-DD, or days like 7; days on the customer's calendar)", text: "7",
                              action: .snooze(customerID: id))
            return []
        }
        request.atRisk.includeSnoozed.toggle()
        status = (request.atRisk.includeSnoozed ? "Showing snoozed customers too (z again to hide them)." : "Snoozed customers hidden.", false)
        return [.reloadPanes]
    }

    /// `F`: the at-risk pane shows my follow-ups due today and overdue, or the queue again.
    mutating func toggleFollowUps() -> [Effect] {
        paging.keepCustomer = actionCustomerID
        if focused == .detail { focused = .atRisk }
        showAtRiskView(followUps: !request.followUps, winBack: false)
        status = (request.followUps ? "Follow-ups due today and overdue for \(user) (Enter opens, d marks done, F for the queue)." : "At-risk queue.", false)
        return [.reloadPanes]
    }

    /// Whether the at-risk pane shows the follow-up view: as its rows on screen were read.
    public var showsFollowUps: Bool { snapshot?.request?.followUps ?? request.followUps }
    public var followUpRows: [AgentTask] { showsFollowUps ? snapshot?.followUps ?? [] : [] }
    public var selectedFollowUp: AgentTask? { followUpRows.first { $0.id == atRiskSelection.selectedID } }
}

extension DashboardState {
    /// The missed payment as typed: a policy number, an amount and a due date (YYYY-MM-DD), in any order,
    /// each optional; anything else is refused and the prompt stays open.
    mutating func paymentEntered(customerID id: String, text: String) -> [Effect] {
        var policy: String?, amount: Double?, due: Int?
        for token in text.split(separator: " ").map(String.init) {
            if let d = Timestamp.parseDate(token) { due = d }
            else if let a = Double(token.hasPrefix("$") ? String(token.dropFirst()) : token), a >= 0, a < 1e9 { amount = a }
            else if policy == nil { policy = token }
            else {
                status = ("A missed payment is \"POLICY AMOUNT DUE-DATE\", like POL-1 82.78 2026-12-01; \"\(token)\" is none of them.", true)
                overlay = .prompt(title: "Missed payment", text: text, action: .payment(customerID: id))
                return []
            }
        }
        return [.recordPayment(customerID: id, policy: policy, amount: amount, dueDate: due)]
    }
}

/// A manual risk level being set (`o`): level, then reason, then until when.
public struct OverrideDraft: Sendable, Equatable {
    public var customerID: String
    public var name: String
    public var level: ChurnRisk = .medium
    public var reason = ""
}

/// The steps of the override dialog.
public enum OverrideStep: Sendable, Equatable { case level, reason, until }

extension DashboardState {
    /// `o`: the level (or clearing the one set), then the reason, then the date it lapses.
    mutating func overrideStep(_ d: OverrideDraft, _ step: OverrideStep, text: String = "") {
        switch step {
        case .level:
            overlay = .choice(title: "Risk level for \(d.name) (yours, beside the model's)", options: ChurnRisk.allCases.map(\.rawValue) + ["clear my level"],
                              selected: 0, action: .override(d, .level))
        case .reason:
            overlay = .prompt(title: "Why \(d.level.rawValue) for \(d.name)? (required)", text: text, action: .override(d, .reason))
        case .until:
            overlay = .prompt(title: "\(d.level.rawValue) until (YYYY-MM-DD, or days like 14; it lapses then)", text: text.isEmpty ? "14" : text,
                              action: .override(d, .until))
        }
    }

    mutating func overrideAnswer(_ draft: OverrideDraft, _ step: OverrideStep, choice: Int? = nil, text: String = "", now: Date) -> [Effect] {
        var d = draft
        let today = Timestamp.startOfDay(Int(now.timeIntervalSince1970))
        switch step {
        case .level:
            guard let choice else { return [] }
            if choice >= ChurnRisk.allCases.count { return [.clearOverride(customerID: d.customerID)] }
            d.level = ChurnRisk.allCases[choice]
            overrideStep(d, .reason)
        case .reason:
            guard !text.isEmpty else {
                status = ("A manual level needs a reason.", true)
                overrideStep(d, .reason)
                return []
            }
            d.reason = text
            overrideStep(d, .until)
        case .until:
            var until: Int?
            if let days = Int(text), (1...366).contains(days) { until = today + days * Timestamp.secondsPerDay }
            else if let date = Timestamp.parseDate(text), date > today, date <= today + 366 * Timestamp.secondsPerDay { until = date }
            guard let until else {
                status = ("Until needs a future date within a year like 2026-12-31, or a number of days; got \"\(text)\".", true)
                overrideStep(d, .until, text: text)
                return []
            }
            return [.setOverride(customerID: d.customerID, RiskOverride(level: d.level, reason: d.reason, until: until))]
        }
        return []
    }
}
