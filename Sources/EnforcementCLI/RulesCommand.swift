import ArgumentParser
import DataStandard
import Foundation
import WarningKit

/// `enforce rules`: check warning rules, and replay recorded readings through them.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Warning rules: lint, test.",
        subcommands: [Lint.self, Test.self]
    )

    /// `--rules` and `--monitoring`: where the rules and the monitoring tables come from.
    struct RuleOptions: ParsableArguments {
        @Option(
            name: .customLong("rules"),
            help: "The warning-rules folder, one subfolder per namespace (default: Specs/warning-rules).")
        var rules: String?

        @Option(
            help:
                "The monitoring tables folder (default: the rules folder's sibling monitoring/, else Specs/monitoring)."
        )
        var monitoring: String?

        func rulesFolder() throws -> URL {
            if let rules { return URL(fileURLWithPath: rules) }
            guard let folder = RuleSetLoader.defaultDirectory() else {
                throw CLIFailure(message: "the Specs folder was not found; set ENFORCE_SPECS or pass --rules")
            }
            return folder
        }

        func monitoringFolder() throws -> URL {
            if let monitoring { return URL(fileURLWithPath: monitoring) }
            let sibling = try rulesFolder().deletingLastPathComponent().appendingPathComponent("monitoring")
            if FileManager.default.fileExists(atPath: sibling.appendingPathComponent("emission-limits.yaml").path) {
                return sibling
            }
            guard let folder = MonitoringStandards.defaultDirectory() else {
                throw CLIFailure(message: "the Specs folder was not found; set ENFORCE_SPECS or pass --monitoring")
            }
            return folder
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check the warning rules (every namespace) and the monitoring tables; report every problem with its file and line.",
            discussion: """
                Lists the city overrides with their reasons. Exit status 0 when there are no errors (warnings allowed), \
                1 when there are errors, 2 when the folder cannot be read.
                """
        )

        @OptionGroup var options: RuleOptions
        @OptionGroup var output: OutputOptions

        struct Override: Encodable {
            var namespace: String
            var rule: String
            var reason: LocalizedText
            var changes: [String]
            var location: String?
        }

        struct Report: Encodable {
            var rules: String
            var monitoring: String
            var version: String?
            var namespaces: [String]
            var ruleCount: Int
            var enabledRules: Int
            var overrides: [Override]
            var errors: Int
            var warnings: Int
            var diagnostics: [RuleDiagnostic]
        }

        func run() throws {
            let folder = try options.rulesFolder()
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue
            else { throw CLIFailure(message: "no warning-rules folder at \(folder.path)") }
            let result = RuleSetLoader().read(directory: folder)
            let monitoringFolder = try options.monitoringFolder()
            let (_, monitoringDiagnostics) = MonitoringStandards.read(directory: monitoringFolder)
            let diagnostics = result.diagnostics + monitoringDiagnostics
            let errors = diagnostics.filter { $0.severity == .error }.count
            let rules = result.catalog?.ruleSet()
            var overrides: [Override] = []
            if let catalog = result.catalog {
                for city in catalog.cities {
                    for override in city.overrides {
                        guard let target = catalog.base.rules.first(where: { $0.id == override.rule }) else { continue }
                        overrides.append(
                            Override(
                                namespace: city.id, rule: override.rule, reason: override.reason,
                                changes: override.changes(to: target), location: override.location?.description))
                    }
                }
            }
            let report = Report(
                rules: folder.path, monitoring: monitoringFolder.path, version: rules?.version,
                namespaces: rules?.namespaces ?? [], ruleCount: rules?.rules.count ?? 0,
                enabledRules: rules?.rules.filter(\.enabled).count ?? 0, overrides: overrides, errors: errors,
                warnings: diagnostics.count - errors, diagnostics: diagnostics)
            if output.isJSON {
                try printJSON(report)
            } else {
                for diagnostic in diagnostics { print(diagnostic) }
                for override in overrides {
                    print(
                        "override \(override.namespace): \(override.rule): \(override.changes.joined(separator: "; ")) "
                            + "— \(override.reason.zh) (\(override.reason.en))")
                }
                let namespaces = report.namespaces.isEmpty ? "no rule set" : report.namespaces.joined(separator: "+")
                print(
                    "\(namespaces) \(report.version ?? ""): \(report.ruleCount) rules (\(report.enabledRules) enabled), "
                        + "\(overrides.count) overrides, \(errors) errors, \(report.warnings) warnings")
            }
            if errors > 0 { throw ExitCode(ExitStatus.failedChecks) }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay recorded readings through the warning rules in virtual time; print the warnings.",
            discussion: """
                The replay file is CSV with a header (point,pollutant,time,value,flag) or JSON Lines with the same \
                keys; times in Beijing time (2026-11-29T10:00:00+08:00, 2026-11-29 10:00:00) or the HJ 212 form \
                (20261129100000). Readings are evaluated in time order (the file is sorted when it is not), so the \
                same file always gives the same warnings. The whole file is held in memory as 24-byte readings \
                (57.6 million readings: about 1.4 GB).
                Without --city, the province's rules run with every city's rules scoped to the city's division; \
                with --city, the city's deployment (its overrides everywhere).
                Exit status 0 when the replay ran (whatever warnings it raised), 2 when an input is unreadable or \
                malformed (the errors name file and line).
                """
        )

        @OptionGroup var options: RuleOptions

        @Option(help: "The city namespace of a city deployment (e.g. cd).")
        var city: String?

        @Option(help: "The replay file: CSV or JSON Lines of point, pollutant, time, value, flag.")
        var replay: String

        @Option(help: "Point profiles (YAML or JSON): limits, ranges, reference O2, production signal, division.")
        var points: String?

        @Option(help: "Maintenance filings (CSV or JSON Lines: point, pollutant, start, end, reference).")
        var maintenance: String?

        @Option(help: "Replay from this time (inclusive); the clock starts here.")
        var from: String?

        @Option(help: "Replay to this time (exclusive); hours and offline checks close here.")
        var to: String?

        @OptionGroup var output: OutputOptions

        func validate() throws {
            for (name, value) in [("--from", from), ("--to", to)] {
                if let value, MonitoringTime.parse(value) == nil {
                    throw ValidationError(
                        "\(name) `\(value)` is not a time (2026-11-29T10:00:00+08:00, 2026-11-29 10:00:00 or 20261129100000)"
                    )
                }
            }
            if let from, let to, let start = MonitoringTime.parse(from), let end = MonitoringTime.parse(to),
                end <= start
            {
                throw ValidationError("--to must be after --from")
            }
        }

        struct EvidenceOutput: Encodable {
            var pollutant: String
            var time: String
            var value: Double?
            var flag: String
        }

        struct WarningOutput: Encodable {
            var ruleID: String
            var ruleVersion: String
            var type: String
            var level: String
            var point: String
            var pollutant: String?
            var triggeredAt: String
            var windowStart: String
            var windowEnd: String
            var observedValue: Double?
            var thresholdValue: Double?
            var description: String
            var descriptionEN: String
            var labels: [String: String]
            var evidence: [EvidenceOutput]

            init(_ warning: Warning) {
                ruleID = warning.ruleID
                ruleVersion = warning.ruleVersion
                type = warning.type
                level = warning.level.code
                point = warning.point
                pollutant = warning.pollutant
                triggeredAt = MonitoringTime.iso(warning.triggeredAt)
                windowStart = MonitoringTime.iso(warning.windowStart)
                windowEnd = MonitoringTime.iso(warning.windowEnd)
                observedValue = warning.observedValue
                thresholdValue = warning.thresholdValue
                description = warning.description
                descriptionEN = warning.descriptionEN
                labels = warning.labels
                evidence = warning.evidence.map {
                    EvidenceOutput(
                        pollutant: $0.pollutant, time: MonitoringTime.iso($0.time), value: $0.value, flag: $0.flag.code)
                }
            }
        }

        struct Report: Encodable {
            var rules: String
            var namespaces: [String]
            var replay: String
            var from: String?
            var to: String?
            var readings: Int
            var statistics: RuleEngineStatistics
            var warnings: [WarningOutput]
        }

        func run() async throws {
            let rules = try load { () throws(RuleLoadError) in
                try RuleSetLoader().load(directory: try? options.rulesFolder(), city: city)
            }
            let standards = try load { () throws(RuleLoadError) in
                try MonitoringStandards.load(directory: try? options.monitoringFolder())
            }
            let profiles =
                try points.map { path in
                    try load { () throws(RuleLoadError) in try PointProfile.load(contentsOf: URL(fileURLWithPath: path))
                    }
                } ?? []
            let filings =
                try maintenance.map { path in
                    try load { () throws(RuleLoadError) in try ReplayReader.filings(in: URL(fileURLWithPath: path)) }
                } ?? []
            var engine = try load { () throws(RuleLoadError) in
                try RuleEngine(rules: rules, profiles: profiles, standards: standards, filings: filings)
            }
            let start = from.flatMap { MonitoringTime.parse($0) }
            let end = to.flatMap { MonitoringTime.parse($0) }

            // Read the whole replay as compact readings, keep file order for equal times, sort when needed.
            let reader = try load { () throws(RuleLoadError) in try ReplayFileReader(url: URL(fileURLWithPath: replay))
            }
            var readings: [SeriesReading] = []
            var sorted = true
            var newest = Int64.min
            while let chunk = try load({ () throws(RuleLoadError) in try reader.next(upTo: 65_536) }) {
                for reading in chunk {
                    if let start, reading.time < start { continue }
                    if let end, reading.time >= end { continue }
                    let id = engine.series(point: reading.point, pollutant: reading.pollutant)
                    readings.append(
                        SeriesReading(series: id, time: reading.time, value: reading.value, flag: reading.flag))
                    if reading.time < newest { sorted = false }
                    newest = max(newest, reading.time)
                }
            }
            if !sorted {
                // A stable sort by time: equal times keep their file order.
                readings = readings.enumerated().sorted {
                    ($0.element.time, $0.offset) < ($1.element.time, $1.offset)
                }.map(\.element)
            }
            var warnings: [Warning] = []
            if let start { warnings += engine.advance(to: start) }
            warnings += engine.evaluate(readings)
            warnings += engine.finish(at: end)
            warnings.sort(by: Warning.canonicalOrder)

            if output.isJSON {
                try printJSON(
                    Report(
                        rules: rules.version, namespaces: rules.namespaces, replay: replay,
                        from: start.map(MonitoringTime.iso), to: end.map(MonitoringTime.iso), readings: readings.count,
                        statistics: engine.statistics, warnings: warnings.map(WarningOutput.init)))
            } else {
                for warning in warnings {
                    let observed = warning.observedValue.map { " observed \($0)" } ?? ""
                    let threshold = warning.thresholdValue.map { " threshold \($0)" } ?? ""
                    print(
                        "\(MonitoringTime.short(warning.triggeredAt)) L\(warning.level.code) \(warning.type) "
                            + "\(warning.ruleID) \(warning.point) \(warning.pollutant ?? "-")\(observed)\(threshold): "
                            + warning.description)
                }
                let statistics = engine.statistics
                print(
                    "\(readings.count) readings replayed with rules \(rules.version): \(warnings.count) warnings"
                        + (statistics.lateReadings + statistics.outOfOrderReadings > 0
                            ? ", \(statistics.lateReadings + statistics.outOfOrderReadings) readings dropped (late or duplicate)"
                            : ""))
            }
        }

        /// Runs a loader; its located errors end the command with status 2.
        private func load<T>(_ body: () throws(RuleLoadError) -> T) throws -> T {
            do {
                return try body()
            } catch {
                let errors = error.diagnostics.filter { $0.severity == .error }
                let shown = errors.prefix(20).map(\.description).joined(separator: "\n")
                let more = errors.count > 20 ? "\n(and \(errors.count - 20) more errors)" : ""
                throw CLIFailure(message: shown + more)
            }
        }
    }
}
