import ArgumentParser

@main
struct Enforce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enforce",
        abstract: "Administrator CLI of the Sichuan smart-enforcement platform."
    )
}
