import ArgumentParser
import DataStandard
import EnforcementModel
import EnforcementStore
import Foundation

/// `enforce quality-report`.
struct QualityReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality-report",
        abstract: "The data-quality inspection report (数据质量检验报告) of a division over a period.",
        discussion: """
            Re-validates the stored and quarantined records of the division (a city, or the province 510000)
            changed in the period, and reports the six quality dimensions per entity and per source, the worst
            fields, the quarantined records and the rectification tickets.

            --format markdown (the default for a terminal), html (a self-contained page), or json.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case markdown
        case html
        case json
    }

    @Option(name: .long, help: "The division: a city (510100) or the province (510000).")
    var division: DivisionCode

    @Option(name: .long, help: "First day of the period (Beijing date; default: no lower bound).")
    var from: CivilDate?

    @Option(name: .long, help: "Last day of the period (Beijing date; default: no upper bound).")
    var to: CivilDate?

    @Option(name: .customLong("as-of"), help: "Reference date of timeliness (default: today in Beijing).")
    var asOf: CivilDate?

    @Option(name: .long, help: "Output format: markdown, html or json.")
    var format: Format = .markdown

    @Option(name: .long, help: "Write the report to this file instead of standard output.")
    var out: String?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if let from, let to, to < from { throw ValidationError("--to is before --from") }
    }

    func run() async throws {
        let text = try await withPreparedStore(store) { store, schema, _ in
            let reporter = QualityReporter(
                store: store, schema: schema,
                options: RecordValidator.Options(asOf: asOf ?? Clock.todayInBeijing()))
            let period: QualityPeriod? = (from != nil || to != nil) ? QualityPeriod(from: from, to: to) : nil
            let report = try await reporter.report(
                division: division, period: period, generatedAt: Clock.nowInBeijing())
            switch format {
            case .markdown: return report.markdown()
            case .html: return report.html()
            case .json: return try report.json()
            }
        }
        if let out {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                throw CLIFailure(message: "cannot write \(out): \(error.localizedDescription)")
            }
            progressLine("quality-report: written to \(out)")
        } else {
            print(text)
        }
    }
}
