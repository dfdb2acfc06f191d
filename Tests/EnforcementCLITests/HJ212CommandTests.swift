import Foundation
import Testing

/// `enforce hj212 …` through the real binary.
struct HJ212CommandTests {
    static var packets: URL {
        CLIRunner.repository.appendingPathComponent("Tests/HJ212Tests/Packets")
    }

    static let appendixA =
        "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"

    /// Every line of standard output parsed as a JSON object.
    func jsonLines(_ result: CLIRunner.Result) throws -> [[String: Any]] {
        try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func decodeJSONGivesOneObjectPerPacket() throws {
        let result = try CLIRunner.run([
            "hj212", "decode", "--format", "json", Self.packets.appendingPathComponent("published.txt").path,
        ])
        #expect(result.status == 1, "\(result.stderr)")
        let objects = try jsonLines(result)
        #expect(objects.count == 24)
        let first = try #require(objects.first)
        #expect(first["valid"] as? Bool == true)
        #expect(first["crcValid"] as? Bool == true)
        #expect((first["errors"] as? [Any])?.isEmpty == true)
        let header = try #require(first["header"] as? [String: Any])
        #expect(header["QN"] as? String == "20160801085857223")
        #expect(header["CN"] as? String == "1062")
        #expect(header["Flag"] as? Int == 5)
        #expect(header["PNUM"] is NSNull)
        let data = try #require(first["data"] as? [[[String: Any]]])
        #expect(data.first?.first?["key"] as? String == "RtdInterval")
        #expect(data.first?.first?["value"] as? String == "30")
        // Line 8 has a wrong CRC: the error is located and named.
        let bad = objects[7]
        #expect(bad["valid"] as? Bool == false)
        #expect(bad["crcValid"] as? Bool == false)
        let errors = try #require(bad["errors"] as? [[String: Any]])
        let crc = try #require(errors.first { $0["code"] as? String == "hj212.crc" })
        #expect(crc["offset"] as? Int == 220)
        #expect(crc["field"] as? String == "CRC")
        #expect((crc["message"] as? String)?.isEmpty == false)
        #expect((crc["messageZH"] as? String)?.isEmpty == false)
        #expect(objects.map { $0["line"] as? Int } == (1...24).map { $0 })
    }

    @Test func lenientModeAcceptsWhatRealDevicesSend() throws {
        let path = Self.packets.appendingPathComponent("published.txt").path
        let lenient = try jsonLines(try CLIRunner.run(["hj212", "decode", "--lenient", "--format", "json", path]))
        #expect(lenient.filter { $0["valid"] as? Bool == true }.count == 17)
        let modbus = try jsonLines(
            try CLIRunner.run(["hj212", "decode", "--lenient", "--modbus", "--format", "json", path]))
        #expect(modbus.filter { $0["valid"] as? Bool == true }.count == 20)
        #expect(modbus[16]["crcVariant"] as? String == "modbusLowByteFirst")
    }

    @Test func aValidPacketFromStandardInputExitsZero() throws {
        let frame = "##0101\(Self.appendixA)1C80\r\n"
        let result = try CLIRunner.run(["hj212", "decode", "-"], stdin: Data(frame.utf8))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("line 1: valid"))
        #expect(result.stdout.contains("1 packets: 1 valid, 0 invalid"))
    }

