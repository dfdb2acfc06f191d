extension RuleEngine {
    /// Moves the clock forward; sweeps (hour closing, offline detection) at each minute boundary passed.
    mutating func advanceClock(to time: Int64) {
        clock = time
        let horizon = time - configuration.allowedLateness
        if horizon >= nextSweep { sweep(at: floorMinute(horizon)) }
    }

    /// Closes every point's hours that ended by `boundary`, and detects offline points.
    mutating func sweep(at boundary: Int64) {
        nextSweep = boundary + 60
        if boundary >= nextHourBoundary {
            nextHourBoundary = MonitoringTime.hourStart(of: boundary) + MonitoringTime.hour
            for p in 0..<pointCount where store.points[p].hourOpen && store.points[p].hourEnd <= boundary {
                rollHour(p, to: boundary)
            }
        }
        guard !pointRules.isEmpty else { return }
        for (i, rule) in pointRules.enumerated() where rule.params.kind == .offline {
            let bit: UInt64 = 1 << UInt64(i)
            let seconds = rule.params.seconds
            for p in 0..<pointCount where store.points[p].mask & bit != 0 {
                let lastSeen = store.points[p].lastSeen
                guard lastSeen != .min, boundary - lastSeen >= seconds else { continue }
                let slot = store.pointSlots + p * pointRules.count + i
                guard !slot.pointee.firing else { continue }
                slot.pointee.firing = true
                store.points[p].offlineFiring = true
                emitOffline(rule: i, point: p, lastSeen: lastSeen, seconds: seconds)
            }
        }
    }

    /// A reading of an offline point: its offline episodes end.
    mutating func clearOffline(_ p: Int) {
        store.points[p].offlineFiring = false
        for i in pointRules.indices where pointRules[i].params.kind == .offline {
            store.pointSlots[p * pointRules.count + i].firing = false
        }
    }

    /// Opens the point's first hour, or closes its hours that ended by `time`.
    mutating func rollHour(_ p: Int, to time: Int64) {
        let point = store.points + p
        guard point.pointee.hourOpen else {
            point.pointee.hourOpen = true
            point.pointee.hourStart = MonitoringTime.hourStart(of: time)
            point.pointee.hourEnd = point.pointee.hourStart + MonitoringTime.hour
            return
        }
        guard time >= point.pointee.hourEnd else { return }
        closeHour(p)
        point.pointee.hourStart = point.pointee.hourEnd
        point.pointee.hourEnd += MonitoringTime.hour
        guard time >= point.pointee.hourEnd else { return }
        // Hours without any record: one closing resets every run as many would; then jump (no loop over a gap).
        closeHour(p)
        point.pointee.hourStart = MonitoringTime.hourStart(of: time)
        point.pointee.hourEnd = point.pointee.hourStart + MonitoringTime.hour
    }

    /// Closes the point's open hour: forms every series' hourly value, runs the hourly and point rules, resets the
    /// accumulators.
    mutating func closeHour(_ p: Int) {
        let point = store.points + p
        let hourStart = point.pointee.hourStart
        let hourEnd = point.pointee.hourEnd
        let records = point.pointee.records
        point.pointee.records = 0
        var oxygen = Double.nan
        let oxygenSeries = Int(point.pointee.oxygenSeries)
        if oxygenSeries >= 0 && store.series[oxygenSeries].valid >= minimumValidMinutes {
            oxygen = store.series[oxygenSeries].validSum / Double(store.series[oxygenSeries].valid)
        }
        var production = Production.unknown
        var signalMean = Double.nan
        let signal = Int(point.pointee.signalSeries)
        if signal >= 0 && store.series[signal].rawCount > 0 {
            signalMean = store.series[signal].rawSum / Double(store.series[signal].rawCount)
            production = signalMean > point.pointee.runningAbove ? .running : .stopped
        }
        let judgeMissing = records > 0 && point.pointee.judgeFrom <= hourStart
        let referenceOxygen = point.pointee.referenceOxygen
        let pointRuleMask = point.pointee.mask
        if countsFlags {
            for i in scratchFlagged.indices {
                scratchFlagged[i] = 0
                scratchFlaggedSeries[i].removeAll(keepingCapacity: true)
            }
        }
        for series in pointSeries[p] {
            let s = Int(series)
            let state = store.series + s
            let validCount = state.pointee.valid
            let valid = validCount >= minimumValidMinutes
            let mean = validCount > 0 ? state.pointee.validSum / Double(validCount) : .nan
            var judged = Double.nan
            let limit = state.pointee.limit
            if valid && !limit.isNaN {
                if state.pointee.corrected {
                    if !oxygen.isNaN {
                        let result = configuration.oxygen.correct(
                            mean, measuredOxygen: oxygen, referenceOxygen: referenceOxygen)
                        if result.isJudgeable, let value = result.value { judged = value }
                    }
                } else {
                    judged = mean
                }
            }
            store.hourRing[s * hourRingCapacity + Int(state.pointee.hourRingCount & hourRingMask)] = HourEntry(
                start: hourStart, mean: valid ? mean : .nan, judged: judged)
            state.pointee.hourRingCount &+= 1

            let hourMask = state.pointee.hourMask
            if hourMask != 0 {
                hourRulesStep(
                    s: s, hourStart: hourStart, hourEnd: hourEnd, mean: valid ? mean : .nan, judged: judged,
                    limit: limit, production: production, judgeMissing: judgeMissing, mask: hourMask)
            }
            if countsFlags {
                let seriesMask = state.pointee.pointRuleMask & pointRuleMask
                if seriesMask != 0 {
                    for i in pointRules.indices where seriesMask & (1 << UInt64(i)) != 0 {
                        let params = pointRules[i].params
                        guard params.kind == .shutdownData else { continue }
                        var flagged: Int32 = 0
                        for flag in 0..<9 where params.flagMask & (1 << UInt16(flag)) != 0 {
                            flagged &+= store.flagCounts[s * 9 + flag]
                        }
                        if flagged >= params.count {
                            scratchFlagged[i] = max(scratchFlagged[i], flagged)
                            scratchFlaggedSeries[i].append(series)
                        }
                    }
                }
                (store.flagCounts + s * 9).update(repeating: 0, count: 9)
            }
            state.pointee.hourCount = 0
            state.pointee.valid = 0
            state.pointee.validSum = 0
            state.pointee.rawCount = 0
            state.pointee.rawSum = 0
        }
        guard pointRuleMask != 0 else { return }
        for i in pointRules.indices where pointRuleMask & (1 << UInt64(i)) != 0 {
            let params = pointRules[i].params
            guard params.kind == .shutdownData else { continue }
            let slot = store.pointSlots + p * pointRules.count + i
            let oxygenSays = params.option && !oxygen.isNaN && oxygen >= params.x
            let hit = production == .running && (scratchFlagged[i] > 0 || oxygenSays)
            if hit {
                if !slot.pointee.firing {
                    slot.pointee.firing = true
                    emitShutdown(
                        rule: i, point: p, hourStart: hourStart, hourEnd: hourEnd, signalMean: signalMean,
                        flaggedMinutes: Int(scratchFlagged[i]), flaggedSeries: scratchFlaggedSeries[i],
                        oxygen: oxygenSays ? oxygen : nil)
                }
            } else {
                slot.pointee.firing = false
            }
        }
    }

    mutating func hourRulesStep(
        s: Int, hourStart: Int64, hourEnd: Int64, mean: Double, judged: Double, limit: Double,
        production: Production, judgeMissing: Bool, mask: UInt64
    ) {
        var bits = mask
        let slots = store.hourSlots + s * hourParams.count
        while bits != 0 {
            let i = bits.trailingZeroBitCount
            bits &= bits &- 1
            let params = hourParams[i]
            let slot = slots + i
            switch params.kind {
            case .exceedance:
                let threshold = limit * params.x
                if runHour(slot, hit: !judged.isNaN && judged > threshold, hourStart: hourStart, params: params) {
                    emitHourly(
                        rule: i, series: s, hourEnd: hourEnd, observed: judged, threshold: threshold,
                        hours: Int(slot.pointee.count))
                }
            case .nearLimit:
                let lower = limit * params.x
                let upper = limit * params.y
                let hit = !judged.isNaN && judged >= lower && judged <= upper
                if runHour(slot, hit: hit, hourStart: hourStart, params: params) {
                    emitHourly(
                        rule: i, series: s, hourEnd: hourEnd, observed: judged, threshold: upper,
                        hours: Int(slot.pointee.count))
                }
            case .constant:
                constantStep(
                    slot, rule: i, s: s, hourStart: hourStart, hourEnd: hourEnd, mean: mean, production: production,
                    params: params)
            case .missing:
                let records = store.series[s].hourCount
                let judge = judgeMissing && store.series[s].judgeFrom <= hourStart
                if judge && records < params.count {
                    if !slot.pointee.firing {
                        slot.pointee.firing = true
                        emitMissing(
                            rule: i, series: s, hourStart: hourStart, hourEnd: hourEnd, records: Int(records),
                            threshold: Int(params.count))
                    }
                } else {
                    slot.pointee.firing = false
                }
            default:
                break
            }
        }
    }

    /// A run of consecutive hours meeting a condition; `true` once per run, when it reaches the rule's length.
    @inline(__always)
    func runHour(_ slot: UnsafeMutablePointer<RuleSlot>, hit: Bool, hourStart: Int64, params: Params) -> Bool {
        guard hit else {
            slot.pointee.count = 0
            slot.pointee.firing = false
            return false
        }
        slot.pointee.count &+= 1
        if slot.pointee.count == 1 { slot.pointee.start = hourStart }
        guard slot.pointee.count >= params.count && !slot.pointee.firing else { return false }
        slot.pointee.firing = true
        return true
    }

    mutating func constantStep(
        _ slot: UnsafeMutablePointer<RuleSlot>, rule: Int, s: Int, hourStart: Int64, hourEnd: Int64, mean: Double,
        production: Production, params: Params
    ) {
        let counts = !mean.isNaN && mean >= params.z && !(params.option && production == .stopped)
        guard counts else {
            slot.pointee.count = 0
            slot.pointee.firing = false
            return
        }
        var state = slot.pointee
        if state.count == 0 {
            state = RuleSlot(count: 1, firing: false, start: hourStart, a: mean, b: mean, c: mean)
        } else {
            let low = min(state.a, mean)
            let high = max(state.b, mean)
            let sum = state.c + mean
            let runMean = sum / Double(state.count + 1)
            let allowed = params.x + params.y * abs(runMean) + 1e-9 * max(abs(low), abs(high))
            if high - low <= allowed {
                state.count += 1
                state.a = low
                state.b = high
                state.c = sum
            } else {
                state = RuleSlot(count: 1, firing: false, start: hourStart, a: mean, b: mean, c: mean)
            }
        }
        let fire = state.count >= params.count && !state.firing
        if fire { state.firing = true }
        slot.pointee = state
        if fire {
            emitHourly(
                rule: rule, series: s, hourEnd: hourEnd, observed: state.c / Double(state.count), threshold: nil,
                hours: Int(state.count))
        }
    }
}
