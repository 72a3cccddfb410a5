import Foundation

/// The themes found on disk and the one in use: loads a theme into the terminal, and moves to the next.
final class ThemeSwitcher {
    private let catalog: ThemeCatalog
    private let terminal: CursesTerminal
    private let environment: [String: String]
    private(set) var name: String
    /// The problems of the theme in use (unknown keys, bad colours), first one shown.
    private(set) var warnings: [String] = []

    init(terminal: CursesTerminal, environment: [String: String], name: String) {
        self.terminal = terminal
        self.environment = environment
        self.name = name
        catalog = ThemeCatalog.shipped(directories: ThemeCatalog.searchDirectories(installed: Self.installedThemesDirectory(environment),
                                                                           environment: environment))
    }

    var names: [String] { catalog.entries().map(\.name) }

    /// Applies the theme called `name` (the built-in default, with a warning, when it cannot be read).
    func apply(_ name: String) {
        self.name = name
        let theme: Theme
        do {
            let result = try catalog.load(named: name)
            theme = result.theme
            warnings = result.warnings.map { "\($0)" }
        } catch {
            theme = Theme.builtinDefault
            warnings = ["\(error)"]
        }
        terminal.apply(theme: theme.resolved(for: ColorCapability(colorCount: terminal.colorCount, environment: environment)))
    }

    /// Moves to the next theme found; what happened, for `update`.
    func next() -> EffectResult? {
        let names = self.names
        guard !names.isEmpty else { return nil }
        apply(names[((names.firstIndex(of: name) ?? -1) + 1) % names.count])
        return .themeApplied(name: name, count: names.count, warning: warnings.first)
    }

    /// A `themes/` folder on disk, over the themes built into the program: `$RETENTION_THEMES`, else
    /// `./themes`, else beside the binary or up to four folders above it (the source tree, for a build).
    static func installedThemesDirectory(_ env: [String: String]) -> String? {
        if let dir = env["RETENTION_THEMES"], !dir.isEmpty { return dir }
        let fm = FileManager.default
        if fm.fileExists(atPath: fm.currentDirectoryPath + "/themes") { return fm.currentDirectoryPath + "/themes" }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = url.appendingPathComponent("themes").path
            if fm.fileExists(atPath: candidate) { return candidate }
            url.deleteLastPathComponent()
        }
        return nil
    }
}
