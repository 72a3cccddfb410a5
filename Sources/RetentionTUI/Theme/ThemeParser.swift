/// Reads the plain-text theme format.
///
/// ```text
/// # A comment: a line whose first non-blank character is '#'.
/// [palette]                       # names for colours, used below
/// accent = #268bd2                # a '#' after a blank, followed by a blank, starts a comment
/// ink    = 252
///
/// [roles]                         # how each screen role looks
/// header        = ink on accent bold
/// selection     = reverse
/// risk-critical = bright-red on default bold underline
/// ```
///
/// - Sections: `[palette]` and `[roles]`, in any order, each as often as wanted. Another section
///   name gives a warning and its lines are skipped.
/// - `[palette]`: `name = colour`. A name starts with a lowercase letter and continues with
///   lowercase letters, digits, `-` or `_`; colour names, `default`, `on` and the attribute names
///   are reserved. A palette colour may use a palette name defined above it.
/// - `[roles]`: `role = [fg] [on bg] [attribute …]`, in that order. `role` is a ``StyleRole/key``
///   (`header`, `pane-title-focused`, `risk-critical` …). A missing fg or bg is `default`.
///   Attributes: `bold`, `dim`, `reverse`, `underline`.
/// - A colour is one of the 16 names (`black` … `white`, `bright-black` … `bright-white`), a
///   palette index `0`–`255`, `#rrggbb`, `default` (the terminal's own colour) or a palette name.
/// - Names, colours and attributes are case-insensitive.
///
/// Problems: a line that cannot be understood (no `=`, a bad colour, a word out of place) is a
/// ``ThemeError`` naming the file, line and key; the whole theme is refused, because a half-read
/// theme would be confusing. An unknown role, an unknown section or a key given twice is a
/// ``ThemeWarning``: the theme still loads. Roles the file does not mention take the style of the
/// fallback theme (the built-in default) and are listed in ``ThemeParseResult/fallbackRoles``.
public enum ThemeParser {
    /// Parses `text`, the contents of theme `name` read from `file` (used in messages only).
    /// - Throws: ``ThemeError`` at the first malformed line.
    public static func parse(_ text: String, name: String, file: String, fallback: Theme? = nil) throws -> ThemeParseResult {
        enum Section { case none, palette, roles, unknown }
        var section = Section.none
        var palette: [String: Color] = [:]
        var paletteLines: [String: Int] = [:]
        var styles: [StyleRole: Style] = [:]
        var roleLines: [StyleRole: Int] = [:]
        var warnings: [ThemeWarning] = []

        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (offset, rawLine) in lines.enumerated() {
            let number = offset + 1
            let line = stripComment(rawLine).trimmingBlanks()
            if line.isEmpty { continue }

            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count >= 2 else {
                    throw ThemeError(file: file, line: number, key: nil,
                                     message: "a section header must look like [palette] or [roles], not '\(line)'")
                }
                let sectionName = line.dropFirst().dropLast().trimmingBlanks().lowercased()
                switch sectionName {
                case "palette": section = .palette
                case "roles": section = .roles
                default:
                    section = .unknown
                    warnings.append(ThemeWarning(file: file, line: number, key: nil,
                                                 message: "unknown section [\(sectionName)]; its lines are ignored (known sections: [palette], [roles])"))
                }
                continue
            }

            guard let equals = line.firstIndex(of: "=") else {
                throw ThemeError(file: file, line: number, key: nil,
                                 message: "expected 'name = value' or a [section] header, found '\(line)'")
            }
            let key = line[..<equals].trimmingBlanks().lowercased()
            let value = line[line.index(after: equals)...].trimmingBlanks()
            guard !key.isEmpty else {
                throw ThemeError(file: file, line: number, key: nil, message: "the name before '=' is missing")
            }
            guard !value.isEmpty else {
                throw ThemeError(file: file, line: number, key: key, message: "the value after '=' is missing")
            }

            switch section {
            case .none:
                throw ThemeError(file: file, line: number, key: key,
                                 message: "this line comes before any section; put it under [palette] or [roles]")
            case .unknown:
                continue
            case .palette:
                guard isValidPaletteName(key) else {
                    throw ThemeError(file: file, line: number, key: key,
                                     message: "a palette name starts with a letter and uses only a-z, 0-9, '-' and '_'")
                }
                guard !isReserved(key) else {
                    throw ThemeError(file: file, line: number, key: key,
                                     message: "'\(key)' is reserved (a colour name, 'default', 'on' or an attribute); choose another palette name")
                }
                let words = value.split(whereSeparator: \.isBlank)
                guard words.count == 1 else {
                    throw ThemeError(file: file, line: number, key: key,
                                     message: "a palette entry takes one colour, found '\(value)'")
                }
                let color = try parseColor(String(words[0]), palette: palette, file: file, line: number, key: key)
                if let earlier = paletteLines[key] {
                    warnings.append(ThemeWarning(file: file, line: number, key: key,
                                                 message: "already defined on line \(earlier); this later value is used"))
                }
                palette[key] = color
                paletteLines[key] = number
            case .roles:
                guard let role = StyleRole(key: key) else {
                    warnings.append(ThemeWarning(file: file, line: number, key: key,
                                                 message: "unknown role, ignored; roles are: \(StyleRole.allCases.map(\.key).joined(separator: ", "))"))
                    continue
                }
                let style = try parseStyle(value, palette: palette, file: file, line: number, key: key)
                if let earlier = roleLines[role] {
                    warnings.append(ThemeWarning(file: file, line: number, key: key,
                                                 message: "already assigned on line \(earlier); this later value is used"))
                }
                styles[role] = style
                roleLines[role] = number
            }
        }

