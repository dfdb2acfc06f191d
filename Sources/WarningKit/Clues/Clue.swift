import EnforcementModel

/// 执法线索 (Enforcement clue): a record of the standard's `clue` entity, the one store of clues (WRN-1).
///
/// Properties mirror the fields of `Specs/sichuan-enforcement/1.0/entities/clue.yaml` one to one, with the
/// standard's field ids as coding keys: a clue encodes to exactly the JSON object the standard describes (a test
/// fails when the two drift apart). Key: `clue_id`.
///
/// ```swift
/// let clue = try Clue(fields: ["clue_id": "XS510107202611220001", "source": "01", …])
/// clue.fieldValues   // [("clue_id", "XS510107202611220001"), ("source", "01"), …] in the standard's order
/// ```
public struct Clue: StandardRecord {
    /// The entity id in the standard.
    public static let entityID = "clue"

    /// 线索编号 (Clue id): `XS` + division + date (8 digits) + 4-digit sequence.
    public var clueId: String
    /// 线索来源 (Source); a code of `clue_source` (`01` 12369 … `07` early warning).
    public var source: String
    /// 来源单号 (Source reference): the report, ticket, alarm or warning id in the source system.
    public var sourceRef: String?
    /// 接收时间 (Received at).
    public var receivedAt: LocalDateTime
    /// 问题发生时间 (Occurred at).
    public var occurredAt: LocalDateTime?
    /// 涉及对象名称 (Object).
    public var objectName: String
    /// 匹配污染源编码 (Matched source code): the regulated entity.
    public var entityCode: String?
    /// 地址 (Address).
    public var address: String?
    /// 所属市（州） (City or prefecture).
    public var cityCode: DivisionCode
    /// 所属县（市、区） (County).
    public var divisionCode: DivisionCode
    /// 环境要素 (Medium); a code of `medium` (`A` air, `W` water, …).
    public var medium: String?
    /// 涉嫌违法类型 (Suspected violation); a code of `violation_type` (hierarchical: `03` ⊃ `0301`).
    public var violationType: String?
    /// 线索摘要 (Summary).
    public var summary: String
    /// 严重程度 (Severity); a code of `severity` (`1` minor … `4` very serious).
    public var severity: String
    /// 举报人姓名 (Reporter name); sensitive.
    public var reporterName: String?
    /// 举报人联系电话 (Reporter phone); sensitive.
    public var reporterPhone: String?
    /// 线索状态 (Status); a code of `clue_status` (`01` awaiting assessment … `06` merged).
    public var status: String
    /// 分拨方式 (Dispatch mode); a code of `dispatch_mode`.
    public var dispatchMode: String?
    /// 分拨任务编号 (Task id).
    public var taskId: String?
    /// 合并至线索编号 (Merged into): the clue this one was merged into.
    public var mergedInto: String?
    /// 办结时间 (Closed at).
    public var closedAt: LocalDateTime?

    /// Creates a clue; optional fields default to `nil`.
    public init(
        clueId: String,
        source: String,
        sourceRef: String? = nil,
        receivedAt: LocalDateTime,
        occurredAt: LocalDateTime? = nil,
        objectName: String,
        entityCode: String? = nil,
        address: String? = nil,
        cityCode: DivisionCode,
        divisionCode: DivisionCode,
        medium: String? = nil,
        violationType: String? = nil,
        summary: String,
        severity: String,
        reporterName: String? = nil,
        reporterPhone: String? = nil,
        status: String,
        dispatchMode: String? = nil,
        taskId: String? = nil,
        mergedInto: String? = nil,
        closedAt: LocalDateTime? = nil
    ) {
        self.clueId = clueId
        self.source = source
        self.sourceRef = sourceRef
        self.receivedAt = receivedAt
        self.occurredAt = occurredAt
        self.objectName = objectName
        self.entityCode = entityCode
        self.address = address
        self.cityCode = cityCode
        self.divisionCode = divisionCode
        self.medium = medium
        self.violationType = violationType
        self.summary = summary
        self.severity = severity
        self.reporterName = reporterName
        self.reporterPhone = reporterPhone
        self.status = status
        self.dispatchMode = dispatchMode
        self.taskId = taskId
        self.mergedInto = mergedInto
        self.closedAt = closedAt
    }

    private enum CodingKeys: String, CodingKey {
        case clueId = "clue_id"
        case source
        case sourceRef = "source_ref"
        case receivedAt = "received_at"
        case occurredAt = "occurred_at"
        case objectName = "object_name"
        case entityCode = "entity_code"
        case address
        case cityCode = "city_code"
        case divisionCode = "division_code"
        case medium
        case violationType = "violation_type"
        case summary
        case severity
        case reporterName = "reporter_name"
        case reporterPhone = "reporter_phone"
        case status
        case dispatchMode = "dispatch_mode"
        case taskId = "task_id"
        case mergedInto = "merged_into"
        case closedAt = "closed_at"
    }

    /// The standard's field ids, in declaration order.
    public static let fieldIDs = [
        "clue_id", "source", "source_ref", "received_at", "occurred_at", "object_name", "entity_code", "address",
        "city_code", "division_code", "medium", "violation_type", "summary", "severity", "reporter_name",
        "reporter_phone", "status", "dispatch_mode", "task_id", "merged_into", "closed_at",
    ]

