import ArgumentParser

struct CluesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clues",
        abstract: "Clues: merge."
    )

    func run() async throws {
        throw CLIFailure(message: "not built yet")
    }
}
