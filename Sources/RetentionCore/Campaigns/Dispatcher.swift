import Foundation

extension Engine {
    /// What one dispatch pass did.
    public struct DispatchSummary: Sendable, Equatable {
        public var sent = 0, deferred = 0, skipped = 0, failed = 0, retried = 0
        /// Touchpoints a stopped dispatcher had left in `sending`, put right at the start of this pass: the sum
        /// of `recoveredSent` (their message file had been delivered), `recoveredPending` (nothing had been
        /// handed to the channel: due again) and `needsReview` (handed to a program that never answered).
        public var recovered = 0
        public var recoveredSent = 0, recoveredPending = 0, needsReview = 0
        /// Sends stopped at the hand-over because the touchpoint changed after it was claimed (the customer
        /// erased or marked do-not-contact, the campaign stopped, another dispatcher took it over), by reason;
        /// each is also counted in `skipped` (or `deferred`, when it is due again later).
        public var withdrawn: [String: Int] = [:]
        /// Due touchpoints of channels with no adapter, by channel: left as they are (no attempt used).
        public var waitingForChannel: [String: Int] = [:]
        /// The instant the pass ran at (`now`), which its records carry.
        public var at = 0
        public init() {}
    }

    /// How many due touchpoints one claim takes. A dispatcher stopped mid-pass leaves at most these in
    /// `sending`, and the next pass puts each of them right (see `recoverStrandedSends`).
    static let claimBatchSize = 64

    /// Sends the touchpoints that are due (`retention dispatch`), at most `limit` examined.
    ///
    /// - Exactly once: due rows are claimed in small batches (status `sending`, `claimed_by`, `claimed_at`)
    ///   inside a write transaction, so two dispatchers never take the same touchpoint; each send is recorded
    ///   as soon as the channel answers (file channels: per flushed batch).
    /// - Compliance (`ContactRules`) and the step's `skipIf` condition are decided in that same claim
    ///   transaction. The frequency cap counts the customer's touches sent in the window plus those another
    ///   dispatcher (or this claim) has in flight, so several dispatchers together never exceed it; a touch
    ///   held back only by in-flight sends is deferred 5 minutes, by the time those are recorded.
    /// - At the hand-over each touchpoint is checked again (`checkHandOver`): a change since the claim (an
    ///   erasure, do-not-contact, a stopped campaign, the calling window closed) stops the send.
    /// - A message handed to a `command`/`sendmail` program is marked (`handed_at`) before the program runs.
    /// - The crash rule: see `recoverStrandedSends`; nothing is re-sent silently and nothing stays `sending`.
    /// - A failed send is retried with backoff (5, 20, 80 minutes) up to 3 attempts; a program stopped at its
    ///   timeout may have sent the message, so that send is failed at once, never retried automatically.
    @discardableResult
    ///
    /// `clock` tells the time at each hand-over (a program send, a file batch's delivery): the calling window
    /// is judged then and the claims' heartbeat (`claimed_at`) set to it. By default `now` plus the seconds
    /// elapsed since the pass began.
    public func dispatchDue(now: Int, limit: Int = 500, dispatcherID: String = DispatcherIdentity.fresh(),
                            staleAfter: Int = 600, clock: (() -> Int)? = nil) throws -> DispatchSummary {
        DispatcherIdentity.begin(dispatcherID)
        defer { DispatcherIdentity.end(dispatcherID) }
        var summary = DispatchSummary()
        summary.at = now
        let timeout = try programTimeout()
        try recoverStrandedSends(now: now, staleAfter: max(staleAfter, timeout + 60), summary: &summary)
        var adapters: [ContactChannel: ChannelAdapter] = [:]
        for channel in ContactChannel.allCases { adapters[channel] = try channelAdapter(channel) }
        let began = DispatchTime.now().uptimeNanoseconds
        let pass = DispatchPass(id: dispatcherID, now: now, window: try callingWindow(), adapters: adapters, timeout: Double(timeout),
                                clock: clock ?? { now + Int((DispatchTime.now().uptimeNanoseconds - began) / 1_000_000_000) })
        try countWaitingForChannel(pass, summary: &summary)
        var remaining = adapters.isEmpty ? 0 : max(1, limit)
        while remaining > 0 {
            let (examined, sends) = try claim(pass, size: min(remaining, Self.claimBatchSize), summary: &summary)
            if examined == 0 { break }
            remaining -= examined
            // A database error here leaves this batch in `sending` under an identity no longer active: the
            // next pass (in this process or another) recovers it.
            try send(sends, pass, summary: &summary)
        }
        return summary
    }

