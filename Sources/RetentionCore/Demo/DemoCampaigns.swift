import Foundation

/// A campaign of the demo book: the row the engine would hold, when its enrolment runs happened, and how it
/// works on the customers it reaches.
///
/// The book holds one campaign in each state, of six types, dated relative to the book's `now`:
///
/// | campaign | type | state | who | steps |
/// |---|---|---|---|---|
/// | Renewal reminders, <month> | renewal_reminder | completed (ran 110 days ago, one run) | next renewal within 30 days | e-mail, an A/B test of the reminder against the agent's check-in (`engagement`, clicked and answered 2.2 times as often); text at 7 days unless engaged; call at 14 days unless renewed |
/// | Win back former customers, <month> | winback | completed (ran 200 days ago) | former auto or home customers | e-mail; text at 7 days unless engaged |
/// | New customer welcome | engagement | active (weekly runs since 9 weeks ago) | tenure of a month or less | e-mail; text at 7 days unless engaged; call at 21 days unless responded |
/// | Thank-you cards for long-standing homeowners | loyalty | paused (ran 34 days ago, paused 10 days ago) | tenure 84 months or more, home in force | e-mail; card by mail at 14 days; call at 28 days unless answered |
/// | Umbrella cover for homeowners | upsell | scheduled (starts in 10 days) | home in force, health 60 or more | — |
/// | Bundle home and auto | cross_sell | draft | auto in force, low or medium risk | — |
///
/// Who a run enrols is decided the way `Engine.enrol` decides it, from the customer's state at the run
/// (segment, control group by the same hash of customer and campaign row ids); the touchpoints then go
/// through the dispatcher's rules (step conditions, do-not-contact, opt-outs) and a realistic engagement
/// ladder (see `DemoTouchpoints`).
///
/// The effect on treated customers (never on the control group) is part of their history, so the campaign's
/// performance shows a real difference between the groups: a renewal campaign lowers the log-odds of
/// leaving at the renewals inside its window (`base`, and `engaged` more once the customer opened, clicked,
/// answered or took the call before the renewal); a win-back campaign brings a former customer back with the
/// chances of `DemoCampaign.Effect.winback`.
struct DemoCampaign: Sendable {
    enum Effect: Sendable {
        /// Change of the log-odds of leaving at a renewal within `days` after enrolment.
        case renewals(days: Int, base: Double, engaged: Double)
        /// Chance that a treated former customer takes a new policy: on being reached, on opening, on clicking or answering.
        case winback(reached: Double, opened: Double, responded: Double)
    }

    var rowID: Int64 = 0
    var uuid: String
    var name: String
    var description: String
    var type: CampaignType
    var status: CampaignStatus
    var segment: TargetSegment
    var schedule: CampaignSchedule
    var sequence: [SequenceStep]
    var goals: CampaignGoals
    var controlFraction: Double
    var createdAt: Int
    /// Enrolment runs that happened by `now`, in order (none for drafts and scheduled campaigns).
    var runs: [Int]
    /// When the campaign was completed or paused: touchpoints due after it are cancelled (completed) or held (paused).
    var stoppedAt: Int?
    var pausedAt: Int?
    var nextRunAt: Int?
    var effect: Effect?
    /// How much more often variant B of an A/B step is clicked and answered than variant A (1: no difference).
    var variantLift = 1.0

    /// The campaign's status changes after its creation, as (instant, from, to), for the row's version and the audit trail.
    var statusChanges: [(at: Int, from: CampaignStatus, to: CampaignStatus)] {
        switch status {
        case .draft: []
        case .scheduled: [(createdAt + 86_400, .draft, .scheduled)]
        case .active: [(runs.first ?? createdAt, .draft, .active)]
        case .paused: [(runs.first ?? createdAt, .draft, .active), (pausedAt ?? createdAt, .active, .paused)]
        case .completed, .cancelled: [(runs.first ?? createdAt, .draft, .active), (stoppedAt ?? createdAt, .active, status)]
        }
    }

