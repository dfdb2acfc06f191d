import DataStandard
import EnforcementModel
import Foundation

/// A reporting period of Beijing civil dates, both ends inclusive (`2026-01-01` to `2026-06-30`); either end may be
/// open.
///
/// A period whose `from` is after its `to` contains nothing.
public struct QualityPeriod: Hashable, Sendable, Codable {
    /// The first day, or `nil` for no lower bound.
    public var from: CivilDate?
    /// The last day, or `nil` for no upper bound.
    public var to: CivilDate?

    /// Creates a period from its first to its last day; a `nil` end is open.
    public init(from: CivilDate?, to: CivilDate?) {
        self.from = from
        self.to = to
    }

    /// Whether a moment (seconds since 1970 UTC) falls on one of the period's days in Beijing time.
    public func contains(secondsSinceEpoch seconds: Int64) -> Bool {
        let day = Self.beijingDay(seconds)
        if let from, day < Int64(from.daysSinceEpoch) { return false }
        if let to, day > Int64(to.daysSinceEpoch) { return false }
        return true
    }

    /// The Beijing civil day (days since 1970-01-01) of a moment.
    static func beijingDay(_ seconds: Int64) -> Int64 {
        Int64(LocalDateTime(secondsSinceEpoch: seconds).date.daysSinceEpoch)
    }
}

/// One of the six quality dimensions of the standard (QualitySummary).
public enum QualityDimension: String, Hashable, Sendable, Codable, CaseIterable {
    /// 完整性: non-empty cells / cells of declared fields.
    case completeness
    /// 有效性: valid cells / non-empty cells.
    case validity
    /// 一致性: records passing every cross-field rule / records.
    case consistency
    /// 唯一性: records without duplicate keys or unique values / records.
    case uniqueness
    /// 及时性: timely records / records with a time value.
    case timeliness
    /// 参照完整性: resolved references / checked references.
    case referentialIntegrity

    /// The dimension's name in Chinese and English.
    public var name: LocalizedText {
        switch self {
        case .completeness: LocalizedText(zh: "完整性", en: "Completeness")
        case .validity: LocalizedText(zh: "有效性", en: "Validity")
        case .consistency: LocalizedText(zh: "一致性", en: "Consistency")
        case .uniqueness: LocalizedText(zh: "唯一性", en: "Uniqueness")
        case .timeliness: LocalizedText(zh: "及时性", en: "Timeliness")
        case .referentialIntegrity: LocalizedText(zh: "参照完整性", en: "Referential integrity")
        }
    }
}

/// Records, valid records, the six quality dimensions and the score of a set of records: one entity, one
/// source, or all of a division.
///
/// For several entities the ratios are pooled (numerators and denominators added up) and the score is the
/// entity scores weighted by records, as ``QualitySummary/score`` computes it.
public struct QualityMeasure: Hashable, Sendable, Codable {
    /// A ratio with its numerator and denominator.
    public typealias Ratio = QualitySummary.Ratio

    /// Records measured.
    public var records: Int
    /// Records without errors (warnings allowed).
    public var validRecords: Int
    /// Non-empty cells / cells of declared fields (city extension fields of core entities not counted).
    public var completeness: Ratio
    /// Non-empty cells of required fields / required cells.
    public var requiredCompleteness: Ratio
    /// Valid cells / non-empty cells.
    public var validity: Ratio
    /// Records passing every cross-field rule / records.
    public var consistency: Ratio
    /// Records without duplicate keys or unique values / records.
    public var uniqueness: Ratio
    /// Timely records / records with a time value (not measured without a reference date).
    public var timeliness: Ratio
    /// Resolved references / checked references.
    public var referentialIntegrity: Ratio
    /// The mean of the measured dimensions (0…1).
    public var score: Double