    /// What one dispatch pass looks up once and reuses.
    final class DispatchPass {
        let id: String
        let now: Int
        let window: CallingWindow
        let adapters: [ContactChannel: ChannelAdapter]
        let timeout: Double
        /// The time at a hand-over (see `dispatchDue`).
        let clock: () -> Int
        var templates: [String: ChannelMessage?] = [:]
        /// Targets of file channels whose folders exist.
        var readyFolders = Set<String>()
        private var sequences: [String: [SequenceStep]?] = [:]

        init(id: String, now: Int, window: CallingWindow, adapters: [ContactChannel: ChannelAdapter], timeout: Double, clock: @escaping () -> Int) {
            self.id = id; self.now = now; self.window = window; self.adapters = adapters; self.timeout = timeout; self.clock = clock
        }

        /// The channels that have an adapter, as SQL bind values.
        var configured: [SQLValue] { ContactChannel.allCases.filter { adapters[$0] != nil }.map { .text($0.rawValue) } }

        /// A campaign's sequence from its stored JSON (nil if it cannot be read).
        func sequence(_ text: String) -> [SequenceStep]? {
            if let known = sequences[text] { return known }
            let steps = try? CampaignBody.sequence(try JSONValue.parse(text))
            sequences[text] = .some(steps)
            return steps
        }
    }

    /// A touchpoint claimed to be sent now.
    struct ClaimedSend {
        var id: Int64
        var uuid: String
        var channel: ContactChannel
        var to: String
        var attempts: Int
    }

    /// Claims up to `size` due touchpoints in one write transaction, deciding each one's compliance there:
    /// skipped and deferred ones are recorded at once, the rest become `sending` under this dispatcher.
    /// Returns how many due rows were examined and the ones to send.
    private func claim(_ pass: DispatchPass, size: Int, summary: inout DispatchSummary) throws -> (Int, [ClaimedSend]) {
        try db.transaction {
            // Only channels with an adapter: the others wait, using no attempt (`countWaitingForChannel`).
            let channels = pass.configured
            let ids = try db.query("""
                SELECT t.id FROM touchpoints t LEFT JOIN campaigns k ON k.id = t.campaign_id
                WHERE t.status = 'pending' AND t.due_at <= ? AND (k.id IS NULL OR k.status = 'active')
                  AND t.channel IN (\(channels.map { _ in "?" }.joined(separator: ", "))) ORDER BY t.due_at, t.id LIMIT ?
                """, [.int(Int64(pass.now))] + channels + [.int(Int64(size))]) { $0.int64(0) }
            var sends: [ClaimedSend] = []
            for id in ids {
                guard let t = try dueRow(id) else { continue }
                func finish(_ sets: [(String, SQLValue)]) throws {
                    try db.run("UPDATE touchpoints SET \(sets.map { "\($0.0) = ?" }.joined(separator: ", ")), claimed_by = NULL, updated_at = ? WHERE id = ?",
                               sets.map(\.1) + [.int(Int64(pass.now)), .int(id)])
                }
                switch try decide(t, pass) {
                case .skip(let reason):
                    try finish([("status", .text("skipped")), ("skip_reason", .text(reason))])
                    summary.skipped += 1
                case .deferUntil(let at, let reason):
                    try finish([("status", .text("pending")), ("due_at", .int(Int64(at))), ("skip_reason", .text("deferred: \(reason)"))])
                    summary.deferred += 1
                case .send:
                    try db.run("""
                        UPDATE touchpoints SET status = 'sending', claimed_by = ?, claimed_at = ?, handed_at = NULL, updated_at = ? WHERE id = ? AND status = 'pending'
                        """, [.text(pass.id), .int(Int64(pass.now)), .int(Int64(pass.now)), .int(id)])
                    let to = t.channel == .email || t.channel == .mail ? t.email : (t.phone ?? t.email)
                    sends.append(ClaimedSend(id: id, uuid: t.uuid, channel: t.channel, to: to, attempts: t.attempts))
                }
            }
            return (ids.count, sends)
        }
    }

    /// What the claim needs to know about one due touchpoint.
    struct DueRow {
        var uuid: String; var channel: ContactChannel; var customer: Int64; var dnc: Bool; var email: String; var phone: String?
        var zone: String?; var state: String?; var enrollment: Int64?; var step: Int; var sequence: String?; var attempts: Int
        var enrolledAt: Int?; var policy: Int64?
    }

