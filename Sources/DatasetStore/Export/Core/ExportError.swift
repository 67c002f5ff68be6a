/// Errors of the exporters and the split assigner. Each names the file, folder or record at fault.
public enum ExportError: Error, CustomStringConvertible, Sendable {
    /// The output folder exists and holds files, and `--overwrite` was not given.
    case outputNotEmpty(path: String, entries: Int)
    /// A path the exporter was about to write resolves outside the output folder.
    case outsideOutput(path: String, output: String)
    /// The output folder cannot be created or used.
    case badOutput(path: String, reason: String)
    /// No space left on the device (or over quota); the partial file was removed.
    case diskFull(path: String)
    /// Any other write failure.
    case writeFailed(path: String, reason: String)
    /// A stored record the exporter cannot use (bad geometry, unreadable image).
    case badRecord(record: String, field: String, reason: String)
    /// An option value that makes no sense (ratios, limits).
    case invalidOption(name: String, reason: String)
    /// An error of the store itself.
    case store(StoreError)

    public var description: String {
        switch self {
        case .outputNotEmpty(let path, let entries):
            "\(path): output folder is not empty (\(entries) entries); pass --overwrite to replace its contents"
        case .outsideOutput(let path, let output):
            "\(path): refusing to write outside the output folder \(output)"
        case .badOutput(let path, let reason):
            "\(path): cannot use as output folder: \(reason)"
        case .diskFull(let path):
            "\(path): no space left on device; the partial file was removed"
        case .writeFailed(let path, let reason):
            "\(path): write failed: \(reason)"
        case .badRecord(let record, let field, let reason):
            "\(record): field \(field): \(reason)"
        case .invalidOption(let name, let reason):
            "option \(name): \(reason)"
        case .store(let error):
            error.description
        }
    }
}
