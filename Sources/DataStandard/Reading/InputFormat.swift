/// The record format of an input file.
public struct InputFormat: Hashable, Sendable, CustomStringConvertible {
    @usableFromInline
    enum Base: Hashable, Sendable { case automatic, csv, jsonLines, jsonArray }

    @usableFromInline let base: Base

    private init(_ base: Base) { self.base = base }

    /// Decide by the file name (`.csv`, `.jsonl`/`.ndjson`, `.json`), else by the first character that is not
    /// white space (`[` a JSON array, `{` JSON Lines, anything else CSV).
    public static let automatic = InputFormat(.automatic)
    /// Comma-separated values (RFC 4180) with a header row of field ids or Chinese field names.
    public static let csv = InputFormat(.csv)
    /// One JSON object per line.
    public static let jsonLines = InputFormat(.jsonLines)
    /// One JSON array of objects (read as a stream, never loaded whole).
    public static let jsonArray = InputFormat(.jsonArray)

    /// `automatic`, `csv`, `jsonl` or `json`.
    public var description: String {
        switch base {
        case .automatic: "automatic"
        case .csv: "csv"
        case .jsonLines: "jsonl"
        case .jsonArray: "json"
        }
    }

    /// The format with this name: `auto`, `csv`, `jsonl`/`ndjson`, `json` (case-insensitive), or `nil`.
    public init?(name: String) {
        switch name.lowercased() {
        case "auto", "automatic": self = .automatic
        case "csv": self = .csv
        case "jsonl", "ndjson", "jsonlines": self = .jsonLines
        case "json": self = .jsonArray
        default: return nil
        }
    }
}
