import ArgumentParser

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enforce-bench",
        abstract: "Benchmarks of the enforcement SDK; one JSON line per run.",
        subcommands: [
            ValidateBenchmark.self, ImportBenchmark.self, ReadingsBenchmark.self, HJ212DecodeBenchmark.self,
            RulesBenchmark.self, IngestBenchmark.self,
        ]
    )
}
