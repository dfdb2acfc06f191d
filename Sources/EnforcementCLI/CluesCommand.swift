import ArgumentParser
import DataStandard
import EnforcementModel
import Foundation
import WarningKit

struct CluesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clues",
        abstract: "Clues (执法线索): the one store of clues from every source.",
        subcommands: [CluesMergeCommand.self]
    )
}

struct CluesMergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge clues that concern the same entity and problem in an overlapping window.",
        discussion: """
            Reads clue files (CSV, JSON Lines or JSON, in the field ids of the standard's `clue` entity), validates
            them against the standard, and merges clues of the same entity (entity_code, else USCC, else the
            normalised object name or address in the same county) and the same problem (violation_type, medium)
            whose time spans (occurred_at … received_at) come within the window of each other. Every clue is kept:
            merged ones get status 06 and merged_into their primary; every source stays listed in its group.
            Merging the output again changes nothing.

            The window and the matching limits come from Specs/crosscheck/clues.yaml (or --config); --window
            overrides the window.

            With --out the merged clues are written to FILE (.csv, .jsonl or .json, the standard's fields) and the
            output shows the groups; otherwise it shows the groups and every clue.

            Exit status: 0 merged; 1 the files have errors (each named by file, line, record key, field and rule);
            2 usage error, unreadable file or configuration.
            """
    )

    @Argument(help: "Clue files: CSV, JSON Lines or JSON in the fields of the standard's clue entity.")
    var files: [String] = []

    @Option(name: .long, help: "The merge window in hours (default: the configuration's).")
    var window: Double?

    @Option(name: .long, help: "The clue configuration (default: Specs/crosscheck/clues.yaml).")
    var config: String?

    @Option(name: .long, help: "Write the merged clues to FILE (.csv, .jsonl or .json).")
    var out: String?

    @Option(name: .long, help: "Text encoding of the inputs: auto, utf-8 or gb18030.")
    var encoding: String = "auto"

    @Option(name: .customLong("input-format"), help: "Record format of the inputs: auto, csv, jsonl or json.")
    var inputFormat: String = "auto"

    @Option(name: .long, help: "The time of the merge recorded in its events (default: now).")
    var now: String?

    @OptionGroup var standard: StandardOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one clue file") }
        if let window, !(window > 0 && window < 1_000_000) {
            throw ValidationError("--window must be a number of hours above 0")
        }
        if let out, ClueFileFormat(path: out) == nil {
            throw ValidationError("--out must end in .csv, .jsonl or .json")
        }
        if InputEncoding(name: encoding) == nil {
            throw ValidationError("unknown encoding `\(encoding)`; use auto, utf-8 or gb18030")
        }
        if InputFormat(name: inputFormat) == nil {
            throw ValidationError("unknown input format `\(inputFormat)`; use auto, csv, jsonl or json")
        }
        if let now, (try? LocalDateTime(now)) == nil {
            throw ValidationError("--now must be a datetime (YYYY-MM-DD HH:MM:SS)")
        }
    }

    func run() async throws {
        let spec = try standard.loadStandard()
        var policy = try loadConfiguration().merge
        if let window { policy.window = Int64((window * 3600).rounded()) }
        for file in files where !FileManager.default.isReadableFile(atPath: file) {
            throw CLIFailure(message: "cannot read \(file)")
        }

        // Validate with the standard's validator, keeping every record's fields.
        var options = RecordValidator.Options(encoding: InputEncoding(name: encoding) ?? .automatic)
        options.format = InputFormat(name: inputFormat) ?? .automatic
        let validator = try RecordValidator(standard: spec, entity: Clue.entityID, options: options)
        var issues: [ValidationIssue] = []
        var records: [(fields: [String: String], place: ClueError.Place)] = []
        let report = try await validator.validate(
            files.map { ValidationInput(entity: Clue.entityID, file: URL(fileURLWithPath: $0)) },
            onIssue: { issues.append($0) },
            onRecords: { chunk in
                for record in 0..<chunk.count {
                    var fields: [String: String] = [:]
                    for (field, value) in zip(chunk.fields, chunk.values(of: record)) { fields[field] = value }
                    records.append(
                        (
                            fields,
                            ClueError.Place(file: chunk.file, line: chunk.lines[record], recordKey: fields["clue_id"])
                        ))
                }
            })
        let errors = issues.filter { $0.severity == .error }
        let warnings = issues.filter { $0.severity != .error }
        if report.hasErrors {
            try printFailure(errors.map(FindingLine.init), warnings: warnings.map(FindingLine.init))
            throw ExitCode(ExitStatus.failedChecks)
        }

        var clues: [Clue] = []
        var clueErrors: [FindingLine] = []
        for record in records {
            do {
                clues.append(try Clue(fields: record.fields, place: record.place))
            } catch {
                clueErrors.append(FindingLine(error))
            }
        }
        if !clueErrors.isEmpty {
            try printFailure(clueErrors, warnings: warnings.map(FindingLine.init))
            throw ExitCode(ExitStatus.failedChecks)
        }

        let time = now.flatMap { try? LocalDateTime($0) }.map { Int64($0.secondsSinceEpoch) } ?? Clock.now()
        let result = ClueMerger(policy: policy).merge(clues, now: time)
        if let out { try write(result.clues, to: out) }
        let summary = MergeSummary(
            files: files.count, clues: clues.count, groups: result.groups.count,
            inGroups: result.groups.reduce(0) { $0 + $1.members.count },
            mergedNow: result.events.filter { $0.kind == .merged }.count, conflicts: result.conflicts.count,
            windowHours: Double(policy.window) / 3600, out: out)
        if output.isJSON {
            try printJSON(
                MergeDocument(
                    summary: summary, groups: result.groups, conflicts: result.conflicts, events: result.events,
                    warnings: warnings.map(FindingLine.init), clues: out == nil ? result.clues : nil))
        } else {
            for warning in warnings { FileHandle.standardError.write(Data((warning.description + "\n").utf8)) }
            print(render(result, summary: summary))
        }
    }

    private func loadConfiguration() throws -> ClueConfiguration {
        let file: URL
        if let config {
            file = URL(fileURLWithPath: config)
        } else if let specs = standard.specsURL ?? StandardLoader.specsDirectory() {
            file = specs.appendingPathComponent("crosscheck/clues.yaml")
        } else {
            throw CLIFailure(message: "the Specs folder was not found; set ENFORCE_SPECS or pass --specs or --config")
        }
        do {
            return try ClueConfiguration.load(file: file)
        } catch {
            throw CLIFailure(message: "\(error)")
        }
    }

    private func printFailure(_ errors: [FindingLine], warnings: [FindingLine]) throws {
        if output.isJSON {
            try printJSON(FailureDocument(errors: errors, warnings: warnings))
        } else {
            for finding in errors + warnings {
                print(finding.description)
                print("    \(finding.messageZH)")
            }
            print("\n\(errors.count) errors, \(warnings.count) warnings: nothing merged")
        }
    }

    private func write(_ clues: [Clue], to path: String) throws {
        var text = ""
        switch ClueFileFormat(path: path) {
        case .csv:
            text = Clue.fieldIDs.joined(separator: ",") + "\n"
            for clue in clues {
                text += clue.fieldValues.map { csvCell($0.value ?? "") }.joined(separator: ",") + "\n"
            }
        case .jsonl:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for clue in clues { text += String(decoding: try encoder.encode(clue), as: UTF8.self) + "\n" }
        case .json, nil:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            text = String(decoding: try encoder.encode(clues), as: UTF8.self) + "\n"
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CLIFailure(message: "cannot write \(path): \(error.localizedDescription)")
        }
    }

    private func csvCell(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func hours(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
    }

    private func render(_ result: ClueMergeResult, summary: MergeSummary) -> String {
        let byID = Dictionary(result.clues.map { ($0.clueId, $0) }, uniquingKeysWith: { first, _ in first })
        var lines: [String] = []
        for group in result.groups {
            let primary = byID[group.primary]
            let problem = [primary?.medium, primary?.violationType].compactMap { $0 }.joined(separator: " ")
            lines.append(
                "group \(group.primary): \(group.members.count) clues from sources \(group.sources.joined(separator: ", ")), "
                    + "severity \(group.severity) · \(primary?.objectName ?? "") · \(problem)")
            for member in group.members {
                let role = member.isPrimary ? "primary" : "merged "
                let link = group.links.first { $0.from == member.clueId }
                var line =
                    "  \(role) \(member.clueId)  source \(member.source) \(member.sourceRef ?? "-")  "
                    + "\(member.receivedAt)  status \(member.status)"
                if let link { line += "  [\(link.basis.rawValue) → \(link.to)]" }
                if let previous = member.previousStatus { line += "  (was \(previous))" }
                lines.append(line)
            }
        }
        if !result.conflicts.isEmpty {
            lines.append("kept apart:")
            for conflict in result.conflicts {
                lines.append(
                    "  \(conflict.first) ~ \(conflict.second) (\(conflict.basis.rawValue)): \(conflict.reason)")
            }
        }
        if summary.out == nil {
            lines.append("clues:")
            for clue in result.clues {
                lines.append(
                    "  \(clue.clueId)  \(clue.status)  \(clue.mergedInto ?? "-")  \(clue.source)  \(clue.receivedAt)  "
                        + clue.objectName)
            }
        }
        lines.append(
            "\(summary.clues) clues from \(summary.files) files: \(summary.groups) groups of \(summary.inGroups) clues, "
                + "\(summary.mergedNow) merged now, \(summary.clues - summary.inGroups) standalone; "
                + "window \(hours(summary.windowHours)) h" + (summary.out.map { "; written to \($0)" } ?? ""))
        return lines.joined(separator: "\n")
    }
}

