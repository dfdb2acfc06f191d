import ArgumentParser
import DataStandard
import EnforcementModel
import EnforcementStore
import EnforcementStorePostgres
import EnforcementStoreSQLite
import Foundation

/// `--store`: where the data is — a SQLite file (the default, `data/enforce.sqlite`) or a PostgreSQL URL.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The store: a SQLite file path, or postgres://user[:password]@host[:port]/database "
                + "(default: $ENFORCE_STORE, else data/enforce.sqlite).",
            valueName: "path-or-url"))
    var store: String?

    @OptionGroup var standard: StandardOptions

    var location: String {
        store ?? ProcessInfo.processInfo.environment["ENFORCE_STORE"] ?? "data/enforce.sqlite"
    }

    /// Opens the store (not prepared).
    func open() async throws -> any RecordStore {
        let location = location
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            return try await PostgresStore.connect(url: location)
        }
        return try SQLiteStore(path: location)
    }

    /// Opens the store and prepares it for the standard (creating or migrating its tables): every command that
    /// works on a store calls this, so that a new store needs no separate set-up.
    func openPrepared() async throws -> (store: any RecordStore, schema: StoreSchema, migration: SchemaMigration) {
        let spec = try standard.loadStandard()
        let schema = StoreSchema(standard: spec)
        let store = try await open()
        do {
            let migration = try await store.prepare(schema)
            return (store, schema, migration)
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// Runs `body` with a prepared store and closes it afterwards, whatever happens.
func withPreparedStore<T>(
    _ options: StoreOptions,
    _ body: (any RecordStore, StoreSchema, SchemaMigration) async throws -> T
) async throws -> T {
    let (store, schema, migration) = try await options.openPrepared()
    do {
        let result = try await body(store, schema, migration)
        try await store.close()
        return result
    } catch {
        try? await store.close()
        throw error
    }
}

/// The clock of the CLI (the frontend is the one place that reads it).
enum Clock {
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    static func nowInBeijing() -> LocalDateTime { LocalDateTime(secondsSinceEpoch: now()) }

    /// Today's date in Beijing.
    static func todayInBeijing() -> CivilDate { nowInBeijing().date }
}

/// A division code option.
extension DivisionCode: ExpressibleByArgument {
    public init?(argument: String) {
        guard let code = try? DivisionCode(argument) else { return nil }
        self = code
    }
}

/// Prints a progress line to standard error.
func progressLine(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
