import EnforcementModel

#if canImport(Glibc)
    import Glibc
#endif

/// A seeded pseudo-random generator (SplitMix64): the same seed gives the same data on every machine.
@_spi(Benchmark)
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// A number in `0..<bound`.
    public mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }
}

/// Generates records of an entity that pass every check of the standard, and plants known defects in some.
///
/// Values follow the field types, patterns, lengths, ranges and code tables; cross-field rules are then satisfied
/// (exclusive and required-if fields, USCCs registered in the record's division, permit numbers starting with the
/// USCC, counties inside their city, ordered comparisons). Used by the benchmark and the property tests.
@_spi(Benchmark)
public struct SyntheticRecordGenerator {
    /// A defect planted in a record, and the finding that must report it.
    public struct Defect: Hashable, Sendable, Codable {
        /// The 1-based record number.
        public var recordNumber: Int
        /// What was done (`checksum`, `required`, `range`, `code`, `duplicate-key`, `date`, `pattern`, `length`).
        public var kind: String
        /// The field changed.
        public var field: String?
        /// The rule id expected in the finding.
        public var ruleID: String

        /// Creates a defect.
        public init(recordNumber: Int, kind: String, field: String?, ruleID: String) {
            self.recordNumber = recordNumber
            self.kind = kind
            self.field = field
            self.ruleID = ruleID
        }

        private enum CodingKeys: String, CodingKey {
            case recordNumber, kind, field
            case ruleID = "ruleId"
        }
    }

