import Foundation

/// Who holds a claim: `HOST:PID:START:TAG`, one tag per dispatch pass; `START` tells this process from a
/// later one given the same pid (the boot id's first 8 hex digits and the process's start time in clock ticks
/// since boot, `/proc/PID/stat` field 22), `-` where it cannot be read. A claim by a process of this host
/// that no longer runs (its pid gone, or now another process's), or by a pass of this process that has
/// ended, is known to be stranded.
public enum DispatcherIdentity {
    static let host: String = {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count) == 0 else { return "localhost" }
        // gethostname may leave a name of exactly the buffer's size unterminated: read up to the first NUL, if any.
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// This boot's id (first 8 hex digits of `/proc/sys/kernel/random/boot_id`); nil where there is none.
    static let bootID: String? = {
        guard let text = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8) else { return nil }
        let id = text.filter(\.isHexDigit).prefix(8)
        return id.count == 8 ? String(id) : nil
    }()

    /// A process's start stamp, `BOOT.TICKS`, read from `/proc`; nil where it cannot be read.
    static func startStamp(_ pid: pid_t) -> String? {
        guard let boot = bootID, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After the command name (which may hold spaces and parentheses): field 3 onwards; field 22 is the 20th.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count >= 20, UInt64(fields[19]) != nil else { return nil }
        return "\(boot).\(fields[19])"
    }

    static let ownStart: String = startStamp(getpid()) ?? "-"

    /// A new identity for one dispatch pass of this process.
    public static func fresh() -> String { "\(host):\(getpid()):\(ownStart):\(UUID().uuidString.prefix(8).lowercased())" }

    private final class Active: @unchecked Sendable {
        let lock = NSLock()
        var ids = Set<String>()
    }
    private static let active = Active()

    static func begin(_ id: String) { active.lock.withLock { _ = active.ids.insert(id) } }
    static func end(_ id: String) { active.lock.withLock { _ = active.ids.remove(id) } }

    enum Liveness { case running, stopped, unknown }

    /// Whether the dispatcher that holds a claim still runs. A pass of this process runs while it is active.
    /// Another process of this host: stopped when its pid is gone, or when the process now holding that pid
    /// started at another time (the pid was reused); running when its start stamp matches. A claim by another
    /// host, one whose start could not be read (or an identity of another form), cannot be told: the age rule
    /// decides those.
    static func liveness(_ claimedBy: String) -> Liveness {
        let parts = claimedBy.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == host, let pid = Int32(parts[1]), pid > 0 else { return .unknown }
        // `HOST:PID:TAG` (before start stamps were recorded): the pid alone.
        let start = parts.count >= 4 ? String(parts[2]) : "-"
        if pid == getpid() {
            if start != ownStart && start != "-" && ownStart != "-" { return .stopped }
            return active.lock.withLock { active.ids.contains(claimedBy) } ? .running : .stopped
        }
        if kill(pid, 0) != 0 && errno == ESRCH { return .stopped }
        guard start != "-", let now = startStamp(pid) else { return .unknown }
        return now == start ? .running : .stopped
    }
}

