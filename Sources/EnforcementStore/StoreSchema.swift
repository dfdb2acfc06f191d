import DataStandard
import Foundation

/// The SQL dialects the drivers speak.
public enum SQLDialect: String, Hashable, Sendable, Codable {
    case sqlite
    case postgres
}

/// How a field's values are kept: the canonical text (``RecordContent/canonical(_:type:)``) in a column of the
/// dialect's matching type.
public enum StorageType: String, Hashable, Sendable, Codable {
    /// Text as given.
    case text
    /// A 64-bit integer.
    case integer
    /// An exact decimal (PostgreSQL `NUMERIC`; SQLite keeps the text, as it has no exact decimal type).
    case decimal
    /// A civil date `YYYY-MM-DD` (PostgreSQL `DATE`; SQLite text).
    case date
    /// `true`/`false` (PostgreSQL `BOOLEAN`; SQLite integer 0/1).
    case boolean

    /// The storage type of a field type of the standard.
    public init(_ type: FieldType) {
        switch type {
        case .integer: self = .integer
        case .decimal: self = .decimal
        case .date: self = .date
        case .boolean: self = .boolean
        default: self = .text
        }
    }

    /// The column type in a dialect.
    public func sqlType(_ dialect: SQLDialect) -> String {
        switch (self, dialect) {
        case (.text, _): "TEXT"
        case (.integer, .sqlite): "INTEGER"
        case (.integer, .postgres): "BIGINT"
        case (.decimal, .sqlite): "TEXT"
        case (.decimal, .postgres): "NUMERIC"
        case (.date, .sqlite): "TEXT"
        case (.date, .postgres): "DATE"
        case (.boolean, .sqlite): "INTEGER"
        case (.boolean, .postgres): "BOOLEAN"
        }
    }
}

/// The tables of a standard, derived from its entities, for every dialect.
///
/// Each entity gets a table `rec_<entity>`: the metadata columns (``EntityTable/metadataColumns``) and one column
/// per field, named as the field, typed by ``StorageType``. Indexes: the key (`_key`, primary), the change feed
/// (`_seq`, unique), the division (`_division`), every reference field, and the entity's time field.
///
/// The store's own tables hold the standard stamp and sequence counter (`store_meta`), import journals
/// (`store_imports`), quarantine (`store_quarantine`), tickets (`store_tickets`), applied batches
/// (`store_batches`) and monitoring readings (`store_readings`; in PostgreSQL partitioned by month).
public struct StoreSchema: Sendable {
    /// The standard.
    public let standard: StandardSpec
    /// One table per entity, in the standard's order.
    public let tables: [EntityTable]
    private let byEntity: [String: Int]

    /// Derives the tables of a standard.
    public init(standard: StandardSpec) {
        self.standard = standard
        tables = standard.entities.map(EntityTable.init)
        var byEntity: [String: Int] = [:]
        for (index, table) in tables.enumerated() { byEntity[table.entity.id] = index }
        self.byEntity = byEntity
    }

    /// The standard's stamp.
    public var stamp: StandardStamp { StandardStamp(standard: standard.id, version: standard.version) }

    /// The table of an entity.
    public func table(_ entity: String) -> EntityTable? { byEntity[entity].map { tables[$0] } }

    /// The table of an entity, or `.unknownEntity`.
    public func requireTable(_ entity: String) throws(StoreError) -> EntityTable {
        guard let table = table(entity) else {
            throw StoreError(
                .unknownEntity, "the standard \(standard.id) \(standard.version) has no entity \(entity)",
                zh: "标准\(standard.id) \(standard.version)没有实体\(entity)")
        }
        return table
    }

    /// Whether a store holding `stored` may be prepared for this standard: the same standard, and the same version
    /// or one it reads (STD-7).
    public func check(stored: StandardStamp?) throws(StoreError) {
        guard let stored else { return }
        guard stored.standard == standard.id else {
            throw StoreError(
                .incompatibleStandard,
                "the store holds data of the standard \(stored.standard), not \(standard.id)",
                zh: "存储中是标准\(stored.standard)的数据，不是\(standard.id)")
        }
        guard stored.version == standard.version || standard.readsVersions.contains(stored.version) else {
            throw StoreError(
                .incompatibleStandard,
                "the store holds version \(stored.version); version \(standard.version) of \(standard.id) does not read it "
                    + "(reads_versions: \(standard.readsVersions))",
                zh: "存储中是\(stored.version)版数据，\(standard.id) \(standard.version)版不兼容读取该版本")
        }
    }

