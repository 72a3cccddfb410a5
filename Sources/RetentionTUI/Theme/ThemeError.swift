/// A theme file that cannot be used: the file, the line (1-based; 0 when the problem is the whole
/// file), the key on that line if any, and what rule was broken.
///
/// Key and message may quote the file, so they are cleaned by ``DisplayText/clean(_:)`` when the
/// error is made: printing an error can never send a theme file's control characters to the terminal.
public struct ThemeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let key: String?
    public let message: String

    public init(file: String, line: Int, key: String?, message: String) {
        self.file = DisplayText.clean(file)
        self.line = line
        self.key = key.map(DisplayText.clean)
        self.message = DisplayText.clean(message)
    }

    /// `file:line: key 'name': message`, the form compilers use, so editors can jump to it.
    public var description: String {
        var text = line > 0 ? "\(file):\(line): " : "\(file): "
        if let key { text += "key '\(key)': " }
        return text + message
    }
}

/// Something in a theme file that was ignored (an unknown role or section, a repeated key): the
/// theme still loads. Returned by the parser, never printed by it. Same fields and cleaning as an error.
public struct ThemeWarning: Sendable, Equatable, CustomStringConvertible {
    private let problem: ThemeError
    public var file: String { problem.file }
    public var line: Int { problem.line }
    public var key: String? { problem.key }
    public var message: String { problem.message }

    public init(file: String, line: Int, key: String?, message: String) {
        problem = ThemeError(file: file, line: line, key: key, message: message)
    }

    /// `file:line: warning: key 'name': message`.
    public var description: String {
        var text = "\(file):\(line): warning: "
        if let key { text += "key '\(key)': " }
        return text + message
    }
}
