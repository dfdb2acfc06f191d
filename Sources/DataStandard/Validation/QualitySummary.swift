/// Data quality over the standard dimensions (完整性, 有效性, 一致性, 唯一性, 及时性, 参照完整性), per entity and
/// per field.
///
/// Every dimension is a ``Ratio`` with its numerator and denominator:
///
/// | dimension | numerator / denominator |
/// |---|---|
/// | completeness | non-empty cells / cells of declared fields (records × fields) |
/// | required completeness | non-empty cells of required fields / records × required fields |
/// | validity | non-empty cells passing type, format, code, range, length and pattern / non-empty cells |
/// | consistency | records passing every cross-field rule / records |
/// | uniqueness | records with no duplicate key and no duplicate `unique` value / records |
/// | timeliness | records whose time field is within `max_age_days` and not in the future / records with a time value |
/// | referential integrity | references resolved / references checked |
///
/// A score is the mean of the dimensions that have a denominator (required completeness counts as part of
/// completeness, not on its own); the overall ``score`` weighs entity scores by their records.
public struct QualitySummary: Hashable, Sendable, Codable {
    /// A ratio with its parts. An empty denominator gives a ratio of 1 (nothing failed).
    public struct Ratio: Hashable, Sendable, Codable {
        /// The count that passed.
        public var numerator: Int
        /// The count that was measured.
        public var denominator: Int

        /// Creates a ratio.
        public init(_ numerator: Int, of denominator: Int) {
            self.numerator = numerator
            self.denominator = denominator
        }

        /// `numerator / denominator`, or 1 when nothing was measured.
        public var value: Double { denominator == 0 ? 1 : Double(numerator) / Double(denominator) }

        private enum CodingKeys: String, CodingKey { case numerator, denominator, value }

        /// Decodes the numerator and denominator (the value is derived).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            numerator = try container.decode(Int.self, forKey: .numerator)
            denominator = try container.decode(Int.self, forKey: .denominator)
        }

        /// Encodes the numerator, the denominator and the value.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(numerator, forKey: .numerator)
            try container.encode(denominator, forKey: .denominator)
            try container.encode(value, forKey: .value)
        }
    }

    /// The quality of one field.
    public struct Field: Hashable, Sendable, Codable {
        /// The field id.
        public var field: String
        /// Non-empty cells / records.
        public var completeness: Ratio
        /// Valid cells / non-empty cells.
        public var validity: Ratio
        /// Non-empty values not repeating an earlier record's (fields that are `unique` or the single key field).
        public var uniqueness: Ratio?
        /// Resolved references / checked references (fields with a `ref` whose entity was among the inputs).
        public var referentialIntegrity: Ratio?
        /// Reference values not checked because the referenced entity was not among the inputs.
        public var referencesNotChecked: Int
        /// Whether a city extension added the field to a core entity; such fields don't count in the entity's
        /// completeness.
        public var isExtension: Bool

        /// Creates a field summary.
        public init(
            field: String,
            completeness: Ratio,
            validity: Ratio,
            uniqueness: Ratio? = nil,
            referentialIntegrity: Ratio? = nil,
            referencesNotChecked: Int = 0,
            isExtension: Bool = false
        ) {
            self.field = field
            self.completeness = completeness
            self.validity = validity
            self.uniqueness = uniqueness
            self.referentialIntegrity = referentialIntegrity
            self.referencesNotChecked = referencesNotChecked
            self.isExtension = isExtension
        }
    }

    /// The quality of one entity's records.
    public struct Entity: Hashable, Sendable, Codable {
        /// The entity id.
        public var entity: String
        /// Records read.
        public var records: Int
        /// Records without errors.
        public var validRecords: Int
        /// Non-empty cells / cells of declared fields.
        public var completeness: Ratio
        /// Non-empty required cells / required cells.
        public var requiredCompleteness: Ratio
        /// Valid cells / non-empty cells.
        public var validity: Ratio
        /// Records passing every cross-field rule / records.
        public var consistency: Ratio
        /// Records without duplicate keys or unique values / records.
        public var uniqueness: Ratio
        /// Timely records / records with a time value.
        public var timeliness: Ratio
        /// Resolved references / checked references.
        public var referentialIntegrity: Ratio
        /// The mean of the dimensions measured.
        public var score: Double
        /// Per-field quality, in declaration order.
        public var fields: [Field]

        /// Creates an entity summary; the score is computed.
        public init(
            entity: String,
            records: Int,
            validRecords: Int,
            completeness: Ratio,
            requiredCompleteness: Ratio,
            validity: Ratio,
            consistency: Ratio,
            uniqueness: Ratio,
            timeliness: Ratio,
            referentialIntegrity: Ratio,
            fields: [Field]
        ) {
            self.entity = entity
            self.records = records
            self.validRecords = validRecords
            self.completeness = completeness
            self.requiredCompleteness = requiredCompleteness
            self.validity = validity
            self.consistency = consistency
            self.uniqueness = uniqueness
            self.timeliness = timeliness
            self.referentialIntegrity = referentialIntegrity
            self.fields = fields
            let measured = [completeness, validity, consistency, uniqueness, timeliness, referentialIntegrity]
                .filter { $0.denominator > 0 }
            score = measured.isEmpty ? 1 : measured.map(\.value).reduce(0, +) / Double(measured.count)
        }
    }

    /// The overall score: the entity scores weighted by records.
    public var score: Double
    /// Per-entity quality, in validation order.
    public var entities: [Entity]

    /// Creates a summary; the overall score is computed.
    public init(entities: [Entity] = []) {
        self.entities = entities
        let records = entities.map(\.records).reduce(0, +)
        if records == 0 {
            score = entities.isEmpty ? 1 : entities.map(\.score).reduce(0, +) / Double(entities.count)
        } else {
            score = entities.map { $0.score * Double($0.records) }.reduce(0, +) / Double(records)
        }
    }

    /// The summary of one entity, if it was validated.
    public func entity(_ id: String) -> Entity? { entities.first { $0.entity == id } }
}