    /// `(customer row × 2654435761 + campaign row × 97) mod 10000 < control fraction × 10000`: the control group
    /// `Engine.enrol` draws, so the same customer lands in the same group.
    func isControl(customerRow: Int64) -> Bool {
        ControlGroupDraw.isControl(customerRow: customerRow, campaignRow: rowID, controlFraction: controlFraction)
    }

    /// Whether a customer could match the segment at a run from who they are (tenure, agent): checked first, as
    /// most customers fail it.
    func matches(since: Int, agentID: String, at run: Int) -> Bool {
        if let m = segment.tenureMonthsMin, since > Timestamp.addingMonths(-m, to: run) { return false }
        if let m = segment.tenureMonthsMax, since <= Timestamp.addingMonths(-m - 1, to: run) { return false }
        if let a = segment.agentId, a != agentID { return false }
        return true
    }

    /// Whether a customer who passes `matches(since:agentID:at:)` matches the segment at a run, from their
    /// policies then (the conditions of `Engine.segmentCondition` that a demo campaign uses).
    func matches(_ state: DemoCustomerState, at run: Int) -> Bool {
        let s = segment
        if s.formerCustomers ? !(state.inForce.isEmpty && state.everHeld > 0) : state.inForce.isEmpty { return false }
        if !s.policyTypes.isEmpty {
            let wanted = s.policyTypes.reduce(0) { $0 | DemoCustomerState.bit($1) }
            let held = s.formerCustomers ? state.typesEverHeld : state.inForce.reduce(0) { $0 | DemoCustomerState.bit($1.type) }
            if held & wanted == 0 { return false }
        }
        if let days = s.renewalWithinDays {
            guard let next = state.inForce.map(\.renewal).min() else { return false }
            let from = Timestamp.startOfDay(run)
            if next < from || next >= from + (days + 1) * Timestamp.secondsPerDay { return false }
        }
        return true
    }

    /// The policy an enrolment is about: the in-force policy (of the segment's lines) that renews first.
    func enrolmentPolicy(_ state: DemoCustomerState) -> Int? {
        state.inForce.filter { segment.policyTypes.isEmpty || segment.policyTypes.contains($0.type) }
            .min { ($0.renewal, $0.index) < ($1.renewal, $1.index) }?.index
    }