    /// The entity generated.
    public let entity: EntitySpec
    /// The reference date: time fields fall within the entity's timeliness window before it.
    public let asOf: CivilDate
    fileprivate var random: SeededRandom
    fileprivate let patterns: [ValuePattern?]
    fileprivate let codes: [[String]]
    fileprivate let counties: [String]
    fileprivate let slots: [String: Int]
    fileprivate let keySlots: [Int]
    fileprivate static let chinese = Array(
        "华川蜀锦江青城天府岷沱嘉陵金沙宏达兴盛源泰和丰安康利民新创科技化工制药建材能源环保水务纸业食品酿酒机械电子冶金")
    fileprivate static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐")
    private static let uscc = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)

    /// Creates a generator for an entity of the standard.
    public init(standard: StandardSpec, entity: String, asOf: CivilDate, seed: UInt64) throws(DataStandardError) {
        guard let spec = standard.entity(entity) else {
            throw DataStandardError(.unknownEntity, "the standard has no entity \(entity)")
        }
        self.entity = spec
        self.asOf = asOf
        random = SeededRandom(seed: seed)
        var patterns: [ValuePattern?] = []
        var codes: [[String]] = []
        for field in spec.fields {
            patterns.append(try field.pattern.map { pattern throws(DataStandardError) in try ValuePattern(pattern) })
            var tableID = field.codeTable
            if tableID == nil {
                switch field.type {
                case .division: tableID = "division"
                case .industry: tableID = "industry"
                case .pollutant: tableID = "pollutant"
                default: break
                }
            }
            let entries = tableID.flatMap { standard.codeTables[$0]?.entries } ?? []
            var usable = entries.filter { !$0.deprecated && $0.replacedBy == nil }.map(\.code)
            switch field.type {
            case .division:
                usable = usable.filter { $0.count == 6 && !$0.hasSuffix("00") && DivisionCode.isValid($0) }
                if usable.isEmpty { usable = ["510104", "510106", "510107"] }
            case .industry:
                let classes = usable.filter { $0.count == 4 && IndustryCode.isValid($0) }
                usable = classes.isEmpty ? usable.filter { IndustryCode.isValid($0) } : classes
                if usable.isEmpty { usable = ["2614", "3011", "4411"] }
            case .pollutant:
                usable = usable.filter { $0.count == 6 && PollutantCode.isValid($0) }
                if usable.isEmpty { usable = ["a21026", "w01018"] }
            default: break
            }
            codes.append(usable)
        }
        self.patterns = patterns
        self.codes = codes
        let divisionEntries = standard.codeTables["division"]?.entries ?? []
        let counties = divisionEntries.filter {
            !$0.deprecated && $0.replacedBy == nil && $0.code.count == 6 && !$0.code.hasSuffix("00")
                && DivisionCode.isValid($0.code)
        }.map(\.code)
        self.counties = counties.isEmpty ? ["510104", "510106", "510107", "510704", "511302"] : counties
        var slots: [String: Int] = [:]
        for (slot, field) in spec.fields.enumerated() { slots[field.id] = slot }
        self.slots = slots
        keySlots = spec.key.compactMap { slots[$0] }
    }

    /// The field ids, in order: the CSV header.
    public var header: [String] { entity.fields.map(\.id) }

    // MARK: Records

    /// A valid record: one value per field (empty when absent). `index` (0-based) makes key and unique values
    /// distinct.
    public mutating func record(_ index: Int) -> [String] {
        var values: [String] = []
        values.reserveCapacity(entity.fields.count)
        for (slot, field) in entity.fields.enumerated() {
            let present = field.required || keySlots.contains(slot) || random.below(100) < 85
            values.append(present ? value(slot, index: index) : "")
        }
        applyRules(&values, index: index)
        return values
    }

    private mutating func value(_ slot: Int, index: Int, division: String? = nil) -> String {
        let field = entity.fields[slot]
        let unique = field.unique || keySlots.contains(slot)
        var candidate: String
        switch field.type {
        case .string, .text:
            candidate = unique ? uniqueText(slot, index: index) : text(slot)
        case .integer:
            let low = Int(field.range?.min ?? 0)
            let high = Int(field.range?.max ?? 100_000)
            candidate = String(low + random.below(max(1, high - low + 1)))
        case .decimal:
            let low = field.range?.min ?? 0
            let high = field.range?.max ?? 10_000
            let scaled = Int(low * 10_000) + random.below(max(1, Int((high - low) * 10_000)))
            candidate = Self.decimal(scaled)
            if let number = Double(candidate), number < low || number > high {
                candidate = Self.decimal(Int(low * 10_000))
            }
        case .boolean:
            candidate = ["true", "false", "1", "0", "是", "否"][random.below(6)]
        case .date:
            candidate = ValueParsing.dateText(dayNumber: timelyDay())
        case .datetime:
            let seconds = random.below(86_400)
            candidate =
                ValueParsing.dateText(dayNumber: timelyDay()) + " " + Self.two(seconds / 3600) + ":"
                + Self.two(seconds / 60 % 60) + ":" + Self.two(seconds % 60)
        case .code, .division, .industry, .pollutant:
            let pool = field.type == .division && codes[slot].isEmpty ? counties : codes[slot]
            candidate = pool.isEmpty ? "" : pool[random.below(pool.count)]
        case .uscc:
            candidate = Self.socialCreditCode(
                division: division ?? counties[random.below(counties.count)], index: index)
        case .organizationCode:
            candidate = Self.organizationCode(index: index)
        case .idCard:
            candidate = citizenID()
        case .permitNumber:
            let holder = Self.socialCreditCode(division: counties[random.below(counties.count)], index: index)
            candidate = holder + "001P"
            if let pattern = patterns[slot], !pattern.matches(candidate) {
                for letter in ["X", "U", "Q", "V", "W", "Y"] where pattern.matches(holder + "001" + letter) {
                    candidate = holder + "001" + letter
                    break
                }
            }
        case .outletCode:
            candidate = ["DA", "DW", "TA"][random.below(3)] + String(format3(1 + random.below(50)))
        case .mn:
            let alphabet = Array("0123456789ABCDEF")
            candidate = String((0..<24).map { _ in alphabet[random.below(16)] })
        }
        if let pattern = patterns[slot], !pattern.matches(candidate), !unique {
            for _ in 0..<20 {
                let generated = fromPattern(pattern)
                if pattern.matches(generated) {
                    candidate = generated
                    break
                }
            }
        }
        return candidate
    }

    private func format3(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 3 - text.count)) + text
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

    private static func decimal(_ scaled: Int) -> String {
        let negative = scaled < 0
        let magnitude = abs(scaled)
        var fraction = String(magnitude % 10_000)
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        return (negative ? "-" : "") + String(magnitude / 10_000) + "." + fraction
    }

    private mutating func timelyDay() -> Int {
        let window = max(1, min(entity.maxAgeDays ?? 365, 3650) - 1)
        return asOf.daysSinceEpoch - random.below(window)
    }

    private mutating func uniqueText(_ slot: Int, index: Int) -> String {
        let digits = String(index)
        let candidates = [
            "E" + String(repeating: "0", count: max(0, 11 - digits.count)) + digits,
            String(repeating: "0", count: max(0, 12 - digits.count)) + digits,
            "记录" + digits,
        ]
        let field = entity.fields[slot]
        for candidate in candidates + [patternWithIndex(slot, index: index)] {
            let count = candidate.unicodeScalars.count
            if let length = field.length, count < length.min ?? 0 || count > length.max ?? Int.max { continue }
            if let pattern = patterns[slot], !pattern.matches(candidate) { continue }
            return candidate
        }
        return candidates[0]
    }

    /// A value of the field's pattern whose last run of digits spells `index` (so values differ by index).
    private mutating func patternWithIndex(_ slot: Int, index: Int) -> String {
        guard let source = patterns[slot]?.source, let simple = SimplePattern(parsing: source),
            let items = simple.alternatives.first, let last = items.last
        else { return "" }
        var prefix = SimplePattern(alternatives: [Array(items.dropLast())])
        let head = fromPattern(&prefix)
        let width = min(last.maximum == Int.max ? max(last.minimum, 12) : last.maximum, 18)
        let digits = String(index)
        return head + String(repeating: "0", count: max(0, width - digits.count)) + digits.suffix(width)
    }

    private mutating func text(_ slot: Int) -> String {
        let field = entity.fields[slot]
        if let pattern = patterns[slot] { return fromPattern(pattern) }
        let minimum = max(field.length?.min ?? 1, 1)
        let maximum = min(field.length?.max ?? (field.type == .text ? 200 : 255), minimum + 24)
        let name = field.name.zh
        var result: String
        if name.contains("人") || name.contains("姓名") {
            result = String(Self.surnames[random.below(Self.surnames.count)])
            for _ in 0..<(1 + random.below(2)) { result.append(Self.chinese[random.below(Self.chinese.count)]) }
        } else if name.contains("地址") || name.contains("位置") {
            result =
                "四川省成都市武侯区" + String(Self.chinese[random.below(Self.chinese.count)]) + "路"
                + String(1 + random.below(999)) + "号"
        } else if name.contains("名称") {
            result = "四川"
            for _ in 0..<(2 + random.below(4)) { result.append(Self.chinese[random.below(Self.chinese.count)]) }
            result += "有限公司"
        } else {
            result = ""
            let length = minimum + random.below(max(1, min(maximum, minimum + 12) - minimum + 1))
            for _ in 0..<length { result.append(Self.chinese[random.below(Self.chinese.count)]) }
        }
        while result.count < minimum { result.append(Self.chinese[random.below(Self.chinese.count)]) }
        if result.count > maximum { result = String(result.prefix(maximum)) }
        return result
    }

    /// A value built from a simple pattern's first alternative (`nil`-safe: returns "" for complex patterns).
    private mutating func fromPattern(_ pattern: ValuePattern) -> String {
        guard var simple = SimplePattern(parsing: pattern.source), !simple.alternatives.isEmpty else { return "" }
        return fromPattern(&simple)
    }

    private mutating func fromPattern(_ simple: inout SimplePattern) -> String {
        if simple.alternatives.isEmpty { return "" }
        let items = simple.alternatives[random.below(simple.alternatives.count)]
        var scalars = String.UnicodeScalarView()
        for item in items {
            let extra = item.maximum == Int.max ? 4 : min(item.maximum - item.minimum, 4)
            let repeats = item.minimum + random.below(extra + 1)
            var members: [Unicode.Scalar] = []
            if item.set.negated {
                members = Array("ABCDEFGHJKLMNPQRTUWXY0123456789".unicodeScalars).filter {
                    item.set.containsASCII(UInt8($0.value))
                }
            } else {
                for byte in UInt8(0)..<128 where item.set.containsASCII(byte) { members.append(Unicode.Scalar(byte)) }
                if members.isEmpty, let range = item.set.ranges.first {
                    for value in range.lowerBound...min(range.upperBound, range.lowerBound + 40) {
                        if let scalar = Unicode.Scalar(value) { members.append(scalar) }
                    }
                }
            }
            if members.isEmpty { members = ["0"] }
            for _ in 0..<repeats { scalars.append(members[random.below(members.count)]) }
        }
        return String(scalars)
    }

    /// A valid USCC of an enterprise registered in `division`; `index` makes it distinct.
    public static func socialCreditCode(division: String, index: Int) -> String {
        var body = "91" + division
        body += organizationCode(index: index)
        let value = Array(body.utf8)
        var sum = 0
        var weight = 1
        for byte in value {
            let digit = uscc.firstIndex(of: byte) ?? 0
            sum += digit * weight
            weight = weight * 3 % 31
        }
        return body + String(UnicodeScalar(uscc[(31 - sum % 31) % 31]))
    }

    /// A valid 9-character GB 11714 organisation code whose body encodes `index`.
    public static func organizationCode(index: Int) -> String {
        let digits = String(index % 100_000_000)
        let body = Array(("M" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits).suffix(8).utf8)
        let weights = [3, 7, 9, 10, 5, 8, 4, 2]
        var sum = 0
        for (position, byte) in body.enumerated() {
            let value = byte >= 65 ? Int(byte) - 55 : Int(byte) - 48
            sum += value * weights[position]
        }
        let check = 11 - sum % 11
        let character = check == 10 ? "X" : check == 11 ? "0" : String(check)
        return String(decoding: body, as: UTF8.self) + character
    }

    private mutating func citizenID() -> String {
        let year = 1950 + random.below(50)
        let month = 1 + random.below(12)
        let day = 1 + random.below(28)
        var body = counties[random.below(counties.count)] + String(year) + Self.two(month) + Self.two(day)
        body += format3(random.below(1000))
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        var sum = 0
        for (position, byte) in body.utf8.enumerated() { sum += Int(byte - 48) * weights[position] }
        let checks = Array("10X98765432")
        return body + String(checks[sum % 11])
    }

    // MARK: Rules

    private func holds(_ condition: RuleCondition?, _ values: [String]) -> Bool {
        guard let condition, let slot = slots[condition.field] else { return true }
        let value = values[slot]
        if condition.present || condition.values == nil { return !value.isEmpty }
        if entity.fields[slot].type == .boolean {
            let truth = Self.truth(value)
            return condition.values?.contains { Self.truth($0) == truth && truth != nil } ?? false
        }
        return condition.values?.contains(value) ?? false
    }

    private static func truth(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "是": true
        case "false", "0", "否": false
        default: nil
        }
    }

    private mutating func applyRules(_ values: inout [String], index: Int) {
        // Presence first: which fields a holding required_if demands.
        var demanded: Set<Int> = []
        for rule in entity.rules {
            if case .requiredIf(let field) = rule.kind, let slot = slots[field], holds(rule.condition, values) {
                demanded.insert(slot)
            }
        }
        for rule in entity.rules {
            guard holds(rule.condition, values) else { continue }
            switch rule.kind {
            case .exclusive(let fields):
                let members = fields.compactMap { slots[$0] }
                let keep =
                    members.first { demanded.contains($0) }
                    ?? members.filter { !values[$0].isEmpty }.randomElement(using: &random)
                for slot in members where slot != keep { values[slot] = "" }
            case .atLeastOne(let fields):
                let members = fields.compactMap { slots[$0] }
                if members.allSatisfy({ values[$0].isEmpty }), let slot = members.first {
                    values[slot] = value(slot, index: index)
                }
            case .requiredIf(let field):
                if let slot = slots[field], values[slot].isEmpty { values[slot] = value(slot, index: index) }
            default: break
            }
        }
        // Then values that depend on others.
        for rule in entity.rules {
            guard holds(rule.condition, values) else { continue }
            switch rule.kind {
            case .usccDivision(let field, let divisionField):
                if let slot = slots[field], let divisionSlot = slots[divisionField], !values[slot].isEmpty,
                    values[divisionSlot].count == 6
                {
                    values[slot] = Self.socialCreditCode(division: values[divisionSlot], index: index)
                }
            case .withinDivision(let field, let container):
                if let slot = slots[field], let containerSlot = slots[container], values[slot].count == 6,
                    !values[containerSlot].isEmpty
                {
                    values[containerSlot] = String(values[slot].prefix(4)) + "00"
                }
            default: break
            }
        }
        for rule in entity.rules {
            guard holds(rule.condition, values) else { continue }
            switch rule.kind {
            case .prefix(let field, let prefixField):
                if let slot = slots[field], let prefixSlot = slots[prefixField], !values[slot].isEmpty,
                    !values[prefixSlot].isEmpty
                {
                    let prefix = values[prefixSlot]
                    let current = values[slot]
                    values[slot] =
                        prefix + (current.count > prefix.count ? String(current.dropFirst(prefix.count)) : "001P")
                }
            case .compare(let left, let op, let right):
                guard let leftSlot = slots[left], let rightSlot = slots[right], !values[leftSlot].isEmpty,
                    !values[rightSlot].isEmpty
                else { continue }
                let lhs = values[leftSlot]
                let rhs = values[rightSlot]
                let ordered = Double(lhs).flatMap { l in Double(rhs).map { l < $0 } } ?? (lhs < rhs)
                switch op {
                case .lt, .le: if !ordered && lhs != rhs { values.swapAt(leftSlot, rightSlot) }
                case .gt, .ge: if ordered { values.swapAt(leftSlot, rightSlot) }
                case .eq: values[rightSlot] = lhs
                case .ne: if lhs == rhs { values[rightSlot] = "" }
                }
                if op == .lt || op == .gt, values[leftSlot] == values[rightSlot] { values[rightSlot] = "" }
            default: break
            }
        }
    }

    // MARK: Defects

    /// The defect kinds this entity allows, with the field each uses.
    public var defectKinds: [(kind: String, slot: Int)] {
        var kinds: [(String, Int)] = []
        let fields = entity.fields
        let ruleFields = Set(entity.rules.flatMap { $0.kind.fields + ($0.condition.map { [$0.field] } ?? []) })
        if let slot = fields.indices.first(where: {
            [.uscc, .organizationCode, .idCard].contains(fields[$0].type) && !keySlots.contains($0)
        }) {
            kinds.append(("checksum", slot))
        }
        if let slot = fields.indices.first(where: {
            fields[$0].required && !keySlots.contains($0) && !ruleFields.contains(fields[$0].id)
                && fields[$0].id != entity.timeField
        }) {
            kinds.append(("required", slot))
        }
        if let slot = fields.indices.first(where: { fields[$0].range?.max != nil && fields[$0].type.isNumeric }) {
            kinds.append(("range", slot))
        }
        if let slot = fields.indices.first(where: {
            fields[$0].type == .code && !codes[$0].isEmpty && !ruleFields.contains(fields[$0].id)
        }) {
            kinds.append(("code", slot))
        }
        if let slot = keySlots.first { kinds.append(("duplicate-key", slot)) }
        if let slot = fields.indices.first(where: {
            (fields[$0].type == .date || fields[$0].type == .datetime) && !ruleFields.contains(fields[$0].id)
        }) {
            kinds.append(("date", slot))
        }
        if let slot = fields.indices.first(where: {
            fields[$0].type == .string && fields[$0].pattern != nil && !keySlots.contains($0) && !fields[$0].unique
                && !ruleFields.contains(fields[$0].id)
        }) {
            kinds.append(("pattern", slot))
        }
        if let slot = fields.indices.first(where: {
            fields[$0].type == .string && fields[$0].pattern == nil && fields[$0].length?.max != nil
                && !keySlots.contains($0) && !ruleFields.contains(fields[$0].id)
        }) {
            kinds.append(("length", slot))
        }
        return kinds
    }

    /// Plants a defect of `kind` on `slot` of a record; returns the expected finding. `firstRecordValues` gives the
    /// values of an earlier record (for a duplicate key).
    public mutating func plant(
        _ kind: String, slot: Int, in values: inout [String], recordNumber: Int, earlierRecord: [String]
    ) -> Defect {
        let field = entity.fields[slot]
        var ruleID = ValidationIssue.RuleID.fieldType
        switch kind {
        case "checksum":
            var characters = Array(values[slot])
            if characters.isEmpty { characters = Array(value(slot, index: recordNumber)) }
            let last = characters[characters.count - 1]
            let options: [Character] = field.type == .uscc ? ["0", "1", "A", "B"] : ["0", "1", "2", "3"]
            characters[characters.count - 1] = options.first { $0 != last } ?? "0"
            values[slot] = String(characters)
            ruleID = ValidationIssue.RuleID.fieldChecksum
        case "required":
            values[slot] = ""
            ruleID = ValidationIssue.RuleID.fieldRequired
        case "range":
            let maximum = field.range?.max ?? 0
            values[slot] =
                field.type == .integer
                ? String(Int(maximum) + 1 + random.below(100))
                : Self.decimal(Int(maximum * 10_000) + 10_000 + random.below(10_000))
            ruleID = ValidationIssue.RuleID.fieldRange
        case "code":
            values[slot] = "ZZ9"
            ruleID = ValidationIssue.RuleID.fieldCode
        case "duplicate-key":
            for keySlot in keySlots { values[keySlot] = earlierRecord[keySlot] }
            ruleID = ValidationIssue.RuleID.recordDuplicateKey
        case "date":
            values[slot] = field.type == .date ? "2025-02-30" : "2025-02-30 10:00:00"
            ruleID = ValidationIssue.RuleID.fieldType
        case "pattern":
            values[slot] = "?"
            ruleID = ValidationIssue.RuleID.fieldPattern
        default:  // length
            let maximum = field.length?.max ?? 255
            values[slot] = String(repeating: "长", count: maximum + 1)
            ruleID = ValidationIssue.RuleID.fieldLength
        }
        return Defect(recordNumber: recordNumber, kind: kind, field: field.id, ruleID: ruleID)
    }

    /// Chooses `count` distinct records (never the first) for defects, with kinds in turn.
    public mutating func defectPlan(rows: Int, count: Int) -> [Int: (kind: String, slot: Int)] {
        let kinds = defectKinds
        guard !kinds.isEmpty, rows > 1 else { return [:] }
        var plan: [Int: (kind: String, slot: Int)] = [:]
        var turn = 0
        let wanted = min(count, rows - 1)
        while plan.count < wanted {
            let row = 1 + random.below(rows - 1)
            if plan[row] != nil { continue }
            plan[row] = kinds[turn % kinds.count]
            turn += 1
        }
        return plan
    }

    // MARK: CSV

    /// Writes a CSV of `rows` records with `defects` planted defects to `path`; returns the defects.
    ///
    /// The records are those of ``record(_:)`` — the same bytes for the same seed, drawn from the generator in the
    /// same order — but built as bytes (``FastRecord``, about 4 µs a record instead of 60); records that get a
    /// defect go through ``plant(_:slot:in:recordNumber:earlierRecord:)`` as strings.
    public mutating func writeCSV(rows: Int, defects: Int, to path: String) throws(DataStandardError) -> [Defect] {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw DataStandardError(.fileUnreadable, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var output: [UInt8] = []
        output.reserveCapacity(1 << 22)
        func flush() throws(DataStandardError) {
            var offset = 0
            while offset < output.count {
                let written = output.withUnsafeBytes { buffer in
                    Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                }
                if written <= 0 { throw DataStandardError(.fileUnreadable, "cannot write \(path)") }
                offset += written
            }
            output.removeAll(keepingCapacity: true)
        }
        Self.appendCSV(header, to: &output)
        let plan = defectPlan(rows: rows, count: defects)
        let fast = FastRecordPlan(self)
        var record = FastRecord(fields: entity.fields.count)
        defer { record.deallocate() }
        var planted: [Defect] = []
        var firstRecord: [String] = []
        for index in 0..<rows {
            makeRecord(index, plan: fast, into: &record)
            if index == 0 { firstRecord = record.strings() }
            if let defect = plan[index] {
                var values = record.strings()
                planted.append(
                    plant(
                        defect.kind, slot: defect.slot, in: &values, recordNumber: index + 1, earlierRecord: firstRecord
                    ))
                Self.appendCSV(values, to: &output)
            } else {
                record.appendCSV(to: &output)
            }
            if output.count > (1 << 22) - 65_536 { try flush() }
        }
        try flush()
        return planted
    }

    /// A CSV line: cells holding a comma, a quote or a line end quoted, quotes doubled.
    static func appendCSV(_ values: [String], to output: inout [UInt8]) {
        for (index, value) in values.enumerated() {
            if index > 0 { output.append(0x2C) }
            var copy = value
            copy.withUTF8 { FastRecord.appendCell($0, to: &output) }
        }
        output.append(0x0A)
    }

    // MARK: Records as bytes

    /// ``record(_:)`` as bytes: the same values, drawn from the generator in the same order.
    mutating func makeRecord(_ index: Int, plan: FastRecordPlan, into record: inout FastRecord) {
        record.reset()
        for slot in 0..<plan.slots.count {
            if plan.slots[slot].alwaysPresent || random.below(100) < 85 {
                fastValue(slot, index: index, plan: plan, into: &record)
            } else {
                record.setEmpty(slot)
            }
        }
        fastApplyRules(index: index, plan: plan, record: &record)
    }

    /// A random member of a list of byte strings of the plan.
    private mutating func pick(_ list: FastRecordPlan.List, _ plan: FastRecordPlan, into record: inout FastRecord) {
        record.append(plan, plan.spans[list.start + random.below(list.count)])
    }

    /// ``value(_:index:division:)`` as bytes.
    private mutating func fastValue(_ slot: Int, index: Int, plan: FastRecordPlan, into record: inout FastRecord) {
        let field = plan.slots[slot]
        let start = record.count
        switch field.kind {
        case .uniqueText:
            fastUniqueText(field, index: index, plan: plan, into: &record)
        case .text:
            fastText(field, start: start, plan: plan, into: &record)
        case .integer(let low, let span):
            record.appendNumber(low + random.below(span))
        case .decimal(let low, let high, let first, let span):
            let scaled = first + random.below(span)
            let number = Double(scaled) / 10_000
            record.appendDecimal(number < low || number > high ? first : scaled)
        case .boolean:
            pick(plan.booleans, plan, into: &record)
        case .date:
            record.appendDate(timelyDay())
        case .datetime:
            let seconds = random.below(86_400)
            record.appendDate(timelyDay())
            record.append(0x20)
            record.appendPadded(seconds / 3600, 2)
            record.append(0x3A)
            record.appendPadded(seconds / 60 % 60, 2)
            record.append(0x3A)
            record.appendPadded(seconds % 60, 2)
        case .pool(let pool):
            if pool.count > 0 { pick(pool, plan, into: &record) }
        case .uscc:
            let division = plan.spans[plan.counties.start + random.below(plan.counties.count)]
            record.appendSocialCreditCode(plan, division: division, index: index)
        case .organizationCode:
            record.appendOrganizationCode(index: index)
        case .idCard:
            let year = 1950 + random.below(50)
            let month = 1 + random.below(12)
            let day = 1 + random.below(28)
            pick(plan.counties, plan, into: &record)
            record.appendNumber(year)
            record.appendPadded(month, 2)
            record.appendPadded(day, 2)
            record.appendPadded(random.below(1000), 3)
            let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
            var sum = 0
            for position in 0..<(record.count - start) { sum += Int(record[start + position] - 48) * weights[position] }
            record.append(Array("10X98765432".utf8)[sum % 11])
        case .permitNumber:
            let division = plan.spans[plan.counties.start + random.below(plan.counties.count)]
            record.appendSocialCreditCode(plan, division: division, index: index)
            for byte in "001P".utf8 { record.append(byte) }
            if field.pattern >= 0 {
                let pattern = plan.patterns[field.pattern]
                if !record.matches(pattern, from: start) {
                    var matched = false
                    for letter in "XUQVWY".utf8 {
                        record[record.count - 1] = letter
                        if record.matches(pattern, from: start) {
                            matched = true
                            break
                        }
                    }
                    // No letter matches: the first candidate stays.
                    if !matched { record[record.count - 1] = UInt8(ascii: "P") }
                }
            }
        case .outletCode:
            pick(plan.outletPrefixes, plan, into: &record)
            record.appendPadded(1 + random.below(50), 3)
        case .mn:
            for _ in 0..<24 { pick(plan.hexDigits, plan, into: &record) }
        }
        record.end(slot, start: start)
        if field.pattern >= 0, !field.unique, !record.matches(slot, plan.patterns[field.pattern]) {
            let pattern = plan.patterns[field.pattern]
            for _ in 0..<20 {
                let retry = record.count
                fastFromPattern(field.generator, plan, into: &record)
                if record.matches(pattern, from: retry) {
                    record.end(slot, start: retry)
                    break
                }
                record.discard(from: retry)
            }
        }
    }

    /// ``uniqueText(_:index:)`` as bytes: the first of `E` and 11 digits, 12 digits, `记录` and the index, and a
    /// value of the pattern ending in the index, that fits the field's length and pattern.
    private mutating func fastUniqueText(
        _ field: FastRecordPlan.Slot, index: Int, plan: FastRecordPlan, into record: inout FastRecord
    ) {
        let digits = FastRecord.digitCount(index)
        // The value from the pattern comes first: it takes random numbers even when it is not used.
        let start = record.count
        if field.indexPrefix >= 0 {
            fastFromPattern(field.indexPrefix, plan, into: &record)
            let width = field.indexWidth
            record.appendZeros(max(0, width - digits))
            record.appendNumber(index, lastDigits: width)
        }
        let patternEnd = record.count
        func accept(_ candidateStart: Int) -> Bool {
            let count = record.scalarCount(from: candidateStart)
            if count < field.lengthMinimum || count > field.lengthMaximum { return false }
            if field.pattern >= 0 && !record.matches(plan.patterns[field.pattern], from: candidateStart) {
                return false
            }
            return true
        }
        for candidate in 0..<3 {
            let candidateStart = record.count
            switch candidate {
            case 0:
                record.append(UInt8(ascii: "E"))
                record.appendZeros(max(0, 11 - digits))
            case 1:
                record.appendZeros(max(0, 12 - digits))
            default:
                record.append(plan, plan.record)
            }
            record.appendNumber(index)
            if accept(candidateStart) {
                record.move(from: candidateStart, to: start)
                return
            }
            record.discard(from: candidateStart)
        }
        if accept(start) {
            record.discard(from: patternEnd)
            return
        }
        record.discard(from: start)
        record.append(UInt8(ascii: "E"))
        record.appendZeros(max(0, 11 - digits))
        record.appendNumber(index)
    }

    /// ``text(_:)`` as bytes (every character it makes is one scalar, so characters are counted as scalars).
    private mutating func fastText(
        _ field: FastRecordPlan.Slot, start: Int, plan: FastRecordPlan, into record: inout FastRecord
    ) {
        if field.pattern >= 0 {
            fastFromPattern(field.generator, plan, into: &record)
            return
        }
        var characters = 0
        switch field.textStyle {
        case .person:
            pick(plan.surnames, plan, into: &record)
            characters = 1
            for _ in 0..<(1 + random.below(2)) {
                pick(plan.chinese, plan, into: &record)
                characters += 1
            }
        case .address:
            record.append(plan, plan.addressHead)
            pick(plan.chinese, plan, into: &record)
            record.append(plan, plan.road)
            let number = 1 + random.below(999)
            record.appendNumber(number)
            record.append(plan, plan.numberSign)
            characters = 9 + 1 + 1 + FastRecord.digitCount(number) + 1
        case .company:
            record.append(plan, plan.companyHead)
            characters = 2
            for _ in 0..<(2 + random.below(4)) {
                pick(plan.chinese, plan, into: &record)
                characters += 1
            }
            record.append(plan, plan.companyTail)
            characters += 4
        case .other:
            let length =
                field.textMinimum
                + random.below(max(1, min(field.textMaximum, field.textMinimum + 12) - field.textMinimum + 1))
            for _ in 0..<length { pick(plan.chinese, plan, into: &record) }
            characters = length
        }
        while characters < field.textMinimum {
            pick(plan.chinese, plan, into: &record)
            characters += 1
        }
        if characters > field.textMaximum { record.truncate(from: start, toScalars: field.textMaximum) }
    }

    /// ``fromPattern(_:)`` as bytes; nothing for a pattern the generator cannot follow (-1).
    private mutating func fastFromPattern(_ generator: Int, _ plan: FastRecordPlan, into record: inout FastRecord) {
        guard generator >= 0 else { return }
        let alternatives = plan.generators[generator]
        guard alternatives.count > 0 else { return }
        let items = plan.alternatives[alternatives.start + random.below(alternatives.count)]
        for position in items.start..<(items.start + items.count) {
            let item = plan.items[position]
            let repeats = item.minimum + random.below(item.extra + 1)
            for _ in 0..<repeats { pick(item.members, plan, into: &record) }
        }
    }

    /// ``applyRules(_:index:)`` on a record of bytes.
    private mutating func fastApplyRules(index: Int, plan: FastRecordPlan, record: inout FastRecord) {
        // Presence first: which fields a holding required_if demands.
        var demanded: [Int] = []
        for rule in plan.rules {
            if case .requiredIf(let slot) = rule.kind, slot >= 0, record.holds(rule.condition, plan),
                !demanded.contains(slot)
            {
                demanded.append(slot)
            }
        }
        for rule in plan.rules {
            guard record.holds(rule.condition, plan) else { continue }
            switch rule.kind {
            case .exclusive(let list):
                let members = plan.ruleSlots[list.start..<(list.start + list.count)]
                let keep =
                    members.first { demanded.contains($0) }
                    ?? members.filter { !record.isEmpty($0) }.randomElement(using: &random)
                for slot in members where slot != keep { record.setEmpty(slot) }
            case .atLeastOne(let list):
                let members = plan.ruleSlots[list.start..<(list.start + list.count)]
                if members.allSatisfy({ record.isEmpty($0) }), let slot = members.first {
                    fastValue(slot, index: index, plan: plan, into: &record)
                }
            case .requiredIf(let slot):
                if slot >= 0 && record.isEmpty(slot) { fastValue(slot, index: index, plan: plan, into: &record) }
            default: break
            }
        }
        // Then values that depend on others.
        for rule in plan.rules {
            guard record.holds(rule.condition, plan) else { continue }
            switch rule.kind {
            case .usccDivision(let slot, let divisionSlot):
                if slot >= 0 && divisionSlot >= 0 && !record.isEmpty(slot) && record.characterCount(divisionSlot) == 6 {
                    let start = record.count
                    record.appendSocialCreditCode(
                        plan, division: FastRecordPlan.Span(start: -1, count: divisionSlot), index: index)
                    record.end(slot, start: start)
                }
            case .withinDivision(let slot, let containerSlot):
                if slot >= 0 && containerSlot >= 0 && record.characterCount(slot) == 6 && !record.isEmpty(containerSlot)
                {
                    record.setDivisionOfCity(containerSlot, from: slot)
                }
            default: break
            }
        }
        for rule in plan.rules {
            guard record.holds(rule.condition, plan) else { continue }
            switch rule.kind {
            case .prefix(let slot, let prefixSlot):
                if slot >= 0 && prefixSlot >= 0 && !record.isEmpty(slot) && !record.isEmpty(prefixSlot) {
                    record.setPrefixed(slot, by: prefixSlot)
                }
            case .compare(let leftSlot, let op, let rightSlot):
                guard leftSlot >= 0, rightSlot >= 0, !record.isEmpty(leftSlot), !record.isEmpty(rightSlot) else {
                    continue
                }
                record.applyComparison(leftSlot, op, rightSlot)
            default: break
            }
        }
    }

}

