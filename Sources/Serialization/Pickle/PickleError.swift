/// Errors reading a pickle. Each names the source (file or archive member) and the byte offset.
public enum PickleError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The data ended inside an opcode or before STOP.
    case truncated(source: String, offset: Int)
    /// A byte that is not a pickle opcode (or not one of the protocols 0–5).
    case unknownOpcode(source: String, offset: Int, opcode: UInt8)
    /// A GLOBAL / STACK_GLOBAL / INST naming something outside the allow-list. Pickles can run
    /// arbitrary code through such globals; we never resolve them.
    case forbiddenGlobal(source: String, offset: Int, global: String)
    /// An opcode that is well-formed but not accepted (extension registry, out-of-band buffers,
    /// persistent ids when the policy does not expect them).
    case unsupported(source: String, offset: Int, reason: String)
    /// Inconsistent data: stack underflow, a missing MARK, a bad memo index, wrong argument types.
    case malformed(source: String, offset: Int, reason: String)
    /// Containers nested deeper than the policy's limit.
    case tooDeep(source: String, limit: Int)

    public var description: String {
        switch self {
        case .truncated(let source, let offset): "\(source): pickle truncated at byte \(offset)"
        case .unknownOpcode(let source, let offset, let opcode):
            "\(source): unknown pickle opcode 0x\(String(opcode, radix: 16)) at byte \(offset)"
        case .forbiddenGlobal(let source, let offset, let global):
            "\(source): pickle refers to global '\(global)' at byte \(offset), which is not allowed (pickles can execute code; only plain data is read)"
        case .unsupported(let source, let offset, let reason): "\(source): unsupported pickle content at byte \(offset): \(reason)"
        case .malformed(let source, let offset, let reason): "\(source): malformed pickle at byte \(offset): \(reason)"
        case .tooDeep(let source, let limit): "\(source): pickle nests containers deeper than \(limit) levels"
        }
    }
}
