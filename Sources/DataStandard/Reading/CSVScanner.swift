#if canImport(Glibc)
    import Glibc
#endif

/// Receives the cells of a CSV record as the scanner finds them.
protocol CSVCellSink {
    /// A cell: `count` bytes at `base + start`; `escaped` when it was quoted and holds doubled quotes (`""`).
    mutating func cell(_ column: Int, _ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int, escaped: Bool)
}

/// The outcome of scanning one CSV record.
struct CSVRecordScan {
    enum Status: UInt8 {
        /// The record ended at a line end or at the end of the input.
        case complete
        /// A quoted cell runs past the end of a non-final buffer: more bytes are needed.
        case incomplete
        /// A `"` inside an unquoted cell; the record was cut at the end of its line.
        case quoteInUnquotedCell
        /// Text after a closing quote (`"ab"c`); the record was cut at the end of its line.
        case textAfterClosingQuote
        /// A quote never closed (before the end of the input, or within the record size limit); the record was cut
        /// at the end of the line where the quote opened.
        case unterminatedQuote
    }

    /// Where the next record starts.
    var next: Int
    /// The line ends consumed (quoted and final).
    var newlines: Int
    /// The cells found.
    var cells: Int
    var status: Status
    /// The offset of the offending quote for a broken record.
    var problemOffset: Int
}

/// An RFC 4180 scanner over UTF-8 bytes: quoted cells, doubled quotes, CRLF or LF, line ends inside quotes.
///
/// Broken quoting never derails the rest of the input: a quote inside an unquoted cell, or text after a closing
/// quote, cuts the record at the end of its physical line; a quote that never closes cuts it at the end of the
/// line where it opened. Scanning resumes on the next line.
enum CSVScanner {
    @inline(__always)
    static func hasZeroByte(_ value: UInt64) -> UInt64 {
        (value &- 0x0101_0101_0101_0101) & ~value & 0x8080_8080_8080_8080
    }

    /// The first index in `[index, end)` holding `,`, `"` or a line feed, or `end`.
    @inline(__always)
    static func nextSpecial(_ base: UnsafePointer<UInt8>, _ index: Int, _ end: Int) -> Int {
        var position = index
        let raw = UnsafeRawPointer(base)
        while position &+ 8 <= end {
            let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            let found =
                hasZeroByte(word ^ 0x2C2C_2C2C_2C2C_2C2C) | hasZeroByte(word ^ 0x0A0A_0A0A_0A0A_0A0A)
                | hasZeroByte(word ^ 0x2222_2222_2222_2222)
            if found != 0 { return position &+ (found.trailingZeroBitCount >> 3) }
            position &+= 8
        }
        while position < end {
            let byte = base[position]
            if byte == 0x2C || byte == 0x0A || byte == 0x22 { return position }
            position &+= 1
        }
        return end
    }

    /// The index just past the next line feed at or after `index`, or `end`.
    @inline(__always)
    static func lineEnd(_ base: UnsafePointer<UInt8>, _ index: Int, _ end: Int) -> (next: Int, newline: Bool) {
        if index >= end { return (end, false) }
        if let found = memchr(base + index, 0x0A, end - index) {
            return (base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1, true)
        }
        return (end, false)
    }