    /// Whether records of a version may be taken in (STD-7): this version, or one it reads.
    public func reads(version: String) -> Bool {
        version == standard.version || standard.readsVersions.contains(version)
    }

    /// The statements that bring a store to this schema, given the columns of the tables it has (table name →
    /// column names; an absent table does not exist): the store's own tables, missing entity tables with their
    /// indexes, and missing columns.
    public func migrationStatements(existing: [String: Set<String>], dialect: SQLDialect) -> [String] {
        var statements: [String] = []
        for (name, create) in Self.storeTables(dialect) where existing[name] == nil {
            statements += create
        }
        for table in tables {
            if let columns = existing[table.name] {
                for field in table.entity.fields where !columns.contains(field.id) {
                    statements.append(
                        "ALTER TABLE \(quoted(table.name)) ADD COLUMN \(quoted(field.id)) "
                            + StorageType(field.type).sqlType(dialect))
                }
            } else {
                statements += table.createStatements(dialect)
            }
        }
        return statements
    }

    /// The store's own tables, by name, with their creation statements.
    public static func storeTables(_ dialect: SQLDialect) -> [(String, [String])] {
        let bool = dialect == .sqlite ? "INTEGER" : "BOOLEAN"
        let readings: [String]
        switch dialect {
        case .sqlite:
            readings = [
                """
                CREATE TABLE store_readings (point TEXT NOT NULL, pollutant TEXT NOT NULL, t INTEGER NOT NULL, \
                value REAL, flag TEXT NOT NULL, PRIMARY KEY (point, pollutant, t)) WITHOUT ROWID
                """
            ]
        case .postgres:
            readings = [
                """
                CREATE TABLE store_readings (point TEXT NOT NULL, pollutant TEXT NOT NULL, t TIMESTAMPTZ NOT NULL, \
                value DOUBLE PRECISION, flag TEXT NOT NULL, PRIMARY KEY (point, pollutant, t)) PARTITION BY RANGE (t)
                """
            ]
        }
        return [
            ("store_meta", ["CREATE TABLE store_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)"]),
            (
                "store_imports",
                [
                    """
                    CREATE TABLE store_imports (id TEXT PRIMARY KEY, entity TEXT NOT NULL, source TEXT NOT NULL, \
                    finished \(bool) NOT NULL, updated_at BIGINT NOT NULL, journal TEXT NOT NULL)
                    """
                ]
            ),
            (
                "store_quarantine",
                [
                    """
                    CREATE TABLE store_quarantine (id TEXT PRIMARY KEY, entity TEXT NOT NULL, record_key TEXT, \
                    division TEXT, source TEXT NOT NULL, resolved \(bool) NOT NULL, quarantined_at BIGINT NOT NULL, \
                    entry TEXT NOT NULL)
                    """,
                    "CREATE INDEX store_quarantine_division ON store_quarantine (division)",
                    "CREATE INDEX store_quarantine_entity ON store_quarantine (entity, record_key)",
                ]
            ),
            (
                "store_tickets",
                [
                    """
                    CREATE TABLE store_tickets (id TEXT PRIMARY KEY, quarantine_id TEXT NOT NULL, \
                    entity TEXT NOT NULL, division TEXT, status TEXT NOT NULL, ticket TEXT NOT NULL)
                    """,
                    "CREATE INDEX store_tickets_quarantine ON store_tickets (quarantine_id)",
                    "CREATE INDEX store_tickets_division ON store_tickets (division, status)",
                ]
            ),
            (
                "store_batches",
                [
                    """
                    CREATE TABLE store_batches (batch_id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL, \
                    receipts TEXT NOT NULL)
                    """
                ]
            ),
            ("store_readings", readings),
        ]
    }
}

