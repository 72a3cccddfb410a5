import Foundation

/// The rows of a range of customers, drawn ahead of being written.
struct DemoChunk: Sendable {
    var customers: [[SQLValue]] = []
    var policies: [[SQLValue]] = []
    var events: [[SQLValue]] = []
    var premiumChanges: [[SQLValue]] = []
    var tags: [[SQLValue]] = []
    var optOuts: [[SQLValue]] = []
    var enrolments: [[SQLValue]] = []
    var touchpoints: [[SQLValue]] = []
    var summary = DemoBook.Summary()
}

/// What one campaign run did: customers enrolled, of them held out as control, touchpoints laid out.
struct DemoRunTally: Sendable {
    var enrolled = 0, control = 0, touchpoints = 0
}

/// One policy while its customer's history is simulated. Money in cents; premiums are annual unless named
/// instalment.
struct DemoPolicy {
    var row: Int64
    var number: String
    var type: PolicyType
    var start: Int
    var term: Int
    var frequency: PremiumFrequency
    var instalmentCents: Int
    var effective: Int
    var expiration: Int
    var coverageCents: Int
    var underwriter: String
    var status = PolicyStatus.active
    var endedAt: Int?
    var endReason: String?
    /// The renewal offer the customer did not take (annual premium before, offered).
    var refusedOffer: (before: Int, after: Int)?
    var renewals: [(at: Int, before: Int, after: Int)] = []
    /// An ending drawn for the current term, before its expiration.
    var midTermEnd: (at: Int, status: PolicyStatus, reason: String)?
    var claims: [DemoClaim] = []
    var paidCents = 0.0
    var rewriteOf: String?

    var annualCents: Int { instalmentCents * frequency.paymentsPerYear }

    /// The annual premium of the term in force at `t`.
    func annualCents(at t: Int) -> Int {
        guard let first = renewals.first, t < first.at else { return renewals.last(where: { $0.at <= t })?.after ?? annualCents }
        return first.before
    }
}

struct DemoClaim {
    var at: Int
    var amountCents: Int
    var closedAt: Int
    var paidCents: Int
    var outcome: String
}

/// A customer's enrolment in a campaign, and when the campaign first reached them and they first engaged.
struct DemoEnrolment {
    var campaign: Int
    var id: Int64
    var at: Int
    var control: Bool
    var policy: Int?
    var reachedAt: Int?
    var engagedAt: Int?
    var touchpoints: [Int] = []
}

/// A touchpoint as the dispatcher and the engagement that followed left it.
struct DemoTouchpoint {
    var uuid: String
    var enrolment: Int
    var step: Int
    var channel: ContactChannel
    var template: String
    var status = TouchpointStatus.pending
    var due: Int
    var sent: Int?, delivered: Int?, opened: Int?, clicked: Int?, responded: Int?, failed: Int?
    var subject: String?, content: String?, response: String?
    var attempts = 0
    var lastError: String?, skipReason: String?
    var updatedAt: Int

    /// The first time the customer opened, clicked or answered, or took the call.
    var engagedAt: Int? {
        [opened, clicked, responded, channel == .call ? delivered : nil].compactMap { $0 }.min()
    }
}

/// Draws a book's customers one after another from its seed. Row ids are assigned here (the load
/// writes into tables it alone is filling), so rows can be drawn on one thread and written on another.
/// Used by one thread at a time.
final class DemoGenerator: @unchecked Sendable {
    let book: DemoBook
    let campaigns: [DemoCampaign]
    let customerBase: Int64
    let policyBase: Int64
    let enrolmentBase: Int64
    let eventBase: Int64
    private var eventSequence: Int64 = 0
    private var rng: SeededGenerator
    private var policySequence = 0
    private var enrolmentSequence: Int64 = 0
    private var idCounter: UInt64 = 0
    private let idTime: UInt64
    private let now: Int
    private let t0: Int
    private let historyStart: Int
    private let placeWeights = DemoCatalog.places.map(\.weight)
    private let messages: [[ChannelMessage?]]
    /// The second template's message of each A/B step (nil for the other steps).
    private let variantMessages: [[ChannelMessage?]]
    /// Customers drawn so far.
    private(set) var drawn = 0
    /// Per campaign, what each of its runs did.
    private(set) var runTallies: [[DemoRunTally]]
    /// Per campaign, the touchpoints still pending when it was completed (cancelled then).
    private(set) var cancelledAtCompletion: [Int]

    static let day = Timestamp.secondsPerDay
    static let year = 365.25 * 86_400

    init(book: DemoBook, campaigns: [DemoCampaign], customerBase: Int64, policyBase: Int64, enrolmentBase: Int64, eventBase: Int64) {
        self.book = book
        self.campaigns = campaigns
        self.customerBase = customerBase
        self.policyBase = policyBase
        self.enrolmentBase = enrolmentBase
        self.eventBase = eventBase
        rng = SeededGenerator(seed: book.seed)
        idTime = UInt64(max(0, book.now)) * 1000
        now = book.now
        t0 = Timestamp.startOfDay(book.now)
        historyStart = Timestamp.addingMonths(-book.historyMonths, to: t0)
        messages = campaigns.map { c in c.sequence.map { BuiltInTemplates.message(name: $0.template, channel: $0.channel ?? .email) } }
        variantMessages = campaigns.map { c in c.sequence.map { s in s.variants.count == 2 ? BuiltInTemplates.message(name: s.variants[1], channel: s.channel ?? .email) : nil } }
        runTallies = campaigns.map { Array(repeating: DemoRunTally(), count: $0.runs.count) }
        cancelledAtCompletion = Array(repeating: 0, count: campaigns.count)
    }

    /// Who a customer is, drawn before their history.
    struct Person {
        var row: Int64
        var z: Double
        var agent: (id: String, name: String, email: String, phone: String)
        var first: String, last: String, email: String, phone: String, city: String, state: String
        var since: Int
        var tenureMonths: Int
        var age: Int
        var doNotContact: Bool
        /// The customer row's columns drawn with them; the counters follow once their history is known.
        var columns: [SQLValue]
    }

    /// One customer's history as it is simulated.
    struct Life {
        var person: Person
        /// Lines the customer will take (the first at `since`), in time order.
        var planned: [(type: PolicyType, at: Int)]
        var policies: [DemoPolicy] = []
        var enrolments: [DemoEnrolment] = []
        /// Touchpoints laid out and not yet due: (due, enrolment, step).
        var steps: [(due: Int, enrolment: Int, step: Int)] = []
        var touchpoints: [DemoTouchpoint] = []
        /// Per campaign, the next of its runs to come.
        var nextRun: [Int]
        /// When the customer's last policy ended, each time it did.
        var churnedAt: [Int] = []
        var returnAt: Int?
        var returned = false
        /// Channels opted out of, when, and whether by answering STOP to a text.
        var optOuts: [(channel: ContactChannel, at: Int, byReply: Bool)] = []

