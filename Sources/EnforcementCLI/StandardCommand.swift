import ArgumentParser
import DataStandard
import EnforcementModel
import Foundation

struct StandardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "standard",
        abstract: "Check and describe the unified data standard.",
        subcommands: [Lint.self, Describe.self, List.self]
    )

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Load a standard and report every problem: YAML syntax, unknown keys, dangling references, rules that can never fire.",
            discussion: "Exit status 0 when there are no errors (warnings allowed), 1 when there are errors."
        )

        @Argument(help: "The standard's version folder (default: the bundled Sichuan standard).")
        var directory: String?

        @OptionGroup var standard: StandardOptions
        @OptionGroup var output: OutputOptions

        struct Report: Encodable {
            var directory: String
            var standard: String?
            var version: String?
            var entities: Int
            var codeTables: Int
            var errors: Int
            var warnings: Int
            var diagnostics: [StandardDiagnostic]
        }

        func run() throws {
            let folder = try directory.map { URL(fileURLWithPath: $0) } ?? standard.standardDirectory()
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("standard.yaml").path) else {
                throw CLIFailure(message: "\(folder.path) holds no standard.yaml")
            }
            let result = StandardLoader().read(directory: folder)
            let diagnostics = result.diagnostics + (result.standard.map { StandardLinter().lint($0) } ?? [])
            let errors = diagnostics.filter { $0.severity == .error }.count
            let report = Report(
                directory: folder.path, standard: result.standard?.id, version: result.standard?.version,
                entities: result.standard?.entities.count ?? 0, codeTables: result.standard?.codeTables.count ?? 0,
                errors: errors, warnings: diagnostics.count - errors, diagnostics: diagnostics)
            if output.isJSON {
                try printJSON(report)
            } else {
                for diagnostic in diagnostics { print(diagnostic) }
                let name = [report.standard, report.version].compactMap { $0 }.joined(separator: " ")
                print(
                    "\(name.isEmpty ? folder.path : name): \(report.entities) entities, \(report.codeTables) code tables, "
                        + "\(errors) errors, \(report.warnings) warnings")
            }
            if errors > 0 { throw ExitCode(ExitStatus.failedChecks) }
        }
    }

    struct Describe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print the data dictionary of one entity (数据字典): fields, types, units, constraints, rules, sharing."
        )

        @Argument(help: "The entity id (e.g. regulated_entity) or its Chinese name (e.g. 排污单位).")
        var entity: String

        @OptionGroup var standard: StandardOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let spec = try standard.loadStandard()
            guard let entity = spec.entity(entity) ?? spec.entities.first(where: { $0.name.zh == entity }) else {
                let known = spec.entities.map(\.id).joined(separator: ", ")
                throw CLIFailure(message: "unknown entity `\(entity)`; known entities: \(known)")
            }
            if output.isJSON {
                try printJSON(entity)
            } else {
                print(EntityDictionaryText(entity: entity, standard: spec).render())
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the entities and code tables of the standard.")

        @OptionGroup var standard: StandardOptions
        @OptionGroup var output: OutputOptions

        struct Row: Encodable {
            var id: String
            var name: LocalizedText
            var resource: Int?
            var category: EntityCategory
            var fields: Int
            var rules: Int
        }

        func run() throws {
            let spec = try standard.loadStandard()
            let rows = spec.entities.map {
                Row(
                    id: $0.id, name: $0.name, resource: $0.resource, category: $0.category, fields: $0.fields.count,
                    rules: $0.rules.count)
            }
            if output.isJSON {
                try printJSON(rows)
                return
            }
            print("\(spec.title.zh) \(spec.id) \(spec.version)")
            for row in rows {
                let resource = row.resource.map { String(format: "%2d", $0) } ?? " -"
                print("  [\(resource)] \(row.id.padding(toLength: 34, withPad: " ", startingAt: 0)) \(row.name.zh)")
            }
            print("code tables: \(spec.codeTables.keys.sorted().joined(separator: ", "))")
        }
    }
}

/// The text form of an entity's dictionary.
struct EntityDictionaryText {
    var entity: EntitySpec
    var standard: StandardSpec

    func render() -> String {
        var lines: [String] = []
        lines.append("\(entity.name.zh) / \(entity.name.en)  [\(entity.id)]  \(standard.id) \(standard.version)")
        if let description = entity.description { lines.append("  \(description.zh) / \(description.en)") }
        if let resource = entity.resource { lines.append("  Table 4 resource \(resource)") }
        if let source = entity.source { lines.append("  source: \(source)") }
        lines.append("  key: \(entity.key.joined(separator: ", "))")
        if let division = entity.divisionField { lines.append("  division field: \(division)") }
        lines.append("")
        lines.append("  fields:")
        for field in entity.fields {
            var constraints: [String] = []
            if field.required { constraints.append("required") }
            if field.unique { constraints.append("unique") }
            if let unit = field.unit { constraints.append("unit \(unit)") }
            if let range = field.range {
                constraints.append("range \(range.min.map { "\($0)" } ?? "")…\(range.max.map { "\($0)" } ?? "")")
            }
            if let length = field.length {
                constraints.append("length \(length.min.map(String.init) ?? "")…\(length.max.map(String.init) ?? "")")
            }
            if let pattern = field.pattern { constraints.append("pattern \(pattern)") }
            if let table = field.codeTable { constraints.append("codes \(table)") }
            if let reference = field.reference { constraints.append("ref \(reference.entity).\(reference.field)") }
            if field.sensitive { constraints.append("sensitive") }
            if field.severity == .warning { constraints.append("warning only") }
            lines.append(
                "    \(field.id.padding(toLength: 28, withPad: " ", startingAt: 0)) \(field.type.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) \(field.name.zh) / \(field.name.en)"
            )
            if !constraints.isEmpty { lines.append("      \(constraints.joined(separator: "; "))") }
        }
        if !entity.rules.isEmpty {
            lines.append("")
            lines.append("  rules:")
            for rule in entity.rules {
                lines.append(
                    "    \(rule.id) [\(rule.kind.name), \(rule.severity.rawValue)] \(rule.message.zh) / \(rule.message.en)"
                )
            }
        }
        lines.append("")
        let sharing = entity.sharing
        func describe(_ selection: FieldSelection) -> String {
            switch selection {
            case .all: "all fields"
            case .none: "none"
            case .fields(let fields): fields.joined(separator: ", ")
            }
        }
        lines.append(
            "  sharing: up \(describe(sharing.up)); down \(describe(sharing.down)); visible from \(sharing.visibility.rawValue)"
        )
        for grant in sharing.across {
            lines.append("    across to \(grant.department): \(grant.fields.joined(separator: ", "))")
        }
        if !sharing.masked.isEmpty { lines.append("    masked: \(sharing.masked.joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }
}
