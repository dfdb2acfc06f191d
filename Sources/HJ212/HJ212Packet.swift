/// An HJ 212 packet: the header fields of its data segment and its data area.
///
/// Decode one with `decode(_:options:)` (a whole frame) or ``HJ212StreamDecoder`` (a byte stream); build
/// one with ``init(qn:st:cn:pw:mn:flag:pnum:pno:data:)`` and turn it into a frame with ``encoded()``.
///
/// ```swift
/// let packet = HJ212Packet(
///     qn: "20160801085857223", st: "32", cn: "1062", pw: "100000", mn: "010000A8900016F000169DC0",
///     flag: HJ212Flag(edition: .edition2017, acknowledgement: true),
///     data: HJ212DataArea([[HJ212DataItem(key: "RtdInterval", value: "30")]]))
/// String(decoding: packet.encoded(), as: UTF8.self)
/// // "##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80\r\n"
/// ```
///
/// Equality and hashing compare the header fields and the data area; ``warnings`` and ``crcVariant`` (what the
/// decoder noticed) are not part of them.
public struct HJ212Packet: Sendable, Hashable, CustomStringConvertible {
    /// The text header values, kept as bytes (see ``HeaderText``).
    var header: HeaderText
    /// The request number `QN` (`YYYYMMDDhhmmsszzz`), identifying one command exchange.
    public var qn: String? {
        get { header[0] }
        set { header[0] = newValue }
    }
    /// The system code `ST` (e.g. `31` flue gas, `32` wastewater, `91` system interaction).
    public var st: String? {
        get { header[1] }
        set { header[1] = newValue }
    }
    /// The command code `CN` (e.g. `2061` hourly data, `9014` data response).
    public var cn: String? {
        get { header[2] }
        set { header[2] = newValue }
    }
    /// The password `PW`.
    public var pw: String? {
        get { header[3] }
        set { header[3] = newValue }
    }
    /// The device identifier `MN` (24 hex characters in 2017, 14 characters in 2005).
    public var mn: String? {
        get { header[4] }
        set { header[4] = newValue }
    }
    /// The Flag: edition, subpackets (D), acknowledgement (A). A packet without Flag reads as Flag 0.
    public var flag: HJ212Flag
    /// The total number of subpackets `PNUM` (only with Flag.D).
    public var pnum: Int?
    /// The number of this subpacket `PNO`, from 1 (only with Flag.D).
    public var pno: Int?
    /// The data area (`CP=&&…&&`).
    public var data: HJ212DataArea
    /// The warnings of a lenient decode (not part of equality).
    public internal(set) var warnings: [HJ212Error] = []
    /// The CRC variant the frame matched, for a decoded packet (not part of equality).
    public internal(set) var crcVariant: HJ212CRCVariant?

    /// Creates a packet.
    ///
    /// - Parameters:
    ///   - qn: The request number.
    ///   - st: The system code.
    ///   - cn: The command code.
    ///   - pw: The password.
    ///   - mn: The device identifier.
    ///   - flag: The Flag (default: HJ 212-2017, no subpackets, no acknowledgement: 4).
    ///   - pnum: The total number of subpackets.
    ///   - pno: The number of this subpacket.
    ///   - data: The data area.
    public init(
        qn: String? = nil, st: String? = nil, cn: String? = nil, pw: String? = nil, mn: String? = nil,
        flag: HJ212Flag = HJ212Flag(edition: .edition2017), pnum: Int? = nil, pno: Int? = nil,
        data: HJ212DataArea = HJ212DataArea()
    ) {
        header = HeaderText([qn, st, cn, pw, mn])
        self.flag = flag
        self.pnum = pnum
        self.pno = pno
        self.data = data
    }

    /// A decoded packet, whose header values are ranges of `header`'s bytes.
    init(header: HeaderText, flag: HJ212Flag, pnum: Int?, pno: Int?, data: HJ212DataArea) {
        self.header = header
        self.flag = flag
        self.pnum = pnum
        self.pno = pno
        self.data = data
    }

    /// Whether the sender asks for an acknowledgement (Flag bit A): a 9014 for an upload, 9011 for a request.
    public var needsAcknowledgement: Bool { flag.needsAcknowledgement }

    /// The edition named by the Flag.
    public var edition: HJ212Edition { flag.edition }

    /// The time of the QN, when it is a valid 17-digit time.
    public var qnTime: HJ212Timestamp? { qn.flatMap(HJ212Timestamp.init) }

