extension RuleEngine {
    /// The last `limit` minute readings of a series with a time in `from ... to`, oldest first.
    func minuteEvidence(_ s: Int, limit: Int, from: Int64 = .min, to: Int64 = .max) -> [Reading] {
        let state = store.series[s]
        let total = Int(state.ringCount)
        let available = min(total, ringCapacity)
        let wanted = min(limit, configuration.evidenceLimit)
        guard available > 0, wanted > 0 else { return [] }
        let point = pointCode[Int(state.point)]
        let pollutant = pollutantCodes[Int(state.pollutant)]
        var result: [Reading] = []
        result.reserveCapacity(min(wanted, available))
        var index = total - 1
        while index >= total - available && result.count < wanted {
            let entry = store.ring[(index & Int(ringMask)) * store.capacity + s]
            let time = entry.time
            if time < from { break }
            if time <= to {
                result.append(
                    Reading(
                        point: point, pollutant: pollutant, time: time,
                        value: entry.value.isFinite ? entry.value : nil, flag: entry.flag))
            }
            index -= 1
        }
        return result.reversed()
    }

    /// The last `hours` hourly values of a series (the judged value, or the mean), oldest first.
    func hourlyEvidence(_ s: Int, hours: Int, judged: Bool) -> [Reading] {
        let state = store.series[s]
        let total = Int(state.hourRingCount)
        let count = min(hours, total, hourRingCapacity, configuration.hourlyEvidenceLimit)
        guard count > 0 else { return [] }
        let point = pointCode[Int(state.point)]
        let pollutant = pollutantCodes[Int(state.pollutant)]
        return (total - count..<total).map { index in
            let entry = store.hourRing[s * hourRingCapacity + (index & Int(hourRingMask))]
            let value = judged ? entry.judged : entry.mean
            return Reading(
                point: point, pollutant: pollutant, time: entry.start, value: value.isFinite ? value : nil,
                flag: value.isFinite ? .normal : .insufficient)
        }
    }

    static func format(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        let rounded = (value * 1000).rounded() / 1000
        if rounded == rounded.rounded() && abs(rounded) < 1e15 { return String(Int64(rounded)) }
        return String(rounded)
    }

    func render(
        _ parts: [TemplatePart], point: Int, pollutant: String, observed: Double?, threshold: Double?, start: Int64,
        end: Int64, count: Int
    ) -> String {
        var text = ""
        for part in parts {
            switch part {
            case .text(let literal): text += literal
            case .placeholder(let name):
                switch name {
                case "point": text += pointCode[point]
                case "pollutant": text += pollutant
                case "entity": text += pointProfile[point]?.entity ?? ""
                case "observed": text += Self.format(observed)
                case "threshold": text += Self.format(threshold)
                case "start": text += MonitoringTime.short(start)
                case "end": text += MonitoringTime.short(end)
                case "count": text += String(count)
                default: text += "{\(name)}"
                }
            }
        }
        return text
    }

    // swift-format-ignore: FunctionParameterCount
    mutating func emit(
        _ rule: CompiledRule, point p: Int, pollutant: String?, pollutantText: String? = nil, triggeredAt: Int64,
        windowStart: Int64, windowEnd: Int64, observed: Double?, threshold: Double?, count: Int,
        evidence: [Reading], hourly: Bool
    ) {
        let definition = rule.definition
        var labels = pointLabels[p]
        labels["type"] = definition.type
        labels["rule"] = definition.id
        labels["level"] = definition.level.code
        labels["evidence_interval"] = hourly ? "hour" : "minute"
        if let pollutant { labels["pollutant"] = pollutant }
        let text = pollutantText ?? pollutant ?? ""
        let warning = Warning(
            ruleID: definition.id, ruleVersion: definition.version, type: definition.type, level: definition.level,
            point: pointCode[p], pollutant: pollutant, triggeredAt: triggeredAt, windowStart: windowStart,
            windowEnd: windowEnd, observedValue: observed.flatMap { $0.isFinite ? $0 : nil },
            thresholdValue: threshold.flatMap { $0.isFinite ? $0 : nil },
            description: render(
                rule.zh, point: p, pollutant: text, observed: observed, threshold: threshold, start: windowStart,
                end: windowEnd, count: count),
            descriptionEN: render(
                rule.en, point: p, pollutant: text, observed: observed, threshold: threshold, start: windowStart,
                end: windowEnd, count: count),
            labels: labels, evidence: evidence)
        statistics.warnings += 1
        statistics.warningsByType[definition.type, default: 0] += 1
        emitted.append(warning)
    }

    mutating func emitMinuteRun(rule i: Int, series s: Int, time: Int64, value: Double, count: Int) {
        let rule = minuteRules[i]
        let start = store.minuteSlots[s * minuteRules.count + i].start
        let threshold: Double? =
            switch rule.params.kind {
            case .zero: rule.params.x
            case .negative: rule.params.x
            case .overRange: store.series[s].range.isFinite ? store.series[s].range : nil
            default: nil
            }
        emit(
            rule, point: Int(store.series[s].point), pollutant: pollutantCodes[Int(store.series[s].pollutant)],
            triggeredAt: time,
            windowStart: start, windowEnd: time, observed: value.isNaN ? nil : value, threshold: threshold,
            count: count, evidence: minuteEvidence(s, limit: count, from: start, to: time), hourly: false)
    }

