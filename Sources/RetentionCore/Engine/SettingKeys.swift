import Foundation

/// Every key of the `settings` table: its type, default, stored text and validation (see `Settings`).
extension Settings {
    // MARK: What `retention config` changes

    public static let discountRate = Key<Double>("ltv.discountRate", expected: "a rate from 0 to 1 (0.10 is 10 %; 0 values the next 50 years undiscounted)",
                                                 default: LTVSettings().discountRate, decode: decimal, encode: JSONValue.format(number:),
                                                 refusal: { (0...1).contains($0) ? nil : "must be a rate from 0 to 1 (0.10 is 10 %; 0 values the next 50 years undiscounted)" })
    public static let profitMargin = Key<Double>("ltv.profitMargin", expected: "a share from 0 to 1 (0.15 is 15 %)",
                                                 default: LTVSettings().profitMargin, decode: decimal, encode: JSONValue.format(number:),
                                                 refusal: { (0...1).contains($0) ? nil : "must be a share from 0 to 1 (0.15 is 15 %)" })
    /// In cents; stored (and set) in dollars.
    public static let acquisitionCost = Key<Int>("ltv.acquisitionCost", expected: "an amount of dollars of zero or more",
                                                 default: LTVSettings().acquisitionCostCents, decode: dollarsAsCents, encode: centsAsDollars,
                                                 refusal: { (0..<100_000_000_000).contains($0) ? nil : "must be an amount of dollars of zero or more" })
    /// In cents; stored (and set) in dollars.
    public static let operationalCost = Key<Int>("ltv.operationalCost", expected: "an amount of dollars a policy costs a year, zero or more",
                                                 default: LTVSettings().operationalCostCents, decode: dollarsAsCents, encode: centsAsDollars,
                                                 refusal: { (0..<100_000_000_000).contains($0) ? nil : "must be an amount of dollars a policy costs a year, zero or more" })
    public static let companyName = Key<String>("company.name", expected: "a name of at most 100 characters on one line",
                                                default: TemplateVariables.fallback("company.name"), decode: { $0 }, encode: { $0 },
                                                refusal: { name in
        if name.trimmingCharacters(in: .whitespaces).isEmpty { return "cannot be empty" }
        do { _ = try Validation.text(name, field: "company.name", maxLength: 100) } catch let e as RetentionError { return e.message } catch { return "\(error)" }
        return nil
    })
    public static let contactWindow = Key<CallingWindow>("contact.window", expected: "HH:MM-HH:MM with the start before the end, like 08:00-21:00",
                                                         default: CallingWindow(), decode: CallingWindow.init(parsing:), encode: \.description)
    public static let cgiAnonymousReads = Key<Bool>("cgi.anonymousReads", expected: "true or false", default: CGISettings().anonymousReads,
                                                    decode: boolean, encode: { "\($0)" })
    public static let cgiAnonymousWrites = Key<Bool>("cgi.anonymousWrites", expected: "true or false", default: CGISettings().anonymousWrites,
                                                     decode: boolean, encode: { "\($0)" })
    public static let cgiMaxBodyBytes = Key<Int>("cgi.maxBodyBytes",
                                                 expected: "a whole number of bytes from \(CGISettings.maxBodyRange.lowerBound) to \(CGISettings.maxBodyRange.upperBound)",
                                                 default: CGISettings().maxBodyBytes, decode: { Int($0.trimmingCharacters(in: .whitespaces)) }, encode: { "\($0)" },
                                                 refusal: { CGISettings.maxBodyRange.contains($0) ? nil : "must be a whole number of bytes from \(CGISettings.maxBodyRange.lowerBound) to \(CGISettings.maxBodyRange.upperBound)" })
    /// The renewal grace of every line without its own (`RenewalGrace`).
    public static let graceDays = Key<Int>(RenewalGrace.defaultKey, expected: "a whole number of days from 0 to \(RenewalGrace.maximumDays)",
                                           default: RenewalGrace().defaultDays, decode: days, encode: { "\($0)" })
    /// One line's own renewal grace (no default of its own: `graceDays` applies).
    public static func graceDays(line: PolicyType) -> Key<Int> {
        Key<Int>(RenewalGrace.linePrefix + line.rawValue, expected: graceDays.expected, default: graceDays.defaultValue, decode: days, encode: { "\($0)" })
    }

