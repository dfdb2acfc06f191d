/// A 128-bit hash of a value's bytes: what the validator keeps of a key, a unique value or a referenced value.
///
/// Two 64-bit lanes computed with different constants; `(0, 0)` is reserved as the empty marker of
/// ``ValueHashSet`` and never produced.
@usableFromInline
struct ValueHash: Hashable, Sendable {
    @usableFromInline var high: UInt64
    @usableFromInline var low: UInt64

    @inlinable
    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low == 0 && high == 0 ? 1 : low
    }

    /// The "no value" marker.
    @usableFromInline static let none = ValueHash(rawHigh: 0, rawLow: 0)

    @inlinable
    init(rawHigh: UInt64, rawLow: UInt64) {
        self.high = rawHigh
        self.low = rawLow
    }

    @inlinable
    var isNone: Bool { high == 0 && low == 0 }
}

/// A streaming 128-bit hasher over byte strings (xxHash-style rounds in two independent lanes).
@usableFromInline
struct ValueHasher {
    @usableFromInline static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    @usableFromInline static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    @usableFromInline static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    @usableFromInline static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    @usableFromInline static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    @usableFromInline var lane1: UInt64
    @usableFromInline var lane2: UInt64
    @usableFromInline var length: UInt64

    @inlinable
    init(seed: UInt64) {
        lane1 = seed &+ Self.prime5
        lane2 = (seed ^ 0x5851_F42D_4C95_7F2D) &+ Self.prime3
        length = 0
    }

    @inlinable
    mutating func mix(_ word: UInt64) {
        lane1 = (lane1 &+ word &* Self.prime2)
        lane1 = ((lane1 << 31) | (lane1 >> 33)) &* Self.prime1
        lane2 = (lane2 ^ (word &* Self.prime4))
        lane2 = ((lane2 << 27) | (lane2 >> 37)) &* Self.prime3 &+ Self.prime5
    }

    /// Adds the bytes of one value, with its length (so that `ab|c` and `a|bc` differ).
    @inlinable
    mutating func combine(_ base: UnsafePointer<UInt8>, _ count: Int) {
        var index = 0
        let raw = UnsafeRawPointer(base)
        while index &+ 8 <= count {
            mix(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            index &+= 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            tail |= UInt64(base[index]) << shift
            shift &+= 8
            index &+= 1
        }
        mix(tail ^ (UInt64(truncatingIfNeeded: count) << 56) ^ 0xA5)
        length &+= UInt64(truncatingIfNeeded: count) &+ 1
    }

    @inlinable
    static func avalanche(_ value: UInt64) -> UInt64 {
        var hash = value
        hash ^= hash >> 33
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash = hash &* 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return hash
    }

    @inlinable
    func finalize() -> ValueHash {
        let high = Self.avalanche(lane1 ^ (length &* Self.prime1) ^ (lane2 >> 17))
        let low = Self.avalanche(lane2 &+ (length &* Self.prime2) ^ (lane1 << 13))
        return ValueHash(high: high, low: low)
    }

    /// The hash of one byte string.
    @inlinable
    static func hash(_ base: UnsafePointer<UInt8>, _ count: Int, seed: UInt64 = 0) -> ValueHash {
        var hasher = ValueHasher(seed: seed)
        hasher.combine(base, count)
        return hasher.finalize()
    }

    /// The hash of a string's UTF-8 bytes.
    static func hash(_ text: String, seed: UInt64 = 0) -> ValueHash {
        var copy = text
        return copy.withUTF8 { buffer in
            guard let base = buffer.baseAddress else {
                var empty: UInt8 = 0
                return hash(&empty, 0, seed: seed)
            }
            return hash(base, buffer.count, seed: seed)
        }
    }
}

/// An open-addressing set of ``ValueHash`` values, each with a 32-bit payload.
///
/// Memory: 16 bytes per slot and at most 70 % of slots in use before the table doubles, so about 16 bytes per
/// distinct value plus the table's slack (23–46 bytes in all). The payload shares the low lane: 96 bits identify the value, 32 bits carry a number (the ordinal of the
/// record that first had it), which keeps the set at 16 bytes a slot. With 96 bits, the chance of any false
/// collision among 100 million values is below 10⁻¹³.
@usableFromInline
struct ValueHashSet: Sendable {
    @usableFromInline var slots: [UInt64]  // pairs: high, (low & ~0xFFFFFFFF) | payload
    @usableFromInline var mask: Int
    @usableFromInline private(set) var count: Int
    /// The sum of the slots loaded ahead of a batch (kept so that the loads are not optimised away).
    private var touchedSum: UInt64 = 0

