import DataStandard
import Foundation
import Testing
import WarningKit

/// Every built-in rule kind in virtual time, with hand-checked warnings (exact times, values and evidence).
struct RuleKindTests {
    typealias T = RuleTest

    // MARK: Exceedance

    @Test func exceedanceJudgesTheCorrectedHourlyMean() throws {
        // The worked example of DOMAIN.md §7.5: SO2 150 at O2 11 %, reference 9 % → 150 × 12 / 10 = 180 > 160.
        var readings = T.minutes(T.so2, from: T.at(10), count: 60, value: { _ in 150 })
        readings += T.minutes(T.so2, from: T.at(11), count: 60, value: { _ in 100 })  // 120 < 160
        readings += T.oxygenHour(10, 11) + T.oxygenHour(11, 11)
        let warnings = try T.warnings(T.rule(.exceedance), readings, end: T.at(12))
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.ruleID == "test.exceedance")
        #expect(warning.type == "01")
        #expect(warning.level == .orange)
        #expect(warning.point == T.point)
        #expect(warning.pollutant == T.so2)
        #expect(warning.triggeredAt == T.at(11))
        #expect(warning.windowStart == T.at(10))
        #expect(warning.windowEnd == T.at(11))
        #expect(warning.observedValue == 180)
        #expect(warning.thresholdValue == 160)
        #expect(warning.labels["evidence_interval"] == "hour")
        #expect(warning.labels["entity"] == "E-01")
        #expect(warning.labels["division"] == "510104")
        #expect(
            warning.evidence == [
                Reading(point: T.point, pollutant: T.so2, time: T.at(10), value: 180),
                Reading(point: T.point, pollutant: T.oxygen, time: T.at(10), value: 11),
            ])
        #expect(warning.description == "\(T.point)\(T.so2)180/160")
    }

    @Test func exceedanceOverConsecutiveHoursFiresOncePerEpisode() throws {
        var readings: [Reading] = []
        for hour in 10...13 {
            let value: Double = hour == 12 ? 100 : 150  // 180, 180, 120, 180
            readings += T.minutes(T.so2, from: T.at(hour), count: 60, value: { _ in value }) + T.oxygenHour(hour, 11)
        }
        let twoHours = try T.warnings(T.rule(.exceedance, ["min_hours": .number(2)]), readings, end: T.at(14))
        #expect(twoHours.map(\.triggeredAt) == [T.at(12)])
        #expect(twoHours.first?.windowStart == T.at(10))
        #expect(twoHours.first?.evidence.filter { $0.pollutant == T.so2 }.count == 2)
        let oneHour = try T.warnings(T.rule(.exceedance), readings, end: T.at(14))
        #expect(oneHour.map(\.triggeredAt) == [T.at(11), T.at(14)])
    }

    @Test func exceedanceOfAnUncorrectedPointComparesTheMean() throws {
        var profile = T.profile()
        profile.referenceOxygen = nil
        profile.sourceType = nil
        let readings = T.minutes(T.so2, from: T.at(10), count: 60, value: { $0 < 30 ? 160 : 180 })
        let warnings = try T.warnings(T.rule(.exceedance), readings, end: T.at(11), profiles: [profile])
        #expect(warnings.map(\.observedValue) == [170])
        #expect(warnings.first?.evidence.count == 1)  // no O2 evidence without correction
    }

    @Test func probableShutdownOxygenIsNotJudged() throws {
        // O2 19.5 % is near ambient: 30 × 12 / 1.5 = 240 would exceed, but the hour is not judged.
        let readings = T.minutes(T.so2, from: T.at(10), count: 60, value: { _ in 30 }) + T.oxygenHour(10, 19.5)
        #expect(try T.warnings(T.rule(.exceedance), readings, end: T.at(11)).isEmpty)
        // Without a valid O2 hour a corrected value cannot be formed either.
        let noOxygen = T.minutes(T.so2, from: T.at(10), count: 60, value: { _ in 1000 })
        #expect(try T.warnings(T.rule(.exceedance), noOxygen, end: T.at(11)).isEmpty)
    }

    @Test func limitFromTheEmissionStandardWhenThePermitGivesNone() throws {
        let standards = try MonitoringStandards.load(directory: T.specs.appendingPathComponent("monitoring"))
        var profile = T.profile()
        profile.pollutants[T.so2] = PollutantSettings()  // no permit limit: GB 13271-2014 new coal boiler, 300
        var engine = try RuleEngine(
            rules: RuleSet(version: "1", rules: [T.rule(.exceedance)]), profiles: [profile], standards: standards)
        let readings = T.minutes(T.so2, from: T.at(10), count: 60, value: { _ in 310 }) + T.oxygenHour(10)
        let warnings = T.run(&engine, readings, end: T.at(11))
        #expect(warnings.map(\.thresholdValue) == [300])
        #expect(warnings.map(\.observedValue) == [310])
    }

    // MARK: Missing data

    @Test func missingDataBelowFortyFiveRecords() throws {
        func hour(so2Records: Int) -> [Reading] {
            T.minutes(T.so2, from: T.at(10), count: so2Records) + T.minutes(T.nox, from: T.at(10), count: 60)
                + T.oxygenHour(10) + T.flowHour(10)
        }
        let warnings = try T.warnings(T.rule(.missing), hour(so2Records: 44), end: T.at(11))
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.type == "02")
        #expect(warning.pollutant == T.so2)
        #expect(warning.triggeredAt == T.at(11))
        #expect(warning.windowStart == T.at(10))
        #expect(warning.windowEnd == T.at(11))
        #expect(warning.observedValue == 44)
        #expect(warning.thresholdValue == 45)
        #expect(warning.evidence.count == 44)
        #expect(warning.evidence.first?.time == T.at(10))
        #expect(warning.evidence.last?.time == T.at(10, 43))
        #expect(try T.warnings(T.rule(.missing), hour(so2Records: 45), end: T.at(11)).isEmpty)
    }

    @Test func aFactorThatSendsNothingWhileItsPointReportsIsMissing() throws {
        let readings = T.minutes(T.nox, from: T.at(10), count: 60) + T.oxygenHour(10) + T.flowHour(10)
        let warnings = try T.warnings(T.rule(.missing), readings, end: T.at(11))
        #expect(warnings.map(\.pollutant) == [T.so2])
        #expect(warnings.first?.observedValue == 0)
        #expect(warnings.first?.evidence.isEmpty == true)
    }

    @Test func missingDataIsOneWarningPerEpisodeAndSilentHoursAreOffline() throws {
        var readings: [Reading] = []
        for hour in [10, 11, 12, 14] {
            let records = hour == 12 ? 60 : 30
            readings +=
                T.minutes(T.so2, from: T.at(hour), count: records) + T.minutes(T.nox, from: T.at(hour), count: 60)
                + T.oxygenHour(hour) + T.flowHour(hour)
        }
        // Hour 13 has no data at all (offline, not missing); hour 14 starts a new episode.
        let warnings = try T.warnings(T.rule(.missing), readings, end: T.at(15))
        #expect(warnings.map(\.triggeredAt) == [T.at(11), T.at(15)])
        #expect(warnings.allSatisfy { $0.pollutant == T.so2 })
    }

    @Test func aPartialFirstHourIsNotMissing() throws {
        // The replay starts at 10:30: hour 10 holds 30 records but was not observed whole.
        let readings =
            T.minutes(T.so2, from: T.at(10, 30), count: 90) + T.minutes(T.nox, from: T.at(10, 30), count: 90)
            + T.minutes(T.oxygen, from: T.at(10, 30), count: 90) + T.minutes(T.flow, from: T.at(10, 30), count: 90)
        #expect(try T.warnings(T.rule(.missing), readings, end: T.at(12)).isEmpty)
    }

    // MARK: Offline

    @Test func offlineAfterAnHourWithoutData() throws {
        let other = "51010400000002"
        let profiles = [T.profile(), T.profile(other)]
        var readings = T.minutes(T.flow, from: T.at(10), count: 30)  // 10:00 … 10:29, then silence
        readings += T.minutes(T.flow, from: T.at(12), count: 1)  // back at 12:00, then silence again
        readings += T.minutes(T.flow, from: T.at(10), count: 180, point: other)  // drives the clock to 12:59
        let warnings = try T.warnings(T.rule(.offline), readings, end: T.at(13, 30), profiles: profiles)
        #expect(warnings.count == 2)
        let first = try #require(warnings.first)
        #expect(first.type == "03")
        #expect(first.point == T.point)
        #expect(first.pollutant == nil)
        #expect(first.triggeredAt == T.at(11, 29))
        #expect(first.windowStart == T.at(10, 29))
        #expect(first.windowEnd == T.at(11, 29))
        #expect(first.observedValue == 60)
        #expect(first.evidence == [Reading(point: T.point, pollutant: T.flow, time: T.at(10, 29), value: 50)])
        #expect(warnings.last?.triggeredAt == T.at(13))
        #expect(warnings.last?.windowStart == T.at(12))
    }

    @Test func aDeclaredPointThatNeverReportsGoesOfflineOnTheTick() throws {
        var engine = try T.engine([T.rule(.offline)])
        #expect(engine.advance(to: T.at(10)).isEmpty)
        #expect(engine.advance(to: T.at(10, 59)).isEmpty)
        let warnings = engine.advance(to: T.at(11))
        #expect(warnings.map(\.triggeredAt) == [T.at(11)])
        #expect(warnings.first?.windowStart == T.at(10))
        #expect(warnings.first?.evidence.isEmpty == true)
        #expect(engine.advance(to: T.at(15)).isEmpty)  // one warning per episode
    }

    // MARK: Constant

    func constantDay(_ values: [Int: Double], flowStopped: Set<Int> = []) -> [Reading] {
        var readings: [Reading] = []
        for hour in 0...6 {
            let value = values[hour]
            readings += T.minutes(T.nox, from: T.at(hour), count: 60, value: { value ?? 100 + Double($0 % 7) })
            readings += T.flowHour(hour, flowStopped.contains(hour) ? 0 : 5000)
        }
        return readings
    }

    @Test func constantForFourHours() throws {
        let readings = constantDay([1: 42.5, 2: 42.5, 3: 42.5, 4: 42.5, 5: 42.5])
        let warnings = try T.warnings(T.rule(.constant, pollutants: [T.nox]), readings, end: T.at(7))
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.type == "04")
        #expect(warning.triggeredAt == T.at(5))
        #expect(warning.windowStart == T.at(1))
        #expect(warning.windowEnd == T.at(5))
        #expect(warning.observedValue == 42.5)
        #expect(warning.thresholdValue == nil)
        #expect(warning.evidence.map(\.time) == [T.at(1), T.at(2), T.at(3), T.at(4)])
        #expect(warning.evidence.allSatisfy { $0.value == 42.5 })
        let three = constantDay([1: 42.5, 2: 42.5, 3: 42.5])
        #expect(try T.warnings(T.rule(.constant, pollutants: [T.nox]), three, end: T.at(7)).isEmpty)
    }

    @Test func constantCountsOnlyHoursOfProduction() throws {
        let readings = constantDay([1: 42.5, 2: 42.5, 3: 42.5, 4: 42.5, 5: 42.5], flowStopped: [3])
        #expect(try T.warnings(T.rule(.constant, pollutants: [T.nox]), readings, end: T.at(7)).isEmpty)
        let always = T.rule(.constant, ["during_production": .boolean(false)], pollutants: [T.nox])
        #expect(try T.warnings(always, readings, end: T.at(7)).map(\.triggeredAt) == [T.at(5)])
    }

    @Test func smallVariationVariant() throws {
        let rule = T.rule(.constant, ["relative_tolerance": .number(0.05)], pollutants: [T.nox])
        let small = constantDay([0: 200, 1: 100, 2: 102, 3: 98, 4: 101, 5: 300, 6: 400])
        let warnings = try T.warnings(rule, small, end: T.at(7))
        #expect(warnings.map(\.triggeredAt) == [T.at(5)])
        #expect(warnings.first?.observedValue == 100.25)
        let large = constantDay([0: 200, 1: 100, 2: 110, 3: 98, 4: 101, 5: 300, 6: 400])
        #expect(try T.warnings(rule, large, end: T.at(7)).isEmpty)
    }

    // MARK: Zero, negative, over range

    @Test func zeroForAnHour() throws {
        let readings = T.minutes(T.so2, from: T.at(10), count: 70, value: { $0 < 60 ? 0 : 30 })
        let warnings = try T.warnings(T.rule(.zero), readings, end: T.at(11, 10))
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.type == "05")
        #expect(warning.triggeredAt == T.at(10, 59))
        #expect(warning.windowStart == T.at(10))
        #expect(warning.windowEnd == T.at(10, 59))
        #expect(warning.observedValue == 0)
        #expect(warning.thresholdValue == 0)
        #expect(warning.evidence.count == 60)
        #expect(warning.labels["evidence_interval"] == "minute")
        // A minute flagged invalid breaks the run.
        let broken = T.minutes(
            T.so2, from: T.at(10), count: 70, value: { _ in 0 }, flag: { $0 == 30 ? .stopped : .normal })
        #expect(try T.warnings(T.rule(.zero), broken, end: T.at(11, 10)).isEmpty)
        // A tolerance makes near-zero values zero.
        let small = T.minutes(T.so2, from: T.at(10), count: 60, value: { _ in 0.05 })
        #expect(try T.warnings(T.rule(.zero, ["tolerance": .number(0.1)]), small).count == 1)
    }

    @Test func negativeForFiveMinutes() throws {
        let readings = T.minutes(T.so2, from: T.at(10), count: 30, value: { (10...14).contains($0) ? -2 : 30 })
        let warnings = try T.warnings(T.rule(.negative), readings)
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.type == "06")
        #expect(warning.triggeredAt == T.at(10, 14))
        #expect(warning.windowStart == T.at(10, 10))
        #expect(warning.observedValue == -2)
        #expect(warning.thresholdValue == 0)
        #expect(warning.evidence.map(\.value) == Array(repeating: -2, count: 5))
        let four = T.minutes(T.so2, from: T.at(10), count: 30, value: { (10...13).contains($0) ? -2 : 30 })
        #expect(try T.warnings(T.rule(.negative), four).isEmpty)
    }

    @Test func overRangeByValueOrFlag() throws {
        let readings = T.minutes(T.so2, from: T.at(10), count: 30, value: { $0 == 20 ? 600 : 30 })
        let warnings = try T.warnings(T.rule(.overRange), readings)
        #expect(warnings.count == 1)
        #expect(warnings.first?.type == "07")
        #expect(warnings.first?.triggeredAt == T.at(10, 20))
        #expect(warnings.first?.observedValue == 600)
        #expect(warnings.first?.thresholdValue == 500)
        let flagged = T.minutes(
            T.so2, from: T.at(10), count: 30, value: { $0 == 5 ? nil : 30 }, flag: { $0 == 5 ? .overRange : .normal })
        let byFlag = try T.warnings(T.rule(.overRange), flagged)
        #expect(byFlag.map(\.triggeredAt) == [T.at(10, 5)])
        #expect(byFlag.first?.observedValue == nil)
        #expect(try T.warnings(T.rule(.overRange, ["flagged_over_range": .boolean(false)]), flagged).isEmpty)
        let twoMinutes = T.minutes(T.so2, from: T.at(10), count: 30, value: { (20...21).contains($0) ? 600 : 30 })
        #expect(try T.warnings(T.rule(.overRange, ["min_minutes": .number(3)]), twoMinutes).isEmpty)
    }

    // MARK: Jump then flat

    @Test func jumpThenFlat() throws {
        let readings = T.minutes(T.nox, from: T.at(10), count: 120, value: { $0 < 30 ? 100 : 20 })
        let warnings = try T.warnings(T.rule(.jumpThenFlat), readings)
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.type == "08")
        #expect(warning.triggeredAt == T.at(11, 29))
        #expect(warning.windowStart == T.at(10, 29))
        #expect(warning.windowEnd == T.at(11, 29))
        #expect(warning.observedValue == 20)
        #expect(warning.thresholdValue == 100)
        #expect(warning.evidence.count == 61)
        #expect(warning.evidence.first?.value == 100)
        let noisy = T.minutes(T.nox, from: T.at(10), count: 120, value: { $0 < 30 ? 100 : ($0 % 2 == 0 ? 20 : 25) })
        #expect(try T.warnings(T.rule(.jumpThenFlat), noisy).isEmpty)
    }

    // MARK: Near the limit

    @Test func runningJustUnderTheLimit() throws {
        func day(spike: Int?) -> [Reading] {
            var readings: [Reading] = []
            for hour in 0...12 {
                let value: Double = hour == 12 ? 50 : (hour == spike ? 165 : 150)
                readings += T.minutes(T.so2, from: T.at(hour), count: 60, value: { _ in value }) + T.oxygenHour(hour)
            }
            return readings
        }
        let warnings = try T.warnings(T.rule(.nearLimit), day(spike: nil), end: T.at(13))
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.type == "09")
        #expect(warning.triggeredAt == T.at(12))
        #expect(warning.windowStart == T.at(0))
        #expect(warning.observedValue == 150)
        #expect(warning.thresholdValue == 160)
        #expect(warning.evidence.filter { $0.pollutant == T.so2 }.count == 12)
        #expect(try T.warnings(T.rule(.nearLimit), day(spike: 5), end: T.at(13)).isEmpty)
    }

    // MARK: Data during shutdown

    func shutdownHour(_ hour: Int, flow: Double, flaggedMinutes: Int = 60, oxygen: Double = 9) -> [Reading] {
        T.minutes(
            T.so2, from: T.at(hour), count: 60, value: { _ in 30 }, flag: { $0 < flaggedMinutes ? .stopped : .normal })
            + T.minutes(
                T.nox, from: T.at(hour), count: 60, value: { _ in 40 },
                flag: { $0 < flaggedMinutes ? .stopped : .normal })
            + T.oxygenHour(hour, oxygen) + T.flowHour(hour, flow)
    }

    @Test func flaggedStoppedWhileTheFlowSaysRunning() throws {
        let readings =
            shutdownHour(10, flow: 5000) + shutdownHour(11, flow: 5000)
            + shutdownHour(12, flow: 5000, flaggedMinutes: 0)
            + shutdownHour(13, flow: 5000)
        let warnings = try T.warnings(T.rule(.shutdownData), readings, end: T.at(14))
        #expect(warnings.map(\.triggeredAt) == [T.at(11), T.at(14)])
        let warning = try #require(warnings.first)
        #expect(warning.type == "10")
        #expect(warning.pollutant == nil)
        #expect(warning.windowStart == T.at(10))
        #expect(warning.windowEnd == T.at(11))
        #expect(warning.observedValue == 5000)
        #expect(warning.thresholdValue == 1000)
        #expect(warning.description.contains("a21026,a21002") || warning.description.contains("a21002,a21026"))
        #expect(warning.evidence.contains { $0.pollutant == T.flow })
        #expect(warning.evidence.contains { $0.pollutant == T.so2 && $0.flag == .stopped })
        #expect(warning.evidence.count <= 64)
    }

    @Test func flaggedStoppedWhileStoppedIsFine() throws {
        #expect(try T.warnings(T.rule(.shutdownData), shutdownHour(10, flow: 200), end: T.at(11)).isEmpty)
        #expect(
            try T.warnings(T.rule(.shutdownData), shutdownHour(10, flow: 5000, flaggedMinutes: 44), end: T.at(11))
                .isEmpty)
        var noSignal = T.profile()
        noSignal.production = nil
        #expect(
            try T.warnings(T.rule(.shutdownData), shutdownHour(10, flow: 5000), end: T.at(11), profiles: [noSignal])
                .isEmpty)
    }

    @Test func oxygenSaysStoppedWhileTheFlowSaysRunning() throws {
        let readings = shutdownHour(10, flow: 5000, flaggedMinutes: 0, oxygen: 20.5)
        let warnings = try T.warnings(T.rule(.shutdownData), readings, end: T.at(11))
        #expect(warnings.count == 1)
        #expect(warnings.first?.description.contains("a19001") == true)
        let off = T.rule(.shutdownData, ["oxygen_says_stopped": .boolean(false)])
        #expect(try T.warnings(off, readings, end: T.at(11)).isEmpty)
    }
}
