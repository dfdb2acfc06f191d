import EnforcementModel

/// A text in the two languages of the platform: Chinese (authoritative) and English.
public struct LocalizedText: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The Chinese text, the authoritative wording.
    public var zh: String
    /// The English text.
    public var en: String

    /// Creates a bilingual text.
    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    /// `zh (en)`.
    public var description: String { "\(zh) (\(en))" }
}

/// A place in a source file: the file and a 1-based line and column.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The file path, as given to the loader.
    public var file: String
    /// The 1-based line, or 0 when unknown.
    public var line: Int
    /// The 1-based column, or 0 when unknown.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int = 0, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String {
        line > 0 ? "\(file):\(line):\(column)" : file
    }
}

/// How serious a finding is.
public enum Severity: String, Hashable, Sendable, Codable, Comparable, CaseIterable {
    /// A warning: the record is kept and flagged.
    case warning
    /// An error: the record does not conform to the standard.
    case error

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        lhs == .warning && rhs == .error
    }
}

/// The value type of a field in the standard.
///
/// See `Specs/README.md` for what each type accepts.
public enum FieldType: String, Hashable, Sendable, Codable, CaseIterable {
    case string
    case text
    case integer
    case decimal
    case boolean
    case date
    case datetime
    case code
    case uscc
    case organizationCode = "org_code"
    case idCard = "id_card"
    case division
    case industry
    case pollutant
    case permitNumber = "permit_number"
    case outletCode = "outlet_code"
    case mn

    /// Whether values of this type are ordered (numbers and times), so that `range` and `compare` apply.
    public var isOrdered: Bool {
        switch self {
        case .integer, .decimal, .date, .datetime: true
        default: false
        }
    }

    /// Whether values of this type are numbers.
    public var isNumeric: Bool { self == .integer || self == .decimal }
}

/// Inclusive numeric bounds.
public struct NumericRange: Hashable, Sendable, Codable {
    /// The smallest allowed value, if any.
    public var min: Double?
    /// The largest allowed value, if any.
    public var max: Double?

    /// Creates bounds.
    public init(min: Double? = nil, max: Double? = nil) {
        self.min = min
        self.max = max
    }
}

/// Inclusive bounds on a count of characters.
public struct LengthRange: Hashable, Sendable, Codable {
    /// The fewest characters allowed, if any.
    public var min: Int?
    /// The most characters allowed, if any.
    public var max: Int?

    /// Creates bounds.
    public init(min: Int? = nil, max: Int? = nil) {
        self.min = min
        self.max = max
    }
}

/// A reference from a field to a field of another (or the same) entity.
///
/// With a `scope`, the reference is composite: the value together with the scope fields' values (same field ids in
/// both entities) must match one record of the referenced entity — an outlet code `DA001` exists in every permit,
/// so `permit_limit.outlet_code` refers to `permit_outlet.outlet_code` *within* `permit_number`.
public struct FieldReference: Hashable, Sendable, Codable {
    /// The referenced entity id.
    public var entity: String
    /// The referenced field id.
    public var field: String
    /// Fields of both entities whose values must match too (a composite reference); empty for a simple one.
    public var scope: [String]

    /// Creates a reference.
    public init(entity: String, field: String, scope: [String] = []) {
        self.entity = entity
        self.field = field
        self.scope = scope
    }

    private enum CodingKeys: String, CodingKey {
        case entity, field
        case scope = "with"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        entity = try container.decode(String.self, forKey: .entity)
        field = try container.decode(String.self, forKey: .field)
        scope = try container.decodeIfPresent([String].self, forKey: .scope) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entity, forKey: .entity)
        try container.encode(field, forKey: .field)
        if !scope.isEmpty { try container.encode(scope, forKey: .scope) }
    }
}

/// One field of an entity: its structure (type) and its dictionary entry (names, unit, constraints).
public struct FieldSpec: Hashable, Sendable {
    /// The field id: the JSON key and the CSV column name.
    public var id: String
    /// The Chinese and English names; a CSV header may use the Chinese name.
    public var name: LocalizedText
    /// What the field means.
    public var description: LocalizedText?
    /// The value type.
    public var type: FieldType
    /// The unit of a numeric value.
    public var unit: String?
    /// Whether the field must be present and non-empty.
    public var required: Bool
    /// Whether no two records of an input may share the value.
    public var unique: Bool
    /// A regular expression the whole value must match.
    public var pattern: String?
    /// Inclusive numeric bounds.
    public var range: NumericRange?
    /// Bounds on the number of characters.
    public var length: LengthRange?
    /// The code table the value must belong to.
    public var codeTable: String?
    /// The field whose values this field must take (referential integrity within an input).
    public var reference: FieldReference?
    /// The severity of this field's own constraints.
    public var severity: Severity
    /// Whether the field holds personal or confidential data.
    public var sensitive: Bool
    /// The version of the standard that added the field.
    public var since: String?
    /// Where the field is declared.
    public var location: SourceLocation?

