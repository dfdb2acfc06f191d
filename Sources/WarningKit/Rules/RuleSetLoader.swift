import DataStandard
import Foundation
import Yams

/// The outcome of reading a warning-rules folder: the catalog when it could be built, and every diagnostic.
public struct RuleCatalogResult: Sendable {
    /// The namespaces, or `nil` when there were errors.
    public var catalog: RuleCatalog?
    /// Errors and warnings, in file order.
    public var diagnostics: [RuleDiagnostic]

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Loads warning rules from YAML (`Specs/warning-rules/<namespace>/*.yaml`).
///
/// ```swift
/// let rules = try RuleSetLoader().load()                     // the province's rules with every city's, scoped
/// let chengdu = try RuleSetLoader().load(city: "cd")         // a Chengdu deployment
/// ```
///
/// A file declares `kind: warning_rules`, its `namespace` and `version`; a city file also `extends` the province
/// namespace and may `override` province rules by id, each with a `reason`. Every problem is reported with its
/// file, line and column: YAML syntax, unknown keys, unknown kinds, parameters and placeholders, codes that are not
/// in the standard's `warning_type` table, duplicate ids, overrides of rules that do not exist.
public struct RuleSetLoader: Sendable {
    /// The id of the province namespace.
    public static let provinceNamespace = "sichuan"

    /// Creates a loader.
    public init() {}

    /// `Specs/warning-rules` of ``StandardLoader/specsDirectory()``.
    public static func defaultDirectory() -> URL? {
        StandardLoader.specsDirectory()?.appendingPathComponent("warning-rules")
    }

    /// Loads the rules a deployment runs (see ``RuleCatalog/ruleSet(city:)``).
    ///
    /// - Throws: ``RuleLoadError`` with every located diagnostic when a file is wrong or `city` is unknown.
    public func load(directory: URL? = nil, city: String? = nil) throws(RuleLoadError) -> RuleSet {
        guard let folder = directory ?? Self.defaultDirectory() else {
            throw RuleLoadError(diagnostics: [
                RuleDiagnostic(.error, "io.unreadable", "the Specs folder was not found; set ENFORCE_SPECS", at: nil)
            ])
        }
        let result = read(directory: folder)
        guard let catalog = result.catalog, !result.hasErrors else {
            throw RuleLoadError(diagnostics: result.diagnostics)
        }
        guard let rules = catalog.ruleSet(city: city) else {
            let known = catalog.cities.map(\.id).joined(separator: ", ")
            throw RuleLoadError(diagnostics: [
                RuleDiagnostic(
                    .error, "rules.unknown-namespace",
                    "no city namespace `\(city ?? "")` in \(folder.path) (found: \(known.isEmpty ? "none" : known))",
                    at: SourceLocation(file: folder.path))
            ])
        }
        return rules
    }

