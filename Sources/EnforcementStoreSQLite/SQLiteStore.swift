import DataStandard
import EnforcementStore
import Foundation
import GRDB
import Synchronization

/// A ``RecordStore`` in an SQLite file: the embedded store of a city, through GRDB on the system libsqlite3.
///
/// The file is opened as a `DatabasePool` in WAL mode: one writer, and readers that see the last committed state
/// while a commit runs. Every ``commit(_:)`` is one SQLite transaction, synced to disk before it returns (with the
/// default ``Durability/full``).
///
/// ```swift
/// let store = try SQLiteStore(path: "data/enforce.sqlite")
/// _ = try await store.prepare(StoreSchema(standard: standard))
/// let result = try await store.commit(StoreTransaction(writes: writes, now: now))
/// try await store.close()
/// ```
///
/// Record values are kept in their canonical text (``RecordContent``), typed by ``StorageType``: integers as
/// `INTEGER`, booleans as 1/0, decimals and dates as text (SQLite has no exact decimal). They read back as the text
/// that was written.
public final class SQLiteStore: RecordStore {
    /// How hard a commit works to survive a power failure.
    public enum Durability: String, Hashable, Sendable {
        /// `synchronous=FULL`: a commit that returned survives a power failure (the default).
        case full
        /// `synchronous=NORMAL`: a commit that returned survives a crash of the process, but the last commits
        /// may be lost on a power failure; faster for bulk loads.
        case normal
    }

    /// `SQLite <path>`.
    public let location: String
    /// The path of the database file.
    public let path: String

    private let pool: DatabasePool
    /// `PRAGMA synchronous` of the ``Durability``.
    private let synchronous: String
    private let state = Mutex<PreparedSchema?>(nil)
    /// `PRAGMA cache_size` of every connection: 32 MiB.
    static let cacheSize = -32768
    /// The entities being bulk loaded.
    let bulkLoads = BulkLoads()

