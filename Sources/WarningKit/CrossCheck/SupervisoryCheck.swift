/// One result of supervisory (manual) monitoring (`supervisory_monitoring`): a sample's value of one pollutant, with
/// the time it was taken and the automatic monitoring point it is compared with.
public struct SupervisorySample: Sendable, Hashable, Codable {
    /// The monitoring report (`report_no`).
    public var reportNo: String
    /// The sample (`sample_no`).
    public var sampleNo: String
    /// The regulated entity (`entity_code`).
    public var entity: String?
    /// The county (`division_code`).
    public var division: String?
    /// The automatic monitoring point of the sampled outlet (`point_code`).
    public var point: String
    /// The pollutant code (`pollutant_code`).
    public var pollutant: String
    /// When the sample was taken, seconds since 1970 UTC (the standard records the date; the sampling record
    /// gives the time).
    public var sampledAt: Int64
    /// The measured value, or `nil` when not detected.
    public var value: Double?
    /// The detection limit, for a value not detected.
    public var detectionLimit: Double?

    /// Creates a sample.
    public init(
        reportNo: String, sampleNo: String, entity: String? = nil, division: String? = nil, point: String,
        pollutant: String, sampledAt: Int64, value: Double?, detectionLimit: Double? = nil
    ) {
        self.reportNo = reportNo
        self.sampleNo = sampleNo
        self.entity = entity
        self.division = division
        self.point = point
        self.pollutant = pollutant
        self.sampledAt = sampledAt
        self.value = value
        self.detectionLimit = detectionLimit
    }
}

/// The comparison of one supervisory sample with the automatic value of its hour.
public struct SupervisoryComparison: Sendable, Hashable, Codable {
    /// What the comparison found.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// The automatic value is within tolerance.
        case withinTolerance = "within_tolerance"
        /// The automatic value is beyond tolerance: a warning.
        case beyondTolerance = "beyond_tolerance"
        /// No automatic value covers the sampling time.
        case noAutomaticValue = "no_automatic_value"
        /// The automatic value is marked invalid (or empty): not compared.
        case automaticValueInvalid = "automatic_value_invalid"
        /// The sample has neither a value nor a detection limit.
        case noManualValue = "no_manual_value"
        /// No tolerance is configured for the pollutant.
        case noTolerance = "no_tolerance"
    }

    /// The sample.
    public var sample: SupervisorySample
    /// The automatic reading of the sampling hour, if any.
    public var automatic: Reading?
    /// The manual value compared (the detection limit when not detected).
    public var reference: Double?
    /// |automatic − reference|.
    public var absoluteError: Double?
    /// |automatic − reference| / reference, when the reference is above 0.
    public var relativeError: Double?
    /// The tolerance applied.
    public var tolerance: SupervisoryCheckConfiguration.Tolerance?
    /// The outcome.
    public var outcome: Outcome

    /// Creates a comparison.
    public init(
        sample: SupervisorySample, automatic: Reading?, reference: Double?, absoluteError: Double?,
        relativeError: Double?, tolerance: SupervisoryCheckConfiguration.Tolerance?, outcome: Outcome
    ) {
        self.sample = sample
        self.automatic = automatic
        self.reference = reference
        self.absoluteError = absoluteError
        self.relativeError = relativeError
        self.tolerance = tolerance
        self.outcome = outcome
    }
}

/// Automatic against supervisory (manual) monitoring beyond tolerance (WRN-3), in batch.
///
/// **Method.** For each sample, the automatic reading of the same point and pollutant whose period holds the
/// sampling time is taken (`time ≤ sampledAt < time + period`; HJ 212 `DataTime` is the period's start; the
/// latest such reading when there are several). It is compared only when valid (flags `N`, `S`) and present. The
/// reference is the manual value, or — when the sample was not detected — its detection limit, and then only an
/// automatic value above the limit counts as an error. The automatic value is within tolerance when
/// |auto − reference| ≤ `absolute` (if configured), or when |auto − reference| / reference ≤ `relative`; a
/// reference of zero has no relative error and is judged on `absolute` alone (exceeded unless both are zero).
/// Beyond tolerance raises a warning of the standard's type `15`, with the automatic reading as evidence.
///
/// The caller passes like with like: measured with measured, or corrected (折算) with corrected values.
///
/// ```swift
/// let check = SupervisoryCheck(configuration: supervisory)
/// let result = check.compare(samples, automatic: hourly, now: evaluationTime)
/// result.warnings      // the samples beyond tolerance
/// result.comparisons   // one per sample, in the order given
/// ```
public struct SupervisoryCheck: Sendable {
    /// The configuration.
    public let configuration: SupervisoryCheckConfiguration

    /// Creates a check.
    public init(configuration: SupervisoryCheckConfiguration) {
        self.configuration = configuration
    }

