import HJ212
import Testing

/// A time for the tests: seconds from an arbitrary origin, no clock read.
struct TestInstant: InstantProtocol {
    var offset: Duration

    func advanced(by duration: Duration) -> TestInstant { TestInstant(offset: offset + duration) }
    func duration(to other: TestInstant) -> Duration { other.offset - offset }
    static func < (lhs: TestInstant, rhs: TestInstant) -> Bool { lhs.offset < rhs.offset }
    static func seconds(_ value: Int) -> TestInstant { TestInstant(offset: .seconds(value)) }
}

struct ReassemblyTests {
    func part(_ number: Int, of total: Int, qn: String, mn: String = "010000A8900016F000169DC0", value: String)
        -> HJ212Packet
    {
        let segment =
            "QN=\(qn);ST=31;CN=2051;PW=123456;MN=\(mn);Flag=7;PNUM=\(total);PNO=\(number);CP=&&DataTime=20201029121000;"
            + "a2100\(number)-Avg=\(value),a2100\(number)-Flag=N&&"
        return HJ212Packet.decode(Fixtures.frame(segment: segment)).packet ?? HJ212Packet()
    }

    @Test func subpacketsWithTheirOwnQNsAreJoinedInOrder() throws {
        var reassembler = HJ212Reassembler<TestInstant>(timeout: .seconds(60))
        let second = part(2, of: 2, qn: "20201029122005356", value: "2.5")
        let first = part(1, of: 2, qn: "20201029122005355", value: "1.5")
        #expect(first.cn == "2051" && second.cn == "2051")
        #expect(reassembler.add(second, now: .seconds(0)).isEmpty)
        #expect(reassembler.openSetCount == 1)
        let events = reassembler.add(first, now: .seconds(5))
        #expect(reassembler.openSetCount == 0)
        guard case .complete(let joined, let parts) = try #require(events.first) else {
            Issue.record("expected complete, got \(events)")
            return
        }
        #expect(parts == [first, second])
        #expect(joined.qn == "20201029122005355")
        #expect(joined.pnum == nil && joined.pno == nil)
        #expect(!joined.flag.hasSubpackets && joined.needsAcknowledgement)
        #expect(joined.data.groups.count == 4)
        #expect(joined.monitoringValues.map(\.pollutant) == ["a21001", "a21002"])
        #expect(joined.monitoringValues.map(\.value) == [1.5, 2.5])
        // The joined packet encodes and decodes as a normal packet.
        #expect(HJ212Packet.decode(joined.encoded()).packet == joined)
    }

    @Test func aPacketThatIsNotSplitIsCompleteAtOnce() throws {
        var reassembler = HJ212Reassembler<TestInstant>(timeout: .seconds(60))
        let packet = try #require(HJ212Packet.decode(Fixtures.frame(segment: Fixtures.hourly)).packet)
        #expect(reassembler.add(packet, now: .seconds(0)) == [.complete(packet, parts: [packet])])
        #expect(reassembler.openSetCount == 0)
    }

    @Test func incompleteSetsAreReportedAfterTheTimeout() throws {
        var reassembler = HJ212Reassembler<TestInstant>(timeout: .seconds(60))
        let first = part(1, of: 3, qn: "20201029122005355", value: "1")
        let third = part(3, of: 3, qn: "20201029122005357", value: "3")
        #expect(reassembler.add(first, now: .seconds(0)).isEmpty)
        #expect(reassembler.add(third, now: .seconds(30)).isEmpty)
        #expect(reassembler.expire(now: .seconds(89)).isEmpty)  // 59 s after the last subpacket
        #expect(reassembler.expire(now: .seconds(90)).isEmpty)  // exactly the timeout: not yet
        let events = reassembler.expire(now: .seconds(91))
        guard case .incomplete(let set) = try #require(events.first) else {
            Issue.record("expected incomplete")
            return
        }
        #expect(set.reason == .timeout)
        #expect(set.total == 3)
        #expect(set.received == [1, 3])
        #expect(set.missing == [2])
        #expect(set.parts == [first, third])
        #expect(set.mn == "010000A8900016F000169DC0" && set.cn == "2051")
        #expect(reassembler.openSetCount == 0)
    }

    @Test func aRepeatedSubpacketSupersedesTheOpenSet() throws {
        var reassembler = HJ212Reassembler<TestInstant>(timeout: .seconds(60))
        let old = part(1, of: 2, qn: "20201029122005355", value: "1")
        let new = part(1, of: 2, qn: "20201029130005355", value: "9")
        #expect(reassembler.add(old, now: .seconds(0)).isEmpty)
        let events = reassembler.add(new, now: .seconds(10))
        guard case .incomplete(let set) = try #require(events.first) else {
            Issue.record("expected incomplete")
            return
        }
        #expect(set.reason == .superseded)
        #expect(set.parts == [old])
        #expect(reassembler.openSetCount == 1)
        let rest = reassembler.add(part(2, of: 2, qn: "20201029130005356", value: "8"), now: .seconds(11))
        guard case .complete(let joined, _) = try #require(rest.first) else {
            Issue.record("expected complete")
            return
        }
        #expect(joined.monitoringValues.map(\.value) == [9, 8])
    }

    @Test func devicesAreKeptApartAndTheOldestSetIsEvicted() throws {
        var reassembler = HJ212Reassembler<TestInstant>(timeout: .seconds(60), maximumOpenSets: 2)
        let a = part(1, of: 2, qn: "20201029122005355", mn: "0A0000A8900016F000169DC0", value: "1")
        let b = part(1, of: 2, qn: "20201029122005355", mn: "0B0000A8900016F000169DC0", value: "1")
        let c = part(1, of: 2, qn: "20201029122005355", mn: "0C0000A8900016F000169DC0", value: "1")
        #expect(reassembler.add(a, now: .seconds(0)).isEmpty)
        #expect(reassembler.add(b, now: .seconds(1)).isEmpty)
        let events = reassembler.add(c, now: .seconds(2))
        guard case .incomplete(let set) = try #require(events.first) else {
            Issue.record("expected eviction")
            return
        }
        #expect(set.reason == .evicted)
        #expect(set.mn == "0A0000A8900016F000169DC0")
        #expect(reassembler.openSetCount == 2)
        #expect(reassembler.flush().count == 2)
        #expect(reassembler.openSetCount == 0)
    }

    @Test func theRealSubpacketJoinsWithItsSecondHalf() throws {
        let lines = try Fixtures.lines("published")
        let first = try #require(HJ212Packet.decode(Fixtures.frame(lines[3]), options: .lenient).packet)
        var second = first
        second.qn = "20201029122005356"
        second.pno = 2
        second.data = HJ212DataArea([
            [HJ212DataItem(key: "DataTime", value: "20201029121000")],
            [
                HJ212DataItem(code: "a34013", suffix: "Avg", value: "3.2"),
                HJ212DataItem(code: "a34013", suffix: "Flag", value: "N"),
            ],
        ])
        var reassembler = HJ212Reassembler<TestInstant>(timeout: .seconds(60))
        #expect(reassembler.add(first, now: .seconds(0)).isEmpty)
        let events = reassembler.add(second, now: .seconds(1))
        guard case .complete(let joined, let parts) = try #require(events.first) else {
            Issue.record("expected complete")
            return
        }
        #expect(parts.count == 2)
        #expect(joined.monitoringValues.count == 9)
        #expect(joined.monitoringValues.last?.pollutant == "a34013")
    }
}
