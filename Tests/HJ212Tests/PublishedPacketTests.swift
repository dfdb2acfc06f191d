import HJ212
import Testing

/// The real packets of `Packets/published.txt` and the appendix examples: each decodes, or is reported as its
/// documented defect (see `Packets/README.md`).
struct PublishedPacketTests {
    /// What each line of `published.txt` must give.
    struct Expectation: Sendable, CustomTestStringConvertible {
        var line: Int
        /// Error codes strict mode must report (empty: valid).
        var strict: Set<String>
        /// Error codes lenient mode must report (empty: valid).
        var lenient: Set<String>
        /// Whether lenient mode with the Modbus compatibility accepts it.
        var lenientModbus: Bool

        var testDescription: String { "published.txt line \(line)" }
    }

    static let expectations: [Expectation] = [
        .init(line: 1, strict: [], lenient: [], lenientModbus: true),
        .init(
            line: 2, strict: ["hj212.subpacket", "hj212.cp.suffix", "hj212.cp.syntax"], lenient: [], lenientModbus: true
        ),
        .init(
            line: 3, strict: ["hj212.header.value", "hj212.header.order", "hj212.cp.code"], lenient: [],
            lenientModbus: true),
        .init(line: 4, strict: ["hj212.header.value", "hj212.cp.suffix"], lenient: [], lenientModbus: true),
        .init(line: 5, strict: ["hj212.header.value"], lenient: [], lenientModbus: true),
        .init(line: 6, strict: ["hj212.header.value"], lenient: [], lenientModbus: true),
        .init(line: 7, strict: ["hj212.header.value"], lenient: [], lenientModbus: true),
        .init(line: 8, strict: ["hj212.crc", "hj212.header.value"], lenient: ["hj212.crc"], lenientModbus: false),
        .init(line: 9, strict: ["hj212.header.value"], lenient: [], lenientModbus: true),
        .init(
            line: 10, strict: ["hj212.length", "hj212.crc.case", "hj212.crc", "hj212.header.value"],
            lenient: ["hj212.crc"], lenientModbus: false),
        .init(
            line: 11, strict: ["hj212.flag.version", "hj212.crc.case", "hj212.header.value"], lenient: [],
            lenientModbus: true),
        .init(line: 12, strict: ["hj212.header.value"], lenient: [], lenientModbus: true),
        .init(line: 13, strict: ["hj212.header.value"], lenient: [], lenientModbus: true),
        .init(
            line: 14, strict: ["hj212.length", "hj212.crc.case", "hj212.crc", "hj212.header.missing"],
            lenient: ["hj212.crc"], lenientModbus: false),
        .init(line: 15, strict: ["hj212.flag.missing", "hj212.header.value"], lenient: [], lenientModbus: true),
        .init(line: 16, strict: ["hj212.flag.missing"], lenient: [], lenientModbus: true),
        .init(
            line: 17, strict: ["hj212.crc", "hj212.flag.missing", "hj212.header.value"], lenient: ["hj212.crc"],
            lenientModbus: true),
        .init(
            line: 18, strict: ["hj212.crc", "hj212.flag.missing", "hj212.length.limit", "hj212.cp.length"],
            lenient: ["hj212.crc"],
            lenientModbus: true),
        .init(
            line: 19, strict: ["hj212.crc", "hj212.flag.missing", "hj212.length.limit", "hj212.cp.length"],
            lenient: ["hj212.crc"], lenientModbus: true),
        .init(line: 20, strict: ["hj212.header.value"], lenient: [], lenientModbus: true),
        .init(line: 21, strict: ["hj212.crc.case", "hj212.flag.missing"], lenient: [], lenientModbus: true),
        .init(line: 22, strict: ["hj212.crc.case", "hj212.subpacket"], lenient: [], lenientModbus: true),
        .init(line: 23, strict: ["hj212.flag.missing", "hj212.cp.code"], lenient: [], lenientModbus: true),
        .init(
            line: 24, strict: ["hj212.crc", "hj212.subpacket", "hj212.cp.suffix", "hj212.cp.syntax"],
            lenient: ["hj212.crc"], lenientModbus: false),
    ]

    @Test func everyLineHasAnExpectation() throws {
        #expect(try Fixtures.lines("published").count == Self.expectations.count)
    }

    @Test(arguments: expectations)
    func publishedPacket(_ expectation: Expectation) throws {
        let lines = try Fixtures.lines("published")
        let frame = Fixtures.frame(lines[expectation.line - 1])
        let strict = HJ212Packet.decode(frame, options: .strict)
        #expect(Set(strict.errorCodes) == expectation.strict, "strict: \(strict.failure?.description ?? "valid")")
        let lenient = HJ212Packet.decode(frame, options: .lenient)
        #expect(Set(lenient.errorCodes) == expectation.lenient, "lenient: \(lenient.failure?.description ?? "valid")")
        let modbus = HJ212Packet.decode(frame, options: HJ212DecodingOptions(mode: .lenient, acceptsModbusCRC: true))
        #expect((modbus.packet != nil) == expectation.lenientModbus)
        // Whatever the verdict, the header was read.
        let packet = try #require(lenient.packet ?? lenient.failure?.packet)
        #expect(packet.cn?.count == 4)
        #expect(packet.mn != nil)
    }

