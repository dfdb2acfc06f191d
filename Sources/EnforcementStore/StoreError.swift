/// A failure of a store or of work done on one: what went wrong and where, in Chinese and English.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Hashable, Sendable, Codable {
        /// The store cannot be opened or reached (a path, a URL, a server down).
        case unavailable
        /// The store holds another standard, or a version the given standard does not read.
        case incompatibleStandard
        /// The store was not prepared (`enforce store init`).
        case notPrepared
        /// An entity the store's standard does not have.
        case unknownEntity
        /// An exchange batch that is malformed, truncated, or whose checksum or count does not match.
        case corruptBatch
        /// A batch for another standard or a version this store does not read.
        case incompatibleBatch
        /// A ticket or quarantine entry that does not exist.
        case notFound
        /// A step the ticket's status does not allow.
        case invalidTransition
        /// The database refused a statement.
        case database
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, in English.
    public var message: String
    /// What went wrong, in Chinese.
    public var messageZH: String

    /// Creates an error.
    public init(_ code: Code, _ message: String, zh: String? = nil) {
        self.code = code
        self.message = message
        messageZH = zh ?? message
    }

    public var description: String { "\(message) [\(code.rawValue)]" }
}
