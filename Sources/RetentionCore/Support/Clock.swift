import Foundation

/// The process's clock: the real time, or a fixed "today" for reproducible books, demonstrations and tests.
///
/// `--today DATE` on any command (or `RETENTION_TODAY=DATE` in the environment) sets the clock to that
/// instant when the process starts; it then moves on with real elapsed time, so a dashboard left open still
/// sees time pass. A date alone (`2026-06-15`) means 12:00 UTC of that day, so the same calendar day holds in
/// every time zone from UTC−11 to UTC+11; a full instant (`2026-06-15T09:30:00Z`) is taken as given. Two runs
/// with the same seed and the same `--today` build byte-for-byte the same demo book, whatever the real date.
public enum Clock {
    /// The name of the environment variable that fixes the clock.
    public static let environmentKey = "RETENTION_TODAY"

    /// Seconds since 1970 now, on this process's clock.
    public static func now() -> Int {
        guard let fixed = state.fixed else { return Int(Date().timeIntervalSince1970) }
        return fixed.instant + Int(Date().timeIntervalSince(fixed.setAt))
    }

    /// Whether the clock was fixed by `--today` or `RETENTION_TODAY`.
    public static var isFixed: Bool { state.fixed != nil }

    /// Fixes the clock at `instant` from this moment on.
    public static func fix(at instant: Int) { state.fix(instant) }

    /// The instant a `--today` value names: a date is noon UTC of that day, an instant is itself.
    /// Nil when the text is neither; years outside 1900...9000 are refused (nothing in a book lives there).
    public static func instant(fromToday text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let t = Timestamp.parse(trimmed) else { return nil }
        let instant = trimmed.count == 10 ? t + 12 * 3600 : t
        guard let year = Int(Timestamp.formatDate(instant).prefix(4)), (1900...9000).contains(year) else { return nil }
        return instant
    }

    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var value: (instant: Int, setAt: Date)?

        init() {
            if let text = ProcessInfo.processInfo.environment[Clock.environmentKey], !text.isEmpty,
               let instant = Clock.instant(fromToday: text) {
                value = (instant, Date())
            }
        }
        var fixed: (instant: Int, setAt: Date)? { lock.lock(); defer { lock.unlock() }; return value }
        func fix(_ instant: Int) { lock.lock(); value = (instant, Date()); lock.unlock() }
    }
    private static let state = State()
}