/// What ``SyntheticRecordGenerator/makeRecord(_:plan:into:)`` needs of the entity, prepared once, in trivial
/// values (so that the loop does no reference counting): per field its kind of value; byte strings (code pools,
/// pattern members, condition values…) in one buffer; patterns ready to generate from; rules with slots.
final class FastRecordPlan {
    /// A byte string in ``bytes``; with `start == -1`, the value of the slot `count` of the record instead.
    struct Span {
        var start: Int
        var count: Int
    }

    /// A run of entries of one of the plan's arrays.
    struct List {
        var start: Int
        var count: Int
    }

    /// One repeated class of a pattern: its repeat count and its members (spans).
    struct Item {
        var minimum: Int
        /// Repeats beyond the minimum: up to 4.
        var extra: Int
        var members: List
    }

    enum Kind {
        case uniqueText, text
        case integer(low: Int, span: Int)
        case decimal(low: Double, high: Double, first: Int, span: Int)
        case boolean, date, datetime
        case pool(List)
        case uscc, organizationCode, idCard, permitNumber, outletCode, mn
    }

    enum TextStyle { case person, address, company, other }

    struct Slot {
        var kind: Kind
        var alwaysPresent: Bool
        var unique: Bool
        /// Index into ``patterns``, or -1.
        var pattern: Int
        /// Index into ``generators``, or -1 when the pattern cannot be followed.
        var generator: Int
        /// For a unique text: the generator of the pattern without its last item, or -1; and the width of the index
        /// in the last item's place.
        var indexPrefix: Int
        var indexWidth: Int
        var lengthMinimum: Int
        var lengthMaximum: Int
        var textStyle: TextStyle
        var textMinimum: Int
        var textMaximum: Int
    }

