import DataStandard

/// The streaming warning-rule engine: readings in, ``Warning``s out.
///
/// State is kept per series (a point's factor) and per point, updated incrementally by every reading, in
/// constant memory: plain per-series and per-point records in manually managed memory, bounded evidence rings, no
/// allocation per reading. Time comes only from the readings and from ``advance(to:)`` (a tick for offline and
/// missing-data detection): the engine never reads the system clock, so the same rules over the same recorded
/// readings always raise the same warnings, in the same order.
///
/// ```swift
/// var engine = try RuleEngine(rules: try RuleSetLoader().load(), profiles: profiles,
///                             standards: try MonitoringStandards.load())
/// for reading in readings {                       // in time order
///     for warning in engine.evaluate(reading) { handle(warning) }
/// }
/// for warning in engine.finish() { handle(warning) }     // closes the last complete hours
/// ```
///
/// The hot path interns series first (``series(point:pollutant:)``) and feeds ``SeriesReading`` batches
/// (`evaluate(_ batch: [SeriesReading])`); ``ParallelRuleEngine`` spreads points over cores.
///
/// Readings must arrive in non-decreasing time order (up to ``Configuration/allowedLateness``): a reading older
/// than its point's open hour is dropped and counted (``statistics``). Hours close when the clock passes their end
/// (for every point at once), so one reading of any point closes the previous hour of all.
public struct RuleEngine: Sendable {
    /// Settings of the monitoring semantics the rules run on.
    public struct Configuration: Sendable, Hashable {
        /// HJ 75/76 validity.
        public var validity: ValidityPolicy
        /// The O2 correction and its guards.
        public var oxygen: OxygenCorrection
        /// The factor code of O2.
        public var oxygenPollutant: String
        /// The most minute readings a warning carries as evidence (and kept per series).
        public var evidenceLimit: Int
        /// The most hourly values a warning carries as evidence (and kept per series).
        public var hourlyEvidenceLimit: Int
        /// How far behind the newest reading a reading may arrive and still count, in seconds.
        public var allowedLateness: Int64

        /// Settings from the monitoring tables (defaults of HJ 75/76 and `DOMAIN.md` when `nil`).
        public init(
            standards: MonitoringStandards? = nil, evidenceLimit: Int = 64, hourlyEvidenceLimit: Int = 24,
            allowedLateness: Int64 = 0
        ) {
            self.validity = standards?.validity ?? ValidityPolicy()
            self.oxygen = standards?.oxygen ?? OxygenCorrection()
            self.oxygenPollutant = standards?.oxygenPollutant ?? "a19001"
            self.evidenceLimit = max(1, evidenceLimit)
            self.hourlyEvidenceLimit = max(1, hourlyEvidenceLimit)
            self.allowedLateness = max(0, allowedLateness)
        }
    }

    /// The hot parameters of a compiled rule.
    struct Params: Sendable {
        var kind: WarningRuleKind
        /// min_minutes, min_hours, min_records, flat_minutes.
        var count: Int32 = 1
        var x = 0.0
        var y = 0.0
        var z = 0.0
        var w = 0.0
        var flagMask: UInt16 = 0
        var option = false
        var seconds: Int64 = 0
    }

    /// A rule ready to run.
    struct CompiledRule: Sendable {
        var definition: RuleDefinition
        var params: Params
        var zh: [TemplatePart]
        var en: [TemplatePart]
    }

    /// A piece of a message template.
    enum TemplatePart: Sendable {
        case text(String)
        case placeholder(String)
    }

    struct SeriesKey: Hashable, Sendable {
        var point: Int32
        var pollutant: Int32
    }

    /// The state of a point's production in an hour.
    enum Production {
        case unknown
        case running
        case stopped
    }

    // MARK: Configuration and rules