        var inForce: Int { policies.reduce(0) { $0 + ($1.status.isInForce ? 1 : 0) } }

        func optedOut(_ channel: ContactChannel, at t: Int) -> Bool { optOuts.contains { $0.channel == channel && $0.at <= t } }
    }

    func next(_ count: Int) -> DemoChunk {
        var chunk = DemoChunk()
        for i in drawn..<(drawn + count) {
            let person = drawPerson(i)
            var life = Life(person: person, planned: planLines(person), nextRun: Array(repeating: 0, count: campaigns.count))
            drawOptOuts(&life)
            live(&life)
            write(&life, into: &chunk)
        }
        // `premium_changes` is kept in time order: the chunk's rows written in that order walk its pages once
        // (in event order each lands on a random page, and at a million customers the table outgrows the page cache).
        premiumChanges.sort { ($0.at, $0.event) < ($1.at, $1.event) }
        chunk.premiumChanges = premiumChanges.map(\.row)
        premiumChanges.removeAll()
        drawn += count
        return chunk
    }

    // MARK: Who they are

    /// The chunk's `premium_changes` rows with their keys, sorted before they are handed over.
    private var premiumChanges: [(at: Int, event: Int64, row: [SQLValue])] = []

    private func drawPerson(_ i: Int) -> Person {
        let row = customerBase + Int64(i)
        let z = rng.normal()
        let agent = DemoCatalog.agents[Int(rng.next() % UInt64(DemoCatalog.agents.count))]
        let first = DemoCatalog.firstNames[Int(rng.next() % UInt64(DemoCatalog.firstNames.count))]
        let last = DemoCatalog.lastNames[Int(rng.next() % UInt64(DemoCatalog.lastNames.count))]
        let place = DemoCatalog.places[rng.weightedIndex(placeWeights)]
        let city = place.cities[Int(rng.next() % UInt64(place.cities.count))]
        // Tenure: most books are weighted to recent customers, with a long tail of loyal ones.
        let tenureMonths = min(180, Int(-log(1 - rng.nextUnit()) * 48))
        let since = Timestamp.startOfDay(Timestamp.addingMonths(-tenureMonths, to: t0) - Int(rng.next() % 28) * Self.day)
        let age = 22 + Int(rng.next() % 55)
        let dob = Timestamp.days(year: Timestamp.civil(days: t0 / 86_400).year - age, month: 1 + Int(rng.next() % 12), day: 1 + Int(rng.next() % 28)) * 86_400
        let email = DemoBook.emailAddress(first: first, last: last, index: i, domain: DemoCatalog.emailDomains[i % DemoCatalog.emailDomains.count])
        let phone = "+1 (\(200 + Int(rng.next() % 700))) 555-\(DemoBook.zeroPadded(Int(rng.next() % 10_000), 4))"
        let satisfaction: Double? = rng.nextUnit() < 0.7 ? (100 * LogisticModel.sigmoid(1.3 - 0.9 * z + 0.5 * rng.normal())).rounded() : nil
        let preferred: ContactChannel = [.email, .email, .email, .sms, .call, .mail][Int(rng.next() % 6)]
        let doNotContact = rng.nextUnit() < 0.01
        let columns: [SQLValue] = [.int(row), .text(rng.orderedID(milliseconds: idTime, counter: &idCounter)), .text("lead-" + DemoBook.zeroPadded(i + 1, 8)),
                                   .text(agent.id), .text(first), .text(last), .text(email), .text(phone), .int(Int64(dob)),
                                   .text("\(1 + rng.next() % 9_900) \(DemoCatalog.streets[Int(rng.next() % UInt64(DemoCatalog.streets.count))])"),
                                   .text(city), .text(place.state), .text(String(10_000 + Int(rng.next() % 89_999))),
                                   .text(place.zone), .int(Int64(since)), .init(satisfaction), .text(preferred.rawValue),
                                   .init(doNotContact), .int(Int64(since)), .int(Int64(now))]
        return Person(row: row, z: z, agent: agent, first: first, last: last, email: email, phone: phone, city: city,
                      state: place.state, since: since, tenureMonths: tenureMonths, age: age, doNotContact: doNotContact, columns: columns)
    }

    /// The lines a customer takes: a first one when they join, and up to three more later.
    private func planLines(_ person: Person) -> [(type: PolicyType, at: Int)] {
        let firstType: PolicyType = [.auto, .auto, .auto, .home, .home, .renters, .life, .commercial][Int(rng.next() % 8)]
        var planned: [(type: PolicyType, at: Int)] = [(firstType, person.since)]
        let extra = rng.nextUnit()
        let extraLines = extra < 0.5 ? 0 : extra < 0.82 ? 1 : extra < 0.95 ? 2 : 3
        let candidates: [PolicyType] = firstType == .commercial ? [.auto, .umbrella, .life] : [.home, .auto, .umbrella, .life, .renters]
        for k in 0..<extraLines {
            let t = candidates[(Int(rng.next() % UInt64(candidates.count)) + k) % candidates.count]
            if planned.contains(where: { $0.type == t }) || (t == .renters && planned.contains(where: { $0.type == .home })) { continue }
            let later = person.since + Int(rng.nextUnit() * Double(max(0, t0 - person.since)) * 0.6)
            planned.append((t, Timestamp.startOfDay(later)))
        }
        return planned.sorted { $0.at < $1.at }
    }

    /// Channels some customers opted out of, at some point of their time with us.
    private func drawOptOuts(_ life: inout Life) {
        let since = life.person.since
        for (channel, share) in [(ContactChannel.sms, 0.06), (.call, 0.03)] where rng.nextUnit() < share {
            life.optOuts.append((channel, since + Int(rng.nextUnit() * Double(max(0, now - since))), false))
        }
    }

    // MARK: The history, event by event

