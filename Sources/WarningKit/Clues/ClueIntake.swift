import EnforcementModel

/// A clue in the standard's fields, with what matching and tracing need beyond them: the entity's unified social
/// credit code (the `clue` entity has no field for it) and the references of the evidence a report came with.
public struct NormalizedClue: Sendable, Hashable, Codable {
    /// The clue.
    public var clue: Clue
    /// The USCC of the object, when the source gave it (used to match clues of the same entity).
    public var uscc: String?
    /// References of the evidence that came with the source (attachment ids, file hashes, evidence ids).
    public var evidence: [String]

    /// Creates a normalised clue.
    public init(clue: Clue, uscc: String? = nil, evidence: [String] = []) {
        self.clue = clue
        self.uscc = uscc
        self.evidence = evidence
    }
}

/// A record of a clue source, in the field ids of its entity in the standard (`report_12369`, `hotline_12345`,
/// `auto_monitoring_alarm`, `power_alarm`, `e_supervision_order`, `public_report`).
public struct ClueSourceRecord: Sendable, Hashable {
    /// The entity of the record.
    public var entity: String
    /// The fields as text (field id → value; empty means absent).
    public var fields: [String: String]
    /// References of the evidence the record came with (a public report's attachments).
    public var evidence: [String]
    /// Where the record was read, for errors.
    public var place: ClueError.Place

    /// Creates a record.
    public init(
        entity: String, fields: [String: String], evidence: [String] = [], place: ClueError.Place = .init()
    ) {
        self.entity = entity
        self.fields = fields
        self.evidence = evidence
        self.place = place
    }
}

/// What the intake knows about regulated entities, to name the object of an alarm that only gives its code.
public struct ClueEntityDirectory: Sendable, Hashable {
    /// One regulated entity.
    public struct Entry: Sendable, Hashable {
        /// The name (`regulated_entity.name`).
        public var name: String
        /// The USCC.
        public var uscc: String?
        /// The address.
        public var address: String?
        /// The county.
        public var divisionCode: String?
        /// The main medium of its discharges (`A`, `W`), if one.
        public var medium: String?

        /// Creates an entry.
        public init(
            name: String, uscc: String? = nil, address: String? = nil, divisionCode: String? = nil,
            medium: String? = nil
        ) {
            self.name = name
            self.uscc = uscc
            self.address = address
            self.divisionCode = divisionCode
            self.medium = medium
        }
    }

    /// The entries by `entity_code`.
    public var entries: [String: Entry]

    /// Creates a directory.
    public init(entries: [String: Entry] = [:]) {
        self.entries = entries
    }
}

/// One input of `ClueIntake.normalize(_:)`: a source record or a warning.
public enum ClueInput: Sendable, Hashable {
    /// A record of a source entity.
    case record(ClueSourceRecord)
    /// A warning of the early-warning rules or cross-checks (clue source `07`), with its `warning_id` when it has
    /// one.
    case warning(Warning, id: String?)
}

/// Normalises clues from every source into the standard's `clue` entity (WRN-1), giving each a clue id.
///
/// | source | `clue_source` | reference | received | object |
/// |---|---|---|---|---|
/// | `report_12369` | `01` | `report_no` | `received_at` | `reported_object` |
/// | `hotline_12345` | `02` | `ticket_no` | `received_at` | `reported_object`, else `address` |
/// | `auto_monitoring_alarm` | `03` | `alarm_id` | `alarm_time` | the directory's name, else `entity_code` |
/// | `power_alarm` | `04` | `alarm_id` | `alarm_start` | the directory's name, else `entity_code` |
/// | `e_supervision_order` | `05` | `order_no` | `issued_at` | `entity_name` |
/// | `public_report` | `06` | `report_id` | `submitted_at` | `object_name` (with its evidence references) |
/// | ``Warning`` | `07` | the warning id | `triggeredAt` | label `entity_name`, the directory, `entity`, the point |
///
/// The severity comes from the alarm or warning level where there is one, else from the source
/// (``ClueIntakePolicy``); the suspected violation from the alarm, issue or warning type (per medium where it
/// matters); the medium from the record, else from the pollutant code (`a…` air, `w…` water), else from the
/// directory. Every clue starts in status `01` (awaiting assessment). A division's city is the division's prefix.
///
/// **Ids.** `XS` + county + the Beijing date of reception + a 4-digit sequence per county and day, continuing after
/// the ids already taken (``init(policy:directory:existingIDs:)``). `normalize(_:)` allocates them in a fixed
/// order — by reception time, source, reference, then position — so the same inputs get the same ids in any order.
///
/// ```swift
/// var intake = ClueIntake(policy: configuration.intake, directory: directory, existingIDs: store.clueIDs)
/// let (clues, errors) = intake.normalize([.record(report), .warning(warning, id: "YJ5101072026…")])
/// ```
public struct ClueIntake: Sendable {
    /// The policy.
    public let policy: ClueIntakePolicy
    /// The regulated entities known.
    public let directory: ClueEntityDirectory
    private var sequences: [String: Int] = [:]