    /// Creates a field.
    public init(
        id: String,
        name: LocalizedText,
        description: LocalizedText? = nil,
        type: FieldType,
        unit: String? = nil,
        required: Bool = false,
        unique: Bool = false,
        pattern: String? = nil,
        range: NumericRange? = nil,
        length: LengthRange? = nil,
        codeTable: String? = nil,
        reference: FieldReference? = nil,
        severity: Severity = .error,
        sensitive: Bool = false,
        since: String? = nil,
        location: SourceLocation? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.type = type
        self.unit = unit
        self.required = required
        self.unique = unique
        self.pattern = pattern
        self.range = range
        self.length = length
        self.codeTable = codeTable
        self.reference = reference
        self.severity = severity
        self.sensitive = sensitive
        self.since = since
        self.location = location
    }
}

/// A comparison operator of a `compare` rule.
public enum ComparisonOperator: String, Hashable, Sendable, Codable, CaseIterable {
    case lt, le, eq, ne, ge, gt
}

/// The condition under which a rule applies.
public struct RuleCondition: Hashable, Sendable {
    /// The field tested.
    public var field: String
    /// The values that make the condition true; `nil` with `present == true` means "any non-empty value".
    public var values: [String]?
    /// Whether the condition is "the field is present" rather than a value test.
    public var present: Bool

    /// Creates a condition.
    public init(field: String, values: [String]? = nil, present: Bool = false) {
        self.field = field
        self.values = values
        self.present = present
    }
}

/// What a cross-field rule checks.
public enum RuleKind: Hashable, Sendable {
    /// `left op right` must hold when both are present.
    case compare(left: String, op: ComparisonOperator, right: String)
    /// The field must be non-empty (usually with a `when` condition).
    case requiredIf(field: String)
    /// At least one of the fields must be non-empty.
    case atLeastOne(fields: [String])
    /// At most one of the fields may be non-empty.
    case exclusive(fields: [String])
    /// The division code in `field` must lie inside the one in `container`.
    case withinDivision(field: String, container: String)
    /// `field` must start with the value of `prefixField`.
    case prefix(field: String, prefixField: String)
    /// The registration division embedded in the USCC in `field` must lie in the province of `divisionField`.
    case usccDivision(field: String, divisionField: String)

    /// The kind's name as written in YAML.
    public var name: String {
        switch self {
        case .compare: "compare"
        case .requiredIf: "required_if"
        case .atLeastOne: "at_least_one"
        case .exclusive: "exclusive"
        case .withinDivision: "within_division"
        case .prefix: "prefix"
        case .usccDivision: "uscc_division"
        }
    }

    /// Every field the rule reads (not counting its condition).
    public var fields: [String] {
        switch self {
        case .compare(let left, _, let right): [left, right]
        case .requiredIf(let field): [field]
        case .atLeastOne(let fields), .exclusive(let fields): fields
        case .withinDivision(let field, let container): [field, container]
        case .prefix(let field, let prefixField): [field, prefixField]
        case .usccDivision(let field, let divisionField): [field, divisionField]
        }
    }
}

/// A cross-field rule of an entity, with a stable id.
public struct RuleSpec: Hashable, Sendable {
    /// The stable rule id, unique in the standard (for example `RE-R01`).
    public var id: String
    /// What the rule checks.
    public var kind: RuleKind
    /// When the rule applies; `nil` means always.
    public var condition: RuleCondition?
    /// How serious a violation is.
    public var severity: Severity
    /// The message shown when the rule fails.
    public var message: LocalizedText
    /// Where the rule is declared.
    public var location: SourceLocation?

    /// Creates a rule.
    public init(
        id: String,
        kind: RuleKind,
        condition: RuleCondition? = nil,
        severity: Severity = .error,
        message: LocalizedText,
        location: SourceLocation? = nil
    ) {
        self.id = id
        self.kind = kind
        self.condition = condition
        self.severity = severity
        self.message = message
        self.location = location
    }
}

/// Which fields of a record travel in one direction of sharing.
public enum FieldSelection: Hashable, Sendable {
    /// Every field.
    case all
    /// No field: the entity does not travel in this direction.
    case none
    /// Only the fields listed.
    case fields([String])
}