    private func dueRow(_ id: Int64) throws -> DueRow? {
        try db.queryOne("""
            SELECT t.uuid, t.channel, t.customer_id, c.do_not_contact OR c.erased_at IS NOT NULL, c.email, c.phone, c.time_zone, c.state,
                   t.enrollment_id, t.step_index, k.sequence, t.attempts, e.enrolled_at, t.policy_id
            FROM touchpoints t JOIN customers c ON c.id = t.customer_id LEFT JOIN campaigns k ON k.id = t.campaign_id
            LEFT JOIN campaign_enrollments e ON e.id = t.enrollment_id WHERE t.id = ?
            """, [.int(id)], { r in
            DueRow(uuid: r.text(0), channel: ContactChannel(rawValue: r.text(1)) ?? .email, customer: r.int64(2), dnc: r.bool(3), email: r.text(4),
                   phone: r.optionalText(5), zone: r.optionalText(6), state: r.optionalText(7), enrollment: r.isNull(8) ? nil : r.int64(8), step: r.int(9),
                   sequence: r.optionalText(10), attempts: r.int(11), enrolledAt: r.optionalInt(12), policy: r.isNull(13) ? nil : r.int64(13))
        })
    }

    /// The step's `skipIf` condition, then `ContactRules` with the customer's touches sent in the cap's
    /// window and those in flight (`sending`, by any dispatcher), counted as sent now.
    private func decide(_ t: DueRow, _ pass: DispatchPass) throws -> ContactDecision {
        if let text = t.sequence, let enrollment = t.enrollment,
           let steps = pass.sequence(text), t.step < steps.count, let skip = steps[t.step].skipIf {
            let condition: String
            switch skip {
            case .engaged: condition = "(opened_at IS NOT NULL OR clicked_at IS NOT NULL OR responded_at IS NOT NULL)"
            case .clicked: condition = "(clicked_at IS NOT NULL OR responded_at IS NOT NULL)"
            case .responded: condition = "responded_at IS NOT NULL"
            case .renewed: condition = "0"
            }
            var met = try db.scalarInt("SELECT count(*) FROM touchpoints WHERE enrollment_id = ? AND step_index < ? AND \(condition)",
                                       [.int(enrollment), .int(Int64(t.step))]) > 0
            if skip == .renewed, let policy = t.policy, let since = t.enrolledAt {
                // Read through the customer's events (the customer index), not every renewal in the book since then.
                met = try db.scalarInt("""
                    SELECT count(*) FROM retention_events WHERE customer_id = ? AND occurred_at >= ? AND event_type = 'policy_renewed' AND policy_id = ?
                    """, [.int(t.customer), .int(Int64(since)), .int(policy)]) > 0
            }
            if met { return .skip(reason: "condition_\(skip.rawValue)") }
        }
        let now = pass.now
        let optedOut = try db.scalarInt("SELECT count(*) FROM contact_preferences WHERE customer_id = ? AND channel = ? AND opted_out = 1",
                                        [.int(t.customer), .text(t.channel.rawValue)]) > 0
        // Touches that may have gone count as sent at their hand-over: a program stopped at its timeout
        // (failed, `handed_at` kept) and a send a stopped dispatcher left with a program (`needs_review`).
        let since = Int64(now - 7 * Timestamp.secondsPerDay)
        let sent = try db.query("""
            SELECT coalesce(sent_at, handed_at) FROM touchpoints WHERE customer_id = ?
              AND (sent_at >= ? OR (sent_at IS NULL AND status IN ('failed', 'needs_review') AND handed_at >= ?))
            """, [.int(t.customer), .int(since), .int(since)]) { $0.int(0) }
        let inFlight = try db.scalarInt("SELECT count(*) FROM touchpoints WHERE customer_id = ? AND status = 'sending'", [.int(t.customer)])
        let zone = t.zone.flatMap(TimeZone.init(identifier:)) ?? ContactRules.zone(forState: t.state) ?? TimeZone(identifier: "UTC")!
        func decision(_ recent: [Int]) -> ContactDecision {
            ContactRules.decide(channel: t.channel, doNotContact: t.dnc, optedOut: optedOut, zone: zone, now: now, recentTouches: recent,
                                window: pass.window, cap: 3, capDays: 7)
        }
        let withInFlight = decision(sent + Array(repeating: now, count: inFlight))
        if inFlight > 0, case .deferUntil = withInFlight, decision(sent) == .send {
            // Held back only by sends not yet recorded: look again once they are (they may still fail).
            return .deferUntil(now + 300, reason: "frequency_cap")
        }
        return withInFlight
    }


