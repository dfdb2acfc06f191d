/// One `key=value` item of a data area, such as `a21026-Avg=23.5` or `DataTime=20160801080000`.
///
/// Factor keys are `<code>-<suffix>`, split on the last `-` (`a21026-Avg`: code `a21026`, suffix `Avg`).
public struct HJ212DataItem: Sendable, Hashable, CustomStringConvertible {
    /// The key, e.g. `a21026-Avg`, `DataTime`, `QnRtn`.
    public var key: String
    /// The value as written, e.g. `23.5`, `N`, `20160801080000`.
    public var value: String

    /// Creates an item.
    ///
    /// - Parameters:
    ///   - key: The key.
    ///   - value: The value.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Creates a factor item `<code>-<suffix>=<value>`.
    ///
    /// - Parameters:
    ///   - code: The factor code, e.g. `a21026`.
    ///   - suffix: The suffix, e.g. `Avg`.
    ///   - value: The value.
    public init(code: String, suffix: String, value: String) {
        self.init(key: "\(code)-\(suffix)", value: value)
    }

    /// The factor code (before the last `-`), or `nil` for a plain key such as `DataTime`.
    public var code: String? {
        guard let dash = key.lastIndex(of: "-") else { return nil }
        return String(key[..<dash])
    }

    /// The suffix (after the last `-`), or `nil` for a plain key.
    public var suffix: String? {
        guard let dash = key.lastIndex(of: "-") else { return nil }
        return String(key[key.index(after: dash)...])
    }

    /// The value as a number, when it is one (digits with an optional sign and decimal point).
    public var number: Double? {
        var value = value
        return value.withUTF8 { NumberParser.parse($0, 0, $0.count) }
    }

    /// `key=value`.
    public var description: String { "\(key)=\(value)" }
}

/// A group of items of a data area: the items between two `;`, usually one factor's values.
public struct HJ212DataGroup: Sendable, Hashable, ExpressibleByArrayLiteral {
    /// The items, in order (separated by `,` in the packet).
    public var items: [HJ212DataItem]

    /// Creates a group.
    ///
    /// - Parameter items: The items.
    public init(_ items: [HJ212DataItem]) { self.items = items }

    /// Creates a group from an array literal of items.
    ///
    /// - Parameter elements: The items.
    public init(arrayLiteral elements: HJ212DataItem...) { items = elements }
}

/// The data area of a packet: the content of `CP=&&…&&`.
///
/// Items are separated by `,` within a group and groups by `;` (HJ 212-2017 §6.3.3). The data area keeps the bytes
/// it was read from and an index of its items, so that decoding does not build a string per value; ``groups`` and
/// ``value(forKey:)`` read them on demand.
///
/// ```swift
/// let data = HJ212DataArea(groups: [
///     [HJ212DataItem(key: "DataTime", value: "20160801080000")],
///     [HJ212DataItem(code: "w01018", suffix: "Avg", value: "23.5"), HJ212DataItem(code: "w01018", suffix: "Flag", value: "N")],
/// ])
/// data.text  // "DataTime=20160801080000;w01018-Avg=23.5,w01018-Flag=N"
/// ```
///
/// Two data areas are equal when they have the same items in the same groups, whatever their original spacing
/// (a lenient decode skips empty items).
public struct HJ212DataArea: Sendable, Hashable {
    /// The bytes the items point into.
    var bytes: [UInt8]
    /// The items, in order.
    var items: [RawItem]

    /// An empty data area (`CP=&&&&`).
    public init() {
        bytes = []
        items = []
    }

    init(bytes: [UInt8], items: [RawItem]) {
        self.bytes = bytes
        self.items = items
    }