    @Test func hourlyValuesAreListed() throws {
        let segment =
            "QN=20160801090000001;ST=31;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime=20160801080000;a21026-Min=10.5,a21026-Avg=23.5,a21026-Max=40.25,a21026-Flag=N&&"
        #expect(segment.utf8.count == 173)
        let crc = try CLIRunner.run(["hj212", "crc", segment]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let frame = "##0173\(segment)\(crc)\r\n"
        let json = try CLIRunner.run(["hj212", "decode", "--format", "json", "-"], stdin: Data(frame.utf8))
        #expect(json.status == 0, "\(json.stdout)")
        let object = try #require(try jsonLines(json).first)
        let values = try #require(object["monitoringValues"] as? [[String: Any]])
        #expect(values.first?["pollutant"] as? String == "a21026")
        #expect(values.first?["value"] as? Double == 23.5)
        #expect(values.first?["time"] as? Int == 1_470_009_600)
        #expect(values.first?["dataTime"] as? String == "2016-08-01T08:00:00+08:00")
        let text = try CLIRunner.run(["hj212", "decode", "--values", "-"], stdin: Data(frame.utf8))
        #expect(text.stdout.contains("a21026 2016-08-01 08:00:00 23.5 N"))
    }

    @Test func aRawStreamWithGarbage() throws {
        let frame = "##0101\(Self.appendixA)1C80\r\n"
        let stream = "AT+OK\r\n" + frame + frame.prefix(60) + "xx" + frame
        let result = try CLIRunner.run(
            ["hj212", "decode", "--stream", "--format", "json", "-"], stdin: Data(stream.utf8))
        #expect(result.status == 1)
        let objects = try jsonLines(result)
        #expect(objects.map { $0["kind"] as? String } == ["skipped", "packet", "packet", "packet"])
        #expect(objects[0]["offset"] as? Int == 0 && objects[0]["count"] as? Int == 7)
        #expect(objects[1]["valid"] as? Bool == true && objects[1]["offset"] as? Int == 7)
        #expect(objects[2]["valid"] as? Bool == false)
        let errors = try #require(objects[2]["errors"] as? [[String: Any]])
        #expect(errors.first?["code"] as? String == "hj212.truncated")
        #expect(objects[3]["valid"] as? Bool == true)
        #expect(objects[3]["offset"] as? Int == 7 + frame.utf8.count + 60 + 2)
        // A clean stream exits 0.
        let clean = try CLIRunner.run(["hj212", "decode", "--stream", "-"], stdin: Data((frame + frame).utf8))
        #expect(clean.status == 0)
        #expect(clean.stdout.contains("2 packets: 2 valid, 0 invalid"))
    }

    @Test func unreadableInputAndUsageErrorsExitTwo() throws {
        let missing = try CLIRunner.run(["hj212", "decode", "/nonexistent/packets.txt"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read"))
        #expect(try CLIRunner.run(["hj212", "decode", "--no-such-option"]).status == 2)
        #expect(try CLIRunner.run(["hj212", "encode", "--st", "32"]).status == 2)
        #expect(try CLIRunner.run(["hj212", "crc"]).status == 2)
    }

    @Test func crcOfASegment() throws {
        let result = try CLIRunner.run(["hj212", "crc", Self.appendixA])
        #expect(result.status == 0)
        #expect(result.stdout == "1C80\n")
        let stdin = try CLIRunner.run(["hj212", "crc", "-"], stdin: Data((Self.appendixA + "\n").utf8))
        #expect(stdin.stdout == "1C80\n")
        let json = try CLIRunner.run(["hj212", "crc", "--format", "json", Self.appendixA])
        let object = try #require(try jsonLines(json).first)
        #expect(object["crc"] as? String == "1C80")
        #expect(object["modbus"] as? String == "0759")
        #expect(object["modbusLowByteFirst"] as? String == "5907")
        #expect(object["bytes"] as? Int == 101)
    }

    @Test func encodeBuildsTheAppendixAFrame() throws {
        let arguments = [
            "hj212", "encode", "--qn", "20160801085857223", "--st", "32", "--cn", "1062", "--pw", "100000", "--mn",
            "010000A8900016F000169DC0", "--flag", "5", "--cp", "RtdInterval=30",
        ]
        let result = try CLIRunner.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "##0101\(Self.appendixA)1C80\r\n")
        let json = try CLIRunner.run(arguments + ["--format", "json"])
        let object = try #require(try jsonLines(json).first)
        #expect(object["frame"] as? String == "##0101\(Self.appendixA)1C80")
        #expect(object["crc"] as? String == "1C80")
        #expect(object["length"] as? Int == 101)
        #expect(object["valid"] as? Bool == true)
    }

    @Test func encodeReportsWhatTheStrictChecksFind() throws {
        // A 14-character MN in a 2017 packet: the frame is printed, the problem reported, exit 1.
        let result = try CLIRunner.run([
            "hj212", "encode", "--qn", "20160801085857223", "--st", "32", "--cn", "2011", "--pw", "123456", "--mn",
            "88888880000001", "--flag", "4", "--cp", "DataTime=20160801080000;w01018-Rtd=1.5,w01018-Flag=N",
        ])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("##"))
        #expect(result.stderr.contains("hj212.header.value"))
        // Separators inside a value cannot be framed: a usage error.
        let separator = try CLIRunner.run(["hj212", "encode", "--st", "32", "--cn", "2011", "--cp", "k=a,b=&&x"])
        #expect(separator.status == 2)
        let malformed = try CLIRunner.run(["hj212", "encode", "--st", "32", "--cn", "2011", "--cp", "novalue"])
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("hj212.cp.syntax"))
    }
}
