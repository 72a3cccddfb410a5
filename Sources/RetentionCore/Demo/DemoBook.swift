import Foundation

/// Builds a realistic book of business for demonstrations, tests and the benchmark.
///
/// Each customer has a hidden propensity to leave, `z ~ N(0, 1)`, that drives both their behaviour
/// (fewer contacts, more missed payments and complaints, lower NPS and satisfaction) and their
/// renewals (the chance of not renewing a term rises with `z`). The signals the health score and churn
/// model read are therefore genuinely predictive of who churned, as in a real book; `z` itself is never
/// stored.
///
/// Renewal per term: `logit(q) = logit(1 − R^(m/12)) + 0.9·z − 0.35·bundled`, with `R` the line's
/// typical annual retention (auto 0.87, home 0.90, ... from DOMAIN.md), `m` the term in months and
/// `bundled` 1 when the customer holds two or more lines. Because customers with high `z` leave early,
/// the survivors' retention rises with tenure, the heterogeneity the sBG model captures.
///
/// Deterministic for a seed and a `now`: the same arguments give the same book.
public struct DemoBook {
    public var customers: Int
    public var seed: UInt64
    public var now: Int
    /// Events are generated over this many months before `now` (and policy history over the whole tenure).
    public var historyMonths = 36

    public init(customers: Int, seed: UInt64, now: Int) {
        self.customers = customers
        self.seed = seed
        self.now = now
    }

    /// Line of business parameters: share of first policies, term options, median annual premium (dollars),
    /// log-normal spread, typical annual retention, claims per policy-year, coverage amount range.
    struct Line {
        var type: PolicyType
        var terms: [Int]
        var medianPremium: Double
        var spread: Double
        var annualRetention: Double
        var claimsPerYear: Double
        var meanClaim: Double
        var coverage: ClosedRange<Double>
        var coverageType: String
        var deductible: Double?
    }

    static let lines: [PolicyType: Line] = [
        .auto: Line(type: .auto, terms: [6, 6, 12], medianPremium: 1350, spread: 0.3, annualRetention: 0.87, claimsPerYear: 0.11,
                    meanClaim: 4500, coverage: 50_000...300_000, coverageType: "comprehensive", deductible: 500),
        .home: Line(type: .home, terms: [12], medianPremium: 1250, spread: 0.35, annualRetention: 0.90, claimsPerYear: 0.055,
                    meanClaim: 12_000, coverage: 200_000...750_000, coverageType: "dwelling", deductible: 1000),
        .renters: Line(type: .renters, terms: [12], medianPremium: 185, spread: 0.25, annualRetention: 0.80, claimsPerYear: 0.03,
                       meanClaim: 2_500, coverage: 15_000...50_000, coverageType: "personal_property", deductible: 250),
        .life: Line(type: .life, terms: [12], medianPremium: 650, spread: 0.4, annualRetention: 0.93, claimsPerYear: 0.002,
                    meanClaim: 250_000, coverage: 250_000...1_000_000, coverageType: "term_20", deductible: nil),
        .umbrella: Line(type: .umbrella, terms: [12], medianPremium: 350, spread: 0.3, annualRetention: 0.92, claimsPerYear: 0.01,
                        meanClaim: 40_000, coverage: 1_000_000...2_000_000, coverageType: "personal_liability", deductible: nil),
        .commercial: Line(type: .commercial, terms: [12], medianPremium: 1100, spread: 0.7, annualRetention: 0.85, claimsPerYear: 0.08,
                          meanClaim: 9_000, coverage: 300_000...2_000_000, coverageType: "general_liability", deductible: 1000),
    ]

    /// A summary of what was generated.
    public struct Summary: Sendable {
        public var customers = 0
        public var activeCustomers = 0
        public var policies = 0
        public var inForcePolicies = 0
        public var events = 0
        public var agents = 0
        /// Wall seconds of the load's phases, in order: writing the rows, writing the premium changes of
        /// their events, building the indexes put off during the load.
        public var phaseSeconds: [(phase: String, seconds: Double)] = []
    }

