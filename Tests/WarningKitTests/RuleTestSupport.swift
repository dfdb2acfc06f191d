import DataStandard
import Foundation
import Testing
import WarningKit

/// Shared helpers of the rule-engine tests: a virtual day, minute readings, one-rule engines.
enum RuleTest {
    /// 2026-11-29T00:00:00+08:00.
    static let day: Int64 = 1_795_881_600
    static let point = "51010400000001"
    static let so2 = "a21026"
    static let nox = "a21002"
    static let oxygen = "a19001"
    static let flow = "a00000"

    /// The time `hour`:`minute` on the test day.
    static func at(_ hour: Int, _ minute: Int = 0) -> Int64 { day + Int64(hour * 3600 + minute * 60) }

    /// The repository's Specs folder.
    static var specs: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Specs")
    }

    /// A profile of a coal boiler with permit limits SO2 160 (range 500) and NOx 200 (range 800), reference O2 9,
    /// and the flue-gas flow as production signal (running above 1000).
    static func profile(_ point: String = point, division: String = "510104") -> PointProfile {
        PointProfile(
            point: point, entity: "E-\(point.suffix(2))", division: division, sourceType: "coal_boiler",
            limitSet: "new", referenceOxygen: 9, production: ProductionSignal(pollutant: flow, runningAbove: 1000),
            pollutants: [
                so2: PollutantSettings(limit: 160, range: 500), nox: PollutantSettings(limit: 200, range: 800),
                oxygen: PollutantSettings(), flow: PollutantSettings(),
            ])
    }

    /// A rule of `kind` with `parameters`.
    static func rule(
        _ kind: WarningRuleKind, _ parameters: [String: RuleParameterValue] = [:], pollutants: [String]? = nil,
        id: String? = nil
    ) -> RuleDefinition {
        RuleDefinition(
            id: id ?? "test.\(kind.rawValue)", namespace: "test", version: "1", kind: kind, level: .orange,
            message: LocalizedText(
                zh: "{point}{pollutant}{observed}/{threshold}", en: "{point} {pollutant} {observed}"),
            pollutants: pollutants, parameters: parameters)
    }

    static func engine(
        _ rules: [RuleDefinition], profiles: [PointProfile] = [profile()], filings: [MaintenanceFiling] = []
    ) throws -> RuleEngine {
        try RuleEngine(rules: RuleSet(version: "1", rules: rules), profiles: profiles, filings: filings)
    }

    /// Minute readings of one factor: `count` minutes from `start`, value and flag per minute index.
    static func minutes(
        _ pollutant: String, from start: Int64, count: Int, point: String = point,
        value: (Int) -> Double? = { _ in 50 }, flag: (Int) -> DataFlag = { _ in .normal }
    ) -> [Reading] {
        (0..<count).map { index in
            Reading(
                point: point, pollutant: pollutant, time: start + Int64(index * 60), value: value(index),
                flag: flag(index))
        }
    }

    /// Evaluates readings in time order (stable), then finishes at `end`.
    static func run(_ engine: inout RuleEngine, _ readings: [Reading], end: Int64? = nil) -> [Warning] {
        let ordered = readings.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
        var warnings: [Warning] = []
        for (_, reading) in ordered { warnings += engine.evaluate(reading) }
        warnings += engine.finish(at: end)
        return warnings
    }

    /// Runs one rule over readings with the standard test profile.
    static func warnings(
        _ rule: RuleDefinition, _ readings: [Reading], end: Int64? = nil, profiles: [PointProfile] = [profile()],
        filings: [MaintenanceFiling] = []
    ) throws -> [Warning] {
        var engine = try engine([rule], profiles: profiles, filings: filings)
        return run(&engine, readings, end: end)
    }

    /// A full hour of O2 at `value` (so the correction factor is (21 − 9) / (21 − value)).
    static func oxygenHour(_ hour: Int, _ value: Double = 9, point: String = point) -> [Reading] {
        minutes(oxygen, from: at(hour), count: 60, point: point, value: { _ in value })
    }

    /// A full hour of running flow.
    static func flowHour(_ hour: Int, _ value: Double = 5000, point: String = point) -> [Reading] {
        minutes(flow, from: at(hour), count: 60, point: point, value: { _ in value })
    }
}
