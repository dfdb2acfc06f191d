import EnforcementModel
import Foundation

/// Checks a loaded standard for mistakes that no single file shows: dangling references, rules that can never
/// fire, redundant or contradictory constraints, and code tables with holes.
///
/// ```swift
/// let result = StandardLoader().read(directory: folder)
/// let findings = result.diagnostics + (result.standard.map { StandardLinter().lint($0) } ?? [])
/// ```
///
/// Check ids are stable (`lint.dangling-reference`, `lint.never-fires`, …); errors make the standard unusable,
/// warnings point at something that is legal but probably not meant.
public struct StandardLinter: Sendable {
    /// The field types that carry a division code.
    private static let divisionTypes: Set<FieldType> = [.division]
    /// Code tables that field types check on their own.
    private static let typeTables: [FieldType: String] = [
        .division: "division", .industry: "industry", .pollutant: "pollutant",
    ]

    /// Creates a linter.
    public init() {}

    /// Every finding about `standard`, in entity order.
    public func lint(_ standard: StandardSpec) -> [StandardDiagnostic] {
        let log = DiagnosticLog()
        let entities = Dictionary(standard.entities.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for (type, table) in Self.typeTables where standard.codeTables[table] == nil {
            let users = standard.entities.flatMap(\.fields).filter { $0.type == type }
            if let first = users.first {
                log.error(
                    "lint.dangling-reference",
                    "fields of type `\(type.rawValue)` need the code table `\(table)`, which is missing",
                    at: first.location)
            }
        }
        for table in standard.codeTables.values.sorted(by: { $0.id < $1.id }) {
            lintTable(table, log: log)
        }
        let headerIDs = Set(standard.exchange.header.map(\.id))
        for required in [
            "standard", "version", "sender_division", "batch_id", "created_at", "record_count", "body_sha256",
        ]
        where !headerIDs.contains(required) {
            log.error("lint.envelope", "the exchange header lacks `\(required)`", at: nil)
        }
        for entity in standard.entities {
            lintEntity(entity, standard: standard, entities: entities, log: log)
        }
        return log.items
    }

    private func lintTable(_ table: CodeTable, log: DiagnosticLog) {
        if table.entries.isEmpty {
            log.error("lint.empty-table", "code table `\(table.id)` has no codes", at: table.location)
        }
        for entry in table.entries {
            let at = entry.location ?? table.location
            if let parent = entry.parent, !table.contains(parent) {
                log.error(
                    "lint.dangling-reference",
                    "code `\(entry.code)` of `\(table.id)` has parent `\(parent)`, which is not in the table", at: at)
            }
            if let replacement = entry.replacedBy {
                if !table.contains(replacement) {
                    log.error(
                        "lint.dangling-reference",
                        "code `\(entry.code)` of `\(table.id)` is replaced by `\(replacement)`, which is not in the table",
                        at: at)
                } else if !entry.deprecated {
                    log.warning(
                        "lint.replaced-not-deprecated",
                        "code `\(entry.code)` of `\(table.id)` has a replacement but is not marked deprecated", at: at)
                }
            }
        }
        if table.hierarchical && table.entries.count > 1 && !table.entries.contains(where: { $0.parent != nil }) {
            log.warning(
                "lint.flat-hierarchy", "table `\(table.id)` is hierarchical but no code has a parent",
                at: table.location)
        }
        if !table.hierarchical && table.entries.contains(where: { $0.parent != nil }) {
            log.warning(
                "lint.undeclared-hierarchy", "table `\(table.id)` has parent codes but is not declared hierarchical",
                at: table.location)
        }
    }

    private func lintEntity(
        _ entity: EntitySpec, standard: StandardSpec, entities: [String: EntitySpec], log: DiagnosticLog
    ) {
        let fields = Dictionary(entity.fields.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let here = entity.location
        func fieldExists(_ id: String, _ role: String, at location: SourceLocation?) -> FieldSpec? {
            guard let field = fields[id] else {
                log.error(
                    "lint.dangling-reference", "\(role) `\(id)` is not a field of `\(entity.id)`", at: location ?? here)
                return nil
            }
            return field
        }
        if entity.fields.isEmpty { log.error("lint.empty-entity", "entity `\(entity.id)` has no fields", at: here) }
        for key in entity.key {
            if let field = fieldExists(key, "key field", at: here), field.type == .text {
                log.warning("lint.key-type", "key field `\(key)` is free text", at: field.location)
            }
        }
        if let divisionField = entity.divisionField {
            if let field = fieldExists(divisionField, "division_field", at: here),
                !Self.divisionTypes.contains(field.type)
            {
                log.error(
                    "lint.type-mismatch", "division_field `\(divisionField)` must have type `division`",
                    at: field.location)
            }
        } else if entity.namespace == nil {
            log.warning(
                "lint.no-division",
                "entity `\(entity.id)` has no division_field: its records carry no jurisdiction", at: here)
        }
        if let timeField = entity.timeField,
            let field = fieldExists(timeField, "time_field", at: here),
            field.type != .date && field.type != .datetime
        {
            log.error("lint.type-mismatch", "time_field `\(timeField)` must be a date or datetime", at: field.location)
        }
        if entity.maxAgeDays != nil && entity.timeField == nil {
            log.error("lint.never-fires", "timeliness is set but `time_field` is not: it can never fire", at: here)
        }
        for field in entity.fields {
            lintField(field, entity: entity, standard: standard, entities: entities, log: log)
        }
        for rule in entity.rules {
            lintRule(rule, entity: entity, fields: fields, standard: standard, log: log)
        }
        let sharing = entity.sharing
        for case .fields(let list) in [sharing.up, sharing.down] {
            for id in list { _ = fieldExists(id, "shared field", at: here) }
        }
        for grant in sharing.across {
            for id in grant.fields { _ = fieldExists(id, "field shared with \(grant.department)", at: here) }
        }
        for id in sharing.masked { _ = fieldExists(id, "masked field", at: here) }
        for field in entity.fields
        where field.sensitive && !sharing.masked.contains(field.id) && !sharing.across.isEmpty {
            let leaked = sharing.across.filter { $0.fields.contains(field.id) }.map(\.department)
            if !leaked.isEmpty {
                log.warning(
                    "lint.sensitive-shared",
                    "sensitive field `\(field.id)` is shared across to \(leaked.joined(separator: ", ")) unmasked",
                    at: field.location)
            }
        }
    }

    private func lintField(
        _ field: FieldSpec, entity: EntitySpec, standard: StandardSpec, entities: [String: EntitySpec],
        log: DiagnosticLog
    ) {
        let at = field.location ?? entity.location
        let name = "`\(entity.id).\(field.id)`"
        if let range = field.range {
            if !field.type.isNumeric {
                log.error("lint.never-fires", "\(name) has a range but type `\(field.type.rawValue)`", at: at)
            }
            if let min = range.min, let max = range.max, min > max {
                log.error("lint.contradiction", "\(name) has range min \(min) > max \(max): no value passes", at: at)
            }
        }
        if let length = field.length {
            if let min = length.min, let max = length.max, min > max {
                log.error("lint.contradiction", "\(name) has length min \(min) > max \(max): no value passes", at: at)
            }
            if let min = length.min, min < 0 { log.error("lint.value", "\(name) has a negative length", at: at) }
        }
        if let pattern = field.pattern {
            do {
                _ = try NSRegularExpression(pattern: pattern)
            } catch {
                log.error("lint.bad-pattern", "\(name) has an invalid pattern `\(pattern)`", at: at)
            }
            if field.type == .boolean || field.type.isOrdered {
                log.warning("lint.pattern-type", "\(name) has a pattern on a `\(field.type.rawValue)` field", at: at)
            }
        }
        if field.type == .code && field.codeTable == nil {
            log.error("lint.missing-codes", "\(name) has type `code` but no `codes` table", at: at)
        }
        if let table = field.codeTable {
            if standard.codeTables[table] == nil {
                log.error("lint.dangling-reference", "\(name) uses code table `\(table)`, which does not exist", at: at)
            }
            let allowed: Set<FieldType> = [.code, .string, .division, .industry, .pollutant]
            if !allowed.contains(field.type) {
                log.error(
                    "lint.type-mismatch", "\(name) has `codes` but type `\(field.type.rawValue)` cannot take codes",
                    at: at)
            }
        }
        if let reference = field.reference {
            if let target = entities[reference.entity] {
                for scoped in reference.scope {
                    if entity.field(scoped) == nil || target.field(scoped) == nil {
                        log.error(
                            "lint.dangling-reference",
                            "\(name)'s reference scope `\(scoped)` must be a field of both `\(entity.id)` and `\(target.id)`",
                            at: at)
                    }
                }
                if let targetField = target.field(reference.field) {
                    let referenced = Set(reference.scope + [reference.field])
                    if !((targetField.unique && reference.scope.isEmpty) || Set(target.key) == referenced) {
                        log.warning(
                            "lint.reference-not-unique",
                            "\(name) refers to `\(reference.entity).\(reference.field)`\(reference.scope.isEmpty ? "" : " with \(reference.scope.joined(separator: ", "))"), which is neither the key nor unique",
                            at: at)
                    }
                } else {
                    log.error(
                        "lint.dangling-reference",
                        "\(name) refers to `\(reference.entity).\(reference.field)`, which is not a field", at: at)
                }
            } else {
                log.error(
                    "lint.dangling-reference", "\(name) refers to entity `\(reference.entity)`, which does not exist",
                    at: at)
            }
        }
        if field.unique && entity.key == [field.id] {
            log.warning("lint.redundant", "\(name) is the key; `unique` is implied", at: at)
        }
    }

    private func lintRule(
        _ rule: RuleSpec, entity: EntitySpec, fields: [String: FieldSpec], standard: StandardSpec, log: DiagnosticLog
    ) {
        let at = rule.location ?? entity.location
        var resolved: [String: FieldSpec] = [:]
        for id in rule.kind.fields {
            if let field = fields[id] {
                resolved[id] = field
            } else {
                log.error(
                    "lint.dangling-reference",
                    "rule `\(rule.id)` reads `\(id)`, which is not a field of `\(entity.id)`",
                    at: at)
            }
        }
        if let condition = rule.condition {
            if let field = fields[condition.field] {
                if let values = condition.values, let table = field.codeTable.flatMap({ standard.codeTables[$0] }) {
                    for value in values where !table.contains(value) {
                        log.error(
                            "lint.never-fires",
                            "rule `\(rule.id)` tests `\(condition.field)` for `\(value)`, which is not a code of `\(table.id)`",
                            at: at)
                    }
                }
            } else {
                log.error(
                    "lint.dangling-reference",
                    "rule `\(rule.id)`'s condition reads `\(condition.field)`, which is not a field",
                    at: at)
            }
        }
        switch rule.kind {
        case .compare(let left, let op, let right):
            if left == right {
                log.error("lint.never-fires", "rule `\(rule.id)` compares `\(left)` with itself", at: at)
            }
            if let l = resolved[left], let r = resolved[right] {
                let comparable =
                    (l.type.isNumeric && r.type.isNumeric)
                    || ([.date, .datetime].contains(l.type) && [.date, .datetime].contains(r.type))
                    || ((op == .eq || op == .ne) && l.type == r.type)
                if !comparable {
                    log.error(
                        "lint.never-fires",
                        "rule `\(rule.id)` compares `\(left)` (\(l.type.rawValue)) with `\(right)` (\(r.type.rawValue))",
                        at: at)
                }
            }
        case .requiredIf(let field):
            if resolved[field]?.required == true {
                log.warning(
                    "lint.never-fires", "rule `\(rule.id)`: `\(field)` is always required, the rule adds nothing",
                    at: at)
            }
            if rule.condition?.field == field {
                log.error(
                    "lint.never-fires", "rule `\(rule.id)` requires `\(field)` when `\(field)` itself is set", at: at)
            }
        case .atLeastOne(let list):
            if let always = list.first(where: { resolved[$0]?.required == true }) {
                log.warning(
                    "lint.never-fires", "rule `\(rule.id)`: `\(always)` is required, so the rule can never fail", at: at
                )
            }
        case .exclusive(let list):
            let required = list.filter { resolved[$0]?.required == true }
            if required.count > 1 {
                log.error(
                    "lint.contradiction",
                    "rule `\(rule.id)`: \(required.joined(separator: ", ")) are all required, so every record fails",
                    at: at)
            }
        case .withinDivision(let field, let container):
            for id in [field, container] where resolved[id].map({ $0.type != .division }) == true {
                log.error("lint.type-mismatch", "rule `\(rule.id)`: `\(id)` must have type `division`", at: at)
            }
        case .prefix:
            break
        case .usccDivision(let field, let divisionField):
            if resolved[field].map({ $0.type != .uscc }) == true {
                log.error("lint.type-mismatch", "rule `\(rule.id)`: `\(field)` must have type `uscc`", at: at)
            }
            if resolved[divisionField].map({ $0.type != .division }) == true {
                log.error(
                    "lint.type-mismatch", "rule `\(rule.id)`: `\(divisionField)` must have type `division`", at: at)
            }
        }
    }
}