/// The formats `--out` writes.
private enum ClueFileFormat {
    case csv, jsonl, json

    init?(path: String) {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "csv": self = .csv
        case "jsonl", "ndjson": self = .jsonl
        case "json": self = .json
        default: return nil
        }
    }
}

/// A finding of the input, from the validator or from reading a clue, as printed and as JSON.
private struct FindingLine: Encodable, CustomStringConvertible {
    var file: String?
    var line: Int?
    var recordKey: String?
    var field: String?
    var ruleId: String
    var severity: String
    var message: String
    var messageZH: String

    init(_ issue: ValidationIssue) {
        file = issue.file
        line = issue.line
        recordKey = issue.recordKey
        field = issue.field
        ruleId = issue.ruleID
        severity = issue.severity.rawValue
        message = issue.message.en
        messageZH = issue.message.zh
        description = issue.description + (issue.recordKey.map { " (key \($0))" } ?? "")
    }

    init(_ error: ClueError) {
        file = error.place.file
        line = error.place.line
        recordKey = error.place.recordKey
        field = error.field
        ruleId = error.rule
        severity = "error"
        message = error.message
        messageZH = error.messageZH
        description = error.description
    }

    let description: String

    private enum CodingKeys: String, CodingKey {
        case file, line, recordKey, field, ruleId, severity, message, messageZH
    }
}

private struct FailureDocument: Encodable {
    var errors: [FindingLine]
    var warnings: [FindingLine]
}

private struct MergeSummary: Encodable {
    var files: Int
    var clues: Int
    var groups: Int
    var inGroups: Int
    var mergedNow: Int
    var conflicts: Int
    var windowHours: Double
    var out: String?
}

private struct MergeDocument: Encodable {
    var summary: MergeSummary
    var groups: [ClueMergeGroup]
    var conflicts: [ClueMergeConflict]
    var events: [ClueMergeEvent]
    var warnings: [FindingLine]
    var clues: [Clue]?
}
