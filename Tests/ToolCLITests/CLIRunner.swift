import Foundation
import GRDB
import Glibc

/// Runs the built `lisakit` executable as a child process (posix_spawn), capturing its output.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum CLI {
    /// The `lisakit` binary next to the test bundle (`.build/<config>/lisakit`).
    static let executable: String = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let me = count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        var folder = URL(fileURLWithPath: me).deletingLastPathComponent()
        if folder.lastPathComponent == "MacOS" || folder.pathExtension == "xctest" { folder.deleteLastPathComponent() }
        let candidate = folder.appendingPathComponent("lisakit").path
        return candidate
    }()

    /// Starts `lisakit` with `arguments`; the caller waits with `wait(_:)`.
    static func spawn(_ arguments: [String], environment: [String: String] = [:], prefix: [String] = [],
                      stdoutPath: String, stderrPath: String, currentDirectory: String? = nil) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // coreutils' env changes the folder for us (posix_spawn's chdir action is not exported).
        let chdir = currentDirectory.map { ["/usr/bin/env", "-C", $0] } ?? []
        let argv = chdir + prefix + [executable] + arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "LISAKIT_DB")
        for (key, value) in environment { env[key] = value }
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv)
        precondition(status == 0, "cannot start \(argv[0]): \(String(cString: strerror(status)))")
        return pid
    }

    /// Waits for a child and collects its result.
    static func wait(_ pid: pid_t, stdoutPath: String, stderrPath: String) -> CLIResult {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let out = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        return CLIResult(status: exit, stdout: out, stderr: err)
    }

    /// Runs `lisakit` to completion.
    static func run(_ arguments: [String], environment: [String: String] = [:], prefix: [String] = [],
                    currentDirectory: String? = nil) -> CLIResult {
        let stdoutPath = NSTemporaryDirectory() + "/lisakit-out-\(UUID().uuidString)"
        let stderrPath = NSTemporaryDirectory() + "/lisakit-err-\(UUID().uuidString)"
        defer { unlink(stdoutPath); unlink(stderrPath) }
        let pid = spawn(arguments, environment: environment, prefix: prefix, stdoutPath: stdoutPath, stderrPath: stderrPath,
                        currentDirectory: currentDirectory)
        return wait(pid, stdoutPath: stdoutPath, stderrPath: stderrPath)
    }
}

extension CLI {
    /// Starts `lisakit arguments`, polls `ready` until it returns true (or `timeout` passes), then
    /// kills the process with SIGKILL — an interruption at an arbitrary point of a long job.
    static func runAndKill(_ arguments: [String], timeout: TimeInterval = 120, when ready: () -> Bool) -> CLIResult {
        let stdoutPath = NSTemporaryDirectory() + "/lisakit-out-\(UUID().uuidString)"
        let stderrPath = NSTemporaryDirectory() + "/lisakit-err-\(UUID().uuidString)"
        defer { unlink(stdoutPath); unlink(stderrPath) }
        let pid = spawn(arguments, stdoutPath: stdoutPath, stderrPath: stderrPath)
        let deadline = Date().addingTimeInterval(timeout)
        while !ready() && Date() < deadline { usleep(1000) }
        kill(pid, SIGKILL)
        return wait(pid, stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    /// A `ready` condition for `runAndKill`: the store at `database` holds at least `count` images.
    static func imagesCommitted(_ database: String, atLeast count: Int) -> () -> Bool {
        let configuration: Configuration = { var c = Configuration(); c.readonly = true; return c }()
        return {
            guard let reader = try? DatabaseQueue(path: database, configuration: configuration) else { return false }
            defer { try? reader.close() }
            return ((try? reader.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM images") }) ?? 0) >= count
        }
    }
}
