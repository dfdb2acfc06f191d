/// The built-in kinds of warning rule. A rule in YAML names its kind; the kind fixes what the rule looks at and
/// which parameters it takes (``parameters``).
public enum WarningRuleKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// 排放超标: the valid hourly (oxygen-corrected) value above the limit × `limit_factor` for `min_hours`
    /// consecutive hours. Invalid data (flags, maintenance windows, too few valid minutes) is never judged.
    case exceedance
    /// 数据缺失: an hour in which a factor has fewer than `min_records` minute records while its point reports.
    case missing
    /// 离线: no data at all from a point for `minutes`.
    case offline
    /// 恒值: the valid hourly mean ≥ `minimum_value` stays within a tolerance for `min_hours` consecutive hours (with
    /// `relative_tolerance` 0.05 and `min_hours` 360 it is the half-month small-variation rule).
    case constant
    /// 零值: valid minute values equal to 0 (within `tolerance`) for `min_minutes` consecutive minutes.
    case zero
    /// 负值: valid minute values below `below` for `min_minutes` consecutive minutes.
    case negative
    /// 超量程: minute values above the instrument range (or flagged `T`) for `min_minutes` consecutive minutes.
    case overRange = "over_range"
    /// 突变后平稳: a jump between consecutive valid minutes of at least `jump_ratio` (and `jump_minimum`), then
    /// `flat_minutes` values within a tolerance of the new level.
    case jumpThenFlat = "jump_then_flat"
    /// 贴限生产: valid hourly (corrected) values between `lower_ratio` and `upper_ratio` of the limit for
    /// `min_hours` consecutive hours.
    case nearLimit = "near_limit"
    /// 停运期间数据异常: in an hour where the point's production signal says it runs, a factor has at least
    /// `min_minutes` minutes flagged with one of `flags` (by default `F`), or (`oxygen_says_stopped`) the valid O2
    /// is near ambient.
    case shutdownData = "shutdown_data"

    /// The standard's `warning_type` code a rule of this kind raises unless its YAML says otherwise.
    public var defaultWarningType: String {
        switch self {
        case .exceedance: "01"
        case .missing: "02"
        case .offline: "03"
        case .constant: "04"
        case .zero: "05"
        case .negative: "06"
        case .overRange: "07"
        case .jumpThenFlat: "08"
        case .nearLimit: "09"
        case .shutdownData: "10"
        }
    }

    /// When the kind is evaluated.
    enum Stage {
        /// On every minute reading of a series.
        case minute
        /// When an hour of a series closes.
        case hour
        /// Per point: on the clock (offline) or when the point's hour closes.
        case point
    }

    var stage: Stage {
        switch self {
        case .zero, .negative, .overRange, .jumpThenFlat: .minute
        case .exceedance, .missing, .constant, .nearLimit: .hour
        case .offline, .shutdownData: .point
        }
    }

    /// Whether the kind needs a limit for a factor (factors without one are not judged).
    var needsLimit: Bool { self == .exceedance || self == .nearLimit }

    /// Whether the evidence is made of hourly values (else of minute readings).
    var hourlyEvidence: Bool { self == .exceedance || self == .nearLimit || self == .constant }

    /// The parameters of the kind, with their types, bounds and defaults.
    public var parameters: [RuleParameterSpec] {
        switch self {
        case .exceedance:
            [
                .number("limit_factor", 1, min: 0.01, max: 100, "the value is compared with limit × limit_factor"),
                .integer("min_hours", 1, min: 1, max: 8760, "consecutive exceeding hours that raise the warning"),
            ]
        case .missing:
            [.integer("min_records", 45, min: 1, max: 60, "an hour with fewer minute records is missing data")]
        case .offline:
            [.integer("minutes", 60, min: 1, max: 43_200, "minutes without any data that make a point offline")]
        case .constant:
            [
                .integer("min_hours", 4, min: 2, max: 8760, "consecutive hours the value stays constant"),
                .number("absolute_tolerance", 0, min: 0, max: 1e9, "allowed spread (max − min) of the hourly means"),
                .number(
                    "relative_tolerance", 0, min: 0, max: 1,
                    "allowed spread relative to the mean (0.05: the half-month small-variation rule)"),
                .number("minimum_value", 0, min: -1e9, max: 1e9, "only values at or above this count (≥ 0)"),
                .boolean("during_production", true, "hours in which the production signal says stopped do not count"),
            ]
        case .zero:
            [
                .integer("min_minutes", 60, min: 1, max: 10_080, "consecutive zero minutes that raise the warning"),
                .number("tolerance", 0, min: 0, max: 1e9, "|value| at or below this counts as zero"),
            ]
        case .negative:
            [
                .integer("min_minutes", 5, min: 1, max: 10_080, "consecutive negative minutes that raise the warning"),
                .number("below", 0, min: -1e9, max: 1e9, "values below this count as negative"),
            ]
        case .overRange:
            [
                .integer("min_minutes", 1, min: 1, max: 10_080, "consecutive over-range minutes"),
                .boolean("flagged_over_range", true, "a minute flagged T counts as over range"),
            ]
        case .jumpThenFlat:
            [
                .number("jump_ratio", 0.5, min: 0.01, max: 1000, "|new − old| ≥ jump_ratio × |old| is a jump"),
                .number("jump_minimum", 1, min: 0, max: 1e9, "and |new − old| must be at least this"),
                .integer("flat_minutes", 60, min: 2, max: 10_080, "minutes the new level holds after the jump"),
                .number("flat_relative_tolerance", 0.02, min: 0, max: 1, "flat: |value − level| ≤ this × |level|"),
                .number("flat_absolute_tolerance", 0, min: 0, max: 1e9, "or |value − level| ≤ this"),
            ]
        case .nearLimit:
            [
                .number("lower_ratio", 0.9, min: 0, max: 10, "hourly value ≥ lower_ratio × limit"),
                .number("upper_ratio", 1, min: 0, max: 10, "and ≤ upper_ratio × limit"),
                .integer("min_hours", 12, min: 1, max: 8760, "consecutive hours just under the limit"),
            ]
        case .shutdownData:
            [
                .flags("flags", [.stopped], "flags that claim the plant is stopped"),
                .integer("min_minutes", 45, min: 1, max: 60, "flagged minutes of a factor in the hour"),
                .boolean("oxygen_says_stopped", true, "also warn when the valid hourly O2 is near ambient"),
            ]
        }
    }

    /// The placeholders a message may use.
    public static let placeholders: Set<String> = [
        "point", "pollutant", "entity", "observed", "threshold", "start", "end", "count",
    ]
}

