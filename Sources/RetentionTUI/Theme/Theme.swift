/// A colour theme: a ``Style`` for every ``StyleRole``.
///
/// A theme is always complete: roles a theme file leaves out take the built-in default's style
/// (see ``ThemeParser``). Themes hold colours as written; ``resolved(for:)`` turns them into what
/// the terminal can show.
public struct Theme: Sendable, Equatable {
    /// The theme's name (its file name without `.theme`).
    public var name: String
    /// One style per role, indexed by `StyleRole.rawValue`.
    private var styles: [Style]

    /// A theme with `styles` for the roles given and `fallback`'s style for every other role.
    public init(name: String, styles: [StyleRole: Style], fallback: Theme? = nil) {
        self.name = name
        let base = fallback ?? Theme.builtinDefault
        self.styles = StyleRole.allCases.map { styles[$0] ?? base.styles[$0.rawValue] }
    }

    private init(name: String, complete: [Style]) {
        self.name = name
        self.styles = complete
    }

    /// The style of `role`.
    public subscript(role: StyleRole) -> Style {
        get { styles[role.rawValue] }
        set { styles[role.rawValue] = newValue }
    }

    /// Every role's style degraded to `capability` (see ``Style/degraded(to:for:)``), ready for
    /// the backend.
    public func resolved(for capability: ColorCapability) -> ResolvedTheme {
        ResolvedTheme(capability: capability,
                      styles: StyleRole.allCases.map { styles[$0.rawValue].degraded(to: capability, for: $0) })
    }

    /// The theme built into the program, used when no theme file is found and for roles a theme
    /// file leaves out. `themes/default.theme` holds the same styles in file form (a test checks
    /// that they agree).
    ///
    /// It keeps the terminal's own background and foreground (`default`) and uses mid-brightness
    /// palette colours, each with a contrast ratio of at least 3.3:1 against both white and black
    /// (WCAG formula), so it reads on light and dark terminals alike: green 28, amber 136, orange
    /// 166, red 160, blue 32, grey 244. Selection is white on blue (231 on 25), which does not
    /// depend on the terminal's background.
    public static let builtinDefault: Theme = {
        let green: Color = .indexed(28), amber: Color = .indexed(136), orange: Color = .indexed(166)
        let red: Color = .indexed(160), blue: Color = .indexed(32), grey: Color = .indexed(244)
        let white: Color = .indexed(231)
        func style(_ role: StyleRole) -> Style {
            switch role {
            case .header: Style(.default, on: .default, [.reverse])
            case .headerValue: Style(.default, on: .default, [.reverse, .bold])
            case .paneTitle: Style(.default, on: .default, [.bold])
            case .paneTitleFocused: Style(blue, on: .default, [.bold])
            case .border: Style(grey)
            case .borderFocused: Style(blue, on: .default, [.bold])
            case .text: Style()
            case .dim: Style(grey)
            case .emphasis: Style(.default, on: .default, [.bold])
            case .tableHeader: Style(.default, on: .default, [.bold, .underline])
            case .selection: Style(white, on: .indexed(25))
            case .selectionUnfocused: Style(white, on: .indexed(243))
            case .riskLow: Style(green)
            case .riskMedium: Style(amber)
            case .riskHigh: Style(orange, on: .default, [.bold])
            case .riskCritical: Style(red, on: .default, [.bold])
            case .deltaPositive: Style(green)
            case .deltaNegative: Style(red)
            case .deltaNeutral: Style(grey)
            case .bar: Style(blue)
            case .barEmpty: Style(grey)
            case .sparkline: Style(blue)
            case .statusOk: Style(green)
            case .statusBusy: Style(amber)
            case .statusError: Style(white, on: red, [.bold])
            case .warning: Style(orange, on: .default, [.bold])
            case .footerKey: Style(blue, on: .default, [.bold])
            case .footerText: Style()
            case .footerDisabled: Style(grey)
            case .overlay: Style()
            case .overlayTitle: Style(.default, on: .default, [.bold])
            case .overlayBorder: Style(blue, on: .default, [.bold])
            case .input: Style(.default, on: .default, [.underline])
            case .inputCursor: Style(.default, on: .default, [.reverse])
            }
        }
        return Theme(name: "default", complete: StyleRole.allCases.map(style))
    }()
}

/// A theme degraded to one terminal's colour capability: every colour is `default` or a palette
/// index below ``ColorCapability/paletteSize``. The backend turns each distinct style into one
/// curses colour pair plus attributes.
public struct ResolvedTheme: Sendable, Equatable {
    public let capability: ColorCapability
    private let styles: [Style]

    init(capability: ColorCapability, styles: [Style]) {
        self.capability = capability
        self.styles = styles
    }

    /// The style to draw `role` with.
    public subscript(role: StyleRole) -> Style { styles[role.rawValue] }

    /// The distinct (foreground, background) pairs in use, in role order without repeats; the
    /// backend allocates one curses colour pair for each.
    public var colorPairs: [(foreground: Color, background: Color)] {
        var seen = Set<[Color]>()
        var pairs: [(foreground: Color, background: Color)] = []
        for style in styles where seen.insert([style.foreground, style.background]).inserted {
            pairs.append((style.foreground, style.background))
        }
        return pairs
    }
}
