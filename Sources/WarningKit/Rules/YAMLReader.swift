import DataStandard
import Foundation
import Yams

/// A parsed YAML file whose nodes keep their places (1-based line and column).
struct YAMLSource {
    let file: String
    let root: Node

    /// Parses `text`; a syntax error becomes a located diagnostic and `nil`.
    static func parse(_ text: String, file: String, sink: DiagnosticSink) -> YAMLSource? {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                sink.error("yaml.empty", "the file is empty", at: SourceLocation(file: file))
                return nil
            }
            return YAMLSource(file: file, root: node)
        } catch let error as YamlError {
            let (message, mark) = describe(error)
            sink.error(
                "yaml.syntax", message, at: SourceLocation(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0)
            )
            return nil
        } catch {
            sink.error("yaml.syntax", "\(error)", at: SourceLocation(file: file))
            return nil
        }
    }

    /// Reads and parses a file; an unreadable file or a syntax error becomes a diagnostic and `nil`.
    static func read(_ url: URL, displayPath: String, sink: DiagnosticSink) -> YAMLSource? {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            sink.error("io.unreadable", "cannot read the file", at: SourceLocation(file: displayPath))
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            sink.error("io.encoding", "the file is not UTF-8", at: SourceLocation(file: displayPath))
            return nil
        }
        return parse(text, file: displayPath, sink: sink)
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
    func rootMapping(sink: DiagnosticSink, prefix: String) -> YAMLMap? {
        YAMLMap.make(root, path: "", source: self, sink: sink, prefix: prefix)
    }
}

/// Reads one YAML mapping: typed accessors that report located diagnostics, and ``finish()`` that reports unknown
/// keys (a typo must not silently switch a rule or a parameter off).
final class YAMLMap {
    let node: Node
    let mapping: Node.Mapping
    let path: String
    let source: YAMLSource
    let sink: DiagnosticSink
    /// The prefix of the diagnostics' check ids (`rules`, `profile`, `monitoring`).
    let prefix: String
    private var used: Set<String> = []

    private init(
        node: Node, mapping: Node.Mapping, path: String, source: YAMLSource, sink: DiagnosticSink, prefix: String
    ) {
        self.node = node
        self.mapping = mapping
        self.path = path
        self.source = source
        self.sink = sink
        self.prefix = prefix
    }

    static func make(_ node: Node, path: String, source: YAMLSource, sink: DiagnosticSink, prefix: String) -> YAMLMap? {
        guard let mapping = node.mapping else {
            sink.error(
                "\(prefix).type", "\(path.isEmpty ? "the document" : "`\(path)`") must be a mapping",
                at: source.location(node))
            return nil
        }
        return YAMLMap(node: node, mapping: mapping, path: path, source: source, sink: sink, prefix: prefix)
    }

    var location: SourceLocation { source.location(node) }

    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The keys of the mapping, in file order.
    var keys: [String] { mapping.keys.compactMap(\.string) }

    /// The raw node of `key`, marking the key as known.
    func node(_ key: String) -> Node? {
        used.insert(key)
        return mapping[key]
    }

    func has(_ key: String) -> Bool { mapping[key] != nil }

    func location(of key: String) -> SourceLocation { source.location(mapping[key] ?? node) }

    /// The location of the key itself (not its value).
    func keyLocation(of key: String) -> SourceLocation {
        source.location(mapping.keys.first { $0.string == key } ?? node)
    }

    func error(_ check: String, _ message: String, at key: String? = nil) {
        sink.error("\(prefix).\(check)", message, at: key.map { location(of: $0) } ?? location)
    }

    func warning(_ check: String, _ message: String, at key: String? = nil) {
        sink.warning("\(prefix).\(check)", message, at: key.map { location(of: $0) } ?? location)
    }

    private func missing(_ key: String) {
        sink.error("\(prefix).missing-key", "`\(childPath(key))` is required", at: location)
    }

