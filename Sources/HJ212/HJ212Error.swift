/// A located problem found in an HJ 212 frame: an error, or a warning of lenient decoding.
///
/// Every problem has a stable ``code`` (for example `hj212.crc`), the byte ``offset`` where it was found (from the
/// start of the frame given to `HJ212Packet.decode(_:options:)`, or from the start of the stream for
/// ``HJ212StreamDecoder``), the ``field`` it concerns, and a message in English and in Chinese.
///
/// ```swift
/// switch HJ212Packet.decode(frame) {
/// case .success(let packet): store(packet)
/// case .failure(let failure):
///     for error in failure.errors { print("\(error.code) at \(error.offset): \(error.message)") }
/// }
/// ```
public struct HJ212Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable identifier of a kind of problem, such as `hj212.crc`.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The identifier, such as `hj212.crc`.
        public let rawValue: String

        /// Creates a code from its identifier.
        ///
        /// - Parameter rawValue: The identifier.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The identifier.
        public var description: String { rawValue }

        /// The input does not start with the frame header `##`.
        public static let frameHeader = Self(rawValue: "hj212.frame.header")
        /// Bytes follow the end of the frame.
        public static let frameTrailing = Self(rawValue: "hj212.frame.trailing")
        /// The 4 characters after `##` are not decimal digits.
        public static let lengthDigits = Self(rawValue: "hj212.length.digits")
        /// The declared length is not the byte count of the data segment.
        public static let length = Self(rawValue: "hj212.length")
        /// The declared length is the character count, not the byte count (lenient: warning).
        public static let lengthCharacters = Self(rawValue: "hj212.length.characters")
        /// The data segment is longer than the 1024 bytes of the standard (lenient: warning up to 9999).
        public static let lengthLimit = Self(rawValue: "hj212.length.limit")
        /// The frame ends before its CRC and tail (cut off, or followed by the next frame too early).
        public static let truncated = Self(rawValue: "hj212.truncated")
        /// The 4 CRC characters are not hexadecimal.
        public static let crcFormat = Self(rawValue: "hj212.crc.format")
        /// The CRC is written in lower case (lenient: warning).
        public static let crcCase = Self(rawValue: "hj212.crc.case")
        /// The CRC does not match the data segment.
        public static let crc = Self(rawValue: "hj212.crc")
        /// The CRC matched a non-standard variant (CRC-16/MODBUS), accepted by the opt-in compatibility mode.
        public static let crcVariant = Self(rawValue: "hj212.crc.variant")
        /// The frame does not end with CR LF (missing, doubled or partial; lenient: warning).
        public static let tail = Self(rawValue: "hj212.tail")
        /// The data segment is not valid UTF-8.
        public static let encoding = Self(rawValue: "hj212.encoding")
        /// A field of the data segment is malformed (no `=`, empty, missing `;`).
        public static let segmentSyntax = Self(rawValue: "hj212.segment.syntax")
        /// A required header field (ST, CN, MN, PW, or QN in 2017) is missing.
        public static let headerMissing = Self(rawValue: "hj212.header.missing")
        /// A header field appears twice.
        public static let headerDuplicate = Self(rawValue: "hj212.header.duplicate")
        /// An unknown field appears before `CP`.
        public static let headerUnknown = Self(rawValue: "hj212.header.unknown")
        /// The header fields are not in the order of HJ 212-2017 (lenient: warning).
        public static let headerOrder = Self(rawValue: "hj212.header.order")
        /// A header value does not have its standard form (QN, ST, CN, PW, MN, PNUM, PNO).
        public static let headerValue = Self(rawValue: "hj212.header.value")
        /// The Flag is not an integer from 0 to 255.
        public static let flag = Self(rawValue: "hj212.flag")
        /// The Flag is missing (read as 0, HJ/T 212-2005; lenient: warning).
        public static let flagMissing = Self(rawValue: "hj212.flag.missing")
        /// The Flag names a version of the standard the codec does not implement (lenient: warning).
        public static let flagVersion = Self(rawValue: "hj212.flag.version")
        /// PNUM and PNO disagree with the Flag or with each other.
        public static let subpacket = Self(rawValue: "hj212.subpacket")
        /// The data segment has no `CP=&&…&&` field.
        public static let cpMissing = Self(rawValue: "hj212.cp.missing")
        /// `CP` is not the last field of the data segment.
        public static let cpPosition = Self(rawValue: "hj212.cp.position")
        /// The data area does not end with `&&`.
        public static let cpUnterminated = Self(rawValue: "hj212.cp.unterminated")
        /// The data area is longer than the standard allows (950 bytes in 2017, 960 in 2005; lenient: warning).
        public static let cpLength = Self(rawValue: "hj212.cp.length")
        /// An item of the data area is malformed (no `=`, empty key, empty item).
        public static let cpSyntax = Self(rawValue: "hj212.cp.syntax")
        /// A factor code (before the last `-` of a key) is malformed: empty, or not letters and digits.
        public static let cpFactor = Self(rawValue: "hj212.cp.code")
        /// A factor suffix (the part after the last `-`) is not one of the standard's (lenient: warning).
        public static let cpSuffix = Self(rawValue: "hj212.cp.suffix")
        /// A data-area field is not one of the standard's (always a warning; the item is kept).
        public static let cpKey = Self(rawValue: "hj212.cp.key")
        /// A time (DataTime, SampleTime, BeginTime, …) is not a valid `YYYYMMDDhhmmss`.
        public static let dataTime = Self(rawValue: "hj212.datatime")
        /// A value is not a number (or not an integer where the standard asks for one).
        public static let value = Self(rawValue: "hj212.value")
        /// A value is empty where the standard asks for one (lenient: warning).
        public static let valueMissing = Self(rawValue: "hj212.value.missing")
        /// A data flag (`-Flag`) is not one of the edition's flags (lenient: warning).
        public static let dataFlag = Self(rawValue: "hj212.dataflag")
        /// More problems were found than are listed (64 errors and 64 warnings are kept per frame).
        public static let limit = Self(rawValue: "hj212.limit")
        /// A packet cannot be encoded: its data segment would be longer than 9999 bytes.
        public static let encodeLength = Self(rawValue: "hj212.encode.length")
        /// A packet cannot be encoded: a key or value contains a separator (`;`, `,`, `&&`, or `=` in a key).
        public static let encodeSeparator = Self(rawValue: "hj212.encode.separator")
    }

    /// The kind of problem.
    public var code: Code
    /// The byte offset of the problem: from the start of the frame, or of the stream for stream decoding.
    public var offset: Int
    /// The field concerned: a header key (`QN`, `Flag`, …), a data-area key (`a21026-Avg`), or a part of the
    /// frame (`length`, `CRC`, `tail`, `CP`).
    public var field: String?
    /// What is wrong, in English.
    public var message: String
    /// What is wrong, in Chinese.
    public var messageZH: String

    /// Creates a problem.
    ///
    /// - Parameters:
    ///   - code: The kind of problem.
    ///   - offset: The byte offset where it was found.
    ///   - field: The field concerned.
    ///   - message: The English message.
    ///   - messageZH: The Chinese message.
    public init(code: Code, offset: Int, field: String?, message: String, messageZH: String) {
        self.code = code
        self.offset = offset
        self.field = field
        self.message = message
        self.messageZH = messageZH
    }

    /// `code at offset (field): message`.
    public var description: String {
        "\(code) at \(offset)\(field.map { " (\($0))" } ?? ""): \(message)"
    }

    /// The same problem, moved by `delta` bytes (from frame offsets to stream offsets).
    func shifted(by delta: Int) -> HJ212Error {
        var copy = self
        copy.offset &+= delta
        return copy
    }
}