/// Sharing with another department (横向共享).
public struct AcrossSharing: Hashable, Sendable {
    /// The receiving department (Chinese name).
    public var department: String
    /// Why it receives the data.
    public var purpose: LocalizedText?
    /// The fields it receives.
    public var fields: [String]

    /// Creates a sharing grant.
    public init(department: String, purpose: LocalizedText? = nil, fields: [String]) {
        self.department = department
        self.purpose = purpose
        self.fields = fields
    }
}

/// Who shares what of an entity with whom (数据共享).
public struct SharingSpec: Hashable, Sendable {
    /// City → province (上报).
    public var up: FieldSelection
    /// Province → city, records within the city's division only (回流).
    public var down: FieldSelection
    /// To other departments (横向共享).
    public var across: [AcrossSharing]
    /// The lowest jurisdiction level that may see records.
    public var visibility: DivisionLevel
    /// Fields masked when shared across or shown below `visibility`.
    public var masked: [String]

    /// Creates sharing rules; the default shares everything up and down, visible from county level.
    public init(
        up: FieldSelection = .all,
        down: FieldSelection = .all,
        across: [AcrossSharing] = [],
        visibility: DivisionLevel = .county,
        masked: [String] = []
    ) {
        self.up = up
        self.down = down
        self.across = across
        self.visibility = visibility
        self.masked = masked
    }
}

/// Whether an entity is a data resource of Table 4 or one of the platform's own.
public enum EntityCategory: String, Hashable, Sendable, Codable {
    /// A data resource of Table 4 of the design (数据资源清单).
    case resource
    /// One of the platform's own entities (clues, warnings, tasks, cases, …).
    case platform
}

/// One entity of the standard: its structure, dictionary, rules and sharing.
public struct EntitySpec: Hashable, Sendable {
    /// The entity id (snake_case).
    public var id: String
    /// The Chinese and English names.
    public var name: LocalizedText
    /// What the entity is.
    public var description: LocalizedText?
    /// The number of the data resource in Table 4 of the design, if it is one.
    public var resource: Int?
    /// Resource or platform entity.
    public var category: EntityCategory
    /// The system the data comes from.
    public var source: String?
    /// The key fields, together unique and required.
    public var key: [String]
    /// The field holding the record's division code.
    public var divisionField: String?
    /// The field timeliness is measured on.
    public var timeField: String?
    /// A record older than this many days (by `timeField`) is untimely.
    public var maxAgeDays: Int?
    /// The fields, in declaration order.
    public var fields: [FieldSpec]
    /// Cross-field rules.
    public var rules: [RuleSpec]
    /// Sharing rules.
    public var sharing: SharingSpec
    /// The extension namespace that declared this entity, or `nil` for a core entity.
    public var namespace: String?
    /// Where the entity is declared.
    public var location: SourceLocation?

    /// Creates an entity.
    public init(
        id: String,
        name: LocalizedText,
        description: LocalizedText? = nil,
        resource: Int? = nil,
        category: EntityCategory = .platform,
        source: String? = nil,
        key: [String],
        divisionField: String? = nil,
        timeField: String? = nil,
        maxAgeDays: Int? = nil,
        fields: [FieldSpec],
        rules: [RuleSpec] = [],
        sharing: SharingSpec = SharingSpec(),
        namespace: String? = nil,
        location: SourceLocation? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.resource = resource
        self.category = category
        self.source = source
        self.key = key
        self.divisionField = divisionField
        self.timeField = timeField
        self.maxAgeDays = maxAgeDays
        self.fields = fields
        self.rules = rules
        self.sharing = sharing
        self.namespace = namespace
        self.location = location
    }

    /// The field with this id, if any.
    public func field(_ id: String) -> FieldSpec? {
        fields.first { $0.id == id }
    }
}

/// One code of a code table.
public struct CodeEntry: Hashable, Sendable {
    /// The code itself.
    public var code: String
    /// Its names.
    public var name: LocalizedText
    /// The parent code in a hierarchical table.
    public var parent: String?
    /// Whether the code is deprecated (still readable, flagged when used).
    public var deprecated: Bool
    /// The current code that replaces a legacy one.
    public var replacedBy: String?
    /// Where the code is declared.
    public var location: SourceLocation?

    /// Creates a code.
    public init(
        code: String,
        name: LocalizedText,
        parent: String? = nil,
        deprecated: Bool = false,
        replacedBy: String? = nil,
        location: SourceLocation? = nil
    ) {
        self.code = code
        self.name = name
        self.parent = parent
        self.deprecated = deprecated
        self.replacedBy = replacedBy
        self.location = location
    }
}

