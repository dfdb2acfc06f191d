/// A national code whose format (and check character, where it has one) is verified when the value is created.
///
/// Every conforming type stores the code exactly as given, encodes as a single JSON string, and offers an
/// allocation-free ``check(_:)`` over UTF-8 bytes for bulk validation:
///
/// ```swift
/// let code = try SocialCreditCode("91130200699229617X")
/// let failure = "91130200699229617X".utf8.withContiguousStorageIfAvailable(SocialCreditCode.check)
/// ```
public protocol ValidatedCode: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Creates a code after verifying `string`.
    ///
    /// - Throws: ``CodeError`` explaining exactly what is wrong.
    init(_ string: String) throws(CodeError)

    /// The code exactly as it was verified, such as `91130200699229617X`.
    var stringValue: String { get }

    /// Checks UTF-8 bytes without allocating; returns `nil` when they form a valid code.
    static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeError.Code?
}

extension ValidatedCode {
    /// Decodes the code from a single string, rejecting invalid values with `DecodingError.dataCorrupted`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        do {
            try self.init(string)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes the code as a single string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(stringValue)
    }

    /// Checks a string without allocating when the string is native; returns `nil` when it is a valid code.
    @inlinable
    public static func check(_ string: String) -> CodeError.Code? {
        string.withUTF8Bytes { check($0) }
    }

    /// Returns whether `string` is a valid code.
    @inlinable
    public static func isValid(_ string: String) -> Bool {
        check(string) == nil
    }
}
