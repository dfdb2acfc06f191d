/// The HJ 212 codec: limits of the standard and its CRC.
///
/// HJ 212 (HJ 212-2017, and HJ/T 212-2005 before it) is the text protocol by which the automatic monitoring
/// equipment of polluting sources (data loggers, 数采仪) reports to the monitoring platforms. A frame is
///
/// ```
/// "##" LLLL <data segment: LLLL bytes> HHHH CR LF
/// ```
///
/// where `LLLL` is the decimal length of the data segment and `HHHH` its CRC (`crc(_:)`).
///
/// ```swift
/// let segment = "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"
/// HJ212.crc(segment)  // 0x1C80, written "1C80"
/// ```
public enum HJ212 {
    /// The largest data segment the standard allows, in bytes (2017 and 2005 alike).
    public static let maximumSegmentLength = 1024

    /// The largest length the 4-digit length field can declare; lenient decoding accepts up to this with a warning.
    public static let maximumDeclarableSegmentLength = 9999

    /// The largest frame the decoder ever waits for: `##`, 4 digits, 9999 bytes, the CRC and a doubled tail.
    public static let maximumFrameLength = 2 + 4 + 9999 + 4 + 3

    /// The largest data area (the content of `CP=&&…&&`) of HJ 212-2017, in bytes.
    public static let maximumDataAreaLength2017 = 950

    /// The largest data area of HJ/T 212-2005, in bytes.
    public static let maximumDataAreaLength2005 = 960

    /// The CRC of a data segment (HJ 212-2017 Appendix A), over its UTF-8 bytes.
    ///
    /// This is the standard's own algorithm: a register starting at `0xFFFF`, replaced for each byte `b` by
    /// `T[(reg >> 8) ^ b]` where `T` is the CRC-16/ARC table. It is neither CRC-16/ARC nor CRC-16/MODBUS.
    /// Print it with ``hex(_:)`` (4 upper-case hex digits, high byte first).
    ///
    /// - Parameter segment: The data segment: every byte after the 4 length digits up to and including the
    ///   final `&&`.
    /// - Returns: The 16-bit CRC.
    public static func crc(_ segment: String) -> UInt16 {
        var segment = segment
        return segment.withUTF8 { CRC16.hj212(UnsafeRawBufferPointer($0)) }
    }

    /// The CRC of a data segment given as bytes.
    ///
    /// - Parameter segment: The UTF-8 bytes of the data segment.
    /// - Returns: The 16-bit CRC (see `crc(_:)`).
    public static func crc(_ segment: [UInt8]) -> UInt16 {
        segment.withUnsafeBytes { CRC16.hj212($0) }
    }

    /// The CRC of a data segment in memory.
    ///
    /// - Parameter segment: The UTF-8 bytes of the data segment.
    /// - Returns: The 16-bit CRC (see `crc(_:)`).
    public static func crc(_ segment: UnsafeRawBufferPointer) -> UInt16 {
        CRC16.hj212(segment)
    }

    /// The CRC-16/MODBUS of a segment, as some non-conforming devices send it.
    ///
    /// Only used by the opt-in compatibility mode (``HJ212DecodingOptions/acceptsModbusCRC``).
    ///
    /// - Parameter segment: The UTF-8 bytes of the data segment.
    /// - Returns: The CRC-16/MODBUS register (print it as is for the "high byte first" variant, byte-swapped for
    ///   the "low byte first" one).
    public static func modbusCRC(_ segment: [UInt8]) -> UInt16 {
        segment.withUnsafeBytes { CRC16.modbus($0) }
    }

    /// The 4 upper-case hex digits of a CRC, high byte first, as a frame carries them.
    ///
    /// - Parameter crc: The CRC.
    /// - Returns: For example `"1C80"`, or `"0000"`.
    public static func hex(_ crc: UInt16) -> String {
        String(decoding: CRC16.hexDigits(crc), as: UTF8.self)
    }
}

/// Which CRC a frame's 4 hex digits matched.
public struct HJ212CRCVariant: Sendable, Hashable, CustomStringConvertible {
    /// A small code, so that a packet carrying its variant copies without reference counting.
    private let code: UInt8

    private init(code: UInt8) { self.code = code }

    /// The standard's CRC (HJ 212-2017 Appendix A).
    public static let hj212 = Self(code: 0)

    /// CRC-16/MODBUS printed high byte first (non-standard; only with ``HJ212DecodingOptions/acceptsModbusCRC``).
    public static let modbus = Self(code: 1)

    /// CRC-16/MODBUS printed low byte first, as seen in real traffic (non-standard; opt-in).
    public static let modbusLowByteFirst = Self(code: 2)