    struct Condition {
        /// -1: the field is not in the entity (the condition holds).
        var slot: Int
        var presentOnly: Bool
        var isBoolean: Bool
        var values: List
    }

    /// Rules with slots (-1 for a field the entity does not have) and slot lists in ``ruleSlots``.
    enum RuleKind {
        case compare(Int, ComparisonOperator, Int)
        case requiredIf(Int)
        case atLeastOne(List)
        case exclusive(List)
        case withinDivision(Int, Int)
        case prefix(Int, Int)
        case usccDivision(Int, Int)
    }

    struct Rule {
        var kind: RuleKind
        var condition: Condition?
    }

    let slots: [Slot]
    let rules: [Rule]
    let ruleSlots: [Int]
    let patterns: [ValuePattern]
    /// Per generator: its alternatives in ``alternatives``.
    let generators: [List]
    /// Per alternative: its items in ``items``.
    let alternatives: [List]
    let items: [Item]
    let spans: [Span]
    /// The byte strings of the spans.
    let bytes: UnsafeMutablePointer<UInt8>
    let counties: List
    let chinese: List
    let surnames: List
    let booleans: List
    let outletPrefixes: List
    let hexDigits: List
    let addressHead: Span
    let road: Span
    let numberSign: Span
    let companyHead: Span
    let companyTail: Span
    let record: Span