        let fallbackRoles = StyleRole.allCases.filter { styles[$0] == nil }
        let theme = Theme(name: name, styles: styles, fallback: fallback ?? .builtinDefault)
        return ThemeParseResult(theme: theme, warnings: warnings, fallbackRoles: fallbackRoles)
    }

    /// Parses `[fg] [on bg] [attribute …]` (see ``ThemeParser``).
    static func parseStyle(_ value: String, palette: [String: Color], file: String, line: Int, key: String) throws -> Style {
        let words = value.split(whereSeparator: \.isBlank).map { $0.lowercased() }
        var style = Style()
        var index = 0
        if index < words.count, words[index] != "on", TextAttributes(name: words[index]) == nil {
            style.foreground = try parseColor(words[index], palette: palette, file: file, line: line, key: key)
            index += 1
        }
        if index < words.count, words[index] == "on" {
            guard index + 1 < words.count else {
                throw ThemeError(file: file, line: line, key: key, message: "'on' must be followed by a background colour")
            }
            style.background = try parseColor(words[index + 1], palette: palette, file: file, line: line, key: key)
            index += 2
        }
        while index < words.count {
            let word = words[index]
            guard let attribute = TextAttributes(name: word) else {
                let hint = word == "on" ? "'on' may appear once, after the foreground colour"
                    : "expected an attribute (bold, dim, reverse, underline) here; colours come first, as 'fg on bg'"
                throw ThemeError(file: file, line: line, key: key, message: "unexpected '\(word)': \(hint)")
            }
            style.attributes.insert(attribute)
            index += 1
        }
        return style
    }

    /// A colour word: `default`, a palette name, an ANSI name, `0`–`255` or `#rrggbb`.
    static func parseColor(_ word: String, palette: [String: Color], file: String, line: Int, key: String) throws -> Color {
        let lower = word.lowercased()
        if let named = palette[lower] { return named }
        if let color = Color(parsing: lower) { return color }
        let message: String
        if lower.hasPrefix("#") {
            message = "'\(word)' is not a colour: write exact colours as # and six hex digits, like #1e90ff"
        } else if let number = Int(lower) {
            message = "colour index \(number) is out of range: the palette has entries 0 to 255"
        } else {
            message = "unknown colour '\(word)': use a colour name (black, red, …, bright-white), a number 0-255, #rrggbb, default, or a name from [palette]"
        }
        throw ThemeError(file: file, line: line, key: key, message: message)
    }

    static func isValidPaletteName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    static func isReserved(_ name: String) -> Bool {
        name == "default" || name == "on" || TextAttributes(name: name) != nil || Color.ansiIndex(name) != nil
    }

    /// Removes a comment: the whole line when its first non-blank character is `#`; otherwise from a
    /// `#` that has a blank (or nothing) on both sides, so `#1e90ff` is a colour, not a comment.
    static func stripComment(_ line: Substring) -> Substring {
        let trimmed = line.trimmingBlanks()
        if trimmed.hasPrefix("#") { return "" }
        var previous: Character = " "
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            let next = line.index(after: index)
            if character == "#" && previous.isBlank && (next == line.endIndex || line[next].isBlank) {
                return line[..<index]
            }
            previous = character
            index = next
        }
        return line
    }
}

/// What ``ThemeParser/parse(_:name:file:fallback:)`` found.
public struct ThemeParseResult: Sendable, Equatable {
    /// The complete theme.
    public let theme: Theme
    /// Things ignored in the file, in line order.
    public let warnings: [ThemeWarning]
    /// Roles the file does not assign, which took the fallback theme's style.
    public let fallbackRoles: [StyleRole]

    public init(theme: Theme, warnings: [ThemeWarning], fallbackRoles: [StyleRole]) {
        self.theme = theme
        self.warnings = warnings
        self.fallbackRoles = fallbackRoles
    }
}

fileprivate extension Character {
    /// A space or a tab.
    var isBlank: Bool { self == " " || self == "\t" }
}

fileprivate extension StringProtocol {
    /// Without spaces and tabs at either end.
    func trimmingBlanks() -> String {
        var start = startIndex, end = endIndex
        while start < end && self[start].isBlank { start = index(after: start) }
        while end > start && self[index(before: end)].isBlank { end = index(before: end) }
        return String(self[start..<end])
    }
}