    /// Walks the customer's history from their first policy to `now`, always taking the earliest of: a line
    /// taken, a return, a mid-term ending, a term's end, a campaign run, a touchpoint falling due.
    private func live(_ life: inout Life) {
        while true {
            var at = Int.max, kind = Int.max, which = 0
            func consider(_ t: Int, _ k: Int, _ w: Int) { if t < at || (t == at && k < kind) { at = t; kind = k; which = w } }
            if let p = life.planned.first { consider(p.at, 0, 0) }
            if let r = life.returnAt { consider(r, 1, 0) }
            for i in life.policies.indices where life.policies[i].status.isInForce {
                if let end = life.policies[i].midTermEnd { consider(end.at, 2, i) }
                consider(life.policies[i].expiration, 3, i)
            }
            for (c, k) in life.nextRun.enumerated() where k < campaigns[c].runs.count { consider(campaigns[c].runs[k], 4, c) }
            for (s, step) in life.steps.enumerated() { consider(step.due, 5, s) }
            guard at <= now else { break }
            switch kind {
            case 0:
                let line = life.planned.removeFirst()
                // A line is taken only by a customer who has not left meanwhile.
                if life.policies.isEmpty || life.inForce > 0 { open(line.type, at: line.at, &life) }
            case 1:
                life.returnAt = nil
                if life.inForce == 0, let type = life.policies.first?.type {
                    open(type, at: Timestamp.startOfDay(at), &life)
                    life.returned = true
                }
            case 2:
                let end = life.policies[which].midTermEnd!
                close(which, at: end.at, end.status, end.reason, &life)
            case 3:
                termEnds(which, &life)
            case 4:
                life.nextRun[which] += 1
                run(which, k: life.nextRun[which] - 1, at: at, &life)
            default:
                let step = life.steps.remove(at: which)
                dispatch(step.enrolment, step.step, due: step.due, &life)
            }
        }
        // Touchpoints not yet due wait; those of a completed campaign were cancelled when it completed.
        for step in life.steps {
            let e = life.enrolments[step.enrolment], c = campaigns[e.campaign]
            var tp = touchpoint(e, step.enrolment, step.step, due: step.due, customerRow: life.person.row)
            if c.status == .completed || c.status == .cancelled, let stop = c.stoppedAt {
                tp.status = .cancelled; tp.skipReason = "campaign_\(c.status.rawValue)"; tp.updatedAt = stop
                cancelledAtCompletion[e.campaign] += 1
            }
            add(tp, &life)
        }
        life.steps.removeAll()
    }

    /// Takes out a new policy of a line at `at` (a rewrite gives its premium and copies the rest).
    private func open(_ type: PolicyType, at: Int, _ life: inout Life, rewriting old: DemoPolicy? = nil, instalmentCents given: Int? = nil) {
        let line = DemoBook.lines[type]!
        let frequencies: [PremiumFrequency] = type == .life ? [.monthly, .monthly, .annual] : [.monthly, .monthly, .annual, .semi_annual]
        var term = line.terms[Int(rng.next() % UInt64(line.terms.count))]
        let frequency = old?.frequency ?? frequencies[Int(rng.next() % UInt64(frequencies.count))]
        var coverage = ((line.coverage.lowerBound + rng.nextUnit() * (line.coverage.upperBound - line.coverage.lowerBound)) / 1000).rounded() * 1000
        let yearsAgo = Double(t0 - at) / Self.year
        var annual: Double
        if type == .life {
            // Level-premium term life: priced on the insured's age when it starts, the cover and the term.
            let ageAtStart = Double(life.person.age) - yearsAgo
            let terms = line.terms.filter { ageAtStart + Double($0) / 12 <= 85 }
            term = terms.isEmpty ? line.terms[0] : terms[Int(rng.next() % UInt64(terms.count))]
            coverage = (coverage / 50_000).rounded() * 50_000
            let termFactor: Double = [120: 0.65, 180: 0.8, 240: 1.0, 300: 1.25, 360: 1.5][term] ?? 1
            let ageFactor: Double = exp(0.055 * (ageAtStart - 45))
            let noise: Double = exp(line.spread * rng.normal())
            annual = line.medianPremium * (coverage / 500_000) * ageFactor * termFactor * noise
        } else {
            // Today's premium for such a policy, taken back to when it started along the line's trend.
            annual = line.medianPremium * exp(line.spread * rng.normal()) / pow(1 + line.trend, max(0, yearsAgo))
        }
        if let old { term = old.term; coverage = Double(old.coverageCents) / 100 }
        let instalment = given ?? max(100, Int((max(60, annual) / Double(frequency.paymentsPerYear) * 100).rounded()))
        let underwriters = type == .life ? ["Keystone Life", "Prairie Mutual"] : DemoCatalog.underwriters.filter { $0 != "Keystone Life" && $0 != old?.underwriter }
        policySequence += 1
        let year = Timestamp.civil(days: at / 86_400).year
        var policy = DemoPolicy(row: policyBase + Int64(policySequence), number: "POL-\(year)-" + DemoBook.zeroPadded(policySequence, 7), type: type,
                                start: at, term: term, frequency: frequency, instalmentCents: instalment, effective: at,
                                expiration: Timestamp.addingMonths(term, to: at), coverageCents: Int(coverage) * 100,
                                underwriter: underwriters[Int(rng.next() % UInt64(underwriters.count))])
        policy.rewriteOf = old?.number
        beginTerm(&policy, bundled: life.inForce >= 1, z: life.person.z, increase: nil)
        life.policies.append(policy)
    }

    /// What the term that starts now holds: its claims, and perhaps an ending before it expires. For term life,
    /// the whole level term: an ending with a yearly hazard of 7 % falling by 1.2 points a year to 3 %, × e^(0.5·z),
    /// for non-payment (four in five) or replaced cover.
    private func beginTerm(_ p: inout DemoPolicy, bundled: Bool, z: Double, increase: Double?) {
        let line = DemoBook.lines[p.type]!
        let length = p.expiration - p.effective
        if p.type == .life {
            for y in 0..<(p.term / 12) {
                let yearStart = p.effective + Int(Double(y) * Self.year)
                if yearStart > now { break }
                if rng.nextUnit() < max(0.03, 0.07 - 0.012 * Double(y)) * exp(0.5 * z) {
                    // Ended mid-term: by the product's definitions a cancellation (a lapse is at or after renewal), mostly
                    // because the premiums stopped.
                    p.midTermEnd = (yearStart + Int(rng.nextUnit() * Self.year), .cancelled, rng.nextUnit() < 0.8 ? "non_payment" : "replaced_coverage")
                    break
                }
            }
            return
        }
        let claims = rng.poisson(line.claimsPerYear * exp(0.3 * z) * Double(length) / Self.year)
        for _ in 0..<claims {
            let at = p.effective + Int(rng.nextUnit() * Double(length))
            let amount = Int(line.meanClaim * exp(0.8 * rng.normal() - 0.32) * 100)
            let days = p.type == .auto ? 10 + rng.poisson(25) : 20 + rng.poisson(45)
            let roll = rng.nextUnit()
            let (outcome, paid) = roll < 0.85 ? ("paid", Int(Double(amount) * (0.6 + 0.4 * rng.nextUnit()))) : roll < 0.95 ? ("denied", 0) : ("withdrawn", 0)
            p.claims.append(DemoClaim(at: at, amountCents: amount, closedAt: at + days * Self.day + Int(rng.next() % 28_800), paidCents: paid, outcome: outcome))
        }
        let midTerm = 0.3 * line.baseLapse(term: p.term)
        if rng.nextUnit() < LogisticModel.sigmoid(log(midTerm / (1 - midTerm)) + 0.9 * z - (bundled ? 0.35 : 0)) {
            var reasons = DemoCatalog.cancellationReasons
            if p.type == .auto { reasons.append("sold_vehicle") }
            p.midTermEnd = (p.effective + Int(rng.nextUnit() * Double(length)), .cancelled, reasons[Int(rng.next() % UInt64(reasons.count))])
        }
        // After a large increase some customers shop around and move early in the new term.
        if let increase, increase >= 0.12, rng.nextUnit() < LogisticModel.sigmoid(-4.2 + 6 * (increase - 0.12) + 0.5 * z) {
            let at = p.effective + (20 + Int(rng.next() % 100)) * Self.day
            if at < p.expiration, at < (p.midTermEnd?.at ?? .max) { p.midTermEnd = (at, .cancelled, rng.nextUnit() < 0.5 ? "price" : "moved_to_competitor") }
        }
    }

