import DataStandard
import EnforcementStore

/// The SQL of one entity table, built once per prepared schema.
struct SQLiteTable: Sendable {
    /// The entity table.
    let table: EntityTable
    /// The metadata columns and the field columns, quoted, separated by commas.
    let columns: String
    /// Inserts a record unless its key is stored: parameters 1… in ``EntityTable/metadataColumns`` order, then the
    /// fields.
    let insert: String
    /// The stored hash and revision of a key.
    let lookup: String
    /// The key, stored hash and revision of the stored records among ``chunk`` keys.
    let lookupChunk: String
    /// Replaces a stored record: the same parameters as ``insert``, the key (`?1`) in the condition.
    let update: String

    /// The number of metadata columns before the first field.
    static let metadataCount = EntityTable.metadataColumns.count
    /// The most writes a commit looks up and inserts with one statement.
    static let chunk = 32

    init(_ table: EntityTable) {
        self.table = table
        let names = EntityTable.metadataColumns + table.fieldIDs
        let name = quoted(table.name)
        columns = names.map(quoted).joined(separator: ", ")
        let placeholders = Array(repeating: "?", count: names.count).joined(separator: ", ")
        insert =
            "INSERT INTO \(name) (\(columns)) VALUES (\(placeholders)) ON CONFLICT(\(quoted("_key"))) DO NOTHING"
        lookup = "SELECT \(quoted("_hash")), \(quoted("_revision")) FROM \(name) WHERE \(quoted("_key")) = ?"
        lookupChunk =
            "SELECT \(quoted("_key")), \(quoted("_hash")), \(quoted("_revision")) FROM \(name) WHERE \(quoted("_key")) IN ("
            + Array(repeating: "?", count: Self.chunk).joined(separator: ", ") + ")"
        let assignments = names.enumerated().dropFirst().map { index, column in
            "\(quoted(column)) = ?\(index + 1)"
        }
        update = "UPDATE \(name) SET \(assignments.joined(separator: ", ")) WHERE \(quoted("_key")) = ?1"
    }

    /// The number of parameters of one record in ``insert``, ``update`` and ``insertRows(_:)``.
    var parameterCount: Int { Self.metadataCount + table.storage.count }

    /// Inserts `count` new records with one statement (parameters record after record, each as in ``insert``).
    func insertRows(_ count: Int) -> String {
        let names = EntityTable.metadataColumns + table.fieldIDs
        let row = "(" + Array(repeating: "?", count: names.count).joined(separator: ", ") + ")"
        return "INSERT INTO \(quoted(table.name)) (\(columns)) VALUES "
            + Array(repeating: row, count: count).joined(separator: ", ")
    }

    /// `SELECT <columns> FROM <table>` with a condition and an order, if any.
    func select(where conditions: [String], orderBy order: String? = nil, limit: Bool = false) -> String {
        var sql = "SELECT \(columns) FROM \(quoted(table.name))"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        if let order { sql += " ORDER BY " + order }
        if limit { sql += " LIMIT ?" }
        return sql
    }

    /// The stored record in the current row of a statement of ``select(where:orderBy:limit:)``.
    func record(_ call: SQLiteCall) -> StoredRecord {
        let storage = table.storage
        var values: [String?] = []
        values.reserveCapacity(storage.count)
        var column = Int32(Self.metadataCount)
        for type in storage {
            values.append(call.value(column, storage: type))
            column += 1
        }
        return StoredRecord(
            entity: table.entity.id, key: call.text(0) ?? "", division: call.text(1), values: values,
            revision: Int(call.integer(3)), sequence: call.integer(2), hash: call.text(4) ?? "",
            standardVersion: call.text(5) ?? "", source: call.text(6) ?? "", changedAt: call.integer(7))
    }
}

/// Conditions on the division columns.
enum SQLiteScope {
    /// The condition that a division column lies in a scope, with its arguments; `nil` for the province (every
    /// record, including those without a division).
    ///
    /// A range on the column rather than `LIKE`, so that the division index serves it: text compares as bytes, and
    /// UTF-8 keeps the order of code points, so the codes starting with a prefix are those from the prefix up to
    /// the prefix with its last character incremented.
    static func condition(_ column: String, _ scope: DivisionScope) -> (sql: String, arguments: [SQLArgument])? {
        guard !scope.prefix.isEmpty else { return nil }
        var scalars = Array(scope.prefix.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if next == 0xD800 { next = 0xE000 }
            if let scalar = Unicode.Scalar(next) {
                scalars.append(scalar)
                var bound = String.UnicodeScalarView()
                bound.append(contentsOf: scalars)
                return ("\(column) >= ? AND \(column) < ?", [.text(scope.prefix), .text(String(bound))])
            }
        }
        return ("\(column) >= ?", [.text(scope.prefix)])
    }
}
