import Foundation

/// One value of an electricity meter (a `power_reading` record): the meter, the time and the active power or current.
public struct PowerSample: Sendable, Hashable, Codable {
    /// The meter (`meter_code`).
    public var meter: String
    /// The time of the value, seconds since 1970 UTC.
    public var time: Int64
    /// The value in the coupling's quantity (kW of active power, or A of current); `nil` when the meter sent none.
    public var value: Double?

    /// Creates a sample.
    public init(meter: String, time: Int64, value: Double?) {
        self.meter = meter
        self.time = time
        self.value = value
    }
}

/// A heavy-pollution-weather emergency period (重污染天气应急期间), during which production is restricted.
public struct EmergencyPeriod: Sendable, Hashable, Codable {
    /// The period's id (the alert notice).
    public var id: String
    /// The alert level (`alert_level` code: `1` red, `2` orange, `3` yellow).
    public var alertLevel: String
    /// When it starts, seconds since 1970 UTC.
    public var startsAt: Int64
    /// When it ends.
    public var endsAt: Int64
    /// The divisions it covers, by prefix (`510100` covers every county of Chengdu); empty covers every coupling.
    public var divisions: [String]

    /// Creates a period.
    public init(id: String, alertLevel: String, startsAt: Int64, endsAt: Int64, divisions: [String] = []) {
        self.id = id
        self.alertLevel = alertLevel
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.divisions = divisions
    }

    /// Whether the period covers a coupling's division at `time`.
    func covers(division: String?, at time: Int64) -> Bool {
        guard startsAt <= time && time < endsAt else { return false }
        if divisions.isEmpty { return true }
        guard let division else { return false }
        return divisions.contains { prefix in
            let trimmed =
                prefix.hasSuffix("0000")
                ? String(prefix.dropLast(4))
                : prefix.hasSuffix("00") ? String(prefix.dropLast(2)) : prefix
            return division.hasPrefix(trimmed)
        }
    }
}

/// Electricity monitoring (用电监控, `DOMAIN.md` §8): production against treatment equipment, streaming.
///
/// Feed the meters' samples in time order; each sample re-judges the couplings its meter belongs to at the
/// sample's time, from the latest value of each of their meters. A meter whose latest value is older than
/// ``PowerThresholds/maxSampleGap`` is unknown, and nothing is judged on unknown production. Four checks, each
/// warned once per episode:
///
/// 1. **Treatment off** (治污设施停运, warning type `12`): production runs (total > P_run) while a treatment meter is
///    below I_off for at least T1.
/// 2. **Not in sync** (产治污不同步, type `11`): such an episode that ends before T1 but lasted more than Δ — treatment
///    started more than Δ after production (`late_start`), stopped more than Δ before it (`early_stop`), or
///    stopped for more than Δ while production ran on (`interrupted`). An episode already open when the stream
///    starts has no known cause and only the first check applies.
/// 3. **Idling or underpowered** (空转/降频, type `99`: the standard's `warning_type` has no code for it): treatment
///    on but below x of its baseline while production runs above y of its baseline, for the idle duration.
/// 4. **Restriction breach** (停限产违规, type `18`): during an ``EmergencyPeriod`` covering the coupling, production
///    above the load allowed for the period's level, for the restriction duration.
///
/// ```swift
/// var monitor = ElectricityMonitor(configuration: electricity, emergencies: periods)
/// for sample in samples {                       // in time order
///     warnings += monitor.ingest(sample)
/// }
/// ```
///
/// Memory is constant per coupling (the latest value per meter and a bounded evidence buffer); the same samples
/// always give the same warnings. A sample older than the last one judged for its coupling is skipped and
/// counted in ``skippedSamples``.
public struct ElectricityMonitor: Sendable {
    private enum Cause: String, Sendable {
        case productionStarted, controlStopped, unknown
    }

    private struct Episode: Sendable {
        var start: Int64
        var cause: Cause = .unknown
        var warned = false
    }

    private struct State: Sendable {
        var lastTime: Int64?
        var latest: [String: (time: Int64, value: Double)] = [:]
        var productionRunning: Bool?
        var controlOn: [String: Bool] = [:]
        var offEpisodes: [String: Episode] = [:]
        var idleEpisodes: [String: Episode] = [:]
        var restriction: Episode?
        var recent: [PowerSample] = []
    }