    /// The name of the variant: `hj212`, `modbus` or `modbusLowByteFirst`.
    public var name: String {
        switch code {
        case 0: "hj212"
        case 1: "modbus"
        default: "modbusLowByteFirst"
        }
    }

    /// The name of the variant.
    public var description: String { name }
}

/// The CRC implementations (table-driven).
enum CRC16 {
    /// The CRC-16/ARC table: `arc[i]` is 8 reflected rounds of polynomial 0xA001 on `i`.
    static let arc: [UInt16] = (0..<256).map { index in
        var register = UInt16(index)
        for _ in 0..<8 {
            register = register & 1 == 1 ? (register >> 1) ^ 0xA001 : register >> 1
        }
        return register
    }

    /// Slicing tables of the high byte: entry `(k - 1) * 256 + x` is `H^k(x)` with `H(x) = arc[x] >> 8`.
    ///
    /// The HJ 212 step `reg = T[(reg >> 8) ^ b]` only keeps the high byte `h` of the register between bytes:
    /// `h' = H(h ^ b)`. `H` is linear over GF(2), so 16 bytes fold into one step:
    /// `h16 = H^16(h ^ b0) ^ H^15(b1) ^ … ^ H^1(b15)`, which removes the serial dependency of the byte loop.
    static let slices: [UInt8] = {
        var tables = [UInt8](repeating: 0, count: 16 * 256)
        for x in 0..<256 {
            var value = UInt8(truncatingIfNeeded: arc[x] >> 8)
            tables[x] = value
            for k in 1..<16 {
                value = UInt8(truncatingIfNeeded: arc[Int(value)] >> 8)
                tables[k * 256 + x] = value
            }
        }
        return tables
    }()

    /// The HJ 212 CRC of `bytes`.
    static func hj212(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        checked(bytes).crc
    }

    /// The 8 table lookups of the bytes of `word` (first byte in the low bits), the first one in table `top`.
    @inline(__always)
    private static func fold(_ s: UnsafeBufferPointer<UInt8>, _ word: UInt64, top: Int) -> UInt8 {
        s[(top << 8) | Int(word & 0xFF)] ^ s[((top - 1) << 8) | Int((word >> 8) & 0xFF)]
            ^ s[((top - 2) << 8) | Int((word >> 16) & 0xFF)] ^ s[((top - 3) << 8) | Int((word >> 24) & 0xFF)]
            ^ s[((top - 4) << 8) | Int((word >> 32) & 0xFF)] ^ s[((top - 5) << 8) | Int((word >> 40) & 0xFF)]
            ^ s[((top - 6) << 8) | Int((word >> 48) & 0xFF)] ^ s[((top - 7) << 8) | Int(word >> 56)]
    }

    /// The HJ 212 CRC of `bytes` and whether they are all ASCII (so that the UTF-8 check can be skipped): one pass,
    /// 16 bytes (two word loads and 16 lookups) per step.
    static func checked(_ bytes: UnsafeRawBufferPointer) -> (crc: UInt16, ascii: Bool) {
        let count = bytes.count
        guard count > 0 else { return (0xFFFF, true) }
        // Buffer pointers, not raw pointers: their accesses are checked in a build with debug assertions (the
        // fuzzer's).
        return arc.withUnsafeBufferPointer { arc in
            slices.withUnsafeBufferPointer { s in
                var h: UInt8 = 0xFF
                var high: UInt64 = 0
                var i = 0
                let last = count - 1
                while i + 16 <= last {
                    let first = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                    let second = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
                    high |= first | second
                    h = fold(s, first ^ UInt64(h), top: 15) ^ fold(s, second, top: 7)
                    i += 16
                }
                while i < last {
                    let byte = bytes[i]
                    high |= UInt64(byte)
                    h = s[Int(h ^ byte)]
                    i += 1
                }
                let byte = bytes[last]
                high |= UInt64(byte)
                return (arc[Int(h ^ byte)], high & 0x8080_8080_8080_8080 == 0)
            }
        }
    }

    /// CRC-16/MODBUS of `bytes` (register value; not byte-swapped).
    static func modbus(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        arc.withUnsafeBufferPointer { arc in
            var register: UInt16 = 0xFFFF
            for byte in bytes {
                register = (register >> 8) ^ arc[Int((register ^ UInt16(byte)) & 0xFF)]
            }
            return register
        }
    }

    /// The 4 upper-case hex digits of `crc`.
    static func hexDigits(_ crc: UInt16) -> [UInt8] {
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        return [
            digits[Int(crc >> 12)], digits[Int((crc >> 8) & 0xF)], digits[Int((crc >> 4) & 0xF)],
            digits[Int(crc & 0xF)],
        ]
    }
}
