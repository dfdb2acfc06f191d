import DataStandard
import EnforcementModel
import Foundation

/// Rectification tickets (整改单) of quarantined records: open → fixed → re-checked.
///
/// Every error of a quarantined record opens a ticket bound to its record and field (``StoreImporter`` does this).
/// The data owner corrects the value — giving it here (``markFixed(_:correctedValue:by:note:scope:now:)``) or
/// re-importing the record from its source — and marks the ticket fixed. A re-check (``recheck(_:by:scope:now:)``)
/// validates the record again with every correction applied: when it passes, the record is stored, its
/// quarantine entry resolved and its tickets closed as re-checked; a ticket whose field still fails goes back to
/// open, with the finding in its history.
///
/// ```swift
/// let desk = TicketDesk(store: store, schema: schema, options: .init(asOf: today))
/// _ = try await desk.markFixed("T-3f2a…", correctedValue: "91510100MA61234567", by: "cd-0042", scope: city, now: now)
/// let results = try await desk.recheck(nil, by: "cd-0042", scope: city, now: now)  // every fixed ticket
/// ```
public struct TicketDesk: Sendable {
    /// The outcome of re-checking one quarantined record.
    public struct Recheck: Hashable, Sendable, Codable {
        /// The quarantine entry.
        public var quarantineID: String
        /// The entity and key of the record.
        public var entity: String
        public var key: String?
        /// Whether the record now passes and was stored.
        public var passed: Bool
        /// The tickets re-checked (closed), and those sent back to open.
        public var closed: [String]
        public var reopened: [String]
        /// The errors that remain.
        public var errors: [ValidationIssue]
    }

    /// The store.
    public let store: any RecordStore
    /// Its schema.
    public let schema: StoreSchema
    /// How records are validated on re-check.
    public var options: RecordValidator.Options

    /// Creates a desk.
    public init(store: any RecordStore, schema: StoreSchema, options: RecordValidator.Options = .init()) {
        self.store = store
        self.schema = schema
        self.options = options
    }

    /// The tickets within a scope, optionally of one status.
    public func list(scope: DivisionScope, status: TicketStatus? = nil) async throws -> [Ticket] {
        try await store.tickets(scope: scope, status: status)
    }

    /// Marks an open ticket fixed, with the corrected value of its field (or `nil` when the record was corrected at
    /// its source and re-imported).
    ///
    /// - Throws: ``StoreError`` `.notFound` (no such ticket in the scope), `.invalidTransition` (not open).
    public func markFixed(
        _ id: String, correctedValue: String?, by: String, note: String = "", scope: DivisionScope, now: Int64
    ) async throws -> Ticket {
        var ticket = try await find(id, scope: scope)
        guard ticket.status == .open else {
            throw StoreError(
                .invalidTransition,
                "ticket \(id) is \(ticket.status.rawValue): only an open ticket can be marked fixed",
                zh: "整改单\(id)状态为\(ticket.status.rawValue)，只有待整改的整改单可标记为已整改")
        }
        ticket.status = .fixed
        ticket.correctedValue = correctedValue
        let what = correctedValue == nil ? "corrected at the source" : "corrected value given"
        ticket.history.append(
            Ticket.Event(status: .fixed, at: now, by: by, note: note.isEmpty ? what : "\(what): \(note)"))
        _ = try await store.commit(StoreTransaction(tickets: [ticket], now: now))
        return ticket
    }

    /// Re-checks the records of fixed tickets (`ids`, or every fixed ticket in the scope when `nil`).
    public func recheck(_ ids: [String]?, by: String, scope: DivisionScope, now: Int64) async throws -> [Recheck] {
        let all = try await store.tickets(scope: scope, status: nil)
        let fixed: [Ticket]
        if let ids {
            for id in ids where !all.contains(where: { $0.id == id }) {
                throw StoreError(.notFound, "no ticket \(id) in \(scope)", zh: "\(scope)范围内没有整改单\(id)")
            }
            fixed = all.filter { ids.contains($0.id) && $0.status == .fixed }
        } else {
            fixed = all.filter { $0.status == .fixed }
        }
        let entries = Dictionary(
            try await store.quarantine(scope: scope, entity: nil, includeResolved: true).map { ($0.id, $0) },
            uniquingKeysWith: { first, _ in first })
        var results: [Recheck] = []
        var done = Set<String>()
        for ticket in fixed where !done.contains(ticket.quarantineID) {
            done.insert(ticket.quarantineID)
            guard let entry = entries[ticket.quarantineID] else { continue }
            let siblings = all.filter { $0.quarantineID == entry.id }
            results.append(try await recheck(entry, tickets: siblings, by: by, scope: scope, now: now))
        }
        return results
    }

