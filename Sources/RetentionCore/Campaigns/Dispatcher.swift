import Foundation
import CSQLite

/// Where one channel's messages go, configured in the database (`retention channel set`).
///
/// - `maildir PATH`: each message is an RFC 5322 file written to `PATH/tmp` and renamed into `PATH/new`;
/// - `outbox PATH`: each message is a JSON file in `PATH`, written to a temporary name and renamed;
/// - `command PROGRAM`: the message is JSON on the program's standard input; exit status 0 means sent;
/// - `sendmail PROGRAM`: e-mail as an RFC 5322 message on the standard input of `PROGRAM -t` (the sendmail
///   convention: recipients are read from the headers); exit status 0 means accepted.
public struct ChannelAdapter: Sendable, Equatable {
    public enum Kind: String, CaseIterable, Sendable { case maildir, outbox, command, sendmail }
    public var kind: Kind
    public var target: String

    public init(kind: Kind, target: String) {
        self.kind = kind
        self.target = target
    }

    /// An adapter as stored in `settings` (`{"kind": …, "target": …}`); nil for anything else.
    init?(json: JSONValue) {
        guard let kind = json["kind"]?.stringValue.flatMap(Kind.init(rawValue:)), let target = json["target"]?.stringValue else { return nil }
        self.init(kind: kind, target: target)
    }

    var json: JSONValue { .object([("kind", .string(kind.rawValue)), ("target", .string(target))]) }

    /// Sends one message; throws with the reason when it could not be delivered to the channel.
    func send(id: String, channel: ContactChannel, to: String, subject: String?, body: String) throws {
        switch kind {
        case .maildir, .outbox:
            var unchecked = Set<String>()
            if let failure = Self.deliver([try stage(id: id, channel: channel, to: to, subject: subject, body: body, readyFolders: &unchecked)])[0] {
                throw RetentionError.storage(failure)
            }
        case .sendmail:
            try Self.pipe(Self.rfc5322(id: id, to: to, subject: subject, body: body), to: "\(target) -t", channel: channel)
        case .command:
            try Self.pipe(Self.json(id: id, channel: channel, to: to, subject: subject, body: body), to: target, channel: channel)
        }
    }

    /// Whether messages go to files (Maildir, outbox), which a dispatch pass writes in batches.
    var writesFiles: Bool { kind == .maildir || kind == .outbox }

    /// A message written to its temporary name, not yet flushed to disk or visible to readers.
    struct StagedFile {
        var temporary: String
        var final: String
        var descriptor: Int32
        /// The folders of the temporary and the final name.
        var temporaryFolder: String
        var finalFolder: String
    }

    /// Writes one message of a file channel to its temporary name (`tmp/` in a Maildir, a dot-file in an
    /// outbox) without flushing; `deliver` makes a batch of them durable and visible.
    /// The folders are created when missing, checked once per dispatch pass (`readyFolders` holds the targets
    /// already checked).
    func stage(id: String, channel: ContactChannel, to: String, subject: String?, body: String, readyFolders: inout Set<String>) throws -> StagedFile {
        let fm = FileManager.default
        let ready = readyFolders.contains(target)
        switch kind {
        case .maildir:
            for sub in ["tmp", "new", "cur"] where !ready && !fm.fileExists(atPath: target + "/" + sub) {
                try fm.createDirectory(atPath: target + "/" + sub, withIntermediateDirectories: true)
            }
            readyFolders.insert(target)
            return try writeTemporary(Self.rfc5322(id: id, to: to, subject: subject, body: body), directory: target, name: "\(id).retention")
        default:
            if !ready && !fm.fileExists(atPath: target) { try fm.createDirectory(atPath: target, withIntermediateDirectories: true) }
            readyFolders.insert(target)
            return try writeTemporary(Self.json(id: id, channel: channel, to: to, subject: subject, body: body), directory: target, name: "\(id).json")
        }
    }

