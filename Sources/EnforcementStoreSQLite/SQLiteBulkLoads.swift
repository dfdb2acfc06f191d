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
        var keys: Set<Int> = []
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
            for hash in keyHashes where !load.keys.insert(hash).inserted { return false }
            load.lastSequence = lastSequence
            loads[entity] = load
            return true
        }
    }
}