    init(_ generator: SyntheticRecordGenerator) {
        var slots: [Slot] = []
        var rules: [Rule] = []
        var ruleSlots: [Int] = []
        var patterns: [ValuePattern] = []
        var generators: [List] = []
        var alternatives: [List] = []
        var items: [Item] = []
        var spans: [Span] = []
        var storage: [UInt8] = []
        func span(_ text: some Sequence<UInt8>) -> Span {
            let start = storage.count
            storage += text
            return Span(start: start, count: storage.count - start)
        }
        func list(_ texts: [[UInt8]]) -> List {
            let start = spans.count
            for text in texts { spans.append(span(text)) }
            return List(start: start, count: texts.count)
        }
        func patternGenerator(_ pattern: SimplePattern) -> Int {
            let firstAlternative = alternatives.count
            for alternative in pattern.alternatives {
                let firstItem = items.count
                for item in alternative {
                    var members: [Unicode.Scalar] = []
                    if item.set.negated {
                        members = Array("ABCDEFGHJKLMNPQRTUWXY0123456789".unicodeScalars).filter {
                            item.set.containsASCII(UInt8($0.value))
                        }
                    } else {
                        for byte in UInt8(0)..<128 where item.set.containsASCII(byte) {
                            members.append(Unicode.Scalar(byte))
                        }
                        if members.isEmpty, let range = item.set.ranges.first {
                            for value in range.lowerBound...min(range.upperBound, range.lowerBound + 40) {
                                if let scalar = Unicode.Scalar(value) { members.append(scalar) }
                            }
                        }
                    }
                    if members.isEmpty { members = ["0"] }
                    items.append(
                        Item(
                            minimum: item.minimum,
                            extra: item.maximum == Int.max ? 4 : min(item.maximum - item.minimum, 4),
                            members: list(members.map { Array(String($0).utf8) })))
                }
                alternatives.append(List(start: firstItem, count: items.count - firstItem))
            }
            generators.append(List(start: firstAlternative, count: alternatives.count - firstAlternative))
            return generators.count - 1
        }

        let entity = generator.entity
        counties = list(generator.counties.map { Array($0.utf8) })
        chinese = list(SyntheticRecordGenerator.chinese.map { Array(String($0).utf8) })
        surnames = list(SyntheticRecordGenerator.surnames.map { Array(String($0).utf8) })
        booleans = list(["true", "false", "1", "0", "是", "否"].map { Array($0.utf8) })
        outletPrefixes = list(["DA", "DW", "TA"].map { Array($0.utf8) })
        hexDigits = list("0123456789ABCDEF".utf8.map { [$0] })
        addressHead = span("四川省成都市武侯区".utf8)
        road = span("路".utf8)
        numberSign = span("号".utf8)
        companyHead = span("四川".utf8)
        companyTail = span("有限公司".utf8)
        record = span("记录".utf8)
        for (slot, field) in entity.fields.enumerated() {
            let unique = field.unique || generator.keySlots.contains(slot)
            var patternIndex = -1
            var generatorIndex = -1
            var indexPrefix = -1
            var indexWidth = 0
            if let pattern = generator.patterns[slot] {
                patternIndex = patterns.count
                patterns.append(pattern)
                if let simple = SimplePattern(parsing: pattern.source) {
                    if !simple.alternatives.isEmpty { generatorIndex = patternGenerator(simple) }
                    if let items = simple.alternatives.first, let last = items.last {
                        indexPrefix = patternGenerator(SimplePattern(alternatives: [Array(items.dropLast())]))
                        indexWidth = min(last.maximum == Int.max ? max(last.minimum, 12) : last.maximum, 18)
                    }
                }
            }
            let kind: Kind
            switch field.type {
            case .string, .text: kind = unique ? .uniqueText : .text
            case .integer:
                let low = Int(field.range?.min ?? 0)
                let high = Int(field.range?.max ?? 100_000)
                kind = .integer(low: low, span: max(1, high - low + 1))
            case .decimal:
                let low = field.range?.min ?? 0
                let high = field.range?.max ?? 10_000
                kind = .decimal(
                    low: low, high: high, first: Int(low * 10_000), span: max(1, Int((high - low) * 10_000)))
            case .boolean: kind = .boolean
            case .date: kind = .date
            case .datetime: kind = .datetime
            case .code, .division, .industry, .pollutant:
                let pool =
                    field.type == .division && generator.codes[slot].isEmpty
                    ? generator.counties : generator.codes[slot]
                kind = .pool(list(pool.map { Array($0.utf8) }))
            case .uscc: kind = .uscc
            case .organizationCode: kind = .organizationCode
            case .idCard: kind = .idCard
            case .permitNumber: kind = .permitNumber
            case .outletCode: kind = .outletCode
            case .mn: kind = .mn
            }
            let name = field.name.zh
            let style: TextStyle =
                name.contains("人") || name.contains("姓名")
                ? .person
                : name.contains("地址") || name.contains("位置") ? .address : name.contains("名称") ? .company : .other
            let textMinimum = max(field.length?.min ?? 1, 1)
            slots.append(
                Slot(
                    kind: kind, alwaysPresent: field.required || generator.keySlots.contains(slot), unique: unique,
                    pattern: patternIndex, generator: generatorIndex, indexPrefix: indexPrefix, indexWidth: indexWidth,
                    lengthMinimum: field.length?.min ?? 0, lengthMaximum: field.length?.max ?? Int.max,
                    textStyle: style, textMinimum: textMinimum,
                    textMaximum: min(field.length?.max ?? (field.type == .text ? 200 : 255), textMinimum + 24)))
        }
        let slotOf = generator.slots
        func slotList(_ fields: [String]) -> List {
            let resolved = fields.compactMap { slotOf[$0] }
            let start = ruleSlots.count
            ruleSlots += resolved
            return List(start: start, count: resolved.count)
        }
        for rule in entity.rules {
            var condition: Condition?
            if let when = rule.condition {
                let slot = slotOf[when.field] ?? -1
                condition = Condition(
                    slot: slot, presentOnly: when.present || when.values == nil,
                    isBoolean: slot >= 0 && entity.fields[slot].type == .boolean,
                    values: list((when.values ?? []).map { Array($0.utf8) }))
            }
            let kind: RuleKind
            switch rule.kind {
            case .compare(let left, let op, let right): kind = .compare(slotOf[left] ?? -1, op, slotOf[right] ?? -1)
            case .requiredIf(let field): kind = .requiredIf(slotOf[field] ?? -1)
            case .atLeastOne(let fields): kind = .atLeastOne(slotList(fields))
            case .exclusive(let fields): kind = .exclusive(slotList(fields))
            case .withinDivision(let field, let container):
                kind = .withinDivision(slotOf[field] ?? -1, slotOf[container] ?? -1)
            case .prefix(let field, let prefixField): kind = .prefix(slotOf[field] ?? -1, slotOf[prefixField] ?? -1)
            case .usccDivision(let field, let divisionField):
                kind = .usccDivision(slotOf[field] ?? -1, slotOf[divisionField] ?? -1)
            }
            rules.append(Rule(kind: kind, condition: condition))
        }
        self.slots = slots
        self.rules = rules
        self.ruleSlots = ruleSlots
        self.patterns = patterns
        self.generators = generators
        self.alternatives = alternatives
        self.items = items
        self.spans = spans
        bytes = .allocate(capacity: max(storage.count, 1))
        bytes.initialize(from: storage, count: storage.count)
    }

