import DataStandard
import Foundation
import Testing
import WarningKit

/// Replay: the same rules over a recorded day give the same warnings — twice, per reading or in batches of any
/// size, on one engine or partitioned — and malformed replay input gives located errors, never a crash.
struct ReplayTests {
    typealias T = RuleTest

    /// A recorded day of six points × five factors with planted anomalies, in time order.
    static let recordedDay: [Reading] = {
        var random = SplitMix(seed: 2026)
        let points = (1...6).map { "5101040000000\($0)" }
        var readings: [Reading] = []
        for minute in 0..<(24 * 60) {
            let time = T.at(0) + Int64(minute * 60)
            let hour = minute / 60
            for (index, point) in points.enumerated() {
                if index == 2 && (600..<720).contains(minute) { continue }  // offline two hours
                let noise = { (base: Double) in base * (0.95 + 0.1 * random.unit()) }
                var so2 = noise(60)
                var nox = noise(80)
                var flag = DataFlag.normal
                switch index {
                case 0 where hour == 9: so2 = noise(190)  // exceedance
                case 1 where (2..<8).contains(hour): nox = 55.5  // constant
                case 3 where (300..<370).contains(minute): so2 = 0  // zero (and jump then flat)
                case 4 where hour == 20: flag = .stopped  // flagged stopped while the flow runs
                case 5 where (400..<406).contains(minute): so2 = -3  // negative
                default: break
                }
                if index == 5 && hour == 15 && minute % 60 >= 40 { continue }  // missing data for SO2
                readings.append(Reading(point: point, pollutant: T.so2, time: time, value: so2, flag: flag))
                readings.append(Reading(point: point, pollutant: T.nox, time: time, value: nox, flag: flag))
                readings.append(Reading(point: point, pollutant: T.oxygen, time: time, value: noise(9), flag: flag))
                readings.append(Reading(point: point, pollutant: T.flow, time: time, value: noise(5000)))
            }
        }
        return readings
    }()

    static let profiles = (1...6).map { T.profile("5101040000000\($0)") }

    static func rules() throws -> RuleSet {
        try RuleSetLoader().load(directory: T.specs.appendingPathComponent("warning-rules"))
    }

    static func engine() throws -> RuleEngine {
        try RuleEngine(rules: rules(), profiles: profiles)
    }

    static func perReading() throws -> [Warning] {
        var engine = try engine()
        var warnings: [Warning] = []
        for reading in recordedDay { warnings += engine.evaluate(reading) }
        return warnings + engine.finish(at: T.at(24))
    }

    @Test func theRecordedDayRaisesWarningsOfEveryPlantedKind() throws {
        let warnings = try Self.perReading()
        let types = Set(warnings.map(\.type))
        #expect(types.isSuperset(of: ["01", "02", "03", "04", "05", "06", "08", "10"]), "\(types.sorted())")
        for warning in warnings {
            #expect(warning.windowStart <= warning.windowEnd)
            #expect(warning.windowEnd <= warning.triggeredAt)
            #expect(warning.evidence.count <= 64)
            #expect(warning.evidence.allSatisfy { $0.time <= warning.triggeredAt })
        }
    }

    @Test func theSameInputTwiceGivesIdenticalWarnings() throws {
        let first = try Self.perReading()
        let second = try Self.perReading()
        #expect(!first.isEmpty)
        #expect(first == second)
    }

    @Test func batchAndPerReadingAreIdentical() throws {
        let expected = try Self.perReading()
        var engine = try Self.engine()
        let batch = Self.recordedDay.map {
            SeriesReading(
                series: engine.series(point: $0.point, pollutant: $0.pollutant), time: $0.time, value: $0.value,
                flag: $0.flag)
        }
        var perSeriesReading = engine
        #expect(engine.evaluate(batch) + engine.finish(at: T.at(24)) == expected)
        var warnings: [Warning] = []
        for reading in batch { warnings += perSeriesReading.evaluate(reading) }
        #expect(warnings + perSeriesReading.finish(at: T.at(24)) == expected)
        for size in [7, 1000, 40_000] {
            var chunked = try Self.engine()
            var found: [Warning] = []
            var start = 0
            let readings = Self.recordedDay
            while start < readings.count {
                found += chunked.evaluate(readings[start..<min(start + size, readings.count)])
                start += size
            }
            #expect(found + chunked.finish(at: T.at(24)) == expected, "batches of \(size)")
        }
    }

