/// Why a strict registration stopped.
public enum RegistrationError: Error, CustomStringConvertible, Sendable {
    case badFile(path: String, reason: String)
    case store(StoreError)

    public var description: String {
        switch self {
        case .badFile(let path, let reason): "\(path): \(reason)"
        case .store(let error): error.description
        }
    }
}
