import Foundation

/// A compiled `pattern` constraint: the whole value must match (ICU regular-expression semantics).
///
/// Most patterns in a data standard are sequences of character classes with fixed or bounded repeats
/// (`[0-9]{6}`, `[A-Z]{2}\d{4,8}`, `[\u4e00-\u9fa5]{2,20}`). Those run on a tiny allocation-free matcher over the
/// UTF-8 bytes, provided greedy matching is provably exact (each variable repeat is followed by characters it
/// cannot match). Everything else — groups, alternation, look-around, Unicode properties, and non-ASCII text
/// against `\d`, `\w` or `\s` — goes to `NSRegularExpression` (ICU), compiled once.
struct ValuePattern: Sendable {
    /// The pattern as written in the standard.
    let source: String
    private let flat: FlatPattern?
    private let regex: CompiledRegex

    /// Compiles a pattern; throws when ICU rejects it.
    init(_ source: String) throws(DataStandardError) {
        self.source = source
        do {
            let expression = try NSRegularExpression(pattern: "\\A(?:" + source + ")\\z", options: [])
            regex = CompiledRegex(expression)
        } catch {
            throw DataStandardError(.malformedSpec, "invalid pattern \(source): \(error)")
        }
        flat = SimplePattern(parsing: source).map(FlatPattern.init)
    }

    /// Whether the fast matcher handles this pattern.
    var isSimple: Bool { flat != nil }

    /// The fast matcher's tables for hot loops (valid while this pattern lives), or `nil`.
    var handle: PatternHandle? { flat?.handle }

    /// Whether the whole value matches.
    func matches(_ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        if let handle {
            switch handle.match(base, count) {
            case .match: return true
            case .noMatch: return false
            case .undecided: break
            }
        }
        return matchesWithICU(base, count)
    }

    /// Whether the whole value matches, by ICU alone.
    func matchesWithICU(_ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        regex.matches(String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self))
    }

    /// Whether the whole string matches.
    func matches(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return regex.matches("") }
            return matches(base, buffer.count)
        }
    }
}

/// One repeated character class of a flattened pattern: trivial values only.
struct FlatPatternItem {
    var low: UInt64
    var high: UInt64
    var negated: Bool
    var unicodeDependent: Bool
    var rangeStart: Int
    var rangeCount: Int
    var minimum: Int
    var maximum: Int

    @inline(__always)
    func containsASCII(_ byte: UInt8) -> Bool {
        let member = byte < 64 ? (low >> UInt64(byte)) & 1 == 1 : (high >> UInt64(byte &- 64)) & 1 == 1
        return member != negated
    }
}

/// A ``SimplePattern`` in memory of its own, matched through plain pointers (no reference counting).
///
/// `@unchecked Sendable`: written once in `init`, read-only afterwards.
final class FlatPattern: @unchecked Sendable {
    let items: UnsafeMutablePointer<FlatPatternItem>
    let ranges: UnsafeMutablePointer<UInt32>
    let starts: UnsafeMutablePointer<Int>
    /// Per alternative: the fewest and most bytes a matching value can have.
    let lengths: UnsafeMutablePointer<Int>
    let alternatives: Int
    /// The ASCII shapes of the pattern (``PatternShape``), or -1 when it has none.
    let shapeCount: Int
    let shapes: UnsafeMutablePointer<PatternShape>
    /// Per shape position: the offset of its class in `classes`.
    let positions: UnsafeMutablePointer<Int32>
    /// Class tables of 256 bytes: 1 for the ASCII members.
    let classes: UnsafeMutablePointer<UInt8>

