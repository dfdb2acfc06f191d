import EnforcementStore
import GRDB
import GRDBSQLite

/// An argument of a statement run through ``SQLiteCall``.
enum SQLArgument: Sendable {
    case text(String)
    case integer(Int64)
}

/// A statement cached by GRDB, bound, stepped and read through the SQLite C interface.
///
/// The hot paths of the store — a commit's inserts, lookups and updates, bulk reads of records and readings — bind
/// each value straight into the statement and read each column straight out of it. Building GRDB
/// `StatementArguments` and decoding `Row`s cost several times what SQLite itself spends on a row of 30 columns;
/// GRDB still opens the connections, runs the transactions and compiles and caches the statements. The statement
/// must only be used inside the GRDB access (`read`/`write` closure) that made it.
struct SQLiteCall {
    /// The GRDB statement (kept alive by GRDB's statement cache and by this reference).
    let statement: Statement
    /// Its SQLite handle.
    let handle: OpaquePointer

    /// The cached statement of `sql` in `db`, reset.
    init(_ db: Database, _ sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        sqlite3_reset(handle)
    }

    /// Ends the current run, so that the statement may be bound again; bindings are kept.
    func reset() {
        sqlite3_reset(handle)
    }

    // MARK: Binding (1-based parameter indexes)

    /// Binds `NULL`.
    func bindNull(_ index: Int32) throws {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Binds an integer.
    func bind(_ index: Int32, _ value: Int64) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// Binds a real, or `NULL`.
    func bind(_ index: Int32, _ value: Double?) throws {
        guard let value else { return try bindNull(index) }
        try check(sqlite3_bind_double(handle, index, value))
    }

    /// Binds a text (SQLite copies it), or `NULL`.
    func bind(_ index: Int32, _ text: String?) throws {
        guard var text else { return try bindNull(index) }
        let code = text.withUTF8 { bytes -> Int32 in
            // An empty buffer may have no address, and a NULL pointer would bind NULL rather than ''.
            guard let address = bytes.baseAddress, !bytes.isEmpty else {
                return sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
            }
            return sqlite3_bind_text(handle, index, address, Int32(bytes.count), sqliteTransient)
        }
        try check(code)
    }

    /// Binds an argument.
    func bind(_ index: Int32, _ argument: SQLArgument) throws {
        switch argument {
        case .text(let text): try bind(index, text)
        case .integer(let number): try bind(index, number)
        }
    }

    /// Binds arguments to the parameters 1, 2, …
    func bind(_ arguments: [SQLArgument]) throws {
        for (offset, argument) in arguments.enumerated() { try bind(Int32(offset + 1), argument) }
    }

    /// The number a canonical value is kept as: an integer's (when the text is one), a boolean's 1/0; `nil` for a
    /// value kept as text.
    @inline(__always)
    static func number(_ text: UnsafeBufferPointer<UInt8>, storage: StorageType) -> Int64? {
        switch storage {
        case .integer:
            // Digits that cannot overflow are read in place; anything else as `Int64(_:)` reads it.
            guard text.count <= 18, !text.isEmpty else { return Int64(String(decoding: text, as: UTF8.self)) }
            var value: Int64 = 0
            for byte in text {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                    return Int64(String(decoding: text, as: UTF8.self))
                }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        case .boolean:
            return RecordContent.canonicalBoolean(text).map { $0 ? 1 : 0 }
        case .text, .decimal, .date:
            return nil
        }
    }

    /// Binds texts that lie in memory which stays put until the statement is reset (`SQLITE_STATIC`: SQLite
    /// keeps the pointer instead of a copy).
    func bindStatic(_ index: Int32, _ bytes: UnsafePointer<UInt8>, count: Int) throws {
        try check(sqlite3_bind_text(handle, index, bytes, Int32(count), sqliteStatic))
    }

    /// Binds a text that lies in memory which stays put until the statement is reset (``bindStatic(_:_:count:)``).
    func bindStatic(_ index: Int32, _ text: UnsafeBufferPointer<UInt8>) throws {
        // An empty buffer may have no address, and a NULL pointer would bind NULL rather than ''.
        guard let base = text.baseAddress else {
            return try check(sqlite3_bind_text(handle, index, "", 0, sqliteTransient))
        }
        try bindStatic(index, base, count: text.count)
    }

    /// Forgets every binding (texts bound with ``bindStatic(_:_:count:)`` must not outlive their memory).
    func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    // MARK: Running

    /// Steps the statement: `true` when it produced a row, `false` when it is done.
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
        sqlite3_reset(handle)
        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }

    /// Runs a statement that returns no rows.
    func run() throws {
        while try step() {}
    }

    /// The number of rows the last completed insert, update or delete of the connection changed.
    var changes: Int {
        Int(sqlite3_changes(sqlite3_db_handle(handle)))
    }

    /// Calls `body` for each row, then resets the statement.
    func forEachRow(_ body: () throws -> Void) throws {
        defer { sqlite3_reset(handle) }
        while try step() { try body() }
    }

    // MARK: Reading columns (0-based) of the current row

    /// An integer column (0 when it holds no number).
    func integer(_ column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    /// A real column, or `nil` when it is `NULL`.
    func double(_ column: Int32) -> Double? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_double(handle, column)
    }

    /// A column's text, or `nil` when it is `NULL`.
    func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// A column's canonical text: an integer in decimal (a boolean `true`/`false`), a text as stored; `nil` for
    /// `NULL`.
    func value(_ column: Int32, storage: StorageType) -> String? {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_NULL:
            return nil
        case SQLITE_INTEGER:
            let number = sqlite3_column_int64(handle, column)
            if storage == .boolean {
                if number == 1 { return "true" }
                if number == 0 { return "false" }
            }
            return String(number)
        case SQLITE_FLOAT:
            return String(sqlite3_column_double(handle, column))
        default:
            return text(column)
        }
    }

    private func check(_ code: Int32) throws {
        guard code != SQLITE_OK else { return }
        let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }
}

/// `SQLITE_STATIC`: the bytes stay where they are while SQLite uses them.
private var sqliteStatic: sqlite3_destructor_type? { nil }

/// Texts bound to a statement from one buffer, without SQLite copying each of them: gathered with
/// ``append(_:_:)``, bound and used inside ``bind(to:_:)``.
struct TextArena {
    private var bytes: [UInt8] = []
    private var texts: [(index: Int32, start: Int, count: Int)] = []

    /// Starts another statement's texts (keeps the memory).
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        texts.removeAll(keepingCapacity: true)
    }

    /// The text of parameter `index`.
    mutating func append(_ index: Int32, _ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ append(index, $0) }) == nil {
            Array(text.utf8).withUnsafeBufferPointer { append(index, $0) }
        }
    }

    /// The text of parameter `index`, given as its UTF-8 bytes.
    mutating func append(_ index: Int32, _ text: UnsafeBufferPointer<UInt8>) {
        let start = bytes.count
        bytes.append(contentsOf: text)
        texts.append((index, start, bytes.count - start))
    }

    /// Binds the texts to `call`, runs `body`, then clears the statement's bindings (the texts' memory is only
    /// valid inside).
    func bind<T>(to call: SQLiteCall, _ body: () throws -> T) throws -> T {
        defer { call.clearBindings() }
        return try bytes.withUnsafeBufferPointer { buffer in
            for text in texts {
                if let base = buffer.baseAddress {
                    try call.bindStatic(text.index, base + text.start, count: text.count)
                } else {
                    try call.bind(text.index, "")
                }
            }
            return try body()
        }
    }
}

/// `SQLITE_TRANSIENT`: SQLite copies the bytes before the call returns.
private var sqliteTransient: sqlite3_destructor_type {
    unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