    /// Opens (or creates) the store at a path, creating its folder if missing.
    ///
    /// - Parameters:
    ///   - path: The database file.
    ///   - durability: ``Durability/full`` unless a bulk load accepts losing its last commits on a power failure.
    /// - Throws: ``StoreError`` `.unavailable` when the folder cannot be created or the file cannot be opened as
    ///   an SQLite database.
    public init(path: String, durability: Durability = .full) throws(StoreError) {
        self.path = path
        location = "SQLite \(path)"
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError(
                .unavailable, "cannot create the folder of the SQLite store \(path): \(error)",
                zh: "无法创建SQLite存储\(path)所在的文件夹：\(error)")
        }
        var configuration = Configuration()
        configuration.label = "EnforcementStore"
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // Pages of 16 KiB for a new file (an existing file keeps its size): rows of ~30 columns fill a good part
            // of a 4 KiB page, and a bulk load was a few per cent faster with the larger pages.
            try db.execute(sql: "PRAGMA page_size = 16384")
            try db.execute(sql: "PRAGMA cache_size = \(Self.cacheSize)")
        }
        let synchronous = durability == .full ? "FULL" : "NORMAL"
        self.synchronous = synchronous
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // The pool sets synchronous=NORMAL when it turns WAL on; the writer is the only connection that syncs.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
            self.pool = pool
        } catch {
            throw StoreError(
                .unavailable, "cannot open the SQLite store \(path): \(error)",
                zh: "无法打开SQLite存储\(path)：\(error)")
        }
    }

    // MARK: - Schema

    /// Creates the store's tables for a standard, or adds the tables and columns a newer version of it needs
    /// (STD-7), in one transaction; records the standard's stamp.
    ///
    /// - Throws: ``StoreError`` `.incompatibleStandard` when the store holds another standard or a version the
    ///   given one does not read; `.database` when SQLite refuses a statement.
    public func prepare(_ schema: StoreSchema) async throws -> SchemaMigration {
        let migration = try await write { db in
            let stored = try Self.readStamp(db)
            try schema.check(stored: stored)
            let existing = try Self.existingColumns(db, schema: schema)
            let statements = schema.migrationStatements(existing: existing, dialect: .sqlite)
            for statement in statements { try db.execute(sql: statement) }
            // Indexes a bulk load dropped and could not build again (the process died).
            for table in schema.tables {
                try Self.createKeyIndex(table, db: db)
                try Self.createSecondaryIndexes(table, db: db)
            }
            if stored != schema.stamp {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO store_meta (name, value) VALUES ('standard', ?), ('version', ?)",
                    arguments: [schema.standard.id, schema.standard.version])
            }
            try db.execute(sql: "INSERT OR IGNORE INTO store_meta (name, value) VALUES ('last_sequence', '0')")
            return SchemaMigration(from: stored, to: schema.stamp, statements: statements)
        }
        let prepared = PreparedSchema(schema)
        state.withLock { $0 = prepared }
        return migration
    }

    /// Prepares a large load of an entity whose table is empty: drops its secondary indexes and its key index, so
    /// that the load only appends to the table, and lets commits insert the entity's new records without looking
    /// their keys up (the store remembers the keys written since, and checks before every commit that nothing else
    /// wrote to the table). ``finishBulkLoad(entity:)`` builds the indexes in one pass each; so does
    /// ``prepare(_:)`` after a crash. A key written twice during the load ends the shortcut early (the key index
    /// is built then, and the second write is applied as usual). A table that holds records keeps its indexes.
    /// Reads stay correct during the load; a record looked up by key is found by a scan of the table.
    ///
    /// When no other connection has the file open, the load also writes through a rollback journal
    /// (`journal_mode=DELETE`, synced in full whatever the ``Durability``): every page is written once, where WAL
    /// writes it to the log and then again into the file. Commits stay atomic and durable, and a crash is rolled
    /// back when the file is next opened; meanwhile readers wait while a commit is written rather than read beside
    /// it. ``finishBulkLoad(entity:)`` of the last load returns the file to WAL (so do ``close()`` and every
    /// opening of the file). Another connection on the file keeps it in WAL: the load is only slower then.
    ///
    /// - Throws: ``StoreError`` `.notPrepared`, `.unknownEntity`, `.database`.
    public func beginBulkLoad(entity: String) async throws {
        let table = try prepared().table(entity).table
        let bulkLoads = bulkLoads
        let began = try await write { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM \(quoted(table.name)) LIMIT 1") == nil else { return false }
            for index in table.secondaryIndexes { try db.execute(sql: "DROP INDEX IF EXISTS \(quoted(index.name))") }
            // Stores made before the key index was named keep their `UNIQUE` constraint (and maintain it).
            try db.execute(sql: "DROP INDEX IF EXISTS \(quoted(table.keyIndex))")
            bulkLoads.begin(table.entity.id)
            return true
        }
        if began { try await useRollbackJournal(for: table.entity.id) }
    }

    /// Ends ``beginBulkLoad(entity:)``: builds the entity's key index and secondary indexes if they were dropped;
    /// the last load to end returns the file to WAL.
    ///
    /// - Throws: ``StoreError`` `.notPrepared`, `.unknownEntity`, `.database`; `.unavailable` when the indexes are
    ///   built but another connection keeps the file from returning to WAL (the next opening of the file does).
    public func finishBulkLoad(entity: String) async throws {
        let table = try prepared().table(entity).table
        let bulkLoads = bulkLoads
        let threads = ProcessInfo.processInfo.activeProcessorCount
        try await writeOutsideTransaction { db in
            // SQLite sorts an index's entries on several threads only when they do not fit in one sorter
            // run: a small cache while the indexes are built has the other processors sort part of them.
            try db.execute(sql: "PRAGMA threads = \(threads)")
            try db.execute(sql: "PRAGMA cache_size = -4096")
            defer {
                try? db.execute(sql: "PRAGMA threads = 0")
                try? db.execute(sql: "PRAGMA cache_size = \(Self.cacheSize)")
            }
            try db.inTransaction {
                bulkLoads.end(table.entity.id)
                try Self.createKeyIndex(table, db: db)
                try Self.createSecondaryIndexes(table, db: db)
                return .commit
            }
        }
        try await returnToWAL(after: table.entity.id)
    }

    /// The bulk loads writing through a rollback journal (``beginBulkLoad(entity:)``).
    private let rollbackLoads = Mutex<Set<String>>([])

    /// Turns the file to a rollback journal for a bulk load, unless another connection has it open (or the file
    /// already is, for another load).
    private func useRollbackJournal(for entity: String) async throws {
        // The pool's idle readers are connections too.
        pool.releaseMemory()
        let switched =
            try await writeOutsideTransaction { db in
                // SQLite leaves WAL only when this is the file's one connection; it answers `wal` otherwise.
                guard try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal" else { return true }
                guard (try? String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")) == "delete" else { return false }
                // A rollback journal synced less than in full may be corrupted by a power failure.
                try db.execute(sql: "PRAGMA synchronous = FULL")
                return true
            } as Bool
        if switched { rollbackLoads.withLock { _ = $0.insert(entity) } }
    }

    /// Ends an entity's use of the rollback journal; the last one returns the file to WAL, with the store's
    /// synchronous setting.
    ///
    /// - Throws: ``StoreError`` `.unavailable` when another connection holds the file longer than the busy timeout.
    private func returnToWAL(after entity: String) async throws {
        let last = rollbackLoads.withLock { loads in
            loads.remove(entity) != nil && loads.isEmpty
        }
        guard last else { return }
        let (synchronous, path) = (synchronous, path)
        try await writeOutsideTransaction { db in try Self.turnWALOn(db, synchronous: synchronous, path: path) } as Void
    }

    /// `journal_mode=WAL`, then a WAL file with a frame in it (readers cannot create it; GRDB does the same when it
    /// opens a pool).
    private static func turnWALOn(_ db: Database, synchronous: String, path: String) throws {
        guard try String.fetchOne(db, sql: "PRAGMA journal_mode") != "wal" else { return }
        guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
            throw StoreError(
                .unavailable, "the SQLite store \(path) could not return to WAL mode after a bulk load",
                zh: "批量导入后SQLite存储\(path)未能恢复WAL模式")
        }
        try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        try db.inSavepoint {
            try db.execute(sql: "CREATE TABLE store_wal_start (id INTEGER PRIMARY KEY); DROP TABLE store_wal_start")
            return .commit
        }
    }

    private static func createSecondaryIndexes(_ table: EntityTable, db: Database) throws {
        for index in table.secondaryIndexes {
            try db.execute(
                sql: "CREATE INDEX IF NOT EXISTS \(quoted(index.name)) ON \(quoted(table.name)) (\(index.columns))")
        }
    }

    /// Builds the unique index on `_key` unless the table has it (named, or as the `UNIQUE` constraint of a store
    /// made before the index was named).
    static func createKeyIndex(_ table: EntityTable, db: Database) throws {
        let call = try SQLiteCall(
            db,
            """
            SELECT 1 FROM sqlite_master WHERE type = 'index' AND tbl_name = ? \
            AND (name = ? OR substr(name, 1, 17) = 'sqlite_autoindex_')
            """)
        try call.bind(1, table.name)
        try call.bind(2, table.keyIndex)
        let exists = try call.step()
        call.reset()
        guard !exists else { return }
        try db.execute(sql: "CREATE UNIQUE INDEX \(quoted(table.keyIndex)) ON \(quoted(table.name)) (_key)")
    }

    /// The standard the store was last prepared for; `nil` for a new store.
    public func storedStandard() async throws -> StandardStamp? {
        try await read { db in try Self.readStamp(db) }
    }

    // MARK: - Records

    /// The record of an entity with a key, if it is stored and in the scope.
    ///
    /// - Throws: ``StoreError`` `.notPrepared`, `.unknownEntity`.
    public func record(entity: String, key: String, scope: DivisionScope) async throws -> StoredRecord? {
        let table = try prepared().table(entity)
        let sql = table.select(where: ["\(quoted("_key")) = ?"])
        return try await read { db in
            let call = try SQLiteCall(db, sql)
            defer { call.reset() }
            try call.bind(1, key)
            guard try call.step() else { return nil }
            let record = table.record(call)
            return scope.contains(record.division) ? record : nil
        }
    }

    /// Records of an entity within a scope, in key order, after a key (exclusive), at most `limit`.
    ///
    /// - Throws: ``StoreError`` `.notPrepared`, `.unknownEntity`.
    public func records(
        entity: String, scope: DivisionScope, after key: String?, limit: Int
    ) async throws -> [StoredRecord] {
        let table = try prepared().table(entity)
        guard limit > 0 else { return [] }
        var conditions: [String] = []
        var arguments: [SQLArgument] = []
        if let key {
            conditions.append("\(quoted("_key")) > ?")
            arguments.append(.text(key))
        }
        if let scoped = SQLiteScope.condition(quoted("_division"), scope) {
            conditions.append(scoped.sql)
            arguments += scoped.arguments
        }
        arguments.append(.integer(Int64(limit)))
        let sql = table.select(where: conditions, orderBy: quoted("_key"), limit: true)
        let bound = arguments
        return try await read { db in
            let call = try SQLiteCall(db, sql)
            try call.bind(bound)
            var records: [StoredRecord] = []
            try call.forEachRow { records.append(table.record(call)) }
            return records
        }
    }

    /// The number of records of an entity within a scope.
    ///
    /// - Throws: ``StoreError`` `.notPrepared`, `.unknownEntity`.
    public func count(entity: String, scope: DivisionScope) async throws -> Int {
        let table = try prepared().table(entity)
        var query = "SELECT count(*) FROM \(quoted(table.table.name))"
        var arguments: [SQLArgument] = []
        if let scoped = SQLiteScope.condition(quoted("_division"), scope) {
            query += " WHERE " + scoped.sql
            arguments = scoped.arguments
        }
        let sql = query
        let bound = arguments
        return try await read { db in
            let call = try SQLiteCall(db, sql)
            defer { call.reset() }
            try call.bind(bound)
            return try call.step() ? Int(call.integer(0)) : 0
        }
    }

    /// Records of every entity changed after a sequence number, within a scope, in sequence order, at most
    /// `limit`.
    ///
    /// Two steps in one snapshot: the sequence numbers of the next changes of each table (through its `_seq`
    /// index), of which the `limit` lowest are the answer; then the records of each table up to the highest of
    /// them.
    ///
    /// - Throws: ``StoreError`` `.notPrepared`.
    public func changes(after sequence: Int64, scope: DivisionScope, limit: Int) async throws -> [StoredRecord] {
        let tables = try prepared().tables
        guard limit > 0 else { return [] }
        let scoped = SQLiteScope.condition(quoted("_division"), scope)
        let conditions = ["\(quoted("_seq")) > ?"] + (scoped.map { [$0.sql] } ?? [])
        let scopeArguments = scoped?.arguments ?? []
        return try await read { db in
            var next: [(sequence: Int64, table: Int)] = []
            for (index, table) in tables.enumerated() {
                let sql =
                    "SELECT \(quoted("_seq")) FROM \(quoted(table.table.name)) WHERE "
                    + conditions.joined(separator: " AND ") + " ORDER BY \(quoted("_seq")) LIMIT ?"
                let call = try SQLiteCall(db, sql)
                try call.bind([.integer(sequence)] + scopeArguments + [.integer(Int64(limit))])
                try call.forEachRow { next.append((call.integer(0), index)) }
            }
            guard !next.isEmpty else { return [] }
            next.sort { $0.sequence < $1.sequence }
            let chosen = next.prefix(limit)
            let upper = chosen[chosen.endIndex - 1].sequence
            let used = Set(chosen.map(\.table))
            var records: [StoredRecord] = []
            records.reserveCapacity(chosen.count)
            for index in used.sorted() {
                let table = tables[index]
                let sql = table.select(where: conditions + ["\(quoted("_seq")) <= ?"], orderBy: quoted("_seq"))
                let call = try SQLiteCall(db, sql)
                try call.bind([.integer(sequence)] + scopeArguments + [.integer(upper)])
                try call.forEachRow { records.append(table.record(call)) }
            }
            records.sort { $0.sequence < $1.sequence }
            return records
        }
    }

    /// The highest sequence number given out (0 for an empty store).
    ///
    /// - Throws: ``StoreError`` `.notPrepared`.
    public func lastSequence() async throws -> Int64 {
        _ = try prepared()
        return try await read { db in try Self.readLastSequence(db) }
    }

    // MARK: - Imports, batches, quarantine, tickets

    /// The journal of an import, by its id.
    ///
    /// - Throws: ``StoreError`` `.notPrepared`.
    public func importJournal(id: String) async throws -> ImportJournal? {
        _ = try prepared()
        let json = try await read { db in
            try String.fetchOne(db, sql: "SELECT journal FROM store_imports WHERE id = ?", arguments: [id])
        }
        return try json.map { json throws(StoreError) in try Self.decode(ImportJournal.self, json) }
    }

    /// The receipts of an applied batch; `nil` when the batch was not applied.
    ///
    /// - Throws: ``StoreError`` `.notPrepared`.
    public func batchReceipts(batchID: String) async throws -> [BatchReceipt]? {
        _ = try prepared()
        let json = try await read { db in
            try String.fetchOne(
                db, sql: "SELECT receipts FROM store_batches WHERE batch_id = ?", arguments: [batchID])
        }
        return try json.map { json throws(StoreError) in try Self.decode([BatchReceipt].self, json) }
    }

    /// Quarantined records within a scope, of one entity or all, by source, record number and id.
    ///
    /// - Throws: ``StoreError`` `.notPrepared`.
    public func quarantine(
        scope: DivisionScope, entity: String?, includeResolved: Bool
    ) async throws -> [QuarantineEntry] {
        _ = try prepared()
        var conditions: [String] = []
        var arguments: [SQLArgument] = []
        if let entity {
            conditions.append("entity = ?")
            arguments.append(.text(entity))
        }
        if !includeResolved { conditions.append("resolved = 0") }
        if let scoped = SQLiteScope.condition("division", scope) {
            conditions.append(scoped.sql)
            arguments += scoped.arguments
        }
        var query = "SELECT entry FROM store_quarantine"
        if !conditions.isEmpty { query += " WHERE " + conditions.joined(separator: " AND ") }
        let sql = query
        let documents = try await texts(sql, arguments)
        var entries: [QuarantineEntry] = []
        entries.reserveCapacity(documents.count)
        for document in documents { entries.append(try Self.decode(QuarantineEntry.self, document)) }
        entries.sort { left, right in
            if left.source != right.source { return left.source < right.source }
            if left.recordNumber != right.recordNumber { return left.recordNumber < right.recordNumber }
            return left.id < right.id
        }
        return entries
    }

    /// Rectification tickets within a scope, with a status or all, by id.
    ///
    /// - Throws: ``StoreError`` `.notPrepared`.
    public func tickets(scope: DivisionScope, status: TicketStatus?) async throws -> [Ticket] {
        _ = try prepared()
        var conditions: [String] = []
        var arguments: [SQLArgument] = []
        if let status {
            conditions.append("status = ?")
            arguments.append(.text(status.rawValue))
        }
        if let scoped = SQLiteScope.condition("division", scope) {
            conditions.append(scoped.sql)
            arguments += scoped.arguments
        }
        var query = "SELECT ticket FROM store_tickets"
        if !conditions.isEmpty { query += " WHERE " + conditions.joined(separator: " AND ") }
        let sql = query + " ORDER BY id"
        let documents = try await texts(sql, arguments)
        var tickets: [Ticket] = []
        tickets.reserveCapacity(documents.count)
        for document in documents { tickets.append(try Self.decode(Ticket.self, document)) }
        return tickets
    }

    // MARK: - Monitoring readings

    /// The readings of one point, of one pollutant or all, from `start` (inclusive) to `end` (exclusive), by
    /// pollutant and time.
    ///
    /// - Throws: ``StoreError`` `.notPrepared`.
    public func readings(
        point: String, pollutant: String?, from start: Int64, to end: Int64
    ) async throws -> [MonitoringReading] {
        _ = try prepared()
        guard start < end else { return [] }
        var query = "SELECT pollutant, t, value, flag FROM store_readings WHERE point = ?"
        var arguments: [SQLArgument] = [.text(point)]
        if let pollutant {
            query += " AND pollutant = ?"
            arguments.append(.text(pollutant))
        }
        let sql = query + " AND t >= ? AND t < ? ORDER BY pollutant, t"
        let bound = arguments + [.integer(start), .integer(end)]
        return try await read { db in
            let call = try SQLiteCall(db, sql)
            try call.bind(bound)
            var readings: [MonitoringReading] = []
            try call.forEachRow {
                readings.append(
                    MonitoringReading(
                        point: point, pollutant: call.text(0) ?? "", time: call.integer(1), value: call.double(2),
                        flag: call.text(3) ?? ""))
            }
            return readings
        }
    }

    /// Closes the database's connections, the file in WAL mode again if a bulk load left it in a rollback journal
    /// (``beginBulkLoad(entity:)``). The store cannot be used afterwards.
    public func close() async throws {
        let loading = rollbackLoads.withLock { loads in
            defer { loads.removeAll() }
            return !loads.isEmpty
        }
        if loading {
            let (synchronous, path) = (synchronous, path)
            // Not a failure of the close: the next opening of the file turns WAL on.
            try? await writeOutsideTransaction { db in try Self.turnWALOn(db, synchronous: synchronous, path: path) }
                as Void
        }
        do {
            try pool.close()
        } catch {
            throw StoreError(
                .database, "cannot close the SQLite store \(path): \(error)", zh: "无法关闭SQLite存储\(path)：\(error)")
        }
    }

    // MARK: - Support

    /// The prepared schema, or `.notPrepared`.
    func prepared() throws(StoreError) -> PreparedSchema {
        guard let prepared = state.withLock({ $0 }) else {
            throw StoreError(
                .notPrepared, "the SQLite store \(path) is not prepared for a standard (run `enforce store init`)",
                zh: "SQLite存储\(path)尚未按数据标准初始化（请运行 enforce store init）")
        }
        return prepared
    }

    /// Runs `work` in a write transaction, its errors as ``StoreError``.
    func write<T: Sendable>(_ work: @Sendable (Database) throws -> T) async throws -> T {
        try await storeErrors { try await pool.write(work) }
    }

    /// Runs `work` outside a transaction (for pragmas that cannot run in one), its errors as ``StoreError``.
    func writeOutsideTransaction<T: Sendable>(_ work: @Sendable (Database) throws -> T) async throws -> T {
        try await storeErrors { try await pool.writeWithoutTransaction(work) }
    }

    /// Runs `work` in a read transaction (a snapshot), its errors as ``StoreError``.
    func read<T: Sendable>(_ work: @Sendable (Database) throws -> T) async throws -> T {
        try await storeErrors { try await pool.read(work) }
    }

    /// The result of a database access, its errors as ``StoreError``.
    private func storeErrors<T: Sendable>(_ access: () async throws -> T) async throws -> T {
        do {
            return try await access()
        } catch let error as StoreError {
            throw error
        } catch {
            throw storeError(error)
        }
    }

    func storeError(_ error: any Error) -> StoreError {
        if error is CancellationError {
            return StoreError(.database, "cancelled: \(location)", zh: "操作已取消：\(location)")
        }
        if let error = error as? DatabaseError,
            [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_CANTOPEN, .SQLITE_MISUSE].contains(error.resultCode)
        {
            return StoreError(.unavailable, "\(location): \(error)", zh: "\(location)不可用：\(error)")
        }
        return StoreError(.database, "\(location): \(error)", zh: "\(location)数据库错误：\(error)")
    }

    /// The first column of every row of a query.
    private func texts(_ sql: String, _ arguments: [SQLArgument]) async throws -> [String] {
        try await read { db in
            let call = try SQLiteCall(db, sql)
            try call.bind(arguments)
            var texts: [String] = []
            try call.forEachRow { texts.append(call.text(0) ?? "") }
            return texts
        }
    }

    /// The stamp in `store_meta`, if the table exists and holds one.
    static func readStamp(_ db: Database) throws -> StandardStamp? {
        guard try db.tableExists("store_meta") else { return nil }
        let call = try SQLiteCall(db, "SELECT name, value FROM store_meta WHERE name IN ('standard', 'version')")
        var values: [String: String] = [:]
        try call.forEachRow {
            if let name = call.text(0) { values[name] = call.text(1) }
        }
        guard let standard = values["standard"], let version = values["version"] else { return nil }
        return StandardStamp(standard: standard, version: version)
    }

    /// `last_sequence` in `store_meta` (0 when absent).
    static func readLastSequence(_ db: Database) throws -> Int64 {
        let value = try String.fetchOne(
            db.cachedStatement(sql: "SELECT value FROM store_meta WHERE name = 'last_sequence'"))
        return value.flatMap { Int64($0) } ?? 0
    }

    /// The columns of the tables of a schema that exist (store tables and entity tables).
    private static func existingColumns(_ db: Database, schema: StoreSchema) throws -> [String: Set<String>] {
        let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
        let wanted = StoreSchema.storeTables(.sqlite).map(\.0) + schema.tables.map(\.name)
        var existing: [String: Set<String>] = [:]
        for name in wanted where tables.contains(name) {
            let rows = try Row.fetchAll(db, sql: "PRAGMA table_info(\(quoted(name)))")
            existing[name] = Set(rows.compactMap { row in row["name"] as String? })
        }
        return existing
    }

    /// A JSON document as a value.
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws(StoreError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(json.utf8))
        } catch {
            throw StoreError(
                .database, "a stored \(T.self) does not decode: \(error)", zh: "存储中的\(T.self)无法解析：\(error)")
        }
    }
}

/// The schema a store was prepared for, with the SQL of its tables.
struct PreparedSchema: Sendable {
    let schema: StoreSchema
    let tables: [SQLiteTable]
    private let byEntity: [String: Int]

    init(_ schema: StoreSchema) {
        self.schema = schema
        tables = schema.tables.map { SQLiteTable($0) }
        var byEntity: [String: Int] = [:]
        for (index, table) in schema.tables.enumerated() { byEntity[table.entity.id] = index }
        self.byEntity = byEntity
    }

    /// The index of an entity's table, or `.unknownEntity`.
    func index(_ entity: String) throws(StoreError) -> Int {
        guard let index = byEntity[entity] else {
            _ = try schema.requireTable(entity)
            throw StoreError(.unknownEntity, "no entity \(entity)")
        }
        return index
    }

    /// The table of an entity, or `.unknownEntity`.
    func table(_ entity: String) throws(StoreError) -> SQLiteTable {
        tables[try index(entity)]
    }
}