    init(_ pattern: SimplePattern) {
        var items: [FlatPatternItem] = []
        var ranges: [UInt32] = []
        var starts: [Int] = []
        var lengths: [Int] = []
        for alternative in pattern.alternatives {
            starts.append(items.count)
            var shortest = 0
            var longest = 0
            for item in alternative {
                let asciiOnly = !item.set.negated && item.set.ranges.isEmpty && !item.set.unicodeDependent
                shortest = shortest &+ item.minimum
                let width = asciiOnly ? 1 : 4
                if item.maximum == Int.max || longest == Int.max {
                    longest = Int.max
                } else {
                    longest += item.maximum * width
                }
            }
            lengths += [shortest, longest]
            for item in alternative {
                items.append(
                    FlatPatternItem(
                        low: item.set.low, high: item.set.high, negated: item.set.negated,
                        unicodeDependent: item.set.unicodeDependent, rangeStart: ranges.count / 2,
                        rangeCount: item.set.ranges.count, minimum: item.minimum, maximum: item.maximum))
                for range in item.set.ranges { ranges += [range.lowerBound, range.upperBound] }
            }
        }
        starts.append(items.count)
        alternatives = pattern.alternatives.count
        let expanded = PatternShape.expand(pattern)
        shapeCount = expanded.map(\.shapes.count) ?? -1
        let shapeList = expanded?.shapes ?? []
        let positionList = expanded?.positions ?? []
        let classList = expanded?.classes ?? []
        shapes = .allocate(capacity: max(shapeList.count, 1))
        shapes.initialize(from: shapeList, count: shapeList.count)
        positions = .allocate(capacity: max(positionList.count, 1))
        positions.initialize(from: positionList, count: positionList.count)
        classes = .allocate(capacity: max(classList.count, 1))
        classes.initialize(from: classList, count: classList.count)
        self.items = .allocate(capacity: max(items.count, 1))
        self.items.initialize(from: items, count: items.count)
        self.ranges = .allocate(capacity: max(ranges.count, 1))
        self.ranges.initialize(from: ranges, count: ranges.count)
        self.starts = .allocate(capacity: starts.count)
        self.starts.initialize(from: starts, count: starts.count)
        self.lengths = .allocate(capacity: max(lengths.count, 1))
        self.lengths.initialize(from: lengths, count: lengths.count)
    }

    deinit {
        shapes.deallocate()
        positions.deallocate()
        classes.deallocate()
        lengths.deallocate()
        items.deallocate()
        ranges.deallocate()
        starts.deallocate()
    }

    var handle: PatternHandle {
        PatternHandle(
            items: items, ranges: ranges, starts: starts, lengths: lengths, alternatives: alternatives,
            shapeCount: shapeCount, shapes: shapes, positions: positions, classes: classes)
    }
}

/// One alternative of a simple pattern for ASCII values, with every bounded repeat but one fixed: the classes of a
/// prefix, one class repeated `middleMinimum...middleMaximum` times, the classes of a suffix.
///
/// For a value of `n` ASCII characters the middle's repeat count is `n` minus the fixed positions, so each byte
/// is checked against exactly one class: no backtracking, no branches on the data. An alternative with several
/// bounded repeats expands into one shape per choice of the counts of all but one (a few at most).
struct PatternShape {
    /// The first position of the prefix in ``FlatPattern/positions``.
    var prefixStart: Int
    var prefixCount: Int
    /// The offset of the middle's class table in ``FlatPattern/classes``.
    var middleClass: Int
    var middleMinimum: Int
    /// `Int.max` when unbounded.
    var middleMaximum: Int
    var suffixStart: Int
    var suffixCount: Int

    static let maximumShapes = 32
    static let maximumPositions = 4096
    static let maximumClasses = 64

    /// The shapes of a pattern, the class of each of their positions (as offsets of class tables) and the class
    /// tables (256 bytes each: 1 for a member, 0 otherwise; 0 for every byte from 0x80). `nil` when the pattern
    /// expands into too many shapes, or has two unbounded repeats in one alternative.
    static func expand(_ pattern: SimplePattern) -> (shapes: [PatternShape], positions: [Int32], classes: [UInt8])? {
        var shapes: [PatternShape] = []
        var positions: [Int32] = []
        var classes: [UInt8] = []
        var classOffsets: [ScalarSet: Int] = [:]
        func classOffset(_ set: ScalarSet) -> Int {
            if let offset = classOffsets[set] { return offset }
            let offset = classes.count
            for byte in 0..<256 { classes.append(byte < 128 && set.containsASCII(UInt8(byte)) ? 1 : 0) }
            classOffsets[set] = offset
            return offset
        }
        for alternative in pattern.alternatives {
            let unbounded = alternative.indices.filter { alternative[$0].maximum == Int.max }
            if unbounded.count > 1 { return nil }
            var middle = unbounded.first
            if middle == nil {
                var widest = 0
                for (index, item) in alternative.enumerated() where item.maximum - item.minimum > widest {
                    widest = item.maximum - item.minimum
                    middle = index
                }
            }
            // The repeat count of every item (the middle's is its minimum, unused).
            var choices: [[Int]] = [[]]
            for (index, item) in alternative.enumerated() {
                if index == middle || item.minimum == item.maximum {
                    choices = choices.map { $0 + [item.minimum] }
                    continue
                }
                if item.maximum - item.minimum >= maximumShapes { return nil }
                choices = choices.flatMap { counts in (item.minimum...item.maximum).map { counts + [$0] } }
                if shapes.count + choices.count > maximumShapes { return nil }
            }
            for counts in choices {
                var prefix: [Int32] = []
                var suffix: [Int32] = []
                for (index, item) in alternative.enumerated() where index != middle {
                    if positions.count + prefix.count + suffix.count + counts[index] > maximumPositions { return nil }
                    let offset = Int32(classOffset(item.set))
                    for _ in 0..<counts[index] {
                        if let middle, index > middle { suffix.append(offset) } else { prefix.append(offset) }
                    }
                }
                var shape = PatternShape(
                    prefixStart: positions.count, prefixCount: prefix.count, middleClass: 0, middleMinimum: 0,
                    middleMaximum: 0, suffixStart: positions.count + prefix.count, suffixCount: suffix.count)
                if let middle {
                    let item = alternative[middle]
                    shape.middleClass = classOffset(item.set)
                    shape.middleMinimum = item.minimum
                    shape.middleMaximum = item.maximum
                }
                positions += prefix + suffix
                shapes.append(shape)
            }
            if classOffsets.count > maximumClasses { return nil }
        }
        return (shapes, positions, classes)
    }
}

