import ArgumentParser
import DataStandard
import Foundation
import WarningKit

#if canImport(Glibc)
    import Glibc
#endif

/// `enforce-bench rules`: a day of minute data for N points × F factors (5,000 × 8 = 57.6 M readings by default),
/// generated on the fly in time order with planted anomalies of every rule kind, evaluated by every built-in rule
/// of `Specs/warning-rules` on a ``ParallelRuleEngine`` (one engine per core); prints one JSON line.
///
/// The timed part is generation plus evaluation (the generator's own cost, measured alone, is reported as
/// `generationOnlySeconds`). With `--keep-data DIR` the data is also written as a replay file
/// (`DIR/replay.csv`, about 3 GB for the default size, with `DIR/points.json`) that `enforce rules test --replay`
/// reads; `--reuse-data DIR` evaluates such a file instead of generating (then parsing is timed too).
struct RulesBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Evaluate the built-in rules over a day of minute data; print one JSON line."
    )

    @Option(help: "Monitoring points.")
    var points = 5000

    @Option(help: "Factors per point (1…8: SO2, NOx, PM, O2, flow, temperature, velocity, humidity).")
    var factors = 8

    @Option(help: "Minutes of data (1440: a day).")
    var minutes = 1440

    @Option(help: "Engines evaluating in parallel (default: the number of processors).")
    var partitions: Int?

    @Option(
        help: ArgumentHelp(
            "independent: one engine per core, each generating and evaluating its share of the points; "
                + "actor: a ParallelRuleEngine fed minute batches by one generator."))
    var driver: Driver = .independent

    enum Driver: String, ExpressibleByArgument, Sendable {
        case independent
        case actor
    }

    @Option(help: "The seed of the generated data.")
    var seed: UInt64 = 20_261_129

    @Option(help: "The target rate in readings per second.")
    var target = 8_000_000

    @Option(help: "The Specs folder (default: $ENFORCE_SPECS, ./Specs, or the bundled copy).")
    var specs: String?

    @Option(help: "Also write the generated readings as a replay file (replay.csv, points.json) in this folder.")
    var keepData: String?

    @Option(help: "Evaluate the replay file a previous --keep-data run wrote in this folder instead of generating.")
    var reuseData: String?

    func validate() throws {
        guard (1...8).contains(factors) else { throw ValidationError("--factors must be within 1…8") }
        guard points >= 1, minutes >= 1 else { throw ValidationError("--points and --minutes must be positive") }
        if keepData != nil && reuseData != nil { throw ValidationError("give --keep-data or --reuse-data, not both") }
    }

    func run() async throws {
        let specsRoot = specs.map { URL(fileURLWithPath: $0) } ?? StandardLoader.specsDirectory()
        let rules = try RuleSetLoader().load(directory: specsRoot?.appendingPathComponent("warning-rules"))
        let standards = try MonitoringStandards.load(directory: specsRoot?.appendingPathComponent("monitoring"))
        let partitionCount = partitions ?? ProcessInfo.processInfo.activeProcessorCount
        let plan =
            try reuseData.map { folder in
                let manifest = URL(fileURLWithPath: folder).appendingPathComponent("manifest.json")
                return try JSONDecoder().decode(BenchmarkPlan.self, from: Data(contentsOf: manifest))
            } ?? BenchmarkPlan(points: points, factors: factors, minutes: minutes, seed: seed)

        var profiles = plan.profiles()
        var source = "generated"
        var readingsPlanned = 0
        if let folder = reuseData {
            profiles = try PointProfile.load(
                contentsOf: URL(fileURLWithPath: folder).appendingPathComponent("points.json"))
            source = "replay-file"
        }
        if let folder = keepData {
            try plan.write(to: URL(fileURLWithPath: folder))
        }

        var counter = WarningCounter(plan: plan)
        var statistics = RuleEngineStatistics()
        var ids: [SeriesID] = []
        let clock = ContinuousClock()
        var seconds = 0.0
        if reuseData != nil || driver == .actor {
            let engine = try ParallelRuleEngine(
                partitions: partitionCount, rules: rules, profiles: profiles, standards: standards)
            for point in 0..<plan.points {
                for factor in 0..<plan.factors {
                    ids.append(
                        await engine.series(point: plan.pointCode(point), pollutant: BenchmarkPlan.factorCodes[factor]))
                }
            }
            let start = clock.now
            if let folder = reuseData {
                readingsPlanned = try await replay(
                    URL(fileURLWithPath: folder).appendingPathComponent("replay.csv"), into: engine, counter: &counter)
            } else {
                var generator = BenchmarkGenerator(plan: plan, ids: ids)
                var batch: [SeriesReading] = []
                batch.reserveCapacity(plan.points * plan.factors)
                for minute in 0..<plan.minutes {
                    batch.removeAll(keepingCapacity: true)
                    generator.fill(minute: minute, into: &batch)
                    readingsPlanned += batch.count
                    counter.add(await engine.evaluate(batch))
                }
            }
            counter.add(await engine.finish(at: plan.start + Int64(plan.minutes) * 60))
            seconds = Self.seconds(start.duration(to: clock.now))
            statistics = await engine.statistics
        } else {
            // One engine per partition, each owning every `partitionCount`-th point; no coordination while running.
            var engines: [RuleEngine] = []
            for partition in 0..<partitionCount {
                let own = profiles.enumerated().filter { $0.offset % partitionCount == partition }.map(\.element)
                engines.append(try RuleEngine(rules: rules, profiles: own, standards: standards))
            }
            var partitionIDs = Array(repeating: [SeriesID](), count: partitionCount)
            for point in 0..<plan.points {
                for factor in 0..<plan.factors {
                    let partition = point % partitionCount
                    let id = engines[partition].series(
                        point: plan.pointCode(point), pollutant: BenchmarkPlan.factorCodes[factor])
                    partitionIDs[partition].append(id)
                    ids.append(id)
                }
            }
            let start = clock.now
            let end = plan.start + Int64(plan.minutes) * 60
            // Hand each engine to its task without keeping a second reference (which would copy its state).
            let handoffs = engines.map(EngineHandoff.init)
            engines.removeAll()
            let results = await withTaskGroup(of: (RuleEngineStatistics, [Warning], Int).self) { group in
                for (partition, handoff) in handoffs.enumerated() {
                    let own = partitionIDs[partition]
                    group.addTask {
                        guard var engine = handoff.take() else { return (RuleEngineStatistics(), [], 0) }
                        var generator = BenchmarkGenerator(
                            plan: plan, ids: own, partition: partition, partitions: partitionCount)
                        var batch: [SeriesReading] = []
                        batch.reserveCapacity(own.count)
                        var warnings: [Warning] = []
                        var generated = 0
                        for minute in 0..<plan.minutes {
                            batch.removeAll(keepingCapacity: true)
                            generator.fill(minute: minute, into: &batch)
                            generated += batch.count
                            warnings += engine.evaluate(batch)
                        }
                        warnings += engine.finish(at: end)
                        return (engine.statistics, warnings, generated)
                    }
                }
                var all: [(RuleEngineStatistics, [Warning], Int)] = []
                for await result in group { all.append(result) }
                return all
            }
            seconds = Self.seconds(start.duration(to: clock.now))
            for (partial, warnings, generated) in results {
                statistics.add(partial)
                counter.add(warnings)
                readingsPlanned += generated
            }
        }

        // The generator alone, for transparency about what the timed loop includes.
        var generationOnly: Double?
        if reuseData == nil {
            var generator = BenchmarkGenerator(plan: plan, ids: ids)
            var batch: [SeriesReading] = []
            batch.reserveCapacity(plan.points * plan.factors)
            var checksum = 0.0
            let generationStart = clock.now
            for minute in 0..<plan.minutes {
                batch.removeAll(keepingCapacity: true)
                generator.fill(minute: minute, into: &batch)
                checksum += batch.last?.value ?? 0
            }
            generationOnly = Self.seconds(generationStart.duration(to: clock.now))
            if checksum.isNaN { generationOnly = nil }
        }

        let result = RulesBenchmarkResult(
            workload: "rules", source: source, items: statistics.readings, seconds: seconds,
            ratePerSecond: Double(statistics.readings) / seconds, peakMemoryBytes: rulesPeakMemoryBytes(),
            target: target, points: plan.points, factors: plan.factors, minutes: plan.minutes,
            partitions: partitionCount, driver: reuseData == nil ? driver.rawValue : "actor",
            rules: rules.rules.filter(\.enabled).count,
            readingsGenerated: readingsPlanned, warnings: statistics.warnings,
            warningsByKind: counter.byKind, plantedByKind: counter.plantedByKind(),
            plantedDetectedByKind: counter.detectedByKind(), warningsOnCleanPoints: counter.onCleanPoints,
            lateReadings: statistics.lateReadings + statistics.outOfOrderReadings,
            generationOnlySeconds: generationOnly)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Streams a replay file into the engine in batches of one minute; returns the readings read.
    private func replay(_ file: URL, into engine: ParallelRuleEngine, counter: inout WarningCounter) async throws
        -> Int
    {
        let reader = try ReplayFileReader(url: file)
        var cache: [String: [String: SeriesID]] = [:]
        var batch: [SeriesReading] = []
        var batchTime = Int64.min
        var count = 0
        while let chunk = try reader.next(upTo: 65_536) {
            for reading in chunk {
                let id: SeriesID
                if let known = cache[reading.point]?[reading.pollutant] {
                    id = known
                } else {
                    id = await engine.series(point: reading.point, pollutant: reading.pollutant)
                    cache[reading.point, default: [:]][reading.pollutant] = id
                }
                if reading.time != batchTime && !batch.isEmpty {
                    counter.add(await engine.evaluate(batch))
                    batch.removeAll(keepingCapacity: true)
                }
                batchTime = reading.time
                batch.append(SeriesReading(series: id, time: reading.time, value: reading.value, flag: reading.flag))
                count += 1
            }
        }
        if !batch.isEmpty { counter.add(await engine.evaluate(batch)) }
        return count
    }
}

