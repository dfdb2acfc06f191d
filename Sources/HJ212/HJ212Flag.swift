/// How strictly frames are checked, and which non-standard CRCs are accepted.
///
/// Strict mode (the default) holds frames to HJ 212-2017 (or HJ/T 212-2005 for version-0 packets). Lenient mode
/// accepts what real data loggers send — lower-case CRCs, missing or doubled tails, a length that counts characters
/// or is simply wrong, lengths up to 9999, a missing Flag, header fields out of order, 17-digit times, unknown
/// suffixes, … — and reports each as a warning instead of an error.
///
/// ```swift
/// var decoder = HJ212StreamDecoder(options: .lenient)
/// var compatible = HJ212DecodingOptions.lenient
/// compatible.acceptsModbusCRC = true  // also accept CRC-16/MODBUS, reported as hj212.crc.variant
/// ```
public struct HJ212DecodingOptions: Sendable, Hashable {
    /// Strict or lenient checking.
    public enum Mode: Sendable, Hashable {
        /// Deviations from the standard are errors.
        case strict
        /// Deviations seen in real traffic are warnings; the packet is accepted.
        case lenient
    }

    /// Strict or lenient checking.
    public var mode: Mode

    /// Whether a CRC-16/MODBUS (either byte order) is accepted in place of the standard CRC.
    ///
    /// Off by default. When on, a frame whose CRC only matches a Modbus variant is accepted with an
    /// `hj212.crc.variant` warning naming the variant, in both modes.
    public var acceptsModbusCRC: Bool

    /// Creates options.
    ///
    /// - Parameters:
    ///   - mode: Strict (default) or lenient.
    ///   - acceptsModbusCRC: Whether CRC-16/MODBUS is accepted too (default `false`).
    public init(mode: Mode = .strict, acceptsModbusCRC: Bool = false) {
        self.mode = mode
        self.acceptsModbusCRC = acceptsModbusCRC
    }

    /// Strict checking, standard CRC only.
    public static let strict = Self(mode: .strict)

    /// Lenient checking, standard CRC only.
    public static let lenient = Self(mode: .lenient)

    /// Whether the mode is lenient.
    public var isLenient: Bool { mode == .lenient }
}

/// An edition of the standard, as the version bits of the Flag name it (`Flag >> 2`).
///
/// Version 0 is HJ/T 212-2005, version 1 is HJ 212-2017. Version 2 is reserved for HJ 212-2025 (in force
/// 2026-01-01): its text was not available, so packets of version 2 are decoded with the 2017 rules and reported
/// (an error in strict mode, a warning in lenient mode) rather than given invented semantics.
///
/// ```swift
/// packet.edition == .edition2017
/// HJ212Edition(rawValue: 2) == .edition2025  // true, but .isImplemented is false
/// ```
public struct HJ212Edition: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 6-bit version number of the Flag.
    public let rawValue: UInt8

    /// Creates an edition from its version number (only the low 6 bits are kept).
    ///
    /// - Parameter rawValue: The version number.
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x3F }

    /// HJ/T 212-2005 (version 0; also what a packet without Flag is read as).
    public static let edition2005 = Self(rawValue: 0)

    /// HJ 212-2017 (version 1; Flag 4–7).
    public static let edition2017 = Self(rawValue: 1)

    /// HJ 212-2025 (version 2; Flag 8–11). Reserved: not implemented, see the type's discussion.
    public static let edition2025 = Self(rawValue: 2)

    /// Whether the codec implements this edition's rules (2005 and 2017).
    public var isImplemented: Bool { rawValue <= 1 }

    /// The year of the edition, when known.
    public var year: Int? {
        switch rawValue {
        case 0: 2005
        case 1: 2017
        case 2: 2025
        default: nil
        }
    }

    /// `HJ/T 212-2005`, `HJ 212-2017`, `HJ 212-2025`, or `version N`.
    public var description: String {
        switch rawValue {
        case 0: "HJ/T 212-2005"
        case 1: "HJ 212-2017"
        case 2: "HJ 212-2025"
        default: "version \(rawValue)"
        }
    }

    /// Orders editions by version number.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The Flag of a packet: the edition, whether the packet is one of several (D), whether it must be acknowledged (A).
///
/// ```
/// bit:  7  6  5  4  3  2  1  0
///       V5 V4 V3 V2 V1 V0 D  A
/// ```
///
/// ```swift
/// let flag = HJ212Flag(edition: .edition2017, acknowledgement: true)  // Flag=5
/// flag.needsAcknowledgement  // true
/// ```
public struct HJ212Flag: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The Flag as written in the packet (0–255).
    public var rawValue: UInt8

    /// Creates a Flag from its value.
    ///
    /// - Parameter rawValue: The value (0–255).
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Creates a Flag from its parts.
    ///
    /// - Parameters:
    ///   - edition: The edition (version bits).
    ///   - subpackets: Whether the packet carries PNUM and PNO (bit D).
    ///   - acknowledgement: Whether the receiver must acknowledge it (bit A).
    public init(edition: HJ212Edition, subpackets: Bool = false, acknowledgement: Bool = false) {
        rawValue = (edition.rawValue << 2) | (subpackets ? 2 : 0) | (acknowledgement ? 1 : 0)
    }

    /// The version bits (`Flag >> 2`): 0 for 2005, 1 for 2017.
    public var version: UInt8 { rawValue >> 2 }

    /// The edition named by the version bits.
    public var edition: HJ212Edition { HJ212Edition(rawValue: version) }

    /// Bit D: the packet is one of several and carries PNUM and PNO.
    public var hasSubpackets: Bool {
        get { rawValue & 2 != 0 }
        set { rawValue = newValue ? rawValue | 2 : rawValue & ~2 }
    }

    /// Bit A: the receiver must acknowledge the packet.
    public var needsAcknowledgement: Bool {
        get { rawValue & 1 != 0 }
        set { rawValue = newValue ? rawValue | 1 : rawValue & ~1 }
    }

    /// The decimal value.
    public var description: String { String(rawValue) }
}
