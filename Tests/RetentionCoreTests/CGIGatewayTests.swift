import Foundation
import Testing
@testable import RetentionCore

/// `retention cgi` without a web server: the CGI environment and body in, the CGI response's bytes out.
@Suite struct CGIGatewayTests {
    /// A rendered CGI response taken apart: the status line's code and reason, the header fields, the body.
    struct Parsed {
        var status: Int
        var reason: String
        var headers: [String: String]
        var body: JSONValue?
        var rawBody: [UInt8]
    }

    static func parse(_ bytes: [UInt8]) throws -> Parsed {
        let text = String(decoding: bytes, as: UTF8.self)
        let split = try #require(text.range(of: "\r\n\r\n"))
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in lines {
            let colon = try #require(line.firstIndex(of: ":"), "a header line without a colon: \(line)")
            headers[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let statusLine = try #require(headers["Status"])
        let code = try #require(Int(statusLine.prefix(3)))
        let rawBody = Array(text[split.upperBound...].utf8)
        return Parsed(status: code, reason: String(statusLine.dropFirst(4)), headers: headers,
                      body: rawBody.isEmpty ? nil : try JSONValue.parse(String(decoding: rawBody, as: UTF8.self)), rawBody: rawBody)
    }

    /// One request through the gateway against `engine`. `opened` records each `create` the gateway asked for.
    final class Server {
        let engine: Engine?
        var opened: [Bool] = []
        var bodyReads: [Int] = []
        init(_ engine: Engine?) { self.engine = engine }

        func send(_ method: String, _ path: String, query: String = "", body: [UInt8]? = nil, contentType: String? = "application/json",
                  user: String? = "alice", length: String? = nil, extra: [String: String] = [:]) throws -> Parsed {
            var env = ["GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
                       "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1"]
            if let user { env["REMOTE_USER"] = user }
            if let body {
                env["CONTENT_LENGTH"] = length ?? "\(body.count)"
                if let contentType { env["CONTENT_TYPE"] = contentType }
            } else if let length {
                env["CONTENT_LENGTH"] = length
            }
            for (k, v) in extra { env[k] = v }
            var stdin = body ?? []
            let answer = CGIGateway.answer(environment: env, readBody: { n in
                self.bodyReads.append(n)
                let taken = Array(stdin.prefix(n))
                stdin.removeFirst(taken.count)
                return taken
            }, openEngine: { create in
                self.opened.append(create)
                guard let engine = self.engine else {
                    if create { return try makeEngine() }
                    throw RetentionError(.notFound, code: "database_not_found", "No database at /srv/book.db.")
                }
                return engine
            }, now: testNow)
            return try CGIGatewayTests.parse(CGIGateway.render(answer))
        }

        func send(_ method: String, _ path: String, json text: String, user: String? = "alice", contentType: String? = "application/json") throws -> Parsed {
            try send(method, path, body: Array(text.utf8), contentType: contentType, user: user)
        }
    }

    @Test func answersTheSpecRoutesWithStatusHeadersAndEnvelope() throws {
        let engine = try makeEngine(user: "process-user")
        let server = Server(engine)
        let created = try server.send("POST", "/api/v1/retention/customers", json: specCustomerBody)
        #expect(created.status == 201 && created.reason == "Created")
        #expect(created.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(created.headers["Content-Length"] == "\(created.rawBody.count)")
        #expect(created.headers["Cache-Control"] == "no-store")
        #expect(created.rawBody.last == 0x0A)
        #expect(created.body?["success"] == .bool(true))
        let id = try #require(created.body?["data"]?["id"]?.stringValue)
        // The same answer `retention api` gives, byte for byte: both go through the router.
        let viaGateway = try server.send("GET", "/customers/\(id)", user: "alice")
        let viaRouter = Router.handle(try APIRequest(method: "GET", target: "/customers/\(id)"), engine: engine, now: testNow)
        #expect(viaGateway.status == 200 && viaGateway.reason == "OK")
        #expect(viaGateway.rawBody == Array((viaRouter.body.serialized() + "\n").utf8))
        // The query string is percent-decoded; PATH_INFO (decoded by the server) is taken as it is.
        let search = try server.send("GET", "/customers", query: "search=John%20D&limit=5")
        #expect(search.body?["data"]?.arrayValue?.count == 1 && search.body?["pagination"]?["limit"] == .number(5))
        let missing = try server.send("GET", "/customers/nope")
        #expect(missing.status == 404 && missing.reason == "Not Found" && missing.body?["error"]?["code"] == .string("customer_not_found"))
        #expect(try server.send("GET", "/nowhere").status == 404)
        // The audit trail names the user the web server authenticated, not the process's user.
        let who = try engine.db.query("SELECT DISTINCT user_name FROM audit_log", [], { $0.text(0) })
        #expect(who == ["alice"])
    }

    @Test func aKnownPathWithAnotherMethodIs405WithAllow() throws {
        let server = Server(try makeEngine())
        let r = try server.send("DELETE", "/api/v1/retention/customers")
        #expect(r.status == 405 && r.reason == "Method Not Allowed")
        #expect(r.headers["Allow"] == "GET, HEAD, POST")
        #expect(r.body?["error"]?["code"] == .string("method_not_allowed"))
        #expect(r.body?["error"]?["allow"] == .array([.string("GET"), .string("POST")]))
        #expect(r.body?["status"] == .number(405))
        #expect(server.opened.isEmpty, "no database is needed to refuse a method")
        let post = try server.send("GET", "/campaigns/abc/activate")
        #expect(post.status == 405 && post.headers["Allow"] == "POST")
        // `retention api` answers the same 405 (no header to carry `Allow`: the envelope has it).
        let api = Router.handle(try APIRequest(method: "PUT", target: "/customers/x"), engine: try makeEngine(), now: testNow)
        #expect(api.status == 405 && api.body["error"]?["allow"] == .array([.string("GET"), .string("PATCH")]))
        #expect(api.body["error"]?["message"] == .string("PUT is not allowed on /customers/x; use GET or PATCH."))
    }

    @Test func headIsGetWithoutTheBody() throws {
        let server = Server(try makeEngine())
        let r = try server.send("HEAD", "/metrics")
        #expect(r.status == 200 && r.rawBody.isEmpty && r.headers["Content-Length"] == nil)
        #expect(r.headers["Content-Type"] == "application/json; charset=utf-8")
    }

    @Test func withoutAnAuthenticatedUserReadsAndWritesFollowTheirSettings() throws {
        let engine = try makeEngine()
        let server = Server(engine)
        let read = try server.send("GET", "/customers", user: nil)
        #expect(read.status == 401 && read.reason == "Unauthorized" && read.body?["error"]?["code"] == .string("unauthorized"))
        #expect(read.headers["WWW-Authenticate"] == "Basic realm=\"Retention API\", charset=\"UTF-8\"")
        let write = try server.send("POST", "/customers", json: specCustomerBody, user: nil)
        #expect(try write.status == 401 && server.bodyReads.isEmpty && count(engine, "customers") == 0)
        #expect(try server.send("GET", "/customers", user: "").status == 401, "an empty REMOTE_USER is no user")

        try engine.setSetting("cgi.anonymousReads", "true", now: testNow)
        #expect(try server.send("GET", "/customers", user: nil).status == 200)
        #expect(try server.send("POST", "/customers", json: specCustomerBody, user: nil).status == 401, "reads and writes are set apart")

        try engine.setSetting("cgi.anonymousWrites", "true", now: testNow)
        try engine.setSetting("cgi.anonymousReads", "false", now: testNow)
        #expect(try server.send("POST", "/customers", json: specCustomerBody, user: nil).status == 201)
        #expect(try server.send("GET", "/customers", user: nil).status == 401)
        let who = try engine.db.queryOne("SELECT user_name FROM audit_log WHERE action = 'customer.create'", [], { $0.text(0) })
        #expect(who == "anonymous (127.0.0.1)")
        // A REMOTE_USER that would write two lines into the audit trail is refused.
        let odd = try server.send("GET", "/customers", user: "eve\nmallory")
        #expect(odd.status == 400 && odd.body?["error"]?["field"] == .string("REMOTE_USER"))
    }

    @Test func aMissingDatabaseIsCreatedOnlyByAnAuthenticatedWriteThatIsValid() throws {
        let anonymous = Server(nil)
        #expect(try anonymous.send("POST", "/customers", json: specCustomerBody, user: nil).status == 401)
        #expect(try anonymous.send("GET", "/customers", user: nil).status == 401)
        #expect(anonymous.opened == [false, false], "the defaults hold without a database: nothing created")
        let reader = Server(nil)
        let read = try reader.send("GET", "/customers")
        #expect(read.status == 404 && read.body?["error"]?["code"] == .string("database_not_found") && reader.opened == [false])
        let badWriter = Server(nil)
        #expect(try badWriter.send("POST", "/customers", json: "{\"leadId\": ").status == 400)
        #expect(badWriter.opened == [false], "a refused body creates no database")
        let writer = Server(nil)
        #expect(try writer.send("POST", "/customers", json: specCustomerBody).status == 201)
        #expect(writer.opened == [false, true])
    }

    @Test func aBodyOverTheLimitIs413AndIsNotRead() throws {
        let engine = try makeEngine()
        let server = Server(engine)
        let huge = try server.send("POST", "/customers", body: Array("{}".utf8), length: "1048577")
        #expect(huge.status == 413 && huge.reason == "Content Too Large" && huge.body?["error"]?["code"] == .string("body_too_large"))
        #expect(server.bodyReads.isEmpty, "refused before it is read")
        try engine.setSetting("cgi.maxBodyBytes", "2048", now: testNow)
        let padded = specCustomerBody + String(repeating: " ", count: 2048 - specCustomerBody.utf8.count)
        #expect(try server.send("POST", "/customers", json: padded).status == 201, "exactly the limit is taken")
        let over = try server.send("POST", "/customers", json: padded + " ")
        #expect(over.status == 413 && over.body?["error"]?["message"] == .string("The body is 2049 bytes; the limit is 2048 bytes (`retention config set cgi.maxBodyBytes N`)."))
        // Without CONTENT_LENGTH the body is read to its end, and refused one byte past the limit.
        var env = ["GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "PATH_INFO": "/events", "REMOTE_USER": "alice", "CONTENT_TYPE": "application/json"]
        var asked: [Int] = []
        let chunked = CGIGateway.answer(environment: env, readBody: { n in asked.append(n); return [UInt8](repeating: 0x20, count: n) },
                                        openEngine: { _ in engine }, now: testNow)
        #expect(chunked.response.status == 413 && asked == [2049])
        env["CONTENT_LENGTH"] = "12abc"
        let garbled = CGIGateway.answer(environment: env, readBody: { _ in [] }, openEngine: { _ in engine }, now: testNow)
        #expect(garbled.response.status == 400 && garbled.response.body["error"]?["field"] == .string("Content-Length"))
        #expect(try count(engine, "customers") == 1)
    }

    @Test func aBodyThatIsNotJSONByItsTypeIs415() throws {
        let engine = try makeEngine()
        let server = Server(engine)
        for type in ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=iso-8859-1", "application/jsonp"] {
            let r = try server.send("POST", "/customers", json: specCustomerBody, contentType: type)
            #expect(r.status == 415 && r.reason == "Unsupported Media Type", "\(type)")
            #expect(r.body?["error"]?["field"] == .string("Content-Type"))
        }
        let none = try server.send("POST", "/customers", json: specCustomerBody, contentType: nil)
        #expect(none.status == 415 && none.body?["error"]?["message"] == .string("The body must be JSON in UTF-8, sent with Content-Type: application/json; none was given."))
        #expect(try count(engine, "customers") == 0)
        #expect(try server.send("POST", "/customers", json: specCustomerBody, contentType: "Application/JSON; Charset=\"UTF-8\"").status == 201)
        // No body at all needs no type (the spec's activate and renew calls send none).
        let cid = try #require(try engine.db.queryOne("SELECT uuid FROM customers", [], { $0.text(0) }))
        let policy = try server.send("POST", "/policies", json: specPolicyBody(customerId: cid))
        let pid = try #require(policy.body?["data"]?["id"]?.stringValue)
        #expect(try server.send("POST", "/policies/\(pid)/renew", contentType: nil).status == 200)
        #expect(try server.send("POST", "/policies/\(pid)/renew", contentType: nil, length: "0").status == 200)
    }

    @Test func malformedJSONIs400NamingLineAndColumnWithNothingWritten() throws {
        let engine = try makeEngine()
        let server = Server(engine)
        let r = try server.send("POST", "/customers", json: "{\n  \"leadId\": \"x\",\n  \"agentId\" \"a\"\n}")
        #expect(r.status == 400 && r.body?["error"]?["code"] == .string("invalid_json"))
        #expect(r.body?["error"]?["line"] == .number(3) && r.body?["error"]?["column"] == .number(13))
        #expect(r.body?["error"]?["message"]?.stringValue?.hasPrefix("Invalid JSON at line 3, column 13:") == true)
        // A byte that is not UTF-8 (Latin-1 é, the 19th character of line 2) is named the same way.
        let latin1 = try server.send("POST", "/customers", body: Array("{\n \"firstName\": \"Ren".utf8) + [0xE9] + Array("\"}".utf8))
        #expect(latin1.status == 400 && latin1.body?["error"]?["line"] == .number(2) && latin1.body?["error"]?["column"] == .number(19))
        let short = try server.send("POST", "/customers", body: Array("{}".utf8), length: "10")
        #expect(short.status == 400 && short.body?["error"]?["code"] == .string("incomplete_body"))
        #expect(try count(engine, "customers") == 0 && count(engine, "audit_log") == 0)
    }

    @Test func theSettingsAreValidatedAndListed() throws {
        let engine = try makeEngine()
        #expect(try engine.cgiSettings() == CGISettings())
        #expect(try engine.setting("cgi.anonymousReads") == "false")
        #expect(try engine.setting("cgi.maxBodyBytes") == "1048576")
        try engine.setSetting("cgi.anonymousReads", "TRUE", now: testNow)
        #expect(try engine.setting("cgi.anonymousReads") == "true")
        try engine.setSetting("cgi.maxBodyBytes", "4096", now: testNow)
        #expect(try engine.cgiSettings().maxBodyBytes == 4096)
        for (key, value, field) in [("cgi.anonymousWrites", "yes", "cgi.anonymousWrites"), ("cgi.maxBodyBytes", "100", "cgi.maxBodyBytes"),
                                    ("cgi.maxBodyBytes", "1MB", "cgi.maxBodyBytes"), ("cgi.realm", "x", "key")] {
            let error = #expect(throws: RetentionError.self, "\(key) \(value)") { try engine.setSetting(key, value, now: testNow) }
            #expect(error?.field == field, "\(key) \(value)")
        }
        #expect(try engine.settings().map(\.key).filter { $0.hasPrefix("cgi.") } == ["cgi.anonymousReads", "cgi.anonymousWrites", "cgi.maxBodyBytes"])
        #expect(try engine.db.scalarInt("SELECT count(*) FROM audit_log WHERE action = 'settings.set'") == 2)
    }
}