    init(minimumCapacity: Int = 1024) {
        var capacity = 16
        while capacity * 7 < minimumCapacity * 10 { capacity <<= 1 }
        slots = [UInt64](repeating: 0, count: capacity * 2)
        mask = capacity - 1
        count = 0
    }

    @inlinable
    static func identity(_ hash: ValueHash) -> (UInt64, UInt64) {
        // Never (0, 0) in the high word plus upper half of the low word: force a bit in `high` if needed.
        let high = hash.high == 0 ? 1 : hash.high
        return (high, hash.low & 0xFFFF_FFFF_0000_0000)
    }

    /// Inserts the hash with a payload; returns the payload of the earlier insertion when the hash was present.
    @inlinable
    mutating func insert(_ hash: ValueHash, payload: UInt32 = 0) -> UInt32? {
        if (count &+ 1) &* 10 > (mask &+ 1) &* 7 { grow() }
        let (high, low) = Self.identity(hash)
        var index = Int(truncatingIfNeeded: high) & mask
        return slots.withUnsafeMutableBufferPointer { buffer in
            while true {
                let storedHigh = buffer[index &* 2]
                if storedHigh == 0 {
                    buffer[index &* 2] = high
                    buffer[index &* 2 &+ 1] = low | UInt64(payload)
                    count &+= 1
                    return nil
                }
                let stored = buffer[index &* 2 &+ 1]
                if storedHigh == high && stored & 0xFFFF_FFFF_0000_0000 == low {
                    return UInt32(truncatingIfNeeded: stored)
                }
                index = (index &+ 1) & mask
            }
        }
    }

    /// Whether the hash is in the set.
    @inlinable
    func contains(_ hash: ValueHash) -> Bool {
        let (high, low) = Self.identity(hash)
        var index = Int(truncatingIfNeeded: high) & mask
        return slots.withUnsafeBufferPointer { buffer in
            while true {
                let storedHigh = buffer[index &* 2]
                if storedHigh == 0 { return false }
                if storedHigh == high && buffer[index &* 2 &+ 1] & 0xFFFF_FFFF_0000_0000 == low { return true }
                index = (index &+ 1) & mask
            }
        }
    }

    /// The payload stored with the hash, if present.
    func payload(of hash: ValueHash) -> UInt32? {
        let (high, low) = Self.identity(hash)
        var index = Int(truncatingIfNeeded: high) & mask
        while true {
            let storedHigh = slots[index * 2]
            if storedHigh == 0 { return nil }
            let stored = slots[index * 2 + 1]
            if storedHigh == high && stored & 0xFFFF_FFFF_0000_0000 == low { return UInt32(truncatingIfNeeded: stored) }
            index = (index + 1) & mask
        }
    }

    @usableFromInline
    mutating func grow() { rehash(capacity: (mask + 1) * 2) }

    /// Moves the values into a table of `capacity` slots (a power of two, at least the current one).
    mutating func rehash(capacity: Int) {
        let old = slots
        slots = [UInt64](repeating: 0, count: capacity * 2)
        mask = capacity - 1
        old.withUnsafeBufferPointer { oldBuffer in
            slots.withUnsafeMutableBufferPointer { buffer in
                var pair = 0
                while pair < oldBuffer.count {
                    let high = oldBuffer[pair]
                    if high != 0 {
                        var index = Int(truncatingIfNeeded: high) & mask
                        while buffer[index * 2] != 0 { index = (index + 1) & mask }
                        buffer[index * 2] = high
                        buffer[index * 2 + 1] = oldBuffer[pair + 1]
                    }
                    pair += 2
                }
            }
        }
    }