extension Engine {
    /// Puts right the touchpoints a stopped dispatcher left in `sending` (killed, crashed, or a pass that
    /// ended on a database error). A claim is stranded when its dispatcher has certainly stopped (see
    /// `DispatcherIdentity.liveness`), or, when that cannot be told, once it is older than `staleAfter`.
    /// Each stranded touchpoint becomes:
    ///
    /// - `sent`, when its message file is in a Maildir (`new/`, or `cur/` once read) or an outbox the
    ///   product writes to: it was delivered just before the stop (sent at the claim time; the content is
    ///   rendered again for the record);
    /// - `needs_review`, when it had been handed to a `command`/`sendmail` program that never answered:
    ///   the program may or may not have sent it, so it is neither re-sent nor dropped; a person checks the
    ///   channel and sets it to `sent`, `failed` or `pending` (to send it again);
    /// - `pending` otherwise (claimed, never handed over): due again at once, attempts unchanged; a
    ///   temporary file it left in a Maildir's `tmp/` or an outbox is removed.
    ///
    /// One audit row (`dispatch.recover`) records the counts.
    ///
    /// The message folders are scanned (Maildir `cur/` listings, file checks) before the write transaction;
    /// in it, only the rows still exactly as scanned (same claim, heartbeat and hand-over) are put right, so
    /// the write lock is held for the updates alone.
    func recoverStrandedSends(now: Int, staleAfter: Int, summary: inout DispatchSummary) throws {
        struct Claim: Equatable { var id: Int64; var uuid: String; var claimedBy: String; var claimedAt: Int?; var handedAt: Int? }
        func stranded() throws -> [Claim] {
            try db.query("SELECT id, uuid, claimed_by, claimed_at, handed_at FROM touchpoints WHERE status = 'sending'") {
                Claim(id: $0.int64(0), uuid: $0.text(1), claimedBy: $0.optionalText(2) ?? "", claimedAt: $0.optionalInt(3), handedAt: $0.optionalInt(4))
            }.filter {
                switch DispatcherIdentity.liveness($0.claimedBy) {
                case .stopped: true
                case .running: false
                // `claimed_at` is the claim's last heartbeat (refreshed at each hand-over).
                case .unknown: ($0.claimedAt ?? 0) < now - staleAfter
                }
            }
        }
        // Reads first: most passes find nothing and take no write lock.
        let scanned = try stranded()
        guard !scanned.isEmpty else { return }
        let folders = try messageFolders().filter(\.writesFiles)
        let seen = folders.map { $0.seenMessages() }
        var delivered = Set<Int64>()
        for claim in scanned where zip(folders, seen).contains(where: { $0.deliveredCopyExists(uuid: claim.uuid, seen: $1) }) {
            delivered.insert(claim.id)
        }
        var templates: [String: ChannelMessage?] = [:]
        var rendered: [Int64: (subject: String?, body: String)] = [:]
        for claim in scanned where delivered.contains(claim.id) {
            rendered[claim.id] = try? renderTouchpoint(rowID: claim.id, id: claim.uuid, templates: &templates)
        }
        let asScanned = Dictionary(uniqueKeysWithValues: scanned.map { ($0.id, $0) })
        try db.transaction {
            // Only rows still as scanned: one that changed since (recovered by another pass, erased) is left.
            let claims = try db.query("SELECT id, uuid, claimed_by, claimed_at, handed_at FROM touchpoints WHERE status = 'sending'") {
                Claim(id: $0.int64(0), uuid: $0.text(1), claimedBy: $0.optionalText(2) ?? "", claimedAt: $0.optionalInt(3), handedAt: $0.optionalInt(4))
            }.filter { asScanned[$0.id] == $0 }
            guard !claims.isEmpty else { return }
            var counts = (sent: 0, pending: 0, review: 0)
            for claim in claims {
                let at = Int64(now)
                if delivered.contains(claim.id) {
                    let message = rendered[claim.id]
                    try db.run("""
                        UPDATE touchpoints SET status = 'sent', sent_at = ?, subject = ?, content = ?, skip_reason = NULL, last_error = NULL,
                          claimed_by = NULL, updated_at = ? WHERE id = ?
                        """, [.int(Int64(claim.claimedAt ?? now)), .init(message?.subject), .init(message?.body), .int(at), .int(claim.id)])
                    counts.sent += 1
                } else if let handed = claim.handedAt {
                    try db.run("""
                        UPDATE touchpoints SET status = 'needs_review', claimed_by = NULL, updated_at = ?,
                          last_error = ? WHERE id = ?
                        """, [.int(at), .text("handed to the channel program at \(Timestamp.formatInstant(handed)); the dispatcher stopped before it answered, so the message may or may not have gone: check the channel, then set the status to sent, failed, or pending to send it again"), .int(claim.id)])
                    counts.review += 1
                } else {
                    for folder in folders { folder.removeStaged(uuid: claim.uuid) }
                    try db.run("UPDATE touchpoints SET status = 'pending', claimed_by = NULL, claimed_at = NULL, updated_at = ? WHERE id = ?",
                               [.int(at), .int(claim.id)])
                    counts.pending += 1
                }
            }
            try audit("dispatch.recover", entity: "dispatch", id: "touchpoints", details: .object([
                ("sent", .int(counts.sent)), ("pending", .int(counts.pending)), ("needsReview", .int(counts.review)),
            ]), now: now)
            summary.recoveredSent += counts.sent
            summary.recoveredPending += counts.pending
            summary.needsReview += counts.review
            summary.recovered += claims.count
        }
    }
}
