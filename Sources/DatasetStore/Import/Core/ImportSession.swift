import Annotate
import GRDB
import Glibc

/// The shared machinery of the importers: collects units, and writes them a batch per
/// transaction (so a killed import leaves whole images or nothing, and its re-run adds only
/// what is missing), deduplicating images by content and records by key; records problems.
public final class ImportSession {
    public let store: DatasetStore
    public let root: DatasetRoot
    public let dataset: String
    public let options: ImportOptions
    public private(set) var report: ImportReport
    private let progress: (Int) -> Void
    private var pending: [ImportUnit] = []
    private var rootID: Int64?
    private var categoryIDs: [ImportUnit.Category: Int64] = [:]
    private var unitsSeen = 0

    public init(store: DatasetStore, root: DatasetRoot, dataset: String, format: String, options: ImportOptions,
                progress: @escaping (Int) -> Void = { _ in }) {
        self.store = store
        self.root = root
        self.dataset = dataset
        self.options = options
        self.report = ImportReport(format: format)
        self.progress = progress
    }

    /// Whether the `--max-images` cap has been reached.
    public var isFull: Bool { options.maxImages.map { unitsSeen >= $0 } ?? false }

    /// Reports a bad record (thrown with `--strict`). `category` groups it in the summary.
    public func problem(_ problem: ImportProblem, category: String) throws(ImportError) {
        if options.strict { throw .badRecord(problem) }
        report.record(problem, category: category)
    }

    /// Queues a unit; writes the batch when it is full.
    public func add(_ unit: ImportUnit) throws(ImportError) {
        guard !isFull else { return }
        unitsSeen += 1
        pending.append(unit)
        if pending.count >= options.batchSize { try flush() }
    }

    /// Writes what is queued.
    public func flush() throws(ImportError) {
        guard !pending.isEmpty else { return }
        let units = pending
        pending.removeAll(keepingCapacity: true)
        try write(units)
        progress(unitsSeen)
    }

    /// Ends the import: writes the rest and returns the report.
    public func finish() throws(ImportError) -> ImportReport {
        try flush()
        return report
    }

    private struct Prepared: Sendable {
        var unit: ImportUnit
        var relativePath: String
        var inspection: ImageInspection?
        /// The image is stored as a blob (it came embedded in the annotation file).
        var isBlob = false
        var existingImageID: Int64?
        var failure: String?
        /// Store records of the annotations (image id filled in when written), by key.
        var records: [String: NewAnnotation] = [:]
        /// Annotations whose geometry could not be turned into a record, and why.
        var badAnnotations: [(key: String, reason: String)] = []
    }

    private func write(_ units: [ImportUnit]) throws(ImportError) {
        let rootID = try ensureRoot()
        let dataset = self.dataset
        // Images already imported from this source are not read again (fast resume).
        var prepared: [Prepared] = []
        do {
            prepared = try store.read { db in
                let statement = try db.cachedStatement(sql: "SELECT image_id FROM image_sources WHERE dataset = ? AND source_id = ?")
                return try units.map { unit in
                    let existing = try Int64.fetchOne(statement, arguments: [dataset, unit.sourceID])
                    return Prepared(unit: unit, relativePath: "", existingImageID: existing)
                }
            }
        } catch { throw .store(error) }
        let root = self.root
        let store = self.store
        prepared = parallelMap(prepared) { item in
            var item = item
            var absolute = ""
            do {
                absolute = try root.resolve(item.unit.imagePath)
                if item.unit.embeddedImage != nil && access(absolute, R_OK) != 0 { absolute = "" }
            } catch {
                if item.unit.embeddedImage == nil {
                    item.failure = "image path \(item.unit.imagePath): \(error)"
                    return item
                }
            }
            if absolute.isEmpty {
                item.isBlob = true
            } else {
                guard let relative = root.relativePath(of: absolute) else {
                    item.failure = "image path \(item.unit.imagePath) is not inside the dataset root"
                    return item
                }
                item.relativePath = relative
            }
            for annotation in item.unit.annotations {
                do {
                    item.records[annotation.key] = try annotation.geometry.annotation(
                        imageID: 0, categoryID: nil, instanceKey: annotation.key, isIgnore: annotation.isIgnore,
                        attributesJSON: annotation.attributesJSON)
                } catch {
                    item.badAnnotations.append((annotation.key, "\(error)"))
                }
            }
            if item.existingImageID != nil { return item }
            let source = item.isBlob ? "\(item.unit.origin) (imageData)" : absolute
            do {
                let bytes = item.isBlob ? item.unit.embeddedImage ?? [] : try FileBytes.read(absolute)
                item.inspection = try ImageInspection.inspect(bytes, source: source)
                if item.isBlob, let sha = item.inspection?.sha256 { try ImageRegistrar.writeBlob(bytes, sha256: sha, location: store.location) }
            } catch {
                item.failure = ImageRegistrar.reason(error, path: source)
            }
            return item
        }
        for item in prepared {
            if let failure = item.failure {
                try problem(ImportProblem(file: item.unit.origin, field: "image", reason: failure), category: "unreadable image")
            }
            for bad in item.badAnnotations {
                try problem(ImportProblem(file: item.unit.origin, location: bad.key, field: "geometry", reason: bad.reason),
                            category: "bad geometry")
            }
        }
        var report = self.report
        var categoryIDs = self.categoryIDs
        do {
            try store.write { db in
                let writer = RecordWriter(db)
                for item in prepared where item.failure == nil {
                    try self.writeUnit(item.unit, records: item.records, relativePath: item.isBlob ? nil : item.relativePath,
                                       inspection: item.inspection,
                                       existingImageID: item.existingImageID, rootID: rootID, db: db, writer: writer,
                                       report: &report, categoryIDs: &categoryIDs)
                }
            }
        } catch {
            throw .store(error)
        }
        self.report = report
        self.categoryIDs = categoryIDs
    }

