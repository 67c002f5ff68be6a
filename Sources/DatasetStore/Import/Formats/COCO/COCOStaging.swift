import Foundation
import GRDB
import Serialization

/// A COCO instances file staged on disk, so it can be imported image by image in constant
/// memory whatever its size and whatever the order of its `images`, `annotations` and
/// `categories` arrays (COCO files list annotations in any order, often before or far from
/// their images).
///
/// One streaming pass (`JSONReader`) decodes one record at a time and writes it to a private
/// temporary SQLite database (SQLite's unnamed temporary database: a file that is deleted when
/// it is closed or the process ends, with a bounded page cache); images are then read back
/// ordered by id, each with its annotations ordered by id. Categories are few and kept in memory.
/// The temporary file goes where SQLite puts them (`SQLITE_TMPDIR`, else `TMPDIR`, else
/// `/var/tmp` or `/tmp`) and takes about as much room as the JSON.
final class COCOStaging {
    struct Image {
        var id: Int64
        var fileName: String
        var width: Int?
        var height: Int?
    }

    struct Annotation {
        var id: Int64
        var categoryID: Int64?
        var isCrowd: Int?
        var segmentation: COCOSegmentation?
    }

    struct Category {
        var id: Int64
        var name: String
    }

    /// Categories by id (the last entry wins when an id repeats).
    private(set) var categories: [Int64: Category] = [:]
    private let database: DatabaseQueue
    /// The instances file (named in errors).
    let path: String

