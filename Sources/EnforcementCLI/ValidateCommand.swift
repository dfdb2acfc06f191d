import ArgumentParser
import DataStandard
import EnforcementModel
import Foundation

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate records (CSV, JSON Lines, JSON) against an entity of the standard.",
        discussion: """
            Every finding names the file, line, record number, record key, field, rule id, severity and the
            offending value, in Chinese and English. Files are streamed: memory stays flat whatever their size.
            CSV may be UTF-8 (with or without BOM) or GB18030/GBK (as Excel writes it on Chinese Windows);
            the encoding is detected unless --encoding says it.

            A FILE may be written ENTITY=PATH to validate several entities together; references between
            them (e.g. permit_outlet.permit_number → permit) are then checked within the input.

            With --format json the output is one JSON object: records, errors (the findings of severity error),
            warnings, and summary (counts per rule and the quality dimensions per entity and field).

            Exit status: 0 no errors (warnings allowed); 1 errors found; 2 usage error or unreadable input.
            """
    )

    @OptionGroup var input: InputOptions

    @Option(name: .long, help: "Chunks validated in parallel (default: the number of cores).")
    var workers: Int?

    @Option(name: .customLong("max-issues"), help: "Text output: print at most this many findings (default: all).")
    var maxIssues: Int?

    @Flag(name: .customLong("reveal-sensitive"), help: "Show the values of sensitive fields in findings.")
    var revealSensitive = false

    @OptionGroup var standard: StandardOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
    }

    func run() async throws {
        let spec = try standard.loadStandard()
        let inputs = try input.resolve(in: spec).map {
            ValidationInput(entity: $0.entity, file: URL(fileURLWithPath: $0.path))
        }
        var options = input.validatorOptions()
        if let workers { options.workers = workers }
        options.revealsSensitiveValues = revealSensitive
        let validator = try RecordValidator(standard: spec, options: options)

        let report: ValidationReport
        if output.isJSON {
            let writer = try JSONReportWriter()
            report = try await validator.validate(inputs) { try writer.add($0) }
            try writer.finish(report: report)
        } else {
            var printed = 0
            let limit = maxIssues ?? Int.max
            report = try await validator.validate(inputs) { issue in
                guard printed < limit else { return }
                printed += 1
                var line = issue.description
                if let key = issue.recordKey { line += " (key \(key))" }
                if let value = issue.value { line += " value: \(value)" }
                print(line)
                print("    \(issue.message.zh)")
            }
            if printed == limit && report.errors + report.warnings > limit {
                print("… \(report.errors + report.warnings - limit) more findings not shown (--max-issues)")
            }
            print(QualityText(report: report, standard: spec).render())
        }
        if report.hasErrors { throw ExitCode(ExitStatus.failedChecks) }
    }
}

/// Streams the JSON report: errors go straight to standard output, warnings through a temporary file, so that
/// memory stays flat however many findings there are.
final class JSONReportWriter {
    private let encoder = JSONEncoder()
    private let out = FileHandle.standardOutput
    private let warningsURL: URL
    private let warnings: FileHandle
    private var errorCount = 0
    private var warningCount = 0
    private var buffer = Data()

    init() throws {
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        warningsURL = FileManager.default.temporaryDirectory.appendingPathComponent(
            "enforce-warnings-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: warningsURL.path, contents: nil) else {
            throw CLIFailure(
                message: "cannot create a temporary file in \(warningsURL.deletingLastPathComponent().path)")
        }
        warnings = try FileHandle(forUpdating: warningsURL)
        buffer.append(Data("{\"errors\":[".utf8))
    }

    deinit {
        try? warnings.close()
        try? FileManager.default.removeItem(at: warningsURL)
    }

    func add(_ issue: ValidationIssue) throws {
        let data = try encoder.encode(issue)
        if issue.severity == .error {
            if errorCount > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(Data("\n".utf8))
            buffer.append(data)
            errorCount += 1
            if buffer.count > 1 << 16 { flush() }
        } else {
            try warnings.write(contentsOf: (warningCount > 0 ? Data(",\n".utf8) : Data("\n".utf8)) + data)
            warningCount += 1
        }
    }

    private func flush() {
        out.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func finish(report: ValidationReport) throws {
        buffer.append(Data("\n],\"warnings\":[".utf8))
        flush()
        try warnings.seek(toOffset: 0)
        while let chunk = try warnings.read(upToCount: 1 << 20), !chunk.isEmpty { out.write(chunk) }
        let summary = try encoder.encode(report)
        buffer.append(Data("\n],\"records\":\(report.records),\"summary\":".utf8))
        buffer.append(summary)
        buffer.append(Data("}\n".utf8))
        flush()
    }
}

/// The text form of a validation report: counts, rules, and the quality dimensions.
struct QualityText {
    var report: ValidationReport
    var standard: StandardSpec

    func render() -> String {
        func percent(_ ratio: QualitySummary.Ratio) -> String {
            ratio.denominator == 0 ? "    -" : String(format: "%5.1f%%", ratio.value * 100)
        }
        var lines: [String] = []
        lines.append("")
        lines.append(
            "\(report.records) records, \(report.validRecords) valid; \(report.errors) errors, \(report.warnings) warnings"
        )
        if !report.issuesByRule.isEmpty {
            let rules = report.issuesByRule.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            lines.append("by rule: " + rules.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if report.referencesNotChecked > 0 {
            lines.append("references not checked (target entity not in the input): \(report.referencesNotChecked)")
        }
        lines.append(
            "quality (完整性 completeness, 有效性 validity, 一致性 consistency, 唯一性 uniqueness, 及时性 timeliness, 关联性 references):"
        )
        for entity in report.quality.entities {
            let name = standard.entity(entity.entity)?.name.zh ?? entity.entity
            lines.append(
                "  \(entity.entity) \(name): score \(String(format: "%.3f", entity.score)); "
                    + "completeness \(percent(entity.completeness)), validity \(percent(entity.validity)), "
                    + "consistency \(percent(entity.consistency)), uniqueness \(percent(entity.uniqueness)), "
                    + "timeliness \(percent(entity.timeliness)), references \(percent(entity.referentialIntegrity))")
            let worst = entity.fields
                .filter { $0.validity.value < 1 || $0.completeness.value < 1 }
                .filter { !($0.isExtension && $0.completeness.numerator == 0) }  // another city's extension
                .sorted { $0.validity.value * $0.completeness.value < $1.validity.value * $1.completeness.value }
                .prefix(5)
            for field in worst {
                lines.append(
                    "    \(field.field): completeness \(percent(field.completeness)), validity \(percent(field.validity))"
                )
            }
        }
        return lines.joined(separator: "\n")
    }
}
