import EnforcementModel

/// The bilingual texts of the validator's own findings. Messages name fields and constraints, never values
/// (values travel in ``ValidationIssue/value``).
enum IssueMessages {
    static func fieldName(_ field: FieldSpec) -> (zh: String, en: String) {
        ("“\(field.name.zh)”（\(field.id)）", "\(field.id) (\(field.name.en))")
    }

    static func required(_ field: FieldSpec) -> LocalizedText {
        let name = fieldName(field)
        return LocalizedText(zh: "必填字段\(name.zh)为空", en: "required field \(name.en) is empty")
    }

    static func typeDescription(_ type: FieldType) -> (zh: String, en: String) {
        switch type {
        case .integer: ("整数", "an integer")
        case .decimal: ("数值", "a decimal number")
        case .boolean: ("布尔值（true/false、1/0、是/否）", "a boolean (true/false, 1/0, 是/否)")
        case .date: ("日期（YYYY-MM-DD，且为真实日期）", "a real date as YYYY-MM-DD")
        case .datetime:
            ("日期时间（YYYY-MM-DD HH:MM:SS 或 ISO 8601）", "a date-time (YYYY-MM-DD HH:MM:SS or ISO 8601)")
        case .string: ("字符串", "a string")
        case .text: ("文本", "a text")
        case .code: ("代码", "a code")
        case .uscc: ("统一社会信用代码", "a unified social credit code")
        case .organizationCode: ("组织机构代码", "an organisation code")
        case .idCard: ("公民身份号码", "a citizen ID number")
        case .division: ("行政区划代码", "a division code")
        case .industry: ("国民经济行业代码", "an industry code")
        case .pollutant: ("污染物代码", "a pollutant code")
        case .permitNumber: ("排污许可证编号", "a permit number")
        case .outletCode: ("排放口编码", "an outlet code")
        case .mn: ("设备唯一标识（MN）", "a device MN")
        }
    }

    static func type(_ field: FieldSpec) -> LocalizedText {
        let name = fieldName(field)
        let type = typeDescription(field.type)
        return LocalizedText(zh: "\(name.zh)的值不是有效的\(type.zh)", en: "\(name.en) is not \(type.en)")
    }

    static func codeType(_ field: FieldSpec, _ error: CodeError) -> LocalizedText {
        let name = fieldName(field)
        return LocalizedText(zh: "\(name.zh)：\(error.messageZH)", en: "\(name.en): \(error.message)")
    }

