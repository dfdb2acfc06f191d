import DataStandard
import EnforcementStore
import EnforcementStorePostgres
import Foundation
import Logging
import PostgresNIO
import Testing

/// What only the PostgreSQL driver does: monthly partitions, COPY, connection failures, schemas, and commits
/// serialised so that the change feed has no gaps. The behaviour both drivers share is in the conformance suite.
@Suite("PostgresStore")
struct PostgresStoreTests {
    // MARK: Readings

    @Test("readings get monthly partitions by Beijing time, created on demand")
    func monthlyPartitions() async throws {
        try await withPreparedStore { store in
            // 2026-01-31 23:30 and 2026-02-01 00:30 in Beijing (UTC+8); then 2026-03-15.
            let lateJanuary = beijing(2026, 1, 31, 23, 30)
            let earlyFebruary = beijing(2026, 2, 1, 0, 30)
            let march = beijing(2026, 3, 15, 12, 0)
            try await store.appendReadings([
                MonitoringReading(point: "P1", pollutant: "a21026", time: lateJanuary, value: 1.5),
                MonitoringReading(point: "P1", pollutant: "a21026", time: earlyFebruary, value: 2.5),
                MonitoringReading(point: "P1", pollutant: "a21026", time: march, value: nil, flag: "D"),
            ])
            let partitions = try await query(
                """
                SELECT c.relname::text, pg_get_expr(c.relpartbound, c.oid)
                FROM pg_inherits i
                JOIN pg_class c ON c.oid = i.inhrelid
                JOIN pg_class p ON p.oid = i.inhparent
                JOIN pg_namespace n ON n.oid = p.relnamespace
                WHERE p.relname = 'store_readings' AND n.nspname = '\(store.schemaName)'
                ORDER BY 1
                """)
            #expect(
                partitions.map { $0[0] } == [
                    "store_readings_y2026m01", "store_readings_y2026m02", "store_readings_y2026m03",
                ])
            // February starts at midnight in Beijing, 16:00 UTC the day before.
            #expect(partitions[1][1]?.contains("2026-01-31 16:00:00+00") == true)
            let rows = try await query(
                """
                SELECT c.relname::text FROM "\(store.schemaName)".store_readings r JOIN pg_class c ON c.oid = r.tableoid
                ORDER BY r.t
                """)
            #expect(
                rows.map { $0[0] } == ["store_readings_y2026m01", "store_readings_y2026m02", "store_readings_y2026m03"])

            // The same months again: no new partitions, and a new month in a later batch gets one.
            try await store.appendReadings([
                MonitoringReading(point: "P2", pollutant: "a21026", time: march + 60, value: 3),
                MonitoringReading(point: "P2", pollutant: "a21026", time: beijing(2027, 12, 31, 23, 59), value: 4),
            ])
            let after = try await query(
                """
                SELECT count(*)::text FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                JOIN pg_namespace n ON n.oid = p.relnamespace
                WHERE p.relname = 'store_readings' AND n.nspname = '\(store.schemaName)'
                """)
            #expect(after.first?[0] == "4")

