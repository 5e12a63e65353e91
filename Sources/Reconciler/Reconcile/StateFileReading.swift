import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file of the state folder (`.oms-plan/state/*.json`) within a bound. The folder is
/// the user's, but anything may end up there (a copy from elsewhere, a link, a FIFO made by
/// mistake): `Data(contentsOf:)` would read a 10 GB file whole and wait for ever on a FIFO, and
/// reconcile would hang or be killed. So the file is opened `O_NONBLOCK`, must be a regular
/// file (checked on the opened descriptor) and at most `limit` bytes.
enum StateFileReading {
    /// Why a state file was not read; never its content.
    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    /// The file's bytes; nil when it does not exist.
    static func contents(of url: URL, limit: Int) throws(Refused) -> Data? {
        let fd = open(url.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw Refused(description: "cannot be opened (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Refused(description: "cannot be read (\(String(cString: strerror(errno))))") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw Refused(description: "is not a regular file") }
        let tooLarge = Refused(description: "is larger than \(limit / (1 << 20)) MiB, far more than oms-plan writes there")
        guard Int(clamping: info.st_size) <= limit else { throw tooLarge }
        // Read to the end (a file may grow while it is read), never past `limit`.
        var data = Data(count: min(limit + 1, Int(clamping: info.st_size) + 1))
        var count = 0
        while true {
            if count == data.count {
                guard count <= limit else { throw tooLarge }
                data.count = min(limit + 1, max(4096, data.count * 2))
            }
            let want = data.count - count
            let got = data.withUnsafeMutableBytes { buffer in read(fd, buffer.baseAddress! + count, want) }
            if got < 0 {
                if errno == EINTR { continue }
                throw Refused(description: "cannot be read (\(String(cString: strerror(errno))))")
            }
            if got == 0 { break }
            count += got
        }
        guard count <= limit else { throw tooLarge }
        data.count = count
        return data
    }
}
