import Foundation
import Yams

/// An error in a WarningKit configuration file (alerting, cross-checks, clue intake and merging): what is wrong and
/// where — file, line, column and the key path — in English and Chinese.
///
/// ```swift
/// do {
///     _ = try AlertingConfiguration(yaml: text, file: "alerting.yaml")
/// } catch {
///     print(error)   // alerting.yaml:7:18: route.group_wait: `5 minutes` is not a duration (30s, 5m, 4h, 1d, 1h30m)
/// }
/// ```
public struct ConfigFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A broad, stable classification of the failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The file could not be read.
        public static let unreadable = Code("unreadable")
        /// The file is not well-formed YAML.
        public static let malformedYAML = Code("malformedYAML")
        /// A key that the format does not define (a typo must not silently switch a setting off).
        public static let unknownKey = Code("unknownKey")
        /// A required key is missing.
        public static let missingKey = Code("missingKey")
        /// A value of the wrong kind or outside its allowed range.
        public static let invalidValue = Code("invalidValue")

        /// The code's name.
        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// The file, as given.
    public var file: String
    /// The 1-based line, or 0 when unknown.
    public var line: Int
    /// The 1-based column, or 0 when unknown.
    public var column: Int
    /// The key path of the offending value (`route.routes[1].group_wait`), if any.
    public var key: String?
    /// What is wrong, in English.
    public var message: String
    /// What is wrong, in Chinese.
    public var messageZH: String

    /// Creates an error.
    public init(
        _ code: Code, file: String, line: Int = 0, column: Int = 0, key: String? = nil, message: String,
        messageZH: String
    ) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
        self.messageZH = messageZH
    }

    /// `file:line:column: key: message`.
    public var description: String {
        var text = line > 0 ? "\(file):\(line):\(column):" : "\(file):"
        if let key, !key.isEmpty { text += " \(key):" }
        return text + " \(message)"
    }
}

/// A YAML node of a configuration file with its key path, for located errors.
struct SettingNode {
    let node: Node
    let path: String
    let file: String

    /// Parses a whole file's text; the root must be a mapping.
    static func parse(yaml: String, file: String) throws(ConfigFileError) -> SettingNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            var line = 0
            var column = 0
            if let yamlError = error as? YamlError {
                switch yamlError {
                case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
                    line = mark.line
                    column = mark.column
                default: break
                }
            }
            throw ConfigFileError(
                .malformedYAML, file: file, line: line, column: column,
                message: "not well-formed YAML: \(error)", messageZH: "YAML 格式错误：\(error)")
        }
        guard let root else {
            throw ConfigFileError(.missingKey, file: file, message: "the file is empty", messageZH: "文件为空")
        }
        return SettingNode(node: root, path: "", file: file)
    }

    /// Reads and parses a file.
    static func read(_ url: URL) throws(ConfigFileError) -> SettingNode {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigFileError(
                .unreadable, file: url.path, message: "cannot read the file (\(error.localizedDescription))",
                messageZH: "无法读取文件")
        }
        return try parse(yaml: text, file: url.path)
    }

    func error(_ code: ConfigFileError.Code, _ message: String, _ messageZH: String) -> ConfigFileError {
        ConfigFileError(
            code, file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0,
            key: path.isEmpty ? nil : path, message: message, messageZH: messageZH)
    }

    func child(_ key: String, _ value: Node) -> SettingNode {
        SettingNode(node: value, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    /// The node as a mapping whose keys must all be in `allowed` (or anything, when `allowed` is `nil`).
    func mapping(allowed: Set<String>?) throws(ConfigFileError) -> SettingMap {
        guard case .mapping(let mapping) = node else {
            throw error(.invalidValue, "expected a mapping", "应为映射（键值对）")
        }
        var entries: [(key: String, node: SettingNode)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                throw SettingNode(node: keyNode, path: path, file: file).error(
                    .invalidValue, "keys must be plain strings", "键必须是字符串")
            }
            let key = scalar.string
            if let allowed, !allowed.contains(key) {
                let known = allowed.sorted().joined(separator: ", ")
                throw child(key, keyNode).error(
                    .unknownKey, "unknown key `\(key)` (known: \(known))", "未知的键“\(key)”（可用：\(known)）")
            }
            if entries.contains(where: { $0.key == key }) {
                throw child(key, keyNode).error(.invalidValue, "key `\(key)` appears twice", "键“\(key)”重复")
            }
            entries.append((key, child(key, value)))
        }
        return SettingMap(owner: self, entries: entries)
    }

    /// Whether the node is a single value (not a mapping or a list).
    var isScalar: Bool {
        if case .scalar = node { return true }
        return false
    }

    /// The node as a sequence of nodes.
    func sequence() throws(ConfigFileError) -> [SettingNode] {
        guard case .sequence(let sequence) = node else {
            throw error(.invalidValue, "expected a list", "应为列表")
        }
        return sequence.enumerated().map {
            SettingNode(node: $0.element, path: "\(path)[\($0.offset)]", file: file)
        }
    }

    /// The node as a scalar string.
    func string() throws(ConfigFileError) -> String {
        guard case .scalar(let scalar) = node else {
            throw error(.invalidValue, "expected a single value", "应为单个值")
        }
        return scalar.string
    }

    func double() throws(ConfigFileError) -> Double {
        let text = try string()
        guard let value = Double(text), value.isFinite else {
            throw error(.invalidValue, "`\(text)` is not a number", "“\(text)”不是数值")
        }
        return value
    }

    func int() throws(ConfigFileError) -> Int {
        let text = try string()
        guard let value = Int(text) else {
            throw error(.invalidValue, "`\(text)` is not an integer", "“\(text)”不是整数")
        }
        return value
    }

    func bool() throws(ConfigFileError) -> Bool {
        switch try string() {
        case "true": return true
        case "false": return false
        case let text: throw error(.invalidValue, "`\(text)` is not true or false", "“\(text)”应为 true 或 false")
        }
    }

    /// A duration in seconds: `30s`, `5m`, `4h`, `1d`, `1h30m`, or a bare number of seconds.
    func duration() throws(ConfigFileError) -> Int64 {
        let text = try string()
        guard let seconds = Self.parseDuration(text), seconds <= Self.longestDuration else {
            throw error(
                .invalidValue, "`\(text)` is not a duration (30s, 5m, 4h, 1d, 1h30m)",
                "“\(text)”不是时长（如 30s、5m、4h、1d、1h30m）")
        }
        return seconds
    }

    func strings() throws(ConfigFileError) -> [String] {
        var result: [String] = []
        for item in try sequence() { result.append(try item.string()) }
        return result
    }
}

