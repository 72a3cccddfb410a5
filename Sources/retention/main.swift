import Foundation
import RetentionCore

// retention: the command-line entry point. Parses the words, runs one sub-command, exits with its code.
setlocale(LC_ALL, "")
let status = Dispatcher.main(Array(CommandLine.arguments.dropFirst()))
exit(status)