    deinit { bytes.deallocate() }
}

/// The values of one record as bytes, in one arena of its own: a value is replaced by appending the new one.
/// Freed by ``deallocate()``.
struct FastRecord {
    private var arena: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The bytes in the arena.
    private(set) var count = 0
    private var starts: [Int]
    private var counts: [Int]

    init(fields: Int) {
        capacity = 4096
        arena = .allocate(capacity: capacity)
        starts = [Int](repeating: 0, count: fields)
        counts = starts
    }

    func deallocate() { arena.deallocate() }

    mutating func reset() { count = 0 }

    subscript(_ index: Int) -> UInt8 {
        get { arena[index] }
        set { arena[index] = newValue }
    }

    // MARK: Building values

    /// Makes the bytes appended since `start` the value of `slot`.
    mutating func end(_ slot: Int, start: Int) {
        starts[slot] = start
        counts[slot] = count - start
    }

    mutating func discard(from start: Int) { count = start }

    mutating func setEmpty(_ slot: Int) { counts[slot] = 0 }

    private mutating func reserve(_ extra: Int) {
        if count + extra <= capacity { return }
        var larger = capacity * 2
        while count + extra > larger { larger *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        grown.initialize(from: arena, count: count)
        arena.deallocate()
        arena = grown
        capacity = larger
    }

    mutating func append(_ byte: UInt8) {
        reserve(1)
        arena[count] = byte
        count += 1
    }

    mutating func append(_ base: UnsafePointer<UInt8>, _ length: Int) {
        reserve(length)
        (arena + count).update(from: base, count: length)
        count += length
    }

    /// A byte string of the plan, or (with `start == -1`) the value of a slot.
    mutating func append(_ plan: FastRecordPlan, _ span: FastRecordPlan.Span) {
        if span.start >= 0 {
            append(plan.bytes + span.start, span.count)
        } else {
            appendValue(of: span.count, from: 0, count: counts[span.count])
        }
    }

    /// `length` bytes of the value of `slot`, from `offset` (room is made first: the arena may move).
    mutating func appendValue(of slot: Int, from offset: Int, count length: Int) {
        reserve(length)
        append(arena + starts[slot] + offset, length)
    }

    mutating func appendZeros(_ zeros: Int) {
        reserve(zeros)
        for _ in 0..<zeros {
            arena[count] = 0x30
            count += 1
        }
    }

    /// Moves the bytes from `source` to the end down to `destination` (which is before it).
    mutating func move(from source: Int, to destination: Int) {
        let length = count - source
        (arena + destination).update(from: arena + source, count: length)
        count = destination + length
    }

    static func digitCount(_ value: Int) -> Int {
        var digits = value < 0 ? 2 : 1
        var rest = value.magnitude
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        return digits
    }

    /// `String(value)`; with `lastDigits`, only that many of its last characters (`suffix`).
    mutating func appendNumber(_ value: Int, lastDigits: Int = Int.max) {
        let length = Self.digitCount(value)
        let start = count
        appendZeros(length)
        var rest = value.magnitude
        var position = count - 1
        repeat {
            arena[position] = UInt8(truncatingIfNeeded: rest % 10) + 0x30
            rest /= 10
            position -= 1
        } while rest > 0
        if value < 0 { arena[start] = 0x2D }
        if lastDigits < length { move(from: count - lastDigits, to: start) }
    }

    /// `String(value)` with zeros in front up to `width` characters.
    mutating func appendPadded(_ value: Int, _ width: Int) {
        appendZeros(max(0, width - Self.digitCount(value)))
        appendNumber(value)
    }

    /// `decimal(_:)`: the scaled value with four decimals.
    mutating func appendDecimal(_ scaled: Int) {
        if scaled < 0 { append(0x2D) }
        let magnitude = abs(scaled)
        appendNumber(magnitude / 10_000)
        append(0x2E)
        appendPadded(magnitude % 10_000, 4)
    }

    /// `ValueParsing.dateText(dayNumber:)`.
    mutating func appendDate(_ day: Int) {
        let (year, month, dayOfMonth) = ValueParsing.civilDate(dayNumber: day)
        appendPadded(year, 4)
        append(0x2D)
        appendPadded(month, 2)
        append(0x2D)
        appendPadded(dayOfMonth, 2)
    }

    /// The position of a byte in `0123456789ABCDEFGHJKLMNPQRTUWXY`, or 0.
    static func usccDigit(_ byte: UInt8) -> Int {
        switch byte {
        case 0x30...0x39: Int(byte) - 48
        case UInt8(ascii: "A")...UInt8(ascii: "H"): Int(byte) - 55
        case UInt8(ascii: "J")...UInt8(ascii: "N"): Int(byte) - 56
        case UInt8(ascii: "P")...UInt8(ascii: "R"): Int(byte) - 57
        case UInt8(ascii: "T")...UInt8(ascii: "U"): Int(byte) - 58
        case UInt8(ascii: "W")...UInt8(ascii: "Y"): Int(byte) - 59
        default: 0
        }
    }

    /// `SyntheticRecordGenerator.organizationCode(index:)`.
    mutating func appendOrganizationCode(index: Int) {
        let value = index % 100_000_000
        let start = count
        if Self.digitCount(value) < 8 {
            append(UInt8(ascii: "M"))
            appendPadded(value, 7)
        } else {
            appendNumber(value)
        }
        let weights = [3, 7, 9, 10, 5, 8, 4, 2]
        var sum = 0
        for position in 0..<8 {
            let byte = arena[start + position]
            sum += (byte >= 65 ? Int(byte) - 55 : Int(byte) - 48) * weights[position]
        }
        let check = 11 - sum % 11
        append(check == 10 ? UInt8(ascii: "X") : check == 11 ? 0x30 : UInt8(check + 48))
    }

    /// `SyntheticRecordGenerator.socialCreditCode(division:index:)`.
    mutating func appendSocialCreditCode(_ plan: FastRecordPlan, division: FastRecordPlan.Span, index: Int) {
        let start = count
        append(UInt8(ascii: "9"))
        append(UInt8(ascii: "1"))
        append(plan, division)
        appendOrganizationCode(index: index)
        var sum = 0
        var weight = 1
        for position in start..<count {
            sum += Self.usccDigit(arena[position]) * weight
            weight = weight * 3 % 31
        }
        append(Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)[(31 - sum % 31) % 31])
    }