/// Why a frame could not be decoded: every error found, the warnings, and what could be read.
public struct HJ212DecodeFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every error found, in the order of the checks (never empty).
    public var errors: [HJ212Error]
    /// The warnings found along the way.
    public var warnings: [HJ212Error]
    /// What could be read of the packet (header and data area), when framing succeeded.
    public var packet: HJ212Packet?
    /// Whether the CRC matched (`false` when the frame could not be delimited).
    public var crcValid: Bool
    /// The byte offset of the frame (0 for a single frame; its stream offset for stream decoding).
    public var offset: Int

    /// Creates a failure.
    ///
    /// - Parameters:
    ///   - errors: The errors (at least one).
    ///   - warnings: The warnings.
    ///   - packet: What could be read.
    ///   - crcValid: Whether the CRC matched.
    ///   - offset: The byte offset of the frame.
    public init(errors: [HJ212Error], warnings: [HJ212Error], packet: HJ212Packet?, crcValid: Bool, offset: Int = 0) {
        self.errors = errors
        self.warnings = warnings
        self.packet = packet
        self.crcValid = crcValid
        self.offset = offset
    }

    /// The errors, one per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Collects the problems of one frame; a check is an error in both modes, a warning in both, or an error in strict
/// mode and a warning in lenient mode.
///
/// At most ``limit`` errors and ``limit`` warnings are kept (a hostile 10 kB frame could otherwise produce thousands);
/// the messages of the rest are never built, and ``finish()`` adds one `hj212.limit` entry counting them.
struct Diagnostics {
    static let limit = 64
    var errors: [HJ212Error] = []
    var warnings: [HJ212Error] = []
    private var droppedErrors = 0
    private var droppedWarnings = 0
    let lenient: Bool

    init(lenient: Bool) { self.lenient = lenient }

    mutating func error(
        _ code: HJ212Error.Code, _ offset: Int, _ field: @autoclosure () -> String?,
        _ message: @autoclosure () -> String, _ zh: @autoclosure () -> String
    ) {
        guard errors.count < Self.limit else {
            droppedErrors += 1
            return
        }
        errors.append(HJ212Error(code: code, offset: offset, field: field(), message: message(), messageZH: zh()))
    }

    mutating func warning(
        _ code: HJ212Error.Code, _ offset: Int, _ field: @autoclosure () -> String?,
        _ message: @autoclosure () -> String, _ zh: @autoclosure () -> String
    ) {
        guard warnings.count < Self.limit else {
            droppedWarnings += 1
            return
        }
        warnings.append(HJ212Error(code: code, offset: offset, field: field(), message: message(), messageZH: zh()))
    }

    /// An error in strict mode, a warning in lenient mode.
    mutating func strict(
        _ code: HJ212Error.Code, _ offset: Int, _ field: @autoclosure () -> String?,
        _ message: @autoclosure () -> String, _ zh: @autoclosure () -> String
    ) {
        if lenient {
            warning(code, offset, field(), message(), zh())
        } else {
            error(code, offset, field(), message(), zh())
        }
    }

    /// Adds the count of the problems left out, if any.
    mutating func finish(at offset: Int) {
        if droppedErrors > 0 {
            errors.append(
                HJ212Error(
                    code: .limit, offset: offset, field: nil,
                    message: "\(droppedErrors) more errors are not listed", messageZH: "另有 \(droppedErrors) 个错误未列出"))
            droppedErrors = 0
        }
        if droppedWarnings > 0 {
            warnings.append(
                HJ212Error(
                    code: .limit, offset: offset, field: nil,
                    message: "\(droppedWarnings) more warnings are not listed",
                    messageZH: "另有 \(droppedWarnings) 个警告未列出"))
            droppedWarnings = 0
        }
    }
}
