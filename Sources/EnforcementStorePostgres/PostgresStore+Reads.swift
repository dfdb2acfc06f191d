import DataStandard
import EnforcementStore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// The columns a record is read with: the metadata, then the values as one `text[]` (so that the tables of
    /// every entity give rows of one shape, for the change feed).
    private static func recordColumns(_ table: EntityTable) -> String {
        let values = table.fieldIDs.map { quoted($0) + "::text" }.joined(separator: ", ")
        return "_key, _division, _seq, _revision, _hash, _standard, _source, _changed_at, ARRAY[\(values)]::text[]"
    }

    /// A record from a row of ``recordColumns(_:)`` starting at `offset`.
    private static func record(_ cells: PostgresRandomAccessRow, offset: Int, table: EntityTable) throws
        -> StoredRecord
    {
        var values = try TextArray.decode(cells[offset + 8])
        if values.count < table.storage.count {
            values += Array(repeating: nil, count: table.storage.count - values.count)
        }
        return StoredRecord(
            entity: table.entity.id, key: try cells[offset].requiredText(), division: cells[offset + 1].text,
            values: values, revision: try cells[offset + 3].decode(Int.self),
            sequence: try cells[offset + 2].decode(Int64.self), hash: try cells[offset + 4].requiredText(),
            standardVersion: try cells[offset + 5].requiredText(), source: try cells[offset + 6].requiredText(),
            changedAt: try cells[offset + 7].decode(Int64.self))
    }

    /// The condition of a scope on a division column: none for the province, `LIKE 'prefix%'` otherwise (which a
    /// NULL division does not match).
    private static func scopeCondition(_ scope: DivisionScope, column: String, _ binds: inout PostgresBindings)
        -> String
    {
        guard !scope.prefix.isEmpty else { return "TRUE" }
        binds.append(likePrefix(scope.prefix))
        return "\(column) LIKE $\(binds.count)"
    }

    /// Runs a query on a connection of the pool.
    private func select(_ what: String, _ sql: String, _ binds: PostgresBindings = PostgresBindings()) async throws
        -> [PostgresRow]
    {
        try await perform(what) {
            try await self.client.withConnection { connection in try await self.run(connection, sql, binds) }
        }
    }

    public func record(entity: String, key: String, scope: DivisionScope) async throws -> StoredRecord? {
        let table = try requireSchema().requireTable(entity)
        var binds = PostgresBindings()
        binds.append(key)
        let condition = Self.scopeCondition(scope, column: "_division", &binds)
        let rows = try await select(
            "reading a record of \(entity)",
            "SELECT \(Self.recordColumns(table)) FROM \(quoted(table.name)) WHERE _key = $1 AND \(condition)", binds)
        return try rows.first.map { try Self.record($0.makeRandomAccess(), offset: 0, table: table) }
    }

    public func records(entity: String, scope: DivisionScope, after key: String?, limit: Int) async throws
        -> [StoredRecord]
    {
        let table = try requireSchema().requireTable(entity)
        guard limit > 0 else { return [] }
        var binds = PostgresBindings()
        var conditions = [Self.scopeCondition(scope, column: "_division", &binds)]
        if let key {
            binds.append(key)
            conditions.append("_key > $\(binds.count)")
        }
        binds.append(Int64(limit))
        let rows = try await select(
            "reading records of \(entity)",
            """
            SELECT \(Self.recordColumns(table)) FROM \(quoted(table.name))
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY _key LIMIT $\(binds.count)
            """, binds)
        return try rows.map { try Self.record($0.makeRandomAccess(), offset: 0, table: table) }
    }

    public func count(entity: String, scope: DivisionScope) async throws -> Int {
        let table = try requireSchema().requireTable(entity)
        var binds = PostgresBindings()
        let condition = Self.scopeCondition(scope, column: "_division", &binds)
        let rows = try await select(
            "counting records of \(entity)", "SELECT count(*) FROM \(quoted(table.name)) WHERE \(condition)", binds)
        return try rows.first?.makeRandomAccess()[0].decode(Int.self) ?? 0
    }

    public func changes(after sequence: Int64, scope: DivisionScope, limit: Int) async throws -> [StoredRecord] {
        let schema = try requireSchema()
        guard limit > 0, !schema.tables.isEmpty else { return [] }
        var binds = PostgresBindings()
        binds.append(sequence)
        binds.append(Int64(limit))
        let condition = Self.scopeCondition(scope, column: "_division", &binds)
        // Each table's first changes by its `_seq` index, merged.
        let parts = schema.tables.enumerated().map { index, table in
            """
            (SELECT \(index) AS entity, \(Self.recordColumns(table)) FROM \(quoted(table.name))
            WHERE _seq > $1 AND \(condition) ORDER BY _seq LIMIT $2)
            """
        }
        let rows = try await select(
            "reading the change feed",
            "SELECT * FROM (\(parts.joined(separator: " UNION ALL "))) AS changes ORDER BY _seq LIMIT $2", binds)
        return try rows.map { row in
            let cells = row.makeRandomAccess()
            let index = try cells[0].decode(Int.self)
            guard schema.tables.indices.contains(index) else {
                throw StoreError(.database, "the change feed gave an unknown table number \(index)")
            }
            return try Self.record(cells, offset: 1, table: schema.tables[index])
        }
    }

    public func lastSequence() async throws -> Int64 {
        _ = try requireSchema()
        return try await perform("reading the last sequence number") {
            try await self.client.withConnection { connection in try await self.readLastSequence(connection) }
        }
    }

    public func importJournal(id: String) async throws -> ImportJournal? {
        _ = try requireSchema()
        var binds = PostgresBindings()
        binds.append(id)
        let rows = try await select(
            "reading an import journal", "SELECT journal FROM store_imports WHERE id = $1", binds)
        guard let json = rows.first?.makeRandomAccess()[0].text else { return nil }
        return try Self.decode(ImportJournal.self, json, "the journal of import \(id)")
    }

    public func batchReceipts(batchID: String) async throws -> [BatchReceipt]? {
        _ = try requireSchema()
        var binds = PostgresBindings()
        binds.append(batchID)
        let rows = try await select(
            "reading batch receipts", "SELECT receipts FROM store_batches WHERE batch_id = $1", binds)
        guard let json = rows.first?.makeRandomAccess()[0].text else { return nil }
        return try Self.decode([BatchReceipt].self, json, "the receipts of batch \(batchID)")
    }

    public func quarantine(scope: DivisionScope, entity: String?, includeResolved: Bool) async throws
        -> [QuarantineEntry]
    {
        _ = try requireSchema()
        var binds = PostgresBindings()
        var conditions = [Self.scopeCondition(scope, column: "division", &binds)]
        if let entity {
            binds.append(entity)
            conditions.append("entity = $\(binds.count)")
        }
        if !includeResolved { conditions.append("NOT resolved") }
        let rows = try await select(
            "reading the quarantine",
            """
            SELECT entry, resolved FROM store_quarantine WHERE \(conditions.joined(separator: " AND "))
            ORDER BY quarantined_at, id
            """, binds)
        return try rows.map { row in
            let cells = row.makeRandomAccess()
            var entry = try Self.decode(QuarantineEntry.self, try cells[0].requiredText(), "a quarantine entry")
            entry.resolved = try cells[1].decode(Bool.self)
            return entry
        }
    }

    public func tickets(scope: DivisionScope, status: TicketStatus?) async throws -> [Ticket] {
        _ = try requireSchema()
        var binds = PostgresBindings()
        var conditions = [Self.scopeCondition(scope, column: "division", &binds)]
        if let status {
            binds.append(status.rawValue)
            conditions.append("status = $\(binds.count)")
        }
        let rows = try await select(
            "reading tickets",
            "SELECT ticket FROM store_tickets WHERE \(conditions.joined(separator: " AND ")) ORDER BY id", binds)
        return try rows.map { row in
            try Self.decode(Ticket.self, try row.makeRandomAccess()[0].requiredText(), "a ticket")
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ json: String, _ what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(json.utf8))
        } catch {
            throw StoreError(.database, "\(what) is stored as JSON that does not decode: \(error)")
        }
    }
}
