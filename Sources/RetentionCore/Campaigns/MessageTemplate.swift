import Foundation

/// The message template language.
///
/// - `{{path}}` inserts a variable; `{{path | filter}}` formats it. Filters: `date` ("March 5, 2026"),
///   `date:short` (2026-03-05), `money` ($1,500.00), `upper`, `lower`, `default:"text"`.
/// - `{{#if path}} … {{else}} … {{/if}}` and `{{#unless path}} … {{/unless}}` show a block when the value is
///   present (or absent).
///
/// Rendering is total: a missing value renders its documented fallback (`TemplateVariables.fallback`),
/// never "nil" or a raw tag. Templates are checked when saved and when a campaign uses them: unknown
/// variables or filters are errors that name them, with line and column.
public struct MessageTemplate: Sendable, Equatable {
    indirect enum Node: Sendable, Equatable {
        case text(String)
        case variable(path: String, filters: [String])
        case conditional(path: String, negated: Bool, then: [Node], otherwise: [Node])
    }

    let nodes: [Node]
    public let source: String

    public init(_ source: String) throws {
        self.source = source
        var parser = TemplateParser(source: source)
        nodes = try parser.parseBlock(until: [])
        try Self.check(nodes)
    }

    static let filters = ["date", "date:short", "money", "upper", "lower"]

    static func check(_ nodes: [Node]) throws {
        for node in nodes {
            switch node {
            case .text: break
            case .variable(let path, let filters):
                guard TemplateVariables.known[path] != nil else {
                    throw RetentionError.invalid("template", "unknown variable {{\(path)}}; known: \(TemplateVariables.known.keys.sorted().joined(separator: ", "))")
                }
                for f in filters where !Self.filters.contains(f) && !f.hasPrefix("default:") {
                    throw RetentionError.invalid("template", "unknown filter \"\(f)\" on {{\(path)}}; known: \(Self.filters.joined(separator: ", ")), default:\"text\"")
                }
            case .conditional(let path, _, let then, let otherwise):
                guard TemplateVariables.known[path] != nil else { throw RetentionError.invalid("template", "unknown variable in {{#if \(path)}}") }
                try check(then)
                try check(otherwise)
            }
        }
    }

    /// Renders with the values given; absent values take their fallback.
    public func render(_ values: [String: TemplateValue]) -> String {
        var out = ""
        render(nodes, values, into: &out)
        return out
    }