/// Plain pointers to a ``FlatPattern``.
struct PatternHandle {
    let items: UnsafeMutablePointer<FlatPatternItem>
    let ranges: UnsafeMutablePointer<UInt32>
    let starts: UnsafeMutablePointer<Int>
    let lengths: UnsafeMutablePointer<Int>
    let alternatives: Int
    let shapeCount: Int
    let shapes: UnsafeMutablePointer<PatternShape>
    let positions: UnsafeMutablePointer<Int32>
    let classes: UnsafeMutablePointer<UInt8>

    /// Whether the value matches one of the shapes: exact for an ASCII value; a value with other bytes never matches.
    @inline(__always)
    func matchShapes(_ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        while index < shapeCount {
            let shape = shapes + index
            index &+= 1
            let prefixCount = shape.pointee.prefixCount
            let suffixCount = shape.pointee.suffixCount
            let middle = count &- prefixCount &- suffixCount
            if middle < shape.pointee.middleMinimum || middle > shape.pointee.middleMaximum { continue }
            var found: UInt8 = 1
            var classes = positions + shape.pointee.prefixStart
            var position = 0
            while position < prefixCount {
                found &= self.classes[Int(classes[position]) &+ Int(base[position])]
                position &+= 1
            }
            let middleClass = self.classes + shape.pointee.middleClass
            let middleEnd = prefixCount &+ middle
            while position < middleEnd {
                found &= middleClass[Int(base[position])]
                position &+= 1
            }
            classes = positions + shape.pointee.suffixStart
            let suffix = base + position
            position = 0
            while position < suffixCount {
                found &= self.classes[Int(classes[position]) &+ Int(suffix[position])]
                position &+= 1
            }
            if found != 0 { return true }
        }
        return false
    }

    /// Whether all bytes are ASCII.
    @inline(__always)
    static func isASCII(_ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var bits: UInt8 = 0
        var index = 0
        while index < count {
            bits |= base[index]
            index &+= 1
        }
        return bits < 0x80
    }

    /// Matches the whole value: `.undecided` when ICU must decide.
    @inline(__always)
    func match(_ base: UnsafePointer<UInt8>, _ count: Int) -> SimplePattern.Outcome {
        if shapeCount >= 0 {
            // Class tables have no member from 0x80: a value that matches a shape is ASCII. One that does not is
            // decided here only if it is ASCII.
            if matchShapes(base, count) { return .match }
            if Self.isASCII(base, count) { return .noMatch }
        }
        var undecided = false
        for alternative in 0..<alternatives {
            // Characters are 1 to 4 bytes: a value too short or too long for the alternative cannot match it.
            if count < lengths[alternative &* 2] || count > lengths[alternative &* 2 &+ 1] { continue }
            var budget = 4096
            switch matchItems(starts[alternative], starts[alternative &+ 1], base, 0, count, &budget) {
            case .match: return .match
            case .undecided: undecided = true
            case .noMatch: break
            }
        }
        return undecided ? .undecided : .noMatch
    }

