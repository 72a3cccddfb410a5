import Foundation

// One libFuzzer entry point over every parser that reads untrusted text: the first byte picks the parser,
// the rest is its input. A crash, a hang (libFuzzer's -timeout) or a sanitizer report fails the run;
// every rejection must be a RetentionError (or ThemeError) with a message.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = data[0]
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    func expectClearError(_ body: () throws -> Void) {
        do { try body() } catch let e as RetentionError {
            precondition(!e.message.isEmpty, "an error without a message")
        } catch let e as ThemeError {
            precondition(!e.message.isEmpty, "a theme error without a message")
        } catch {
            preconditionFailure("an error that is not a clear RetentionError: \(error)")
        }
    }
    switch selector % 8 {
    case 0: expectClearError { _ = try CSV.parse(text) }
    case 1: expectClearError { _ = try JSONValue.parse(text) }
    case 2: expectClearError { _ = try CronSchedule(text).nextRun(after: Date(timeIntervalSince1970: 1_700_000_000), in: TimeZone(identifier: "America/New_York")!) }
    case 3: expectClearError { _ = try MessageTemplate(text).render([:]) }
    case 4: expectClearError { _ = try APIRequest(method: "GET", target: text) }
    case 5: expectClearError { _ = try ThemeParser.parse(text, name: "fuzz", file: "fuzz.theme", fallback: Theme.builtinDefault) }
    case 6: expectClearError {
        // An HTTP request body as `retention cgi` takes it: the Content-Type (first line), then the raw bytes.
        let bytes = UnsafeBufferPointer(start: data + 1, count: size - 1)
        let newline = bytes.firstIndex(of: 0x0A) ?? bytes.endIndex
        try CGIGateway.checkContentType(String(decoding: bytes[..<newline], as: UTF8.self))
        _ = try CGIGateway.decodeJSON(Array(bytes[min(newline + 1, bytes.endIndex)...]))
    }
    default: expectClearError {
        let json = try JSONValue.parse(text)
        var r = try FieldReader(json)
        _ = try r.optionalString("name"); _ = try r.optionalDate("date"); _ = try r.optionalCents("amount"); _ = try r.optionalStringArray("tags")
    }
    }
    return 0
}
