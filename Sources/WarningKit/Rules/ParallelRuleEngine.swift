/// Several ``RuleEngine``s evaluating in parallel, each owning a share of the points (all the factors of a point
/// stay in one engine: oxygen correction and hour closing are per point).
///
/// ```swift
/// let engine = try ParallelRuleEngine(partitions: 2, rules: rules, profiles: profiles, standards: standards)
/// let so2 = await engine.series(point: "51010400000001", pollutant: "a21026")
/// let warnings = await engine.evaluate(minuteBatch)        // [SeriesReading] in time order
/// ```
///
/// Each batch is split by partition and the parts are evaluated concurrently; after its part, every engine's
/// clock moves to the newest time of the batch, so that hours close and offline points are detected alike in every
/// partition. The warnings of a call are returned in ``Warning/canonicalOrder(_:_:)``; the same readings give the
/// same warnings however they are batched.
public actor ParallelRuleEngine {
    final class Box: @unchecked Sendable {
        // Only one task touches a box at a time: the actor's, or the one child task it hands the box to.
        var engine: RuleEngine

        init(_ engine: RuleEngine) {
            self.engine = engine
        }
    }

    private let boxes: [Box]
    private var pointPartition: [String: Int] = [:]
    private var seriesIDs: [String: [String: SeriesID]] = [:]
    private var partitionOf: [UInt8] = []
    private var localID: [UInt32] = []
    private var parts: [[SeriesReading]]
    private var nextPartition = 0
    /// Whether an operation holds the engines (calls are serialized: the actor is reentrant across `await`).
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// The engines' statistics, added up after the last operation.
    public private(set) var statistics = RuleEngineStatistics()

    /// Creates `partitions` engines (at least 1) over the same rules; profiled points are spread round-robin.
    ///
    /// - Throws: ``RuleLoadError`` as ``RuleEngine/init(rules:profiles:standards:filings:configuration:)``.
    public init(
        partitions: Int, rules: RuleSet, profiles: [PointProfile] = [], standards: MonitoringStandards? = nil,
        filings: [MaintenanceFiling] = [], configuration: RuleEngine.Configuration? = nil
    ) throws(RuleLoadError) {
        let count = max(1, min(partitions, 255))
        var shares = Array(repeating: [PointProfile](), count: count)
        var assignment: [String: Int] = [:]
        for (index, profile) in profiles.enumerated() {
            shares[index % count].append(profile)
            assignment[profile.point] = index % count
            if let mn = profile.mn { assignment[mn] = index % count }
        }
        var boxes: [Box] = []
        for share in shares {
            boxes.append(
                Box(try RuleEngine(rules: rules, profiles: share, standards: standards, configuration: configuration)))
        }
        var next = profiles.count % count
        for filing in filings {
            let partition: Int
            if let known = assignment[filing.point] {
                partition = known
            } else {
                partition = next
                assignment[filing.point] = next
                next = (next + 1) % count
            }
            boxes[partition].engine.addMaintenanceFiling(filing)
        }
        self.boxes = boxes
        self.parts = Array(repeating: [], count: count)
        self.pointPartition = assignment
        self.nextPartition = next
    }

    /// The number of engines.
    public var partitions: Int { boxes.count }

    /// Waits until no other operation uses the engines, then takes them.
    private func acquire() async {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            busy = true
        }
    }

    /// Hands the engines to the next waiting operation, or frees them.
    private func release() {
        statistics = boxes.reduce(into: RuleEngineStatistics()) { $0.add($1.engine.statistics) }
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// The id of a point's factor, interning it in the point's engine when new.
    public func series(point: String, pollutant: String) async -> SeriesID {
        if let id = seriesIDs[point]?[pollutant] { return id }
        await acquire()
        defer { release() }
        if let id = seriesIDs[point]?[pollutant] { return id }
        let partition: Int
        if let known = pointPartition[point] {
            partition = known
        } else {
            partition = nextPartition
            nextPartition = (nextPartition + 1) % boxes.count
            pointPartition[point] = partition
        }
        let local = boxes[partition].engine.series(point: point, pollutant: pollutant)
        let id = SeriesID(rawValue: UInt32(partitionOf.count))
        partitionOf.append(UInt8(partition))
        localID.append(local.rawValue)
        seriesIDs[point, default: [:]][pollutant] = id
        return id
    }

    /// Evaluates a batch (in time order) across the engines; returns its warnings in canonical order.
    public func evaluate(_ batch: [SeriesReading]) async -> [Warning] {
        await acquire()
        defer { release() }
        var work = parts
        parts = []
        var newest = Int64.min
        var unknown = 0
        let partitionOf = self.partitionOf
        let localID = self.localID
        batch.withUnsafeBufferPointer { buffer in
            for reading in buffer {
                let global = Int(reading.series.rawValue)
                guard global < partitionOf.count else {
                    unknown += 1
                    continue
                }
                var local = reading
                local.series = SeriesID(rawValue: localID[global])
                work[Int(partitionOf[global])].append(local)
                if reading.time > newest { newest = reading.time }
            }
        }
        if unknown > 0 { boxes[0].engine.statistics.unknownSeries += unknown }
        let clock = newest
        let shares = work
        var warnings = await withTaskGroup(of: [Warning].self) { group in
            for (box, part) in zip(boxes, shares) {
                group.addTask {
                    var found = box.engine.evaluate(part)
                    if clock != .min { found += box.engine.advance(to: clock) }
                    return found
                }
            }
            var all: [Warning] = []
            for await found in group { all += found }
            return all
        }
        for index in work.indices { work[index].removeAll(keepingCapacity: true) }
        parts = work
        warnings.sort(by: Warning.canonicalOrder)
        return warnings
    }

    /// Evaluates a batch of any collection type (as the array form).
    public func evaluate(_ batch: some Collection<SeriesReading> & Sendable) async -> [Warning] {
        await evaluate(Array(batch))
    }

    /// Moves every engine's clock to `time`.
    public func advance(to time: Int64) async -> [Warning] {
        await everyEngine { $0.advance(to: time) }
    }

    /// Ends the replay in every engine (see ``RuleEngine/finish(at:)``); without a time, one minute past the
    /// newest clock of the engines.
    public func finish(at time: Int64? = nil) async -> [Warning] {
        await acquire()
        let end = time ?? boxes.compactMap(\.engine.now).max().map { $0 + 60 }
        release()
        guard let end else { return [] }
        return await everyEngine { $0.finish(at: end) }
    }

    private func everyEngine(_ body: @escaping @Sendable (inout RuleEngine) -> [Warning]) async -> [Warning] {
        await acquire()
        defer { release() }
        var warnings = await withTaskGroup(of: [Warning].self) { group in
            for box in boxes {
                group.addTask { body(&box.engine) }
            }
            var all: [Warning] = []
            for await found in group { all += found }
            return all
        }
        warnings.sort(by: Warning.canonicalOrder)
        return warnings
    }
}