    /// Reads the instances file at `path` into a fresh staging database. Malformed JSON or a
    /// record field of the wrong type stops it, naming the file, line and field.
    init(path: String) throws(ImportError) {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.label = "coco-staging"
            database = try DatabaseQueue(path: "", configuration: configuration)
            try database.inDatabase { db in
                try db.execute(sql: """
                    PRAGMA cache_size = -8192;
                    PRAGMA journal_mode = OFF;
                    PRAGMA synchronous = OFF;
                    CREATE TABLE images(seq INTEGER PRIMARY KEY, id INTEGER NOT NULL, file_name TEXT NOT NULL, width INTEGER, height INTEGER);
                    CREATE TABLE annotations(seq INTEGER PRIMARY KEY, id INTEGER NOT NULL, image_id INTEGER NOT NULL,
                                             category_id INTEGER, iscrowd INTEGER, segmentation BLOB);
                    """)
            }
        } catch {
            throw .unreadableSource(path: path, reason: "cannot create the staging database: \(error)")
        }
        let reader: JSONReader
        do { reader = try JSONReader(path: path) } catch { throw .unreadableSource(path: path, reason: error.reason) }
        var failure: ImportError?
        do {
            try database.inDatabase { db in
                do { try self.load(reader, into: db) } catch let error as ImportError { failure = error }
            }
        } catch {
            throw .unreadableSource(path: path, reason: "cannot stage the instances: \(error)")
        }
        if let failure { throw failure }
    }

    /// Calls `body` with each staged image (ordered by id, then file order) and its annotations
    /// (ordered by id, then file order); annotations of images not listed are never visited.
    /// `body` returns false to stop.
    func forEachImage(_ body: (Image, [Annotation]) throws(ImportError) -> Bool) throws(ImportError) {
        var failure: ImportError?
        do {
            try database.inDatabase { db in
                let images = try Row.fetchCursor(db, sql: "SELECT id, file_name, width, height FROM images ORDER BY id, seq")
                let annotations = try db.makeStatement(sql: """
                    SELECT id, category_id, iscrowd, segmentation FROM annotations WHERE image_id = ? ORDER BY id, seq
                    """)
                while let row = try images.next() {
                    let image = Image(id: row[0], fileName: row[1], width: row[2], height: row[3])
                    var staged: [Annotation] = []
                    let rows = try Row.fetchCursor(annotations, arguments: [image.id])
                    while let row = try rows.next() {
                        let blob: [UInt8]? = (row[3] as Data?).map { [UInt8]($0) }
                        var segmentation: COCOSegmentation?
                        if let blob {
                            guard let decoded = COCOSegmentation(encoded: blob) else {
                                throw ImportError.unreadableSource(path: path, reason: "staged segmentation of annotation \(row[0] as Int64) is damaged")
                            }
                            segmentation = decoded
                        }
                        staged.append(Annotation(id: row[0], categoryID: row[1], isCrowd: row[2], segmentation: segmentation))
                    }
                    do {
                        if try !body(image, staged) { return }
                    } catch let error as ImportError { failure = error; return }
                }
            }
        } catch let error as ImportError {
            throw error
        } catch {
            throw .unreadableSource(path: path, reason: "cannot read the staging database: \(error)")
        }
        if let failure { throw failure }
    }

    // MARK: Loading

    private func load(_ reader: JSONReader, into db: Database) throws {
        let insertImage = try db.makeStatement(sql: "INSERT INTO images(id, file_name, width, height) VALUES (?, ?, ?, ?)")
        let insertAnnotation = try db.makeStatement(sql: """
            INSERT INTO annotations(id, image_id, category_id, iscrowd, segmentation) VALUES (?, ?, ?, ?, ?)
            """)
        var pending = 0
        try db.execute(sql: "BEGIN")
        func committed() throws {
            pending += 1
            if pending >= 20_000 {
                try db.execute(sql: "COMMIT; BEGIN")
                pending = 0
            }
        }
        var sawImages = false
        do {
            try read(reader, sawImages: &sawImages, insertImage: insertImage, insertAnnotation: insertAnnotation, committed: committed)
        } catch {
            // The staging is thrown away; just close the transaction (with journal_mode OFF a
            // ROLLBACK is undefined).
            try? db.execute(sql: "COMMIT")
            throw error
        }
        try db.execute(sql: """
            COMMIT;
            CREATE INDEX images_by_id ON images(id, seq);
            CREATE INDEX annotations_by_image ON annotations(image_id, id, seq);
            """)
        guard sawImages else { throw ImportError.badRecord(ImportProblem(file: path, field: "images", reason: "missing")) }
    }

    /// The streaming pass: each record decoded, checked and inserted.
    private func read(_ reader: JSONReader, sawImages: inout Bool, insertImage: Statement, insertAnnotation: Statement,
                      committed: () throws -> Void) throws {
        try json {
            try reader.beginObject()
            while let key = try reader.nextKey() {
                switch key {
                case "images":
                    sawImages = true
                    try forEachRecord(reader, array: "images") { (record: JSONValue, path: String, at: JSONPosition) throws(ImportError) in
                        let image = Image(id: try int64(record["id"], "\(path).id", at), fileName: try string(record["file_name"], "\(path).file_name", at),
                                          width: try optionalInt(record["width"], "\(path).width", at),
                                          height: try optionalInt(record["height"], "\(path).height", at))
                        do {
                            try insertImage.execute(arguments: [image.id, image.fileName, image.width, image.height])
                            try committed()
                        } catch { throw .unreadableSource(path: self.path, reason: "cannot stage image \(image.id): \(error)") }
                    }
                case "annotations":
                    try forEachRecord(reader, array: "annotations") { (record: JSONValue, path: String, at: JSONPosition) throws(ImportError) in
                        let id = try int64(record["id"], "\(path).id", at)
                        let imageID = try int64(record["image_id"], "\(path).image_id", at)
                        let categoryID = try optionalInt64(record["category_id"], "\(path).category_id", at)
                        let isCrowd = try optionalInt(record["iscrowd"], "\(path).iscrowd", at)
                        var segmentation: COCOSegmentation?
                        if let value = record["segmentation"] {
                            segmentation = try COCOSegmentation(value, path: "\(path).segmentation") { field, reason in
                                self.problem(field, at, reason)
                            }
                        }
                        do {
                            try insertAnnotation.execute(arguments: [id, imageID, categoryID, isCrowd, segmentation.map { Data($0.encoded) }])
                            try committed()
                        } catch { throw .unreadableSource(path: self.path, reason: "cannot stage annotation \(id): \(error)") }
                    }
                case "categories":
                    try forEachRecord(reader, array: "categories") { (record: JSONValue, path: String, at: JSONPosition) throws(ImportError) in
                        let id = try int64(record["id"], "\(path).id", at)
                        let name = try string(record["name"], "\(path).name", at)
                        if let value = record["supercategory"], !value.isNull { _ = try string(value, "\(path).supercategory", at) }
                        categories[id] = Category(id: id, name: name)
                    }
                default:
                    try reader.skipValue()
                }
            }
            try reader.finish()
        }
    }

    /// Runs `body`, turning JSON errors into a malformed-document error with the line and column.
    private func json(_ body: () throws -> Void) throws {
        do { try body() } catch let error as JSONError {
            throw ImportError.badRecord(ImportProblem(file: path, reason: error.reason + (error.position.map { " (at \($0))" } ?? "")))
        }
    }

    /// Decodes each element of the array value that comes next (a record: one image, one
    /// annotation) and hands it to `body` with its field path and position.
    private func forEachRecord(_ reader: JSONReader, array: String,
                               _ body: (JSONValue, String, JSONPosition) throws(ImportError) -> Void) throws {
        guard try reader.peekKind() == .array else {
            let kind = try reader.peekKind()
            let at = reader.position
            throw problem(array, at, "expected a list, found \(kind.name)")
        }
        try reader.beginArray()
        var index = 0
        while try reader.nextElement() {
            _ = try reader.peekKind()
            let at = reader.position
            let record = try reader.readValue()
            let path = "\(array)[\(index)]"
            guard case .object = record else {
                throw problem(path, at, "expected an object, found \(record.kindName)")
            }
            try body(record, path, at)
            index += 1
        }
    }

    // MARK: Typed fields (a wrong type is a malformed document, as for a typed decoder)

    private func problem(_ field: String, _ at: JSONPosition, _ reason: String) -> ImportError {
        .badRecord(ImportProblem(file: path, field: field, reason: "\(reason) (record at \(at))"))
    }

    private func optionalInt64(_ value: JSONValue?, _ field: String, _ at: JSONPosition) throws(ImportError) -> Int64? {
        guard let value, !value.isNull else { return nil }
        guard let number = value.numberValue else { throw problem(field, at, "expected an integer, found \(value.kindName)") }
        guard let integer = number.int64 else { throw problem(field, at, "expected an integer, found the number \(number.text)") }
        return integer
    }

    private func int64(_ value: JSONValue?, _ field: String, _ at: JSONPosition) throws(ImportError) -> Int64 {
        guard let integer = try optionalInt64(value, field, at) else { throw problem(field, at, "missing") }
        return integer
    }

    private func optionalInt(_ value: JSONValue?, _ field: String, _ at: JSONPosition) throws(ImportError) -> Int? {
        try optionalInt64(value, field, at).flatMap { Int(exactly: $0) }
    }

    private func string(_ value: JSONValue?, _ field: String, _ at: JSONPosition) throws(ImportError) -> String {
        guard let value, !value.isNull else { throw problem(field, at, "missing") }
        guard let text = value.stringValue else { throw problem(field, at, "expected a string, found \(value.kindName)") }
        return text
    }
}
