import Foundation
import MigrationPlan

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file of the state folder (`.oms-plan/state/*.json`) within a bound. The folder is
/// the user's, but anything may end up there (a copy from elsewhere, a link, a FIFO made by
/// mistake): `Data(contentsOf:)` would read a 10 GB file whole, and reconcile would be killed.
/// So the file is read like a plan file (`RegularFile`: opened `O_NONBLOCK`, a regular file
/// only, checked on the opened descriptor) and must be at most `limit` bytes.
enum StateFileReading {
    /// Why a state file was not read; never its content.
    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    /// The file's bytes; nil when it does not exist.
    static func contents(of url: URL, limit: Int) throws(Refused) -> Data? {
        let tooLarge = Refused(description: "is larger than \(limit / (1 << 20)) MiB, far more than oms-plan writes there")
        var info = stat()
        if stat(url.path, &info) != 0 {
            if errno == ENOENT { return nil }
        } else if info.st_mode & S_IFMT == S_IFREG, Int(clamping: info.st_size) > limit {
            // Refused before a byte is read (a sparse file says so without taking memory).
            throw tooLarge
        }
        let data: Data
        do { data = try RegularFile.contents(of: url.path, upTo: limit + 1) } catch {
            throw Refused(description: "cannot be read (\(error))")
        }
        guard data.count <= limit else { throw tooLarge }
        return data
    }
}