    /// A message of a file channel written to its temporary name, waiting for its batch to be delivered.
    struct PendingDelivery {
        var claim: ClaimedSend
        var file: ChannelAdapter.StagedFile
        var subject: String?
        var body: String
    }

    /// Renders and hands over each claimed message. Programs: each one is checked again, marked handed over
    /// and rendered with the customer's current data in one write transaction (`checkHandOver`), then run,
    /// and its answer recorded at once; no write lock is held while a program runs. File channels: the batch
    /// is written and flushed, then in one write transaction each row is checked again, only the ones still
    /// to go are renamed into place (the others' files removed) and recorded sent.
    private func send(_ sends: [ClaimedSend], _ pass: DispatchPass, summary: inout DispatchSummary) throws {
        var batch: [PendingDelivery] = []
        defer { for pending in batch where pending.file.descriptor >= 0 { close(pending.file.descriptor); unlink(pending.file.temporary) } }
        for claim in sends {
            guard let adapter = pass.adapters[claim.channel] else { continue }  // claimed only for channels with one
            if adapter.writesFiles {
                let message: (subject: String?, body: String)
                do { message = try renderTouchpoint(rowID: claim.id, id: claim.uuid, templates: &pass.templates) } catch {
                    try db.transaction { try recordFailure(claim, reason: "\(error)", final: true, pass, summary: &summary) }
                    continue
                }
                do {
                    let file = try adapter.stage(id: claim.uuid, channel: claim.channel, to: claim.to, subject: message.subject, body: message.body,
                                                 readyFolders: &pass.readyFolders)
                    batch.append(PendingDelivery(claim: claim, file: file, subject: message.subject, body: message.body))
                } catch let error as RetentionError where error.code == "database_busy" {
                    throw error
                } catch {
                    try db.transaction { try recordFailure(claim, reason: (error as? RetentionError)?.message ?? "\(error)", final: false, pass, summary: &summary) }
                }
                continue
            }
            let at = pass.clock()
            var message: (subject: String?, body: String)?, to: String?
            try db.transaction {
                guard let address = try checkHandOver(claim, at: at, pass, summary: &summary) else { return }
                do { message = try renderTouchpoint(rowID: claim.id, id: claim.uuid, templates: &pass.templates) } catch {
                    try recordFailure(claim, reason: "\(error)", final: true, pass, summary: &summary)
                    return
                }
                to = address
                try db.run("UPDATE touchpoints SET handed_at = ? WHERE id = ?", [.int(Int64(at)), .int(claim.id)])
                try heartbeat(at, pass)
            }
            guard let message, let to else { continue }
            do {
                try adapter.send(id: claim.uuid, channel: claim.channel, to: to, subject: message.subject, body: message.body, timeout: pass.timeout)
                try db.transaction { try recordSent(claim, subject: message.subject, body: message.body, pass, summary: &summary) }
            } catch let failure as ChannelSendFailure {
                try db.transaction { try recordFailure(claim, reason: failure.reason, final: failure.mayHaveSent, mayHaveSent: failure.mayHaveSent, pass, summary: &summary) }
            } catch let error as RetentionError where error.code == "database_busy" {
                throw error
            } catch {
                try db.transaction { try recordFailure(claim, reason: (error as? RetentionError)?.message ?? "\(error)", final: false, pass, summary: &summary) }
            }
        }
        guard !batch.isEmpty else { return }
        let flushed = ChannelAdapter.flushStaged(batch.map(\.file))
        let at = pass.clock()
        try db.transaction {
            var folders = Set<String>()
            var outcomes: [(PendingDelivery, String?)] = []
            for (i, pending) in batch.enumerated() {
                close(pending.file.descriptor); batch[i].file.descriptor = -1
                guard let address = try checkHandOver(pending.claim, at: at, pass, summary: &summary), address == pending.claim.to else {
                    // Withdrawn (or the address changed since it was written: due again at once, no attempt used).
                    unlink(pending.file.temporary)
                    if try db.scalarInt("SELECT count(*) FROM touchpoints WHERE id = ? AND status = 'sending' AND claimed_by = ?",
                                        [.int(pending.claim.id), .text(pass.id)]) > 0 {
                        try db.run("UPDATE touchpoints SET status = 'pending', claimed_by = NULL, claimed_at = NULL, updated_at = ? WHERE id = ?",
                                   [.int(Int64(pass.now)), .int(pending.claim.id)])
                        summary.withdrawn["address_changed", default: 0] += 1
                        summary.deferred += 1
                    }
                    continue
                }
                let failure = flushed[i] ?? ChannelAdapter.moveIntoPlace(pending.file)
                if failure == nil { folders.insert(pending.file.finalFolder) } else { unlink(pending.file.temporary) }
                outcomes.append((pending, failure))
            }
            ChannelAdapter.syncFolders(folders)
            try heartbeat(at, pass)
            for (pending, failure) in outcomes {
                if let failure {
                    try recordFailure(pending.claim, reason: failure, final: false, pass, summary: &summary)
                } else {
                    try recordSent(pending.claim, subject: pending.subject, body: pending.body, pass, summary: &summary)
                }
            }
        }
    }

