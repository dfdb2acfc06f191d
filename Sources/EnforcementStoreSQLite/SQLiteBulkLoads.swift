import Synchronization

/// The entities a store is bulk loading (``SQLiteStore/beginBulkLoad(entity:)``): per entity, the keys written
/// since the load began and the last sequence written to its table. While an entity is listed, a commit inserts
/// its records without looking their keys up — none of them can be stored, since the table was empty when the load
/// began, every write since went through here, and the table still ends at the sequence this load wrote last.
///
/// Keys are remembered by their hash (`String.hashValue`, seeded per process): two keys with one hash end the load
/// just as a key written twice does, so a collision costs speed, never a record.
final class BulkLoads: Sendable {
    private struct Load {
        var keys = KeyHashSet()
        var lastSequence: Int64 = 0
    }

    private let loads = Mutex<[String: Load]>([:])

    /// Starts the load of an entity whose table is empty.
    func begin(_ entity: String) {
        loads.withLock { $0[entity] = Load() }
    }

    /// Ends the load of an entity, if any.
    func end(_ entity: String) {
        _ = loads.withLock { $0.removeValue(forKey: entity) }
    }

    /// The last sequence the load of an entity wrote (0 before its first write); `nil` when it is not loading.
    func lastSequence(_ entity: String) -> Int64? {
        loads.withLock { $0[entity]?.lastSequence }
    }

    /// Takes keys (by their `hashValue`) as new records of a loading entity, written up to `lastSequence`: `false`
    /// when the entity is not loading, or when one of the keys was written before or comes twice — the load ends
    /// then.
    func claim(_ entity: String, keyHashes: [Int], lastSequence: Int64) -> Bool {
        loads.withLock { loads in
            guard var load = loads.removeValue(forKey: entity) else { return false }
            for hash in keyHashes where !load.keys.insert(hash) { return false }
            load.lastSequence = lastSequence
            loads[entity] = load
            return true
        }
    }
}

/// Hashes of keys (``BulkLoads``), in open addressing on their low bits: the hashes come mixed (`hashValue`), so they
/// are not hashed again as a `Set<Int>` would. Half full at most; the hash 0 counts as 1 (one more possible
/// collision, which only ends a load).
struct KeyHashSet {
    private var slots = [Int](repeating: 0, count: 1024)
    private(set) var count = 0

    /// Adds a hash: `false` when it is in the set already.
    mutating func insert(_ hash: Int) -> Bool {
        if 2 * (count + 1) > slots.count { grow() }
        guard Self.insert(hash == 0 ? 1 : hash, into: &slots) else { return false }
        count += 1
        return true
    }

    private static func insert(_ hash: Int, into slots: inout [Int]) -> Bool {
        slots.withUnsafeMutableBufferPointer { slots in
            let mask = slots.count - 1
            var index = hash & mask
            while true {
                let stored = slots[index]
                if stored == 0 {
                    slots[index] = hash
                    return true
                }
                if stored == hash { return false }
                index = (index + 1) & mask
            }
        }
    }

    private mutating func grow() {
        var grown = [Int](repeating: 0, count: 2 * slots.count)
        for hash in slots where hash != 0 { _ = Self.insert(hash, into: &grown) }
        slots = grown
    }
}