    /// Creates a data area from groups of items; empty groups are left out.
    ///
    /// - Parameter groups: The groups, in order.
    public init(groups: [HJ212DataGroup]) {
        var bytes: [UInt8] = []
        var items: [RawItem] = []
        var groupIndex = 0
        for group in groups where !group.items.isEmpty {
            if !bytes.isEmpty { bytes.append(UInt8(ascii: ";")) }
            for (index, item) in group.items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                let keyStart = bytes.count
                bytes.append(contentsOf: item.key.utf8)
                let keyEnd = bytes.count
                bytes.append(UInt8(ascii: "="))
                bytes.append(contentsOf: item.value.utf8)
                items.append(RawItem(group: groupIndex, keyStart: keyStart, keyEnd: keyEnd, valueEnd: bytes.count))
            }
            groupIndex += 1
        }
        self.bytes = bytes
        self.items = items
        classifyAll()
    }

    /// Creates a data area from groups given as arrays of items.
    ///
    /// - Parameter groups: The groups, in order.
    public init(_ groups: [[HJ212DataItem]]) {
        self.init(groups: groups.map(HJ212DataGroup.init))
    }

    /// Fills the dash position, kind and number of every item (for data areas built from values).
    private mutating func classifyAll() {
        let count = items.count
        bytes.withUnsafeBufferPointer { p in
            for index in 0..<count {
                var item = items[index]
                var dash = -1
                var position = item.keyEnd - 1
                while position >= item.keyStart {
                    if p[position] == UInt8(ascii: "-") {
                        dash = position
                        break
                    }
                    position -= 1
                }
                item.dash = dash
                item.kind =
                    dash >= 0
                    ? ItemKind.suffix(p, dash + 1, item.keyEnd) : ItemKind.plain(p, item.keyStart, item.keyEnd)
                item.number = NumberParser.parse(p, item.keyEnd + 1, item.valueEnd) ?? .nan
                items[index] = item
            }
        }
    }

    /// Whether the data area has no items.
    public var isEmpty: Bool { items.isEmpty }

    /// The number of items.
    public var itemCount: Int { items.count }

    /// The groups of items, in order.
    public var groups: [HJ212DataGroup] {
        var groups: [HJ212DataGroup] = []
        var current: [HJ212DataItem] = []
        var currentGroup = -1
        bytes.withUnsafeBufferPointer { p in
            for item in items {
                if item.group != currentGroup {
                    if !current.isEmpty { groups.append(HJ212DataGroup(current)) }
                    current = []
                    currentGroup = item.group
                }
                current.append(
                    HJ212DataItem(
                        key: decodeString(p, item.keyStart, item.keyEnd),
                        value: decodeString(p, item.keyEnd + 1, item.valueEnd)))
            }
        }
        if !current.isEmpty { groups.append(HJ212DataGroup(current)) }
        return groups
    }

    /// Every item, in order, without the grouping.
    public var allItems: [HJ212DataItem] { groups.flatMap(\.items) }

    /// The data area as the packet carries it between `CP=&&` and `&&` (canonical separators).
    public var text: String {
        var out: [UInt8] = []
        serialize(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of the first item with this key.
    ///
    /// - Parameter key: A key such as `DataTime` or `a21026-Avg`.
    /// - Returns: The value, or `nil` when no item has the key.
    public func value(forKey key: String) -> String? {
        var key = key
        return key.withUTF8 { wanted in
            bytes.withUnsafeBufferPointer { p in
                for item in items where item.keyEnd - item.keyStart == wanted.count {
                    if equalBytes(p, item.keyStart, wanted) { return decodeString(p, item.keyEnd + 1, item.valueEnd) }
                }
                return nil
            }
        }
    }

    /// The first `DataTime` of the data area.
    public var dataTime: HJ212Timestamp? {
        bytes.withUnsafeBufferPointer { p in
            for item in items where item.kind == .dataTime {
                return HJ212Timestamp.parse(p, item.keyEnd + 1, item.valueEnd)
            }
            return nil
        }
    }

    /// Appends `k=v,k=v;k=v…` (canonical separators) to `out`.
    func serialize(into out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { p in
            var previousGroup = -1
            for item in items {
                if previousGroup >= 0 {
                    out.append(item.group == previousGroup ? UInt8(ascii: ",") : UInt8(ascii: ";"))
                }
                previousGroup = item.group
                out.append(contentsOf: UnsafeBufferPointer(rebasing: p[item.keyStart..<item.valueEnd]))
            }
        }
    }

    /// Equal when the items (keys, values and grouping) are equal.
    public static func == (lhs: HJ212DataArea, rhs: HJ212DataArea) -> Bool {
        guard lhs.items.count == rhs.items.count else { return false }
        return lhs.bytes.withUnsafeBufferPointer { l in
            rhs.bytes.withUnsafeBufferPointer { r in
                var lastLeft = -1
                var lastRight = -1
                for index in 0..<lhs.items.count {
                    let a = lhs.items[index]
                    let b = rhs.items[index]
                    // Same grouping: a new group starts at the same items.
                    if (a.group != lastLeft) != (b.group != lastRight) { return false }
                    lastLeft = a.group
                    lastRight = b.group
                    if a.keyEnd - a.keyStart != b.keyEnd - b.keyStart || a.valueEnd - a.keyEnd != b.valueEnd - b.keyEnd
                    {
                        return false
                    }
                    let length = a.valueEnd - a.keyStart
                    for k in 0..<length where l[a.keyStart + k] != r[b.keyStart + k] { return false }
                }
                return true
            }
        }
    }

    /// Hashes the items (keys, values and grouping).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(items.count)
        bytes.withUnsafeBufferPointer { p in
            var last = -1
            for item in items {
                hasher.combine(item.group != last)
                last = item.group
                hasher.combine(item.keyEnd - item.keyStart)
                hasher.combine(
                    bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: p[item.keyStart..<item.valueEnd])))
            }
        }
    }
}