    private func render(_ nodes: [Node], _ values: [String: TemplateValue], into out: inout String) {
        for node in nodes {
            switch node {
            case .text(let t): out += t
            case .variable(let path, let filters):
                var defaultText: String?
                for f in filters where f.hasPrefix("default:") {
                    defaultText = String(f.dropFirst(8)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
                guard let v = values[path] else { out += defaultText ?? TemplateVariables.fallback(path); continue }
                var text = v.formatted(filters.contains("date:short") ? "date:short" : filters.contains("date") ? "date" : filters.contains("money") ? "money" : nil)
                if filters.contains("upper") { text = text.uppercased() }
                if filters.contains("lower") { text = text.lowercased() }
                out += text
            case .conditional(let path, let negated, let then, let otherwise):
                render((values[path] != nil) != negated ? then : otherwise, values, into: &out)
            }
        }
    }
}

/// A value a template can show.
public enum TemplateValue: Sendable, Equatable {
    case text(String)
    /// Unix seconds.
    case date(Int)
    case money(cents: Int, currency: String)

    func formatted(_ filter: String?) -> String {
        switch (self, filter) {
        case (.date(let t), "date:short"): return Timestamp.formatDate(t)
        case (.date(let t), _):
            let (y, m, d) = Timestamp.civil(days: Timestamp.floorDiv(t, Timestamp.secondsPerDay))
            let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
            return "\(months[m - 1]) \(d), \(y)"
        case (.money(let cents, let currency), _):
            let units = cents / 100, rest = abs(cents % 100)
            var digits = String(abs(units)), grouped = ""
            while digits.count > 3 { grouped = "," + digits.suffix(3) + grouped; digits = String(digits.dropLast(3)) }
            let symbol = currency == "USD" ? "$" : currency == "EUR" ? "€" : currency == "GBP" ? "£" : currency + " "
            return (cents < 0 ? "-" : "") + symbol + digits + grouped + "." + (rest < 10 ? "0" : "") + String(rest)
        case (.text(let s), _): return s
        }
    }
}

/// The variables templates may use, and what a missing one renders as.
public enum TemplateVariables {
    public static let known: [String: String] = [
        "firstName": "there", "lastName": "", "fullName": "Valued Customer", "email": "", "phone": "", "city": "", "state": "",
        "agent.name": "your agent", "agent.email": "", "agent.phone": "our office",
        "policy.policyNumber": "your policy", "policy.policyType": "insurance", "policy.premium": "your premium",
        "policy.renewalDate": "your renewal date", "policy.expirationDate": "your expiration date", "policy.coverageAmount": "your coverage",
        "campaign.name": "", "company.name": "your insurance agency",
    ]

    public static func fallback(_ path: String) -> String { known[path] ?? "" }
}

/// Reads template text into nodes; errors give line and column.
struct TemplateParser {
    let chars: [Character]
    var i = 0

    init(source: String) { chars = Array(source) }

    func position() -> String {
        var line = 1, col = 1
        for c in chars[0..<min(i, chars.count)] { if c == "\n" { line += 1; col = 1 } else { col += 1 } }
        return "line \(line), column \(col)"
    }

    mutating func parseBlock(until closers: Set<String>) throws -> [MessageTemplate.Node] {
        var nodes: [MessageTemplate.Node] = []
        var text = ""
        while i < chars.count {
            if chars[i] == "{", i + 1 < chars.count, chars[i + 1] == "{" {
                let start = i
                guard let end = findClose(from: i + 2) else { i = start; throw RetentionError.invalid("template", "unclosed {{ at \(position())") }
                let tag = String(chars[(i + 2)..<end]).trimmingCharacters(in: .whitespaces)
                if closers.contains(tag) { if !text.isEmpty { nodes.append(.text(text)) }; return nodes }
                i = end + 2
                if !text.isEmpty { nodes.append(.text(text)); text = "" }
                if tag.hasPrefix("#if ") || tag.hasPrefix("#unless ") {
                    let negated = tag.hasPrefix("#unless ")
                    let path = String(tag.dropFirst(negated ? 8 : 4)).trimmingCharacters(in: .whitespaces)
                    let closer = negated ? "/unless" : "/if"
                    let then = try parseBlock(until: [closer, "else"])
                    var otherwise: [MessageTemplate.Node] = []
                    var which = readTag()
                    if which == "else" {
                        otherwise = try parseBlock(until: [closer])
                        which = readTag()
                    }
                    guard which == closer else { throw RetentionError.invalid("template", "{{\(tag)}} is never closed with {{\(closer)}}") }
                    nodes.append(.conditional(path: path, negated: negated, then: then, otherwise: otherwise))
                } else if tag.hasPrefix("/") || tag == "else" {
                    i = start
                    throw RetentionError.invalid("template", "unexpected {{\(tag)}} at \(position())")
                } else {
                    let parts = tag.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                    guard let path = parts.first, !path.isEmpty else { i = start; throw RetentionError.invalid("template", "empty {{ }} at \(position())") }
                    nodes.append(.variable(path: path, filters: Array(parts.dropFirst())))
                }
                continue
            }
            text.append(chars[i])
            i += 1
        }
        if !closers.isEmpty { throw RetentionError.invalid("template", "a block is never closed (expected {{\(closers.sorted().joined(separator: "}} or {{"))}})") }
        if !text.isEmpty { nodes.append(.text(text)) }
        return nodes
    }

    /// Reads the tag the parser stopped at (a block's closer) and steps past it.
    mutating func readTag() -> String {
        guard i < chars.count, let end = findClose(from: i + 2) else { return "" }
        let tag = String(chars[(i + 2)..<end]).trimmingCharacters(in: .whitespaces)
        i = end + 2
        return tag
    }

    func findClose(from: Int) -> Int? {
        var j = from
        while j + 1 < chars.count {
            if chars[j] == "}" && chars[j + 1] == "}" { return j }
            j += 1
        }
        return nil
    }
}