    /// Creates a measure from its parts.
    public init(
        records: Int, validRecords: Int, completeness: Ratio, requiredCompleteness: Ratio, validity: Ratio,
        consistency: Ratio, uniqueness: Ratio, timeliness: Ratio, referentialIntegrity: Ratio, score: Double
    ) {
        self.records = records
        self.validRecords = validRecords
        self.completeness = completeness
        self.requiredCompleteness = requiredCompleteness
        self.validity = validity
        self.consistency = consistency
        self.uniqueness = uniqueness
        self.timeliness = timeliness
        self.referentialIntegrity = referentialIntegrity
        self.score = score
    }

    /// The measure of one entity's summary.
    public init(_ entity: QualitySummary.Entity) {
        self.init(
            records: entity.records, validRecords: entity.validRecords, completeness: entity.completeness,
            requiredCompleteness: entity.requiredCompleteness, validity: entity.validity,
            consistency: entity.consistency, uniqueness: entity.uniqueness, timeliness: entity.timeliness,
            referentialIntegrity: entity.referentialIntegrity, score: entity.score)
    }

    /// The pooled measure of all entities of a summary, with the summary's score.
    public init(_ summary: QualitySummary) {
        func pooled(_ part: (QualitySummary.Entity) -> Ratio) -> Ratio {
            var numerator = 0
            var denominator = 0
            for entity in summary.entities {
                let ratio = part(entity)
                numerator += ratio.numerator
                denominator += ratio.denominator
            }
            return Ratio(numerator, of: denominator)
        }
        self.init(
            records: summary.entities.map(\.records).reduce(0, +),
            validRecords: summary.entities.map(\.validRecords).reduce(0, +),
            completeness: pooled(\.completeness), requiredCompleteness: pooled(\.requiredCompleteness),
            validity: pooled(\.validity), consistency: pooled(\.consistency), uniqueness: pooled(\.uniqueness),
            timeliness: pooled(\.timeliness), referentialIntegrity: pooled(\.referentialIntegrity),
            score: summary.score)
    }

    /// The ratio of a dimension.
    public func ratio(_ dimension: QualityDimension) -> Ratio {
        switch dimension {
        case .completeness: completeness
        case .validity: validity
        case .consistency: consistency
        case .uniqueness: uniqueness
        case .timeliness: timeliness
        case .referentialIntegrity: referentialIntegrity
        }
    }
}

/// A data-quality inspection report (数据质量检验报告, STD-4) of one division: the quality of its stored and
/// quarantined records over the standard's six dimensions, per entity and per source, its weakest fields, its
/// quarantine, and the state of its rectification tickets (整改复核).
///
/// Made by ``QualityReporter``; rendered by ``json()``, ``html()`` and ``markdown()``.
public struct QualityReport: Hashable, Sendable, Codable {
    /// A ratio with its numerator and denominator.
    public typealias Ratio = QualitySummary.Ratio

    /// The quality of one entity's records.
    public struct EntityQuality: Hashable, Sendable, Codable {
        /// The entity id.
        public var entity: String
        /// Its names.
        public var name: LocalizedText
        /// Stored records measured.
        public var storedRecords: Int
        /// Quarantined records measured with them.
        public var quarantinedRecords: Int
        /// The measure (records = stored + quarantined).
        public var measure: QualityMeasure

        /// Creates an entity row.
        public init(
            entity: String, name: LocalizedText, storedRecords: Int, quarantinedRecords: Int, measure: QualityMeasure
        ) {
            self.entity = entity
            self.name = name
            self.storedRecords = storedRecords
            self.quarantinedRecords = quarantinedRecords
            self.measure = measure
        }
    }

    /// The quality of the records of one source (`import:<file>`, `batch:<id>`, `recheck:<ticket>`).
    public struct SourceQuality: Hashable, Sendable, Codable {
        /// The source.
        public var source: String
        /// The entities it delivered, in the standard's order.
        public var entities: [String]
        /// The measure, from a validation of this source's records alone.
        public var measure: QualityMeasure

        /// Creates a source row.
        public init(source: String, entities: [String], measure: QualityMeasure) {
            self.source = source
            self.entities = entities
            self.measure = measure
        }
    }

