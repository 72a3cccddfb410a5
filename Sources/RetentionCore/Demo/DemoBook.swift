import Foundation

/// Builds a realistic book of business for demonstrations, tests and the benchmark.
///
/// Each customer has a hidden propensity to leave, `z ~ N(0, 1)`, that drives both their behaviour
/// (fewer contacts, more missed payments and complaints, lower NPS and satisfaction, fewer opened messages)
/// and their departures. The signals the health score and churn model read are therefore genuinely
/// predictive of who churned, as in a real book; `z` itself is never stored.
///
/// A customer's history is simulated event by event, in time order, from their first policy to `now`
/// (`DemoGenerator`): terms end and renew or not, policies are cancelled mid-term, lines are added, campaigns
/// run and their messages go out, customers leave and some come back. At each term's end:
/// - the carrier's renewal offer changes the premium by Δ: the line's yearly trend (auto 8 %, home 7 %, ...)
///   for the term, ± 3 %, a re-rating of +10–30 % for one renewal in ten, a surcharge of +8–25 % after a claim
///   in the term, a cut of 3–12 % for one in sixteen;
/// - the customer leaves with `logit(q) = logit(0.55·(1 − R^(m/12))) + 0.9·z − 0.35·bundled + 5·max(0, Δ − 0.05)
///   + 0.5·(denied claims) + campaign effects`, `R` the line's typical annual retention (auto 0.87, home 0.90,
///   ... from DOMAIN.md), `m` the term in months, `bundled` 1 with two or more policies in force. So a large
///   increase makes leaving likelier (+25 % doubles the odds nearly three times over), as rate increases drive
///   most personal-lines lapses; after an increase of 12 % or more the customer may also cancel early in the
///   new term to move to a cheaper carrier. An agency remarkets three in ten of those leaving after an increase
///   of 15 % or more: the policy is rewritten with another carrier (cancelled as `rewritten`, a new one of the
///   same line the same day).
/// - a renewed term's premium change is recorded as the engine records it: a `policy_renewed` event with
///   `premiumBefore` and `premiumAfter` (so `premium_changes` holds every renewal's before and after).
/// Mid-term endings (cancellation, non-payment) come with probability `logit(0.3·(1 − R^(m/12))) + 0.9·z − 0.35·bundled`
/// per term. Term life runs 10 to 30 years at a level premium, never renews, ends early with a yearly hazard of
/// 7 % falling to 3 % (× e^(0.5·z); mostly for non-payment, a cancellation by the product's definitions, since
/// a lapse is at renewal) and expires at the term's end.
/// A customer whose last policy ended may come back (12 % by themselves, more after a win-back campaign), with
/// a new policy after a gap: a returning customer.
/// Because customers with high `z` leave early, the survivors' retention rises with tenure, the
/// heterogeneity the sBG model captures.
///
/// The book's campaigns (`DemoCampaign`) run inside the same history, so who they enrolled, what their
/// messages did and what became of treated and control customers are all in the rows.
///
/// Deterministic for a seed and a `now`: the same arguments give the same book, ids included.
public struct DemoBook {
    public var customers: Int
    public var seed: UInt64
    public var now: Int
    /// Events are generated over this many months before `now` (and policy history over the whole tenure).
    public var historyMonths = 36
    /// Whether the book holds its campaigns (a test of campaign mechanics may want a book without any).
    public var withCampaigns = true

    public init(customers: Int, seed: UInt64, now: Int, withCampaigns: Bool = true) {
        self.customers = customers
        self.seed = seed
        self.now = now
        self.withCampaigns = withCampaigns
    }

    /// Line of business parameters: term options (months), median annual premium today (dollars), log-normal
    /// spread, typical annual retention, yearly premium trend, claims per policy-year, mean claim, coverage
    /// amount range.
    struct Line: Sendable {
        var type: PolicyType
        var terms: [Int]
        var medianPremium: Double
        var spread: Double
        var annualRetention: Double
        var trend: Double
        var claimsPerYear: Double
        var meanClaim: Double
        var coverage: ClosedRange<Double>
        var coverageType: String
        var deductible: Double?

        /// The chance of leaving in one term at the line's typical retention, `1 − R^(m/12)`.
        func baseLapse(term: Int) -> Double { 1 - pow(annualRetention, Double(min(term, 12)) / 12) }
    }