    /// Writes the book into an empty database, in chunked transactions. `progress` receives the number
    /// of customers written so far.
    @discardableResult
    public func generate(into db: Database, progress: ((Int) -> Void)? = nil) throws -> Summary {
        var summary = Summary()
        try db.transaction {
            for a in DemoCatalog.agents {
                try db.run("INSERT INTO agents (id, name, email, phone) VALUES (?, ?, ?, ?)", [.text(a.id), .text(a.name), .text(a.email), .text(a.phone)])
            }
            try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES ('demo.book', ?)",
                       [.text(JSONValue.object([("seed", .number(Double(seed))), ("customers", .int(customers)),
                                                ("generatedAt", .string(Timestamp.formatInstant(now)))]).serialized())])
        }
        summary.agents = DemoCatalog.agents.count
        let insertCustomer = try BatchedInsert(db, """
            INSERT INTO customers (id, uuid, lead_id, agent_id, first_name, last_name, email, phone, date_of_birth, street, city, state, zip_code,
              country, time_zone, customer_since, satisfaction_score, preferred_contact_method, do_not_contact, created_at, updated_at, last_contact_date,
              total_policies, active_policies, next_renewal_date, lifetime_value_cents)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'USA', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insertPolicy = try BatchedInsert(db, """
            INSERT INTO policies (id, uuid, customer_id, agent_id, policy_number, policy_type, status, premium_cents, premium_frequency,
              premium_currency, annual_premium_cents, coverage_type, coverage_amount_cents, coverage_deductible_cents, effective_date,
              expiration_date, renewal_date, term_months, last_renewal_date, renewal_count, total_paid_cents, claims_count,
              total_claim_cents, underwriter, documents, ended_at, end_reason, created_at, updated_at, inception_date, metrics_code)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'USD', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?, ?)
            """)
        let insertEvent = try BatchedInsert(db, """
            INSERT INTO retention_events (uuid, customer_id, policy_id, event_type, severity, data, triggered_actions, occurred_at, created_by, created_at)
            VALUES (?, ?, ?, ?, ?, ?, '[]', ?, 'demo', ?)
            """)
        let insertTag = try BatchedInsert(db, "INSERT INTO customer_tags (customer_id, position, tag) VALUES (?, ?, ?)")
        let insertOptOut = try BatchedInsert(db, "INSERT INTO contact_preferences (customer_id, channel, opted_out, changed_at, changed_by) VALUES (?, ?, 1, ?, 'demo')")
        let generator = DemoGenerator(book: self, customerBase: Int64(try db.scalarInt("SELECT coalesce(max(id), 0) + 1 FROM customers")),
                                      policyBase: Int64(try db.scalarInt("SELECT coalesce(max(id), 0) FROM policies")))
        let chunkSize = 5_000
        // The next range's rows are drawn on a background thread while this one writes the current range.
        let background = DispatchQueue(label: "retention.demo.generator")
        func drawAhead() -> Prefetch<DemoChunk>? {
            guard generator.drawn < customers else { return nil }
            let count = min(chunkSize, customers - generator.drawn)
            return Prefetch(on: background) { generator.next(count) }
        }

        // Bulk-load settings: a larger page cache and fewer WAL checkpoints; foreign keys are not checked
        // row by row because every row written here refers to a row this load has just written.
        let cacheSize = try db.scalarInt("PRAGMA cache_size"), checkpointPages = try db.scalarInt("PRAGMA wal_autocheckpoint")
        try db.execute("PRAGMA cache_size=-131072; PRAGMA wal_autocheckpoint=16384; PRAGMA foreign_keys=OFF")
        defer { try? db.execute("PRAGMA cache_size=\(cacheSize); PRAGMA wal_autocheckpoint=\(checkpointPages); PRAGMA foreign_keys=ON") }
        func load() throws {
            var next = drawAhead()
            var written = 0
            while let ahead = next {
                let chunk = try ahead.value()
                next = drawAhead()
                try db.transaction {
                    try insertCustomer.insert(chunk.customers)
                    try insertPolicy.insert(chunk.policies)
                    try insertEvent.insert(chunk.events)
                    try insertTag.insert(chunk.tags)
                    try insertOptOut.insert(chunk.optOuts)
                }
                written += chunk.customers.count
                summary.customers += chunk.summary.customers
                summary.activeCustomers += chunk.summary.activeCustomers
                summary.policies += chunk.summary.policies
                summary.inForcePolicies += chunk.summary.inForcePolicies
                summary.events += chunk.summary.events
                progress?(written)
                // The chunk's rows are freed on the drawing thread, which has time to spare; the writing thread has none.
                background.async { withExtendedLifetime(chunk) {} }
            }
        }
        // Secondary indexes are built once after the load, and the premium changes of its events written in one pass.
        var phases = PhaseClock()
        try Store.withIndexesDeferred(db, tables: ["customers", "customer_tags", "policies", "retention_events", "premium_changes"], keeping: Self.indexesFilledInOrder) {
            try Store.withTriggersDeferred(db, { try Store.customerAndPolicyTriggers($0) + Store.premiumChangeTriggers($0) }) {
                try load()
                phases.end("write the rows")
            }
            phases.end("what the triggers put off do (premium changes, totals)")
        }
        phases.end("build the indexes put off")
        summary.phaseSeconds = phases.ended
        return summary
    }

    /// The indexes a load keeps, because it fills them in their own order: indexes led by the customer (rows
    /// are written customer by customer, ids ascending), by a column of a few values (agent, line and status,
    /// tag: each value's entries arrive in id order), or by the scores, which a new customer has not yet (one
    /// run of empty keys). Adding their entries during the load cost about what sorting for them after it did
    /// (16.5 s for the events' index alone at a million customers), and the load's peak memory fell from 658
    /// to 328 MiB without those sorts.
    static let indexesFilledInOrder: Set<String> = [
        "retention_events_customer", "policies_customer", "policies_metrics", "policies_type", "customers_agent", "customer_tags_tag",
        "customers_risk_queue", "customers_risk_level", "customers_health", "customers_assigned", "customers_erased",
    ]

    /// `value` in decimal, left-padded with zeros to `width` digits.
    static func zeroPadded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    static func emailAddress(first: String, last: String, index: Int, domain: String) -> String {
        func ascii(_ s: String) -> String {
            let folded = s.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX"))
            return String(folded.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }.map(Character.init))
        }
        let f = ascii(first), l = ascii(last)
        let local = [f, l].filter { !$0.isEmpty }.joined(separator: ".")
        return "\(local.isEmpty ? "client" : local).\(index + 1)@\(domain)"
    }
}

/// The rows of a range of customers, drawn ahead of being written.
struct DemoChunk: Sendable {
    var customers: [[SQLValue]] = []
    var policies: [[SQLValue]] = []
    var events: [[SQLValue]] = []
    var tags: [[SQLValue]] = []
    var optOuts: [[SQLValue]] = []
    var summary = DemoBook.Summary()
}

/// Draws a book's customers one after another from its seed. Row ids are assigned here (the load
/// writes into tables it alone is filling), so rows can be drawn on one thread and written on another.
/// Used by one thread at a time.
final class DemoGenerator: @unchecked Sendable {
    let book: DemoBook
    let customerBase: Int64
    let policyBase: Int64
    private var rng: SeededGenerator
    private var policySequence = 0
    private var idCounter: UInt64 = 0
    private let idTime: UInt64
    private let t0: Int
    private let historyStart: Int
    private let placeWeights = DemoCatalog.places.map(\.weight)
    /// Customers drawn so far.
    private(set) var drawn = 0

    init(book: DemoBook, customerBase: Int64, policyBase: Int64) {
        self.book = book
        self.customerBase = customerBase
        self.policyBase = policyBase
        rng = SeededGenerator(seed: book.seed)
        idTime = UInt64(max(0, book.now)) * 1000
        t0 = Timestamp.startOfDay(book.now)
        historyStart = Timestamp.addingMonths(-book.historyMonths, to: t0)
    }

    func next(_ count: Int) -> DemoChunk {
        var chunk = DemoChunk()
        let now = book.now
        for i in drawn..<(drawn + count) {
            let customerRow = customerBase + Int64(i)
            // --- who they are
            let z = rng.normal()
            let agent = DemoCatalog.agents[Int(rng.next() % UInt64(DemoCatalog.agents.count))]
            let first = DemoCatalog.firstNames[Int(rng.next() % UInt64(DemoCatalog.firstNames.count))]
            let last = DemoCatalog.lastNames[Int(rng.next() % UInt64(DemoCatalog.lastNames.count))]
            let place = DemoCatalog.places[rng.weightedIndex(placeWeights)]
            let city = place.cities[Int(rng.next() % UInt64(place.cities.count))]
            // Tenure: most books are weighted to recent customers, with a long tail of loyal ones.
            let tenureMonths = min(180, Int(-log(1 - rng.nextUnit()) * 48))
            let since = Timestamp.startOfDay(Timestamp.addingMonths(-tenureMonths, to: t0) - Int(rng.next() % 28) * Timestamp.secondsPerDay)
            let age = 22 + Int(rng.next() % 55)
            let dob = Timestamp.days(year: Timestamp.civil(days: t0 / 86_400).year - age, month: 1 + Int(rng.next() % 12), day: 1 + Int(rng.next() % 28)) * 86_400
            let email = DemoBook.emailAddress(first: first, last: last, index: i, domain: DemoCatalog.emailDomains[i % DemoCatalog.emailDomains.count])
            let phone = "+1 (\(200 + Int(rng.next() % 700))) 555-\(DemoBook.zeroPadded(Int(rng.next() % 10_000), 4))"
            let satisfaction: Double? = rng.nextUnit() < 0.7
                ? (100 * LogisticModel.sigmoid(1.3 - 0.9 * z + 0.5 * rng.normal())).rounded() : nil
            let preferred: ContactChannel = [.email, .email, .email, .sms, .call, .mail][Int(rng.next() % 6)]
            let doNotContact = rng.nextUnit() < 0.01
            var customerValues: [SQLValue] = [.int(customerRow), .text(rng.orderedID(milliseconds: idTime, counter: &idCounter)), .text("lead-" + DemoBook.zeroPadded(i + 1, 8)), .text(agent.id), .text(first), .text(last),
                                     .text(email), .text(phone), .int(Int64(dob)),
                                     .text("\(1 + rng.next() % 9_900) \(DemoCatalog.streets[Int(rng.next() % UInt64(DemoCatalog.streets.count))])"),
                                     .text(city), .text(place.state), .text(String(10_000 + Int(rng.next() % 89_999))),
                                     .text(place.zone), .int(Int64(since)), .init(satisfaction), .text(preferred.rawValue),
                                     .init(doNotContact), .int(Int64(since)), .int(Int64(now))]


            // --- which lines they hold, and when each started
            var held: [(PolicyType, Int)] = []
            let firstType: PolicyType = [.auto, .auto, .auto, .home, .home, .renters, .life, .commercial][Int(rng.next() % 8)]
            held.append((firstType, since))
            let extra = rng.nextUnit()
            let extraLines = extra < 0.5 ? 0 : extra < 0.82 ? 1 : extra < 0.95 ? 2 : 3
            let candidates: [PolicyType] = firstType == .commercial ? [.auto, .umbrella, .life] : [.home, .auto, .umbrella, .life, .renters]
            for k in 0..<extraLines {
                let t = candidates[(Int(rng.next() % UInt64(candidates.count)) + k) % candidates.count]
                if held.contains(where: { $0.0 == t }) || (t == .renters && held.contains(where: { $0.0 == .home })) { continue }
                let later = since + Int(rng.nextUnit() * Double(max(0, t0 - since)) * 0.6)
                held.append((t, Timestamp.startOfDay(later)))
            }
            let bundled = held.count >= 2
            var inForce = 0
            var lastEnd = 0
            // The customer's counters, as the engine keeps them: written with the customer row, no recount after the load.
            var paidCents = 0
            var nextRenewal: Int?
            var policyRows: [(row: Int64, type: PolicyType, start: Int, end: Int?, premiumCents: Int, frequency: PremiumFrequency)] = []
            for (type, start) in held {
                guard let line = DemoBook.lines[type] else { continue }
                let term = line.terms[Int(rng.next() % UInt64(line.terms.count))]
                let annual = max(60, line.medianPremium * exp(line.spread * rng.normal()))
                let frequency: PremiumFrequency = [.monthly, .monthly, .annual, .semi_annual][Int(rng.next() % 4)]
                let instalmentCents = Int((annual / Double(frequency.paymentsPerYear) * 100).rounded())
                // Walk the terms from the start to today.
                let baseLapse = 1 - pow(line.annualRetention, Double(term) / 12)
                let logitQ = log(baseLapse / (1 - baseLapse)) + 0.9 * z - (bundled ? 0.35 : 0)
                let q = LogisticModel.sigmoid(logitQ)
                var effective = start
                var renewals = 0
                var status = PolicyStatus.active
                var endedAt: Int?
                var endReason: String?
                var renewalDates: [Int] = []
                while true {
                    let expiration = Timestamp.addingMonths(term, to: effective)
                    if expiration > t0 { break }
                    if rng.nextUnit() < q {
                        // Left at this term's end: mostly lapse or non-renewal, some mid-term cancellations.
                        let how = rng.nextUnit()
                        if how < 0.45 {
                            status = .lapsed; endedAt = expiration; endReason = "non_payment"
                        } else if how < 0.75 {
                            status = .cancelled
                            endedAt = effective + Int(rng.nextUnit() * Double(expiration - effective))
                            endReason = ["insured_request", "moved_to_competitor", "price", "sold_vehicle"][Int(rng.next() % 4)]
                        } else {
                            status = .expired; endedAt = expiration; endReason = ["not_renewed_by_insured", "carrier_non_renewal"][Int(rng.next() % 2)]
                        }
                        break
                    }
                    effective = expiration
                    renewals += 1
                    renewalDates.append(effective)
                }
                let expiration = Timestamp.addingMonths(term, to: effective)
                let paidUntil = endedAt ?? t0
                let monthsPaid = Double(max(0, paidUntil - start)) / (30.44 * 86_400)
                let paid = Int((annual * monthsPaid / 12 * 100).rounded())
                let years = monthsPaid / 12
                let claimRate = line.claimsPerYear * exp(0.3 * z)
                let claims = rng.poisson(claimRate * years)
                var claimCents = 0
                var claimTimes: [(Int, Int)] = []
                for _ in 0..<claims {
                    let amount = Int(line.meanClaim * exp(0.8 * rng.normal() - 0.32) * 100)
                    claimCents += amount
                    claimTimes.append((start + Int(rng.nextUnit() * Double(max(1, paidUntil - start))), amount))
                }
                policySequence += 1
                let policyRow = policyBase + Int64(policySequence)
                let year = Timestamp.civil(days: start / 86_400).year
                paidCents += paid
                if status.isInForce {
                    inForce += 1
                    nextRenewal = min(nextRenewal ?? expiration, expiration)
                    // Renewals coming up within 45 days are offered: pending renewal.
                    if expiration - t0 < 45 * 86_400 && rng.nextUnit() < 0.5 { status = .pending_renewal }
                }
                lastEnd = max(lastEnd, endedAt ?? 0)
                let number = "POL-\(year)-" + DemoBook.zeroPadded(policySequence, 7)
            let policyUUID = rng.orderedID(milliseconds: idTime, counter: &idCounter)
                chunk.policies.append([.int(policyRow), .text(policyUUID), .int(customerRow), .text(agent.id),
                                       .text(number), .text(type.rawValue), .text(status.rawValue),
                                       .int(Int64(instalmentCents)), .text(frequency.rawValue), .int(Int64(instalmentCents * frequency.paymentsPerYear)),
                                       .text(line.coverageType),
                                       .int(Int64(((line.coverage.lowerBound + rng.nextUnit() * (line.coverage.upperBound - line.coverage.lowerBound)) / 1000).rounded()) * 100_000),
                                       .init(line.deductible.map { Int($0 * 100) }),
                                       .int(Int64(effective)), .int(Int64(expiration)), .int(Int64(expiration)), .int(Int64(term)),
                                       .init(renewals > 0 ? effective : nil), .int(Int64(renewals)), .int(Int64(paid)),
                                       .int(Int64(claims)), .int(Int64(claimCents)),
                                       .text(DemoCatalog.underwriters[Int(rng.next() % UInt64(DemoCatalog.underwriters.count))]),
                                       .init(endedAt), .init(endReason), .int(Int64(start)), .int(Int64(now)), .int(Int64(start)),
                                       .int(Int64(PolicyMetricsCode.code(type: type.rawValue, status: status.rawValue, endReason: endReason)))])

                chunk.summary.policies += 1
                if status.isInForce { chunk.summary.inForcePolicies += 1 }
                policyRows.append((policyRow, type, start, endedAt, instalmentCents, frequency))

                // Lifecycle events inside the history window.
                func event(_ type: EventType, _ at: Int, _ severity: EventSeverity, _ data: JSONValue?, policy: Int64? = policyRow) {
                    guard at >= historyStart, at <= now else { return }
                    chunk.events.append([.text(rng.orderedID(milliseconds: idTime, counter: &idCounter)), .int(customerRow), .init(policy), .text(type.rawValue), .text(severity.rawValue),
                                          .init(data?.serialized()), .int(Int64(at)), .int(Int64(at))])
                                        chunk.summary.events += 1
                }
                event(.policy_created, start, .info, .object([("policyNumber", .string(number))]))
                for r in renewalDates {
                    event(.policy_renewed, r, .info, .object([("policyNumber", .string(number))]))
                }
                for (at, amount) in claimTimes {
                    event(.claim_filed, at, .warning, .object([("amount", .money(amount))]))
                }
                if let endedAt, let endType: EventType = status == .lapsed ? .policy_lapsed : status == .cancelled ? .policy_cancelled : status == .expired ? .policy_expired : nil {
                    event(endType, endedAt, .warning, .object([("policyNumber", .string(number)), ("reason", .string(endReason ?? ""))]))
                }
                // Missed payments: rarer for engaged customers, frequent for those about to leave.
                let windowStart = max(start, historyStart)
                let activeYears = Double(max(0, paidUntil - windowStart)) / (365.25 * 86_400)
                let missed = rng.poisson(0.25 * exp(0.9 * z) * activeYears * Double(frequency.paymentsPerYear) / 6)
                for _ in 0..<missed {
                    let at = windowStart + Int(rng.nextUnit() * Double(max(1, paidUntil - windowStart)))
                    event(.payment_missed, at, .warning, .object([("amount", .money(instalmentCents)), ("dueDate", .string(Timestamp.formatDate(at)))]))
                }
                // The last few payments received, as a bank feed would show them.
                if status.isInForce {
                    let months = 12 / frequency.paymentsPerYear
                    for k in 0..<min(3, frequency.paymentsPerYear) {
                        let at = Timestamp.addingMonths(-months * k, to: t0) - Int(rng.next() % 20) * 86_400
                        if at > start { event(.payment_received, at, .info, .object([("amount", .money(instalmentCents))])) }
                    }
                }
            }
            chunk.summary.customers += 1
            if inForce > 0 { chunk.summary.activeCustomers += 1 }
            let customerEnd = inForce > 0 ? now : lastEnd

            // --- behaviour over the history window, driven by z
            func event(_ type: EventType, _ at: Int, _ severity: EventSeverity, _ data: JSONValue?) {
                guard at >= historyStart, at <= now, at >= since else { return }
                chunk.events.append([.text(rng.orderedID(milliseconds: idTime, counter: &idCounter)), .int(customerRow), .null, .text(type.rawValue), .text(severity.rawValue),
                                      .init(data?.serialized()), .int(Int64(at)), .int(Int64(at))])
                                chunk.summary.events += 1
            }
            let from = max(since, historyStart)
            let span = Double(max(0, customerEnd - from))
            let years = span / (365.25 * 86_400)
            let contacts = rng.poisson(2.2 * exp(-0.6 * z) * years)
            var lastContact: Int?
            for _ in 0..<contacts {
                // Engaged customers' contacts are spread evenly; disengaged ones' drift into the past.
                let u = pow(rng.nextUnit(), z > 0 ? 1 + z : 1)
                let at = from + Int(u * span)
                event(.contact_made, at, .info, .object([("channel", .string(["call", "email", "sms"][Int(rng.next() % 3)])),
                                                             ("outcome", .string(DemoCatalog.contactOutcomes[Int(rng.next() % UInt64(DemoCatalog.contactOutcomes.count))]))]))
                lastContact = max(lastContact ?? 0, at)
            }
            let complaints = rng.poisson(0.12 * exp(0.8 * z) * years)
            for _ in 0..<complaints {
                let at = from + Int(rng.nextUnit() * span)
                let reason = DemoCatalog.complaintReasons[Int(rng.next() % UInt64(DemoCatalog.complaintReasons.count))]
                event(.complaint_filed, at, .warning, .object([("reason", .string(reason))]))
                if rng.nextUnit() < 0.75 - 0.1 * z {
                    event(.complaint_resolved, at + (2 + Int(rng.next() % 28)) * 86_400, .info, .object([("reason", .string(reason))]))
                }
            }
            let surveys = rng.poisson(0.6 * years)
            for _ in 0..<surveys {
                let at = from + Int(rng.nextUnit() * span)
                let score = max(0, min(10, Int((8.2 - 1.6 * z + 1.2 * rng.normal()).rounded())))
                event(.nps_response, at, .info, .object([("score", .int(score))]))
                lastContact = max(lastContact ?? 0, at)
            }
            if inForce == 0, lastEnd > 0 { event(.customer_churned, lastEnd, .critical, nil) }
            customerValues += [.init(lastContact), .int(Int64(policyRows.count)), .int(Int64(inForce)), .init(nextRenewal), .int(Int64(paidCents))]
            chunk.customers.append(customerValues)

            // --- segmentation tags and contact preferences
            var tags: [String] = []
            if held.count >= 2 { tags.append("multi-policy") }
            if held.contains(where: { $0.0 == .home }) && held.contains(where: { $0.0 == .auto }) { tags.append("bundle") }
            if tenureMonths >= 60 { tags.append("loyal") }
            if held.contains(where: { $0.0 == .commercial }) { tags.append("small-business") }
            if policyRows.reduce(0, { $0 + $1.premiumCents * $1.frequency.paymentsPerYear }) > 400_000 { tags.append("vip") }
            for (k, tag) in tags.enumerated() {
                chunk.tags.append([.int(customerRow), .int(Int64(k)), .text(tag)])
            }
            if rng.nextUnit() < 0.06 {
                chunk.optOuts.append([.int(customerRow), .text("sms"), .int(Int64(since))])
                            }
            if rng.nextUnit() < 0.03 {
                chunk.optOuts.append([.int(customerRow), .text("call"), .int(Int64(since))])
                            }
        }
        drawn += count
        return chunk
    }
}

extension SeededGenerator {
    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Double {
        let u1 = max(nextUnit(), 1e-300), u2 = nextUnit()
        return sqrt(-2 * log(u1)) * cos(2 * .pi * u2)
    }

    /// A Poisson draw with mean `lambda` (Knuth's method; the demo's means are small).
    mutating func poisson(_ lambda: Double) -> Int {
        guard lambda > 0 else { return 0 }
        if lambda > 30 { return max(0, Int((lambda + sqrt(lambda) * normal()).rounded())) }
        let l = exp(-lambda)
        var k = 0
        var p = 1.0
        repeat { k += 1; p *= nextUnit() } while p > l
        return k - 1
    }

    mutating func weightedIndex(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var x = nextUnit() * total
        for (i, w) in weights.enumerated() { x -= w; if x < 0 { return i } }
        return weights.count - 1
    }

    /// A time-ordered id (UUID version 7) for a seeded book: the time is the book's `now`, then a
    /// 42-bit counter in generation order (so ids sort in insertion order and index writes append),
    /// then 32 seeded random bits. The same seed gives the same ids.
    mutating func orderedID(milliseconds: UInt64, counter: inout UInt64) -> String {
        counter += 1
        let randA = UInt16(truncatingIfNeeded: counter >> 30)
        let randB = (counter & 0x3FFF_FFFF) << 32 | (next() & 0xFFFF_FFFF)
        return TimeOrderedID.format(milliseconds: milliseconds, randA: randA, randB: randB)
    }
}
