import DatasetStore
import Foundation
import GRDB
import Serialization

/// A backend that writes implicit, world-knowledge queries whose answer is a given object.
public protocol QueryWritingBackend: Sendable {
    var backend: String { get }
    var model: String? { get }
    func write(_ requests: [QueryWriteRequest]) async -> [Result<[WrittenQuery], AugmentError>]
}
