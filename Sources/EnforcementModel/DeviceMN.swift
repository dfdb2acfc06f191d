/// The device identifier (MN, 设备唯一标识) of an HJ 212 data logger.
///
/// HJ 212-2017 uses 24 characters (EPC-96 in hexadecimal); HJ/T 212-2005 used 14 (7 characters of the maker's
/// organisation code and 7 chosen by the maker). Every character is `0`–`9` or `A`–`Z`; lower case is rejected.
/// Strict checking accepts exactly 14 or 24 characters; lenient checking (real 2017-era traffic) any length from
/// 14 to 24.
///
/// ```swift
/// let mn = try DeviceMN("010000A8900016F000169DC0")
/// mn.generation                             // .v2017
/// try DeviceMN("51010012345678901", lenient: true).generation   // .nonstandard
/// ```
public struct DeviceMN: ValidatedCode {
    /// The protocol generation an MN's length belongs to.
    public enum Generation: String, Hashable, Sendable, Codable {
        /// 14 characters (HJ/T 212-2005).
        case v2005
        /// 24 characters (HJ 212-2017).
        case v2017
        /// Any other length from 15 to 23, accepted only by lenient checking.
        case nonstandard
    }

    /// The MN, such as `010000A8900016F000169DC0`.
    public let stringValue: String

    /// Creates an MN of exactly 14 or 24 characters.
    ///
    /// - Throws: ``CodeError`` with code `.empty`, `.length` or `.character`.
    public init(_ string: String) throws(CodeError) {
        try self.init(string, lenient: false)
    }

    /// Creates an MN, accepting any length from 14 to 24 when `lenient` is `true`.
    ///
    /// - Parameters:
    ///   - string: The MN.
    ///   - lenient: Whether to accept lengths other than 14 and 24 (from 14 to 24).
    /// - Throws: ``CodeError`` with code `.empty`, `.length` or `.character`.
    public init(_ string: String, lenient: Bool) throws(CodeError) {
        if let diagnosis = string.withUTF8Bytes({ Self.diagnose($0, lenient: lenient) }) {
            throw CodeError(diagnosis, kind: lenient ? .deviceMNLenient : .deviceMN, value: string)
        }
        stringValue = string
    }

    /// Decodes an MN leniently, so that every value ``init(_:lenient:)`` accepts round-trips.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        do {
            try self.init(string, lenient: true)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Checks UTF-8 bytes strictly (14 or 24 characters) without allocating; returns `nil` when valid.
    @inlinable
    public static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeError.Code? {
        diagnose(bytes, lenient: false)?.code
    }

    /// Checks UTF-8 bytes without allocating, accepting 14 to 24 characters when `lenient` is `true`.
    ///
    /// - Parameters:
    ///   - bytes: The UTF-8 bytes of the MN.
    ///   - lenient: Whether lengths from 15 to 23 are accepted.
    /// - Returns: `nil` when valid, otherwise the failure code.
    @inlinable
    public static func check(_ bytes: UnsafeBufferPointer<UInt8>, lenient: Bool) -> CodeError.Code? {
        diagnose(bytes, lenient: lenient)?.code
    }

    @inlinable
    static func diagnose(_ bytes: UnsafeBufferPointer<UInt8>, lenient: Bool) -> CodeDiagnosis? {
        let count = bytes.count
        let lengthOK = lenient ? (14...24).contains(count) : (count == 14 || count == 24)
        guard lengthOK else { return .badLength(bytes) }
        for index in 0..<count where CodeBytes.alphanumericValue(bytes[index]) < 0 {
            return .character(bytes, at: index, .notAlphanumeric)
        }
        return nil
    }

    /// The generation given by the length.
    public var generation: Generation {
        switch stringValue.utf8.count {
        case 14: .v2005
        case 24: .v2017
        default: .nonstandard
        }
    }

    /// The MN itself.
    public var description: String { stringValue }
}