    @inline(__always)
    static func countNewlines(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var count = 0
        var index = start
        while index < end {
            guard let found = memchr(base + index, 0x0A, end - index) else { break }
            count &+= 1
            index = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return count
    }

    /// The first comma in `[index, end)`, or `end`. May read up to 7 bytes past `end` (within the buffer).
    @inline(__always)
    static func nextComma(_ base: UnsafePointer<UInt8>, _ index: Int, _ end: Int) -> Int {
        var position = index
        let raw = UnsafeRawPointer(base)
        while position < end {
            let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            let found = hasZeroByte(word ^ 0x2C2C_2C2C_2C2C_2C2C)
            if found != 0 { return min(position &+ (found.trailingZeroBitCount >> 3), end) }
            position &+= 8
        }
        return end
    }

    /// Bit `i` is set when byte `offset + i` is a comma, for 64 bytes: 16-byte vectors compared with commas, the
    /// lanes' top bits gathered eight at a time by a multiplication. Reads 64 bytes from `offset`.
    @inline(__always)
    static func commaMask(_ raw: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        let commas = SIMD16<UInt8>(repeating: 0x2C)
        var mask: UInt64 = 0
        var part = 0
        while part < 4 {
            let difference =
                raw.loadUnaligned(fromByteOffset: offset &+ part &* 16, as: SIMD16<UInt8>.self) ^ commas
            // Bit 7 of a lane is set when the lane is zero.
            let zero = unsafeBitCast((difference &- 1) & ~difference, to: (UInt64, UInt64).self)
            let low = (((zero.0 & 0x8080_8080_8080_8080) &>> 7) &* 0x0102_0408_1020_4080) &>> 56
            let high = (((zero.1 & 0x8080_8080_8080_8080) &>> 7) &* 0x0102_0408_1020_4080) &>> 56
            mask |= (low | high &<< 8) &<< UInt64(truncatingIfNeeded: part &* 16)
            part &+= 1
        }
        return mask
    }

    /// Scans a record like ``scanRecord(_:start:end:isFinal:maximumRecordBytes:sink:)``, taking a fast path when
    /// its line holds no quote: find the line end, then split at the commas of 64-byte blocks, found without
    /// branches (so that the only branches that depend on the data are one per comma and one per block). `base`
    /// must be readable 64 bytes past `end` (a ``ChunkBuffer``).
    @inline(__always)
    static func scanPaddedRecord<Sink: CSVCellSink>(
        _ base: UnsafePointer<UInt8>, start: Int, end: Int, isFinal: Bool, maximumRecordBytes: Int,
        sink: inout Sink
    ) -> CSVRecordScan {
        let found = memchr(base + start, 0x0A, end &- start)
        let lineEnd = found.map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? end
        if memchr(base + start, 0x22, lineEnd &- start) != nil {
            return scanRecord(
                base, start: start, end: end, isFinal: isFinal, maximumRecordBytes: maximumRecordBytes, sink: &sink)
        }
        var contentEnd = lineEnd
        if contentEnd > start && base[contentEnd &- 1] == 0x0D { contentEnd &-= 1 }
        let raw = UnsafeRawPointer(base)
        var block = start
        var cellStart = start
        var column = 0
        while block < contentEnd {
            var mask = commaMask(raw, block)
            let remaining = contentEnd &- block
            if remaining < 64 { mask &= (1 &<< UInt64(truncatingIfNeeded: remaining)) &- 1 }
            while mask != 0 {
                let comma = block &+ mask.trailingZeroBitCount
                sink.cell(column, base, cellStart, comma &- cellStart, escaped: false)
                column &+= 1
                cellStart = comma &+ 1
                mask &= mask &- 1
            }
            block &+= 64
        }
        sink.cell(column, base, cellStart, contentEnd &- cellStart, escaped: false)
        let newline = found != nil
        return CSVRecordScan(
            next: newline ? lineEnd &+ 1 : end, newlines: newline ? 1 : 0, cells: column &+ 1, status: .complete,
            problemOffset: 0)
    }

    /// Scans the record starting at `start` (which must not be a blank line), calling `sink` for each cell.
    @inline(__always)
    static func scanRecord<Sink: CSVCellSink>(
        _ base: UnsafePointer<UInt8>, start: Int, end: Int, isFinal: Bool, maximumRecordBytes: Int,
        sink: inout Sink
    ) -> CSVRecordScan {
        var position = start
        var column = 0
        var newlines = 0
        while true {
            if position < end && base[position] == 0x22 {
                // A quoted cell.
                let open = position
                var search = position &+ 1
                var escaped = false
                var close = -1
                while true {
                    guard let found = memchr(base + search, 0x22, end - search) else { break }
                    let quote = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    if quote &+ 1 < end && base[quote &+ 1] == 0x22 {
                        escaped = true
                        search = quote &+ 2
                        continue
                    }
                    close = quote
                    break
                }
                if close < 0 {
                    if !isFinal && end - start < maximumRecordBytes {
                        return CSVRecordScan(
                            next: start, newlines: 0, cells: column, status: .incomplete, problemOffset: open)
                    }
                    let (next, newline) = lineEnd(base, open, end)
                    newlines &+= countNewlines(base, start, open) &+ (newline ? 1 : 0)
                    return CSVRecordScan(
                        next: next, newlines: newlines, cells: column, status: .unterminatedQuote, problemOffset: open)
                }
                newlines &+= countNewlines(base, open &+ 1, close)
                sink.cell(column, base, open &+ 1, close &- open &- 1, escaped: escaped)
                column &+= 1
                position = close &+ 1
                if position >= end {
                    return CSVRecordScan(
                        next: end, newlines: newlines, cells: column, status: .complete, problemOffset: 0)
                }
                let after = base[position]
                if after == 0x2C {
                    position &+= 1
                    continue
                }
                if after == 0x0A {
                    return CSVRecordScan(
                        next: position &+ 1, newlines: newlines &+ 1, cells: column, status: .complete, problemOffset: 0
                    )
                }
                if after == 0x0D && (position &+ 1 == end || base[position &+ 1] == 0x0A) {
                    let next = min(position &+ 2, end)
                    return CSVRecordScan(
                        next: next, newlines: newlines &+ (next == position &+ 2 ? 1 : 0), cells: column,
                        status: .complete, problemOffset: 0)
                }
                let (next, newline) = lineEnd(base, position, end)
                return CSVRecordScan(
                    next: next, newlines: newlines &+ (newline ? 1 : 0), cells: column,
                    status: .textAfterClosingQuote, problemOffset: close)
            }
            // An unquoted cell.
            let cellStart = position
            position = nextSpecial(base, position, end)
            if position == end {
                var cellEnd = position
                if cellEnd > cellStart && base[cellEnd &- 1] == 0x0D { cellEnd &-= 1 }
                sink.cell(column, base, cellStart, cellEnd &- cellStart, escaped: false)
                return CSVRecordScan(
                    next: end, newlines: newlines, cells: column &+ 1, status: .complete, problemOffset: 0)
            }
            let byte = base[position]
            if byte == 0x2C {
                sink.cell(column, base, cellStart, position &- cellStart, escaped: false)
                column &+= 1
                position &+= 1
                continue
            }
            if byte == 0x0A {
                var cellEnd = position
                if cellEnd > cellStart && base[cellEnd &- 1] == 0x0D { cellEnd &-= 1 }
                sink.cell(column, base, cellStart, cellEnd &- cellStart, escaped: false)
                return CSVRecordScan(
                    next: position &+ 1, newlines: newlines &+ 1, cells: column &+ 1, status: .complete,
                    problemOffset: 0)
            }
            // A quote inside an unquoted cell.
            let (next, newline) = lineEnd(base, position, end)
            return CSVRecordScan(
                next: next, newlines: newlines &+ (newline ? 1 : 0), cells: column, status: .quoteInUnquotedCell,
                problemOffset: position)
        }
    }

    /// Collapses doubled quotes.
    static func unescaped(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            result.append(bytes[index])
            if bytes[index] == 0x22 && index + 1 < bytes.count && bytes[index + 1] == 0x22 { index += 1 }
            index += 1
        }
        return result
    }

    /// Copies `count` bytes collapsing doubled quotes; returns the bytes written.
    @inline(__always)
    static func unescape(_ source: UnsafePointer<UInt8>, _ count: Int, into destination: UnsafeMutablePointer<UInt8>)
        -> Int
    {
        var read = 0
        var written = 0
        while read < count {
            let byte = source[read]
            destination[written] = byte
            written &+= 1
            read &+= byte == 0x22 && read &+ 1 < count && source[read &+ 1] == 0x22 ? 2 : 1
        }
        return written
    }
}