/// An item of a data area: positions in the data area's bytes, with its kind and numeric value (32 bytes; data
/// areas are limited to 2 GiB).
struct RawItem: Sendable {
    private var storedGroup: Int32
    private var storedKeyStart: Int32
    private var storedKeyEnd: Int32
    private var storedDash: Int32 = -1
    private var storedValueEnd: Int32
    /// What the key is.
    var kind: ItemKind = .unknownKey
    /// The value as a number, or NaN.
    var number: Double = .nan

    init(group: Int, keyStart: Int, keyEnd: Int, valueEnd: Int) {
        storedGroup = Int32(truncatingIfNeeded: group)
        storedKeyStart = Int32(truncatingIfNeeded: keyStart)
        storedKeyEnd = Int32(truncatingIfNeeded: keyEnd)
        storedValueEnd = Int32(truncatingIfNeeded: valueEnd)
    }

    /// The index of the group (items with the same index are separated by `,`).
    var group: Int { Int(storedGroup) }
    /// The first byte of the key.
    var keyStart: Int { Int(storedKeyStart) }
    /// The position of the `=` (the value starts after it).
    var keyEnd: Int { Int(storedKeyEnd) }
    /// The end of the value.
    var valueEnd: Int {
        get { Int(storedValueEnd) }
        set { storedValueEnd = Int32(truncatingIfNeeded: newValue) }
    }
    /// The position of the last `-` of the key, or -1.
    var dash: Int {
        get { Int(storedDash) }
        set { storedDash = Int32(truncatingIfNeeded: newValue) }
    }
}

/// The string of `p[start..<end]` (invalid UTF-8 is replaced).
@inline(__always)
func decodeString(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: p[start..<end]), as: UTF8.self)
}

/// Whether `p[start..<start + wanted.count]` equals `wanted`.
@inline(__always)
func equalBytes(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
    for k in 0..<wanted.count where p[start + k] != wanted[k] { return false }
    return true
}

/// What an item's key is: a factor suffix (the key has a `-`) or a plain key.
enum ItemKind: UInt8, Sendable {
    // The order matters: the rule of a kind is read from its position (see `rule`), and the non-standard suffixes
    // are next to `unknownSuffix`.

    // Numeric factor suffixes of HJ 212-2017 Table 4 and HJ/T 212-2005, and numeric plain keys.
    case rtd, min, avg, max, cou, zsRtd, zsMin, zsAvg, zsMax, rt, data, dayData, nightData, ala, upValue, lowValue
    case dayStdValue, nightStdValue
    // Non-standard numeric suffixes seen in real packets (kept; reported in strict mode), then unknown suffixes.
    case zsCou, validNum, totalNum, td
    case unknownSuffix
    // The data flag.
    case flag
    // Integer values.
    case rs, qnRtn, exeRtn, rtdInterval, minInterval, overTime, reCount, vaseNo, ctime, stime, alarmType, warnTime
    case pno, pnum
    // Times.
    case sampleTime, dataTime, systemTime, beginTime, endTime, restartTime, alarmTime
    // Clock times.
    case cstartTime, reportTime
    // Text.
    case eFlag, info, sn, polId, infoId, newPW, reportTarget, qn, cn, pw, flagPlain
    case unknownKey

    /// How the value of an item of this kind is checked.
    enum ValueRule {
        case number, integer, time, hhmmss, hhmm, dataFlag, text
    }

