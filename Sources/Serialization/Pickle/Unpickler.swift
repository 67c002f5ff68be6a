/// A data-only unpickler for Python pickle protocols 0–5.
///
/// Why our own: a pickle is a program for a stack machine whose GLOBAL/REDUCE opcodes can call any
/// Python function (`os.system`, `builtins.eval`); Python's own loader runs them. This one
/// interprets every data opcode but never calls anything: containers from an allow-list become
/// values, globals the caller's `PicklePolicy` allows are recorded as data, everything else is
/// refused with `PickleError.forbiddenGlobal`. The one implementation serves PyTorch checkpoints
/// (`data.pkl`) and RefCOCO's `refs(unc).p`.
public struct Unpickler: Sendable {
    /// Name used in error messages (a path, or `archive.zip:member`).
    public let source: String
    public let policy: PicklePolicy

    public init(source: String, policy: PicklePolicy = .dataOnly) {
        self.source = source
        self.policy = policy
    }

    /// Unpickles the single pickle in `bytes` (which must end right after its STOP opcode, as a
    /// `.pkl` file does).
    public func load(_ bytes: [UInt8]) throws(PickleError) -> PickleValue {
        let outcome = bytes.withUnsafeBytes { raw in
            Result { () throws(PickleError) in try load(raw, from: 0) }
        }
        let (value, end) = try outcome.get()
        guard end == bytes.count else {
            throw .malformed(source: source, offset: end, reason: "\(bytes.count - end) bytes after the STOP opcode")
        }
        return value
    }

    /// Unpickles the file at `path` (memory-mapped, not copied), e.g. RefCOCO's `refs(unc).p`.
    public static func load(contentsOf path: String, policy: PicklePolicy = .dataOnly) throws -> PickleValue {
        let file = try MappedFile(path: path)
        let unpickler = Unpickler(source: path, policy: policy)
        let (value, end) = try unpickler.load(file.bytes, from: 0)
        guard end == file.count else {
            throw PickleError.malformed(source: path, offset: end, reason: "\(file.count - end) bytes after the STOP opcode")
        }
        return value
    }

    /// Unpickles one pickle starting at `offset` and returns it with the offset just past its STOP
    /// opcode (files such as legacy PyTorch checkpoints hold several pickles back to back).
    public func load(_ bytes: UnsafeRawBufferPointer, from offset: Int) throws(PickleError) -> (PickleValue, Int) {
        let machine = PickleMachine(source: source, policy: policy, bytes: bytes, position: offset)
        defer { machine.release() }
        var roots = [try machine.run()]
        var frozen = false
        // Once frozen, everything reachable from the root is known to be shallow and can be
        // released normally; otherwise take the graph apart iteratively.
        defer { if !frozen { dismantle(&roots) } }
        var freezer = PickleFreezer(source: source, maxDepth: policy.maxDepth)
        let value = try freezer.freeze(roots[0])
        frozen = true
        return (value, machine.position)
    }
}

/// The stack machine behind `Unpickler`. A class (used by one thread, for one load): as a struct,
/// calls mixing its mutating and non-mutating methods made Swift copy it, stack included.
final class PickleMachine {
    let source: String
    let policy: PicklePolicy
    let bytes: UnsafeRawBufferPointer
    var position: Int
    private var stack: [PickleNode] = []
    private var marks: [Int] = []
    private var memo = PickleMemo()
    private var opcodeStart = 0

    init(source: String, policy: PicklePolicy, bytes: UnsafeRawBufferPointer, position: Int) {
        self.source = source
        self.policy = policy
        self.bytes = bytes
        self.position = position
    }

    /// Frees the working graph iteratively (see `dismantle`).
    func release() {
        var roots = stack
        // Leaves and frozen boxes (reachable from a successfully frozen root, hence shallow) need
        // no iterative teardown; anything else might be a hostile deep chain.
        memo.forEach { node in
            switch node {
            case .value: return
            case .list(let box) where box.frozen != nil: return
            case .dict(let box) where box.frozen != nil: return
            case .set(let box) where box.frozen != nil: return
            case .object(let box) where box.frozen != nil: return
            default: roots.append(node)
            }
        }
        stack = []
        memo = PickleMemo()
        dismantle(&roots)
    }

    // MARK: - Reading primitives

    private func byte() throws(PickleError) -> UInt8 {
        guard position < bytes.count else { throw .truncated(source: source, offset: position) }
        defer { position += 1 }
        return bytes[position]
    }