/// The table of one entity.
public struct EntityTable: Sendable {
    /// The metadata columns every entity table starts with, in order: `_key` (primary key), `_division`, `_seq`
    /// (the change feed), `_revision`, `_hash`, `_standard` (the version the record followed), `_source`,
    /// `_changed_at`.
    public static let metadataColumns = [
        "_key", "_division", "_seq", "_revision", "_hash", "_standard", "_source", "_changed_at",
    ]

    /// The entity.
    public let entity: EntitySpec
    /// `rec_<entity>`.
    public let name: String
    /// The storage type of each field, in declaration order.
    public let storage: [StorageType]
    /// The type of each field, in declaration order (read per value, where copying the field's spec would cost).
    let types: [FieldType]
    /// The positions of the key fields.
    public let keySlots: [Int]
    /// The position of the division field, if any.
    public let divisionSlot: Int?
    /// The positions of indexed fields (references and the time field).
    public let indexedSlots: [Int]
    /// The UTF-8 bytes of each field id (for content hashes).
    let fieldIDBytes: [[UInt8]]

    init(_ entity: EntitySpec) {
        self.entity = entity
        name = "rec_" + entity.id
        storage = entity.fields.map { StorageType($0.type) }
        types = entity.fields.map(\.type)
        fieldIDBytes = entity.fields.map { Array($0.id.utf8) }
        keySlots = entity.key.compactMap { key in entity.fields.firstIndex { $0.id == key } }
        divisionSlot = entity.divisionField.flatMap { id in entity.fields.firstIndex { $0.id == id } }
        var indexed: [Int] = []
        for (slot, field) in entity.fields.enumerated()
        where field.reference != nil || field.id == entity.timeField {
            indexed.append(slot)
        }
        indexedSlots = indexed
    }

    /// The field ids, in declaration order.
    public var fieldIDs: [String] { entity.fields.map(\.id) }

    /// The statements that create the table and its indexes.
    public func createStatements(_ dialect: SQLDialect) -> [String] {
        let bigint = dialect == .sqlite ? "INTEGER" : "BIGINT"
        // SQLite: the change sequence is the rowid, so that new records are appended at the end of the table's
        // B-tree and the change feed is a scan of it; the key is a unique index (``keyIndex``, named so that a bulk
        // load may build it at the end; stores made before have it as a `UNIQUE` constraint). PostgreSQL: the key
        // is the primary key, in byte order whatever the database's collation (paging by key gives the same pages).
        var columns =
            dialect == .sqlite
            ? ["_key TEXT NOT NULL", "_division TEXT", "_seq INTEGER PRIMARY KEY"]
            : ["_key TEXT COLLATE \"C\" PRIMARY KEY", "_division TEXT", "_seq BIGINT NOT NULL"]
        columns += [
            "_revision INTEGER NOT NULL", "_hash TEXT NOT NULL", "_standard TEXT NOT NULL", "_source TEXT NOT NULL",
            "_changed_at \(bigint) NOT NULL",
        ]
        for (slot, field) in entity.fields.enumerated() {
            columns.append("\(quoted(field.id)) \(storage[slot].sqlType(dialect))")
        }
        var statements = ["CREATE TABLE \(quoted(name)) (\(columns.joined(separator: ", ")))"]
        if dialect == .sqlite {
            statements.append("CREATE UNIQUE INDEX \(quoted(keyIndex)) ON \(quoted(name)) (_key)")
        }
        if dialect == .postgres {
            statements.append("CREATE UNIQUE INDEX \(quoted(name + "__seq")) ON \(quoted(name)) (_seq)")
        }
        statements += secondaryIndexes.map { "CREATE INDEX \(quoted($0.name)) ON \(quoted(name)) (\($0.columns))" }
        return statements
    }

    /// SQLite: the name of the unique index on `_key`.
    public var keyIndex: String { name + "__key" }

    /// The secondary indexes (by division, by reference fields, by the time field), which reads use but which no
    /// write needs: a store may drop them while it loads an empty table and build them afterwards.
    public var secondaryIndexes: [(name: String, columns: String)] {
        [(name + "__division", "_division, _key")]
            + indexedSlots.map { slot in
                let field = entity.fields[slot].id
                return (name + "_" + field, quoted(field))
            }
    }
}

/// An SQL identifier in double quotes (both dialects).
public func quoted(_ identifier: String) -> String {
    "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