            let read = try await store.readings(point: "P1", pollutant: nil, from: lateJanuary, to: march + 1)
            #expect(read.map(\.time) == [lateJanuary, earlyFebruary, march])
            #expect(read.map(\.value) == [1.5, 2.5, nil])
            #expect(read.map(\.flag) == ["N", "N", "D"])
        }
    }

    @Test("appendReadings replaces a reading of the same point, pollutant and time; the last of a batch counts")
    func appendReplaces() async throws {
        try await withPreparedStore { store in
            let t = beijing(2026, 5, 1, 8, 0)
            try await store.appendReadings([
                MonitoringReading(point: "P\t1", pollutant: "w01018", time: t, value: 10),
                MonitoringReading(point: "P\t1", pollutant: "w01018", time: t + 3600, value: 11),
            ])
            try await store.appendReadings([
                MonitoringReading(point: "P\t1", pollutant: "w01018", time: t, value: 20, flag: "M"),
                MonitoringReading(point: "P\t1", pollutant: "w01018", time: t, value: 21, flag: "C"),
                MonitoringReading(point: "P\t1", pollutant: "a01012", time: t, value: -0.125),
            ])
            let read = try await store.readings(point: "P\t1", pollutant: nil, from: t, to: t + 7200)
            #expect(
                read == [
                    MonitoringReading(point: "P\t1", pollutant: "a01012", time: t, value: -0.125),
                    MonitoringReading(point: "P\t1", pollutant: "w01018", time: t, value: 21, flag: "C"),
                    MonitoringReading(point: "P\t1", pollutant: "w01018", time: t + 3600, value: 11),
                ])
            let water = try await store.readings(point: "P\t1", pollutant: "w01018", from: t + 1, to: t + 7200)
            #expect(water.map(\.time) == [t + 3600])
        }
    }

    @Test("copyReadings copies in bulk; a duplicate fails the whole copy")
    func copyReadings() async throws {
        try await withPreparedStore { store in
            let start = beijing(2026, 6, 30, 0, 0)
            var readings: [MonitoringReading] = []
            for index in 0..<5000 {
                let pollutant = index % 2 == 0 ? "a21026" : "a21002"
                let time = start + Int64(index / 10) * 600
                let flag = index % 7 == 0 ? "T" : "N"
                readings.append(
                    MonitoringReading(
                        point: "MN\(index % 5)", pollutant: pollutant, time: time, value: Double(index) / 8, flag: flag)
                )
            }
            try await store.copyReadings(readings)
            let read = try await store.readings(point: "MN3", pollutant: nil, from: start, to: start + 86_400 * 30)
            let expected = readings.filter { $0.point == "MN3" }.sorted {
                ($0.pollutant, $0.time) < ($1.pollutant, $1.time)
            }
            #expect(read == expected)
            let months = try await query(
                """
                SELECT count(*)::text FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                JOIN pg_namespace n ON n.oid = p.relnamespace
                WHERE p.relname = 'store_readings' AND n.nspname = '\(store.schemaName)'
                """)
            #expect(months.first?[0] == "2")  // June and July

            let error = await #expect(throws: StoreError.self) {
                try await store.copyReadings([
                    MonitoringReading(point: "MN9", pollutant: "a21026", time: start, value: 1),
                    readings[0],
                ])
            }
            #expect(error?.code == .database)
            #expect(try await store.readings(point: "MN9", pollutant: nil, from: start, to: start + 1).isEmpty)
            let total = try await query("SELECT count(*)::text FROM \"\(store.schemaName)\".store_readings")
            #expect(total.first?[0] == "5000")
        }
    }

    // MARK: Connections

    @Test(
        "a malformed URL is .unavailable",
        arguments: [
            "", "not a url", "mysql://root@127.0.0.1/enforce", "postgres://127.0.0.1:5432/enforce",
            "postgres://u:pw@127.0.0.1:5432/", "postgres://u@127.0.0.1:99999/enforce",
            "postgres://u@127.0.0.1/enforce?sslmode=sometimes",
        ])
    func malformedURL(url: String) async throws {
        let error = await #expect(throws: StoreError.self) {
            _ = try await PostgresStore.connect(url: url, schema: "unused")
        }
        #expect(error?.code == .unavailable)
    }

    @Test("an unreachable server is .unavailable, named without the password")
    func unreachableServer() async throws {
        let port = 1  // tcpmux: nothing listens there
        let error = await #expect(throws: StoreError.self) {
            _ = try await PostgresStore.connect(url: "postgres://enforce:s3cret@127.0.0.1:\(port)/enforce_test")
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("127.0.0.1:\(port)/enforce_test") == true)
        #expect(error?.message.contains("s3cret") == false)
        #expect(error?.messageZH.contains("s3cret") == false)
    }

    @Test("a missing database is .unavailable with the server's message")
    func missingDatabase() async throws {
        let url = try postgresURL()
        guard let slash = url.lastIndex(of: "/") else { throw MissingServer() }
        let error = await #expect(throws: StoreError.self) {
            _ = try await PostgresStore.connect(url: url[...slash] + "no_such_database")
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("no_such_database") == true)
    }

    @Test("location names the server, the database and the schema")
    func location() async throws {
        try await withPreparedStore { store in
            let url = try postgresURL()
            guard let at = url.firstIndex(of: "@") else { throw MissingServer() }
            #expect(store.location == "PostgreSQL \(url[url.index(after: at)...]) (\(store.schemaName))")
        }
    }

    // MARK: Schemas

    @Test("a role that may not create schemas works in a schema made for it")
    func existingSchemaWithoutCreatePrivilege() async throws {
        let url = try postgresURL()
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let role = "enforce_app_\(suffix)"
        let schema = "app_\(suffix)"
        _ = try await query("CREATE ROLE \(role) LOGIN")
        do {
            _ = try await query("CREATE SCHEMA \(schema) AUTHORIZATION \(role)")
            let roleURL = url.replacingOccurrences(of: "://postgres@", with: "://\(role)@")
            let store = try await PostgresStore.connect(url: roleURL, schema: schema)
            do {
                _ = try await store.prepare(TestEnvironment.schema)
                let table = try sampleTable()
                _ = try await store.commit(
                    StoreTransaction(writes: [sampleWrite(table, key: 1, division: "510104")], now: 1))
                try await store.appendReadings([MonitoringReading(point: "P", pollutant: "a21026", time: 0, value: 1)])
                #expect(try await store.count(entity: table.entity.id, scope: .province) == 1)
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
            try await PostgresStore.dropSchema(url: url, schema: schema)
            _ = try await query("DROP ROLE \(role)")
        } catch {
            try? await PostgresStore.dropSchema(url: url, schema: schema)
            _ = try? await query("DROP ROLE \(role)")
            throw error
        }
    }

    @Test("stores in two schemas of one database do not see each other's records")
    func schemasAreSeparate() async throws {
        try await withTwoStores(.postgres) { first, second in
            _ = try await first.prepare(TestEnvironment.schema)
            _ = try await second.prepare(TestEnvironment.schema)
            let table = try sampleTable()
            let write = sampleWrite(table, key: 1, division: "510104")
            let result = try await first.commit(StoreTransaction(writes: [write], now: 1_800_000_000))
            #expect(result.outcomes == [.inserted(sequence: 1)])
            try await first.appendReadings([MonitoringReading(point: "P", pollutant: "a21026", time: 0, value: 1)])

            #expect(try await first.count(entity: table.entity.id, scope: .province) == 1)
            #expect(try await second.count(entity: table.entity.id, scope: .province) == 0)
            #expect(try await second.record(entity: table.entity.id, key: write.key, scope: .province) == nil)
            #expect(try await second.changes(after: 0, scope: .province, limit: 10).isEmpty)
            #expect(try await second.lastSequence() == 0)
            #expect(try await second.readings(point: "P", pollutant: nil, from: 0, to: 1).isEmpty)

            // The second store's own record gets its own sequence 1.
            let other = try await second.commit(StoreTransaction(writes: [write], now: 1_800_000_000))
            #expect(other.outcomes == [.inserted(sequence: 1)])
        }
    }

    @Test("typed columns give back the canonical text, and the same content is unchanged")
    func typedColumnsRoundTrip() async throws {
        try await withPreparedStore { store in
            let table = try sampleTable()
            let write = sampleWrite(table, key: 7, division: "510104")
            let first = try await store.commit(StoreTransaction(writes: [write], now: 1_800_000_000))
            #expect(first.outcomes == [.inserted(sequence: 1)])
            let stored = try await store.record(entity: table.entity.id, key: write.key, scope: .province)
            #expect(stored?.values == write.values)
            #expect(stored?.hash == write.hash)
            #expect(stored?.division == "510104")
            #expect(stored?.changedAt == 1_800_000_000)
            let again = try await store.commit(StoreTransaction(writes: [write], now: 1_800_000_100))
            #expect(again.outcomes == [.unchanged])
            #expect(again.lastSequence == 1)
        }
    }

    @Test("an unknown entity rolls the whole transaction back")
    func unknownEntityRollsBack() async throws {
        try await withPreparedStore { store in
            let table = try sampleTable()
            var stray = sampleWrite(table, key: 2, division: nil)
            stray.entity = "no_such_entity"
            let error = await #expect(throws: StoreError.self) {
                try await store.commit(
                    StoreTransaction(writes: [sampleWrite(table, key: 1, division: nil), stray], now: 1))
            }
            #expect(error?.code == .unknownEntity)
            #expect(try await store.lastSequence() == 0)
            #expect(try await store.count(entity: table.entity.id, scope: .province) == 0)
        }
    }

    // MARK: Sequence numbers

    @Test("concurrent commits from two connections get distinct sequences that the change feed sees without gaps")
    func concurrentCommits() async throws {
        let url = try postgresURL()
        try await withPreparedStore { store in
            // A second store on the same schema: another process, in effect, with its own connections.
            let twin = try await PostgresStore.connect(url: url, schema: store.schemaName)
            do {
                _ = try await twin.prepare(TestEnvironment.schema)
                let table = try sampleTable()
                let rounds = 40
                let perCommit = 3

                // A reader follows the feed while the writers run: with its cursor at the highest sequence it has
                // seen, it must still see every record in the end.
                let reader = Task { () throws -> [Int64] in
                    var cursor: Int64 = 0
                    var seen: [Int64] = []
                    var idle = 0
                    while idle < 200 && seen.count < 2 * rounds * perCommit {
                        let batch = try await store.changes(after: cursor, scope: .province, limit: 7)
                        if batch.isEmpty {
                            idle += 1
                            try await Task.sleep(for: .milliseconds(5))
                        } else {
                            idle = 0
                            seen += batch.map(\.sequence)
                            cursor = batch[batch.count - 1].sequence
                        }
                    }
                    return seen
                }

                async let fromFirst = commitRounds(store, table: table, writer: 0, rounds: rounds, perCommit: perCommit)
                async let fromSecond = commitRounds(twin, table: table, writer: 1, rounds: rounds, perCommit: perCommit)
                let (a, b) = try await (fromFirst, fromSecond)
                let seen = try await reader.value

                let total = 2 * rounds * perCommit
                #expect(a == a.sorted() && Set(a).count == a.count)
                #expect(b == b.sorted() && Set(b).count == b.count)
                #expect((a + b).sorted() == Array(1...Int64(total)))
                #expect(seen == Array(1...Int64(total)), "the feed skipped or repeated sequences")
                #expect(try await store.lastSequence() == Int64(total))
                let feed = try await store.changes(after: 0, scope: .province, limit: total + 10)
                #expect(feed.map(\.sequence) == Array(1...Int64(total)))
                try await twin.close()
            } catch {
                try? await twin.close()
                throw error
            }
        }
    }
}

