import Foundation

extension Engine {
    static let campaignColumns = """
    id, uuid, name, description, campaign_type, status, target_segment, schedule, sequence, goals, control_fraction, created_by, \
    status_changed_at, paused_at, next_run_at, version, created_at, updated_at
    """

    func campaign(row r: Row) throws -> Campaign {
        let schedule = try JSONValue.parse(r.text(7))
        return Campaign(
            rowID: r.int64(0), id: r.text(1), name: r.text(2), description: r.optionalText(3),
            type: CampaignType(rawValue: r.text(4)) ?? .engagement, status: CampaignStatus(rawValue: r.text(5)) ?? .draft,
            targetSegment: try CampaignBody.segment(try JSONValue.parse(r.text(6))),
            schedule: CampaignSchedule(startDate: schedule["startDate"]?.stringValue.flatMap(ScheduleDate.parse),
                                       endDate: schedule["endDate"]?.stringValue.flatMap(ScheduleDate.parse),
                                       timezone: schedule["timezone"]?.stringValue ?? "UTC", cron: schedule["cron"]?.stringValue),
            sequence: try CampaignBody.sequence(try JSONValue.parse(r.text(8))),
            goals: try CampaignBody.goals(r.optionalText(9).map(JSONValue.parse)),
            controlFraction: r.double(10), createdBy: r.text(11), statusChangedAt: r.optionalInt(12), pausedAt: r.optionalInt(13),
            nextRunAt: r.optionalInt(14), version: r.int(15), createdAt: r.int(16), updatedAt: r.int(17))
    }

    // MARK: Create and read