    private func take(_ count: Int) throws(PickleError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else { throw .truncated(source: source, offset: position) }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
    }

    private func uint(_ width: Int) throws(PickleError) -> UInt64 {
        let raw = try take(width)
        var v: UInt64 = 0
        for i in (0..<width).reversed() { v = v << 8 | UInt64(raw[i]) }
        return v
    }

    private func length(_ width: Int) throws(PickleError) -> Int {
        let v = try uint(width)
        guard v <= UInt64(bytes.count - position) else { throw .truncated(source: source, offset: position) }
        return Int(v)
    }

    /// A protocol-0 text argument: bytes up to (not including) the next newline.
    private func line() throws(PickleError) -> [UInt8] {
        var end = position
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        guard end < bytes.count else { throw .truncated(source: source, offset: bytes.count) }
        let out = Array(bytes[position..<end])
        position = end + 1
        return out
    }

    private func textLine() throws(PickleError) -> String {
        let raw = try line()
        guard let text = String(validating: raw, as: UTF8.self) else { throw bad("text argument is not UTF-8") }
        return text
    }

    private func bad(_ reason: String) -> PickleError { .malformed(source: source, offset: opcodeStart, reason: reason) }

    // MARK: - Stack helpers

    private func pop() throws(PickleError) -> PickleNode {
        if let floor = marks.last, stack.count <= floor { throw bad("stack underflow (below MARK)") }
        guard let top = stack.popLast() else { throw bad("stack underflow") }
        return top
    }

    private func top() throws(PickleError) -> PickleNode {
        guard let t = stack.last else { throw bad("stack underflow") }
        return t
    }