    /// The configuration.
    public let configuration: ElectricityCheckConfiguration
    /// The emergency periods known so far.
    public private(set) var emergencies: [EmergencyPeriod]
    /// Samples skipped: older than the last judged time of their coupling, or outside the years 1970…2200.
    public private(set) var skippedSamples = 0
    private var states: [State]
    private let couplingsByMeter: [String: [Int]]

    /// Creates a monitor with no history.
    public init(configuration: ElectricityCheckConfiguration, emergencies: [EmergencyPeriod] = []) {
        self.configuration = configuration
        self.emergencies = emergencies
        states = Array(repeating: State(), count: configuration.couplings.count)
        var index: [String: [Int]] = [:]
        for (position, coupling) in configuration.couplings.enumerated() {
            for meter in Set(coupling.productionMeters + coupling.controlMeters) {
                index[meter, default: []].append(position)
            }
        }
        couplingsByMeter = index
    }

    /// Declares an emergency period (it applies to samples from its start).
    public mutating func declare(_ period: EmergencyPeriod) {
        emergencies.append(period)
    }

    /// Judges all samples in time order (ties by meter) and returns the warnings in the order raised.
    public static func evaluate(
        _ samples: [PowerSample], configuration: ElectricityCheckConfiguration, emergencies: [EmergencyPeriod] = []
    ) -> [Warning] {
        var monitor = ElectricityMonitor(configuration: configuration, emergencies: emergencies)
        var warnings: [Warning] = []
        for sample in samples.sorted(by: { ($0.time, $0.meter) < ($1.time, $1.meter) }) {
            warnings += monitor.ingest(sample)
        }
        return warnings
    }

    /// Takes one sample and re-judges the couplings of its meter at the sample's time.
    ///
    /// - Returns: The warnings the sample completed (usually none).
    public mutating func ingest(_ sample: PowerSample) -> [Warning] {
        guard let positions = couplingsByMeter[sample.meter] else { return [] }
        // Times outside 1970…2200 are not data (and would make duration arithmetic overflow).
        guard (0...7_258_118_400).contains(sample.time) else {
            skippedSamples += 1
            return []
        }
        var warnings: [Warning] = []
        for position in positions {
            if let last = states[position].lastTime, sample.time < last {
                skippedSamples += 1
                continue
            }
            warnings += judge(position, with: sample)
        }
        return warnings
    }

    // MARK: Judging

    private mutating func judge(_ position: Int, with sample: PowerSample) -> [Warning] {
        let coupling = configuration.couplings[position]
        let thresholds = coupling.thresholds
        var state = states[position]
        defer { states[position] = state }
        let time = sample.time
        state.lastTime = time
        if let value = sample.value {
            state.latest[sample.meter] = (time, value)
            state.recent.append(sample)
            let keep = thresholds.evidenceLimit * (coupling.productionMeters.count + coupling.controlMeters.count)
            if state.recent.count > 2 * keep { state.recent.removeFirst(state.recent.count - keep) }
        }
        func fresh(_ meter: String) -> Double? {
            guard let latest = state.latest[meter], time - latest.time <= thresholds.maxSampleGap else { return nil }
            return latest.value
        }
        var production = 0.0
        for meter in coupling.productionMeters {
            guard let value = fresh(meter) else { return [] }
            production += value
        }
        let running = production > thresholds.productionRunning
        let load = coupling.productionBaseline.map { production / $0 }
        let wasRunning = state.productionRunning
        state.productionRunning = running
        var warnings: [Warning] = []

        for meter in coupling.controlMeters {
            guard let value = fresh(meter) else { continue }
            let on = value >= thresholds.controlOff
            let wasOn = state.controlOn[meter]
            state.controlOn[meter] = on

            // Checks 1 and 2: an episode of production running while this treatment meter is off.
            if running && !on {
                var episode =
                    state.offEpisodes[meter]
                    ?? Episode(
                        start: time,
                        cause: wasRunning == false ? .productionStarted : wasOn == true ? .controlStopped : .unknown)
                if !episode.warned && time - episode.start >= thresholds.offMinDuration {
                    episode.warned = true
                    warnings.append(
                        controlOff(coupling, meter: meter, value: value, episode: episode, at: time, state: state))
                }
                state.offEpisodes[meter] = episode
            } else if let episode = state.offEpisodes.removeValue(forKey: meter) {
                let duration = time - episode.start
                if !episode.warned && duration > thresholds.syncTolerance && episode.cause != .unknown {
                    let kind: String
                    switch (episode.cause, on) {
                    case (.productionStarted, _): kind = "late_start"
                    case (.controlStopped, false): kind = "early_stop"
                    default: kind = "interrupted"
                    }
                    warnings.append(
                        outOfSync(coupling, meter: meter, kind: kind, episode: episode, at: time, state: state))
                }
            }

            // Check 3: treatment on but idling while production runs under load.
            if running, on, let load, let baseline = coupling.controlBaselines[meter],
                load > thresholds.idleProductionRatio, value < thresholds.idleRatio * baseline
            {
                var episode = state.idleEpisodes[meter] ?? Episode(start: time)
                if !episode.warned && time - episode.start >= thresholds.idleMinDuration {
                    episode.warned = true
                    warnings.append(
                        idling(
                            coupling, meter: meter, ratio: value / baseline, load: load, episode: episode, at: time,
                            state: state))
                }
                state.idleEpisodes[meter] = episode
            } else {
                state.idleEpisodes[meter] = nil
            }
        }

        // Check 4: production above the allowed load during an emergency period.
        if let load,
            let period = emergencies.first(where: { $0.covers(division: coupling.division, at: time) }),
            let allowed = thresholds.restrictionAllowedLoad[period.alertLevel], load > allowed
        {
            var episode = state.restriction ?? Episode(start: time)
            if !episode.warned && time - episode.start >= thresholds.restrictionMinDuration {
                episode.warned = true
                warnings.append(
                    restriction(
                        coupling, period: period, load: load, allowed: allowed, episode: episode, at: time,
                        state: state))
            }
            state.restriction = episode
        } else {
            state.restriction = nil
        }
        return warnings
    }