/// Moves an engine into the task that evaluates with it.
final class EngineHandoff: @unchecked Sendable {
    // @unchecked: `take()` is called once, by the one task the handoff is given to.
    private var engine: RuleEngine?

    init(_ engine: RuleEngine) {
        self.engine = engine
    }

    func take() -> RuleEngine? {
        defer { engine = nil }
        return engine
    }
}

/// The JSON line of `enforce-bench rules`.
struct RulesBenchmarkResult: Encodable {
    var workload: String
    /// `generated` (on the fly) or `replay-file` (`--reuse-data`).
    var source: String
    /// Readings evaluated.
    var items: Int
    var seconds: Double
    var ratePerSecond: Double
    var peakMemoryBytes: Int
    var target: Int
    var points: Int
    var factors: Int
    var minutes: Int
    var partitions: Int
    /// `independent` (one engine per core generating its share) or `actor` (``ParallelRuleEngine``).
    var driver: String
    /// Enabled rules evaluated.
    var rules: Int
    var readingsGenerated: Int
    var warnings: Int
    /// Warnings raised per rule kind.
    var warningsByKind: [String: Int]
    /// Points with a planted anomaly, per kind.
    var plantedByKind: [String: Int]
    /// Planted points on which a warning of the planted kind was raised.
    var plantedDetectedByKind: [String: Int]
    /// Warnings on points without any planted anomaly (false positives; must be 0).
    var warningsOnCleanPoints: Int
    var lateReadings: Int
    /// The generator alone, not evaluating (part of `seconds`).
    var generationOnlySeconds: Double?
}

