/// The per-series state of a ``RuleEngine`` that every reading touches, as one plain record.
struct SeriesState {
    var lastTime: Int64 = .min
    var maintenanceStart: Int64 = .max
    var maintenanceEnd: Int64 = .max
    var validSum = 0.0
    var rawSum = 0.0
    var range = Double.infinity
    var minuteMask: UInt64 = 0
    var point: Int32 = 0
    var hourCount: Int32 = 0
    var valid: Int32 = 0
    var rawCount: Int32 = 0
    var ringCount: UInt32 = 0
    var hourRingCount: UInt32 = 0
    // Cold: read when an hour closes or a rule fires.
    var judgeFrom: Int64 = .min
    var limit = Double.nan
    var hourMask: UInt64 = 0
    var pointRuleMask: UInt64 = 0
    var pollutant: Int32 = 0
    var maintenanceCursor: Int32 = 0
    var corrected = false
}

/// The per-point state of a ``RuleEngine``.
struct PointState {
    var hourStart: Int64 = .min
    var hourEnd: Int64 = .min
    var lastSeen: Int64 = .min
    var judgeFrom: Int64 = .max
    var referenceOxygen = Double.nan
    var runningAbove = Double.nan
    var mask: UInt64 = 0
    var records: Int32 = 0
    var oxygenSeries: Int32 = -1
    var signalSeries: Int32 = -1
    var hourOpen = false
    var declared = false
    var offlineFiring = false
}

/// One minute reading kept for evidence: the time with the flag in its low 4 bits, and the value.
struct RingEntry {
    var packed: Int64 = 0
    var value = 0.0

    @inline(__always)
    init(time: Int64, flag: DataFlag, value: Double) {
        packed = time << 4 | Int64(flag.rawValue)
        self.value = value
    }

    init() {}

    var time: Int64 { packed >> 4 }
    var flag: DataFlag { DataFlag(rawValue: UInt8(truncatingIfNeeded: packed & 0xF)) ?? .normal }
}

/// One hourly value kept for evidence.
struct HourEntry {
    var start: Int64 = 0
    var mean = Double.nan
    var judged = Double.nan
}

/// Per-rule state of one series or point.
struct RuleSlot {
    var count: Int32 = 0
    var firing = false
    var start: Int64 = 0
    var a = Double.nan
    var b = 0.0
    var c = 0.0
}

/// Fixed-capacity manual memory for the engine's plain state: no reference counting, uniqueness or bounds checks
/// per reading. The engine keeps value semantics by copying a store before mutating it when it is shared
/// (``RuleEngine`` checks `isKnownUniquelyReferenced` at every public mutating call).
final class StateStore: @unchecked Sendable {
    // @unchecked: the memory is only mutated by the one engine that holds the sole reference (copy on write).
    let capacity: Int
    let ringCapacity: Int
    let hourRingCapacity: Int
    let minuteRules: Int
    let hourRules: Int
    let pointRules: Int
    let pointCapacity: Int
    let series: UnsafeMutablePointer<SeriesState>
    /// Minute evidence, slot-major: entry `k` of series `s` is at `k * capacity + s`, so that the readings of one
    /// minute (all series at the same slot) are written contiguously.
    let ring: UnsafeMutablePointer<RingEntry>
    let hourRing: UnsafeMutablePointer<HourEntry>
    let minuteSlots: UnsafeMutablePointer<RuleSlot>
    let hourSlots: UnsafeMutablePointer<RuleSlot>
    let flagCounts: UnsafeMutablePointer<Int32>
    let points: UnsafeMutablePointer<PointState>
    let pointSlots: UnsafeMutablePointer<RuleSlot>

    init(
        capacity: Int, pointCapacity: Int, ringCapacity: Int, hourRingCapacity: Int, minuteRules: Int,
        hourRules: Int, pointRules: Int
    ) {
        self.capacity = capacity
        self.pointCapacity = pointCapacity
        self.ringCapacity = ringCapacity
        self.hourRingCapacity = hourRingCapacity
        self.minuteRules = minuteRules
        self.hourRules = hourRules
        self.pointRules = pointRules
        series = .allocate(capacity: capacity)
        ring = .allocate(capacity: capacity * ringCapacity)
        hourRing = .allocate(capacity: capacity * hourRingCapacity)
        minuteSlots = .allocate(capacity: max(1, capacity * minuteRules))
        hourSlots = .allocate(capacity: max(1, capacity * hourRules))
        flagCounts = .allocate(capacity: capacity * 9)
        points = .allocate(capacity: pointCapacity)
        pointSlots = .allocate(capacity: max(1, pointCapacity * pointRules))
    }

    deinit {
        series.deallocate()
        ring.deallocate()
        hourRing.deallocate()
        minuteSlots.deallocate()
        hourSlots.deallocate()
        flagCounts.deallocate()
        points.deallocate()
        pointSlots.deallocate()
    }

    /// A store with room for `capacity` series and `pointCapacity` points holding the first `seriesCount` series
    /// and `pointCount` points of this one.
    func copy(seriesCount: Int, pointCount: Int, capacity: Int? = nil, pointCapacity: Int? = nil) -> StateStore {
        let copy = StateStore(
            capacity: max(capacity ?? self.capacity, seriesCount),
            pointCapacity: max(pointCapacity ?? self.pointCapacity, pointCount), ringCapacity: ringCapacity,
            hourRingCapacity: hourRingCapacity, minuteRules: minuteRules, hourRules: hourRules,
            pointRules: pointRules)
        copy.series.initialize(from: series, count: seriesCount)
        for slot in 0..<ringCapacity {
            (copy.ring + slot * copy.capacity).initialize(from: ring + slot * self.capacity, count: seriesCount)
        }
        copy.hourRing.initialize(from: hourRing, count: seriesCount * hourRingCapacity)
        copy.minuteSlots.initialize(from: minuteSlots, count: seriesCount * minuteRules)
        copy.hourSlots.initialize(from: hourSlots, count: seriesCount * hourRules)
        copy.flagCounts.initialize(from: flagCounts, count: seriesCount * 9)
        copy.points.initialize(from: points, count: pointCount)
        copy.pointSlots.initialize(from: pointSlots, count: pointCount * pointRules)
        return copy
    }

    /// Initializes the state of series `s` (within capacity).
    func initializeSeries(_ s: Int, point: Int32, pollutant: Int32, judgeFrom: Int64) {
        var state = SeriesState()
        state.point = point
        state.pollutant = pollutant
        state.judgeFrom = judgeFrom
        (series + s).initialize(to: state)
        for slot in 0..<ringCapacity { (ring + slot * capacity + s).initialize(to: RingEntry()) }
        (hourRing + s * hourRingCapacity).initialize(repeating: HourEntry(), count: hourRingCapacity)
        (minuteSlots + s * minuteRules).initialize(repeating: RuleSlot(), count: minuteRules)
        (hourSlots + s * hourRules).initialize(repeating: RuleSlot(), count: hourRules)
        (flagCounts + s * 9).initialize(repeating: 0, count: 9)
    }

    /// Initializes the state of point `p` (within capacity).
    func initializePoint(_ p: Int) {
        (points + p).initialize(to: PointState())
        (pointSlots + p * pointRules).initialize(repeating: RuleSlot(), count: pointRules)
    }
}