    @inline(__always)
    private func containsNonASCII(_ item: FlatPatternItem, _ scalar: UInt32) -> Bool? {
        if item.unicodeDependent { return nil }
        var member = false
        var index = item.rangeStart
        while index < item.rangeStart &+ item.rangeCount {
            if scalar >= ranges[index &* 2] && scalar <= ranges[index &* 2 &+ 1] {
                member = true
                break
            }
            index &+= 1
        }
        return member != item.negated
    }

    private func matchItems(
        _ firstItem: Int, _ end: Int, _ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int, _ budget: inout Int
    ) -> SimplePattern.Outcome {
        var itemIndex = firstItem
        var position = start
        // Fixed repeats of ASCII characters, iteratively (the common case).
        while itemIndex < end {
            let item = items + itemIndex
            guard item.pointee.minimum == item.pointee.maximum else { break }
            let stop = position &+ item.pointee.minimum
            if stop > count { return .noMatch }
            var ascii = true
            while position < stop {
                let byte = base[position]
                if byte >= 0x80 {
                    ascii = false
                    break
                }
                if !item.pointee.containsASCII(byte) { return .noMatch }
                position &+= 1
            }
            if !ascii { break }
            itemIndex &+= 1
        }
        if itemIndex == end { return position == count ? .match : .noMatch }
        if itemIndex &+ 1 == end {
            // A variable repeat at the end: greedy is exact; ASCII members counted directly.
            let item = items + itemIndex
            var matched = 0
            while position < count && matched < item.pointee.maximum {
                let byte = base[position]
                if byte >= 0x80 { return matchItem(itemIndex, end, base, position &- matched, count, &budget) }
                if !item.pointee.containsASCII(byte) { return .noMatch }
                position &+= 1
                matched &+= 1
            }
            return position == count && matched >= item.pointee.minimum ? .match : .noMatch
        }
        return matchItem(itemIndex, end, base, position, count, &budget)
    }

    private func matchItem(
        _ itemIndex: Int, _ end: Int, _ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int, _ budget: inout Int
    ) -> SimplePattern.Outcome {
        let item = items[itemIndex]
        var position = start
        var matched = 0
        while matched < item.maximum && position < count {
            let byte = base[position]
            if byte < 0x80 {
                if !item.containsASCII(byte) { break }
                position &+= 1
            } else {
                guard let (scalar, width) = SimplePattern.decode(base, position, count) else { break }
                guard let member = containsNonASCII(item, scalar) else { return .undecided }
                if !member { break }
                position &+= width
            }
            matched &+= 1
        }
        if matched < item.minimum { return .noMatch }
        // A fixed repeat, or the last item: no choice to backtrack over.
        if item.minimum == item.maximum || itemIndex &+ 1 == end {
            return matchItems(itemIndex &+ 1, end, base, position, count, &budget)
        }
        while true {
            budget &-= 1
            if budget < 0 { return .undecided }
            let rest = matchItems(itemIndex &+ 1, end, base, position, count, &budget)
            if rest != .noMatch { return rest }
            if matched == item.minimum { return .noMatch }
            position &-= 1
            while base[position] & 0xC0 == 0x80 { position &-= 1 }
            matched &-= 1
        }
    }
}

/// `NSRegularExpression` is immutable and documented as safe to use from several threads at once.
private final class CompiledRegex: @unchecked Sendable {
    let expression: NSRegularExpression

    init(_ expression: NSRegularExpression) { self.expression = expression }

    func matches(_ text: String) -> Bool {
        let range = NSRange(location: 0, length: (text as NSString).length)
        return expression.firstMatch(in: text, options: [], range: range) != nil
    }
}

/// A set of Unicode scalars: an ASCII bitmap plus non-ASCII ranges.
struct ScalarSet: Sendable, Hashable {
    var low: UInt64 = 0  // scalars 0–63
    var high: UInt64 = 0  // scalars 64–127
    var ranges: [ClosedRange<UInt32>] = []  // non-ASCII members
    var negated = false
    /// Non-ASCII membership depends on Unicode properties (`\d`, `\w`, `\s` and their negations).
    var unicodeDependent = false

    mutating func insert(_ scalar: UInt32) { insert(scalar...scalar) }

    mutating func insert(_ range: ClosedRange<UInt32>) {
        var lower = range.lowerBound
        while lower <= range.upperBound && lower < 128 {
            if lower < 64 { low |= 1 << UInt64(lower) } else { high |= 1 << UInt64(lower - 64) }
            lower += 1
        }
        if range.upperBound >= 128 { ranges.append(max(lower, 128)...range.upperBound) }
    }