// MARK: - Helpers

/// Commits `rounds` transactions of new records; returns the sequence numbers given, in order.
private func commitRounds(_ store: PostgresStore, table: EntityTable, writer: Int, rounds: Int, perCommit: Int)
    async throws -> [Int64]
{
    var sequences: [Int64] = []
    for round in 0..<rounds {
        let writes = (0..<perCommit).map { index in
            sampleWrite(table, key: writer * 1_000_000 + round * 100 + index, division: "510104")
        }
        let result = try await store.commit(StoreTransaction(writes: writes, now: 1_800_000_000 + Int64(round)))
        for outcome in result.outcomes {
            guard case .inserted(let sequence) = outcome else {
                Issue.record("expected an insert, got \(outcome)")
                continue
            }
            sequences.append(sequence)
        }
    }
    return sequences
}

private func postgresURL() throws -> String {
    guard let url = TestEnvironment.postgresURL else { throw MissingServer() }
    return url
}

/// Runs `body` with a new prepared PostgreSQL store.
private func withPreparedStore(_ body: (PostgresStore) async throws -> Void) async throws {
    try await withStore(.postgres) { store in
        guard let store = store as? PostgresStore else {
            Issue.record("withStore(.postgres) did not give a PostgresStore")
            return
        }
        _ = try await store.prepare(TestEnvironment.schema)
        try await body(store)
    }
}

