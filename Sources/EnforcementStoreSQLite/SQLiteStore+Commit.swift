import DataStandard
import EnforcementStore
import Foundation
import GRDB

extension SQLiteStore {
    /// Applies a transaction in one SQLite transaction: record writes, quarantine entries, settled quarantine,
    /// tickets, the import journal and batch receipts, all or nothing. The journal is stored with the outcomes of
    /// the transaction's writes added to its counts (``StoreTransaction/journal(after:)``).
    ///
    /// Writes are taken in chunks of up to 32 consecutive writes of one entity: one statement looks their keys up;
    /// a stored key with the same hash is `unchanged`, one with another hash is updated with the next revision, and
    /// the new records are inserted several to a statement. Sequence numbers are given in the order of the writes.
    /// A chunk that holds a key twice is applied write by write (an insert that does nothing when the key is
    /// stored, then a lookup).
    ///
    /// - Throws: ``StoreError`` `.notPrepared`; `.unknownEntity` for a write of an entity the standard does not
    ///   have (nothing of the transaction is kept); `.database` when SQLite refuses a statement.
    public func commit(_ transaction: StoreTransaction) async throws -> CommitResult {
        let prepared = try prepared()
        let bulkLoads = bulkLoads
        return try await write { db in
            try Self.apply(transaction, prepared: prepared, bulkLoads: bulkLoads, db: db)
        }
    }

    /// Stores monitoring readings in one transaction; a reading stored for the same point, pollutant and time is
    /// replaced.
    ///
    /// - Throws: ``StoreError`` `.notPrepared`; `.database`.
    public func appendReadings(_ readings: [MonitoringReading]) async throws {
        _ = try prepared()
        guard !readings.isEmpty else { return }
        // In primary-key order, so that the inserts walk the B-tree; a later reading of the same point, pollutant
        // and time in the batch replaces an earlier one.
        let ordered = readings.enumerated().sorted { left, right in
            let (a, b) = (left.element, right.element)
            if a.point != b.point { return a.point < b.point }
            if a.pollutant != b.pollutant { return a.pollutant < b.pollutant }
            if a.time != b.time { return a.time < b.time }
            return left.offset < right.offset
        }.map(\.element)
        try await write { db in
            let call = try SQLiteCall(
                db,
                """
                INSERT INTO store_readings (point, pollutant, t, value, flag) VALUES (?, ?, ?, ?, ?) \
                ON CONFLICT(point, pollutant, t) DO UPDATE SET value = excluded.value, flag = excluded.flag
                """)
            for reading in ordered {
                call.reset()
                try call.bind(1, reading.point)
                try call.bind(2, reading.pollutant)
                try call.bind(3, reading.time)
                try call.bind(4, reading.value)
                try call.bind(5, reading.flag)
                try call.run()
            }
        }
    }

    /// The statements of one entity table, each made once per transaction when first needed (the statements
    /// that name the key's conflict cannot be made while a bulk load has dropped the key index).
    private final class TableCalls {
        let table: SQLiteTable
        private var made: [String: SQLiteCall] = [:]
        /// Multi-row inserts of 1, 2, 4, … ``SQLiteTable/chunk`` records, made when first needed.
        private var inserts: [SQLiteCall?]
        private let db: Database
        /// The texts of the statement being bound.
        var arena = TextArena()
        /// Whether the table's bulk load was checked in this transaction (``BulkLoads``): it ends at the sequence
        /// the load wrote last.
        var bulkChecked = false

        init(_ table: SQLiteTable, db: Database) throws {
            self.table = table
            self.db = db
            inserts = Array(repeating: nil, count: SQLiteTable.chunk.trailingZeroBitCount + 1)
        }

        private func call(_ sql: String) throws -> SQLiteCall {
            if let call = made[sql] { return call }
            let call = try SQLiteCall(db, sql)
            made[sql] = call
            return call
        }

        /// ``SQLiteTable/insert``.
        func insert() throws -> SQLiteCall { try call(table.insert) }
        /// ``SQLiteTable/lookup``.
        func lookup() throws -> SQLiteCall { try call(table.lookup) }
        /// ``SQLiteTable/update``.
        func update() throws -> SQLiteCall { try call(table.update) }
        /// ``SQLiteTable/lookupChunk``.
        func lookupChunk() throws -> SQLiteCall { try call(table.lookupChunk) }

        /// The insert of `2^power` records.
        func insertRows(power: Int) throws -> SQLiteCall {
            if let call = inserts[power] { return call }
            let call = try SQLiteCall(db, table.insertRows(1 << power))
            inserts[power] = call
            return call
        }
    }

    /// A commit in progress: the sequence counter and the outcomes so far.
    private struct Progress {
        var last: Int64
        var outcomes: [WriteOutcome]
        let now: Int64
    }