    /// A policy ends at `at`; when it was the customer's last, they have left (and may come back).
    private func close(_ i: Int, at: Int, _ status: PolicyStatus, _ reason: String, _ life: inout Life) {
        life.policies[i].paidCents += Double(life.policies[i].annualCents) * Double(at - life.policies[i].effective) / Self.year
        life.policies[i].status = status; life.policies[i].endedAt = at; life.policies[i].endReason = reason; life.policies[i].midTermEnd = nil
        if life.policies[i].claims.contains(where: { $0.at > at }) { life.policies[i].claims.removeAll { $0.at > at } }
        guard life.inForce == 0 else { return }
        life.churnedAt.append(at)
        if rng.nextUnit() < LogisticModel.sigmoid(log(0.12 / 0.88) - 0.4 * life.person.z) {
            let back = at + (45 + Int(-log(1 - rng.nextUnit()) * 330)) * Self.day
            life.returnAt = min(life.returnAt ?? back, back)
        }
    }

    /// A term ends: the carrier offers the next term's premium, and the customer renews, leaves, or (after a
    /// large increase) is moved to another carrier by the agency.
    private func termEnds(_ i: Int, _ life: inout Life) {
        // The policy's figures, read without copying it (a copy would make the appends below copy its arrays).
        let type = life.policies[i].type, term = life.policies[i].term, effective = life.policies[i].effective, end = life.policies[i].expiration
        let instalment = life.policies[i].instalmentCents, perYear = life.policies[i].frequency.paymentsPerYear
        if type == .life {
            close(i, at: end, .expired, "term_ended", &life)
            return
        }
        let line = DemoBook.lines[type]!
        let z = life.person.z
        var increase = line.trend * Double(term) / 12 + 0.03 * rng.normal()
        if rng.nextUnit() < 0.10 { increase += 0.10 + 0.20 * rng.nextUnit() }
        let claimed = life.policies[i].claims.contains { $0.at >= effective && $0.at < end }
        if claimed && type != .renters { increase += 0.08 + 0.17 * rng.nextUnit() }
        if rng.nextUnit() < 0.0625 { increase -= 0.03 + 0.09 * rng.nextUnit() }
        increase = min(0.6, max(-0.25, increase))
        let offered = max(100, Int((Double(instalment) * (1 + increase)).rounded()))
        let denied = life.policies[i].claims.reduce(0) { $0 + ($1.outcome == "denied" && $1.closedAt >= effective && $1.closedAt < end ? 1 : 0) }
        let base = 0.55 * line.baseLapse(term: term)
        let logit = log(base / (1 - base)) + 0.9 * z - (life.inForce >= 2 ? 0.35 : 0) + 5 * max(0, increase - 0.05)
            + 0.5 * Double(min(2, denied)) + campaignEffect(life, at: end)
        if rng.nextUnit() < LogisticModel.sigmoid(logit) {
            life.policies[i].refusedOffer = (instalment * perYear, offered * perYear)
            if increase >= 0.15 && rng.nextUnit() < 0.3 {
                open(type, at: end, &life, rewriting: life.policies[i], instalmentCents: max(100, Int((Double(instalment) * (1 + 0.25 * increase)).rounded())))
                close(i, at: end, .cancelled, "rewritten", &life)
            } else if rng.nextUnit() < 0.55 {
                close(i, at: end, .lapsed, "non_payment", &life)
            } else {
                close(i, at: end, .expired, rng.nextUnit() < (claimed ? 0.5 : 0.15) ? "carrier_non_renewal" : "not_renewed_by_insured", &life)
            }
            return
        }
        let bundled = life.inForce >= 2
        life.policies[i].paidCents += Double(instalment * perYear) * Double(end - effective) / Self.year
        life.policies[i].renewals.append((end, instalment * perYear, offered * perYear))
        life.policies[i].instalmentCents = offered
        life.policies[i].effective = end
        life.policies[i].expiration = Timestamp.addingMonths(term, to: end)
        beginTerm(&life.policies[i], bundled: bundled, z: z, increase: increase)
    }

    /// The change of log-odds of leaving at a renewal on `at` that the customer's campaigns made: each renewal
    /// campaign that treated and reached them within its window, more if they engaged before the renewal.
    private func campaignEffect(_ life: Life, at: Int) -> Double {
        var effect = 0.0
        for e in life.enrolments where !e.control {
            guard case .renewals(let days, let base, let engaged)? = campaigns[e.campaign].effect, at >= e.at, at <= e.at + days * Self.day else { continue }
            if let reached = e.reachedAt, reached <= at { effect += base }
            if let g = e.engagedAt, g <= at { effect += engaged }
        }
        return effect
    }

    // MARK: Campaigns

    /// A campaign run at `at`: enrols the customer if they match the segment now and were never enrolled,
    /// in the control group or with the sequence's touchpoints laid out.
    private func run(_ c: Int, k: Int, at: Int, _ life: inout Life) {
        let campaign = campaigns[c]
        guard !life.enrolments.contains(where: { $0.campaign == c }) else { return }
        guard campaign.matches(since: life.person.since, agentID: life.person.agent.id, at: at) else { return }
        var state = DemoCustomerState(inForce: [], everHeld: life.policies.count, typesEverHeld: 0)
        for i in life.policies.indices {
            let p = (type: life.policies[i].type, status: life.policies[i].status, expiration: life.policies[i].expiration)
            state.typesEverHeld |= DemoCustomerState.bit(p.type)
            if p.status.isInForce { state.inForce.append((p.type, p.expiration, i)) }
        }
        guard campaign.matches(state, at: at) else { return }
        enrolmentSequence += 1
        let control = campaign.isControl(customerRow: life.person.row)
        life.enrolments.append(DemoEnrolment(campaign: c, id: enrolmentBase + enrolmentSequence, at: at, control: control,
                                             policy: campaign.enrolmentPolicy(state)))
        runTallies[c][k].enrolled += 1
        if control { runTallies[c][k].control += 1; return }
        runTallies[c][k].touchpoints += campaign.sequence.count
        for (s, step) in campaign.sequence.enumerated() { life.steps.append((at + step.delayMinutes * 60, life.enrolments.count - 1, s)) }
    }

