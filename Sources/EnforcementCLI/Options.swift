import ArgumentParser
import DataStandard
import EnforcementModel
import Foundation

/// How a command prints its result.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// `--format`.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    var isJSON: Bool { format == .json }
}

/// `--specs` and `--standard-version`: where the standard comes from.
struct StandardOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "The Specs folder (default: $ENFORCE_SPECS, else ./Specs, else the copy bundled with the SDK).")
    var specs: String?

    @Option(name: .customLong("standard-version"), help: "The version of the standard.")
    var version: String = StandardLoader.currentVersion

    var specsURL: URL? { specs.map { URL(fileURLWithPath: $0) } }

    func standardDirectory() throws -> URL {
        try StandardLoader.defaultStandardDirectory(specs: specsURL, version: version)
    }

    func loadStandard() throws -> StandardSpec {
        try StandardLoader().load(directory: standardDirectory())
    }
}

/// Prints an encodable value as one JSON document on standard output.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// The inputs of `validate` and `import`: files (PATH with `--entity`, or ENTITY=PATH), their encoding and
/// format, and the reference date of timeliness.
struct InputOptions: ParsableArguments {
    @Option(name: .long, help: "The entity of the records (e.g. regulated_entity, or 排污单位).")
    var entity: String?

    @Argument(help: "The input files: PATH, or ENTITY=PATH.")
    var files: [String]

    @Option(name: .long, help: "Text encoding of the inputs: auto, utf-8 or gb18030.")
    var encoding: String = "auto"

    @Option(name: .customLong("input-format"), help: "Record format of the inputs: auto, csv, jsonl or json.")
    var inputFormat: String = "auto"

    @Option(name: .customLong("as-of"), help: "Reference date of timeliness (default: today in Beijing).")
    var asOf: CivilDate?

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one input file") }
        if InputEncoding(name: encoding) == nil {
            throw ValidationError("unknown encoding `\(encoding)`; use auto, utf-8 or gb18030")
        }
        if InputFormat(name: inputFormat) == nil {
            throw ValidationError("unknown input format `\(inputFormat)`; use auto, csv, jsonl or json")
        }
    }

    /// The entity and readable path of every input.
    func resolve(in standard: StandardSpec) throws -> [(entity: String, path: String)] {
        func resolve(_ name: String) throws -> String {
            if let entity = standard.entity(name) ?? standard.entities.first(where: { $0.name.zh == name }) {
                return entity.id
            }
            throw CLIFailure(
                message: "unknown entity `\(name)`; run `enforce standard list` for the entities of the standard")
        }
        let defaultEntity = try entity.map(resolve)
        return try files.map { argument in
            var entityID = defaultEntity
            var path = argument
            if let equals = argument.firstIndex(of: "="), !FileManager.default.fileExists(atPath: argument) {
                entityID = try resolve(String(argument[..<equals]))
                path = String(argument[argument.index(after: equals)...])
            }
            guard let entityID else {
                throw ValidationError("no entity for \(argument): give --entity ENTITY or write ENTITY=PATH")
            }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw CLIFailure(message: "cannot read \(path)")
            }
            return (entityID, path)
        }
    }

    /// Validator options with the inputs' encoding, format and reference date (today in Beijing by default).
    func validatorOptions() -> RecordValidator.Options {
        var options = RecordValidator.Options(
            asOf: asOf ?? Clock.todayInBeijing(), encoding: InputEncoding(name: encoding) ?? .automatic)
        options.format = InputFormat(name: inputFormat) ?? .automatic
        return options
    }
}
