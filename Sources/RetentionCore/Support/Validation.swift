import Foundation

/// Shared input rules. Each failure names the field and the rule it breaks.
public enum Validation {
    /// Characters an e-mail address may not hold (besides spaces and control characters).
    static let emailForbidden: Set<UInt8> = Set("<>()[],;:\\\"".utf8)

    /// Whether `b` is one of `emailForbidden`, without hashing it (the e-mail check asks for every byte).
    static func isEmailForbidden(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "\\"), UInt8(ascii: "\""): return true
        default: return false
        }
    }

    /// A practical e-mail check: one `@`, a non-empty local part, a domain with a dot, no spaces or
    /// control characters, at most 254 characters (RFC 5321's path limit).
    public static func email(_ s: String, field: String = "email") throws -> String {
        // One pass over the UTF-8 bytes: exactly one @ with text before it; a domain with a dot, not at
        // either end and never two in a row; no spaces, controls or the characters <>()[],;:\" anywhere.
        guard s.withUTF8Bytes({ emailBytesOK($0, s) }) else {
            throw RetentionError.invalid(field, "must be an e-mail address like name@example.com, got \"\(s)\"")
        }
        return s
    }

    /// The e-mail rule of `email` over the text's UTF-8 bytes (`s` is the text, for its length in characters).
    private static func emailBytesOK<Bytes: RandomAccessCollection>(_ bytes: Bytes, _ s: String) -> Bool where Bytes.Element == UInt8, Bytes.Index == Int {
        var at: Int?
        var ok = !bytes.isEmpty && (bytes.count <= 254 || s.count <= 254)
        for i in bytes.indices where ok {
            let b = bytes[i]
            if b == UInt8(ascii: "@") { if at == nil { at = i } else { ok = false } }
            if b < 0x80 && (b <= 0x20 || b == 0x7F || isEmailForbidden(b)) { ok = false }
        }
        if ok, let at, at > 0 {
            let domain = bytes[(at + 1)...]
            ok = domain.contains(UInt8(ascii: ".")) && domain.first != UInt8(ascii: ".") && domain.last != UInt8(ascii: ".")
                && !zip(domain, domain.dropFirst()).contains { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }
        } else {
            ok = false
        }
        return ok
    }

    /// A phone number in international form: an optional `+`, then 7 to 15 digits (E.164), allowing
    /// spaces, dots, dashes and parentheses as separators. Stored as written.
    public static func phone(_ s: String, field: String = "phone") throws -> String {
        var digits = 0
        // Every allowed character is ASCII, so the bytes are checked (any other byte is an error).
        for (i, b) in s.utf8.enumerated() {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1; continue
            case UInt8(ascii: "+") where i == 0: continue
            case UInt8(ascii: " "), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"): continue
            default: break
            }
            throw RetentionError.invalid(field, "must be a phone number like +1 217 555 0100, got \"\(s)\"")
        }
        guard (7...15).contains(digits) else {
            throw RetentionError.invalid(field, "must hold 7 to 15 digits, got \(digits) in \"\(s)\"")
        }
        return s
    }

    /// Currency units to integer cents; more than two decimals or a negative amount is an error.
    public static func cents(_ amount: Double, field: String, allowZero: Bool = true) throws -> Int {
        guard amount.isFinite, amount >= 0 else {
            throw RetentionError.invalid(field, "must be an amount of money of zero or more, got \(amount)")
        }
        guard amount < 1e13 else {
            throw RetentionError.invalid(field, "must be an amount of money below 10,000,000,000,000, got \(amount)")
        }
        let c = (amount * 100).rounded()
        guard abs(c - amount * 100) < 1e-6 * max(1, amount) else {
            throw RetentionError.invalid(field, "must have at most two decimals, got \(amount)")
        }
        if !allowZero && c == 0 { throw RetentionError.invalid(field, "must be greater than zero") }
        return Int(c)
    }

    /// Active ISO 4217 currency codes.
    public static let currencies: Set<String> = [
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD",
        "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE",
        "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF",
        "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS",
        "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD",
        "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR",
        "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK",
        "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD",
        "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR",
        "ZMW", "ZWL",
    ]

    public static func currency(_ s: String, field: String) throws -> String {
        let u = s.uppercased()
        guard currencies.contains(u) else { throw RetentionError.invalid(field, "must be an ISO 4217 currency code like USD, got \"\(s)\"") }
        return u
    }

    /// Names, ids, tags and other text: at most `maxLength` characters, and no control characters (C0
    /// `U+0000–U+001F`, DEL `U+007F`, C1 `U+0080–U+009F`) nor the line and paragraph separators
    /// `U+2028/2029`. An escape sequence stored in a name would be
    /// one waiting for every terminal, report and export that shows it, and no real name holds one.
    /// `multiline` text (a note, a reply) may also hold line breaks and tabs. Everything else (any
    /// script, emoji, punctuation) is stored exactly as given.
    public static func text(_ s: String, field: String, maxLength: Int = 200, multiline: Bool = false) throws -> String {
        // Printable ASCII (most names, ids and e-mail addresses) is one character a byte and holds no control
        // character: checked byte by byte, without cutting the text into characters (an import checks millions).
        if s.utf8.count <= maxLength && s.withUTF8Bytes({ $0.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }) { return s }
        guard s.count <= maxLength else { throw RetentionError.invalid(field, "must be at most \(maxLength) characters, got \(s.count)") }
        for (offset, character) in s.enumerated() {
            for scalar in character.unicodeScalars where isControl(scalar) || scalar == "\u{2028}" || scalar == "\u{2029}" {
                if multiline && (scalar == "\n" || scalar == "\r" || scalar == "\t" || scalar == "\u{2028}" || scalar == "\u{2029}") { continue }
                let code = String(scalar.value, radix: 16, uppercase: true)
                throw RetentionError.invalid(field, "must not contain control characters or line breaks; found U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code) at character \(offset + 1)")
            }
        }
        return s
    }

    /// A customer's tag: one-line text of at most 50 characters without `;`, which separates tags in a
    /// CSV file (a tag holding one would come back from an export as two tags).
    public static func tag(_ s: String, field: String) throws -> String {
        // Foundation's substring search is asked only when the text holds a ";" byte at all (it was 3 % of an
        // import's parsing threads' time, run for every tag); what it answers then is the rule, as before.
        guard !s.utf8.contains(UInt8(ascii: ";")) || !s.contains(";") else { throw RetentionError.invalid(field, "must not contain \";\" (it separates tags in CSV files), got \"\(s)\"") }
        return try text(s, field: field, maxLength: 50)
    }

    /// What `UUID(uuidString:)` accepts. The usual form, `8-4-4-4-12` hexadecimal digits in either case, is
    /// checked byte by byte (Foundation's parser on Linux runs `sscanf`: 3 % of a large import's time); any
    /// other text is left to Foundation, which accepts a few more.
    public static func isUUID(_ s: String) -> Bool {
        isCanonicalUUID(s) || UUID(uuidString: s) != nil
    }

    static func isCanonicalUUID(_ s: String) -> Bool {
        s.withUTF8Bytes { b in
            guard b.count == 36 else { return false }
            for i in 0 ..< 36 {
                let c = b[i]
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    if c != UInt8(ascii: "-") { return false }
                } else if !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)) {
                    return false
                }
            }
            return true
        }
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