    // MARK: Warnings

    private func evidence(_ state: State, meters: [String], from start: Int64, to end: Int64, limit: Int)
        -> [Reading]
    {
        let parameter = "active_power"
        let selected = state.recent.filter { meters.contains($0.meter) && $0.time >= start && $0.time <= end }
        return selected.suffix(limit).map {
            Reading(point: $0.meter, pollutant: parameter, time: $0.time, value: $0.value)
        }
    }

    private func unit(_ coupling: PowerCoupling) -> String {
        coupling.thresholds.quantity == .power ? "kW" : "A"
    }

    private func warning(
        _ coupling: PowerCoupling, check: String, type: String, level: WarningLevel, point: String,
        episode: Episode, at time: Int64, observed: Double?, threshold: Double?, zh: String, en: String,
        meters: [String], state: State, extra: [String: String] = [:]
    ) -> Warning {
        var labels = [
            "check": "power.\(check)", "entity": coupling.entity, "coupling": coupling.id,
            "production_meters": coupling.productionMeters.joined(separator: ","),
        ]
        if let division = coupling.division { labels["division"] = division }
        labels.merge(extra) { _, new in new }
        let readings = evidence(
            state, meters: meters, from: episode.start, to: time, limit: coupling.thresholds.evidenceLimit)
        return Warning(
            ruleID: "crosscheck.power.\(check.replacingOccurrences(of: "_", with: "-"))",
            ruleVersion: configuration.version, type: type, level: level, point: point, pollutant: nil,
            triggeredAt: time, windowStart: readings.first?.time ?? episode.start,
            windowEnd: readings.last?.time ?? time, observedValue: observed, thresholdValue: threshold,
            description: zh, descriptionEN: en, labels: labels, evidence: readings)
    }

    private func controlOff(
        _ coupling: PowerCoupling, meter: String, value: Double, episode: Episode, at time: Int64, state: State
    ) -> Warning {
        let thresholds = coupling.thresholds
        let n = CrossCheckNumber.text
        let minutes = Double(time - episode.start) / 60
        let limit = Double(thresholds.offMinDuration) / 60
        return warning(
            coupling, check: "control_off", type: "12", level: thresholds.levels.controlOff, point: meter,
            episode: episode, at: time, observed: minutes, threshold: limit,
            zh: "生产设施运行期间治污设施（\(meter)）停运已持续\(n(minutes))分钟（阈值\(n(limit))分钟，"
                + "治污设施读数\(n(value))\(unit(coupling))，低于停运阈值\(n(thresholds.controlOff))）",
            en:
                "Treatment equipment \(meter) off for \(n(minutes)) min while production runs (threshold "
                + "\(n(limit)) min; reading \(n(value)) \(unit(coupling)) below \(n(thresholds.controlOff)))",
            meters: coupling.productionMeters + [meter], state: state, extra: ["meter": meter])
    }

