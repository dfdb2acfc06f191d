import DataStandard
import EnforcementModel
import EnforcementStore
import EnforcementStoreSQLite
import Foundation
import Testing

/// What only the SQLite driver does: files, folders, reopening.
@Suite("SQLite store")
struct SQLiteStoreTests {
    private static func write(_ code: String) -> RecordWrite {
        let table = TestEnvironment.schema.table("regulated_entity")!
        var values = [String?](repeating: nil, count: table.fieldIDs.count)
        values[table.fieldIDs.firstIndex(of: "entity_code")!] = code
        values[table.fieldIDs.firstIndex(of: "name")!] = "成都锦江示范化工有限公司"
        values[table.fieldIDs.firstIndex(of: "division_code")!] = "510104"
        values[table.fieldIDs.firstIndex(of: "key_emitter")!] = "true"
        return RecordWrite(
            entity: "regulated_entity", key: code, division: "510104", values: values,
            hash: RecordContent.hash(values, table: table), standardVersion: "1.0", source: "import:test.csv")
    }

    @Test(
        "creates missing folders, and keeps the data and the stamp when reopened",
        arguments: [
            SQLiteStore.Durability.full, .normal,
        ])
    func reopen(durability: SQLiteStore.Durability) async throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("city/data/enforce.sqlite").path

        let store = try SQLiteStore(path: path, durability: durability)
        #expect(store.location == "SQLite \(path)")
        _ = try await store.prepare(TestEnvironment.schema)
        let first = try await store.commit(StoreTransaction(writes: [Self.write("E0001")], now: 1_772_000_000))
        try await store.close()
        #expect(FileManager.default.fileExists(atPath: path))

        let reopened = try SQLiteStore(path: path, durability: durability)
        #expect(try await reopened.storedStandard() == TestEnvironment.schema.stamp)
        do {
            _ = try await reopened.record(entity: "regulated_entity", key: "E0001", scope: .province)
            Issue.record("a store not prepared since it was opened answered")
        } catch let error as StoreError {
            #expect(error.code == .notPrepared)
        }
        #expect(try await reopened.prepare(TestEnvironment.schema).statements.isEmpty)
        let record = try #require(
            try await reopened.record(entity: "regulated_entity", key: "E0001", scope: .province))
        #expect(record.values == Self.write("E0001").values)
        #expect(try await reopened.lastSequence() == first.lastSequence)
        let second = try await reopened.commit(StoreTransaction(writes: [Self.write("E0002")], now: 1_772_000_001))
        #expect(second.outcomes == [.inserted(sequence: first.lastSequence + 1)])
        try await reopened.close()
    }

    @Test("a path that cannot be a database is unavailable, and the message names it")
    func unavailable() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The path is a folder.
        do {
            _ = try SQLiteStore(path: directory.path)
            Issue.record("a folder opened as a store")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.message.contains(directory.path))
        }
        // The parent is a file.
        let file = directory.appendingPathComponent("file")
        try Data("not a folder".utf8).write(to: file)
        do {
            _ = try SQLiteStore(path: file.appendingPathComponent("store.sqlite").path)
            Issue.record("a store opened under a file")
        } catch {
            #expect(error.code == .unavailable)
        }
        // The file is not an SQLite database.
        let garbage = directory.appendingPathComponent("garbage.sqlite")
        try Data(repeating: 0x41, count: 8192).write(to: garbage)
        do {
            _ = try SQLiteStore(path: garbage.path)
            Issue.record("a file of garbage opened as a store")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.message.contains(garbage.path))
        }
    }

    /// The secondary indexes of the regulated-entity table, read by the sqlite3 shell.
    private static func indexes(_ path: String) throws -> Set<String> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [
            path,
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rec_regulated_entity' "
                + "AND sql IS NOT NULL",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Set(text.split(separator: "\n").map(String.init))
    }

    @Test("a bulk load into an empty table builds its secondary indexes at the end; a crash leaves them to prepare")
    func bulkLoad() async throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bulk.sqlite").path
        let table = try #require(TestEnvironment.schema.table("regulated_entity"))
        let expected = Set(table.secondaryIndexes.map(\.name))
        #expect(expected.contains("rec_regulated_entity__division"))
        #expect(expected.contains("rec_regulated_entity_updated_at"))

        let store = try SQLiteStore(path: path)
        _ = try await store.prepare(TestEnvironment.schema)
        #expect(try Self.indexes(path) == expected)
        try await store.beginBulkLoad(entity: "regulated_entity")
        #expect(try Self.indexes(path).isEmpty)
        _ = try await store.commit(StoreTransaction(writes: [Self.write("E0001")], now: 1_772_000_000))
        let scoped = try await store.records(
            entity: "regulated_entity", scope: DivisionScope(try DivisionCode("510104")), after: nil, limit: 10)
        #expect(scoped.map(\.key) == ["E0001"])
        try await store.finishBulkLoad(entity: "regulated_entity")
        #expect(try Self.indexes(path) == expected)

        // A table with records keeps its indexes.
        try await store.beginBulkLoad(entity: "regulated_entity")
        #expect(try Self.indexes(path) == expected)
        try await store.finishBulkLoad(entity: "regulated_entity")
        try await store.close()

        // The process dies during a bulk load: the next prepare builds the indexes.
        let empty = directory.appendingPathComponent("crashed.sqlite").path
        let crashed = try SQLiteStore(path: empty)
        _ = try await crashed.prepare(TestEnvironment.schema)
        try await crashed.beginBulkLoad(entity: "regulated_entity")
        try await crashed.close()
        #expect(try Self.indexes(empty).isEmpty)
        let reopened = try SQLiteStore(path: empty)
        #expect(try await reopened.prepare(TestEnvironment.schema).statements.isEmpty)
        #expect(try Self.indexes(empty) == expected)
        try await reopened.close()
    }
}
