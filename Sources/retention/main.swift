import Foundation
import RetentionCore

// retention: the command-line entry point. Parses the words, runs one sub-command, exits with its code.
setlocale(LC_ALL, "")
// A file-size limit (`ulimit -f`) makes a write fail with EFBIG, which is reported like a full disk (nothing
// written, exit 74), instead of killing the process with SIGXFSZ halfway through.
signal(SIGXFSZ, SIG_IGN)
let status = Dispatcher.main(Array(CommandLine.arguments.dropFirst()))
exit(status)
