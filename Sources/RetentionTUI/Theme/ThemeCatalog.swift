import Foundation

/// Finds theme files and loads one by name.
///
/// Themes are `<name>.theme` files in a list of directories searched in order; a later directory
/// overrides an earlier one for the same name, so a user's `~/.config/retention/themes/dark.theme`
/// replaces the shipped `dark`. The built-in default theme is always available as `default`, even
/// when no directory exists.
public struct ThemeCatalog: Sendable {
    /// Directories searched, lowest priority first.
    public let directories: [String]
    /// Themes built into the program (name → file text), below every directory: the shipped themes
    /// (`ShippedThemes`), so a binary copied anywhere has them; a file of the same name overrides one.
    public let embedded: [String: String]

    /// The file extension of theme files.
    public static let fileExtension = "theme"

    /// The largest theme file read, in bytes; a theme is a page of text, so anything larger is a
    /// mistake (a wrong file), not a theme.
    public static let maximumFileSize = 256 * 1024

    public init(directories: [String], embedded: [String: String] = [:]) {
        self.directories = directories
        self.embedded = embedded.filter { Self.isValidName($0.key) }
    }

    /// The shipped themes' catalogue: the built-in copies of themes/, then `directories`.
    public static func shipped(directories: [String]) -> ThemeCatalog {
        ThemeCatalog(directories: directories, embedded: ShippedThemes.files)
    }

    /// The standard search list: the shipped themes directory (`installed`, from the caller: the
    /// repository's `themes/` or the installed copy), then the user's
    /// `$XDG_CONFIG_HOME/retention/themes`, or `$HOME/.config/retention/themes` when
    /// `XDG_CONFIG_HOME` is unset, empty or not an absolute path (as the XDG base directory
    /// specification says to ignore relative paths).
    public static func searchDirectories(installed: String?, environment: [String: String]) -> [String] {
        var result: [String] = []
        if let installed, !installed.isEmpty { result.append(installed) }
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            result.append(join(xdg, "retention/themes"))
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            result.append(join(home, ".config/retention/themes"))
        }
        return result
    }

    /// One theme the catalogue can load.
    public struct Entry: Sendable, Equatable {
        public let name: String
        /// The file it is read from; nil for the built-in default and the themes built into the program.
        public let path: String?
        /// Built into the program (`embedded`), not read from a file.
        public var isEmbedded = false

        public init(name: String, path: String?, isEmbedded: Bool = false) {
            (self.name, self.path, self.isEmbedded) = (name, path, isEmbedded)
        }
    }

    /// Every theme available, sorted by name, each from the highest-priority directory holding it;
    /// `default` is included (built in) when no directory has a `default.theme`.
    public func entries() -> [Entry] {
        var byName: [String: String] = [:]
        let files = FileManager.default
        for directory in directories {
            guard let names = try? files.contentsOfDirectory(atPath: directory) else { continue }
            for fileName in names where fileName.hasSuffix("." + Self.fileExtension) {
                let name = String(fileName.dropLast(Self.fileExtension.count + 1))
                guard Self.isValidName(name) else { continue }
                byName[name] = Self.join(directory, fileName)
            }
        }
        var result = byName.map { Entry(name: $0.key, path: $0.value) }
        for name in embedded.keys where byName[name] == nil { result.append(Entry(name: name, path: nil, isEmbedded: true)) }
        if byName["default"] == nil && embedded["default"] == nil { result.append(Entry(name: "default", path: nil)) }
        return result.sorted { $0.name < $1.name }
    }

    /// Loads the theme called `name`.
    ///
    /// - Throws: ``ThemeError`` when the name is not a plain file name, no such theme exists (the
    ///   message lists those that do), the file cannot be read, is larger than
    ///   ``maximumFileSize``, is not UTF-8, or has a malformed line.
    public func load(named name: String) throws -> ThemeParseResult {
        guard Self.isValidName(name) else {
            throw ThemeError(file: name, line: 0, key: nil,
                             message: "a theme name uses letters, digits, '-', '_' and '.', and does not start with '.'")
        }
        let available = entries()
        guard let entry = available.first(where: { $0.name == name }) else {
            throw ThemeError(file: name, line: 0, key: nil,
                             message: "no theme called '\(name)'; available: \(available.map(\.name).joined(separator: ", "))")
        }
        if entry.isEmbedded, let text = embedded[name] {
            return try ThemeParser.parse(text, name: name, file: "\(name).theme (built in)")
        }
        guard let path = entry.path else {
            return ThemeParseResult(theme: .builtinDefault, warnings: [], fallbackRoles: [])
        }
        return try Self.load(path: path, name: name)
    }

    /// Reads and parses one theme file.
    /// - Throws: ``ThemeError`` (see ``load(named:)``).
    public static func load(path: String, name: String) throws -> ThemeParseResult {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes?[.size] as? Int, size > maximumFileSize {
            throw ThemeError(file: path, line: 0, key: nil,
                             message: "the file is \(size) bytes; a theme file is at most \(maximumFileSize) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ThemeError(file: path, line: 0, key: nil, message: "the file cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ThemeError(file: path, line: 0, key: nil, message: "the file is not valid UTF-8 text")
        }
        return try ThemeParser.parse(text, name: name, file: path)
    }

    /// A theme name is a plain file name: letters, digits, `-`, `_`, `.`, not starting with `.`.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != "." else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || $0 == "-" || $0 == "_" || $0 == "."
        }
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