    static let lines: [PolicyType: Line] = [
        .auto: Line(type: .auto, terms: [6, 6, 12], medianPremium: 1350, spread: 0.3, annualRetention: 0.87, trend: 0.08, claimsPerYear: 0.11,
                    meanClaim: 4500, coverage: 50_000...300_000, coverageType: "comprehensive", deductible: 500),
        .home: Line(type: .home, terms: [12], medianPremium: 1250, spread: 0.35, annualRetention: 0.90, trend: 0.07, claimsPerYear: 0.055,
                    meanClaim: 12_000, coverage: 200_000...750_000, coverageType: "dwelling", deductible: 1000),
        .renters: Line(type: .renters, terms: [12], medianPremium: 185, spread: 0.25, annualRetention: 0.80, trend: 0.03, claimsPerYear: 0.03,
                       meanClaim: 2_500, coverage: 15_000...50_000, coverageType: "personal_property", deductible: 250),
        .life: Line(type: .life, terms: [120, 180, 240, 300, 360], medianPremium: 600, spread: 0.25, annualRetention: 0.95, trend: 0, claimsPerYear: 0,
                    meanClaim: 0, coverage: 250_000...1_000_000, coverageType: "term", deductible: nil),
        .umbrella: Line(type: .umbrella, terms: [12], medianPremium: 350, spread: 0.3, annualRetention: 0.92, trend: 0.04, claimsPerYear: 0.01,
                        meanClaim: 40_000, coverage: 1_000_000...2_000_000, coverageType: "personal_liability", deductible: nil),
        .commercial: Line(type: .commercial, terms: [12], medianPremium: 1100, spread: 0.7, annualRetention: 0.85, trend: 0.05, claimsPerYear: 0.08,
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
        public var campaigns = 0
        public var enrolments = 0
        public var touchpoints = 0

        mutating func add(_ other: Summary) {
            customers += other.customers; activeCustomers += other.activeCustomers; policies += other.policies
            inForcePolicies += other.inForcePolicies; events += other.events; enrolments += other.enrolments; touchpoints += other.touchpoints
        }
    }

    /// Writes the book into an empty database, in chunked transactions. `progress` receives the number
    /// of customers written so far; `phases` is told each phase of the load as it begins and ends (see
    /// `JobPhase`): writing the rows, catching up what the triggers put off (the renewals' days, the
    /// customer totals, the policies' metrics codes), building the indexes put off.
    @discardableResult
    public func generate(into db: Database, progress: ((Int) -> Void)? = nil, phases observe: ((JobPhase) -> Void)? = nil) throws -> Summary {
        var summary = Summary()
        var ids = SeededGenerator(seed: seed ^ 0x5EED_CA4B_A167_0000)
        var campaigns = withCampaigns ? DemoCampaign.plans(now: now, customers: customers, ids: &ids) : []
        try db.transaction {
            for a in DemoCatalog.agents {
                try db.run("INSERT INTO agents (id, name, email, phone) VALUES (?, ?, ?, ?)", [.text(a.id), .text(a.name), .text(a.email), .text(a.phone)])
            }
            try db.settings.set(Settings.demoBook, JSONValue.object([("seed", .number(Double(seed))), ("customers", .int(customers)),
                                                                     ("generatedAt", .string(Timestamp.formatInstant(now)))]))
            for k in campaigns.indices {
                try db.run("""
                    INSERT INTO campaigns (uuid, name, description, campaign_type, status, target_segment, schedule, sequence, goals, control_fraction,
                      created_by, status_changed_at, paused_at, next_run_at, version, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, campaigns[k].row)
                campaigns[k].rowID = db.lastInsertRowID
            }
        }
        summary.agents = DemoCatalog.agents.count
        summary.campaigns = campaigns.count
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
            INSERT INTO retention_events (id, uuid, customer_id, policy_id, event_type, severity, data, triggered_actions, occurred_at, created_by, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, '[]', ?, 'demo', ?)
            """)
        let insertPremiumChange = try BatchedInsert(db, Store.insertRenewalPremiumChange)
        let insertTag = try BatchedInsert(db, "INSERT INTO customer_tags (customer_id, position, tag) VALUES (?, ?, ?)")
        let insertOptOut = try BatchedInsert(db, "INSERT INTO contact_preferences (customer_id, channel, opted_out, changed_at, changed_by) VALUES (?, ?, 1, ?, 'demo')")
        let insertEnrolment = try BatchedInsert(db, """
            INSERT INTO campaign_enrollments (id, campaign_id, customer_id, policy_id, run_at, enrolled_at, is_control) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let insertTouchpoint = try BatchedInsert(db, """
            INSERT INTO touchpoints (uuid, campaign_id, enrollment_id, customer_id, policy_id, step_index, channel, template, status, due_at, sent_at,
              delivered_at, opened_at, clicked_at, responded_at, failed_at, subject, content, response, attempts, last_error, skip_reason, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let generator = DemoGenerator(book: self, campaigns: campaigns,
                                      customerBase: Int64(try db.scalarInt("SELECT coalesce(max(id), 0) + 1 FROM customers")),
                                      policyBase: Int64(try db.scalarInt("SELECT coalesce(max(id), 0) FROM policies")),
                                      enrolmentBase: Int64(try db.scalarInt("SELECT coalesce(max(id), 0) FROM campaign_enrollments")),
                                      eventBase: Int64(try db.scalarInt("SELECT coalesce(max(id), 0) FROM retention_events")))
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
                    try insertPremiumChange.insert(chunk.premiumChanges)
                    try insertTag.insert(chunk.tags)
                    try insertOptOut.insert(chunk.optOuts)
                    try insertEnrolment.insert(chunk.enrolments)
                    try insertTouchpoint.insert(chunk.touchpoints)
                }
                written += chunk.customers.count
                summary.add(chunk.summary)
                progress?(written)
                // The chunk's rows are freed on the drawing thread, which has time to spare; the writing thread has none.
                background.async { withExtendedLifetime(chunk) {} }
            }
        }
        // Secondary indexes are built once after the load; the renewals' premium changes are written with their events.
        var phases = JobPhases(observe)
        phases.begin("write the rows")
        try Store.withIndexesDeferred(db, tables: ["customers", "customer_tags", "policies", "retention_events", "premium_changes", "campaign_enrollments",
                                                   "touchpoints"], keeping: Self.indexesFilledInOrder) {
            try Store.withTriggersDeferred(db, { try Store.customerAndPolicyTriggers($0) + Store.premiumChangeTriggers($0, writtenByLoad: true) }) {
                try load()
                try db.transaction { try writeCampaignAudit(db, campaigns, generator) }
                phases.begin("what the triggers put off do (renewal days, totals)")
            }
            phases.begin("build the indexes put off")
        }
        phases.end()
        return summary
    }

    /// The audit trail of the campaigns, as the engine writes it: created, activated (with the first run's
    /// enrolment), each later run, paused or completed, scheduled.
    private func writeCampaignAudit(_ db: Database, _ campaigns: [DemoCampaign], _ generator: DemoGenerator) throws {
        var rows: [(at: Int, action: String, id: String, details: JSONValue)] = []
        for (c, campaign) in campaigns.enumerated() {
            rows.append((campaign.createdAt, "campaign.create", campaign.uuid, .object([("name", .string(campaign.name))])))
            for change in campaign.statusChanges {
                var details: [(String, JSONValue)] = [("from", .string(change.from.rawValue))]
                if change.to == .active, let first = generator.runTallies[c].first {
                    details += [("enrolled", .int(first.enrolled)), ("control", .int(first.control)), ("touchpoints", .int(first.touchpoints))]
                }
                if change.to == .completed { details.append(("touchpointsCancelled", .int(generator.cancelledAtCompletion[c]))) }
                details.append(("to", .string(change.to.rawValue)))
                rows.append((change.at, "campaign.status", campaign.uuid, .object(details)))
            }
            for (k, run) in campaign.runs.enumerated().dropFirst() {
                rows.append((run, "campaign.run", campaign.uuid, .object([("enrolled", .int(generator.runTallies[c][k].enrolled))])))
            }
        }
        for row in rows.sorted(by: { ($0.at, $0.id) < ($1.at, $1.id) }) {
            try db.run("INSERT INTO audit_log (at, user_name, action, entity_type, entity_id, details) VALUES (?, 'demo', ?, 'campaign', ?, ?)",
                       [.int(Int64(row.at)), .text(row.action), .text(row.id), .text(row.details.serialized())])
        }
    }

    /// The indexes a load keeps, because it fills them in their own order: indexes led by the customer (rows
    /// are written customer by customer, ids ascending), by a column of a few values (agent, line and status,
    /// tag, campaign: each value's entries arrive in id order), or by the scores, which a new customer has not
    /// yet (one run of empty keys); and the few pending touchpoints' due times. Adding their entries during the load cost about what sorting for them after it did
    /// (16.5 s for the events' index alone at a million customers), and the load's peak memory fell from 658
    /// to 328 MiB without those sorts.
    static let indexesFilledInOrder: Set<String> = [
        "retention_events_customer", "policies_customer", "policies_metrics", "policies_type", "customers_agent", "customer_tags_tag",
        "customers_risk_queue", "customers_risk_level", "customers_assigned", "customers_erased",
        "campaign_enrollments_customer", "campaign_enrollments_campaign_customer", "touchpoints_campaign", "touchpoints_customer", "touchpoints_due",
    ]

    /// `value` in decimal, left-padded with zeros to `width` digits.
    static func zeroPadded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    static func emailAddress(first: String, last: String, index: Int, domain: String) -> String {
        let f = asciiNames[first] ?? ascii(first), l = asciiNames[last] ?? ascii(last)
        let local = [f, l].filter { !$0.isEmpty }.joined(separator: ".")
        return "\(local.isEmpty ? "client" : local).\(index + 1)@\(domain)"
    }
}

extension DemoBook {
    /// A name folded to the ASCII letters and digits of an e-mail address ("Zoë" → "zoe", "山田" → "").
    static func ascii(_ s: String) -> String {
        let folded = s.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        return String(folded.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }.map(Character.init))
    }

    /// The catalogue's names folded once (folding makes a locale each time: a fifth of the drawing thread's work).
    static let asciiNames: [String: String] = Dictionary((DemoCatalog.firstNames + DemoCatalog.lastNames).map { ($0, ascii($0)) }, uniquingKeysWith: { a, _ in a })
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

extension Store {
    /// Whether the file at `path` is a Retention database marked as a demo book (`Settings.demoBook`); false
    /// for any file that cannot be read as one. Opened read-only, never migrated.
    public static func isDemoBook(path: String) -> Bool {
        var options = Database.Options()
        (options.create, options.readOnly) = (false, true)
        guard let db = try? Database(path: path, options: options) else { return false }
        return (try? db.settings.isStored(Settings.demoBook)) == true
    }
}
