/// `scannetv2-labels.combined.tsv`: ScanNet label ids mapped to names, in the label set chosen.
public struct ScanNetLabels: Sendable {
    /// Which column names a label.
    public enum LabelSet: String, Sendable, CaseIterable {
        case rawCategory = "raw_category"
        case category
        case nyu40class
    }

    public let names: [Int: String]

    /// Reads the TSV (a header naming `id` and the label set's column); bad rows are problems.
    init(path: String, displayName: String, labelSet: LabelSet, session: ImportSession) throws(ImportError) {
        let reader = try LineReader(path: path, displayName: displayName)
        guard let headerLine = reader.next(), let header = DelimitedRow.split(headerLine, separator: 0x09) else {
            throw .unreadableSource(path: displayName, reason: "empty file (expected a header with id and \(labelSet.rawValue))")
        }
        guard let idColumn = header.firstIndex(of: "id"), let nameColumn = header.firstIndex(of: labelSet.rawValue) else {
            throw .unreadableSource(path: displayName, reason: "line 1: the header needs the columns id and \(labelSet.rawValue)")
        }
        var names: [Int: String] = [:]
        while let line = reader.next() {
            if line.isEmpty { continue }
            guard let fields = DelimitedRow.split(line, separator: 0x09), fields.count == header.count else {
                try session.problem(ImportProblem(file: displayName, location: "\(reader.lineNumber)",
                                                  reason: "expected \(header.count) tab-separated columns"), category: "bad row")
                continue
            }
            guard let id = Int(fields[idColumn]) else {
                try session.problem(ImportProblem(file: displayName, location: "\(reader.lineNumber)", field: "id",
                                                  reason: "not an integer: \(fields[idColumn])"), category: "bad row")
                continue
            }
            let name = fields[nameColumn].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty { names[id] = name }
        }
        self.names = names
    }
}
