import Foundation
import Testing

@testable import EnforcementStore

/// The id of an import: the SHA-256 of the entity, a newline and the input's bytes, whether they come from a file
/// (read block by block) or from memory.
@Suite("Import source")
struct ImportSourceTests {
    @Test(
        "a file's import id is the SHA-256 of entity, newline and bytes, across read blocks",
        arguments: [0, 1, 3_000_001])
    func fileAndBytesHaveOneID(size: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("import-id-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Bytes that differ from block to block, so that a block read twice or skipped changes the hash.
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        let file = folder.appendingPathComponent("in.csv")
        try Data(bytes).write(to: file)
        let expected = RecordContent.sha256(Array("officer\n".utf8) + bytes)
        #expect(try ImportSource(entity: "officer", file: file).importID() == expected)
        #expect(try ImportSource(entity: "officer", bytes: bytes, name: "in.csv").importID() == expected)
        #expect(try ImportSource(entity: "agency", file: file).importID() != expected)
    }

    @Test("a missing file or a folder is unavailable, and the message names it")
    func unreadableInputs() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).csv")
        let error = #expect(throws: StoreError.self) { try ImportSource(entity: "officer", file: missing).importID() }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains(missing.path) == true)
        let folder = FileManager.default.temporaryDirectory
        let folderError = #expect(throws: StoreError.self) {
            try ImportSource(entity: "officer", file: folder).importID()
        }
        #expect(folderError?.code == .unavailable)
    }
}
