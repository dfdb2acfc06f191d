import DataStandard
import EnforcementModel

/// Which standard, in which version, a store holds data of.
public struct StandardStamp: Hashable, Sendable, Codable {
    /// The standard's id (`sichuan-enforcement`).
    public var standard: String
    /// Its version (`1.0`).
    public var version: String

    /// Creates a stamp.
    public init(standard: String, version: String) {
        self.standard = standard
        self.version = version
    }
}

/// What ``RecordStore/prepare(_:)`` did.
public struct SchemaMigration: Hashable, Sendable, Codable {
    /// The version the store held before (`nil` for a new store).
    public var from: StandardStamp?
    /// The version it holds now.
    public var to: StandardStamp
    /// The SQL statements run, in order (empty when nothing changed).
    public var statements: [String]

    /// Creates a migration summary.
    public init(from: StandardStamp?, to: StandardStamp, statements: [String]) {
        self.from = from
        self.to = to
        self.statements = statements
    }
}

/// The divisions a query may see (rule 8 of the house: jurisdiction is structural).
///
/// The province sees everything; a city sees records whose division code starts with its 4-digit prefix; a
/// county its own 6 digits. A record without a division is seen by the province only.
public struct DivisionScope: Hashable, Sendable, CustomStringConvertible {
    /// The division code prefix a record's division must start with; empty for the whole province.
    public let prefix: String
    /// The division the scope was made for.
    public let division: String

    /// The scope of a division: `510000` (province) → every record, `510100` → `5101…`, `510104` → `510104`.
    public init(_ division: DivisionCode) {
        self.division = division.description
        switch division.level {
        case .province: prefix = ""
        case .city: prefix = String(division.description.prefix(4))
        case .county: prefix = division.description
        }
    }

    /// The whole province (the province's own services, administrators' tools).
    public static let province = DivisionScope(provincePrefix: ())

    private init(provincePrefix: Void) {
        prefix = ""
        division = "510000"
    }

    /// Whether a record of `division` is in the scope.
    public func contains(_ division: String?) -> Bool {
        guard let division else { return prefix.isEmpty }
        return division.hasPrefix(prefix)
    }

    public var description: String { division }
}

/// One record as stored: its values and the metadata of its latest change.
public struct StoredRecord: Hashable, Sendable {
    /// The entity.
    public var entity: String
    /// The key fields' values joined with `|`.
    public var key: String
    /// The division code of the record (its entity's division field), if any.
    public var division: String?
    /// The values, one per field of the entity in the store's standard, in declaration order; `nil` when empty.
    public var values: [String?]
    /// The record version: 1 when first stored, incremented by every change.
    public var revision: Int
    /// The store's sequence number of the latest change.
    public var sequence: Int64
    /// The SHA-256 of the canonical values (``RecordContent/hash(of:fields:)``), lowercase hex.
    public var hash: String
    /// The standard version the record followed when written (STD-7).
    public var standardVersion: String
    /// Where the latest change came from: `import:<file>`, `batch:<id>`, `recheck:<ticket>`.
    public var source: String
    /// When the latest change was committed (seconds since 1970 UTC).
    public var changedAt: Int64

    /// Creates a record.
    public init(
        entity: String, key: String, division: String?, values: [String?], revision: Int, sequence: Int64,
        hash: String, standardVersion: String, source: String, changedAt: Int64
    ) {
        self.entity = entity
        self.key = key
        self.division = division
        self.values = values
        self.revision = revision
        self.sequence = sequence
        self.hash = hash
        self.standardVersion = standardVersion
        self.source = source
        self.changedAt = changedAt
    }
}

/// A record to write (insert, or update when the key exists with other content).
public struct RecordWrite: Hashable, Sendable {
    /// The entity.
    public var entity: String
    /// The key fields' values joined with `|`.
    public var key: String
    /// The record's division code, if its entity has a division field.
    public var division: String?
    /// The canonical values (``RecordContent/canonical(_:type:)``), one per field of the entity, in declaration
    /// order.
    public var values: [String?] {
        get { packed.values }
        set { packed = PackedValues(newValue) }
    }
    /// The SHA-256 of the canonical values.
    public var hash: String
    /// The standard version the record follows.
    public var standardVersion: String
    /// Where it comes from.
    public var source: String
    /// ``values``, as stores read them: their UTF-8 bytes in one buffer (a write made from an import's records holds
    /// no string per value).
    public internal(set) var packed: PackedValues