    /// Reads every `*.yaml` under `directory`, collecting every diagnostic.
    public func read(directory: URL) -> RuleCatalogResult {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            return RuleCatalogResult(
                catalog: nil,
                diagnostics: [
                    RuleDiagnostic(
                        .error, "io.unreadable", "no warning-rules folder", at: SourceLocation(file: directory.path))
                ])
        }
        var files: [URL] = []
        if let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) {
            for case let url as URL in enumerator where ["yaml", "yml"].contains(url.pathExtension) {
                files.append(url)
            }
        }
        files.sort { $0.path < $1.path }
        let sink = DiagnosticSink()
        let sources = files.compactMap { YAMLSource.read($0, displayPath: $0.path, sink: sink) }
        if files.isEmpty {
            sink.error("rules.empty", "no rule files (*.yaml)", at: SourceLocation(file: directory.path))
        }
        let specs = directory.deletingLastPathComponent()
        return read(sources: sources, specs: specs, sink: sink)
    }

    /// Reads rule files given as text (for tests and tools): `(file name, YAML text)` pairs.
    public func read(texts: [(file: String, text: String)], specs: URL? = nil) -> RuleCatalogResult {
        let sink = DiagnosticSink()
        let sources = texts.compactMap { YAMLSource.parse($0.text, file: $0.file, sink: sink) }
        return read(sources: sources, specs: specs, sink: sink)
    }

    private func read(sources: [YAMLSource], specs: URL?, sink: DiagnosticSink) -> RuleCatalogResult {
        var files: [RuleFile] = []
        for source in sources {
            if let file = RuleFileReader(source: source, sink: sink).read() { files.append(file) }
        }
        let standard = StandardTables.find(specs: specs, files: files, sink: sink)
        let catalog = assemble(files, standard: standard, sink: sink)
        return RuleCatalogResult(catalog: sink.hasErrors ? nil : catalog, diagnostics: sink.items)
    }

    private func assemble(_ files: [RuleFile], standard: StandardTables?, sink: DiagnosticSink) -> RuleCatalog? {
        var namespaces: [String: RuleNamespace] = [:]
        var order: [String] = []
        for file in files {
            if var namespace = namespaces[file.namespace] {
                if namespace.version != file.version {
                    sink.error(
                        "rules.version",
                        "namespace `\(file.namespace)` is version \(namespace.version) in \(namespace.files[0]) but "
                            + "\(file.version) here", at: file.location(of: "version"))
                }
                if namespace.extends != file.extends {
                    sink.error(
                        "rules.extends", "the files of namespace `\(file.namespace)` disagree on `extends`",
                        at: file.location(of: "extends"))
                }
                namespace.rules += file.rules
                namespace.overrides += file.overrides
                namespace.files.append(file.file)
                namespace.title = namespace.title ?? file.title
                namespace.division = namespace.division ?? file.division
                namespaces[file.namespace] = namespace
            } else {
                order.append(file.namespace)
                namespaces[file.namespace] = RuleNamespace(
                    id: file.namespace, version: file.version, extends: file.extends, division: file.division,
                    title: file.title, rules: file.rules, overrides: file.overrides, files: [file.file])
            }
        }
        let bases = order.filter { namespaces[$0]?.extends == nil }
        guard bases.count == 1, let baseID = bases.first, var base = namespaces[baseID] else {
            let place = files.first.map { SourceLocation(file: $0.file) }
            if bases.isEmpty {
                if !files.isEmpty {
                    sink.error("rules.no-base", "no province rule set (a namespace without `extends`)", at: place)
                }
            } else {
                sink.error(
                    "rules.two-bases",
                    "more than one namespace without `extends`: \(bases.joined(separator: ", "))", at: place)
            }
            return nil
        }
        var ids: [String: SourceLocation?] = [:]
        func checkIDs(_ namespace: RuleNamespace) {
            for rule in namespace.rules {
                if !rule.id.hasPrefix("\(namespace.id).") {
                    sink.error(
                        "rules.id-namespace", "rule id `\(rule.id)` must start with `\(namespace.id).`",
                        at: rule.location)
                }
                if let first = ids[rule.id] {
                    sink.error(
                        "rules.duplicate-id",
                        "duplicate rule id `\(rule.id)` (first at \(first.map(\.description) ?? "?")); a city changes "
                            + "a province rule with `overrides`, never by redefining it", at: rule.location)
                } else {
                    ids[rule.id] = rule.location
                }
            }
        }
        checkIDs(base)
        base.rules = base.rules.map { standard?.check($0, sink: sink) ?? $0 }
        var cities: [RuleNamespace] = []
        for id in order where id != baseID {
            guard var city = namespaces[id] else { continue }
            let place = city.files.first.map { SourceLocation(file: $0) }
            if city.extends != baseID {
                sink.error(
                    "rules.extends",
                    "namespace `\(id)` extends `\(city.extends ?? "")`, not the province's `\(baseID)`",
                    at: place)
            }
            if let standard {
                if let declared = standard.namespaces[id] {
                    if let division = city.division, division != declared {
                        sink.error(
                            "rules.division",
                            "namespace `\(id)` governs division \(declared) in the standard, not \(division)", at: place
                        )
                    }
                    city.division = declared
                } else {
                    sink.error(
                        "rules.unknown-namespace",
                        "namespace `\(id)` is not declared in the standard's `namespaces` (standard.yaml)", at: place)
                }
            }
            if city.division == nil {
                sink.error("rules.division", "city namespace `\(id)` needs a `division`", at: place)
            }
            checkIDs(city)
            city.rules = city.rules.map { rule in
                var rule = standard?.check(rule, sink: sink) ?? rule
                rule.scope = city.division.map { [$0] } ?? []
                return rule
            }
            var overridden: Set<String> = []
            for override in city.overrides {
                guard let target = base.rules.first(where: { $0.id == override.rule }) else {
                    sink.error(
                        "rules.override-unknown-rule",
                        "override of `\(override.rule)`, which is not a rule of `\(baseID)`", at: override.location)
                    continue
                }
                if !overridden.insert(override.rule).inserted {
                    sink.error(
                        "rules.override-duplicate", "`\(override.rule)` is overridden twice by `\(id)`",
                        at: override.location)
                }
                let specs = Dictionary(uniqueKeysWithValues: target.kind.parameters.map { ($0.name, $0) })
                for (name, value) in override.parameters {
                    guard let spec = specs[name] else {
                        sink.error(
                            "rules.unknown-parameter",
                            "`\(name)` is not a parameter of kind `\(target.kind.rawValue)` (rule `\(target.id)`); "
                                + "known: \(target.kind.parameters.map(\.name).joined(separator: ", "))",
                            at: override.location)
                        continue
                    }
                    if let problem = RuleFileReader.problem(value, spec) {
                        sink.error("rules.parameter", "`params.\(name)` \(problem)", at: override.location)
                    }
                }
                if override.changes(to: target).isEmpty {
                    sink.warning(
                        "rules.override-empty", "the override of `\(override.rule)` changes nothing",
                        at: override.location)
                }
                if let message = override.message {
                    RuleFileReader.checkPlaceholders(message, at: override.location, sink: sink)
                }
                let merged = override.apply(to: target, version: city.version)
                RuleFileReader.checkConsistency(merged, sink: sink)
            }
            cities.append(city)
        }
        cities.sort { $0.id < $1.id }
        return RuleCatalog(base: base, cities: cities)
    }
}

