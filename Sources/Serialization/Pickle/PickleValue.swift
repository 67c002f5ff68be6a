/// A Python value rebuilt from a pickle, as plain data.
///
/// Nothing is executed while unpickling: allowed container globals (`collections.OrderedDict`,
/// `builtins.set`, ...) become the matching case here; any other allowed global (for example
/// PyTorch's `torch._utils._rebuild_tensor_v2`, permitted by the caller's `PicklePolicy`) is kept
/// as an `.object` record of the call for the caller to interpret.
public enum PickleValue: Sendable, Hashable {
    case none
    case bool(Bool)
    /// An integer that fits in 64 bits.
    case int(Int)
    /// An integer beyond 64 bits: little-endian two's-complement bytes (as LONG1/LONG4 store it).
    case bigInt([UInt8])
    case float(Double)
    /// Python 3 `str` (and Python 2 `str`/`unicode` whose bytes are valid UTF-8).
    case string(String)
    /// `bytes` / `bytearray` (and Python 2 `str` that is not valid UTF-8).
    case bytes([UInt8])
    case list([PickleValue])
    case tuple([PickleValue])
    /// A dict (or `OrderedDict`), in insertion order.
    case dict(PickleDict)
    case set([PickleValue])
    case frozenSet([PickleValue])
    /// A reference to an allowed global (a class or function), not called.
    case global(PickleGlobal)
    /// A call of an allowed global recorded as data: REDUCE / NEWOBJ / INST / OBJ with its
    /// arguments, plus whatever BUILD, APPENDS or SETITEMS later applied to it.
    indirect case object(PickleObject)
    /// The value a persistent id stood for (PERSID / BINPERSID): the id itself, for the caller to
    /// resolve (PyTorch uses it for tensor storages).
    indirect case persistent(PickleValue)
}

/// A `module.name` reference as written by GLOBAL / STACK_GLOBAL.
public struct PickleGlobal: Sendable, Hashable, CustomStringConvertible {
    public let module: String
    public let name: String

    public init(_ module: String, _ name: String) {
        self.module = module
        self.name = name
    }

    public var description: String { "\(module).\(name)" }
}

/// A recorded call of an allowed global.
public struct PickleObject: Sendable, Hashable {
    /// What was called.
    public var callee: PickleGlobal
    /// Positional arguments (REDUCE / NEWOBJ tuple, or INST / OBJ stack items).
    public var arguments: [PickleValue]
    /// Keyword arguments (NEWOBJ_EX), in order.
    public var keywordArguments: PickleDict
    /// The BUILD state, if any.
    public var state: PickleValue?
    /// Items APPEND(S)-ed to the object (list subclasses).
    public var listItems: [PickleValue]
    /// Items SETITEM(S)-ed on the object (dict subclasses).
    public var dictItems: PickleDict

    public init(callee: PickleGlobal, arguments: [PickleValue], keywordArguments: PickleDict = PickleDict(),
                state: PickleValue? = nil, listItems: [PickleValue] = [], dictItems: PickleDict = PickleDict()) {
        self.callee = callee
        self.arguments = arguments
        self.keywordArguments = keywordArguments
        self.state = state
        self.listItems = listItems
        self.dictItems = dictItems
    }
}

/// An insertion-ordered dictionary with any pickle values as keys.
public struct PickleDict: Sendable, Hashable, Sequence {
    public struct Entry: Sendable, Hashable {
        public var key: PickleValue
        public var value: PickleValue
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public init(_ entries: [Entry]) { self.entries = entries }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }

    /// The value stored under `key` (the last one if a pickle set it twice).
    public subscript(key: PickleValue) -> PickleValue? {
        entries.last { $0.key == key }?.value
    }

    /// The value stored under the string key `key`.
    public subscript(key: String) -> PickleValue? { self[.string(key)] }

    /// Sets `key` to `value`, replacing an existing entry in place (Python dict semantics).
    public mutating func set(_ key: PickleValue, _ value: PickleValue) {
        if let i = entries.firstIndex(where: { $0.key == key }) {
            entries[i].value = value
        } else {
            entries.append(Entry(key: key, value: value))
        }
    }

    /// Appends without looking for an existing key (the unpickler deduplicates itself).
    mutating func append(_ key: PickleValue, _ value: PickleValue) {
        entries.append(Entry(key: key, value: value))
    }
}

extension PickleValue {
    /// The string, if this is `.string`.
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    /// The integer, if this is `.int` (or `.bool`, as in Python).
    public var intValue: Int? {
        switch self {
        case .int(let i): i
        case .bool(let b): b ? 1 : 0
        default: nil
        }
    }
    /// The number as a Double, if this is `.float` or `.int`.
    public var doubleValue: Double? {
        switch self {
        case .float(let d): d
        case .int(let i): Double(i)
        default: nil
        }
    }
    /// The elements, if this is `.list` or `.tuple`.
    public var arrayValue: [PickleValue]? {
        switch self {
        case .list(let a), .tuple(let a): a
        default: nil
        }
    }
    /// The dictionary, if this is `.dict`.
    public var dictValue: PickleDict? { if case .dict(let d) = self { d } else { nil } }
    /// The member `key` of a dict value.
    public subscript(key: String) -> PickleValue? { dictValue?[key] }
}