    /// The step's touchpoint for a customer; of an A/B step, the template `VariantDraw` gives them, as `Engine.enrol` does.
    private func touchpoint(_ e: DemoEnrolment, _ enrolment: Int, _ step: Int, due: Int, customerRow: Int64) -> DemoTouchpoint {
        let c = campaigns[e.campaign], s = c.sequence[step]
        return DemoTouchpoint(uuid: rng.orderedID(milliseconds: idTime, counter: &idCounter), enrolment: enrolment, step: step,
                              channel: s.channel ?? .email, template: VariantDraw.template(s, customerRow: customerRow, campaignRow: c.rowID, index: step),
                              due: due, updatedAt: e.at)
    }

    private func add(_ tp: DemoTouchpoint, _ life: inout Life) {
        life.enrolments[tp.enrolment].touchpoints.append(life.touchpoints.count)
        life.touchpoints.append(tp)
    }

    /// A touchpoint falls due: the dispatcher's rules (a paused campaign holds it; the step's condition,
    /// do-not-contact and opt-outs skip it), then the message goes and the customer reacts, stage by stage:
    /// - e-mail: 1.5 % bounce; delivered; opened with `σ(logit 0.28 − 0.55·z)`; clicked 14 % of opens; answered 40 % of clicks;
    /// - text: 2 % refused by the gateway after three attempts; delivered; link clicked `σ(logit 0.06 − 0.4·z)`;
    ///   answered `σ(logit 0.08 − 0.5·z)` (one answer in seven is STOP, an opt-out);
    /// - call: 3 % number not in service; answered `σ(logit 0.42 − 0.4·z)`; a conversation with an outcome 55 % of those;
    /// - mail: 1 % returned; delivered 2–5 days later; answered 2 %.
    /// A stage that would come after `now` has not happened yet. An answer implies the stages before it, at its time,
    /// as `Engine.recordTouchpointResponse` records them.
    private func dispatch(_ enrolment: Int, _ step: Int, due: Int, _ life: inout Life) {
        let e = life.enrolments[enrolment], campaign = campaigns[e.campaign]
        var tp = touchpoint(e, enrolment, step, due: due, customerRow: life.person.row)
        if let stop = campaign.stoppedAt, due > stop {
            if campaign.status == .completed || campaign.status == .cancelled {
                tp.status = .cancelled; tp.skipReason = "campaign_\(campaign.status.rawValue)"; tp.updatedAt = stop
                cancelledAtCompletion[e.campaign] += 1
            }
            add(tp, &life)
            return
        }
        let at = due + 60 + Int(rng.next() % 540)
        func skip(_ reason: String) { tp.status = .skipped; tp.skipReason = reason; tp.updatedAt = at; add(tp, &life) }
        if let condition = campaign.sequence[step].skipIf {
            func before(_ t: Int?) -> Bool { t.map { $0 <= at } ?? false }
            func earlier(_ test: (DemoTouchpoint) -> Bool) -> Bool { e.touchpoints.contains { life.touchpoints[$0].step < step && test(life.touchpoints[$0]) } }
            let met: Bool
            switch condition {
            case .engaged: met = earlier { before($0.opened) || before($0.clicked) || before($0.responded) }
            case .clicked: met = earlier { before($0.clicked) || before($0.responded) }
            case .responded: met = earlier { before($0.responded) }
            case .renewed: met = e.policy.map { p in life.policies[p].renewals.contains { $0.at >= e.at && $0.at <= at } } ?? false
            }
            if met { return skip("condition_\(condition.rawValue)") }
        }
        if life.person.doNotContact { return skip("do_not_contact") }
        if life.optedOut(tp.channel, at: at) { return skip("opted_out_\(tp.channel.rawValue)") }

        // The second template of an A/B step is the one that works better (`DemoCampaign.variantLift`).
        let step = campaign.sequence[step]
        send(&tp, at: at, z: life.person.z, lift: step.variants.count == 2 && tp.template == step.variants[1] ? campaign.variantLift : 1)
        tp.updatedAt = [tp.sent, tp.delivered, tp.opened, tp.clicked, tp.responded, tp.failed].compactMap { $0 }.max() ?? at
        if tp.sent != nil { render(&tp, campaign: campaign, life: life, at: at) }

        // A win-back message that reaches a former customer may bring them back.
        if !e.control, case .winback(let reached, let opened, let responded)? = campaign.effect, life.inForce == 0, tp.sent != nil {
            let engaged = tp.clicked ?? tp.responded
            let p = engaged != nil ? responded : tp.opened != nil ? opened : tp.delivered != nil ? reached : 0
            if p > 0, rng.nextUnit() < p {
                let back = (engaged ?? tp.opened ?? tp.delivered!) + (2 + Int(rng.next() % 26)) * Self.day
                life.returnAt = min(life.returnAt ?? back, back)
            }
        }
        if let responded = tp.responded {
            let replies = DemoCatalog.responses[campaign.type]!
            let list = tp.channel == .sms ? replies.text : tp.channel == .call ? replies.call : replies.written
            var text = list[Int(rng.next() % UInt64(list.count))]
            if tp.channel == .sms && rng.nextUnit() < 1.0 / 7 {
                text = "STOP"
                if let k = life.optOuts.firstIndex(where: { $0.channel == .sms }) {
                    if life.optOuts[k].at > responded { life.optOuts[k] = (.sms, responded, true) }
                } else {
                    life.optOuts.append((.sms, responded, true))
                }
            } else if case .winback? = campaign.effect, life.returnAt != nil {
                text = list[0]
            }
            tp.response = text
        }
        if let reached = tp.delivered { life.enrolments[enrolment].reachedAt = min(life.enrolments[enrolment].reachedAt ?? .max, reached) }
        if let engaged = tp.engagedAt { life.enrolments[enrolment].engagedAt = min(life.enrolments[enrolment].engagedAt ?? .max, engaged) }
        add(tp, &life)
    }

