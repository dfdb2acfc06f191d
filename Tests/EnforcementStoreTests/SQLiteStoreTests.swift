import DataStandard
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
}
