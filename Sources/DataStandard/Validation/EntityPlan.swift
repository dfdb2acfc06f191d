/// A code table compiled for lookups over UTF-8 bytes.
struct CodeLookup: Sendable {
    let table: CodeTable
    let hashes: ValueHashSet  // payload: entry index
    let frozen: FrozenValueSet
    /// Per entry: deprecated or replaced (a warning when used).
    let deprecated: FrozenFlags
    /// The same lookup without hashing, when every code has 1 to 7 bytes (most code tables).
    let short: ShortCodeTable?

    init(_ table: CodeTable) {
        self.table = table
        var hashes = ValueHashSet(minimumCapacity: max(16, table.entries.count))
        for (index, entry) in table.entries.enumerated() {
            _ = hashes.insert(ValueHasher.hash(entry.code), payload: UInt32(truncatingIfNeeded: index))
        }
        self.hashes = hashes
        frozen = FrozenValueSet(hashes)
        short = ShortCodeTable(table.entries.map(\.code))
        deprecated = FrozenFlags(table.entries.map { $0.deprecated || $0.replacedBy != nil })
    }

    /// The entry index of a code, or `nil`.
    @inline(__always)
    func entryIndex(_ base: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        let hash = ValueHasher.hash(base, count)
        guard let index = hashes.payload(of: hash) else { return nil }
        return Int(index)
    }
}

/// A code table whose codes all have 1 to 7 UTF-8 bytes: each code is packed with its length into one word
/// (``ShortCodeHandle/key(_:_:)``), so a lookup is exact and needs no hashing of the bytes.
///
/// `@unchecked Sendable`: written once in `init`, read-only afterwards.
final class ShortCodeTable: @unchecked Sendable {
    let keys: UnsafeMutablePointer<UInt64>
    let payloads: UnsafeMutablePointer<UInt32>
    let mask: Int
    let shift: UInt64

    /// The table of `codes` (payload: the index of a code's first occurrence), or `nil` when a code is empty or
    /// longer than 7 bytes.
    init?(_ codes: [String]) {
        var packed: [UInt64] = []
        for code in codes {
            let bytes = Array(code.utf8)
            guard (1...7).contains(bytes.count) else { return nil }
            packed.append(
                bytes.withUnsafeBufferPointer { ShortCodeHandle.key($0.baseAddress.unsafelyUnwrapped, $0.count) })
        }
        var capacity = 16
        var bits: UInt64 = 4
        while capacity < packed.count * 2 {
            capacity <<= 1
            bits += 1
        }
        mask = capacity - 1
        shift = 64 - bits
        keys = .allocate(capacity: capacity)
        keys.initialize(repeating: 0, count: capacity)
        payloads = .allocate(capacity: capacity)
        payloads.initialize(repeating: 0, count: capacity)
        for (index, key) in packed.enumerated() {
            var slot = ShortCodeHandle.slot(key, shift)
            while keys[slot] != 0 && keys[slot] != key { slot = (slot + 1) & mask }
            if keys[slot] == key { continue }
            keys[slot] = key
            payloads[slot] = UInt32(truncatingIfNeeded: index)
        }
    }

    deinit {
        keys.deallocate()
        payloads.deallocate()
    }

    /// A handle for hot loops; valid while this object lives.
    var handle: ShortCodeHandle { ShortCodeHandle(keys: keys, payloads: payloads, mask: mask, shift: shift) }
}

/// Plain pointers to a ``ShortCodeTable``.
struct ShortCodeHandle {
    let keys: UnsafeMutablePointer<UInt64>
    let payloads: UnsafeMutablePointer<UInt32>
    let mask: Int
    let shift: UInt64

    /// 1 to 7 bytes and their count, in one word (never 0).
    @inline(__always)
    static func key(_ base: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var value: UInt64
        if count >= 4 {
            let raw = UnsafeRawPointer(base)
            let low = UInt64(raw.loadUnaligned(as: UInt32.self))
            let high = UInt64(raw.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self))
            value = low | high << UInt64(truncatingIfNeeded: (count &- 4) &* 8)
        } else {
            value =
                UInt64(base[0]) | UInt64(base[count >> 1]) << UInt64(truncatingIfNeeded: (count >> 1) &* 8)
                | UInt64(base[count &- 1]) << UInt64(truncatingIfNeeded: (count &- 1) &* 8)
        }
        return value | UInt64(truncatingIfNeeded: count) << 56
    }

    @inline(__always)
    static func slot(_ key: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) &>> shift)
    }

    /// The payload of a code of `count` bytes (at least 1), or `nil` when it is not in the table.
    @inline(__always)
    func payload(_ base: UnsafePointer<UInt8>, _ count: Int) -> UInt32? {
        if count > 7 { return nil }
        let key = Self.key(base, count)
        var slot = Self.slot(key, shift)
        while true {
            let stored = keys[slot]
            if stored == key { return payloads[slot] }
            if stored == 0 { return nil }
            slot = (slot &+ 1) & mask
        }
    }
}

