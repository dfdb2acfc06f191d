/// The data flag of a monitoring value (HJ 212-2017 数据标记; `DOMAIN.md` §7.1).
///
/// Data correctly marked invalid (every flag but ``normal`` and ``manual``) is never used to judge an exceedance.
public enum DataFlag: UInt8, Sendable, Hashable, CaseIterable, Codable {
    /// `N`: the instrument works normally (在线监控仪器仪表工作正常).
    case normal
    /// `F`: the plant or facility is shut down (停运).
    case stopped
    /// `M`: maintenance (维护期间).
    case maintenance
    /// `S`: a manually entered set value (手工输入的设定值); counted, but suspect.
    case manual
    /// `D`: fault (故障).
    case fault
    /// `C`: calibration (校准).
    case calibration
    /// `T`: above the measuring range (超测量上限).
    case overRange
    /// `B`: communication failure with the data logger (与数采仪通讯异常).
    case communication
    /// `H`: too few valid values to form an average (有效数据不足), used by some platforms.
    case insufficient

    /// The flag of its one-letter code (`N`, `F`, `M`, `S`, `D`, `C`, `T`, `B`, `H`), or `nil`.
    public init?(code: some StringProtocol) {
        switch code {
        case "N": self = .normal
        case "F": self = .stopped
        case "M": self = .maintenance
        case "S": self = .manual
        case "D": self = .fault
        case "C": self = .calibration
        case "T": self = .overRange
        case "B": self = .communication
        case "H": self = .insufficient
        default: return nil
        }
    }

    /// The one-letter code.
    public var code: String {
        switch self {
        case .normal: "N"
        case .stopped: "F"
        case .maintenance: "M"
        case .manual: "S"
        case .fault: "D"
        case .calibration: "C"
        case .overRange: "T"
        case .communication: "B"
        case .insufficient: "H"
        }
    }

    /// Whether a value with this flag counts as valid data (`N`, and `S` as suspect but counted).
    public var isValid: Bool { self == .normal || self == .manual }
}

/// One monitoring reading: a point's value of one pollutant at one time.
public struct Reading: Sendable, Hashable, Codable {
    /// The monitoring point (its code, or the device MN).
    public var point: String
    /// The pollutant or parameter code (HJ 212-2017, e.g. `a21026` SO2, `a19001` O2).
    public var pollutant: String
    /// The time of the reading, seconds since 1970 UTC.
    public var time: Int64
    /// The value, `nil` when the device sent none.
    public var value: Double?
    /// The data flag.
    public var flag: DataFlag

    /// Creates a reading.
    public init(point: String, pollutant: String, time: Int64, value: Double?, flag: DataFlag = .normal) {
        self.point = point
        self.pollutant = pollutant
        self.time = time
        self.value = value
        self.flag = flag
    }
}

/// The level of a warning (the standard's `warning_level` code table): 1 red is the most severe.
public enum WarningLevel: Int, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// 一级（红色）.
    case red = 1
    /// 二级（橙色）.
    case orange = 2
    /// 三级（黄色）.
    case yellow = 3
    /// 四级（蓝色）.
    case blue = 4

    /// The standard's code (`"1"`…`"4"`).
    public var code: String { String(rawValue) }

    /// `a < b` when `a` is less severe than `b` (blue < yellow < orange < red).
    public static func < (lhs: WarningLevel, rhs: WarningLevel) -> Bool { lhs.rawValue > rhs.rawValue }
}

/// A warning raised by a rule: what, where, when, how severe, and the readings it rests on.
///
/// Mirrors the standard's `warning` entity (`warning_type`, `level`, `point_code`, `pollutant_code`, `triggered_at`,
/// `window_start`, `window_end`, `observed_value`, `threshold_value`, `description`).
public struct Warning: Sendable, Hashable, Codable {
    /// The rule that raised it (`sichuan.exceedance.hourly`, or a city's `cd.…`).
    public var ruleID: String
    /// The version of the rule set the rule came from.
    public var ruleVersion: String
    /// The standard's `warning_type` code (`"01"` exceedance … `"10"` data during shutdown).
    public var type: String
    /// The level.
    public var level: WarningLevel
    /// The monitoring point.
    public var point: String
    /// The pollutant, when the warning concerns one.
    public var pollutant: String?
    /// When the rule raised it (the time of the reading that completed the condition), seconds since 1970 UTC.
    public var triggeredAt: Int64
    /// The first and last reading time of the evidence window, seconds since 1970 UTC.
    public var windowStart: Int64
    /// The end of the evidence window.
    public var windowEnd: Int64
    /// The value that broke the rule (an hourly corrected mean, the constant value, …).
    public var observedValue: Double?
    /// The threshold it was compared with.
    public var thresholdValue: Double?
    /// Human-readable description in Chinese.
    public var description: String
    /// Human-readable description in English.
    public var descriptionEN: String
    /// Labels for grouping, inhibition and silences (`point`, `pollutant`, `type`, `entity`, `division`, …).
    public var labels: [String: String]
    /// The readings that triggered it (bounded by the rule's evidence limit).
    public var evidence: [Reading]

    /// Creates a warning.
    public init(
        ruleID: String, ruleVersion: String, type: String, level: WarningLevel, point: String, pollutant: String?,
        triggeredAt: Int64, windowStart: Int64, windowEnd: Int64, observedValue: Double? = nil,
        thresholdValue: Double? = nil, description: String, descriptionEN: String, labels: [String: String] = [:],
        evidence: [Reading] = []
    ) {
        self.ruleID = ruleID
        self.ruleVersion = ruleVersion
        self.type = type
        self.level = level
        self.point = point
        self.pollutant = pollutant
        self.triggeredAt = triggeredAt
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.observedValue = observedValue
        self.thresholdValue = thresholdValue
        self.description = description
        self.descriptionEN = descriptionEN
        self.labels = labels
        self.evidence = evidence
    }
}
