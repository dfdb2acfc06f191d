import HJ212
import Testing

/// Every kind of malformed packet gives located errors, in strict and lenient mode.
struct MalformedPacketTests {
    let segment = Fixtures.appendixA
    var segmentLength: Int { segment.utf8.count }

    func decode(_ frame: [UInt8], _ options: HJ212DecodingOptions = .strict) -> Result<HJ212Packet, HJ212DecodeFailure>
    {
        HJ212Packet.decode(frame, options: options)
    }

    func error(_ result: Result<HJ212Packet, HJ212DecodeFailure>, _ code: HJ212Error.Code) -> HJ212Error? {
        result.failure?.errors.first { $0.code == code }
    }

    @Test func wrongLength() throws {
        let frame = Fixtures.frame(segment: segment, length: segmentLength - 1)
        let strict = decode(frame)
        let error = try #require(self.error(strict, .length))
        #expect(error.offset == 2)
        #expect(error.field == "length")
        #expect(error.message.contains("100") && error.message.contains("101"))
        #expect(!error.messageZH.isEmpty)
        #expect(strict.errorCodes == ["hj212.length"])
        // Lenient: found by the `&&` + CRC search, accepted with a warning.
        let lenient = decode(frame, .lenient)
        #expect(lenient.packet?.data.value(forKey: "RtdInterval") == "30")
        #expect(lenient.warningCodes == ["hj212.length"])
    }

    @Test func lengthCountingCharacters() throws {
        let chinese =
            "QN=20160801085857223;ST=32;CN=3020;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&DataTime=20160801085857;i11001-Info=//设备故障//&&"
        let frame = Fixtures.frame(segment: chinese, length: chinese.count)
        #expect(chinese.count != chinese.utf8.count)
        #expect(decode(frame).errorCodes == ["hj212.length.characters"])
        let lenient = try #require(decode(frame, .lenient).packet)
        #expect(lenient.warnings.map(\.code) == [.lengthCharacters])
        #expect(lenient.data.value(forKey: "i11001-Info") == "//设备故障//")
        // The encoder writes the byte count.
        #expect(lenient.encoded() == Fixtures.frame(segment: chinese))
    }

    @Test func nonDigitLength() throws {
        var frame = Fixtures.frame(segment: segment)
        frame[4] = UInt8(ascii: "A")
        let result = decode(frame, .lenient)
        let error = try #require(self.error(result, .lengthDigits))
        #expect(error.offset == 2)
        #expect(error.message.contains("01A1"))
    }

    @Test func badCRC() throws {
        let frame = Fixtures.frame(segment: segment, crc: "1C81")
        for options in [HJ212DecodingOptions.strict, .lenient] {
            let result = decode(frame, options)
            let error = try #require(self.error(result, .crc))
            #expect(error.offset == 6 + segmentLength)
            #expect(error.field == "CRC")
            #expect(error.message.contains("1C81") && error.message.contains("1C80"))
            #expect(result.failure?.crcValid == false)
            // What could be read is still there.
            #expect(result.failure?.packet?.cn == "1062")
        }
    }

    @Test func nonHexCRCIsFoundByTheSearchAndReported() {
        let frame = Fixtures.frame(segment: segment, crc: "1G80")
        #expect(decode(frame, .lenient).errorCodes.first == "hj212.truncated")
    }

    @Test func lowerCaseCRCIsStrictOnly() throws {
        let frame = Fixtures.frame(segment: segment, crc: "1c80")
        let strict = decode(frame)
        #expect(strict.errorCodes == ["hj212.crc.case"])
        #expect(try #require(self.error(strict, .crcCase)).offset == 6 + segmentLength)
        #expect(strict.failure?.crcValid == true)
        let lenient = try #require(decode(frame, .lenient).packet)
        #expect(lenient.warnings.map(\.code) == [.crcCase])
        #expect(lenient.crcVariant == .hj212)
    }

    @Test func missingAndDoubledTail() throws {
        for tail in ["", "\r\r\n", "\n"] {
            let frame = Fixtures.frame(segment: segment, tail: tail)
            let strict = decode(frame)
            #expect(strict.errorCodes == ["hj212.tail"], "tail \(Array(tail.utf8))")
            #expect(try #require(self.error(strict, .tail)).offset == 6 + segmentLength + 4)
            let lenient = decode(frame, .lenient)
            #expect(lenient.packet != nil)
            #expect(lenient.warningCodes == ["hj212.tail"])
        }
    }