    /// How long a channel program may take for one message before its process group is killed and the send
    /// recorded as failed: whole seconds, 1 to 3600, default 30.
    public static let programTimeout = Key<Int>("dispatch.programTimeoutSeconds", expected: "a whole number of seconds from 1 to 3600",
                                               default: 30, decode: { Int($0.trimmingCharacters(in: .whitespaces)) }, encode: { "\($0)" },
                                               refusal: { (1...3600).contains($0) ? nil : "must be a whole number of seconds from 1 to 3600" })

    // MARK: Score history (see `HistorySettings`, Scoring/ScoreHistory.swift)

    /// A rescore adds a history row when the health score moved by at least this many points (0 to 100, default 1).
    public static let historyMinHealthChange = Key<Double>("history.minHealthChange", expected: "a number of health points from 0 to 100",
                                                           default: HistorySettings().minHealthChange, decode: decimal, encode: JSONValue.format(number:),
                                                           refusal: { (0...100).contains($0) ? nil : "must be a number of health points from 0 to 100" })
    /// … or the churn probability moved by at least this much (0 to 1, default 0.02: two points).
    public static let historyMinChurnChange = Key<Double>("history.minChurnChange", expected: "a probability change from 0 to 1",
                                                          default: HistorySettings().minChurnChange, decode: decimal, encode: JSONValue.format(number:),
                                                          refusal: { (0...1).contains($0) ? nil : "must be a probability change from 0 to 1" })
    /// … or this many days passed since the customer's last history row (0: every rescore adds one; default 30).
    public static let historyMaxIntervalDays = Key<Int>("history.maxIntervalDays", expected: "a whole number of days from 0 to 3650",
                                                        default: HistorySettings().maxIntervalDays, decode: { Int($0.trimmingCharacters(in: .whitespaces)) },
                                                        encode: { "\($0)" }, refusal: { (0...3650).contains($0) ? nil : "must be a whole number of days from 0 to 3650" })
    /// `retention maintenance` keeps every history row younger than this many days (default 90).
    public static let historyKeepAllDays = Key<Int>("history.keepAllDays", expected: "a whole number of days from 1 to 36500",
                                                    default: HistorySettings().keepAllDays, decode: { Int($0.trimmingCharacters(in: .whitespaces)) },
                                                    encode: { "\($0)" }, refusal: { (1...36_500).contains($0) ? nil : "must be a whole number of days from 1 to 36500" })
    /// … then one a week (the week's last) until this many days, then one a month (default 365).
    public static let historyKeepWeeklyDays = Key<Int>("history.keepWeeklyDays", expected: "a whole number of days from 1 to 36500",
                                                       default: HistorySettings().keepWeeklyDays, decode: { Int($0.trimmingCharacters(in: .whitespaces)) },
                                                       encode: { "\($0)" }, refusal: { (1...36_500).contains($0) ? nil : "must be a whole number of days from 1 to 36500" })

