import Foundation
import Testing

/// `enforce rules lint` and `enforce rules test`, through the real binary.
struct RulesCommandTests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rules-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static let profiles = """
        points:
          - point: "51010400000001"
            entity: E001
            division: "510104"
            source_type: coal_boiler
            limit_set: new
            reference_o2: 9
            production: {pollutant: a00000, running_above: 1000}
            pollutants:
              a21026: {limit: 160, range: 500}
              a19001:
              a00000:
        """

    /// Hours 10 and 11 of 2026-11-29: SO2 150 then 100 at O2 11 % (corrected 180, then 120; limit 160).
    static func replay(hj212Times: Bool = false, jsonLines: Bool = false) -> String {
        var lines = jsonLines ? [] : ["point,pollutant,time,value,flag"]
        for minute in 0..<120 {
            let hour = 10 + minute / 60
            let time =
                hj212Times
                ? String(format: "20261129%02d%02d00", hour, minute % 60)
                : String(format: "2026-11-29T%02d:%02d:00+08:00", hour, minute % 60)
            for (pollutant, value) in [("a21026", hour == 10 ? 150.0 : 100.0), ("a19001", 11.0), ("a00000", 5000.0)] {
                if jsonLines {
                    lines.append(
                        #"{"point":"51010400000001","pollutant":"\#(pollutant)","time":"\#(time)","value":\#(value),"flag":"N"}"#
                    )
                } else {
                    lines.append("51010400000001,\(pollutant),\(time),\(value),N")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func write(_ text: String, _ name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    // MARK: lint

    @Test func lintPassesOnTheBundledRulesAndListsTheOverrides() throws {
        let result = try CLIRunner.run(["rules", "lint"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("override cd: sichuan.constant.hourly: params.min_hours: 4 → 3"))
        #expect(result.stdout.contains("sichuan+cd 2026.1+cd.2026.1:"))
        #expect(result.stdout.contains("0 errors"))
        let json = try CLIRunner.run(["rules", "lint", "--format", "json"])
        let report = try #require(try json.json() as? [String: Any])
        #expect(report["errors"] as? Int == 0)
        #expect(report["namespaces"] as? [String] == ["sichuan", "cd"])
        #expect((report["overrides"] as? [Any])?.count == 2)
        #expect((report["enabledRules"] as? Int ?? 0) >= 10)
    }

    @Test func lintOfABrokenRuleFileExitsOneWithLocatedErrors() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rules = folder.appendingPathComponent("rules/sichuan")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        let text = """
            kind: warning_rules
            namespace: sichuan
            version: "1"
            rules:
              - id: sichuan.zero
                kind: zero
                level: 3
                colour: red
                name: {zh: 零值, en: Zero}
                message: {zh: "{point}", en: "{point}"}
                params: {min_minutes: -1}
            """
        try Data(text.utf8).write(to: rules.appendingPathComponent("rules.yaml"))
        let result = try CLIRunner.run(["rules", "lint", "--rules", folder.appendingPathComponent("rules").path])
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("sichuan/rules.yaml:8:5: error: unknown key `rules[0].colour`"))
        #expect(result.stdout.contains("sichuan/rules.yaml:11:27: error: `params.min_minutes` must be at least 1.0"))
        #expect(result.stdout.contains("2 errors"))
    }

    @Test func lintOfAMissingFolderExitsTwo() throws {
        let result = try CLIRunner.run(["rules", "lint", "--rules", "/nonexistent/rules"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no warning-rules folder"))
    }

    // MARK: test

    @Test func aReplayRaisesTheHandCheckedExceedance() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let replay = try Self.write(Self.replay(), "replay.csv", in: folder)
        let points = try Self.write(Self.profiles, "points.yaml", in: folder)
        let result = try CLIRunner.run(["rules", "test", "--replay", replay, "--points", points, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try result.json() as? [String: Any])
        #expect(report["readings"] as? Int == 360)
        #expect(report["rules"] as? String == "2026.1+cd.2026.1")
        let warnings = try #require(report["warnings"] as? [[String: Any]])
        #expect(warnings.count == 1, "\(warnings)")
        let warning = try #require(warnings.first)
        #expect(warning["ruleID"] as? String == "sichuan.exceedance.hourly")
        #expect(warning["type"] as? String == "01")
        #expect(warning["level"] as? String == "2")
        #expect(warning["point"] as? String == "51010400000001")
        #expect(warning["pollutant"] as? String == "a21026")
        #expect(warning["triggeredAt"] as? String == "2026-11-29T11:00:00+08:00")
        #expect(warning["windowStart"] as? String == "2026-11-29T10:00:00+08:00")
        #expect(warning["windowEnd"] as? String == "2026-11-29T11:00:00+08:00")
        #expect(warning["observedValue"] as? Double == 180)
        #expect(warning["thresholdValue"] as? Double == 160)
        #expect((warning["description"] as? String)?.contains("180") == true)
        let evidence = try #require(warning["evidence"] as? [[String: Any]])
        #expect(evidence.map { $0["pollutant"] as? String } == ["a21026", "a19001"])
        #expect(evidence.first?["time"] as? String == "2026-11-29T10:00:00+08:00")
        let labels = try #require(warning["labels"] as? [String: String])
        #expect(labels["entity"] == "E001")
        #expect(labels["division"] == "510104")
    }

    @Test func theSameReplayInAnyFormGivesTheSameWarnings() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let points = try Self.write(Self.profiles, "points.yaml", in: folder)
        var outputs: [String] = []
        for (name, text) in [
            ("a.csv", Self.replay()), ("b.csv", Self.replay(hj212Times: true)),
            ("c.jsonl", Self.replay(jsonLines: true)),
            (
                "d.csv",
                "point,pollutant,time,value,flag\n"
                    + Self.replay().split(separator: "\n").dropFirst().reversed().joined(separator: "\n")
            ),
        ] {
            let replay = try Self.write(text, name, in: folder)
            let result = try CLIRunner.run([
                "rules", "test", "--replay", replay, "--points", points, "--format", "json",
            ])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            let report = try #require(try result.json() as? [String: Any])
            let warnings = try JSONSerialization.data(withJSONObject: report["warnings"] ?? [], options: [.sortedKeys])
            outputs.append(String(decoding: warnings, as: UTF8.self))
        }
        #expect(Set(outputs).count == 1)
        #expect(outputs.first?.contains("sichuan.exceedance.hourly") == true)
    }

    @Test func fromAndToLimitTheReplay() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let replay = try Self.write(Self.replay(), "replay.csv", in: folder)
        let points = try Self.write(Self.profiles, "points.yaml", in: folder)
        let later = try CLIRunner.run([
            "rules", "test", "--replay", replay, "--points", points, "--from", "2026-11-29T11:00:00+08:00",
            "--format", "json",
        ])
        #expect(later.status == 0, "\(later.stderr)")
        let report = try #require(try later.json() as? [String: Any])
        #expect(report["readings"] as? Int == 180)
        #expect((report["warnings"] as? [Any])?.isEmpty == true)
        let text = try CLIRunner.run([
            "rules", "test", "--replay", replay, "--points", points, "--from", "20261129100000", "--to",
            "2026-11-29 11:00:00",
        ])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("2026-11-29 11:00 L2 01 sichuan.exceedance.hourly 51010400000001 a21026"))
        #expect(text.stdout.contains("180 readings replayed"))
    }

    @Test func aMaintenanceFilingSuppressesTheExceedance() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let replay = try Self.write(Self.replay(), "replay.csv", in: folder)
        let points = try Self.write(Self.profiles, "points.yaml", in: folder)
        let filings = try Self.write(
            "point,pollutant,start,end,reference\n51010400000001,,2026-11-29T10:00:00+08:00,2026-11-29T11:00:00+08:00,MK-1\n",
            "filings.csv", in: folder)
        let result = try CLIRunner.run([
            "rules", "test", "--replay", replay, "--points", points, "--maintenance", filings, "--format", "json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try result.json() as? [String: Any])
        #expect((report["warnings"] as? [Any])?.isEmpty == true)
    }

    @Test func aCityDeploymentRunsItsRules() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let replay = try Self.write(Self.replay(), "replay.csv", in: folder)
        let result = try CLIRunner.run(["rules", "test", "--replay", replay, "--city", "cd", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try result.json() as? [String: Any])
        #expect(report["namespaces"] as? [String] == ["sichuan", "cd"])
        let unknown = try CLIRunner.run(["rules", "test", "--replay", replay, "--city", "xx"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no city namespace `xx`"))
    }

    @Test func malformedInputsExitTwoWithLocatedErrors() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let replay = try Self.write(
            "point,pollutant,time,value,flag\nP1,a21026,20261129100000,1,N\nP1,a21026,tomorrow,1,N\nP1,a21026,20261129100200,x,N\n",
            "replay.csv", in: folder)
        let result = try CLIRunner.run(["rules", "test", "--replay", replay])
        #expect(result.status == 2)
        #expect(result.stderr.contains("replay.csv:3:1: error: `tomorrow` is not a time"))
        #expect(result.stderr.contains("replay.csv:4:1: error: `x` is not a number"))
        let points = try Self.write("points:\n  - point: P1\n    limits: 3\n", "points.yaml", in: folder)
        let good = try Self.write(Self.replay(), "good.csv", in: folder)
        let badPoints = try CLIRunner.run(["rules", "test", "--replay", good, "--points", points])
        #expect(badPoints.status == 2)
        #expect(badPoints.stderr.contains("points.yaml:3:5: error: unknown key `points[0].limits`"))
        let missing = try CLIRunner.run(["rules", "test", "--replay", folder.appendingPathComponent("none.csv").path])
        #expect(missing.status == 2)
        let badTime = try CLIRunner.run(["rules", "test", "--replay", good, "--from", "noon"])
        #expect(badTime.status == 2)
        let noReplay = try CLIRunner.run(["rules", "test"])
        #expect(noReplay.status == 2)
    }
}
