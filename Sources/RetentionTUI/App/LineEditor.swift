/// One line of text being edited in a prompt, with a cursor: the keys a shell's line editor has (readline's
/// emacs mode, as lazygit's and k9s's prompts have them). Pure: a key in, the text and cursor changed, so
/// every prompt (a note, a tag, the filter, a form's field) edits the same way and is tested without a terminal.
///
/// | Key                      | Does |
/// |--------------------------|------|
/// | ← / Ctrl-B, → / Ctrl-F   | one character left / right |
/// | Home / Ctrl-A, End / Ctrl-E | to the start / the end |
/// | Backspace / Ctrl-H       | deletes the character before the cursor |
/// | Delete / Ctrl-D          | deletes the character under the cursor |
/// | Ctrl-W                   | deletes the word before the cursor (and the spaces after it) |
/// | Ctrl-U                   | deletes everything before the cursor |
/// | Ctrl-K                   | deletes everything from the cursor on |
/// | a character              | inserted at the cursor |
///
/// The cursor counts characters (grapheme clusters) from the start, `0…text.count`.
public struct LineEditor: Sendable, Equatable {
    public private(set) var text: String
    public private(set) var cursor: Int

    /// `cursor` nil or out of range puts the cursor at the end.
    public init(text: String = "", cursor: Int? = nil) {
        self.text = text
        let count = text.count
        self.cursor = cursor.map { min(max(0, $0), count) } ?? count
    }

    /// Whether `key` is one the editor handles (the prompt then does nothing else with it).
    public static func handles(_ key: Key) -> Bool {
        switch key {
        case .left, .right, .home, .end, .backspace, .delete, .character: return true
        case .control(let c): return "abfhdwuke".contains(c)
        default: return false
        }
    }

    /// Applies `key`; returns whether the text changed (a cursor move leaves it as it was).
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        let before = text
        var chars = Array(text)
        switch key {
        case .left, .control("b"): cursor = max(0, cursor - 1)
        case .right, .control("f"): cursor = min(chars.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = chars.count
        case .backspace, .control("h"):
            guard cursor > 0 else { break }
            chars.remove(at: cursor - 1)
            cursor -= 1
        case .delete, .control("d"):
            guard cursor < chars.count else { break }
            chars.remove(at: cursor)
        case .control("w"):
            // The word before the cursor, with the spaces between it and the cursor.
            var start = cursor
            while start > 0 && chars[start - 1] == " " { start -= 1 }
            while start > 0 && chars[start - 1] != " " { start -= 1 }
            chars.removeSubrange(start..<cursor)
            cursor = start
        case .control("u"):
            chars.removeSubrange(0..<cursor)
            cursor = 0
        case .control("k"):
            chars.removeSubrange(cursor..<chars.count)
        case .character(let c):
            chars.insert(c, at: cursor)
            cursor += 1
        default: break
        }
        text = String(chars)
        return text != before
    }

    /// Inserts `inserted` (already one line) at the cursor, leaving the cursor after it.
    public mutating func insert(_ inserted: String) {
        var chars = Array(text)
        let added = Array(inserted)
        chars.insert(contentsOf: added, at: cursor)
        cursor += added.count
        text = String(chars)
    }

    /// What a field `columns` wide shows: the text before the cursor, the character under it (a space at the
    /// end), and the text after it, cut to keep the cursor in view; a side that is cut starts or ends with
    /// `ellipsis`, so nothing is hidden without a mark. The three parts together are at most `columns` wide.
    public func visible(columns: Int, ellipsis: String = "…") -> (before: String, atCursor: String, after: String) {
        let chars = Array(text)
        let under = cursor < chars.count ? String(chars[cursor]) : " "
        var before = String(chars[..<cursor])
        var after = cursor < chars.count ? String(chars[(cursor + 1)...]) : ""
        let width = { (s: String) in DisplayWidth.width(of: s) }
        let room = max(1, columns - width(under))
        guard width(before) + width(after) > room else { return (before, under, after) }
        // The cursor sits at most two thirds of the way in; the rest of the room shows what follows it.
        let beforeRoom = max(0, min(width(before), room - min(width(after), room / 3)))
        if width(before) > beforeRoom { before = Self.tail(before, columns: beforeRoom, ellipsis: ellipsis) }
        let afterRoom = room - width(before)
        if width(after) > afterRoom {
            after = afterRoom <= 0 ? "" : DisplayWidth.truncate(after, toColumns: afterRoom, ellipsis: ellipsis)
        }
        return (before, under, after)
    }

    /// The end of `text` that fits in `columns`, after `ellipsis` when the start is cut.
    static func tail(_ text: String, columns: Int, ellipsis: String = "…") -> String {
        guard DisplayWidth.width(of: text) > columns else { return text }
        guard columns > DisplayWidth.width(of: ellipsis) else { return columns > 0 ? String(repeating: ellipsis, count: 1) : "" }
        var kept: [Character] = [], used = 0
        let budget = columns - DisplayWidth.width(of: ellipsis)
        for character in text.reversed() {
            let w = DisplayWidth.width(of: character)
            if used + w > budget { break }
            kept.append(character)
            used += w
        }
        return ellipsis + String(kept.reversed())
    }
}