private func rulesPeakMemoryBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) * 1024
}

/// What the benchmark generates: points, factors, and the anomaly planted on each point.
struct BenchmarkPlan: Sendable, Codable {
    /// The rule kinds in the order anomalies are planted.
    static let kinds: [WarningRuleKind] = [
        .exceedance, .missing, .offline, .constant, .zero, .negative, .overRange, .jumpThenFlat, .nearLimit,
        .shutdownData,
    ]
    static let factorCodes = ["a21026", "a21002", "a34013", "a19001", "a00000", "a01012", "a01011", "a01014"]
    static let bases: [Double] = [120, 120, 20, 9.5, 50_000, 130, 11, 6]
    /// GB 13271-2014 new coal boilers: SO2 300, NOx 300, PM 50 (the fallback the profiles rely on).
    static let limits: [Double] = [300, 300, 50]

    var points: Int
    var factors: Int
    var minutes: Int
    var seed: UInt64
    /// 2026-11-29T00:00:00+08:00.
    var start: Int64 = 1_795_881_600

    func pointCode(_ point: Int) -> String {
        let digits = String(point)
        return "51010400" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// The kind planted on a point (one point in five carries one anomaly), or `nil`.
    func planted(_ point: Int) -> WarningRuleKind? {
        point % 50 < 10 ? Self.kinds[point % 10] : nil
    }

    /// Whether the planted anomaly can appear with this many factors and minutes.
    func isPlantable(_ kind: WarningRuleKind) -> Bool {
        let hour = [9, 5, 14, 2, 10, 8, 12, 15, 4, 20][Self.kinds.firstIndex(of: kind) ?? 0]
        let lastHour: Int =
            switch kind {
            case .constant: 6
            case .nearLimit: 16
            case .offline: 15
            case .zero, .jumpThenFlat: hour + 1
            default: hour
            }
        let needs: Int =
            switch kind {
            case .exceedance, .nearLimit: 4  // SO2 and O2
            case .missing, .zero: 3
            case .constant, .jumpThenFlat: 2
            case .shutdownData: 5  // the flow
            default: 1
            }
        return factors >= needs && minutes >= (lastHour + 1) * 60 + 1
    }

    /// Coal boilers (reference O2 9 %, GB 13271-2014 new-boiler limits as fallback), ranges 3 × the limit, the
    /// flue-gas flow as production signal.
    func profiles() -> [PointProfile] {
        (0..<points).map { point in
            var pollutants: [String: PollutantSettings] = [:]
            for factor in 0..<factors {
                pollutants[Self.factorCodes[factor]] = PollutantSettings(
                    range: factor < Self.limits.count ? Self.limits[factor] * 3 : nil)
            }
            return PointProfile(
                point: pointCode(point), entity: "E\(point)", division: point % 2 == 0 ? "510104" : "510704",
                sourceType: "coal_boiler", limitSet: "new",
                production: factors > 4 ? ProductionSignal(pollutant: "a00000", runningAbove: 10_000) : nil,
                pollutants: pollutants)
        }
    }

    /// Writes the replay file and the profiles (untimed).
    func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(profiles()).write(to: folder.appendingPathComponent("points.json"))
        try encoder.encode(self).write(to: folder.appendingPathComponent("manifest.json"))
        let url = folder.appendingPathComponent("replay.csv")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ValidationError("cannot create \(url.path)")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var generator = BenchmarkGenerator(
            plan: self, ids: (0..<(points * factors)).map { SeriesID(rawValue: UInt32($0)) })
        var batch: [SeriesReading] = []
        var out: [UInt8] = Array("point,pollutant,time,value,flag\n".utf8)
        let codes = (0..<points).map { Array(pointCode($0).utf8) }
        let factorBytes = Self.factorCodes.map { Array($0.utf8) }
        for minute in 0..<minutes {
            batch.removeAll(keepingCapacity: true)
            generator.fill(minute: minute, into: &batch)
            let time = Array(MonitoringTime.iso(start + Int64(minute) * 60).utf8)
            for reading in batch {
                let index = Int(reading.series.rawValue)
                out += codes[index / factors]
                out.append(UInt8(ascii: ","))
                out += factorBytes[index % factors]
                out.append(UInt8(ascii: ","))
                out += time
                out.append(UInt8(ascii: ","))
                if reading.hasValue { Self.appendDecimal(reading.value, to: &out) }
                out.append(UInt8(ascii: ","))
                out += Array(reading.flag.code.utf8)
                out.append(0x0A)
            }
            if out.count > 1 << 22 {
                try handle.write(contentsOf: out)
                out.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: out)
    }

    /// Appends `value` with three decimals.
    static func appendDecimal(_ value: Double, to out: inout [UInt8]) {
        let scaled = Int64((value * 1000).rounded())
        if scaled < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = scaled.magnitude
        out += Array(String(magnitude / 1000).utf8)
        let fraction = magnitude % 1000
        if fraction != 0 {
            out.append(UInt8(ascii: "."))
            out.append(UInt8(ascii: "0") + UInt8(fraction / 100))
            out.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
            out.append(UInt8(ascii: "0") + UInt8(fraction % 10))
        }
    }
}

/// Generates one minute of readings for every point, in time order, with the planted anomalies:
/// exceedance (SO2 hour 9), missing data (PM hour 5, 30 records), offline (14:00–16:59), constant (NOx hours
/// 2–7), zero (PM 10:00–11:29), negative (SO2 08:00–08:09), over range (SO2 12:00–12:04), jump then flat (NOx
/// 15:00–16:29 at 30), near the limit (SO2 hours 4–17 at 95 % of the limit), data flagged stopped while the flow
/// runs (hour 20).
struct BenchmarkGenerator {
    let plan: BenchmarkPlan
    /// The series ids of the points generated, point by point, factor by factor.
    let ids: [SeriesID]
    /// The points generated (every `partitions`-th from `partition`).
    let points: [Int]
    let kinds: [Int8]
    var state: UInt64

