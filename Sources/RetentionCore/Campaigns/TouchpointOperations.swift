import Foundation

extension Engine {
    public func touchpoint(id: String) throws -> Touchpoint {
        guard let t = try db.queryOne("SELECT \(Touchpoint.columns) FROM \(Touchpoint.from) WHERE t.uuid = ?", [.text(id)], Touchpoint.init(row:)) else {
            throw RetentionError.notFound("Touchpoint", id)
        }
        return t
    }

    /// A campaign's touchpoints, optionally by status, in due order (`GET /campaigns/:id/touchpoints`).
    public func touchpoints(campaignId: String, status: TouchpointStatus?, limit: Int) throws -> [Touchpoint] {
        let c = try campaign(id: campaignId)
        return try db.query("""
            SELECT \(Touchpoint.columns) FROM \(Touchpoint.from) WHERE t.campaign_id = ? AND (?2 IS NULL OR t.status = ?2) ORDER BY t.due_at, t.id LIMIT ?3
            """, [.int(c.rowID), .init(status?.rawValue), .int(Int64(max(1, min(limit, 1000))))], Touchpoint.init(row:))
    }

    /// Touchpoints due now or earlier and still pending, of campaigns that are active (`GET /touchpoints/pending`).
    public func pendingTouchpoints(limit: Int, now: Int) throws -> [Touchpoint] {
        try db.query("""
            SELECT \(Touchpoint.columns) FROM \(Touchpoint.from)
            WHERE t.status = 'pending' AND t.due_at <= ? AND (k.id IS NULL OR k.status = 'active')
            ORDER BY t.due_at, t.id LIMIT ?
            """, [.int(Int64(now)), .int(Int64(max(1, min(limit, 1000))))], Touchpoint.init(row:))
    }

    /// A customer's touchpoints, newest first (`GET /customers/:id/touchpoints`).
    public func touchpoints(customerId: String, limit: Int) throws -> [Touchpoint] {
        let rowID = try customerRowID(customerId)
        return try db.query("SELECT \(Touchpoint.columns) FROM \(Touchpoint.from) WHERE t.customer_id = ? ORDER BY t.due_at DESC, t.id DESC LIMIT ?",
                            [.int(rowID), .int(Int64(max(1, min(limit, 1000))))], Touchpoint.init(row:))
    }

    /// Records a touchpoint's progress (`PATCH /touchpoints/:id/status`). Stages only move forward; a
    /// later stage fills in the timestamps of the stages it implies; `pending` retries a failed touchpoint
    /// or sends a `needs_review` one again; `sent` (or later) confirms a `needs_review` one went.
    /// Metadata given is merged into the stored metadata.
    @discardableResult
    public func updateTouchpointStatus(id: String, status: TouchpointStatus, metadata: JSONValue?, now: Int) throws -> Touchpoint {
        try updateTouchpointStatus(id: id, TouchpointStatusChange(to: status, metadata: metadata), now: now)
    }

    /// Records a touchpoint's progress as a channel reports it (`PATCH /touchpoints/:id/status`).
    @discardableResult
    public func updateTouchpointStatus(id: String, _ change: TouchpointStatusChange, now: Int) throws -> Touchpoint {
        let status = change.status, metadata = change.metadata
        return try db.transaction {
            let t = try touchpoint(id: id)
            try change.validate()
            var sets: [(String, SQLValue)] = [("status", .text(status.rawValue))]
            switch status {
            case .pending:
                guard t.status == .failed || t.status == .needsReview else {
                    throw RetentionError.conflict("invalid_transition", "Only a failed or needs_review touchpoint can be retried (set back to pending); this one is \(t.status.rawValue).", field: "status")
                }
                sets += [("attempts", .int(Int64(t.attempts + 1))), ("failed_at", .null), ("claimed_by", .null), ("claimed_at", .null)]
            case .failed:
                guard [.pending, .sending, .needsReview, .sent].contains(t.status) else {
                    throw RetentionError.conflict("invalid_transition", "A \(t.status.rawValue) touchpoint cannot fail; only pending, sending, needs_review or sent ones can.", field: "status")
                }
                sets.append(("failed_at", .int(Int64(now))))
                if let error = metadata?["error"]?.stringValue { sets.append(("last_error", .text(error))) }
            default:
                guard let from = t.status.stage, let to = status.stage, to > from else {
                    throw RetentionError.conflict("invalid_transition",
                        "A \(t.status.rawValue) touchpoint cannot become \(status.rawValue): stages only move forward (pending → sent → delivered → opened → clicked → responded).",
                        field: "status")
                }
                // Fill the stages this one implies, keeping any already recorded.
                for s in [TouchpointStatus.sent, .delivered, .opened, .clicked, .responded] where (s.stage ?? 0) <= to && (s.stage ?? 0) > from {
                    if let col = s.timestampColumn { sets.append((col, .int(Int64(now)))) }
                }
            }
            if let metadata, let newPairs = metadata.objectPairs {
                var merged = t.metadata?.objectPairs ?? []
                for (k, v) in newPairs {
                    if let i = merged.firstIndex(where: { $0.0 == k }) { merged[i].1 = v } else { merged.append((k, v)) }
                }
                sets.append(("metadata", .text(JSONValue.object(merged).serialized())))
            }
            try db.run("UPDATE touchpoints SET \(sets.map { "\($0.0) = ?" }.joined(separator: ", ")), updated_at = ? WHERE id = ?",
                       sets.map(\.1) + [.int(Int64(now)), .int(t.rowID)])
            try audit("touchpoint.status", entity: "touchpoint", id: id,
                      details: .object([("from", .string(t.status.rawValue)), ("to", .string(status.rawValue))]), now: now)
            return try touchpoint(id: id)
        }
    }

    /// Records the customer's response (`POST /touchpoints/:id/response`): the touchpoint becomes
    /// `responded`, the text is kept, and a `touchpoint_responded` event moves the customer's last contact.
    @discardableResult
    public func recordTouchpointResponse(id: String, response: String, now: Int) throws -> Touchpoint {
        try recordTouchpointResponse(id: id, TouchpointResponse(response), now: now)
    }

    /// Records the customer's response to a touchpoint (`POST /touchpoints/:id/response`).
    @discardableResult
    public func recordTouchpointResponse(id: String, _ answer: TouchpointResponse, now: Int) throws -> Touchpoint {
        let response = answer.response
        return try db.transaction {
            let t = try touchpoint(id: id)
            let customerRow = try liveCustomerRowID(t.customerId)
            try answer.validate()
            guard let stage = t.status.stage, stage >= 1 || t.status == .sending else {
                throw RetentionError.conflict("invalid_transition", "A \(t.status.rawValue) touchpoint was never sent, so it cannot have a response.", field: "status")
            }
            if t.status != .responded {
                _ = try updateTouchpointStatus(id: id, status: .responded, metadata: nil, now: now)
            }
            try db.run("UPDATE touchpoints SET response = ?, updated_at = ? WHERE id = ?", [.text(response), .int(Int64(now)), .int(t.rowID)])
            try insertEvent(customerRow: customerRow, policyRow: nil, type: .touchpoint_responded, severity: .info,
                            data: .object([("touchpointId", .string(id)), ("response", .string(response))]), actions: [], occurredAt: now, now: now)
            try audit("touchpoint.response", entity: "touchpoint", id: id, now: now)
            return try touchpoint(id: id)
        }
    }
}
