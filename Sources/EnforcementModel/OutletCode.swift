/// A discharge outlet or treatment facility code of HJ 608-2017.
///
/// An outlet (排放口) is `D` + medium (`A` air, `W` water) + a 3-digit sequence: `DA001`, `DW001`. A treatment
/// facility (污染治理设施) is `T` + medium (`A`, `W`, `N` noise, `S` solid waste) + 3 digits: `TA001`. The
/// nationally unique id of an outlet is the permit number followed by this code.
///
/// ```swift
/// let outlet = try OutletCode("DW001")
/// outlet.kind     // .outlet
/// outlet.medium   // .water
/// outlet.sequence // 1
/// ```
public struct OutletCode: ValidatedCode {
    /// What the code identifies.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// A discharge outlet (排放口), letter `D`.
        case outlet
        /// A pollution treatment facility (污染治理设施), letter `T`.
        case treatmentFacility
    }

    /// The medium letter of an outlet or facility code.
    public enum Medium: String, Hashable, Sendable, Codable {
        /// `A`: waste gas (废气).
        case air
        /// `W`: wastewater (废水).
        case water
        /// `N`: noise (噪声), treatment facilities only.
        case noise
        /// `S`: solid waste (固体废物), treatment facilities only.
        case solidWaste
    }

    /// The 5-character code, such as `DA001`.
    public let stringValue: String

    /// Creates a code after verifying the kind letter, the medium letter and the 3-digit sequence.
    ///
    /// - Throws: ``CodeError`` with code `.empty`, `.length` or `.character`.
    public init(_ string: String) throws(CodeError) {
        if let diagnosis = string.withUTF8Bytes({ Self.diagnose($0) }) {
            throw CodeError(diagnosis, kind: .outlet, value: string)
        }
        stringValue = string
    }

    /// Checks UTF-8 bytes without allocating; returns `nil` when they form a valid outlet or facility code.
    @inlinable
    public static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeError.Code? {
        diagnose(bytes)?.code
    }

    @inlinable
    static func diagnose(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeDiagnosis? {
        guard bytes.count == 5 else { return .badLength(bytes) }
        let kind = bytes[0]
        guard kind == UInt8(ascii: "D") || kind == UInt8(ascii: "T") else {
            return .character(bytes, at: 0, .outletKind)
        }
        let medium = bytes[1]
        let isAirOrWater = medium == UInt8(ascii: "A") || medium == UInt8(ascii: "W")
        let isFacilityOnly = medium == UInt8(ascii: "N") || medium == UInt8(ascii: "S")
        if !(isAirOrWater || (kind == UInt8(ascii: "T") && isFacilityOnly)) {
            return .character(bytes, at: 1, .outletMedium)
        }
        for index in 2..<5 where !CodeBytes.isDigit(bytes[index]) {
            return .character(bytes, at: index, .notDigit)
        }
        return nil
    }

    /// Whether the code names an outlet (`D`) or a treatment facility (`T`).
    public var kind: Kind { stringValue.hasPrefix("D") ? .outlet : .treatmentFacility }

    /// The medium given by the second letter.
    public var medium: Medium {
        switch stringValue.utf8.dropFirst().first {
        case UInt8(ascii: "A"): .air
        case UInt8(ascii: "W"): .water
        case UInt8(ascii: "N"): .noise
        default: .solidWaste
        }
    }

    /// The sequence number (characters 3–5), such as `1` for `001`.
    public var sequence: Int { Int(stringValue.suffix(3)) ?? 0 }

    /// The code itself.
    public var description: String { stringValue }
}
