/// Frames packets in bytes and decodes them: shared by ``HJ212Packet`` (one frame) and ``HJ212StreamDecoder``.
///
/// Positions are indices into the buffer given; callers shift them to stream offsets.
enum FrameDecoder {
    // Literals (not `UInt8(ascii:)`), so that the constants need no lazy initialization in the hot loops.
    static let hash: UInt8 = 0x23  // #
    static let ampersand: UInt8 = 0x26  // &
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let semicolon: UInt8 = 0x3B  // ;
    static let comma: UInt8 = 0x2C  // ,
    static let equals: UInt8 = 0x3D  // =
    static let dash: UInt8 = 0x2D  // -
    static let dot: UInt8 = 0x2E  // .

    /// What follows the CRC.
    enum Tail: Sendable {
        /// CR LF.
        case crlf
        /// CR CR LF (seen in logs).
        case doubled
        /// A lone LF, a lone CR, or CR CR without LF.
        case irregular
        /// Nothing (end of input, the next frame, or other bytes).
        case missing
    }

    /// A delimited frame.
    struct Location {
        /// The position of `##`.
        var start: Int
        /// The end of the data segment, where the 4 CRC characters start.
        var segmentEnd: Int
        /// The end of the frame, after the tail.
        var end: Int
        /// The length written in the frame.
        var declaredLength: Int
        /// What follows the CRC.
        var tail: Tail
        /// The tail bytes.
        var tailLength: Int

        var segmentStart: Int { start + 6 }
    }

    /// The result of looking for a frame at a position.
    enum Scan {
        /// Not enough bytes to decide; resume the search for the frame's end at this position next time.
        case needMore(resume: Int)
        /// This many bytes at the position are not a frame.
        case garbage(Int)
        /// A frame.
        case frame(Location)
        /// A frame start whose frame cannot be delimited: consume this many bytes and report the error.
        case broken(Int, HJ212Error)
    }

    enum TailCheck {
        case more
        case tail(Tail, Int)
    }

    // MARK: - Framing

    @inline(__always)
    static func isHexDigit(_ c: UInt8) -> Bool {
        c &- 48 < 10 || (c | 0x20) &- 97 < 6
    }

    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt16 {
        c &- 48 < 10 ? UInt16(c &- 48) : UInt16((c | 0x20) &- 87)
    }

    @inline(__always)
    static func isHex4(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        isHexDigit(b[i]) && isHexDigit(b[i + 1]) && isHexDigit(b[i + 2]) && isHexDigit(b[i + 3])
    }