    /// Pops everything above the last MARK (and the mark).
    private func popMark() throws(PickleError) -> [PickleNode] {
        guard let floor = marks.popLast() else { throw bad("no MARK on the stack") }
        let count = stack.count - floor
        var items: [PickleNode] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(stack.removeLast()) }
        items.reverse()
        return items
    }

    private func pairs(_ items: [PickleNode]) throws(PickleError) -> [(PickleNode, PickleNode)] {
        guard items.count % 2 == 0 else { throw bad("odd number of items for a dict") }
        var out: [(PickleNode, PickleNode)] = []
        out.reserveCapacity(items.count / 2)
        var i = 0
        while i < items.count { out.append((items[i], items[i + 1])); i += 2 }
        return out
    }

    // MARK: - The interpreter

    func run() throws(PickleError) -> PickleNode {
        while true {
            opcodeStart = position
            let op = try byte()
            switch op {
            case 0x80: // PROTO
                let version = try byte()
                guard version <= 5 else { throw .unsupported(source: source, offset: opcodeStart, reason: "pickle protocol \(version)") }
            case 0x95: // FRAME: framing is only a buffering hint
                _ = try uint(8)
            case 0x2E: // STOP
                let result = try pop()
                guard stack.isEmpty, marks.isEmpty else { throw bad("items left on the stack at STOP") }
                return result

            // Marks and stack manipulation
            case 0x28: marks.append(stack.count) // MARK
            case 0x30: _ = try pop() // POP
            case 0x31: _ = try popMark() // POP_MARK
            case 0x32: stack.append(try top()) // DUP

            // Constants and numbers
            case 0x4E: stack.append(.value(.none)) // NONE
            case 0x88: stack.append(.value(.bool(true))) // NEWTRUE
            case 0x89: stack.append(.value(.bool(false))) // NEWFALSE
            case 0x4A: stack.append(.value(.int(Int(Int32(bitPattern: UInt32(try uint(4))))))) // BININT
            case 0x4B: stack.append(.value(.int(Int(try byte())))) // BININT1
            case 0x4D: stack.append(.value(.int(Int(try uint(2))))) // BININT2
            case 0x8A: stack.append(.value(PickleNumber.fromTwosComplement(Array(try take(length(1)))))) // LONG1
            case 0x8B: stack.append(.value(PickleNumber.fromTwosComplement(Array(try take(length(4)))))) // LONG4
            case 0x49: // INT (text; "01"/"00" are True/False)
                let text = try textLine()
                if text == "01" { stack.append(.value(.bool(true))) }
                else if text == "00" { stack.append(.value(.bool(false))) }
                else { stack.append(.value(try decimal(text))) }
            case 0x4C: // LONG (text, optional trailing L)
                var text = try textLine()
                if text.hasSuffix("L") { text.removeLast() }
                stack.append(.value(try decimal(text)))
            case 0x46: // FLOAT (text)
                let text = try textLine().trimmingSpaces()
                guard let d = Double(text) ?? PickleNumber.specialFloat(text) else { throw bad("bad FLOAT '\(text)'") }
                stack.append(.value(.float(d)))
            case 0x47: // BINFLOAT (big-endian double)
                stack.append(.value(.float(Double(bitPattern: try uintBigEndian(8)))))

            // Strings and bytes
            case 0x53: // STRING (protocol 0 repr, Python 2 str)
                stack.append(.value(py2String(try PickleText.unquote(try line(), bad("bad STRING quoting")))))
            case 0x54: stack.append(.value(py2String(Array(try take(length(4)))))) // BINSTRING
            case 0x55: stack.append(.value(py2String(Array(try take(length(1)))))) // SHORT_BINSTRING
            case 0x56: // UNICODE (raw-unicode-escape)
                stack.append(.value(.string(try PickleText.rawUnicodeEscape(try line(), bad("bad UNICODE escape")))))
            case 0x58: stack.append(.value(.string(try utf8(try take(length(4)))))) // BINUNICODE
            case 0x8C: stack.append(.value(.string(try utf8(try take(length(1)))))) // SHORT_BINUNICODE
            case 0x8D: stack.append(.value(.string(try utf8(try take(length(8)))))) // BINUNICODE8
            case 0x42: stack.append(.value(.bytes(Array(try take(length(4)))))) // BINBYTES
            case 0x43: stack.append(.value(.bytes(Array(try take(length(1)))))) // SHORT_BINBYTES
            case 0x8E: stack.append(.value(.bytes(Array(try take(length(8)))))) // BINBYTES8
            case 0x96: stack.append(.value(.bytes(Array(try take(length(8)))))) // BYTEARRAY8
            case 0x97: // NEXT_BUFFER
                throw .unsupported(source: source, offset: opcodeStart, reason: "out-of-band buffers (NEXT_BUFFER)")
            case 0x98: _ = try top() // READONLY_BUFFER: no effect on plain data

            // Containers
            case 0x29: stack.append(.tuple([], depth: 1)) // EMPTY_TUPLE
            case 0x74: let items = try popMark(); stack.append(try tuple(items)) // TUPLE
            case 0x85: let a = try pop(); stack.append(try tuple([a])) // TUPLE1
            case 0x86: let b = try pop(); let a = try pop(); stack.append(try tuple([a, b])) // TUPLE2
            case 0x87: let c = try pop(); let b = try pop(); let a = try pop(); stack.append(try tuple([a, b, c])) // TUPLE3
            case 0x5D: stack.append(.list(.init())) // EMPTY_LIST
            case 0x6C: let items = try popMark(); stack.append(.list(try box(ListBox(items), items))) // LIST
            case 0x7D: stack.append(.dict(.init())) // EMPTY_DICT
            case 0x64: // DICT
                // (Pop first, then pair: calling a non-mutating method with a mutating argument
                // makes Swift copy the machine, and with it the whole stack.)
                let items = try popMark()
                stack.append(.dict(try box(DictBox(try pairs(items)), items)))
            case 0x8F: stack.append(.set(.init())) // EMPTY_SET
            case 0x91: let items = try popMark(); stack.append(.frozenSet(items, depth: try depth(of: items))) // FROZENSET
            case 0x61: // APPEND
                let item = try pop()
                try append([item], to: try top())
            case 0x65: // APPENDS
                let items = try popMark()
                try append(items, to: try top())
            case 0x73: // SETITEM
                let value = try pop()
                let key = try pop()
                try setItems([(key, value)], on: try top())
            case 0x75: // SETITEMS
                let flat = try popMark()
                let items = try pairs(flat)
                try setItems(items, on: try top())
            case 0x90: // ADDITEMS
                let items = try popMark()
                guard case .set(let target) = try top() else { throw bad("ADDITEMS on a non-set") }
                target.items.append(contentsOf: items)
                _ = try box(target, items)

            // Memo
            case 0x70: memo[try memoIndex(try textLine())] = try top() // PUT
            case 0x71: memo[Int(try byte())] = try top() // BINPUT
            case 0x72: memo[Int(try uint(4))] = try top() // LONG_BINPUT
            case 0x94: memo[memo.count] = try top() // MEMOIZE (index = number of memo entries)
            case 0x67: stack.append(try recall(try memoIndex(try textLine()))) // GET
            case 0x68: stack.append(try recall(Int(try byte()))) // BINGET
            case 0x6A: stack.append(try recall(Int(try uint(4)))) // LONG_BINGET

            // Persistent ids
            case 0x50: // PERSID
                try checkPersistent()
                stack.append(.persistent(.value(.string(try textLine()))))
            case 0x51: // BINPERSID
                try checkPersistent()
                let id = try pop()
                guard id.depth < policy.maxDepth else { throw .tooDeep(source: source, limit: policy.maxDepth) }
                stack.append(.persistent(id))

            // Globals and calls
            case 0x63: // GLOBAL
                let module = try textLine()
                let name = try textLine()
                stack.append(try global(PickleGlobal(module, name)))
            case 0x93: // STACK_GLOBAL
                let nameNode = try pop()
                let moduleNode = try pop()
                guard case .value(.string(let name)) = nameNode, case .value(.string(let module)) = moduleNode else {
                    throw bad("STACK_GLOBAL needs two strings")
                }
                stack.append(try global(PickleGlobal(module, name)))
            case 0x52: // REDUCE
                let arguments = try pop()
                let callee = try pop()
                guard case .tuple(let args, _) = arguments else { throw bad("REDUCE arguments are not a tuple") }
                stack.append(try call(callee, args))
            case 0x81: // NEWOBJ
                let arguments = try pop()
                let cls = try pop()
                guard case .tuple(let args, _) = arguments else { throw bad("NEWOBJ arguments are not a tuple") }
                stack.append(try call(cls, args))
            case 0x92: // NEWOBJ_EX
                let kwargs = try pop()
                let arguments = try pop()
                let cls = try pop()
                guard case .tuple(let args, _) = arguments, case .dict(let kw) = kwargs else {
                    throw bad("NEWOBJ_EX needs a tuple and a dict")
                }
                stack.append(try call(cls, args, keywords: kw.pairs))
            case 0x69: // INST
                let module = try textLine()
                let name = try textLine()
                let args = try popMark()
                stack.append(try call(try global(PickleGlobal(module, name)), args))
            case 0x6F: // OBJ
                var items = try popMark()
                guard !items.isEmpty else { throw bad("OBJ without a class") }
                let cls = items.removeFirst()
                stack.append(try call(cls, items))
            case 0x62: // BUILD
                let state = try pop()
                switch try top() {
                case .object(let target):
                    target.state = state
                    _ = try box(target, [state])
                case .dict: break // OrderedDict instance attributes (e.g. torch's `_metadata`) are dropped.
                default: throw bad("BUILD on a value that takes no state")
                }
            case 0x82, 0x83, 0x84: // EXT1/2/4
                throw .unsupported(source: source, offset: opcodeStart, reason: "extension registry codes (EXT1/EXT2/EXT4)")
            default:
                throw .unknownOpcode(source: source, offset: opcodeStart, opcode: op)
            }
        }
    }

    // MARK: - Opcode helpers

    /// 1 + the deepest of `items`; refused beyond the policy's limit, so that no over-deep
    /// structure is ever built (freeing one would recurse as deep as it is nested).
    private func depth(of items: [PickleNode]) throws(PickleError) -> Int {
        var deepest = 0
        for item in items { deepest = max(deepest, item.depth) }
        guard deepest < policy.maxDepth else { throw .tooDeep(source: source, limit: policy.maxDepth) }
        return deepest + 1
    }

    private func tuple(_ items: [PickleNode]) throws(PickleError) -> PickleNode {
        .tuple(items, depth: try depth(of: items))
    }

    /// Raises `target`'s recorded depth to cover `added` items.
    private func box<Box: DepthTracking>(_ target: Box, _ added: [PickleNode]) throws(PickleError) -> Box {
        target.depth = max(target.depth, try depth(of: added))
        return target
    }

    /// Raises `target`'s recorded depth to cover items whose deepest is `deepest`.
    private func raise<Box: DepthTracking>(_ target: Box, _ deepest: Int) throws(PickleError) {
        guard deepest < policy.maxDepth else { throw .tooDeep(source: source, limit: policy.maxDepth) }
        if deepest + 1 > target.depth { target.depth = deepest + 1 }
    }

    private func uintBigEndian(_ width: Int) throws(PickleError) -> UInt64 {
        let raw = try take(width)
        var v: UInt64 = 0
        for b in raw { v = v << 8 | UInt64(b) }
        return v
    }

    private func utf8(_ raw: UnsafeRawBufferPointer) throws(PickleError) -> String {
        // Python writes lone surrogates with 'surrogatepass'; those are not valid UTF-8 and refused.
        guard let s = String(validating: raw, as: UTF8.self) else { throw bad("string is not valid UTF-8") }
        return s
    }

    /// Python 2 `str`: text when its bytes are UTF-8 (what RefCOCO and most data hold), else bytes.
    private func py2String(_ raw: [UInt8]) -> PickleValue {
        if let s = String(validating: raw, as: UTF8.self) { return .string(s) }
        return .bytes(raw)
    }

    private func py2String(_ raw: UnsafeRawBufferPointer) -> PickleValue { py2String(Array(raw)) }

    private func decimal(_ text: String) throws(PickleError) -> PickleValue {
        guard let v = PickleNumber.parseDecimal(text.trimmingSpaces()) else { throw bad("bad integer '\(text)'") }
        return v
    }

    private func memoIndex(_ text: String) throws(PickleError) -> Int {
        guard let i = Int(text.trimmingSpaces()), i >= 0 else { throw bad("bad memo index '\(text)'") }
        return i
    }

    private func recall(_ index: Int) throws(PickleError) -> PickleNode {
        guard let node = memo.get(index) else { throw bad("memo index \(index) was never stored") }
        return node
    }

    private func checkPersistent() throws(PickleError) {
        guard policy.allowsPersistentIDs else {
            throw .unsupported(source: source, offset: opcodeStart, reason: "persistent ids are not expected in this file")
        }
    }

    private func global(_ raw: PickleGlobal) throws(PickleError) -> PickleNode {
        let g = PicklePolicy.normalized(raw)
        guard PicklePolicy.containerGlobals.contains(g) || policy.allowedGlobals.contains(g) else {
            throw .forbiddenGlobal(source: source, offset: opcodeStart, global: raw.description)
        }
        return .value(.global(g))
    }

    private func append(_ items: [PickleNode], to target: PickleNode) throws(PickleError) {
        switch target {
        case .list(let b): b.items.append(contentsOf: items); _ = try box(b, items)
        case .object(let b): b.listItems.append(contentsOf: items); _ = try box(b, items)
        default: throw bad("APPEND to a value that is not a list")
        }
    }

    private func setItems(_ items: [(PickleNode, PickleNode)], on target: PickleNode) throws(PickleError) {
        var deepest = 0
        for (k, v) in items { deepest = max(deepest, k.depth, v.depth) }
        switch target {
        case .dict(let b): b.pairs.append(contentsOf: items); try raise(b, deepest)
        case .object(let b): b.dictItems.append(contentsOf: items); try raise(b, deepest)
        default: throw bad("SETITEM on a value that is not a dict")
        }
    }

    /// REDUCE / NEWOBJ / INST / OBJ: container constructors become values; other allowed globals
    /// become `.object` records. Nothing is executed.
    private func call(_ callee: PickleNode, _ args: [PickleNode], keywords: [(PickleNode, PickleNode)] = []) throws(PickleError) -> PickleNode {
        guard case .value(.global(let g)) = callee else { throw bad("call of something that is not a global") }
        if PicklePolicy.containerGlobals.contains(g) && !policy.allowedGlobals.contains(g) {
            guard keywords.isEmpty else { throw bad("\(g) called with keyword arguments") }
            return try construct(g, args)
        }
        return .object(try box(ObjectBox(callee: g, arguments: args, keywordArguments: keywords),
                               args + keywords.flatMap { [$0.0, $0.1] }))
    }

    private func construct(_ g: PickleGlobal, _ args: [PickleNode]) throws(PickleError) -> PickleNode {
        func items(_ node: PickleNode) throws(PickleError) -> [PickleNode] {
            switch node {
            case .list(let box): return box.items
            case .tuple(let items, _), .frozenSet(let items, _): return items
            case .set(let box): return box.items
            default: throw bad("\(g) argument is not a sequence")
            }
        }
        switch (g.module, g.name) {
        case ("collections", "OrderedDict"), ("builtins", "dict"):
            guard let first = args.first else { return .dict(.init()) }
            guard args.count == 1 else { throw bad("\(g) with \(args.count) arguments") }
            if case .dict(let source) = first { return .dict(try box(DictBox(source.pairs), [first])) }
            var pairs: [(PickleNode, PickleNode)] = []
            for pair in try items(first) {
                let kv = try items(pair)
                guard kv.count == 2 else { throw bad("\(g) item is not a pair") }
                pairs.append((kv[0], kv[1]))
            }
            return .dict(try box(DictBox(pairs), pairs.flatMap { [$0.0, $0.1] }))
        case ("builtins", "set"):
            let members = try args.first.map { (a) throws(PickleError) in try items(a) } ?? []
            return .set(try box(SetBox(members), members))
        case ("builtins", "frozenset"):
            let members = try args.first.map { (a) throws(PickleError) in try items(a) } ?? []
            return .frozenSet(members, depth: try depth(of: members))
        case ("builtins", "list"):
            let members = try args.first.map { (a) throws(PickleError) in try items(a) } ?? []
            return .list(try box(ListBox(members), members))
        case ("builtins", "tuple"):
            return try tuple(try args.first.map { (a) throws(PickleError) in try items(a) } ?? [])
        case ("builtins", "bytes"), ("builtins", "bytearray"), ("_codecs", "encode"):
            return .value(.bytes(try bytesArgument(g, args)))
        default:
            throw .forbiddenGlobal(source: source, offset: opcodeStart, global: g.description)
        }
    }

    /// `bytes()` / `bytearray(b)` / `bytearray(str, 'latin-1')` / `_codecs.encode(str, 'latin1')`.
    private func bytesArgument(_ g: PickleGlobal, _ args: [PickleNode]) throws(PickleError) -> [UInt8] {
        guard let first = args.first else { return [] }
        switch first {
        case .value(.bytes(let b)): return b
        case .list(let box):
            var out: [UInt8] = []
            for item in box.items {
                guard case .value(.int(let i)) = item, (0...255).contains(i) else { throw bad("\(g) list item is not a byte") }
                out.append(UInt8(i))
            }
            return out
        case .value(.string(let s)):
            guard args.count == 2, case .value(.string(let encoding)) = args[1],
                  ["latin1", "latin-1", "iso-8859-1", "iso8859-1"].contains(encoding.lowercased()) else {
                throw bad("\(g) of a string needs the latin-1 encoding")
            }
            var out: [UInt8] = []
            out.reserveCapacity(s.unicodeScalars.count)
            for scalar in s.unicodeScalars {
                guard scalar.value <= 0xFF else { throw bad("\(g): character beyond latin-1") }
                out.append(UInt8(scalar.value))
            }
            return out
        default:
            throw bad("\(g) argument is not bytes, a string or a list of ints")
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\r" || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\r" || l == "\t" { s.removeLast() }
        return String(s)
    }
}