    /// The data segment, in the order of HJ 212-2017: `QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;PNUM=…;PNO=…;CP=&&…&&`.
    ///
    /// Absent fields are left out; the Flag is always written.
    public var segment: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.bytes.count + 128)
        func field(_ key: StaticString, _ value: String?) {
            guard let value else { return }
            out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            out.append(UInt8(ascii: "="))
            out.append(contentsOf: value.utf8)
            out.append(UInt8(ascii: ";"))
        }
        field("QN", qn)
        field("ST", st)
        field("CN", cn)
        field("PW", pw)
        field("MN", mn)
        field("Flag", String(flag.rawValue))
        field("PNUM", pnum.map { String($0) })
        field("PNO", pno.map { String($0) })
        out.append(contentsOf: "CP=&&".utf8)
        data.serialize(into: &out)
        out.append(contentsOf: "&&".utf8)
        return out
    }

    /// The whole frame: `##`, the length (UTF-8 byte count), the data segment, the CRC in upper case, CR LF.
    ///
    /// The values are written as they are; use ``encode()`` to check first that they contain no separator and fit
    /// the length field. A data segment longer than 9999 bytes cannot be framed: its length field is written as
    /// `9999` and the frame will not decode.
    ///
    /// - Returns: The frame bytes.
    public func encoded() -> [UInt8] {
        let segment = self.segment
        let length = min(segment.count, HJ212.maximumDeclarableSegmentLength)
        var frame: [UInt8] = []
        frame.reserveCapacity(segment.count + 12)
        frame.append(contentsOf: "##".utf8)
        frame.append(UInt8(48 + length / 1000))
        frame.append(UInt8(48 + length / 100 % 10))
        frame.append(UInt8(48 + length / 10 % 10))
        frame.append(UInt8(48 + length % 10))
        frame.append(contentsOf: segment)
        frame.append(contentsOf: CRC16.hexDigits(HJ212.crc(segment)))
        frame.append(contentsOf: "\r\n".utf8)
        return frame
    }

    /// The frame, after checking that the packet can be framed and read back.
    ///
    /// - Returns: The frame bytes (as ``encoded()``).
    /// - Throws: `hj212.encode.separator` when a key or value contains `;`, `,` or `&&` (or a key `=`), or a header
    ///   value contains `;`; `hj212.header.value` when PNUM or PNO is outside 1–9999; `hj212.encode.length` when
    ///   the data segment is longer than 9999 bytes.
    public func encode() throws(HJ212Error) -> [UInt8] {
        for (name, value) in [("QN", qn), ("ST", st), ("CN", cn), ("PW", pw), ("MN", mn)] {
            guard let value else { continue }
            if value.utf8.contains(UInt8(ascii: ";")) || value.contains("&&") || value.contains("CP=") {
                throw HJ212Error(
                    code: .encodeSeparator, offset: 0, field: name,
                    message: "the value of \(name) contains ';', '&&' or 'CP=', which would break the frame",
                    messageZH: "字段 \(name) 的值含有 ';'、'&&' 或 'CP='，会破坏报文结构")
            }
        }
        for (name, value) in [("PNUM", pnum), ("PNO", pno)] {
            if let value, !(1...9999).contains(value) {
                throw HJ212Error(
                    code: .headerValue, offset: 0, field: name, message: "\(name) must be between 1 and 9999",
                    messageZH: "\(name) 须在 1 与 9999 之间")
            }
        }
        for item in data.allItems {
            let badKey =
                item.key.isEmpty || item.key.utf8.contains { $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: ",") }
                || item.key.contains("=") || item.key.contains("&&")
            let badValue =
                item.value.utf8.contains { $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: ",") }
                || item.value.contains("&&")
            if badKey || badValue {
                throw HJ212Error(
                    code: .encodeSeparator, offset: 0, field: item.key,
                    message: "the data item '\(item)' contains a separator (';', ',', '&&', or '=' in the key)",
                    messageZH: "数据项 '\(item)' 含有分隔符（';'、','、'&&'，或字段名中的 '='）")
            }
        }
        let segment = self.segment
        if segment.count > HJ212.maximumDeclarableSegmentLength {
            throw HJ212Error(
                code: .encodeLength, offset: 0, field: "length",
                message: "the data segment has \(segment.count) bytes; a frame can declare at most 9999",
                messageZH: "数据段长 \(segment.count) 字节，报文最多只能声明 9999 字节")
        }
        return encoded()
    }

    /// The frame without its CR LF tail, as text.
    public var description: String {
        let frame = encoded()
        return String(decoding: frame.dropLast(2), as: UTF8.self)
    }

    /// Equal when the header fields and the data areas are equal.
    public static func == (lhs: HJ212Packet, rhs: HJ212Packet) -> Bool {
        lhs.header == rhs.header && lhs.flag == rhs.flag && lhs.pnum == rhs.pnum && lhs.pno == rhs.pno
            && lhs.data == rhs.data
    }

    /// Hashes the header fields and the data area.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(header)
        hasher.combine(flag)
        hasher.combine(pnum)
        hasher.combine(pno)
        hasher.combine(data)
    }
}

