import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A block of UTF-8 bytes holding whole records, handed from the reader to one worker.
///
/// `@unchecked Sendable`: the reader writes the bytes before the buffer is shared and nobody writes them after;
/// workers and the merger only read. 64 zero bytes past `capacity` let word- and block-wise scans overrun safely.
///
/// Large blocks are recycled: a block freed when its chunk is merged serves a chunk read later, so that reading
/// does not pay for fresh pages (a page fault and a zeroed page every 4 KiB). At most ``spareLimit`` blocks wait;
/// ``releaseSpareBlocks()`` frees them at the end of a validation.
final class ChunkBuffer: @unchecked Sendable {
    static let padding = 64
    /// Blocks at least this large are recycled.
    static let recycledSize = 256 * 1024
    static let spareLimit = 6

    let pointer: UnsafeMutablePointer<UInt8>
    let capacity: Int

    /// Freed blocks (addresses) by capacity.
    private static let spare = Mutex<[(address: UInt, capacity: Int)]>([])

    init(capacity: Int) {
        self.capacity = capacity
        pointer = Self.takeSpare(capacity) ?? .allocate(capacity: capacity + Self.padding)
        (pointer + capacity).initialize(repeating: 0, count: Self.padding)
    }

    deinit {
        if !Self.keepSpare(pointer, capacity) { pointer.deallocate() }
    }

    private static func takeSpare(_ capacity: Int) -> UnsafeMutablePointer<UInt8>? {
        guard capacity >= recycledSize else { return nil }
        let address = spare.withLock { blocks -> UInt? in
            guard let index = blocks.lastIndex(where: { $0.capacity == capacity }) else { return nil }
            return blocks.remove(at: index).address
        }
        return address.flatMap { UnsafeMutablePointer(bitPattern: $0) }
    }

    private static func keepSpare(_ pointer: UnsafeMutablePointer<UInt8>, _ capacity: Int) -> Bool {
        guard capacity >= recycledSize else { return false }
        let address = UInt(bitPattern: pointer)
        return spare.withLock { blocks in
            guard blocks.count < spareLimit else { return false }
            blocks.append((address, capacity))
            return true
        }
    }

    /// Frees the blocks waiting to be recycled.
    static func releaseSpareBlocks() {
        let addresses = spare.withLock { blocks in
            defer { blocks.removeAll() }
            return blocks.map(\.address)
        }
        for address in addresses { UnsafeMutablePointer<UInt8>(bitPattern: address)?.deallocate() }
    }
}

/// A place where bytes come from: a file descriptor or memory.
final class ByteInput {
    private enum Storage {
        case file(Int32)
        case memory([UInt8], position: Int)
    }

    private var storage: Storage
    /// Bytes read ahead (to sniff the encoding and format) that must be delivered first.
    private var prefix: [UInt8] = []
    private var prefixPosition = 0
    let name: String
    /// The size in bytes, when known.
    let size: Int?

    /// Opens a file for reading.
    init(path: String) throws(DataStandardError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let reason = String(cString: strerror(errno))
            throw DataStandardError(.fileUnreadable, "cannot open \(path): \(reason)", at: SourceLocation(file: path))
        }
        var status = stat()
        if fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw DataStandardError(.fileUnreadable, "\(path) is a directory", at: SourceLocation(file: path))
        }
        storage = .file(descriptor)
        name = path
        size = fstat(descriptor, &status) == 0 ? Int(status.st_size) : nil
    }

    /// Reads from memory.
    init(bytes: [UInt8], name: String) {
        storage = .memory(bytes, position: 0)
        self.name = name
        size = bytes.count
    }

    deinit {
        if case .file(let descriptor) = storage { close(descriptor) }
    }

    /// Reads up to `count` bytes; 0 at the end.
    func read(into destination: UnsafeMutablePointer<UInt8>, count: Int) throws(DataStandardError) -> Int {
        if prefixPosition < prefix.count {
            let taken = min(count, prefix.count - prefixPosition)
            prefix.withUnsafeBufferPointer { buffer in
                if let base = buffer.baseAddress { destination.update(from: base + prefixPosition, count: taken) }
            }
            prefixPosition += taken
            if prefixPosition == prefix.count {
                prefix = []
                prefixPosition = 0
            }
            return taken
        }
        switch storage {
        case .file(let descriptor):
            while true {
                let result = Glibc.read(descriptor, destination, count)
                if result >= 0 { return result }
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                throw DataStandardError(
                    .fileUnreadable, "cannot read \(name): \(reason)", at: SourceLocation(file: name))
            }
        case .memory(let bytes, let position):
            let taken = min(count, bytes.count - position)
            bytes.withUnsafeBufferPointer { buffer in
                if let base = buffer.baseAddress, taken > 0 { destination.update(from: base + position, count: taken) }
            }
            storage = .memory(bytes, position: position + taken)
            return taken
        }
    }

    /// Reads up to `count` bytes, looping until `count` or the end.
    func readFully(into destination: UnsafeMutablePointer<UInt8>, count: Int) throws(DataStandardError) -> Int {
        var total = 0
        while total < count {
            let got = try read(into: destination + total, count: count - total)
            if got == 0 { break }
            total += got
        }
        return total
    }

    /// Puts bytes back in front of what is still to be read.
    func unread(_ bytes: ArraySlice<UInt8>) {
        prefix = Array(bytes) + prefix[prefixPosition...]
        prefixPosition = 0
    }
}
