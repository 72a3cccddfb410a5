import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a channel's program (`command` and `sendmail` adapters) so that no program can crash or freeze the
/// dispatcher:
///
/// - SIGPIPE is ignored in the dispatcher: a program that exits without reading its whole standard input
///   makes the write fail (a *short write*), which is a failed send, not the dispatcher's death;
/// - the message is written, and standard output and standard error are read, in one `poll` loop, so a
///   program that floods either stream never blocks; at most `captureLimit` bytes of each are kept;
/// - the program runs in its own process group; after `timeout` seconds the whole group is killed
///   (SIGKILL) and the run reports `timedOut`. A dispatcher killed itself cannot do that: its program runs
///   on to its own end (posix_spawn cannot ask for PR_SET_PDEATHSIG), and recovery marks that send
///   `needs_review`.
///
/// The child gets SIGPIPE back at its default action and an empty signal mask.
enum ChannelProgram {
    struct Outcome: Sendable, Equatable {
        /// The exit status when the program exited; nil when it was killed by a signal (or by the timeout).
        var exitStatus: Int32?
        var signal: Int32?
        var timedOut = false
        /// Bytes of the input the program took, of `inputBytes`.
        var inputWritten = 0
        var inputBytes = 0
        var stdout = Data()
        var stderr = Data()
        var tookWholeInput: Bool { inputWritten == inputBytes }
    }

    /// Bytes of standard output and standard error kept (the rest is read and dropped).
    static let captureLimit = 16 * 1024

    /// After the program itself exits, how long its streams are still read (a background child may hold them).
    static let drainAfterExit: Double = 0.5

    private static let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Runs `/bin/sh -c command` with `input` on its standard input.
    static func run(_ command: String, input: Data, timeout: Double) throws -> Outcome {
        _ = ignoreSIGPIPE
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard pipe(&inPipe) == 0 else { throw RetentionError.storage("cannot start the channel program: \(String(cString: strerror(errno)))") }
        guard pipe(&outPipe) == 0 else {
            close(inPipe[0]); close(inPipe[1])
            throw RetentionError.storage("cannot start the channel program: \(String(cString: strerror(errno)))")
        }
        guard pipe(&errPipe) == 0 else {
            for fd in inPipe + outPipe { close(fd) }
            throw RetentionError.storage("cannot start the channel program: \(String(cString: strerror(errno)))")
        }
        let parentEnds = [inPipe[1], outPipe[0], errPipe[0]], childEnds = [inPipe[0], outPipe[1], errPipe[1]]
        for fd in parentEnds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in parentEnds + childEnds { posix_spawn_file_actions_addclose(&actions, fd) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t(), mask = sigset_t()
        sigemptyset(&defaults); sigaddset(&defaults, SIGPIPE)
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { for p in argv { free(p) } }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        for fd in childEnds { close(fd) }
        guard spawned == 0 else {
            for fd in parentEnds { close(fd) }
            throw RetentionError.storage("cannot start the channel program: \(String(cString: strerror(spawned)))")
        }
        return pump(pid: pid, stdin: inPipe[1], stdout: outPipe[0], stderr: errPipe[0], input: input, timeout: timeout)
    }

    /// Feeds the input and reads both streams until the program exits (and its streams close, or
    /// `drainAfterExit` passes), or the timeout: then the process group is killed.
    private static func pump(pid: pid_t, stdin: Int32, stdout: Int32, stderr: Int32, input: Data, timeout: Double) -> Outcome {
        var outcome = Outcome(inputBytes: input.count)
        _ = fcntl(stdin, F_SETFL, fcntl(stdin, F_GETFL) | O_NONBLOCK)
        var inputFD: Int32? = input.isEmpty ? nil : stdin
        if input.isEmpty { close(stdin) }
        var readers: [Int32: Bool] = [stdout: true, stderr: false]  // fd → is it stdout
        func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
        let deadline = seconds() + timeout
        var exited: (status: Int32, at: Double)?
        var buffer = [UInt8](repeating: 0, count: 65536)

        func reap() {
            guard exited == nil else { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { exited = (status, seconds()) }
        }
        while true {
            reap()
            let now = seconds()
            if now >= deadline { break }
            if let e = exited, readers.isEmpty || now >= e.at + drainAfterExit { break }
            var fds: [pollfd] = readers.keys.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if let fd = inputFD { fds.append(pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)) }
            // Wake up at least every 50 ms to notice the program's exit and the deadline.
            let wait = Int32(max(1, min(50, (deadline - now) * 1000)))
            if fds.isEmpty { usleep(UInt32(wait) * 1000); continue }
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready < 0 && errno != EINTR { break }
            for p in fds where p.revents != 0 {
                if p.fd == inputFD {
                    let written = input.withUnsafeBytes { raw in
                        write(p.fd, raw.baseAddress! + outcome.inputWritten, min(65536, input.count - outcome.inputWritten))
                    }
                    if written > 0 { outcome.inputWritten += written }
                    if (written < 0 && errno != EAGAIN && errno != EINTR) || outcome.inputWritten == input.count {
                        close(p.fd); inputFD = nil
                    }
                } else {
                    let n = read(p.fd, &buffer, buffer.count)
                    if n > 0 {
                        let isOut = readers[p.fd] == true
                        let room = captureLimit - (isOut ? outcome.stdout.count : outcome.stderr.count)
                        if room > 0 {
                            if isOut { outcome.stdout.append(contentsOf: buffer[0..<min(n, room)]) } else { outcome.stderr.append(contentsOf: buffer[0..<min(n, room)]) }
                        }
                    } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                        close(p.fd); readers[p.fd] = nil
                    }
                }
            }
        }
        if let fd = inputFD { close(fd) }
        for fd in readers.keys { close(fd) }
        if exited == nil {
            outcome.timedOut = true
            kill(-pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            exited = (status, seconds())
        } else if seconds() >= deadline && !readers.isEmpty {
            // The program exited but something it started still held its streams past the deadline.
            kill(-pid, SIGKILL)
        }
        let status = exited!.status
        if status & 0x7F == 0 { outcome.exitStatus = (status >> 8) & 0xFF } else { outcome.signal = status & 0x7F }
        return outcome
    }
}
