import Foundation

/// The two forms a message is handed over in: JSON (outbox, command) and an RFC 5322 e-mail (Maildir, sendmail).
extension ChannelAdapter {
    /// A message as the JSON the outbox and command adapters hand over.
    static func json(id: String, channel: ContactChannel, to: String, subject: String?, body: String) -> String {
        JSONValue.object([("id", .string(id)), ("channel", .string(channel.rawValue)), ("to", .string(to)),
                          ("subject", .optional(subject)), ("body", .string(body))]).serialized()
    }

    /// An RFC 5322 message a mail reader shows as written: `Date`, `MIME-Version` and an 8-bit UTF-8 text
    /// body; a subject that is not plain ASCII is encoded (RFC 2047, base64, in pieces short enough for a
    /// header line); header values cannot break out of their line.
    static func rfc5322(id: String, to: String, subject: String?, body: String, date: Int = Timestamp.now()) -> String {
        func header(_ s: String) -> String {
            s.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) ? String(decoding: s.utf8.map { $0 == 0x0D || $0 == 0x0A ? 0x20 : $0 }, as: UTF8.self) : s
        }
        func encoded(_ s: String) -> String {
            guard !s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return s }
            // Whole characters per encoded word, at most 39 bytes each (52 base64 characters: a header line stays within 78).
            var words: [String] = [], piece = ""
            for character in s {
                if piece.utf8.count + String(character).utf8.count > 39 { words.append(piece); piece = "" }
                piece.append(character)
            }
            if !piece.isEmpty { words.append(piece) }
            return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
        }
        var lines: [UInt8] = []
        lines.reserveCapacity(body.utf8.count + 64)
        for b in body.utf8 {
            if b == 0x0A { lines.append(0x0D) }
            lines.append(b)
        }
        return "To: \(header(to))\r\nSubject: \(encoded(header(subject ?? "")))\r\nDate: \(Timestamp.formatRFC5322(date))\r\n"
            + "Message-ID: <\(id)@retention>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + String(decoding: lines, as: UTF8.self) + "\r\n"
    }
}
