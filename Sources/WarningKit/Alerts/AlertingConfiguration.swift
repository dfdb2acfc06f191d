import Foundation

/// How warnings are turned into notifications: the routing tree with its grouping and timing, the inhibition
/// rules, what a maintenance window suppresses, and when a silent alert counts as resolved.
///
/// Read from YAML in Alertmanager's shape (`Specs/alerting/sichuan.yaml`); every duration and label set is
/// configuration, none is a constant of the code.
///
/// ```yaml
/// standard: sichuan-alerting
/// version: "1.0"
/// route:
///   receiver: duty-desk
///   group_by: [entity, point]
///   group_wait: 30s
///   group_interval: 5m
///   repeat_interval: 4h
///   routes:
///     - matchers: ['level="1"']
///       receiver: duty-desk-urgent
///       group_wait: 0s
/// inhibit_rules:
///   - equal: [point, pollutant]
///     source_more_severe: true
/// maintenance:
///   target_matchers: []
/// resolve_timeout: 0s
/// ```
///
/// ```swift
/// let configuration = try AlertingConfiguration.load(file: specs.appendingPathComponent("alerting/sichuan.yaml"))
/// var handler = AlertHandler(configuration: configuration)
/// ```
public struct AlertingConfiguration: Sendable, Hashable {
    /// The version of the configuration (`version:`), recorded in notifications' history.
    public var version: String
    /// The root of the routing tree: every warning enters here.
    public var route: AlertRoute
    /// The inhibition rules: an open source alert mutes matching target alerts.
    public var inhibitRules: [InhibitRule]
    /// Which alerts a maintenance window suppresses, besides its own matchers (empty: all of the window's alerts).
    public var maintenanceTargets: [LabelMatcher]
    /// How long after its last warning a firing alert counts as resolved, in seconds; `0` means never (alerts
    /// resolve only through ``AlertHandler/resolve(fingerprint:now:)``).
    public var resolveTimeout: Int64

    /// Creates a configuration.
    public init(
        version: String = "1.0", route: AlertRoute, inhibitRules: [InhibitRule] = [],
        maintenanceTargets: [LabelMatcher] = [], resolveTimeout: Int64 = 0
    ) {
        self.version = version
        self.route = route
        self.inhibitRules = inhibitRules
        self.maintenanceTargets = maintenanceTargets
        self.resolveTimeout = resolveTimeout
    }

    /// Reads a configuration file.
    ///
    /// - Throws: ``ConfigFileError`` naming the file, line, column and key of the first problem.
    public static func load(file: URL) throws(ConfigFileError) -> AlertingConfiguration {
        try AlertingConfiguration(root: try SettingNode.read(file))
    }

    /// Parses a configuration from YAML text; `file` names it in errors.
    ///
    /// - Throws: ``ConfigFileError`` naming the line, column and key of the first problem.
    public init(yaml: String, file: String = "<alerting>") throws(ConfigFileError) {
        try self.init(root: try SettingNode.parse(yaml: yaml, file: file))
    }

    private init(root: SettingNode) throws(ConfigFileError) {
        let map = try root.mapping(allowed: [
            "standard", "version", "route", "inhibit_rules", "maintenance", "resolve_timeout",
        ])
        _ = try map.required("standard").string()
        version = try map.required("version").string()
        let defaults = AlertRoute(receiver: "default")
        route = try AlertRoute(node: try map.required("route"), parent: defaults, isRoot: true)
        var rules: [InhibitRule] = []
        for node in try map["inhibit_rules"]?.sequence() ?? [] {
            rules.append(try InhibitRule(node: node))
        }
        inhibitRules = rules
        if let maintenance = map["maintenance"] {
            let settings = try maintenance.mapping(allowed: ["target_matchers"])
            maintenanceTargets = try Self.matchers(settings["target_matchers"])
        } else {
            maintenanceTargets = []
        }
        resolveTimeout = try map.duration("resolve_timeout") ?? 0
    }

    /// Matchers from a list of strings (`['point="P1"']`).
    static func matchers(_ node: SettingNode?) throws(ConfigFileError) -> [LabelMatcher] {
        guard let node else { return [] }
        var result: [LabelMatcher] = []
        for item in try node.sequence() {
            do {
                result.append(try LabelMatcher(parsing: try item.string()))
            } catch let error as AlertingError {
                throw item.error(.invalidValue, error.message, error.messageZH)
            } catch {
                throw item.error(.invalidValue, "\(error)", "\(error)")
            }
        }
        return result
    }
}

/// One node of the routing tree: which alerts it takes (``matchers``), where their notifications go
/// (``receiver``), how they are grouped (``groupBy``) and timed.
///
/// An alert descends from the root: at each node the children are tried in order, and the first that matches takes
/// it (and its own children are tried in turn); a child with ``continueMatching`` lets the following children try
/// too. When no child matches, the node itself takes the alert. A child inherits every setting it does not give.
public struct AlertRoute: Sendable, Hashable {
    /// How alerts of a route are grouped.
    public enum Grouping: Sendable, Hashable {
        /// One group per distinct combination of these labels' values (an empty list: one group for the route).
        case labels([String])
        /// One group per alert (Alertmanager's `group_by: ['...']`).
        case all
    }