typealias ListBox = PickleNode.ListBox
typealias DictBox = PickleNode.DictBox
typealias SetBox = PickleNode.SetBox
typealias ObjectBox = PickleNode.ObjectBox

/// Boxes that record their nesting depth.
protocol DepthTracking: AnyObject {
    var depth: Int { get set }
}

extension PickleNode.ListBox: DepthTracking {}
extension PickleNode.DictBox: DepthTracking {}
extension PickleNode.SetBox: DepthTracking {}
extension PickleNode.ObjectBox: DepthTracking {}

/// The memo: indices are almost always 0, 1, 2, ... so they live in an array; far-off indices
/// (legal, e.g. from PUT) go to a dictionary so that a hostile index cannot force a huge allocation.
struct PickleMemo {
    private var dense: [PickleNode?] = []
    private var sparse: [Int: PickleNode] = [:]
    private(set) var count = 0

    func get(_ index: Int) -> PickleNode? {
        if index >= 0 && index < dense.count, let node = dense[index] { return node }
        return sparse[index]
    }

    subscript(index: Int) -> PickleNode? {
        get { get(index) }
        set {
            guard let newValue else { return }
            if index == dense.count {
                // The usual case: the next sequential index.
                if sparse.isEmpty || sparse[index] == nil { count += 1 } else { sparse[index] = nil }
                dense.append(newValue)
                return
            }
            if get(index) == nil { count += 1 }
            if index >= 0 && index <= dense.count + 1024 {
                while dense.count <= index { dense.append(nil) }
                dense[index] = newValue
                sparse[index] = nil
            } else {
                sparse[index] = newValue
            }
        }
    }

    func forEach(_ body: (PickleNode) -> Void) {
        for case let node? in dense { body(node) }
        for node in sparse.values { body(node) }
    }
}
