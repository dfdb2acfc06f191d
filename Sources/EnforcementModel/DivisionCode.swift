/// A six-digit administrative division code (行政区划代码) as defined by GB/T 2260.
///
/// The digits are province (1–2), prefecture (3–4) and county (5–6); trailing `00` pairs give the ``level``:
/// `510000` 四川省 is a province, `510100` 成都市 a prefecture-level city, `510104` 锦江区 a county-level division.
/// Containment by prefix follows: `510000` ⊃ `510100` ⊃ `510104`.
///
/// The type checks syntax only: six digits, a GB/T 2260 province, and no county digits under a `00` prefecture.
/// Whether a code exists, and its real parent, come from a ``DivisionCatalog``.
///
/// ```swift
/// let jinjiang = try DivisionCode("510104")
/// jinjiang.level                                  // .county
/// jinjiang.cityCode                               // 510100
/// try DivisionCode("510000").contains(jinjiang)   // true
/// ```
public struct DivisionCode: ValidatedCode, Comparable {
    /// The code as an integer, such as `510104`.
    public let value: Int

    /// Creates a code from six digits.
    ///
    /// - Throws: ``CodeError`` with code `.empty`, `.length`, `.character`, `.unknown` (no such province) or
    ///   `.format` (county digits under a `00` prefecture, or `000000`).
    public init(_ string: String) throws(CodeError) {
        let result = string.withUTF8Bytes { bytes -> Result<Int, CodeError> in
            if let diagnosis = Self.diagnose(bytes) {
                return .failure(CodeError(diagnosis, kind: .division, value: string))
            }
            return .success(CodeBytes.number(bytes, from: 0, count: 6))
        }
        value = try result.get()
    }

    /// Creates a code from its integer value, such as `510104`.
    ///
    /// - Throws: ``CodeError`` as for ``init(_:)``; a value outside 100000–999999 is `.length`.
    public init(_ value: Int) throws(CodeError) {
        guard (100_000...999_999).contains(value) else {
            throw CodeError(CodeDiagnosis(.length, .length), kind: .division, value: String(value))
        }
        try self.init(String(value))
    }

    /// Wraps a value already known to be valid.
    init(unchecked value: Int) { self.value = value }

    /// Checks UTF-8 bytes without allocating; returns `nil` when they form a syntactically valid division code.
    @inlinable
    public static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeError.Code? {
        diagnose(bytes)?.code
    }

    /// Whether `province` (1–99) is a GB/T 2260 province-level code: 11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71,
    /// 81, 82.
    @inlinable
    static func isProvince(_ province: Int) -> Bool {
        switch province {
        case 11...15, 21...23, 31...37, 41...46, 50...54, 61...65, 71, 81, 82: true
        default: false
        }
    }

    @inlinable
    static func diagnose(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeDiagnosis? {
        guard bytes.count == 6 else { return .badLength(bytes) }
        for index in 0..<6 where !CodeBytes.isDigit(bytes[index]) {
            return .character(bytes, at: index, .notDigit)
        }
        if !isProvince(CodeBytes.number(bytes, from: 0, count: 2)) {
            return CodeDiagnosis(.unknown, .unknownProvince, offset: 0, found: bytes[0])
        }
        if bytes[2] == UInt8(ascii: "0") && bytes[3] == UInt8(ascii: "0")
            && (bytes[4] != UInt8(ascii: "0") || bytes[5] != UInt8(ascii: "0"))
        {
            return CodeDiagnosis(.format, .countyWithoutCity, offset: 4, found: bytes[4])
        }
        return nil
    }

    /// The code as six digits, such as `510104`.
    public var stringValue: String { String(value) }

    /// The level given by the trailing zeros: `xx0000` province, `xxxx00` city, otherwise county.
    public var level: DivisionLevel {
        if value % 10_000 == 0 { return .province }
        if value % 100 == 0 { return .city }
        return .county
    }

    /// The province this code lies in, such as `510000` for `510104`.
    public var provinceCode: DivisionCode { DivisionCode(unchecked: value / 10_000 * 10_000) }

    /// The prefecture-level prefix (`xxxx00`) of a city or county code, or `nil` for a province.
    ///
    /// This is syntactic. For counties directly administered by a province (省直辖县级, `4290xx`) the prefix is a
    /// grouping code, not a city; ask a ``DivisionCatalog`` for the real parent.
    public var cityCode: DivisionCode? {
        level == .province ? nil : DivisionCode(unchecked: value / 100 * 100)
    }

    /// Whether `other` is this division or lies inside it by the prefix rule.
    ///
    /// A province contains every code with its first two digits, a city every code with its first four digits,
    /// and a county only itself.
    ///
    /// - Parameter other: The code that may lie inside this one.
    public func contains(_ other: DivisionCode) -> Bool {
        switch level {
        case .province: other.value / 10_000 == value / 10_000
        case .city: other.value / 100 == value / 100
        case .county: other.value == value
        }
    }

    /// Orders codes numerically.
    public static func < (lhs: DivisionCode, rhs: DivisionCode) -> Bool { lhs.value < rhs.value }

    /// The six digits.
    public var description: String { stringValue }
}
