import DataStandard
import EnforcementModel
import Foundation

/// Makes data-quality inspection reports (数据质量检验报告, STD-4) of a division from any ``RecordStore``.
///
/// ```swift
/// let reporter = QualityReporter(store: store, schema: schema, options: .init(asOf: try CivilDate("2026-11-29")))
/// let report = try await reporter.report(
///     division: try DivisionCode("510100"),
///     period: QualityPeriod(from: try CivilDate("2026-01-01"), to: try CivilDate("2026-12-31")),
///     generatedAt: try LocalDateTime("2026-11-29 09:30:00"))
/// try report.html().write(to: url, atomically: true, encoding: .utf8)
/// ```
///
/// **What is measured.** Every stored record of every entity in the division's scope whose latest change falls in
/// the period, and every unresolved quarantined record of the scope quarantined in the period, are validated
/// again — by ``RecordValidator``, not by checks of its own — against the schema's standard, all entities
/// together so that references between them resolve. The records are written as JSON Lines to a temporary
/// directory (one file per entity and source, removed afterwards), so memory does not grow with the number of
/// records beyond the validator's hash sets.
///
/// - A quarantined record whose key has a stored record that is measured too is a refused change of that
///   record: it is listed in the quarantine section but not measured (it would count the record twice). Of
///   several quarantined records with the same key only the latest is measured.
/// - Stored records of an older version of the standard (STD-7) are measured against the schema's version.
/// - A reference the validator cannot resolve among the measured records — to a record outside the division
///   (a parent agency of the province) or one last changed before the period — counts as resolved when the store
///   holds the referenced record: it is looked up by key in the whole store, and only its existence is used.
///   Composite references (`ref: {…, with: […]}`) are not looked up.
/// - Per source, the source's records are validated on their own: duplicates are found among them only, and a
///   reference to an entity of which the source delivered no record is not checked.
///
/// The reporter never reads the clock: the generation time and the reference date of timeliness
/// (``RecordValidator/Options/asOf``) are given.
public struct QualityReporter: Sendable {
    /// The store the records are read from.
    public let store: any RecordStore
    /// The schema of the standard the records are measured against.
    public let schema: StoreSchema
    /// The validator's options; the format and encoding are set to JSON Lines in UTF-8 whatever is given.
    public var options: RecordValidator.Options
    /// The number of records read from the store at once.
    ///
    /// Defaults to 1,000.
    public var pageSize = 1_000
    /// The most quarantined records listed.
    ///
    /// Defaults to 50.
    public var quarantineListLimit = 50
    /// The most errors listed per quarantined record.
    ///
    /// Defaults to 3.
    public var errorsPerQuarantinedRecord = 3
    /// The most fields listed among the weakest.
    ///
    /// Defaults to 10.
    public var worstFieldLimit = 10
    /// The most open tickets listed.
    ///
    /// Defaults to 500.
    public var openTicketListLimit = 500
    /// Where the temporary directory of the records is made.
    ///
    /// Defaults to the system's temporary directory.
    public var temporaryDirectory: URL = FileManager.default.temporaryDirectory

    /// Creates a reporter.
    public init(store: any RecordStore, schema: StoreSchema, options: RecordValidator.Options = .init()) {
        self.store = store
        self.schema = schema
        self.options = options
    }