    /// The keys `retention config` lists (in this order) and changes, with their help.
    public static let configurable: [Configurable] = [
        discountRate.configurable(help: "annual discount rate, a share from 0 to 1 (default 0.10; 0 sums the premium expected in the next 50 years undiscounted)"),
        profitMargin.configurable(help: "share of premium kept after paying for the cover (default 0.15)"),
        acquisitionCost.configurable(help: "cost of winning a customer, in dollars (default 200)"),
        operationalCost.configurable(help: "cost of keeping one policy in force for a year, in dollars (servicing, billing; default 0)"),
        companyName.configurable(help: "the name messages sign with ({{company.name}}; default \"your insurance agency\")"),
        contactWindow.configurable(help: "when calls and text messages may go, in the customer's local time, HH:MM-HH:MM (default 08:00-21:00)"),
        cgiAnonymousReads.configurable(help: "true: `retention cgi` answers GET without a user the web server authenticated (REMOTE_USER); default false"),
        cgiAnonymousWrites.configurable(help: "true: the same for POST, PATCH, PUT and DELETE; default false"),
        cgiMaxBodyBytes.configurable(help: "the largest request body over HTTP, in bytes (1024 to 104857600; default 1048576); a larger one is refused with 413"),
        graceDays.configurable(help: "days a policy may stay unrenewed past its expiration date before it ends (default 30)"),
        Configurable(name: RenewalGrace.linePrefix + "LINE", expected: graceDays.expected,
                     help: "the same for one line of business (auto, home, ...); default policy.graceDays",
                     matches: { line(of: $0) != nil },
                     names: { settings in try settings.storedNames(prefix: RenewalGrace.linePrefix).filter { name in
                         line(of: name).map { (try? settings.stored(graceDays(line: $0))) != nil } ?? false } },
                     read: { settings, name in "\(try settings.stored(graceDays(line: line(of: name)!)) ?? settings.value(graceDays))" },
                     write: { settings, name, text in
                         let key = graceDays(line: line(of: name)!)
                         let v = try key.parse(text)
                         try settings.set(key, v)
                         return key.encode(v)
                     }),
        programTimeout.configurable(help: "seconds a command or sendmail channel program may take for one message before it is stopped and the send recorded as failed (1 to 3600; default 30)"),
        historyMinHealthChange.configurable(help: "a rescore adds a history row when the health score moved at least this many points (default 1)"),
        historyMinChurnChange.configurable(help: "... or the churn probability moved at least this much, 0 to 1 (default 0.02), or the risk level changed"),
        historyMaxIntervalDays.configurable(help: "... or this many days passed since the last history row (default 30; 0 adds one at every rescore)"),
        historyKeepAllDays.configurable(help: "`retention maintenance` keeps every history row younger than this many days (default 90)"),
        historyKeepWeeklyDays.configurable(help: "... then the last of each week until this age in days, then the last of each month (default 365)"),
    ]

    // MARK: What the product keeps for itself

    /// What each touch of a channel costs, in cents (campaign ROI); no command sets it.
    static func channelCost(_ channel: ContactChannel) -> Key<Int> {
        Key<Int>("cost.\(channel.rawValue)", expected: "a whole number of cents", default: ChannelCosts.defaults[channel] ?? 0,
                 decode: { Int($0) }, encode: { "\($0)" })
    }

    /// Where a channel's messages go (`retention channel set`), as JSON `{"kind", "target"}`; none by default.
    static func channelAdapter(_ channel: ContactChannel) -> Key<ChannelAdapter?> {
        Key<ChannelAdapter?>("channel.\(channel.rawValue)", expected: "a JSON object with kind and target", default: nil,
                             decode: { text in (try? JSONValue.parse(text)).flatMap(ChannelAdapter.init(json:)).map { .some($0) } },
                             encode: { $0?.json.serialized() ?? "null" })
    }

    /// Every Maildir and outbox folder messages were ever configured to go to, as a JSON array of adapters.
    static let channelFolders = Key<[ChannelAdapter]>("channel.folders", expected: "a JSON array of channel adapters", default: [],
                                                      decode: { text in
        guard case .array(let items)? = try? JSONValue.parse(text) else { return nil }
        return items.compactMap(ChannelAdapter.init(json:))
    }, encode: { JSONValue.array($0.map(\.json)).serialized() })

    /// A user's own template for a channel (`retention template set`), as JSON `{"subject", "body"}`.
    struct UserTemplate: Sendable, Equatable { var subject: String?; var body: String }
    static let templatePrefix = "template."
    static func template(_ name: String, _ channel: ContactChannel) -> Key<UserTemplate?> {
        Key<UserTemplate?>("\(templatePrefix)\(name).\(channel.rawValue)", expected: "a JSON object with a body", default: nil, decode: { text in
            guard let v = try? JSONValue.parse(text), let body = v["body"]?.stringValue else { return nil }
            return .some(UserTemplate(subject: v["subject"]?.stringValue, body: body))
        }, encode: { t in JSONValue.object([("subject", .optional(t?.subject)), ("body", .string(t?.body ?? ""))]).serialized() })
    }