    mutating func formUnion(_ other: ScalarSet) {
        low |= other.low
        high |= other.high
        ranges += other.ranges
        unicodeDependent = unicodeDependent || other.unicodeDependent
    }

    @inline(__always)
    func containsASCII(_ byte: UInt8) -> Bool {
        let member = byte < 64 ? (low >> UInt64(byte)) & 1 == 1 : (high >> UInt64(byte &- 64)) & 1 == 1
        return member != negated
    }

    /// Membership of a non-ASCII scalar, or `nil` when it depends on Unicode properties.
    func containsNonASCII(_ scalar: UInt32) -> Bool? {
        if unicodeDependent { return nil }
        var member = false
        for range in ranges where range.contains(scalar) {
            member = true
            break
        }
        return member != negated
    }

    /// Whether no scalar can belong to both sets (conservative: `false` when unsure).
    func isDisjoint(with other: ScalarSet) -> Bool {
        if negated || other.negated {
            return false
        }
        if low & other.low != 0 || high & other.high != 0 { return false }
        let selfNonASCII = !ranges.isEmpty || unicodeDependent
        let otherNonASCII = !other.ranges.isEmpty || other.unicodeDependent
        if !selfNonASCII || !otherNonASCII { return true }
        if unicodeDependent || other.unicodeDependent { return false }
        for range in ranges { for otherRange in other.ranges where range.overlaps(otherRange) { return false } }
        return true
    }
}

/// A pattern made of alternatives, each a sequence of character classes and literals with repeats.
///
/// Matching backtracks (one scalar at a time, from the greedy end) within a step budget; when the budget runs
/// out, or a non-ASCII character meets a Unicode-property class, the outcome is `.undecided` and ICU decides.
struct SimplePattern: Sendable {
    struct Item: Sendable {
        var set: ScalarSet
        var minimum: Int
        var maximum: Int  // Int.max: unbounded
    }

    enum Outcome { case match, noMatch, undecided }

    let alternatives: [[Item]]

    /// A pattern of the given alternatives.
    init(alternatives: [[Item]]) { self.alternatives = alternatives }

    /// Parses the pattern, or returns `nil` when it uses anything beyond classes, repeats and one level of
    /// whole-pattern alternation (`^(a|b)$`, `^(?:a|b)$`, `a|b`).
    init?(parsing source: String) {
        var scalars = Array(source.unicodeScalars)[...]
        Self.stripAnchors(&scalars)
        // One group around everything: `(…)` or `(?:…)` whose closing parenthesis is the last character.
        if scalars.first == "(", scalars.last == ")",
            Self.closingParenthesis(scalars) == scalars.index(before: scalars.endIndex)
        {
            scalars = scalars.dropFirst().dropLast()
            if scalars.starts(with: ["?", ":"]) { scalars = scalars.dropFirst(2) }
            if scalars.first == "?" { return nil }  // look-around, flags, named groups
        }
        var alternatives: [[Item]] = []
        for var alternative in Self.splitAlternatives(scalars) {
            Self.stripAnchors(&alternative)
            guard let items = Self.parseSequence(Array(alternative)) else { return nil }
            alternatives.append(items)
        }
        if alternatives.isEmpty { return nil }
        self.alternatives = alternatives
    }

    private static func stripAnchors(_ scalars: inout ArraySlice<Unicode.Scalar>) {
        if scalars.first == "^" { scalars = scalars.dropFirst() }
        if scalars.last == "$" {
            let beforeLast = scalars.index(scalars.endIndex, offsetBy: -2, limitedBy: scalars.startIndex)
            if beforeLast == nil || scalars[beforeLast ?? scalars.startIndex] != "\\" { scalars = scalars.dropLast() }
        }
    }

