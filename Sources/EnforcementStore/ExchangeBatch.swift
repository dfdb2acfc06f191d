import DataStandard
import EnforcementModel
import Foundation

/// An exchange batch (数据交换批次): the standard's envelope around the changes of one entity.
///
/// On the wire a batch is UTF-8 JSON Lines: the first line is the header object (the fields of the standard's
/// `exchange.header`, in its order), every further line one record; `body_sha256` is the SHA-256 of the exact
/// body bytes (every byte after the header line's newline), lowercase hex. A body record holds the shared fields
/// that have a value, as JSON strings, and the metadata `_version` (the standard version the record follows) and
/// `_revision` (the sender's record version).
///
/// ```swift
/// let batch = try ExchangeBatch(decoding: bytes, name: "up-510100-regulated_entity-1-40.jsonl")  // verified
/// print(batch.header.entity, batch.header.recordCount)
/// ```
public struct ExchangeBatch: Hashable, Sendable {
    /// The envelope header.
    public struct Header: Hashable, Sendable, Codable {
        /// The standard's id.
        public var standard: String
        /// The standard version the records follow.
        public var version: String
        /// The entity of every record of the batch.
        public var entity: String
        /// The division code of the sender.
        public var senderDivision: String
        /// The batch id: sending the same changes again gives the same id.
        public var batchID: String
        /// When the batch was made (`YYYY-MM-DD HH:MM:SS`, Beijing time).
        public var createdAt: String
        /// The number of body records.
        public var recordCount: Int
        /// The SHA-256 of the body, lowercase hex.
        public var bodySHA256: String

        /// Creates a header.
        public init(
            standard: String, version: String, entity: String, senderDivision: String, batchID: String,
            createdAt: String, recordCount: Int, bodySHA256: String
        ) {
            self.standard = standard
            self.version = version
            self.entity = entity
            self.senderDivision = senderDivision
            self.batchID = batchID
            self.createdAt = createdAt
            self.recordCount = recordCount
            self.bodySHA256 = bodySHA256
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case standard, version, entity
            case senderDivision = "sender_division"
            case batchID = "batch_id"
            case createdAt = "created_at"
            case recordCount = "record_count"
            case bodySHA256 = "body_sha256"
        }
    }

    /// The header.
    public var header: Header
    /// The body: JSON Lines, one record per line.
    public var body: [UInt8]

    /// A batch of a body; the header's count and checksum are computed.
    public init(
        standard: String, version: String, entity: String, senderDivision: String, batchID: String,
        createdAt: String, body: [UInt8]
    ) {
        var count = 0
        for byte in body where byte == 0x0A { count += 1 }
        if let last = body.last, last != 0x0A { count += 1 }
        header = Header(
            standard: standard, version: version, entity: entity, senderDivision: senderDivision, batchID: batchID,
            createdAt: createdAt, recordCount: count, bodySHA256: RecordContent.sha256(body))
        self.body = body
    }

    /// Reads and verifies a batch: a header line with every field, a body whose record count and SHA-256 match.
    ///
    /// - Throws: ``StoreError`` `.corruptBatch`, naming the batch and what does not match.
    public init(decoding bytes: [UInt8], name: String) throws(StoreError) {
        func corrupt(_ en: String, _ zh: String) -> StoreError {
            StoreError(.corruptBatch, "\(name): \(en)", zh: "\(name)：\(zh)")
        }
        guard let newline = bytes.firstIndex(of: 0x0A) else {
            throw corrupt("no header line (the file is empty or not a batch)", "缺少批次头（文件为空或不是交换批次）")
        }
        let headerBytes = Array(bytes[..<newline])
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any] else {
                throw corrupt("line 1: the header is not a JSON object", "第1行：批次头不是JSON对象")
            }
            object = parsed
        } catch let error as StoreError {
            throw error
        } catch {
            throw corrupt("line 1: the header is not valid JSON", "第1行：批次头不是有效的JSON")
        }
        let missing = Header.CodingKeys.allCases.map(\.rawValue).filter { object[$0] == nil }
        guard missing.isEmpty else {
            throw corrupt(
                "line 1: the header lacks \(missing.joined(separator: ", "))",
                "第1行：批次头缺少\(missing.joined(separator: "、"))")
        }
        func string(_ key: Header.CodingKeys) throws(StoreError) -> String {
            guard let value = object[key.rawValue] as? String, !value.isEmpty else {
                throw corrupt("line 1: header field \(key.rawValue) is not a text", "第1行：批次头字段\(key.rawValue)不是文本")
            }
            return value
        }
        guard let count = object[Header.CodingKeys.recordCount.rawValue] as? Int, count >= 0 else {
            throw corrupt("line 1: record_count is not a count", "第1行：record_count不是记录数")
        }
        header = Header(
            standard: try string(.standard), version: try string(.version), entity: try string(.entity),
            senderDivision: try string(.senderDivision), batchID: try string(.batchID),
            createdAt: try string(.createdAt), recordCount: count, bodySHA256: try string(.bodySHA256))
        body = Array(bytes[(newline + 1)...])
        let checksum = RecordContent.sha256(body)
        guard checksum == header.bodySHA256.lowercased() else {
            throw corrupt(
                "the body's SHA-256 is \(checksum), the header says \(header.bodySHA256): the batch was altered or truncated",
                "数据体SHA-256为\(checksum)，与批次头\(header.bodySHA256)不符：批次被篡改或不完整")
        }
        var lines = 0
        for byte in body where byte == 0x0A { lines += 1 }
        if let last = body.last, last != 0x0A { lines += 1 }
        guard lines == header.recordCount else {
            throw corrupt(
                "the body has \(lines) records, the header says \(header.recordCount)",
                "数据体有\(lines)条记录，批次头为\(header.recordCount)条")
        }
    }

    /// The batch on the wire: the header line, then the body.
    public func encoded() -> [UInt8] {
        var line = "{"
        line += "\"standard\":\(json(header.standard)),\"version\":\(json(header.version)),"
        line += "\"entity\":\(json(header.entity)),\"sender_division\":\(json(header.senderDivision)),"
        line += "\"batch_id\":\(json(header.batchID)),\"created_at\":\(json(header.createdAt)),"
        line += "\"record_count\":\(header.recordCount),\"body_sha256\":\(json(header.bodySHA256))}\n"
        return Array(line.utf8) + body
    }

    /// A file name for the batch: `<batch id>.jsonl`.
    public var fileName: String { header.batchID + ".jsonl" }
}

/// Which way a batch travels.
public enum ExchangeDirection: Hashable, Sendable {
    /// City → province (上报): the sender's own records, the fields each entity shares `up`.
    case up
    /// Province → city (回流): the records within the receiving city, the fields each entity shares `down`.
    case down(to: DivisionCode)

    var name: String {
        switch self {
        case .up: "up"
        case .down: "down"
        }
    }
}

/// A JSON string literal.
func json(_ text: String) -> String {
    var result = "\""
    result.reserveCapacity(text.utf8.count + 2)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result + "\""
}
