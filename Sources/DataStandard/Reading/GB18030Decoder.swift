#if canImport(Glibc)
    import Glibc
#endif

/// Decodes GB18030 (and so GBK and GB2312) into UTF-8 with the C library's `iconv`, block by block.
///
/// Invalid bytes are replaced by U+FFFD and reported with their offsets; decoding then goes on with the next byte.
final class GB18030Decoder {
    private let converter: iconv_t

    init() throws(DataStandardError) {
        let converter = iconv_open("UTF-8", "GB18030")
        guard let converter, converter != iconv_t(bitPattern: -1) else {
            throw DataStandardError(.unsupportedEncoding, "this system's iconv cannot decode GB18030")
        }
        self.converter = converter
    }

    deinit { iconv_close(converter) }

    /// Decodes as much of `input` as fits in `output`.
    ///
    /// - Parameters:
    ///   - isFinal: Whether `input` ends the stream; otherwise a sequence cut off at its end is left unconsumed.
    ///   - invalid: Called with the input offset, the output offset of the U+FFFD written for it, and the count
    ///     of invalid bytes.
    /// - Returns: The bytes consumed and produced.
    func decode(
        _ input: UnsafePointer<UInt8>, count: Int, into output: UnsafeMutablePointer<UInt8>, capacity: Int,
        isFinal: Bool, invalid: (Int, Int, Int) -> Void
    ) -> (consumed: Int, produced: Int) {
        var inputPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: input)
            .assumingMemoryBound(to: CChar.self)
        var inputLeft = count
        var outputPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(output)
            .assumingMemoryBound(to: CChar.self)
        var outputLeft = capacity
        while inputLeft > 0 {
            let result = iconv(converter, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
            if result != -1 { break }
            let failure = errno
            if failure == E2BIG { break }
            if failure == EINVAL && !isFinal { break }
            // EILSEQ, or EINVAL at the end of the stream: replace one byte (or the cut-off tail) by U+FFFD.
            if outputLeft < 3 { break }
            let inputOffset = count - inputLeft
            let outputOffset = capacity - outputLeft
            let skipped = failure == EINVAL ? inputLeft : 1
            invalid(inputOffset, outputOffset, skipped)
            (output + outputOffset).update(from: [0xEF, 0xBF, 0xBD], count: 3)
            outputPointer = outputPointer.map { $0 + 3 }
            outputLeft -= 3
            inputPointer = inputPointer.map { $0 + skipped }
            inputLeft -= skipped
            // Reset the converter's shift state after an error.
            _ = iconv(converter, nil, nil, nil, nil)
        }
        return (count - inputLeft, capacity - outputLeft)
    }

    /// Whether `bytes` decode as GB18030 without an invalid sequence (a sequence cut off at the end is allowed).
    static func decodesCleanly(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, let decoder = try? GB18030Decoder() else { return false }
        let capacity = bytes.count * 2 + 16
        let output = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { output.deallocate() }
        var clean = true
        var offset = 0
        while offset < bytes.count {
            let (consumed, _) = decoder.decode(
                base + offset, count: bytes.count - offset, into: output, capacity: capacity, isFinal: false
            ) { _, _, _ in clean = false }
            if consumed == 0 || !clean { break }
            offset += consumed
        }
        return clean
    }
}
