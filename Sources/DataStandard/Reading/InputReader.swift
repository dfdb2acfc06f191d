#if canImport(Glibc)
    import Glibc
#endif

/// The record format of an input once decided.
enum RecordFormat: Sendable {
    case csv, jsonLines, jsonArray

    var name: String {
        switch self {
        case .csv: "csv"
        case .jsonLines: "jsonl"
        case .jsonArray: "json"
        }
    }
}

/// An invalid byte sequence found while decoding, located in the decoded stream and in the file.
struct EncodingEvent: Sendable {
    /// The offset in the decoded UTF-8 stream (absolute while reading, chunk-relative in a job).
    var offset: Int
    /// The byte offset in the file.
    var fileOffset: Int
    /// The invalid bytes, as hex (`0xFF 0x80`).
    var bytes: String
}

/// A finding of the reader about the input's structure (a JSON array that is not closed…), located in a chunk.
struct ReaderNote: Sendable {
    var offset: Int
    var ruleID: String
    var message: LocalizedText
}

/// Bytes of whole records for one worker.
struct ChunkJob: Sendable {
    var buffer: ChunkBuffer
    /// The bytes of the chunk: `buffer.pointer[0..<count]`.
    var count: Int
    /// Whether the input ends with this chunk.
    var isFinal: Bool
    /// The offset of the chunk's first byte in the decoded stream.
    var streamOffset: Int
    /// The file offset of the chunk's first byte, when the stream is the file itself (UTF-8); `nil` for decoded
    /// input, whose invalid bytes come as `events`.
    var fileOffset: Int?
    /// Invalid bytes found by the decoder, with chunk-relative offsets.
    var events: [EncodingEvent]
    /// Reader findings, with chunk-relative offsets.
    var notes: [ReaderNote]
    /// For a JSON array: the element ranges, as chunk-relative start and end pairs.
    var elements: [Int]
}

/// Reads one input: detects its encoding (BOM, UTF-8 validity, GB18030) and format, decodes it to UTF-8, reads the
/// CSV header, and cuts the rest into chunks of whole records (at line ends for CSV and JSON Lines, at element
/// ends for a JSON array).
final class InputReader {
    let input: ByteInput
    let chunkSize: Int
    private(set) var format: RecordFormat = .csv
    private(set) var encodingName = "utf-8"
    /// The bytes skipped at the start (a byte-order mark).
    private(set) var bomLength = 0
    /// The CSV header cells (empty for JSON).
    private(set) var header: [String] = []
    /// The physical lines the header takes.
    private(set) var headerLines = 0
    /// Bytes read from the file.
    var fileBytes: Int { rawFileOffset }

    private var decoder: GB18030Decoder?
    private var raw: UnsafeMutablePointer<UInt8>?
    private var rawCapacity = 0
    private var rawStart = 0
    private var rawCount = 0
    private var rawEnded = false
    /// File offset of the next raw byte to be read.
    private var rawFileOffset = 0
    /// File offset of `raw[rawStart]`.
    private var rawConsumedFileOffset = 0

    private var carry: [UInt8] = []
    private var streamOffset = 0
    private var decodedTotal = 0
    private var events: [EncodingEvent] = []
    private var finished = false
    private var inputEnded = false

    // JSON array state.
    private enum ArrayState { case before, inside, after }
    private var arrayState = ArrayState.before
    private var reportedTrailingContent = false

    init(input: ByteInput, encoding: InputEncoding, format: InputFormat, chunkSize: Int) throws(DataStandardError) {
        self.input = input
        self.chunkSize = max(chunkSize, 64)
        try detectEncoding(encoding)
        try readStart(format)
    }

    deinit { raw?.deallocate() }

    // MARK: Encoding

