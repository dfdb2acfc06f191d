import Foundation
import Testing

/// `enforce clues merge` through the real binary, on `Examples/clues/` (see its README for the expected groups).
struct CluesCommandTests {
    static var samples: URL { CLIRunner.repository.appendingPathComponent("Examples/clues") }
    static var hotlines: String { samples.appendingPathComponent("clues-hotlines.csv").path }
    static var systems: String { samples.appendingPathComponent("clues-systems.jsonl").path }

    static func temporary(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clues-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name)
    }

    @Test func mergesTheSamplesIntoThreeGroups() throws {
        let result = try CLIRunner.run([
            "clues", "merge", Self.hotlines, Self.systems, "--format", "json", "--now", "2026-11-27 09:00:00",
        ])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let document = try #require(try result.json() as? [String: Any])
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["clues"] as? Int == 11)
        #expect(summary["groups"] as? Int == 3)
        #expect(summary["inGroups"] as? Int == 9)
        #expect(summary["mergedNow"] as? Int == 6)
        let groups = try #require(document["groups"] as? [[String: Any]])
        #expect(
            groups.compactMap { $0["primary"] as? String } == [
                "XS510107202611220001", "XS510681202611260001", "XS510682202611250001",
            ])
        let first = try #require(groups.first?["members"] as? [[String: Any]])
        #expect(
            first.compactMap { $0["clueId"] as? String } == [
                "XS510107202611220001", "XS510107202611220002", "XS510107202611230002", "XS510107202611230001",
            ])
        let links = try #require(groups.first?["links"] as? [[String: Any]])
        #expect(
            links.contains { $0["from"] as? String == "XS510107202611220002" && $0["basis"] as? String == "address" })

        let clues = try #require(document["clues"] as? [[String: Any]])
        #expect(clues.count == 11)
        #expect(Set(clues.compactMap { $0["clue_id"] as? String }).count == 11)
        let merged = clues.filter { $0["status"] as? String == "06" }
        #expect(merged.count == 6)
        let primaries = Set(groups.compactMap { $0["primary"] as? String })
        #expect(merged.allSatisfy { primaries.contains($0["merged_into"] as? String ?? "") })
        let conflicts = try #require(document["conflicts"] as? [[String: Any]])
        #expect(
            conflicts.allSatisfy {
                $0["reason"] as? String == "closed" && $0["first"] as? String == "XS510107202611210001"
            })
        #expect(!conflicts.isEmpty)
    }

    @Test func printsTheGroupsAsText() throws {
        let result = try CLIRunner.run(["clues", "merge", Self.hotlines, Self.systems])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("group XS510681202611260001: 2 clues"))
        #expect(result.stdout.contains("primary XS510681202611260001"))
        #expect(result.stdout.contains("[entity_code → XS510681202611260001]"))
        #expect(result.stdout.contains("11 clues from 2 files: 3 groups of 9 clues, 6 merged now, 2 standalone"))
    }

    @Test func theWrittenOutputValidatesAndMergesToItself() throws {
        let out = try Self.temporary("merged.csv")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let first = try CLIRunner.run([
            "clues", "merge", Self.hotlines, Self.systems, "--out", out.path, "--format", "json",
        ])
        #expect(first.status == 0, "\(first.stderr)")
        let document = try #require(try first.json() as? [String: Any])
        #expect(document["clues"] == nil)

        let validation = try CLIRunner.run(["validate", "--entity", "clue", out.path])
        #expect(validation.status == 0, "\(validation.stdout)")

        let again = try CLIRunner.run(["clues", "merge", out.path, "--format", "json", "--out", out.path + ".jsonl"])
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        let second = try #require(try again.json() as? [String: Any])
        #expect((second["summary"] as? [String: Any])?["mergedNow"] as? Int == 0)
        #expect((second["events"] as? [Any])?.isEmpty == true)
        #expect(
            (second["groups"] as? [[String: Any]])?.compactMap { $0["primary"] as? String }
                == (document["groups"] as? [[String: Any]])?.compactMap { $0["primary"] as? String })
        let lines = try String(contentsOfFile: out.path + ".jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 11)
    }

    @Test func mergedCluesAreStoredOnceInTheStore() throws {
        // The one store of clues: the merged clues are records of the standard's `clue` entity, imported into the
        // store like any other; merging and importing again stores nothing twice.
        let out = try Self.temporary("merged.jsonl")
        let folder = out.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("clues.sqlite").path
        let now = "2026-11-27 09:00:00"
        let merge = try CLIRunner.run(["clues", "merge", Self.hotlines, Self.systems, "--now", now, "--out", out.path])
        #expect(merge.status == 0, "\(merge.stderr)")
        let initialize = try CLIRunner.run(["store", "init", "--store", store])
        #expect(initialize.status == 0, "\(initialize.stderr)")

        func imported(_ file: String) throws -> [String: Any] {
            let result = try CLIRunner.run(["import", "--store", store, "--format", "json", "clue=\(file)"])
            #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
            let document = try #require(try result.json() as? [String: Any])
            return try #require((document["files"] as? [[String: Any]])?.first)
        }
        let first = try imported(out.path)
        #expect(first["inserted"] as? Int == 11)
        #expect(first["quarantined"] as? Int == 0)
        #expect(first["alreadyImported"] as? Bool == false)

        // Merged again and written as CSV: other bytes (so not the same import again), the same records.
        let again = folder.appendingPathComponent("merged-again.csv").path
        let remerge = try CLIRunner.run(["clues", "merge", out.path, "--now", now, "--out", again])
        #expect(remerge.status == 0, "\(remerge.stderr)")
        let second = try imported(again)
        #expect(second["alreadyImported"] as? Bool == false)
        #expect(second["inserted"] as? Int == 0)
        #expect(second["updated"] as? Int == 0)
        #expect(second["unchanged"] as? Int == 11)
    }

    @Test func aShorterWindowMergesLess() throws {
        let result = try CLIRunner.run([
            "clues", "merge", Self.hotlines, Self.systems, "--window", "2", "--format", "json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require((try result.json() as? [String: Any])?["summary"] as? [String: Any])
        #expect(summary["windowHours"] as? Double == 2)
        #expect((summary["inGroups"] as? Int ?? 99) < 9)
    }

    @Test func errorsAreLocatedAndExitOne() throws {
        let file = Self.samples.appendingPathComponent("clues-with-errors.csv").path
        let result = try CLIRunner.run(["clues", "merge", file, "--format", "json"])
        #expect(result.status == 1)
        let document = try #require(try result.json() as? [String: Any])
        let errors = try #require(document["errors"] as? [[String: Any]])
        let found = errors.map {
            "\($0["line"] as? Int ?? 0) \($0["field"] as? String ?? "-") \($0["ruleId"] as? String ?? "")"
        }
        #expect(found.contains("2 division_code CLU-R01"))
        #expect(found.contains("3 summary field.required"))
        #expect(found.contains("4 received_at field.type"))
        #expect(errors.allSatisfy { ($0["file"] as? String)?.hasSuffix("clues-with-errors.csv") == true })

        let text = try CLIRunner.run(["clues", "merge", file])
        #expect(text.status == 1)
        #expect(text.stdout.contains("clues-with-errors.csv:4: record 3: received_at: error [field.type]"))
        #expect(text.stdout.contains("nothing merged"))
    }

    @Test func unreadableInputAndUsageErrorsExitTwo() throws {
        let missing = try CLIRunner.run(["clues", "merge", "/nonexistent/clues.csv"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read"))
        #expect(try CLIRunner.run(["clues", "merge"]).status == 2)
        #expect(try CLIRunner.run(["clues", "merge", Self.hotlines, "--out", "x.txt"]).status == 2)
        #expect(try CLIRunner.run(["clues", "merge", Self.hotlines, "--window", "0"]).status == 2)
        let badConfig = try Self.temporary("clues.yaml")
        defer { try? FileManager.default.removeItem(at: badConfig.deletingLastPathComponent()) }
        try Data("standard: x\nversion: \"1\"\nmerge:\n  window: soon\n".utf8).write(to: badConfig)
        let config = try CLIRunner.run(["clues", "merge", Self.hotlines, "--config", badConfig.path])
        #expect(config.status == 2)
        #expect(config.stderr.contains("clues.yaml:4:"))
    }
}