    /// The message goes at `at` and the customer reacts, stage by stage (the ladder of `dispatch`); what would come
    /// after `now` has not happened yet, and the status is the last stage reached.
    /// `lift` multiplies the chance of a click after an open and of an answer after a click (an e-mail's
    /// variant B in the demo's A/B test); the draws are the same, so the rest of the book does not move.
    private func send(_ tp: inout DemoTouchpoint, at: Int, z: Double, lift: Double = 1) {
        func chance(_ p: Double, _ slope: Double) -> Bool { rng.nextUnit() < LogisticModel.sigmoid(log(p / (1 - p)) - slope * z) }
        func later(_ from: Int, _ seconds: ClosedRange<Int>) -> Int { from + seconds.lowerBound + Int(rng.next() % UInt64(seconds.upperBound - seconds.lowerBound + 1)) }
        tp.sent = at
        switch tp.channel {
        case .email, .notification:
            if rng.nextUnit() < 0.015 { tp.failed = later(at, 30...600); tp.lastError = DemoCatalog.emailBounce; break }
            tp.delivered = later(at, 2...30)
            if chance(0.28, 0.55) {
                tp.opened = tp.delivered! + min(6 * Self.day, Int(-log(1 - rng.nextUnit()) * 8 * 3600))
                if rng.nextUnit() < min(0.9, 0.14 * lift) {
                    tp.clicked = later(tp.opened!, 5...600)
                    if rng.nextUnit() < min(0.9, 0.4 * lift) { tp.responded = later(tp.clicked!, 600...(2 * Self.day)) }
                }
            }
        case .sms:
            if rng.nextUnit() < 0.02, at + 25 * 60 <= now { tp.sent = nil; tp.attempts = 3; tp.failed = at + 25 * 60; tp.lastError = DemoCatalog.smsFailure; break }
            tp.delivered = later(at, 1...10)
            if chance(0.06, 0.4) { tp.clicked = later(tp.delivered!, 60...(3 * 3600)); tp.opened = tp.clicked }
            if chance(0.08, 0.5) {
                tp.responded = later(tp.delivered!, 120...(6 * 3600))
                tp.opened = min(tp.opened ?? .max, tp.responded!); tp.clicked = min(tp.clicked ?? .max, tp.responded!)
            }
        case .call:
            if rng.nextUnit() < 0.03 { tp.failed = later(at, 30...90); tp.lastError = DemoCatalog.callFailure; break }
            if chance(0.42, 0.4) {
                tp.delivered = later(at, 15...45)
                if rng.nextUnit() < 0.55 { tp.responded = later(tp.delivered!, 120...900); tp.opened = tp.responded; tp.clicked = tp.responded }
            }
        case .mail:
            if rng.nextUnit() < 0.01 { tp.failed = later(at, (7 * Self.day)...(14 * Self.day)); tp.lastError = DemoCatalog.mailFailure; break }
            tp.delivered = later(at, (2 * Self.day)...(5 * Self.day))
            if rng.nextUnit() < 0.02 { tp.responded = later(tp.delivered!, (2 * Self.day)...(10 * Self.day)); tp.opened = tp.responded; tp.clicked = tp.responded }
        }
        // What has not happened by now has not happened.
        for keyPath in [\DemoTouchpoint.delivered, \.opened, \.clicked, \.responded, \.failed] where (tp[keyPath: keyPath] ?? 0) > now {
            tp[keyPath: keyPath] = nil
        }
        if tp.delivered == nil { tp.opened = nil; tp.clicked = nil; tp.responded = nil }
        if tp.channel != .call && tp.channel != .mail && tp.opened == nil { tp.clicked = nil; tp.responded = nil }
        if tp.failed != nil { tp.status = .failed }
        else if tp.responded != nil { tp.status = .responded }
        else if tp.clicked != nil { tp.status = .clicked }
        else if tp.opened != nil { tp.status = .opened }
        else if tp.delivered != nil { tp.status = .delivered }
        else { tp.status = .sent }
    }

    /// The message the dispatcher would have rendered at `at`: the step's built-in template with the customer,
    /// the enrolment's policy as it stood then, the agent and the campaign.
    private func render(_ tp: inout DemoTouchpoint, campaign: DemoCampaign, life: Life, at: Int) {
        let e = life.enrolments[tp.enrolment]
        let step = campaign.sequence[tp.step]
        guard let message = step.variants.count == 2 && tp.template == step.variants[1] ? variantMessages[e.campaign][tp.step] : messages[e.campaign][tp.step] else { return }
        let person = life.person
        var values: [String: TemplateValue] = [
            "firstName": .text(person.first), "lastName": .text(person.last), "fullName": .text("\(person.first) \(person.last)"),
            "email": .text(person.email), "phone": .text(person.phone), "city": .text(person.city), "state": .text(person.state),
            "agent.name": .text(person.agent.name), "agent.email": .text(person.agent.email), "agent.phone": .text(person.agent.phone),
            "campaign.name": .text(campaign.name),
        ]
        if let i = e.policy {
            let p = life.policies[i]
            values["policy.policyNumber"] = .text(p.number)
            values["policy.policyType"] = .text(p.type.rawValue)
            values["policy.premium"] = .money(cents: p.annualCents(at: at), currency: "USD")
            values["policy.renewalDate"] = .date(p.endedAt.map { min($0, p.expiration) } ?? p.expiration)
            values["policy.expirationDate"] = .date(p.expiration)
            values["policy.coverageAmount"] = .money(cents: p.coverageCents, currency: "USD")
        }
        tp.subject = message.subject?.render(values)
        tp.content = message.body.render(values)
    }

    // MARK: Rows

    /// A complaint to write: when, why, and the policy it is about.
    typealias Complaint = (at: Int, reason: String, policy: DemoPolicy?)

    /// The customer's rows: the customer with the counters the engine keeps, policies, events, tags,
    /// opt-outs, enrolments and touchpoints.
    private func write(_ life: inout Life, into chunk: inout DemoChunk) {
        let person = life.person
        var paidCents = 0, inForce = 0
        var nextRenewal: Int?
        var complaints: [Complaint] = []
        for var p in life.policies {
            if p.status.isInForce {
                p.paidCents += Double(p.annualCents) * Double(now - p.effective) / Self.year
                inForce += 1
                nextRenewal = min(nextRenewal ?? p.expiration, p.expiration)
                // Renewals coming up within 45 days are offered: pending renewal.
                if p.type != .life && p.expiration - t0 < 45 * Self.day && rng.nextUnit() < 0.5 { p.status = .pending_renewal }
            }
            paidCents += Int(p.paidCents.rounded())
            writePolicy(p, customer: person, into: &chunk)
            writeHistory(of: p, customer: person, complaints: &complaints, into: &chunk)
        }
        chunk.summary.customers += 1
        chunk.summary.policies += life.policies.count
        chunk.summary.inForcePolicies += inForce
        if inForce > 0 { chunk.summary.activeCustomers += 1 }
        for at in life.churnedAt { event(.customer_churned, at, .critical, nil, customer: person, into: &chunk) }
        var lastContact = writeBehaviour(person, until: inForce > 0 ? now : life.churnedAt.last ?? now, complaints: complaints, into: &chunk)
        for o in life.optOuts {
            event(.opted_out, o.at, .info, .object([("channel", .string(o.channel.rawValue))] + (o.byReply ? [("via", JSONValue.string("reply STOP"))] : [])),
                  customer: person, into: &chunk)
            chunk.optOuts.append([.int(person.row), .text(o.channel.rawValue), .int(Int64(o.at))])
        }
        if let answered = writeCampaigns(life, into: &chunk) { lastContact = max(lastContact ?? 0, answered) }
        chunk.customers.append(person.columns + [.init(lastContact), .int(Int64(life.policies.count)), .int(Int64(inForce)), .init(nextRenewal),
                                                 .int(Int64(paidCents))])

        // --- segmentation tags
        let types = Set(life.policies.map(\.type))
        var tags: [String] = []
        if types.count >= 2 { tags.append("multi-policy") }
        if types.contains(.home) && types.contains(.auto) { tags.append("bundle") }
        if person.tenureMonths >= 60 { tags.append("loyal") }
        if types.contains(.commercial) { tags.append("small-business") }
        if life.policies.reduce(0, { $0 + $1.annualCents }) > 400_000 { tags.append("vip") }
        if life.returned { tags.append("returned") }
        for (k, tag) in tags.enumerated() { chunk.tags.append([.int(person.row), .int(Int64(k)), .text(tag)]) }
    }