    init(plan: BenchmarkPlan, ids: [SeriesID], partition: Int = 0, partitions: Int = 1) {
        self.plan = plan
        self.ids = ids
        points = Array(stride(from: partition, to: plan.points, by: max(1, partitions)))
        kinds = points.map { point in
            guard let kind = plan.planted(point), plan.isPlantable(kind) else { return -1 }
            return Int8(BenchmarkPlan.kinds.firstIndex(of: kind) ?? -1)
        }
        state = (plan.seed &+ UInt64(partition) &* 0x9E37_79B9_7F4A_7C15) | 1
    }

    @inline(__always)
    mutating func unit() -> Double {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return Double((state &* 0x2545_F491_4F6C_DD1D) >> 11) * 0x1.0p-53
    }

    mutating func fill(minute: Int, into batch: inout [SeriesReading]) {
        let time = plan.start + Int64(minute) * 60
        let hour = minute / 60
        let factors = plan.factors
        for index in points.indices {
            let kind = kinds[index]
            if kind == 2 && (840..<1020).contains(minute) { continue }  // offline 14:00–16:59
            let base = index * factors
            for factor in 0..<factors {
                var value = BenchmarkPlan.bases[factor] * (0.95 + 0.1 * unit())
                var flag = DataFlag.normal
                if kind < 0 {
                    batch.append(SeriesReading(series: ids[base + factor], time: time, value: value, flag: flag))
                    continue
                }
                switch kind {
                case 0 where factor == 0 && hour == 9: value = 450 * (0.95 + 0.1 * unit())
                case 1 where factor == 2 && hour == 5 && minute % 60 >= 30: continue
                case 3 where factor == 1 && (2...7).contains(hour): value = 100
                case 4 where factor == 2 && (600..<690).contains(minute): value = 0
                case 5 where factor == 0 && (480..<490).contains(minute): value = -5
                case 6 where factor == 0 && (720..<725).contains(minute): value = 1000
                case 7 where factor == 1 && (900..<990).contains(minute): value = 30
                case 8 where factor == 0 && (4...17).contains(hour): value = 273 * (0.97 + 0.06 * unit())
                case 9 where hour == 20 && factor != 4: flag = .stopped
                default: break
                }
                batch.append(SeriesReading(series: ids[base + factor], time: time, value: value, flag: flag))
            }
        }
    }
}

/// Counts warnings per kind, and checks them against the plan.
struct WarningCounter {
    let plan: BenchmarkPlan
    var byKind: [String: Int] = [:]
    var onCleanPoints = 0
    var detected: Set<Int> = []
    let pointIndex: [String: Int]
    let kindByType: [String: WarningRuleKind]

    init(plan: BenchmarkPlan) {
        self.plan = plan
        var index: [String: Int] = [:]
        for point in 0..<plan.points { index[plan.pointCode(point)] = point }
        pointIndex = index
        kindByType = Dictionary(uniqueKeysWithValues: WarningRuleKind.allCases.map { ($0.defaultWarningType, $0) })
    }

    mutating func add(_ warnings: [Warning]) {
        for warning in warnings {
            let kind = kindByType[warning.type]
            byKind[kind?.rawValue ?? warning.type, default: 0] += 1
            guard let point = pointIndex[warning.point] else { continue }
            guard let planted = plan.planted(point), plan.isPlantable(planted) else {
                onCleanPoints += 1
                continue
            }
            if planted == kind { detected.insert(point) }
        }
    }

    func plantedByKind() -> [String: Int] {
        var result: [String: Int] = [:]
        for point in 0..<plan.points {
            if let kind = plan.planted(point), plan.isPlantable(kind) { result[kind.rawValue, default: 0] += 1 }
        }
        return result
    }

    func detectedByKind() -> [String: Int] {
        var result: [String: Int] = [:]
        for point in detected {
            if let kind = plan.planted(point) { result[kind.rawValue, default: 0] += 1 }
        }
        return result
    }
}
