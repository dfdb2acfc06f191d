import Foundation
import HJ212
import Testing

/// Property-based round trips: encode → decode gives the same packet.
struct RoundTripTests {
    /// Random packets of both editions, valid under the strict rules.
    struct StrictPacketGenerator {
        var random: SeededGenerator

        mutating func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
        }

        mutating func time(milliseconds: Bool) -> String {
            let year = Int.random(in: 2005...2030, using: &random)
            let month = Int.random(in: 1...12, using: &random)
            let day = Int.random(in: 1...28, using: &random)
            var text = String(format4(year)) + pad(month) + pad(day)
            text += pad(Int.random(in: 0...23, using: &random)) + pad(Int.random(in: 0...59, using: &random))
            text += pad(Int.random(in: 0...59, using: &random))
            if milliseconds { text += digits(3) }
            return text
        }

        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        func format4(_ value: Int) -> String { String(value) }

        mutating func number() -> String {
            let integer = Int.random(in: 0...99_999, using: &random)
            let decimals = Int.random(in: 0...3, using: &random)
            var text = (Bool.random(using: &random) && integer > 0 ? "-" : "") + String(integer)
            if decimals > 0 { text += "." + digits(decimals) }
            return text
        }

        mutating func hex(_ count: Int) -> String {
            String((0..<count).map { _ in "0123456789ABCDEF".randomElement(using: &random) ?? "0" })
        }

