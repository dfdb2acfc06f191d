import Foundation
import Testing
import WarningKit

/// Emissions against the nearest station: a 24 h baseline (plant SO2 20 mg/m³, station SO2 10 μg/m³, hourly) and
/// one 3 h window after it; each case changes the window's values and checks the rises by hand.
struct CrossCheckStationTests {
    static let t0: Int64 = 1_795_104_000  // 2026-11-20 00:00:00 Beijing time

    static let yaml = """
        standard: test-crosscheck
        version: "1.0"
        station:
          window: 3h
          baseline: 24h
          stations_considered: 1
          max_distance_km: 10
          min_window_readings: 2
          min_baseline_readings: 12
          evidence_limit: 20
          co_rise: {plant_rise: 0.5, station_rise: 0.3, level: 3}
          silent_source: {station_rise: 1.0, level: 2}
          pollutants:
            a21026: {station: [a21026], near_zero: 1, min_station_rise: 5}
            w21003: {station: [w21003], near_zero: 0.05, min_station_rise: 0.1}
        """

    static func check() throws -> StationCheck {
        StationCheck(configuration: try #require(try CrossCheckConfiguration(yaml: yaml).station))
    }

    static func hourly(
        _ point: String, _ pollutant: String, _ hours: Range<Int>, _ value: Double, flag: DataFlag = .normal
    )
        -> [Reading]
    {
        hours.map { Reading(point: point, pollutant: pollutant, time: t0 + Int64($0) * 3600, value: value, flag: flag) }
    }

    static let assignment = StationAssignment(
        point: "DA001", entity: "SC5104110001", division: "510411",
        stations: [RankedStation(code: "1431A", medium: .air, distanceKm: 3.2)])

    static func evaluate(
        plant: Double, station: Double, plantFlag: DataFlag = .normal, stationHours: Range<Int> = 24..<27,
        assignment: StationAssignment = assignment
    ) throws -> [Warning] {
        let emissions =
            hourly("DA001", "a21026", 0..<24, 20) + hourly("DA001", "a21026", 24..<27, plant, flag: plantFlag)
        let stations = hourly("1431A", "a21026", 0..<24, 10) + hourly("1431A", "a21026", stationHours, station)
        return try check().evaluate(
            emissions: emissions, stations: stations, assignments: [assignment], from: t0 + 24 * 3600,
            to: t0 + 27 * 3600)
    }

    @Test func plantAndStationRisingTogether() throws {
        // Plant 20 → 40 (+100 % ≥ 50 %); station 10 → 15 (+50 % ≥ 30 %, +5 ≥ 5).
        let warnings = try Self.evaluate(plant: 40, station: 15)
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.type == "13")
        #expect(warning.ruleID == "crosscheck.station.co-rise")
        #expect(warning.level == .yellow)
        #expect(warning.point == "DA001" && warning.pollutant == "a21026")
        #expect(warning.observedValue == 50)
        #expect(warning.thresholdValue == 30)
        #expect(warning.triggeredAt == Self.t0 + 27 * 3600)
        #expect(warning.windowStart == Self.t0 + 24 * 3600)
        #expect(warning.windowEnd == Self.t0 + 26 * 3600)
        #expect(warning.labels["station"] == "1431A")
        #expect(warning.labels["entity"] == "SC5104110001")
        #expect(warning.evidence.map(\.point) == ["DA001", "DA001", "DA001", "1431A", "1431A", "1431A"])
    }

    @Test func aNearZeroPlantWhileTheStationSpikes() throws {
        // Plant 0.5 ≤ 1; station 10 → 25 (+150 % ≥ 100 %).
        let warnings = try Self.evaluate(plant: 0.5, station: 25)
        #expect(warnings.map(\.ruleID) == ["crosscheck.station.silent-source"])
        #expect(warnings.first?.level == .orange)
        #expect(warnings.first?.observedValue == 150)
        #expect(warnings.first?.thresholdValue == 100)
        #expect(warnings.first?.description.contains("接近零") == true)
    }

    @Test func smallOrAbsentRisesAreNotFlagged() throws {
        #expect(try Self.evaluate(plant: 40, station: 11).isEmpty)  // station +10 %
        #expect(try Self.evaluate(plant: 25, station: 15).isEmpty)  // plant +25 %
        #expect(try Self.evaluate(plant: 0.5, station: 18).isEmpty)  // near zero, station only +80 %
    }

    @Test func theStationRiseMustAlsoBeLargeInAbsoluteTerms() throws {
        // Station 10 → 14.5: +45 %, but only +4.5 μg/m³ < 5.
        #expect(try Self.evaluate(plant: 40, station: 14.5).isEmpty)
    }

    @Test func stationsTooFarAndDataTooThinOrInvalidAreNotJudged() throws {
        var far = Self.assignment
        far.stations[0].distanceKm = 12
        #expect(try Self.evaluate(plant: 40, station: 15, assignment: far).isEmpty)
        #expect(try Self.evaluate(plant: 40, station: 15, stationHours: 24..<25).isEmpty)
        #expect(try Self.evaluate(plant: 0.5, station: 25, plantFlag: .stopped).isEmpty)
    }

    @Test func waterSectionsGiveType14() throws {
        let assignment = StationAssignment(
            point: "DW001", stations: [RankedStation(code: "SC-JJ-01", medium: .water, distanceKm: 4)])
        let emissions = Self.hourly("DW001", "w21003", 0..<24, 2) + Self.hourly("DW001", "w21003", 24..<27, 0.01)
        let stations = Self.hourly("SC-JJ-01", "w21003", 0..<24, 0.3) + Self.hourly("SC-JJ-01", "w21003", 24..<27, 0.9)
        let warnings = try Self.check().evaluate(
            emissions: emissions, stations: stations, assignments: [assignment], from: Self.t0 + 24 * 3600,
            to: Self.t0 + 27 * 3600)
        #expect(warnings.map(\.type) == ["14"])
        #expect(warnings.first?.labels["check"] == "station.silent_source")
    }

    @Test func rankingByDistance() {
        let assignment = StationAssignment.rank(
            point: "DA001", latitude: 30.60, longitude: 104.00,
            stations: [
                .init(code: "FAR", medium: .air, latitude: 30.70, longitude: 104.00),
                .init(code: "NEAR", medium: .air, latitude: 30.61, longitude: 104.00),
            ])
        #expect(assignment.stations.map(\.code) == ["NEAR", "FAR"])
        // 0.01° of latitude is 1.112 km on a 6371 km sphere.
        #expect(abs(assignment.stations[0].distanceKm - 1.112) < 0.001)
    }
}
