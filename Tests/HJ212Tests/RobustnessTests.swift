import HJ212
import Testing

/// Whatever the bytes, decoding returns (never traps) and its reports are consistent.
struct RobustnessTests {
    static func mutate(_ frame: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var bytes = frame
        let special: [UInt8] = Array("#&;,=-\r\n0123456789ABCDEFabcdef".utf8) + [0x00, 0x80, 0xC3, 0xE8, 0xFF]
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !bytes.isEmpty else { break }
            let position = Int.random(in: 0..<bytes.count, using: &random)
            let byte =
                Bool.random(using: &random)
                ? special.randomElement(using: &random) ?? 0 : UInt8.random(in: 0...255, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: bytes[position] = byte
            case 1: bytes.insert(byte, at: position)
            case 2: bytes.remove(at: position)
            case 3: bytes = Array(bytes.prefix(position))
            case 4: bytes.insert(contentsOf: bytes[position...].prefix(20), at: position)
            default:
                // Rewrite the length field with a random number.
                if bytes.count > 6 {
                    let digits = Array(String(Int.random(in: 0...9999, using: &random)).utf8)
                    let padded = [UInt8](repeating: UInt8(ascii: "0"), count: 4 - digits.count) + digits
                    bytes.replaceSubrange(2..<6, with: padded)
                }
            }
        }
        return bytes
    }

    @Test func mutatedFramesNeverTrapAndReportLocatedErrors() throws {
        var random = SeededGenerator(seed: 1234)
        var sources = try Fixtures.lines("published").map(Fixtures.frame)
        sources += try Fixtures.lines("appendix-2017").map(Fixtures.frame)
        sources += try Fixtures.lines("appendix-2005").map(Fixtures.frame)
        var valid = 0
        for _ in 0..<20_000 {
            let source = sources.randomElement(using: &random) ?? []
            let frame = Self.mutate(source, &random)
            for options in [
                HJ212DecodingOptions.strict, .lenient, HJ212DecodingOptions(mode: .lenient, acceptsModbusCRC: true),
            ] {
                switch HJ212Packet.decode(frame, options: options) {
                case .success(let packet):
                    valid += 1
                    let again = HJ212Packet.decode(packet.encoded(), options: .lenient)
                    #expect(again.packet == packet)
                    _ = packet.monitoringValues
                case .failure(let failure):
                    #expect(!failure.errors.isEmpty)
                    for error in failure.errors + failure.warnings {
                        #expect((0...max(0, frame.count)).contains(error.offset), "\(error)")
                        #expect(!error.message.isEmpty && !error.messageZH.isEmpty)
                    }
                }
            }
        }
        #expect(valid > 1000)
    }

    @Test func randomStreamsAreFullyAccountedFor() throws {
        var random = SeededGenerator(seed: 77)
        let sources = try Fixtures.lines("published").map(Fixtures.frame)
        for _ in 0..<400 {
            var stream: [UInt8] = []
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let source = sources.randomElement(using: &random) ?? []
                stream += Bool.random(using: &random) ? source : Self.mutate(source, &random)
            }
            var decoder = HJ212StreamDecoder(options: Bool.random(using: &random) ? .strict : .lenient)
            var position = 0
            var events: [HJ212StreamEvent] = []
            while position < stream.count {
                let end = min(stream.count, position + Int.random(in: 1...700, using: &random))
                decoder.append(Array(stream[position..<end]))
                events += drain(&decoder)
                position = end
            }
            decoder.finish()
            events += drain(&decoder)
            #expect(decoder.bufferedByteCount == 0)
            #expect(decoder.consumedByteCount == stream.count)
            var lastOffset = -1
            for event in events {
                if case .skipped(let offset, let count) = event {
                    #expect(offset > lastOffset && count > 0)
                    lastOffset = offset
                }
                if case .malformed(let error) = event {
                    #expect((0...stream.count).contains(error.offset))
                }
            }
        }
    }
}
