import Foundation

extension Engine {
    /// Writes every record of a kind as CSV (the exact inverse of import), streaming row by row so a
    /// million-customer book never sits in memory. Erased customers are exported with their erased
    /// placeholders. `write` receives chunks of text.
    public func exportCSV(_ kind: ExchangeKind, write: (String) throws -> Void) throws {
        let columns = kind.columns
        try write(CSV.line(columns.map(\.name)))
        var buffer = ""
        buffer.reserveCapacity(1 << 16)
        func emit(_ cells: [String]) throws {
            buffer += CSV.line(cells.map(FormulaGuard.neutralise))
            if buffer.utf8.count > 60_000 { try write(buffer); buffer.removeAll(keepingCapacity: true) }
        }
        let order = kind == .customers ? "c.id" : kind == .policies ? "p.id" : "e.id"
        try db.forEach("SELECT \(Self.exportColumns(kind)) FROM \(Self.exportFrom(kind)) ORDER BY \(order)") { try emit(Self.exportCells(kind, $0)) }
        if !buffer.isEmpty { try write(buffer) }
    }

    /// What an export reads of each record (a sync reads the book's rows the same way, to compare them with a
    /// file's): the select list, its tables (customers `c`, policies `p`, events `e`), and the row's cells.
    static func exportColumns(_ kind: ExchangeKind) -> String {
        switch kind {
        case .customers: """
            c.uuid, c.lead_id, c.agent_id, c.first_name, c.last_name, c.email, c.phone, c.date_of_birth, c.street, c.city,
                   c.state, c.zip_code, c.country, c.time_zone, c.customer_since, c.preferred_contact_method, c.satisfaction_score,
                   c.do_not_contact,
                   (SELECT group_concat(channel, ';') FROM (SELECT channel FROM contact_preferences WHERE customer_id = c.id AND opted_out = 1 ORDER BY channel)),
                   c.assigned_to,
                   (SELECT group_concat(tag, ';') FROM (SELECT tag FROM customer_tags WHERE customer_id = c.id ORDER BY position)),
                   c.metadata, c.snoozed_until, c.erased_at
            """
        case .policies: """
            p.uuid, c.uuid, p.agent_id, p.policy_number, p.policy_type, p.status, p.premium_cents, p.premium_frequency,
                   p.premium_currency, p.coverage_type, p.coverage_amount_cents, p.coverage_deductible_cents, p.coverage_limits,
                   p.effective_date, p.expiration_date, p.last_renewal_date, p.renewal_count, p.total_paid_cents, p.claims_count,
                   p.total_claim_cents, p.underwriter, p.documents, p.metadata, p.ended_at, p.end_reason, p.inception_date
            """
        case .events: "e.uuid, c.uuid, p.uuid, e.event_type, e.severity, e.data, e.triggered_actions, e.occurred_at"
        }
    }

    static func exportFrom(_ kind: ExchangeKind) -> String {
        switch kind {
        case .customers: "customers c"
        case .policies: "policies p JOIN customers c ON c.id = p.customer_id"
        case .events: "retention_events e JOIN customers c ON c.id = e.customer_id LEFT JOIN policies p ON p.id = e.policy_id"
        }
    }

    /// The cells of a row read with `exportColumns` (its first columns), in the order of `kind.columns`.
    static func exportCells(_ kind: ExchangeKind, _ r: Row) -> [String] {
        switch kind {
        case .customers:
            return [r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6), Self.dateCell(r, 7),
                    r.text(8), r.text(9), r.text(10), r.text(11), r.text(12), r.text(13), Self.dateCell(r, 14), r.text(15),
                    Self.numberCell(r, 16), r.bool(17) ? "true" : "false", r.text(18), r.text(19), r.text(20), r.text(21),
                    Self.dateCell(r, 22), r.isNull(23) ? "" : Timestamp.formatInstant(r.int(23))]
        case .policies:
            let documents = (try? JSONValue.parse(r.text(21)))?.arrayValue?.compactMap(\.stringValue).joined(separator: ";") ?? ""
            return [r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), Self.moneyCell(r, 6), r.text(7), r.text(8),
                    r.text(9), Self.moneyCell(r, 10), Self.moneyCell(r, 11), r.text(12), Self.dateCell(r, 25), Self.dateCell(r, 13), Self.dateCell(r, 14),
                    Self.dateCell(r, 15), String(r.int(16)), Self.moneyCell(r, 17), String(r.int(18)), Self.moneyCell(r, 19),
                    r.text(20), documents, r.text(22), Self.dateCell(r, 23), r.text(24)]
        case .events:
            let actions = (try? JSONValue.parse(r.text(6)))?.arrayValue?.compactMap(\.stringValue).joined(separator: ";") ?? ""
            return [r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), actions,
                    r.isNull(7) ? "" : Timestamp.formatInstant(r.int(7))]
        }
    }

    /// Every record of a kind in the API's JSON shape, as one JSON array, streamed.
    public func exportJSON(_ kind: ExchangeKind, write: (String) throws -> Void) throws {
        try write("[")
        var first = true
        func emit(_ v: JSONValue) throws {
            try write((first ? "\n" : ",\n") + v.serialized())
            first = false
        }
        switch kind {
        case .customers:
            let ids = try db.query("SELECT id FROM customers ORDER BY id") { $0.int64(0) }
            for id in ids { try emit(try customer(rowID: id).json) }
        case .policies:
            try db.forEach("SELECT \(Policy.columns) FROM \(Policy.from) ORDER BY p.id") { try emit(Policy(row: $0).json) }
        case .events:
            try db.forEach("SELECT \(RetentionEvent.columns) FROM \(RetentionEvent.from) ORDER BY e.id") { try emit(RetentionEvent(row: $0).json) }
        }
        try write(first ? "]\n" : "\n]\n")
    }

    static func dateCell(_ r: Row, _ i: Int32) -> String { r.isNull(i) ? "" : Timestamp.formatDate(r.int(i)) }
    static func moneyCell(_ r: Row, _ i: Int32) -> String { r.isNull(i) ? "" : JSONValue.format(number: Double(r.int(i)) / 100) }
    static func numberCell(_ r: Row, _ i: Int32) -> String { r.isNull(i) ? "" : JSONValue.format(number: r.double(i)) }
}