    /// The quality of one field.
    public struct FieldQuality: Hashable, Sendable, Codable {
        /// The entity id.
        public var entity: String
        /// The field id.
        public var field: String
        /// The field's names.
        public var name: LocalizedText
        /// Whether the field is required.
        public var required: Bool
        /// Non-empty cells / records.
        public var completeness: Ratio
        /// Valid cells / non-empty cells.
        public var validity: Ratio

        /// Creates a field row.
        public init(
            entity: String, field: String, name: LocalizedText, required: Bool, completeness: Ratio, validity: Ratio
        ) {
            self.entity = entity
            self.field = field
            self.name = name
            self.required = required
            self.completeness = completeness
            self.validity = validity
        }

        /// The ratio the field is ranked by: the lower of its validity and, for a required field, its completeness
        /// (an optional field left empty is no defect).
        public var weakest: Double {
            required ? min(validity.value, completeness.value) : validity.value
        }
    }

    /// A count of one entity.
    public struct EntityCount: Hashable, Sendable, Codable {
        /// The entity id.
        public var entity: String
        /// The count.
        public var count: Int

        /// Creates a count.
        public init(entity: String, count: Int) {
            self.entity = entity
            self.count = count
        }
    }

    /// One error of a quarantined record.
    public struct Finding: Hashable, Sendable, Codable {
        /// The field at fault, if any.
        public var field: String?
        /// The rule broken.
        public var ruleID: String
        /// What is wrong.
        public var message: LocalizedText

        /// Creates a finding.
        public init(field: String?, ruleID: String, message: LocalizedText) {
            self.field = field
            self.ruleID = ruleID
            self.message = message
        }
    }

    /// One quarantined record, as listed.
    public struct QuarantinedRecord: Hashable, Sendable, Codable {
        /// The quarantine entry's id.
        public var id: String
        /// The entity.
        public var entity: String
        /// The record's key, if it has one.
        public var key: String?
        /// Where it came from.
        public var source: String
        /// Its 1-based record number in the input.
        public var recordNumber: Int
        /// The 1-based line where it starts.
        public var line: Int
        /// When it was quarantined (seconds since 1970 UTC).
        public var quarantinedAt: Int64
        /// Its first errors, as found at import.
        public var errors: [Finding]

        /// Creates a listed record.
        public init(
            id: String, entity: String, key: String?, source: String, recordNumber: Int, line: Int,
            quarantinedAt: Int64, errors: [Finding]
        ) {
            self.id = id
            self.entity = entity
            self.key = key
            self.source = source
            self.recordNumber = recordNumber
            self.line = line
            self.quarantinedAt = quarantinedAt
            self.errors = errors
        }
    }

    /// The unresolved quarantine of the division (in the period, if one was given).
    public struct QuarantineSection: Hashable, Sendable, Codable {
        /// Unresolved quarantine entries.
        public var total: Int
        /// Entries measured with the stored records (the others are of an entity the standard lacks, repeat a key
        /// quarantined later, or are a refused change of a record measured in its stored form).
        public var measured: Int
        /// Entries per entity, in the standard's order.
        public var byEntity: [EntityCount]
        /// The first entries, oldest first.
        public var listed: [QuarantinedRecord]

        /// Creates a quarantine section.
        public init(total: Int, measured: Int, byEntity: [EntityCount], listed: [QuarantinedRecord]) {
            self.total = total
            self.measured = measured
            self.byEntity = byEntity
            self.listed = listed
        }
    }

    /// An open rectification ticket, as listed.
    public struct OpenTicket: Hashable, Sendable, Codable {
        /// The ticket id.
        public var id: String
        /// The entity.
        public var entity: String
        /// The record's key, if it has one.
        public var key: String?
        /// The field at fault, if any.
        public var field: String?
        /// The rule broken.
        public var ruleID: String
        /// What is wrong.
        public var message: LocalizedText

        /// Creates a listed ticket.
        public init(id: String, entity: String, key: String?, field: String?, ruleID: String, message: LocalizedText) {
            self.id = id
            self.entity = entity
            self.key = key
            self.field = field
            self.ruleID = ruleID
            self.message = message
        }
    }

