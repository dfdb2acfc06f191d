import DataStandard
import EnforcementModel

/// What a report needs to know of a validation's issues: the errors of each record, and the references the
/// validator could not resolve among its inputs (``ValidationIssue/RuleID/fieldReference``).
///
/// A report validates part of a store — a division, a period, a source — so a reference may point at a record
/// that is stored but not among the inputs: a parent agency of the province, an entity changed before the
/// period. ``QualityReferenceSettlement`` looks such references up in the store and corrects the validation's
/// counts.
struct QualityIssueLedger {
    /// A record of an input.
    struct RecordID: Hashable {
        var file: String
        var record: Int
    }

    /// An unresolved reference.
    struct Reference {
        var entity: String
        var field: String
        var record: RecordID?
        var value: String
        var severity: Severity
    }

    /// Errors per record (records with at least one error).
    private(set) var errors: [RecordID: Int] = [:]
    /// The unresolved references, in input order.
    private(set) var references: [Reference] = []

    mutating func add(_ issue: ValidationIssue) {
        let record = issue.recordNumber.map { RecordID(file: issue.file, record: $0) }
        if issue.severity == .error, let record { errors[record, default: 0] += 1 }
        if issue.ruleID == ValidationIssue.RuleID.fieldReference, let field = issue.field, let value = issue.value {
            references.append(
                Reference(entity: issue.entity, field: field, record: record, value: value, severity: issue.severity))
        }
    }
}

/// Settles unresolved references against the store and corrects a validation report accordingly.
struct QualityReferenceSettlement {
    let store: any RecordStore
    let schema: StoreSchema
    /// Lookups already made: `entity \u{1F} key` → stored.
    private var known: [String: Bool] = [:]

    init(store: any RecordStore, schema: StoreSchema) {
        self.store = store
        self.schema = schema
    }

    /// The report with the references that resolve to a stored record counted as resolved: the referential
    /// integrity of their fields and entities, the records left without errors, and the issue counts.
    ///
    /// A reference is looked up when it names the single key field of its entity (composite references are left
    /// as the validator found them), in the whole store — a record may refer to one outside the division, such
    /// as its parent agency; only the existence of the referenced record is used.
    mutating func settle(_ report: ValidationReport, ledger: QualityIssueLedger) async throws -> ValidationReport {
        guard !ledger.references.isEmpty else { return report }
        var resolvedPerField: [String: [String: Int]] = [:]
        var resolvedErrorsPerRecord: [QualityIssueLedger.RecordID: Int] = [:]
        var entityOfRecord: [QualityIssueLedger.RecordID: String] = [:]
        var resolvedErrors = 0
        var resolvedWarnings = 0
        for reference in ledger.references {
            guard try await resolves(reference) else { continue }
            resolvedPerField[reference.entity, default: [:]][reference.field, default: 0] += 1
            switch reference.severity {
            case .error:
                resolvedErrors += 1
                if let record = reference.record {
                    resolvedErrorsPerRecord[record, default: 0] += 1
                    entityOfRecord[record] = reference.entity
                }
            case .warning:
                resolvedWarnings += 1
            }
        }
        guard !resolvedPerField.isEmpty else { return report }
        var newlyValid: [String: Int] = [:]
        for (record, count) in resolvedErrorsPerRecord where ledger.errors[record] == count {
            if let entity = entityOfRecord[record] { newlyValid[entity, default: 0] += 1 }
        }

        var corrected = report
        corrected.errors -= resolvedErrors
        corrected.warnings -= resolvedWarnings
        let settled = resolvedErrors + resolvedWarnings
        if let count = corrected.issuesByRule[ValidationIssue.RuleID.fieldReference] {
            corrected.issuesByRule[ValidationIssue.RuleID.fieldReference] = count > settled ? count - settled : nil
        }
        corrected.validRecords += newlyValid.values.reduce(0, +)
        corrected.quality = QualitySummary(
            entities: report.quality.entities.map { entity in
                guard let fields = resolvedPerField[entity.entity] else { return entity }
                var resolved = 0
                let correctedFields = entity.fields.map { field in
                    guard let count = fields[field.field], let integrity = field.referentialIntegrity else {
                        return field
                    }
                    let added = min(count, integrity.denominator - integrity.numerator)
                    resolved += added
                    var field = field
                    field.referentialIntegrity = QualitySummary.Ratio(
                        integrity.numerator + added, of: integrity.denominator)
                    return field
                }
                let integrity = entity.referentialIntegrity
                return QualitySummary.Entity(
                    entity: entity.entity, records: entity.records,
                    validRecords: min(entity.records, entity.validRecords + (newlyValid[entity.entity] ?? 0)),
                    completeness: entity.completeness, requiredCompleteness: entity.requiredCompleteness,
                    validity: entity.validity, consistency: entity.consistency, uniqueness: entity.uniqueness,
                    timeliness: entity.timeliness,
                    referentialIntegrity: QualitySummary.Ratio(
                        min(integrity.denominator, integrity.numerator + resolved), of: integrity.denominator),
                    fields: correctedFields)
            })
        return corrected
    }

    /// Whether a reference names a stored record.
    private mutating func resolves(_ reference: QualityIssueLedger.Reference) async throws -> Bool {
        guard let spec = schema.standard.entity(reference.entity)?.field(reference.field)?.reference,
            spec.scope.isEmpty, let target = schema.table(spec.entity), target.entity.key == [spec.field],
            let keyField = target.entity.field(spec.field), reference.value.unicodeScalars.count <= 200
        else { return false }
        let key = RecordContent.canonical(reference.value, type: keyField.type)
        let name = spec.entity + "\u{1F}" + key
        if let stored = known[name] { return stored }
        let stored = try await store.record(entity: spec.entity, key: key, scope: .province) != nil
        known[name] = stored
        return stored
    }
}
