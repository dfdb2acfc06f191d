import Foundation

/// How clues are normalised and merged, read from YAML (`Specs/crosscheck/clues.yaml`).
///
/// ```yaml
/// standard: sichuan-clues
/// version: "1.0"
/// merge:
///   window: 72h
///   min_name_length: 4
///   min_address_length: 8
///   generic_names: [不详, 未知]
///   merge_when_problem_unknown: false
/// intake:
///   severity_by_level: {"1": "4", "2": "3", "3": "2", "4": "1"}
///   default_severity: {"01": "2", "02": "1", "03": "2", "05": "2", "06": "2"}
///   violation_by_monitoring_alarm: {"01": {A: "0301", W: "0401"}, "04": "0504"}
///   violation_by_power_alarm: {"01": "0702"}
///   violation_by_warning_type: {"12": "0702"}
/// ```
///
/// ```swift
/// let configuration = try ClueConfiguration.load(file: specs.appendingPathComponent("crosscheck/clues.yaml"))
/// let result = ClueMerger(policy: configuration.merge).merge(clues, now: now)
/// ```
public struct ClueConfiguration: Sendable, Hashable {
    /// The version of the configuration.
    public var version: String
    /// How source records become clues.
    public var intake: ClueIntakePolicy
    /// When clues are merged.
    public var merge: ClueMergePolicy

    /// Creates a configuration.
    public init(version: String, intake: ClueIntakePolicy, merge: ClueMergePolicy) {
        self.version = version
        self.intake = intake
        self.merge = merge
    }

    /// Reads a configuration file.
    ///
    /// - Throws: ``ConfigFileError`` naming the file, line, column and key of the first problem.
    public static func load(file: URL) throws(ConfigFileError) -> ClueConfiguration {
        try ClueConfiguration(root: try SettingNode.read(file))
    }

    /// Parses a configuration from YAML text; `file` names it in errors.
    ///
    /// - Throws: ``ConfigFileError`` naming the line, column and key of the first problem.
    public init(yaml: String, file: String = "<clues>") throws(ConfigFileError) {
        try self.init(root: try SettingNode.parse(yaml: yaml, file: file))
    }

    private init(root: SettingNode) throws(ConfigFileError) {
        let map = try root.mapping(allowed: ["standard", "version", "merge", "intake"])
        _ = try map.required("standard").string()
        version = try map.required("version").string()
        merge = try ClueMergePolicy(node: try map.required("merge"))
        intake = try ClueIntakePolicy(node: try map.required("intake"))
    }
}

/// When two clues are the same clue: the time window and the limits of name and address matching.
/// See ``ClueMerger`` for the matching itself.
public struct ClueMergePolicy: Sendable, Hashable {
    /// Two clues' time spans (occurred … received) must come within this of each other, in seconds.
    public var window: Int64
    /// Normalised object names shorter than this never match (too generic).
    public var minimumNameLength: Int
    /// Normalised addresses shorter than this never match (a town, not a site).
    public var minimumAddressLength: Int
    /// Object names that never match (`不详`, `未知`, …), normalised.
    public var genericNames: Set<String>
    /// Whether two clues of the same entity are merged when neither violation type nor medium can be compared.
    public var mergeWhenProblemUnknown: Bool

    /// Creates a policy.
    public init(
        window: Int64, minimumNameLength: Int, minimumAddressLength: Int, genericNames: Set<String> = [],
        mergeWhenProblemUnknown: Bool = false
    ) {
        self.window = window
        self.minimumNameLength = minimumNameLength
        self.minimumAddressLength = minimumAddressLength
        self.genericNames = Set(genericNames.map(ClueMerger.normalize))
        self.mergeWhenProblemUnknown = mergeWhenProblemUnknown
    }