    private func outOfSync(
        _ coupling: PowerCoupling, meter: String, kind: String, episode: Episode, at time: Int64, state: State
    ) -> Warning {
        let thresholds = coupling.thresholds
        let n = CrossCheckNumber.text
        let minutes = Double(time - episode.start) / 60
        let limit = Double(thresholds.syncTolerance) / 60
        let zh: String
        let en: String
        switch kind {
        case "late_start":
            zh =
                "治污设施（\(meter)）未与生产设施同步启动：生产运行\(n(minutes))分钟后治污设施仍未运行（允许\(n(limit))分钟）"
            en =
                "Treatment \(meter) not started with production: off for \(n(minutes)) min after production "
                + "started (tolerance \(n(limit)) min)"
        case "early_stop":
            zh = "治污设施（\(meter)）先于生产设施停运\(n(minutes))分钟（允许\(n(limit))分钟）"
            en =
                "Treatment \(meter) stopped \(n(minutes)) min before production (tolerance \(n(limit)) min)"
        default:
            zh = "生产期间治污设施（\(meter)）中途停运\(n(minutes))分钟（允许\(n(limit))分钟）"
            en =
                "Treatment \(meter) stopped for \(n(minutes)) min while production ran (tolerance "
                + "\(n(limit)) min)"
        }
        return warning(
            coupling, check: "out_of_sync", type: "11", level: thresholds.levels.outOfSync, point: meter,
            episode: episode, at: time, observed: minutes, threshold: limit, zh: zh, en: en,
            meters: coupling.productionMeters + [meter], state: state, extra: ["meter": meter, "sync": kind])
    }

    private func idling(
        _ coupling: PowerCoupling, meter: String, ratio: Double, load: Double, episode: Episode, at time: Int64,
        state: State
    ) -> Warning {
        let thresholds = coupling.thresholds
        let n = CrossCheckNumber.text
        return warning(
            coupling, check: "idling", type: "99", level: thresholds.levels.idling, point: meter, episode: episode,
            at: time, observed: ratio * 100, threshold: thresholds.idleRatio * 100,
            zh:
                "治污设施（\(meter)）疑似空转或降频运行：负荷为基线的\(n(ratio * 100))%（阈值\(n(thresholds.idleRatio * 100))%），"
                + "同期生产负荷为基线的\(n(load * 100))%",
            en:
                "Treatment \(meter) idling or underpowered: \(n(ratio * 100)) % of its baseline (threshold "
                + "\(n(thresholds.idleRatio * 100)) %) while production runs at \(n(load * 100)) % of its baseline",
            meters: coupling.productionMeters + [meter], state: state, extra: ["meter": meter])
    }

    private func restriction(
        _ coupling: PowerCoupling, period: EmergencyPeriod, load: Double, allowed: Double, episode: Episode,
        at time: Int64, state: State
    ) -> Warning {
        let thresholds = coupling.thresholds
        let n = CrossCheckNumber.text
        return warning(
            coupling, check: "restriction", type: "18", level: thresholds.levels.restriction,
            point: coupling.productionMeters.first ?? coupling.id, episode: episode, at: time, observed: load * 100,
            threshold: allowed * 100,
            zh: "重污染天气应急期间（\(period.id)，预警级别\(period.alertLevel)）生产负荷为基线的\(n(load * 100))%，"
                + "超过允许的\(n(allowed * 100))%",
            en:
                "Production at \(n(load * 100)) % of its baseline during emergency period \(period.id) (alert "
                + "level \(period.alertLevel)), above the allowed \(n(allowed * 100)) %",
            meters: coupling.productionMeters, state: state,
            extra: ["emergency": period.id, "alert_level": period.alertLevel])
    }
}

/// Numbers in warning descriptions.
enum CrossCheckNumber {
    /// A number for messages: at most two decimals, no trailing zeros.
    static func text(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() && abs(rounded) < 1e15 { return String(Int64(rounded)) }
        var text = String(rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