    /// Creates a campaign in draft (`POST /campaigns`). The creator is the acting user (the spec's X-User-Id).
    /// `controlGroupPercent` (default 10) holds out that share of enrolled customers, never contacted,
    /// so performance can report what the campaign caused.
    @discardableResult
    public func createCampaign(_ new: NewCampaign, now: Int) throws -> Campaign {
        try new.validate()
        return try db.transaction {
            // Each step's template must exist for its channel (or, for "preferred", for every channel).
            try checkTemplates(new.sequence)
            let name = new.name, description = new.description, type = new.type, segment = new.targetSegment
            let schedule = new.schedule, sequence = new.sequence, goals = new.goals, controlPercent = new.controlGroupPercent
            let id = Engine.newID()
            try db.run("""
                INSERT INTO campaigns (uuid, name, description, campaign_type, status, target_segment, schedule, sequence, goals, control_fraction,
                  created_by, status_changed_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(id), .text(name), .init(description), .text(type.rawValue), .text(segment.json.serialized()),
                      .text(schedule.json.serialized()), .text(JSONValue.array(sequence.map(\.json)).serialized()),
                      .text(goals.json.serialized()), .double(controlPercent / 100), .text(user), .int(Int64(now)), .int(Int64(now)), .int(Int64(now))])
            try audit("campaign.create", entity: "campaign", id: id, details: .object([("name", .string(name))]), now: now)
            return try campaign(id: id)
        }
    }

    /// Each step's template (each variant's, for an A/B step) must exist for its channel (or, for "preferred",
    /// for every channel); the error names the step's field.
    func checkTemplates(_ sequence: [SequenceStep]) throws {
        for (i, step) in sequence.enumerated() {
            for (k, template) in step.templates.enumerated() {
                for ch in step.channel.map({ [$0] }) ?? ContactChannel.allCases where (try? message(name: template, channel: ch)) == nil {
                    throw RetentionError.invalid(step.variants.isEmpty ? "touchpoints[\(i)].template" : "touchpoints[\(i)].variants[\(k)]",
                        "no template \"\(template)\" for \(ch.rawValue); built-in templates: \(BuiltInTemplates.names.joined(separator: ", "))")
                }
            }
        }
    }

    /// Replaces a draft campaign's settings with `edit` (`retention campaign edit ID --file`, the dashboard's
    /// form): the same rules as `createCampaign`, only while the campaign is a draft (nothing is enrolled yet).
    /// With `expectedVersion`, a campaign changed since it was read is refused (409). Its id, creator and
    /// creation time stay; its version goes up by one.
    @discardableResult
    public func editCampaign(id: String, _ edit: NewCampaign, expectedVersion: Int? = nil, now: Int) throws -> Campaign {
        try edit.validate()
        return try db.transaction {
            let c = try campaign(id: id)
            guard c.status == .draft else {
                throw RetentionError.conflict("campaign_not_draft", "Campaign \"\(c.name)\" is \(c.status.rawValue); only a draft can be edited.", field: "status")
            }
            if let expectedVersion, expectedVersion != c.version {
                throw RetentionError.conflict("version_conflict", "Campaign \"\(c.name)\" changed since it was read (version \(c.version), expected \(expectedVersion)).", field: "version")
            }
            try checkTemplates(edit.sequence)
            try db.run("""
                UPDATE campaigns SET name = ?, description = ?, campaign_type = ?, target_segment = ?, schedule = ?, sequence = ?, goals = ?,
                  control_fraction = ?, version = version + 1, updated_at = ? WHERE id = ?
                """, [.text(edit.name), .init(edit.description), .text(edit.type.rawValue), .text(edit.targetSegment.json.serialized()),
                      .text(edit.schedule.json.serialized()), .text(JSONValue.array(edit.sequence.map(\.json)).serialized()),
                      .text(edit.goals.json.serialized()), .double(edit.controlGroupPercent / 100), .int(Int64(now)), .int(c.rowID)])
            try audit("campaign.edit", entity: "campaign", id: id, details: .object([("name", .string(edit.name))]), now: now)
            return try campaign(id: id)
        }
    }

    public func campaign(id: String) throws -> Campaign {
        guard let c = try db.queryOne("SELECT \(Engine.campaignColumns) FROM campaigns WHERE uuid = ?", [.text(id)], { try campaign(row: $0) }) else {
            throw RetentionError.notFound("Campaign", id)
        }
        return c
    }

    /// Campaigns, newest first, optionally by status and type.
    public func campaigns(status: CampaignStatus? = nil, type: CampaignType? = nil, limit: Int = 100, page: Int = 1) throws -> [Campaign] {
        let limit = max(1, min(limit, 1000)), page = max(1, page)
        return try db.query("""
            SELECT \(Engine.campaignColumns) FROM campaigns WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR campaign_type = ?2)
            ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4
            """, [.init(status?.rawValue), .init(type?.rawValue), .int(Int64(limit)), .int(Int64((page - 1) * limit))]) { try campaign(row: $0) }
    }

    // MARK: Targeting

    /// The SQL condition (alias `c`) and parameters selecting a segment's customers at `now`.
    func segmentCondition(_ s: TargetSegment, now: Int) -> (String, [SQLValue]) {
        var conditions = ["c.erased_at IS NULL"]
        var params: [SQLValue] = []
        conditions.append(s.formerCustomers ? "c.active_policies = 0 AND c.total_policies > 0" : "c.active_policies > 0")
        if !s.churnRisk.isEmpty {
            conditions.append("c.churn_risk IN (\(s.churnRisk.map { _ in "?" }.joined(separator: ", ")))")
            params += s.churnRisk.map { .int(Int64($0.rank)) }
        }
        if !s.policyTypes.isEmpty {
            let inForce = s.formerCustomers ? "" : " AND p.status IN \(PolicyStatus.inForceSQL)"
            conditions.append("EXISTS (SELECT 1 FROM policies p WHERE p.customer_id = c.id\(inForce) AND p.policy_type IN (\(s.policyTypes.map { _ in "?" }.joined(separator: ", "))))")
            params += s.policyTypes.map { .text($0.rawValue) }
        }
        if s.churnRisk.isEmpty && (s.healthScoreMin != nil || s.healthScoreMax != nil) { conditions.append(ChurnRisk.everyLevelSQL) }
        if let v = s.healthScoreMin { conditions.append("c.health_score >= ?"); params.append(.double(v)) }
        if let v = s.healthScoreMax { conditions.append("c.health_score <= ?"); params.append(.double(v)) }
        if let m = s.tenureMonthsMin { conditions.append("c.customer_since <= ?"); params.append(.int(Int64(Timestamp.addingMonths(-m, to: now)))) }
        if let m = s.tenureMonthsMax { conditions.append("c.customer_since > ?"); params.append(.int(Int64(Timestamp.addingMonths(-m - 1, to: now)))) }
        if !s.tags.isEmpty {
            conditions.append("c.id IN (SELECT customer_id FROM customer_tags WHERE tag IN (\(s.tags.map { _ in "?" }.joined(separator: ", "))))")
            params += s.tags.map { .text($0) }
        }
        if let a = s.agentId { conditions.append("c.agent_id = ?"); params.append(.text(a)) }
        if !s.agentIds.isEmpty {
            conditions.append("c.agent_id IN (\(s.agentIds.map { _ in "?" }.joined(separator: ", ")))")
            params += s.agentIds.map { .text($0) }
        }
        if let days = s.lastContactOlderThanDays {
            // Never contacted counts as longer ago than any number of days.
            conditions.append("(c.last_contact_date IS NULL OR c.last_contact_date < ?)")
            params.append(.int(Int64(now - days * Timestamp.secondsPerDay)))
        }
        for f in s.customFilters {
            conditions.append("CAST(json_extract(c.metadata, ?) AS TEXT) = ?")
            params += [.text("$.\"\(f.key)\""), .text(f.value)]
        }
        if let days = s.renewalWithinDays {
            conditions.append("c.next_renewal_date >= ? AND c.next_renewal_date < ?")
            params += [.int(Int64(Timestamp.startOfDay(now))), .int(Int64(Timestamp.startOfDay(now) + (days + 1) * Timestamp.secondsPerDay))]
        }
        return (conditions.joined(separator: " AND "), params)
    }

    /// How many customers a campaign would enrol now, and the first of them (`retention campaign preview`).
    public func previewCampaign(id: String, limit: Int = 20, now: Int) throws -> (count: Int, customers: [Customer]) {
        let c = try campaign(id: id)
        let (condition, params) = segmentCondition(c.targetSegment, now: now)
        let newOnly = "NOT EXISTS (SELECT 1 FROM campaign_enrollments e WHERE e.campaign_id = ? AND e.customer_id = c.id)"
        let count = try db.scalarInt("SELECT count(*) FROM customers c WHERE \(condition) AND \(newOnly)", params + [.int(c.rowID)])
        let rows = try db.query("""
            SELECT \(Customer.qualifiedColumns) FROM customers c WHERE \(condition) AND \(newOnly)
            ORDER BY c.churn_probability DESC, c.id LIMIT ?
            """, params + [.int(c.rowID), .int(Int64(max(0, min(limit, 1000))))], Customer.init(row:))
        return (count, rows)
    }

    // MARK: Workflow

    /// Moves a campaign to a new status (`PATCH /campaigns/:id/status`), with the side effects of each move:
    /// - to active from draft or scheduled: enrols the segment and lays out each customer's touchpoints
    ///   (or becomes `scheduled` when the start date is still ahead);
    /// - to paused: every pending touchpoint is held;
    /// - to active from paused: pending touchpoints are shifted by the time spent paused, keeping their spacing;
    /// - to completed or cancelled: pending touchpoints are cancelled, and the next run is cleared (also back to draft).
    /// A move not allowed from the current status is refused with the allowed ones.
    ///
    /// The move writes no reference that does not come from a row it reads (see `enrol`), so it runs
    /// without SQLite's per-row foreign-key lookups.
    @discardableResult
    public func setCampaignStatus(id: String, _ change: CampaignStatusChange, now: Int) throws -> Campaign {
        try setCampaignStatus(id: id, to: change.status, now: now)
    }

    @discardableResult
    public func setCampaignStatus(id: String, to target: CampaignStatus, now: Int) throws -> Campaign {
        try db.transactionWithoutForeignKeyChecks {
            let c = try campaign(id: id)
            guard c.status != target else {
                throw RetentionError.conflict("invalid_transition", "Campaign \"\(c.name)\" is already \(target.rawValue).", field: "status")
            }
            guard c.status.allowedTransitions.contains(target) else {
                let allowed = c.status.allowedTransitions.map(\.rawValue)
                throw RetentionError.conflict("invalid_transition",
                    "A \(c.status.rawValue) campaign cannot become \(target.rawValue); allowed: \(allowed.isEmpty ? "none (it is final)" : allowed.joined(separator: ", ")).",
                    field: "status")
            }
            var newStatus = target
            var details: [(String, JSONValue)] = [("from", .string(c.status.rawValue))]
            switch (c.status, target) {
            case (.draft, .active), (.scheduled, .active):
                if let start = c.schedule.startsAt, start > now {
                    newStatus = .scheduled
                    try db.run("UPDATE campaigns SET next_run_at = ? WHERE id = ?", [.int(Int64(start)), .int(c.rowID)])
                } else {
                    if let end = c.schedule.endsAt, end <= now {
                        throw RetentionError.conflict("campaign_ended", "Campaign \"\(c.name)\" ended on \(c.schedule.endDescription!); it cannot be activated.", field: "schedule.endDate")
                    }
                    let run = try enrol(c, runAt: now, now: now)
                    details += [("enrolled", .int(run.enrolled)), ("control", .int(run.control)), ("touchpoints", .int(run.touchpoints))]
                    try scheduleNextRun(c, after: now)
                }
            case (.paused, .active):
                let shift = now - (c.pausedAt ?? now)
                try db.run("UPDATE touchpoints SET due_at = due_at + ?, updated_at = ? WHERE campaign_id = ? AND status = 'pending'",
                           [.int(Int64(shift)), .int(Int64(now)), .int(c.rowID)])
                details.append(("shiftedSeconds", .int(shift)))
            case (_, .completed), (_, .cancelled):
                try db.run("UPDATE touchpoints SET status = 'cancelled', skip_reason = ?, updated_at = ? WHERE campaign_id = ? AND status = 'pending'",
                           [.text("campaign_\(target.rawValue)"), .int(Int64(now)), .int(c.rowID)])
                details.append(("touchpointsCancelled", .int(db.changes)))
            default: break
            }
            // A campaign that is finished, or back in draft, has no next run.
            let keepsNextRun = !(newStatus.isFinal || newStatus == .draft)
            try db.run("""
                UPDATE campaigns SET status = ?, status_changed_at = ?, paused_at = ?, next_run_at = CASE WHEN ? THEN next_run_at END,
                  version = version + 1, updated_at = ? WHERE id = ?
                """, [.text(newStatus.rawValue), .int(Int64(now)), newStatus == .paused ? .int(Int64(now)) : .null, .int(keepsNextRun ? 1 : 0),
                      .int(Int64(now)), .int(c.rowID)])
            details.append(("to", .string(newStatus.rawValue)))
            try audit("campaign.status", entity: "campaign", id: id, details: .object(details), now: now)
            return try campaign(id: id)
        }
    }

    /// Enrols the customers matching the segment who were never enrolled in this campaign, holds out
    /// the control group, and lays out the touchpoints of the others: step k is due at enrolment +
    /// its delay. All set-based: one INSERT … SELECT for the enrolments and one for the touchpoints of every step.
    ///
    /// The control group is drawn by a deterministic hash of (customer, campaign), so the same customer
    /// lands in the same group if the enrolment is replayed: `(id × 2654435761 + campaign × 97) mod 10000 <
    /// controlFraction × 10000`.
    ///
    /// Customers are enrolled in row-id order, so the reads and writes that follow (their policies, the
    /// enrolment and touchpoint rows and indexes) walk the tables in order instead of at random. The policy an
    /// enrolment is about is the customer's in-force policy that renews first (`min(renewal_date)`: SQLite
    /// takes the bare `id` from that row), read from the index of policies by customer and status alone.
    /// `policyTypes` are enum values checked at creation, so listing them in the SQL text splices no user text.
    ///
    /// Every reference written comes from a row the same statement reads (the campaign read by the caller,
    /// the scanned customer, their policy, the enrolment just inserted), so callers run this without
    /// SQLite's per-row foreign-key lookups (`transactionWithoutForeignKeyChecks`).
    func enrol(_ c: Campaign, runAt: Int, now: Int) throws -> (enrolled: Int, control: Int, touchpoints: Int) {
        let (condition, params) = segmentCondition(c.targetSegment, now: now)
        // Risk levels, health, tenure, agent and lines select large shares of a book: reading the customers
        // table in order beats fetching each match through an index. Renewal windows and tags are selective.
        let scan = c.targetSegment.renewalWithinDays == nil && c.targetSegment.tags.isEmpty ? "NOT INDEXED" : ""
        // The enrolments this run inserts are the ones numbered after the newest before it.
        let lastEnrolmentBefore = try db.scalarInt("SELECT coalesce(max(id), 0) FROM campaign_enrollments")
        let typeFilter = c.targetSegment.policyTypes.isEmpty ? "" :
            " AND p.policy_type IN (\(c.targetSegment.policyTypes.map { "'\($0.rawValue)'" }.joined(separator: ", ")))"
        try db.run("""
            INSERT INTO campaign_enrollments (campaign_id, customer_id, policy_id, run_at, enrolled_at, is_control)
            SELECT ?, c.id,
                   (SELECT id FROM (SELECT p.id, min(p.renewal_date) FROM policies p
                                    WHERE p.customer_id = c.id AND p.status IN \(PolicyStatus.inForceSQL)\(typeFilter))),
                   ?, ?, \(ControlGroupDraw.sql(customerRow: "c.id", campaignRow: "?", threshold: "?"))
            FROM customers c \(scan)
            WHERE \(condition) AND NOT EXISTS (SELECT 1 FROM campaign_enrollments e WHERE e.campaign_id = ? AND e.customer_id = c.id)
            ORDER BY c.id
            """, [.int(c.rowID), .int(Int64(runAt)), .int(Int64(now)), .int(c.rowID), .int(ControlGroupDraw.threshold(c.controlFraction))]
            + params + [.int(c.rowID)])
        let enrolled = db.changes
        guard !c.sequence.isEmpty else {
            let control = try db.scalarInt("SELECT count(*) FROM campaign_enrollments WHERE campaign_id = ? AND run_at = ? AND id > ? AND is_control = 1",
                                           [.int(c.rowID), .int(Int64(runAt)), .int(Int64(lastEnrolmentBefore))])
            return (enrolled, control, 0)
        }
        // Every step of every enrolment in one statement, customer by customer: each page of the touchpoints'
        // per-customer index is then changed once, not once per step. (A customer's steps come in the order
        // of the VALUES list; ordering by step as well would sort every row in a temporary b-tree.) Ids count
        // up by enrolment and step (a sequence has at most 20 steps, so 32 numbers per enrolment). A step
        // without a channel of its own uses the customer's preferred one, read only when some step needs it.
        let everyStepHasAChannel = c.sequence.allSatisfy { $0.channel != nil }
        let steps = c.sequence.indices.map { k in "(?\(6 + 5 * k), ?\(7 + 5 * k), ?\(8 + 5 * k), ?\(9 + 5 * k), ?\(10 + 5 * k))" }.joined(separator: ", ")
        // An A/B step carries its second template (column5): each customer gets the one `VariantDraw` picks.
        let anyVariants = c.sequence.contains { !$0.variants.isEmpty }
        let template = anyVariants
            ? "CASE WHEN s.column5 IS NULL OR \(VariantDraw.sqlIsA(customerRow: "e.customer_id", campaignRow: "e.campaign_id", step: "s.column1")) THEN s.column3 ELSE s.column5 END"
            : "s.column3"
        try db.run("""
            INSERT INTO touchpoints (uuid, campaign_id, enrollment_id, customer_id, policy_id, step_index, channel, template, status, due_at, created_at, updated_at)
            SELECT retention_ordered_uuid(?4, e.id * 32 + s.column1), e.campaign_id, e.id, e.customer_id, e.policy_id, s.column1,
                   \(everyStepHasAChannel ? "s.column2" : "coalesce(s.column2, c.preferred_contact_method, 'email')"), \(template), 'pending',
                   e.enrolled_at + s.column4 * 60, ?1, ?1
            FROM campaign_enrollments e \(everyStepHasAChannel ? "" : "JOIN customers c ON c.id = e.customer_id") CROSS JOIN (VALUES \(steps)) s
            WHERE e.campaign_id = ?2 AND e.run_at = ?3 AND e.id > ?5 AND e.is_control = 0
            ORDER BY e.customer_id
            """, [.int(Int64(now)), .int(c.rowID), .int(Int64(runAt)), .text(TimeOrderedID.prefix()), .int(Int64(lastEnrolmentBefore))]
            + c.sequence.enumerated().flatMap { k, step in
                [SQLValue.int(Int64(k)), .init(step.channel?.rawValue), .text(step.template), .int(Int64(step.delayMinutes)),
                 .init(step.variants.count == 2 ? step.variants[1] : nil)]
            })
        // Each enrolment of this run outside the control group got one touchpoint per step.
        let touchpoints = db.changes
        return (enrolled, enrolled - touchpoints / c.sequence.count, touchpoints)
    }

    /// Enrols one customer by hand into an active or paused campaign (never into its control group),
    /// laying out the sequence from now. A customer already enrolled in the campaign is refused.
    @discardableResult
    public func enrolCustomer(campaignId: String, _ enrolment: CampaignEnrolment, now: Int) throws -> Int {
        try enrolment.validate()
        return try enrolCustomer(campaignId: campaignId, customerId: enrolment.customerId, now: now)
    }

    @discardableResult
    public func enrolCustomer(campaignId: String, customerId: String, now: Int) throws -> Int {
        try db.transaction {
            let c = try campaign(id: campaignId)
            guard c.status == .active || c.status == .paused else {
                throw RetentionError.conflict("campaign_not_running", "Campaign \"\(c.name)\" is \(c.status.rawValue); customers can be enrolled only while it is active or paused.")
            }
            let row = try liveCustomerRowID(customerId)
            if try db.queryOne("SELECT 1 FROM campaign_enrollments WHERE campaign_id = ? AND customer_id = ?", [.int(c.rowID), .int(row)], { _ in true }) != nil {
                throw RetentionError.conflict("already_enrolled", "The customer is already enrolled in \"\(c.name)\".")
            }
            return try enrolOne(c, customerRow: row, customerId: customerId, drawControlGroup: false, now: now).touchpoints
        }
    }

    /// Enrols one customer (not yet enrolled) in a campaign from now: the enrolment, the touchpoints of
    /// every step (none for the control group), a `campaign_enrolled` event and an audit entry. With
    /// `drawControlGroup` the customer lands in the control group when the campaign's deterministic draw
    /// (see `enrol`) says so, as they would have at a run of the campaign; without it never.
    /// The enrolment is about the customer's in-force policy that renews first, of the campaign's lines
    /// when it targets some. Runs inside the caller's transaction.
    func enrolOne(_ c: Campaign, customerRow row: Int64, customerId: String, drawControlGroup: Bool, now: Int) throws -> (isControl: Bool, touchpoints: Int) {
        let lines = c.targetSegment.policyTypes.map(\.rawValue)
        let lineFilter = lines.isEmpty ? "" : " AND p.policy_type IN (\(lines.indices.map { "?\(6 + $0)" }.joined(separator: ", ")))"
        try db.run("""
            INSERT INTO campaign_enrollments (campaign_id, customer_id, policy_id, run_at, enrolled_at, is_control)
            VALUES (?1, ?2, coalesce((SELECT p.id FROM policies p WHERE p.customer_id = ?2 AND p.status IN \(PolicyStatus.inForceSQL)\(lineFilter)
                                      ORDER BY p.renewal_date LIMIT 1),
                                     (SELECT p.id FROM policies p WHERE p.customer_id = ?2 AND p.status IN \(PolicyStatus.inForceSQL)
                                      ORDER BY p.renewal_date LIMIT 1)),
                    ?3, ?3, ?4 AND \(ControlGroupDraw.sql(customerRow: "?2", campaignRow: "?1", threshold: "?5")))
            """, [.int(c.rowID), .int(row), .int(Int64(now)), .int(drawControlGroup ? 1 : 0), .int(ControlGroupDraw.threshold(c.controlFraction))]
            + lines.map { .text($0) })
        let enrollment = db.lastInsertRowID
        let isControl = try db.scalarInt("SELECT is_control FROM campaign_enrollments WHERE id = ?", [.int(enrollment)]) == 1
        for (k, step) in c.sequence.enumerated() where !isControl {
            try db.run("""
                INSERT INTO touchpoints (uuid, campaign_id, enrollment_id, customer_id, policy_id, step_index, channel, template, status, due_at, created_at, updated_at)
                SELECT \(Engine.sqlUUID), e.campaign_id, e.id, e.customer_id, e.policy_id, ?, coalesce(?, c.preferred_contact_method, 'email'), ?, 'pending', ? + ? * 60, ?, ?
                FROM campaign_enrollments e JOIN customers c ON c.id = e.customer_id WHERE e.id = ?
                """, [.int(Int64(k)), .init(step.channel?.rawValue), .text(VariantDraw.template(step, customerRow: row, campaignRow: c.rowID, index: k)), .int(Int64(now)), .int(Int64(step.delayMinutes)),
                      .int(Int64(now)), .int(Int64(now)), .int(enrollment)])
        }
        var data: [(String, JSONValue)] = [("campaignId", .string(c.id)), ("campaign", .string(c.name))]
        if isControl { data.append(("controlGroup", .bool(true))) }
        try insertEvent(customerRow: row, policyRow: nil, type: .campaign_enrolled, severity: .info, data: .object(data), actions: [], occurredAt: now, now: now)
        try audit("campaign.enrol", entity: "customer", id: customerId,
                  details: .object([("campaignId", .string(c.id))] + (isControl ? [("controlGroup", .bool(true))] : [])), now: now)
        return (isControl, isControl ? 0 : c.sequence.count)
    }

    /// Sets the next recurring run from the campaign's cron expression (none without one).
    func scheduleNextRun(_ c: Campaign, after now: Int) throws {
        var next: Int?
        if let cron = c.schedule.cron, let zone = TimeZone(identifier: c.schedule.timezone),
           let date = try CronSchedule(cron).nextRun(after: Date(timeIntervalSince1970: Double(now)), in: zone) {
            next = Int(date.timeIntervalSince1970)
            if let end = c.schedule.endsAt, next! >= end { next = nil }
        }
        try db.run("UPDATE campaigns SET next_run_at = ? WHERE id = ?", [.init(next), .int(c.rowID)])
    }

    /// What a scheduler tick did.
    public struct TickSummary: Sendable, Equatable {
        public var activated: [String] = []
        public var runs: [String] = []
        public var completed: [String] = []
        public var enrolled = 0
    }

    /// Moves campaigns along their schedules (`retention campaign tick`, run every few minutes by cron or
    /// systemd): scheduled campaigns whose start has come are activated; active ones whose cron run is due
    /// enrol the customers who newly match; those past their end date are completed.
    @discardableResult
    public func runDueCampaigns(now: Int) throws -> TickSummary {
        var summary = TickSummary()
        let due = try db.query("SELECT uuid, status FROM campaigns WHERE status IN ('scheduled', 'active') ORDER BY id") { ($0.text(0), $0.text(1)) }
        for (id, status) in due {
            let c = try campaign(id: id)
            if status == "scheduled", (c.schedule.startsAt ?? now) <= now, (c.nextRunAt ?? now) <= now {
                if let end = c.schedule.endsAt, end <= now {
                    try setCampaignStatus(id: id, to: .cancelled, now: now)
                } else {
                    try setCampaignStatus(id: id, to: .active, now: now)
                    summary.activated.append(c.name)
                }
                continue
            }
            guard status == "active" else { continue }
            if let end = c.schedule.endsAt, end <= now {
                try setCampaignStatus(id: id, to: .completed, now: now)
                summary.completed.append(c.name)
                continue
            }
            if let next = c.nextRunAt, next <= now, c.schedule.cron != nil {
                try db.transactionWithoutForeignKeyChecks {
                    let run = try enrol(c, runAt: now, now: now)
                    summary.enrolled += run.enrolled
                    try scheduleNextRun(c, after: now)
                    try audit("campaign.run", entity: "campaign", id: id, details: .object([("enrolled", .int(run.enrolled))]), now: now)
                }
                summary.runs.append(c.name)
            }
        }
        return summary
    }

    /// A time-ordered id (UUID version 7, like `TimeOrderedID`) computed inside SQLite, for set-based
    /// inserts: the current time in milliseconds, then 74 random bits.
    static let sqlUUID = """
    printf('%08x-%04x-7%03x-%x%03x-%012x', (CAST(strftime('%s', 'now') AS INTEGER) * 1000) >> 16, \
    (CAST(strftime('%s', 'now') AS INTEGER) * 1000) & 65535, random() & 4095, 8 + (random() & 3), random() & 4095, random() & 281474976710655)
    """
}