    /// The settings.
    public let configuration: Configuration
    /// The rules in effect.
    public let rules: RuleSet
    let standards: MonitoringStandards?
    var minuteRules: [CompiledRule] = []
    var hourRules: [CompiledRule] = []
    var pointRules: [CompiledRule] = []
    var minuteParams: [Params] = []
    var hourParams: [Params] = []
    let ringCapacity: Int
    let ringMask: UInt32
    let hourRingCapacity: Int
    let hourRingMask: UInt32
    let validFlagMask: UInt16
    let minimumValidMinutes: Int32
    var countsFlags = false

    // MARK: State

    /// Plain per-series and per-point state in manual memory (copied when shared: value semantics).
    var store: StateStore
    /// The number of series interned.
    public private(set) var seriesCount = 0
    /// The number of points known.
    public private(set) var pointCount = 0

    var pointIndex: [String: Int32] = [:]
    var pollutantIndex: [String: Int32] = [:]
    var pollutantCodes: [String] = []
    var seriesIndex: [SeriesKey: UInt32] = [:]
    var pointCode: [String] = []
    var pointProfile: [PointProfile?] = []
    var pointLabels: [[String: String]] = []
    var pointSeries: [[UInt32]] = []
    var pointWindows: [Int32: [MaintenanceFiling]] = [:]
    var seriesWindows: [UInt32: [(start: Int64, end: Int64)]] = [:]

    // MARK: Clock

    var started = false
    var clock: Int64 = .min
    var nextSweep: Int64 = .max
    var nextHourBoundary: Int64 = .max
    var emitted: [Warning] = []
    var scratchFlagged: [Int32] = []
    var scratchFlaggedSeries: [[UInt32]] = []

    /// What the engine has seen so far.
    public internal(set) var statistics = RuleEngineStatistics()

    /// The engine's clock: the newest reading time or tick (`nil` before the first).
    public var now: Int64? { started ? clock : nil }

    /// Creates an engine.
    ///
    /// - Parameters:
    ///   - rules: the rules in effect (disabled rules are skipped).
    ///   - profiles: the points' profiles (limits, ranges, reference O2, production signal). A point without one is
    ///     still judged by every rule that needs no limit.
    ///   - standards: the monitoring tables (emission-limit fallback, reference O2 per source type, validity).
    ///   - filings: filed maintenance (marked) periods (more with ``addMaintenanceFiling(_:)``).
    ///   - configuration: overrides the settings taken from `standards`.
    /// - Throws: ``RuleLoadError`` when more than 64 enabled rules share one stage (minute, hour or point rules).
    public init(
        rules: RuleSet, profiles: [PointProfile] = [], standards: MonitoringStandards? = nil,
        filings: [MaintenanceFiling] = [], configuration: Configuration? = nil
    ) throws(RuleLoadError) {
        let configuration = configuration ?? Configuration(standards: standards)
        self.configuration = configuration
        self.rules = rules
        self.standards = standards
        var capacity = 1
        while capacity < configuration.evidenceLimit { capacity <<= 1 }
        ringCapacity = capacity
        ringMask = UInt32(capacity - 1)
        var hourCapacity = 1
        while hourCapacity < configuration.hourlyEvidenceLimit { hourCapacity <<= 1 }
        hourRingCapacity = hourCapacity
        hourRingMask = UInt32(hourCapacity - 1)
        validFlagMask = configuration.validity.validFlags.reduce(0) { $0 | (1 << UInt16($1.rawValue)) }
        minimumValidMinutes = Int32(clamping: configuration.validity.minimumValidMinutesPerHour)
        var minute: [CompiledRule] = []
        var hour: [CompiledRule] = []
        var point: [CompiledRule] = []
        for rule in rules.rules where rule.enabled {
            let compiled = Self.compile(rule, oxygen: configuration.oxygen)
            switch rule.kind.stage {
            case .minute: minute.append(compiled)
            case .hour: hour.append(compiled)
            case .point: point.append(compiled)
            }
        }
        for (stage, list) in [("minute", minute), ("hour", hour), ("point", point)] where list.count > 64 {
            throw RuleLoadError(diagnostics: [
                RuleDiagnostic(
                    .error, "rules.too-many",
                    "\(list.count) enabled \(stage) rules; an engine runs at most 64 per stage",
                    at: nil)
            ])
        }
        minuteRules = minute
        hourRules = hour
        pointRules = point
        minuteParams = minute.map(\.params)
        hourParams = hour.map(\.params)
        countsFlags = point.contains { $0.params.kind == .shutdownData }
        scratchFlagged = Array(repeating: 0, count: point.count)
        scratchFlaggedSeries = Array(repeating: [], count: point.count)
        let seriesCapacity = max(16, profiles.reduce(0) { $0 + $1.pollutants.count + 2 })
        store = StateStore(
            capacity: seriesCapacity, pointCapacity: max(4, profiles.count), ringCapacity: capacity,
            hourRingCapacity: hourCapacity, minuteRules: minute.count, hourRules: hour.count,
            pointRules: point.count)
        for profile in profiles { register(profile) }
        for filing in filings { addMaintenanceFiling(filing) }
    }