/// A mapping of a configuration file, read key by key.
struct SettingMap {
    let owner: SettingNode
    let entries: [(key: String, node: SettingNode)]

    subscript(_ key: String) -> SettingNode? { entries.first { $0.key == key }?.node }

    func required(_ key: String) throws(ConfigFileError) -> SettingNode {
        guard let node = self[key] else {
            throw owner.error(.missingKey, "the key `\(key)` is required", "缺少必填键“\(key)”")
        }
        return node
    }

    func string(_ key: String) throws(ConfigFileError) -> String? { try self[key]?.string() }
    func double(_ key: String) throws(ConfigFileError) -> Double? { try self[key]?.double() }
    func int(_ key: String) throws(ConfigFileError) -> Int? { try self[key]?.int() }
    func bool(_ key: String) throws(ConfigFileError) -> Bool? { try self[key]?.bool() }
    func duration(_ key: String) throws(ConfigFileError) -> Int64? { try self[key]?.duration() }
    func strings(_ key: String) throws(ConfigFileError) -> [String]? { try self[key]?.strings() }

    /// A number that must lie in `range`.
    func double(_ key: String, in range: ClosedRange<Double>) throws(ConfigFileError) -> Double? {
        guard let node = self[key] else { return nil }
        let value = try node.double()
        guard range.contains(value) else {
            throw node.error(
                .invalidValue, "\(value) is outside \(range.lowerBound)…\(range.upperBound)",
                "\(value) 超出范围 \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    /// A warning level (`1`…`4`).
    func level(_ key: String) throws(ConfigFileError) -> WarningLevel? {
        guard let node = self[key] else { return nil }
        guard let level = WarningLevel(rawValue: (try? node.int()) ?? 0) else {
            throw node.error(
                .invalidValue, "a warning level is 1 (red) … 4 (blue)", "预警级别应为 1（红色）至 4（蓝色）")
        }
        return level
    }
}

extension SettingNode {
    /// The longest duration a configuration may give: 100 years (so that no time arithmetic can overflow).
    static let longestDuration: Int64 = 100 * 366 * 86_400

    /// Parses `30s`, `5m`, `4h`, `1d`, `1h30m` or a bare number of seconds; `nil` when malformed.
    static func parseDuration(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        if let seconds = Int64(trimmed) { return seconds >= 0 ? seconds : nil }
        var total: Int64 = 0
        var number: Int64?
        for character in trimmed {
            if let digit = character.wholeNumberValue, character.isASCII {
                let (product, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                number = product + Int64(digit)
                continue
            }
            guard let value = number else { return nil }
            let unit: Int64
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86_400
            default: return nil
            }
            let (product, overflow) = value.multipliedReportingOverflow(by: unit)
            if overflow { return nil }
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            if sumOverflow { return nil }
            total = sum
            number = nil
        }
        return number == nil ? total : nil
    }

    /// `90` → `1m30s`, `14400` → `4h`: the shortest form of a duration, for messages.
    static func formatDuration(_ seconds: Int64) -> String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var text = ""
        for (unit, name) in [(Int64(86_400), "d"), (3600, "h"), (60, "m"), (1, "s")] where rest >= unit {
            text += "\(rest / unit)\(name)"
            rest %= unit
        }
        return text
    }
}
