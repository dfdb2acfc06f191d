import HJ212
import Testing

/// The responses a platform sends: 9011, 9012, 9013, 9014, in the edition of the packet answered.
struct ResponseTests {
    func text(_ packet: HJ212Packet) -> String { String(decoding: packet.encoded(), as: UTF8.self) }

    @Test func responses2017MatchTheAppendixExamples() throws {
        let appendix = try Fixtures.lines("appendix-2017")
        let request = try #require(HJ212Packet.decode(Fixtures.frame(appendix[4])).packet)  // CN=1062
        let qnRtn = HJ212Packet.requestResponse(to: request)
        #expect(text(qnRtn) == appendix.first { $0.contains("CN=9011") }.map { $0 + "\r\n" })
        let exeRtn = HJ212Packet.executionResult(for: request)
        #expect(text(exeRtn) == appendix.first { $0.contains("CN=9012") }.map { $0 + "\r\n" })
        #expect(!qnRtn.needsAcknowledgement && !exeRtn.needsAcknowledgement)

        var upload = request
        upload.qn = "20160801085000001"
        upload.cn = "2011"
        let dataResponse = HJ212Packet.dataResponse(to: upload)
        #expect(text(dataResponse) == appendix.first { $0.contains("CN=9014") }.map { $0 + "\r\n" })
        #expect(dataResponse.st == "91" && dataResponse.flag.rawValue == 4 && dataResponse.data.isEmpty)
    }

    @Test func aDataResponseEchoesEachSubpacketsQN() throws {
        let lines = try Fixtures.lines("published")
        let subpacket = try #require(HJ212Packet.decode(Fixtures.frame(lines[3]), options: .lenient).packet)
        let response = HJ212Packet.dataResponse(to: subpacket)
        #expect(response.qn == "20201029122005355")
        #expect(response.mn == subpacket.mn && response.pw == subpacket.pw)
        #expect(response.pnum == nil && response.pno == nil)
        #expect(
            text(response).hasPrefix(
                "##0087QN=20201029122005355;ST=91;CN=9014;PW=123456;MN=WJTHGY91320509703697203A;Flag=4;CP=&&&&"))
    }

    @Test func responses2005CarryTheQNInTheDataArea() throws {
        let appendix = try Fixtures.lines("appendix-2005")
        let request = try #require(HJ212Packet.decode(Fixtures.frame(appendix[0]), options: .lenient).packet)
        // The 9011 example of HJ/T 212-2005, byte for byte.
        #expect(text(HJ212Packet.requestResponse(to: request)) == appendix[1] + "\r\n")
        let exe = HJ212Packet.executionResult(for: request, result: .noData)
        #expect(
            exe.description.contains(
                "ST=91;CN=9012;PW=123456;MN=88888880000001;Flag=0;CP=&&QN=20040516010101001;ExeRtn=100&&"))
        let upload = try #require(HJ212Packet.decode(Fixtures.frame(appendix[9]), options: .lenient).packet)
        let ack = HJ212Packet.dataResponse(to: upload)
        #expect(ack.qn == nil)
        #expect(
            ack.description.hasPrefix(
                "##0076ST=91;CN=9014;PW=123456;MN=88888880000001;Flag=0;CP=&&CN=2011;PNO=1;PNUM=1&&"))
        let notification = HJ212Packet.notificationResponse(to: request)
        #expect(notification.cn == "9013" && notification.data.value(forKey: "QN") == "20040516010101001")
    }

    @Test func notificationResponse2017() throws {
        let request = try #require(HJ212Packet.decode(Fixtures.frame(segment: Fixtures.appendixA)).packet)
        let response = HJ212Packet.notificationResponse(to: request)
        #expect(
            response.description.hasPrefix(
                "##0087QN=20160801085857223;ST=91;CN=9013;PW=100000;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&"))
        #expect(HJ212Packet.requestResponse(to: request, result: .wrongPassword).data.value(forKey: "QnRtn") == "3")
    }

    @Test func responsesDecodeStrictly() throws {
        var random = SeededGenerator(seed: 5)
        var generator = RoundTripTests.StrictPacketGenerator(random: random)
        for _ in 0..<300 {
            let packet = generator.packet()
            for response in [
                HJ212Packet.dataResponse(to: packet), HJ212Packet.requestResponse(to: packet),
                HJ212Packet.executionResult(for: packet), HJ212Packet.notificationResponse(to: packet),
            ] {
                let result = HJ212Packet.decode(response.encoded())
                #expect(result.packet == response, "\(response): \(result.failure?.description ?? "")")
            }
        }
        _ = random.next()
    }

    @Test func unknownEditionsAreAnsweredIn2017LayoutWithTheirVersion() throws {
        let lines = try Fixtures.lines("published")
        let version2 = try #require(HJ212Packet.decode(Fixtures.frame(lines[10]), options: .lenient).packet)
        let response = HJ212Packet.dataResponse(to: version2)
        #expect(response.flag.rawValue == 8)
        #expect(response.qn == version2.qn)
    }
}
