import Testing

@_spi(Benchmark) @testable import DataStandard

/// UTF-8 validation: the DFA and the exact scanner agree on every input.
struct ReaderEncodingTests {
    static func validities(_ bytes: [UInt8]) -> (dfa: Bool, scan: Bool, swift: Bool) {
        let buffer = ChunkBuffer(capacity: bytes.count)
        buffer.pointer.update(from: bytes, count: bytes.count)
        let base = UnsafePointer(buffer.pointer)
        var scanned = true
        UTF8Validation.scan(base, from: 0, to: bytes.count) { _, _ in scanned = false }
        return (
            UTF8Validation.isValid(base, from: 0, to: bytes.count), scanned,
            String(validating: bytes, as: UTF8.self) != nil
        )
    }

    @Test func validatorsAgreeOnRandomMixedText() {
        var random = SeededRandom(seed: 7)
        let pieces: [[UInt8]] = [
            Array("成都市".utf8), Array("abc,".utf8), [0x0A], Array("é".utf8), Array("😀".utf8), [0xE0, 0xA0, 0x80],
            [0xED, 0x9F, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80],
        ]
        let broken: [[UInt8]] = [
            [0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x80, 0x80, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xF5], [0xFF], [0xE6, 0x88], [0xE6], [0xC3], [0xBF, 0xBF],
        ]
        for round in 0..<3000 {
            var bytes: [UInt8] = []
            let length = random.below(80)
            for _ in 0..<length { bytes += pieces[random.below(pieces.count)] }
            if round % 2 == 0 {
                let defect = broken[random.below(broken.count)]
                bytes.insert(contentsOf: defect, at: random.below(bytes.count + 1))
            }
            let result = Self.validities(bytes)
            #expect(result.dfa == result.swift, "dfa \(bytes)")
            #expect(result.scan == result.swift, "scan \(bytes)")
        }
    }
}
