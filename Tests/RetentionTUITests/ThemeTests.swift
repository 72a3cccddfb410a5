import Foundation
import Testing
@testable import RetentionTUI

/// Theme files, the parser's errors and warnings, colour degradation and theme discovery.
struct ThemeTests {
    /// The repository's `themes/` folder, found from this file's path (Tests/RetentionTUITests/…).
    private static let themesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("themes").path

    private func parse(_ text: String) throws -> ThemeParseResult {
        try ThemeParser.parse(text, name: "test", file: "test.theme")
    }

    private func parseError(_ text: String) -> ThemeError? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as ThemeError {
            return error
        } catch {
            return nil
        }
    }

    // MARK: Shipped theme files

    @Test func shippedThemesAllExist() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.themesDirectory)
        for required in ["default", "dark", "light", "solarized-dark", "high-contrast", "mono"] {
            #expect(names.contains("\(required).theme"), "themes/\(required).theme missing")
        }
    }

    @Test func everyShippedThemeParsesCleanlyAndAssignsEveryRole() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.themesDirectory).filter { $0.hasSuffix(".theme") }
        #expect(files.count >= 6)
        for file in files {
            let name = String(file.dropLast(".theme".count))
            let result = try ThemeCatalog.load(path: Self.themesDirectory + "/" + file, name: name)
            #expect(result.warnings.isEmpty, "\(file): \(result.warnings)")
            #expect(result.fallbackRoles.isEmpty, "\(file) leaves out \(result.fallbackRoles.map(\.key))")
            #expect(result.theme.name == name)
        }
    }

    @Test func defaultFileMatchesTheBuiltInTheme() throws {
        let result = try ThemeCatalog.load(path: Self.themesDirectory + "/default.theme", name: "default")
        for role in StyleRole.allCases {
            #expect(result.theme[role] == Theme.builtinDefault[role], "\(role.key): file \(result.theme[role]) vs built-in \(Theme.builtinDefault[role])")
        }
    }

    @Test func builtInDefaultKeepsTheTerminalBackground() {
        // Readable on light and dark: no role except the solid selection/error bars paints a background.
        let painted = StyleRole.allCases.filter { Theme.builtinDefault[$0].background != .default }
        #expect(Set(painted) == [.selection, .selectionUnfocused, .statusError])
    }

    @Test func monoFileIsTheMonochromeLook() throws {
        let result = try ThemeCatalog.load(path: Self.themesDirectory + "/mono.theme", name: "mono")
        for role in StyleRole.allCases {
            #expect(result.theme[role] == Style(.default, on: .default, role.monochromeAttributes), "\(role.key)")
        }
    }

    // MARK: Format

    @Test func parsesColoursPaletteAttributesAndComments() throws {
        let result = try parse("""
            # comment
            [palette]
            accent = #268bd2   # Solarized blue
            deep   = accent
            [roles]
            bar          = accent on default bold underline
            header       = bright-white on 24
            selection    = reverse
            dim          = on blue
            border       = Default On DEEP
            """)
        #expect(result.warnings.isEmpty)
        #expect(result.theme[.bar] == Style(.rgb(red: 0x26, green: 0x8B, blue: 0xD2), on: .default, [.bold, .underline]))
        #expect(result.theme[.header] == Style(.indexed(15), on: .indexed(24)))
        #expect(result.theme[.selection] == Style(.default, on: .default, [.reverse]))
        #expect(result.theme[.dim] == Style(.default, on: .indexed(4)))
        #expect(result.theme[.border] == Style(.default, on: .rgb(red: 0x26, green: 0x8B, blue: 0xD2)))
    }

    @Test func windowsLineEndingsParse() throws {
        let result = try parse("[roles]\r\nheader = red\r\ntext = green\r\n")
        #expect(result.theme[.header] == Style(.indexed(1)))
        #expect(result.theme[.text] == Style(.indexed(2)))
    }

    @Test func missingRolesFallBackToTheBuiltInDefault() throws {
        let result = try parse("[roles]\nheader = red\n")
        #expect(result.theme[.header] == Style(.indexed(1)))
        #expect(result.theme[.selection] == Theme.builtinDefault[.selection])
        #expect(result.fallbackRoles.count == StyleRole.allCases.count - 1)
        #expect(!result.fallbackRoles.contains(.header))
        #expect(result.warnings.isEmpty)
    }

    @Test func unknownKeysAndSectionsAreWarningsWithLineNumbers() throws {
        let result = try parse("""
            [roles]
            header = red
            hedaer = blue
            [colours]
            x = y
            [roles]
            header = green
            """)
        #expect(result.theme[.header] == Style(.indexed(2)))
        #expect(result.warnings.count == 3)
        #expect(result.warnings[0].line == 3)
        #expect(result.warnings[0].key == "hedaer")
        #expect(result.warnings[0].description.hasPrefix("test.theme:3: warning: key 'hedaer': unknown role, ignored"))
        #expect(result.warnings[1].line == 4)
        #expect(result.warnings[1].message.contains("unknown section [colours]"))
        #expect(result.warnings[2].line == 7)
        #expect(result.warnings[2].message == "already assigned on line 2; this later value is used")
    }

    @Test func malformedLineErrorNamesFileLineAndKey() {
        let error = parseError("[roles]\n\n# c\nheader = white on\n")
        #expect(error == ThemeError(file: "test.theme", line: 4, key: "header", message: "'on' must be followed by a background colour"))
        #expect(error?.description == "test.theme:4: key 'header': 'on' must be followed by a background colour")
    }

    @Test func badValuesAreErrors() {
        let unknown = parseError("[roles]\ntext = reed\n")
        #expect(unknown?.line == 2)
        #expect(unknown?.key == "text")
        #expect(unknown?.message.hasPrefix("unknown colour 'reed'") == true)

        #expect(parseError("[roles]\ntext = 300\n")?.message == "colour index 300 is out of range: the palette has entries 0 to 255")
        #expect(parseError("[roles]\ntext = #12345\n")?.message.hasPrefix("'#12345' is not a colour") == true)
        #expect(parseError("[roles]\ntext = bold red\n")?.message.hasPrefix("unexpected 'red'") == true)
        #expect(parseError("[roles]\ntext = red blinking\n")?.message.hasPrefix("unexpected 'blinking'") == true)
        #expect(parseError("[roles]\ntext =\n")?.message == "the value after '=' is missing")
        #expect(parseError("[roles]\n= red\n")?.key == nil)
    }

    @Test func structuralErrors() {
        let noEquals = parseError("[roles]\nheader red\n")
        #expect(noEquals?.line == 2)
        #expect(noEquals?.key == nil)
        #expect(noEquals?.message == "expected 'name = value' or a [section] header, found 'header red'")

        let beforeSection = parseError("header = red\n")
        #expect(beforeSection?.line == 1)
        #expect(beforeSection?.key == "header")

        #expect(parseError("[roles\n")?.line == 1)
        #expect(parseError("[palette]\nred = #ff0000\n")?.key == "red")
        #expect(parseError("[palette]\nbold = 1\n")?.message.contains("reserved") == true)
        #expect(parseError("[palette]\n9lives = 1\n")?.line == 2)
        #expect(parseError("[palette]\na = 1 2\n")?.message == "a palette entry takes one colour, found '1 2'")
        // A palette name must be defined before it is used.
        #expect(parseError("[roles]\ntext = later\n[palette]\nlater = 1\n")?.line == 2)
    }

    @Test func errorMessagesNeverCarryControlCharacters() {
        let error = parseError("[roles]\ntext = \u{1B}[2J\n")
        #expect(error != nil)
        #expect(!(error?.description.unicodeScalars.contains("\u{1B}") ?? true))
        #expect(ThemeWarning(file: "f\u{9B}", line: 1, key: "k\u{7}", message: "m").description == "f:1: warning: key 'k': m")
    }

    // MARK: Colours

    @Test func colourWords() {
        #expect(Color(parsing: "bright-red") == .indexed(9))
        #expect(Color(parsing: "BrightRed") == .indexed(9))
        #expect(Color(parsing: "bright_red") == .indexed(9))
        #expect(Color(parsing: "white") == .indexed(7))
        #expect(Color(parsing: "0") == .indexed(0))
        #expect(Color(parsing: "255") == .indexed(255))
        #expect(Color(parsing: "256") == nil)
        #expect(Color(parsing: "-1") == nil)
        #expect(Color(parsing: "#FF8800") == .rgb(red: 255, green: 136, blue: 0))
        #expect(Color(parsing: "#ff88") == nil)
        #expect(Color(parsing: "#gg0000") == nil)
        #expect(Color(parsing: "default") == .default)
        #expect(Color.rgb(red: 0, green: 0x2B, blue: 0x36).description == "#002b36")
        #expect(Color.indexed(9).description == "bright-red")
        #expect(Style(.indexed(231), on: .indexed(25), [.bold]).description == "231 on 25 bold")
    }

    @Test func pureRedDegradesStepByStep() {
        // #ff0000 = cube (5,0,0) = 16 + 36·5 = 196 exactly; 196 = (255,0,0) = entry 9 exactly;
        // 9 → 9 − 8 = 1 (red).
        let red = Color.rgb(red: 255, green: 0, blue: 0)
        #expect(red.degraded(to: .xterm256) == .indexed(196))
        #expect(red.degraded(to: .ansi16) == .indexed(9))
        #expect(red.degraded(to: .ansi8) == .indexed(1))
        #expect(red.degraded(to: .monochrome) == .default)
        #expect(red.terminalIndex == 196)
        #expect(Color.default.terminalIndex == -1)
    }

    @Test func greysAndDarkColoursDegrade() {
        // #808080: cube (135,135,135) = 102 has d² = 3·7² = 147; grey ramp mean 128 → k = 12 → 128, d² = 0 → 244.
        let grey = Color.rgb(red: 128, green: 128, blue: 128)
        #expect(grey.degraded(to: .xterm256) == .indexed(244))
        // 244 = (128,128,128) → 16: bright black (127,127,127), d² = 3.
        #expect(grey.degraded(to: .ansi16) == .indexed(8))
        // 8 → 8 colours: grey becomes white 7, not its RGB-nearest yellow (d² 28297 < white's 31212).
        #expect(Color.indexed(8).degraded(to: .ansi8) == .indexed(7))
        #expect(grey.degraded(to: .ansi8) == .indexed(7))
        // The other bright colours drop 8: bright blue 12 → blue 4, bright white 15 → white 7.
        #expect(Color.indexed(12).degraded(to: .ansi8) == .indexed(4))
        #expect(Color.indexed(15).degraded(to: .ansi8) == .indexed(7))
        // Solarized base03 #002b36: cube 16 d² = 43² + 54² = 4765; grey mean 32.3 → k = 2 → 28:
        // d² = 28² + 15² + 26² = 1685, so 234; then (28,28,28) → black 0 (d² = 2352).
        let base03 = Color.rgb(red: 0, green: 0x2B, blue: 0x36)
        #expect(base03.degraded(to: .xterm256) == .indexed(234))
        #expect(base03.degraded(to: .ansi16) == .indexed(0))
        // 32 = (0,135,215) → 16: cyan (0,205,205) d² = 70² + 10² = 5000 beats blue (0,0,238) 18754.
        #expect(Color.indexed(32).degraded(to: .ansi16) == .indexed(6))
        #expect(Color.indexed(32).degraded(to: .ansi8) == .indexed(6))
        #expect(Color.default.degraded(to: .ansi8) == .default)
    }

    @Test func xtermPaletteFormula() {
        // 16 + 36·1 + 6·2 + 3 = 67 → levels (95, 135, 175).
        #expect(Color.xtermRGB(67) == (95, 135, 175))
        #expect(Color.xtermRGB(232) == (8, 8, 8))
        #expect(Color.xtermRGB(255) == (238, 238, 238))
        #expect(Color.xtermRGB(9) == (255, 0, 0))
    }

    @Test func degradingNeverMakesTextInvisible() {
        // 252 (208,208,208) and 255 (238,238,238) both become white 7 at 16 colours; 7 is bright
        // (Y = 229 > 128), so the text turns black.
        let style = Style(.indexed(252), on: .indexed(255))
        #expect(style.degraded(to: .ansi16, for: .text) == Style(.indexed(0), on: .indexed(7)))
        // 236 (48,48,48) and 235 (38,38,38) both become black 0 at 8 colours: text turns white 7.
        #expect(Style(.indexed(236), on: .indexed(235)).degraded(to: .ansi8, for: .text) == Style(.indexed(7), on: .indexed(0)))
    }

    @Test func monochromeKeepsMeaningWithAttributes() {
        let selection = Style(.indexed(231), on: .indexed(25))
        #expect(selection.degraded(to: .monochrome, for: .selection) == Style(.default, on: .default, [.reverse]))
        let critical = Style(.indexed(160), on: .default, [.bold])
        #expect(critical.degraded(to: .monochrome, for: .riskCritical) == Style(.default, on: .default, [.bold, .underline]))
    }

    @Test func resolvedThemesUseOnlyAvailableColours() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.themesDirectory).filter { $0.hasSuffix(".theme") }
        for file in files {
            let theme = try ThemeCatalog.load(path: Self.themesDirectory + "/" + file, name: file).theme
            for capability in ColorCapability.allCases {
                let resolved = theme.resolved(for: capability)
                for role in StyleRole.allCases {
                    for color in [resolved[role].foreground, resolved[role].background] {
                        switch color {
                        case .default: break
                        case .indexed(let index): #expect(Int(index) < capability.paletteSize, "\(file) \(role.key) at \(capability)")
                        case .rgb: Issue.record("\(file) \(role.key) kept an rgb colour at \(capability)")
                        }
                    }
                    let style = resolved[role]
                    if style.foreground != .default {
                        #expect(style.foreground != style.background, "\(file) \(role.key) invisible at \(capability)")
                    }
                }
                #expect(resolved.colorPairs.count <= StyleRole.allCases.count)
            }
        }
    }

    @Test func capabilityFromColourCountAndNoColor() {
        #expect(ColorCapability(colorCount: 256, environment: [:]) == .xterm256)
        #expect(ColorCapability(colorCount: 16_777_216, environment: [:]) == .xterm256)
        #expect(ColorCapability(colorCount: 88, environment: [:]) == .ansi16)
        #expect(ColorCapability(colorCount: 16, environment: [:]) == .ansi16)
        #expect(ColorCapability(colorCount: 8, environment: [:]) == .ansi8)
        #expect(ColorCapability(colorCount: 2, environment: [:]) == .monochrome)
        #expect(ColorCapability(colorCount: 0, environment: [:]) == .monochrome)
        #expect(ColorCapability(colorCount: 256, environment: ["NO_COLOR": "1"]) == .monochrome)
        // NO_COLOR set but empty does not count.
        #expect(ColorCapability(colorCount: 256, environment: ["NO_COLOR": ""]) == .xterm256)
    }

    @Test func roleKeysAreKebabCaseAndUnique() {
        #expect(StyleRole.paneTitleFocused.key == "pane-title-focused")
        #expect(StyleRole.header.key == "header")
        #expect(StyleRole(key: "risk-critical") == .riskCritical)
        #expect(StyleRole(key: "riskCritical") == nil)
        #expect(Set(StyleRole.allCases.map(\.key)).count == StyleRole.allCases.count)
        // Each key is its case name in kebab case: every capital becomes "-" + its lowercase.
        for role in StyleRole.allCases {
            let kebab = String(describing: role).reduce(into: "") { result, character in
                if character.isUppercase { result += "-" + character.lowercased() } else { result.append(character) }
            }
            #expect(role.key == kebab)
            #expect(StyleRole(key: role.key) == role)
        }
    }

    // MARK: Discovery

    @Test func searchDirectories() {
        #expect(ThemeCatalog.searchDirectories(installed: "/opt/retention/themes",
                                               environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"])
                == ["/opt/retention/themes", "/x/retention/themes"])
        #expect(ThemeCatalog.searchDirectories(installed: nil, environment: ["HOME": "/h"]) == ["/h/.config/retention/themes"])
        // A relative XDG_CONFIG_HOME is ignored, as the XDG specification says.
        #expect(ThemeCatalog.searchDirectories(installed: "t", environment: ["XDG_CONFIG_HOME": "rel", "HOME": "/h"])
                == ["t", "/h/.config/retention/themes"])
        #expect(ThemeCatalog.searchDirectories(installed: nil, environment: [:]) == [])
    }

    @Test func userThemesOverrideShippedOnes() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("canvas-themes-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let shipped = root + "/shipped", user = root + "/user"
        try FileManager.default.createDirectory(atPath: shipped, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: user, withIntermediateDirectories: true)
        try "[roles]\nheader = red\n".write(toFile: shipped + "/dark.theme", atomically: true, encoding: .utf8)
        try "[roles]\nheader = red\n".write(toFile: shipped + "/plain.theme", atomically: true, encoding: .utf8)
        try "[roles]\nheader = green\n".write(toFile: user + "/dark.theme", atomically: true, encoding: .utf8)
        try "not a theme".write(toFile: user + "/notes.txt", atomically: true, encoding: .utf8)
        try Data([0x5B, 0xFF, 0x5D]).write(to: URL(fileURLWithPath: user + "/broken.theme"))

        let catalog = ThemeCatalog(directories: [shipped, user, root + "/missing"])
        #expect(catalog.entries().map(\.name) == ["broken", "dark", "default", "plain"])
        #expect(catalog.entries().first { $0.name == "dark" }?.path == user + "/dark.theme")
        #expect(try catalog.load(named: "dark").theme[.header] == Style(.indexed(2)))
        #expect(try catalog.load(named: "plain").theme[.header] == Style(.indexed(1)))
        // No default.theme anywhere: the built-in one.
        #expect(try catalog.load(named: "default").theme == Theme.builtinDefault)

        #expect(throws: ThemeError(file: "nope", line: 0, key: nil, message: "no theme called 'nope'; available: broken, dark, default, plain")) {
            try catalog.load(named: "nope")
        }
        #expect(throws: ThemeError.self) { try catalog.load(named: "../etc/passwd") }
        #expect(throws: ThemeError(file: user + "/broken.theme", line: 0, key: nil, message: "the file is not valid UTF-8 text")) {
            try catalog.load(named: "broken")
        }
    }
}