    init(node: SettingNode) throws(ConfigFileError) {
        let map = try node.mapping(allowed: [
            "window", "min_name_length", "min_address_length", "generic_names", "merge_when_problem_unknown",
        ])
        self.init(
            window: try map.required("window").duration(),
            minimumNameLength: try map.required("min_name_length").int(),
            minimumAddressLength: try map.required("min_address_length").int(),
            genericNames: Set(try map.strings("generic_names") ?? []),
            mergeWhenProblemUnknown: try map.bool("merge_when_problem_unknown") ?? false)
    }
}

/// How the records of each source become clues: the severity of a level or a source, and the suspected violation
/// of an alarm or warning type. A classification, kept as configuration so that a city can refine it.
public struct ClueIntakePolicy: Sendable, Hashable {
    /// A violation type, for every medium or per medium.
    public struct Violation: Sendable, Hashable {
        /// The code whatever the medium, if any.
        public var code: String?
        /// The code per medium (`A`, `W`, …), overriding ``code``.
        public var byMedium: [String: String]

        /// Creates a mapping.
        public init(code: String? = nil, byMedium: [String: String] = [:]) {
            self.code = code
            self.byMedium = byMedium
        }

        /// The code for a medium.
        public func code(for medium: String?) -> String? { medium.flatMap { byMedium[$0] } ?? code }
    }

    /// The clue severity (`severity` code) of a warning or alarm level (`warning_level` code).
    public var severityByLevel: [String: String]
    /// The severity of a clue whose source gives no level, by `clue_source` code.
    public var defaultSeverity: [String: String]
    /// The violation of an automatic-monitoring alarm or e-supervision issue, by `monitoring_alarm_type`.
    public var violationByMonitoringAlarm: [String: Violation]
    /// The violation of an electricity alarm, by `power_alarm_type`.
    public var violationByPowerAlarm: [String: Violation]
    /// The violation of a warning, by `warning_type`.
    public var violationByWarningType: [String: Violation]

    /// Creates a policy.
    public init(
        severityByLevel: [String: String], defaultSeverity: [String: String],
        violationByMonitoringAlarm: [String: Violation], violationByPowerAlarm: [String: Violation],
        violationByWarningType: [String: Violation]
    ) {
        self.severityByLevel = severityByLevel
        self.defaultSeverity = defaultSeverity
        self.violationByMonitoringAlarm = violationByMonitoringAlarm
        self.violationByPowerAlarm = violationByPowerAlarm
        self.violationByWarningType = violationByWarningType
    }

    /// The severity of a source without a level (`1` when the policy does not say).
    func severity(source: String) -> String { defaultSeverity[source] ?? "1" }

    init(node: SettingNode) throws(ConfigFileError) {
        let map = try node.mapping(allowed: [
            "severity_by_level", "default_severity", "violation_by_monitoring_alarm", "violation_by_power_alarm",
            "violation_by_warning_type",
        ])
        func codes(_ key: String) throws(ConfigFileError) -> [String: String] {
            var result: [String: String] = [:]
            for (code, item) in try map.required(key).mapping(allowed: nil).entries { result[code] = try item.string() }
            return result
        }
        func violations(_ key: String) throws(ConfigFileError) -> [String: Violation] {
            var result: [String: Violation] = [:]
            for (code, item) in try map.required(key).mapping(allowed: nil).entries {
                if item.isScalar {
                    result[code] = Violation(code: try item.string())
                } else {
                    var byMedium: [String: String] = [:]
                    var any: String?
                    for (medium, value) in try item.mapping(allowed: nil).entries {
                        if medium == "any" { any = try value.string() } else { byMedium[medium] = try value.string() }
                    }
                    result[code] = Violation(code: any, byMedium: byMedium)
                }
            }
            return result
        }
        self.init(
            severityByLevel: try codes("severity_by_level"), defaultSeverity: try codes("default_severity"),
            violationByMonitoringAlarm: try violations("violation_by_monitoring_alarm"),
            violationByPowerAlarm: try violations("violation_by_power_alarm"),
            violationByWarningType: try violations("violation_by_warning_type"))
    }
}