    /// The campaigns of a book whose `now` is given, for a book of `customers` (goals scale with it).
    static func plans(now: Int, customers: Int, ids: inout SeededGenerator) -> [DemoCampaign] {
        let chicago = TimeZone(identifier: "America/Chicago")!
        let t0 = Timestamp.startOfDay(now)
        let day = Timestamp.secondsPerDay
        /// 10:00 in Chicago on the UTC day `daysAgo` days before today (negative: ahead).
        func tenAM(_ daysAgo: Int) -> Int {
            let from = Date(timeIntervalSince1970: Double(t0 - daysAgo * day))
            return Int((try! CronSchedule("0 10 * * *")).nextRun(after: from, in: chicago)!.timeIntervalSince1970)
        }
        func monthName(_ t: Int) -> String {
            let (y, m, _) = Timestamp.civil(days: t / day)
            return ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"][m - 1] + " \(y)"
        }
        func step(_ channel: ContactChannel, _ template: CampaignType, days: Int, skipIf: SequenceStep.SkipCondition? = nil) -> SequenceStep {
            SequenceStep(channel: channel, template: template.rawValue, delayMinutes: days * 24 * 60, skipIf: skipIf)
        }
        func segment(_ build: (inout TargetSegment) -> Void) -> TargetSegment { var s = TargetSegment(); build(&s); return s }
        func goals(share: Double, retained: Double, revenuePerCustomer: Double) -> CampaignGoals {
            let target = max(10, Int((Double(customers) * share / 10).rounded()) * 10)
            return CampaignGoals(targetCustomers: target, expectedRetention: Int((Double(target) * retained).rounded()),
                                 expectedRevenueCents: Int((Double(target) * retained * revenuePerCustomer).rounded()) * 100)
        }
        func id() -> String { TimeOrderedID.format(milliseconds: UInt64(max(0, now)) * 1000, randA: UInt16(truncatingIfNeeded: ids.next()), randB: ids.next()) }

        var plans: [DemoCampaign] = []
        let reminderRun = tenAM(110)
        plans.append(DemoCampaign(
            uuid: id(), name: "Renewal reminders, \(monthName(reminderRun))",
            description: "Customers whose next renewal is within 30 days: an e-mail (an A/B test: the renewal reminder against a personal check-in from the agent), a text a week later if they have not engaged, and a call from their agent at two weeks if the policy has not renewed yet.",
            type: .renewal_reminder, status: .completed, segment: segment { $0.renewalWithinDays = 30 },
            schedule: CampaignSchedule(startDate: .instant(reminderRun), endDate: .instant(reminderRun + 60 * day), timezone: chicago.identifier, cron: nil),
            sequence: [SequenceStep(channel: .email, template: "renewal_reminder", variants: ["renewal_reminder", "engagement"]),
                       step(.sms, .renewal_reminder, days: 7, skipIf: .engaged), step(.call, .renewal_reminder, days: 14, skipIf: .renewed)],
            goals: goals(share: 0.12, retained: 0.9, revenuePerCustomer: 700), controlFraction: 0.25, createdAt: reminderRun - 6 * day,
            runs: [reminderRun], stoppedAt: reminderRun + 60 * day + 240, effect: .renewals(days: 31, base: -0.6, engaged: -1.0), variantLift: 2.2))

        let winbackRun = tenAM(200)
        plans.append(DemoCampaign(
            uuid: id(), name: "Win back former customers, \(monthName(winbackRun))",
            description: "Former auto and home customers: an e-mail offering a fresh quote, and a text a week later if they have not engaged.",
            type: .winback, status: .completed, segment: segment { $0.formerCustomers = true; $0.policyTypes = [.auto, .home] },
            schedule: CampaignSchedule(startDate: .instant(winbackRun), endDate: .instant(winbackRun + 75 * day), timezone: chicago.identifier, cron: nil),
            sequence: [step(.email, .winback, days: 0), step(.sms, .winback, days: 7, skipIf: .engaged)],
            goals: goals(share: 0.15, retained: 0.05, revenuePerCustomer: 1200), controlFraction: 0.25, createdAt: winbackRun - 9 * day,
            runs: [winbackRun], stoppedAt: winbackRun + 75 * day + 180, effect: .winback(reached: 0.015, opened: 0.06, responded: 0.4)))

        // Weekly on Mondays at 10:00 in Chicago, from its start: the first run when it was activated, then each Monday.
        let welcomeStart = tenAM(63)
        let weekly = try! CronSchedule("0 10 * * 1")
        var welcomeRuns = [welcomeStart]
        while let next = weekly.nextRun(after: Date(timeIntervalSince1970: Double(welcomeRuns.last!)), in: chicago).map({ Int($0.timeIntervalSince1970) }),
              next <= now { welcomeRuns.append(next) }
        let welcomeNext = weekly.nextRun(after: Date(timeIntervalSince1970: Double(welcomeRuns.last!)), in: chicago).map { Int($0.timeIntervalSince1970) }
        plans.append(DemoCampaign(
            uuid: id(), name: "New customer welcome",
            description: "Every Monday, customers who joined in the last month or two: a welcome e-mail, a text a week later if they have not engaged, and a call from their agent at three weeks unless they answered.",
            type: .engagement, status: .active, segment: segment { $0.tenureMonthsMax = 1 },
            schedule: CampaignSchedule(startDate: .instant(welcomeStart), endDate: .instant(welcomeStart + 180 * day), timezone: chicago.identifier, cron: "0 10 * * 1"),
            sequence: [step(.email, .engagement, days: 0), step(.sms, .engagement, days: 7, skipIf: .engaged),
                       step(.call, .engagement, days: 21, skipIf: .responded)],
            goals: goals(share: 0.06, retained: 0.92, revenuePerCustomer: 400), controlFraction: 0.1, createdAt: welcomeStart - 4 * day,
            runs: welcomeRuns, stoppedAt: nil, nextRunAt: welcomeNext, effect: .renewals(days: 180, base: -0.15, engaged: -0.4)))

        let loyaltyRun = tenAM(34)
        plans.append(DemoCampaign(
            uuid: id(), name: "Thank-you cards for long-standing homeowners",
            description: "Homeowners with us seven years or more: a thank-you e-mail, a card from their agent by post two weeks later, and a call at four weeks unless they answered. Paused while the last cards are reprinted.",
            type: .loyalty, status: .paused, segment: segment { $0.tenureMonthsMin = 84; $0.policyTypes = [.home] },
            schedule: CampaignSchedule(startDate: .instant(loyaltyRun), endDate: .instant(loyaltyRun + 60 * day), timezone: chicago.identifier, cron: nil),
            sequence: [step(.email, .loyalty, days: 0), step(.mail, .loyalty, days: 14), step(.call, .loyalty, days: 28, skipIf: .responded)],
            goals: goals(share: 0.05, retained: 0.97, revenuePerCustomer: 1500), controlFraction: 0.15, createdAt: loyaltyRun - 3 * day,
            runs: [loyaltyRun], stoppedAt: loyaltyRun + 24 * day, pausedAt: loyaltyRun + 24 * day,
            effect: .renewals(days: 180, base: -0.1, engaged: -0.25)))

        let umbrellaStart = tenAM(-10)
        plans.append(DemoCampaign(
            uuid: id(), name: "Umbrella cover for homeowners",
            description: "Healthy homeowners without umbrella cover: an e-mail on higher liability limits, then a call from their agent.",
            type: .upsell, status: .scheduled, segment: segment { $0.policyTypes = [.home]; $0.healthScoreMin = 60 },
            schedule: CampaignSchedule(startDate: .instant(umbrellaStart), endDate: .instant(umbrellaStart + 45 * day), timezone: chicago.identifier, cron: nil),
            sequence: [step(.email, .upsell, days: 0), step(.call, .upsell, days: 10)],
            goals: goals(share: 0.05, retained: 0.95, revenuePerCustomer: 350), controlFraction: 0.1, createdAt: t0 - 3 * day + 14 * 3600,
            runs: [], stoppedAt: nil, nextRunAt: umbrellaStart, effect: nil))

        plans.append(DemoCampaign(
            uuid: id(), name: "Bundle home and auto",
            description: "Draft: auto customers at low or medium risk, offered a quote for home or renters cover with the bundle discount.",
            type: .cross_sell, status: .draft, segment: segment { $0.policyTypes = [.auto]; $0.churnRisk = [.low, .medium] },
            schedule: CampaignSchedule(startDate: nil, endDate: nil, timezone: chicago.identifier, cron: nil),
            sequence: [step(.email, .cross_sell, days: 0), step(.sms, .cross_sell, days: 3, skipIf: .engaged)],
            goals: goals(share: 0.2, retained: 0.95, revenuePerCustomer: 1200), controlFraction: 0.1, createdAt: t0 - day + 16 * 3600,
            runs: [], stoppedAt: nil, nextRunAt: nil, effect: nil))
        return plans
    }

    /// The row of `campaigns`, as `Engine.createCampaign` and the status changes leave it.
    var row: [SQLValue] {
        let changes = statusChanges
        let changedAt = changes.last?.at ?? createdAt
        return [.text(uuid), .text(name), .text(description), .text(type.rawValue), .text(status.rawValue), .text(segment.json.serialized()),
                .text(schedule.json.serialized()), .text(JSONValue.array(sequence.map(\.json)).serialized()), .text(goals.json.serialized()),
                .double(controlFraction), .text("demo"), .int(Int64(changedAt)), .init(pausedAt), .init(nextRunAt),
                .int(Int64(1 + changes.count)), .int(Int64(createdAt)), .int(Int64(changedAt))]
    }
}

/// What a campaign run sees of a customer's policies: those in force (line, renewal date, index in the
/// customer's policies), how many they ever held and of which lines (one bit a line, `bit(_:)`).
struct DemoCustomerState {
    var inForce: [(type: PolicyType, renewal: Int, index: Int)]
    var everHeld: Int
    var typesEverHeld: UInt32

    static func bit(_ type: PolicyType) -> UInt32 { 1 << UInt32(PolicyType.allCases.firstIndex(of: type)!) }
}
