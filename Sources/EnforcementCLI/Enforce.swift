import ArgumentParser
import DataStandard
import EnforcementStore
import Foundation

/// The administrator CLI of the Sichuan smart-enforcement platform.
///
/// Exit status: 0 success, 1 the input was read but failed checks, 2 usage error or unreadable input.
@main
struct Enforce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enforce",
        abstract: "Administrator CLI of the Sichuan smart-enforcement platform (四川省生态环境智慧执法监管与服务平台).",
        discussion: """
            Exit status: 0 success; 1 the input was read but failed checks; 2 usage error or unreadable input.
            Every command takes --format json for one machine-readable JSON document on standard output.
            """,
        subcommands: [
            StandardCommand.self, ValidateCommand.self, CodeCommand.self, CalendarCommand.self, StoreCommand.self,
            ImportCommand.self, ExportCommand.self, BatchCommand.self, QualityReportCommand.self,
            TicketsCommand.self, HJ212Command.self, RulesCommand.self, CluesCommand.self, IngestCommand.self,
        ]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as DataStandardError {
            FileHandle.standardError.write(Data("enforce: error: \(error)\n".utf8))
            Foundation.exit(ExitStatus.unreadable)
        } catch let error as StoreError {
            FileHandle.standardError.write(
                Data("enforce: error: \(error.message)\n       错误：\(error.messageZH)\n".utf8))
            Foundation.exit(ExitStatus.unreadable)
        } catch let error as CLIFailure {
            FileHandle.standardError.write(Data("enforce: error: \(error.message)\n".utf8))
            Foundation.exit(error.status)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.unreadable)
            }
            exit(withError: error)
        }
    }
}

/// The exit statuses of every command.
enum ExitStatus {
    /// The input was read but failed checks.
    static let failedChecks: Int32 = 1
    /// A usage error or unreadable input.
    static let unreadable: Int32 = 2
}

/// An error of the CLI itself, with the exit status it ends the process with.
struct CLIFailure: Error {
    var message: String
    var status: Int32 = ExitStatus.unreadable
}