    /// Whether the value is a number (the most common case, one comparison).
    @inline(__always)
    var isNumber: Bool { rawValue <= ItemKind.td.rawValue }

    @inline(__always)
    var rule: ValueRule {
        if rawValue <= ItemKind.td.rawValue { return .number }
        if rawValue < ItemKind.flag.rawValue { return .text }  // unknownSuffix
        if self == .flag { return .dataFlag }
        if rawValue <= ItemKind.pnum.rawValue { return .integer }
        if rawValue <= ItemKind.alarmTime.rawValue { return .time }
        if self == .cstartTime { return .hhmmss }
        if self == .reportTime { return .hhmm }
        return .text
    }

    @inline(__always)
    private static func equal(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ literal: StaticString) -> Bool {
        let bytes = literal.utf8Start
        for k in 0..<literal.utf8CodeUnitCount where p[start &+ k] != bytes[k] { return false }
        return true
    }

    /// The multiplier of the perfect hash of the known suffixes (as little-endian words) into 64 slots.
    static let suffixHashMultiplier: UInt64 = 0xE104_47D3_C739_E431

    /// The known suffixes of up to 8 bytes by hash slot: the word of the suffix (0 for an empty slot) and its kind.
    static let suffixTable: [(word: UInt64, kind: ItemKind)] = {
        let suffixes: [(String, ItemKind)] = [
            ("RS", .rs), ("RT", .rt), ("SN", .sn), ("td", .td), ("Rtd", .rtd), ("Avg", .avg), ("Ala", .ala),
            ("Min", .min), ("Max", .max), ("Cou", .cou), ("Flag", .flag), ("Data", .data), ("Info", .info),
            ("ZsRtd", .zsRtd), ("ZsAvg", .zsAvg), ("ZsMin", .zsMin), ("ZsMax", .zsMax), ("ZsCou", .zsCou),
            ("EFlag", .eFlag), ("UpValue", .upValue), ("DayData", .dayData), ("LowValue", .lowValue),
            ("ValidNum", .validNum), ("TotalNum", .totalNum),
        ]
        var table = [(word: UInt64, kind: ItemKind)](repeating: (0, .unknownSuffix), count: 64)
        for (text, kind) in suffixes {
            var word: UInt64 = 0
            for (index, byte) in text.utf8.enumerated() { word |= UInt64(byte) << UInt64(index * 8) }
            table[Int((word &* suffixHashMultiplier) >> 58)] = (word, kind)
        }
        return table
    }()

    /// The kind of the suffix `p[start..<end]` using the hash table `table` (see ``suffixTable``).
    @inline(__always)
    static func suffix(
        _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
        _ table: UnsafeBufferPointer<(word: UInt64, kind: ItemKind)>
    ) -> ItemKind {
        let length = end - start
        guard length >= 2, length <= 8, start + 8 <= p.count else { return suffixBytes(p, start, end) }
        let mask: UInt64 = length == 8 ? ~0 : (1 << UInt64(length * 8)) &- 1
        let word = UnsafeRawBufferPointer(p).loadUnaligned(fromByteOffset: start, as: UInt64.self) & mask
        let entry = table[Int((word &* suffixHashMultiplier) >> 58)]
        return entry.word == word ? entry.kind : .unknownSuffix
    }