    mutating func emitJump(rule i: Int, series s: Int, time: Int64, count: Int) {
        let rule = minuteRules[i]
        let slot = store.minuteSlots[s * minuteRules.count + i]
        // The evidence starts with the last reading before the jump.
        let evidence = minuteEvidence(s, limit: count + 1, to: time)
        emit(
            rule, point: Int(store.series[s].point), pollutant: pollutantCodes[Int(store.series[s].pollutant)],
            triggeredAt: time,
            windowStart: evidence.first?.time ?? slot.start, windowEnd: time, observed: slot.b, threshold: slot.c,
            count: count, evidence: evidence, hourly: false)
    }

    mutating func emitHourly(
        rule i: Int, series s: Int, hourEnd: Int64, observed: Double, threshold: Double?, hours: Int
    ) {
        let rule = hourRules[i]
        let p = Int(store.series[s].point)
        let judged = rule.params.kind != .constant
        var evidence = hourlyEvidence(s, hours: hours, judged: judged)
        let oxygen = Int(store.points[p].oxygenSeries)
        if judged && store.series[s].corrected && oxygen >= 0 {
            let room = max(0, configuration.evidenceLimit - evidence.count)
            evidence += hourlyEvidence(oxygen, hours: min(hours, room), judged: false)
        }
        let windowStart = hourEnd - Int64(hours) * MonitoringTime.hour
        emit(
            rule, point: p, pollutant: pollutantCodes[Int(store.series[s].pollutant)], triggeredAt: hourEnd,
            windowStart: windowStart, windowEnd: hourEnd, observed: observed, threshold: threshold, count: hours,
            evidence: evidence, hourly: true)
    }

    mutating func emitMissing(
        rule i: Int, series s: Int, hourStart: Int64, hourEnd: Int64, records: Int, threshold: Int
    ) {
        emit(
            hourRules[i], point: Int(store.series[s].point), pollutant: pollutantCodes[Int(store.series[s].pollutant)],
            triggeredAt: hourEnd, windowStart: hourStart, windowEnd: hourEnd, observed: Double(records),
            threshold: Double(threshold), count: records,
            evidence: minuteEvidence(s, limit: records, from: hourStart, to: hourEnd - 1), hourly: false)
    }

    mutating func emitOffline(rule i: Int, point p: Int, lastSeen: Int64, seconds: Int64) {
        var evidence: [Reading] = []
        for series in pointSeries[p] where evidence.count < configuration.evidenceLimit {
            evidence += minuteEvidence(Int(series), limit: 1, to: lastSeen)
        }
        evidence.sort { ($0.time, $0.pollutant) < ($1.time, $1.pollutant) }
        let minutes = Double(seconds / 60)
        emit(
            pointRules[i], point: p, pollutant: nil, triggeredAt: lastSeen + seconds, windowStart: lastSeen,
            windowEnd: lastSeen + seconds, observed: minutes, threshold: minutes, count: Int(seconds / 60),
            evidence: evidence, hourly: false)
    }

    mutating func emitShutdown(
        rule i: Int, point p: Int, hourStart: Int64, hourEnd: Int64, signalMean: Double, flaggedMinutes: Int,
        flaggedSeries: [UInt32], oxygen: Double?
    ) {
        let limit = configuration.evidenceLimit
        var evidence: [Reading] = []
        let signal = Int(store.points[p].signalSeries)
        if signal >= 0 { evidence += minuteEvidence(signal, limit: limit / 2, from: hourStart, to: hourEnd - 1) }
        var codes: [String] = []
        for series in flaggedSeries {
            codes.append(pollutantCodes[Int(store.series[Int(series)].pollutant)])
            let room = limit - evidence.count
            if room > 0 {
                evidence += minuteEvidence(Int(series), limit: min(room, 8), from: hourStart, to: hourEnd - 1)
            }
        }
        if let oxygen, codes.isEmpty {
            codes.append(configuration.oxygenPollutant)
            let oxygenSeries = Int(store.points[p].oxygenSeries)
            if oxygenSeries >= 0 { evidence += hourlyEvidence(oxygenSeries, hours: 1, judged: false) }
            _ = oxygen
        }
        evidence.sort { ($0.time, $0.pollutant) < ($1.time, $1.pollutant) }
        emit(
            pointRules[i], point: p, pollutant: nil, pollutantText: codes.joined(separator: ","), triggeredAt: hourEnd,
            windowStart: hourStart, windowEnd: hourEnd, observed: signalMean, threshold: store.points[p].runningAbove,
            count: flaggedMinutes, evidence: Array(evidence.prefix(limit)), hourly: false)
    }
}