    /// Makes staged messages durable and then visible: every file is flushed to disk, then renamed to its
    /// final name, then the folder itself is flushed so the renames survive a crash.
    /// Returns, per message, nil when delivered or the reason it was not.
    ///
    /// On Linux one `syncfs` per folder flushes the whole batch in a single disk commit (and reports a
    /// failed write-back of any of its files: then every message of that folder counts as not delivered,
    /// since which one failed cannot be told). Elsewhere each file is flushed with `fsync`, the flushes
    /// running concurrently so the file system can still commit them together.
    static func deliver(_ staged: [StagedFile]) -> [String?] {
        let flushErrors = flush(staged)
        var outcome: [String?] = zip(staged, flushErrors).map { file, error in
            error == 0 ? nil : "cannot flush \(file.temporary): \(String(cString: strerror(error)))"
        }
        var folders = Set<String>()
        for (i, file) in staged.enumerated() {
            close(file.descriptor)
            if outcome[i] == nil, rename(file.temporary, file.final) != 0 {
                outcome[i] = "cannot move the message into \(file.final): \(String(cString: strerror(errno)))"
            }
            if outcome[i] != nil { unlink(file.temporary) } else { folders.insert(file.finalFolder) }
        }
        for folder in folders {
            let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 { fsync(fd); close(fd) }
        }
        return outcome
    }

    /// Flushes the staged files' contents to disk; per file, 0 or the error number of a failed flush.
    private static func flush(_ staged: [StagedFile]) -> [Int32] {
        #if os(Linux)
        var errorByFolder: [String: Int32] = [:]
        for file in staged {
            let folder = file.temporaryFolder
            if errorByFolder[folder] == nil { errorByFolder[folder] = syncfs(file.descriptor) == 0 ? 0 : errno }
        }
        return staged.map { errorByFolder[$0.temporaryFolder] ?? 0 }
        #else
        var flushErrors = [Int32](repeating: 0, count: staged.count)
        flushErrors.withUnsafeMutableBufferPointer { results in
            // Flushing waits on the disk, not the processor, so many threads each flush a share of the files
            // (each writes only its own elements).
            nonisolated(unsafe) let errors = results
            let threads = min(32, staged.count)
            let done = DispatchGroup()
            for t in 0..<threads {
                done.enter()
                Thread {
                    for i in stride(from: t, to: staged.count, by: threads) where fsync(staged[i].descriptor) != 0 { errors[i] = errno }
                    done.leave()
                }.start()
            }
            done.wait()
        }
        return flushErrors
        #endif
    }

    /// A message as the JSON the outbox and command adapters hand over.
    static func json(id: String, channel: ContactChannel, to: String, subject: String?, body: String) -> String {
        JSONValue.object([("id", .string(id)), ("channel", .string(channel.rawValue)), ("to", .string(to)),
                          ("subject", .optional(subject)), ("body", .string(body))]).serialized()
    }