    /// The kind of the suffix `p[start..<end]` (after the last `-` of a key).
    @inline(__always)
    static func suffix(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> ItemKind {
        let length = end - start
        guard length >= 2, length <= 8, start + 8 <= p.count else { return suffixBytes(p, start, end) }
        // The suffix as a little-endian word, compared with the words of the known suffixes.
        let mask: UInt64 = length == 8 ? ~0 : (1 << UInt64(length * 8)) &- 1
        let word = UnsafeRawBufferPointer(p).loadUnaligned(fromByteOffset: start, as: UInt64.self) & mask
        switch word {
        case 0x67_7641: return .avg
        case 0x6E_694D: return .min
        case 0x78_614D: return .max
        case 0x6761_6C46: return .flag
        case 0x64_7452: return .rtd
        case 0x75_6F43: return .cou
        case 0x67_7641_735A: return .zsAvg
        case 0x64_7452_735A: return .zsRtd
        case 0x6E_694D_735A: return .zsMin
        case 0x78_614D_735A: return .zsMax
        case 0x67_616C_4645: return .eFlag
        case 0x5352: return .rs
        case 0x5452: return .rt
        case 0x4E53: return .sn
        case 0x6474: return .td
        case 0x61_6C41: return .ala
        case 0x6174_6144: return .data
        case 0x6F66_6E49: return .info
        case 0x75_6F43_735A: return .zsCou
        case 0x65_756C_6156_7055: return .upValue
        case 0x61_7461_4479_6144: return .dayData
        case 0x6575_6C61_5677_6F4C: return .lowValue
        case 0x6D75_4E64_696C_6156: return .validNum
        case 0x6D75_4E6C_6174_6F54: return .totalNum
        default: return length == 8 ? suffixBytes(p, start, end) : .unknownSuffix
        }
    }

    /// ``suffix(_:_:_:)`` byte by byte (suffixes near the end of the buffer, or longer than 8 bytes).
    static func suffixBytes(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> ItemKind {
        let s = start
        switch end - start {
        case 2:
            if equal(p, s, "RS") { return .rs }
            if equal(p, s, "RT") { return .rt }
            if equal(p, s, "SN") { return .sn }
            if equal(p, s, "td") { return .td }
        case 3:
            switch p[s] {
            case UInt8(ascii: "R"): if equal(p, s, "Rtd") { return .rtd }
            case UInt8(ascii: "A"):
                if equal(p, s, "Avg") { return .avg }
                if equal(p, s, "Ala") { return .ala }
            case UInt8(ascii: "M"):
                if equal(p, s, "Min") { return .min }
                if equal(p, s, "Max") { return .max }
            case UInt8(ascii: "C"): if equal(p, s, "Cou") { return .cou }
            default: break
            }
        case 4:
            if equal(p, s, "Flag") { return .flag }
            if equal(p, s, "Data") { return .data }
            if equal(p, s, "Info") { return .info }
        case 5:
            if p[s] == UInt8(ascii: "Z") && p[s + 1] == UInt8(ascii: "s") {
                if equal(p, s + 2, "Rtd") { return .zsRtd }
                if equal(p, s + 2, "Avg") { return .zsAvg }
                if equal(p, s + 2, "Min") { return .zsMin }
                if equal(p, s + 2, "Max") { return .zsMax }
                if equal(p, s + 2, "Cou") { return .zsCou }
            }
            if equal(p, s, "EFlag") { return .eFlag }
        case 7:
            if equal(p, s, "UpValue") { return .upValue }
            if equal(p, s, "DayData") { return .dayData }
        case 8:
            if equal(p, s, "LowValue") { return .lowValue }
            if equal(p, s, "ValidNum") { return .validNum }
            if equal(p, s, "TotalNum") { return .totalNum }
        case 9: if equal(p, s, "NightData") { return .nightData }
        case 10: if equal(p, s, "SampleTime") { return .sampleTime }
        default: break
        }
        return .unknownSuffix
    }

    /// The kind of the plain key `p[start..<end]` (a key without `-`).
    static func plain(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> ItemKind {
        let s = start
        switch end - start {
        case 2:
            if equal(p, s, "QN") { return .qn }
            if equal(p, s, "CN") { return .cn }
            if equal(p, s, "PW") { return .pw }
        case 3: if equal(p, s, "PNO") { return .pno }
        case 4:
            if equal(p, s, "PNUM") { return .pnum }
            if equal(p, s, "Flag") { return .flagPlain }
        case 5:
            if equal(p, s, "QnRtn") { return .qnRtn }
            if equal(p, s, "PolId") { return .polId }
            if equal(p, s, "NewPW") { return .newPW }
            if equal(p, s, "Ctime") || equal(p, s, "CTime") { return .ctime }
            if equal(p, s, "Stime") { return .stime }
        case 6:
            if equal(p, s, "ExeRtn") { return .exeRtn }
            if equal(p, s, "InfoId") { return .infoId }
            if equal(p, s, "VaseNo") { return .vaseNo }
        case 7:
            if equal(p, s, "EndTime") { return .endTime }
            if equal(p, s, "ReCount") { return .reCount }
        case 8:
            if equal(p, s, "DataTime") { return .dataTime }
            if equal(p, s, "OverTime") { return .overTime }
            if equal(p, s, "WarnTime") { return .warnTime }
        case 9:
            if equal(p, s, "BeginTime") { return .beginTime }
            if equal(p, s, "AlarmTime") { return .alarmTime }
            if equal(p, s, "AlarmType") { return .alarmType }
        case 10:
            if equal(p, s, "SystemTime") { return .systemTime }
            if equal(p, s, "ReportTime") { return .reportTime }
            if equal(p, s, "CstartTime") { return .cstartTime }
        case 11:
            if equal(p, s, "RestartTime") { return .restartTime }
            if equal(p, s, "RtdInterval") { return .rtdInterval }
            if equal(p, s, "MinInterval") { return .minInterval }
            if equal(p, s, "DayStdValue") { return .dayStdValue }
        case 12: if equal(p, s, "ReportTarget") { return .reportTarget }
        case 13: if equal(p, s, "NightStdValue") { return .nightStdValue }
        default: break
        }
        return .unknownKey
    }
}

/// Reads numbers from bytes without building strings.
enum NumberParser {
    /// 10^0 … 10^22, the powers of ten exactly representable as `Double`.
    static let powers: [Double] = (0...22).map { power($0) }

    /// 10^exponent for 0...22 (the powers of ten exactly representable as `Double`).
    @inline(__always)
    static func power(_ exponent: Int) -> Double {
        switch exponent {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// The number at `p[start..<end]`: an optional sign, digits, an optional `.` and digits (at least one digit).
    ///
    /// - Returns: `nil` when the bytes are not such a number (including an empty range).
    static func parse(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var i = start
        guard i < end else { return nil }
        var negative = false
        if p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+") {
            negative = p[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var fractionDigits = 0
        var sawDigit = false
        var sawDot = false
        var exact = true
        while i < end {
            let c = p[i]
            let digit = c &- 48
            if digit < 10 {
                sawDigit = true
                if significant < 19 {
                    if mantissa != 0 || digit != 0 {
                        mantissa = mantissa &* 10 &+ UInt64(digit)
                        significant += 1
                    }
                    if sawDot { fractionDigits += 1 }
                } else {
                    exact = false
                }
            } else if c == UInt8(ascii: ".") && !sawDot {
                sawDot = true
            } else {
                return nil
            }
            i += 1
        }
        guard sawDigit else { return nil }
        if exact && mantissa < (1 << 53) && fractionDigits < 23 {
            let value = Double(mantissa) / power(fractionDigits)
            return negative ? -value : value
        }
        // Rare: more than 19 significant digits or more than 22 decimals; the standard library rounds correctly.
        return Double(decodeString(p, start, end))
    }

    /// Whether `p[start..<end]` is one or more decimal digits.
    @inline(__always)
    static func isDigits(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard start < end else { return false }
        for i in start..<end where p[i] &- 48 >= 10 { return false }
        return true
    }

    /// The value of the 1 to `maximumDigits` decimal digits at `p[start..<end]`, or `nil`.
    @inline(__always)
    static func integer(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, maximumDigits: Int) -> Int? {
        guard end > start, end - start <= maximumDigits else { return nil }
        var value = 0
        for i in start..<end {
            let digit = p[i] &- 48
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int(digit)
        }
        return value
    }
}

extension HJ212DataArea {
    /// Reads a data area written as in a packet, without the `&&` markers (`DataTime=…;w01018-Avg=…,w01018-Flag=N`).
    ///
    /// - Parameters:
    ///   - text: The data area.
    ///   - edition: The edition whose rules apply (data flags, limits).
    ///   - options: Strict (default) or lenient checking.
    /// - Returns: The data area, or the errors found (offsets from the start of `text`).
    public static func parse(
        _ text: String, edition: HJ212Edition = .edition2017, options: HJ212DecodingOptions = .strict
    ) -> Result<HJ212DataArea, HJ212DecodeFailure> {
        var diagnostics = Diagnostics(lenient: options.isLenient)
        let bytes = Array(text.utf8)
        let area = bytes.withUnsafeBufferPointer {
            FrameDecoder.parseDataArea(
                $0, 0, $0.count, version: edition.rawValue, bytes: bytes, origin: 0, &diagnostics)
        }
        diagnostics.finish(at: 0)
        if diagnostics.errors.isEmpty { return .success(area) }
        return .failure(
            HJ212DecodeFailure(
                errors: diagnostics.errors, warnings: diagnostics.warnings,
                packet: HJ212Packet(flag: HJ212Flag(edition: edition), data: area), crcValid: false))
    }
}