    @Test func missingCP() throws {
        let frame = Fixtures.frame(
            segment: "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5")
        let result = decode(frame, .lenient)
        #expect(result.errorCodes == ["hj212.cp.missing"])
    }

    @Test func cpNotLast() throws {
        let frame = Fixtures.frame(
            segment:
                "QN=20160801085857223;ST=32;CN=1062;PW=100000;Flag=5;CP=&&RtdInterval=30&&;MN=010000A8900016F000169DC0")
        let result = decode(frame, .lenient)
        let error = try #require(self.error(result, .cpPosition))
        #expect(error.message.contains(";MN=010000A8900016F000169DC0"))
        #expect(result.errorCodes.contains("hj212.header.missing"))  // MN, hidden after CP, is not read
    }

    @Test func cpNotTerminated() {
        let frame = Fixtures.frame(
            segment:
                "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30")
        #expect(decode(frame, .lenient).errorCodes == ["hj212.cp.unterminated"])
    }

    @Test func missingSemicolonBeforeCP() throws {
        // HJ 212-2017 Table C.19 writes `Flag=5CP=`.
        let frame = Fixtures.frame(
            segment:
                "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5CP=&&RtdInterval=30&&")
        let strict = decode(frame)
        #expect(strict.errorCodes == ["hj212.segment.syntax"])
        // CP is found by its first `CP=&&`, so the Flag still reads as 5.
        let packet = try #require(decode(frame, .lenient).packet)
        #expect(packet.flag.rawValue == 5)
        #expect(packet.data.value(forKey: "RtdInterval") == "30")
    }

    @Test func duplicatedHeaderKey() throws {
        let frame = Fixtures.frame(
            segment: "QN=20160801085857223;ST=32;ST=31;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&")
        for options in [HJ212DecodingOptions.strict, .lenient] {
            let result = decode(frame, options)
            let error = try #require(self.error(result, .headerDuplicate))
            #expect(error.offset == 6 + 27)
            #expect(error.field == "ST")
        }
    }

    @Test func headerOutOfOrderIsStrictOnly() throws {
        let frame = Fixtures.frame(
            segment: "ST=32;QN=20160801085857223;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&")
        let strict = decode(frame)
        #expect(strict.errorCodes == ["hj212.header.order"])
        #expect(strict.failure?.errors.first?.field == "QN")
        #expect(decode(frame, .lenient).warningCodes == ["hj212.header.order"])
        // HJ/T 212-2005 fixes no order (its table and examples disagree).
        let old = Fixtures.frame(
            segment: "ST=32;CN=2011;QN=20040516010101001;PW=123456;MN=88888880000001;Flag=0;CP=&&&&")
        #expect(decode(old).packet != nil)
    }

    @Test func unknownAndMissingHeaderFields() throws {
        let unknown = Fixtures.frame(
            segment: "QN=20160801085857223;ST=32;CN=1062;XX=1;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&")
        #expect(decode(unknown).errorCodes == ["hj212.header.unknown"])
        #expect(decode(unknown, .lenient).warningCodes == ["hj212.header.unknown"])
        let missing = Fixtures.frame(segment: "QN=20160801085857223;PW=100000;Flag=5;CP=&&&&")
        let result = decode(missing, .lenient)
        #expect(Set(result.failure?.errors.compactMap(\.field) ?? []) == ["ST", "CN", "MN"])
        #expect(Set(result.errorCodes) == ["hj212.header.missing"])
    }

    @Test func badFlag() throws {
        for value in ["X5", "256", "", "1234", "-1"] {
            let frame = Fixtures.frame(
                segment:
                    "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=\(value);CP=&&&&")
            let result = decode(frame, .lenient)
            let error = try #require(self.error(result, .flag), "Flag=\(value)")
            #expect(error.offset == 6 + 78)
        }
    }

    @Test func unknownVersionIsStrictOnly() throws {
        let frame = Fixtures.frame(
            segment: "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=9;CP=&&&&")
        #expect(decode(frame).errorCodes == ["hj212.flag.version"])
        let packet = try #require(decode(frame, .lenient).packet)
        #expect(packet.edition == .edition2025)
        #expect(!packet.edition.isImplemented)
        #expect(packet.needsAcknowledgement)
    }