    /// The book's median of each churn feature, saved by the last rescore (a JSON array of numbers in
    /// `ChurnFeatures.names` order); the default model's means before one.
    static let scoringMedians = Key<[Double]>("scoring.medians", expected: "a JSON array of \(ChurnFeatures.names.count) numbers",
                                              default: DefaultChurnModel.model.means, decode: { text in
        guard let values = (try? JSONValue.parse(text))?.arrayValue?.compactMap(\.doubleValue), values.count == ChurnFeatures.names.count else { return nil }
        return values
    }, encode: { JSONValue.array($0.map { .number($0) }).serialized() })

    /// When the last full rescore ran (its `now`) and the last event row before it: `retention rescore --changed`
    /// looks for changes from there (see `Engine.changedCustomerRows`). Nil before the first full rescore.
    static let lastFullRescore = Key<FullRescoreMark?>("scoring.lastFullRescore", expected: "a JSON object {\"at\", \"lastEvent\"}", default: nil,
                                                        decode: { text in
        guard let v = try? JSONValue.parse(text), let at = v["at"]?.doubleValue, let event = v["lastEvent"]?.doubleValue else { return nil }
        return .some(FullRescoreMark(at: Int(at), lastEvent: Int64(event)))
    }, encode: { m in JSONValue.object([("at", .int(m?.at ?? 0)), ("lastEvent", .int(Int(m?.lastEvent ?? 0)))]).serialized() })

    /// The last completed thinning of the score history (`Engine.maintain`): its time and the policy's two ages
    /// in days, so the next run reads only the rows that aged into thinning since. Nil before the first.
    static let lastHistoryThinning = Key<[Int]?>("history.lastThinning", expected: "a JSON array [at, keepAllDays, keepWeeklyDays]", default: nil,
                                                  decode: { text in
        guard let v = (try? JSONValue.parse(text))?.arrayValue?.compactMap(\.doubleValue), v.count == 3 else { return nil }
        return .some(v.map { Int($0) })
    }, encode: { JSONValue.array(($0 ?? []).map { .int($0) }).serialized() })

    /// The retention model of each line the last rescore fitted, as JSON `{"auto": {"alpha", "beta"}, …}`.
    static let retentionModels = Key<[PolicyType: ShiftedBetaGeometric]?>("ltv.retentionModels", expected: "a JSON object of models by line",
                                                                         default: nil, decode: { text in
        guard let saved = try? JSONDecoder().decode([String: ShiftedBetaGeometric].self, from: Data(text.utf8)) else { return nil }
        return .some(Dictionary(uniqueKeysWithValues: saved.compactMap { key, model in PolicyType(rawValue: key).map { ($0, model) } }))
    }, encode: { models in
        JSONValue.object((models ?? [:]).sorted { $0.key.rawValue < $1.key.rawValue }.map { type, m in
            (type.rawValue, .object([("alpha", .number(m.alpha)), ("beta", .number(m.beta))]))
        }).serialized()
    })

    /// Marks a demo book (`retention demo`): its seed, size and generation time, as JSON. Only a demo book is replaced by the next demo.
    /// Erasures whose old copies may still be in the database file or its WAL (see `Engine.eraseCustomer`):
    /// each `{"customerId", "erasedAt"}`; the key is removed once a checkpoint has overwritten them.
    static let pendingErasures = Key<[JSONValue]>("privacy.pending_erasures", expected: "a JSON array of pending erasures", default: [],
                                                  decode: { (try? JSONValue.parse($0))?.arrayValue }, encode: { JSONValue.array($0).serialized() })
    static let demoBook = Key<JSONValue>("demo.book", expected: "a JSON object", default: .null, decode: { try? JSONValue.parse($0) }, encode: { $0.serialized() })

    // MARK: An interrupted bulk load's saved state (Database/BulkLoads, Schema/DeferredTriggers)

