import ArgumentParser

struct IngestBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Simulated devices over loopback into the TCP ingest; print one JSON line."
    )

    func run() async throws {
        throw ValidationError("not built yet")
    }
}
