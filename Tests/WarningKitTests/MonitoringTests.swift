import DataStandard
import EnforcementModel
import Foundation
import Testing
import WarningKit

/// Monitoring semantics: O2 correction, HJ 75/76 validity, aggregation, the tables of Specs/monitoring and point
/// profiles.
struct MonitoringTests {
    typealias T = RuleTest

    static func standards() throws -> MonitoringStandards {
        try MonitoringStandards.load(directory: T.specs.appendingPathComponent("monitoring"))
    }

    // MARK: O2 correction (DOMAIN.md §7.5 worked examples)

    @Test func cementKilnNOx() throws {
        let standards = try Self.standards()
        let reference = try #require(standards.referenceOxygen(sourceType: "cement_kiln"))
        #expect(reference == 10)
        let result = standards.oxygen.correct(300, measuredOxygen: 12, referenceOxygen: reference)
        #expect(result.status == .corrected)
        let value = try #require(result.value)
        #expect(abs(value - 366.666_666_666_7) < 1e-9)
        #expect((value * 10).rounded() / 10 == 366.7)
        // Passes the 400 standard limit, fails the 320 special limit.
        let standard = try #require(
            standards.emissionLimit(sourceType: "cement_kiln", limitSet: "standard", pollutant: "a21002"))
        let special = try #require(
            standards.emissionLimit(sourceType: "cement_kiln", limitSet: "special", pollutant: "a21002"))
        #expect(standard.limit == 400 && value <= standard.limit)
        #expect(special.limit == 320 && value > special.limit)
        #expect(special.status == .verified)
    }

    @Test func coalBoilerSO2() throws {
        let standards = try Self.standards()
        let reference = try #require(standards.referenceOxygen(sourceType: "coal_boiler"))
        #expect(reference == 9)
        #expect(standards.oxygen.correct(150, measuredOxygen: 11, referenceOxygen: reference).value == 180)
    }

    @Test func powerUnitPM() throws {
        let standards = try Self.standards()
        let reference = try #require(standards.referenceOxygen(sourceType: "power_coal_boiler"))
        #expect(reference == 6)
        #expect(standards.sourceTypes["power_coal_boiler"]?.status == .inferred)
        let value = try #require(standards.oxygen.correct(8, measuredOxygen: 8, referenceOxygen: reference).value)
        #expect((value * 100).rounded() / 100 == 9.23)
        let ultraLow = try #require(
            standards.emissionLimit(sourceType: "power_coal_boiler", limitSet: "ultra_low", pollutant: "a34013"))
        #expect(ultraLow.limit == 10 && value <= ultraLow.limit)
    }

    @Test func oxygenGuards() {
        let correction = OxygenCorrection()
        #expect(
            correction.correct(50, measuredOxygen: 21, referenceOxygen: 9)
                == CorrectionResult(value: nil, status: .oxygenAtOrAboveAmbient))
        #expect(correction.correct(50, measuredOxygen: 25, referenceOxygen: 9).status == .oxygenAtOrAboveAmbient)
        #expect(correction.correct(50, measuredOxygen: -0.5, referenceOxygen: 9).status == .oxygenNegative)
        #expect(correction.correct(50, measuredOxygen: 5, referenceOxygen: 21).status == .referenceInvalid)
        let shutdown = correction.correct(10, measuredOxygen: 19.5, referenceOxygen: 9)
        #expect(shutdown.status == .probableShutdown)
        #expect(shutdown.value == 80)
        #expect(!shutdown.isJudgeable)
        #expect(correction.correct(10, measuredOxygen: 18.9, referenceOxygen: 9).isJudgeable)
        let stricter = OxygenCorrection(probableShutdownOxygen: 18)
        #expect(stricter.correct(10, measuredOxygen: 18.5, referenceOxygen: 9).status == .probableShutdown)
    }

    @Test func cementOtherEquipmentIsNotCorrected() throws {
        let standards = try Self.standards()
        #expect(standards.sourceTypes["cement_other"] != nil)
        #expect(standards.referenceOxygen(sourceType: "cement_other") == nil)
        let profile = PointProfile(point: "X1", sourceType: "cement_other", limitSet: "standard")
        #expect(profile.limit(for: "a34013", standards: standards)?.value == 20)
        #expect(!profile.isCorrected("a34013", standards: standards))
    }

    // MARK: Validity and aggregation

    func hour(valid: Int, invalid: Int, flag: DataFlag = .stopped, validValue: Double = 10, invalidValue: Double = 999)
        -> [Reading]
    {
        T.minutes(
            T.so2, from: T.at(10), count: valid + invalid, value: { $0 < valid ? validValue : invalidValue },
            flag: { $0 < valid ? .normal : flag })
    }

    @Test func fortyFourValidMinutesAreNotAnHour() throws {
        let hours = MonitoringAggregation.hourly(hour(valid: 44, invalid: 16))
        let value = try #require(hours.first)
        #expect(hours.count == 1)
        #expect(value.records == 60)
        #expect(value.validMinutes == 44)
        #expect(!value.isValid)
        #expect(value.flag == .insufficient)
        #expect(value.value == nil)
        #expect(value.mean == 10)  // flagged values never enter the mean
    }

    @Test func fortyFiveValidMinutesAreAnHour() throws {
        let value = try #require(MonitoringAggregation.hourly(hour(valid: 45, invalid: 15)).first)
        #expect(value.isValid)
        #expect(value.flag == .normal)
        #expect(value.value == 10)
        #expect(value.minimum == 10 && value.maximum == 10)
    }

    @Test func manualValuesCountAndEveryOtherFlagDoesNot() throws {
        for flag in DataFlag.allCases {
            let value = try #require(MonitoringAggregation.hourly(hour(valid: 0, invalid: 60, flag: flag)).first)
            #expect(value.isValid == (flag == .normal || flag == .manual), "flag \(flag.code)")
        }
    }

    @Test func aFilingMakesMinutesInvalid() throws {
        let readings = T.minutes(T.so2, from: T.at(10), count: 60)
        let filing = MaintenanceFiling(point: T.point, start: T.at(10), end: T.at(10, 16))
        let value = try #require(MonitoringAggregation.hourly(readings, maintenance: [filing]).first)
        #expect(value.validMinutes == 44)
        #expect(!value.isValid)
        let other = MaintenanceFiling(point: T.point, pollutant: T.nox, start: T.at(10), end: T.at(11))
        #expect(MonitoringAggregation.hourly(readings, maintenance: [other]).first?.isValid == true)
    }

    func day(validHours: Int) -> [HourlyValue] {
        (0..<24).map { hour in
            HourlyValue(
                point: T.point, pollutant: T.so2, hourStart: T.at(hour), records: 60,
                validMinutes: hour < validHours ? 60 : 10, mean: hour < validHours ? Double(hour) : 1000, minimum: nil,
                maximum: nil, isValid: hour < validHours)
        }
    }

    @Test func nineteenValidHoursAreNotADay() throws {
        let value = try #require(MonitoringAggregation.daily(day(validHours: 19)).first)
        #expect(value.validHours == 19)
        #expect(!value.isValid)
        #expect(value.value == nil)
    }

    @Test func twentyValidHoursAreADay() throws {
        let days = MonitoringAggregation.daily(day(validHours: 20))
        let value = try #require(days.first)
        #expect(days.count == 1)
        #expect(value.dayStart == T.day)
        #expect(value.isValid)
        #expect(value.value == 9.5)  // the mean of hours 0 … 19, invalid hours excluded
    }

    @Test func thresholdsAreConfiguration() throws {
        let lenient = ValidityPolicy(minimumValidMinutesPerHour: 40, minimumValidHoursPerDay: 18)
        #expect(MonitoringAggregation.hourly(hour(valid: 44, invalid: 16), policy: lenient).first?.isValid == true)
        #expect(MonitoringAggregation.daily(day(validHours: 19), policy: lenient).first?.isValid == true)
        let standards = try Self.standards()
        #expect(standards.validity == ValidityPolicy())
    }

    @Test func dailyValuesFollowBeijingDays() {
        #expect(MonitoringTime.dayStart(of: T.at(23, 59)) == T.day)
        #expect(MonitoringTime.dayStart(of: T.at(24)) == T.day + 86_400)
        #expect(MonitoringTime.dayStart(of: T.day - 1) == T.day - 86_400)
        #expect(MonitoringTime.hourStart(of: T.at(10, 59) + 59) == T.at(10))
    }

    @Test func correctedHourlyValue() throws {
        let readings = T.minutes(T.so2, from: T.at(10), count: 60, value: { _ in 150 }) + T.oxygenHour(10, 11)
        let hours = MonitoringAggregation.hourly(readings)
        let so2 = try #require(hours.first { $0.pollutant == T.so2 })
        let oxygen = hours.first { $0.pollutant == T.oxygen }
        #expect(MonitoringAggregation.corrected(so2, oxygen: oxygen, referenceOxygen: 9)?.value == 180)
        #expect(MonitoringAggregation.corrected(so2, oxygen: nil, referenceOxygen: 9) == nil)
    }

    // MARK: Times

    @Test func readingTimes() {
        #expect(MonitoringTime.parse("2026-11-29T10:00:00+08:00") == T.at(10))
        #expect(MonitoringTime.parse("2026-11-29T02:00:00Z") == T.at(10))
        #expect(MonitoringTime.parse("2026-11-29 10:00:00") == T.at(10))
        #expect(MonitoringTime.parse("20261129100000") == T.at(10))
        #expect(MonitoringTime.parse("20261129100000123") == T.at(10))
        #expect(MonitoringTime.parse("20261329100000") == nil)
        #expect(MonitoringTime.parse("yesterday") == nil)
        #expect(MonitoringTime.parse("") == nil)
        #expect(MonitoringTime.iso(T.at(10)) == "2026-11-29T10:00:00+08:00")
    }

    // MARK: Tables

    @Test func theTablesOfSpecsLoad() throws {
        let standards = try Self.standards()
        #expect(standards.oxygenPollutant == "a19001")
        #expect(standards.oxygen == OxygenCorrection(ambientOxygen: 21, probableShutdownOxygen: 19))
        #expect(standards.sourceTypes.count == 10)
        #expect(standards.emissionLimits.count >= 60)
        // Existing coal boilers: SO2 400, and 550 in Sichuan (GB 13271-2014 注(1)).
        let sichuan = standards.emissionLimit(
            sourceType: "coal_boiler", limitSet: "existing", pollutant: "a21026", division: "510104")
        let elsewhere = standards.emissionLimit(
            sourceType: "coal_boiler", limitSet: "existing", pollutant: "a21026", division: "110101")
        #expect(sichuan?.limit == 550)
        #expect(elsewhere?.limit == 400)
        // A set without an entry falls back to `standard`.
        #expect(
            standards.emissionLimit(sourceType: "power_gas_turbine", limitSet: "new", pollutant: "a21002")?.limit == 50)
        #expect(standards.emissionLimit(sourceType: "power_gas_turbine", limitSet: "new", pollutant: "a21026") == nil)
    }

    @Test func aBrokenTableIsLocated() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("monitoring-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["validity.yaml", "reference-oxygen.yaml", "emission-limits.yaml"] {
            try FileManager.default.copyItem(
                at: T.specs.appendingPathComponent("monitoring").appendingPathComponent(name),
                to: folder.appendingPathComponent(name))
        }
        let limits = folder.appendingPathComponent("emission-limits.yaml")
        var text = try String(contentsOf: limits, encoding: .utf8)
        text = text.replacingOccurrences(of: "limit: 50, status: V}", with: "limit: fifty, status: V}")
        try text.write(to: limits, atomically: true, encoding: .utf8)
        let (standards, diagnostics) = MonitoringStandards.read(directory: folder)
        #expect(standards == nil)
        let error = try #require(diagnostics.first { $0.severity == .error })
        #expect(error.location?.line == 9)
        #expect(error.description.contains("emission-limits.yaml:9:"))
        #expect(error.message.contains("must be a number"))
    }

    // MARK: Point profiles

    @Test func aProfileFromTheStandardsRecords() throws {
        let standards = try Self.standards()
        let point = MonitoringPoint(
            pointCode: "DA001-01", pointName: "1号锅炉排口", entityCode: "E001",
            permitNumber: try PermitNumber("91510113206423017B001P"), outletCode: try OutletCode("DA001"),
            mn: try DeviceMN("510113A01681680664493666"), protocolVersion: "2017", systemCode: "31", medium: "A",
            monitoredPollutants: "a21026,a21002,a34013,a19001", refOxygen: nil, status: "1",
            divisionCode: try DivisionCode("510104"), updatedAt: try LocalDateTime("2026-11-01 00:00:00"))
        let limit = PermitLimit(
            permitNumber: try PermitNumber("91510113206423017B001P"), outletCode: try OutletCode("DA001"),
            pollutantCode: try PollutantCode("a21026"), standardName: "GB 13271-2014", limitConcAir: 150,
            refOxygen: 9, specialLimit: true, divisionCode: try DivisionCode("510104"))
        let other = PermitLimit(
            permitNumber: try PermitNumber("91510113206423017B001P"), outletCode: try OutletCode("DA002"),
            pollutantCode: try PollutantCode("a21002"), standardName: "GB 13271-2014", limitConcAir: 1,
            divisionCode: try DivisionCode("510104"))
        let profile = PointProfile(
            point: point, permitLimits: [limit, other], sourceType: "coal_boiler", ranges: ["a21026": 500])
        #expect(profile.point == "DA001-01")
        #expect(profile.mn == "510113A01681680664493666")
        #expect(profile.entity == "E001")
        #expect(profile.division == "510104")
        #expect(profile.referenceOxygen == 9)
        #expect(profile.limitSet == "special")
        #expect(Set(profile.pollutants.keys) == ["a21026", "a21002", "a34013", "a19001"])
        #expect(
            profile.limit(for: "a21026", standards: standards)
                == ResolvedLimit(value: 150, source: "permit", status: nil, limitSet: "special"))
        // NOx has no permit limit at this outlet (DA002 is another outlet): GB 13271-2014 special, 200.
        let nox = try #require(profile.limit(for: "a21002", standards: standards))
        #expect(nox.value == 200 && nox.source == "GB 13271-2014" && nox.status == .verified)
        #expect(profile.pollutants["a21026"]?.range == 500)
        #expect(profile.isCorrected("a21026", standards: standards))
        #expect(!profile.isCorrected("a19001", standards: standards))
    }

    @Test func profilesLoadFromYAMLAndJSON() throws {
        let yaml = """
            points:
              - point: "51010400000001"
                mn: "88888880000001"
                entity: E001
                division: "510104"
                source_type: coal_boiler
                limit_set: new
                reference_o2: 9
                production: {pollutant: a00000, running_above: 1000}
                pollutants:
                  a21026: {limit: 160, range: 500}
                  a19001:
            """
        let profiles = try PointProfile.parse(yaml, file: "points.yaml")
        #expect(profiles == [T.profileFromYAML])
        let json =
            #"[{"point":"51010400000001","mn":"88888880000001","entity":"E001","division":"510104","#
            + #""source_type":"coal_boiler","limit_set":"new","reference_o2":9,"#
            + #""production":{"pollutant":"a00000","running_above":1000},"#
            + #""pollutants":{"a21026":{"limit":160,"range":500},"a19001":null}}]"#
        #expect(try PointProfile.parse(json, file: "points.json") == [T.profileFromYAML])
        // The JSON form is the Codable form.
        let encoded = try JSONEncoder().encode([T.profileFromYAML])
        #expect(try JSONDecoder().decode([PointProfile].self, from: encoded) == [T.profileFromYAML])
    }

    @Test func aBrokenProfileIsLocated() {
        let yaml = """
            points:
              - point: P1
                refrence_o2: 9
              - point: P1
                pollutants:
                  a21026: {limit: -3}
            """
        do {
            _ = try PointProfile.parse(yaml, file: "points.yaml")
            Issue.record("a broken profile loaded")
        } catch {
            let text = error.diagnostics.map(\.description)
            #expect(text.contains { $0.hasPrefix("points.yaml:3:5: error: unknown key `points[0].refrence_o2`") })
            #expect(text.contains { $0.hasPrefix("points.yaml:6:") && $0.contains("`limit` must be positive") })
            #expect(text.contains { $0.hasPrefix("points.yaml:4:") && $0.contains("already profiled") })
        }
    }
}

extension RuleTest {
    static let profileFromYAML = PointProfile(
        point: "51010400000001", mn: "88888880000001", entity: "E001", division: "510104", sourceType: "coal_boiler",
        limitSet: "new", referenceOxygen: 9, production: ProductionSignal(pollutant: "a00000", runningAbove: 1000),
        pollutants: ["a21026": PollutantSettings(limit: 160, range: 500), "a19001": PollutantSettings()])
}
