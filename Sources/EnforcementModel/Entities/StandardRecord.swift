/// A Swift type that mirrors one entity of the unified data standard.
///
/// Its stored properties are the entity's fields, named in lowerCamelCase, with the standard's `snake_case` field
/// ids as coding keys: a record encodes to (and decodes from) exactly the JSON object the standard describes.
/// Required fields are non-optional; code types use the checked code values of this module
/// (``SocialCreditCode``, ``DivisionCode``, …), so a decoded record has valid codes by construction.
public protocol StandardRecord: Hashable, Sendable, Codable {
    /// The id of the entity in the standard (`regulated_entity`).
    static var entityID: String { get }
}
