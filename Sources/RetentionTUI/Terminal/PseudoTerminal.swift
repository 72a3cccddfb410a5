import CNcursesw
import Foundation

/// A pseudo-terminal pair: the controlling side (`master`) and the path of the terminal a child
/// process is given (`slavePath`). Used by `retention bench` to run the dashboard off-screen.
public struct PseudoTerminal {
    public let master: Int32
    public let slavePath: String

    public static func open() throws -> PseudoTerminal {
        let fd = posix_openpt(O_RDWR | O_NOCTTY)
        guard fd >= 0 else { throw RetentionTerminalError("cannot open a pseudo-terminal: \(String(cString: strerror(errno)))") }
        var name = [CChar](repeating: 0, count: 256)
        guard grantpt(fd) == 0, unlockpt(fd) == 0, ptsname_r(fd, &name, name.count) == 0 else {
            Foundation.close(fd)
            throw RetentionTerminalError("cannot set up a pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        return PseudoTerminal(master: fd, slavePath: String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    public func close() { Foundation.close(master) }
}

public struct RetentionTerminalError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