    /// Creates a write.
    public init(
        entity: String, key: String, division: String?, values: [String?], hash: String, standardVersion: String,
        source: String
    ) {
        self.entity = entity
        self.key = key
        self.division = division
        self.packed = PackedValues(values)
        self.hash = hash
        self.standardVersion = standardVersion
        self.source = source
    }

    /// A write of packed values.
    init(
        entity: String, key: String, division: String?, packed: PackedValues, hash: String, standardVersion: String,
        source: String
    ) {
        self.entity = entity
        self.key = key
        self.division = division
        self.packed = packed
        self.hash = hash
        self.standardVersion = standardVersion
        self.source = source
    }

    /// The write of a record's values as read, one per field of the entity in declaration order: its canonical
    /// values (``RecordContent/canonical(_:table:)``), key, division and content hash; `nil` when a key field is
    /// empty.
    public init?(
        record values: some Collection<String?>, table: EntityTable, standardVersion: String, source: String
    ) {
        let canonical = RecordContent.canonical(values, table: table)
        guard let key = RecordContent.key(canonical, table: table) else { return nil }
        self.init(
            entity: table.entity.id, key: key, division: table.divisionSlot.flatMap { canonical[$0] },
            values: canonical, hash: RecordContent.hash(canonical, table: table), standardVersion: standardVersion,
            source: source)
    }
}

/// The values of a record packed in one buffer: where each value ends, then the values' UTF-8 bytes one after
/// another (one allocation per record).
public struct PackedValues: Hashable, Sendable {
    /// The ends (`Int32` each, as ``ends`` gives them), then the values' bytes.
    @usableFromInline
    internal private(set) var storage: [UInt8]
    /// The number of values.
    public private(set) var count: Int

    /// Packs values.
    public init(_ values: [String?]) {
        var bytes: [UInt8] = []
        var ends: [Int32] = []
        ends.reserveCapacity(values.count)
        for value in values {
            if let value {
                bytes.append(contentsOf: value.utf8)
                ends.append(Int32(bytes.count))
            } else {
                ends.append(~Int32(bytes.count))
            }
        }
        self.init(ends: ends, bytes: bytes)
    }

    /// Packs values given as their ends (``ends``) and bytes.
    init(ends: UnsafeBufferPointer<Int32>, bytes: UnsafeBufferPointer<UInt8>) {
        let endBytes = UnsafeRawBufferPointer(ends)
        storage = [UInt8](unsafeUninitializedCapacity: endBytes.count + bytes.count) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            if let ends = endBytes.baseAddress {
                UnsafeMutableRawPointer(base).copyMemory(from: ends, byteCount: endBytes.count)
            }
            if let bytes = bytes.baseAddress {
                (base + endBytes.count).update(from: bytes, count: buffer.count - endBytes.count)
            }
            count = buffer.count
        }
        count = ends.count
    }

    private init(ends: [Int32], bytes: [UInt8]) {
        self = ends.withUnsafeBufferPointer { ends in
            bytes.withUnsafeBufferPointer { bytes in PackedValues(ends: ends, bytes: bytes) }
        }
    }

    init() {
        storage = []
        count = 0
    }

    /// The values' bytes, one after another.
    public var bytes: [UInt8] { Array(storage[(count * MemoryLayout<Int32>.size)...]) }

    /// Per value: where its bytes end in ``bytes`` (each starts where the one before ends); the complement (`~end`)
    /// for `nil`.
    public var ends: [Int32] { withUnsafeValues { Array($0.ends) } }

    /// Calls `body` with the values in place; the view must not escape it.
    @inlinable
    public func withUnsafeValues<Result>(_ body: (UnsafePackedValues) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBufferPointer { buffer in
            let endBytes = count * MemoryLayout<Int32>.size
            let bytes = UnsafeBufferPointer(rebasing: buffer[endBytes...])
            guard let base = buffer.baseAddress, count > 0 else {
                return try body(UnsafePackedValues(ends: UnsafeBufferPointer(start: nil, count: 0), bytes: bytes))
            }
            return try UnsafeRawPointer(base).withMemoryRebound(to: Int32.self, capacity: count) { ends in
                try body(UnsafePackedValues(ends: UnsafeBufferPointer(start: ends, count: count), bytes: bytes))
            }
        }
    }

    /// Where the bytes of a value lie in ``bytes``; `nil` for `nil`.
    public func range(_ index: Int) -> Range<Int>? {
        withUnsafeValues { $0.range(index) }
    }

    /// A value.
    public func value(_ index: Int) -> String? {
        withUnsafeValues { values in values[index].map { String(decoding: $0, as: UTF8.self) } }
    }

    /// The values.
    public var values: [String?] {
        withUnsafeValues { values in (0..<count).map { values[$0].map { String(decoding: $0, as: UTF8.self) } } }
    }
}