    private func scalar(_ key: String, required: Bool) -> (String, Node)? {
        guard let value = node(key) else {
            if required { missing(key) }
            return nil
        }
        if case .scalar(let scalar) = value {
            if scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                if required { missing(key) }
                return nil
            }
            return (scalar.string, value)
        }
        sink.error("\(prefix).type", "`\(childPath(key))` must be a scalar value", at: source.location(value))
        return nil
    }

    func string(_ key: String, required: Bool = false) -> String? {
        scalar(key, required: required)?.0
    }

    func int(_ key: String, required: Bool = false) -> Int? {
        guard let (text, node) = scalar(key, required: required) else { return nil }
        guard let value = Int(text) else {
            sink.error(
                "\(prefix).type", "`\(childPath(key))` must be an integer, found `\(text)`",
                at: source.location(node))
            return nil
        }
        return value
    }

    func double(_ key: String, required: Bool = false) -> Double? {
        guard let (text, node) = scalar(key, required: required) else { return nil }
        guard let value = Double(text), value.isFinite else {
            sink.error(
                "\(prefix).type", "`\(childPath(key))` must be a number, found `\(text)`", at: source.location(node))
            return nil
        }
        return value
    }

    func bool(_ key: String) -> Bool? {
        guard let (text, node) = scalar(key, required: false) else { return nil }
        switch text.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            sink.error(
                "\(prefix).type", "`\(childPath(key))` must be true or false, found `\(text)`",
                at: source.location(node))
            return nil
        }
    }

    /// A string that must be one of `allowed`.
    func choice(_ key: String, _ allowed: [String], required: Bool = false) -> String? {
        guard let (text, node) = scalar(key, required: required) else { return nil }
        guard allowed.contains(text) else {
            sink.error(
                "\(prefix).value",
                "`\(childPath(key))` must be one of \(allowed.joined(separator: ", ")), found `\(text)`",
                at: source.location(node))
            return nil
        }
        return text
    }

    func mapping(_ key: String, required: Bool = false) -> YAMLMap? {
        guard let value = node(key) else {
            if required { missing(key) }
            return nil
        }
        if case .scalar(let scalar) = value, scalar.style == .plain,
            ["", "~", "null", "Null", "NULL"].contains(scalar.string)
        {
            if required { missing(key) }
            return nil
        }
        return YAMLMap.make(value, path: childPath(key), source: source, sink: sink, prefix: prefix)
    }

    /// The elements of a sequence (an absent key is an empty sequence unless required).
    func sequence(_ key: String, required: Bool = false) -> [Node] {
        guard let value = node(key) else {
            if required { missing(key) }
            return []
        }
        guard let sequence = value.sequence else {
            sink.error("\(prefix).type", "`\(childPath(key))` must be a list", at: source.location(value))
            return []
        }
        return Array(sequence)
    }

    /// The mappings of a sequence of mappings.
    func mappings(_ key: String, required: Bool = false) -> [YAMLMap] {
        sequence(key, required: required).enumerated().compactMap { offset, node in
            YAMLMap.make(node, path: "\(childPath(key))[\(offset)]", source: source, sink: sink, prefix: prefix)
        }
    }

    /// A list of scalars, or `nil` when the key is absent.
    func strings(_ key: String, required: Bool = false) -> [String]? {
        guard has(key) || required else {
            used.insert(key)
            return nil
        }
        var result: [String] = []
        for item in sequence(key, required: required) {
            guard case .scalar(let scalar) = item else {
                sink.error(
                    "\(prefix).type", "`\(childPath(key))` must be a list of values", at: source.location(item))
                continue
            }
            result.append(scalar.string)
        }
        return result
    }

    /// A bilingual text `{zh: …, en: …}`.
    func localized(_ key: String, required: Bool = false) -> LocalizedText? {
        guard let map = mapping(key, required: required) else { return nil }
        let zh = map.string("zh", required: true)
        let en = map.string("en", required: true)
        map.finish()
        guard let zh, let en else { return nil }
        return LocalizedText(zh: zh, en: en)
    }

    /// Reports every key that no accessor asked for.
    func finish() {
        for (key, _) in mapping {
            guard let name = key.string, !used.contains(name) else { continue }
            sink.error("\(prefix).unknown-key", "unknown key `\(childPath(name))`", at: source.location(key))
        }
    }
}