    /// At a hand-over, inside its write transaction: is the claimed touchpoint still to go at `at`? The row
    /// is read again with its customer: still `sending` under this dispatcher, the customer not erased, not
    /// do-not-contact, not opted out of the channel, the campaign (if any) still active, and a call or SMS
    /// inside the customer's calling window at `at` (not at the claim). Returns the customer's current
    /// address; otherwise nil, the row put right (cancelled, skipped, or pending again: no attempt used;
    /// a row no longer this dispatcher's is left as it is) and counted in `withdrawn` by reason.
    private func checkHandOver(_ claim: ClaimedSend, at: Int, _ pass: DispatchPass, summary: inout DispatchSummary) throws -> String? {
        let row = try db.queryOne("""
            SELECT t.status, t.claimed_by, t.skip_reason, c.erased_at IS NOT NULL, c.do_not_contact, c.email, c.phone, c.time_zone, c.state, k.status,
                   EXISTS (SELECT 1 FROM contact_preferences p WHERE p.customer_id = t.customer_id AND p.channel = t.channel AND p.opted_out = 1)
            FROM touchpoints t JOIN customers c ON c.id = t.customer_id LEFT JOIN campaigns k ON k.id = t.campaign_id WHERE t.id = ?
            """, [.int(claim.id)]) { r in
            (status: r.text(0), by: r.optionalText(1), reason: r.optionalText(2), erased: r.bool(3), dnc: r.bool(4), email: r.text(5),
             phone: r.optionalText(6), zone: r.optionalText(7), state: r.optionalText(8), campaign: r.optionalText(9), optedOut: r.bool(10))
        }
        func withdrawn(_ reason: String, deferred: Bool = false) {
            summary.withdrawn[reason, default: 0] += 1
            if deferred { summary.deferred += 1 } else { summary.skipped += 1 }
        }
        guard let row else { withdrawn("deleted"); return nil }
        guard row.status == "sending", row.by == pass.id else {
            // Erased (`customer_erased`), or taken over by another dispatcher after a stale claim.
            withdrawn(row.status == "sending" ? "claimed_by_another_dispatcher" : row.reason ?? row.status)
            return nil
        }
        func finish(_ status: String, _ reason: String, dueAt: Int? = nil) throws {
            try db.run("""
                UPDATE touchpoints SET status = ?, skip_reason = ?, due_at = coalesce(?, due_at), claimed_by = NULL, claimed_at = NULL, updated_at = ?
                WHERE id = ?
                """, [.text(status), .text(reason), .init(dueAt.map { Int64($0) }), .int(Int64(at)), .int(claim.id)])
        }
        if row.erased {
            try finish("cancelled", "customer_erased"); withdrawn("customer_erased"); return nil
        }
        if let campaign = row.campaign, campaign != "active" {
            if campaign == "paused" || campaign == "draft" {
                try finish("pending", "deferred: campaign_\(campaign)"); withdrawn("campaign_\(campaign)", deferred: true)
            } else {
                try finish("cancelled", "campaign_\(campaign)"); withdrawn("campaign_\(campaign)")
            }
            return nil
        }
        let zone = row.zone.flatMap(TimeZone.init(identifier:)) ?? ContactRules.zone(forState: row.state) ?? TimeZone(identifier: "UTC")!
        switch ContactRules.decide(channel: claim.channel, doNotContact: row.dnc, optedOut: row.optedOut, zone: zone, now: at, recentTouches: [],
                                   window: pass.window, cap: Int.max, capDays: 7) {
        case .skip(let reason):
            try finish("skipped", reason); withdrawn(reason); return nil
        case .deferUntil(let next, let reason):
            try finish("pending", "deferred: \(reason)", dueAt: next); withdrawn(reason, deferred: true); return nil
        case .send:
            return claim.channel == .email || claim.channel == .mail ? row.email : (row.phone ?? row.email)
        }
    }