/// The values of a ``PackedValues`` in place (``PackedValues/withUnsafeValues(_:)``).
public struct UnsafePackedValues {
    /// Per value: where its bytes end in ``bytes``; the complement (`~end`) for `nil`.
    public let ends: UnsafeBufferPointer<Int32>
    /// The values' bytes, one after another.
    public let bytes: UnsafeBufferPointer<UInt8>

    @usableFromInline
    init(ends: UnsafeBufferPointer<Int32>, bytes: UnsafeBufferPointer<UInt8>) {
        self.ends = ends
        self.bytes = bytes
    }

    /// The number of values.
    public var count: Int { ends.count }

    /// Where the bytes of a value lie in ``bytes``; `nil` for `nil`.
    @inline(__always)
    public func range(_ index: Int) -> Range<Int>? {
        let end = ends[index]
        guard end >= 0 else { return nil }
        let start = index == 0 ? 0 : Int(ends[index - 1] < 0 ? ~ends[index - 1] : ends[index - 1])
        return start..<Int(end)
    }

    /// The bytes of a value; `nil` for `nil`.
    @inline(__always)
    public subscript(index: Int) -> UnsafeBufferPointer<UInt8>? {
        range(index).map { UnsafeBufferPointer(rebasing: bytes[$0]) }
    }
}

/// What happened to one ``RecordWrite``.
public enum WriteOutcome: Hashable, Sendable {
    /// A new record, with its sequence number (revision 1).
    case inserted(sequence: Int64)
    /// New content for a stored key, with its sequence number and new revision.
    case updated(sequence: Int64, revision: Int)
    /// The same content was already stored.
    case unchanged
}

/// Writes applied together, all or nothing.
public struct StoreTransaction: Sendable {
    /// Records to insert or update.
    public var writes: [RecordWrite]
    /// Records to quarantine; an entry whose id is already stored is left as it is (idempotent imports).
    public var quarantine: [QuarantineEntry]
    /// Quarantine entries whose problem is settled (re-checked, or superseded by a valid record).
    public var resolvedQuarantine: [String]
    /// Tickets to create or replace (by id).
    public var tickets: [Ticket]
    /// Tickets to create when absent: a ticket already stored keeps its status and history (importing a file again
    /// does not reopen what was rectified).
    public var openedTickets: [Ticket] = []
    /// The journal of the import this transaction belongs to (every write of the transaction comes from it).
    ///
    /// Its `inserted`, `updated` and `unchanged` are the counts before this transaction: the store adds the
    /// outcomes of the transaction's writes before writing it, so that the stored journal is exact whatever
    /// happens after the commit.
    public var journal: ImportJournal?
    /// The receipts of a batch, stored once: the batch is applied when they are.
    public var receipts: (batchID: String, receipts: [BatchReceipt])?
    /// The commit time (seconds since 1970 UTC): injected, never read from the clock by the store.
    public var now: Int64

