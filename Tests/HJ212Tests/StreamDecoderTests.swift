import HJ212
import Testing

/// Framing from a byte stream: splits, joins, garbage, bounded buffering.
struct StreamDecoderTests {
    /// Three frames: the Appendix A example, an hourly upload and a 2005 upload without QN.
    static let frames: [[UInt8]] = [
        Fixtures.frame(segment: Fixtures.appendixA),
        Fixtures.frame(segment: Fixtures.hourly),
        Fixtures.frame(
            segment: "ST=32;CN=2011;PW=123456;MN=88888880000001;Flag=0;CP=&&DataTime=20040516020111;B01-Rtd=100&&"),
    ]
    static let stream = frames.flatMap { $0 }

    static var expected: [HJ212StreamEvent] {
        frames.compactMap { HJ212Packet.decode($0).packet }.map { .packet($0) }
    }

    @Test func threeFramesInOneRead() {
        #expect(Self.expected.count == 3)
        var decoder = HJ212StreamDecoder()
        decoder.append(Self.stream)
        #expect(drain(&decoder) == Self.expected)
        #expect(decoder.bufferedByteCount == 0)
        #expect(decoder.consumedByteCount == Self.stream.count)
    }

    @Test func everySplitPointOfAThreePacketStream() {
        for split in 0...Self.stream.count {
            var decoder = HJ212StreamDecoder()
            var events: [HJ212StreamEvent] = []
            decoder.append(Array(Self.stream[..<split]))
            events += drain(&decoder)
            decoder.append(Array(Self.stream[split...]))
            events += drain(&decoder)
            decoder.finish()
            events += drain(&decoder)
            #expect(events == Self.expected, "split at \(split)")
        }
    }

    @Test func everyPairOfSplitPointsAroundTheFrameBoundaries() {
        // Two cuts, each within 12 bytes of a boundary between frames (where framing decisions are made).
        let boundaries = [0, Self.frames[0].count, Self.frames[0].count + Self.frames[1].count, Self.stream.count]
        let points = Set(boundaries.flatMap { b in (b - 12...b + 12).filter { (0...Self.stream.count).contains($0) } })
            .sorted()
        for first in points {
            for second in points where second >= first {
                var decoder = HJ212StreamDecoder()
                var events: [HJ212StreamEvent] = []
                for range in [0..<first, first..<second, second..<Self.stream.count] {
                    decoder.append(Array(Self.stream[range]))
                    events += drain(&decoder)
                }
                #expect(events == Self.expected, "cuts at \(first), \(second)")
            }
        }
    }

    @Test func byteByByte() {
        var decoder = HJ212StreamDecoder()
        var events: [HJ212StreamEvent] = []
        for byte in Self.stream {
            decoder.append([byte])
            events += drain(&decoder)
        }
        #expect(events == Self.expected)
    }

    @Test func randomReads() {
        var random = SeededGenerator(seed: 42)
        for _ in 0..<300 {
            var decoder = HJ212StreamDecoder()
            var events: [HJ212StreamEvent] = []
            var position = 0
            while position < Self.stream.count {
                let size = Int.random(in: 1...200, using: &random)
                let end = min(Self.stream.count, position + size)
                Self.stream[position..<end].withUnsafeBytes { decoder.append($0) }
                events += drain(&decoder)
                position = end
            }
            #expect(events == Self.expected)
        }
    }

    @Test func garbageIsSkippedAndLocated() {
        let garbage1 = Array("AT+CIPSEND\r\n".utf8)
        let garbage2 = Array("#x##AB".utf8)
        let stream = garbage1 + Self.frames[0] + garbage2 + Self.frames[1]
        var decoder = HJ212StreamDecoder()
        decoder.append(stream)
        decoder.finish()
        let events = drain(&decoder)
        let expected: [HJ212StreamEvent] = [
            .skipped(offset: 0, count: garbage1.count), Self.expected[0],
            .skipped(offset: garbage1.count + Self.frames[0].count, count: garbage2.count), Self.expected[1],
        ]
        #expect(events == expected)
    }