    /// An RFC 5322 message a mail reader shows as written: `Date`, `MIME-Version` and an 8-bit UTF-8 text
    /// body; a subject that is not plain ASCII is encoded (RFC 2047, base64, in pieces short enough for a
    /// header line); header values cannot break out of their line.
    static func rfc5322(id: String, to: String, subject: String?, body: String, date: Int = Timestamp.now()) -> String {
        func header(_ s: String) -> String {
            s.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) ? String(decoding: s.utf8.map { $0 == 0x0D || $0 == 0x0A ? 0x20 : $0 }, as: UTF8.self) : s
        }
        func encoded(_ s: String) -> String {
            guard !s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return s }
            // Whole characters per encoded word, at most 39 bytes each (52 base64 characters: a header line stays within 78).
            var words: [String] = [], piece = ""
            for character in s {
                if piece.utf8.count + String(character).utf8.count > 39 { words.append(piece); piece = "" }
                piece.append(character)
            }
            if !piece.isEmpty { words.append(piece) }
            return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
        }
        var lines: [UInt8] = []
        lines.reserveCapacity(body.utf8.count + 64)
        for b in body.utf8 {
            if b == 0x0A { lines.append(0x0D) }
            lines.append(b)
        }
        return "To: \(header(to))\r\nSubject: \(encoded(header(subject ?? "")))\r\nDate: \(Timestamp.formatRFC5322(date))\r\n"
            + "Message-ID: <\(id)@retention>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + String(decoding: lines, as: UTF8.self) + "\r\n"
    }

    /// Runs a shell command with `input` on its standard input; a non-zero exit is an error with its stderr.
    static func pipe(_ input: String, to command: String, channel: ContactChannel) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let stdin = Pipe(), errors = Pipe()
        process.standardInput = stdin
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile().prefix(300), as: UTF8.self)
            throw RetentionError.storage("the \(channel.rawValue) command exited with status \(process.terminationStatus)\(message.isEmpty ? "" : ": \(message)")")
        }
    }

    /// Writes `text` to the message's temporary name (`directory/tmp` in a Maildir, a dot-file in an
    /// outbox), private to its owner (0600), and returns it open for `deliver`.
    private func writeTemporary(_ text: String, directory: String, name: String) throws -> StagedFile {
        let temporaryFolder = kind == .maildir ? "\(directory)/tmp" : directory
        let finalFolder = kind == .maildir ? "\(directory)/new" : directory
        let temporary = kind == .maildir ? "\(temporaryFolder)/\(name)" : "\(directory)/.\(name).tmp"
        let final = "\(finalFolder)/\(name)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RetentionError.storage("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                let reason = String(cString: strerror(errno))
                close(fd); unlink(temporary)
                throw RetentionError.storage("cannot write \(temporary): \(reason)")
            }
            bytes = bytes.dropFirst(written)
        }
        return StagedFile(temporary: temporary, final: final, descriptor: fd, temporaryFolder: temporaryFolder, finalFolder: finalFolder)
    }
}

extension Engine {
    public func channelAdapter(_ channel: ContactChannel) throws -> ChannelAdapter? {
        try db.settings.value(Settings.channelAdapter(channel))
    }

    /// Every Maildir and outbox folder messages were configured to go to, now or before (see
    /// `setChannelAdapter`), with the ones in use now.
    func messageFolders() throws -> [ChannelAdapter] {
        var folders = try db.settings.value(Settings.channelFolders)
        for channel in ContactChannel.allCases {
            if let a = try channelAdapter(channel), a.writesFiles, !folders.contains(a) { folders.append(a) }
        }
        return folders
    }

    /// Configures where a channel's messages go (`retention channel set CHANNEL KIND TARGET`). Audited.
    ///
    /// A folder is stored as an absolute path (a relative one is taken from the current directory), so a
    /// dispatch run from another directory, by cron say, writes where it was set up to. Every Maildir and
    /// outbox folder ever configured is remembered: erasing a customer removes their copies from all of
    /// them, not only from the folder in use now.
    public func setChannelAdapter(_ channel: ContactChannel, _ adapter: ChannelAdapter, now: Int) throws {
        guard !adapter.target.isEmpty else { throw RetentionError.invalid("target", "must name a folder or a command") }
        var adapter = adapter
        if adapter.writesFiles, !adapter.target.hasPrefix("/") {
            adapter.target = URL(fileURLWithPath: adapter.target).standardizedFileURL.path
        }
        try db.transaction {
            try db.settings.set(Settings.channelAdapter(channel), adapter)
            if adapter.writesFiles {
                // messageFolders() now includes the adapter just stored.
                try db.settings.set(Settings.channelFolders, try messageFolders())
            }
            try audit("channel.set", entity: "channel", id: channel.rawValue, details: .object([("kind", .string(adapter.kind.rawValue))]), now: now)
        }
    }

