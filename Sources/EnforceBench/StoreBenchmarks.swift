import ArgumentParser
@_spi(Benchmark) import DataStandard
import EnforcementModel
import EnforcementStore
import EnforcementStorePostgres
import EnforcementStoreSQLite
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Seconds elapsed since `start`.
func secondsSince(_ start: ContinuousClock.Instant) -> Double {
    seconds(start.duration(to: .now))
}

/// A duration in seconds.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// The peak resident memory of the process so far.
func peakMemoryBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) * 1024
}

/// Prints one JSON line.
func printLine(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// A folder for generated data: kept (`--keep-data`), reused (`--reuse-data`) or temporary.
struct DataFolder {
    let url: URL
    let isTemporary: Bool
    let reuses: Bool

    init(keep: String?, reuse: String?, name: String) throws {
        if let folder = keep ?? reuse {
            url = URL(fileURLWithPath: folder)
            isTemporary = false
        } else {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("enforce-bench-\(name)-\(getpid())")
            isTemporary = true
        }
        reuses = reuse != nil
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { if isTemporary { try? FileManager.default.removeItem(at: url) } }
}

/// Opens a store of a benchmark: a new SQLite file in the data folder, or a PostgreSQL URL (a fresh schema).
func openBenchmarkStore(_ location: String?, folder: DataFolder, name: String) async throws -> (
    store: any RecordStore, cleanup: () async -> Void
) {
    if let location, location.hasPrefix("postgres") {
        let schema = "bench_\(name)_\(getpid())"
        let store = try await PostgresStore.connect(url: location, schema: schema)
        return (store, { try? await PostgresStore.dropSchema(url: location, schema: schema) })
    }
    let path = location ?? folder.url.appendingPathComponent("\(name).sqlite").path
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    return (try SQLiteStore(path: path), {})
}

/// `enforce-bench import`: imports a generated regulated-entity CSV (validation included) into a new store.
struct ImportBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import N generated records (validated) into a new store; print one JSON line."
    )

    @Option(help: "Records to generate.")
    var rows = 1_000_000

    @Option(help: "The seed of the generated data.")
    var seed: UInt64 = 20_261_129

    @Option(help: "The store: a SQLite path (default: a new file in the data folder) or a PostgreSQL URL.")
    var store: String?

    @Option(help: "Records per transaction.")
    var transactionSize = 20_000

    @Option(help: "Keep the generated CSV in this folder.")
    var keepData: String?

    @Option(help: "Reuse the CSV a previous run kept in this folder instead of generating.")
    var reuseData: String?

    @Option(help: "The target rate in records per second.")
    var target = 200_000

    @Flag(
        help: """
            Do not measure the sqlite3 shell copying the stored rows into a new database as a bulk load writes \
            them (the table, then its indexes), for comparison.
            """)
    var noCompare = false

    @Flag(
        help: """
            Also time the two halves apart (SQLite): the validation alone (values kept as for an import, nothing \
            stored), and the store alone (the same records' writes, prepared untimed, committed to a new store with \
            the same bulk load and transactions).
            """)
    var stages = false

    struct Result: Encodable {
        var workload = "import"
        var backend: String
        var items: Int
        var seconds: Double
        var ratePerSecond: Double
        var peakMemoryBytes: Int
        var target: Int
        var stored: Int
        var quarantined: Int
        var transactionSize: Int
        var generationSeconds: Double?
        /// The sqlite3 shell copying the stored rows into a new database the way a bulk load writes them (the
        /// table without indexes, a rollback journal, transactions of the same size, then the indexes): SQLite's own
        /// time for these rows, without parsing, validation, hashing or binding — the ceiling of the import here.
        var sqlite3BulkSeconds: Double?
        var sqlite3BulkRatePerSecond: Double?
        /// The import's rate over the shell's bulk copy's, measured one after the other: a figure that moves less
        /// than either rate with the speed of the machine.
        var ratioToSQLite3Bulk: Double?
        /// `--stages`: the validation alone, values kept as an import keeps them.
        var validateOnlySeconds: Double?
        var validateOnlyRatePerSecond: Double?
        /// `--stages`: the store alone: the valid records' writes committed to a new store (bulk load, indexes
        /// built at the end).
        var storeOnlySeconds: Double?
        var storeOnlyRatePerSecond: Double?
    }

    func run() async throws {
        let standard = try StandardLoader().load(directory: try StandardLoader.defaultStandardDirectory())
        let folder = try DataFolder(keep: keepData, reuse: reuseData, name: "import")
        defer { folder.remove() }
        let csv = folder.url.appendingPathComponent("regulated_entity.csv")
        var generationSeconds: Double?
        if !folder.reuses {
            let start = ContinuousClock.now
            var generator = try SyntheticRecordGenerator(
                standard: standard, entity: "regulated_entity", asOf: try CivilDate("2026-11-29"), seed: seed)
            _ = try generator.writeCSV(rows: rows, defects: 0, to: csv.path)
            generationSeconds = secondsSince(start)
        }
        let schema = StoreSchema(standard: standard)
        let (store, cleanup) = try await openBenchmarkStore(self.store, folder: folder, name: "import")
        _ = try await store.prepare(schema)
        let importer = StoreImporter(
            store: store, schema: schema,
            options: .init(
                validation: RecordValidator.Options(asOf: try CivilDate("2026-11-29")),
                transactionSize: transactionSize))
        let start = ContinuousClock.now
        let report = try await importer.run(
            [ImportSource(entity: "regulated_entity", file: csv)], now: 1_796_000_000)
        let seconds = secondsSince(start)
        try await store.close()
        let shellSeconds =
            store.location.hasPrefix("postgres") || noCompare
            ? nil : try shellBulkSeconds(store: store.location, folder: folder)
        await cleanup()
        var result = Result(
            backend: store.location, items: report.records, seconds: seconds,
            ratePerSecond: Double(report.records) / seconds, peakMemoryBytes: peakMemoryBytes(), target: target,
            stored: report.stored, quarantined: report.quarantined, transactionSize: transactionSize,
            generationSeconds: generationSeconds, sqlite3BulkSeconds: shellSeconds,
            sqlite3BulkRatePerSecond: shellSeconds.map { Double(report.stored) / $0 },
            ratioToSQLite3Bulk: shellSeconds.flatMap {
                report.stored > 0 ? $0 / seconds * Double(report.records) / Double(report.stored) : nil
            })
        if stages && !store.location.hasPrefix("postgres") {
            let (validateSeconds, storeSeconds) = try await timeStages(csv: csv, schema: schema, folder: folder)
            result.validateOnlySeconds = validateSeconds
            result.validateOnlyRatePerSecond = Double(report.records) / validateSeconds
            result.storeOnlySeconds = storeSeconds
            result.storeOnlyRatePerSecond = Double(report.stored) / storeSeconds
            result.peakMemoryBytes = peakMemoryBytes()
        }
        try printLine(result)
    }

    /// The validation alone (the records' values kept, as an import keeps them), then the store alone: the valid
    /// records' writes, made untimed, committed to a new SQLite store in transactions of the same size within a
    /// bulk load.
    private func timeStages(csv: URL, schema: StoreSchema, folder: DataFolder) async throws -> (Double, Double) {
        let validator = try RecordValidator(
            standard: schema.standard, options: RecordValidator.Options(asOf: try CivilDate("2026-11-29")))
        var batches: [ValidatedRecords] = []
        let validateStart = ContinuousClock.now
        _ = try await validator.validate(
            [ValidationInput(entity: "regulated_entity", file: csv)], onRecords: { batches.append($0) })
        let validateSeconds = secondsSince(validateStart)

        guard let table = schema.table("regulated_entity") else { throw ValidationError("no regulated_entity") }
        var writes: [RecordWrite] = []
        for batch in batches {
            for record in 0..<batch.count where batch.isValid[record] {
                if let write = RecordWrite(
                    record: batch.values(of: record), table: table, standardVersion: schema.standard.version,
                    source: "import:" + csv.path)
                {
                    writes.append(write)
                }
            }
        }
        batches = []
        let path = folder.url.appendingPathComponent("store-only.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let store = try SQLiteStore(path: path)
        _ = try await store.prepare(schema)
        let storeStart = ContinuousClock.now
        try await store.beginBulkLoad(entity: table.entity.id)
        var start = 0
        while start < writes.count {
            let end = min(writes.count, start + transactionSize)
            _ = try await store.commit(StoreTransaction(writes: Array(writes[start..<end]), now: 1_796_000_000))
            start = end
        }
        try await store.finishBulkLoad(entity: table.entity.id)
        let storeSeconds = secondsSince(storeStart)
        try await store.close()
        return (validateSeconds, storeSeconds)
    }

    /// The sqlite3 shell's time to copy the imported rows into a new database the way a bulk load writes them:
    /// the table without its indexes, a rollback journal, transactions of the same size, then the indexes built with the store's
    /// pragmas. The rows come ready-made (no parsing, no validation, no hashing, no binding), so this is the most
    /// SQLite itself does with them on this machine. `nil` when the shell failed or did not copy every row.
    private func shellBulkSeconds(store: String, folder: DataFolder) throws -> Double? {
        let source = store.replacingOccurrences(of: "SQLite ", with: "")
        guard let schema = try sqlite3(source, ".schema rec_regulated_entity\n") else { return nil }
        let counts = "SELECT min(_seq), max(_seq), count(*) FROM rec_regulated_entity;\n"
        guard let span = try sqlite3(source, counts), case let numbers = span.split(separator: "|"),
            numbers.count == 3, let first = Int(numbers[0]), let last = Int(numbers[1]),
            let rows = Int(numbers[2].trimmingCharacters(in: .whitespacesAndNewlines))
        else { return nil }
        let statements = schema.split(separator: "\n").map(String.init)
        let createTable = statements.filter { $0.hasPrefix("CREATE TABLE") }
        let createIndexes = statements.filter { $0.hasPrefix("CREATE") && $0.contains("INDEX") }
        guard createTable.count == 1 else { return nil }
        let database = folder.url.appendingPathComponent("sqlite3-bulk.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        defer {
            if keepData == nil {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
            }
        }
        let setUp = """
            PRAGMA page_size = 16384;
            PRAGMA journal_mode = DELETE;
            \(createTable[0])
            """
        guard try sqlite3(database, setUp) != nil else { return nil }
        var copy = """
            PRAGMA synchronous = FULL;
            PRAGMA cache_size = -32768;
            ATTACH '\(source)' AS src;

            """
        for low in stride(from: first, through: last, by: transactionSize) {
            copy += """
                BEGIN;
                INSERT INTO main.rec_regulated_entity SELECT * FROM src.rec_regulated_entity \
                WHERE _seq BETWEEN \(low) AND \(low + transactionSize - 1);
                COMMIT;

                """
        }
        copy += """
            PRAGMA threads = \(ProcessInfo.processInfo.activeProcessorCount);
            PRAGMA cache_size = -4096;
            \(createIndexes.joined(separator: "\n"))
            PRAGMA wal_checkpoint(TRUNCATE);
            """
        let start = ContinuousClock.now
        guard try sqlite3(database, copy) != nil else { return nil }
        let seconds = secondsSince(start)
        let copied = try sqlite3(database, "SELECT count(*) FROM rec_regulated_entity;\n")
        return copied?.trimmingCharacters(in: .whitespacesAndNewlines) == String(rows) ? seconds : nil
    }

    /// Runs the sqlite3 shell on a database with a script; its standard output, or `nil` when it failed.
    private func sqlite3(_ database: String, _ script: String) throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? text : nil
    }
}