    private func detectEncoding(_ requested: InputEncoding) throws(DataStandardError) {
        let sampleSize = 64 * 1024
        var sample = [UInt8](repeating: 0, count: sampleSize)
        let count = try sample.withUnsafeMutableBufferPointer { buffer throws(DataStandardError) in
            guard let base = buffer.baseAddress else { return 0 }
            return try input.readFully(into: base, count: sampleSize)
        }
        sample.removeSubrange(count...)
        rawFileOffset = count
        var useGB18030: Bool
        if sample.starts(with: [0xEF, 0xBB, 0xBF]) {
            bomLength = 3
            useGB18030 = requested == .gb18030
        } else if sample.starts(with: [0x84, 0x31, 0x95, 0x33]) {
            bomLength = 4
            useGB18030 = requested != .utf8
        } else if sample.starts(with: [0xFF, 0xFE]) || sample.starts(with: [0xFE, 0xFF]) {
            throw DataStandardError(
                .unsupportedEncoding, "\(input.name) is UTF-16; save it as UTF-8 or GB18030",
                at: SourceLocation(file: input.name))
        } else {
            switch requested {
            case .utf8: useGB18030 = false
            case .gb18030: useGB18030 = true
            default:
                let validUTF8 = sample.withUnsafeBufferPointer { buffer in
                    UTF8Validation.isValid(buffer, allowTruncatedEnd: count == sampleSize)
                }
                useGB18030 = !validUTF8 && sample.withUnsafeBufferPointer { GB18030Decoder.decodesCleanly($0) }
            }
        }
        if bomLength == 3 && useGB18030 { bomLength = 0 }
        if useGB18030 {
            decoder = try GB18030Decoder()
            encodingName = "gb18030"
        }
        rawConsumedFileOffset = bomLength
        input.unread(sample[bomLength...])
        rawFileOffset = bomLength
    }

    /// Room left unfilled at the end of a buffer when decoding: the decoder writes whole characters (up to 4 bytes,
    /// 3 for U+FFFD), so with less room it could make no progress, and 0 bytes would read as the end of the input.
    private var decodingSlack: Int { decoder == nil ? 0 : 8 }

    /// Reads decoded UTF-8 bytes; 0 only at the end (when decoding, `count` must be at least ``decodingSlack``).
    private func readDecoded(into destination: UnsafeMutablePointer<UInt8>, count: Int) throws(DataStandardError) -> Int
    {
        guard let decoder else {
            let got = try input.read(into: destination, count: count)
            rawFileOffset += got
            decodedTotal += got
            return got
        }
        if raw == nil {
            rawCapacity = 1 << 20
            raw = .allocate(capacity: rawCapacity)
        }
        guard let raw else { return 0 }
        while true {
            if rawCount > 0 {
                let base = decodedTotal
                let fileBase = rawConsumedFileOffset
                let (consumed, produced) = decoder.decode(
                    raw + rawStart, count: rawCount, into: destination, capacity: count, isFinal: rawEnded
                ) { inputOffset, outputOffset, length in
                    var text = ""
                    for index in 0..<min(length, 8) {
                        let byte = raw[rawStart + inputOffset + index]
                        let hex = String(byte, radix: 16, uppercase: true)
                        text += (index > 0 ? " " : "") + "0x" + (hex.count == 1 ? "0" : "") + hex
                    }
                    let event = EncodingEvent(
                        offset: base + outputOffset, fileOffset: fileBase + inputOffset, bytes: text)
                    if let last = events.last, last.fileOffset + 1 == event.fileOffset,
                        last.offset + 3 == event.offset, length == 1
                    {
                        // Merge runs of invalid bytes into one event.
                        events[events.count - 1].bytes += " " + text
                    } else {
                        events.append(event)
                    }
                }
                rawStart += consumed
                rawCount -= consumed
                rawConsumedFileOffset += consumed
                decodedTotal += produced
                if produced > 0 { return produced }
                if consumed == 0 && rawEnded && rawCount > 0 {
                    // Should not happen: the decoder consumes everything at the end.
                    rawCount = 0
                }
            }
            if rawEnded && rawCount == 0 { return 0 }
            // Refill: keep the unconsumed tail, read more.
            if rawStart > 0 {
                (raw).update(from: raw + rawStart, count: rawCount)
                rawStart = 0
            }
            let got = try input.read(into: raw + rawCount, count: rawCapacity - rawCount)
            if got == 0 { rawEnded = true } else { rawCount += got }
            rawFileOffset += got
        }
    }

    // MARK: Format and header