    @Test func aPartitionedEngineFindsTheSameWarnings() async throws {
        let expected = try Self.perReading().sorted(by: Warning.canonicalOrder)
        let parallel = try ParallelRuleEngine(partitions: 2, rules: Self.rules(), profiles: Self.profiles)
        var batch: [SeriesReading] = []
        var warnings: [Warning] = []
        var minute = Self.recordedDay.first?.time ?? 0
        for reading in Self.recordedDay {
            if reading.time != minute {
                warnings += await parallel.evaluate(batch)
                batch.removeAll(keepingCapacity: true)
                minute = reading.time
            }
            let id = await parallel.series(point: reading.point, pollutant: reading.pollutant)
            batch.append(SeriesReading(series: id, time: reading.time, value: reading.value, flag: reading.flag))
        }
        warnings += await parallel.evaluate(batch)
        warnings += await parallel.finish(at: T.at(24))
        #expect(warnings.sorted(by: Warning.canonicalOrder) == expected)
        let statistics = await parallel.statistics
        #expect(statistics.readings == Self.recordedDay.count)
        #expect(statistics.warnings == expected.count)
    }

    @Test func concurrentCallsToAPartitionedEngineAreSerialized() async throws {
        let parallel = try ParallelRuleEngine(partitions: 2, rules: Self.rules(), profiles: Self.profiles)
        var batches: [[SeriesReading]] = []
        for hour in 0..<4 {
            var batch: [SeriesReading] = []
            for reading in Self.recordedDay where MonitoringTime.hourStart(of: reading.time) == T.at(hour) {
                let id = await parallel.series(point: reading.point, pollutant: reading.pollutant)
                batch.append(SeriesReading(series: id, time: reading.time, value: reading.value, flag: reading.flag))
            }
            batches.append(batch)
        }
        await withTaskGroup(of: Void.self) { group in
            for batch in batches {
                group.addTask { _ = await parallel.evaluate(batch) }
            }
        }
        let statistics = await parallel.statistics
        // Whatever order the batches ran in, every reading was either evaluated or counted as late.
        #expect(statistics.readings + statistics.lateReadings + statistics.outOfOrderReadings == batches.joined().count)
    }

    // MARK: Replay files

    static func csv(_ readings: [Reading]) -> String {
        "point,pollutant,time,value,flag\n"
            + readings.map { reading in
                let value = reading.value.map { String($0) } ?? ""
                return
                    "\(reading.point),\(reading.pollutant),\(MonitoringTime.iso(reading.time)),\(value),\(reading.flag.code)"
            }.joined(separator: "\n")
    }

    @Test func replayFilesRoundTrip() throws {
        let readings = Array(Self.recordedDay.prefix(500))
        #expect(try ReplayReader.readings(parsing: Self.csv(readings)) == readings)
        let encoder = JSONEncoder()
        let lines = try readings.map { reading in
            var object: [String: String] = [
                "point": reading.point, "pollutant": reading.pollutant, "flag": reading.flag.code,
                "time": MonitoringTime.iso(reading.time),
            ]
            object["value"] = reading.value.map { String($0) }
            return String(decoding: try encoder.encode(object), as: UTF8.self)
        }
        #expect(try ReplayReader.readings(parsing: lines.joined(separator: "\n")) == readings)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try Self.csv(readings).write(to: file, atomically: true, encoding: .utf8)
        #expect(try ReplayReader.readings(in: file) == readings)
    }

    @Test func replayAcceptsHJ212TimesStandardNamesAndNulls() throws {
        let text = """
            point_code,pollutant_code,data_time,value,flag
            P1,a21026,20261129100000,12.5,N
            P1,a21026,2026-11-29 10:01:00,,F
            P1,a21026,2026-11-29T02:02:00Z,13,
            P1,a21026,"20261129100300",14,P
            """
        let readings = try ReplayReader.readings(parsing: text)
        #expect(readings.map(\.time) == [T.at(10), T.at(10, 1), T.at(10, 2), T.at(10, 3)])
        #expect(readings.map(\.value) == [12.5, nil, 13, 14])
        #expect(readings.map(\.flag) == [.normal, .stopped, .normal, .fault])
        let json = #"{"point":"P1","pollutant":"a21026","time":"20261129100000","value":null}"#
        #expect(try ReplayReader.readings(parsing: json).first?.value == nil)
    }