        mutating func packet() -> HJ212Packet {
            let edition2005 = Int.random(in: 0..<4, using: &random) == 0
            let edition: HJ212Edition = edition2005 ? .edition2005 : .edition2017
            let split = Bool.random(using: &random)
            let flag = HJ212Flag(edition: edition, subpackets: split, acknowledgement: Bool.random(using: &random))
            let total = Int.random(in: 1...20, using: &random)
            let st = ["21", "22", "31", "32", "39", "51", "91"].randomElement(using: &random) ?? "32"
            let cn = ["2011", "2051", "2061", "2031", "1062", "3020", "9014"].randomElement(using: &random) ?? "2011"
            let codes2017 = [
                "a21026", "a21002", "a34013", "a19001", "w01018", "w21003", "w00000", "a00000", "LA", "e70101",
            ]
            let codes2005 = ["01", "02", "03", "S01", "B02", "011", "060", "B01"]
            let suffixes = ["Rtd", "Avg", "Min", "Max", "Cou", "ZsRtd", "ZsAvg", "ZsMin", "ZsMax"]
            var groups: [HJ212DataGroup] = []
            if Bool.random(using: &random) || cn.hasPrefix("20") {
                groups.append([HJ212DataItem(key: "DataTime", value: time(milliseconds: false))])
            }
            for _ in 0..<Int.random(in: 0...10, using: &random) {
                let code = (edition2005 ? codes2005 : codes2017).randomElement(using: &random) ?? "01"
                var items: [HJ212DataItem] = []
                for suffix in suffixes where Int.random(in: 0..<3, using: &random) == 0 {
                    items.append(HJ212DataItem(code: code, suffix: suffix, value: number()))
                }
                if Bool.random(using: &random) {
                    let flags =
                        edition2005
                        ? ["N", "F", "M", "S", "D", "C", "T", "P"] : ["N", "F", "M", "S", "D", "C", "T", "B"]
                    items.append(
                        HJ212DataItem(code: code, suffix: "Flag", value: flags.randomElement(using: &random) ?? "N"))
                }
                if !edition2005 && Int.random(in: 0..<4, using: &random) == 0 {
                    items.append(HJ212DataItem(code: code, suffix: "SampleTime", value: time(milliseconds: false)))
                    items.append(
                        HJ212DataItem(code: code, suffix: "EFlag", value: "A0\(Int.random(in: 1...9, using: &random))"))
                }
                groups.append(HJ212DataGroup(items))
            }
            if Int.random(in: 0..<5, using: &random) == 0 {
                groups.append([HJ212DataItem(key: "PolId", value: "w01018"), HJ212DataItem(key: "QnRtn", value: "1")])
            }
            let qn: String? = edition2005 && Bool.random(using: &random) ? nil : time(milliseconds: true)
            let mn = edition2005 ? "8888888" + digits(7) : hex(24)
            var packet = HJ212Packet(
                qn: qn, st: st, cn: cn, pw: digits(6), mn: mn, flag: flag, pnum: split ? total : nil,
                pno: split ? Int.random(in: 1...total, using: &random) : nil, data: HJ212DataArea(groups: groups))
            // Within the limits of the standard: a 1024-byte segment, a 950-byte data area.
            while packet.segment.count > HJ212.maximumSegmentLength || packet.data.text.utf8.count > 950 {
                groups.removeLast()
                packet.data = HJ212DataArea(groups: groups)
            }
            return packet
        }
    }

    @Test func strictPacketsRoundTrip() throws {
        var generator = StrictPacketGenerator(random: SeededGenerator(seed: 2017))
        var kinds = Set<String>()
        for _ in 0..<1500 {
            let packet = generator.packet()
            let frame = try packet.encode()
            #expect(frame == packet.encoded())
            let result = HJ212Packet.decode(frame)
            let decoded = try #require(result.packet, "\(packet): \(result.failure?.description ?? "")")
            #expect(decoded == packet)
            #expect(decoded.hashValue == packet.hashValue)
            #expect(decoded.warnings.isEmpty)
            #expect(decoded.encoded() == frame)
            kinds.insert("\(packet.edition) \(packet.flag.hasSubpackets) \(packet.data.isEmpty)")
        }
        #expect(kinds.count == 8)  // both editions, split or not, with and without data
    }

    @Test func arbitraryTextRoundTripsLeniently() throws {
        // Keys and values of any printable text (including UTF-8) but the separators.
        var random = SeededGenerator(seed: 99)
        let alphabet = Array("abcXYZ019-_.:/ +*()设备故障¥é") + ["&"]
        func text(_ range: ClosedRange<Int>) -> String {
            var result = ""
            for _ in 0..<Int.random(in: range, using: &random) {
                result.append(alphabet.randomElement(using: &random) ?? "a")
            }
            return result.replacingOccurrences(of: "&&", with: "&a")
        }
        for _ in 0..<1200 {
            var groups: [HJ212DataGroup] = []
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                groups.append(
                    HJ212DataGroup(
                        (0..<Int.random(in: 1...4, using: &random)).map { _ in
                            HJ212DataItem(
                                key: "k" + text(0...8).replacingOccurrences(of: "=", with: ""), value: text(0...12))
                        }))
            }
            let packet = HJ212Packet(
                qn: text(0...20), st: text(0...3), cn: "2011", pw: text(0...8), mn: "m" + text(0...30),
                flag: HJ212Flag(rawValue: UInt8.random(in: 0...255, using: &random)),
                data: HJ212DataArea(groups: groups))
            let frame = try packet.encode()
            let result = HJ212Packet.decode(frame, options: .lenient)
            // Flag values with D need PNUM/PNO; everything else must decode (possibly with warnings) and be equal.
            if let decoded = result.packet {
                #expect(decoded == packet)
            } else {
                let codes = Set(result.errorCodes)
                #expect(
                    codes.isSubset(of: ["hj212.value", "hj212.datatime", "hj212.cp.syntax"]), "\(packet): \(codes)")
                #expect(result.failure?.packet == packet)
            }
        }
    }

    @Test func realPacketsReencodeToEqualPackets() throws {
        let options = HJ212DecodingOptions(mode: .lenient, acceptsModbusCRC: true)
        for name in ["published", "appendix-2017", "appendix-2005"] {
            for line in try Fixtures.lines(name) {
                guard let packet = HJ212Packet.decode(Fixtures.frame(line), options: options).packet else { continue }
                let again = try #require(HJ212Packet.decode(packet.encoded(), options: .lenient).packet)
                #expect(again == packet, "\(line)")
            }
        }
    }

    @Test func encodeRefusesWhatCannotBeFramed() {
        let separator = HJ212Packet(
            st: "32", cn: "2011", mn: "x", data: HJ212DataArea([[HJ212DataItem(key: "a", value: "1;2")]]))
        #expect(throws: HJ212Error.self) { try separator.encode() }
        let header = HJ212Packet(st: "32;CN=1", cn: "2011")
        #expect(throws: HJ212Error.self) { try header.encode() }
        let pnum = HJ212Packet(st: "32", cn: "2011", pnum: 0, pno: 1)
        #expect(throws: HJ212Error.self) { try pnum.encode() }
        let huge = HJ212Packet(
            st: "32", cn: "2011",
            data: HJ212DataArea([[HJ212DataItem(key: "i11001-Info", value: String(repeating: "x", count: 10_000))]]))
        do {
            _ = try huge.encode()
            Issue.record("expected hj212.encode.length")
        } catch {
            #expect(error.code == .encodeLength)
        }
        // encoded() does not trap: it writes 9999, which does not decode.
        #expect(HJ212Packet.decode(huge.encoded(), options: .lenient).packet == nil)
    }
}
