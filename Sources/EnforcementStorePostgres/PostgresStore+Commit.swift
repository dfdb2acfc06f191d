import DataStandard
import EnforcementStore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// The outcome of one write, and what the entity table gets for its key (the last change in the transaction).
    private struct Change {
        var write: Int
        var sequence: Int64
        var revision: Int
    }

    public func commit(_ transaction: StoreTransaction) async throws -> CommitResult {
        let schema = try requireSchema()
        // Entities first, so that an unknown one fails before anything is written.
        var tables: [String: EntityTable] = [:]
        var entityOrder: [String] = []
        for write in transaction.writes where tables[write.entity] == nil {
            tables[write.entity] = try schema.requireTable(write.entity)
            entityOrder.append(write.entity)
        }
        let encoder = JSONEncoder.sorted
        let quarantine = try transaction.quarantine.map { entry in
            (entry, String(decoding: try encoder.encode(entry), as: UTF8.self))
        }
        var tickets: [String: (Ticket, String)] = [:]
        var ticketOrder: [String] = []
        for ticket in transaction.tickets {
            if tickets[ticket.id] == nil { ticketOrder.append(ticket.id) }
            tickets[ticket.id] = (ticket, String(decoding: try encoder.encode(ticket), as: UTF8.self))
        }
        var opened: [String: (Ticket, String)] = [:]
        var openedOrder: [String] = []
        for ticket in transaction.openedTickets where opened[ticket.id] == nil {
            openedOrder.append(ticket.id)
            opened[ticket.id] = (ticket, String(decoding: try encoder.encode(ticket), as: UTF8.self))
        }
        let receipts = try transaction.receipts.map {
            ($0.batchID, String(decoding: try encoder.encode($0.receipts), as: UTF8.self))
        }
        let writes = transaction.writes
        let now = transaction.now

        return try await perform("committing a transaction") {
            try await self.inTransaction { connection in
                try await self.lockWriters(connection)
                let first = try await self.readLastSequence(connection)
                var last = first

                // What is stored for the transaction's keys, per entity.
                var current: [String: [String: (hash: String, revision: Int)]] = [:]
                for entity in entityOrder {
                    guard let table = tables[entity] else { continue }
                    var keys: [String] = []
                    var seen = Set<String>()
                    for write in writes where write.entity == entity && seen.insert(write.key).inserted {
                        keys.append(write.key)
                    }
                    current[entity] = try await self.storedVersions(table, keys: keys, connection)
                }

                var outcomes: [WriteOutcome] = []
                outcomes.reserveCapacity(writes.count)
                var changes: [String: [String: Change]] = [:]
                for (index, write) in writes.enumerated() {
                    let stored = current[write.entity]?[write.key]
                    if let stored, stored.hash == write.hash {
                        outcomes.append(.unchanged)
                        continue
                    }
                    last += 1
                    let revision = (stored?.revision ?? 0) + 1
                    outcomes.append(
                        stored == nil ? .inserted(sequence: last) : .updated(sequence: last, revision: revision))
                    current[write.entity, default: [:]][write.key] = (write.hash, revision)
                    changes[write.entity, default: [:]][write.key] = Change(
                        write: index, sequence: last, revision: revision)
                }
                for entity in entityOrder {
                    guard let table = tables[entity], let changed = changes[entity], !changed.isEmpty else { continue }
                    let rows = changed.values.sorted { $0.sequence < $1.sequence }
                    try await self.upsert(table, rows: rows, writes: writes, now: now, connection)
                }

                if !quarantine.isEmpty { try await self.insertQuarantine(quarantine, connection) }
                if !transaction.resolvedQuarantine.isEmpty {
                    var binds = PostgresBindings()
                    binds.append(TextArray(transaction.resolvedQuarantine))
                    try await self.run(
                        connection, "UPDATE store_quarantine SET resolved = TRUE WHERE id = ANY($1::text[])", binds)
                }
                if !openedOrder.isEmpty {
                    try await self.upsertTickets(
                        openedOrder.compactMap { opened[$0] }, connection, replacing: false)
                }
                if !ticketOrder.isEmpty {
                    try await self.upsertTickets(ticketOrder.compactMap { tickets[$0] }, connection)
                }
                // The journal counts this transaction's outcomes too.
                if let journal = transaction.journal(after: outcomes) {
                    let json = String(decoding: try JSONEncoder.sorted.encode(journal), as: UTF8.self)
                    var binds = PostgresBindings()
                    binds.append(journal.id)
                    binds.append(journal.entity)
                    binds.append(journal.source)
                    binds.append(journal.finished)
                    binds.append(journal.updatedAt)
                    binds.append(json)
                    try await self.run(
                        connection,
                        """
                        INSERT INTO store_imports (id, entity, source, finished, updated_at, journal)
                        VALUES ($1, $2, $3, $4, $5, $6)
                        ON CONFLICT (id) DO UPDATE SET entity = excluded.entity, source = excluded.source,
                            finished = excluded.finished, updated_at = excluded.updated_at, journal = excluded.journal
                        """, binds)
                }
                if case (let batchID, let json)? = receipts {
                    var binds = PostgresBindings()
                    binds.append(batchID)
                    binds.append(now)
                    binds.append(json)
                    try await self.run(
                        connection,
                        """
                        INSERT INTO store_batches (batch_id, applied_at, receipts) VALUES ($1, $2, $3)
                        ON CONFLICT (batch_id) DO NOTHING
                        """, binds)
                }
                if last != first {
                    var binds = PostgresBindings()
                    binds.append(String(last))
                    try await self.run(
                        connection, "UPDATE store_meta SET value = $1 WHERE name = 'last_sequence'", binds)
                }
                return CommitResult(outcomes: outcomes, lastSequence: last)
            }
        }
    }

    /// The highest sequence number given out, as `store_meta` has it.
    func readLastSequence(_ connection: PostgresConnection) async throws -> Int64 {
        let rows = try await run(connection, "SELECT value FROM store_meta WHERE name = 'last_sequence'")
        guard let text = rows.first?.makeRandomAccess()[0].text else { return 0 }
        guard let value = Int64(text) else {
            throw StoreError(.database, "store_meta holds a last_sequence that is not a number: \(text)")
        }
        return value
    }

    /// The hash and revision of the stored records of some keys.
    private func storedVersions(_ table: EntityTable, keys: [String], _ connection: PostgresConnection) async throws
        -> [String: (hash: String, revision: Int)]
    {
        var binds = PostgresBindings()
        binds.append(TextArray(keys))
        let rows = try await run(
            connection, "SELECT _key, _hash, _revision FROM \(quoted(table.name)) WHERE _key = ANY($1::text[])", binds)
        var stored: [String: (hash: String, revision: Int)] = [:]
        stored.reserveCapacity(rows.count)
        for row in rows {
            let cells = row.makeRandomAccess()
            stored[try cells[0].requiredText()] = (try cells[1].requiredText(), try cells[2].decode(Int.self))
        }
        return stored
    }

    /// Writes records in one statement: one `text[]` parameter per column, unnested and cast to the columns' types.
    private func upsert(
        _ table: EntityTable, rows: [Change], writes: [RecordWrite], now: Int64, _ connection: PostgresConnection
    ) async throws {
        let fields = table.fieldIDs
        var columns = Array(repeating: [String?](), count: 7 + fields.count)
        for index in columns.indices { columns[index].reserveCapacity(rows.count) }
        for row in rows {
            let write = writes[row.write]
            columns[0].append(write.key)
            columns[1].append(write.division)
            columns[2].append(String(row.sequence))
            columns[3].append(String(row.revision))
            columns[4].append(write.hash)
            columns[5].append(write.standardVersion)
            columns[6].append(write.source)
            let values = write.values
            for slot in fields.indices {
                columns[7 + slot].append(slot < values.count ? values[slot] : nil)
            }
        }
        var binds = PostgresBindings(capacity: columns.count + 1)
        for column in columns { binds.append(TextArray(column)) }
        binds.append(now)

        let names = ["_key", "_division", "_seq", "_revision", "_hash", "_standard", "_source"] + fields.map(quoted)
        var selected = ["c0", "c1", "c2::bigint", "c3::integer", "c4", "c5", "c6"]
        for (slot, storage) in table.storage.enumerated() {
            selected.append("c\(7 + slot)" + Self.cast(storage))
        }
        let aliases = columns.indices.map { "c\($0)" }.joined(separator: ", ")
        let parameters = columns.indices.map { "$\($0 + 1)::text[]" }.joined(separator: ", ")
        let updates = (names.dropFirst() + ["_changed_at"]).map { "\($0) = excluded.\($0)" }
        let sql = """
            INSERT INTO \(quoted(table.name)) (\(names.joined(separator: ", ")), _changed_at)
            SELECT \(selected.joined(separator: ", ")), $\(columns.count + 1)::bigint
            FROM unnest(\(parameters)) AS u(\(aliases))
            ON CONFLICT (_key) DO UPDATE SET \(updates.joined(separator: ", "))
            """
        try await run(connection, sql, binds)
    }

    /// The cast from text to a column of a storage type.
    static func cast(_ storage: StorageType) -> String {
        switch storage {
        case .text: ""
        case .integer: "::bigint"
        case .decimal: "::numeric"
        case .date: "::date"
        case .boolean: "::boolean"
        }
    }

    /// Quarantines entries; an id already stored is left as it is.
    private func insertQuarantine(_ entries: [(QuarantineEntry, String)], _ connection: PostgresConnection)
        async throws
    {
        var columns = Array(repeating: [String?](), count: 8)
        for (entry, json) in entries {
            columns[0].append(entry.id)
            columns[1].append(entry.entity)
            columns[2].append(entry.key)
            columns[3].append(entry.division)
            columns[4].append(entry.source)
            columns[5].append(entry.resolved ? "true" : "false")
            columns[6].append(String(entry.quarantinedAt))
            columns[7].append(json)
        }
        var binds = PostgresBindings(capacity: columns.count)
        for column in columns { binds.append(TextArray(column)) }
        try await run(
            connection,
            """
            INSERT INTO store_quarantine (id, entity, record_key, division, source, resolved, quarantined_at, entry)
            SELECT c0, c1, c2, c3, c4, c5::boolean, c6::bigint, c7
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::text[]) AS u(c0, c1, c2, c3, c4, c5, c6, c7)
            ON CONFLICT (id) DO NOTHING
            """, binds)
    }

    /// Creates or replaces tickets (one per id).
    /// Writes tickets: replacing stored ones, or (`replacing: false`) only those not stored yet.
    private func upsertTickets(
        _ tickets: [(Ticket, String)], _ connection: PostgresConnection, replacing: Bool = true
    ) async throws {
        var columns = Array(repeating: [String?](), count: 6)
        for (ticket, json) in tickets {
            columns[0].append(ticket.id)
            columns[1].append(ticket.quarantineID)
            columns[2].append(ticket.entity)
            columns[3].append(ticket.division)
            columns[4].append(ticket.status.rawValue)
            columns[5].append(json)
        }
        var binds = PostgresBindings(capacity: columns.count)
        for column in columns { binds.append(TextArray(column)) }
        let conflict =
            replacing
            ? """
            ON CONFLICT (id) DO UPDATE SET quarantine_id = excluded.quarantine_id, entity = excluded.entity,
                division = excluded.division, status = excluded.status, ticket = excluded.ticket
            """ : "ON CONFLICT (id) DO NOTHING"
        try await run(
            connection,
            """
            INSERT INTO store_tickets (id, quarantine_id, entity, division, status, ticket)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
            """ + "\n" + conflict, binds)
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys: the JSON of a value is always the same text.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