    /// The index of the parenthesis closing the one at the start, skipping escapes and classes.
    private static func closingParenthesis(_ scalars: ArraySlice<Unicode.Scalar>) -> Int? {
        var depth = 0
        var index = scalars.startIndex
        var inClass = false
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if scalar == "\\" {
                index += 2
                continue
            }
            if inClass {
                if scalar == "]" { inClass = false }
            } else if scalar == "[" {
                inClass = true
            } else if scalar == "(" {
                depth += 1
            } else if scalar == ")" {
                depth -= 1
                if depth == 0 { return index }
            }
            index += 1
        }
        return nil
    }

    /// Splits at `|` outside classes; returns one slice per alternative.
    private static func splitAlternatives(_ scalars: ArraySlice<Unicode.Scalar>) -> [ArraySlice<Unicode.Scalar>] {
        var parts: [ArraySlice<Unicode.Scalar>] = []
        var start = scalars.startIndex
        var index = scalars.startIndex
        var inClass = false
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if scalar == "\\" {
                index += 2
                continue
            }
            if inClass {
                if scalar == "]" { inClass = false }
            } else if scalar == "[" {
                inClass = true
            } else if scalar == "|" {
                parts.append(scalars[start..<index])
                start = index + 1
            }
            index += 1
        }
        parts.append(scalars[start..<min(scalars.endIndex, max(start, scalars.endIndex))])
        return parts
    }

    private static func parseSequence(_ scalars: [Unicode.Scalar]) -> [Item]? {
        var index = 0
        let end = scalars.count
        var items: [Item] = []
        while index < end {
            let scalar = scalars[index]
            var set = ScalarSet()
            switch scalar {
            case "[":
                guard let (parsed, next) = parseClass(scalars, index + 1, end) else { return nil }
                set = parsed
                index = next
            case "\\":
                guard let (parsed, next) = parseEscape(scalars, index + 1, end, inClass: false) else { return nil }
                set = parsed
                index = next
            case ".":
                set.negated = true
                for terminator: UInt32 in [0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029] { set.insert(terminator) }
                index += 1
            case "(", ")", "|", "?", "*", "+", "{", "}", "^", "$":
                return nil
            default:
                set.insert(scalar.value)
                index += 1
            }
            var minimum = 1
            var maximum = 1
            if index < end {
                switch scalars[index] {
                case "?":
                    (minimum, maximum) = (0, 1)
                    index += 1
                case "*":
                    (minimum, maximum) = (0, Int.max)
                    index += 1
                case "+":
                    (minimum, maximum) = (1, Int.max)
                    index += 1
                case "{":
                    guard let (lower, upper, next) = parseBraces(scalars, index + 1, end) else { return nil }
                    (minimum, maximum) = (lower, upper)
                    index = next
                default: break
                }
                if (minimum, maximum) != (1, 1) && index < end {
                    // A lazy quantifier matches the same whole values; a possessive one does not.
                    if scalars[index] == "?" {
                        index += 1
                    } else if scalars[index] == "+" {
                        return nil
                    }
                }
            }
            items.append(Item(set: set, minimum: minimum, maximum: maximum))
        }
        return items
    }

    private static func parseBraces(_ scalars: [Unicode.Scalar], _ start: Int, _ end: Int) -> (Int, Int, Int)? {
        var index = start
        func number() -> Int? {
            var value = 0
            var any = false
            while index < end, let digit = Int(String(scalars[index])), scalars[index].isASCII {
                value = value * 10 + digit
                any = true
                index += 1
                if value > 100_000 { return nil }
            }
            return any ? value : nil
        }
        guard let lower = number() else { return nil }
        var upper = lower
        if index < end && scalars[index] == "," {
            index += 1
            if index < end && scalars[index] == "}" {
                upper = Int.max
            } else {
                guard let parsed = number() else { return nil }
                upper = parsed
            }
        }
        guard index < end && scalars[index] == "}" && upper >= lower else { return nil }
        return (lower, upper, index + 1)
    }

    private static func parseClass(_ scalars: [Unicode.Scalar], _ start: Int, _ end: Int) -> (ScalarSet, Int)? {
        var set = ScalarSet()
        var index = start
        if index < end && scalars[index] == "^" {
            set.negated = true
            index += 1
        }
        var first = true
        while index < end {
            let scalar = scalars[index]
            if scalar == "]" && !first { return (set, index + 1) }
            first = false
            var lower: UInt32
            if scalar == "[" || scalar == "&" && index + 1 < end && scalars[index + 1] == "&" {
                return nil  // nested sets, set operations, POSIX classes
            } else if scalar == "\\" {
                guard let (escaped, next) = parseEscape(scalars, index + 1, end, inClass: true) else { return nil }
                index = next
                // A single-scalar escape may start a range; a class escape (\d) may not.
                guard let only = escaped.singleScalar else {
                    set.formUnion(escaped)
                    if escaped.negated { return nil }
                    continue
                }
                lower = only
            } else {
                lower = scalar.value
                index += 1
            }
            if index + 1 < end && scalars[index] == "-" && scalars[index + 1] != "]" {
                var upper: UInt32
                if scalars[index + 1] == "\\" {
                    guard let (escaped, next) = parseEscape(scalars, index + 2, end, inClass: true),
                        let only = escaped.singleScalar
                    else { return nil }
                    upper = only
                    index = next
                } else if scalars[index + 1] == "[" {
                    return nil
                } else {
                    upper = scalars[index + 1].value
                    index += 2
                }
                guard upper >= lower else { return nil }
                set.insert(lower...upper)
            } else {
                set.insert(lower)
            }
        }
        return nil
    }

    /// An escape after `\`: a class (`\d`), a code point (`\u4e00`, `\x{1F600}`, `\x41`) or an escaped literal.
    private static func parseEscape(
        _ scalars: [Unicode.Scalar], _ start: Int, _ end: Int, inClass: Bool
    ) -> (ScalarSet, Int)? {
        guard start < end else { return nil }
        var set = ScalarSet()
        let scalar = scalars[start]
        switch scalar {
        case "d", "D":
            set.insert(48...57)
            set.unicodeDependent = true
            set.negated = scalar == "D"
        case "w", "W":
            set.insert(48...57)
            set.insert(65...90)
            set.insert(97...122)
            set.insert(95)
            set.unicodeDependent = true
            set.negated = scalar == "W"
        case "s", "S":
            for space: UInt32 in [9, 10, 11, 12, 13, 32] { set.insert(space) }
            set.unicodeDependent = true
            set.negated = scalar == "S"
        case "t": set.insert(9)
        case "n": set.insert(10)
        case "r": set.insert(13)
        case "u":
            guard start + 5 <= end, let value = hexValue(scalars[(start + 1)..<(start + 5)]) else { return nil }
            set.insert(value)
            return (set, start + 5)
        case "x":
            if start + 1 < end && scalars[start + 1] == "{" {
                guard let close = scalars[(start + 2)..<end].firstIndex(of: "}"),
                    let value = hexValue(scalars[(start + 2)..<close])
                else { return nil }
                set.insert(value)
                return (set, close + 1)
            }
            guard start + 3 <= end, let value = hexValue(scalars[(start + 1)..<(start + 3)]) else { return nil }
            set.insert(value)
            return (set, start + 3)
        default:
            // Only escaped punctuation is a plain literal; letters and digits are classes, anchors or
            // back-references that the simple matcher does not handle.
            guard scalar.isASCII, !scalar.properties.isAlphabetic, !("0"..."9").contains(scalar) else { return nil }
            set.insert(scalar.value)
        }
        return (set, start + 1)
    }

    private static func hexValue(_ digits: ArraySlice<Unicode.Scalar>) -> UInt32? {
        guard !digits.isEmpty, digits.count <= 6 else { return nil }
        return UInt32(String(String.UnicodeScalarView(digits)), radix: 16)
    }

    @inline(__always)
    static func decode(_ base: UnsafePointer<UInt8>, _ position: Int, _ count: Int) -> (UInt32, Int)? {
        let lead = base[position]
        let width: Int
        var scalar: UInt32
        if lead & 0xE0 == 0xC0 {
            width = 2
            scalar = UInt32(lead & 0x1F)
        } else if lead & 0xF0 == 0xE0 {
            width = 3
            scalar = UInt32(lead & 0x0F)
        } else if lead & 0xF8 == 0xF0 {
            width = 4
            scalar = UInt32(lead & 0x07)
        } else {
            return nil
        }
        if position + width > count { return nil }
        for offset in 1..<width {
            let byte = base[position + offset]
            if byte & 0xC0 != 0x80 { return nil }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        return (scalar, width)
    }
}

extension ScalarSet {
    /// The one scalar of a single-scalar set, or `nil`.
    fileprivate var singleScalar: UInt32? {
        if negated || unicodeDependent { return nil }
        if ranges.isEmpty {
            if low.nonzeroBitCount == 1 && high == 0 { return UInt32(low.trailingZeroBitCount) }
            if high.nonzeroBitCount == 1 && low == 0 { return UInt32(64 + high.trailingZeroBitCount) }
            return nil
        }
        if low == 0 && high == 0 && ranges.count == 1 && ranges[0].count == 1 { return ranges[0].lowerBound }
        return nil
    }
}