    private func readStart(_ requested: InputFormat) throws(DataStandardError) {
        // Read a first block of decoded bytes to sniff the format and read the CSV header.
        var block: [UInt8] = []
        func readMore() throws(DataStandardError) {
            let step = max(64, min(chunkSize, 1 << 20))
            let start = block.count
            block += [UInt8](repeating: 0, count: step)
            var count = start
            while count < block.count - decodingSlack {
                let got = try block.withUnsafeMutableBufferPointer { buffer throws(DataStandardError) in
                    guard let base = buffer.baseAddress else { return 0 }
                    return try readDecoded(into: base + count, count: buffer.count - count)
                }
                if got == 0 {
                    inputEnded = true
                    break
                }
                count += got
            }
            block.removeSubrange(count...)
        }
        try readMore()
        switch requested.base {
        case .csv: format = .csv
        case .jsonLines: format = .jsonLines
        case .jsonArray: format = .jsonArray
        case .automatic:
            let lowered = input.name.lowercased()
            if lowered.hasSuffix(".csv") || lowered.hasSuffix(".txt") {
                format = .csv
            } else if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") {
                format = .jsonLines
            } else if lowered.hasSuffix(".json") {
                format = .jsonArray
            } else {
                let first = block.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
                format = first == UInt8(ascii: "[") ? .jsonArray : first == UInt8(ascii: "{") ? .jsonLines : .csv
            }
        }
        if format == .csv {
            // The whole header record must be in the block: read on until it ends (or the input does).
            while !inputEnded && !Self.holdsFirstRecord(block) { try readMore() }
            // The header is the first record; skip blank lines before it.
            var start = 0
            while start < block.count && (block[start] == 0x0A || block[start] == 0x0D) {
                if block[start] == 0x0A { headerLines += 1 }
                start += 1
            }
            var collector = HeaderCollector()
            let scan = block.withUnsafeBufferPointer { buffer -> CSVRecordScan? in
                guard let base = buffer.baseAddress, start < buffer.count else { return nil }
                return CSVScanner.scanRecord(
                    base, start: start, end: buffer.count, isFinal: true, maximumRecordBytes: Int.max,
                    sink: &collector)
            }
            if let scan {
                header = collector.cells
                headerLines += scan.newlines
                carry = Array(block[scan.next...])
                streamOffset = scan.next
            } else {
                carry = []
                streamOffset = block.count
            }
        } else {
            carry = block
        }
    }

    /// Whether `block` holds a whole first CSV record, ended by a line feed outside quotes.
    private static func holdsFirstRecord(_ block: [UInt8]) -> Bool {
        var inQuotes = false
        var sawContent = false
        for byte in block {
            if byte == 0x22 { inQuotes.toggle() }
            if byte == 0x0A && !inQuotes && sawContent { return true }
            if byte != 0x0A && byte != 0x0D { sawContent = true }
        }
        return false
    }

    // MARK: Chunks

    /// The next chunk, or `nil` after the final one (an input always yields at least one final chunk).
    func nextJob() throws(DataStandardError) -> ChunkJob? {
        if finished { return nil }
        var capacity = max(chunkSize, carry.count * 2)
        var buffer = ChunkBuffer(capacity: capacity)
        var count = carry.count
        carry.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { buffer.pointer.update(from: base, count: source.count) }
        }
        carry = []
        while true {
            while count < capacity - decodingSlack && !inputEnded {
                let got = try readDecoded(into: buffer.pointer + count, count: capacity - count)
                if got == 0 { inputEnded = true } else { count += got }
            }
            if inputEnded {
                finished = true
                if format == .jsonArray {
                    return jsonArrayJob(buffer, count: count, isFinal: true)
                }
                return makeJob(buffer, count: count, cut: count, isFinal: true, elements: [], notes: [])
            }
            if format == .jsonArray {
                if let job = jsonArrayJob(buffer, count: count, isFinal: false) { return job }
            } else if let newline = Self.lastNewline(buffer.pointer, count) {
                return makeJob(buffer, count: count, cut: newline + 1, isFinal: false, elements: [], notes: [])
            }
            // No record ends in the buffer: a record longer than the chunk. Grow and read on.
            capacity *= 2
            let bigger = ChunkBuffer(capacity: capacity)
            bigger.pointer.update(from: buffer.pointer, count: count)
            buffer = bigger
        }
    }

    /// The index of the last line feed in `[0, count)`.
    private static func lastNewline(_ base: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int? {
        var index = count - 1
        while index >= 0 {
            if base[index] == 0x0A { return index }
            index -= 1
        }
        return nil
    }

    private func makeJob(
        _ buffer: ChunkBuffer, count: Int, cut: Int, isFinal: Bool, elements: [Int], notes: [ReaderNote]
    ) -> ChunkJob {
        if cut < count { carry = Array(UnsafeBufferPointer(start: buffer.pointer + cut, count: count - cut)) }
        let start = streamOffset
        var jobEvents: [EncodingEvent] = []
        while let first = events.first, first.offset < start + cut || isFinal {
            var event = first
            event.offset -= start
            jobEvents.append(event)
            events.removeFirst()
        }
        streamOffset += cut
        return ChunkJob(
            buffer: buffer, count: cut, isFinal: isFinal, streamOffset: start,
            fileOffset: decoder == nil ? start + bomLength : nil, events: jobEvents, notes: notes,
            elements: elements)
    }

    /// Cuts a JSON array chunk after its last complete element; `nil` when no element ends in the buffer.
    private func jsonArrayJob(_ buffer: ChunkBuffer, count: Int, isFinal: Bool) -> ChunkJob? {
        let base = buffer.pointer
        let savedState = arrayState
        var elements: [Int] = []
        var notes: [ReaderNote] = []
        var index = 0
        var cut = 0
        scanning: while index < count {
            let byte = base[index]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                index += 1
                continue
            }
            switch arrayState {
            case .before:
                arrayState = .inside
                if byte == UInt8(ascii: "[") {
                    index += 1
                } else {
                    notes.append(
                        ReaderNote(
                            offset: index, ruleID: ValidationIssue.RuleID.inputJSON,
                            message: LocalizedText(
                                zh: "JSON 输入应为对象数组，以“[”开头",
                                en: "a JSON input must be an array of objects, starting with '['")))
                }
                cut = index
            case .after:
                if !reportedTrailingContent {
                    reportedTrailingContent = true
                    notes.append(
                        ReaderNote(
                            offset: index, ruleID: ValidationIssue.RuleID.inputJSON,
                            message: LocalizedText(zh: "JSON 数组结束后还有内容", en: "content after the end of the JSON array"))
                    )
                }
                index = count
                cut = count
                break scanning
            case .inside:
                if byte == UInt8(ascii: ",") {
                    index += 1
                    cut = index
                    continue
                }
                if byte == UInt8(ascii: "]") {
                    arrayState = .after
                    index += 1
                    cut = index
                    continue
                }
                let start = index
                guard let end = Self.elementEnd(base, from: index, count: count) else {
                    if isFinal {
                        elements += [start, count]
                        cut = count
                        index = count
                        continue
                    }
                    break scanning
                }
                elements += [start, end]
                index = end
                cut = end
            }
        }
        if isFinal && arrayState == .inside {
            notes.append(
                ReaderNote(
                    offset: count, ruleID: ValidationIssue.RuleID.inputJSON,
                    message: LocalizedText(zh: "JSON 数组未以“]”结束", en: "the JSON array is not closed with ']'")))
        }
        if !isFinal && elements.isEmpty && notes.isEmpty {
            arrayState = savedState
            return nil
        }
        return makeJob(
            buffer, count: count, cut: isFinal ? count : cut, isFinal: isFinal, elements: elements, notes: notes)
    }

    /// The end of the JSON value starting at `start` (an object, an array or a scalar), or `nil` when it runs past
    /// `count`.
    private static func elementEnd(_ base: UnsafeMutablePointer<UInt8>, from start: Int, count: Int) -> Int? {
        var index = start
        let first = base[start]
        if first != UInt8(ascii: "{") && first != UInt8(ascii: "[") {
            // A scalar: up to the next separator at depth 0.
            var inString = false
            while index < count {
                let byte = base[index]
                if inString {
                    if byte == UInt8(ascii: "\\") {
                        index += 2
                        continue
                    }
                    if byte == UInt8(ascii: "\"") { inString = false }
                } else if byte == UInt8(ascii: "\"") {
                    inString = true
                } else if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == 0x0A {
                    return index
                }
                index += 1
            }
            return nil
        }
        var depth = 0
        while index < count {
            let byte = base[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                while index < count {
                    let inner = base[index]
                    if inner == UInt8(ascii: "\\") {
                        index += 2
                        continue
                    }
                    if inner == UInt8(ascii: "\"") { break }
                    index += 1
                }
                if index >= count { return nil }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return index + 1 }
            default: break
            }
            index += 1
        }
        return nil
    }
}

/// Collects the header cells as strings.
struct HeaderCollector: CSVCellSink {
    var cells: [String] = []

    mutating func cell(_ column: Int, _ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int, escaped: Bool) {
        var bytes = Array(UnsafeBufferPointer(start: base + start, count: count))
        if escaped { bytes = CSVScanner.unescaped(bytes) }
        var text = String(decoding: bytes, as: UTF8.self)
        // Header cells are trimmed of white space (including full-width spaces) and a stray byte-order mark.
        text = String(text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }.reversed().drop { $0.isWhitespace }.reversed())
        cells.append(text)
    }
}