    private static func apply(
        _ transaction: StoreTransaction, prepared: PreparedSchema, bulkLoads: BulkLoads, db: Database
    ) throws -> CommitResult {
        let first = try readLastSequence(db)
        var progress = Progress(last: first, outcomes: [], now: transaction.now)
        progress.outcomes.reserveCapacity(transaction.writes.count)
        var calls: [Int: TableCalls] = [:]
        let writes = transaction.writes
        var start = writes.startIndex
        while start < writes.endIndex {
            // A run of writes of one entity, at most a chunk.
            let entity = writes[start].entity
            let index = try prepared.index(entity)
            let tableCalls: TableCalls
            if let made = calls[index] {
                tableCalls = made
            } else {
                tableCalls = try TableCalls(prepared.tables[index], db: db)
                calls[index] = tableCalls
                // Another store on the file may be bulk loading the entity, its key index dropped: build it (the
                // other store sees this commit and ends its load).
                if bulkLoads.lastSequence(entity) == nil { try createKeyIndex(tableCalls.table.table, db: db) }
            }
            var end = start + 1
            while end < writes.endIndex, end - start < SQLiteTable.chunk, writes[end].entity == entity { end += 1 }
            if try !applyNew(writes[start..<end], calls: tableCalls, bulkLoads: bulkLoads, db: db, progress: &progress)
            {
                try applyChunk(writes[start..<end], calls: tableCalls, progress: &progress)
            }
            start = end
        }

        try applyQuarantine(transaction, db: db)
        try applyRecords(transaction, journal: transaction.journal(after: progress.outcomes), db: db)

        if progress.last != first {
            let call = try SQLiteCall(db, "UPDATE store_meta SET value = ? WHERE name = 'last_sequence'")
            try call.bind(1, String(progress.last))
            try call.run()
        }
        return CommitResult(outcomes: progress.outcomes, lastSequence: progress.last)
    }

    /// Applies consecutive writes of one entity: one statement looks their keys up, new records are inserted
    /// several to a statement, changed ones updated one by one. A chunk with a key twice is applied write by write.
    private static func applyChunk(
        _ writes: ArraySlice<RecordWrite>, calls: TableCalls, progress: inout Progress
    ) throws {
        var keys = Set<String>(minimumCapacity: writes.count)
        for write in writes where !keys.insert(write.key).inserted {
            for write in writes { try applyOne(write, calls: calls, progress: &progress) }
            return
        }

        let lookup = try calls.lookupChunk()
        lookup.reset()
        var parameter: Int32 = 1
        for write in writes {
            try lookup.bind(parameter, write.key)
            parameter += 1
        }
        if let padding = writes.last?.key {
            while parameter <= Int32(SQLiteTable.chunk) {
                try lookup.bind(parameter, padding)
                parameter += 1
            }
        }
        var stored: [String: (hash: String?, revision: Int)] = [:]
        try lookup.forEachRow {
            if let key = lookup.text(0) { stored[key] = (lookup.text(1), Int(lookup.integer(2))) }
        }

        var inserts: [(write: Int, sequence: Int64)] = []
        inserts.reserveCapacity(writes.count)
        for position in writes.indices {
            let write = writes[position]
            if let record = stored[write.key] {
                if record.hash == write.hash {
                    progress.outcomes.append(.unchanged)
                    continue
                }
                let sequence = progress.last + 1
                try run(
                    try calls.update(), write, sequence: sequence, revision: record.revision + 1, now: progress.now,
                    calls: calls)
                progress.last = sequence
                progress.outcomes.append(.updated(sequence: sequence, revision: record.revision + 1))
            } else {
                let sequence = progress.last + 1
                inserts.append((position, sequence))
                progress.last = sequence
                progress.outcomes.append(.inserted(sequence: sequence))
            }
        }

        try insert(writes, inserts, calls: calls, now: progress.now)
    }