    // MARK: Reading values

    func isEmpty(_ slot: Int) -> Bool { counts[slot] == 0 }

    func string(_ slot: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: arena + starts[slot], count: counts[slot]), as: UTF8.self)
    }

    /// The values as strings (for planting a defect).
    func strings() -> [String] { starts.indices.map { string($0) } }

    /// `pattern.matches(String(bytes))`.
    static func matches(_ pattern: ValuePattern, _ base: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        length == 0 ? pattern.matches("") : pattern.matches(base, length)
    }

    /// Whether the value of `slot` matches `pattern`.
    func matches(_ slot: Int, _ pattern: ValuePattern) -> Bool {
        Self.matches(pattern, arena + starts[slot], counts[slot])
    }

    /// Whether the bytes from `start` to the end match `pattern`.
    func matches(_ pattern: ValuePattern, from start: Int) -> Bool {
        Self.matches(pattern, arena + start, count - start)
    }

    /// The scalars from `start` to the end.
    func scalarCount(from start: Int) -> Int {
        var scalars = 0
        for index in start..<count where arena[index] & 0xC0 != 0x80 { scalars += 1 }
        return scalars
    }

    /// Whether the value is plain ASCII without a carriage return, where characters are bytes.
    func isSimple(_ slot: Int) -> Bool {
        for index in starts[slot]..<(starts[slot] + counts[slot]) where arena[index] >= 0x80 || arena[index] == 0x0D {
            return false
        }
        return true
    }

    /// `value.count` (characters).
    func characterCount(_ slot: Int) -> Int { isSimple(slot) ? counts[slot] : string(slot).count }

    /// Cuts the value being built from `start` to `scalars` scalars.
    mutating func truncate(from start: Int, toScalars scalars: Int) {
        var seen = 0
        var index = start
        while index < count {
            if arena[index] & 0xC0 != 0x80 {
                if seen == scalars { break }
                seen += 1
            }
            index += 1
        }
        count = index
    }

    // MARK: Rules

    /// `holds(_:_:)` of the string version.
    func holds(_ condition: FastRecordPlan.Condition?, _ plan: FastRecordPlan) -> Bool {
        guard let condition, condition.slot >= 0 else { return true }
        let slot = condition.slot
        if condition.presentOnly { return !isEmpty(slot) }
        let value = UnsafeBufferPointer(start: arena + starts[slot], count: counts[slot])
        func bytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
            let span = plan.spans[condition.values.start + index]
            return UnsafeBufferPointer(start: plan.bytes + span.start, count: span.count)
        }
        if condition.isBoolean {
            guard let truth = Self.truth(value) else { return false }
            return (0..<condition.values.count).contains { Self.truth(bytes($0)) == truth }
        }
        return (0..<condition.values.count).contains { index in
            let candidate = bytes(index)
            return candidate.elementsEqual(value) || Self.equalAsStrings(candidate, value)
        }
    }

    /// String equality (canonical equivalence) of bytes that differ: only possible beyond ASCII.
    static func equalAsStrings(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> Bool {
        if first.allSatisfy({ $0 < 0x80 }) && second.allSatisfy({ $0 < 0x80 }) { return false }
        return String(decoding: first, as: UTF8.self) == String(decoding: second, as: UTF8.self)
    }

    /// `truth(_:)`: `true`, `1`, `是`; `false`, `0`, `否` (ASCII letters in any case).
    static func truth(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        func equals(_ word: StaticString) -> Bool {
            guard bytes.count == word.utf8CodeUnitCount else { return false }
            for index in 0..<bytes.count {
                let byte = bytes[index]
                if (byte >= 65 && byte <= 90 ? byte + 32 : byte) != word.utf8Start[index] { return false }
            }
            return true
        }
        if equals("true") || equals("1") || equals("是") { return true }
        if equals("false") || equals("0") || equals("否") { return false }
        return nil
    }

    mutating func set(_ slot: Int, _ bytes: [UInt8]) {
        let start = count
        bytes.withUnsafeBufferPointer { append($0.baseAddress ?? UnsafePointer(arena), $0.count) }
        end(slot, start: start)
    }

    /// The container becomes the city of the county in `slot`: its first four characters and `00`.
    mutating func setDivisionOfCity(_ container: Int, from slot: Int) {
        if isSimple(slot) {
            let start = count
            appendValue(of: slot, from: 0, count: min(4, counts[slot]))
            append(0x30)
            append(0x30)
            end(container, start: start)
        } else {
            set(container, Array((String(string(slot).prefix(4)) + "00").utf8))
        }
    }

    /// `slot` becomes the value of `prefixSlot` followed by its own characters past that length, or `001P`.
    mutating func setPrefixed(_ slot: Int, by prefixSlot: Int) {
        if isSimple(slot) && isSimple(prefixSlot) {
            let start = count
            let prefixCount = counts[prefixSlot]
            let currentCount = counts[slot]
            appendValue(of: prefixSlot, from: 0, count: prefixCount)
            if currentCount > prefixCount {
                appendValue(of: slot, from: prefixCount, count: currentCount - prefixCount)
            } else {
                for byte in "001P".utf8 { append(byte) }
            }
            end(slot, start: start)
        } else {
            let prefix = string(prefixSlot)
            let current = string(slot)
            set(
                slot,
                Array((prefix + (current.count > prefix.count ? String(current.dropFirst(prefix.count)) : "001P")).utf8)
            )
        }
    }

    /// A `compare` rule made to hold (the string version's logic, on strings).
    mutating func applyComparison(_ leftSlot: Int, _ op: ComparisonOperator, _ rightSlot: Int) {
        let lhs = string(leftSlot)
        let rhs = string(rightSlot)
        let ordered = Double(lhs).flatMap { left in Double(rhs).map { left < $0 } } ?? (lhs < rhs)
        switch op {
        case .lt, .le:
            if !ordered && lhs != rhs { swapValues(leftSlot, rightSlot) }
        case .gt, .ge:
            if ordered { swapValues(leftSlot, rightSlot) }
        case .eq: set(rightSlot, Array(lhs.utf8))
        case .ne: if lhs == rhs { setEmpty(rightSlot) }
        }
        if op == .lt || op == .gt, string(leftSlot) == string(rightSlot) { setEmpty(rightSlot) }
    }

    mutating func swapValues(_ first: Int, _ second: Int) {
        starts.swapAt(first, second)
        counts.swapAt(first, second)
    }

    // MARK: Output

    /// One cell: quoted (quotes doubled) when it holds a comma, a quote or a line end.
    static func appendCell(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        if bytes.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
            output.append(0x22)
            for byte in bytes {
                output.append(byte)
                if byte == 0x22 { output.append(0x22) }
            }
            output.append(0x22)
        } else {
            output.append(contentsOf: bytes)
        }
    }

    /// The record as a CSV line.
    func appendCSV(to output: inout [UInt8]) {
        for slot in starts.indices {
            if slot > 0 { output.append(0x2C) }
            Self.appendCell(UnsafeBufferPointer(start: arena + starts[slot], count: counts[slot]), to: &output)
        }
        output.append(0x0A)
    }
}
