import CNcursesw
import Foundation

/// The one place that talks to curses: starts and restores the terminal, reads keys and mouse events,
/// and copies a `Canvas` to the screen, writing only the cells that changed since the last frame.
///
/// Everything drawn has already been cleaned by the canvas, so no text from the database can reach
/// the terminal as a control sequence.
final class CursesTerminal {
    private(set) var columns: Int = 80
    private(set) var rows: Int = 24
    private var previous: Canvas?
    private var pairs: [StyleRole: (pair: Int16, attributes: UInt32)] = [:]
    private(set) var capability: ColorCapability = .monochrome
    private var started = false
    let unicode: Bool
    /// Characters read ahead while looking for a bracketed paste's opening, given back in order.
    private var readAhead: [(rc: Int32, ch: wint_t)] = []

    /// A pipe the background worker writes a byte to when it has a result, so the loop waiting for
    /// keys wakes at once instead of at its next timeout.
    let wakeupFDs: (read: Int32, write: Int32)

    /// Restores the terminal from a signal handler or `atexit`: set while curses is active.
    nonisolated(unsafe) static var active = false

    init(mouse: Bool) {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        wakeupFDs = (fds[0], fds[1])
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        unicode = codeset.uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
        initscr()
        started = true
        CursesTerminal.active = true
        atexit { CursesTerminal.restore() }
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            signal(sig) { s in
                CursesTerminal.restore()
                signal(s, SIG_DFL)
                raise(s)
            }
        }
        raw()
        noecho()
        nonl()
        keypad(retention_stdscr(), true)
        curs_set(0)
        set_escdelay(25)
        wtimeout(retention_stdscr(), 0)
        // Every refresh completes: by default curses stops writing a frame when input is waiting and finishes it
        // at the next refresh, but the loop refreshes only when something changed, so input that changes nothing
        // (a mouse release, an unknown sequence) left a half-written frame on screen, such as a menu not drawn
        // until the next key. A frame writes only the cells that changed, so finishing it costs little.
        typeahead(-1)
        if has_colors() {
            start_color()
            use_default_colors()
        }
        if mouse {
            mousemask(mmask_t(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED), nil)
            mouseinterval(0)
        }
        // Bracketed paste: the terminal wraps pasted text in ESC [200~ … ESC [201~, so a paste becomes text
        // for the open prompt instead of a run of keys (a line break in it would otherwise press Enter).
        FileHandle.standardOutput.write(Data("\u{1B}[?2004h".utf8))
        updateSize()
    }

    /// Ends curses: the terminal is back as the user had it. Safe to call more than once.
    static func restore() {
        guard active else { return }
        active = false
        endwin()
        // Leave the cursor visible and the mouse released even if curses was interrupted mid-frame.
        FileHandle.standardOutput.write(Data("\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1006l\u{1B}[?2004l\u{1B}[?25h".utf8))
    }

    func stop() {
        if started { CursesTerminal.restore(); started = false }
    }

    func updateSize() {
        columns = Int(getmaxx(retention_stdscr()))
        rows = Int(getmaxy(retention_stdscr()))
        previous = nil
    }

    /// How many colours the terminal reports (`COLORS`), 0 without colour support.
    var colorCount: Int { has_colors() ? Int(retention_colors()) : 0 }

    /// Allocates one curses colour pair per distinct (foreground, background) of the theme.
    func apply(theme: ResolvedTheme) {
        capability = theme.capability
        pairs = [:]
        var pairIndex: [String: Int16] = [:]
        var next: Int16 = 1
        for role in StyleRole.allCases {
            let style = theme[role]
            var attributes: UInt32 = 0
            if style.attributes.contains(.bold) { attributes |= UInt32(NCURSES_BITS(1, 13)) }
            if style.attributes.contains(.dim) { attributes |= UInt32(NCURSES_BITS(1, 12)) }
            if style.attributes.contains(.reverse) { attributes |= UInt32(NCURSES_BITS(1, 10)) }
            if style.attributes.contains(.underline) { attributes |= UInt32(NCURSES_BITS(1, 9)) }
            var pair: Int16 = 0
            if theme.capability != .monochrome && has_colors() {
                let key = "\(style.foreground.terminalIndex)/\(style.background.terminalIndex)"
                if let existing = pairIndex[key] { pair = existing } else if Int(next) < Int(retention_color_pairs()) {
                    init_pair(next, Int16(style.foreground.terminalIndex), Int16(style.background.terminalIndex))
                    pairIndex[key] = next
                    pair = next
                    next += 1
                }
            }
            pairs[role] = (pair, attributes)
        }
        previous = nil
    }

    private func NCURSES_BITS(_ mask: UInt32, _ shift: UInt32) -> UInt32 { mask << (shift + 8) }

    /// Writes what changed since the last frame and refreshes the screen.
    func draw(_ canvas: Canvas) {
        let runs: [Canvas.Run]
        if let previous, previous.columns == canvas.columns, previous.rows == canvas.rows {
            runs = canvas.diff(from: previous)
        } else {
            wclear(retention_stdscr())
            runs = canvas.diff(from: Canvas(columns: 0, rows: 0))
        }
        for run in runs {
            let style = pairs[run.role] ?? (0, 0)
            wattr_set(retention_stdscr(), attr_t(style.attributes), style.pair, nil)
            var wide = Array(run.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) })
            wide.append(0)
            _ = mvwaddnwstr(retention_stdscr(), Int32(run.row), Int32(run.col), wide, Int32(wide.count - 1))
        }
        wattr_set(retention_stdscr(), 0, 0, nil)
        wrefresh(retention_stdscr())
        previous = canvas
    }

    /// Writes an escape sequence the program built itself (OSC 52 clipboard, window title), after
    /// curses has flushed, so it passes straight to the terminal. Its text was cleaned when built.
    func writeRaw(_ sequence: String) {
        FileHandle.standardOutput.write(Data(sequence.utf8))
    }

    /// The next input, or nil when none arrived within `timeoutMilliseconds` or the worker woke the loop
    /// (a resize arrives as an input too: the signal interrupts the wait).
    func readInput(timeoutMilliseconds: Int32 = 100) -> InputEvent? {
        // Keys curses has already read (typeahead, or read ahead here) do not show on the descriptor: take them first.
        if let event = readKey() { return event }
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeupFDs.read, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, wakeupFDs.read >= 0 ? 2 : 1, timeoutMilliseconds)
        if fds[1].revents & Int16(POLLIN) != 0 {
            var drain = [UInt8](repeating: 0, count: 64)
            while read(wakeupFDs.read, &drain, drain.count) > 0 {}
        }
        return readKey()
    }

    /// The next character or key code: one read ahead first, else what curses has, without waiting.
    private func nextCharacter() -> (rc: Int32, ch: wint_t) {
        if !readAhead.isEmpty { return readAhead.removeFirst() }
        var ch: wint_t = 0
        let rc = wget_wch(retention_stdscr(), &ch)
        return (rc, ch)
    }

    /// After an ESC: the text of a bracketed paste when `[200~` follows, up to its closing `ESC [201~`
    /// (waiting briefly for the rest of a long paste, at most 64 KiB kept); else nil, and the characters
    /// looked at are given back.
    private func readBracketedPaste() -> String? {
        let opening = Array("[200~".unicodeScalars), closing = Array("\u{1B}[201~".unicodeScalars)
        var looked: [(rc: Int32, ch: wint_t)] = []
        // The rest of the opening may arrive a moment after the ESC (a remote terminal's packets): wait as
        // long as curses waits for the rest of a key's sequence.
        wtimeout(retention_stdscr(), 25)
        defer { wtimeout(retention_stdscr(), 0) }
        for expected in opening {
            let next = nextCharacter()
            if next.rc == ERR { break }
            looked.append(next)
            if next.rc == KEY_CODE_YES || next.ch != wint_t(expected.value) { break }
        }
        guard looked.count == opening.count, looked.last?.rc != KEY_CODE_YES,
              looked.last.map({ $0.ch == wint_t(("~" as Unicode.Scalar).value) }) == true else {
            readAhead = looked + readAhead
            return nil
        }
        wtimeout(retention_stdscr(), 200)  // reset to 0 by the defer above
        let limit = 65_536
        var text: [Unicode.Scalar] = [], recent: [Unicode.Scalar] = []
        while true {
            let next = nextCharacter()
            if next.rc == ERR { break }  // the closing never came: keep what arrived
            if next.rc == KEY_CODE_YES {
                if Int32(next.ch) == KEY_RESIZE { updateSize() }  // the size still follows the terminal
                continue  // a key sequence inside the paste is not text
            }
            guard let scalar = Unicode.Scalar(UInt32(next.ch)) else { continue }
            if text.count < limit + closing.count { text.append(scalar) }
            recent.append(scalar)
            if recent.count > closing.count { recent.removeFirst() }
            if recent == closing {
                if text.suffix(closing.count).elementsEqual(closing) { text.removeLast(closing.count) }
                break
            }
        }
        var result = ""
        result.unicodeScalars.append(contentsOf: text.prefix(limit))
        return result
    }

    /// One key, mouse or resize event curses has ready, without waiting.
    private func readKey() -> InputEvent? {
        let (rc, ch) = nextCharacter()
        if rc == ERR { return nil }
        if rc == KEY_CODE_YES {
            switch Int32(ch) {
            case KEY_RESIZE: updateSize(); return .resize
            case KEY_UP: return .key(.up)
            case KEY_DOWN: return .key(.down)
            case KEY_LEFT: return .key(.left)
            case KEY_RIGHT: return .key(.right)
            case KEY_NPAGE: return .key(.pageDown)
            case KEY_PPAGE: return .key(.pageUp)
            case KEY_HOME: return .key(.home)
            case KEY_END: return .key(.end)
            case KEY_BTAB: return .key(.backTab)
            case KEY_ENTER: return .key(.enter)
            case KEY_BACKSPACE: return .key(.backspace)
            case KEY_DC: return .key(.delete)
            case KEY_MOUSE:
                var event = MEVENT()
                guard getmouse(&event) == OK else { return nil }
                if event.bstate & mmask_t(BUTTON4_PRESSED) != 0 { return .scroll(row: Int(event.y), col: Int(event.x), down: false) }
                if event.bstate & mmask_t(BUTTON5_PRESSED) != 0 { return .scroll(row: Int(event.y), col: Int(event.x), down: true) }
                return .click(row: Int(event.y), col: Int(event.x))
            default: return nil
            }
        }
        switch ch {
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 27: return readBracketedPaste().map(InputEvent.paste) ?? .key(.escape)
        case 127, 8: return .key(.backspace)
        case 3: return .key(.interrupt)
        default:
            guard let scalar = Unicode.Scalar(UInt32(ch)) else { return nil }
            if scalar.value < 32 { return .key(.control(Character(Unicode.Scalar(scalar.value + 96)!))) }
            return .key(.character(Character(scalar)))
        }
    }
}

private let BUTTON1_CLICKED: Int32 = 0o4
private let BUTTON1_PRESSED: Int32 = 0o2
// ncurses mouse version 2: button b's bits are shifted by (b − 1) × 5.
private let BUTTON4_PRESSED: Int32 = 0o2 << 15
private let BUTTON5_PRESSED: Int32 = 0o2 << 20
