import DataStandard
import EnforcementStore
import EnforcementStorePostgres
import EnforcementStoreSQLite
import Foundation
import Testing

/// The backends every persistence test runs against. PostgreSQL is not optional: without a server the tests fail
/// (scripts/test.sh starts one and sets `ENFORCE_TEST_POSTGRES_URL`).
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

enum TestEnvironment {
    /// The standard in the repository's Specs/.
    static let standard: StandardSpec = {
        do {
            return try StandardLoader().load(directory: StandardLoader.defaultStandardDirectory())
        } catch {
            fatalError("the standard in Specs/ does not load: \(error)")
        }
    }()

    static let schema = StoreSchema(standard: standard)

    static var postgresURL: String? { ProcessInfo.processInfo.environment["ENFORCE_TEST_POSTGRES_URL"] }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "enforce-store-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

struct MissingServer: Error, CustomStringConvertible {
    var description: String {
        "ENFORCE_TEST_POSTGRES_URL is not set: run the suite with scripts/test.sh, which starts a PostgreSQL server"
    }
}

/// Runs `body` with a new, empty store of a backend (not prepared), and removes the store afterwards: a SQLite
/// file in a temporary directory, or a PostgreSQL schema of its own in the test server.
func withStore<T>(
    _ backend: Backend, _ body: (any RecordStore) async throws -> T
) async throws -> T {
    switch backend {
    case .sqlite:
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path)
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    case .postgres:
        guard let url = TestEnvironment.postgresURL else { throw MissingServer() }
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let store = try await PostgresStore.connect(url: url, schema: schema)
        do {
            let result = try await body(store)
            try await store.close()
            try await PostgresStore.dropSchema(url: url, schema: schema)
            return result
        } catch {
            try? await store.close()
            try? await PostgresStore.dropSchema(url: url, schema: schema)
            throw error
        }
    }
}

/// Runs `body` with two new stores of a backend (exchange between a city and the province).
func withTwoStores<T>(
    _ backend: Backend, _ body: (any RecordStore, any RecordStore) async throws -> T
) async throws -> T {
    try await withStore(backend) { first in
        try await withStore(backend) { second in try await body(first, second) }
    }
}