    /// Compares every sample with the automatic readings.
    ///
    /// - Parameter now: When the comparison is made (the warnings' trigger time; never before the data).
    /// - Returns: One comparison per sample in the order given, and a warning per sample beyond tolerance.
    public func compare(_ samples: [SupervisorySample], automatic: [Reading], now: Int64) -> (
        comparisons: [SupervisoryComparison], warnings: [Warning]
    ) {
        let series = CrossCheckSeries.index(automatic)
        var comparisons: [SupervisoryComparison] = []
        var warnings: [Warning] = []
        for sample in samples {
            let comparison = compare(sample, series: series)
            comparisons.append(comparison)
            if comparison.outcome == .beyondTolerance, let warning = warning(for: comparison, now: now) {
                warnings.append(warning)
            }
        }
        return (comparisons, warnings)
    }

    private func compare(_ sample: SupervisorySample, series: [CrossCheckSeriesKey: CrossCheckSeries])
        -> SupervisoryComparison
    {
        func result(
            _ outcome: SupervisoryComparison.Outcome, automatic: Reading? = nil, reference: Double? = nil,
            absolute: Double? = nil, relative: Double? = nil, tolerance: SupervisoryCheckConfiguration.Tolerance? = nil
        ) -> SupervisoryComparison {
            SupervisoryComparison(
                sample: sample, automatic: automatic, reference: reference, absoluteError: absolute,
                relativeError: relative, tolerance: tolerance, outcome: outcome)
        }
        guard let tolerance = configuration.tolerance(for: sample.pollutant) else { return result(.noTolerance) }
        guard let reference = sample.value ?? sample.detectionLimit else { return result(.noManualValue) }
        let readings =
            series[CrossCheckSeriesKey(point: sample.point, pollutant: sample.pollutant)]?.readings ?? []
        guard
            let reading = readings.last(where: {
                let (elapsed, overflow) = sample.sampledAt.subtractingReportingOverflow($0.time)
                return !overflow && elapsed >= 0 && elapsed < configuration.period
            })
        else { return result(.noAutomaticValue, reference: reference, tolerance: tolerance) }
        guard reading.flag.isValid, let value = reading.value else {
            return result(.automaticValueInvalid, automatic: reading, reference: reference, tolerance: tolerance)
        }
        // Not detected: only an automatic value above the detection limit is an error.
        let difference = sample.value == nil ? max(0, value - reference) : abs(value - reference)
        let relative = reference > 0 ? difference / reference : nil
        let within: Bool
        if let absolute = tolerance.absolute, difference <= absolute {
            within = true
        } else if let relative {
            within = relative <= tolerance.relative
        } else {
            within = difference == 0
        }
        return result(
            within ? .withinTolerance : .beyondTolerance, automatic: reading, reference: reference,
            absolute: difference, relative: relative, tolerance: tolerance)
    }

    private func warning(for comparison: SupervisoryComparison, now: Int64) -> Warning? {
        guard let automatic = comparison.automatic, let value = automatic.value, let reference = comparison.reference,
            let tolerance = comparison.tolerance
        else { return nil }
        let sample = comparison.sample
        var labels = [
            "check": "supervisory.deviation", "report_no": sample.reportNo, "sample_no": sample.sampleNo,
            "manual_value": CrossCheckNumber.text(reference),
        ]
        if sample.value == nil { labels["not_detected"] = "true" }
        if let entity = sample.entity { labels["entity"] = entity }
        if let division = sample.division { labels["division"] = division }
        let number = CrossCheckNumber.text
        let errorText =
            comparison.relativeError.map { "\(number($0 * 100))%" } ?? number(comparison.absoluteError ?? 0)
        let allowed =
            "\(number(tolerance.relative * 100))%" + (tolerance.absolute.map { "，或绝对误差≤\(number($0))" } ?? "")
        let allowedEN =
            "\(number(tolerance.relative * 100)) %" + (tolerance.absolute.map { " or absolute ≤ \(number($0))" } ?? "")
        let manual = sample.value == nil ? "未检出（检出限\(number(reference))）" : number(reference)
        let manualEN = sample.value == nil ? "not detected (limit \(number(reference)))" : number(reference)
        return Warning(
            ruleID: "crosscheck.supervisory.deviation", ruleVersion: configuration.version, type: "15",
            level: configuration.level, point: sample.point, pollutant: sample.pollutant,
            triggeredAt: max(now, sample.sampledAt, automatic.time), windowStart: automatic.time,
            windowEnd: automatic.time,
            observedValue: comparison.relativeError.map { $0 * 100 } ?? comparison.absoluteError,
            thresholdValue: comparison.relativeError == nil ? tolerance.absolute : tolerance.relative * 100,
            description: "监控点\(sample.point)的\(sample.pollutant)自动监测小时值\(number(value))与监督性监测结果\(manual)"
                + "（报告\(sample.reportNo)，样品\(sample.sampleNo)）偏差\(errorText)，超出允许范围（相对误差≤\(allowed)）",
            descriptionEN: "Point \(sample.point) \(sample.pollutant): automatic hourly value \(number(value)) against "
                + "supervisory result \(manualEN) (report \(sample.reportNo), sample \(sample.sampleNo)) deviates by "
                + "\(errorText), beyond tolerance (relative ≤ \(allowedEN))",
            labels: labels, evidence: [automatic])
    }
}
