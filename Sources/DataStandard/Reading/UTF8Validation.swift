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
    /// Long ranges are split at a line feed (no sequence spans one) and the halves run as two interleaved DFA
    /// chains, which doubles the work the processor overlaps.
    static func isValid(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Bool {
        let table = Self.table.rows
        if end - start < 4096 { return run(table, base, start, end, 0) == 0 }
        var middle = start + (end - start) / 2
        while middle < end && base[middle] != 0x0A { middle += 1 }
        if middle >= end { return run(table, base, start, end, 0) == 0 }
        middle += 1
        // Interleave: word by word over both halves.
        var first = start
        var second = middle
        var stateA: UInt64 = 0
        var stateB: UInt64 = 0
        let raw = UnsafeRawPointer(base)
        let length = min(middle - start, end - middle) & ~7
        let stopA = start + length
        while first < stopA {
            let wordA = raw.loadUnaligned(fromByteOffset: first, as: UInt64.self)
            let wordB = raw.loadUnaligned(fromByteOffset: second, as: UInt64.self)
            if (wordA | wordB) & 0x8080_8080_8080_8080 != 0 || stateA | stateB != 0 {
                var shiftedA = wordA
                var shiftedB = wordB
                for _ in 0..<8 {
                    stateA = (table[Int(shiftedA & 0xFF)] >> stateA) & 63
                    stateB = (table[Int(shiftedB & 0xFF)] >> stateB) & 63
                    shiftedA >>= 8
                    shiftedB >>= 8
                }
                if stateA == errorState || stateB == errorState { return false }
            }
            first &+= 8
            second &+= 8
        }
        return run(table, base, first, middle, stateA) == 0 && run(table, base, second, end, stateB) == 0
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
