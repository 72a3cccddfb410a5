import Foundation
import RetentionCore

/// A long job's progress line (`demo`, `import`, `rescore`): on a terminal, one line on standard error, redrawn
/// in place, "phase  rows done of total  rows/s  time left", at most ten times a second; it is wiped before the
/// command prints its summary. Piped, or with `--quiet`, nothing is drawn: only the summary is printed.
///
/// The engine only reports where a job is (`JobPhase`); this renderer owns the clock. The rate is the rows
/// done since the phase's first report over the seconds since then; the time left is the rows still to do
/// at that rate (shown once the phase has run a quarter of a second, when the rate means something).
final class ProgressLine {
    /// Draws at all (standard error is a terminal and `--quiet` was not given).
    let drawing: Bool
    private let clock: () -> Double
    private let write: (String) -> Void
    private let width: Int
    /// The least time between two draws of the same phase, in seconds.
    static let interval = 0.1

    private var phase: String?
    /// When the phase began and its first report: where its rate is measured from.
    private var start: (seconds: Double, done: Int) = (0, 0)
    private var lastDraw = -Double.infinity
    private var onScreen = false

    /// `clock` gives seconds (any origin, never going back); `write` puts text on the terminal; `width` is the
    /// terminal's width in columns (the line is cut to one less, so it never wraps).
    init(drawing: Bool, width: Int = 80, clock: @escaping () -> Double = ProgressLine.uptime, write: @escaping (String) -> Void) {
        self.drawing = drawing
        self.width = max(20, width)
        self.clock = clock
        self.write = write
    }

    /// The renderer for a command: drawing when standard error is a terminal and the command was not given `--quiet`.
    static func forCommand(_ args: ParsedArguments, _ env: CommandEnvironment) -> ProgressLine {
        var size = winsize()
        let asked = withUnsafeMutablePointer(to: &size) { ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), $0) }
        let columns = asked == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
        return ProgressLine(drawing: env.stderrIsTerminal && !args.flag("--quiet"), width: columns) { FileHandle.standardError.write(Data($0.utf8)) }
    }

    static func uptime() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Takes a job's report (the engine's phases and progress).
    func observe(_ report: JobPhase) {
        guard drawing else { return }
        switch report {
        case .began(let name):
            phase = name
            start = (clock(), 0)
            draw(name, force: true)
        case .ended:
            break
        case .progress(let name, let done, let total):
            let now = clock()
            if name != phase {
                phase = name
                start = (now, done)
            }
            guard now - lastDraw >= Self.interval else { return }
            draw(Self.text(phase: name, done: done, total: total, elapsed: now - start.seconds, doneSince: done - start.done), at: now)
        }
    }

    /// Reports `done` of `total` for a job that reports no phases of its own (a count with a name).
    func progress(_ phase: String, done: Int, total: Int?) {
        observe(.progress(phase, done: done, total: total))
    }

    /// Wipes the line, so the summary that follows stands alone.
    func finish() {
        guard drawing, onScreen else { return }
        write("\r\u{1B}[K")
        onScreen = false
    }

    private func draw(_ text: String, force: Bool = false, at now: Double? = nil) {
        let line = text.count >= width ? String(text.prefix(width - 2)) + "…" : text
        write("\r\u{1B}[K" + line)
        onScreen = true
        lastDraw = now ?? clock()
    }

    /// The line's text: the phase, then "done of total", the rate (rows a second) and the time left when
    /// they can be known. `elapsed` seconds have passed since the phase's first report, in which `doneSince`
    /// rows were done.
    static func text(phase: String, done: Int, total: Int?, elapsed: Double, doneSince: Int) -> String {
        var parts = [phase]
        parts.append(total.map { "\(NumberText.grouped(done)) of \(NumberText.grouped(max($0, done)))" } ?? NumberText.grouped(done))
        if elapsed >= 0.25 && doneSince > 0 {
            let rate = Double(doneSince) / elapsed
            parts.append("\(NumberText.grouped(Int(rate.rounded())))/s")
            if let total, total > done { parts.append(duration(Double(total - done) / rate) + " left") }
        }
        return parts.joined(separator: "  ")
    }

    /// Seconds as people read a wait: "under 1 s", "42 s", "3 min 05 s", "1 h 02 min".
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        if seconds < 1 { return "under 1 s" }
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(String(format: "%02d", s % 60)) s" }
        return "\(s / 3600) h \(String(format: "%02d", (s % 3600) / 60)) min"
    }
}
