// JSON forms of the specification types, with the same keys as the YAML format (Specs/README.md), so that
// `enforce standard describe --format json` prints what a standard author wrote.

extension FieldSpec: Encodable {
    private enum CodingKeys: String, CodingKey {
        case id, name, description, type, unit, required, unique, pattern, range, length, codes, ref, severity,
            sensitive
        case since
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encode(type, forKey: .type)
        try container.encodeIfPresent(unit, forKey: .unit)
        try container.encode(required, forKey: .required)
        try container.encode(unique, forKey: .unique)
        try container.encodeIfPresent(pattern, forKey: .pattern)
        try container.encodeIfPresent(range, forKey: .range)
        try container.encodeIfPresent(length, forKey: .length)
        try container.encodeIfPresent(codeTable, forKey: .codes)
        try container.encodeIfPresent(reference, forKey: .ref)
        try container.encode(severity, forKey: .severity)
        try container.encode(sensitive, forKey: .sensitive)
        try container.encodeIfPresent(since, forKey: .since)
    }
}

extension RuleSpec: Encodable {
    private enum CodingKeys: String, CodingKey {
        case id, kind, severity, message, when, left, op, right, field, fields, container
        case prefixField = "prefix_field"
        case divisionField = "division_field"
    }

    private enum ConditionKeys: String, CodingKey { case field, `in`, present }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind.name, forKey: .kind)
        try container.encode(severity, forKey: .severity)
        try container.encode(message, forKey: .message)
        if let condition {
            var when = container.nestedContainer(keyedBy: ConditionKeys.self, forKey: .when)
            try when.encode(condition.field, forKey: .field)
            try when.encodeIfPresent(condition.values, forKey: .in)
            if condition.values == nil { try when.encode(condition.present, forKey: .present) }
        }
        switch kind {
        case .compare(let left, let op, let right):
            try container.encode(left, forKey: .left)
            try container.encode(op, forKey: .op)
            try container.encode(right, forKey: .right)
        case .requiredIf(let field):
            try container.encode(field, forKey: .field)
        case .atLeastOne(let fields), .exclusive(let fields):
            try container.encode(fields, forKey: .fields)
        case .withinDivision(let field, let containerField):
            try container.encode(field, forKey: .field)
            try container.encode(containerField, forKey: .container)
        case .prefix(let field, let prefixField):
            try container.encode(field, forKey: .field)
            try container.encode(prefixField, forKey: .prefixField)
        case .usccDivision(let field, let divisionField):
            try container.encode(field, forKey: .field)
            try container.encode(divisionField, forKey: .divisionField)
        }
    }
}

extension FieldSelection: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .all: try container.encode("all")
        case .none: try container.encode("none")
        case .fields(let fields): try container.encode(fields)
        }
    }
}

extension AcrossSharing: Encodable {
    private enum CodingKeys: String, CodingKey { case department, purpose, fields }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(department, forKey: .department)
        try container.encodeIfPresent(purpose, forKey: .purpose)
        try container.encode(fields, forKey: .fields)
    }
}

extension SharingSpec: Encodable {
    private enum CodingKeys: String, CodingKey { case up, down, across, visibility, masked }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(up, forKey: .up)
        try container.encode(down, forKey: .down)
        try container.encode(across, forKey: .across)
        try container.encode(visibility, forKey: .visibility)
        try container.encode(masked, forKey: .masked)
    }
}

extension EntitySpec: Encodable {
    private enum CodingKeys: String, CodingKey {
        case id, name, description, resource, category, source, key, fields, rules, sharing, namespace
        case divisionField = "division_field"
        case timeField = "time_field"
        case maxAgeDays = "max_age_days"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encodeIfPresent(resource, forKey: .resource)
        try container.encode(category, forKey: .category)
        try container.encodeIfPresent(source, forKey: .source)
        try container.encode(key, forKey: .key)
        try container.encodeIfPresent(divisionField, forKey: .divisionField)
        try container.encodeIfPresent(timeField, forKey: .timeField)
        try container.encodeIfPresent(maxAgeDays, forKey: .maxAgeDays)
        try container.encode(fields, forKey: .fields)
        try container.encode(rules, forKey: .rules)
        try container.encode(sharing, forKey: .sharing)
        try container.encodeIfPresent(namespace, forKey: .namespace)
    }
}
