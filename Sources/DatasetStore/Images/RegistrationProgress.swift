/// Progress of a long registration: files handled so far out of the total found.
public struct RegistrationProgress: Sendable, Equatable {
    public var done: Int
    public var total: Int
}
