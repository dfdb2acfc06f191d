import Foundation
import Yams

/// A parsed YAML file whose nodes keep their places, read through ``MappingReader``s that report unknown keys,
/// missing keys and wrong types as located diagnostics.
struct YAMLDocument {
    let file: String
    let root: Node

    /// Parses `text`; a syntax error becomes a diagnostic and `nil`.
    static func parse(_ text: String, file: String, log: DiagnosticLog) -> YAMLDocument? {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                log.error("yaml.empty", "the file is empty", at: SourceLocation(file: file))
                return nil
            }
            return YAMLDocument(file: file, root: node)
        } catch let error as YamlError {
            let (message, mark) = describe(error)
            log.error(
                "yaml.syntax", message,
                at: SourceLocation(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0))
            return nil
        } catch {
            log.error("yaml.syntax", "\(error)", at: SourceLocation(file: file))
            return nil
        }
    }

    private static func describe(_ error: YamlError) -> (String, Mark?) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return ("YAML syntax error: \(text)", mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ("duplicate key \(duplicates.joined(separator: ", ")) in a mapping", context.mark)
        case .reader(let problem, _, _, _):
            return ("YAML reader error: \(problem)", nil)
        default:
            return ("YAML error: \(error)", nil)
        }
    }

    func location(_ node: Node?) -> SourceLocation {
        SourceLocation(file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0)
    }

    /// The root as a mapping, or a diagnostic.
    func rootMapping(log: DiagnosticLog) -> MappingReader? {
        MappingReader.make(root, path: "", document: self, log: log)
    }
}

/// Reads one YAML mapping: typed accessors that log located diagnostics, and ``finish()`` that reports unknown keys.
final class MappingReader {
    let node: Node
    let mapping: Node.Mapping
    let path: String
    let document: YAMLDocument
    let log: DiagnosticLog
    private var used: Set<String> = []

    private init(node: Node, mapping: Node.Mapping, path: String, document: YAMLDocument, log: DiagnosticLog) {
        self.node = node
        self.mapping = mapping
        self.path = path
        self.document = document
        self.log = log
    }

    static func make(_ node: Node, path: String, document: YAMLDocument, log: DiagnosticLog) -> MappingReader? {
        guard let mapping = node.mapping else {
            log.error("spec.type", "\(label(path)) must be a mapping", at: document.location(node))
            return nil
        }
        return MappingReader(node: node, mapping: mapping, path: path, document: document, log: log)
    }

    private static func label(_ path: String) -> String { path.isEmpty ? "the document" : "`\(path)`" }

    var location: SourceLocation { document.location(node) }

    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The raw node of `key`, marking the key as known.
    func node(_ key: String) -> Node? {
        used.insert(key)
        return mapping[key]
    }

    func has(_ key: String) -> Bool { mapping[key] != nil }

    func location(of key: String) -> SourceLocation { document.location(mapping[key] ?? node) }

    private func missing(_ key: String) {
        log.error("spec.missing-key", "`\(childPath(key))` is required", at: location)
    }

    private func scalar(_ key: String, required: Bool) -> (String, Node)? {
        guard let value = node(key) else {
            if required { missing(key) }
            return nil
        }
        if case .scalar(let scalar) = value {
            // YAML's null: a plain `null`, `Null`, `NULL`, `~` or nothing (a quoted "null" is a string).
            if scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                if required { missing(key) }
                return nil
            }
            return (scalar.string, value)
        }
        log.error("spec.type", "`\(childPath(key))` must be a scalar value", at: document.location(value))
        return nil
    }

    func string(_ key: String, required: Bool = false) -> String? {
        scalar(key, required: required)?.0
    }

    func int(_ key: String, required: Bool = false) -> Int? {
        guard let (text, node) = scalar(key, required: required) else { return nil }
        guard let value = Int(text) else {
            log.error(
                "spec.type", "`\(childPath(key))` must be an integer, found `\(text)`", at: document.location(node))
            return nil
        }
        return value
    }

    func double(_ key: String, required: Bool = false) -> Double? {
        guard let (text, node) = scalar(key, required: required) else { return nil }
        guard let value = Double(text), value.isFinite else {
            log.error("spec.type", "`\(childPath(key))` must be a number, found `\(text)`", at: document.location(node))
            return nil
        }
        return value
    }

    func bool(_ key: String, default defaultValue: Bool = false) -> Bool {
        guard let (text, node) = scalar(key, required: false) else { return defaultValue }
        switch text.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            log.error(
                "spec.type", "`\(childPath(key))` must be true or false, found `\(text)`", at: document.location(node))
            return defaultValue
        }
    }

    /// A string that must be one of `allowed`.
    func choice(_ key: String, _ allowed: [String], required: Bool = false) -> String? {
        guard let (text, node) = scalar(key, required: required) else { return nil }
        guard allowed.contains(text) else {
            log.error(
                "spec.value",
                "`\(childPath(key))` must be one of \(allowed.joined(separator: ", ")), found `\(text)`",
                at: document.location(node))
            return nil
        }
        return text
    }

    func mapping(_ key: String, required: Bool = false) -> MappingReader? {
        guard let value = node(key) else {
            if required { missing(key) }
            return nil
        }
        return MappingReader.make(value, path: childPath(key), document: document, log: log)
    }

    /// The elements of a sequence (an absent key is an empty sequence unless required).
    func sequence(_ key: String, required: Bool = false) -> [Node] {
        guard let value = node(key) else {
            if required { missing(key) }
            return []
        }
        guard let sequence = value.sequence else {
            log.error("spec.type", "`\(childPath(key))` must be a list", at: document.location(value))
            return []
        }
        return Array(sequence)
    }

    /// The mappings of a sequence of mappings.
    func mappings(_ key: String, required: Bool = false) -> [MappingReader] {
        sequence(key, required: required).enumerated().compactMap { offset, node in
            MappingReader.make(node, path: "\(childPath(key))[\(offset)]", document: document, log: log)
        }
    }

    /// A list of scalars.
    func strings(_ key: String, required: Bool = false) -> [String]? {
        guard has(key) || required else {
            used.insert(key)
            return nil
        }
        var result: [String] = []
        for item in sequence(key, required: required) {
            if case .scalar(let scalar) = item {
                result.append(scalar.string)
            } else {
                log.error("spec.type", "`\(childPath(key))` must be a list of values", at: document.location(item))
            }
        }
        return result
    }

    /// A `{zh, en}` text.
    func localized(_ key: String, required: Bool = false) -> LocalizedText? {
        guard let reader = mapping(key, required: required) else { return nil }
        defer { reader.finish() }
        guard let zh = reader.string("zh", required: true), let en = reader.string("en", required: true) else {
            return nil
        }
        return LocalizedText(zh: zh, en: en)
    }

    /// Reports every key that no accessor asked for.
    func finish() {
        for (key, _) in mapping {
            let name = key.string ?? "?"
            if !used.contains(name) {
                log.error("spec.unknown-key", "unknown key `\(childPath(name))`", at: document.location(key))
            }
        }
    }
}
