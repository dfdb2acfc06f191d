/// A set of GB/T 2260 divisions with their names and parent links, such as the `division` code table of a data
/// standard.
///
/// Containment follows the catalog's `parent` links, so it is right even where a code's prefix is not its parent
/// (counties directly administered by a province). Codes missing from the catalog fall back to the prefix rule
/// of ``DivisionCode/contains(_:)``; use ``exists(_:)`` to reject them.
///
/// ```swift
/// let catalog = try DivisionCatalog([sichuan, chengdu, jianyang])
/// catalog.isWithin(try DivisionCode("510185"), try DivisionCode("510000"))   // true
/// catalog.children(of: try DivisionCode("510100")).map(\.name)              // ["简阳市"]
/// ```
public struct DivisionCatalog: Hashable, Sendable {
    private var entries: [DivisionCode: Division]
    private var childCodes: [DivisionCode: [DivisionCode]]

    /// Creates a catalog.
    ///
    /// - Parameter divisions: The entries, current and deprecated. Parents need not be in the catalog.
    /// - Throws: ``CodeError`` with code `.duplicate` when two entries share a code.
    public init(_ divisions: some Sequence<Division>) throws(CodeError) {
        var entries: [DivisionCode: Division] = [:]
        var childCodes: [DivisionCode: [DivisionCode]] = [:]
        for division in divisions {
            if entries[division.code] != nil {
                throw CodeError(
                    code: .duplicate,
                    message: "Division catalog: code \(division.code) appears more than once",
                    messageZH: "行政区划目录：代码\(division.code)重复",
                    value: division.code.stringValue
                )
            }
            entries[division.code] = division
            if let parent = division.parent { childCodes[parent, default: []].append(division.code) }
        }
        for key in childCodes.keys { childCodes[key]?.sort() }
        self.entries = entries
        self.childCodes = childCodes
    }

    /// The number of entries, deprecated ones included.
    public var count: Int { entries.count }

    /// All entries, sorted by code.
    public var divisions: [Division] { entries.values.sorted { $0.code < $1.code } }

    /// The entry for `code`, or `nil` when the catalog does not have it.
    public subscript(code: DivisionCode) -> Division? { entries[code] }

    /// The entry for `code`, or `nil` when the catalog does not have it.
    ///
    /// - Parameter code: The code to look up.
    public func division(_ code: DivisionCode) -> Division? { entries[code] }

    /// Whether the catalog has `code`.
    ///
    /// - Parameters:
    ///   - code: The code to look up.
    ///   - includingDeprecated: Whether legacy codes count; defaults to `true`.
    public func exists(_ code: DivisionCode, includingDeprecated: Bool = true) -> Bool {
        guard let entry = entries[code] else { return false }
        return includingDeprecated || !entry.isDeprecated
    }

    /// The current code for `code`: itself, or the end of its `replacedBy` chain.
    ///
    /// - Parameter code: A current or legacy code.
    /// - Returns: The current code, or `nil` if `code` is not in the catalog.
    public func current(_ code: DivisionCode) -> DivisionCode? {
        var code = code
        var steps = 0
        while let entry = entries[code] {
            guard entry.isDeprecated, let next = entry.replacedBy, steps < 16 else { return code }
            code = next
            steps += 1
        }
        return steps == 0 ? nil : code
    }

    /// The entries whose parent is `code`, sorted by code.
    ///
    /// - Parameters:
    ///   - code: The parent division.
    ///   - includingDeprecated: Whether to list legacy codes; defaults to `false`.
    public func children(of code: DivisionCode, includingDeprecated: Bool = false) -> [Division] {
        (childCodes[code] ?? []).compactMap { entries[$0] }.filter { includingDeprecated || !$0.isDeprecated }
    }

    /// The chain of parents above `code`, nearest first (`510185` → `[510100, 510000]`).
    ///
    /// Codes missing from the catalog use the prefix rule for their first step.
    ///
    /// - Parameter code: The division to start from.
    public func ancestors(of code: DivisionCode) -> [DivisionCode] {
        var result: [DivisionCode] = []
        var current = code
        while result.count < 8, let parent = parent(of: current) {
            result.append(parent)
            current = parent
        }
        return result
    }

    /// Whether `code` is `container` or lies inside it, following parent links.
    ///
    /// - Parameters:
    ///   - code: The division that may be inside.
    ///   - container: The containing division.
    public func isWithin(_ code: DivisionCode, _ container: DivisionCode) -> Bool {
        code == container || ancestors(of: code).contains(container)
    }

    private func parent(of code: DivisionCode) -> DivisionCode? {
        if let entry = entries[code] { return entry.parent }
        switch code.level {
        case .province: return nil
        case .city: return code.provinceCode
        case .county:
            guard let city = code.cityCode else { return nil }
            return entries[city] != nil ? city : code.provinceCode
        }
    }
}