    /// Creates a transaction.
    public init(
        writes: [RecordWrite] = [], quarantine: [QuarantineEntry] = [], resolvedQuarantine: [String] = [],
        tickets: [Ticket] = [], journal: ImportJournal? = nil,
        receipts: (batchID: String, receipts: [BatchReceipt])? = nil, now: Int64
    ) {
        self.writes = writes
        self.quarantine = quarantine
        self.resolvedQuarantine = resolvedQuarantine
        self.tickets = tickets
        self.journal = journal
        self.receipts = receipts
        self.now = now
    }
}

/// The result of a commit.
public struct CommitResult: Hashable, Sendable {
    /// One per write, in order.
    public var outcomes: [WriteOutcome]
    /// The store's highest sequence number after the commit.
    public var lastSequence: Int64

    /// Creates a result.
    public init(outcomes: [WriteOutcome], lastSequence: Int64) {
        self.outcomes = outcomes
        self.lastSequence = lastSequence
    }
}

/// A record refused by validation, kept with its located errors until it is rectified.
public struct QuarantineEntry: Hashable, Sendable, Codable {
    /// A stable id: the same record of the same input gets the same id on every import.
    public var id: String
    /// The entity the record was validated as.
    public var entity: String
    /// The record's key, when it has one.
    public var key: String?
    /// The record's division code, when it has one (the scope it belongs to).
    public var division: String?
    /// Where it came from: `import:<file>` or `batch:<id>`.
    public var source: String
    /// The 1-based record number in the input.
    public var recordNumber: Int
    /// The 1-based line where the record starts.
    public var line: Int
    /// The values as read, by field id (empty cells left out).
    public var values: [String: String]
    /// Every issue of the record (errors and warnings).
    public var issues: [ValidationIssue]
    /// Whether the problem is settled.
    public var resolved: Bool
    /// When the record was quarantined (seconds since 1970 UTC).
    public var quarantinedAt: Int64

    /// Creates an entry.
    public init(
        id: String, entity: String, key: String?, division: String?, source: String, recordNumber: Int, line: Int,
        values: [String: String], issues: [ValidationIssue], resolved: Bool = false, quarantinedAt: Int64
    ) {
        self.id = id
        self.entity = entity
        self.key = key
        self.division = division
        self.source = source
        self.recordNumber = recordNumber
        self.line = line
        self.values = values
        self.issues = issues
        self.resolved = resolved
        self.quarantinedAt = quarantinedAt
    }
}

/// The progress of an import, committed with each of its transactions: after a crash, what the journal says is
/// committed is in the store.
public struct ImportJournal: Hashable, Sendable, Codable {
    /// The import's id: the SHA-256 of the entity and the input bytes — the same file imports under the same id.
    public var id: String
    /// The entity.
    public var entity: String
    /// The input, as named.
    public var source: String
    /// Records read and committed (stored or quarantined).
    public var recordsCommitted: Int
    /// Records inserted.
    public var inserted: Int
    /// Records updated.
    public var updated: Int
    /// Records already stored with the same content.
    public var unchanged: Int
    /// Records quarantined.
    public var quarantined: Int
    /// Whether the whole input was read and committed.
    public var finished: Bool
    /// When the import began and when the journal was last written (seconds since 1970 UTC).
    public var startedAt: Int64
    public var updatedAt: Int64

    /// Creates a journal.
    public init(
        id: String, entity: String, source: String, recordsCommitted: Int = 0, inserted: Int = 0, updated: Int = 0,
        unchanged: Int = 0, quarantined: Int = 0, finished: Bool = false, startedAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.entity = entity
        self.source = source
        self.recordsCommitted = recordsCommitted
        self.inserted = inserted
        self.updated = updated
        self.unchanged = unchanged
        self.quarantined = quarantined
        self.finished = finished
        self.startedAt = startedAt
        self.updatedAt = updatedAt
    }
}

/// The verdict on one record of an applied batch.
public struct BatchReceipt: Hashable, Sendable, Codable {
    /// The verdict.
    public enum Status: String, Hashable, Sendable, Codable {
        /// Stored (inserted, updated, or already stored with the same content).
        case accepted
        /// Refused by validation: quarantined with its errors.
        case rejected
    }

