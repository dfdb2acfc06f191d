import Foundation
import Testing

/// The example monitoring day (`Examples/monitoring/`): the rules find exactly what its README says was planted.
@Suite("The example monitoring day")
struct ExampleDayTests {
    @Test("the replay raises the documented warnings and nothing for the maintenance hour")
    func documentedWarnings() throws {
        let folder = CLIRunner.repository.appendingPathComponent("Examples/monitoring")
        let result = try CLIRunner.run([
            "rules", "test", "--replay", folder.appendingPathComponent("day.csv").path, "--points",
            folder.appendingPathComponent("points.yaml").path, "--format", "json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try result.json() as? [String: Any])
        #expect(report["readings"] as? Int == 13_950)
        let warnings = try #require(report["warnings"] as? [[String: Any]])
        let found = warnings.map { warning in
            ["ruleID", "point", "pollutant", "triggeredAt"].map { warning[$0] as? String ?? "-" }
                .joined(separator: " ")
        }
        let boiler = "51010400000001"
        let kiln = "51012200000002"
        var expected = [
            "sichuan.constant.hourly \(kiln) a21002 2026-11-29T05:00:00+08:00",
            "sichuan.jump_then_flat \(boiler) a21026 2026-11-29T10:59:00+08:00",
            "sichuan.exceedance.hourly \(boiler) a21026 2026-11-29T12:00:00+08:00",
            "sichuan.offline.hour \(kiln) - 2026-11-29T20:59:00+08:00",
        ]
        for factor in ["a00000", "a19001", "a21002", "a21026", "a34013"] {
            expected.append("sichuan.missing.hourly \(kiln) \(factor) 2026-11-29T22:00:00+08:00")
        }
        #expect(found == expected)
        let exceedance = try #require(warnings.first { $0["ruleID"] as? String == "sichuan.exceedance.hourly" })
        let observed = try #require(exceedance["observedValue"] as? Double)
        #expect(abs(observed - 204.81) < 0.01)
        #expect(exceedance["thresholdValue"] as? Double == 200)
        #expect(exceedance["windowStart"] as? String == "2026-11-29T11:00:00+08:00")
    }
}
