import ArgumentParser
import DataStandard
import EnforcementModel

extension CodeSystem: ExpressibleByArgument {}

struct CodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code",
        abstract: "Check national codes (公共代码).",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check values against their code system and the standard's code tables.",
            discussion: """
                Systems: \(CodeSystem.allCases.map(\.rawValue).joined(separator: ", ")).
                Exit status 0 when every value is valid, 1 when any is not.
                """
        )

        @Argument(help: "The code system.")
        var system: CodeSystem

        @Argument(help: "The values to check.")
        var values: [String]

        @OptionGroup var standard: StandardOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if values.isEmpty { throw ValidationError("give at least one value to check") }
        }

        func run() throws {
            let checker = CodeChecker(standard: try standard.loadStandard())
            let results = values.map { checker.check($0, as: system) }
            if output.isJSON {
                try printJSON(results)
            } else {
                for result in results {
                    let name = result.name.map { " \($0.zh) (\($0.en))" } ?? ""
                    print("\(result.value): \(result.valid ? "valid" : "INVALID")\(name)")
                    for problem in result.errors { print("  error: \(problem.messageZH) / \(problem.message)") }
                    for problem in result.warnings { print("  warning: \(problem.messageZH) / \(problem.message)") }
                    for (key, value) in result.details.sorted(by: { $0.key < $1.key }) { print("  \(key): \(value)") }
                }
            }
            if results.contains(where: { !$0.valid }) { throw ExitCode(ExitStatus.failedChecks) }
        }
    }
}
