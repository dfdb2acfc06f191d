import ArgumentParser

struct HJ212DecodeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hj212-decode",
        abstract: "Decode hourly-data packets with CRC check; print one JSON line."
    )

    func run() async throws {
        throw ValidationError("not built yet")
    }
}
