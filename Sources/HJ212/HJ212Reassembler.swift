/// A set of subpackets that was not completed.
public struct HJ212IncompleteSet: Sendable, Hashable {
    /// Why the set was given up.
    public enum Reason: Sendable, Hashable {
        /// No subpacket arrived for longer than the timeout.
        case timeout
        /// A subpacket number arrived a second time: a new set started before this one was complete.
        case superseded
        /// Too many sets were open at once; the oldest was given up.
        case evicted
    }

    /// The device identifier of the set.
    public var mn: String?
    /// The command code of the set.
    public var cn: String?
    /// The total number of subpackets announced (PNUM).
    public var total: Int
    /// The subpacket numbers received, ascending.
    public var received: [Int]
    /// The subpacket numbers missing, ascending.
    public var missing: [Int]
    /// The subpackets received, by number.
    public var parts: [HJ212Packet]
    /// Why the set was given up.
    public var reason: Reason
}

/// What the reassembler produced.
public enum HJ212ReassemblyEvent: Sendable, Hashable {
    /// A whole packet: the subpackets joined (or a packet that was not split), with the parts it was made of.
    ///
    /// The joined packet has the header of subpacket 1, the D bit and PNUM/PNO removed, and the groups of every
    /// part's data area in PNO order.
    case complete(HJ212Packet, parts: [HJ212Packet])
    /// A set of subpackets given up.
    case incomplete(HJ212IncompleteSet)
}

/// Joins subpackets (Flag.D with PNUM/PNO) into whole packets, and reports sets left incomplete.
///
/// HJ 212-2017's subpackaging example (Tables C.49–C.50) gives every subpacket its own QN, so sets are keyed by
/// MN, ST, CN and PNUM rather than by QN; a PNO received twice closes the open set as superseded. Time is given
/// by the caller — the reassembler never reads a clock:
///
/// ```swift
/// var reassembler = HJ212Reassembler<ContinuousClock.Instant>(timeout: .seconds(60))
/// for event in reassembler.add(packet, now: .now) { handle(event) }
/// for event in reassembler.expire(now: .now) { handle(event) }  // call periodically
/// ```
public struct HJ212Reassembler<Instant: InstantProtocol & Sendable>: Sendable where Instant.Duration: Sendable {
    private struct Key: Hashable, Sendable {
        var mn: String?
        var st: String?
        var cn: String?
        var total: Int
    }

    private struct OpenSet: Sendable {
        var parts: [Int: HJ212Packet]
        var lastSeen: Instant
        var opened: Int
    }

    /// How long a set may go without a new subpacket before ``expire(now:)`` gives it up.
    public let timeout: Instant.Duration
    /// The most sets open at once; beyond it the oldest is given up as ``HJ212IncompleteSet/Reason/evicted``.
    public let maximumOpenSets: Int
    private var open: [Key: OpenSet] = [:]
    private var counter = 0

    /// Creates a reassembler.
    ///
    /// - Parameters:
    ///   - timeout: How long a set may wait for its next subpacket.
    ///   - maximumOpenSets: The most sets open at once (default 10 000).
    public init(timeout: Instant.Duration, maximumOpenSets: Int = 10_000) {
        self.timeout = timeout
        self.maximumOpenSets = max(1, maximumOpenSets)
    }

    /// The number of sets waiting for subpackets.
    public var openSetCount: Int { open.count }

    /// Adds a packet.
    ///
    /// - Parameters:
    ///   - packet: A decoded packet. A packet without subpackets (or with PNUM 1) is complete at once.
    ///   - now: The current time.
    /// - Returns: The sets completed or given up by this packet (in that order).
    public mutating func add(_ packet: HJ212Packet, now: Instant) -> [HJ212ReassemblyEvent] {
        guard packet.flag.hasSubpackets, let total = packet.pnum, let number = packet.pno, total >= 1,
            (1...total).contains(number)
        else { return [.complete(packet, parts: [packet])] }
        if total == 1 { return [.complete(Self.join([packet]), parts: [packet])] }
        var events: [HJ212ReassemblyEvent] = []
        let key = Key(mn: packet.mn, st: packet.st, cn: packet.cn, total: total)
        if let existing = open[key], existing.parts[number] != nil {
            events.append(.incomplete(Self.incomplete(key, existing, reason: .superseded)))
            open[key] = nil
        }
        if open[key] == nil && open.count >= maximumOpenSets,
            let oldest = open.min(by: { $0.value.opened < $1.value.opened })
        {
            events.append(.incomplete(Self.incomplete(oldest.key, oldest.value, reason: .evicted)))
            open[oldest.key] = nil
        }
        counter &+= 1
        var set = open[key] ?? OpenSet(parts: [:], lastSeen: now, opened: counter)
        set.parts[number] = packet
        set.lastSeen = now
        if set.parts.count == total {
            open[key] = nil
            let parts = (1...total).compactMap { set.parts[$0] }
            events.append(.complete(Self.join(parts), parts: parts))
        } else {
            open[key] = set
        }
        return events
    }

    /// Gives up the sets that received no subpacket for longer than the timeout.
    ///
    /// - Parameter now: The current time.
    /// - Returns: The sets given up, oldest first.
    public mutating func expire(now: Instant) -> [HJ212ReassemblyEvent] {
        let expired = open.filter { $0.value.lastSeen.advanced(by: timeout) < now }
            .sorted { $0.value.opened < $1.value.opened }
        for (key, _) in expired { open[key] = nil }
        return expired.map { .incomplete(Self.incomplete($0.key, $0.value, reason: .timeout)) }
    }

    /// Gives up every open set (at the end of a connection).
    ///
    /// - Returns: The sets given up, oldest first.
    public mutating func flush() -> [HJ212ReassemblyEvent] {
        let all = open.sorted { $0.value.opened < $1.value.opened }
        open = [:]
        return all.map { .incomplete(Self.incomplete($0.key, $0.value, reason: .timeout)) }
    }

    private static func incomplete(_ key: Key, _ set: OpenSet, reason: HJ212IncompleteSet.Reason) -> HJ212IncompleteSet
    {
        let received = set.parts.keys.sorted()
        let missing = (1...max(1, key.total)).filter { set.parts[$0] == nil }
        return HJ212IncompleteSet(
            mn: key.mn, cn: key.cn, total: key.total, received: received, missing: missing,
            parts: received.compactMap { set.parts[$0] }, reason: reason)
    }

    /// The parts joined into one packet.
    private static func join(_ parts: [HJ212Packet]) -> HJ212Packet {
        guard var joined = parts.first else { return HJ212Packet() }
        joined.pnum = nil
        joined.pno = nil
        joined.flag.hasSubpackets = false
        joined.warnings = parts.flatMap(\.warnings)
        if parts.count > 1 {
            joined.data = HJ212DataArea(groups: parts.flatMap(\.data.groups))
        }
        return joined
    }
}
