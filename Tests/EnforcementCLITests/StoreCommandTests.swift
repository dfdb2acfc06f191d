@_spi(Benchmark) import DataStandard
import EnforcementModel
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The store commands, through the real `enforce` binary, on SQLite files.
@Suite struct StoreCommandTests {
    static let samples = CLIRunner.repository.appendingPathComponent("Examples/sample-data")
    static let clean = ["agency", "officer", "regulated_entity", "permit", "permit_outlet", "monitoring_point", "clue"]

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("enforce-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func cleanArguments() -> [String] {
        clean.map { "\($0)=\(samples.appendingPathComponent("\($0).csv").path)" }
    }

    @Test func initImportExportApplyAndReport() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let city = folder.appendingPathComponent("city.sqlite").path
        let province = folder.appendingPathComponent("province.sqlite").path

        let created = try CLIRunner.run(["store", "init", "--store", city])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("created for sichuan-enforcement 1.0"))
        let again = try CLIRunner.run(["store", "init", "--store", city])
        #expect(again.stdout.contains("up to date"))

        let imported = try CLIRunner.run(
            ["import", "--store", city, "--as-of", "2026-11-29", "--quiet"] + Self.cleanArguments())
        #expect(imported.status == 0, "\(imported.stdout)\n\(imported.stderr)")
        #expect(imported.stdout.contains("regulated_entity: 40 records: 40 inserted"))
        let twice = try CLIRunner.run(
            ["import", "--store", city, "--as-of", "2026-11-29", "--quiet"] + Self.cleanArguments())
        #expect(twice.status == 0)
        #expect(twice.stdout.components(separatedBy: "imported before").count == 8)

        let status = try CLIRunner.run(["store", "status", "--store", city, "--format", "json"])
        let summary = try #require(try status.json() as? [String: Any])
        #expect(summary["lastSequence"] as? Int == 292)
        #expect((summary["records"] as? [String: Int])?["permit_outlet"] == 65)

        // City → province.
        let batches = folder.appendingPathComponent("batches")
        let exported = try CLIRunner.run(
            [
                "export", "--store", city, "--since", "0", "--direction", "up", "--division", "510100", "--out",
                batches.path, "--format", "json",
            ])
        #expect(exported.status == 0, "\(exported.stderr)")
        let export = try #require(try exported.json() as? [String: Any])
        #expect(export["cursor"] as? Int == 292)
        let files = try #require(export["batches"] as? [[String: Any]]).compactMap { $0["file"] as? String }
        #expect(!files.isEmpty)
        // The province knows the province-level agencies the city's agencies name as parents.
        let agencies = try CLIRunner.run(
            [
                "import", "--store", province, "--as-of", "2026-11-29", "--quiet",
                "agency=\(Self.samples.appendingPathComponent("agency.csv").path)",
            ])
        #expect(agencies.status == 0, "\(agencies.stdout)\n\(agencies.stderr)")
        let applied = try CLIRunner.run(["batch", "apply", "--store", province, "--as-of", "2026-11-29"] + files)
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stdout.contains("accepted"))
        let reapplied = try CLIRunner.run(["batch", "apply", "--store", province, "--as-of", "2026-11-29"] + files)
        #expect(reapplied.status == 0)
        #expect(reapplied.stdout.contains("applied before: nothing changed"))

        // A corrupted batch is refused, with the reason.
        let first = try #require(files.first)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: first))
        bytes[bytes.count - 5] ^= 0x01
        let corrupt = folder.appendingPathComponent("corrupt.jsonl")
        try bytes.write(to: corrupt)
        let refused = try CLIRunner.run(["batch", "apply", "--store", province, corrupt.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("SHA-256"))

        // The quality report of Chengdu, as HTML.
        let html = folder.appendingPathComponent("report.html")
        let report = try CLIRunner.run(
            [
                "quality-report", "--store", city, "--division", "510100", "--as-of", "2026-11-29", "--format", "html",
                "--out", html.path,
            ])
        #expect(report.status == 0, "\(report.stderr)")
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains("数据质量检验报告"))
        #expect(page.contains("510100"))
    }

    @Test func quarantineAndTicketsThroughTheCLI() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store.sqlite").path
        let defects = Self.samples.appendingPathComponent("regulated_entity_with_defects.csv").path
        let imported = try CLIRunner.run(
            ["import", "--store", store, "--as-of", "2026-11-29", "--quiet", "--entity", "regulated_entity", defects])
        #expect(imported.status == 1)
        #expect(imported.stdout.contains("4 inserted, 0 updated, 0 unchanged, 8 quarantined"))
        let listed = try CLIRunner.run(["tickets", "list", "--store", store, "--status", "open", "--format", "json"])
        let tickets = try #require(try listed.json() as? [[String: Any]])
        #expect(tickets.count == 9)
        let name = try #require(tickets.first { $0["field"] as? String == "name" })
        let id = try #require(name["id"] as? String)
        let fixed = try CLIRunner.run(
            ["tickets", "fix", id, "--value", "绵阳游仙仙海纸品有限公司", "--by", "my-0001", "--store", store])
        #expect(fixed.status == 0, "\(fixed.stderr)")
        let rechecked = try CLIRunner.run(
            ["tickets", "recheck", "--by", "my-0001", "--store", store, "--as-of", "2026-11-29"])
        #expect(rechecked.status == 0, "\(rechecked.stdout)\n\(rechecked.stderr)")
        #expect(rechecked.stdout.contains("passed, record stored"))
        let unknown = try CLIRunner.run(["tickets", "fix", "T-nosuchticket", "--by", "x", "--store", store])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no ticket"))
    }

    @Test func aStoreThatCannotBeOpenedExitsTwo() throws {
        let result = try CLIRunner.run(["store", "init", "--store", "/proc/no/such/dir/store.sqlite"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("enforce: error:"))
        let unreachable = try CLIRunner.run(["store", "status", "--store", "postgres://nobody@127.0.0.1:1/none"])
        #expect(unreachable.status == 2)
        #expect(!unreachable.stderr.isEmpty)
    }

    enum Backend: String, CaseIterable, Sendable {
        case sqlite, postgres
    }

    /// A new store of a backend: a SQLite file in `folder`, or a schema of its own in the test server
    /// (`ENFORCE_TEST_POSTGRES_URL`, set by scripts/test.sh; the test fails without it).
    static func store(_ backend: Backend, in folder: URL) throws -> String {
        switch backend {
        case .sqlite:
            return folder.appendingPathComponent("store.sqlite").path
        case .postgres:
            let url = try #require(
                ProcessInfo.processInfo.environment["ENFORCE_TEST_POSTGRES_URL"],
                "ENFORCE_TEST_POSTGRES_URL is not set: run the suite with scripts/test.sh")
            let schema = "cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
            return url + (url.contains("?") ? "&" : "?") + "schema=" + schema
        }
    }

    @Test func theStoreCommandsWorkOnPostgreSQL() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try Self.store(.postgres, in: folder)
        let created = try CLIRunner.run(["store", "init", "--store", store])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("PostgreSQL") && created.stdout.contains("created for sichuan-enforcement 1.0"))
        let imported = try CLIRunner.run(
            ["import", "--store", store, "--as-of", "2026-11-29", "--quiet"] + Self.cleanArguments())
        #expect(imported.status == 0, "\(imported.stdout)\n\(imported.stderr)")
        let status = try CLIRunner.run(["store", "status", "--store", store, "--format", "json"])
        let summary = try #require(try status.json() as? [String: Any])
        #expect(summary["lastSequence"] as? Int == 292)
        let report = try CLIRunner.run(
            ["quality-report", "--store", store, "--division", "510700", "--as-of", "2026-11-29", "--format", "json"])
        #expect(report.status == 0, "\(report.stderr)")
        let json = try #require(try report.json() as? [String: Any])
        #expect(json["entities"] != nil)
    }

    /// `kill -9` in the middle of an import: what was committed stays, whole transactions only; the same command
    /// resumes after the last committed record; nothing is doubled.
    @Test(arguments: Backend.allCases)
    func anImportKilledMidwayResumesWithNothingLostOrDoubled(_ backend: Backend) async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try Self.store(backend, in: folder)
        let csv = folder.appendingPathComponent("regulated_entity.csv")
        let standard = try StandardLoader().load(
            directory: CLIRunner.repository.appendingPathComponent("Specs/sichuan-enforcement/1.0"))
        var generator = try SyntheticRecordGenerator(
            standard: standard, entity: "regulated_entity", asOf: try CivilDate("2026-11-29"), seed: 7)
        let rows = 40_000
        _ = try generator.writeCSV(rows: rows, defects: 0, to: csv.path)
        let size = 500
        let arguments = [
            "import", "--store", store, "--as-of", "2026-11-29", "--transaction-size", "\(size)", "--entity",
            "regulated_entity", csv.path,
        ]

        // Start the import and kill it once it has committed something.
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["ENFORCE_SPECS"] = CLIRunner.repository.appendingPathComponent("Specs").path
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("records committed") {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        let status = try CLIRunner.run(["store", "status", "--store", store, "--format", "json"])
        let summary = try #require(try status.json() as? [String: Any])
        let committed = (summary["records"] as? [String: Int])?["regulated_entity"] ?? 0
        #expect(committed > 0 && committed < rows, "killed too late or too early: \(committed)")
        #expect(committed % size == 0, "a transaction was cut: \(committed)")
        #expect(summary["lastSequence"] as? Int == committed)

        let resumed = try CLIRunner.run(arguments + ["--quiet"])
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        #expect(resumed.stdout.contains("resumed after record \(committed)"))
        #expect(resumed.stdout.contains("\(rows) records: \(rows) inserted, 0 updated, 0 unchanged, 0 quarantined"))
        let final = try CLIRunner.run(["store", "status", "--store", store, "--format", "json"])
        let after = try #require(try final.json() as? [String: Any])
        #expect((after["records"] as? [String: Int])?["regulated_entity"] == rows)
        #expect(after["lastSequence"] as? Int == rows)
    }
}
