import ArgumentParser

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "HJ 212 TCP ingest."
    )

    func run() async throws {
        throw CLIFailure(message: "not built yet")
    }
}