    /// Writes an event of the customer's if it falls in the history window, and returns its row id.
    @discardableResult
    private func event(_ type: EventType, _ at: Int, _ severity: EventSeverity, _ data: JSONValue?, policy: Int64? = nil,
                       customer person: Person, into chunk: inout DemoChunk) -> Int64? {
        guard at >= historyStart, at <= now, at >= person.since else { return nil }
        eventSequence += 1
        chunk.events.append([.int(eventBase + eventSequence), .text(rng.orderedID(milliseconds: idTime, counter: &idCounter)), .int(person.row), .init(policy),
                             .text(type.rawValue), .text(severity.rawValue), .init(data?.serialized()), .int(Int64(at)), .int(Int64(at))])
        chunk.summary.events += 1
        return eventBase + eventSequence
    }

    /// A policy's events in the window: created, renewed (with the renewal's `premium_changes` row), claims filed and
    /// closed, its ending, missed and received payments; and the complaints its increases and claims gave rise to.
    private func writeHistory(of p: DemoPolicy, customer person: Person, complaints: inout [Complaint], into chunk: inout DemoChunk) {
        func event(_ type: EventType, _ at: Int, _ severity: EventSeverity, _ data: JSONValue?) -> Int64? {
            self.event(type, at, severity, data, policy: p.row, customer: person, into: &chunk)
        }
        /// A complaint about an increase from `before` to `after`, some days before `at`: the likelier the larger (12 % or more).
        func complainAbout(_ before: Int, _ after: Int, at: Int) {
            if Double(after) >= 1.12 * Double(before), rng.nextUnit() < min(0.5, 1.5 * (Double(after) / Double(before) - 1.10)) {
                complaints.append((max(p.start, at - (5 + Int(rng.next() % 36)) * Self.day), "premium increase", p))
            }
        }
        _ = event(.policy_created, p.start, .info, .object([("policyNumber", .string(p.number))] + (p.rewriteOf.map { [("rewriteOf", JSONValue.string($0))] } ?? [])))
        for (k, r) in p.renewals.enumerated() {
            let id = event(.policy_renewed, r.at, .info, .object([
                ("policyNumber", .string(p.number)), ("renewalCount", .int(k + 1)), ("premiumBefore", .money(r.before)), ("premiumAfter", .money(r.after)),
                ("newExpirationDate", .string(Timestamp.formatDate(Timestamp.addingMonths(p.term, to: r.at)))),
            ]))
            if let id {
                // The row `premium_changes_insert` would write for it (see `Store.insertRenewalPremiumChange`).
                premiumChanges.append((r.at, id, [.int(Int64(r.at)), .int(id), .int(person.row), .int(p.row), .text(p.type.rawValue), .int(Int64(p.start)),
                                                  .int(Int64(p.term)), .int(Int64(p.annualCents)), .text(JSONValue.format(number: Double(r.before) / 100)),
                                                  .text(JSONValue.format(number: Double(r.after) / 100))]))
            }
            complainAbout(r.before, r.after, at: r.at)
        }
        for claim in p.claims {
            // A claim filed before the history window is not shown, nor is its closing.
            guard event(.claim_filed, claim.at, .warning, .object([("amount", .money(claim.amountCents))])) != nil else { continue }
            _ = event(.claim_closed, claim.closedAt, .info, .object([("amount", .money(claim.paidCents)), ("outcome", .string(claim.outcome)),
                                                                     ("daysOpen", .int((claim.closedAt - claim.at) / Self.day))]))
            if claim.outcome == "denied" && rng.nextUnit() < 0.4 {
                complaints.append((claim.closedAt + (1 + Int(rng.next() % 10)) * Self.day, "coverage dispute", p))
            } else if claim.closedAt - claim.at > 60 * Self.day && rng.nextUnit() < 0.25 {
                complaints.append((claim.at + (30 + Int(rng.next() % 30)) * Self.day, "claim handling delay", p))
            }
        }
        if let endedAt = p.endedAt, let reason = p.endReason {
            let type: EventType = p.status == .lapsed ? .policy_lapsed : p.status == .cancelled ? .policy_cancelled : .policy_expired
            var data: [(String, JSONValue)] = [("policyNumber", .string(p.number)), ("reason", .string(reason))]
            if let offer = p.refusedOffer {
                data += [("premiumBefore", .money(offer.before)), ("premiumOffered", .money(offer.after))]
                complainAbout(offer.before, offer.after, at: endedAt)
            }
            if reason == "non_payment" {
                _ = event(.payment_missed, endedAt - Int(rng.next() % 20) * Self.day, .warning,
                          .object([("amount", .money(p.instalmentCents)), ("dueDate", .string(Timestamp.formatDate(endedAt)))]))
            }
            _ = event(type, endedAt, .warning, .object(data))
        }
        // Missed payments: rarer for engaged customers, frequent for those about to leave.
        let paidUntil = p.endedAt ?? now
        let windowStart = max(p.start, historyStart)
        let activeYears = Double(max(0, paidUntil - windowStart)) / Self.year
        for _ in 0..<rng.poisson(0.25 * exp(0.9 * person.z) * activeYears * Double(p.frequency.paymentsPerYear) / 6) {
            let at = windowStart + Int(rng.nextUnit() * Double(max(1, paidUntil - windowStart)))
            _ = event(.payment_missed, at, .warning, .object([("amount", .money(p.annualCents(at: at) / p.frequency.paymentsPerYear)),
                                                              ("dueDate", .string(Timestamp.formatDate(at)))]))
        }
        // The last few payments received, as a bank feed would show them.
        if p.status.isInForce {
            let months = 12 / p.frequency.paymentsPerYear
            for k in 0..<min(3, p.frequency.paymentsPerYear) {
                let at = Timestamp.addingMonths(-months * k, to: t0) - Int(rng.next() % 20) * Self.day
                if at > p.start { _ = event(.payment_received, at, .info, .object([("amount", .money(p.annualCents(at: at) / p.frequency.paymentsPerYear))])) }
            }
        }
    }

