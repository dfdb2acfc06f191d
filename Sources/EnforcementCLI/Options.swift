import ArgumentParser
import DataStandard
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
