import Foundation
import HJ212
import Testing

/// The packet files of `Packets/`, one frame per line without its CR LF.
enum Fixtures {
    static func lines(_ name: String) throws -> [String] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Packets"))
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// The line as a frame, with its CR LF.
    static func frame(_ line: String) -> [UInt8] { Array((line + "\r\n").utf8) }

    /// A frame around `segment`, with the right length and CRC unless overridden.
    static func frame(
        segment: String, length: Int? = nil, crc: String? = nil, tail: String = "\r\n"
    ) -> [UInt8] {
        let bytes = Array(segment.utf8)
        let declared = length ?? bytes.count
        let digits = String(declared)
        let paddedLength = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        return Array("##\(paddedLength)".utf8) + bytes + Array((crc ?? HJ212.hex(HJ212.crc(bytes))).utf8)
            + Array(tail.utf8)
    }

    /// The Appendix A segment of HJ 212-2017.
    static let appendixA =
        "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"

    /// A strict-valid hourly upload (2017).
    static let hourly =
        "QN=20160801090000001;ST=31;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime=20160801080000;"
        + "a21026-Min=10.5,a21026-Avg=23.5,a21026-Max=40.25,a21026-Flag=N;"
        + "a21002-Min=1,a21002-Avg=2.5,a21002-Max=4,a21002-ZsAvg=3.1,a21002-Flag=M&&"
}

/// A seeded random number generator (SplitMix64), so that property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Result where Success == HJ212Packet, Failure == HJ212DecodeFailure {
    var packet: HJ212Packet? {
        if case .success(let packet) = self { return packet }
        return nil
    }

    var failure: HJ212DecodeFailure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }

    /// The error codes (empty when valid).
    var errorCodes: [String] { failure?.errors.map(\.code.rawValue) ?? [] }

    /// The warning codes.
    var warningCodes: [String] {
        switch self {
        case .success(let packet): packet.warnings.map(\.code.rawValue)
        case .failure(let failure): failure.warnings.map(\.code.rawValue)
        }
    }
}

/// Decodes every event the stream decoder has.
func drain(_ decoder: inout HJ212StreamDecoder) -> [HJ212StreamEvent] {
    var events: [HJ212StreamEvent] = []
    while let event = decoder.next() { events.append(event) }
    return events
}