    /// The 1-based number of the record in the batch body.
    public var record: Int
    /// The record's key, when it has one.
    public var key: String?
    /// The verdict.
    public var status: Status
    /// For a rejected record: its errors.
    public var errors: [ValidationIssue]

    /// Creates a receipt.
    public init(record: Int, key: String?, status: Status, errors: [ValidationIssue] = []) {
        self.record = record
        self.key = key
        self.status = status
        self.errors = errors
    }
}

/// The state of a rectification ticket (整改): open → fixed → re-checked.
public enum TicketStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// The problem is waiting for the data owner.
    case open
    /// The owner says it is corrected (a corrected value, or the source re-imported).
    case fixed
    /// A re-check validated the corrected record and stored it: closed.
    case rechecked
}

/// A rectification ticket (整改单), bound to the exact record and field of a quarantined record.
public struct Ticket: Hashable, Sendable, Codable {
    /// One step of the ticket's history (append-only).
    public struct Event: Hashable, Sendable, Codable {
        /// The status after the step.
        public var status: TicketStatus
        /// When (seconds since 1970 UTC).
        public var at: Int64
        /// Who (an officer id, or `system`).
        public var by: String
        /// Why, or what was found.
        public var note: String

        /// Creates an event.
        public init(status: TicketStatus, at: Int64, by: String, note: String) {
            self.status = status
            self.at = at
            self.by = by
            self.note = note
        }
    }

    /// A stable id derived from the quarantine entry, field and rule (`T-` and 12 hex digits).
    public var id: String
    /// The quarantined record it is about.
    public var quarantineID: String
    /// The entity, key and division of the record.
    public var entity: String
    public var key: String?
    public var division: String?
    /// The field at fault (`nil` for a finding about the whole record).
    public var field: String?
    /// The rule broken.
    public var ruleID: String
    /// What is wrong, in Chinese and English.
    public var message: LocalizedText
    /// The status.
    public var status: TicketStatus
    /// The corrected value given when the ticket was marked fixed, if any.
    public var correctedValue: String?
    /// Every step so far, oldest first.
    public var history: [Event]

    /// Creates a ticket.
    public init(
        id: String, quarantineID: String, entity: String, key: String?, division: String?, field: String?,
        ruleID: String, message: LocalizedText, status: TicketStatus = .open, correctedValue: String? = nil,
        history: [Event]
    ) {
        self.id = id
        self.quarantineID = quarantineID
        self.entity = entity
        self.key = key
        self.division = division
        self.field = field
        self.ruleID = ruleID
        self.message = message
        self.status = status
        self.correctedValue = correctedValue
        self.history = history
    }
}

/// One automatic-monitoring reading (自动监测数据): a value of a pollutant at a point at a time.
public struct MonitoringReading: Hashable, Sendable, Codable {
    /// The monitoring point (its id, or the device MN).
    public var point: String
    /// The pollutant code (HJ 212-2017, `a21026`).
    public var pollutant: String
    /// The time of the reading, seconds since 1970 UTC.
    public var time: Int64
    /// The value, `nil` when the device sent none.
    public var value: Double?
    /// The data flag (`N` normal, `F` stopped, `M` maintenance, `D` fault, `C` calibration, `T` out of range…).
    public var flag: String

    /// Creates a reading.
    public init(point: String, pollutant: String, time: Int64, value: Double?, flag: String = "N") {
        self.point = point
        self.pollutant = pollutant
        self.time = time
        self.value = value
        self.flag = flag
    }
}

extension StoreTransaction {
    /// The journal as a store writes it: ``journal`` with the outcomes of the transaction's writes added to its
    /// `inserted`, `updated` and `unchanged` counts.
    public func journal(after outcomes: [WriteOutcome]) -> ImportJournal? {
        guard var journal else { return nil }
        for outcome in outcomes {
            switch outcome {
            case .inserted: journal.inserted += 1
            case .updated: journal.updated += 1
            case .unchanged: journal.unchanged += 1
            }
        }
        return journal
    }
}
