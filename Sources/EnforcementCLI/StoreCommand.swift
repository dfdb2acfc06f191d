import ArgumentParser
import DataStandard
import EnforcementModel
import EnforcementStore
import Foundation

/// `enforce store init|status`.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Create, migrate and inspect a store (SQLite file or PostgreSQL).",
        subcommands: [Init.self, Status.self]
    )

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the store's tables for the standard, or migrate them from an older version.",
            discussion: """
                Tables, keys and indexes are derived from the standard's entities for the store's SQL dialect.
                Run it again after installing a newer version of the standard: new entities get tables, new
                fields get columns, stored records keep the version they followed (STD-7). Idempotent.
                """
        )

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await withPreparedStore(store) { store, schema, migration in
                if output.isJSON {
                    try printJSON(migration)
                    return
                }
                let to = "\(migration.to.standard) \(migration.to.version)"
                if let from = migration.from {
                    if migration.statements.isEmpty {
                        print("\(store.location): up to date with \(to)")
                    } else {
                        print(
                            "\(store.location): migrated from \(from.version) to \(to) "
                                + "(\(migration.statements.count) statements)")
                    }
                } else {
                    print(
                        "\(store.location): created for \(to): \(schema.tables.count) entity tables "
                            + "(\(migration.statements.count) statements)")
                }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a store holds: records per entity, quarantine, tickets, the change sequence.")

        @Option(name: .long, help: "The division whose records are counted (default: the province, 510000).")
        var division: DivisionCode?

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        struct Summary: Encodable {
            var store: String
            var standard: StandardStamp?
            var division: String
            var lastSequence: Int64
            var records: [String: Int]
            var quarantined: Int
            var tickets: [String: Int]
        }

        func run() async throws {
            try await withPreparedStore(store) { store, schema, _ in
                let scope = division.map(DivisionScope.init) ?? .province
                var records: [String: Int] = [:]
                for table in schema.tables {
                    let count = try await store.count(entity: table.entity.id, scope: scope)
                    if count > 0 { records[table.entity.id] = count }
                }
                let quarantined = try await store.quarantine(scope: scope, entity: nil, includeResolved: false).count
                var tickets: [String: Int] = [:]
                for status in TicketStatus.allCases {
                    tickets[status.rawValue] = try await store.tickets(scope: scope, status: status).count
                }
                let summary = Summary(
                    store: store.location, standard: try await store.storedStandard(), division: scope.division,
                    lastSequence: try await store.lastSequence(), records: records, quarantined: quarantined,
                    tickets: tickets)
                if output.isJSON {
                    try printJSON(summary)
                    return
                }
                print("\(summary.store) — \(summary.standard.map { "\($0.standard) \($0.version)" } ?? "not prepared")")
                print("scope \(summary.division), last sequence \(summary.lastSequence)")
                for table in schema.tables {
                    guard let count = records[table.entity.id] else { continue }
                    print("  \(table.entity.id) (\(table.entity.name.zh)): \(count)")
                }
                print("quarantined: \(quarantined)")
                print(
                    "tickets: open \(tickets["open"] ?? 0), fixed \(tickets["fixed"] ?? 0), "
                        + "re-checked \(tickets["rechecked"] ?? 0)")
            }
        }
    }
}

/// `enforce import`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Validate records and store them: valid ones in the store, invalid ones in quarantine.",
        discussion: """
            Every record is validated as `enforce validate` does. Valid records are stored (keyed by the
            entity's key; new content makes a new version and a change in the feed); invalid ones are kept in
            quarantine with their located errors, and each error opens a rectification ticket.

            Nothing is lost or doubled: records are committed in transactions with the import's journal.
            After a crash or kill, run the same command again: it resumes after the last committed record.
            Importing a file that was imported completely before changes nothing (use --force to redo it).

            Exit status: 0 every record stored; 1 some records quarantined; 2 usage error or unreadable input.
            """
    )

    @OptionGroup var input: InputOptions

    @Option(name: .customLong("transaction-size"), help: "Records per transaction (default 20000).")
    var transactionSize: Int = 20_000

    @Flag(name: .long, help: "Import again files whose journal says they were imported completely.")
    var force = false

    @Flag(name: .long, help: "No progress lines on standard error.")
    var quiet = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if transactionSize < 1 { throw ValidationError("--transaction-size must be at least 1") }
    }

    func run() async throws {
        let report = try await withPreparedStore(store) { store, schema, _ in
            let sources = try input.resolve(in: schema.standard).map {
                ImportSource(entity: $0.entity, file: URL(fileURLWithPath: $0.path))
            }
            let validation = input.validatorOptions()
            let importer = StoreImporter(
                store: store, schema: schema,
                options: .init(validation: validation, transactionSize: transactionSize, force: force))
            let started = Date()
            var lastPrinted = Date.distantPast
            let quiet = quiet
            let report = try await importer.run(sources, now: Clock.now()) { progress in
                guard !quiet, Date().timeIntervalSince(lastPrinted) >= 1 else { return }
                lastPrinted = Date()
                let seconds = Date().timeIntervalSince(started)
                progressLine(
                    "import: \(progress.file): \(progress.recordsCommitted) records committed "
                        + "(\(progress.quarantined) quarantined), "
                        + "\(Int(Double(progress.recordsCommitted) / max(seconds, 0.001))) records/s")
            }
            return report
        }
        if output.isJSON {
            try printJSON(report)
        } else {
            for file in report.files {
                if file.alreadyImported {
                    print("\(file.file): imported before (import \(file.importID.prefix(12))): nothing to do")
                    continue
                }
                var line =
                    "\(file.file) → \(file.entity): \(file.records) records: \(file.inserted) inserted, "
                    + "\(file.updated) updated, \(file.unchanged) unchanged, \(file.quarantined) quarantined"
                if let resumed = file.resumedAfter { line += " (resumed after record \(resumed))" }
                print(line)
            }
            if report.quarantined > 0 {
                print(
                    "\(report.quarantined) records quarantined: `enforce tickets list` shows what to rectify "
                        + "(`enforce validate` shows every finding)")
            }
        }
        if report.quarantined > 0 { throw ExitCode(ExitStatus.failedChecks) }
    }
}
