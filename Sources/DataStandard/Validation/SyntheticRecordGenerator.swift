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
    private var random: SeededRandom
    private let patterns: [ValuePattern?]
    private let codes: [[String]]
    private let counties: [String]
    private let slots: [String: Int]
    private let keySlots: [Int]
    private static let chinese = Array(
        "华川蜀锦江青城天府岷沱嘉陵金沙宏达兴盛源泰和丰安康利民新创科技化工制药建材能源环保水务纸业食品酿酒机械电子冶金")
    private static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐")
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
        func append(_ values: [String]) {
            for (index, value) in values.enumerated() {
                if index > 0 { output.append(0x2C) }
                if value.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                    output.append(0x22)
                    for byte in value.utf8 {
                        output.append(byte)
                        if byte == 0x22 { output.append(0x22) }
                    }
                    output.append(0x22)
                } else {
                    output.append(contentsOf: value.utf8)
                }
            }
            output.append(0x0A)
        }
        append(header)
        let plan = defectPlan(rows: rows, count: defects)
        var planted: [Defect] = []
        var firstRecord: [String] = []
        for index in 0..<rows {
            var values = record(index)
            if index == 0 { firstRecord = values }
            if let defect = plan[index] {
                planted.append(
                    plant(
                        defect.kind, slot: defect.slot, in: &values, recordNumber: index + 1, earlierRecord: firstRecord
                    ))
            }
            append(values)
            if output.count > (1 << 22) - 65_536 { try flush() }
        }
        try flush()
        return planted
    }
}