    @Test func missingFlagReadsAsZero() throws {
        let frame = Fixtures.frame(segment: "ST=32;CN=2011;PW=123456;MN=88888880000001;CP=&&&&")
        #expect(decode(frame).errorCodes == ["hj212.flag.missing"])
        let packet = try #require(decode(frame, .lenient).packet)
        #expect(packet.flag.rawValue == 0)
        #expect(packet.edition == .edition2005)
        #expect(!packet.needsAcknowledgement)
    }

    @Test func inconsistentSubpackets() throws {
        let base = "QN=20160801085857223;ST=32;CN=2011;PW=100000;MN=010000A8900016F000169DC0;"
        // PNO beyond PNUM: an error in both modes.
        let beyond = decode(Fixtures.frame(segment: base + "Flag=7;PNUM=2;PNO=3;CP=&&&&"), .lenient)
        #expect(beyond.errorCodes == ["hj212.subpacket"])
        #expect(beyond.failure?.errors.first?.field == "PNO")
        // PNO 0.
        #expect(
            decode(Fixtures.frame(segment: base + "Flag=7;PNUM=2;PNO=0;CP=&&&&"), .lenient).errorCodes == [
                "hj212.subpacket"
            ])
        // D without PNUM/PNO, and PNUM/PNO without D: strict errors, lenient warnings.
        let noNumbers = Fixtures.frame(segment: base + "Flag=7;CP=&&&&")
        #expect(decode(noNumbers).errorCodes == ["hj212.subpacket"])
        #expect(decode(noNumbers, .lenient).warningCodes == ["hj212.subpacket"])
        let noD = Fixtures.frame(segment: base + "Flag=5;PNUM=2;PNO=1;CP=&&&&")
        #expect(decode(noD).errorCodes == ["hj212.subpacket"])
        // Not a number.
        #expect(
            decode(Fixtures.frame(segment: base + "Flag=7;PNUM=two;PNO=1;CP=&&&&"), .lenient).errorCodes == [
                "hj212.header.value"
            ])
    }

    @Test func badDataTime() throws {
        let base = "QN=20160801085857223;ST=32;CN=2011;PW=100000;MN=010000A8900016F000169DC0;Flag=4;CP=&&DataTime="
        for value in ["20161301080000", "20160230080000", "2016080108000", "2016080108000A", "", "20160801246000"] {
            let frame = Fixtures.frame(segment: base + value + ";w01018-Rtd=1&&")
            let result = decode(frame, .lenient)
            let error = try #require(self.error(result, .dataTime), "DataTime=\(value)")
            #expect(error.offset == 6 + base.utf8.count)
            #expect(error.field == "DataTime")
        }
        // 17 digits: strict error, lenient warning.
        let long = Fixtures.frame(segment: base + "20160801080000123;w01018-Rtd=1&&")
        #expect(decode(long).errorCodes == ["hj212.datatime"])
        #expect(decode(long, .lenient).warningCodes == ["hj212.datatime"])
        // A leap day is a date.
        #expect(decode(Fixtures.frame(segment: base + "20160229080000;w01018-Rtd=1&&")).packet != nil)
    }

    @Test func nonNumericValue() throws {
        let base =
            "QN=20160801085857223;ST=32;CN=2061;PW=100000;MN=010000A8900016F000169DC0;Flag=4;CP=&&DataTime=20160801080000;"
        for value in ["12a", "1.2.3", "--1", ".", "1e5", "NaN", "１２"] {
            let frame = Fixtures.frame(segment: base + "w01018-Avg=\(value),w01018-Flag=N&&")
            let result = decode(frame, .lenient)
            let error = try #require(self.error(result, .value), "value \(value)")
            #expect(error.field == "w01018-Avg")
            #expect(error.offset == 6 + base.utf8.count + 11)
        }
        let empty = Fixtures.frame(segment: base + "w01018-Avg=,w01018-Flag=N&&")
        #expect(decode(empty).errorCodes == ["hj212.value.missing"])
        #expect(decode(empty, .lenient).warningCodes == ["hj212.value.missing"])
        // Numbers the standard allows: sign, no integer part, no fraction.
        let fine = Fixtures.frame(segment: base + "w01018-Avg=-0.5,w01018-Min=.5,w01018-Max=5.,w01018-Cou=+12&&")
        let packet = try #require(decode(fine).packet)
        let value = try #require(packet.monitoringValues.first)
        #expect(value.average == -0.5 && value.minimum == 0.5 && value.maximum == 5 && value.cumulative == 12)
    }

    @Test func dataFlags() {
        let base =
            "QN=20160801085857223;ST=32;CN=2011;PW=100000;MN=010000A8900016F000169DC0;Flag=4;CP=&&DataTime=20160801080000;w01018-Rtd=1,w01018-Flag="
        for flag in ["N", "F", "M", "S", "D", "C", "T", "B"] {
            #expect(decode(Fixtures.frame(segment: base + flag + "&&")).packet != nil, "flag \(flag)")
        }
        for flag in ["X", "P", "NN", ""] {
            #expect(
                decode(Fixtures.frame(segment: base + flag + "&&")).errorCodes == ["hj212.dataflag"], "flag \(flag)")
            #expect(decode(Fixtures.frame(segment: base + flag + "&&"), .lenient).packet != nil)
        }
        // HJ/T 212-2005 has P (power failure) and the numeric flags of air stations, not B.
        let old = "ST=32;CN=2011;PW=123456;MN=88888880000001;Flag=0;CP=&&DataTime=20040516020111;B01-Rtd=1,B01-Flag="
        #expect(decode(Fixtures.frame(segment: old + "P&&")).packet != nil)
        #expect(decode(Fixtures.frame(segment: old + "3&&")).packet != nil)
        #expect(decode(Fixtures.frame(segment: old + "B&&")).errorCodes == ["hj212.dataflag"])
    }

    @Test func itemSyntax() throws {
        let base = "QN=20160801085857223;ST=32;CN=2011;PW=100000;MN=010000A8900016F000169DC0;Flag=4;CP=&&"
        #expect(decode(Fixtures.frame(segment: base + "DataTime&&"), .lenient).errorCodes == ["hj212.cp.syntax"])
        #expect(decode(Fixtures.frame(segment: base + "=1&&"), .lenient).errorCodes == ["hj212.cp.syntax"])
        // Stray spaces (HJ 212-2017 Tables C.2, C.4) and empty items: strict errors, lenient warnings.
        let blank = Fixtures.frame(segment: base + " &&")
        #expect(decode(blank).errorCodes == ["hj212.cp.syntax"])
        #expect(try #require(decode(blank, .lenient).packet).data.isEmpty)
        let doubled = Fixtures.frame(segment: base + "DataTime=20160801080000;;w01018-Rtd=1&&")
        #expect(decode(doubled).errorCodes == ["hj212.cp.syntax"])
        let packet = try #require(decode(doubled, .lenient).packet)
        #expect(packet.data.groups.count == 2)
        // Unknown suffix: kept; strict error, lenient warning. Malformed code likewise.
        let unknown = Fixtures.frame(segment: base + "w01018-Foo=1&&")
        #expect(decode(unknown).errorCodes == ["hj212.cp.suffix"])
        #expect(try #require(decode(unknown, .lenient).packet).data.allItems.first?.suffix == "Foo")
        #expect(decode(Fixtures.frame(segment: base + "LA -Rtd=1&&")).errorCodes == ["hj212.cp.code"])
        // An unknown plain field is a warning in both modes.
        let custom = try #require(decode(Fixtures.frame(segment: base + "UTP=x&&")).packet)
        #expect(custom.warnings.map(\.code) == [.cpKey])
    }

    @Test func manyShortItemsAreAllRead() throws {
        // Items of 9 bytes (2005 codes): more than the decoder first allocates for, so the data area is read again;
        // every item must be there once, and the one unknown key reported once.
        let values = (0..<300).map { "\(String(10 + $0 % 90))-Rtd=\($0 % 10)" }
        let segment =
            "QN=20160801085857223;ST=32;CN=2011;PW=100000;MN=88888880000001;Flag=0;CP=&&"
            + values.joined(separator: ",") + ",Odd=1&&"
        let packet = try #require(decode(Fixtures.frame(segment: segment), .lenient).packet)
        #expect(packet.data.itemCount == 301)
        #expect(packet.data.allItems.prefix(300).map(\.description) == values)
        #expect(packet.warnings.filter { $0.code == .cpKey }.count == 1)
    }

    @Test func oversize() throws {
        let values = (0..<60).map { "a\(String(21_000 + $0))-Rtd=\(Double($0) + 0.125),a\(String(21_000 + $0))-Flag=N" }
        let long =
            "QN=20160801085857223;ST=31;CN=2011;PW=100000;MN=010000A8900016F000169DC0;Flag=4;CP=&&DataTime=20160801080000;"
            + values.joined(separator: ";") + "&&"
        #expect(long.utf8.count > 1024)
        let frame = Fixtures.frame(segment: long)
        #expect(Set(decode(frame).errorCodes) == ["hj212.length.limit", "hj212.cp.length"])
        let packet = try #require(decode(frame, .lenient).packet)
        #expect(packet.monitoringValues.count == 60)
        #expect(Set(packet.warnings.map(\.code)) == [.lengthLimit, .cpLength])
    }

    @Test func truncated() throws {
        let full = Fixtures.frame(segment: segment)
        for cut in [3, 6, 40, full.count - 6, full.count - 3] {
            let result = decode(Array(full.prefix(cut)), .lenient)
            #expect(result.packet == nil, "cut at \(cut)")
            #expect(result.errorCodes.contains("hj212.truncated"), "cut at \(cut): \(result.errorCodes)")
        }
        // Cut just before the tail: only the tail is missing, which lenient mode accepts.
        #expect(decode(Array(full.prefix(full.count - 2)), .lenient).packet != nil)
    }

    @Test func nonUTF8Bytes() throws {
        let head = Array(
            "QN=20160801085857223;ST=32;CN=3020;PW=100000;MN=010000A8900016F000169DC0;Flag=4;CP=&&i11001-Info=".utf8)
        let gbk: [UInt8] = [0xC9, 0xE8, 0xB1, 0xB8]  // 设备 in GB18030
        let bytes = head + gbk + Array("&&".utf8)
        let crc = HJ212.hex(HJ212.crc(bytes))
        let whole = Array("##0\(bytes.count)".utf8) + bytes + Array("\(crc)\r\n".utf8)
        let strict = decode(whole)
        let error = try #require(self.error(strict, .encoding))
        #expect(error.offset == 6 + head.count)  // C9 starts a 2-byte sequence that E8 does not continue
        #expect(strict.errorCodes == ["hj212.encoding"])
        let lenient = try #require(decode(whole, .lenient).packet)
        #expect(lenient.warnings.map(\.code) == [.encoding])
        #expect(lenient.data.value(forKey: "i11001-Info")?.contains("\u{FFFD}") == true)
    }

    @Test func garbageAroundTheFrame() throws {
        let frame = Fixtures.frame(segment: segment)
        let before = decode(Array("xx".utf8) + frame)
        #expect(before.errorCodes == ["hj212.frame.header"])
        #expect(before.failure?.packet?.cn == "1062")
        let after = decode(frame + Array("yy".utf8))
        #expect(after.errorCodes == ["hj212.frame.trailing"])
        #expect(try #require(self.error(after, .frameTrailing)).offset == frame.count)
        #expect(decode(Array("no frame here".utf8)).errorCodes == ["hj212.frame.header"])
        #expect(decode([]).errorCodes == ["hj212.frame.header"])
    }

    @Test func headerValues() throws {
        let cases: [(String, String)] = [
            ("QN=2016080108585722;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&", "QN"),
            ("QN=20160801085857223;ST=320;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&", "ST"),
            ("QN=20160801085857223;ST=32;CN=1062;PW=1000000;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&", "PW"),
            ("QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DCZ;Flag=5;CP=&&&&", "MN"),
        ]
        for (segment, field) in cases {
            let strict = decode(Fixtures.frame(segment: segment))
            #expect(strict.errorCodes == ["hj212.header.value"], "\(field)")
            #expect(strict.failure?.errors.first?.field == field)
            #expect(decode(Fixtures.frame(segment: segment), .lenient).packet != nil)
        }
        // CN is needed to read a packet at all: an error in both modes.
        let cn = Fixtures.frame(
            segment: "QN=20160801085857223;ST=32;CN=10X2;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&&&")
        #expect(decode(cn, .lenient).errorCodes == ["hj212.header.value"])
    }

    @Test func modbusIsOptIn() throws {
        let modbus = HJ212.hex(HJ212.modbusCRC(Array(segment.utf8)))
        let frame = Fixtures.frame(segment: segment, crc: modbus)
        #expect(decode(frame, .lenient).errorCodes == ["hj212.crc"])
        let options = HJ212DecodingOptions(mode: .strict, acceptsModbusCRC: true)
        let packet = try #require(decode(frame, options).packet)
        #expect(packet.crcVariant == .modbus)
        #expect(packet.warnings.first?.code == .crcVariant)
        #expect(packet.warnings.first?.message.contains("modbus") == true)
    }
}