    @inline(__always)
    static func digits4(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int? {
        NumberParser.integer(b, i, i + 4, maximumDigits: 4)
    }

    /// The first `##` at or after `from`.
    static func findHashes(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var i = from
        let last = b.count - 1
        while i < last {
            if b[i] == hash {
                if b[i + 1] == hash { return i }
                i += 1
            } else {
                i += 2 &- Int(truncatingIfNeeded: b[i + 1] == hash ? 1 : 0)
            }
        }
        return nil
    }

    /// Garbage from `s` up to the next `##` after `s + 1`, keeping a final `#` that may start one.
    static func garbage(_ b: UnsafeBufferPointer<UInt8>, from s: Int, finished: Bool) -> Scan {
        if let next = findHashes(b, from: s + 1) { return .garbage(next - s) }
        var count = b.count - s
        if !finished && b[b.count - 1] == hash { count -= 1 }
        return count > 0 ? .garbage(count) : .needMore(resume: 0)
    }

    /// What follows the CRC at `t`.
    @inline(__always)
    static func tail(_ b: UnsafeBufferPointer<UInt8>, _ t: Int, finished: Bool) -> TailCheck {
        let n = b.count
        guard t < n else { return finished ? .tail(.missing, 0) : .more }
        let c0 = b[t]
        if c0 == lf { return .tail(.irregular, 1) }
        guard c0 == cr else { return .tail(.missing, 0) }
        guard t + 1 < n else { return finished ? .tail(.irregular, 1) : .more }
        let c1 = b[t + 1]
        if c1 == lf { return .tail(.crlf, 2) }
        guard c1 == cr else { return .tail(.irregular, 1) }
        guard t + 2 < n else { return finished ? .tail(.irregular, 2) : .more }
        return b[t + 2] == lf ? .tail(.doubled, 3) : .tail(.irregular, 2)
    }

    /// Looks for a frame at `s`.
    ///
    /// The length field is trusted first: if the 4 characters after the declared data segment are hex and a tail
    /// follows, that is the frame. Otherwise (wrong length, or not all bytes there yet) the end is searched as
    /// `&&` + 4 hex digits + a tail, before the next frame start (`##` + 4 digits) and within
    /// ``HJ212/maximumFrameLength``. A candidate found before the declared end has arrived is only taken when its
    /// CRC matches, so that a valid frame is never cut short by a look-alike inside its data area.
    ///
    /// - Parameters:
    ///   - b: The buffer.
    ///   - s: Where to look.
    ///   - finished: Whether no more bytes will come.
    ///   - resume: Where an earlier, inconclusive search for this frame's end stopped (0 for none).
    static func scan(_ b: UnsafeBufferPointer<UInt8>, at s: Int, finished: Bool, resume: Int) -> Scan {
        let n = b.count
        guard s < n else { return .needMore(resume: 0) }
        guard s + 1 < n, b[s] == hash, b[s + 1] == hash else {
            if let j = findHashes(b, from: s) { return .garbage(j - s) }
            var count = n - s
            if !finished && b[n - 1] == hash { count -= 1 }
            return count > 0 ? .garbage(count) : .needMore(resume: 0)
        }
        guard n - s >= 6 else {
            for i in (s + 2)..<n where b[i] &- 48 >= 10 { return garbage(b, from: s, finished: finished) }
            if finished {
                return .broken(
                    n - s, truncated(s, "the input ends \(n - s) bytes after ##", "输入在 ## 之后 \(n - s) 字节处结束"))
            }
            return .needMore(resume: 0)
        }
        guard let declared = digits4(b, s + 2) else { return garbage(b, from: s, finished: finished) }
        let segmentStart = s + 6
        let crcStart = segmentStart + declared

        // 1. The declared length.
        var primaryFailed = false
        if crcStart + 4 <= n {
            if isHex4(b, crcStart) {
                switch tail(b, crcStart + 4, finished: finished) {
                case .more:
                    return .needMore(resume: resume)
                case .tail(let kind, let length):
                    if kind != .missing || endsWithAmpersands(b, segmentStart, crcStart) {
                        return .frame(
                            Location(
                                start: s, segmentEnd: crcStart, end: crcStart + 4 + length, declaredLength: declared,
                                tail: kind, tailLength: length))
                    }
                }
            }
            primaryFailed = true
        }

        // 2. Search the end: `&&` + 4 hex + a tail, before the next frame start.
        let windowEnd = min(n, s + HJ212.maximumFrameLength)
        var j = max(resume, s + 2)
        while j < windowEnd {
            let c = b[j]
            if c == hash {
                if j + 6 > n { return searchPending(b, s, j, finished, windowEnd) }
                if b[j + 1] == hash && digits4(b, j + 2) != nil {
                    return .broken(
                        j - s,
                        truncated(
                            s, "the frame is cut off: the next frame starts \(j - s) bytes after it",
                            "报文不完整：下一帧在其后第 \(j - s) 字节开始"))
                }
            } else if c == ampersand && j >= segmentStart {
                if j + 6 > n { return searchPending(b, s, j, finished, windowEnd) }
                if b[j + 1] == ampersand && isHex4(b, j + 2) {
                    let t = j + 6
                    var found: (Tail, Int)?
                    switch tail(b, t, finished: finished) {
                    case .more:
                        return searchPending(b, s, j, finished, windowEnd)
                    case .tail(let kind, let length):
                        if kind != .missing || t >= n || (t + 1 < n && b[t] == hash && b[t + 1] == hash) {
                            found = (kind, length)
                        }
                    }
                    if let (kind, length) = found {
                        let location = Location(
                            start: s, segmentEnd: j + 2, end: t + length, declaredLength: declared, tail: kind,
                            tailLength: length)
                        // Before the declared end has arrived, only a candidate whose CRC matches is certain.
                        if primaryFailed || finished || crcMatches(b, location) { return .frame(location) }
                        return .needMore(resume: j)
                    }
                }
            }
            j += 1
        }
        if windowEnd - s >= HJ212.maximumFrameLength {
            let next = findHashes(b, from: s + 2).map { min($0, windowEnd) } ?? windowEnd
            return .broken(
                next - s,
                truncated(
                    s, "no end of frame (&& + CRC + CR LF) within \(HJ212.maximumFrameLength) bytes",
                    "在 \(HJ212.maximumFrameLength) 字节内未找到报文结尾（&& + CRC + 回车换行）"))
        }
        if finished {
            return .broken(
                n - s, truncated(s, "the input ends inside the frame", "输入在报文中途结束"))
        }
        return .needMore(resume: windowEnd)
    }

    /// The search stopped at `j` for lack of bytes.
    private static func searchPending(
        _ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ j: Int, _ finished: Bool, _ windowEnd: Int
    ) -> Scan {
        if finished {
            return .broken(b.count - s, truncated(s, "the input ends inside the frame", "输入在报文中途结束"))
        }
        return .needMore(resume: j)
    }

    @inline(__always)
    static func endsWithAmpersands(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        end - start >= 2 && b[end - 2] == ampersand && b[end - 1] == ampersand
    }

    static func truncated(_ offset: Int, _ message: String, _ zh: String) -> HJ212Error {
        HJ212Error(code: .truncated, offset: offset, field: nil, message: message, messageZH: zh)
    }

    /// Whether the CRC of a candidate frame matches (standard or Modbus).
    static func crcMatches(_ b: UnsafeBufferPointer<UInt8>, _ location: Location) -> Bool {
        let segment = UnsafeRawBufferPointer(
            UnsafeBufferPointer(rebasing: b[location.segmentStart..<location.segmentEnd]))
        var declared: UInt16 = 0
        for k in 0..<4 { declared = declared << 4 | hexValue(b[location.segmentEnd + k]) }
        if CRC16.hj212(segment) == declared { return true }
        let modbus = CRC16.modbus(segment)
        return modbus == declared || modbus.byteSwapped == declared
    }

    // MARK: - Decoding one frame

    /// Decodes exactly one frame.
    static func decodeOne(
        _ b: UnsafeBufferPointer<UInt8>, options: HJ212DecodingOptions
    ) -> Result<HJ212Packet, HJ212DecodeFailure> {
        var d = Diagnostics(lenient: options.isLenient)
        let n = b.count
        var s = 0
        if !(n >= 2 && b[0] == hash && b[1] == hash) {
            guard let j = findHashes(b, from: 0) else {
                d.error(.frameHeader, 0, nil, "no frame header ## found", "未找到帧头 ##")
                return .failure(
                    HJ212DecodeFailure(errors: d.errors, warnings: d.warnings, packet: nil, crcValid: false))
            }
            d.error(.frameHeader, 0, nil, "\(j) bytes come before the frame header ##", "帧头 ## 之前有 \(j) 个多余字节")
            s = j
        }
        guard n - s >= 6 else {
            d.errors.append(truncated(s, "the frame ends \(n - s) bytes after ##", "报文在 ## 之后 \(n - s) 字节处结束"))
            return .failure(HJ212DecodeFailure(errors: d.errors, warnings: d.warnings, packet: nil, crcValid: false))
        }
        guard digits4(b, s + 2) != nil else {
            d.error(
                .lengthDigits, s + 2, "length",
                "the 4 characters after ## must be the decimal length of the data segment, not '\(string(b, s + 2, s + 6))'",
                "## 之后的 4 个字符须为十进制数据段长度，而不是 '\(string(b, s + 2, s + 6))'")
            return .failure(HJ212DecodeFailure(errors: d.errors, warnings: d.warnings, packet: nil, crcValid: false))
        }
        switch scan(b, at: s, finished: true, resume: 0) {
        case .frame(let location):
            var frame = Diagnostics(lenient: options.isLenient)
            var packet = decodeFrame(b, location, options, &frame)
            var errors = d.errors + frame.errors
            if location.end < n {
                errors.append(
                    HJ212Error(
                        code: .frameTrailing, offset: location.end, field: nil,
                        message: "\(n - location.end) bytes follow the end of the frame",
                        messageZH: "报文结尾之后还有 \(n - location.end) 个字节"))
            }
            packet.warnings = d.warnings + frame.warnings
            if errors.isEmpty { return .success(packet) }
            return .failure(
                HJ212DecodeFailure(
                    errors: errors, warnings: packet.warnings, packet: packet, crcValid: packet.crcVariant != nil))
        case .broken(_, let error):
            return .failure(
                HJ212DecodeFailure(errors: d.errors + [error], warnings: d.warnings, packet: nil, crcValid: false))
        case .garbage, .needMore:
            d.errors.append(truncated(s, "the frame could not be delimited", "无法确定报文边界"))
            return .failure(HJ212DecodeFailure(errors: d.errors, warnings: d.warnings, packet: nil, crcValid: false))
        }
    }

    /// Checks a delimited frame and reads its data segment: the packet (with the CRC variant it matched, `nil` when
    /// none), its errors and warnings in `d`.
    static func decodeFrame(
        _ b: UnsafeBufferPointer<UInt8>, _ location: Location, _ options: HJ212DecodingOptions,
        _ d: inout Diagnostics
    ) -> HJ212Packet {
        let segmentStart = location.segmentStart
        let segmentEnd = location.segmentEnd
        let length = segmentEnd - segmentStart
        let declared = location.declaredLength

        // Length.
        if length != declared {
            if characterCount(b, segmentStart, segmentEnd) == declared {
                d.strict(
                    .lengthCharacters, location.start + 2, "length",
                    "the declared length \(declared) counts characters; the data segment has \(length) bytes",
                    "声明的长度 \(declared) 是字符数；数据段实为 \(length) 字节")
            } else {
                d.strict(
                    .length, location.start + 2, "length",
                    "the declared length \(declared) is not the \(length) bytes of the data segment",
                    "声明的数据段长度 \(declared) 与实际的 \(length) 字节不符")
            }
        }
        if length > HJ212.maximumSegmentLength {
            d.strict(
                .lengthLimit, location.start + 2, "length",
                "the data segment has \(length) bytes; the standard allows at most 1024",
                "数据段长 \(length) 字节，超过标准规定的 1024 字节")
        }

        // CRC.
        var crc: UInt16 = 0
        var lowerCase = false
        for k in 0..<4 {
            let c = b[segmentEnd + k]
            crc = crc << 4 | hexValue(c)
            if c >= UInt8(ascii: "a") { lowerCase = true }
        }
        if lowerCase {
            d.strict(
                .crcCase, segmentEnd, "CRC", "the CRC \(string(b, segmentEnd, segmentEnd + 4)) is in lower case",
                "CRC 校验码 \(string(b, segmentEnd, segmentEnd + 4)) 为小写")
        }
        let segment = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: b[segmentStart..<segmentEnd]))
        let (computed, ascii) = CRC16.checked(segment)
        var variant: HJ212CRCVariant?
        if crc == computed {
            variant = .hj212
        } else if options.acceptsModbusCRC {
            let modbus = CRC16.modbus(segment)
            if crc == modbus {
                variant = .modbus
            } else if crc == modbus.byteSwapped {
                variant = .modbusLowByteFirst
            }
            if let variant {
                d.warning(
                    .crcVariant, segmentEnd, "CRC",
                    "the CRC \(HJ212.hex(crc)) is CRC-16/MODBUS (\(variant)), not the HJ 212 CRC \(HJ212.hex(computed))",
                    "CRC \(HJ212.hex(crc)) 为 CRC-16/MODBUS（\(variant)），而非 HJ 212 校验 \(HJ212.hex(computed))")
            }
        }
        if variant == nil {
            d.error(
                .crc, segmentEnd, "CRC",
                "the CRC \(string(b, segmentEnd, segmentEnd + 4)) does not match the data segment (computed \(HJ212.hex(computed)))",
                "CRC 校验失败：报文为 \(string(b, segmentEnd, segmentEnd + 4))，计算值为 \(HJ212.hex(computed))")
        }