/// One rule file as read.
struct RuleFile {
    var file: String
    var namespace: String
    var version: String
    var extends: String?
    var division: String?
    var standard: String?
    var standardVersion: String?
    var title: LocalizedText?
    var rules: [RuleDefinition]
    var overrides: [RuleOverride]
    var keyLocations: [String: SourceLocation]

    func location(of key: String) -> SourceLocation {
        keyLocations[key] ?? SourceLocation(file: file)
    }
}

/// Reads one rule file, reporting located diagnostics.
struct RuleFileReader {
    let source: YAMLSource
    let sink: DiagnosticSink

    func read() -> RuleFile? {
        guard let root = source.rootMapping(sink: sink, prefix: "rules") else { return nil }
        guard root.choice("kind", ["warning_rules"], required: true) != nil else { return nil }
        let namespace = root.string("namespace", required: true)
        let version = root.string("version", required: true)
        let extends = root.string("extends")
        let division = root.string("division")
        let standard = root.string("standard")
        let standardVersion = root.string("standard_version")
        let title = root.localized("title")
        if let namespace, namespace.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) == nil {
            root.error("value", "`namespace` must be lower-case ASCII letters, digits and _", at: "namespace")
        }
        if extends == nil && division != nil {
            root.error("value", "only a city namespace (with `extends`) has a `division`", at: "division")
        }
        let ns = namespace ?? "?"
        let fileVersion = version ?? "?"
        var rules: [RuleDefinition] = []
        let ruleMaps = root.mappings("rules")
        for map in ruleMaps {
            if let rule = readRule(map, namespace: ns, version: fileVersion) { rules.append(rule) }
        }
        var overrides: [RuleOverride] = []
        let overrideMaps = root.mappings("overrides")
        if extends == nil && !overrideMaps.isEmpty {
            root.error(
                "overrides-in-base", "only a city namespace (with `extends`) may override rules", at: "overrides")
        }
        for map in overrideMaps {
            if let override = readOverride(map, namespace: ns) { overrides.append(override) }
        }
        if ruleMaps.isEmpty && overrideMaps.isEmpty {
            root.warning("empty", "the file defines no rules and no overrides")
        }
        var locations: [String: SourceLocation] = [:]
        for key in ["namespace", "version", "extends"] { locations[key] = root.location(of: key) }
        root.finish()
        guard let namespace, let version else { return nil }
        return RuleFile(
            file: source.file, namespace: namespace, version: version, extends: extends, division: division,
            standard: standard, standardVersion: standardVersion, title: title, rules: rules, overrides: overrides,
            keyLocations: locations)
    }

    private func level(_ map: YAMLMap, required: Bool) -> WarningLevel? {
        guard let text = map.string("level", required: required) else { return nil }
        guard let value = Int(text), let level = WarningLevel(rawValue: value) else {
            map.error("value", "`level` must be a warning_level code 1 (red) … 4 (blue), found `\(text)`", at: "level")
            return nil
        }
        return level
    }

    private func pollutantList(_ map: YAMLMap, _ key: String) -> [String]? {
        guard let list = map.strings(key) else { return nil }
        for code in list where code.range(of: "^[a-z][0-9]{5}$", options: .regularExpression) == nil {
            map.warning("pollutant", "`\(code)` in `\(key)` is not an HJ 212-2017 factor code", at: key)
        }
        return list
    }

    private func parameters(_ map: YAMLMap?, kind: WarningRuleKind?) -> [String: RuleParameterValue] {
        guard let map else { return [:] }
        var result: [String: RuleParameterValue] = [:]
        let specs = kind?.parameters ?? []
        for key in map.keys {
            guard let node = map.node(key) else { continue }
            guard let spec = specs.first(where: { $0.name == key }) else {
                if let kind {
                    sink.error(
                        "rules.unknown-parameter",
                        "`\(key)` is not a parameter of kind `\(kind.rawValue)`; known: "
                            + specs.map(\.name).joined(separator: ", "), at: map.source.location(node))
                }
                continue
            }
            guard let value = Self.value(node, spec) else {
                sink.error(
                    "rules.parameter", "`params.\(key)` must be \(Self.describe(spec.type))",
                    at: map.source.location(node))
                continue
            }
            if let problem = Self.problem(value, spec) {
                sink.error("rules.parameter", "`params.\(key)` \(problem)", at: map.source.location(node))
                continue
            }
            result[key] = value
        }
        return result
    }

    static func describe(_ type: RuleParameterSpec.ValueType) -> String {
        switch type {
        case .number: "a number"
        case .integer: "a whole number"
        case .boolean: "true or false"
        case .flags: "a list of data flags (N, F, M, S, D, C, T, B, H)"
        }
    }

    static func value(_ node: Node, _ spec: RuleParameterSpec) -> RuleParameterValue? {
        switch spec.type {
        case .number, .integer:
            guard let text = node.scalar?.string, let value = Double(text), value.isFinite else { return nil }
            if spec.type == .integer && value != value.rounded() { return nil }
            return .number(value)
        case .boolean:
            switch node.scalar?.string.lowercased() {
            case "true", "yes": return .boolean(true)
            case "false", "no": return .boolean(false)
            default: return nil
            }
        case .flags:
            guard let list = node.sequence else { return nil }
            var flags: [DataFlag] = []
            for item in list {
                guard let code = item.scalar?.string, let flag = DataFlag(code: code) else { return nil }
                flags.append(flag)
            }
            return flags.isEmpty ? nil : .flags(flags)
        }
    }

    /// What is wrong with a value of the right type (a bound), or `nil`.
    static func problem(_ value: RuleParameterValue, _ spec: RuleParameterSpec) -> String? {
        switch (spec.type, value) {
        case (.number, .number(let number)), (.integer, .number(let number)):
            if spec.type == .integer && number != number.rounded() { return "must be a whole number" }
            if let minimum = spec.minimum, number < minimum { return "must be at least \(minimum), found \(number)" }
            if let maximum = spec.maximum, number > maximum { return "must be at most \(maximum), found \(number)" }
            return nil
        case (.boolean, .boolean), (.flags, .flags): return nil
        default: return "must be \(describe(spec.type))"
        }
    }

    static func checkPlaceholders(_ message: LocalizedText, at location: SourceLocation?, sink: DiagnosticSink) {
        for text in [message.zh, message.en] {
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "{") {
                guard let close = rest[open...].firstIndex(of: "}") else {
                    sink.error("rules.message", "unclosed `{` in the message", at: location)
                    break
                }
                let name = String(rest[rest.index(after: open)..<close])
                if !WarningRuleKind.placeholders.contains(name) {
                    sink.error(
                        "rules.message",
                        "unknown placeholder `{\(name)}`; known: "
                            + WarningRuleKind.placeholders.sorted().map { "{\($0)}" }.joined(separator: " "),
                        at: location)
                }
                rest = rest[rest.index(after: close)...]
            }
        }
    }

    /// Checks across parameters (bounds that depend on each other).
    static func checkConsistency(_ rule: RuleDefinition, sink: DiagnosticSink) {
        if rule.kind == .nearLimit && rule.number("lower_ratio") > rule.number("upper_ratio") {
            sink.error(
                "rules.parameter", "rule `\(rule.id)`: `lower_ratio` must not exceed `upper_ratio`", at: rule.location)
        }
    }

    private func readRule(_ map: YAMLMap, namespace: String, version: String) -> RuleDefinition? {
        let id = map.string("id", required: true)
        let kindText = map.choice("kind", WarningRuleKind.allCases.map(\.rawValue), required: true)
        let kind = kindText.flatMap(WarningRuleKind.init(rawValue:))
        let type = map.string("type")
        let level = level(map, required: true)
        let name = map.localized("name", required: true)
        let message = map.localized("message", required: true)
        let enabled = map.bool("enabled") ?? true
        let pollutants = pollutantList(map, "pollutants")
        let excluded = pollutantList(map, "exclude_pollutants") ?? []
        let params = parameters(map.mapping("params"), kind: kind)
        let basis = map.string("basis")
        let statusText = map.choice("status", EvidenceStatus.allCases.map(\.rawValue))
        if let id, id.range(of: "^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+$", options: .regularExpression) == nil {
            map.error(
                "value", "rule id `\(id)` must be dotted lower-case words (`sichuan.exceedance.hourly`)", at: "id")
        }
        if let message { Self.checkPlaceholders(message, at: map.location(of: "message"), sink: sink) }
        map.finish()
        guard let id, let kind, let level, let name, let message else { return nil }
        let rule = RuleDefinition(
            id: id, namespace: namespace, version: version, kind: kind, type: type, level: level, name: name,
            message: message, enabled: enabled, pollutants: pollutants, excludedPollutants: excluded,
            parameters: params, basis: basis, status: statusText.flatMap(EvidenceStatus.init(rawValue:)),
            location: map.keyLocation(of: "id"))
        Self.checkConsistency(rule, sink: sink)
        return rule
    }

    private func readOverride(_ map: YAMLMap, namespace: String) -> RuleOverride? {
        let rule = map.string("rule", required: true)
        let reason = map.localized("reason")
        if !map.has("reason") {
            map.error(
                "override-reason", "an override needs a `reason` ({zh, en}): a city never changes a rule silently")
        }
        let level = level(map, required: false)
        let enabled = map.bool("enabled")
        var params: [String: RuleParameterValue] = [:]
        if let paramMap = map.mapping("params") {
            for key in paramMap.keys {
                guard let node = paramMap.node(key) else { continue }
                // The kind is known only once the target rule is found: keep the raw value, checked in assembly.
                if let scalar = node.scalar {
                    switch scalar.string.lowercased() {
                    case "true", "yes": params[key] = .boolean(true)
                    case "false", "no": params[key] = .boolean(false)
                    default:
                        if let number = Double(scalar.string), number.isFinite {
                            params[key] = .number(number)
                        } else {
                            sink.error(
                                "rules.parameter", "`params.\(key)` must be a number, true/false or a list of flags",
                                at: map.source.location(node))
                        }
                    }
                } else if let list = node.sequence {
                    let flags = list.compactMap { $0.scalar?.string }.compactMap { DataFlag(code: $0) }
                    if flags.count == list.count && !flags.isEmpty {
                        params[key] = .flags(flags)
                    } else {
                        sink.error(
                            "rules.parameter", "`params.\(key)` must be a list of data flags",
                            at: map.source.location(node))
                    }
                }
            }
            paramMap.finish()
        }
        let pollutants = pollutantList(map, "pollutants")
        let excluded = pollutantList(map, "exclude_pollutants")
        let message = map.localized("message")
        let location = map.keyLocation(of: "rule")
        map.finish()
        guard let rule, let reason else { return nil }
        return RuleOverride(
            rule: rule, namespace: namespace, reason: reason, level: level, enabled: enabled, parameters: params,
            pollutants: pollutants, excludedPollutants: excluded, message: message, location: location)
    }
}