    /// The rectification tickets of the division (整改复核), as they stand when the report is made.
    public struct TicketSection: Hashable, Sendable, Codable {
        /// Tickets waiting for the data owner.
        public var open: Int
        /// Tickets corrected and waiting for a re-check.
        public var fixed: Int
        /// Tickets re-checked and closed.
        public var rechecked: Int
        /// The open tickets, by entity, key and field (at most the reporter's limit).
        public var openTickets: [OpenTicket]

        /// Creates a ticket section.
        public init(open: Int, fixed: Int, rechecked: Int, openTickets: [OpenTicket]) {
            self.open = open
            self.fixed = fixed
            self.rechecked = rechecked
            self.openTickets = openTickets
        }

        /// Every ticket.
        public var total: Int { open + fixed + rechecked }

        /// Re-checked tickets / every ticket (整改复核率).
        public var recheckedRatio: Ratio { Ratio(rechecked, of: total) }

        /// The count of a status.
        public func count(_ status: TicketStatus) -> Int {
            switch status {
            case .open: open
            case .fixed: fixed
            case .rechecked: rechecked
            }
        }
    }

    /// The division reported on (`510100`).
    public var division: String
    /// Its names from the standard's division catalog, if it is there.
    public var divisionName: LocalizedText?
    /// The standard and version the records were measured against.
    public var standard: StandardStamp
    /// The standard's title.
    public var standardTitle: LocalizedText
    /// The period of the records' latest changes, or `nil` for every record.
    public var period: QualityPeriod?
    /// When the report was made (given, never read from the clock).
    public var generatedAt: LocalDateTime
    /// The reference date of timeliness, or `nil` when timeliness was not measured.
    public var asOf: CivilDate?
    /// The measure of every record of the division.
    public var overall: QualityMeasure
    /// Issues of severity error found.
    public var errors: Int
    /// Issues of severity warning found.
    public var warnings: Int
    /// The number of issues per rule id.
    public var issuesByRule: [String: Int]
    /// Reference values not checked because the referenced entity has no records in the division.
    public var referencesNotChecked: Int
    /// Per entity with records, in the standard's order.
    public var entities: [EntityQuality]
    /// Per source, by source.
    public var sources: [SourceQuality]
    /// The weakest fields with data, weakest first (see ``FieldQuality/weakest``); fields without a fault are left
    /// out.
    public var worstFields: [FieldQuality]
    /// The quarantine.
    public var quarantine: QuarantineSection
    /// The rectification tickets.
    public var tickets: TicketSection

    /// Creates a report from its parts.
    public init(
        division: String, divisionName: LocalizedText?, standard: StandardStamp, standardTitle: LocalizedText,
        period: QualityPeriod?, generatedAt: LocalDateTime, asOf: CivilDate?, overall: QualityMeasure, errors: Int,
        warnings: Int, issuesByRule: [String: Int], referencesNotChecked: Int, entities: [EntityQuality],
        sources: [SourceQuality], worstFields: [FieldQuality], quarantine: QuarantineSection, tickets: TicketSection
    ) {
        self.division = division
        self.divisionName = divisionName
        self.standard = standard
        self.standardTitle = standardTitle
        self.period = period
        self.generatedAt = generatedAt
        self.asOf = asOf
        self.overall = overall
        self.errors = errors
        self.warnings = warnings
        self.issuesByRule = issuesByRule
        self.referencesNotChecked = referencesNotChecked
        self.entities = entities
        self.sources = sources
        self.worstFields = worstFields
        self.quarantine = quarantine
        self.tickets = tickets
    }

    /// The report as JSON: pretty-printed, keys sorted, slashes unescaped; ratios carry their numerator,
    /// denominator and value.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Decodes a report from its JSON (``json()``).
    public init(json: String) throws {
        self = try JSONDecoder().decode(QualityReport.self, from: Data(json.utf8))
    }
}
