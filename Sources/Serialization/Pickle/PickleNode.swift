/// The unpickler's working representation. Pickle programs mutate containers after creating and
/// memoizing them (EMPTY_DICT, MEMOIZE, ..., SETITEMS), so mutable containers are boxes shared by
/// the stack and the memo; `freeze` turns the final graph into `PickleValue`s.
enum PickleNode {
    case value(PickleValue)
    /// Tuples and frozensets are immutable, so their nesting depth is known when built.
    case tuple([PickleNode], depth: Int)
    case frozenSet([PickleNode], depth: Int)
    case list(ListBox)
    case dict(DictBox)
    case set(SetBox)
    case object(ObjectBox)
    indirect case persistent(PickleNode)

    final class ListBox: FreezableBox {
        var frozen: PickleValue?
        var freezing = false
        var height = 0
        /// Nesting depth seen so far (a lower bound: contents can change after the box is placed).
        var depth = 1
        var items: [PickleNode] = []
        init(_ items: [PickleNode] = []) { self.items = items }
    }

    final class DictBox: FreezableBox {
        var frozen: PickleValue?
        var freezing = false
        var height = 0
        /// Nesting depth seen so far (a lower bound: contents can change after the box is placed).
        var depth = 1
        var pairs: [(PickleNode, PickleNode)] = []
        init(_ pairs: [(PickleNode, PickleNode)] = []) { self.pairs = pairs }
    }

    final class SetBox: FreezableBox {
        var frozen: PickleValue?
        var freezing = false
        var height = 0
        /// Nesting depth seen so far (a lower bound: contents can change after the box is placed).
        var depth = 1
        var items: [PickleNode] = []
        init(_ items: [PickleNode] = []) { self.items = items }
    }

    final class ObjectBox: FreezableBox {
        var frozen: PickleValue?
        var freezing = false
        var height = 0
        /// Nesting depth seen so far (a lower bound: contents can change after the box is placed).
        var depth = 1
        let callee: PickleGlobal
        var arguments: [PickleNode]
        var keywordArguments: [(PickleNode, PickleNode)]
        var state: PickleNode?
        var listItems: [PickleNode] = []
        var dictItems: [(PickleNode, PickleNode)] = []
        init(callee: PickleGlobal, arguments: [PickleNode], keywordArguments: [(PickleNode, PickleNode)] = []) {
            self.callee = callee
            self.arguments = arguments
            self.keywordArguments = keywordArguments
        }
    }
}

extension PickleNode {
    /// Nesting depth: 0 for leaves, 1 + the deepest item for containers (as far as known).
    var depth: Int {
        switch self {
        case .value: 0
        case .tuple(_, let d), .frozenSet(_, let d): d
        case .list(let b): b.depth
        case .dict(let b): b.depth
        case .set(let b): b.depth
        case .object(let b): b.depth
        case .persistent(let n): n.depth + 1
        }
    }
}

/// A mutable container that remembers its frozen value, so shared boxes are converted once.
protocol FreezableBox: AnyObject {
    var frozen: PickleValue? { get set }
    var freezing: Bool { get set }
    /// Nesting levels below this box in its frozen value.
    var height: Int { get set }
}

/// Converts the node graph into values: each box once (shared boxes share their frozen value),
/// cycles and excessive depth refused.
struct PickleFreezer {
    let source: String
    let maxDepth: Int
    /// The deepest level reached so far (for the heights of shared boxes).
    private var deepest = 0

    init(source: String, maxDepth: Int) {
        self.source = source
        self.maxDepth = maxDepth
    }