    static func compile(_ rule: RuleDefinition, oxygen: OxygenCorrection) -> CompiledRule {
        var params = Params(kind: rule.kind)
        func count(_ name: String) -> Int32 { Int32(clamping: Int(rule.number(name).rounded())) }
        switch rule.kind {
        case .exceedance:
            params.x = rule.number("limit_factor")
            params.count = count("min_hours")
        case .missing:
            params.count = count("min_records")
        case .offline:
            params.seconds = Int64(rule.number("minutes").rounded()) * 60
        case .constant:
            params.count = count("min_hours")
            params.x = rule.number("absolute_tolerance")
            params.y = rule.number("relative_tolerance")
            params.z = rule.number("minimum_value")
            params.option = rule.boolean("during_production")
        case .zero:
            params.count = count("min_minutes")
            params.x = rule.number("tolerance")
        case .negative:
            params.count = count("min_minutes")
            params.x = rule.number("below")
        case .overRange:
            params.count = count("min_minutes")
            params.option = rule.boolean("flagged_over_range")
        case .jumpThenFlat:
            params.x = rule.number("jump_ratio")
            params.y = rule.number("jump_minimum")
            params.count = count("flat_minutes")
            params.z = rule.number("flat_relative_tolerance")
            params.w = rule.number("flat_absolute_tolerance")
        case .nearLimit:
            params.x = rule.number("lower_ratio")
            params.y = rule.number("upper_ratio")
            params.count = count("min_hours")
        case .shutdownData:
            params.flagMask = rule.flags("flags").reduce(0) { $0 | (1 << UInt16($1.rawValue)) }
            params.count = count("min_minutes")
            params.option = rule.boolean("oxygen_says_stopped")
            params.x = oxygen.probableShutdownOxygen
        }
        return CompiledRule(
            definition: rule, params: params, zh: parseTemplate(rule.message.zh), en: parseTemplate(rule.message.en))
    }

    static func parseTemplate(_ text: String) -> [TemplatePart] {
        var parts: [TemplatePart] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            if open > rest.startIndex { parts.append(.text(String(rest[..<open]))) }
            parts.append(.placeholder(String(rest[rest.index(after: open)..<close])))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        return parts
    }

    // MARK: Interning

