import ArgumentParser

struct CodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "code")
}
