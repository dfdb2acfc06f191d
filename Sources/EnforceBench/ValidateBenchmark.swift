import ArgumentParser
@_spi(Benchmark) import DataStandard
import EnforcementModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `enforce-bench validate`: generates a regulated-entity CSV with planted defects, validates it end to end, and
/// prints one JSON line with the rate, the peak memory and whether every defect was found.
struct ValidateBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate a generated CSV of N records with K planted defects; print one JSON line."
    )

    @Option(help: "Records to generate.")
    var rows = 1_000_000

    @Option(help: "Defects to plant (bad check character, missing required value, out of range, unknown code, …).")
    var defects = 100

    @Option(help: "The seed of the generated data.")
    var seed: UInt64 = 20_261_129

    @Option(help: "The entity to generate.")
    var entity = "regulated_entity"

    @Option(help: "The Specs folder (default: the repository's Specs/).")
    var specs: String?

    @Option(help: "Keep the generated CSV (and defects.jsonl) in this folder.")
    var keepData: String?

    @Option(help: "Reuse the CSV and defects.jsonl a previous run kept in this folder instead of generating.")
    var reuseData: String?

    @Option(help: "Chunks validated at once (default: the number of processors).")
    var workers: Int?

    @Option(help: "The size of the blocks the input is read and validated in, in bytes (default: the validator's).")
    var chunkSize: Int?

    @Option(help: "The reference date of timeliness.")
    var asOf = "2026-11-29"

    @Option(help: "The target rate in records per second.")
    var target = 1_000_000

    @Flag(help: "Validate on the calling thread with the synchronous API (for profilers such as valgrind).")
    var inline = false

    func run() async throws {
        let specsDirectory = specs.map { URL(fileURLWithPath: $0) }
        let standard = try StandardLoader().load(
            directory: try StandardLoader.defaultStandardDirectory(specs: specsDirectory))
        let reference = try CivilDate(asOf)

        // Generate the data (not timed).
        let fileManager = FileManager.default
        let directory: URL
        if let folder = keepData ?? reuseData {
            directory = URL(fileURLWithPath: folder)
            try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        } else {
            directory = fileManager.temporaryDirectory.appendingPathComponent("enforce-bench-\(getpid())")
            try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        defer { if keepData == nil && reuseData == nil { try? fileManager.removeItem(at: directory) } }
        let csv = directory.appendingPathComponent("\(entity).csv")
        let defectsFile = directory.appendingPathComponent("defects.jsonl")
        var planted: [SyntheticRecordGenerator.Defect] = []
        let generationStart = ContinuousClock.now
        var generationSeconds: Double?
        if reuseData != nil {
            let text = try String(contentsOf: defectsFile, encoding: .utf8)
            for line in text.split(separator: "\n") {
                planted.append(try JSONDecoder().decode(SyntheticRecordGenerator.Defect.self, from: Data(line.utf8)))
            }
        } else {
            var generator = try SyntheticRecordGenerator(
                standard: standard, entity: entity, asOf: reference, seed: seed)
            planted = try generator.writeCSV(rows: rows, defects: defects, to: csv.path)
            let generation = generationStart.duration(to: .now)
            generationSeconds =
                Double(generation.components.seconds) + Double(generation.components.attoseconds) / 1e18
            if keepData != nil {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                var lines = Data()
                for defect in planted {
                    lines.append(try encoder.encode(defect))
                    lines.append(0x0A)
                }
                try lines.write(to: defectsFile)
            }
        }

        // Validate end to end: read, parse, validate, report; issues to a counting sink.
        var expected: [Int: [SyntheticRecordGenerator.Defect]] = [:]
        for defect in planted { expected[defect.recordNumber, default: []].append(defect) }
        var found = Set<SyntheticRecordGenerator.Defect>()
        var issues = 0
        var falsePositives = 0
        var options = RecordValidator.Options(asOf: reference)
        if let workers { options.workers = workers }
        if let chunkSize { options.chunkSize = chunkSize }
        let validator = try RecordValidator(standard: standard, entity: entity, options: options)
        var usageBefore = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usageBefore)
        let clock = ContinuousClock()
        let start = clock.now
        let onIssue: (ValidationIssue) -> Void = { issue in
            issues += 1
            guard let record = issue.recordNumber, let defects = expected[record] else {
                falsePositives += 1
                return
            }
            for defect in defects
            where defect.ruleID == issue.ruleID
                && (defect.field == nil || defect.field == issue.field
                    || defect.ruleID == ValidationIssue.RuleID.recordDuplicateKey)
            {
                found.insert(defect)
            }
        }
        // A synchronous function, so that the synchronous overload is chosen.
        func validateInline() throws -> ValidationReport { try validator.validate(files: [csv], onIssue: onIssue) }
        let report = inline ? try validateInline() : try await validator.validate(files: [csv], onIssue: onIssue)
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18

        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func cpuSeconds(_ usage: rusage) -> Double {
            Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
                + Double(usage.ru_stime.tv_usec) / 1e6
        }
        let result = BenchmarkResult(
            workload: "validate", items: report.records, seconds: seconds,
            ratePerSecond: Double(report.records) / seconds, peakMemoryBytes: Int(usage.ru_maxrss) * 1024,
            target: target, defectsPlanted: planted.count, defectsFound: found.count,
            allDefectsFound: found.count == planted.count, issues: issues, falsePositives: falsePositives,
            errors: report.errors, warnings: report.warnings, qualityScore: report.quality.score,
            workers: options.workers, bytes: report.files.first?.bytes ?? 0,
            cpuSeconds: cpuSeconds(usage) - cpuSeconds(usageBefore), generationSeconds: generationSeconds)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
    }
}

/// The JSON line printed by `enforce-bench validate`.
struct BenchmarkResult: Encodable {
    var workload: String
    var items: Int
    var seconds: Double
    var ratePerSecond: Double
    var peakMemoryBytes: Int
    var target: Int
    var defectsPlanted: Int
    var defectsFound: Int
    var allDefectsFound: Bool
    /// Every issue streamed (planted defects, their collateral findings on the same records, false positives).
    var issues: Int
    /// Issues on records without a planted defect (must be 0).
    var falsePositives: Int
    var errors: Int
    var warnings: Int
    var qualityScore: Double
    var workers: Int
    var bytes: Int
    /// Processor time (user and system, all threads) spent validating.
    var cpuSeconds: Double
    /// The time taken to generate the data (not part of the rate); absent when it was reused.
    var generationSeconds: Double?
}