/// A parameter value of a rule.
public enum RuleParameterValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A number (integers too).
    case number(Double)
    /// A truth value.
    case boolean(Bool)
    /// A list of data flags.
    case flags([DataFlag])

    /// The value as a number (`nil` for other kinds).
    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The value as a truth value.
    public var boolean: Bool? {
        if case .boolean(let value) = self { return value }
        return nil
    }

    /// The value as flags.
    public var flags: [DataFlag]? {
        if case .flags(let value) = self { return value }
        return nil
    }

    /// The value as YAML shows it.
    public var description: String {
        switch self {
        case .number(let value):
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .boolean(let value): String(value)
        case .flags(let value): "[" + value.map(\.code).joined(separator: ", ") + "]"
        }
    }
}

/// The declaration of one parameter of a rule kind.
public struct RuleParameterSpec: Sendable, Hashable {
    /// The type of a parameter.
    public enum ValueType: String, Sendable, Hashable {
        /// A number.
        case number
        /// A whole number.
        case integer
        /// `true` or `false`.
        case boolean
        /// A list of data flag codes (`[F, D]`).
        case flags
    }

    /// The key in YAML (`min_hours`).
    public var name: String
    /// The type.
    public var type: ValueType
    /// The value when the YAML does not give one.
    public var defaultValue: RuleParameterValue
    /// The smallest allowed number.
    public var minimum: Double?
    /// The largest allowed number.
    public var maximum: Double?
    /// What it means.
    public var help: String

    static func number(_ name: String, _ value: Double, min: Double, max: Double, _ help: String) -> Self {
        Self(name: name, type: .number, defaultValue: .number(value), minimum: min, maximum: max, help: help)
    }

    static func integer(_ name: String, _ value: Int, min: Double, max: Double, _ help: String) -> Self {
        Self(name: name, type: .integer, defaultValue: .number(Double(value)), minimum: min, maximum: max, help: help)
    }

    static func boolean(_ name: String, _ value: Bool, _ help: String) -> Self {
        Self(name: name, type: .boolean, defaultValue: .boolean(value), minimum: nil, maximum: nil, help: help)
    }

    static func flags(_ name: String, _ value: [DataFlag], _ help: String) -> Self {
        Self(name: name, type: .flags, defaultValue: .flags(value), minimum: nil, maximum: nil, help: help)
    }
}
