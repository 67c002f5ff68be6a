/// What an unpickling run accepts beyond plain data.
///
/// Plain containers are always understood and turned into values: `collections.OrderedDict`,
/// `builtins.set` / `frozenset` / `dict` / `list` / `tuple` / `bytes` / `bytearray`, and
/// `_codecs.encode` (how protocol ≤ 2 pickles carry Python 3 bytes). Python 2 module names
/// (`__builtin__`, `copy_reg`) are mapped as Python 3's `fix_imports` does. Every other global is
/// refused unless listed in `allowedGlobals`, in which case references become `.global` and calls
/// `.object` records — never executed.
public struct PicklePolicy: Sendable {
    /// Extra globals the caller knows how to interpret (e.g. PyTorch's tensor rebuild functions).
    public var allowedGlobals: Set<PickleGlobal>
    /// Whether PERSID / BINPERSID may occur (PyTorch storages); refused otherwise.
    public var allowsPersistentIDs: Bool
    /// The deepest container nesting accepted.
    public var maxDepth: Int

    public init(allowedGlobals: Set<PickleGlobal> = [], allowsPersistentIDs: Bool = false, maxDepth: Int = 200) {
        self.allowedGlobals = allowedGlobals
        self.allowsPersistentIDs = allowsPersistentIDs
        self.maxDepth = maxDepth
    }

    /// Plain data only: containers, numbers, strings, bytes. The policy for files such as
    /// RefCOCO's `refs(unc).p`.
    public static let dataOnly = PicklePolicy()

    /// The built-in container constructors that become plain values.
    public static let containerGlobals: Set<PickleGlobal> = [
        PickleGlobal("collections", "OrderedDict"),
        PickleGlobal("builtins", "set"), PickleGlobal("builtins", "frozenset"),
        PickleGlobal("builtins", "dict"), PickleGlobal("builtins", "list"),
        PickleGlobal("builtins", "tuple"), PickleGlobal("builtins", "bytes"),
        PickleGlobal("builtins", "bytearray"), PickleGlobal("_codecs", "encode"),
    ]

    /// Python 2 names as Python 3 reads them (the subset relevant to plain data).
    static func normalized(_ global: PickleGlobal) -> PickleGlobal {
        switch global.module {
        case "__builtin__": PickleGlobal("builtins", global.name)
        case "copy_reg": PickleGlobal("copyreg", global.name)
        default: global
        }
    }
}
