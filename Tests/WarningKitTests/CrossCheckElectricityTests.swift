import Foundation
import Testing
import WarningKit

/// Electricity monitoring in virtual time, minute samples; every expected warning worked out by hand from
/// P_run 5 kW, I_off 1 kW, T1 15 min, Δ 10 min, idling below 30 % of 50 kW while production is above 50 % of
/// 200 kW for 15 min, and a red emergency allowing 50 % for 30 min.
struct CrossCheckElectricityTests {
    /// 2026-11-20 08:00:00 Beijing time.
    static let t0: Int64 = 1_795_132_800

    static let yaml = """
        standard: test-crosscheck
        version: "1.0"
        electricity:
          defaults:
            quantity: power
            production_running: 5
            control_off: 1
            off_min_duration: 15m
            sync_tolerance: 10m
            idle_ratio: 0.3
            idle_production_ratio: 0.5
            idle_min_duration: 15m
            restriction_min_duration: 30m
            restriction_allowed_load: {"1": 0.5, "2": 0.7, "3": 0.9}
            max_sample_gap: 5m
            evidence_limit: 100
            levels: {control_off: 2, out_of_sync: 3, idling: 3, restriction: 2}
          couplings:
            - id: GH-1
              entity: SC5106810001
              division: "510681"
              production_meters: [PROD]
              control_meters: [CTRL]
              production_baseline: 200
              control_baseline: 50
        """

    static func configuration() throws -> ElectricityCheckConfiguration {
        try #require(try CrossCheckConfiguration(yaml: yaml).electricity)
    }

    /// One sample per minute from `from` (inclusive) to `to` (exclusive), minutes after t0.
    static func minutes(_ meter: String, _ from: Int, _ to: Int, _ value: Double) -> [PowerSample] {
        (from..<to).map { PowerSample(meter: meter, time: t0 + Int64($0) * 60, value: value) }
    }

    static func run(_ samples: [PowerSample], emergencies: [EmergencyPeriod] = []) throws -> [Warning] {
        ElectricityMonitor.evaluate(samples, configuration: try configuration(), emergencies: emergencies)
    }

