/// Text attributes a terminal can show without colour.
public struct TextAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let reverse = TextAttributes(rawValue: 1 << 2)
    public static let underline = TextAttributes(rawValue: 1 << 3)

    /// Each attribute with its name in a theme file, in the order they are written.
    public static let named: [(name: String, attribute: TextAttributes)] = [
        ("bold", .bold), ("dim", .dim), ("reverse", .reverse), ("underline", .underline),
    ]

    /// The attribute called `name` in a theme file (`bold`, `dim`, `reverse`, `underline`).
    public init?(name: String) {
        guard let match = Self.named.first(where: { $0.name == name }) else { return nil }
        self = match.attribute
    }

    /// Theme-file spelling: names separated by spaces, empty for none.
    public var names: [String] { Self.named.filter { contains($0.attribute) }.map(\.name) }
}

/// How a role looks: foreground and background colour plus attributes.
public struct Style: Hashable, Sendable, CustomStringConvertible {
    public var foreground: Color
    public var background: Color
    public var attributes: TextAttributes

    public init(_ foreground: Color = .default, on background: Color = .default, _ attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// Theme-file spelling, `fg [on bg] [attributes]`, e.g. `231 on 25 bold`.
    public var description: String {
        var parts = [foreground.description]
        if background != .default { parts += ["on", background.description] }
        parts += attributes.names
        return parts.joined(separator: " ")
    }
}
