import EnforcementModel
import Foundation
import Yams

/// The outcome of reading a standard: the standard when it could be built, and every diagnostic found on the way.
public struct StandardLoadResult: Sendable {
    /// The standard, or `nil` when a file could not be read at all.
    public var standard: StandardSpec?
    /// Load errors and warnings, in file order.
    public var diagnostics: [StandardDiagnostic]

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Loads a data standard from its version folder (`Specs/<standard>/<version>/`).
///
/// ```swift
/// let standard = try StandardLoader().load(directory: StandardLoader.defaultStandardDirectory())
/// ```
///
/// Loading reports every problem with its file, line and column: YAML syntax errors, unknown keys (a typo
/// must not silently switch a constraint off), missing keys, wrong value types, duplicate ids and codes.
/// Semantic checks across files (dangling references, rules that can never fire) are ``StandardLinter``'s.
public struct StandardLoader: Sendable {
    /// The id of the Sichuan standard.
    public static let sichuanStandardID = "sichuan-enforcement"
    /// The current version of the Sichuan standard.
    public static let currentVersion = "1.0"

    /// Creates a loader.
    public init() {}

    /// Loads the standard in `directory`, throwing the first error (with the count of all errors) if any.
    ///
    /// - Throws: ``DataStandardError`` with code `.fileUnreadable`, `.malformedYAML`, `.malformedSpec` or `.duplicate`.
    public func load(directory: URL) throws(DataStandardError) -> StandardSpec {
        let result = read(directory: directory)
        let errors = result.diagnostics.filter { $0.severity == .error }
        if let first = errors.first {
            let more = errors.count > 1 ? " (and \(errors.count - 1) more errors; run `enforce standard lint`)" : ""
            let code: DataStandardError.Code =
                switch first.check {
                case "io.unreadable": .fileUnreadable
                case "yaml.syntax", "yaml.empty": .malformedYAML
                case "spec.duplicate": .duplicate
                default: .malformedSpec
                }
            throw DataStandardError(code, first.message + more, at: first.location)
        }
        guard let standard = result.standard else {
            throw DataStandardError(.fileUnreadable, "no standard in \(directory.path)")
        }
        return standard
    }

    /// Reads the standard in `directory`, collecting every diagnostic instead of stopping at the first.
    public func read(directory: URL) -> StandardLoadResult {
        let log = DiagnosticLog()
        let standard = StandardReader(directory: directory, log: log).read()
        return StandardLoadResult(standard: standard, diagnostics: log.items)
    }

    /// The `Specs/` folder: `$ENFORCE_SPECS`, else `./Specs` when the working directory has one, else the copy
    /// bundled with the SDK.
    public static func specsDirectory() -> URL? {
        let fileManager = FileManager.default
        if let path = ProcessInfo.processInfo.environment["ENFORCE_SPECS"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        let candidates = [
            URL(fileURLWithPath: fileManager.currentDirectoryPath).appendingPathComponent("Specs"),
            executable.deletingLastPathComponent().appendingPathComponent(
                "enforcement-sdk_DataStandard.resources/Specs"),
            Bundle.main.bundleURL.appendingPathComponent("enforcement-sdk_DataStandard.resources/Specs"),
        ]
        for candidate in candidates
        where fileManager.fileExists(atPath: candidate.appendingPathComponent("README.md").path) {
            return candidate
        }
        return Bundle.module.url(forResource: "Specs", withExtension: nil)
    }

    /// The version folder of a standard under `specs` (default: ``specsDirectory()``).
    public static func defaultStandardDirectory(
        specs: URL? = nil,
        standard: String = sichuanStandardID,
        version: String = currentVersion
    ) throws(DataStandardError) -> URL {
        guard let root = specs ?? specsDirectory() else {
            throw DataStandardError(
                .fileUnreadable, "the Specs folder was not found; set ENFORCE_SPECS or pass --specs")
        }
        let directory = root.appendingPathComponent(standard).appendingPathComponent(version)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("standard.yaml").path) else {
            throw DataStandardError(
                .unknownStandard, "no standard \(standard) version \(version) in \(root.path)")
        }
        return directory
    }
}

/// Does the reading for ``StandardLoader``: one instance per load.
private struct StandardReader {
    let directory: URL
    let log: DiagnosticLog