/// The code tables and namespaces of the standard the rules refer to.
struct StandardTables {
    var warningTypes: Set<String>
    var namespaces: [String: String]

    /// Finds `<specs>/<standard>/<version>/` (from the files' `standard` and `standard_version`, default the
    /// Sichuan standard 1.0) under `specs` or the default Specs folder; `nil` (with a warning) when absent.
    static func find(specs: URL?, files: [RuleFile], sink: DiagnosticSink) -> StandardTables? {
        let declared = files.first { $0.standard != nil }
        let standard = declared?.standard ?? StandardLoader.sichuanStandardID
        let version = declared?.standardVersion ?? StandardLoader.currentVersion
        for file in files where file.standard != nil && (file.standard != standard || file.standardVersion != version) {
            sink.error(
                "rules.standard", "every rule file must refer to the same standard (\(standard) \(version))",
                at: SourceLocation(file: file.file))
        }
        let roots = [specs, StandardLoader.specsDirectory()].compactMap { $0 }
        for root in roots {
            let folder = root.appendingPathComponent(standard).appendingPathComponent(version)
            let typesFile = folder.appendingPathComponent("codes/warning_type.yaml")
            guard let typesText = try? String(contentsOf: typesFile, encoding: .utf8),
                let types = try? Yams.compose(yaml: typesText)
            else { continue }
            var tables = StandardTables(warningTypes: [], namespaces: [:])
            for code in types["code_table"]?["codes"]?.sequence ?? [] {
                if let value = code["code"]?.string { tables.warningTypes.insert(value) }
            }
            if let headerText = try? String(
                contentsOf: folder.appendingPathComponent("standard.yaml"), encoding: .utf8),
                let header = try? Yams.compose(yaml: headerText)
            {
                for namespace in header["namespaces"]?.sequence ?? [] {
                    if let id = namespace["id"]?.string, let division = namespace["division"]?.string {
                        tables.namespaces[id] = division
                    }
                }
            }
            return tables
        }
        if !files.isEmpty {
            sink.warning(
                "rules.codes-unchecked",
                "the standard \(standard) \(version) was not found: warning_type codes and namespaces not checked",
                at: SourceLocation(file: files[0].file))
        }
        return nil
    }

    /// Checks the rule's warning type against the code table.
    func check(_ rule: RuleDefinition, sink: DiagnosticSink) -> RuleDefinition {
        if !warningTypes.contains(rule.type) {
            sink.error(
                "rules.type",
                "rule `\(rule.id)`: `\(rule.type)` is not a code of the standard's warning_type table",
                at: rule.location)
        }
        return rule
    }
}
