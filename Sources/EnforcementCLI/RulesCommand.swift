import ArgumentParser

struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Warning rules: lint, test."
    )

    func run() async throws {
        throw CLIFailure(message: "not built yet")
    }
}