    /// Creates an intake; ids continue after the highest sequence of `existingIDs` per county and day.
    public init(
        policy: ClueIntakePolicy, directory: ClueEntityDirectory = .init(), existingIDs: some Sequence<String> = []
    ) {
        self.policy = policy
        self.directory = directory
        for id in existingIDs where id.count == 20 && id.hasPrefix("XS") {
            let prefix = String(id.prefix(16))
            if let sequence = Int(id.suffix(4)), sequence > sequences[prefix, default: 0] {
                sequences[prefix] = sequence
            }
        }
    }

    /// Normalises inputs, allocating ids in the fixed order.
    ///
    /// - Returns: The clues of the inputs that could be normalised, in input order, and the errors of the others.
    public mutating func normalize(_ inputs: [ClueInput]) -> (clues: [NormalizedClue], errors: [ClueError]) {
        var drafts: [(position: Int, clue: NormalizedClue)] = []
        var errors: [ClueError] = []
        for (position, input) in inputs.enumerated() {
            do {
                switch input {
                case .record(let record): drafts.append((position, try draft(record)))
                case .warning(let warning, let id): drafts.append((position, try draft(warning, id: id)))
                }
            } catch {
                errors.append(error)
            }
        }
        let order = drafts.indices.sorted { lhs, rhs in
            let a = drafts[lhs].clue.clue
            let b = drafts[rhs].clue.clue
            return (a.receivedAt.secondsSinceEpoch, a.source, a.sourceRef ?? "", drafts[lhs].position)
                < (b.receivedAt.secondsSinceEpoch, b.source, b.sourceRef ?? "", drafts[rhs].position)
        }
        var allocated: [Int: NormalizedClue] = [:]
        for index in order {
            var clue = drafts[index].clue
            do {
                clue.clue.clueId = try allocate(for: clue.clue)
                allocated[index] = clue
            } catch {
                errors.append(error)
            }
        }
        let clues = drafts.indices.compactMap { allocated[$0] }
        return (clues, errors)
    }

    /// Normalises one source record and gives it the next id.
    ///
    /// - Throws: ``ClueError`` naming the record and field when a field the clue needs is missing or malformed.
    public mutating func normalize(_ record: ClueSourceRecord) throws(ClueError) -> NormalizedClue {
        var clue = try draft(record)
        clue.clue.clueId = try allocate(for: clue.clue)
        return clue
    }

    /// Normalises one warning (source `07`) and gives it the next id.
    ///
    /// - Throws: ``ClueError`` when the warning names no division (label `division`, or its entity in the directory).
    public mutating func normalize(_ warning: Warning, id: String?) throws(ClueError) -> NormalizedClue {
        var clue = try draft(warning, id: id)
        clue.clue.clueId = try allocate(for: clue.clue)
        return clue
    }

    // MARK: Ids

    private mutating func allocate(for clue: Clue) throws(ClueError) -> String {
        let date = ClueDates.beijing(Int64(clue.receivedAt.secondsSinceEpoch)).date
        let day = String(format4(date.year)) + two(date.month) + two(date.day)
        let prefix = "XS" + clue.divisionCode.stringValue + day
        let next = sequences[prefix, default: 0] + 1
        guard next <= 9999 else {
            throw ClueError(
                .sequenceExhausted, place: .init(recordKey: clue.sourceRef), entity: Clue.entityID, field: "clue_id",
                rule: "clue.sequence", message: "the 9999 clue ids of \(prefix) are used up",
                messageZH: "\(prefix) 当日 9999 个线索编号已用完")
        }
        sequences[prefix] = next
        return prefix + format4(next)
    }

