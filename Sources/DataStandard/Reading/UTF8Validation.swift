#if canImport(Glibc)
    import Glibc
#endif

/// Finds byte sequences that are not valid UTF-8.
enum UTF8Validation {
    /// A shift-based DFA: `state = (transitions[byte] >> state) & 63`, states being multiples of 6. State 0 accepts;
    /// `errorState` is sticky. Branch-free per byte, so mixed Chinese and ASCII text costs no mispredictions.
    static let errorState: UInt64 = 8 * 6
    static let table = TransitionTable()

    /// The DFA's rows, in memory of their own. `@unchecked Sendable`: written once in `init`, read-only after.
    final class TransitionTable: @unchecked Sendable {
        let rows: UnsafeMutablePointer<UInt64> = UTF8Validation.makeTransitions()
    }

    static func makeTransitions() -> UnsafeMutablePointer<UInt64> {
        // States: 0 accept; 1, 2, 3 need 1, 2, 3 continuation bytes; 4 after E0 (A0–BF); 5 after ED (80–9F);
        // 6 after F0 (90–BF); 7 after F4 (80–8F); 8 error.
        func next(_ state: Int, _ byte: Int) -> Int {
            switch state {
            case 0:
                switch byte {
                case 0x00...0x7F: return 0
                case 0xC2...0xDF: return 1
                case 0xE0: return 4
                case 0xED: return 5
                case 0xE1...0xEF: return 2
                case 0xF0: return 6
                case 0xF4: return 7
                case 0xF1...0xF3: return 3
                default: return 8
                }
            case 1: return (0x80...0xBF).contains(byte) ? 0 : 8
            case 2: return (0x80...0xBF).contains(byte) ? 1 : 8
            case 3: return (0x80...0xBF).contains(byte) ? 2 : 8
            case 4: return (0xA0...0xBF).contains(byte) ? 1 : 8
            case 5: return (0x80...0x9F).contains(byte) ? 1 : 8
            case 6: return (0x90...0xBF).contains(byte) ? 2 : 8
            case 7: return (0x80...0x8F).contains(byte) ? 2 : 8
            default: return 8
            }
        }
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: 256)
        for byte in 0..<256 {
            var row: UInt64 = 0
            for state in 0..<9 { row |= UInt64(next(state, byte) * 6) << UInt64(state * 6) }
            table[byte] = row
        }
        return table
    }

    /// Whether `[start, end)` is entirely valid UTF-8 (fast path; ``scan(_:from:to:invalid:)`` locates errors).
    ///
    /// Text of ASCII, 2-byte and 3-byte sequences (Chinese) is checked 16 bytes at a time
    /// (``isValidVectorized(_:from:to:)``); text with the lead bytes that need more (4-byte sequences, E0, ED) goes
    /// to the DFA.
    static func isValid(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Bool {
        if let valid = isValidVectorized(base, from: start, to: end) { return valid }
        return isValidByDFA(base, from: start, to: end)
    }

    /// Bit 7 of each byte: set when that byte of `value` is zero.
    @inline(__always)
    static func zeroBytes(_ value: SIMD16<UInt8>) -> SIMD16<UInt8> { (value &- 1) & ~value }

    /// Whether `[start, end)` is valid UTF-8, by 16-byte vectors; `nil` when it holds a byte the vectors leave to the
    /// DFA: F0–FF (4-byte sequences and bytes never valid), E0 and ED (whose second byte has a narrower range), C0
    /// and C1 (never valid).
    ///
    /// Without those, a text is valid exactly when every continuation byte (10xxxxxx) follows a lead byte C2–DF by
    /// one byte or a lead E1–EF by one or two, and no other byte does: each vector of bytes is compared with the
    /// vectors one and two bytes earlier. Only bit 7 of each lane is used.
    static func isValidVectorized(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Bool? {
        let table = Self.table.rows
        if end - start < 64 { return run(table, base, start, end, 0) == 0 }
        // The first bytes by the DFA, up to a character boundary at least two bytes in, so that every vector can
        // look two bytes back.
        var position = start
        var state: UInt64 = 0
        while position < start + 2 || state != 0 {
            state = (table[Int(base[position])] >> state) & 63
            position &+= 1
            if state == errorState { return false }
        }
        let vectorStart = position
        let raw = UnsafeRawPointer(base)
        var errors = SIMD16<UInt8>(repeating: 0)
        var rare = SIMD16<UInt8>(repeating: 0)
        while position &+ 16 <= end {
            let bytes = raw.loadUnaligned(fromByteOffset: position, as: SIMD16<UInt8>.self)
            let before1 = raw.loadUnaligned(fromByteOffset: position &- 1, as: SIMD16<UInt8>.self)
            let before2 = raw.loadUnaligned(fromByteOffset: position &- 2, as: SIMD16<UInt8>.self)
            // Bit 6 (then 5 and 4) moved to bit 7 by doubling.
            let bit6 = bytes &+ bytes
            let continuation = bytes & ~bit6
            let lead1 = before1 & (before1 &+ before1)  // C0–FF one byte back
            let doubled2 = before2 &+ before2
            let lead2 = before2 & doubled2 & (doubled2 &+ doubled2)  // E0–FF two bytes back
            errors |= continuation ^ (lead1 | lead2)
            let bit5 = bit6 &+ bit6
            let bit4 = bit5 &+ bit5
            rare |=
                (bytes & bit6 & bit5 & bit4) | zeroBytes(bytes ^ 0xE0) | zeroBytes(bytes ^ 0xED)
                | zeroBytes((bytes & 0xFE) ^ 0xC0)
            position &+= 16
        }
        let errorWords = unsafeBitCast(errors, to: (UInt64, UInt64).self)
        let rareWords = unsafeBitCast(rare, to: (UInt64, UInt64).self)
        if (rareWords.0 | rareWords.1) & 0x8080_8080_8080_8080 != 0 { return nil }
        if (errorWords.0 | errorWords.1) & 0x8080_8080_8080_8080 != 0 { return false }
        // The rest by the DFA, from the start of the last character the vectors saw (which may be incomplete).
        if position > vectorStart {
            position &-= 1
            while position > vectorStart && base[position] & 0xC0 == 0x80 { position &-= 1 }
        }
        return run(table, base, position, end, 0) == 0
    }

    /// Whether `[start, end)` is entirely valid UTF-8, by the DFA.
    ///
    /// Long ranges are split at line feeds (no sequence spans one) into four parts that run as four interleaved DFA
    /// chains: each step waits on the previous one's table load, so independent chains keep the processor busy.
    static func isValidByDFA(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Bool {
        let table = Self.table.rows
        if end - start < 4096 { return run(table, base, start, end, 0) == 0 }
        // Part k starts just after the first line feed at or past k quarters of the range.
        func boundary(_ quarter: Int, after previous: Int) -> Int {
            let target = max(previous, start + (end - start) / 4 * quarter)
            guard target < end, let found = memchr(base + target, 0x0A, end - target) else { return end }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
        }
        let start1 = boundary(1, after: start)
        let start2 = boundary(2, after: start1)
        let start3 = boundary(3, after: start2)
        var first = start
        var second = start1
        var third = start2
        var fourth = start3
        var state1: UInt64 = 0
        var state2: UInt64 = 0
        var state3: UInt64 = 0
        var state4: UInt64 = 0
        let raw = UnsafeRawPointer(base)
        let length = min(start1 - start, start2 - start1, start3 - start2, end - start3) & ~7
        let stop = start + length
        while first < stop {
            let word1 = raw.loadUnaligned(fromByteOffset: first, as: UInt64.self)
            let word2 = raw.loadUnaligned(fromByteOffset: second, as: UInt64.self)
            let word3 = raw.loadUnaligned(fromByteOffset: third, as: UInt64.self)
            let word4 = raw.loadUnaligned(fromByteOffset: fourth, as: UInt64.self)
            if (word1 | word2 | word3 | word4) & 0x8080_8080_8080_8080 != 0 || state1 | state2 | state3 | state4 != 0 {
                var shifted1 = word1
                var shifted2 = word2
                var shifted3 = word3
                var shifted4 = word4
                for _ in 0..<8 {
                    state1 = (table[Int(shifted1 & 0xFF)] >> state1) & 63
                    state2 = (table[Int(shifted2 & 0xFF)] >> state2) & 63
                    state3 = (table[Int(shifted3 & 0xFF)] >> state3) & 63
                    state4 = (table[Int(shifted4 & 0xFF)] >> state4) & 63
                    shifted1 >>= 8
                    shifted2 >>= 8
                    shifted3 >>= 8
                    shifted4 >>= 8
                }
                if state1 == errorState || state2 == errorState || state3 == errorState || state4 == errorState {
                    return false
                }
            }
            first &+= 8
            second &+= 8
            third &+= 8
            fourth &+= 8
        }
        return run(table, base, first, start1, state1) == 0 && run(table, base, second, start2, state2) == 0
            && run(table, base, third, start3, state3) == 0 && run(table, base, fourth, end, state4) == 0
    }

    @inline(__always)
    private static func run(
        _ table: UnsafeMutablePointer<UInt64>, _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int,
        _ initial: UInt64
    ) -> UInt64 {
        var state = initial
        var index = start
        let raw = UnsafeRawPointer(base)
        while index &+ 8 <= end {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if state == 0 && word & 0x8080_8080_8080_8080 == 0 {
                index &+= 8
                continue
            }
            var shifted = word
            for _ in 0..<8 {
                state = (table[Int(shifted & 0xFF)] >> state) & 63
                shifted >>= 8
            }
            if state == errorState { return state }
            index &+= 8
        }
        while index < end {
            state = (table[Int(base[index])] >> state) & 63
            index &+= 1
        }
        return state
    }

    /// Calls `invalid(offset, length)` for every invalid sequence in `[start, end)` (a lone or truncated lead byte,
    /// a stray continuation byte, an overlong form, a surrogate or a value above U+10FFFF), skipping one byte at a
    /// time. ASCII runs are skipped eight bytes at a time.
    @inline(__always)
    static func scan(
        _ base: UnsafePointer<UInt8>, from start: Int, to end: Int, invalid: (Int, Int) -> Void
    ) {
        var index = start
        let raw = UnsafeRawPointer(base)
        while index < end {
            if index &+ 8 <= end {
                let high = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080
                if high == 0 {
                    index &+= 8
                    continue
                }
                // Skip the ASCII bytes before the first non-ASCII one.
                index &+= high.trailingZeroBitCount >> 3
            }
            let lead = base[index]
            if lead < 0x80 {
                index &+= 1
                continue
            }
            // The common case in Chinese text: a 3-byte sequence without surrogates or overlongs.
            if lead > 0xE0 && lead < 0xF0 && lead != 0xED && index &+ 2 < end && base[index &+ 1] & 0xC0 == 0x80
                && base[index &+ 2] & 0xC0 == 0x80
            {
                index &+= 3
                continue
            }
            let width = sequenceLength(base, index, end)
            if width > 0 {
                index &+= width
            } else {
                invalid(index, -width)
                index &+= -width
            }
        }
    }

    /// The length of the valid sequence at `index`, or minus the number of bytes to report as invalid.
    @inline(__always)
    static func sequenceLength(_ base: UnsafePointer<UInt8>, _ index: Int, _ end: Int) -> Int {
        let lead = base[index]
        func continuation(_ offset: Int) -> Bool {
            index + offset < end && base[index + offset] & 0xC0 == 0x80
        }
        switch lead {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : -1
        case 0xE0...0xEF:
            guard continuation(1) else { return -1 }
            let second = base[index + 1]
            if lead == 0xE0 && second < 0xA0 { return -1 }  // overlong
            if lead == 0xED && second > 0x9F { return -1 }  // surrogate
            return continuation(2) ? 3 : -2
        case 0xF0...0xF4:
            guard continuation(1) else { return -1 }
            let second = base[index + 1]
            if lead == 0xF0 && second < 0x90 { return -1 }
            if lead == 0xF4 && second > 0x8F { return -1 }
            guard continuation(2) else { return -2 }
            return continuation(3) ? 4 : -3
        default:
            return -1
        }
    }

    /// Whether all of `bytes` is valid UTF-8, allowing a sequence cut off at the very end when `allowTruncatedEnd`.
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>, allowTruncatedEnd: Bool) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var valid = true
        scan(base, from: 0, to: bytes.count) { offset, _ in
            if allowTruncatedEnd && bytes.count - offset < 4 && base[offset] >= 0xC2 {
                // A lead byte whose sequence runs past the end of the sample.
                var expected = 0
                switch base[offset] {
                case 0xC2...0xDF: expected = 2
                case 0xE0...0xEF: expected = 3
                case 0xF0...0xF4: expected = 4
                default: expected = 0
                }
                if expected > 0 && offset + expected > bytes.count { return }
            }
            valid = false
        }
        return valid
    }
}
