import ArgumentParser

struct HJ212Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hj212",
        abstract: "HJ 212 tools: decode, encode, crc."
    )

    func run() async throws {
        throw CLIFailure(message: "not built yet")
    }
}