    @Test func appendixAReadsItsFields() throws {
        let lines = try Fixtures.lines("published")
        let packet = try #require(HJ212Packet.decode(Fixtures.frame(lines[0])).packet)
        #expect(packet.qn == "20160801085857223")
        #expect(packet.st == "32")
        #expect(packet.cn == "1062")
        #expect(packet.pw == "100000")
        #expect(packet.mn == "010000A8900016F000169DC0")
        #expect(packet.flag.rawValue == 5)
        #expect(packet.edition == .edition2017)
        #expect(packet.needsAcknowledgement)
        #expect(!packet.flag.hasSubpackets)
        #expect(packet.pnum == nil && packet.pno == nil)
        #expect(packet.data.value(forKey: "RtdInterval") == "30")
        #expect(packet.crcVariant == .hj212)
        #expect(packet.warnings.isEmpty)
        // The standard's own example re-encodes to the same bytes.
        #expect(packet.encoded() == Fixtures.frame(lines[0]))
        #expect(
            packet.qnTime
                == HJ212Timestamp(year: 2016, month: 8, day: 1, hour: 8, minute: 58, second: 57, millisecond: 223))
    }

    @Test func subpacketAndZsCouAreRead() throws {
        let lines = try Fixtures.lines("published")
        let packet = try #require(HJ212Packet.decode(Fixtures.frame(lines[3]), options: .lenient).packet)
        #expect(packet.flag.hasSubpackets && packet.needsAcknowledgement)
        #expect(packet.pnum == 2 && packet.pno == 1)
        #expect(packet.data.value(forKey: "a21002-ZsCou") == "0.000")
        #expect(packet.data.value(forKey: "a00000-Flag") == "B")
        #expect(packet.data.groups.count == 9)
    }

    @Test func aCRCOfZeroIsAValidCRC() throws {
        let lines = try Fixtures.lines("published")
        #expect(lines[6].hasSuffix("&&0000"))
        let packet = try #require(HJ212Packet.decode(Fixtures.frame(lines[6]), options: .lenient).packet)
        #expect(packet.crcVariant == .hj212)
    }

    @Test func modbusVariantsAreReportedByName() throws {
        let lines = try Fixtures.lines("published")
        let options = HJ212DecodingOptions(mode: .lenient, acceptsModbusCRC: true)
        for line in [17, 18, 19] {
            let packet = try #require(HJ212Packet.decode(Fixtures.frame(lines[line - 1]), options: options).packet)
            #expect(packet.crcVariant == .modbusLowByteFirst)
            #expect(packet.warnings.contains { $0.code == .crcVariant })
        }
        // Line 19 declares 1623 bytes: beyond 1024, accepted with a warning in lenient mode.
        let long = try #require(HJ212Packet.decode(Fixtures.frame(lines[18]), options: options).packet)
        #expect(long.warnings.contains { $0.code == .lengthLimit })
        #expect(long.dataInterval == .minute)
    }

    @Test func lenientWarningsOfTheTeafullPacketAreLocated() throws {
        let lines = try Fixtures.lines("published")
        let frame = Fixtures.frame(lines[1])
        let packet = try #require(HJ212Packet.decode(frame, options: .lenient).packet)
        let suffix = try #require(packet.warnings.first { $0.code == .cpSuffix })
        #expect(suffix.field == "LA-td")
        let text = Array(lines[1].utf8)
        let position = try #require(text.firstRange(of: Array("LA-td".utf8))).lowerBound
        #expect(suffix.offset == position + 3)
        let empty = try #require(packet.warnings.first { $0.code == .cpSyntax })
        #expect(empty.offset == text.count - 6)  // the empty item after the last ';', before the final "&&"
    }

    @Test func appendix2017ExamplesAreStrictlyValidAndReencodeIdentically() throws {
        for line in try Fixtures.lines("appendix-2017") {
            let result = HJ212Packet.decode(Fixtures.frame(line))
            let packet = try #require(result.packet, "\(line): \(result.failure?.description ?? "")")
            #expect(packet.encoded() == Fixtures.frame(line))
            #expect(packet.edition == .edition2017)
        }
    }

    @Test func appendix2005ExamplesAreLenientlyValid() throws {
        let lines = try Fixtures.lines("appendix-2005")
        for line in lines {
            let packet = try #require(HJ212Packet.decode(Fixtures.frame(line), options: .lenient).packet, "\(line)")
            #expect(packet.edition == .edition2005)
        }
        // Strict mode reports the 2005 examples' own inconsistencies: Flag=3 (D) without PNUM/PNO, responses
        // without Flag. The 9011 example is fully conforming.
        #expect(HJ212Packet.decode(Fixtures.frame(lines[0])).errorCodes == ["hj212.subpacket"])
        #expect(HJ212Packet.decode(Fixtures.frame(lines[1])).packet != nil)
        #expect(HJ212Packet.decode(Fixtures.frame(lines[2])).errorCodes == ["hj212.flag.missing"])
        let upload = try #require(HJ212Packet.decode(Fixtures.frame(lines[9]), options: .lenient).packet)
        #expect(upload.qn == nil)
        #expect(upload.flag.rawValue == 0)
        #expect(upload.monitoringValues.map(\.pollutant) == ["B01"])
        #expect(upload.monitoringValues.first?.value == 100)
    }
}