    /// Copies the state before mutating it when another engine value shares it.
    @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&store) {
            store = store.copy(seriesCount: seriesCount, pointCount: pointCount)
        }
    }

    /// The id of a point's factor, interning the point and the series when new.
    public mutating func series(point: String, pollutant: String) -> SeriesID {
        makeUnique()
        return intern(point: point, pollutant: pollutant)
    }

    mutating func intern(point: String, pollutant: String) -> SeriesID {
        let p = intern(point: point)
        let c = intern(pollutant: pollutant)
        if let id = seriesIndex[SeriesKey(point: p, pollutant: c)] { return SeriesID(rawValue: id) }
        return SeriesID(rawValue: addSeries(point: Int(p), pollutant: c))
    }

    /// The point code and factor of a series.
    public func key(of series: SeriesID) -> (point: String, pollutant: String)? {
        let s = Int(series.rawValue)
        guard s < seriesCount else { return nil }
        let state = store.series[s]
        return (pointCode[Int(state.point)], pollutantCodes[Int(state.pollutant)])
    }

    /// Adds (or replaces) a point's profile; its series are interned.
    public mutating func register(_ profile: PointProfile) {
        makeUnique()
        let p = Int(intern(point: profile.point))
        if let mn = profile.mn, pointIndex[mn] == nil { pointIndex[mn] = Int32(p) }
        pointProfile[p] = profile
        store.points[p].declared = true
        if started && store.points[p].lastSeen == .min {
            store.points[p].lastSeen = clock
            store.points[p].judgeFrom = clock
        }
        var labels: [String: String] = ["point": profile.point]
        if let entity = profile.entity { labels["entity"] = entity }
        if let division = profile.division { labels["division"] = division }
        if let sourceType = profile.sourceType { labels["source_type"] = sourceType }
        pointLabels[p] = labels
        store.points[p].referenceOxygen = profile.referenceOxygen(standards: standards) ?? .nan
        store.points[p].runningAbove = profile.production?.runningAbove ?? .nan
        store.points[p].mask = computePointMask(p)
        var codes = profile.pollutants.keys.sorted()
        if let signal = profile.production?.pollutant { codes.append(signal) }
        if !store.points[p].referenceOxygen.isNaN { codes.append(configuration.oxygenPollutant) }
        for code in codes { _ = intern(point: profile.point, pollutant: code) }
        for s in pointSeries[p] { configureSeries(Int(s)) }
    }

    /// Adds a filed maintenance period; readings it covers are invalid (as if flagged `M`). Add a filing before
    /// the readings it covers are evaluated.
    public mutating func addMaintenanceFiling(_ filing: MaintenanceFiling) {
        guard filing.end > filing.start else { return }
        makeUnique()
        let p = intern(point: filing.point)
        pointWindows[p, default: []].append(filing)
        for s in pointSeries[Int(p)] { rebuildMaintenance(Int(s)) }
    }

    mutating func intern(pollutant: String) -> Int32 {
        if let index = pollutantIndex[pollutant] { return index }
        let index = Int32(pollutantCodes.count)
        pollutantCodes.append(pollutant)
        pollutantIndex[pollutant] = index
        return index
    }

    mutating func intern(point: String) -> Int32 {
        if let index = pointIndex[point] { return index }
        if pointCount == store.pointCapacity {
            store = store.copy(seriesCount: seriesCount, pointCount: pointCount, pointCapacity: pointCount * 2)
        }
        let p = pointCount
        pointCount += 1
        store.initializePoint(p)
        pointIndex[point] = Int32(p)
        pointCode.append(point)
        pointProfile.append(nil)
        pointLabels.append(["point": point])
        pointSeries.append([])
        store.points[p].mask = computePointMask(p)
        return Int32(p)
    }

    func computePointMask(_ p: Int) -> UInt64 {
        var mask: UInt64 = 0
        let division = pointProfile[p]?.division
        for (i, rule) in pointRules.enumerated() where rule.definition.applies(toDivision: division) {
            if rule.params.kind == .shutdownData && store.points[p].runningAbove.isNaN { continue }
            mask |= 1 << UInt64(i)
        }
        return mask
    }

    mutating func addSeries(point p: Int, pollutant c: Int32) -> UInt32 {
        if seriesCount == store.capacity {
            store = store.copy(seriesCount: seriesCount, pointCount: pointCount, capacity: seriesCount * 2)
        }
        let s = seriesCount
        seriesCount += 1
        store.initializeSeries(s, point: Int32(p), pollutant: c, judgeFrom: started ? clock : .min)
        seriesIndex[SeriesKey(point: Int32(p), pollutant: c)] = UInt32(s)
        pointSeries[p].append(UInt32(s))
        configureSeries(s)
        rebuildMaintenance(s)
        return UInt32(s)
    }

    /// Limits, range, correction and rule masks of a series from its point's profile.
    mutating func configureSeries(_ s: Int) {
        let p = Int(store.series[s].point)
        let code = pollutantCodes[Int(store.series[s].pollutant)]
        let profile = pointProfile[p]
        let limit = profile?.limit(for: code, standards: standards)
        store.series[s].limit = limit?.value ?? .nan
        store.series[s].range = profile?.pollutants[code]?.range ?? .infinity
        store.series[s].corrected =
            limit != nil && !store.points[p].referenceOxygen.isNaN && (profile?.pollutants[code]?.corrected ?? true)
        if code == configuration.oxygenPollutant { store.points[p].oxygenSeries = Int32(s) }
        if let signal = profile?.production?.pollutant, signal == code { store.points[p].signalSeries = Int32(s) }
        let division = profile?.division
        func mask(_ rules: [CompiledRule], _ extra: (RuleDefinition) -> Bool) -> UInt64 {
            var mask: UInt64 = 0
            for (i, rule) in rules.enumerated()
            where rule.definition.applies(toDivision: division) && rule.definition.judges(pollutant: code)
                && extra(rule.definition)
            {
                mask |= 1 << UInt64(i)
            }
            return mask
        }
        store.series[s].minuteMask = mask(minuteRules) { _ in true }
        store.series[s].hourMask = mask(hourRules) { !$0.kind.needsLimit || limit != nil }
        store.series[s].pointRuleMask = mask(pointRules) { _ in profile?.production?.pollutant != code }
    }

    mutating func rebuildMaintenance(_ s: Int) {
        let p = store.series[s].point
        let code = pollutantCodes[Int(store.series[s].pollutant)]
        let windows = (pointWindows[p] ?? []).filter { $0.pollutant == nil || $0.pollutant == code }
            .map { (start: $0.start, end: $0.end) }.sorted { $0.start < $1.start }
        var merged: [(start: Int64, end: Int64)] = []
        for window in windows {
            if let last = merged.last, window.start <= last.end {
                merged[merged.count - 1].end = max(last.end, window.end)
            } else {
                merged.append(window)
            }
        }
        let key = UInt32(s)
        if merged.isEmpty {
            seriesWindows[key] = nil
            store.series[s].maintenanceStart = .max
            store.series[s].maintenanceEnd = .max
            return
        }
        seriesWindows[key] = merged
        store.series[s].maintenanceCursor = 0
        store.series[s].maintenanceStart = merged[0].start
        store.series[s].maintenanceEnd = merged[0].end
        if store.series[s].lastTime != .min { advanceMaintenance(s, to: store.series[s].lastTime) }
    }

    mutating func advanceMaintenance(_ s: Int, to time: Int64) {
        guard let windows = seriesWindows[UInt32(s)] else { return }
        var cursor = Int(store.series[s].maintenanceCursor)
        while cursor < windows.count && windows[cursor].end <= time { cursor += 1 }
        store.series[s].maintenanceCursor = Int32(cursor)
        if cursor < windows.count {
            store.series[s].maintenanceStart = windows[cursor].start
            store.series[s].maintenanceEnd = windows[cursor].end
        } else {
            store.series[s].maintenanceStart = .max
            store.series[s].maintenanceEnd = .max
        }
    }

    // MARK: Evaluation

    /// Evaluates one reading (interning its point and factor when new) and returns the warnings it raised.
    public mutating func evaluate(_ reading: Reading) -> [Warning] {
        makeUnique()
        let id = intern(point: reading.point, pollutant: reading.pollutant)
        ingest(SeriesReading(series: id, time: reading.time, value: reading.value, flag: reading.flag))
        return takeEmitted()
    }

    /// Evaluates one reading of an interned series and returns the warnings it raised.
    public mutating func evaluate(_ reading: SeriesReading) -> [Warning] {
        makeUnique()
        ingest(reading)
        return takeEmitted()
    }

    /// Evaluates a batch of readings in order and returns the warnings raised, in the order they were raised
    /// (the same as one `evaluate(_ reading: SeriesReading)` call per reading).
    public mutating func evaluate(_ batch: [SeriesReading]) -> [Warning] {
        makeUnique()
        batch.withUnsafeBufferPointer { buffer in
            for reading in buffer { ingest(reading) }
        }
        return takeEmitted()
    }

    /// Evaluates a batch of readings in order (any collection: an array slice, a lazy sequence…).
    public mutating func evaluate(_ batch: some Collection<SeriesReading>) -> [Warning] {
        makeUnique()
        for reading in batch { ingest(reading) }
        return takeEmitted()
    }

    /// Evaluates a batch of readings in order.
    public mutating func evaluate(_ batch: some Collection<Reading>) -> [Warning] {
        makeUnique()
        for reading in batch {
            let id = intern(point: reading.point, pollutant: reading.pollutant)
            ingest(SeriesReading(series: id, time: reading.time, value: reading.value, flag: reading.flag))
        }
        return takeEmitted()
    }

    /// Moves the clock to `time` (a tick): closes the hours that ended and detects points gone offline. A time
    /// before the clock changes nothing.
    public mutating func advance(to time: Int64) -> [Warning] {
        makeUnique()
        let time = min(max(time, -Self.timeBound + 1), Self.timeBound - 1)
        if !started {
            start(at: time)
        } else if time > clock {
            advanceClock(to: time)
        }
        return takeEmitted()
    }

    /// Ends a replay at `time`: advances the clock there, closing every hour that ended by then. Without a time,
    /// the clock moves one minute past the newest reading, so the last hour closes when its last minute arrived.
    public mutating func finish(at time: Int64? = nil) -> [Warning] {
        guard let end = time ?? (started ? clock + 60 : nil) else { return takeEmitted() }
        return advance(to: end)
    }

    mutating func takeEmitted() -> [Warning] {
        if emitted.isEmpty { return [] }
        let result = emitted
        emitted = []
        return result
    }

    mutating func start(at time: Int64) {
        started = true
        clock = time
        nextSweep = floorMinute(time) + 60
        nextHourBoundary = MonitoringTime.hourStart(of: time) + MonitoringTime.hour
        for p in 0..<pointCount where store.points[p].declared && store.points[p].lastSeen == .min {
            store.points[p].lastSeen = time
            store.points[p].judgeFrom = time
        }
    }

    @inline(__always)
    func floorMinute(_ time: Int64) -> Int64 {
        let remainder = time % 60
        return remainder >= 0 ? time - remainder : time - remainder - 60
    }

    /// Times the engine accepts: ±2^40 s (about ±34,000 years) around 1970; others are counted and dropped.
    static let timeBound: Int64 = 1 << 40

    @inline(__always)
    mutating func ingest(_ reading: SeriesReading) {
        let time = reading.time
        guard time > -Self.timeBound && time < Self.timeBound else {
            statistics.invalidTimes += 1
            return
        }
        if time > clock || !started {
            if started { advanceClock(to: time) } else { start(at: time) }
        }
        let s = Int(reading.series.rawValue)
        guard s < seriesCount else {
            statistics.unknownSeries += 1
            return
        }
        let series = store.series + s
        let p = Int(series.pointee.point)
        let point = store.points + p
        if time >= point.pointee.hourEnd { rollHour(p, to: time) }
        if time < point.pointee.hourStart {
            statistics.lateReadings += 1
            return
        }
        if time <= series.pointee.lastTime {
            statistics.outOfOrderReadings += 1
            return
        }
        statistics.readings &+= 1
        series.pointee.lastTime = time
        if time > point.pointee.lastSeen { point.pointee.lastSeen = time }
        if point.pointee.judgeFrom == .max { point.pointee.judgeFrom = time }
        if point.pointee.offlineFiring { clearOffline(p) }
        point.pointee.records &+= 1

        let flag = reading.flag
        let value = reading.value
        store.ring[Int(series.pointee.ringCount & ringMask) &* store.capacity &+ s] = RingEntry(
            time: time, flag: flag, value: value)
        series.pointee.ringCount &+= 1

        if time >= series.pointee.maintenanceEnd { advanceMaintenance(s, to: time) }
        let inMaintenance = time >= series.pointee.maintenanceStart

        series.pointee.hourCount &+= 1
        if countsFlags { store.flagCounts[s &* 9 &+ Int(flag.rawValue)] &+= 1 }
        let hasValue = value.isFinite
        if hasValue {
            series.pointee.rawCount &+= 1
            series.pointee.rawSum += value
        }
        let valid = hasValue && !inMaintenance && (validFlagMask & (1 << UInt16(flag.rawValue))) != 0
        if valid {
            series.pointee.valid &+= 1
            series.pointee.validSum += value
        }
        let mask = series.pointee.minuteMask
        if mask != 0 { minuteRulesStep(s: s, time: time, value: value, flag: flag, valid: valid, mask: mask) }
    }

    @inline(__always)
    mutating func minuteRulesStep(s: Int, time: Int64, value: Double, flag: DataFlag, valid: Bool, mask: UInt64) {
        var bits = mask
        let slots = store.minuteSlots + s &* minuteParams.count
        while bits != 0 {
            let i = bits.trailingZeroBitCount
            bits &= bits &- 1
            let params = minuteParams[i]
            let slot = slots + i
            switch params.kind {
            case .zero:
                runStep(
                    slot, i: i, s: s, time: time, hit: valid && abs(value) <= params.x, params: params, value: value)
            case .negative:
                runStep(slot, i: i, s: s, time: time, hit: valid && value < params.x, params: params, value: value)
            case .overRange:
                let hit = (params.option && flag == .overRange) || (valid && value > store.series[s].range)
                runStep(slot, i: i, s: s, time: time, hit: hit, params: params, value: value)
            case .jumpThenFlat:
                jumpStep(slot, i: i, s: s, time: time, value: value, valid: valid, params: params)
            default:
                break
            }
        }
    }

    @inline(__always)
    mutating func runStep(
        _ slot: UnsafeMutablePointer<RuleSlot>, i: Int, s: Int, time: Int64, hit: Bool, params: Params, value: Double
    ) {
        if hit {
            let count = slot.pointee.count &+ 1
            slot.pointee.count = count
            if count == 1 { slot.pointee.start = time }
            if count == params.count {
                emitMinuteRun(rule: i, series: s, time: time, value: value, count: Int(count))
            }
        } else if slot.pointee.count != 0 {
            slot.pointee.count = 0
        }
    }

    @inline(__always)
    mutating func jumpStep(
        _ slot: UnsafeMutablePointer<RuleSlot>, i: Int, s: Int, time: Int64, value: Double, valid: Bool,
        params: Params
    ) {
        guard valid else {
            slot.pointee.a = .nan
            slot.pointee.count = 0
            return
        }
        var count = slot.pointee.count
        if count > 0 {
            let level = slot.pointee.b
            if abs(value - level) <= max(params.z * abs(level), params.w) {
                count &+= 1
                slot.pointee.count = count
                if count == params.count { emitJump(rule: i, series: s, time: time, count: Int(count)) }
            } else {
                count = 0
                slot.pointee.count = 0
            }
        }
        let previous = slot.pointee.a
        if count == 0 && !previous.isNaN {
            let change = abs(value - previous)
            if change >= params.x * abs(previous) && change >= params.y {
                slot.pointee.count = 1
                slot.pointee.b = value
                slot.pointee.c = previous
                slot.pointee.start = time
            }
        }
        slot.pointee.a = value
    }
}