    /// The values of every field as the standard writes them, in declaration order (`nil` when absent).
    public var fieldValues: [(field: String, value: String?)] {
        [
            ("clue_id", clueId), ("source", source), ("source_ref", sourceRef),
            ("received_at", receivedAt.description), ("occurred_at", occurredAt?.description),
            ("object_name", objectName), ("entity_code", entityCode), ("address", address),
            ("city_code", cityCode.stringValue), ("division_code", divisionCode.stringValue), ("medium", medium),
            ("violation_type", violationType), ("summary", summary), ("severity", severity),
            ("reporter_name", reporterName), ("reporter_phone", reporterPhone), ("status", status),
            ("dispatch_mode", dispatchMode), ("task_id", taskId), ("merged_into", mergedInto),
            ("closed_at", closedAt?.description),
        ]
    }

    /// Creates a clue from its fields as text (field id → value; empty means absent), as read from a CSV, JSON
    /// Lines or JSON file of the standard.
    ///
    /// - Parameter place: Where the record comes from, for errors (file, line, record key).
    /// - Throws: ``ClueError`` naming the field when a required one is missing or a value does not parse.
    public init(fields: [String: String], place: ClueError.Place = ClueError.Place()) throws(ClueError) {
        let reader = ClueFieldReader(entity: Clue.entityID, fields: fields, place: place)
        self.init(
            clueId: try reader.required("clue_id"),
            source: try reader.required("source"),
            sourceRef: reader.optional("source_ref"),
            receivedAt: try reader.requiredDateTime("received_at"),
            occurredAt: try reader.dateTime("occurred_at"),
            objectName: try reader.required("object_name"),
            entityCode: reader.optional("entity_code"),
            address: reader.optional("address"),
            cityCode: try reader.requiredDivision("city_code"),
            divisionCode: try reader.requiredDivision("division_code"),
            medium: reader.optional("medium"),
            violationType: reader.optional("violation_type"),
            summary: try reader.required("summary"),
            severity: try reader.required("severity"),
            reporterName: reader.optional("reporter_name"),
            reporterPhone: reader.optional("reporter_phone"),
            status: try reader.required("status"),
            dispatchMode: reader.optional("dispatch_mode"),
            taskId: reader.optional("task_id"),
            mergedInto: reader.optional("merged_into"),
            closedAt: try reader.dateTime("closed_at"))
    }
}

/// Reads the text fields of a source record with located errors.
struct ClueFieldReader {
    let entity: String
    let fields: [String: String]
    let place: ClueError.Place

    func optional(_ field: String) -> String? {
        guard let value = fields[field]?.clueTrimmed, !value.isEmpty else { return nil }
        return value
    }

    func required(_ field: String) throws(ClueError) -> String {
        guard let value = optional(field) else {
            throw ClueError(
                .missingField, place: place, entity: entity, field: field, rule: "clue.required",
                message: "the field \(field) is required", messageZH: "缺少必填字段 \(field)")
        }
        return value
    }

    func dateTime(_ field: String) throws(ClueError) -> LocalDateTime? {
        guard let text = optional(field) else { return nil }
        guard let value = ClueDates.parse(text) else {
            throw ClueError(
                .invalidValue, place: place, entity: entity, field: field, rule: "clue.datetime",
                message: "`\(text)` is not a datetime (YYYY-MM-DD HH:MM:SS or ISO 8601)",
                messageZH: "“\(text)”不是有效的日期时间")
        }
        return value
    }

    func requiredDateTime(_ field: String) throws(ClueError) -> LocalDateTime {
        _ = try required(field)
        guard let value = try dateTime(field) else { throw missing(field) }
        return value
    }

    func division(_ field: String) throws(ClueError) -> DivisionCode? {
        guard let text = optional(field) else { return nil }
        do {
            return try DivisionCode(text)
        } catch {
            throw ClueError(
                .invalidValue, place: place, entity: entity, field: field, rule: "clue.division",
                message: error.message, messageZH: error.messageZH)
        }
    }

    func requiredDivision(_ field: String) throws(ClueError) -> DivisionCode {
        guard let value = try division(field) else { throw missing(field) }
        return value
    }

    func missing(_ field: String) -> ClueError {
        ClueError(
            .missingField, place: place, entity: entity, field: field, rule: "clue.required",
            message: "the field \(field) is required", messageZH: "缺少必填字段 \(field)")
    }
}

/// Datetimes as the standard writes them.
enum ClueDates {
    /// Parses `YYYY-MM-DD HH:MM:SS` (Beijing) or ISO 8601, including offsets written `+0800` or `+08`.
    static func parse(_ text: String) -> LocalDateTime? {
        if let value = try? LocalDateTime(text) { return value }
        // The validator also accepts ±HHMM and ±HH offsets; rewrite them as ±HH:MM.
        let characters = Array(text)
        guard characters.count > 19 else { return nil }
        let head = String(characters[0..<19])
        var tail = String(characters[19...])
        var fraction = ""
        if tail.hasPrefix(".") {
            let digits = tail.dropFirst().prefix { $0.isASCII && $0.isNumber }
            fraction = "." + digits
            tail = String(tail.dropFirst(1 + digits.count))
        }
        guard let sign = tail.first, sign == "+" || sign == "-" else { return nil }
        let digits = tail.dropFirst()
        let offset: String
        switch digits.count {
        case 4: offset = "\(sign)\(digits.prefix(2)):\(digits.suffix(2))"
        case 2: offset = "\(sign)\(digits):00"
        default: return nil
        }
        return try? LocalDateTime(head + fraction + offset)
    }

    /// The moment in Beijing time (the form the standard writes).
    static func beijing(_ seconds: Int64) -> LocalDateTime {
        LocalDateTime(secondsSinceEpoch: seconds)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    var clueTrimmed: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