    private func recheck(
        _ entry: QuarantineEntry, tickets: [Ticket], by: String, scope: DivisionScope, now: Int64
    ) async throws -> Recheck {
        let table = try schema.requireTable(entry.entity)
        // The values to check: the quarantined ones with the corrections; or, when the record was corrected at its
        // source and nothing was given here, the stored record if it was written after the quarantine.
        var values = entry.values
        var corrected = false
        for ticket in tickets where ticket.status == .fixed {
            if let field = ticket.field, let value = ticket.correctedValue {
                values[field] = value.isEmpty ? nil : value
                corrected = true
            }
        }
        var fromStore: StoredRecord?
        if !corrected, let key = entry.key,
            let stored = try await store.record(entity: entry.entity, key: key, scope: scope),
            stored.changedAt >= entry.quarantinedAt
        {
            fromStore = stored
            values = [:]
            for (slot, value) in stored.values.enumerated() {
                if let value, slot < table.entity.fields.count { values[table.entity.fields[slot].id] = value }
            }
        }
        var line = "{"
        var first = true
        for field in table.entity.fields {
            guard let value = values[field.id] else { continue }
            line += (first ? "" : ",") + "\(json(field.id)):\(json(value))"
            first = false
        }
        line += "}\n"
        var issues: [ValidationIssue] = []
        var rowValues: [String?] = []
        var valid = false
        var validation = options
        validation.format = .jsonLines
        validation.workers = 1
        let validator = try RecordValidator(standard: schema.standard, options: validation)
        _ = try await validator.validate(
            [ValidationInput(entity: entry.entity, bytes: Array(line.utf8), name: "recheck \(entry.id)")],
            onIssue: { issues.append($0) },
            onRecords: { batch in
                if batch.count > 0 {
                    valid = batch.isValid[0]
                    rowValues = Array(batch.values(of: 0))
                }
            })
        let errors = issues.filter { $0.severity == .error }
        var transaction = StoreTransaction(now: now)
        var closed: [String] = []
        var reopened: [String] = []
        for var ticket in tickets where ticket.status != .rechecked {
            let stillFails = errors.contains { $0.field == ticket.field && $0.ruleID == ticket.ruleID }
            if valid || (!stillFails && ticket.status == .fixed) {
                ticket.status = .rechecked
                ticket.history.append(
                    Ticket.Event(
                        status: .rechecked, at: now, by: by,
                        note: valid ? "re-check passed: record stored" : "re-check passed for this field"))
                closed.append(ticket.id)
            } else if ticket.status == .fixed {
                ticket.status = .open
                let found = errors.filter { $0.field == ticket.field }.map { "[\($0.ruleID)] \($0.message.en)" }
                ticket.history.append(
                    Ticket.Event(
                        status: .open, at: now, by: by,
                        note: "re-check failed: "
                            + (found.isEmpty ? "the record still has errors" : found.joined(separator: "; "))))
                reopened.append(ticket.id)
            } else {
                continue
            }
            transaction.tickets.append(ticket)
        }
        if valid {
            if fromStore == nil,
                let write = RecordWrite(
                    record: rowValues, table: table, standardVersion: schema.standard.version,
                    source: "recheck:\(entry.id)")
            {
                transaction.writes.append(write)
            }
            transaction.resolvedQuarantine = [entry.id]
        }
        _ = try await store.commit(transaction)
        return Recheck(
            quarantineID: entry.id, entity: entry.entity, key: entry.key, passed: valid, closed: closed,
            reopened: reopened, errors: errors)
    }

    private func find(_ id: String, scope: DivisionScope) async throws -> Ticket {
        guard let ticket = try await store.tickets(scope: scope, status: nil).first(where: { $0.id == id }) else {
            throw StoreError(.notFound, "no ticket \(id) in \(scope)", zh: "\(scope)范围内没有整改单\(id)")
        }
        return ticket
    }
}