    /// The customer's behaviour over the history window, driven by `z`: contacts, complaints (those of their
    /// policies and everyday ones) and their resolutions, NPS answers. Returns the last interaction.
    private func writeBehaviour(_ person: Person, until end: Int, complaints policyComplaints: [Complaint], into chunk: inout DemoChunk) -> Int? {
        let z = person.z
        let from = max(person.since, historyStart)
        let span = Double(max(0, end - from))
        let years = span / Self.year
        var lastContact: Int?
        for _ in 0..<rng.poisson(2.2 * exp(-0.6 * z) * years) {
            // Engaged customers' contacts are spread evenly; disengaged ones' drift into the past.
            let at = from + Int(pow(rng.nextUnit(), z > 0 ? 1 + z : 1) * span)
            event(.contact_made, at, .info, .object([("channel", .string(["call", "email", "sms"][Int(rng.next() % 3)])),
                                                     ("outcome", .string(DemoCatalog.contactOutcomes[Int(rng.next() % UInt64(DemoCatalog.contactOutcomes.count))]))]),
                  customer: person, into: &chunk)
            if at >= historyStart && at <= now { lastContact = max(lastContact ?? 0, at) }
        }
        var complaints = policyComplaints
        for _ in 0..<rng.poisson(0.08 * exp(0.8 * z) * years) {
            complaints.append((from + Int(rng.nextUnit() * span), DemoCatalog.everydayComplaints[Int(rng.next() % UInt64(DemoCatalog.everydayComplaints.count))], nil))
        }
        // Complaints, most resolved within days or weeks (fewer for the customers about to leave).
        for complaint in complaints {
            var data: [(String, JSONValue)] = [("reason", .string(complaint.reason))]
            if let p = complaint.policy { data.append(("policyNumber", .string(p.number))) }
            let filed = event(.complaint_filed, complaint.at, .warning, .object(data), policy: complaint.policy?.row, customer: person, into: &chunk)
            guard rng.nextUnit() < min(0.95, max(0.3, 0.8 - 0.1 * z)), filed != nil else { continue }
            let days = 1 + min(60, Int(-log(1 - rng.nextUnit()) * 9))
            let options = DemoCatalog.resolutions[complaint.reason] ?? ["resolved"]
            let resolution = complaint.policy?.endReason == "rewritten" ? "remarketed to another carrier" : options[Int(rng.next() % UInt64(options.count))]
            event(.complaint_resolved, complaint.at + days * Self.day, .info, .object(data + [("resolution", .string(resolution)), ("daysToResolve", .int(days))]),
                  policy: complaint.policy?.row, customer: person, into: &chunk)
        }
        for _ in 0..<rng.poisson(0.6 * years) {
            let at = from + Int(rng.nextUnit() * span)
            event(.nps_response, at, .info, .object([("score", .int(max(0, min(10, Int((8.2 - 1.6 * z + 1.2 * rng.normal()).rounded())))))]),
                  customer: person, into: &chunk)
            if at >= historyStart && at <= now { lastContact = max(lastContact ?? 0, at) }
        }
        return lastContact
    }

    /// The customer's enrolments and touchpoints, and the answers they drew (events). Returns the last answer.
    private func writeCampaigns(_ life: Life, into chunk: inout DemoChunk) -> Int? {
        let row = life.person.row
        var lastAnswer: Int?
        for e in life.enrolments {
            let policy = e.policy.map { SQLValue.int(life.policies[$0].row) } ?? .null
            chunk.enrolments.append([.int(e.id), .int(campaigns[e.campaign].rowID), .int(row), policy, .int(Int64(e.at)), .int(Int64(e.at)), .init(e.control)])
            for t in e.touchpoints {
                let tp = life.touchpoints[t]
                chunk.touchpoints.append([.text(tp.uuid), .int(campaigns[e.campaign].rowID), .int(e.id), .int(row), policy, .int(Int64(tp.step)),
                                          .text(tp.channel.rawValue), .text(tp.template), .text(tp.status.rawValue), .int(Int64(tp.due)), .init(tp.sent),
                                          .init(tp.delivered), .init(tp.opened), .init(tp.clicked), .init(tp.responded), .init(tp.failed), .init(tp.subject),
                                          .init(tp.content), .init(tp.response), .int(Int64(tp.attempts)), .init(tp.lastError), .init(tp.skipReason),
                                          .int(Int64(e.at)), .int(Int64(tp.updatedAt))])
                if let at = tp.responded, let response = tp.response {
                    event(.touchpoint_responded, at, .info, .object([("touchpointId", .string(tp.uuid)), ("response", .string(response))]),
                          customer: life.person, into: &chunk)
                    lastAnswer = max(lastAnswer ?? 0, at)
                }
            }
        }
        chunk.summary.enrolments += life.enrolments.count
        chunk.summary.touchpoints += life.touchpoints.count
        return lastAnswer
    }

    private func writePolicy(_ p: DemoPolicy, customer person: Person, into chunk: inout DemoChunk) {
        let line = DemoBook.lines[p.type]!
        let claimCents = p.claims.reduce(0) { $0 + $1.amountCents }
        chunk.policies.append([
            .int(p.row), .text(rng.orderedID(milliseconds: idTime, counter: &idCounter)), .int(person.row), .text(person.agent.id), .text(p.number),
            .text(p.type.rawValue), .text(p.status.rawValue), .int(Int64(p.instalmentCents)), .text(p.frequency.rawValue), .int(Int64(p.annualCents)),
            .text(p.type == .life ? "term_\(p.term / 12)" : line.coverageType), .int(Int64(p.coverageCents)), .init(line.deductible.map { Int($0 * 100) }),
            .int(Int64(p.effective)), .int(Int64(p.expiration)), .int(Int64(p.expiration)), .int(Int64(p.term)),
            .init(p.renewals.isEmpty ? nil : p.effective), .int(Int64(p.renewals.count)), .int(Int64(p.paidCents.rounded())),
            .int(Int64(p.claims.count)), .int(Int64(claimCents)), .text(p.underwriter),
            .init(p.endedAt), .init(p.endReason), .int(Int64(p.start)), .int(Int64(now)), .int(Int64(p.start)),
            .int(Int64(PolicyMetricsCode.code(type: p.type.rawValue, status: p.status.rawValue, endReason: p.endReason))),
        ])
    }
}
