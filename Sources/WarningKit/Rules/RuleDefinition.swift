import DataStandard

/// One warning rule as the YAML defines it, with every parameter resolved (defaults filled in).
public struct RuleDefinition: Sendable, Hashable, Codable {
    /// The id, prefixed by its namespace (`sichuan.exceedance.hourly`, `cd.near_limit.day`).
    public var id: String
    /// The namespace that defines it (`sichuan`, `cd`).
    public var namespace: String
    /// The version of the rule set it comes from; an overridden rule carries both (`2026.1+cd.2026.1`).
    public var version: String
    /// The kind.
    public var kind: WarningRuleKind
    /// The standard's `warning_type` code it raises.
    public var type: String
    /// The level of its warnings.
    public var level: WarningLevel
    /// The name.
    public var name: LocalizedText
    /// The message template; placeholders in braces (``WarningRuleKind/placeholders``).
    public var message: LocalizedText
    /// Whether the rule runs.
    public var enabled: Bool
    /// The factors it judges (`nil`: every factor).
    public var pollutants: [String]?
    /// Factors it never judges.
    public var excludedPollutants: [String]
    /// Every parameter of the kind, by name.
    public var parameters: [String: RuleParameterValue]
    /// Where the rule's thresholds come from (a standard, a platform practice).
    public var basis: String?
    /// How well the thresholds are established.
    public var status: EvidenceStatus?
    /// The divisions it applies to (empty: everywhere). City rules apply in their city.
    public var scope: [String]
    /// Divisions it does not apply to (a province rule a city overrides is replaced there).
    public var excludedScope: [String]
    /// The overrides applied to it, in order.
    public var overrides: [RuleOverride]
    /// Where it is defined.
    public var location: SourceLocation?

    /// Creates a rule; parameters not given take the kind's defaults.
    public init(
        id: String, namespace: String = "test", version: String = "1", kind: WarningRuleKind, type: String? = nil,
        level: WarningLevel = .yellow, name: LocalizedText? = nil, message: LocalizedText? = nil,
        enabled: Bool = true, pollutants: [String]? = nil, excludedPollutants: [String] = [],
        parameters: [String: RuleParameterValue] = [:], basis: String? = nil, status: EvidenceStatus? = nil,
        scope: [String] = [], excludedScope: [String] = [], overrides: [RuleOverride] = [],
        location: SourceLocation? = nil
    ) {
        self.id = id
        self.namespace = namespace
        self.version = version
        self.kind = kind
        self.type = type ?? kind.defaultWarningType
        self.level = level
        self.name = name ?? LocalizedText(zh: kind.rawValue, en: kind.rawValue)
        self.message =
            message
            ?? LocalizedText(zh: "{point} {pollutant}: \(kind.rawValue)", en: "{point} {pollutant}: \(kind.rawValue)")
        self.enabled = enabled
        self.pollutants = pollutants
        self.excludedPollutants = excludedPollutants
        var all: [String: RuleParameterValue] = [:]
        for spec in kind.parameters { all[spec.name] = parameters[spec.name] ?? spec.defaultValue }
        self.parameters = all
        self.basis = basis
        self.status = status
        self.scope = scope
        self.excludedScope = excludedScope
        self.overrides = overrides
        self.location = location
    }

    /// A number parameter (its default when absent).
    public func number(_ name: String) -> Double {
        parameters[name]?.number ?? kind.parameters.first { $0.name == name }?.defaultValue.number ?? 0
    }

    /// A truth-value parameter.
    public func boolean(_ name: String) -> Bool {
        parameters[name]?.boolean ?? kind.parameters.first { $0.name == name }?.defaultValue.boolean ?? false
    }

    /// A flags parameter.
    public func flags(_ name: String) -> [DataFlag] {
        parameters[name]?.flags ?? kind.parameters.first { $0.name == name }?.defaultValue.flags ?? []
    }

    /// Whether the rule judges `pollutant`.
    public func judges(pollutant: String) -> Bool {
        (pollutants?.contains(pollutant) ?? true) && !excludedPollutants.contains(pollutant)
    }

    /// Whether the rule applies to a point in `division` (`nil`: a point of unknown division, which only
    /// province-wide rules judge).
    public func applies(toDivision division: String?) -> Bool {
        guard let division else { return scope.isEmpty }
        if !scope.isEmpty && !scope.contains(where: { Divisions.contains($0, division) }) { return false }
        return !excludedScope.contains { Divisions.contains($0, division) }
    }
}

/// A city's explicit change to a province rule, by id, with its reason. Overrides are never silent: they are kept
/// on the rule (``RuleDefinition/overrides``) and listed by `enforce rules lint`.
public struct RuleOverride: Sendable, Hashable, Codable {
    /// The province rule it changes.
    public var rule: String
    /// The city namespace that changes it.
    public var namespace: String
    /// Why.
    public var reason: LocalizedText
    /// A new level.
    public var level: WarningLevel?
    /// Switches the rule on or off.
    public var enabled: Bool?
    /// New parameter values.
    public var parameters: [String: RuleParameterValue]
    /// A new list of judged factors.
    public var pollutants: [String]?
    /// A new list of excluded factors.
    public var excludedPollutants: [String]?
    /// A new message.
    public var message: LocalizedText?
    /// Where it is written.
    public var location: SourceLocation?