/// A code table (公共代码).
public struct CodeTable: Hashable, Sendable {
    /// The table id, referenced by fields.
    public var id: String
    /// The table's names.
    public var name: LocalizedText
    /// The standard or authority the list comes from.
    public var source: String?
    /// Whether codes have parents.
    public var hierarchical: Bool
    /// The codes, in declaration order.
    public var entries: [CodeEntry]
    /// Where the table is declared.
    public var location: SourceLocation?
    private var index: [String: Int]

    /// Creates a table; when a code repeats, lookups find its first declaration.
    public init(
        id: String,
        name: LocalizedText,
        source: String? = nil,
        hierarchical: Bool = false,
        entries: [CodeEntry],
        location: SourceLocation? = nil
    ) {
        self.id = id
        self.name = name
        self.source = source
        self.hierarchical = hierarchical
        self.entries = entries
        self.location = location
        var index: [String: Int] = [:]
        for (offset, entry) in entries.enumerated() where index[entry.code] == nil {
            index[entry.code] = offset
        }
        self.index = index
    }

    /// The entry for a code, if the table has it.
    public func entry(_ code: String) -> CodeEntry? {
        index[code].map { entries[$0] }
    }

    /// Whether the table has the code.
    public func contains(_ code: String) -> Bool { index[code] != nil }
}

/// A field of the exchange batch header.
public struct EnvelopeField: Hashable, Sendable {
    /// The header key.
    public var id: String
    /// Its names.
    public var name: LocalizedText
    /// Its type.
    public var type: FieldType

    /// Creates a header field.
    public init(id: String, name: LocalizedText, type: FieldType) {
        self.id = id
        self.name = name
        self.type = type
    }
}

/// How records travel between centres (数据传输).
public struct ExchangeSpec: Hashable, Sendable {
    /// The body format; `jsonl` (JSON Lines).
    public var bodyFormat: String
    /// The body checksum algorithm; `sha256`.
    public var checksum: String
    /// The most records in one batch.
    public var maxRecords: Int
    /// The batch header fields, all required.
    public var header: [EnvelopeField]

    /// Creates an exchange specification.
    public init(
        bodyFormat: String = "jsonl", checksum: String = "sha256", maxRecords: Int = 50_000, header: [EnvelopeField]
    ) {
        self.bodyFormat = bodyFormat
        self.checksum = checksum
        self.maxRecords = maxRecords
        self.header = header
    }
}

/// A city extension namespace (STD-5).
public struct ExtensionNamespace: Hashable, Sendable {
    /// The namespace id; extension field and entity ids start with `<id>_`.
    public var id: String
    /// The division that owns it.
    public var division: String
    /// Its names.
    public var name: LocalizedText

    /// Creates a namespace.
    public init(id: String, division: String, name: LocalizedText) {
        self.id = id
        self.division = division
        self.name = name
    }
}

/// A loaded, versioned data standard: entities, code tables, exchange envelope and namespaces.
///
/// ```swift
/// let standard = try StandardLoader().load(directory: specsURL.appending(path: "sichuan-enforcement/1.0"))
/// let entity = try #require(standard.entity("regulated_entity"))
/// print(entity.name.zh)   // 排污单位
/// ```
public struct StandardSpec: Sendable {
    /// The standard's id (`sichuan-enforcement`).
    public var id: String
    /// The version (`1.0`).
    public var version: String
    /// The title.
    public var title: LocalizedText
    /// Older versions whose records this version reads.
    public var readsVersions: [String]
    /// The entities, in load order.
    public var entities: [EntitySpec]
    /// The code tables by id.
    public var codeTables: [String: CodeTable]
    /// The exchange envelope.
    public var exchange: ExchangeSpec
    /// City extension namespaces.
    public var namespaces: [ExtensionNamespace]

    /// Creates a standard.
    public init(
        id: String,
        version: String,
        title: LocalizedText,
        readsVersions: [String] = [],
        entities: [EntitySpec],
        codeTables: [String: CodeTable],
        exchange: ExchangeSpec,
        namespaces: [ExtensionNamespace] = []
    ) {
        self.id = id
        self.version = version
        self.title = title
        self.readsVersions = readsVersions
        self.entities = entities
        self.codeTables = codeTables
        self.exchange = exchange
        self.namespaces = namespaces
    }

    /// The entity with this id, if any.
    public func entity(_ id: String) -> EntitySpec? {
        entities.first { $0.id == id }
    }
}
