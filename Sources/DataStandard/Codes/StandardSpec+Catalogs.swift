import EnforcementModel

extension StandardSpec {
    /// The GB/T 2260 division catalog built from the standard's `division` code table.
    ///
    /// - Throws: ``DataStandardError`` `.danglingReference` when the table is missing, `.malformedSpec` when a
    ///   code or parent is not a valid division code.
    public func divisionCatalog() throws(DataStandardError) -> DivisionCatalog {
        guard let table = codeTables["division"] else {
            throw DataStandardError(.danglingReference, "the standard has no `division` code table")
        }
        var divisions: [Division] = []
        divisions.reserveCapacity(table.entries.count)
        do {
            for entry in table.entries {
                let code = try DivisionCode(entry.code)
                divisions.append(
                    Division(
                        code: code, name: entry.name.zh, nameEN: entry.name.en,
                        parent: try entry.parent.map { try DivisionCode($0) }, level: code.level,
                        isDeprecated: entry.deprecated, replacedBy: try entry.replacedBy.map { try DivisionCode($0) }))
            }
            return try DivisionCatalog(divisions)
        } catch let error as CodeError {
            throw DataStandardError(.malformedSpec, "division table: \(error.message)", at: table.location)
        } catch {
            throw DataStandardError(.malformedSpec, "division table: \(error)", at: table.location)
        }
    }
}
