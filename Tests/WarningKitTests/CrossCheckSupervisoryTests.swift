import Foundation
import Testing
import WarningKit

/// Automatic against supervisory monitoring; SO2 tolerance 20 % or 17 mg/m³ absolute, others 30 %.
struct CrossCheckSupervisoryTests {
    static let t10: Int64 = 1_795_140_000  // 2026-11-20 10:00:00 Beijing time

    static let yaml = """
        standard: test-crosscheck
        version: "1.0"
        supervisory:
          period: 1h
          level: 3
          default: {relative: 0.3}
          pollutants:
            a21026: {relative: 0.2, absolute: 17}
        """

    static func check(_ yaml: String = yaml) throws -> SupervisoryCheck {
        SupervisoryCheck(configuration: try #require(try CrossCheckConfiguration(yaml: yaml).supervisory))
    }

    static func sample(_ value: Double?, pollutant: String = "a21026", at minute: Int64 = 25, limit: Double? = nil)
        -> SupervisorySample
    {
        SupervisorySample(
            reportNo: "SCJC-2026-1120", sampleNo: "S-\(value ?? -1)", entity: "SC5104110001", division: "510411",
            point: "DA001", pollutant: pollutant, sampledAt: t10 + minute * 60, value: value, detectionLimit: limit)
    }

    static func hour(_ value: Double?, pollutant: String = "a21026", at hour: Int64 = 0, flag: DataFlag = .normal)
        -> Reading
    {
        Reading(point: "DA001", pollutant: pollutant, time: t10 + hour * 3600, value: value, flag: flag)
    }

    @Test func withinAndBeyondTheRelativeTolerance() throws {
        let check = try Self.check()
        let within = check.compare([Self.sample(100)], automatic: [Self.hour(120)], now: Self.t10 + 86_400)
        #expect(within.comparisons.map(\.outcome) == [.withinTolerance])
        #expect(within.comparisons.first?.relativeError == 0.2)
        #expect(within.warnings.isEmpty)

        let beyond = check.compare([Self.sample(100)], automatic: [Self.hour(130)], now: Self.t10 + 86_400)
        #expect(beyond.comparisons.map(\.outcome) == [.beyondTolerance])
        let warning = try #require(beyond.warnings.first)
        #expect(warning.type == "15")
        #expect(warning.ruleID == "crosscheck.supervisory.deviation")
        #expect(warning.level == .yellow)
        #expect(abs((warning.observedValue ?? 0) - 30) < 1e-9)
        #expect(warning.thresholdValue == 20)
        #expect(warning.triggeredAt == Self.t10 + 86_400)
        #expect(warning.windowStart == Self.t10 && warning.windowEnd == Self.t10)
        #expect(warning.evidence == [Self.hour(130)])
        #expect(warning.labels["report_no"] == "SCJC-2026-1120")
        #expect(warning.labels["manual_value"] == "100")
    }

    @Test func theAbsoluteToleranceCoversLowValues() throws {
        // 20 against 5 is 300 % off, but only 15 mg/m³ ≤ 17.
        let result = try Self.check().compare([Self.sample(5)], automatic: [Self.hour(20)], now: Self.t10)
        #expect(result.comparisons.map(\.outcome) == [.withinTolerance])
        // Other pollutants use the default 30 % and no absolute tolerance.
        let nox = try Self.check().compare(
            [Self.sample(5, pollutant: "a21002")], automatic: [Self.hour(7, pollutant: "a21002")], now: Self.t10)
        #expect(nox.comparisons.map(\.outcome) == [.beyondTolerance])
    }

    @Test func aSampleNotDetectedIsComparedWithItsDetectionLimit() throws {
        let check = try Self.check()
        let below = check.compare([Self.sample(nil, limit: 3)], automatic: [Self.hour(2)], now: Self.t10)
        #expect(below.comparisons.map(\.outcome) == [.withinTolerance])
        let above = check.compare([Self.sample(nil, limit: 3)], automatic: [Self.hour(30)], now: Self.t10)
        #expect(above.comparisons.map(\.outcome) == [.beyondTolerance])
        #expect(above.comparisons.first?.absoluteError == 27)
        #expect(above.warnings.first?.labels["not_detected"] == "true")
        let nothing = check.compare([Self.sample(nil)], automatic: [Self.hour(30)], now: Self.t10)
        #expect(nothing.comparisons.map(\.outcome) == [.noManualValue])
    }

    @Test func theHourHoldingTheSamplingTimeIsCompared() throws {
        let check = try Self.check()
        let readings = [Self.hour(100, at: 0), Self.hour(300, at: 1)]
        #expect(check.compare([Self.sample(100, at: 59)], automatic: readings, now: Self.t10).warnings.isEmpty)
        #expect(check.compare([Self.sample(100, at: 60)], automatic: readings, now: Self.t10).warnings.count == 1)
        let missing = check.compare([Self.sample(100, at: 200)], automatic: readings, now: Self.t10)
        #expect(missing.comparisons.map(\.outcome) == [.noAutomaticValue])
        let marked = check.compare([Self.sample(100)], automatic: [Self.hour(300, flag: .maintenance)], now: Self.t10)
        #expect(marked.comparisons.map(\.outcome) == [.automaticValueInvalid])
        #expect(marked.warnings.isEmpty)
    }

    @Test func aPollutantWithoutToleranceIsNotCompared() throws {
        let yaml = Self.yaml.replacingOccurrences(of: "  default: {relative: 0.3}\n", with: "")
        let result = try Self.check(yaml).compare(
            [Self.sample(5, pollutant: "a21002"), Self.sample(100)], automatic: [Self.hour(130)], now: Self.t10)
        #expect(result.comparisons.map(\.outcome) == [.noTolerance, .beyondTolerance])
    }
}