    func read() -> StandardSpec? {
        let headerFile = directory.appendingPathComponent("standard.yaml")
        guard let header = document(headerFile)?.rootMapping(log: log) else { return nil }
        let (standardID, version) = readHeaders(header, expected: nil)
        let title = header.localized("title", required: true) ?? LocalizedText(zh: standardID, en: standardID)
        _ = header.string("published")
        let readsVersions = header.strings("reads_versions") ?? []
        let levels = header.strings("levels") ?? DivisionLevel.allCases.map(\.rawValue)
        for level in levels where DivisionLevel(rawValue: level) == nil {
            log.error("spec.value", "unknown level `\(level)`", at: header.location(of: "levels"))
        }
        let exchange = readExchange(header.mapping("exchange", required: true))
        var namespaces: [ExtensionNamespace] = []
        for item in header.mappings("namespaces") {
            defer { item.finish() }
            guard let id = item.string("id", required: true), let division = item.string("division", required: true)
            else { continue }
            let name = item.localized("name", required: true) ?? LocalizedText(zh: id, en: id)
            checkID(id, what: "namespace", at: item.location)
            namespaces.append(ExtensionNamespace(id: id, division: division, name: name))
        }
        header.finish()

        var codeTables: [String: CodeTable] = [:]
        for file in yamlFiles(in: "codes") {
            guard let table = readCodeTable(file, expected: (standardID, version)) else { continue }
            if let previous = codeTables[table.id] {
                log.error(
                    "spec.duplicate",
                    "code table `\(table.id)` is declared twice (first at \(previous.location?.description ?? "?"))",
                    at: table.location)
                continue
            }
            codeTables[table.id] = table
        }

        var entities: [EntitySpec] = []
        var entityIndex: [String: Int] = [:]
        for file in yamlFiles(in: "entities") {
            guard let root = document(file)?.rootMapping(log: log) else { continue }
            _ = readHeaders(root, expected: (standardID, version))
            if let entity = readEntity(root.mapping("entity", required: true), namespace: nil) {
                add(entity, to: &entities, index: &entityIndex)
            }
            root.finish()
        }

        let namespaceIDs = Set(namespaces.map(\.id))
        for file in yamlFiles(in: "extensions", recursive: true) {
            guard let root = document(file)?.rootMapping(log: log) else { continue }
            _ = readHeaders(root, expected: (standardID, version))
            guard let ext = root.mapping("extension", required: true) else {
                root.finish()
                continue
            }
            let namespace = ext.string("namespace", required: true) ?? ""
            if !namespace.isEmpty && !namespaceIDs.contains(namespace) {
                log.error(
                    "spec.undeclared-namespace",
                    "namespace `\(namespace)` is not declared in standard.yaml's `namespaces`",
                    at: ext.location(of: "namespace"))
            }
            let extendsID = ext.string("extends")
            if let extendsID {
                let fields = ext.mappings("fields", required: true).compactMap { readField($0) }
                for field in fields where !field.id.hasPrefix("\(namespace)_") {
                    log.error(
                        "spec.namespace-prefix",
                        "extension field `\(field.id)` must start with `\(namespace)_`", at: field.location)
                }
                let rules = ext.mappings("rules").compactMap { readRule($0) }
                for rule in rules
                where !rule.id.lowercased().hasPrefix("\(namespace)_")
                    && !rule.id.lowercased().hasPrefix("\(namespace)-")
                {
                    log.error(
                        "spec.namespace-prefix",
                        "extension rule `\(rule.id)` must start with `\(namespace)_` or `\(namespace)-`",
                        at: rule.location)
                }
                let masked = ext.strings("masked") ?? []
                if let position = entityIndex[extendsID] {
                    for field in fields {
                        if entities[position].field(field.id) != nil {
                            log.error(
                                "spec.duplicate", "field `\(field.id)` already exists in `\(extendsID)`",
                                at: field.location)
                        } else {
                            entities[position].fields.append(field)
                        }
                    }
                    entities[position].rules += rules
                    entities[position].sharing.masked += masked.filter {
                        !entities[position].sharing.masked.contains($0)
                    }
                } else {
                    log.error(
                        "spec.dangling-reference", "extension extends unknown entity `\(extendsID)`",
                        at: ext.location(of: "extends"))
                }
            } else if let entityNode = ext.mapping("entity") {
                if let entity = readEntity(entityNode, namespace: namespace) {
                    if !entity.id.hasPrefix("\(namespace)_") {
                        log.error(
                            "spec.namespace-prefix", "extension entity `\(entity.id)` must start with `\(namespace)_`",
                            at: entity.location)
                    }
                    add(entity, to: &entities, index: &entityIndex)
                }
            } else {
                log.error(
                    "spec.missing-key", "an extension needs `extends` (with `fields`) or `entity`", at: ext.location)
            }
            ext.finish()
            root.finish()
        }

        var ruleIDs: [String: SourceLocation?] = [:]
        for entity in entities {
            for rule in entity.rules {
                if let previous = ruleIDs[rule.id] {
                    log.error(
                        "spec.duplicate",
                        "rule id `\(rule.id)` is used twice (first at \(previous?.description ?? "?"))",
                        at: rule.location)
                } else {
                    ruleIDs[rule.id] = rule.location
                }
            }
        }

        return StandardSpec(
            id: standardID, version: version, title: title, readsVersions: readsVersions, entities: entities,
            codeTables: codeTables, exchange: exchange, namespaces: namespaces)
    }