    @Test func endlessGarbageDoesNotGrowTheBuffer() {
        var random = SeededGenerator(seed: 9)
        var decoder = HJ212StreamDecoder()
        var skipped = 0
        var maximum = 0
        for round in 0..<200 {
            // Random bytes, sometimes with '#', "##" and "##1234" (a frame start that never ends).
            var chunk = (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &random) }
            if round % 3 == 0 { chunk.replaceSubrange(100..<106, with: Array("##1234".utf8)) }
            decoder.append(chunk)
            for event in drain(&decoder) {
                switch event {
                case .skipped(_, let count): skipped += count
                case .malformed(let error): #expect(error.code == .truncated)
                case .packet: Issue.record("a packet in random bytes")
                }
            }
            maximum = max(maximum, decoder.bufferedByteCount)
        }
        #expect(maximum <= HJ212.maximumFrameLength + 8)
        #expect(skipped > 200 * 60_000)
    }

    @Test func aNeverEndingFrameIsGivenUp() {
        var decoder = HJ212StreamDecoder(options: .lenient)
        decoder.append(Array("##9999".utf8))
        #expect(decoder.next() == nil)
        let filler = [UInt8](repeating: UInt8(ascii: "a"), count: 4096)
        var events: [HJ212StreamEvent] = []
        for _ in 0..<5 {
            decoder.append(filler)
            events += drain(&decoder)
            #expect(decoder.bufferedByteCount <= HJ212.maximumFrameLength + 8)
        }
        guard case .malformed(let error) = events.first else {
            Issue.record("expected a malformed event, got \(events)")
            return
        }
        #expect(error.code == .truncated)
        #expect(error.offset == 0)
    }

    @Test func aTruncatedPacketDoesNotSwallowTheNextOne() {
        let cut = Array(Self.frames[1].prefix(120))
        var decoder = HJ212StreamDecoder()
        decoder.append(Self.frames[0] + cut + Self.frames[2])
        let events = drain(&decoder)
        #expect(events.count == 3)
        #expect(events.first == Self.expected[0])
        if case .malformed(let error) = events[1] {
            #expect(error.code == .truncated)
            #expect(error.offset == Self.frames[0].count)
        } else {
            Issue.record("expected malformed, got \(events[1])")
        }
        #expect(events.last == Self.expected[2])
    }

    @Test func aWrongLengthIsRecoveredInLenientMode() {
        let wrong = Fixtures.frame(segment: Fixtures.hourly, length: 99)
        for options in [HJ212DecodingOptions.strict, .lenient] {
            var decoder = HJ212StreamDecoder(options: options)
            decoder.append(Self.frames[0] + wrong + Self.frames[2])
            let events = drain(&decoder)
            #expect(events.count == 3)
            #expect(events.first == Self.expected[0])
            #expect(events.last == Self.expected[2])
            switch events[1] {
            case .packet(let packet):
                #expect(options.isLenient)
                #expect(packet.warnings.map(\.code) == [.length])
                #expect(packet.warnings.first?.offset == Self.frames[0].count + 2)
            case .malformed(let error):
                #expect(!options.isLenient)
                #expect(error.code == .length)
                #expect(decoder.lastFailure?.errors.map(\.code) == [.length])
            default:
                Issue.record("unexpected \(events[1])")
            }
        }
    }

    @Test func aLengthTooLongDoesNotWaitForTheDeclaredBytes() {
        // The declared length runs past the packet, and nothing follows yet: the packet is taken as soon as an end
        // with a matching CRC is seen (an hourly packet must be acknowledged without waiting an hour).
        var decoder = HJ212StreamDecoder(options: .lenient)
        decoder.append(Fixtures.frame(segment: Fixtures.appendixA, length: 900))
        guard case .packet(let packet) = decoder.next() else {
            Issue.record("expected the packet")
            return
        }
        #expect(packet.cn == "1062")
        #expect(packet.warnings.map(\.code) == [.length])
    }

    @Test func streamOffsetsOfErrorsAndAllErrorsOfTheLastFailure() throws {
        let bad = Fixtures.frame(segment: Fixtures.appendixA, crc: "1c81")
        var decoder = HJ212StreamDecoder()
        decoder.append(Self.frames[0] + bad)
        let events = drain(&decoder)
        #expect(events.first == Self.expected[0])
        guard case .malformed(let error) = events.last else {
            Issue.record("expected malformed")
            return
        }
        #expect(error.code == .crcCase)
        #expect(error.offset == Self.frames[0].count + 6 + 101)
        let failure = try #require(decoder.lastFailure)
        #expect(failure.errors.map(\.code) == [.crcCase, .crc])
        #expect(failure.offset == Self.frames[0].count)
        #expect(failure.packet?.cn == "1062")
    }

    @Test func theEndOfTheStream() {
        // A last frame without its tail: lenient accepts it at finish(), strict reports it.
        let noTail = Array(Self.frames[0].dropLast(2))
        var lenient = HJ212StreamDecoder(options: .lenient)
        lenient.append(noTail)
        #expect(lenient.next() == nil)
        lenient.finish()
        guard case .packet(let packet) = lenient.next() else {
            Issue.record("expected a packet")
            return
        }
        #expect(packet.warnings.map(\.code) == [.tail])
        var strict = HJ212StreamDecoder()
        strict.append(noTail)
        strict.finish()
        guard case .malformed(let error) = strict.next() else {
            Issue.record("expected malformed")
            return
        }
        #expect(error.code == .tail)
        #expect(error.offset == noTail.count)  // just past the last byte, where the tail should have been
        // A cut-off frame at the end.
        var cut = HJ212StreamDecoder()
        cut.append(Array(Self.frames[0].prefix(50)))
        cut.finish()
        guard case .malformed(let truncated) = cut.next() else {
            Issue.record("expected malformed")
            return
        }
        #expect(truncated.code == .truncated)
        #expect(cut.next() == nil)
    }

    @Test func missingAndDoubledTailsBetweenFrames() {
        let noTail = Array(Self.frames[0].dropLast(2))
        let doubled = Array(Self.frames[1].dropLast(2)) + Array("\r\r\n".utf8)
        var decoder = HJ212StreamDecoder(options: .lenient)
        decoder.append(noTail + doubled + Self.frames[2])
        let events = drain(&decoder)
        #expect(events.count == 3)
        guard events.count == 3, case .packet(let first) = events[0], case .packet(let second) = events[1] else {
            Issue.record("expected packets, got \(events)")
            return
        }
        #expect(first.warnings.map(\.code) == [.tail])
        #expect(second.warnings.map(\.code) == [.tail])
        #expect(events[2] == Self.expected[2])
    }
}