    /// What one dispatch pass did.
    public struct DispatchSummary: Sendable, Equatable {
        public var sent = 0, deferred = 0, skipped = 0, failed = 0, retried = 0, recovered = 0
    }

    /// Sends the touchpoints that are due (`retention dispatch`).
    ///
    /// Exactly once: due rows are claimed atomically (status `sending`, `claimed_by`) inside one write
    /// transaction before anything is sent, so two dispatchers never take the same touchpoint. After sending,
    /// the outcome is recorded. The crash rule: a touchpoint left in `sending` for longer than `staleAfter`
    /// seconds may or may not have reached the channel, so it is never re-sent silently; it is marked failed
    /// with that explanation, and a person retries it (PATCH status `pending`) after checking the channel.
    /// A failed send is retried automatically with backoff (5, 20, 80 minutes) up to 3 attempts.
    /// Compliance (`ContactRules`) and the step's `skipIf` condition are checked here, at send time.
    @discardableResult
    public func dispatchDue(now: Int, limit: Int = 500, dispatcherID: String = "\(ProcessInfo.processInfo.hostName):\(getpid())",
                            staleAfter: Int = 600) throws -> DispatchSummary {
        var summary = DispatchSummary()
        try db.transaction {
            try db.run("""
                UPDATE touchpoints SET status = 'failed', failed_at = ?1, claimed_by = NULL,
                  last_error = 'dispatcher stopped while sending; check the channel, then retry by setting the status to pending', updated_at = ?1
                WHERE status = 'sending' AND claimed_at < ?2
                """, [.int(Int64(now)), .int(Int64(now - staleAfter))])
            summary.recovered = db.changes
        }
        let claimed: [Int64] = try db.transaction {
            let ids = try db.query("""
                SELECT t.id FROM touchpoints t LEFT JOIN campaigns k ON k.id = t.campaign_id
                WHERE t.status = 'pending' AND t.due_at <= ? AND (k.id IS NULL OR k.status = 'active') ORDER BY t.due_at, t.id LIMIT ?
                """, [.int(Int64(now)), .int(Int64(max(1, limit)))]) { $0.int64(0) }
            for id in ids {
                try db.run("UPDATE touchpoints SET status = 'sending', claimed_by = ?, claimed_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
                           [.text(dispatcherID), .int(Int64(now)), .int(Int64(now)), .int(id)])
            }
            return ids
        }
        let window = try callingWindow()
        var adapters: [ContactChannel: ChannelAdapter] = [:]
        for channel in ContactChannel.allCases { adapters[channel] = try channelAdapter(channel) }
        let cache = DispatchCache()
        // File channels are delivered in batches: each message written, then the batch flushed to disk
        // together, made visible, and recorded as sent in one transaction.
        var start = 0
        while start < claimed.count {
            let chunk = claimed[start..<min(claimed.count, start + 256)]
            var batch: [PendingDelivery] = []
            do {
                // No transaction spans the chunk: a message handed to a command is recorded as sent at once,
                // and no write lock is held while a command runs.
                for id in chunk {
                    try dispatchOne(id, now: now, window: window, adapters: adapters, cache: cache, batch: &batch, summary: &summary)
                }
            } catch {
                for pending in batch { close(pending.file.descriptor); unlink(pending.file.temporary) }
                throw error
            }
            try deliver(batch, now: now, summary: &summary)
            start += chunk.count
        }
        return summary
    }

    /// What one dispatch pass looks up once and reuses: templates and campaign sequences.
    final class DispatchCache {
        var templates: [String: ChannelMessage?] = [:]
        /// Targets of file channels whose folders exist.
        var readyFolders = Set<String>()
        private var sequences: [String: [SequenceStep]?] = [:]

        /// A campaign's sequence from its stored JSON (nil if it cannot be read).
        func sequence(_ text: String) -> [SequenceStep]? {
            if let known = sequences[text] { return known }
            let steps = try? CampaignBody.sequence(try JSONValue.parse(text))
            sequences[text] = .some(steps)
            return steps
        }
    }