    /// During a bulk load of the entity (``BulkLoads``): inserts the writes as new records without looking their
    /// keys up, and returns `true`. `false` (nothing done) when the entity is not loading, or when a key was
    /// written before or comes twice, or when something else wrote to the table: the load ends then, its key index
    /// is built, and the writes are to be applied as usual.
    private static func applyNew(
        _ writes: ArraySlice<RecordWrite>, calls: TableCalls, bulkLoads: BulkLoads, db: Database,
        progress: inout Progress
    ) throws -> Bool {
        let table = calls.table.table
        guard let loaded = bulkLoads.lastSequence(table.entity.id) else { return false }
        if !calls.bulkChecked {
            let call = try SQLiteCall(db, "SELECT max(_seq) FROM \(quoted(table.name))")
            _ = try call.step()
            let stored = call.integer(0)
            call.reset()
            calls.bulkChecked = true
            if stored != loaded { bulkLoads.end(table.entity.id) }
        }
        let first = progress.last + 1
        let last = progress.last + Int64(writes.count)
        // The hashes made here, outside the loads' lock; element by element, so that no write is copied.
        var keyHashes: [Int] = []
        keyHashes.reserveCapacity(writes.count)
        for position in writes.indices { keyHashes.append(writes[position].key.hashValue) }
        guard bulkLoads.claim(table.entity.id, keyHashes: keyHashes, lastSequence: last) else {
            try createKeyIndex(table, db: db)
            return false
        }
        var inserts: [(write: Int, sequence: Int64)] = []
        inserts.reserveCapacity(writes.count)
        for (offset, position) in writes.indices.enumerated() {
            inserts.append((position, first + Int64(offset)))
            progress.outcomes.append(.inserted(sequence: first + Int64(offset)))
        }
        progress.last = last
        try insert(writes, inserts, calls: calls, now: progress.now)
        return true
    }

    /// Inserts new records, in statements of 2^k records (k decreasing).
    private static func insert(
        _ writes: ArraySlice<RecordWrite>, _ inserts: [(write: Int, sequence: Int64)], calls: TableCalls, now: Int64
    ) throws {
        // Taken out of `calls` once, not once per row (the arena given back at the end, its memory kept).
        let table = calls.table
        let width = Int32(table.parameterCount)
        var arena = TextArena()
        swap(&arena, &calls.arena)
        defer { swap(&arena, &calls.arena) }
        // The writes are read in place, through the slice's memory.
        try writes.withUnsafeBufferPointer { buffer in
            let base = writes.startIndex
            var offset = 0
            while offset < inserts.count {
                let power = Int.bitWidth - 1 - (inserts.count - offset).leadingZeroBitCount
                let rows = inserts[offset..<offset + (1 << power)]
                let insert = try calls.insertRows(power: power)
                insert.reset()
                arena.removeAll()
                // Row by row, each one's values bound where they lie while the rows after it are bound and the
                // statement runs.
                func bindRows(from row: Int, parameter: Int32) throws {
                    guard row < rows.endIndex else {
                        try arena.bind(to: insert) { try insert.run() }
                        return
                    }
                    let (position, sequence) = rows[row]
                    try buffer[position - base].packed.withUnsafeValues { values in
                        try bind(
                            buffer[position - base], values, sequence: sequence, revision: 1, now: now,
                            table: table, to: insert, from: parameter, texts: &arena)
                        try bindRows(from: row + 1, parameter: parameter + width)
                    }
                }
                try bindRows(from: rows.startIndex, parameter: 1)
                offset += rows.count
            }
        }
    }

    /// Runs ``SQLiteTable/insert`` or ``SQLiteTable/update`` for one write.
    private static func run(
        _ call: SQLiteCall, _ write: RecordWrite, sequence: Int64, revision: Int, now: Int64, calls: TableCalls
    ) throws {
        call.reset()
        calls.arena.removeAll()
        try write.packed.withUnsafeValues { values in
            try bind(
                write, values, sequence: sequence, revision: revision, now: now, table: calls.table, to: call,
                from: 1, texts: &calls.arena)
            try calls.arena.bind(to: call) { try call.run() }
        }
    }

    /// Applies one write: an insert that does nothing when the key is stored, then the stored hash decides.
    private static func applyOne(_ write: RecordWrite, calls: TableCalls, progress: inout Progress) throws {
        let sequence = progress.last + 1
        let insert = try calls.insert()
        try run(insert, write, sequence: sequence, revision: 1, now: progress.now, calls: calls)
        if insert.changes > 0 {
            progress.last = sequence
            progress.outcomes.append(.inserted(sequence: sequence))
            return
        }

        let lookup = try calls.lookup()
        lookup.reset()
        try lookup.bind(1, write.key)
        guard try lookup.step() else {
            throw StoreError(
                .database, "the record \(write.entity) \(write.key) was neither inserted nor found",
                zh: "记录\(write.entity) \(write.key)既未插入也未找到")
        }
        let storedHash = lookup.text(0)
        let revision = Int(lookup.integer(1)) + 1
        lookup.reset()
        if storedHash == write.hash {
            progress.outcomes.append(.unchanged)
            return
        }
        try run(try calls.update(), write, sequence: sequence, revision: revision, now: progress.now, calls: calls)
        progress.last = sequence
        progress.outcomes.append(.updated(sequence: sequence, revision: revision))
    }