extension HJ212Packet {
    /// Decodes one frame (`##…\r\n`) and checks it.
    ///
    /// - Parameters:
    ///   - frame: The bytes of one frame. Bytes before `##` or after the tail are reported as errors.
    ///   - options: Strict (default) or lenient checking.
    /// - Returns: The packet (with the warnings of a lenient decode), or every error found and what could be read.
    public static func decode(
        _ frame: [UInt8], options: HJ212DecodingOptions = .strict
    ) -> Result<HJ212Packet, HJ212DecodeFailure> {
        frame.withUnsafeBufferPointer { FrameDecoder.decodeOne($0, options: options) }
    }

    /// Decodes one frame held in memory.
    ///
    /// - Parameters:
    ///   - frame: The bytes of one frame.
    ///   - options: Strict (default) or lenient checking.
    /// - Returns: The packet, or every error found.
    public static func decode(
        _ frame: UnsafeRawBufferPointer, options: HJ212DecodingOptions = .strict
    ) -> Result<HJ212Packet, HJ212DecodeFailure> {
        frame.withMemoryRebound(to: UInt8.self) { FrameDecoder.decodeOne($0, options: options) }
    }

    /// Decodes one frame given as text (its UTF-8 bytes).
    ///
    /// - Parameters:
    ///   - frame: The frame, e.g. `"##0101QN=…&&1C80\r\n"`.
    ///   - options: Strict (default) or lenient checking.
    /// - Returns: The packet, or every error found.
    public static func decode(
        _ frame: String, options: HJ212DecodingOptions = .strict
    ) -> Result<HJ212Packet, HJ212DecodeFailure> {
        decode(Array(frame.utf8), options: options)
    }
}

/// The text header values of a packet (QN, ST, CN, PW, MN, by index in that order) as ranges of one byte array: for
/// a decoded packet, its data segment (shared with its data area), so that decoding builds no strings; a value is
/// made into a `String` when it is read.
///
/// Equality and hashing are those of the values as strings (invalid UTF-8 read with replacement characters), as
/// when they were stored as strings.
struct HeaderText: Sendable, Hashable {
    static let count = 5
    private var bytes: [UInt8]
    /// The ranges of the values (the first 5 of the header), in positions of which `bytes` starts at `origin`.
    private var ranges = FrameDecoder.Header()
    private var origin = 0

    /// The values given as strings.
    init(_ values: [String?]) {
        bytes = []
        for (index, value) in values.prefix(Self.count).enumerated() {
            guard let value else { continue }
            let start = bytes.count
            bytes.append(contentsOf: value.utf8)
            ranges[index] = start..<bytes.count
        }
    }

    /// The values of a decoded header: `bytes` holds the buffer from position `origin`.
    init(bytes: [UInt8], origin: Int, ranges: FrameDecoder.Header) {
        self.bytes = bytes
        self.origin = origin
        self.ranges = ranges
    }

    subscript(_ index: Int) -> String? {
        get {
            guard let range = ranges[index] else { return nil }
            return bytes.withUnsafeBufferPointer {
                decodeString($0, range.lowerBound - origin, range.upperBound - origin)
            }
        }
        set {
            var values = (0..<Self.count).map { self[$0] }
            values[index] = newValue
            self = HeaderText(values)
        }
    }

    static func == (lhs: HeaderText, rhs: HeaderText) -> Bool {
        (0..<count).allSatisfy { lhs[$0] == rhs[$0] }
    }

    func hash(into hasher: inout Hasher) {
        for index in 0..<Self.count { hasher.combine(self[index]) }
    }
}
