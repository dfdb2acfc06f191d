import DataStandard
import EnforcementModel
import EnforcementStore
import Foundation
import Testing

@testable import EnforcementStoreSQLite

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

    /// Runs SQL through the sqlite3 shell; its output.
    @discardableResult
    private static func shell(_ path: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, sql]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "sqlite3 \(sql)")
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The indexes of the regulated-entity table (but those of `UNIQUE` constraints), read by the sqlite3 shell.
    private static func indexes(_ path: String) throws -> Set<String> {
        let names = try shell(
            path,
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rec_regulated_entity' "
                + "AND sql IS NOT NULL")
        return Set(names.split(separator: "\n").map(String.init))
    }

    /// A new store in `directory`, prepared, a bulk load of regulated entities begun, and its path.
    private static func loading(in directory: URL) async throws -> (store: SQLiteStore, path: String) {
        let path = directory.appendingPathComponent("bulk.sqlite").path
        let store = try SQLiteStore(path: path)
        _ = try await store.prepare(TestEnvironment.schema)
        try await store.beginBulkLoad(entity: "regulated_entity")
        return (store, path)
    }

    @Test("a bulk load into an empty table builds its secondary indexes at the end; a crash leaves them to prepare")
    func bulkLoad() async throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bulk.sqlite").path
        let table = try #require(TestEnvironment.schema.table("regulated_entity"))
        let expected = Set(table.secondaryIndexes.map(\.name) + [table.keyIndex])
        #expect(expected.contains("rec_regulated_entity__key"))
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
        #expect(try Self.shell(empty, "PRAGMA journal_mode") == "delete")
        try await crashed.close()
        #expect(try Self.indexes(empty).isEmpty)
        #expect(try Self.shell(empty, "PRAGMA journal_mode") == "wal")
        let reopened = try SQLiteStore(path: empty)
        #expect(try await reopened.prepare(TestEnvironment.schema).statements.isEmpty)
        #expect(try Self.indexes(empty) == expected)
        try await reopened.close()
    }

    @Test("a bulk load with the file to itself writes through a rollback journal, and returns the file to WAL")
    func bulkLoadThroughRollbackJournal() async throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bulk.sqlite").path
        let store = try SQLiteStore(path: path, durability: .normal)
        _ = try await store.prepare(TestEnvironment.schema)
        // A read leaves a reader connection in the pool: the load closes it, and has the file to itself.
        #expect(try await store.count(entity: "regulated_entity", scope: .province) == 0)
        try await store.beginBulkLoad(entity: "regulated_entity")
        #expect(try Self.shell(path, "PRAGMA journal_mode") == "delete")

        let written = try await store.commit(
            StoreTransaction(writes: [Self.write("E0001"), Self.write("E0002")], now: 1_772_000_000))
        #expect(written.outcomes == [.inserted(sequence: 1), .inserted(sequence: 2)])
        // Readers work in a rollback journal too, and so does another process.
        #expect(try await store.count(entity: "regulated_entity", scope: .province) == 2)
        #expect(try Self.shell(path, "SELECT count(*) FROM rec_regulated_entity") == "2")
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))

        try await store.finishBulkLoad(entity: "regulated_entity")
        #expect(try Self.shell(path, "PRAGMA journal_mode") == "wal")
        #expect(try Self.indexes(path).contains("rec_regulated_entity__key"))
        let again = try await store.commit(
            StoreTransaction(writes: [Self.write("E0001"), Self.write("E0003")], now: 1_772_000_100))
        #expect(again.outcomes == [.unchanged, .inserted(sequence: 3)])
        #expect(try (FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0) > 0)
        try await store.close()
        let reopened = try SQLiteStore(path: path)
        _ = try await reopened.prepare(TestEnvironment.schema)
        #expect(try await reopened.count(entity: "regulated_entity", scope: .province) == 3)
        try await reopened.close()
    }

    @Test("a bulk load beside another connection on the file stays in WAL")
    func bulkLoadBesideAnotherConnection() async throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bulk.sqlite").path
        let store = try SQLiteStore(path: path)
        _ = try await store.prepare(TestEnvironment.schema)
        let other = try SQLiteStore(path: path)
        _ = try await other.prepare(TestEnvironment.schema)

        try await store.beginBulkLoad(entity: "regulated_entity")
        #expect(try Self.shell(path, "PRAGMA journal_mode") == "wal")
        _ = try await store.commit(StoreTransaction(writes: [Self.write("E0001")], now: 1_772_000_000))
        #expect(try await other.count(entity: "regulated_entity", scope: .province) == 1)
        try await store.finishBulkLoad(entity: "regulated_entity")
        #expect(try Self.shell(path, "PRAGMA journal_mode") == "wal")
        try await other.close()
        try await store.close()
    }

    @Test("a key written twice during a bulk load ends it: the key index is built and the write is an update")
    func bulkLoadWithDuplicateKey() async throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (store, path) = try await Self.loading(in: directory)
        let first = try await store.commit(
            StoreTransaction(writes: [Self.write("E0001"), Self.write("E0002")], now: 1_772_000_000))
        #expect(first.outcomes == [.inserted(sequence: 1), .inserted(sequence: 2)])
        #expect(!(try Self.indexes(path)).contains("rec_regulated_entity__key"))

        var changed = Self.write("E0001")
        changed.values[1] = "成都锦江示范化工股份有限公司"
        changed.hash = RecordContent.hash(changed.values, table: TestEnvironment.schema.table("regulated_entity")!)
        let second = try await store.commit(
            StoreTransaction(writes: [Self.write("E0003"), changed, Self.write("E0002")], now: 1_772_000_100))
        #expect(second.outcomes == [.inserted(sequence: 3), .updated(sequence: 4, revision: 2), .unchanged])
        #expect(try Self.indexes(path).contains("rec_regulated_entity__key"))
        try await store.finishBulkLoad(entity: "regulated_entity")
        #expect(try Self.shell(path, "SELECT count(*), count(DISTINCT _key) FROM rec_regulated_entity") == "3|3")
        let stored = try await store.record(entity: "regulated_entity", key: "E0001", scope: .province)
        #expect(stored?.values[1] == "成都锦江示范化工股份有限公司")
        #expect(stored?.revision == 2)
        try await store.close()
    }

    @Test("the key hashes of a bulk load: each taken once, across growth, the hash 0 included")
    func keyHashSet() {
        var set = KeyHashSet()
        var generator = SystemRandomNumberGenerator()
        let hashes = Array(Set((0..<5_000).map { _ in Int.random(in: .min ... .max, using: &generator) })) + [0]
        var firsts: [Bool] = []
        for hash in hashes { firsts.append(set.insert(hash)) }
        #expect(firsts.allSatisfy { $0 })
        #expect(set.count == hashes.count)
        // Every hash again, and the ones that share low bits with them (their neighbours in the table), once.
        var agains: [Bool] = []
        for hash in hashes { agains.append(set.insert(hash)) }
        #expect(agains.allSatisfy { !$0 })
        let one = set.insert(1)
        #expect(!one, "0 counts as 1")
        let shifted = hashes.filter { $0 != 0 }.map { $0 ^ (1 << 62) }.filter { !hashes.contains($0) }
        var neighbours: [Bool] = []
        for hash in shifted { neighbours.append(set.insert(hash)) }
        #expect(neighbours.allSatisfy { $0 })
        #expect(set.count == hashes.count + shifted.count)
    }

    @Test("another store writing the table during a bulk load builds the key index and ends the load")
    func bulkLoadWithAnotherWriter() async throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (loader, path) = try await Self.loading(in: directory)
        _ = try await loader.commit(StoreTransaction(writes: [Self.write("E0001")], now: 1_772_000_000))

        let other = try SQLiteStore(path: path)
        _ = try await other.prepare(TestEnvironment.schema)
        let written = try await other.commit(
            StoreTransaction(writes: [Self.write("E0002"), Self.write("E0001")], now: 1_772_000_100))
        #expect(written.outcomes == [.inserted(sequence: 2), .unchanged])
        #expect(try Self.indexes(path).contains("rec_regulated_entity__key"))
        try await other.close()

        // The loader's next write of E0002 sees the table end elsewhere than it left it: looked up, unchanged.
        let again = try await loader.commit(
            StoreTransaction(writes: [Self.write("E0002"), Self.write("E0003")], now: 1_772_000_200))
        #expect(again.outcomes == [.unchanged, .inserted(sequence: 3)])
        try await loader.finishBulkLoad(entity: "regulated_entity")
        #expect(try Self.shell(path, "SELECT count(*), count(DISTINCT _key) FROM rec_regulated_entity") == "3|3")
        try await loader.close()
    }

    @Test("a store made when the key was a UNIQUE constraint keeps it: no second key index, bulk loads work")
    func keyConstraintOfOlderStores() async throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("older.sqlite").path
        let store = try SQLiteStore(path: path)
        _ = try await store.prepare(TestEnvironment.schema)
        try await store.close()
        // The table as stores made it before the key index was named.
        let create = try Self.shell(
            path, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'rec_regulated_entity'")
        let older = create.replacingOccurrences(of: "_key TEXT NOT NULL,", with: "_key TEXT NOT NULL UNIQUE,")
        #expect(older != create)
        try Self.shell(path, "DROP TABLE rec_regulated_entity; \(older);")

        let reopened = try SQLiteStore(path: path)
        _ = try await reopened.prepare(TestEnvironment.schema)
        let table = try #require(TestEnvironment.schema.table("regulated_entity"))
        #expect(try Self.indexes(path) == Set(table.secondaryIndexes.map(\.name)))
        try await reopened.beginBulkLoad(entity: "regulated_entity")
        let result = try await reopened.commit(
            StoreTransaction(writes: [Self.write("E0001"), Self.write("E0002")], now: 1_772_000_000))
        #expect(result.outcomes == [.inserted(sequence: 1), .inserted(sequence: 2)])
        try await reopened.finishBulkLoad(entity: "regulated_entity")
        #expect(try Self.indexes(path) == Set(table.secondaryIndexes.map(\.name)))
        let again = try await reopened.commit(StoreTransaction(writes: [Self.write("E0001")], now: 1_772_000_100))
        #expect(again.outcomes == [.unchanged])
        try await reopened.close()
    }
}