    /// The `CREATE INDEX` statements of indexes a bulk load dropped, as a JSON array.
    static let deferredIndexes = Key<[String]>("store.deferred_indexes", expected: "a JSON array of CREATE INDEX statements", default: [], decode: { text in
        (try? JSONValue.parse(text))?.arrayValue?.compactMap(\.stringValue)
    }, encode: { JSONValue.array($0.map { .string($0) }).serialized() })

    /// Triggers a bulk load dropped, and the catch-up that does what they would have done, as JSON
    /// `{"triggers": [CREATE TRIGGER …], "catchUp": [{"sql" or "routine", "params": [integers]}]}`.
    struct DeferredTriggers: Sendable { var triggers: [String]; var catchUp: [Store.CatchUp] }
    static let deferredTriggers = Key<DeferredTriggers>("store.deferred_triggers", expected: "the saved state of an interrupted bulk load",
                                                         default: DeferredTriggers(triggers: [], catchUp: []), decode: { text in
        guard let state = try? JSONValue.parse(text), let triggers = state["triggers"]?.arrayValue?.compactMap(\.stringValue),
              let steps = state["catchUp"]?.arrayValue else { return nil }
        var catchUp: [Store.CatchUp] = []
        for step in steps {
            guard let params = step["params"]?.arrayValue?.compactMap(\.doubleValue).map({ Int64($0) }) else { return nil }
            if let sql = step["sql"]?.stringValue { catchUp.append(.sql(sql, params)) }
            else if let name = step["routine"]?.stringValue { catchUp.append(.routine(name, params)) }
            else { return nil }
        }
        return DeferredTriggers(triggers: triggers, catchUp: catchUp)
    }, encode: { state in
        let steps = state.catchUp.map { step -> JSONValue in
            switch step {
            case .sql(let sql, let params): .object([("sql", .string(sql)), ("params", .array(params.map { .int(Int($0)) }))])
            case .routine(let name, let params): .object([("routine", .string(name)), ("params", .array(params.map { .int(Int($0)) }))])
            }
        }
        return JSONValue.object([("triggers", .array(state.triggers.map { .string($0) })), ("catchUp", .array(steps))]).serialized()
    })

    /// The premium-changes trigger an earlier Retention's load of events dropped, and the last event before
    /// the load, as JSON `{"trigger", "afterEvent"}` (only read: this version saves `deferredTriggers`).
    struct DeferredPremiumChanges: Sendable { var trigger: String; var afterEvent: Int64 }
    static let deferredPremiumChanges = Key<DeferredPremiumChanges>("store.deferred_premium_changes", expected: "the saved state of an interrupted bulk load",
                                                                    default: DeferredPremiumChanges(trigger: "", afterEvent: 0), decode: { text in
        guard let state = try? JSONValue.parse(text), let trigger = state["trigger"]?.stringValue, let after = state["afterEvent"]?.doubleValue else { return nil }
        return DeferredPremiumChanges(trigger: trigger, afterEvent: Int64(after))
    }, encode: { JSONValue.object([("trigger", .string($0.trigger)), ("afterEvent", .int(Int($0.afterEvent)))]).serialized() })

    // MARK: Decoders

    private static func decimal(_ text: String) -> Double? { Double(text).flatMap { $0.isFinite ? $0 : nil } }
    private static func dollarsAsCents(_ text: String) -> Int? { decimal(text).flatMap { abs($0) < 1e15 ? Int(($0 * 100).rounded()) : nil } }
    private static func centsAsDollars(_ cents: Int) -> String { JSONValue.format(number: Double(cents) / 100) }
    private static func days(_ text: String) -> Int? { Int(text.trimmingCharacters(in: .whitespaces)) .flatMap { (0...RenewalGrace.maximumDays).contains($0) ? $0 : nil } }
    private static func boolean(_ text: String) -> Bool? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() { case "true": true; case "false": false; default: nil }
    }
    private static func line(of key: String) -> PolicyType? {
        key.hasPrefix(RenewalGrace.linePrefix) ? PolicyType(rawValue: String(key.dropFirst(RenewalGrace.linePrefix.count))) : nil
    }
}
