import ArgumentParser

struct RulesBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Evaluate the built-in rules over a day of minute data; print one JSON line."
    )

    func run() async throws {
        throw ValidationError("not built yet")
    }
}
