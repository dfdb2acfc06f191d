import HJ212
import Testing

/// The CRC of HJ 212-2017 Appendix A, written from its pseudo-code (HJ212.md §3.1), independently of the codec.
private func referenceCRC(_ bytes: [UInt8]) -> UInt16 {
    var register: UInt16 = 0xFFFF
    for byte in bytes {
        register = (register >> 8) ^ UInt16(byte)
        for _ in 0..<8 {
            let lsb = register & 1
            register >>= 1
            if lsb == 1 { register ^= 0xA001 }
        }
    }
    return register
}

struct CRCTests {
    @Test func appendixAExampleIs1C80() {
        #expect(HJ212.crc(Fixtures.appendixA) == 0x1C80)
        #expect(HJ212.hex(HJ212.crc(Fixtures.appendixA)) == "1C80")
        #expect(Array(Fixtures.appendixA.utf8).count == 101)
    }

    @Test func itIsNotModbus() {
        // HJ212.md §3.1: CRC-16/MODBUS of the same segment is 0759 (5907 in Modbus wire order).
        #expect(HJ212.modbusCRC(Array(Fixtures.appendixA.utf8)) == 0x0759)
        #expect(HJ212.modbusCRC(Array(Fixtures.appendixA.utf8)).byteSwapped == 0x5907)
    }

    @Test func teafullExpectations() {
        let data2 =
            "QN=20200814151600001;ST=22;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=7;CP=&&DataTime=20200814151600;LA-td=50.1,LA-Flag=N;a34004-Rtd=207,a34004-Flag=N;a34002-Rtd=295,a34002-Flag=N;a01001-Rtd=12.6,a01001-Flag=N;a01002-Rtd=32,a01002-Flag=N;a01006-Rtd=101.02,a01006-Flag=N;a01007-Rtd=2.1,a01007-Flag=N;a01008-Rtd=120,a01008-Flag=N;a34001-Rtd=217,a34001-Flag=N;&&"
        let data3 =
            "QN=20210210073530000;ST=22;CN=2011;MN=aqms-1100-2020110011;PW=123456;Flag=4;CP=&&DataTime=20210210073530;a34004-Rtd=33,a34004-Flag=N;a34002-Rtd=42,a34002-Flag=N;pms_rules-Rtd=7,pms_rules-Flag=N;a01001-Rtd=10,a01001-Flag=N;a01002-Rtd=73,a01002-Flag=N;a01006-Rtd=102.3,a01006-Flag=N;lng-Rtd=120.32879,lng-Flag=N;lat-Rtd=31.17347,lat-Flag=N;a21026-Rtd=2,a21026-Flag=N;a21004-Rtd=28,a21004-Flag=N;a05024-Rtd=58,a05024-Flag=N;a21005-Rtd=0.5,a21005-Flag=N;a99054-Rtd=0.137,a99054-Flag=N;hot_t-Rtd=39.3,hot_t-Flag=N;a01007-Rtd=2.2,a01007-Flag=N;a01008-Rtd=41,a01008-Flag=N;vn-Rtd=1.04,vn-Flag=N&&"
        #expect(HJ212.crc(data2) == 0x5CC0)
        #expect(HJ212.crc(data3) == 0x5D80)
    }

    @Test func emptySegmentAndZero() {
        #expect(HJ212.crc("") == 0xFFFF)
        #expect(HJ212.crc([UInt8]()) == 0xFFFF)
        #expect(HJ212.hex(0) == "0000")
        #expect(HJ212.hex(0x0A0B) == "0A0B")
    }

    @Test func sliceByEightMatchesTheReferenceOnRandomInputs() {
        var random = SeededGenerator(seed: 212)
        for _ in 0..<3000 {
            let count = Int.random(in: 0...700, using: &random)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(HJ212.crc(bytes) == referenceCRC(bytes))
            #expect(bytes.withUnsafeBytes { HJ212.crc($0) } == referenceCRC(bytes))
        }
    }

    @Test func utf8TextIsCoveredAsBytes() {
        let segment =
            "QN=20160801085857223;ST=32;CN=3020;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&i11001-Info=//设备故障//&&"
        #expect(HJ212.crc(segment) == referenceCRC(Array(segment.utf8)))
    }

    @Test func onlyTheHigh256ValuesOccur() {
        // HJ212.md §3.2: the low byte is discarded at every step, so the result is one of the 256 entries of T.
        var random = SeededGenerator(seed: 7)
        var seen = Set<UInt16>()
        for _ in 0..<5000 {
            let bytes = (0..<Int.random(in: 1...40, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            seen.insert(HJ212.crc(bytes))
        }
        #expect(seen.count <= 256)
        #expect(seen.count > 200)
    }

    @Test func everySingleByteSubstitutionOfAppendixAIsDetected() {
        let segment = Array(Fixtures.appendixA.utf8)
        var undetected = 0
        for position in segment.indices {
            for value in UInt8.min...UInt8.max where value != segment[position] {
                var changed = segment
                changed[position] = value
                if HJ212.crc(changed) == 0x1C80 { undetected += 1 }
            }
        }
        #expect(undetected == 0)
    }
}