    private func writeUnit(_ unit: ImportUnit, records: [String: NewAnnotation], relativePath: String?, inspection: ImageInspection?, existingImageID: Int64?,
                           rootID: Int64, db: Database, writer: RecordWriter, report: inout ImportReport,
                           categoryIDs: inout [ImportUnit.Category: Int64]) throws {
        let imageID: Int64
        if let existingImageID {
            imageID = existingImageID
            report.images.alreadyPresent += 1
        } else if let inspection {
            let result = try writer.insertImage(inspection, rootID: rootID, relativePath: relativePath,
                                                source: (dataset, unit.sourceID), groupKey: unit.groupKey, split: unit.split)
            imageID = result.id
            if result.inserted { report.images.added += 1 } else { report.images.alreadyPresent += 1 }
        } else {
            return
        }
        var annotationIDs: [String: Int64] = [:]
        for annotation in unit.annotations {
            guard var record = records[annotation.key] else { continue }
            var categoryID: Int64? = nil
            if let category = annotation.category {
                if let known = categoryIDs[category] { categoryID = known } else {
                    let id = try writer.category(name: category.name, displayName: category.displayName,
                                                 source: category.sourceID.map { (dataset, $0) })
                    categoryIDs[category] = id
                    categoryID = id
                }
            }
            record.imageID = imageID
            record.categoryID = categoryID
            let result = try writer.insert(record)
            annotationIDs[annotation.key] = result.id
            if result.inserted { report.annotations.added += 1 } else { report.annotations.alreadyPresent += 1 }
        }
        for instruction in unit.instructions {
            // An instruction whose target could not be stored is skipped, not turned into a negative.
            let targets = instruction.targetKeys.compactMap { annotationIDs[$0] }
            guard targets.count == instruction.targetKeys.count else { continue }
            let result = try writer.insert(NewInstruction(imageID: imageID, key: instruction.key, text: instruction.text,
                                                          kind: instruction.kind, isSentence: instruction.isSentence,
                                                          explanation: instruction.explanation, targetAnnotationIDs: targets))
            if result.inserted { report.instructions.added += 1 } else { report.instructions.alreadyPresent += 1 }
        }
    }

    private func ensureRoot() throws(ImportError) -> Int64 {
        if let rootID { return rootID }
        do {
            let id = try store.write { db -> Int64 in
                try db.execute(sql: "INSERT INTO dataset_roots(path) VALUES (?) ON CONFLICT(path) DO NOTHING", arguments: [root.path])
                return try Int64.fetchOne(db, sql: "SELECT id FROM dataset_roots WHERE path = ?", arguments: [root.path]) ?? 0
            }
            rootID = id
            return id
        } catch { throw .store(error) }
    }
}
