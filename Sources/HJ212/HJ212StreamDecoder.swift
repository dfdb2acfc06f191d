/// What a ``HJ212StreamDecoder`` found next in the stream.
public enum HJ212StreamEvent: Sendable, Hashable {
    /// A valid packet (with the warnings of a lenient decode in ``HJ212Packet/warnings``).
    case packet(HJ212Packet)
    /// A delimited frame that is not valid: its first error, located in the stream. Every error and what could be
    /// read are in ``HJ212StreamDecoder/lastFailure``.
    case malformed(HJ212Error)
    /// Bytes that are not a frame (garbage between packets), skipped: their stream offset and count.
    case skipped(offset: Int, count: Int)
}

/// Decodes the packets of a byte stream (a TCP connection) whatever its reads look like.
///
/// Packets may be split across reads or several may arrive in one; bytes between frames are skipped and reported.
/// Append the bytes of each read, then take events with ``next()`` until it returns `nil`:
///
/// ```swift
/// var decoder = HJ212StreamDecoder(options: .lenient)
/// for try await chunk in connection {
///     decoder.append(chunk)
///     while let event = decoder.next() {
///         switch event {
///         case .packet(let packet):
///             store(packet)
///             if packet.needsAcknowledgement { send(HJ212Packet.dataResponse(to: packet).encoded()) }
///         case .malformed(let error): log(error)
///         case .skipped(let offset, let count): log("\(count) bytes skipped at \(offset)")
///         }
///     }
/// }
/// decoder.finish()  // the connection closed: report what is left
/// while let event = decoder.next() { … }
/// ```
///
/// Memory is bounded: when ``next()`` has returned `nil`, at most ``HJ212/maximumFrameLength`` bytes stay buffered
/// (the start of a frame still arriving), so a peer sending endless garbage or a never-ending frame cannot make the
/// buffer grow beyond that plus the size of one read.
public struct HJ212StreamDecoder: Sendable {
    /// The checking options.
    public let options: HJ212DecodingOptions
    private var buffer: [UInt8] = []
    /// The position in `buffer` of the first byte not yet consumed.
    private var start = 0
    /// The stream offset of `buffer[0]`.
    private var base = 0
    /// Where an inconclusive search for the end of the frame at `start` stopped, relative to `start` (0: none).
    private var resume = 0
    private var finished = false

    /// The stream offset where the last event returned by ``next()`` starts (its `##` for a packet or a malformed
    /// frame; the first skipped byte for skipped bytes).
    public private(set) var lastEventOffset = 0

    /// Every error and warning of the frame last reported as ``HJ212StreamEvent/malformed(_:)``, with what could be
    /// read of it (offsets are stream offsets).
    public private(set) var lastFailure: HJ212DecodeFailure?

    /// Creates a decoder.
    ///
    /// - Parameter options: Strict (default) or lenient checking.
    public init(options: HJ212DecodingOptions = .strict) {
        self.options = options
    }

    /// The number of bytes received and not yet consumed by ``next()``.
    public var bufferedByteCount: Int { buffer.count - start }

    /// The stream offset of the next byte ``next()`` will look at (the bytes consumed so far).
    public var consumedByteCount: Int { base + start }

    /// Adds the bytes of a read.
    ///
    /// - Parameter bytes: The bytes, in stream order.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Adds the bytes of a read.
    ///
    /// - Parameter bytes: The bytes, in stream order.
    public mutating func append(_ bytes: [UInt8]) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Marks the end of the stream: what is left is decoded without waiting (a frame missing its tail is accepted
    /// in lenient mode; a cut-off frame is reported as `hj212.truncated`).
    public mutating func finish() {
        finished = true
    }

    /// Drops the consumed bytes from the buffer.
    private mutating func compact() {
        guard start > 0 else { return }
        if start >= buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else if start >= 4096 || start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
        } else {
            return
        }
        base &+= start
        start = 0
    }

    /// The next packet, malformed frame or skipped run of bytes; `nil` when more bytes are needed.
    ///
    /// - Returns: The next event, or `nil`.
    public mutating func next() -> HJ212StreamEvent? {
        let at = start
        let resumeAt = resume > 0 ? at + resume : 0
        let finished = finished
        let scan = buffer.withUnsafeBufferPointer {
            FrameDecoder.scan($0, at: at, finished: finished, resume: resumeAt)
        }
        lastEventOffset = base &+ at
        switch scan {
        case .needMore(let position):
            resume = position > at ? position - at : 0
            return nil
        case .garbage(let count):
            // One event for a run of garbage, even when it contains false frame starts (`##` + non-digits).
            start += count
            resume = 0
            while start < buffer.count {
                let position = start
                let more = buffer.withUnsafeBufferPointer {
                    FrameDecoder.scan($0, at: position, finished: finished, resume: 0)
                }
                guard case .garbage(let extra) = more else { break }
                start += extra
            }
            return .skipped(offset: base &+ at, count: start - at)
        case .broken(let count, let error):
            start += count
            resume = 0
            let shifted = error.shifted(by: base)
            lastFailure = HJ212DecodeFailure(
                errors: [shifted], warnings: [], packet: nil, crcValid: false, offset: base &+ at)
            return .malformed(shifted)
        case .frame(let location):
            let options = options
            var diagnostics = Diagnostics(lenient: options.isLenient)
            let packet = buffer.withUnsafeBufferPointer {
                FrameDecoder.decodeFrame($0, location, options, &diagnostics)
            }
            start = location.end
            resume = 0
            if diagnostics.errors.isEmpty && diagnostics.warnings.isEmpty {
                return .packet(packet)
            }
            return report(packet, diagnostics, at: at)
        }
    }

    /// The event of a frame with warnings or errors (offsets moved to the stream).
    private mutating func report(_ packet: HJ212Packet, _ diagnostics: Diagnostics, at: Int) -> HJ212StreamEvent {
        let base = base
        var packet = packet
        packet.warnings = diagnostics.warnings.map { $0.shifted(by: base) }
        guard let first = diagnostics.errors.first else { return .packet(packet) }
        lastFailure = HJ212DecodeFailure(
            errors: diagnostics.errors.map { $0.shifted(by: base) }, warnings: packet.warnings, packet: packet,
            crcValid: packet.crcVariant != nil, offset: base &+ at)
        return .malformed(first.shifted(by: base))
    }
}
