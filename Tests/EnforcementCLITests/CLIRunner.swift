import Foundation
import Testing

/// Runs the real `enforce` executable built next to the test bundle and captures what it prints.
struct CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Standard output parsed as one JSON document.
        func json() throws -> Any {
            try JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed])
        }
    }

    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("enforce")
    }

    /// The repository root (for the bundled sample data and Specs).
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static func run(_ arguments: [String], stdin: Data? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["ENFORCE_SPECS"] = repository.appendingPathComponent("Specs").path
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let input = Pipe()
            process.standardInput = input
            try process.run()
            input.fileHandleForWriting.write(stdin)
            try input.fileHandleForWriting.close()
        } else {
            try process.run()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

struct StandardCommandTests {
    @Test func lintPassesOnTheBundledStandard() throws {
        let result = try CLIRunner.run(["standard", "lint", "--format", "json"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let report = try #require(try result.json() as? [String: Any])
        #expect(report["errors"] as? Int == 0)
        #expect((report["entities"] as? Int ?? 0) >= 37)
        #expect(report["standard"] as? String == "sichuan-enforcement")
    }

    @Test func lintFailsWithStatusOneOnABrokenStandard() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString)/x/1.0")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(at: folder.deletingLastPathComponent().deletingLastPathComponent())
        }
        try Data("standard: x\nversion: \"1.0\"\ntitle: {zh: 甲, en: A}\nexchange: {header: []}\nbogus: 1\n".utf8)
            .write(to: folder.appendingPathComponent("standard.yaml"))
        let result = try CLIRunner.run(["standard", "lint", folder.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("standard.yaml:5:1: error: unknown key `bogus`"))
    }

    @Test func lintOfAMissingFolderExitsTwo() throws {
        let result = try CLIRunner.run(["standard", "lint", "/nonexistent/folder"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no standard.yaml"))
    }

    @Test func describePrintsTheDictionaryInBothLanguages() throws {
        let text = try CLIRunner.run(["standard", "describe", "regulated_entity"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("排污单位"))
        #expect(text.stdout.contains("统一社会信用代码"))
        let json = try CLIRunner.run(["standard", "describe", "排污单位", "--format", "json"])
        let entity = try #require(try json.json() as? [String: Any])
        #expect(entity["id"] as? String == "regulated_entity")
        let fields = try #require(entity["fields"] as? [[String: Any]])
        #expect(fields.contains { $0["type"] as? String == "uscc" })
    }

    @Test func describeOfAnUnknownEntityExitsTwo() throws {
        let result = try CLIRunner.run(["standard", "describe", "no_such_entity"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown entity"))
    }

    @Test func usageErrorsExitTwo() throws {
        let result = try CLIRunner.run(["standard", "lint", "--no-such-option"])
        #expect(result.status == 2)
    }
}
