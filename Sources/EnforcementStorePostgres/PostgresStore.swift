import DataStandard
import EnforcementStore
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A ``RecordStore`` in a PostgreSQL database (15 or later) — the province's scale-out store — through
/// PostgresNIO's connection pool.
///
/// The store lives in one schema of the database (`public` unless told otherwise): every connection of the pool
/// starts with its `search_path` set to that schema, so several stores may share a database. Each entity has a
/// table `rec_<entity>` with typed columns (`BIGINT`, `NUMERIC`, `DATE`, `BOOLEAN`, `TEXT`); values are written as
/// their canonical text and read back as `column::text`, which gives the same text (`DateStyle` is ISO). Monitoring
/// readings go to `store_readings`, partitioned by month in Beijing time; missing monthly partitions are created
/// before readings are written.
///
/// Connect with ``connect(url:schema:logger:)``, then ``prepare(_:)`` before anything else, and ``close()`` at the
/// end (it stops the pool's background task).
public final class PostgresStore: RecordStore {
    /// Where the store is: `PostgreSQL host:port/database (schema)`.
    public let location: String

    let client: PostgresClient
    let logger: Logger
    /// The schema of the database the store's tables are in.
    public let schemaName: String
    private let runTask: Task<Void, Never>
    private let state = Mutex(State())

    struct State: Sendable {
        /// The schema the store was prepared with.
        var schema: StoreSchema?
        /// The months (year × 12 + month − 1, Beijing time) whose readings partitions are known to exist.
        var partitions: Set<Int64> = []
    }

    /// The key of the advisory locks the store takes (with the schema's hash as the second key): `ENF`.
    static let lockClass: Int32 = 0x454E46

    private init(client: PostgresClient, runTask: Task<Void, Never>, location: String, schema: String, logger: Logger) {
        self.client = client
        self.runTask = runTask
        self.location = location
        schemaName = schema
        self.logger = logger
    }

    deinit { runTask.cancel() }