    /// Makes the report of a division.
    ///
    /// - Parameters:
    ///   - division: The division; its scope (``DivisionScope``) selects the records.
    ///   - period: The Beijing days of the records' latest changes and of quarantining; `nil` for every record.
    ///   - generatedAt: The time the report states it was made.
    /// - Throws: What the store throws; ``DataStandardError`` when the validator cannot be made or the temporary
    ///   files cannot be read; a file system error when they cannot be written.
    public func report(
        division: DivisionCode, period: QualityPeriod? = nil, generatedAt: LocalDateTime
    ) async throws -> QualityReport {
        let scope = DivisionScope(division)
        let directory = temporaryDirectory.appendingPathComponent(
            "enforce-quality-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let spool = QualitySpool(directory: directory)

        var stored: [String: Int] = [:]
        for table in schema.tables {
            stored[table.entity.id] = try await spoolRecords(of: table, scope: scope, period: period, into: spool)
        }
        let quarantine = try await quarantine(scope: scope, period: period)
        var quarantinedMeasured: [String: Int] = [:]
        for entry in quarantine.measured {
            guard let table = schema.table(entry.entity) else { continue }
            let fields = table.fieldIDs.compactMap { field in entry.values[field].map { (field, $0) } }
            try spool.append(entity: entry.entity, source: entry.source, line: QualitySpool.jsonLine(fields))
            quarantinedMeasured[entry.entity, default: 0] += 1
        }
        try spool.finish()

        var validatorOptions = options
        validatorOptions.format = .jsonLines
        validatorOptions.encoding = .utf8
        validatorOptions.revealsSensitiveValues = true  // issues stay here: references are looked up by value
        let validator = try RecordValidator(standard: schema.standard, options: validatorOptions)
        var settlement = QualityReferenceSettlement(store: store, schema: schema)
        let whole = try await validate(spool.files, with: validator, settlement: &settlement)
        var sources: [QualityReport.SourceQuality] = []
        for (source, files) in Dictionary(grouping: spool.files, by: \.source).sorted(by: { $0.key < $1.key }) {
            let summary = try await validate(files, with: validator, settlement: &settlement).quality
            sources.append(
                QualityReport.SourceQuality(
                    source: source, entities: entitiesInOrder(Set(files.map(\.entity))),
                    measure: QualityMeasure(summary)))
        }

        var entities: [QualityReport.EntityQuality] = []
        for table in schema.tables {
            guard let summary = whole.quality.entity(table.entity.id) else { continue }
            entities.append(
                QualityReport.EntityQuality(
                    entity: table.entity.id, name: table.entity.name, storedRecords: stored[table.entity.id] ?? 0,
                    quarantinedRecords: quarantinedMeasured[table.entity.id] ?? 0, measure: QualityMeasure(summary)))
        }

        let catalog = try? schema.standard.divisionCatalog()
        let divisionName = catalog?.division(division).map { LocalizedText(zh: $0.name, en: $0.nameEN) }
        return QualityReport(
            division: division.description, divisionName: divisionName, standard: schema.stamp,
            standardTitle: schema.standard.title, period: period, generatedAt: generatedAt, asOf: options.asOf,
            overall: QualityMeasure(whole.quality), errors: whole.errors, warnings: whole.warnings,
            issuesByRule: whole.issuesByRule, referencesNotChecked: whole.referencesNotChecked, entities: entities,
            sources: sources, worstFields: worstFields(whole.quality),
            quarantine: quarantineSection(quarantine), tickets: try await ticketSection(scope: scope))
    }

    // MARK: Records

    /// Writes the records of an entity in the scope and period to the spool; returns how many.
    private func spoolRecords(
        of table: EntityTable, scope: DivisionScope, period: QualityPeriod?, into spool: QualitySpool
    ) async throws -> Int {
        let fields = table.fieldIDs
        var count = 0
        var after: String?
        while true {
            let page = try await store.records(
                entity: table.entity.id, scope: scope, after: after, limit: max(1, pageSize))
            for record in page where period?.contains(secondsSinceEpoch: record.changedAt) ?? true {
                var members: [(String, String)] = []
                members.reserveCapacity(fields.count)
                for (field, value) in zip(fields, record.values) {
                    if let value, !value.isEmpty { members.append((field, value)) }
                }
                try spool.append(entity: table.entity.id, source: record.source, line: QualitySpool.jsonLine(members))
                count += 1
            }
            guard page.count >= max(1, pageSize), let last = page.last else { break }
            after = last.key
        }
        return count
    }

    /// The unresolved quarantine of the scope and period, and the entries of it that are measured.
    private func quarantine(
        scope: DivisionScope, period: QualityPeriod?
    ) async throws -> (all: [QuarantineEntry], measured: [QuarantineEntry]) {
        let all = try await store.quarantine(scope: scope, entity: nil, includeResolved: false)
            .filter { period?.contains(secondsSinceEpoch: $0.quarantinedAt) ?? true }
            .sorted {
                ($0.quarantinedAt, $0.source, $0.recordNumber, $0.id) < (
                    $1.quarantinedAt, $1.source, $1.recordNumber, $1.id
                )
            }
        var latest: [String: Int] = [:]
        for (index, entry) in all.enumerated() {
            guard schema.table(entry.entity) != nil, let key = entry.key, !key.isEmpty else { continue }
            latest[entry.entity + "\u{1F}" + key] = index
        }
        var measured: [QuarantineEntry] = []
        for (index, entry) in all.enumerated() {
            guard schema.table(entry.entity) != nil else { continue }
            if let key = entry.key, !key.isEmpty {
                guard latest[entry.entity + "\u{1F}" + key] == index else { continue }
                if let record = try await store.record(entity: entry.entity, key: key, scope: scope),
                    period?.contains(secondsSinceEpoch: record.changedAt) ?? true
                {
                    continue
                }
            }
            measured.append(entry)
        }
        return (all, measured)
    }

    /// Validates spooled files together, then settles the references to stored records that are not among them.
    private func validate(
        _ files: [QualitySpool.File], with validator: RecordValidator,
        settlement: inout QualityReferenceSettlement
    ) async throws -> ValidationReport {
        guard !files.isEmpty else { return ValidationReport() }
        var ledger = QualityIssueLedger()
        let report = try await validator.validate(files.map { ValidationInput(entity: $0.entity, file: $0.url) }) {
            ledger.add($0)
        }
        return try await settlement.settle(report, ledger: ledger)
    }

    // MARK: Sections

    private func entitiesInOrder(_ entities: Set<String>) -> [String] {
        schema.tables.map(\.entity.id).filter { entities.contains($0) }
    }

    private func worstFields(_ quality: QualitySummary) -> [QualityReport.FieldQuality] {
        var candidates: [(order: Int, field: QualityReport.FieldQuality)] = []
        for table in schema.tables {
            guard let summary = quality.entity(table.entity.id) else { continue }
            for field in summary.fields where field.completeness.numerator > 0 {
                guard let spec = table.entity.field(field.field) else { continue }
                let row = QualityReport.FieldQuality(
                    entity: table.entity.id, field: field.field, name: spec.name, required: spec.required,
                    completeness: field.completeness, validity: field.validity)
                guard row.weakest < 1 else { continue }
                candidates.append((candidates.count, row))
            }
        }
        candidates.sort { left, right in
            if left.field.weakest != right.field.weakest { return left.field.weakest < right.field.weakest }
            if left.field.validity.value != right.field.validity.value {
                return left.field.validity.value < right.field.validity.value
            }
            return left.order < right.order
        }
        return candidates.prefix(max(0, worstFieldLimit)).map(\.field)
    }

    private func quarantineSection(
        _ quarantine: (all: [QuarantineEntry], measured: [QuarantineEntry])
    ) -> QualityReport.QuarantineSection {
        var counts: [String: Int] = [:]
        for entry in quarantine.all { counts[entry.entity, default: 0] += 1 }
        let known = schema.tables.map(\.entity.id)
        let order = known + counts.keys.filter { schema.table($0) == nil }.sorted()
        let byEntity = order.compactMap { entity in
            counts[entity].map { QualityReport.EntityCount(entity: entity, count: $0) }
        }
        let listed = quarantine.all.prefix(max(0, quarantineListLimit)).map { entry in
            QualityReport.QuarantinedRecord(
                id: entry.id, entity: entry.entity, key: entry.key, source: entry.source,
                recordNumber: entry.recordNumber, line: entry.line, quarantinedAt: entry.quarantinedAt,
                errors: entry.issues.filter { $0.severity == .error }.prefix(max(0, errorsPerQuarantinedRecord)).map {
                    QualityReport.Finding(field: $0.field, ruleID: $0.ruleID, message: $0.message)
                })
        }
        return QualityReport.QuarantineSection(
            total: quarantine.all.count, measured: quarantine.measured.count, byEntity: byEntity, listed: listed)
    }

    private func ticketSection(scope: DivisionScope) async throws -> QualityReport.TicketSection {
        var counts: [TicketStatus: Int] = [:]
        var open: [Ticket] = []
        for status in TicketStatus.allCases {
            let tickets = try await store.tickets(scope: scope, status: status)
            counts[status] = tickets.count
            if status == .open { open = tickets }
        }
        open.sort {
            ($0.entity, $0.key ?? "", $0.field ?? "", $0.id) < ($1.entity, $1.key ?? "", $1.field ?? "", $1.id)
        }
        let listed = open.prefix(max(0, openTicketListLimit)).map {
            QualityReport.OpenTicket(
                id: $0.id, entity: $0.entity, key: $0.key, field: $0.field, ruleID: $0.ruleID, message: $0.message)
        }
        return QualityReport.TicketSection(
            open: counts[.open] ?? 0, fixed: counts[.fixed] ?? 0, rechecked: counts[.rechecked] ?? 0,
            openTickets: Array(listed))
    }
}

/// The temporary JSON Lines files of a report: one per entity and source, written in blocks.
final class QualitySpool {
    /// One file.
    struct File {
        var entity: String
        var source: String
        var url: URL
    }

