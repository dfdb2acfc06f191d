/// The text encoding of an input file.
///
/// ```swift
/// var options = RecordValidator.Options()
/// options.encoding = .gb18030   // what Excel writes on Chinese Windows ("CSV (逗号分隔)")
/// ```
public struct InputEncoding: Hashable, Sendable, CustomStringConvertible {
    @usableFromInline
    enum Base: Hashable, Sendable { case automatic, utf8, gb18030 }

    @usableFromInline let base: Base

    private init(_ base: Base) { self.base = base }

    /// Detect the encoding: a UTF-8 byte-order mark means UTF-8; otherwise the first 64 KiB decide: valid UTF-8
    /// means UTF-8, and bytes that are not UTF-8 but decode as GB18030 mean GB18030.
    ///
    /// A file whose first 64 KiB are pure ASCII is read as UTF-8; GB18030 bytes further on are then reported as
    /// encoding errors. Choose ``gb18030`` explicitly for such files.
    public static let automatic = InputEncoding(.automatic)
    /// UTF-8, with or without a byte-order mark.
    public static let utf8 = InputEncoding(.utf8)
    /// GB18030, which includes GBK and GB2312 (the "ANSI" code page 936 of Chinese Windows).
    public static let gb18030 = InputEncoding(.gb18030)

    /// `automatic`, `utf-8` or `gb18030`.
    public var description: String {
        switch base {
        case .automatic: "automatic"
        case .utf8: "utf-8"
        case .gb18030: "gb18030"
        }
    }

    /// The encoding with this name: `auto`/`automatic`, `utf-8`/`utf8`, `gb18030`/`gbk`/`gb2312`/`cp936`
    /// (case-insensitive), or `nil`.
    public init?(name: String) {
        switch name.lowercased() {
        case "auto", "automatic": self = .automatic
        case "utf-8", "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936": self = .gb18030
        default: return nil
        }
    }
}
