import Foundation
import Testing
import WarningKit

/// Data correctly marked invalid — every invalid flag, and filed maintenance periods — never raises an exceedance.
struct RuleInvalidDataTests {
    typealias T = RuleTest

    static let invalidFlags: [DataFlag] = [
        .stopped, .maintenance, .fault, .calibration, .overRange, .communication, .insufficient,
    ]

    /// Hour 10: every SO2 minute at 1000 (six times the limit) with `flag`; hour 11: 45 valid minutes at 100 and 15
    /// minutes at 10 000 with `flag`. O2 at the reference, so corrected = measured.
    static func day(flag: DataFlag) -> [Reading] {
        T.minutes(T.so2, from: T.at(10), count: 60, value: { _ in 1000 }, flag: { _ in flag })
            + T.minutes(
                T.so2, from: T.at(11), count: 60, value: { $0 < 45 ? 100 : 10_000 }, flag: { $0 < 45 ? .normal : flag })
            + T.oxygenHour(10) + T.oxygenHour(11)
    }

    static var exceedanceRules: [RuleDefinition] {
        [
            T.rule(.exceedance), T.rule(.exceedance, ["min_hours": .number(2)], id: "test.exceedance.two"),
            T.rule(.nearLimit),
        ]
    }

    @Test(arguments: invalidFlags)
    func aMarkedInvalidFlagNeverRaisesAnExceedance(flag: DataFlag) throws {
        var engine = try T.engine(Self.exceedanceRules)
        let warnings = T.run(&engine, Self.day(flag: flag), end: T.at(12))
        #expect(warnings.isEmpty, "flag \(flag.code) raised \(warnings.map(\.ruleID))")
    }

    @Test func validAndManualDataDoRaise() throws {
        for flag in [DataFlag.normal, .manual] {
            var engine = try T.engine([T.rule(.exceedance)])
            let warnings = T.run(&engine, Self.day(flag: flag), end: T.at(12))
            #expect(warnings.map(\.triggeredAt) == [T.at(11)], "flag \(flag.code)")
            #expect(warnings.map(\.observedValue) == [1000], "flag \(flag.code)")
        }
    }

    @Test func theStrictRuleJudgesOnlyTheValidMinutes() throws {
        var engine = try T.engine([T.rule(.exceedance, ["limit_factor": .number(0.01)])])
        let warnings = T.run(&engine, Self.day(flag: .fault), end: T.at(12))
        #expect(warnings.map(\.observedValue) == [100])  // hour 11's mean over its 45 valid minutes
    }

    func exceedingHour() -> [Reading] {
        T.minutes(T.so2, from: T.at(10), count: 60, value: { _ in 1000 }) + T.oxygenHour(10)
    }

    @Test func aFilingForThePointNeverRaisesAnExceedance() throws {
        let filing = MaintenanceFiling(point: T.point, start: T.at(10), end: T.at(11), reference: "MK-1")
        var engine = try T.engine(Self.exceedanceRules, filings: [filing])
        #expect(T.run(&engine, exceedingHour(), end: T.at(11)).isEmpty)
    }

    @Test func aFilingForTheFactorNeverRaisesAnExceedance() throws {
        let filing = MaintenanceFiling(point: T.point, pollutant: T.so2, start: T.at(9), end: T.at(12))
        var engine = try T.engine(Self.exceedanceRules, filings: [filing])
        #expect(T.run(&engine, exceedingHour(), end: T.at(11)).isEmpty)
    }

    @Test func aFilingByTheDeviceMNCountsToo() throws {
        var profile = T.profile()
        profile.mn = "510113A01681680664493666"
        let filing = MaintenanceFiling(point: "510113A01681680664493666", start: T.at(10), end: T.at(11))
        var engine = try T.engine([T.rule(.exceedance)], profiles: [profile], filings: [filing])
        #expect(T.run(&engine, exceedingHour(), end: T.at(11)).isEmpty)
    }

    @Test func aFilingForAnotherFactorOrTimeDoesNot() throws {
        for filing in [
            MaintenanceFiling(point: T.point, pollutant: T.nox, start: T.at(10), end: T.at(11)),
            MaintenanceFiling(point: T.point, start: T.at(12), end: T.at(13)),
            MaintenanceFiling(point: "51010400000009", start: T.at(10), end: T.at(11)),
        ] {
            var engine = try T.engine([T.rule(.exceedance)], filings: [filing])
            #expect(T.run(&engine, exceedingHour(), end: T.at(11)).count == 1)
        }
    }

    @Test func aPartialFilingLeavesTooFewValidMinutes() throws {
        // 16 minutes filed: 44 valid minutes, no hourly value, no exceedance; 15 minutes: 45 valid, exceedance.
        let sixteen = MaintenanceFiling(point: T.point, start: T.at(10), end: T.at(10, 16))
        var engine = try T.engine([T.rule(.exceedance)], filings: [sixteen])
        #expect(T.run(&engine, exceedingHour(), end: T.at(11)).isEmpty)
        let fifteen = MaintenanceFiling(point: T.point, start: T.at(10), end: T.at(10, 15))
        engine = try T.engine([T.rule(.exceedance)], filings: [fifteen])
        #expect(T.run(&engine, exceedingHour(), end: T.at(11)).count == 1)
    }

    @Test func aFilingAddedDuringTheReplayCoversLaterReadings() throws {
        var engine = try T.engine([T.rule(.exceedance)])
        let readings =
            T.minutes(T.so2, from: T.at(10), count: 120, value: { _ in 1000 })
            + T.minutes(T.oxygen, from: T.at(10), count: 120, value: { _ in 9 })
        let ordered = readings.sorted { $0.time < $1.time }
        var raised: [Warning] = []
        for reading in ordered {
            if reading.time == T.at(10, 30) && reading.pollutant == T.so2 {
                engine.addMaintenanceFiling(MaintenanceFiling(point: T.point, start: T.at(10, 30), end: T.at(12)))
            }
            raised += engine.evaluate(reading)
        }
        raised += engine.finish(at: T.at(12))
        #expect(raised.isEmpty)  // hour 10 keeps 30 valid minutes, hour 11 none
    }

    @Test func invalidDataNeverStartsMinuteRuns() throws {
        for flag in Self.invalidFlags {
            let readings =
                T.minutes(T.so2, from: T.at(10), count: 90, value: { _ in -5 }, flag: { _ in flag })
                + T.minutes(T.nox, from: T.at(10), count: 90, value: { _ in 0 }, flag: { _ in flag })
            var engine = try T.engine([T.rule(.negative), T.rule(.zero), T.rule(.jumpThenFlat)])
            #expect(T.run(&engine, readings).isEmpty, "flag \(flag.code)")
        }
    }
}
