/// A key, independent of curses.
public enum Key: Hashable, Sendable {
    case character(Character)
    case control(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case tab, backTab, enter, escape, backspace, delete, interrupt

    /// How the key is written in the help overlay and the footer.
    public var label: String {
        switch self {
        case .character(" "): "Space"
        case .character(let c): String(c)
        case .control(let c): "Ctrl-\(c.uppercased())"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Backspace"
        case .delete: "Del"
        case .interrupt: "Ctrl-C"
        }
    }
}

/// Everything the app loop reacts to from the terminal.
public enum InputEvent: Sendable, Equatable {
    case key(Key)
    case resize
    case click(row: Int, col: Int)
    case scroll(row: Int, col: Int, down: Bool)
    /// Text the terminal marked as pasted (bracketed paste): it is text for a prompt, never keys.
    case paste(String)
}
