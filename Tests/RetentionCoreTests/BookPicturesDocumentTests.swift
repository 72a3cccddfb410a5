import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import RetentionCore

/// `retention report --format html|svg`: well-formed, standalone, the series of the hand-built book, escaped.
@Suite struct BookPicturesDocumentTests {
    /// Parses `text` as XML; returns the error, or nil when well-formed, and the text of every element by name.
    final class Reader: NSObject, XMLParserDelegate {
        var cells: [String] = []
        var current = ""
        var elements: [String] = []
        var attributes: [[String: String]] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
            elements.append(name)
            attributes.append(a)
            current = ""
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "td" { cells.append(current) }
        }
    }

    func parse(_ text: String) -> (ok: Bool, reader: Reader, error: String?) {
        let parser = XMLParser(data: Data(text.utf8))
        let reader = Reader()
        parser.delegate = reader
        let ok = parser.parse()
        return (ok, reader, parser.parserError.map { "\($0)" })
    }

    @Test func theHTMLIsWellFormedStandaloneAndHoldsTheBooksSeries() throws {
        let (engine, _) = try BookPicturesTests.book()
        let html = BookPicturesDocument.html(try engine.bookPictures(now: BookPicturesTests.now))
        let (ok, reader, error) = parse(html)
        #expect(ok, "\(error ?? "")")
        #expect(!html.contains("http"), "no URL at all")
        #expect(!reader.elements.contains("script") && !reader.elements.contains("link") && !reader.elements.contains("img"))
        #expect(reader.elements.filter { $0 == "svg" }.count == 3)
        // The month rows worked by hand (BookPicturesTests): March 2026 4 active, 2 churned, 50 %; May 3, 1, 66.7 %.
        let cells = reader.cells
        func row(_ label: String) -> [String] {
            guard let i = cells.firstIndex(of: label) else { return [] }
            return Array(cells[i..<min(cells.count, i + 5)])
        }
        #expect(row("2026-03") == ["2026-03", "4", "2", "50.0%", "50.0%"])
        #expect(row("2026-05") == ["2026-05", "3", "1", "66.7%", "33.3%"])
        // The survival table: customers, median 15, S(3) = 60 %, S(6) = 60 %, S(12) = 60 %, then n/a beyond 17 months.
        let survival = Array(cells[cells.firstIndex(of: "customers")!...].prefix(8))
        #expect(survival == ["customers", "15", "60.0%", "60.0%", "60.0%", "n/a", "n/a", "n/a"])
        // The chart's polylines carry one point per month with a rate: 24 months less the 7 with no one active.
        let kept = try #require(reader.attributes.first { $0["data-series"] == "retention" })
        #expect(kept["points"]!.split(separator: " ").count == 24 - 7)
    }

    @Test func theSVGIsWellFormedAndNeedsNothingElse() throws {
        let (engine, _) = try BookPicturesTests.book()
        let svg = BookPicturesDocument.svg(try engine.bookPictures(now: BookPicturesTests.now))
        let (ok, reader, error) = parse(svg)
        #expect(ok, "\(error ?? "")")
        #expect(reader.elements.first == "svg")
        // The only "http" is the SVG namespace's name (an identifier, never fetched).
        #expect(svg.components(separatedBy: "http").count == 2 && svg.contains("xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(!svg.contains("href"))
        #expect(reader.attributes.contains { $0["data-series"] == "customers" } && reader.attributes.contains { $0["data-series"] == "home" })
    }

    /// User text is escaped: an agent id with markup and quotes comes out as text, and the page still parses.
    @Test func userTextIsEscaped() throws {
        let (engine, ids) = try BookPicturesTests.book()
        let hostile = "<script>alert('x')</script>&\"a\""
        try engine.db.run("UPDATE customers SET agent_id = ? WHERE uuid = ?", [.text(hostile), .text(ids["A"]!)])
        let html = BookPicturesDocument.html(try engine.bookPictures(now: BookPicturesTests.now))
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;a&quot;"))
        let (ok, reader, _) = parse(html)
        #expect(ok)
        #expect(reader.cells.contains(hostile), "read back as the same text")
        #expect(BookPicturesDocument.escape("a\u{1B}[2Jb") == "a\u{FFFD}[2Jb")
    }
}