    /// Where the notifications of this route go (a duty desk, a county team, a dispatch queue).
    public var receiver: String
    /// The conditions an alert must meet to enter this route (the root takes every alert).
    public var matchers: [LabelMatcher]
    /// How alerts are grouped into notifications.
    public var groupBy: Grouping
    /// How long a new group waits for more alerts before its first notification, in seconds.
    public var groupWait: Int64
    /// How long a group waits between notifications about changes (new or resolved alerts), in seconds.
    public var groupInterval: Int64
    /// How long after a notification an unchanged, still-firing group is notified again, in seconds.
    public var repeatInterval: Int64
    /// Whether the next sibling routes are still tried after this one matched.
    public var continueMatching: Bool
    /// The child routes, tried in order.
    public var routes: [AlertRoute]

    /// Creates a route; the timings default to Alertmanager's (30 s, 5 min, 4 h).
    public init(
        receiver: String, matchers: [LabelMatcher] = [], groupBy: Grouping = .labels([]), groupWait: Int64 = 30,
        groupInterval: Int64 = 300, repeatInterval: Int64 = 14_400, continueMatching: Bool = false,
        routes: [AlertRoute] = []
    ) {
        self.receiver = receiver
        self.matchers = matchers
        self.groupBy = groupBy
        self.groupWait = groupWait
        self.groupInterval = groupInterval
        self.repeatInterval = repeatInterval
        self.continueMatching = continueMatching
        self.routes = routes
    }

    init(node: SettingNode, parent: AlertRoute, isRoot: Bool) throws(ConfigFileError) {
        let map = try node.mapping(allowed: [
            "receiver", "matchers", "group_by", "group_wait", "group_interval", "repeat_interval", "continue",
            "routes",
        ])
        receiver = try map.string("receiver") ?? parent.receiver
        if isRoot, map["receiver"] == nil {
            throw node.error(.missingKey, "the root route needs a receiver", "根路由必须指定接收方（receiver）")
        }
        if isRoot, map["matchers"] != nil {
            throw node.error(.invalidValue, "the root route takes every alert: no matchers", "根路由接收全部告警，不能设置匹配条件")
        }
        matchers = try AlertingConfiguration.matchers(map["matchers"])
        if let labels = try map.strings("group_by") {
            groupBy = labels == ["..."] ? .all : .labels(labels)
        } else {
            groupBy = parent.groupBy
        }
        groupWait = try map.duration("group_wait") ?? parent.groupWait
        groupInterval = try map.duration("group_interval") ?? parent.groupInterval
        repeatInterval = try map.duration("repeat_interval") ?? parent.repeatInterval
        if groupInterval <= 0, let interval = map["group_interval"] {
            throw interval.error(.invalidValue, "group_interval must be longer than 0s", "group_interval 必须大于 0")
        }
        if repeatInterval <= 0, let interval = map["repeat_interval"] {
            throw interval.error(.invalidValue, "repeat_interval must be longer than 0s", "repeat_interval 必须大于 0")
        }
        continueMatching = try map.bool("continue") ?? false
        var children: [AlertRoute] = []
        let inherited = AlertRoute(
            receiver: receiver, groupBy: groupBy, groupWait: groupWait, groupInterval: groupInterval,
            repeatInterval: repeatInterval)
        for child in try map["routes"]?.sequence() ?? [] {
            children.append(try AlertRoute(node: child, parent: inherited, isRoot: false))
        }
        routes = children
    }
}

/// An inhibition rule: while an alert matching ``sourceMatchers`` is open (firing), alerts matching
/// ``targetMatchers`` with the same values of the ``equal`` labels are muted.
///
/// With ``sourceMoreSevere`` the source must also be of a more severe level than the target: an open red warning
/// on a point and pollutant then mutes the yellow and blue ones of the same point and pollutant. An alert never
/// inhibits itself.
public struct InhibitRule: Sendable, Hashable {
    /// A name for the history (optional).
    public var name: String
    /// What the inhibiting (source) alert must match.
    public var sourceMatchers: [LabelMatcher]
    /// What the muted (target) alert must match.
    public var targetMatchers: [LabelMatcher]
    /// Labels whose values must be equal in source and target (both missing counts as equal).
    public var equal: [String]
    /// Whether the source must be of a more severe ``WarningLevel`` than the target.
    public var sourceMoreSevere: Bool

    /// Creates a rule.
    public init(
        name: String = "", sourceMatchers: [LabelMatcher] = [], targetMatchers: [LabelMatcher] = [],
        equal: [String] = [], sourceMoreSevere: Bool = false
    ) {
        self.name = name
        self.sourceMatchers = sourceMatchers
        self.targetMatchers = targetMatchers
        self.equal = equal
        self.sourceMoreSevere = sourceMoreSevere
    }

    init(node: SettingNode) throws(ConfigFileError) {
        let map = try node.mapping(allowed: [
            "name", "source_matchers", "target_matchers", "equal", "source_more_severe",
        ])
        name = try map.string("name") ?? node.path
        sourceMatchers = try AlertingConfiguration.matchers(map["source_matchers"])
        targetMatchers = try AlertingConfiguration.matchers(map["target_matchers"])
        equal = try map.strings("equal") ?? []
        sourceMoreSevere = try map.bool("source_more_severe") ?? false
        if sourceMatchers.isEmpty && targetMatchers.isEmpty && !sourceMoreSevere {
            throw node.error(
                .invalidValue,
                "a rule without matchers and without source_more_severe would mute every alert but one",
                "没有匹配条件也没有 source_more_severe 的抑制规则会抑制几乎全部告警")
        }
    }
}