    /// Inserts hashes taken from `hashes` at `start`, `start + stride`, … (`count` of them), skipping `.none`; the
    /// payload of the i-th is `firstPayload + i`. Appends `(i, payload of the earlier one)` for each hash already
    /// present. One pass loads the slots (overlapping cache misses), a second inserts.
    mutating func insertBatch(
        _ hashes: [ValueHash], start: Int = 0, stride: Int = 1, count: Int, firstPayload: Int,
        duplicates: inout [(index: Int, first: UInt32)]
    ) {
        reserve(self.count + count)
        let mask = self.mask
        var inserted = 0
        slots.withUnsafeMutableBufferPointer { buffer in
            hashes.withUnsafeBufferPointer { list in
                var sum: UInt64 = 0
                var position = start
                for _ in 0..<count {
                    let (high, _) = Self.identity(list[position])
                    sum &+= buffer[(Int(truncatingIfNeeded: high) & mask) &* 2]
                    position &+= stride
                }
                touchedSum = sum  // keeps the loads
                position = start
                for item in 0..<count {
                    let hash = list[position]
                    position &+= stride
                    if hash.isNone { continue }
                    let (high, low) = Self.identity(hash)
                    var index = Int(truncatingIfNeeded: high) & mask
                    while true {
                        let storedHigh = buffer[index &* 2]
                        if storedHigh == 0 {
                            buffer[index &* 2] = high
                            buffer[index &* 2 &+ 1] = low | UInt64(UInt32(truncatingIfNeeded: firstPayload &+ item))
                            inserted &+= 1
                            break
                        }
                        let stored = buffer[index &* 2 &+ 1]
                        if storedHigh == high && stored & 0xFFFF_FFFF_0000_0000 == low {
                            duplicates.append((item, UInt32(truncatingIfNeeded: stored)))
                            break
                        }
                        index = (index &+ 1) & mask
                    }
                }
            }
        }
        self.count += inserted
    }

    /// Makes room for `count` values in all, so that inserting them does not rehash: one new table of the final
    /// size (growing by doubling would hold the last two tables at once, half again the memory).
    mutating func reserve(_ count: Int) {
        var capacity = mask + 1
        while capacity * 7 < count * 10 { capacity <<= 1 }
        if capacity > mask + 1 { rehash(capacity: capacity) }
    }

    /// Loads the slots where `hashes` will be looked up, so that a following pass of inserts finds them in the
    /// cache (the loads are independent, so the memory system overlaps them). Returns a value to keep.
    func touch(_ hashes: [ValueHash]) -> UInt64 {
        var sum: UInt64 = 0
        slots.withUnsafeBufferPointer { buffer in
            hashes.withUnsafeBufferPointer { list in
                for hash in list {
                    let (high, _) = Self.identity(hash)
                    sum &+= buffer[(Int(truncatingIfNeeded: high) & mask) &* 2]
                }
            }
        }
        return sum
    }

    /// The bytes held by the table.
    var memoryBytes: Int { slots.count * 8 }
}

/// A read-only copy of a ``ValueHashSet`` in memory of its own, looked up through a plain pointer so that hot
/// loops do no reference counting.
///
/// `@unchecked Sendable`: the table is written once, in `init`, and only read afterwards.
final class FrozenValueSet: @unchecked Sendable {
    let slots: UnsafeMutablePointer<UInt64>
    let mask: Int

    init(_ set: ValueHashSet) {
        mask = set.mask
        slots = .allocate(capacity: set.slots.count)
        set.slots.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { slots.initialize(from: base, count: buffer.count) }
        }
    }

    deinit { slots.deallocate() }

    /// A handle for hot loops; valid while this object lives.
    var handle: FrozenSetHandle { FrozenSetHandle(slots: UnsafePointer(slots), mask: mask) }
}

/// A plain pointer to a ``FrozenValueSet``'s table.
struct FrozenSetHandle {
    let slots: UnsafePointer<UInt64>
    let mask: Int

    /// The payload stored with the hash, if present.
    @inline(__always)
    func payload(of hash: ValueHash) -> UInt32? {
        let (high, low) = ValueHashSet.identity(hash)
        var index = Int(truncatingIfNeeded: high) & mask
        while true {
            let storedHigh = slots[index &* 2]
            if storedHigh == 0 { return nil }
            let stored = slots[index &* 2 &+ 1]
            if storedHigh == high && stored & 0xFFFF_FFFF_0000_0000 == low { return UInt32(truncatingIfNeeded: stored) }
            index = (index &+ 1) & mask
        }
    }

    @inline(__always)
    func contains(_ hash: ValueHash) -> Bool { payload(of: hash) != nil }
}