    /// Creates an override.
    public init(
        rule: String, namespace: String, reason: LocalizedText, level: WarningLevel? = nil, enabled: Bool? = nil,
        parameters: [String: RuleParameterValue] = [:], pollutants: [String]? = nil,
        excludedPollutants: [String]? = nil, message: LocalizedText? = nil, location: SourceLocation? = nil
    ) {
        self.rule = rule
        self.namespace = namespace
        self.reason = reason
        self.level = level
        self.enabled = enabled
        self.parameters = parameters
        self.pollutants = pollutants
        self.excludedPollutants = excludedPollutants
        self.message = message
        self.location = location
    }

    /// The changes it makes to `rule`, as `key: old → new` lines.
    public func changes(to rule: RuleDefinition) -> [String] {
        var lines: [String] = []
        if let level, level != rule.level { lines.append("level: \(rule.level.rawValue) → \(level.rawValue)") }
        if let enabled, enabled != rule.enabled { lines.append("enabled: \(rule.enabled) → \(enabled)") }
        for name in parameters.keys.sorted() where parameters[name] != rule.parameters[name] {
            let old = rule.parameters[name].map(\.description) ?? "-"
            lines.append("params.\(name): \(old) → \(parameters[name].map(\.description) ?? "-")")
        }
        if let pollutants, pollutants != rule.pollutants {
            lines.append("pollutants: → [\(pollutants.joined(separator: ", "))]")
        }
        if let excludedPollutants, excludedPollutants != rule.excludedPollutants {
            lines.append("exclude_pollutants: → [\(excludedPollutants.joined(separator: ", "))]")
        }
        if let message, message != rule.message { lines.append("message replaced") }
        return lines
    }

    /// `rule` with this override applied.
    func apply(to rule: RuleDefinition, version: String) -> RuleDefinition {
        var result = rule
        if let level { result.level = level }
        if let enabled { result.enabled = enabled }
        for (name, value) in parameters { result.parameters[name] = value }
        if let pollutants { result.pollutants = pollutants }
        if let excludedPollutants { result.excludedPollutants = excludedPollutants }
        if let message { result.message = message }
        result.version = "\(rule.version)+\(namespace).\(version)"
        result.overrides.append(self)
        return result
    }
}

/// The rules of one namespace: the province's (the base) or a city's, which extends the base.
public struct RuleNamespace: Sendable, Hashable, Codable {
    /// The namespace id (`sichuan`, `cd`).
    public var id: String
    /// Its version.
    public var version: String
    /// The namespace it extends (`nil` for the province).
    public var extends: String?
    /// The division a city namespace governs (from the standard's `namespaces`, or its own `division`).
    public var division: String?
    /// The title.
    public var title: LocalizedText?
    /// The rules it defines.
    public var rules: [RuleDefinition]
    /// The province rules it overrides.
    public var overrides: [RuleOverride]
    /// The files it was read from.
    public var files: [String]
}

/// The rules in effect: what a ``RuleEngine`` runs.
public struct RuleSet: Sendable, Hashable, Codable {
    /// The version: the province's, with each city's appended (`2026.1+cd.2026.1`).
    public var version: String
    /// The namespaces merged, province first.
    public var namespaces: [String]
    /// The rules, enabled or not, province first, in file order.
    public var rules: [RuleDefinition]

    /// Creates a rule set.
    public init(version: String, namespaces: [String] = [], rules: [RuleDefinition]) {
        self.version = version
        self.namespaces = namespaces
        self.rules = rules
    }

    /// The rule with `id`.
    public func rule(_ id: String) -> RuleDefinition? { rules.first { $0.id == id } }

    /// Every override applied, in order.
    public var overrides: [RuleOverride] { rules.flatMap(\.overrides) }
}

/// Every namespace found in a warning-rules folder: the province's and the cities'.
public struct RuleCatalog: Sendable, Hashable, Codable {
    /// The province namespace.
    public var base: RuleNamespace
    /// The city namespaces, by id order.
    public var cities: [RuleNamespace]

    /// The rules a deployment runs.
    ///
    /// - `city: nil` (a province deployment): the province rules, plus every city's rules and overridden variants
    ///   scoped to the city's division. A point of an unknown division gets the province rules.
    /// - `city: "cd"` (a city deployment): the province rules with the city's overrides applied everywhere, plus the
    ///   city's rules, unscoped.
    public func ruleSet(city: String? = nil) -> RuleSet? {
        if let city {
            guard let namespace = cities.first(where: { $0.id == city }) else { return nil }
            var rules = base.rules.map { rule in
                namespace.overrides.filter { $0.rule == rule.id }.reduce(rule) {
                    $1.apply(to: $0, version: namespace.version)
                }
            }
            rules += namespace.rules.map { rule in
                var rule = rule
                rule.scope = []
                return rule
            }
            return RuleSet(
                version: "\(base.version)+\(namespace.id).\(namespace.version)", namespaces: [base.id, namespace.id],
                rules: rules)
        }
        var rules: [RuleDefinition] = []
        for rule in base.rules {
            var province = rule
            var variants: [RuleDefinition] = []
            for namespace in cities {
                let overrides = namespace.overrides.filter { $0.rule == rule.id }
                guard !overrides.isEmpty, let division = namespace.division else { continue }
                province.excludedScope.append(division)
                var variant = overrides.reduce(rule) { $1.apply(to: $0, version: namespace.version) }
                variant.scope = [division]
                variants.append(variant)
            }
            rules.append(province)
            rules += variants
        }
        for namespace in cities { rules += namespace.rules }
        let version = ([base.version] + cities.map { "\($0.id).\($0.version)" }).joined(separator: "+")
        return RuleSet(version: version, namespaces: [base.id] + cities.map(\.id), rules: rules)
    }
}