/// `enforce-bench readings`: minute readings of many points arriving in time order, into a store; compared with
/// the `sqlite3` shell's `.import` of the same rows into the same table.
struct ReadingsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readings",
        abstract: "Ingest generated minute readings (time order) into a store; print one JSON line.",
        discussion: """
            points × pollutants × minutes readings, generated in arrival order: minute by minute, every point
            and pollutant of that minute (time order), or --order series (each point's series in turn).
            With a SQLite store the same rows are also written as CSV and imported by the sqlite3 shell
            (`.import`) into a new database with the same table; both rates are printed (the shell's is the
            target). With a PostgreSQL URL, --copy loads through COPY straight into the partitioned table.
            """
    )

    enum Order: String, ExpressibleByArgument {
        case time
        case series
    }

    @Option(help: "Monitoring points.")
    var points = 1_000

    @Option(help: "Pollutants per point.")
    var pollutants = 5

    @Option(help: "Minutes of data.")
    var minutes = 1_000

    @Option(help: "Arrival order: time or series.")
    var order: Order = .time

    @Option(help: "Readings per append (the ingest buffer: 250,000 is ten minutes of 5,000 series).")
    var batch = 250_000

    @Option(help: "The store: a SQLite path (default: a new file in the data folder) or a PostgreSQL URL.")
    var store: String?

    @Flag(help: "PostgreSQL: load through COPY straight into the table (no conflict handling).")
    var copy = false

    @Flag(help: "Do not run the sqlite3 shell for comparison.")
    var noCompare = false

    @Option(help: "Keep the generated CSV (and the databases) in this folder.")
    var keepData: String?

    @Option(help: "The target rate in readings per second (default: the sqlite3 shell's measured rate).")
    var target: Int?

    struct Result: Encodable {
        var workload: String
        var backend: String
        var order: String
        var items: Int
        var seconds: Double
        var ratePerSecond: Double
        var peakMemoryBytes: Int
        var target: Int
        var sqlite3ImportSeconds: Double?
        var sqlite3ImportRatePerSecond: Double?
        var rangeQueryMilliseconds: Double
        var rangeQueryRows: Int
    }

    static let pollutantCodes = ["a21026", "a21002", "a34013", "a21005", "a19001", "a01012", "a01011", "a01013"]
    static let start: Int64 = 1_793_462_400  // 2026-10-31 16:00 UTC = 2026-11-01 00:00 Beijing

    func run() async throws {
        let folder = try DataFolder(keep: keepData, reuse: nil, name: "readings")
        defer { folder.remove() }
        let pointIDs = (0..<points).map { String(format: "51010000%016d", $0) }
        let codes = (0..<pollutants).map {
            Self.pollutantCodes[$0 % Self.pollutantCodes.count] + ($0 < 8 ? "" : "\($0)")
        }
        let total = points * pollutants * minutes
        func reading(_ index: Int) -> MonitoringReading {
            let point: Int
            let pollutant: Int
            let minute: Int
            switch order {
            case .time:
                minute = index / (points * pollutants)
                point = index / pollutants % points
                pollutant = index % pollutants
            case .series:
                point = index / (pollutants * minutes)
                pollutant = index / minutes % pollutants
                minute = index % minutes
            }
            let value = Double((index &* 2_654_435_761) % 100_000) / 100
            return MonitoringReading(
                point: pointIDs[point], pollutant: codes[pollutant], time: Self.start + Int64(minute) * 60,
                value: value, flag: "N")
        }

        let isPostgres = store?.hasPrefix("postgres") ?? false
        let schema = StoreSchema(
            standard: try StandardLoader().load(directory: try StandardLoader.defaultStandardDirectory()))
        let (target, cleanup) = try await openBenchmarkStore(store, folder: folder, name: "readings")
        _ = try await target.prepare(schema)
        let began = ContinuousClock.now
        var index = 0
        var chunk: [MonitoringReading] = []
        chunk.reserveCapacity(batch)
        while index < total {
            chunk.removeAll(keepingCapacity: true)
            let end = min(total, index + batch)
            while index < end {
                chunk.append(reading(index))
                index += 1
            }
            if copy, let postgres = target as? PostgresStore {
                try await postgres.copyReadings(chunk)
            } else {
                try await target.appendReadings(chunk)
            }
        }
        let seconds = secondsSince(began)
        // A per-point range query: one point, one day.
        let queryStart = ContinuousClock.now
        let day = try await target.readings(
            point: pointIDs[points / 2], pollutant: nil, from: Self.start, to: Self.start + 86_400)
        let queryMilliseconds = secondsSince(queryStart) * 1000
        try await target.close()
        await cleanup()

        // The same rows through the sqlite3 shell's .import, into the same table.
        var shellSeconds: Double?
        if !isPostgres && !noCompare {
            let csv = folder.url.appendingPathComponent("readings.csv")
            _ = FileManager.default.createFile(atPath: csv.path, contents: nil)
            let handle = try FileHandle(forWritingTo: csv)
            var text = ""
            for position in 0..<total {
                let row = reading(position)
                text += "\(row.point),\(row.pollutant),\(row.time),\(row.value ?? 0),\(row.flag)\n"
                if text.utf8.count > 1 << 20 {
                    handle.write(Data(text.utf8))
                    text = ""
                }
            }
            handle.write(Data(text.utf8))
            try handle.close()
            let database = folder.url.appendingPathComponent("sqlite3-import.sqlite")
            try? FileManager.default.removeItem(at: database)
            let create = StoreSchema.storeTables(.sqlite).first { $0.0 == "store_readings" }?.1.first ?? ""
            let script = "\(create);\n.mode csv\n.import \(csv.path) store_readings\n"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = [database.path]
            let input = Pipe()
            process.standardInput = input
            let shellStart = ContinuousClock.now
            try process.run()
            input.fileHandleForWriting.write(Data(script.utf8))
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
            if process.terminationStatus == 0 { shellSeconds = secondsSince(shellStart) }
            if keepData == nil { try? FileManager.default.removeItem(at: database) }
        }
        let shellRate = shellSeconds.map { Double(total) / $0 }
        try printLine(
            Result(
                workload: copy ? "readings-copy" : "readings", backend: target.location, order: order.rawValue,
                items: total, seconds: seconds, ratePerSecond: Double(total) / seconds,
                peakMemoryBytes: peakMemoryBytes(), target: self.target ?? shellRate.map { Int($0) } ?? 90_000,
                sqlite3ImportSeconds: shellSeconds, sqlite3ImportRatePerSecond: shellRate,
                rangeQueryMilliseconds: queryMilliseconds, rangeQueryRows: day.count))
    }
}