/// Read-only flags in memory of their own, read through a plain pointer.
///
/// `@unchecked Sendable`: written once in `init`, read-only afterwards.
final class FrozenFlags: @unchecked Sendable {
    let flags: UnsafeMutablePointer<Bool>

    init(_ values: [Bool]) {
        flags = .allocate(capacity: max(values.count, 1))
        flags.initialize(from: values, count: values.count)
    }

    deinit { flags.deallocate() }
}

/// The hot part of a field's plan: trivial values only, so that the validation loop copies no references.
struct FieldCheck: Sendable {
    var slot: Int
    var type: FieldType
    var isRequired: Bool
    var severity: Severity
    var checksLength: Bool
    var minimumLength: Int
    var maximumLength: Int
    var checksRange: Bool
    var minimum: Double
    var maximum: Double
    var patternIndex: Int
    var codeIndex: Int
    /// The position among the entity's `unique` fields, or -1.
    var uniqueIndex: Int
    /// The position among the entity's reference fields, or -1.
    var referenceIndex: Int
    var isSensitive: Bool
    var hasDeprecatedCodes: Bool
    /// Text with at most a length to check (no pattern, code table or range): the field loop checks it inline.
    var isPlainText = false
}

/// What a cross-field rule checks, with field ids resolved to slots.
enum RuleCheck: Sendable {
    case compare(left: Int, op: ComparisonOperator, right: Int)
    case requiredIf(Int)
    case atLeastOne([Int])
    case exclusive([Int])
    case withinDivision(field: Int, container: Int)
    case prefix(field: Int, prefix: Int)
    case usccDivision(field: Int, division: Int)

    /// The slot the rule's finding is reported on.
    var primarySlot: Int {
        switch self {
        case .compare(let left, _, _): left
        case .requiredIf(let slot): slot
        case .atLeastOne(let slots), .exclusive(let slots): slots.first ?? 0
        case .withinDivision(let field, _), .prefix(let field, _), .usccDivision(let field, _): field
        }
    }
}

/// A rule's `when` with values as bytes.
struct ConditionPlan: Sendable {
    var slot: Int
    var values: [[UInt8]]
    var present: Bool
    /// For a boolean field: the accepted truth values, so that `equals: true` also matches `1` and `是`.
    var booleans: [Bool]?
}

/// A compiled cross-field rule.
struct RulePlan: Sendable {
    var spec: RuleSpec
    var check: RuleCheck
    var condition: ConditionPlan?
}

/// The hot form of a rule: trivial values only (lists live in ``EntityPlan/ruleSlots``).
struct RuleOp: Sendable {
    enum Kind: UInt8, Sendable { case compare, requiredIf, atLeastOne, exclusive, withinDivision, prefix, usccDivision }
    var kind: Kind
    var first: Int
    var second: Int
    var op: ComparisonOperator
    var listStart: Int
    var listCount: Int
    /// Index into ``EntityPlan/conditionOps``, or -1.
    var condition: Int
    var severity: Severity
}

/// The hot form of a `when`: values live in ``EntityPlan/conditionBytes`` at ``EntityPlan/conditionRanges``.
struct ConditionOp: Sendable {
    var slot: Int
    var present: Bool
    /// For a boolean field: bit 0 accepts false, bit 1 accepts true; 0 for other fields.
    var booleanMask: UInt8
    var valuesStart: Int
    var valuesCount: Int
}

/// An entity compiled for validation: per-field checkers chosen by type, code tables as hash sets, patterns
/// compiled once, rules with resolved slots. Built once per entity and shared, read-only, by every worker.
final class EntityPlan: Sendable {
    let entity: EntitySpec
    let checks: [FieldCheck]
    let patterns: [ValuePattern]
    let codes: [CodeLookup]
    let rules: [RulePlan]
    let ruleOps: [RuleOp]
    let ruleSlots: [Int]
    let conditionOps: [ConditionOp]
    /// Pairs of start and end offsets into `conditionBytes`.
    let conditionRanges: [Int]
    let conditionBytes: [UInt8]
    let keySlots: [Int]
    let uniqueSlots: [Int]
    let referenceSlots: [Int]
    let timeSlot: Int
    let timeIsDate: Bool
    let maximumAgeDays: Int?
    let namespacePrefixes: [String]
    /// Field ids and Chinese names → slot.
    let names: [String: Int]
    /// Hashes of field ids and Chinese names → slot, for JSON keys.
    let nameHashes: FrozenValueSet
    /// Per slot of a code type (division, industry…) with a code table: per entry of the table, whether the entry is
    /// a valid code of the type, so that a value found in the table needs no check of its own.
    let codeTypeValidity: [FrozenFlags?]