    private func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    private func format4(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    // MARK: Sources

    private func draft(_ record: ClueSourceRecord) throws(ClueError) -> NormalizedClue {
        let keyField: String
        switch record.entity {
        case "report_12369": keyField = "report_no"
        case "hotline_12345": keyField = "ticket_no"
        case "auto_monitoring_alarm", "power_alarm": keyField = "alarm_id"
        case "e_supervision_order": keyField = "order_no"
        case "public_report": keyField = "report_id"
        default:
            throw ClueError(
                .unknownSource, place: record.place, entity: record.entity, rule: "clue.source",
                message: "\(record.entity) is not a clue source (report_12369, hotline_12345, auto_monitoring_alarm, "
                    + "power_alarm, e_supervision_order, public_report)",
                messageZH: "\(record.entity) 不是线索来源")
        }
        var place = record.place
        if place.recordKey == nil { place.recordKey = record.fields[keyField]?.clueTrimmed }
        let reader = ClueFieldReader(entity: record.entity, fields: record.fields, place: place)
        let reference = try reader.required(keyField)
        let entityCode = reader.optional("entity_code")
        let known = entityCode.flatMap { directory.entries[$0] }

        func object(_ candidates: String?...) throws(ClueError) -> String {
            for candidate in candidates {
                if let candidate, !candidate.isEmpty { return String(candidate.prefix(200)) }
            }
            throw ClueError(
                .missingField, place: place, entity: record.entity, field: "object_name", rule: "clue.object",
                message: "the record names no object (no object, entity name or address)",
                messageZH: "记录未指明涉及对象（无对象名称、单位名称或地址）")
        }
        func divisions(_ fallback: String? = nil) throws(ClueError) -> (city: DivisionCode, county: DivisionCode) {
            let county =
                try reader.division("division_code")
                ?? (fallback.flatMap { try? DivisionCode($0) })
            guard let county else { throw reader.missing("division_code") }
            let city = try reader.division("city_code") ?? county.cityCode ?? county
            return (city, county)
        }

        switch record.entity {
        case "report_12369":
            let (city, county) = try divisions()
            let medium = reader.optional("medium")
            return NormalizedClue(
                clue: Clue(
                    clueId: "", source: "01", sourceRef: reference,
                    receivedAt: try reader.requiredDateTime("received_at"),
                    objectName: try object(reader.optional("reported_object")), entityCode: entityCode,
                    address: reader.optional("address"), cityCode: city, divisionCode: county, medium: medium,
                    violationType: reader.optional("violation_type"), summary: try reader.required("content"),
                    severity: policy.severity(source: "01"), reporterName: reader.optional("reporter_name"),
                    reporterPhone: reader.optional("reporter_phone"), status: "01"),
                uscc: reader.optional("uscc") ?? known?.uscc, evidence: record.evidence)
        case "hotline_12345":
            let (city, county) = try divisions()
            return NormalizedClue(
                clue: Clue(
                    clueId: "", source: "02", sourceRef: reference,
                    receivedAt: try reader.requiredDateTime("received_at"),
                    objectName: try object(reader.optional("reported_object"), known?.name, reader.optional("address")),
                    entityCode: entityCode, address: reader.optional("address"), cityCode: city, divisionCode: county,
                    medium: reader.optional("medium"), summary: try reader.required("content"),
                    severity: policy.severity(source: "02"), reporterName: reader.optional("caller_name"),
                    reporterPhone: reader.optional("caller_phone"), status: "01"),
                uscc: known?.uscc, evidence: record.evidence)
        case "auto_monitoring_alarm":
            let (city, county) = try divisions(known?.divisionCode)
            let pollutant = reader.optional("pollutant_code")
            let medium = Self.medium(pollutant: pollutant) ?? known?.medium
            let type = try reader.required("alarm_type")
            let point = try reader.required("point_code")
            var summary = "自动监控报警（报警类型\(type)）：监控点\(point)"
            if let pollutant { summary += "，因子\(pollutant)" }
            if let value = reader.optional("alarm_value") { summary += "，报警值\(value)" }
            if let limit = reader.optional("limit_value") { summary += "，限值\(limit)" }
            let time = try reader.requiredDateTime("alarm_time")
            return NormalizedClue(
                clue: Clue(
                    clueId: "", source: "03", sourceRef: reference, receivedAt: time, occurredAt: time,
                    objectName: try object(known?.name, entityCode), entityCode: entityCode, address: known?.address,
                    cityCode: city, divisionCode: county, medium: medium,
                    violationType: policy.violationByMonitoringAlarm[type]?.code(for: medium), summary: summary,
                    severity: policy.severity(source: "03"), status: "01"),
                uscc: known?.uscc, evidence: record.evidence)
        case "power_alarm":
            let (city, county) = try divisions(known?.divisionCode)
            let type = try reader.required("alarm_type")
            let level = try reader.required("level")
            let time = try reader.requiredDateTime("alarm_start")
            return NormalizedClue(
                clue: Clue(
                    clueId: "", source: "04", sourceRef: reference, receivedAt: time, occurredAt: time,
                    objectName: try object(known?.name, entityCode), entityCode: entityCode, address: known?.address,
                    cityCode: city, divisionCode: county, medium: known?.medium,
                    violationType: policy.violationByPowerAlarm[type]?.code(for: known?.medium),
                    summary: try reader.required("description"),
                    severity: policy.severityByLevel[level] ?? policy.severity(source: "04"), status: "01"),
                uscc: known?.uscc, evidence: record.evidence)
        case "e_supervision_order":
            let (city, county) = try divisions(known?.divisionCode)
            let type = try reader.required("issue_type")
            return NormalizedClue(
                clue: Clue(
                    clueId: "", source: "05", sourceRef: reference,
                    receivedAt: try reader.requiredDateTime("issued_at"),
                    objectName: try object(reader.optional("entity_name"), known?.name, entityCode),
                    entityCode: entityCode, address: known?.address, cityCode: city, divisionCode: county,
                    medium: known?.medium,
                    violationType: policy.violationByMonitoringAlarm[type]?.code(for: known?.medium),
                    summary: try reader.required("content"), severity: policy.severity(source: "05"), status: "01"),
                uscc: reader.optional("uscc") ?? known?.uscc, evidence: record.evidence)
        default:  // public_report
            let (city, county) = try divisions()
            return NormalizedClue(
                clue: Clue(
                    clueId: "", source: "06", sourceRef: reference,
                    receivedAt: try reader.requiredDateTime("submitted_at"),
                    objectName: try object(reader.optional("object_name")), entityCode: entityCode,
                    address: reader.optional("address"), cityCode: city, divisionCode: county,
                    medium: reader.optional("medium"), summary: try reader.required("content"),
                    severity: policy.severity(source: "06"), reporterName: reader.optional("reporter_name"),
                    reporterPhone: reader.optional("reporter_phone"), status: "01"),
                uscc: known?.uscc, evidence: record.evidence)
        }
    }

    private func draft(_ warning: Warning, id: String?) throws(ClueError) -> NormalizedClue {
        let labels = warning.labels
        let reference = String(
            (id ?? labels["warning_id"] ?? "\(warning.ruleID)@\(warning.point)@\(warning.triggeredAt)").prefix(64))
        let place = ClueError.Place(recordKey: reference)
        let entityCode = labels["entity"]
        let known = entityCode.flatMap { directory.entries[$0] }
        guard let countyText = labels["division"] ?? known?.divisionCode, let county = try? DivisionCode(countyText)
        else {
            throw ClueError(
                .missingField, place: place, entity: "warning", field: "division_code", rule: "clue.required",
                message: "the warning names no valid county (label `division`, or its entity in the directory)",
                messageZH: "预警未指明有效的所属县（市、区）（标签 division 或目录中的污染源）")
        }
        let city = labels["city"].flatMap { try? DivisionCode($0) } ?? county.cityCode ?? county
        let medium =
            labels["medium"].flatMap { ["air": "A", "water": "W", "A": "A", "W": "W"][$0] }
            ?? Self.medium(pollutant: warning.pollutant) ?? known?.medium
        let object = labels["entity_name"] ?? known?.name ?? entityCode ?? "监控点\(warning.point)"
        return NormalizedClue(
            clue: Clue(
                clueId: "", source: "07", sourceRef: reference,
                receivedAt: ClueDates.beijing(warning.triggeredAt),
                occurredAt: ClueDates.beijing(min(warning.windowStart, warning.triggeredAt)),
                objectName: String(object.prefix(200)), entityCode: entityCode,
                address: labels["address"] ?? known?.address, cityCode: city, divisionCode: county, medium: medium,
                violationType: policy.violationByWarningType[warning.type]?.code(for: medium),
                summary: warning.description, severity: policy.severityByLevel[warning.level.code] ?? "1",
                status: "01"),
            uscc: labels["uscc"] ?? known?.uscc, evidence: [])
    }

    /// The medium of a pollutant code: `a…` air, `w…` water.
    static func medium(pollutant: String?) -> String? {
        switch pollutant?.first {
        case "a": "A"
        case "w": "W"
        default: nil
        }
    }
}