    mutating func freeze(_ node: PickleNode, depth: Int = 0) throws(PickleError) -> PickleValue {
        guard depth <= maxDepth else { throw .tooDeep(source: source, limit: maxDepth) }
        if depth > deepest { deepest = depth }
        switch node {
        case .value(let v): return v
        case .tuple(let items, _): return .tuple(try freezeAll(items, depth))
        case .frozenSet(let items, _): return .frozenSet(try freezeAll(items, depth))
        case .persistent(let id): return .persistent(try freeze(id, depth: depth + 1))
        case .list(let box):
            return try memoized(box, depth) { (f: inout PickleFreezer) throws(PickleError) in .list(try f.freezeAll(box.items, depth)) }
        case .set(let box):
            return try memoized(box, depth) { (f: inout PickleFreezer) throws(PickleError) in .set(try f.freezeAll(box.items, depth)) }
        case .dict(let box):
            return try memoized(box, depth) { (f: inout PickleFreezer) throws(PickleError) in .dict(try f.freezeDict(box.pairs, depth)) }
        case .object(let box):
            return try memoized(box, depth) { (f: inout PickleFreezer) throws(PickleError) in
                .object(PickleObject(
                    callee: box.callee,
                    arguments: try f.freezeAll(box.arguments, depth),
                    keywordArguments: try f.freezeDict(box.keywordArguments, depth),
                    state: try box.state.map { (s) throws(PickleError) in try f.freeze(s, depth: depth + 1) },
                    listItems: try f.freezeAll(box.listItems, depth),
                    dictItems: try f.freezeDict(box.dictItems, depth)))
            }
        }
    }

    private mutating func memoized<Box: FreezableBox>(
        _ box: Box, _ depth: Int, _ build: (inout PickleFreezer) throws(PickleError) -> PickleValue
    ) throws(PickleError) -> PickleValue {
        if let v = box.frozen {
            // A shared box reused deeper than where it was first frozen must still fit the limit.
            guard depth + box.height <= maxDepth else { throw .tooDeep(source: source, limit: maxDepth) }
            deepest = max(deepest, depth + box.height)
            return v
        }
        guard !box.freezing else {
            throw .malformed(source: source, offset: 0, reason: "a container contains itself (recursive structure)")
        }
        box.freezing = true
        let outer = deepest
        deepest = depth
        let v = try build(&self)
        box.height = deepest - depth
        deepest = max(outer, deepest)
        box.freezing = false
        box.frozen = v
        return v
    }

    private mutating func freezeAll(_ items: [PickleNode], _ depth: Int) throws(PickleError) -> [PickleValue] {
        var out: [PickleValue] = []
        out.reserveCapacity(items.count)
        for item in items { out.append(try freeze(item, depth: depth + 1)) }
        return out
    }

    /// Python dict semantics: a repeated key keeps its first position and its last value.
    private mutating func freezeDict(_ pairs: [(PickleNode, PickleNode)], _ depth: Int) throws(PickleError) -> PickleDict {
        var entries: [PickleDict.Entry] = []
        entries.reserveCapacity(pairs.count)
        // Small dicts (the common case: records) look for duplicates linearly; large ones hash.
        var position: [PickleValue: Int]? = pairs.count > 16 ? [:] : nil
        for (k, v) in pairs {
            let key = try freeze(k, depth: depth + 1)
            let value = try freeze(v, depth: depth + 1)
            let existing: Int?
            if position != nil {
                existing = position![key]
            } else {
                existing = entries.firstIndex { $0.key == key }
            }
            if let i = existing {
                entries[i].value = value
            } else {
                position?[key] = entries.count
                entries.append(PickleDict.Entry(key: key, value: value))
            }
        }
        return PickleDict(entries)
    }
}

/// Releases a node graph without recursion, so that a hostile, deeply nested pickle cannot
/// overflow the stack when its containers are freed. Takes the caller's references (`roots` is
/// emptied) so that each node's last reference is dropped here, one at a time.
func dismantle(_ roots: inout [PickleNode]) {
    var work: [PickleNode] = []
    swap(&work, &roots)
    while let node = work.popLast() {
        switch node {
        case .value: break
        case .tuple(let items, _), .frozenSet(let items, _): work.append(contentsOf: items)
        case .persistent(let id): work.append(id)
        case .list(let box): work.append(contentsOf: box.items); box.items = []
        case .set(let box): work.append(contentsOf: box.items); box.items = []
        case .dict(let box):
            for (k, v) in box.pairs { work.append(k); work.append(v) }
            box.pairs = []
        case .object(let box):
            work.append(contentsOf: box.arguments); box.arguments = []
            for (k, v) in box.keywordArguments { work.append(k); work.append(v) }
            box.keywordArguments = []
            if let s = box.state { work.append(s); box.state = nil }
            work.append(contentsOf: box.listItems); box.listItems = []
            for (k, v) in box.dictItems { work.append(k); work.append(v) }
            box.dictItems = []
        }
    }
}
