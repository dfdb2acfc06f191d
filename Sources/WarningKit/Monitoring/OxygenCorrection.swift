/// Oxygen correction (折算浓度) of a measured concentration to the reference O2 of its emission standard
/// (`DOMAIN.md` §7.5):
///
/// ```
/// C_ref = C_measured × (21 − O2_ref) / (21 − O2_measured)
/// ```
///
/// ```swift
/// let correction = OxygenCorrection()
/// correction.correct(300, measuredOxygen: 12, referenceOxygen: 10).value   // 366.67 (cement kiln, NOx)
/// ```
///
/// Guards: a measured O2 at or above the ambient content (21 %) or below 0 is rejected; O2 at or above
/// ``probableShutdownOxygen`` (near ambient: the flue carries air, the plant probably stopped) is flagged. Both
/// thresholds come from `Specs/monitoring/reference-oxygen.yaml`; the shutdown threshold is unverified [I].
public struct OxygenCorrection: Sendable, Hashable, Codable {
    /// The O2 content of air, in vol %, dry basis (21).
    public var ambientOxygen: Double
    /// Measured O2 at or above this is flagged as a probable shutdown (默认 19 %, unverified).
    public var probableShutdownOxygen: Double

    /// Creates a correction with its guards.
    public init(ambientOxygen: Double = 21, probableShutdownOxygen: Double = 19) {
        self.ambientOxygen = ambientOxygen
        self.probableShutdownOxygen = probableShutdownOxygen
    }

    /// Corrects `concentration` measured at `measuredOxygen` to `referenceOxygen`.
    public func correct(_ concentration: Double, measuredOxygen: Double, referenceOxygen: Double) -> CorrectionResult {
        guard referenceOxygen >= 0, referenceOxygen < ambientOxygen else {
            return CorrectionResult(value: nil, status: .referenceInvalid)
        }
        guard measuredOxygen >= 0 else { return CorrectionResult(value: nil, status: .oxygenNegative) }
        guard measuredOxygen < ambientOxygen else {
            return CorrectionResult(value: nil, status: .oxygenAtOrAboveAmbient)
        }
        let value = concentration * (ambientOxygen - referenceOxygen) / (ambientOxygen - measuredOxygen)
        return CorrectionResult(
            value: value, status: measuredOxygen >= probableShutdownOxygen ? .probableShutdown : .corrected)
    }
}

/// The outcome of an oxygen correction.
public struct CorrectionResult: Sendable, Hashable, Codable {
    /// What the correction found.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Corrected normally.
        case corrected
        /// O2 is near ambient: the plant has probably stopped; the value is computed but must not be judged.
        case probableShutdown
        /// O2 at or above 21 %: no correction is possible.
        case oxygenAtOrAboveAmbient
        /// O2 below 0: an instrument error.
        case oxygenNegative
        /// The reference O2 is outside 0 ..< 21.
        case referenceInvalid
    }

    /// The corrected concentration (present for ``Status/corrected`` and ``Status/probableShutdown``).
    public var value: Double?
    /// What the correction found.
    public var status: Status

    /// Creates a result.
    public init(value: Double?, status: Status) {
        self.value = value
        self.status = status
    }

    /// Whether the value may be compared with a limit (only a normal correction may).
    public var isJudgeable: Bool { status == .corrected }
}