    private func add(_ entity: EntitySpec, to entities: inout [EntitySpec], index: inout [String: Int]) {
        if let position = index[entity.id] {
            log.error(
                "spec.duplicate",
                "entity `\(entity.id)` is declared twice (first at \(entities[position].location?.description ?? "?"))",
                at: entity.location)
            return
        }
        index[entity.id] = entities.count
        entities.append(entity)
    }

    // MARK: Files

    private func document(_ url: URL) -> YAMLDocument? {
        let display = displayPath(url)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            log.error("io.unreadable", "cannot read the file", at: SourceLocation(file: display))
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            log.error("yaml.encoding", "the file is not UTF-8", at: SourceLocation(file: display))
            return nil
        }
        return YAMLDocument.parse(text, file: display, log: log)
    }

    private func displayPath(_ url: URL) -> String {
        let base = directory.deletingLastPathComponent().deletingLastPathComponent().standardizedFileURL.path
        let path = url.standardizedFileURL.path
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
    }

    private func yamlFiles(in folder: String, recursive: Bool = false) -> [URL] {
        let root = directory.appendingPathComponent(folder)
        let fileManager = FileManager.default
        guard let enumerator = fileManager.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var files: [URL] = []
        for case let url as URL in enumerator {
            let relativeDepth = url.pathComponents.count - root.pathComponents.count
            if !recursive && relativeDepth > 1 { continue }
            if url.pathExtension == "yaml" || url.pathExtension == "yml" { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }

    private func readHeaders(_ root: MappingReader, expected: (String, String)?) -> (String, String) {
        let standard = root.string("standard", required: true) ?? ""
        let version = root.string("version", required: true) ?? ""
        if let (expectedStandard, expectedVersion) = expected {
            if !standard.isEmpty && standard != expectedStandard {
                log.error(
                    "spec.header", "`standard: \(standard)` does not match the folder's standard `\(expectedStandard)`",
                    at: root.location(of: "standard"))
            }
            if !version.isEmpty && version != expectedVersion {
                log.error(
                    "spec.header", "`version: \(version)` does not match the folder's version `\(expectedVersion)`",
                    at: root.location(of: "version"))
            }
        } else {
            let folderVersion = directory.lastPathComponent
            let folderStandard = directory.deletingLastPathComponent().lastPathComponent
            if !version.isEmpty && version != folderVersion {
                log.error(
                    "spec.header", "`version: \(version)` does not match the folder name `\(folderVersion)`",
                    at: root.location(of: "version"))
            }
            if !standard.isEmpty && standard != folderStandard {
                log.error(
                    "spec.header", "`standard: \(standard)` does not match the folder name `\(folderStandard)`",
                    at: root.location(of: "standard"))
            }
        }
        return (standard, version)
    }

    private func checkID(_ id: String, what: String, at location: SourceLocation) {
        let valid =
            id.utf8.first.map { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) } == true
            && id.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
        if !valid {
            log.error("spec.id", "\(what) id `\(id)` must be snake_case ASCII (a-z, 0-9, _)", at: location)
        }
    }

    // MARK: Sections

    private func readExchange(_ reader: MappingReader?) -> ExchangeSpec {
        guard let reader else { return ExchangeSpec(header: []) }
        defer { reader.finish() }
        let bodyFormat = reader.choice("body_format", ["jsonl"]) ?? "jsonl"
        let checksum = reader.choice("checksum", ["sha256"]) ?? "sha256"
        let maxRecords = reader.int("max_records") ?? 50_000
        if maxRecords <= 0 {
            log.error("spec.value", "`exchange.max_records` must be positive", at: reader.location(of: "max_records"))
        }
        var header: [EnvelopeField] = []
        for item in reader.mappings("header", required: true) {
            defer { item.finish() }
            guard let id = item.string("id", required: true) else { continue }
            let name = item.localized("name", required: true) ?? LocalizedText(zh: id, en: id)
            let type = fieldType(item)
            header.append(EnvelopeField(id: id, name: name, type: type ?? .string))
        }
        return ExchangeSpec(bodyFormat: bodyFormat, checksum: checksum, maxRecords: maxRecords, header: header)
    }

    private func fieldType(_ reader: MappingReader) -> FieldType? {
        guard let text = reader.string("type", required: true) else { return nil }
        guard let type = FieldType(rawValue: text) else {
            log.error(
                "spec.unknown-type",
                "unknown type `\(text)`; known types: \(FieldType.allCases.map(\.rawValue).joined(separator: ", "))",
                at: reader.location(of: "type"))
            return nil
        }
        return type
    }

    private func readCodeTable(_ file: URL, expected: (String, String)) -> CodeTable? {
        guard let root = document(file)?.rootMapping(log: log) else { return nil }
        defer { root.finish() }
        _ = readHeaders(root, expected: expected)
        guard let table = root.mapping("code_table", required: true) else { return nil }
        defer { table.finish() }
        guard let id = table.string("id", required: true) else { return nil }
        checkID(id, what: "code table", at: table.location(of: "id"))
        let name = table.localized("name", required: true) ?? LocalizedText(zh: id, en: id)
        let source = table.string("source")
        let hierarchical = table.bool("hierarchical")
        var entries: [CodeEntry] = []
        var seen: [String: SourceLocation] = [:]
        for item in table.mappings("codes", required: true) {
            defer { item.finish() }
            guard let code = item.string("code", required: true) else { continue }
            let zh = item.string("zh", required: true) ?? code
            let en = item.string("en", required: true) ?? code
            let entry = CodeEntry(
                code: code, name: LocalizedText(zh: zh, en: en), parent: item.string("parent"),
                deprecated: item.bool("deprecated"), replacedBy: item.string("replaced_by"), location: item.location)
            if let first = seen[code] {
                log.error(
                    "spec.duplicate", "code `\(code)` appears twice in table `\(id)` (first at \(first))",
                    at: item.location)
            } else {
                seen[code] = item.location
            }
            entries.append(entry)
        }
        return CodeTable(
            id: id, name: name, source: source, hierarchical: hierarchical, entries: entries, location: table.location)
    }

    private func readEntity(_ reader: MappingReader?, namespace: String?) -> EntitySpec? {
        guard let reader else { return nil }
        defer { reader.finish() }
        guard let id = reader.string("id", required: true) else { return nil }
        checkID(id, what: "entity", at: reader.location(of: "id"))
        let name = reader.localized("name", required: true) ?? LocalizedText(zh: id, en: id)
        let description = reader.localized("description")
        let resource = reader.int("resource")
        if let resource, !(1...23).contains(resource) {
            log.error(
                "spec.value", "`resource` must be a number of Table 4 (1–23)", at: reader.location(of: "resource"))
        }
        let category =
            reader.choice("category", ["resource", "platform"]).flatMap(EntityCategory.init(rawValue:))
            ?? (resource == nil ? .platform : .resource)
        let source = reader.string("source")
        let key = reader.strings("key", required: true) ?? []
        if key.isEmpty {
            log.error("spec.missing-key", "entity `\(id)` needs at least one key field", at: reader.location)
        }
        let divisionField = reader.string("division_field")
        let timeField = reader.string("time_field")
        var maxAgeDays: Int?
        if let timeliness = reader.mapping("timeliness") {
            maxAgeDays = timeliness.int("max_age_days", required: true)
            timeliness.finish()
        }
        var fields: [FieldSpec] = []
        var fieldLocations: [String: SourceLocation] = [:]
        for item in reader.mappings("fields", required: true) {
            guard let field = readField(item) else { continue }
            if let first = fieldLocations[field.id] {
                log.error(
                    "spec.duplicate", "field `\(field.id)` is declared twice in `\(id)` (first at \(first))",
                    at: field.location)
                continue
            }
            fieldLocations[field.id] = field.location ?? reader.location
            fields.append(field)
        }
        let rules = reader.mappings("rules").compactMap { readRule($0) }
        let sharing = readSharing(reader.mapping("sharing"))
        return EntitySpec(
            id: id, name: name, description: description, resource: resource, category: category, source: source,
            key: key, divisionField: divisionField, timeField: timeField, maxAgeDays: maxAgeDays, fields: fields,
            rules: rules, sharing: sharing, namespace: namespace, location: reader.location)
    }

    private func readField(_ reader: MappingReader) -> FieldSpec? {
        defer { reader.finish() }
        guard let id = reader.string("id", required: true) else { return nil }
        checkID(id, what: "field", at: reader.location(of: "id"))
        let name = reader.localized("name", required: true) ?? LocalizedText(zh: id, en: id)
        let type = fieldType(reader)
        var range: NumericRange?
        if let node = reader.mapping("range") {
            range = NumericRange(min: node.double("min"), max: node.double("max"))
            node.finish()
        }
        var length: LengthRange?
        if let node = reader.mapping("length") {
            length = LengthRange(min: node.int("min"), max: node.int("max"))
            node.finish()
        }
        var reference: FieldReference?
        if let node = reader.mapping("ref") {
            if let entity = node.string("entity", required: true), let field = node.string("field", required: true) {
                reference = FieldReference(entity: entity, field: field, scope: node.strings("with") ?? [])
            }
            node.finish()
        }
        let severity = reader.choice("severity", ["error", "warning"]).flatMap(Severity.init(rawValue:)) ?? .error
        guard let type else { return nil }
        return FieldSpec(
            id: id, name: name, description: reader.localized("description"), type: type, unit: reader.string("unit"),
            required: reader.bool("required"), unique: reader.bool("unique"), pattern: reader.string("pattern"),
            range: range, length: length, codeTable: reader.string("codes"), reference: reference, severity: severity,
            sensitive: reader.bool("sensitive"), since: reader.string("since"), location: reader.location)
    }

    private func readRule(_ reader: MappingReader) -> RuleSpec? {
        defer { reader.finish() }
        guard let id = reader.string("id", required: true) else { return nil }
        let severity = reader.choice("severity", ["error", "warning"]).flatMap(Severity.init(rawValue:)) ?? .error
        let message = reader.localized("message", required: true) ?? LocalizedText(zh: id, en: id)
        var condition: RuleCondition?
        if let when = reader.mapping("when") {
            defer { when.finish() }
            if let field = when.string("field", required: true) {
                if let value = when.string("equals") {
                    condition = RuleCondition(field: field, values: [value])
                } else if let values = when.strings("in") {
                    condition = RuleCondition(field: field, values: values)
                } else if when.has("present") {
                    condition = RuleCondition(field: field, present: when.bool("present"))
                } else {
                    log.error("spec.missing-key", "`when` needs `equals`, `in` or `present`", at: when.location)
                }
            }
        }
        let kindNames = [
            "compare", "required_if", "at_least_one", "exclusive", "within_division", "prefix", "uscc_division",
        ]
        guard let kindName = reader.choice("kind", kindNames, required: true) else { return nil }
        let kind: RuleKind?
        switch kindName {
        case "compare":
            let left = reader.string("left", required: true)
            let op = reader.choice("op", ComparisonOperator.allCases.map(\.rawValue), required: true)
                .flatMap(ComparisonOperator.init(rawValue:))
            let right = reader.string("right", required: true)
            if let left, let op, let right { kind = .compare(left: left, op: op, right: right) } else { kind = nil }
        case "required_if":
            kind = reader.string("field", required: true).map { RuleKind.requiredIf(field: $0) }
            if condition == nil {
                log.error("spec.missing-key", "a `required_if` rule needs a `when` condition", at: reader.location)
            }
        case "at_least_one", "exclusive":
            let fields = reader.strings("fields", required: true) ?? []
            if fields.count < 2 {
                log.error("spec.value", "`fields` of `\(kindName)` needs at least two fields", at: reader.location)
            }
            kind = kindName == "exclusive" ? .exclusive(fields: fields) : .atLeastOne(fields: fields)
        case "within_division":
            let field = reader.string("field", required: true)
            let container = reader.string("container", required: true)
            if let field, let container {
                kind = .withinDivision(field: field, container: container)
            } else {
                kind = nil
            }
        case "prefix":
            let field = reader.string("field", required: true)
            let prefixField = reader.string("prefix_field", required: true)
            if let field, let prefixField { kind = .prefix(field: field, prefixField: prefixField) } else { kind = nil }
        default:
            let field = reader.string("field", required: true)
            let divisionField = reader.string("division_field", required: true)
            if let field, let divisionField {
                kind = .usccDivision(field: field, divisionField: divisionField)
            } else {
                kind = nil
            }
        }
        guard let kind else { return nil }
        return RuleSpec(
            id: id, kind: kind, condition: condition, severity: severity, message: message, location: reader.location)
    }

    private func readSharing(_ reader: MappingReader?) -> SharingSpec {
        guard let reader else { return SharingSpec() }
        defer { reader.finish() }
        func selection(_ key: String) -> FieldSelection {
            guard let node = reader.node(key) else { return .all }
            if case .scalar(let scalar) = node {
                switch scalar.string {
                case "all": return .all
                case "none": return .none
                default:
                    log.error(
                        "spec.value", "`\(reader.childPath(key))` must be all, none or a list of fields",
                        at: reader.location(of: key))
                    return .none
                }
            }
            return .fields(reader.strings(key) ?? [])
        }
        let up = selection("up")
        let down = selection("down")
        var across: [AcrossSharing] = []
        for item in reader.mappings("across") {
            defer { item.finish() }
            guard let department = item.string("department", required: true) else { continue }
            across.append(
                AcrossSharing(
                    department: department, purpose: item.localized("purpose"),
                    fields: item.strings("fields", required: true) ?? []))
        }
        let visibility =
            reader.choice("visibility", DivisionLevel.allCases.map(\.rawValue)).flatMap(DivisionLevel.init(rawValue:))
            ?? .county
        return SharingSpec(
            up: up, down: down, across: across, visibility: visibility, masked: reader.strings("masked") ?? [])
    }
}
