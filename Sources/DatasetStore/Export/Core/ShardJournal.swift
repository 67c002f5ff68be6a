import Foundation
import Glibc
import Serialization

/// A sample's place in an export's stream: image id, then instruction id.
struct SampleKey: Comparable, Sendable, Codable {
    var image: Int64
    var instruction: Int64

    static func < (a: SampleKey, b: SampleKey) -> Bool { (a.image, a.instruction) < (b.image, b.instruction) }
}

/// The record a sharded export keeps of its committed shards, `OUT/.lisakit-shards`: a first
/// line with the export's settings (format, options, filter, a fingerprint of the store), then
/// a line per shard as it is committed (name, split, samples, bytes, SHA-256, the stream key of
/// its last sample); once the index (`manifest.json`, `index.json`) is written, it is rewritten
/// with the shards in name order and a last `complete` line. It is what lets a killed export resume: shards are cut in stream order, so the
/// shards an uninterrupted run writes after a committed one start with the same sample.
/// Lines are JSON. A line is appended without fsync: a shard the journal names is verified
/// (size and SHA-256) before it is kept.
struct ShardJournal {
    static let fileName = ".lisakit-shards"

    struct Header: Codable, Equatable {
        var journal = "lisakit-shards/1"
        var settings: String
    }

    struct Entry: Codable, Equatable {
        var shard: ExportShard
        /// The last sample in the shard.
        var last: SampleKey
    }

    /// What a journal on disk says.
    struct Contents {
        var header: Header
        var entries: [Entry]
        var complete: Bool
    }

    private struct Completion: Codable { var complete: Bool }

    let output: OutputFolder
    let path: String

    /// Reads the journal in `folder` (an absolute path); nil when there is none or it is not one.
    static func read(folder: String) -> Contents? {
        guard let data = FileManager.default.contents(atPath: folder + "/" + fileName) else { return nil }
        let lines = data.split(separator: UInt8(ascii: "\n"))
        let decoder = JSONDecoder()
        guard let first = lines.first, let header = try? decoder.decode(Header.self, from: Data(first)),
              header.journal == Header(settings: "").journal else { return nil }
        var contents = Contents(header: header, entries: [], complete: false)
        for line in lines.dropFirst() {
            if let entry = try? decoder.decode(Entry.self, from: Data(line)) {
                contents.entries.append(entry)
            } else if let done = try? decoder.decode(Completion.self, from: Data(line)), done.complete {
                contents.complete = true
            } else {
                break // a torn last line (killed while appending): the entries before it stand
            }
        }
        return contents
    }

    /// Starts the journal of an export: its header and the shards kept from an interrupted run.
    init(output: OutputFolder, settings: String, kept: [Entry]) throws(ExportError) {
        var text = Self.line(Header(settings: settings))
        for entry in kept { text += Self.line(entry) }
        try output.write(Self.fileName, Array(text.utf8))
        self.output = output
        path = output.path + "/" + Self.fileName
    }

    /// Records a committed shard.
    func append(_ entry: Entry) throws(ExportError) { try appendLine(Self.line(entry)) }

    /// Records that the export is complete (its index is written): the journal is written anew
    /// with every shard in name order (as a resumed run and an uninterrupted one list them the
    /// same) and the `complete` line.
    func complete(settings: String, entries: [Entry]) throws(ExportError) {
        var text = Self.line(Header(settings: settings))
        for entry in entries.sorted(by: { $0.shard.name < $1.shard.name }) { text += Self.line(entry) }
        text += Self.line(Completion(complete: true))
        try output.write(Self.fileName, Array(text.utf8))
    }

    private func appendLine(_ line: String) throws(ExportError) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        if fd < 0 { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array(line.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written != bytes.count {
            throw errno == ENOSPC || errno == EDQUOT ? .diskFull(path: path) : .writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
    }

    private static func line<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain records cannot fail; an empty line would read as a torn one.
        return ((try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "") + "\n"
    }

    /// The entries of an interrupted run whose shard files are there with the recorded size and
    /// SHA-256, per split the longest such run from its first shard (a later shard of a split
    /// whose earlier shard is missing or damaged cannot be kept). The files of the others are
    /// removed.
    static func verified(_ entries: [Entry], in output: OutputFolder) -> [Entry] {
        var broken = Set<String>()
        var kept: [Entry] = []
        for entry in entries {
            // A name that leads outside OUT is neither kept nor removed.
            let shard = entry.shard
            guard let path = try? output.file(shard.name) else { broken.insert(shard.split); continue }
            if !broken.contains(shard.split), matches(path, bytes: shard.bytes, sha256: shard.sha256) {
                kept.append(entry)
            } else {
                broken.insert(shard.split)
                unlink(path)
            }
        }
        return kept
    }

    /// Whether the file at `path` has `bytes` bytes and this SHA-256.
    static func matches(_ path: String, bytes: Int, sha256: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, Int(info.st_size) == bytes else { return false }
        var hasher = SHA256()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return false }
            if n == 0 { break }
            chunk.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            total += n
        }
        return total == bytes && SHA256.hexString(hasher.finalize()) == sha256
    }
}