        // Tail.
        let tailOffset = segmentEnd + 4
        switch location.tail {
        case .crlf: break
        case .doubled:
            d.strict(.tail, tailOffset, "tail", "the tail is doubled (CR CR LF)", "包尾重复（CR CR LF）")
        case .irregular:
            d.strict(.tail, tailOffset, "tail", "the tail is not CR LF", "包尾不是回车换行（CR LF）")
        case .missing:
            d.strict(.tail, tailOffset, "tail", "the tail CR LF is missing", "缺少包尾回车换行（CR LF）")
        }

        // Character set.
        if !ascii, let bad = firstInvalidUTF8(b, segmentStart, segmentEnd) {
            d.strict(
                .encoding, bad, nil, "the data segment is not valid UTF-8 (byte 0x\(hexByte(b[bad])))",
                "数据段不是有效的 UTF-8 编码（字节 0x\(hexByte(b[bad]))）")
        }

        var packet = parseSegment(b, segmentStart, segmentEnd, &d)
        packet.crcVariant = variant
        d.finish(at: segmentStart)
        return packet
    }

    static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
    }

    /// The number of UTF-8 characters (non-continuation bytes).
    static func characterCount(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var count = 0
        for i in start..<end where b[i] & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// The position of the first byte that is not valid UTF-8, or `nil`.
    static func firstInvalidUTF8(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var i = start
        let raw = UnsafeRawBufferPointer(b)
        while i + 8 <= end {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        while i < end {
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            let length: Int
            if c & 0xE0 == 0xC0 {
                length = 2
            } else if c & 0xF0 == 0xE0 {
                length = 3
            } else if c & 0xF8 == 0xF0 {
                length = 4
            } else {
                return i
            }
            guard i + length <= end else { return i }
            var scalar = UInt32(c & (0x7F >> UInt8(length)))
            for k in 1..<length {
                let next = b[i + k]
                guard next & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            switch length {
            case 2: if scalar < 0x80 { return i }
            case 3: if scalar < 0x800 || (0xD800...0xDFFF).contains(scalar) { return i }
            default: if scalar < 0x1_0000 || scalar > 0x10_FFFF { return i }
            }
            i += length
        }
        return nil
    }

    /// The high bit of every byte of `word` equal to `byte`: exact for the lowest one; bytes above a match may be
    /// flagged too (callers check each candidate).
    @inline(__always)
    static func bytesEqual(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (UInt64(byte) &* 0x0101_0101_0101_0101)
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    /// The first occurrence of `literal` in `b[start..<end]`: candidates for its first byte are found 8 bytes at a
    /// time, then compared.
    static func find(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ literal: StaticString) -> Int? {
        let count = literal.utf8CodeUnitCount
        let bytes = literal.utf8Start
        guard count > 0, end - start >= count else { return nil }
        let raw = UnsafeRawBufferPointer(b)
        let first = bytes[0]
        let last = end - count
        @inline(__always)
        func matches(_ i: Int) -> Bool {
            for k in 1..<count where b[i + k] != bytes[k] { return false }
            return true
        }
        var i = start
        while i + 8 <= end {
            var candidates = bytesEqual(
                UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)), first)
            while candidates != 0 {
                let position = i + candidates.trailingZeroBitCount >> 3
                if position > last { return nil }
                if b[position] == first && matches(position) { return position }
                candidates &= candidates &- 1
            }
            i += 8
        }
        while i <= last {
            if b[i] == first && matches(i) { return i }
            i += 1
        }
        return nil
    }

    /// The first `byte` in `b[start..<end]`, or `end`: 8 bytes at a time.
    @inline(__always)
    static func next(_ byte: UInt8, _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        let raw = UnsafeRawBufferPointer(b)
        var i = start
        while i + 8 <= end {
            let found = bytesEqual(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)), byte)
            if found != 0 { return i + found.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < end && b[i] != byte { i += 1 }
        return i
    }

    // MARK: - Data segment

    /// The positions of the header values (the 8 fields of HJ 212-2017, in its order); plain integers, so that
    /// reading and writing them costs nothing.
    struct Header {
        private var starts = SIMD8<Int>(repeating: -1)
        private var ends = SIMD8<Int>(repeating: 0)
        static let names = ["QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO"]

        subscript(_ index: Int) -> Range<Int>? {
            get {
                let start = starts[index]
                return start < 0 ? nil : start..<max(start, ends[index])
            }
            set {
                starts[index] = newValue?.lowerBound ?? -1
                ends[index] = newValue?.upperBound ?? 0
            }
        }

        /// The index of the header key `b[start..<end]` in the 2017 order, or -1.
        static func index(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
            switch end - start {
            case 2:
                let a = b[start]
                let c = b[start + 1]
                if a == UInt8(ascii: "Q") && c == UInt8(ascii: "N") { return 0 }
                if a == UInt8(ascii: "S") && c == UInt8(ascii: "T") { return 1 }
                if a == UInt8(ascii: "C") && c == UInt8(ascii: "N") { return 2 }
                if a == UInt8(ascii: "P") && c == UInt8(ascii: "W") { return 3 }
                if a == UInt8(ascii: "M") && c == UInt8(ascii: "N") { return 4 }
            case 3:
                if b[start] == UInt8(ascii: "P") && b[start + 1] == UInt8(ascii: "N")
                    && b[start + 2] == UInt8(ascii: "O")
                {
                    return 7
                }
            case 4:
                if find(b, start, end, "Flag") != nil { return 5 }
                if find(b, start, end, "PNUM") != nil { return 6 }
            default: break
            }
            return -1
        }
    }

    @inline(__always)
    static func all(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ predicate: (UInt8) -> Bool) -> Bool {
        for i in range where !predicate(b[i]) { return false }
        return true
    }

    @inline(__always)
    static func isAlphanumeric(_ c: UInt8) -> Bool {
        c &- 48 < 10 || (c | 0x20) &- 97 < 26
    }

    /// Reads the header fields and the data area of the data segment `b[start..<end]`.
    static func parseSegment(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ d: inout Diagnostics)
        -> HJ212Packet
    {
        // CP: the first `CP=&&`, running to the final `&&`.
        var headerEnd = end
        var dataStart = -1
        var dataEnd = -1
        if let cp = find(b, start, end, "CP=&&") {
            headerEnd = cp
            if cp > start && b[cp - 1] != semicolon {
                d.strict(.segmentSyntax, cp, "CP", "';' is missing before CP", "CP 之前缺少分隔符 ';'")
            }
            dataStart = cp + 5
            if endsWithAmpersands(b, dataStart, end) {
                dataEnd = end - 2
            } else if let last = findLastAmpersands(b, dataStart, end) {
                dataEnd = last
                d.error(
                    .cpPosition, last + 2, "CP",
                    "CP must be the last field; '\(string(b, last + 2, min(end, last + 42)))' follows its closing &&",
                    "CP 必须是最后一个字段，其结束符 && 之后还有 '\(string(b, last + 2, min(end, last + 42)))'")
            } else {
                dataEnd = end
                d.error(.cpUnterminated, end, "CP", "the data area does not end with &&", "数据区未以 && 结尾")
            }
        } else if let cp = find(b, start, end, "CP=") {
            headerEnd = cp
            d.error(.cpSyntax, cp, "CP", "CP must start with &&", "指令参数 CP 须以 && 开始")
        } else {
            d.error(.cpMissing, start, "CP", "the data segment has no CP=&&…&& field", "数据段缺少指令参数 CP=&&…&&")
        }

        // Header fields, in any order.
        var header = Header()
        var lastIndex = -1
        var outOfOrder: (offset: Int, name: String)?
        var p = start
        while p < headerEnd {
            let q = next(semicolon, b, p, headerEnd)
            if q == p {
                d.strict(.segmentSyntax, p, nil, "empty field (';;')", "空字段（';;'）")
            } else {
                var eq = p
                while eq < q && b[eq] != equals { eq += 1 }
                if eq == q {
                    d.error(
                        .segmentSyntax, p, nil, "the field '\(string(b, p, min(q, p + 40)))' has no '='",
                        "字段 '\(string(b, p, min(q, p + 40)))' 缺少 '='")
                } else {
                    let index = Header.index(b, p, eq)
                    if index < 0 {
                        let name = string(b, p, eq)
                        d.strict(.headerUnknown, p, name, "unknown header field '\(name)'", "未知的数据段字段 '\(name)'")
                    } else if header[index] != nil {
                        let name = Header.names[index]
                        d.error(.headerDuplicate, p, name, "\(name) appears twice", "字段 \(name) 重复出现")
                    } else {
                        header[index] = (eq + 1)..<q
                        if index < lastIndex && outOfOrder == nil { outOfOrder = (p, Header.names[index]) }
                        lastIndex = max(lastIndex, index)
                    }
                }
            }
            p = q + 1
        }

        // Flag first: the version decides the rules.
        var flagValue: UInt8 = 0
        if let r = header[5] {
            if let value = NumberParser.integer(b, r.lowerBound, r.upperBound, maximumDigits: 3), value <= 255 {
                flagValue = UInt8(value)
            } else {
                d.error(
                    .flag, r.lowerBound, "Flag", "the Flag must be an integer from 0 to 255, not '\(string(b, r))'",
                    "标志位 Flag 须为 0–255 的整数，而不是 '\(string(b, r))'")
            }
        } else {
            d.strict(
                .flagMissing, start, "Flag", "the Flag is missing (read as 0: HJ/T 212-2005, no acknowledgement)",
                "缺少标志位 Flag（按 0 处理：HJ/T 212-2005，不需应答）")
        }
        let flag = HJ212Flag(rawValue: flagValue)
        let version = flag.version
        if version > 1 {
            d.strict(
                .flagVersion, header[5]?.lowerBound ?? start, "Flag",
                "Flag \(flagValue) names version \(version) (\(flag.edition)), which this codec does not implement; "
                    + "read with the HJ 212-2017 rules",
                "标志位 \(flagValue) 表示版本 \(version)（\(flag.edition)），本编解码器未实现该版本，按 HJ 212-2017 规则读取")
        }
        if version >= 1, let outOfOrder {
            d.strict(
                .headerOrder, outOfOrder.offset, outOfOrder.name,
                "\(outOfOrder.name) is out of the order QN, ST, CN, PW, MN, Flag, PNUM, PNO, CP of HJ 212-2017",
                "字段 \(outOfOrder.name) 未按 HJ 212-2017 规定的顺序（QN、ST、CN、PW、MN、Flag、PNUM、PNO、CP）排列")
        }

        // QN.
        if let r = header[0] {
            if !(r.count == 17 && HJ212Timestamp.isValid(b, r.lowerBound, r.upperBound)) {
                d.strict(
                    .headerValue, r.lowerBound, "QN",
                    "QN must be 17 digits YYYYMMDDhhmmsszzz forming a valid time, not '\(string(b, r))'",
                    "请求编码 QN 须为 17 位有效时间 YYYYMMDDhhmmsszzz，而不是 '\(string(b, r))'")
            }
        } else if version >= 1 {
            d.strict(.headerMissing, start, "QN", "QN is missing", "缺少请求编码 QN")
        }
        // ST.
        if let r = header[1] {
            if !(r.count == 2 && all(b, r, { $0 &- 48 < 10 || $0 &- 65 < 26 })) {
                d.strict(
                    .headerValue, r.lowerBound, "ST", "ST must be 2 characters 0–9 or A–Z, not '\(string(b, r))'",
                    "系统编码 ST 须为 2 位数字或大写字母，而不是 '\(string(b, r))'")
            }
        } else {
            d.error(.headerMissing, start, "ST", "ST is missing", "缺少系统编码 ST")
        }
        // CN.
        if let r = header[2] {
            if !(r.count == 4 && NumberParser.isDigits(b, r.lowerBound, r.upperBound)) {
                d.error(
                    .headerValue, r.lowerBound, "CN", "CN must be 4 digits, not '\(string(b, r))'",
                    "命令编码 CN 须为 4 位数字，而不是 '\(string(b, r))'")
            }
        } else {
            d.error(.headerMissing, start, "CN", "CN is missing", "缺少命令编码 CN")
        }
        // PW.
        if let r = header[3] {
            if !(r.count <= 6 && all(b, r, isAlphanumeric)) {
                d.strict(
                    .headerValue, r.lowerBound, "PW", "PW must be at most 6 letters or digits, not '\(string(b, r))'",
                    "访问密码 PW 须为不超过 6 位的字母或数字，而不是 '\(string(b, r))'")
            }
        } else {
            d.strict(.headerMissing, start, "PW", "PW is missing", "缺少访问密码 PW")
        }
        // MN.
        if let r = header[4] {
            if version == 0 {
                if !(r.count == 14 && all(b, r, isAlphanumeric)) {
                    d.strict(
                        .headerValue, r.lowerBound, "MN",
                        "MN of HJ/T 212-2005 must be 14 letters or digits, not '\(string(b, r))'",
                        "HJ/T 212-2005 的设备编号 MN 须为 14 位字母或数字，而不是 '\(string(b, r))'")
                }
            } else if !(r.count == 24 && all(b, r, isHexDigit)) {
                d.strict(
                    .headerValue, r.lowerBound, "MN",
                    "MN of HJ 212-2017 must be 24 hexadecimal characters, not '\(string(b, r))'",
                    "HJ 212-2017 的设备唯一标识 MN 须为 24 位十六进制字符，而不是 '\(string(b, r))'")
            }
        } else {
            d.error(.headerMissing, start, "MN", "MN is missing", "缺少设备唯一标识 MN")
        }
        // PNUM and PNO.
        var pnum: Int?
        var pno: Int?
        for index in 6...7 {
            guard let r = header[index] else { continue }
            let name = Header.names[index]
            if let value = NumberParser.integer(b, r.lowerBound, r.upperBound, maximumDigits: 4) {
                if index == 6 { pnum = value } else { pno = value }
            } else {
                d.error(
                    .headerValue, r.lowerBound, name, "\(name) must be 1 to 4 digits, not '\(string(b, r))'",
                    "\(name) 须为 1 至 4 位数字，而不是 '\(string(b, r))'")
            }
        }
        if flag.hasSubpackets {
            if header[6] == nil || header[7] == nil {
                d.strict(
                    .subpacket, header[5]?.lowerBound ?? start, "Flag",
                    "the Flag \(flagValue) sets D (subpackets) but PNUM or PNO is missing",
                    "标志位 \(flagValue) 表示分包（D=1），但缺少 PNUM 或 PNO")
            }
        } else if header[6] != nil || header[7] != nil {
            d.strict(
                .subpacket, (header[6] ?? header[7])?.lowerBound ?? start, "PNUM",
                "PNUM/PNO are present but the Flag \(flagValue) does not set D (subpackets)",
                "有 PNUM/PNO，但标志位 \(flagValue) 未表示分包（D=0）")
        }
        if let pnum, pnum < 1 {
            d.error(.subpacket, header[6]?.lowerBound ?? start, "PNUM", "PNUM must be at least 1", "总包数 PNUM 须不小于 1")
        } else if let pno, pno < 1 || pno > (pnum ?? 9999) {
            d.error(
                .subpacket, header[7]?.lowerBound ?? start, "PNO",
                "PNO \(pno) must be between 1 and PNUM \(pnum.map(String.init) ?? "9999")",
                "包号 PNO \(pno) 须在 1 与总包数 PNUM \(pnum.map(String.init) ?? "9999") 之间")
        }

        // Data area. The header values and the data area keep one copy of the data segment.
        let bytes = [UInt8](UnsafeBufferPointer(rebasing: b[start..<end]))
        var data = HJ212DataArea()
        if dataStart >= 0 && dataEnd > dataStart {
            let limit = version == 0 ? HJ212.maximumDataAreaLength2005 : HJ212.maximumDataAreaLength2017
            if dataEnd - dataStart > limit {
                d.strict(
                    .cpLength, dataStart, "CP",
                    "the data area has \(dataEnd - dataStart) bytes; \(flag.edition) allows at most \(limit)",
                    "数据区长 \(dataEnd - dataStart) 字节，\(flag.edition) 规定最多 \(limit) 字节")
            }
            data = parseDataArea(b, dataStart, dataEnd, version: version, bytes: bytes, origin: start, &d)
        }

        return HJ212Packet(
            header: HeaderText(bytes: bytes, origin: start, ranges: header), flag: flag, pnum: pnum, pno: pno,
            data: data)
    }

    static func string(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        decodeString(b, range.lowerBound, range.upperBound)
    }

    static func string(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        decodeString(b, start, end)
    }

    /// The last `&&` in `b[start..<end]`.
    static func findLastAmpersands(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var i = end - 2
        while i >= start {
            if b[i] == ampersand && b[i + 1] == ampersand { return i }
            i -= 1
        }
        return nil
    }

    // MARK: - Data area

    /// Reads the data area `b[start..<end]` (the content of `CP=&&…&&`) in one pass: each key is scanned and
    /// classified, then its value is scanned to the next `,` or `;` and, for numeric keys, read as a number on the
    /// way. Diagnostics are located in the buffer.
    ///
    /// This is the hot loop of decoding: the common case stays in this function; every report is made by a
    /// separate, non-inlined function.
    ///
    /// The data area keeps `bytes`, a copy of `b[origin...]` that holds `b[start..<end]` (for a packet, its whole data
    /// segment, shared with the header values): its items are positions in it.
    static func parseDataArea(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, version: UInt8, bytes: [UInt8], origin: Int,
        _ d: inout Diagnostics
    ) -> HJ212DataArea {
        let count = end - start
        guard count > 0 else { return HJ212DataArea() }
        // The items are written in place into their array, allocated for an item of 12 bytes on average (usual
        // items such as `a21026-Avg=23.5,` are longer). A data area of shorter items is read again into an array
        // of the bound: an item takes 2 bytes at least (`k=`) plus a separator.
        var capacity = count / 12 + 8
        while true {
            var diagnostics = d
            var overflow = false
            let items = [RawItem](unsafeUninitializedCapacity: capacity) { storage, initialized in
                initialized = byteClasses.withUnsafeBufferPointer { classes in
                    NumberParser.powers.withUnsafeBufferPointer { powers in
                        ItemKind.suffixTable.withUnsafeBufferPointer { suffixes in
                            parseItems(
                                b, start, end, origin, version, classes, powers, suffixes, storage, &diagnostics)
                        }
                    }
                }
                if initialized < 0 {
                    overflow = true
                    initialized = 0
                }
            }
            if !overflow {
                d = diagnostics
                return HJ212DataArea(bytes: bytes, items: items)
            }
            capacity = max(count / 2 + 2, capacity * 2)
        }
    }

    /// The loop of ``parseDataArea(_:_:_:version:bytes:origin:_:)``: writes the items (positions from `origin`)
    /// into `storage` and returns how many it wrote, or -1 when they do not fit (the items written are then left
    /// initialized: `RawItem` is trivial).
    static func parseItems(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ origin: Int, _ version: UInt8,
        _ classes: UnsafeBufferPointer<UInt8>, _ powers: UnsafeBufferPointer<Double>,
        _ suffixes: UnsafeBufferPointer<(word: UInt64, kind: ItemKind)>,
        _ storage: UnsafeMutableBufferPointer<RawItem>, _ d: inout Diagnostics
    ) -> Int {
        let raw = UnsafeRawBufferPointer(b)
        let capacity = storage.count
        var stored = 0
        var group = 0
        var inGroup = 0
        var i = start
        // The code and dash of the previous factor item (`a21026-`), to recognise the next key of its group.
        var previousCode = -1
        var previousCodeLength = 0
        while true {
            let itemStart = i
            var dashAt = -1
            var knownCode = false
            // Fast path: the next key of a group usually repeats the previous code (`a21026-Min=…,a21026-Avg=`);
            // compare the code and its dash in one 8-byte word, then find `=` in the next word.
            if inGroup > 0 && previousCode >= 0 && previousCodeLength < 8 && itemStart + 16 <= end {
                let mask: UInt64 = (1 << UInt64((previousCodeLength + 1) * 8)) &- 1
                let here = raw.loadUnaligned(fromByteOffset: itemStart, as: UInt64.self)
                let there = raw.loadUnaligned(fromByteOffset: previousCode, as: UInt64.self)
                if (here ^ there) & mask == 0 {
                    let suffixStart = itemStart + previousCodeLength + 1
                    let found = keyStops(raw.loadUnaligned(fromByteOffset: suffixStart, as: UInt64.self))
                    let position = suffixStart + found.trailingZeroBitCount >> 3
                    if found != 0 && b[position] == equals {
                        dashAt = suffixStart - 1
                        i = position
                        knownCode = true
                    }
                }
            }
            // The key, up to `=`, `,` or `;`, noting the last `-`: 8 bytes at a time while they last.
            while !knownCode && i < end {
                if i + 8 <= end {
                    let found = keyStops(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                    if found == 0 {
                        i += 8
                        continue
                    }
                    i += found.trailingZeroBitCount >> 3
                }
                let c = b[i]
                if classes[Int(c)] & keyStopClass == 0 {
                    i += 1
                } else if c == dash {
                    dashAt = i
                    i += 1
                } else {
                    break
                }
            }
            if i < end && b[i] == equals && i > itemStart {
                guard stored < capacity else { return -1 }
                let eq = i
                i += 1
                var item = RawItem(group: group, keyStart: itemStart - origin, keyEnd: eq - origin, valueEnd: 0)
                let kind: ItemKind
                if dashAt >= 0 {
                    kind = ItemKind.suffix(b, dashAt + 1, eq, suffixes)
                    if !knownCode {
                        var validCode = dashAt > itemStart
                        for k in itemStart..<dashAt where classes[Int(b[k])] & alphanumericClass == 0 {
                            validCode = false
                        }
                        if validCode {
                            previousCode = itemStart
                            previousCodeLength = dashAt - itemStart
                        } else {
                            previousCode = -1
                            reportCode(b, itemStart, dashAt, eq, &d)
                        }
                    }
                    if kind.rawValue >= ItemKind.zsCou.rawValue && kind.rawValue <= ItemKind.unknownSuffix.rawValue {
                        reportSuffix(b, itemStart, dashAt, eq, kind, &d)
                    }
                    item.dash = dashAt - origin
                } else {
                    kind = ItemKind.plain(b, itemStart, eq)
                    if kind == .unknownKey { reportKey(b, itemStart, eq, &d) }
                }
                item.kind = kind
                let valueStart = i
                let rule: ItemKind.ValueRule = kind.isNumber ? .number : kind.rule
                switch rule {
                case .number, .integer:
                    // Optional sign, digits, optional `.` and digits; read while scanning.
                    var negative = false
                    var signed = false
                    if i < end && (b[i] == dash || b[i] == 0x2B) {
                        negative = b[i] == dash
                        signed = true
                        i += 1
                    }
                    var mantissa: UInt64 = 0
                    var integerDigits = 0
                    var fractionDigits = 0
                    var sawDot = false
                    if i + 8 <= end, let short = shortNumber(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                        // The usual case: the whole number and the byte after it in one word.
                        mantissa = short.mantissa
                        integerDigits = short.integerDigits
                        fractionDigits = short.fractionDigits
                        sawDot = short.dot
                        i += short.length
                    } else {
                        let integerStart = i
                        readDigits(raw, b, &i, end, &mantissa)
                        integerDigits = i - integerStart
                        if i < end && b[i] == dot {
                            sawDot = true
                            i += 1
                            let fractionStart = i
                            readDigits(raw, b, &i, end, &mantissa)
                            fractionDigits = i - fractionStart
                        }
                    }
                    let digits = integerDigits + fractionDigits
                    let terminated = i == end || b[i] == comma || b[i] == semicolon
                    if terminated && digits > 0 && (rule == .number || (!sawDot && !signed)) {
                        if digits <= 19 && mantissa < (1 << 53) && fractionDigits < powers.count {
                            let value = Double(mantissa) / powers[fractionDigits]
                            item.number = negative ? -value : value
                        } else {
                            item.number = Double(string(b, valueStart, i)) ?? .nan
                        }
                    } else {
                        skipValue(b, &i, end)
                        reportNumber(b, itemStart, eq, valueStart, i, kind, &d)
                    }
                case .dataFlag:
                    skipValue(b, &i, end)
                    if !(i - valueStart == 1 && isDataFlag(b[valueStart], version: version)) {
                        reportDataFlag(b, itemStart, eq, valueStart, i, version, &d)
                    }
                case .time:
                    skipValue(b, &i, end)
                    checkTime(b, valueStart, i, string: { string(b, itemStart, eq) }, optional: kind == .sampleTime, &d)
                case .hhmmss, .hhmm:
                    skipValue(b, &i, end)
                    checkClock(b, itemStart, eq, valueStart, i, seconds: rule == .hhmmss, &d)
                case .text:
                    skipValue(b, &i, end)
                }
                item.valueEnd = i - origin
                storage.initializeElement(at: stored, to: item)
                stored += 1
                inGroup += 1
            } else {
                if i < end && b[i] == equals {
                    // An empty key: report it and skip its value.
                    i += 1
                    skipValue(b, &i, end)
                    d.error(.cpSyntax, itemStart, nil, "an item of the data area has an empty key", "数据项的字段名为空")
                } else {
                    itemWithoutValue(b, itemStart, i, &d)
                }
            }
            guard i < end else { break }
            let separator = b[i]
            i += 1
            if separator == semicolon && inGroup > 0 {
                group += 1
                inGroup = 0
            }
        }
        return stored
    }

    /// Bits of ``byteClasses``.
    static let keyStopClass: UInt8 = 1
    static let alphanumericClass: UInt8 = 2

    /// The class of every byte: `=`, `,`, `;`, `-` end a stretch of a key; letters and digits are alphanumeric.
    static let byteClasses: [UInt8] = (0..<256).map { byte in
        var classes: UInt8 = 0
        if [0x3D, 0x2C, 0x3B, 0x2D].contains(byte) { classes |= keyStopClass }
        if (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) {
            classes |= alphanumericClass
        }
        return classes
    }

    /// Reports the item `b[start..<end]` that has no `=`: empty, blank, or malformed.
    @inline(never)
    static func itemWithoutValue(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ d: inout Diagnostics) {
        if end == start {
            d.strict(.cpSyntax, start, nil, "empty item in the data area", "数据区中有空项")
        } else if all(b, start..<end, { $0 == 0x20 }) {
            d.strict(.cpSyntax, start, nil, "blank item in the data area", "数据区中有空白项")
        } else {
            d.error(
                .cpSyntax, start, nil, "the item '\(string(b, start, min(end, start + 40)))' has no '='",
                "数据项 '\(string(b, start, min(end, start + 40)))' 缺少 '='")
        }
    }

    @inline(never)
    static func reportCode(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ dashAt: Int, _ eq: Int, _ d: inout Diagnostics
    ) {
        d.strict(
            .cpFactor, start, string(b, start, eq),
            "the factor code '\(string(b, start, dashAt))' must be letters and digits",
            "因子编码 '\(string(b, start, dashAt))' 须由字母和数字组成")
    }

    @inline(never)
    static func reportSuffix(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ dashAt: Int, _ eq: Int, _ kind: ItemKind,
        _ d: inout Diagnostics
    ) {
        let suffix = string(b, dashAt + 1, eq)
        if kind == .unknownSuffix {
            d.strict(
                .cpSuffix, dashAt + 1, string(b, start, eq), "unknown suffix '\(suffix)' (the item is kept)",
                "未知的因子后缀 '\(suffix)'（该项已保留）")
        } else {
            d.strict(
                .cpSuffix, dashAt + 1, string(b, start, eq),
                "'\(suffix)' is not a suffix of the standard (seen in real traffic; the item is kept)",
                "'\(suffix)' 不是标准规定的因子后缀（实际报文中常见，该项已保留）")
        }
    }

    @inline(never)
    static func reportKey(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ eq: Int, _ d: inout Diagnostics) {
        let key = string(b, start, eq)
        d.warning(.cpKey, start, key, "'\(key)' is not a field of the standard (kept)", "'\(key)' 不是标准规定的字段（已保留）")
    }

    @inline(never)
    static func reportNumber(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ eq: Int, _ valueStart: Int, _ valueEnd: Int, _ kind: ItemKind,
        _ d: inout Diagnostics
    ) {
        let key = string(b, start, eq)
        if valueStart == valueEnd {
            d.strict(.valueMissing, valueStart, key, "the value is empty", "数值为空")
        } else {
            let integer = kind.rule == .integer
            d.error(
                .value, valueStart, key,
                "'\(string(b, valueStart, valueEnd))' is not \(integer ? "an integer" : "a number")",
                "'\(string(b, valueStart, valueEnd))' 不是\(integer ? "整数" : "数值")")
        }
    }

    @inline(never)
    static func reportDataFlag(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ eq: Int, _ valueStart: Int, _ valueEnd: Int, _ version: UInt8,
        _ d: inout Diagnostics
    ) {
        let allowed = version == 0 ? "N, F, M, S, D, C, T, P or 0–3" : "N, F, M, S, D, C, T or B"
        d.strict(
            .dataFlag, valueStart, string(b, start, eq),
            "the data flag '\(string(b, valueStart, valueEnd))' is not one of \(allowed)",
            "数据标记 '\(string(b, valueStart, valueEnd))' 不是 \(allowed) 之一")
    }

    /// Checks an `hhmmss` (or `hhmm`) value.
    @inline(never)
    static func checkClock(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ eq: Int, _ valueStart: Int, _ valueEnd: Int, seconds: Bool,
        _ d: inout Diagnostics
    ) {
        let digits = seconds ? 6 : 4
        var valid = valueEnd - valueStart == digits && NumberParser.isDigits(b, valueStart, valueEnd)
        if valid {
            let hour = Int(b[valueStart] &- 48) * 10 + Int(b[valueStart + 1] &- 48)
            let minute = Int(b[valueStart + 2] &- 48) * 10 + Int(b[valueStart + 3] &- 48)
            let second = seconds ? Int(b[valueStart + 4] &- 48) * 10 + Int(b[valueStart + 5] &- 48) : 0
            valid = hour < 24 && minute < 60 && second < 60
        }
        if !valid {
            let format = seconds ? "hhmmss" : "hhmm"
            d.error(
                .dataTime, valueStart, string(b, start, eq),
                "'\(string(b, valueStart, valueEnd))' is not a valid \(format)",
                "'\(string(b, valueStart, valueEnd))' 不是有效的 \(format) 时间")
        }
    }

    /// The high bit of every byte of `word` that is `=`, `,`, `;` or `-` (the lowest one is exact; bytes above a
    /// match may be flagged too, which the byte loop then sorts out).
    @inline(__always)
    static func keyStops(_ word: UInt64) -> UInt64 {
        @inline(__always)
        func matches(_ byte: UInt64) -> UInt64 {
            let x = word ^ (byte &* 0x0101_0101_0101_0101)
            return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
        }
        return matches(0x3D) | matches(0x2C) | matches(0x3B) | matches(0x2D)
    }

    /// The high bit of every byte of `word` that is not `0`…`9`: exact up to the first byte of 0xFA or above (whose
    /// carry may flag the byte after it).
    @inline(__always)
    static func nonDigits(_ word: UInt64) -> UInt64 {
        let high = (word & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030
        let low = ((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030
        let flagged = high | low
        return (((flagged & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | flagged) & 0x8080_8080_8080_8080
    }

    /// The value of the up to 8 digits in the low `count` bytes of `word` (first digit in the lowest byte; the
    /// bytes above are ignored): the classic 3-multiply conversion.
    @inline(__always)
    static func digitsValue(_ word: UInt64, count: Int) -> UInt64 {
        // The digits, first one in the most significant position, zeros before.
        var value = (word &- 0x3030_3030_3030_3030) << UInt64((8 - count) * 8)
        value = (value &* 10) &+ (value >> 8)
        value = ((value & 0x00FF_00FF_00FF_00FF) &* ((100 << 16) + 1)) >> 16
        return ((value & 0x0000_FFFF_0000_FFFF) &* ((10_000 << 32) + 1)) >> 32
    }

    /// A number written in the first bytes of `word` (little-endian: the first byte lowest) and ended within it:
    /// digits, optionally a `.` and digits, then a byte that is neither a digit nor the number's first `.`. `nil`
    /// when the word holds no such end (a long number: read with ``readDigits(_:_:_:_:_:)``).
    ///
    /// `length` is the number of bytes of the number; `integerDigits + fractionDigits` may be 0 (an empty value or
    /// a lone `.`), which the caller reports.
    @inline(__always)
    static func shortNumber(_ word: UInt64)
        -> (mantissa: UInt64, integerDigits: Int, fractionDigits: Int, dot: Bool, length: Int)?
    {
        let stops = nonDigits(word)
        let first = stops.trailingZeroBitCount >> 3
        guard first < 8 else { return nil }
        if UInt8(truncatingIfNeeded: word >> UInt64(first * 8)) != dot {
            return (first > 0 ? digitsValue(word, count: first) : 0, first, 0, false, first)
        }
        // After the `.`: the bytes before it were digits, so the flags above it are exact up to the next stop.
        guard first < 7 else { return nil }
        let below: UInt64 = (1 << UInt64(first * 8)) &- 1
        let second = (stops & ~((below << 8) | 0xFF)).trailingZeroBitCount >> 3
        guard second < 8 else { return nil }
        // The digits without the `.`: the fraction's bytes moved down by one.
        let count = second - 1
        let digits = (word & below) | ((word >> 8) & ~below & ((1 << UInt64(count * 8)) &- 1))
        return (count > 0 ? digitsValue(digits, count: count) : 0, first, second - first - 1, true, second)
    }

    /// Reads the decimal digits at `i` into `mantissa` (`mantissa * 10^n + digits`), leaving `i` after them.
    ///
    /// Up to 7 digits followed by a non-digit are read at once from an 8-byte word (the usual case); longer runs,
    /// or runs near the end of the buffer, digit by digit. Past 19 digits `mantissa` is meaningless (the caller
    /// then reads the text with the standard library).
    @inline(__always)
    static func readDigits(
        _ raw: UnsafeRawBufferPointer, _ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ end: Int,
        _ mantissa: inout UInt64
    ) {
        if i + 8 <= end {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let stops = nonDigits(word)
            if stops != 0 {
                let count = stops.trailingZeroBitCount >> 3
                if count == 0 { return }
                var scale: UInt64 = 1
                for _ in 0..<count { scale &*= 10 }
                mantissa = mantissa &* scale &+ digitsValue(word, count: count)
                i += count
                return
            }
        }
        while i < end {
            let digit = b[i] &- 48
            if digit >= 10 { return }
            mantissa = mantissa &* 10 &+ UInt64(digit)
            i += 1
        }
    }

    /// Moves `i` to the next `,` or `;` (or `end`).
    @inline(__always)
    static func skipValue(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ end: Int) {
        while i < end {
            let c = b[i]
            if c == comma || c == semicolon { return }
            i += 1
        }
    }

    /// Checks a `YYYYMMDDhhmmss` value.
    static func checkTime(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, string key: () -> String, optional: Bool,
        _ d: inout Diagnostics
    ) {
        let length = end - start
        if length == 14 && HJ212Timestamp.isValid(b, start, end) { return }
        if length == 17 && HJ212Timestamp.isValid(b, start, end) {
            d.strict(
                .dataTime, start, key(),
                "the time '\(string(b, start, end))' has 17 digits; the milliseconds are ignored",
                "时间 '\(string(b, start, end))' 为 17 位，毫秒部分被忽略")
            return
        }
        if length == 0 && optional {
            d.strict(.valueMissing, start, key(), "the time is empty", "时间为空")
            return
        }
        d.error(
            .dataTime, start, key(), "'\(string(b, start, end))' is not a valid time YYYYMMDDhhmmss",
            "'\(string(b, start, end))' 不是有效的时间 YYYYMMDDhhmmss")
    }

    /// Whether `c` is a data flag of the edition (HJ 212-2017 Table 8; HJ/T 212-2005, with 0–3 of air stations).
    @inline(__always)
    static func isDataFlag(_ c: UInt8, version: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "N"), UInt8(ascii: "F"), UInt8(ascii: "M"), UInt8(ascii: "S"), UInt8(ascii: "D"),
            UInt8(ascii: "C"), UInt8(ascii: "T"):
            return true
        case UInt8(ascii: "B"): return version >= 1
        case UInt8(ascii: "P"), UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "3"):
            return version == 0
        default: return false
        }
    }
}
