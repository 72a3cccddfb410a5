import Foundation
import Testing
@testable import RetentionCore

/// Trust under faults: channel programs cannot crash or freeze dispatch, a stopped dispatcher strands
/// nothing, and the frequency cap holds with several dispatchers.
@Suite struct DispatchFaultTests {
    let start = Timestamp.parse("2024-01-15T15:00:00Z")!

    func book(_ dir: String, sequence: String? = nil) throws -> Engine {
        try DispatchTests().setUp(dir, sequence: sequence).0
    }

    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t = Date()
        try body()
        return Date().timeIntervalSince(t)
    }

    // MARK: Channel programs

    /// A program that exits without reading its input: the write fails (SIGPIPE is ignored, so the test
    /// process itself survives), and the send is a failure saying so.
    /// On Linux a batch of message files is flushed with one syncfs(2), found in the C library at run time.
    @Test func syncfsIsFoundOnLinux() {
        #if os(Linux)
        #expect(ChannelAdapter.syncFileSystem != nil)
        #endif
    }

    /// Message folders hold personal data: created for the owner alone whatever the umask, and a target that
    /// is a file is refused with its path (it was Foundation's raw error text).
    @Test func messageFoldersArePrivateAndAFileIsRefusedByName() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("folders-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let old = umask(0o022)
        defer { umask(old) }
        try ChannelAdapter.makePrivateFolder(root + "/mail/box/new")
        for path in [root + "/mail", root + "/mail/box", root + "/mail/box/new"] {
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o700, "\(path) is \(String(mode ?? 0, radix: 8))")
        }
        #expect(FileManager.default.createFile(atPath: root + "/plain", contents: Data()))
        #expect { try ChannelAdapter.makePrivateFolder(root + "/plain") } throws: { error in
            (error as? RetentionError)?.message.contains(root + "/plain is a file, not a folder") == true
        }
    }

    @Test func aProgramThatDoesNotReadItsInputIsAFailedSendNotACrash() throws {
        let oneMiB = Data(repeating: 0x61, count: 1 << 20)
        let outcome = try ChannelProgram.run("exit 0", input: oneMiB, timeout: 10)
        #expect(outcome.exitStatus == 0 && !outcome.tookWholeInput && outcome.inputWritten < oneMiB.count)
        let adapter = ChannelAdapter(kind: .command, target: "head -c 10 >/dev/null; exit 0")
        #expect {
            try adapter.send(id: "m1", channel: .email, to: "a@example.com", subject: "s", body: String(repeating: "x", count: 300_000), timeout: 10)
        } throws: { error in
            (error as? ChannelSendFailure).map { $0.reason.contains("exited without reading the whole message") && !$0.mayHaveSent } ?? false
        }
    }

    /// 1 MiB on standard error (and on standard output) does not block: both are read while the program runs.
    @Test func aProgramFloodingStderrDoesNotHangTheDispatcher() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try book(dir)
        try engine.setSetting(Settings.programTimeout.name, "20", now: 0)
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .command, target: "cat >/dev/null; head -c 1048576 /dev/zero | tr '\\0' e >&2; head -c 1048576 /dev/zero; exit 1"), now: 0)
        var summary = Engine.DispatchSummary()
        let elapsed = try seconds { summary = try engine.dispatchDue(now: start) }
        #expect(summary.retried == 4)
        #expect(elapsed < 10, "four runs that each write 2 MiB finish well before the 20 s timeout")
        let errors = try engine.db.query("SELECT last_error FROM touchpoints") { $0.text(0) }
        #expect(errors.allSatisfy { $0.contains("exited with status 1: eeee") && $0.count < 400 })
        // The same flood with exit status 0 is a send.
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .command, target: "cat >/dev/null; head -c 1048576 /dev/zero >&2; exit 0"), now: 0)
        #expect(try engine.dispatchDue(now: start + 300).sent == 4)
    }

    /// A program still running at the timeout is killed with its whole process group, and the send is
    /// failed at once with the reason (it may have sent the message: no automatic retry).
    @Test func aProgramPastItsTimeoutIsKilledWithItsGroupAndTheSendFailed() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try book(dir)
        try engine.setSetting(Settings.programTimeout.name, "1", now: 0)
        #expect(try engine.setting(Settings.programTimeout.name) == "1")
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .command, target: "cat >/dev/null; sleep 60 & echo $! > \(dir)/child; wait"), now: 0)
        var summary = Engine.DispatchSummary()
        let elapsed = try seconds { summary = try engine.dispatchDue(now: start, limit: 1) }
        #expect(summary.failed == 1 && summary.retried == 0)
        #expect(elapsed >= 1 && elapsed < 5)
        let row = try engine.db.queryOne("SELECT status, last_error, attempts FROM touchpoints WHERE last_error IS NOT NULL") { ($0.text(0), $0.text(1), $0.int(2)) }
        #expect(row?.0 == "failed" && row?.1.contains("did not finish within 1 s") == true && row?.2 == 1)
        // The background child of the program was killed too (gone, or a zombie waiting to be reaped).
        let child = try String(contentsOfFile: dir + "/child", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        usleep(100_000)
        let state = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
        #expect(state == nil || state == "Z", "the program's background child is not left running")
    }

    @Test func theProgramTimeoutSettingIsValidated() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try book(dir)
        #expect(try engine.setting(Settings.programTimeout.name) == "30")
        for bad in ["0", "3601", "1.5", "abc", ""] {
            #expect { try engine.setSetting(Settings.programTimeout.name, bad, now: 0) } throws: { error in
                (error as? RetentionError)?.field == Settings.programTimeout.name
            }
        }
    }

    // MARK: Recovery

    /// A dead dispatcher's claim: the pid of a process that has exited.
    func deadClaim() throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run(); p.waitUntilExit()
        return "\(DispatcherIdentity.host):\(p.processIdentifier):-:dead"
    }

    /// As a SIGKILL leaves it: three touchpoints `sending` under a dispatcher that no longer runs, one whose
    /// message was already renamed into `new/`, one only staged in `tmp/`, one never written.
    @Test func afterAKillDeliveredMessagesAreSentAndTheRestDueAgainOnce() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try book(dir)
        let mail = dir + "/mail"
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .maildir, target: mail), now: 0)
        for sub in ["tmp", "new", "cur"] { try FileManager.default.createDirectory(atPath: "\(mail)/\(sub)", withIntermediateDirectories: true) }
        let ids = try engine.db.query("SELECT uuid FROM touchpoints ORDER BY id") { $0.text(0) }
        let dead = try deadClaim()
        try engine.db.run("UPDATE touchpoints SET status = 'sending', claimed_by = ?, claimed_at = ? WHERE uuid IN (?, ?, ?)",
                          [.text(dead), .int(Int64(start)), .text(ids[0]), .text(ids[1]), .text(ids[2])])
        try "To: c0@example.com\r\n\r\nDear F0".write(toFile: "\(mail)/new/\(ids[0]).retention", atomically: false, encoding: .utf8)
        try "partial".write(toFile: "\(mail)/tmp/\(ids[1]).retention", atomically: false, encoding: .utf8)
        // A minute later (well before any age rule), the next pass.
        let s = try engine.dispatchDue(now: start + 60)
        #expect(s.recovered == 3 && s.recoveredSent == 1 && s.recoveredPending == 2 && s.needsReview == 0)
        #expect(s.sent == 3, "the two never delivered and the fourth touchpoint")
        let rows = try engine.db.query("SELECT uuid, status, sent_at, content IS NOT NULL FROM touchpoints ORDER BY id") { ($0.text(0), $0.text(1), $0.int(2), $0.bool(3)) }
        #expect(rows.allSatisfy { $0.1 == "sent" && $0.3 })
        #expect(rows[0].2 == start, "the delivered one is sent at its claim time")
        #expect(rows[1...].allSatisfy { $0.2 == start + 60 })
        // One file per touchpoint: nothing duplicated, nothing left in tmp/.
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: mail + "/new")) == Set(ids.map { "\($0).retention" }))
        #expect(try FileManager.default.contentsOfDirectory(atPath: mail + "/tmp").isEmpty)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM audit_log WHERE action = 'dispatch.recover'") == 1)
    }

    /// A message handed to a program by a dispatcher that was then killed may or may not have gone: it is
    /// marked needs_review, never re-sent on its own; a person can send it again (pending) or confirm it.
    @Test func aSendHandedToAProgramWithNoAnswerIsMarkedForReview() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try book(dir)
        let log = dir + "/sent.log"
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .command, target: "cat >> \(log); echo >> \(log)"), now: 0)
        let ids = try engine.db.query("SELECT uuid FROM touchpoints ORDER BY id") { $0.text(0) }
        let dead = try deadClaim()
        try engine.db.run("UPDATE touchpoints SET status = 'sending', claimed_by = ?, claimed_at = ?, handed_at = ? WHERE uuid IN (?, ?)",
                          [.text(dead), .int(Int64(start)), .int(Int64(start)), .text(ids[0]), .text(ids[1])])
        let s = try engine.dispatchDue(now: start + 60)
        #expect(s.needsReview == 2 && s.sent == 2)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM touchpoints WHERE status = 'needs_review' AND last_error LIKE 'handed to the channel program%'") == 2)
        #expect(try engine.dispatchDue(now: start + 3600).sent == 0, "not re-sent on its own")
        let t = try engine.touchpoint(id: ids[0])
        #expect(t.json["status"] == .string("needs_review"))
        try engine.updateTouchpointStatus(id: ids[0], status: .pending, metadata: nil, now: start + 3600)
        try engine.updateTouchpointStatus(id: ids[1], status: .sent, metadata: nil, now: start + 3600)
        #expect(try engine.dispatchDue(now: start + 3600).sent == 1)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
    }

    /// A claim is left alone while its dispatcher runs (another live process, or an active pass of this one).
    @Test func aLiveDispatchersClaimIsLeftAlone() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try book(dir)
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .outbox, target: dir + "/out"), now: 0)
        let live = "\(DispatcherIdentity.host):\(getppid()):other"
        let mine = DispatcherIdentity.fresh()
        let ended = DispatcherIdentity.fresh()
        let ids = try engine.db.query("SELECT uuid FROM touchpoints ORDER BY id") { $0.text(0) }
        for (i, claim) in [live, mine, ended].enumerated() {
            try engine.db.run("UPDATE touchpoints SET status = 'sending', claimed_by = ?, claimed_at = ? WHERE uuid = ?",
                              [.text(claim), .int(Int64(start)), .text(ids[i])])
        }
        DispatcherIdentity.begin(mine); defer { DispatcherIdentity.end(mine) }
        let s = try engine.dispatchDue(now: start + 60)
        #expect(s.recovered == 1 && s.recoveredPending == 1)
        #expect(try engine.db.query("SELECT status FROM touchpoints ORDER BY id") { $0.text(0) } == ["sending", "sending", "sent", "sent"])
        // Past the age rule, a claim whose dispatcher cannot be told (another host) is recovered too.
        try engine.db.run("UPDATE touchpoints SET claimed_by = 'elsewhere:1:x' WHERE uuid = ?", [.text(ids[0])])
        #expect(try engine.dispatchDue(now: start + 60 + 601).recovered == 1)
    }

    // MARK: Frequency cap

    /// Six touches due at once for each customer, a cap of 3 in 7 days, and two dispatchers on one file
    /// (separate connections) sending one at a time through a slow program: each customer gets exactly 3.
    @Test func twoDispatchersTogetherRespectTheFrequencyCap() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let step = #"{"type":"email","template":"renewal_reminder","delay":0}"#
        let engine = try book(dir, sequence: "[" + Array(repeating: step, count: 6).joined(separator: ",") + "]")
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .command, target: "cat >/dev/null; sleep 0.05"), now: 0)
        let group = DispatchGroup()
        for i in 0..<2 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                guard let e = try? Engine(database: Store.open(path: dir + "/book.db"), user: "d\(i)") else { return }
                while let s = try? e.dispatchDue(now: start, limit: 1), s.sent + s.skipped + s.deferred + s.retried > 0 {}
            }
        }
        group.wait()
        let perCustomer = try engine.db.query("SELECT count(*) FROM touchpoints WHERE status = 'sent' GROUP BY customer_id") { $0.int(0) }
        #expect(perCustomer == [3, 3, 3, 3])
        #expect(try engine.db.scalarInt("SELECT count(*) FROM touchpoints WHERE status = 'pending' AND skip_reason = 'deferred: frequency_cap'") == 12)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM touchpoints WHERE status = 'sending'") == 0)
    }

    /// Formulas.md, "The frequency cap at send time", its worked example: one touch sent 2024-01-10 09:00 and
    /// two in flight (another dispatcher's) when a third is claimed at 2024-01-15 15:00: deferred to 15:05;
    /// once the two are recorded sent at 15:00, deferred to 2024-01-17 09:00:01.
    @Test func theCapCountsSendsInFlightAsInTheWorkedExample() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let step = #"{"type":"email","template":"renewal_reminder","delay":0}"#
        let engine = try book(dir, sequence: "[" + Array(repeating: step, count: 4).joined(separator: ",") + "]")
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .outbox, target: dir + "/out"), now: 0)
        let rows = try engine.db.query("SELECT id FROM touchpoints WHERE customer_id = (SELECT min(customer_id) FROM touchpoints) ORDER BY step_index") { $0.int64(0) }
        let other = "\(DispatcherIdentity.host):\(getppid()):other"
        try engine.db.run("UPDATE touchpoints SET status = 'sent', sent_at = ? WHERE id = ?", [.int(Int64(Timestamp.parse("2024-01-10T09:00:00Z")!)), .int(rows[0])])
        try engine.db.run("UPDATE touchpoints SET status = 'sending', claimed_by = ?, claimed_at = ? WHERE id IN (?, ?)",
                          [.text(other), .int(Int64(start)), .int(rows[1]), .int(rows[2])])
        try engine.dispatchDue(now: start)
        let third = { try engine.db.queryOne("SELECT status, due_at, skip_reason FROM touchpoints WHERE id = ?", [.int(rows[3])]) { ($0.text(0), $0.int(1), $0.text(2)) } }
        #expect(try third()! == ("pending", Timestamp.parse("2024-01-15T15:05:00Z")!, "deferred: frequency_cap"))
        try engine.db.run("UPDATE touchpoints SET status = 'sent', sent_at = ?, claimed_by = NULL WHERE id IN (?, ?)", [.int(Int64(start)), .int(rows[1]), .int(rows[2])])
        try engine.dispatchDue(now: start + 300)
        #expect(try third()!.1 == Timestamp.parse("2024-01-17T09:00:01Z")!)
    }

    // MARK: Hand-over

    /// The customer of the second touchpoint is erased while that send waits in the batch (the clock hook
    /// runs at each hand-over): the program gets only the first message, never the erased person's address
    /// nor a "Dear there" message, and the pass counts it skipped with its reason.
    @Test func aCustomerErasedWhileTheirSendWaitsIsNotSentTo() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try book(dir)
        let log = dir + "/sent.log"
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .command, target: "cat >> \(log); echo >> \(log)"), now: 0)
        let second = try engine.db.queryOne("SELECT c.uuid, c.email FROM touchpoints t JOIN customers c ON c.id = t.customer_id ORDER BY t.id LIMIT 1 OFFSET 1") { ($0.text(0), $0.text(1)) }!
        var calls = 0
        let s = try engine.dispatchDue(now: start, limit: 2, clock: {
            calls += 1
            if calls == 2 { _ = try? engine.eraseCustomer(customerId: second.0, now: self.start, waitSeconds: 1) }
            return self.start
        })
        #expect(s.sent == 1 && s.skipped == 1 && s.withdrawn == ["customer_erased": 1])
        let sent = try String(contentsOfFile: log, encoding: .utf8)
        #expect(sent.split(separator: "\n").count == 1)
        #expect(!sent.contains(second.1) && !sent.contains("Dear there"))
        #expect(try engine.db.scalarInt("SELECT count(*) FROM touchpoints WHERE status = 'cancelled' AND skip_reason = 'customer_erased' AND handed_at IS NULL") == 1)
    }

    /// File channels: a row withdrawn after its message was staged (as an erasure that removed the files
    /// before the staging leaves it) is not moved into `new/`: its staged file is removed, the rest delivered.
    @Test func aWithdrawnRowsStagedFileIsNotDelivered() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try book(dir)
        let mail = dir + "/mail"
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .maildir, target: mail), now: 0)
        let rows = try engine.db.query("SELECT id, uuid FROM touchpoints ORDER BY id") { ($0.int64(0), $0.text(1)) }
        let s = try engine.dispatchDue(now: start, clock: {
            _ = try? engine.db.run("UPDATE touchpoints SET status = 'cancelled', skip_reason = 'customer_erased' WHERE id = ?", [.int(rows[1].0)])
            return self.start
        })
        #expect(s.sent == 3 && s.skipped == 1 && s.withdrawn == ["customer_erased": 1])
        let delivered = Set(try FileManager.default.contentsOfDirectory(atPath: mail + "/new"))
        #expect(delivered == Set([rows[0], rows[2], rows[3]].map { "\($0.1).retention" }))
        #expect(try FileManager.default.contentsOfDirectory(atPath: mail + "/tmp").isEmpty)
    }

    /// A campaign cancelled while its sends wait in the batch: the sends already claimed do not go.
    @Test func aCampaignCancelledWhileItsSendsWaitSendsNothingMore() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try book(dir)
        let log = dir + "/sent.log"
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .command, target: "cat >> \(log); echo >> \(log)"), now: 0)
        let campaign = try engine.db.queryOne("SELECT uuid FROM campaigns") { $0.text(0) }!
        var calls = 0
        let s = try engine.dispatchDue(now: start, clock: {
            calls += 1
            if calls == 2 { _ = try? engine.setCampaignStatus(id: campaign, to: .cancelled, now: self.start) }
            return self.start
        })
        #expect(s.sent == 1 && s.withdrawn == ["campaign_cancelled": 3])
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == 1)
        #expect(try engine.db.scalarInt("SELECT count(*) FROM touchpoints WHERE status = 'cancelled' AND skip_reason = 'campaign_cancelled'") == 3)
    }

    /// The calling window is judged at the hand-over: calls claimed at 20:59:30 in Chicago whose hand-over
    /// comes at 21:00:30 are deferred to 08:00 the next morning (14:00Z), using no attempt.
    @Test func theCallingWindowIsJudgedAtTheHandOver() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let (engine, _) = try DispatchTests().setUp(dir, channel: "call")
        let log = dir + "/calls.log"
        try engine.setChannelAdapter(.call, ChannelAdapter(kind: .command, target: "cat >> \(log)"), now: 0)
        let claimAt = Timestamp.parse("2024-01-16T02:59:30Z")!  // 20:59:30 CST
        let s = try engine.dispatchDue(now: claimAt, clock: { claimAt + 60 })
        #expect(s.sent == 0 && s.deferred == 4 && s.withdrawn == ["outside_calling_window": 4])
        #expect(!FileManager.default.fileExists(atPath: log))
        let rows = try engine.db.query("SELECT status, due_at, attempts, skip_reason FROM touchpoints") { ($0.text(0), $0.int(1), $0.int(2), $0.text(3)) }
        #expect(rows.allSatisfy { $0 == ("pending", Timestamp.parse("2024-01-16T14:00:00Z")!, 0, "deferred: outside_calling_window") })
    }

    /// A batch waiting behind slow program sends keeps its claims fresh: each hand-over refreshes every
    /// claim of the pass (`claimed_at`), so another dispatcher (of another host: only the age rule tells)
    /// running 1,000 s after the claim, 500 s after the last hand-over, takes nothing over; each message goes once.
    @Test func aHeartbeatAtEachHandOverKeepsAWorkingBatchFromLookingStale() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try book(dir)
        let log = dir + "/sent.log"
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .command, target: "cat >> \(log); echo >> \(log)"), now: 0)
        let other = Engine(database: try Store.open(path: dir + "/book.db"), user: "other")
        var calls = 0
        var otherSummary = Engine.DispatchSummary()
        var heartbeats: [Int] = []
        let s = try engine.dispatchDue(now: start, dispatcherID: "host-a:1:-:a", clock: {
            calls += 1
            let at = self.start + 500 * (calls - 1)
            if calls == 3 {
                heartbeats = (try? engine.db.query("SELECT DISTINCT claimed_at FROM touchpoints WHERE status = 'sending'") { $0.int(0) }) ?? []
                otherSummary = (try? other.dispatchDue(now: at, dispatcherID: "host-b:1:-:b")) ?? otherSummary
            }
            return at
        })
        #expect(heartbeats == [start + 500])
        #expect(otherSummary.recovered == 0 && otherSummary.sent == 0)
        #expect(s.sent == 4)
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == 4)
    }

    // MARK: Claim identity

    /// A claim carries its process's start stamp: a live process of this host with that stamp holds it; one
    /// whose pid now belongs to a process started at another time (pid reuse) is stopped, and its claim recovered.
    @Test func aClaimWhosePidWasReusedIsRecovered() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try book(dir)
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .outbox, target: dir + "/out"), now: 0)
        let parent = getppid()
        #if os(Linux)
        let stamp = try #require(DispatcherIdentity.startStamp(parent))
        #expect(DispatcherIdentity.fresh().split(separator: ":")[2] == Substring(try #require(DispatcherIdentity.startStamp(getpid()))))
        let live = "\(DispatcherIdentity.host):\(parent):\(stamp):live"
        let reused = "\(DispatcherIdentity.host):\(parent):\(DispatcherIdentity.bootID!).1:old"
        let ids = try engine.db.query("SELECT uuid FROM touchpoints ORDER BY id") { $0.text(0) }
        for (i, claim) in [live, reused].enumerated() {
            try engine.db.run("UPDATE touchpoints SET status = 'sending', claimed_by = ?, claimed_at = ? WHERE uuid = ?",
                              [.text(claim), .int(Int64(start)), .text(ids[i])])
        }
        #expect(DispatcherIdentity.liveness(live) == .running && DispatcherIdentity.liveness(reused) == .stopped)
        let s = try engine.dispatchDue(now: start + 60)
        #expect(s.recovered == 1 && s.recoveredPending == 1)
        #expect(try engine.db.query("SELECT status FROM touchpoints ORDER BY id") { $0.text(0) } == ["sending", "sent", "sent", "sent"])
        #endif
    }

    // MARK: Channels not set up

    /// Due touchpoints of a channel with no adapter are not claimed: three passes use no attempt, and the
    /// pass reports them waiting per channel.
    @Test func anUnconfiguredChannelUsesNoAttempts() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try book(dir)
        for k in 0..<3 {
            let s = try engine.dispatchDue(now: start + 3600 * k)
            #expect(s.waitingForChannel == ["email": 4] && s.retried == 0 && s.failed == 0 && s.sent == 0)
        }
        #expect(try engine.db.query("SELECT status, attempts, last_error IS NULL FROM touchpoints") { "\($0.text(0)) \($0.int(1)) \($0.bool(2))" } == Array(repeating: "pending 0 true", count: 4))
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .outbox, target: dir + "/out"), now: 0)
        let s = try engine.dispatchDue(now: start + 4 * 3600)
        #expect(s.sent == 4 && s.waitingForChannel.isEmpty)
    }

    // MARK: Frequency cap: sends that may have gone

    /// Formulas.md, "The frequency cap at send time", second example: a program stopped at its timeout
    /// (failed, handed 2024-01-10 09:00), a send left for review (handed 2024-01-12 10:00) and one sent
    /// 2024-01-14 12:00 fill the cap; a definite failure (handed_at cleared) does not count. A fourth touch due
    /// 2024-01-15 15:00 is deferred to 2024-01-10 09:00 + 7 days + 1 s = 2024-01-17 09:00:01.
    @Test func sendsThatMayHaveGoneCountTowardsTheCap() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let step = #"{"type":"email","template":"renewal_reminder","delay":0}"#
        let engine = try book(dir, sequence: "[" + Array(repeating: step, count: 5).joined(separator: ",") + "]")
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .outbox, target: dir + "/out"), now: 0)
        let rows = try engine.db.query("SELECT id FROM touchpoints WHERE customer_id = (SELECT min(customer_id) FROM touchpoints) ORDER BY step_index") { $0.int64(0) }
        let t = { (text: String) in Int64(Timestamp.parse(text)!) }
        try engine.db.run("UPDATE touchpoints SET status = 'failed', handed_at = ? WHERE id = ?", [.int(t("2024-01-10T09:00:00Z")), .int(rows[0])])
        try engine.db.run("UPDATE touchpoints SET status = 'needs_review', handed_at = ? WHERE id = ?", [.int(t("2024-01-12T10:00:00Z")), .int(rows[1])])
        try engine.db.run("UPDATE touchpoints SET status = 'sent', sent_at = ? WHERE id = ?", [.int(t("2024-01-14T12:00:00Z")), .int(rows[2])])
        try engine.db.run("UPDATE touchpoints SET status = 'failed', handed_at = NULL WHERE id = ?", [.int(rows[3])])
        try engine.dispatchDue(now: start)
        #expect(try engine.db.queryOne("SELECT status, due_at, skip_reason FROM touchpoints WHERE id = ?", [.int(rows[4])]) { ($0.text(0), $0.int(1), $0.text(2)) }!
                == ("pending", Timestamp.parse("2024-01-17T09:00:01Z")!, "deferred: frequency_cap"))
    }

    /// The dispatcher keeps `handed_at` on a timeout failure (it may have gone) and clears it on a failure
    /// the program reported (exit status 1 after three attempts): only the first counts towards the cap.
    @Test func aTimeoutFailureKeepsItsHandOverAndAReportedFailureDoesNot() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try book(dir)
        try engine.setSetting(Settings.programTimeout.name, "1", now: 0)
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .command, target: "cat >/dev/null; sleep 5"), now: 0)
        #expect(try engine.dispatchDue(now: start, limit: 1).failed == 1)
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .command, target: "cat >/dev/null; exit 1"), now: 0)
        for k in 0..<3 { try engine.dispatchDue(now: start + 7200 * k) }
        let rows = try engine.db.query("SELECT handed_at IS NOT NULL FROM touchpoints WHERE status = 'failed' ORDER BY id") { $0.bool(0) }
        #expect(rows == [true, false, false, false])
    }
}
