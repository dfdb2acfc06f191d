import HJ212
import Testing

struct MonitoringValueTests {
    @Test func hourlyValues() throws {
        let packet = try #require(HJ212Packet.decode(Fixtures.frame(segment: Fixtures.hourly)).packet)
        #expect(packet.dataInterval == .hour)
        let values = packet.monitoringValues
        #expect(values.map(\.pollutant) == ["a21026", "a21002"])
        // DataTime 2016-08-01 08:00:00 Beijing = 2016-08-01T00:00:00Z = 1470009600.
        #expect(values.allSatisfy { $0.time == 1_470_009_600 })
        #expect(values[0].value == 23.5 && values[0].minimum == 10.5 && values[0].maximum == 40.25)
        #expect(values[0].flag == "N" && values[0].convertedValue == nil)
        #expect(values[1].value == 2.5 && values[1].convertedValue == 3.1 && values[1].flag == "M")
        #expect(packet.data.dataTime == HJ212Timestamp(year: 2016, month: 8, day: 1, hour: 8, minute: 0, second: 0))
    }

    @Test func realTimeValuesUseRtd() throws {
        let lines = try Fixtures.lines("published")
        let packet = try #require(HJ212Packet.decode(Fixtures.frame(lines[4]), options: .lenient).packet)
        #expect(packet.dataInterval == .realTime)
        let values = packet.monitoringValues
        #expect(values.count == 8)
        let temperature = try #require(values.first)
        #expect(temperature.pollutant == "a01012")
        #expect(temperature.value == 32.42 && temperature.convertedValue == 32.42 && temperature.average == nil)
        // 2021-05-21 11:02:02 Beijing.
        #expect(temperature.time == 1_621_566_122)
    }

    @Test func a2005HourlyPacketAndNegativeValues() throws {
        let lines = try Fixtures.lines("published")
        let packet = try #require(HJ212Packet.decode(Fixtures.frame(lines[19]), options: .lenient).packet)
        #expect(packet.dataInterval == .hour)
        #expect(packet.edition == .edition2005)
        let values = packet.monitoringValues
        #expect(values.count == 12)
        let pressure = try #require(values.first { $0.pollutant == "S08" })
        #expect(pressure.minimum == -0.4643 && pressure.value == -0.3541 && pressure.maximum == 0)
        #expect(values.first?.cumulative == 11010.8437)
        #expect(values.allSatisfy { $0.flag == "N" })
    }

    @Test func itemsOfOneFactorInSeveralGroupsMakeOneValue() throws {
        let lines = try Fixtures.lines("published")
        let packet = try #require(HJ212Packet.decode(Fixtures.frame(lines[22]), options: .lenient).packet)
        let values = packet.monitoringValues
        let sulphur = try #require(values.first { $0.pollutant == "02" })
        #expect(sulphur.realTime == 0 && sulphur.convertedRealTime == 0)
        #expect(values.filter { $0.pollutant == "02" }.count == 1)
        #expect(values.contains { $0.pollutant == "Nh3-scr" && $0.value == 4.12656 })
    }

    @Test func otherCommandsHaveNoValues() throws {
        let packet = try #require(HJ212Packet.decode(Fixtures.frame(segment: Fixtures.appendixA)).packet)
        #expect(packet.dataInterval == nil)
        #expect(packet.monitoringValues.isEmpty)
    }

    @Test func severalDataTimes() throws {
        let segment =
            "QN=20160801090000001;ST=32;CN=2051;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&"
            + "DataTime=20160801080000;w01018-Avg=1;DataTime=20160801081000;w01018-Avg=2&&"
        let packet = try #require(HJ212Packet.decode(Fixtures.frame(segment: segment)).packet)
        let values = packet.monitoringValues
        #expect(values.map(\.value) == [1, 2])
        #expect(values[1].time - values[0].time == 600)
    }

    @Test func timestamps() throws {
        let time = try #require(HJ212Timestamp("20160801085857"))
        #expect(time.secondsSince1970 == 1_470_013_137)
        #expect(time.description == "2016-08-01 08:58:57")
        #expect(time.iso8601 == "2016-08-01T08:58:57+08:00")
        #expect(time.digits == "20160801085857")
        #expect(HJ212Timestamp("19700101080000")?.secondsSince1970 == 0)
        #expect(HJ212Timestamp("20000229000000") != nil)
        #expect(HJ212Timestamp("19000229000000") == nil)
        #expect(HJ212Timestamp("20240230000000") == nil)
        #expect(HJ212Timestamp("2016080108585") == nil)
        #expect(HJ212Timestamp("20160801085857223")?.millisecond == 223)
        #expect(HJ212Timestamp("00000101000000") == nil)
        #expect(try #require(HJ212Timestamp("20160801085857")) < #require(HJ212Timestamp("20160801085858")))
    }
}

extension MonitoringValueTests {
    @Test func numbersAreReadExactlyAsTheStandardLibraryReadsThem() throws {
        var random = SeededGenerator(seed: 314)
        let head =
            "QN=20160801090000001;ST=31;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&DataTime=20160801080000"
        for _ in 0..<400 {
            var texts: [String] = []
            var items = ""
            for index in 0..<8 {
                let integer = String(
                    (0..<Int.random(in: 0...12, using: &random)).map { _ in
                        "0123456789".randomElement(using: &random) ?? "0"
                    })
                let fraction = String(
                    (0..<Int.random(in: 0...9, using: &random)).map { _ in
                        "0123456789".randomElement(using: &random) ?? "0"
                    })
                var text = integer.isEmpty && fraction.isEmpty ? "7" : integer
                if !fraction.isEmpty { text += "." + fraction }
                if Bool.random(using: &random) { text = "-" + text }
                texts.append(text)
                items += ";a2\(String(10_000 + index))-Avg=\(text)"
            }
            let packet = try #require(
                HJ212Packet.decode(Fixtures.frame(segment: head + items + "&&")).packet, "\(items)")
            let values = packet.monitoringValues.map(\.value)
            #expect(values == texts.map { Double($0) }, "\(texts)")
        }
    }
}