    /// The claims' heartbeat: every touchpoint this dispatcher still holds is marked as worked on at `at`, so
    /// no other dispatcher takes a batch that waits behind slow sends for stranded (see `recoverStrandedSends`).
    private func heartbeat(_ at: Int, _ pass: DispatchPass) throws {
        try db.run("UPDATE touchpoints SET claimed_at = ? WHERE status = 'sending' AND claimed_by = ? AND claimed_at < ?",
                   [.int(Int64(at)), .text(pass.id), .int(Int64(at))])
    }

    /// Due touchpoints of channels that have no adapter: not claimed (no attempt is used), counted per channel
    /// for the pass's report.
    private func countWaitingForChannel(_ pass: DispatchPass, summary: inout DispatchSummary) throws {
        let missing = ContactChannel.allCases.filter { pass.adapters[$0] == nil }
        guard !missing.isEmpty else { return }
        let rows = try db.query("""
            SELECT t.channel, count(*) FROM touchpoints t LEFT JOIN campaigns k ON k.id = t.campaign_id
            WHERE t.status = 'pending' AND t.due_at <= ? AND (k.id IS NULL OR k.status = 'active')
              AND t.channel IN (\(missing.map { _ in "?" }.joined(separator: ", "))) GROUP BY t.channel
            """, [.int(Int64(pass.now))] + missing.map { .text($0.rawValue) }) { ($0.text(0), $0.int(1)) }
        for (channel, count) in rows { summary.waitingForChannel[channel] = count }
    }

    /// A message the channel took: the touchpoint keeps what was sent. Recorded only while this
    /// dispatcher still holds the claim.
    private func recordSent(_ claim: ClaimedSend, subject: String?, body: String, _ pass: DispatchPass, summary: inout DispatchSummary) throws {
        try db.run("""
            UPDATE touchpoints SET status = 'sent', sent_at = ?, subject = ?, content = ?, skip_reason = NULL, claimed_by = NULL, updated_at = ?
            WHERE id = ? AND status = 'sending' AND claimed_by = ?
            """, [.int(Int64(pass.now)), .init(subject), .text(body), .int(Int64(pass.now)), .int(claim.id), .text(pass.id)])
        summary.sent += db.changes
    }

    /// A failed send: retried with backoff (5, 20, 80 minutes) until the third attempt, then failed; a
    /// `final` failure (the message cannot be rendered, or a program stopped at its timeout may have sent
    /// it) is failed at once. Unless the channel `mayHaveSent` it, `handed_at` is cleared: the frequency cap
    /// counts a failed send only when it may have gone.
    private func recordFailure(_ claim: ClaimedSend, reason: String, final: Bool, mayHaveSent: Bool = false, _ pass: DispatchPass,
                               summary: inout DispatchSummary) throws {
        let attempts = claim.attempts + 1
        let now = Int64(pass.now)
        if attempts < 3 && !final {
            let backoff = 300 * Int(pow(4.0, Double(attempts - 1)))
            try db.run("""
                UPDATE touchpoints SET status = 'pending', attempts = ?, due_at = ?, last_error = ?, claimed_by = NULL, handed_at = NULL, updated_at = ?
                WHERE id = ? AND status = 'sending' AND claimed_by = ?
                """, [.int(Int64(attempts)), .int(now + Int64(backoff)), .text(reason), .int(now), .int(claim.id), .text(pass.id)])
            summary.retried += db.changes
        } else {
            try db.run("""
                UPDATE touchpoints SET status = 'failed', attempts = ?, failed_at = ?, last_error = ?, claimed_by = NULL,
                  handed_at = CASE WHEN ? THEN handed_at END, updated_at = ?
                WHERE id = ? AND status = 'sending' AND claimed_by = ?
                """, [.int(Int64(attempts)), .int(now), .text(reason), .int(mayHaveSent ? 1 : 0), .int(now), .int(claim.id), .text(pass.id)])
            summary.failed += db.changes
        }
    }
}
