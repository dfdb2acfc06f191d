/// One entry of a division catalog: a GB/T 2260 code with its names and its parent.
///
/// ```swift
/// let jianyang = Division(code: try DivisionCode("510185"), name: "简阳市", nameEN: "Jianyang City",
///                         parent: try DivisionCode("510100"))
/// ```
public struct Division: Hashable, Sendable, Codable {
    /// The division code, such as `510185`.
    public var code: DivisionCode
    /// The Chinese name, such as 简阳市.
    public var name: String
    /// The English (pinyin) name, such as "Jianyang City".
    public var nameEN: String
    /// The division this one belongs to, or `nil` for a province (or a parent outside the catalog's scope).
    public var parent: DivisionCode?
    /// The level; by default the one given by the code's trailing zeros.
    public var level: DivisionLevel
    /// Whether the code is no longer current (for example 513425 会理县, replaced by 513402 会理市 in 2021).
    public var isDeprecated: Bool
    /// The code that replaced a deprecated one, if any.
    public var replacedBy: DivisionCode?

    /// Creates a catalog entry.
    ///
    /// - Parameters:
    ///   - code: The division code.
    ///   - name: The Chinese name.
    ///   - nameEN: The English (pinyin) name.
    ///   - parent: The containing division, `nil` for a province.
    ///   - level: The level; defaults to `code.level`.
    ///   - isDeprecated: Whether the code is legacy; defaults to `false`.
    ///   - replacedBy: The current code replacing a legacy one.
    public init(
        code: DivisionCode,
        name: String,
        nameEN: String,
        parent: DivisionCode?,
        level: DivisionLevel? = nil,
        isDeprecated: Bool = false,
        replacedBy: DivisionCode? = nil
    ) {
        self.code = code
        self.name = name
        self.nameEN = nameEN
        self.parent = parent
        self.level = level ?? code.level
        self.isDeprecated = isDeprecated
        self.replacedBy = replacedBy
    }
}
