import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading plan files (and the files `${file:}` names, and the state files of `Reconciler`'s
/// `StateFileReading`) from disk, regular files only.
///
/// Why not `FileHandle`: it opens blocking, so a plan file that is a FIFO, or a link to
/// `/dev/stdin` or `/proc/self/fd/1`, hung `validate` until a CI job timed out (issue 21,
/// item 8). Here the file is opened with `O_NONBLOCK` (opening a FIFO returns at once), the
/// opened descriptor is checked with `fstat` (what was opened, not what a path said a moment
/// before, so a file swapped for a FIFO after discovery is refused too), and at most `limit`
/// bytes are read.
public enum RegularFile {
    /// A failure to open or read, with the system's reason (never file content).
    struct ReadFailure: Error, CustomStringConvertible {
        var path: String
        var errno: Int32
        var description: String { "cannot read \(path): \(String(cString: strerror(errno)))" }
    }

    static func kind(ofMode mode: mode_t) -> PlanFileKind {
        switch mode & S_IFMT {
        case S_IFREG: .file
        case S_IFDIR: .directory
        case S_IFIFO: .other(.fifo)
        case S_IFCHR: .other(.characterDevice)
        case S_IFBLK: .other(.blockDevice)
        case S_IFSOCK: .other(.socket)
        default: .other(.unknown)
        }
    }

    /// The first `limit` bytes of the regular file at `path` (links followed).
    public static func contents(of path: String, upTo limit: Int) throws -> Data {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            // A socket cannot be opened at all (ENXIO): say what it is rather than why not.
            let reason = errno
            var info = stat()
            if stat(path, &info) == 0, case .other(let special) = kind(ofMode: info.st_mode) {
                throw NotRegularFile(path: path, kind: special)
            }
            throw ReadFailure(path: path, errno: reason)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ReadFailure(path: path, errno: errno) }
        switch kind(ofMode: info.st_mode) {
        case .file: break
        case .directory: throw ReadFailure(path: path, errno: EISDIR)
        case .other(let special): throw NotRegularFile(path: path, kind: special)
        }
        // Sized by what fstat says, but read until end of file or `limit`: files under /proc
        // report size 0, and a file may grow while it is read. (One byte more than the size,
        // so that the end of file is seen without growing the buffer.)
        let expected = Int(clamping: info.st_size)
        var data = Data(count: min(limit, max(expected + 1, 4096)))
        var count = 0
        while count < limit {
            if count == data.count { data.count = min(limit, data.count * 2) }
            let want = data.count - count
            let got = data.withUnsafeMutableBytes { buffer in read(fd, buffer.baseAddress! + count, want) }
            if got < 0 {
                if errno == EINTR { continue }
                throw ReadFailure(path: path, errno: errno)
            }
            if got == 0 { break }
            count += got
        }
        data.count = count
        return data
    }
}