    @Test func treatmentOffWhileProductionRunsForT1() throws {
        let warnings = try Self.run(
            Self.minutes("PROD", -10, 0, 0) + Self.minutes("PROD", 0, 60, 100) + Self.minutes("CTRL", -10, 60, 0))
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.type == "12")
        #expect(warning.ruleID == "crosscheck.power.control-off")
        #expect(warning.level == .orange)
        #expect(warning.point == "CTRL")
        #expect(warning.triggeredAt == Self.t0 + 15 * 60)
        #expect(warning.windowStart == Self.t0)
        #expect(warning.windowEnd == Self.t0 + 15 * 60)
        #expect(warning.observedValue == 15)
        #expect(warning.thresholdValue == 15)
        #expect(warning.labels["check"] == "power.control_off")
        #expect(warning.labels["entity"] == "SC5106810001")
        #expect(warning.labels["division"] == "510681")
        // Minutes 0…15 of the treatment meter and 0…14 of production (the treatment sample of minute 15, ordered
        // first, completes the condition).
        #expect(warning.evidence.count == 31)
        #expect(warning.description.contains("停运"))
    }

    @Test func treatmentStartingLateIsOutOfSync() throws {
        let warnings = try Self.run(
            Self.minutes("PROD", -10, 0, 0) + Self.minutes("PROD", 0, 60, 100) + Self.minutes("CTRL", -10, 12, 0)
                + Self.minutes("CTRL", 12, 60, 40))
        #expect(warnings.map(\.type) == ["11"])
        #expect(warnings.first?.labels["sync"] == "late_start")
        #expect(warnings.first?.triggeredAt == Self.t0 + 12 * 60)
        #expect(warnings.first?.observedValue == 12)
        #expect(warnings.first?.thresholdValue == 10)
        #expect(warnings.first?.level == .yellow)
    }

    @Test func treatmentStartingWithinTheToleranceIsFine() throws {
        let warnings = try Self.run(
            Self.minutes("PROD", -10, 0, 0) + Self.minutes("PROD", 0, 60, 100) + Self.minutes("CTRL", -10, 10, 0)
                + Self.minutes("CTRL", 10, 60, 40))
        #expect(warnings.isEmpty)
    }

    @Test func treatmentStoppingBeforeProductionIsOutOfSync() throws {
        func stop(productionStopsAt minute: Int) throws -> [Warning] {
            try Self.run(
                Self.minutes("PROD", -10, minute, 100) + Self.minutes("PROD", minute, 70, 0)
                    + Self.minutes("CTRL", -10, 30, 40) + Self.minutes("CTRL", 30, 70, 0))
        }
        let early = try stop(productionStopsAt: 42)
        #expect(early.map(\.type) == ["11"])
        #expect(early.first?.labels["sync"] == "early_stop")
        #expect(early.first?.triggeredAt == Self.t0 + 42 * 60)
        #expect(early.first?.observedValue == 12)
        #expect(try stop(productionStopsAt: 38).isEmpty)
        // 20 minutes off while production runs: treatment off at minute 45, and no second warning.
        let long = try stop(productionStopsAt: 50)
        #expect(long.map(\.type) == ["12"])
        #expect(long.first?.triggeredAt == Self.t0 + 45 * 60)
    }

    @Test func aStopInTheMiddleOfProductionIsOutOfSync() throws {
        let warnings = try Self.run(
            Self.minutes("PROD", -10, 70, 100) + Self.minutes("CTRL", -10, 30, 40) + Self.minutes("CTRL", 30, 42, 0)
                + Self.minutes("CTRL", 42, 70, 40))
        #expect(warnings.map(\.labels["sync"]) == ["interrupted"])
        #expect(warnings.first?.triggeredAt == Self.t0 + 42 * 60)
    }

    @Test func treatmentIdlingWhileProductionRunsUnderLoad() throws {
        let warnings = try Self.run(Self.minutes("PROD", 0, 60, 150) + Self.minutes("CTRL", 0, 60, 10))
        #expect(warnings.map(\.type) == ["99"])
        let warning = try #require(warnings.first)
        #expect(warning.ruleID == "crosscheck.power.idling")
        #expect(warning.triggeredAt == Self.t0 + 15 * 60)
        #expect(warning.observedValue == 20)
        #expect(warning.thresholdValue == 30)
        // Production at 40 % of its baseline is not "under load".
        #expect(try Self.run(Self.minutes("PROD", 0, 60, 80) + Self.minutes("CTRL", 0, 60, 10)).isEmpty)
    }

    @Test func productionAboveTheAllowedLoadDuringAnEmergency() throws {
        let samples = Self.minutes("PROD", 0, 90, 150) + Self.minutes("CTRL", 0, 90, 40)
        let red = EmergencyPeriod(
            id: "DY-2026-07", alertLevel: "1", startsAt: Self.t0, endsAt: Self.t0 + 4 * 3600, divisions: ["510600"])
        let warnings = try Self.run(samples, emergencies: [red])
        #expect(warnings.map(\.type) == ["18"])
        #expect(warnings.first?.triggeredAt == Self.t0 + 30 * 60)
        #expect(warnings.first?.observedValue == 75)
        #expect(warnings.first?.thresholdValue == 50)
        #expect(warnings.first?.labels["emergency"] == "DY-2026-07")
        // Yellow allows 90 %; a period in Chengdu does not cover Guanghan.
        var yellow = red
        yellow.alertLevel = "3"
        #expect(try Self.run(samples, emergencies: [yellow]).isEmpty)
        var elsewhere = red
        elsewhere.divisions = ["510100"]
        #expect(try Self.run(samples, emergencies: [elsewhere]).isEmpty)
    }

    @Test func nothingIsJudgedOnStaleData() throws {
        // The treatment meter stops reporting; its last value (0) is older than 5 minutes after minute 4.
        let warnings = try Self.run(
            Self.minutes("PROD", -10, 0, 0) + Self.minutes("PROD", 0, 60, 100) + Self.minutes("CTRL", -10, 0, 0))
        #expect(warnings.isEmpty)
    }

    @Test func streamingEqualsBatchAndLateSamplesAreSkipped() throws {
        let samples =
            Self.minutes("PROD", -10, 0, 0) + Self.minutes("PROD", 0, 60, 100) + Self.minutes("CTRL", -10, 60, 0)
        var monitor = ElectricityMonitor(configuration: try Self.configuration())
        var streamed: [Warning] = []
        for sample in samples.sorted(by: { ($0.time, $0.meter) < ($1.time, $1.meter) }) {
            streamed += monitor.ingest(sample)
        }
        #expect(streamed == (try Self.run(samples.shuffled())))
        #expect(monitor.ingest(PowerSample(meter: "PROD", time: Self.t0, value: 0)).isEmpty)
        #expect(monitor.skippedSamples == 1)
        #expect(monitor.ingest(PowerSample(meter: "UNKNOWN", time: Self.t0 + 7200, value: 1)).isEmpty)
    }

    @Test func theShippedThresholdsLoadAndACityFileInheritsThem() throws {
        let specs = AlertConfigurationTests.specs.appendingPathComponent("crosscheck/sichuan.yaml")
        let province = try CrossCheckConfiguration.load(file: specs)
        let electricity = try #require(province.electricity)
        #expect(electricity.couplings.isEmpty)
        #expect(electricity.defaults.offMinDuration == 900)
        #expect(electricity.defaults.syncTolerance == 600)
        #expect(electricity.defaults.restrictionAllowedLoad == ["1": 0.5, "2": 0.7, "3": 0.9])
        #expect(province.station?.window == 10_800)
        #expect(province.supervisory?.tolerance(for: "a21026")?.relative == 0.2)

        let city = try CrossCheckConfiguration(
            yaml: """
                standard: deyang-crosscheck
                version: "1.0-deyang"
                electricity:
                  couplings:
                    - id: GH-1
                      entity: SC5106810001
                      production_meters: [PROD]
                      control_meters: [CTRL-A, CTRL-B]
                      control_baseline: {CTRL-A: 45, CTRL-B: 30}
                      off_min_duration: 10m
                """, base: province)
        let coupling = try #require(city.electricity?.couplings.first)
        #expect(coupling.thresholds.offMinDuration == 600)
        #expect(coupling.thresholds.syncTolerance == 600)
        #expect(coupling.controlBaselines == ["CTRL-A": 45, "CTRL-B": 30])
        #expect(city.station == province.station)
        #expect(city.electricity?.version == "1.0-deyang")
    }

    @Test func aMissingThresholdIsALocatedError() {
        let yaml = Self.yaml.replacingOccurrences(of: "    control_off: 1\n", with: "")
        #expect {
            _ = try CrossCheckConfiguration(yaml: yaml, file: "x.yaml")
        } throws: { error in
            guard let error = error as? ConfigFileError else { return false }
            return error.code == .missingKey && error.message.contains("control_off") && error.line == 5
        }
        let unknown = Self.yaml.replacingOccurrences(
            of: "production_baseline: 200", with: "production_baseline: 200\n      prod_baseline: 1")
        #expect(throws: ConfigFileError.self) { _ = try CrossCheckConfiguration(yaml: unknown) }
    }
}