    /// A message of a file channel written to its temporary name, waiting for its batch to be delivered.
    struct PendingDelivery {
        var touchpoint: Int64
        var attempts: Int
        var file: ChannelAdapter.StagedFile
        var subject: String?
        var body: String
    }

    private func deliver(_ batch: [PendingDelivery], now: Int, summary: inout DispatchSummary) throws {
        guard !batch.isEmpty else { return }
        let outcomes = ChannelAdapter.deliver(batch.map(\.file))
        try db.transaction {
            for (pending, failure) in zip(batch, outcomes) {
                if let failure {
                    try recordFailure(pending.touchpoint, attempts: pending.attempts, reason: failure, now: now, summary: &summary)
                } else {
                    try recordSent(pending.touchpoint, subject: pending.subject, body: pending.body, now: now, summary: &summary)
                }
            }
        }
    }

    /// A message the channel took: the touchpoint keeps what was sent.
    private func recordSent(_ id: Int64, subject: String?, body: String, now: Int, summary: inout DispatchSummary) throws {
        try db.run("""
            UPDATE touchpoints SET status = 'sent', sent_at = ?, subject = ?, content = ?, skip_reason = NULL, claimed_by = NULL, updated_at = ?
            WHERE id = ?
            """, [.int(Int64(now)), .init(subject), .text(body), .int(Int64(now)), .int(id)])
        summary.sent += 1
    }

    /// A failed send: retried with backoff (5, 20, 80 minutes) until the third attempt, then failed.
    private func recordFailure(_ id: Int64, attempts previous: Int, reason: String, now: Int, summary: inout DispatchSummary) throws {
        let attempts = previous + 1
        if attempts < 3 {
            let backoff = 300 * Int(pow(4.0, Double(attempts - 1)))
            try db.run("UPDATE touchpoints SET status = 'pending', attempts = ?, due_at = ?, last_error = ?, claimed_by = NULL, updated_at = ? WHERE id = ?",
                       [.int(Int64(attempts)), .int(Int64(now + backoff)), .text(reason), .int(Int64(now)), .int(id)])
            summary.retried += 1
        } else {
            try db.run("UPDATE touchpoints SET status = 'failed', attempts = ?, failed_at = ?, last_error = ?, claimed_by = NULL, updated_at = ? WHERE id = ?",
                       [.int(Int64(attempts)), .int(Int64(now)), .text(reason), .int(Int64(now)), .int(id)])
            summary.failed += 1
        }
    }

    func callingWindow() throws -> CallingWindow {
        try db.settings.value(Settings.contactWindow)
    }