    static func pattern(_ field: FieldSpec, _ pattern: String) -> LocalizedText {
        let name = fieldName(field)
        return LocalizedText(
            zh: "\(name.zh)的值不符合格式要求 \(pattern)", en: "\(name.en) does not match the pattern \(pattern)")
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    static func range(_ field: FieldSpec, _ value: Double, _ minimum: Double, _ maximum: Double) -> LocalizedText {
        let name = fieldName(field)
        let unit = field.unit.map { " \($0)" } ?? ""
        let bounds: (zh: String, en: String)
        switch (minimum.isFinite, maximum.isFinite) {
        case (true, true):
            bounds = ("\(number(minimum))～\(number(maximum))\(unit)", "\(number(minimum))…\(number(maximum))\(unit)")
        case (true, false): bounds = ("不小于 \(number(minimum))\(unit)", "at least \(number(minimum))\(unit)")
        default: bounds = ("不大于 \(number(maximum))\(unit)", "at most \(number(maximum))\(unit)")
        }
        return LocalizedText(
            zh: "\(name.zh)的值 \(number(value)) 超出范围（应为 \(bounds.zh)）",
            en: "\(name.en) is \(number(value)), outside the range (\(bounds.en))")
    }

    static func length(_ field: FieldSpec, _ count: Int, _ minimum: Int, _ maximum: Int) -> LocalizedText {
        let name = fieldName(field)
        let bounds: (zh: String, en: String)
        switch (minimum > 0, maximum < Int.max) {
        case (true, true): bounds = ("\(minimum)～\(maximum) 个字符", "\(minimum) to \(maximum) characters")
        case (true, false): bounds = ("至少 \(minimum) 个字符", "at least \(minimum) characters")
        default: bounds = ("至多 \(maximum) 个字符", "at most \(maximum) characters")
        }
        return LocalizedText(
            zh: "\(name.zh)的长度为 \(count) 个字符（应为 \(bounds.zh)）",
            en: "\(name.en) has \(count) characters (expected \(bounds.en))")
    }

    static func code(_ field: FieldSpec, _ table: CodeTable) -> LocalizedText {
        let name = fieldName(field)
        return LocalizedText(
            zh: "\(name.zh)的值不在代码表“\(table.name.zh)”（\(table.id)）中",
            en: "\(name.en) is not a code of the table \(table.id) (\(table.name.en))")
    }

    static func deprecated(_ field: FieldSpec, _ entry: CodeEntry, _ table: CodeTable) -> LocalizedText {
        let name = fieldName(field)
        if let replacement = entry.replacedBy {
            let current = table.entry(replacement)?.name
            let label =
                current.map { (zh: "“\(replacement)”（\($0.zh)）", en: "\(replacement) (\($0.en))") }
                ?? (zh: "“\(replacement)”", en: replacement)
            return LocalizedText(
                zh: "\(name.zh)使用了已废止的代码“\(entry.code)”（\(entry.name.zh)），应改用\(label.zh)",
                en: "\(name.en) uses the deprecated code \(entry.code) (\(entry.name.en)); use \(label.en) instead")
        }
        return LocalizedText(
            zh: "\(name.zh)使用了已废止的代码“\(entry.code)”（\(entry.name.zh)）",
            en: "\(name.en) uses the deprecated code \(entry.code) (\(entry.name.en))")
    }

    static func unique(_ field: FieldSpec, first: (zh: String, en: String)) -> LocalizedText {
        let name = fieldName(field)
        return LocalizedText(
            zh: "\(name.zh)的值与\(first.zh)重复，该字段要求唯一",
            en: "\(name.en) repeats the value of \(first.en); it must be unique")
    }

    static func duplicateKey(_ entity: EntitySpec, first: (zh: String, en: String)) -> LocalizedText {
        let key = entity.key.joined(separator: "|")
        return LocalizedText(
            zh: "主键（\(key)）与\(first.zh)重复", en: "the key (\(key)) repeats that of \(first.en)")
    }

    static func firstRecord(file: String, record: Int, sameFile: Bool) -> (zh: String, en: String) {
        sameFile ? ("第 \(record) 条记录", "record \(record)") : ("\(file) 第 \(record) 条记录", "record \(record) of \(file)")
    }

    static func reference(_ field: FieldSpec, _ reference: FieldReference) -> LocalizedText {
        let name = fieldName(field)
        if !reference.scope.isEmpty {
            let scope = reference.scope.joined(separator: ", ")
            return LocalizedText(
                zh: "\(name.zh)连同 \(scope) 在输入的 \(reference.entity) 中找不到对应记录",
                en: "\(name.en) together with \(scope) matches no record of \(reference.entity) in the input")
        }
        return LocalizedText(
            zh: "\(name.zh)引用的值在输入的 \(reference.entity).\(reference.field) 中不存在",
            en: "\(name.en) refers to a value not found in \(reference.entity).\(reference.field) of the input")
    }

    static func stale(_ field: FieldSpec, date: String, ageDays: Int, maximum: Int, asOf: String) -> LocalizedText {
        let name = fieldName(field)
        return LocalizedText(
            zh: "\(name.zh)为 \(date)，距 \(asOf) 已 \(ageDays) 天，超过时效要求的 \(maximum) 天",
            en: "\(name.en) is \(date), \(ageDays) days before \(asOf), older than the \(maximum) days allowed")
    }

    static func future(_ field: FieldSpec, date: String, asOf: String) -> LocalizedText {
        let name = fieldName(field)
        return LocalizedText(
            zh: "\(name.zh)为 \(date)，晚于基准日期 \(asOf)", en: "\(name.en) is \(date), after the reference date \(asOf)")
    }

    static func unknownColumn(_ column: String) -> LocalizedText {
        LocalizedText(
            zh: "列“\(column)”不是本实体的字段，也不带已声明扩展命名空间的前缀",
            en: "column \(column) is not a field of the entity and carries no declared namespace prefix")
    }

    static func duplicateColumn(_ column: String, _ field: FieldSpec) -> LocalizedText {
        LocalizedText(
            zh: "列“\(column)”与前面的列重复指向字段 \(field.id)，已忽略",
            en: "column \(column) names field \(field.id) again; it is ignored")
    }

    static func missingColumn(_ field: FieldSpec) -> LocalizedText {
        let name = fieldName(field)
        return LocalizedText(
            zh: "表头缺少必填字段\(name.zh)的列，所有记录的该字段均视为缺失",
            en: "the header has no column for the required field \(name.en); it is missing from every record")
    }

    static func ragged(cells: Int, expected: Int) -> LocalizedText {
        LocalizedText(
            zh: "该行有 \(cells) 列，表头有 \(expected) 列；本行的字段未校验",
            en: "the row has \(cells) cells but the header has \(expected); its fields were not checked")
    }

    static func brokenQuote(_ status: CSVRecordScan.Status) -> LocalizedText {
        switch status {
        case .quoteInUnquotedCell:
            LocalizedText(
                zh: "未加引号的单元格中出现引号；已跳到下一行继续",
                en: "a quote inside an unquoted cell; reading resumed on the next line")
        case .textAfterClosingQuote:
            LocalizedText(
                zh: "右引号之后还有文字；已跳到下一行继续", en: "text after a closing quote; reading resumed on the next line")
        default:
            LocalizedText(
                zh: "引号没有闭合；已从引号所在行的下一行继续",
                en: "a quote is never closed; reading resumed on the line after it")
        }
    }

    static func encoding(bytes: String, offset: Int, encoding: String) -> LocalizedText {
        LocalizedText(
            zh: "字节偏移 \(offset) 处有无效的 \(encoding) 字节 \(bytes)",
            en: "invalid \(encoding) bytes \(bytes) at byte offset \(offset)")
    }

    static func nestedValue(_ key: String) -> LocalizedText {
        LocalizedText(
            zh: "键“\(key)”的值是对象或数组；字段值只能是字符串、数值、布尔值或 null",
            en: "the value of \(key) is an object or array; a field takes a string, number, boolean or null")
    }
}