    /// Connects to a PostgreSQL database and makes sure the store's schema exists.
    ///
    /// - Parameters:
    ///   - url: `postgres://user[:password]@host[:port]/database` (or `postgresql://`); TLS is used only with
    ///     `?sslmode=require` (`prefer`, `verify-full` also work); `?connect_timeout=` sets the seconds to wait;
    ///     `?schema=` names the schema (and wins over `schema`).
    ///   - schema: The schema of the database the store's tables are in; created when missing.
    ///   - logger: Where the driver logs.
    /// - Throws: ``StoreError`` `.unavailable` when the URL is malformed or the server cannot be reached (the message
    ///   names the host, port and database, never the password).
    public static func connect(
        url: String, schema: String = "public", logger: Logger = Logger(label: "enforce.postgres")
    ) async throws -> PostgresStore {
        let parsed = try PostgresURL(url)
        let schema = parsed.schema ?? schema
        guard !schema.isEmpty else {
            throw StoreError(.unavailable, "the PostgreSQL schema name is empty", zh: "PostgreSQL模式名为空")
        }
        try await withDirectConnection(parsed, logger: logger) { connection in
            try await createSchema(schema, on: connection, logger: logger)
        }

        var tls = PostgresClient.Configuration.TLS.disable
        if let tlsConfiguration = parsed.tlsConfiguration {
            tls = parsed.tls == .prefer ? .prefer(tlsConfiguration) : .require(tlsConfiguration)
        }
        var configuration = PostgresClient.Configuration(
            host: parsed.host, port: parsed.port, username: parsed.user, password: parsed.password,
            database: parsed.database, tls: tls)
        configuration.options.connectTimeout = .seconds(parsed.connectTimeout)
        configuration.options.maximumConnections = 8
        configuration.options.connectionIdleTimeout = .seconds(30)
        configuration.options.additionalStartupParameters = startupParameters(schema: schema)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        // The pool serves nobody until `run()` has begun: start it at once, on this thread, so that it has when
        // `connect` returns (a request that comes first waits, with a warning, for the pool's next turn).
        let runTask: Task<Void, Never>
        if #available(macOS 26.0, *) {
            runTask = Task.immediate { await client.run() }
        } else {
            runTask = Task { await client.run() }
            await Task.yield()
        }
        return PostgresStore(
            client: client, runTask: runTask, location: "PostgreSQL \(parsed.endpoint) (\(schema))", schema: schema,
            logger: logger)
    }

    /// Drops a schema and everything in it (`DROP SCHEMA … CASCADE`) — for tests and tools that made a store in a
    /// schema of its own. Nothing happens when the schema does not exist.
    public static func dropSchema(url: String, schema: String) async throws {
        let parsed = try PostgresURL(url)
        let logger = Logger(label: "enforce.postgres")
        try await withDirectConnection(parsed, logger: logger) { connection in
            do {
                _ = try await connection.query(
                    PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(quoted(schema)) CASCADE"), logger: logger
                ).collect()
            } catch {
                throw databaseError(error, "dropping the schema \(schema) in \(parsed.endpoint)")
            }
        }
    }

    /// The settings every connection of the pool starts with.
    static func startupParameters(schema: String) -> [(String, String)] {
        [
            ("search_path", quoted(schema)),
            // `date::text` gives YYYY-MM-DD; the canonical form of a date field.
            ("DateStyle", "ISO, YMD"),
            ("TimeZone", "UTC"),
            ("application_name", "enforce"),
        ]
    }

    /// Runs `body` on a connection of its own (not from the pool): connection failures become `.unavailable`.
    static func withDirectConnection<T: Sendable>(
        _ url: PostgresURL, logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection: PostgresConnection
        do {
            var configuration = PostgresConnection.Configuration(
                host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
                tls: .disable)
            if let tls = url.tlsConfiguration {
                let context = try NIOSSLContext(configuration: tls)
                configuration.tls = url.tls == .prefer ? .prefer(context) : .require(context)
            }
            configuration.options.connectTimeout = .seconds(url.connectTimeout)
            configuration.options.additionalStartupParameters = [("application_name", "enforce")]
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw StoreError(
                .unavailable, "cannot connect to PostgreSQL at \(url.endpoint): \(describe(error))",
                zh: "无法连接PostgreSQL（\(url.endpoint)）：\(describe(error))")
        }
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private static func createSchema(_ schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        let sql = "CREATE SCHEMA IF NOT EXISTS \(quoted(schema))"
        do {
            // Looked up first: CREATE SCHEMA needs the CREATE privilege on the database even when the schema exists,
            // and a store's role may well lack it.
            var binds = PostgresBindings()
            binds.append(schema)
            let existing = try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", binds: binds),
                logger: logger
            ).collect()
            guard existing.isEmpty else { return }
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect()
        } catch let error as PSQLError where ["23505", "42P06"].contains(error.serverInfo?[.sqlState]) {
            // Two connections created the schema at once; the other one won, which is as good.
        } catch {
            throw databaseError(error, "creating the schema \(schema)")
        }
    }

    /// Releases the pool's connections and stops its background task. The store cannot be used afterwards.
    public func close() async throws {
        runTask.cancel()
        await runTask.value
    }

    // MARK: - The standard

    public func prepare(_ schema: StoreSchema) async throws -> SchemaMigration {
        let migration = try await perform("preparing the store") {
            try await self.inTransaction { connection in
                try await self.lockWriters(connection)
                let existing = try await self.existingTables(connection)
                let stored = existing["store_meta"] == nil ? nil : try await self.readStamp(connection)
                try schema.check(stored: stored)
                let statements = schema.migrationStatements(existing: existing, dialect: .postgres)
                try await self.migrate(statements, connection)
                if stored != schema.stamp {
                    var binds = PostgresBindings()
                    binds.append(schema.stamp.standard)
                    binds.append(schema.stamp.version)
                    try await self.run(
                        connection,
                        """
                        INSERT INTO store_meta (name, value) VALUES ('standard', $1), ('version', $2)
                        ON CONFLICT (name) DO UPDATE SET value = excluded.value
                        """, binds)
                }
                try await self.run(
                    connection,
                    "INSERT INTO store_meta (name, value) VALUES ('last_sequence', '0') ON CONFLICT (name) DO NOTHING")
                return SchemaMigration(from: stored, to: schema.stamp, statements: statements)
            }
        }
        state.withLock { $0.schema = schema }
        return migration
    }

    /// Runs migration statements in one round trip (a new store has a few hundred): a PL/pgSQL block of
    /// EXECUTEs. A server without PL/pgSQL (or whose library does not load) gets them one by one.
    private func migrate(_ statements: [String], _ connection: PostgresConnection) async throws {
        guard !statements.isEmpty else { return }
        let body = statements.map { "EXECUTE \(literal($0));" }.joined(separator: "\n")
        try await run(connection, "SAVEPOINT migration")
        do {
            try await run(connection, "DO $migration$ BEGIN\n\(body)\nEND $migration$")
            try await run(connection, "RELEASE SAVEPOINT migration")
            return
        } catch let error as PSQLError {
            // 58P01: the library does not load; 42704: no language plpgsql. Any other error is the statements'.
            guard let state = error.serverInfo?[.sqlState], ["58P01", "42704"].contains(state) else { throw error }
            logger.warning("PL/pgSQL is unavailable; migrating statement by statement: \(Self.describe(error))")
        }
        try await run(connection, "ROLLBACK TO SAVEPOINT migration")
        for statement in statements {
            try await run(connection, statement)
        }
    }

    public func storedStandard() async throws -> StandardStamp? {
        try await perform("reading the standard stamp") {
            try await self.client.withConnection { connection in
                var binds = PostgresBindings()
                binds.append(quoted(self.schemaName) + ".store_meta")
                let rows = try await self.run(connection, "SELECT to_regclass($1)::text", binds)
                guard rows.first?.makeRandomAccess()[0].bytes != nil else { return nil }
                return try await self.readStamp(connection)
            }
        }
    }

    /// The stamp in `store_meta`, if both its names are there.
    private func readStamp(_ connection: PostgresConnection) async throws -> StandardStamp? {
        let rows = try await run(
            connection, "SELECT name, value FROM store_meta WHERE name IN ('standard', 'version')")
        var values: [String: String] = [:]
        for row in rows {
            let cells = row.makeRandomAccess()
            values[try cells[0].requiredText()] = try cells[1].requiredText()
        }
        guard let standard = values["standard"], let version = values["version"] else { return nil }
        return StandardStamp(standard: standard, version: version)
    }

    /// The tables of the store's schema (partitions left out) and their columns.
    private func existingTables(_ connection: PostgresConnection) async throws -> [String: Set<String>] {
        var binds = PostgresBindings()
        binds.append(schemaName)
        let rows = try await run(
            connection,
            """
            SELECT c.relname::text, a.attname::text
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
            WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND a.attnum > 0 AND NOT a.attisdropped
            """, binds)
        var tables: [String: Set<String>] = [:]
        for row in rows {
            let cells = row.makeRandomAccess()
            tables[try cells[0].requiredText(), default: []].insert(try cells[1].requiredText())
        }
        return tables
    }

    // MARK: - Plumbing

    /// The prepared schema, or `.notPrepared`.
    func requireSchema() throws(StoreError) -> StoreSchema {
        guard let schema = state.withLock({ $0.schema }) else {
            throw StoreError(
                .notPrepared, "the store \(location) is not prepared (run `enforce store init`)",
                zh: "存储\(location)尚未初始化（请运行`enforce store init`）")
        }
        return schema
    }

    /// Months whose partitions are not known to exist.
    func unknownPartitions(_ months: Set<Int64>) -> [Int64] {
        state.withLock { state in months.filter { !state.partitions.contains($0) }.sorted() }
    }

    /// Records that partitions exist.
    func knowPartitions(_ months: [Int64]) {
        state.withLock { $0.partitions.formUnion(months) }
    }

    /// Serialises the transaction against every other writer of the same schema, until it ends.
    ///
    /// Commits must be serialised, not merely given distinct sequence numbers: a reader of the change feed keeps
    /// the highest sequence number it has seen as its cursor. If two commits took sequences 5 and 6 and the one with
    /// 6 became visible first, a reader could read 6, move its cursor past 5, and never see record 5 once that
    /// commit lands. With the lock held from reading `last_sequence` to COMMIT, sequence numbers become visible in
    /// order. The lock is keyed by the schema, so stores in other schemas of the database do not wait for each other
    /// (a hash collision only makes two schemas wait, never lets two writers of one schema through).
    func lockWriters(_ connection: PostgresConnection) async throws {
        var binds = PostgresBindings()
        binds.append(Self.lockClass)
        binds.append(schemaName)
        try await run(connection, "SELECT pg_advisory_xact_lock($1, hashtext($2))", binds)
    }

    /// Runs `body` in a transaction on a connection of the pool: committed when it returns, rolled back when it
    /// throws (its error is rethrown as it is).
    func inTransaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: self.logger)
            let value: T
            do {
                value = try await body(connection)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: self.logger)
                throw error
            }
            try await connection.query("COMMIT", logger: self.logger)
            return value
        }
    }

    /// Runs a statement and returns its rows.
    @discardableResult
    func run(_ connection: PostgresConnection, _ sql: String, _ binds: PostgresBindings = PostgresBindings())
        async throws -> [PostgresRow]
    {
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).collect()
    }

    /// Runs `body`, turning driver errors into ``StoreError``s: `.unavailable` when the server cannot be reached,
    /// `.database` with PostgreSQL's message otherwise.
    func perform<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.databaseError(error, "\(what) (\(location))")
        }
    }

    /// A ``StoreError`` for a driver error.
    static func databaseError(_ error: any Error, _ what: String) -> StoreError {
        if let error = error as? StoreError { return error }
        let description = describe(error)
        if let error = error as? PSQLError, error.serverInfo == nil {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed,
                .uncleanShutdown:
                return StoreError(
                    .unavailable, "PostgreSQL is unavailable while \(what): \(description)",
                    zh: "PostgreSQL不可用（\(what)）：\(description)")
            default:
                break
            }
        }
        return StoreError(
            .database, "PostgreSQL refused \(what): \(description)", zh: "PostgreSQL拒绝执行（\(what)）：\(description)")
    }

    /// What went wrong, from the server's message when there is one; never a query's parameters.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                var text = info[.message] ?? "error"
                if let state = info[.sqlState] { text += " (SQLSTATE \(state))" }
                if let detail = info[.detail] { text += "; \(detail)" }
                if let hint = info[.hint] { text += "; hint: \(hint)" }
                return text
            }
            var text = "\(error.code)"
            if let underlying = error.underlying { text += ": \(String(reflecting: underlying))" }
            return text
        }
        if let error = error as? PostgresDecodingError {
            return "cannot decode column \(error.columnName) (\(error.postgresType))"
        }
        return String(reflecting: error)
    }
}