    @Test func malformedReplayInputGivesLocatedErrors() {
        let cases: [(String, String)] = [
            (
                "point,pollutant,time,value,flag\nP1,a21026,2026-11-29T10:00:00+08:00,1,N\nP1,a21026,tomorrow,1,N",
                "replay.csv:3:1: error: `tomorrow` is not a time"
            ),
            (
                "point,pollutant,time,value,flag\nP1,a21026,20261129100000,1,X",
                "replay.csv:2:1: error: `X` is not a data flag"
            ),
            (
                "point,pollutant,time,value,flag\nP1,a21026,20261129100000,abc,N",
                "replay.csv:2:1: error: `abc` is not a number"
            ),
            (
                "point,pollutant,time,value,flag\nP1,a21026,20261129100000,1",
                "replay.csv:2:1: error: 4 columns where the header has 5"
            ),
            (
                "point,time,value\nP1,20261129100000,1",
                "replay.csv:1:1: error: the header needs the columns point, pollutant and time"
            ),
            ("point,pollutant,time,value\n\"P1,a21026,20261129100000,1", "replay.csv:2:1: error: an unclosed quote"),
            (
                "{\"point\":\"P1\",\"pollutant\":\"a21026\",\"time\":\"20261129100000\",\"value\":1}\n[1,2]",
                "replay.csv:2:1: error: not a reading object"
            ),
            (
                "{\"point\":\"P1\",\"pollutant\":\"a21026\",\"time\":\"20261129100000\",\"value\":true}",
                "replay.csv:1:1: error: not a reading object"
            ),
            ("{\"point\":\"P1\",\"time\":\"20261129100000\",\"value\":1}", "replay.csv:1:1: error: no pollutant"),
            (
                "point,pollutant,time,value\nP1,a21026,20261129100000,1e999",
                "replay.csv:2:1: error: `1e999` is not a number"
            ),
        ]
        for (text, expected) in cases {
            do {
                let readings = try ReplayReader.readings(parsing: text, file: "replay.csv")
                Issue.record("parsed \(readings.count) readings from a malformed input; expected \(expected)")
            } catch {
                let text = error.diagnostics.map(\.description)
                #expect(text.contains { $0.hasPrefix(expected) }, "expected \(expected) in \(text)")
            }
        }
    }

    @Test func garbageNeverCrashes() throws {
        var random = SplitMix(seed: 7)
        let alphabet = Array("point,pollutant,time,value,flag\n{}\":0123456789.-eNFMT a21026P1,\u{0}é中".utf8)
        for _ in 0..<300 {
            let bytes = (0..<Int(random.next() % 200)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))]
            }
            _ = try? ReplayReader.readings(parsing: String(decoding: bytes, as: UTF8.self))
        }
        var engine = try Self.engine()
        let ids = (0..<10).map { engine.series(point: "G\($0 % 3)", pollutant: "a2102\($0 % 4)") }
        let times: [Int64] = [.min, .max, -1, 0, T.at(10), T.at(10), T.at(9), 1 << 41, T.at(11), T.at(30 * 24)]
        let values: [Double?] = [nil, .nan, .infinity, -.infinity, 0, -1, 1e308, -1e308, 5, .greatestFiniteMagnitude]
        for step in 0..<2000 {
            let reading = SeriesReading(
                series: step % 97 == 0 ? SeriesID(rawValue: 9999) : ids[Int(random.next() % 10)],
                time: step % 50 == 0 ? times[Int(random.next() % 10)] : T.at(10) + Int64(step * 30),
                value: values[Int(random.next() % 10)], flag: DataFlag.allCases[Int(random.next() % 9)])
            for warning in engine.evaluate(reading) {
                #expect(warning.windowStart <= warning.triggeredAt)
                _ = try JSONEncoder().encode(warning)
            }
        }
        _ = engine.advance(to: .max)
        _ = engine.finish()
        #expect(engine.statistics.invalidTimes > 0)
        #expect(engine.statistics.unknownSeries > 0)
    }
}

/// A small deterministic random generator (SplitMix64) for generated test data.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0 ..< 1.
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