/// An entity with typed fields (integer, decimal, date, boolean) and a division.
private func sampleTable() throws -> EntityTable {
    let schema = TestEnvironment.schema
    if let table = schema.table("assessment"), table.divisionSlot != nil { return table }
    guard let table = schema.tables.first(where: { $0.divisionSlot != nil && !$0.keySlots.isEmpty }) else {
        throw StoreError(.unknownEntity, "the standard has no entity with a division and a key")
    }
    return table
}

/// A write of `table` with a value of every field: canonical text of its storage type, distinct keys by `key`.
private func sampleWrite(_ table: EntityTable, key: Int, division: String?) -> RecordWrite {
    var values: [String?] = []
    for (slot, storage) in table.storage.enumerated() {
        if slot == table.divisionSlot {
            values.append(division)
            continue
        }
        if table.keySlots.contains(slot) {
            values.append("K\(key)-\(slot)")
            continue
        }
        switch storage {
        case .text: values.append("值 \(slot) 'quoted' \\ \"x\"")
        case .integer: values.append(String(-9_007_199_254_740_993 + Int64(slot)))
        case .decimal: values.append("12.50")
        case .date: values.append("2026-02-28")
        case .boolean: values.append(slot % 2 == 0 ? "true" : "false")
        }
    }
    return RecordWrite(
        entity: table.entity.id, key: RecordContent.key(values, table: table) ?? "K\(key)", division: division,
        values: values, hash: RecordContent.hash(values, table: table),
        standardVersion: TestEnvironment.schema.standard.version, source: "test:postgres")
}

/// A time in Beijing (UTC+8), in seconds since 1970.
private func beijing(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int) -> Int64 {
    var components = DateComponents()
    (components.year, components.month, components.day, components.hour, components.minute) =
        (year, month, day, hour, minute)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt
    return Int64(calendar.date(from: components)?.timeIntervalSince1970 ?? 0)
}

/// Runs a query on the test server with a connection of its own; every column as text.
private func query(_ sql: String) async throws -> [[String?]] {
    guard let components = URLComponents(string: try postgresURL()), let host = components.host else {
        throw MissingServer()
    }
    let configuration = PostgresConnection.Configuration(
        host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
        password: components.password, database: String(components.path.dropFirst()), tls: .disable)
    let logger = Logger(label: "enforce.tests")
    let connection = try await PostgresConnection.connect(configuration: configuration, id: 99, logger: logger)
    do {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect()
        try await connection.close()
        return try rows.map { row in
            try row.map { cell in try cell.decode(String?.self) }
        }
    } catch {
        try? await connection.close()
        throw error
    }
}