    private func dispatchOne(_ id: Int64, now: Int, window: CallingWindow, adapters: [ContactChannel: ChannelAdapter],
                             cache: DispatchCache, batch: inout [PendingDelivery], summary: inout DispatchSummary) throws {
        struct Row { var uuid: String; var channel: ContactChannel; var customer: Int64; var dnc: Bool; var email: String; var phone: String?
                     var zone: String?; var state: String?; var enrollment: Int64?; var step: Int; var sequence: String?; var attempts: Int
                     var enrolledAt: Int?; var policy: Int64? }
        guard let t = try db.queryOne("""
            SELECT t.uuid, t.channel, t.customer_id, c.do_not_contact OR c.erased_at IS NOT NULL, c.email, c.phone, c.time_zone, c.state,
                   t.enrollment_id, t.step_index, k.sequence, t.attempts, e.enrolled_at, t.policy_id
            FROM touchpoints t JOIN customers c ON c.id = t.customer_id LEFT JOIN campaigns k ON k.id = t.campaign_id
            LEFT JOIN campaign_enrollments e ON e.id = t.enrollment_id WHERE t.id = ?
            """, [.int(id)], { r in
            Row(uuid: r.text(0), channel: ContactChannel(rawValue: r.text(1)) ?? .email, customer: r.int64(2), dnc: r.bool(3), email: r.text(4),
                phone: r.optionalText(5), zone: r.optionalText(6), state: r.optionalText(7), enrollment: r.isNull(8) ? nil : r.int64(8), step: r.int(9),
                sequence: r.optionalText(10), attempts: r.int(11), enrolledAt: r.optionalInt(12), policy: r.isNull(13) ? nil : r.int64(13))
        }) else { return }
        func finish(_ sets: [(String, SQLValue)]) throws {
            try db.transaction {
                try db.run("UPDATE touchpoints SET \(sets.map { "\($0.0) = ?" }.joined(separator: ", ")), claimed_by = NULL, updated_at = ? WHERE id = ?",
                           sets.map(\.1) + [.int(Int64(now)), .int(id)])
            }
        }
        // The step's condition on earlier responses.
        if let text = t.sequence, let enrollment = t.enrollment,
           let steps = cache.sequence(text), t.step < steps.count, let skip = steps[t.step].skipIf {
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
            if met {
                try finish([("status", .text("skipped")), ("skip_reason", .text("condition_\(skip.rawValue)"))])
                summary.skipped += 1
                return
            }
        }
        let optedOut = try db.scalarInt("SELECT count(*) FROM contact_preferences WHERE customer_id = ? AND channel = ? AND opted_out = 1",
                                        [.int(t.customer), .text(t.channel.rawValue)]) > 0
        let recent = try db.query("SELECT sent_at FROM touchpoints WHERE customer_id = ? AND sent_at >= ?",
                                  [.int(t.customer), .int(Int64(now - 7 * Timestamp.secondsPerDay))]) { $0.int(0) }
        let zone = t.zone.flatMap(TimeZone.init(identifier:)) ?? ContactRules.zone(forState: t.state) ?? TimeZone(identifier: "UTC")!
        switch ContactRules.decide(channel: t.channel, doNotContact: t.dnc, optedOut: optedOut, zone: zone, now: now, recentTouches: recent,
                                   window: window, cap: 3, capDays: 7) {
        case .skip(let reason):
            try finish([("status", .text("skipped")), ("skip_reason", .text(reason))])
            summary.skipped += 1
            return
        case .deferUntil(let at, let reason):
            try finish([("status", .text("pending")), ("due_at", .int(Int64(at))), ("skip_reason", .text("deferred: \(reason)"))])
            summary.deferred += 1
            return
        case .send: break
        }
        let message: (subject: String?, body: String)
        do { message = try renderTouchpoint(rowID: id, id: t.uuid, templates: &cache.templates) } catch {
            try finish([("status", .text("failed")), ("failed_at", .int(Int64(now))), ("last_error", .text("\(error)"))])
            summary.failed += 1
            return
        }
        do {
            guard let adapter = adapters[t.channel] else {
                throw RetentionError.storage("no adapter is configured for \(t.channel.rawValue); set one with `retention channel set \(t.channel.rawValue) KIND TARGET`")
            }
            let to = t.channel == .email || t.channel == .mail ? t.email : (t.phone ?? t.email)
            if adapter.writesFiles {
                let file = try adapter.stage(id: t.uuid, channel: t.channel, to: to, subject: message.subject, body: message.body, readyFolders: &cache.readyFolders)
                batch.append(PendingDelivery(touchpoint: id, attempts: t.attempts, file: file, subject: message.subject, body: message.body))
                return
            }
            try adapter.send(id: t.uuid, channel: t.channel, to: to, subject: message.subject, body: message.body)
            try db.transaction { try recordSent(id, subject: message.subject, body: message.body, now: now, summary: &summary) }
        } catch {
            try db.transaction {
                try recordFailure(id, attempts: t.attempts, reason: (error as? RetentionError)?.message ?? "\(error)", now: now, summary: &summary)
            }
        }
    }
}