    private struct Name: Hashable {
        var entity: String
        var source: String
    }

    private let directory: URL
    private(set) var files: [File] = []
    private var index: [Name: Int] = [:]
    private var buffers: [[UInt8]] = []
    private var written: [Bool] = []
    private var buffered = 0
    private static let flushThreshold = 4 << 20

    init(directory: URL) {
        self.directory = directory
    }

    /// Appends a line to the file of an entity and source.
    func append(entity: String, source: String, line: [UInt8]) throws {
        let name = Name(entity: entity, source: source)
        let slot: Int
        if let existing = index[name] {
            slot = existing
        } else {
            slot = files.count
            index[name] = slot
            files.append(
                File(
                    entity: entity, source: source,
                    url: directory.appendingPathComponent("\(files.count).jsonl", isDirectory: false)))
            buffers.append([])
            written.append(false)
        }
        buffers[slot] += line
        buffered += line.count
        if buffered >= Self.flushThreshold { try finish() }
    }

    /// Writes every buffered line.
    func finish() throws {
        for slot in buffers.indices where !buffers[slot].isEmpty {
            let url = files[slot].url
            if written[slot] {
                let handle = try FileHandle(forWritingTo: url)
                defer { try? handle.close() }
                try handle.seekToEnd()
                try handle.write(contentsOf: buffers[slot])
            } else {
                try Data(buffers[slot]).write(to: url)
                written[slot] = true
            }
            buffers[slot].removeAll(keepingCapacity: false)
        }
        buffered = 0
    }

    /// A JSON object of string members, on one line, ending with a line feed.
    static func jsonLine(_ members: [(String, String)]) -> [UInt8] {
        var line: [UInt8] = [UInt8(ascii: "{")]
        for (offset, (key, value)) in members.enumerated() {
            if offset > 0 { line.append(UInt8(ascii: ",")) }
            appendString(key, to: &line)
            line.append(UInt8(ascii: ":"))
            appendString(value, to: &line)
        }
        line.append(UInt8(ascii: "}"))
        line.append(0x0A)
        return line
    }

    private static func appendString(_ string: String, to line: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        line.append(0x22)
        for byte in string.utf8 {
            switch byte {
            case 0x22: line += [0x5C, 0x22]
            case 0x5C: line += [0x5C, 0x5C]
            case 0x0A: line += [0x5C, UInt8(ascii: "n")]
            case 0x0D: line += [0x5C, UInt8(ascii: "r")]
            case 0x09: line += [0x5C, UInt8(ascii: "t")]
            case 0x00..<0x20:
                line += Array("\\u00".utf8)
                line.append(hex[Int(byte >> 4)])
                line.append(hex[Int(byte & 0x0F)])
            default: line.append(byte)
            }
        }
        line.append(0x22)
    }
}