    /// Binds a record's metadata and values to the parameters of ``SQLiteTable/insert`` or
    /// ``SQLiteTable/update``, or of one record of ``SQLiteTable/insertRows(_:)``, starting at parameter `first`:
    /// numbers, `NULL`s and the values' texts at once (the texts where `values` lie: the statement must run before
    /// they go), the metadata's texts gathered in `texts` (to be bound by ``TextArena/bind(to:_:)``).
    @inline(__always)
    private static func bind(
        _ write: RecordWrite, _ values: UnsafePackedValues, sequence: Int64, revision: Int, now: Int64,
        table: SQLiteTable, to call: SQLiteCall, from first: Int32, texts: inout TextArena
    ) throws {
        texts.append(first, write.key)
        if let division = write.division { texts.append(first + 1, division) } else { try call.bindNull(first + 1) }
        try call.bind(first + 2, sequence)
        try call.bind(first + 3, Int64(revision))
        texts.append(first + 4, write.hash)
        texts.append(first + 5, write.standardVersion)
        texts.append(first + 6, write.source)
        try call.bind(first + 7, now)
        var index = first + Int32(SQLiteTable.metadataCount)
        var start = 0
        for (slot, storage) in table.table.storage.enumerated() {
            defer { index += 1 }
            guard slot < values.count, case let end = values.ends[slot], end >= 0 else {
                if slot < values.count { start = Int(~values.ends[slot]) }
                try call.bindNull(index)
                continue
            }
            let value = UnsafeBufferPointer(rebasing: values.bytes[start..<Int(end)])
            start = Int(end)
            if storage == .integer || storage == .boolean, let number = SQLiteCall.number(value, storage: storage) {
                try call.bind(index, number)
            } else {
                try call.bindStatic(index, value)
            }
        }
    }

    /// Quarantine entries (kept as they are when their id is stored) and settled entries.
    private static func applyQuarantine(_ transaction: StoreTransaction, db: Database) throws {
        guard !transaction.quarantine.isEmpty || !transaction.resolvedQuarantine.isEmpty else { return }
        let encoder = jsonEncoder()
        if !transaction.quarantine.isEmpty {
            let insert = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO store_quarantine \
                    (id, entity, record_key, division, source, resolved, quarantined_at, entry) \
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for entry in transaction.quarantine {
                insert.setUncheckedArguments([
                    entry.id, entry.entity, entry.key, entry.division, entry.source, entry.resolved ? 1 : 0,
                    entry.quarantinedAt, try json(entry, encoder),
                ])
                try insert.execute()
            }
        }
        if !transaction.resolvedQuarantine.isEmpty {
            let find = try db.cachedStatement(sql: "SELECT entry FROM store_quarantine WHERE id = ?")
            let update = try db.cachedStatement(
                sql: "UPDATE store_quarantine SET resolved = 1, entry = ? WHERE id = ?")
            for id in transaction.resolvedQuarantine {
                guard let document = try String.fetchOne(find, arguments: [id]) else { continue }
                var entry = try decode(QuarantineEntry.self, document)
                guard !entry.resolved else { continue }
                entry.resolved = true
                try update.execute(arguments: [try json(entry, encoder), id])
            }
        }
    }

    /// Tickets, the import journal (with the outcomes of the transaction's writes counted) and batch receipts.
    private static func applyRecords(
        _ transaction: StoreTransaction, journal: ImportJournal?, db: Database
    ) throws {
        guard
            !transaction.tickets.isEmpty || !transaction.openedTickets.isEmpty || journal != nil
                || transaction.receipts != nil
        else {
            return
        }
        let encoder = jsonEncoder()
        for (tickets, verb) in [
            (transaction.openedTickets, "INSERT OR IGNORE"), (transaction.tickets, "INSERT OR REPLACE"),
        ]
        where !tickets.isEmpty {
            let statement = try db.cachedStatement(
                sql: """
                    \(verb) INTO store_tickets (id, quarantine_id, entity, division, status, ticket) \
                    VALUES (?, ?, ?, ?, ?, ?)
                    """)
            for ticket in tickets {
                statement.setUncheckedArguments([
                    ticket.id, ticket.quarantineID, ticket.entity, ticket.division, ticket.status.rawValue,
                    try json(ticket, encoder),
                ])
                try statement.execute()
            }
        }
        if let journal {
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO store_imports (id, entity, source, finished, updated_at, journal) \
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    journal.id, journal.entity, journal.source, journal.finished ? 1 : 0, journal.updatedAt,
                    try json(journal, encoder),
                ])
        }
        if let receipts = transaction.receipts {
            try db.execute(
                sql: "INSERT OR IGNORE INTO store_batches (batch_id, applied_at, receipts) VALUES (?, ?, ?)",
                arguments: [receipts.batchID, transaction.now, try json(receipts.receipts, encoder)])
        }
    }

    private static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    private static func json(_ value: some Encodable, _ encoder: JSONEncoder) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