    init(entity: EntitySpec, standard: StandardSpec) throws(DataStandardError) {
        self.entity = entity
        var slots: [String: Int] = [:]
        for (slot, field) in entity.fields.enumerated() where slots[field.id] == nil { slots[field.id] = slot }
        func slot(_ id: String, _ rule: String) throws(DataStandardError) -> Int {
            guard let slot = slots[id] else {
                throw DataStandardError(
                    .danglingReference, "rule \(rule) of entity \(entity.id) names an unknown field \(id)",
                    at: entity.location)
            }
            return slot
        }
        var keySlots: [Int] = []
        for id in entity.key { keySlots.append(try slot(id, "key")) }
        self.keySlots = keySlots

        var checks: [FieldCheck] = []
        var patterns: [ValuePattern] = []
        var codes: [CodeLookup] = []
        var codeIndexByTable: [String: Int] = [:]
        var uniqueSlots: [Int] = []
        var referenceSlots: [Int] = []
        for (slot, field) in entity.fields.enumerated() {
            var check = FieldCheck(
                slot: slot, type: field.type, isRequired: field.required || keySlots.contains(slot),
                severity: field.severity, checksLength: false, minimumLength: 0, maximumLength: Int.max,
                checksRange: false, minimum: -.infinity, maximum: .infinity, patternIndex: -1, codeIndex: -1,
                uniqueIndex: -1, referenceIndex: -1, isSensitive: field.sensitive, hasDeprecatedCodes: false)
            var maximumLength: Int? = field.length?.max
            if maximumLength == nil {
                if field.type == .string { maximumLength = 255 }
                if field.type == .text { maximumLength = 65_535 }
            }
            if field.length?.min != nil || maximumLength != nil {
                check.checksLength = true
                check.minimumLength = field.length?.min ?? 0
                check.maximumLength = maximumLength ?? Int.max
            }
            if let range = field.range {
                check.checksRange = true
                check.minimum = range.min ?? -.infinity
                check.maximum = range.max ?? .infinity
            }
            if let pattern = field.pattern {
                check.patternIndex = patterns.count
                patterns.append(try ValuePattern(pattern))
            }
            var tableID = field.codeTable
            if tableID == nil {
                switch field.type {
                case .division: tableID = "division"
                case .industry: tableID = "industry"
                case .pollutant: tableID = "pollutant"
                default: break
                }
            }
            if let tableID {
                if let table = standard.codeTables[tableID] {
                    if let index = codeIndexByTable[tableID] {
                        check.codeIndex = index
                    } else {
                        check.codeIndex = codes.count
                        codeIndexByTable[tableID] = codes.count
                        codes.append(CodeLookup(table))
                    }
                    check.hasDeprecatedCodes = table.entries.contains { $0.deprecated || $0.replacedBy != nil }
                } else if field.codeTable != nil {
                    throw DataStandardError(
                        .danglingReference,
                        "field \(entity.id).\(field.id) names an unknown code table \(tableID)", at: field.location)
                }
            }
            // The single key field is checked for duplicates as the key; don't report it twice.
            if field.unique && !(keySlots == [slot]) {
                check.uniqueIndex = uniqueSlots.count
                uniqueSlots.append(slot)
            }
            if field.reference != nil {
                check.referenceIndex = referenceSlots.count
                referenceSlots.append(slot)
            }
            check.isPlainText =
                (check.type == .string || check.type == .text || check.type == .code) && check.patternIndex < 0
                && check.codeIndex < 0 && !check.checksRange
            checks.append(check)
        }
        self.checks = checks
        codeTypeValidity = checks.map { check in
            guard check.codeIndex >= 0, CodeTypeCheck.isCodeType(check.type) else { return nil }
            return FrozenFlags(
                codes[check.codeIndex].table.entries.map { entry in
                    var code = entry.code
                    return code.withUTF8 { CodeTypeCheck.check(check.type, $0) == nil }
                })
        }
        self.patterns = patterns
        self.codes = codes
        self.uniqueSlots = uniqueSlots
        self.referenceSlots = referenceSlots

        var rules: [RulePlan] = []
        for rule in entity.rules {
            let check: RuleCheck
            switch rule.kind {
            case .compare(let left, let op, let right):
                check = .compare(left: try slot(left, rule.id), op: op, right: try slot(right, rule.id))
            case .requiredIf(let field):
                check = .requiredIf(try slot(field, rule.id))
            case .atLeastOne(let fields):
                var resolved: [Int] = []
                for field in fields { resolved.append(try slot(field, rule.id)) }
                check = .atLeastOne(resolved)
            case .exclusive(let fields):
                var resolved: [Int] = []
                for field in fields { resolved.append(try slot(field, rule.id)) }
                check = .exclusive(resolved)
            case .withinDivision(let field, let container):
                check = .withinDivision(field: try slot(field, rule.id), container: try slot(container, rule.id))
            case .prefix(let field, let prefixField):
                check = .prefix(field: try slot(field, rule.id), prefix: try slot(prefixField, rule.id))
            case .usccDivision(let field, let divisionField):
                check = .usccDivision(field: try slot(field, rule.id), division: try slot(divisionField, rule.id))
            }
            var condition: ConditionPlan?
            if let when = rule.condition {
                let conditionSlot = try slot(when.field, rule.id)
                let values = (when.values ?? []).map { Array($0.utf8) }
                var booleans: [Bool]?
                if entity.fields[conditionSlot].type == .boolean {
                    booleans = values.compactMap { value in
                        value.withUnsafeBufferPointer { buffer in
                            buffer.baseAddress.flatMap { ValueParsing.parseBoolean($0, buffer.count) }
                        }
                    }
                }
                condition = ConditionPlan(
                    slot: conditionSlot, values: values, present: when.present || when.values == nil,
                    booleans: booleans)
            }
            rules.append(RulePlan(spec: rule, check: check, condition: condition))
        }
        self.rules = rules
        var ruleOps: [RuleOp] = []
        var ruleSlots: [Int] = []
        var conditionOps: [ConditionOp] = []
        var conditionRanges: [Int] = []
        var conditionBytes: [UInt8] = []
        for rule in rules {
            var op = RuleOp(
                kind: .compare, first: -1, second: -1, op: .eq, listStart: ruleSlots.count, listCount: 0,
                condition: -1, severity: rule.spec.severity)
            switch rule.check {
            case .compare(let left, let comparison, let right):
                (op.kind, op.first, op.op, op.second) = (.compare, left, comparison, right)
            case .requiredIf(let slot): (op.kind, op.first) = (.requiredIf, slot)
            case .atLeastOne(let slots):
                (op.kind, op.first, op.listCount) = (.atLeastOne, slots.first ?? -1, slots.count)
                ruleSlots += slots
            case .exclusive(let slots):
                (op.kind, op.first, op.listCount) = (.exclusive, slots.first ?? -1, slots.count)
                ruleSlots += slots
            case .withinDivision(let field, let container):
                (op.kind, op.first, op.second) = (.withinDivision, field, container)
            case .prefix(let field, let prefix): (op.kind, op.first, op.second) = (.prefix, field, prefix)
            case .usccDivision(let field, let division):
                (op.kind, op.first, op.second) = (.usccDivision, field, division)
            }
            if let condition = rule.condition {
                op.condition = conditionOps.count
                var mask: UInt8 = 0
                if let booleans = condition.booleans {
                    for value in booleans { mask |= value ? 2 : 1 }
                    if mask == 0 { mask = 4 }  // a boolean field compared with values that are not booleans: never
                }
                conditionOps.append(
                    ConditionOp(
                        slot: condition.slot, present: condition.present, booleanMask: mask,
                        valuesStart: conditionRanges.count / 2, valuesCount: condition.values.count))
                for value in condition.values {
                    conditionRanges += [conditionBytes.count, conditionBytes.count + value.count]
                    conditionBytes += value
                }
            }
            ruleOps.append(op)
        }
        self.ruleOps = ruleOps
        self.ruleSlots = ruleSlots
        self.conditionOps = conditionOps
        self.conditionRanges = conditionRanges
        self.conditionBytes = conditionBytes

        if let timeField = entity.timeField {
            let timeSlot = try slot(timeField, "time_field")
            self.timeSlot = timeSlot
            timeIsDate = entity.fields[timeSlot].type == .date
        } else {
            timeSlot = -1
            timeIsDate = false
        }
        maximumAgeDays = entity.maxAgeDays
        namespacePrefixes = standard.namespaces.map { $0.id + "_" }

        var names: [String: Int] = [:]
        var nameHashes = ValueHashSet(minimumCapacity: entity.fields.count * 2)
        for (slot, field) in entity.fields.enumerated() {
            for name in [field.id, field.name.zh] where names[name] == nil {
                names[name] = slot
                _ = nameHashes.insert(ValueHasher.hash(name, seed: 7), payload: UInt32(slot))
            }
        }
        self.names = names
        self.nameHashes = FrozenValueSet(nameHashes)
    }

    /// Whether a column or key that is not a field may be ignored: it carries a declared namespace's prefix, or
    /// it is record metadata (`_version`).
    func isExtensionColumn(_ name: String) -> Bool {
        name.hasPrefix("_") || namespacePrefixes.contains { name.hasPrefix($0) }
    }
}
