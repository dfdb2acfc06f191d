import DataStandard
import EnforcementModel

/// A store of records under the unified standard — the persistence interface every Kit uses.
///
/// Two drivers implement it, each in its own target so that nobody links a driver they do not use:
/// `SQLiteStore` (EnforcementStoreSQLite, GRDB on the system libsqlite3, WAL mode) — the embedded default of a
/// city — and `PostgresStore` (EnforcementStorePostgres, PostgresNIO) — the province's scale-out store. One test
/// suite runs against both.
///
/// The protocol holds the primitive operations only; importing files (``StoreImporter``), exchange batches
/// (``ExchangeBatch``, ``BatchExporter``, ``BatchApplier``), quality reports (``QualityReporter``) and
/// rectification tickets (``TicketDesk``) are written once, above it.
///
/// **Atomicity.** ``commit(_:)`` applies a ``StoreTransaction`` — record writes, quarantine entries, tickets, an
/// import journal, batch receipts — all or nothing. What a commit returned is durable; a crash at any other
/// moment leaves the store as it was before the commit began.
///
/// **Jurisdiction.** Every query of records takes a ``DivisionScope``; there is no unscoped form.
public protocol RecordStore: AnyObject, Sendable {
    /// Where the store is, for messages: `SQLite data/enforce.sqlite`, `PostgreSQL 127.0.0.1:5432/enforce`.
    var location: String { get }

    /// Creates the store's tables for a standard, or migrates tables made for an older version of it (STD-7):
    /// new entities get tables, new fields get columns, stored records keep the version they followed.
    /// Idempotent: preparing again with the same standard changes nothing.
    ///
    /// - Throws: ``StoreError`` `.incompatibleStandard` when the store holds another standard, or a version the
    ///   given one does not read (neither equal nor listed in its `reads_versions`).
    func prepare(_ schema: StoreSchema) async throws -> SchemaMigration

    /// The standard the store was last prepared for, if any.
    func storedStandard() async throws -> StandardStamp?

    /// Applies a transaction atomically; returns each write's outcome, in order.
    ///
    /// A write whose content hash equals the stored record's is `unchanged` (no new sequence number, no new
    /// version); a new key is `inserted` with version 1; another hash is `updated` with the version incremented.
    /// Every inserted or updated record gets the next sequence number of the store.
    func commit(_ transaction: StoreTransaction) async throws -> CommitResult

    /// The record of an entity with a key (the key fields' values joined with `|`).
    func record(entity: String, key: String, scope: DivisionScope) async throws -> StoredRecord?

    /// Records of an entity within a scope, by key, after `key` (exclusive), at most `limit`.
    func records(entity: String, scope: DivisionScope, after key: String?, limit: Int) async throws -> [StoredRecord]

    /// The number of records of an entity within a scope.
    func count(entity: String, scope: DivisionScope) async throws -> Int

    /// Records changed after a sequence number, in sequence order, at most `limit` (the change feed: each record
    /// once, at its latest change).
    func changes(after sequence: Int64, scope: DivisionScope, limit: Int) async throws -> [StoredRecord]

    /// The highest sequence number given out (0 for an empty store).
    func lastSequence() async throws -> Int64

    /// The journal of an import, by its id.
    func importJournal(id: String) async throws -> ImportJournal?

    /// The receipts of an applied batch, if the batch was applied.
    func batchReceipts(batchID: String) async throws -> [BatchReceipt]?

    /// Quarantined records within a scope (a record without a division is in the province's scope only).
    func quarantine(scope: DivisionScope, entity: String?, includeResolved: Bool) async throws -> [QuarantineEntry]

    /// Rectification tickets within a scope.
    func tickets(scope: DivisionScope, status: TicketStatus?) async throws -> [Ticket]

    /// Stores monitoring readings; a reading already stored for the same point, pollutant and time is replaced.
    func appendReadings(_ readings: [MonitoringReading]) async throws

    /// The readings of one point from `start` (inclusive) to `end` (exclusive), by pollutant and time.
    func readings(point: String, pollutant: String?, from start: Int64, to end: Int64) async throws
        -> [MonitoringReading]

    /// Releases connections and files.
    func close() async throws

    /// Tells the store that many records of an entity are about to be written: a store may drop the entity's
    /// secondary indexes (``EntityTable/secondaryIndexes``; SQLite also its key index, inserting the load's new
    /// records without looking their keys up) when its table is empty, and must then build them again in
    /// ``finishBulkLoad(entity:)`` — or, after a crash, when it is next prepared. Reads stay correct meanwhile.
    func beginBulkLoad(entity: String) async throws

    /// Ends ``beginBulkLoad(entity:)``: the entity's secondary indexes exist again.
    func finishBulkLoad(entity: String) async throws
}

extension RecordStore {
    /// Does nothing: the store keeps its indexes during loads.
    public func beginBulkLoad(entity: String) async throws {}

    /// Does nothing.
    public func finishBulkLoad(entity: String) async throws {}
}
