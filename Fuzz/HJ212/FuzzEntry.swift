// The libFuzzer entry of the HJ 212 codec. Built together with Sources/HJ212/*.swift by scripts/fuzz-hj212.sh:
//
//     swiftc -sanitize=fuzzer -parse-as-library -O -wmo -assert-config Debug -module-name HJ212 \
//         Sources/HJ212/*.swift Fuzz/HJ212/FuzzEntry.swift
//
// Every input goes through the frame decoder in both modes, the stream decoder in read splits derived from the
// input, the data-area parser, reassembly, and re-encoding of whatever decoded; a broken invariant traps so that the
// fuzzer records it as a crash.

/// A time for the reassembler, advanced by the harness (no clock is read).
struct FuzzInstant: InstantProtocol {
    var offset: Duration
    func advanced(by duration: Duration) -> FuzzInstant { FuzzInstant(offset: offset + duration) }
    func duration(to other: FuzzInstant) -> Duration { other.offset - offset }
    static func < (lhs: FuzzInstant, rhs: FuzzInstant) -> Bool { lhs.offset < rhs.offset }
}

/// Traps with a message when an invariant does not hold (the fuzzer reports it as a crash with this input).
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant broken: \(message())") }
}

/// Every number the decoder read on the way (its word-at-a-time parser) is the value the standard library reads
/// from the same text.
func checkNumbers(_ data: HJ212DataArea) {
    data.bytes.withUnsafeBufferPointer { p in
        for item in data.items where !item.number.isNaN {
            let text = decodeString(p, item.keyEnd + 1, item.valueEnd)
            check(Double(text) == item.number, "'\(text)' read as \(item.number)")
        }
    }
}

/// Decoded packets must survive encoding: the frame decodes again, leniently, to an equal packet.
func checkRoundTrip(_ packet: HJ212Packet) {
    checkNumbers(packet.data)
    let again = HJ212Packet.decode(packet.encoded(), options: .lenient)
    if case .success(let decoded) = again {
        check(decoded == packet, "re-encoded packet differs: \(packet)")
    } else if packet.segment.count <= HJ212.maximumDeclarableSegmentLength {
        // Values may legitimately hold separators only if the input had them unescaped; encode() refuses those.
        if (try? packet.encode()) != nil { check(false, "re-encoded packet does not decode: \(packet)") }
    }
    _ = packet.monitoringValues
    _ = packet.data.groups
    _ = HJ212Packet.dataResponse(to: packet).encoded()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes: [UInt8] = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes.prefix(64) { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }

    // 1. The whole input as one frame, strict and lenient (and, for half the inputs, with the Modbus CRCs).
    var modes: [HJ212DecodingOptions] = [.strict, .lenient]
    if hash & 1 == 1 { modes.append(HJ212DecodingOptions(mode: .lenient, acceptsModbusCRC: true)) }
    var checked = false
    for options in modes {
        switch HJ212Packet.decode(bytes, options: options) {
        case .success(let packet):
            if !checked { checkRoundTrip(packet) }
            checked = true
        case .failure(let failure):
            check(!failure.errors.isEmpty, "a failure without errors")
            for error in failure.errors + failure.warnings {
                check(error.offset >= 0 && error.offset <= bytes.count, "offset out of range: \(error)")
            }
            if let packet = failure.packet, !checked {
                _ = packet.encoded()
                _ = packet.monitoringValues
            }
        }
    }

    // 2. The input as a stream, in reads whose sizes come from the input itself (strict or lenient by turns).
    var decoder = HJ212StreamDecoder(options: hash & 2 == 0 ? .strict : .lenient)
    var reassembler = HJ212Reassembler<FuzzInstant>(timeout: .seconds(30), maximumOpenSets: 4)
    var now = FuzzInstant(offset: .zero)
    var position = 0
    var state = hash
    var lastSkip = -1
    func handle(_ event: HJ212StreamEvent) {
        switch event {
        case .packet(let packet):
            checkRoundTrip(packet)
            now = now.advanced(by: .seconds(Int64(state % 50)))
            for result in reassembler.add(packet, now: now) {
                if case .complete(let joined, let parts) = result {
                    check(!parts.isEmpty, "a complete set without parts")
                    _ = joined.encoded()
                }
            }
            _ = reassembler.expire(now: now)
        case .malformed(let error):
            // At most the length of the input: a missing tail at the very end is located just past the last byte.
            check(error.offset >= 0 && error.offset <= bytes.count, "malformed offset \(error.offset)")
            check(decoder.lastFailure != nil, "no failure recorded")
        case .skipped(let offset, let count):
            check(offset > lastSkip && count > 0 && offset + count <= bytes.count, "skip \(offset) \(count)")
            lastSkip = offset
        }
    }
    while position < bytes.count {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let length = Int(state >> 56) % 97 + 1
        let end = min(bytes.count, position + length)
        bytes[position..<end].withUnsafeBytes { decoder.append($0) }
        while let event = decoder.next() { handle(event) }
        check(decoder.bufferedByteCount <= HJ212.maximumFrameLength + 8 + 97, "buffer grew")
        position = end
    }
    decoder.finish()
    while let event = decoder.next() { handle(event) }
    check(decoder.bufferedByteCount == 0, "bytes left after finish")
    check(decoder.consumedByteCount == bytes.count, "bytes not accounted for")
    _ = reassembler.flush()

    // 3. The input as a data area (a quarter of the inputs).
    if hash & 12 == 0 {
        let text = String(decoding: bytes, as: UTF8.self)
        if case .success(let area) = HJ212DataArea.parse(text, options: .lenient) {
            checkRoundTrip(HJ212Packet(st: "32", cn: "2011", mn: "x", data: area))
        }
    }
    return 0
}
