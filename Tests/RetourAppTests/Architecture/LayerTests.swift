import Foundation
import Testing

extension AppTests {
    /// The layers of `docs/architecture.md` and what each may import, read from the sources: the core
    /// holds the rules and speaks no HTTP; the command line is a thin shell around the app.
    @Suite struct LayerTests {
        static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")

        static func files(in module: String) throws -> [(name: String, text: String)] {
            let folder = sources.appendingPathComponent(module)
            let paths = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
            return try paths.filter { $0.hasSuffix(".swift") }.map {
                ($0, try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8))
            }
        }

        static func imports(_ text: String) -> Set<String> {
            Set(
                text.split(separator: "\n").compactMap { line -> String? in
                    let words = line.split(separator: " ")
                    // `import X`, `public import X`, `@testable import X` — at the start of a line.
                    guard let index = words.firstIndex(of: "import"), index <= 1, words.count > index + 1,
                        index == 0 || ["public", "internal", "@testable", "@preconcurrency"].contains(words[0])
                    else { return nil }
                    return String(words[index + 1])
                })
        }

        @Test func theCoreImportsNothingButFoundationAndSpeaksNoHTTP() throws {
            let files = try Self.files(in: "RetourCore")
            #expect(files.count > 30)
            for (name, text) in files {
                #expect(Self.imports(text).isSubset(of: ["Foundation"]), "\(name) imports \(Self.imports(text))")
                for word in ["HTTPResponseStatus", "HTTPStatus", "Request", "Vapor", "Fluent", "SQL"] {
                    #expect(!text.contains(word + " ") && !text.contains(word + "."), "\(name) names \(word)")
                }
            }
        }

        /// The use cases see the core and store protocols only: no web framework, no database.
        @Test func theApplicationLayerImportsOnlyTheCore() throws {
            let files = try Self.files(in: "RetourApplication")
            #expect(!files.isEmpty)
            for (name, text) in files {
                #expect(
                    Self.imports(text).isSubset(of: ["Foundation", "RetourCore"]),
                    "\(name) imports \(Self.imports(text))")
                for word in ["HTTPStatus", "Vapor", "Fluent", "SQLDatabase", "Leaf"] {
                    #expect(!text.contains(word + " ") && !text.contains(word + "."), "\(name) names \(word)")
                }
            }
        }

        @Test func theCommandLineOnlyStartsTheApp() throws {
            for (name, text) in try Self.files(in: "retour") {
                #expect(Self.imports(text).isSubset(of: ["RetourApp", "Vapor", "Logging", "Foundation"]), "\(name)")
            }
        }

        /// The Fluent database is seen as SQL in one place (`Database.sql`), never cast where it is used.
        @Test func theDatabaseBecomesSQLInOnePlace() throws {
            let app = try Self.files(in: "RetourApp")
            #expect(app.filter { $0.text.contains("as? any SQLDatabase") }.map(\.name) == ["Storage/SQLAccess.swift"])
            for (name, text) in app {
                #expect(!text.contains("as! any SQLDatabase") && !text.contains("as! SQLDatabase"), "\(name) casts")
            }
        }

        /// A migration is a file of its own, named after it, in its feature's folder: none hides in a
        /// model or a controller.
        @Test func eachMigrationIsAFileOfItsOwn() throws {
            var migrations = 0
            for (name, text) in try Self.files(in: "RetourApp") {
                let declared = text.split(separator: "\n").filter {
                    $0.hasPrefix("struct ") && ($0.contains(": AsyncMigration") || $0.contains(": Migration"))
                }
                guard let first = declared.first else { continue }
                migrations += declared.count
                #expect(declared.count == 1, "\(name) declares \(declared.count) migrations")
                let type = first.dropFirst("struct ".count).prefix { $0 != ":" }
                #expect(name.hasSuffix("/\(type).swift"), "\(type) lives in \(name)")
            }
            #expect(migrations >= 28)
        }

        /// A use case refuses with the core's `Refusal`; the HTTP status of a refusal is decided in
        /// one file of the web adapter.
        @Test func aRefusalBecomesAStatusInOnePlace() throws {
            let app = try Self.files(in: "RetourApp")
            let mapping = app.filter { $0.text.contains("case .invalid: return .unprocessableEntity") }
            #expect(mapping.map(\.name) == ["Web/RefusalStatus.swift"])
            #expect(!app.contains { $0.text.contains("struct Problem:") })
        }

        /// Persistence has one home per aggregate: only stores (`Database…`, `…Store`), their read
        /// sides (`…Queries`, `…Query`), migrations, the storage layer itself and the demo data
        /// query, write or lock. A controller, a page, a worker, a document or a mail reads and
        /// writes through them — it never builds a Fluent query or SQL of its own.
        @Test func onlyStoresAndQueriesTouchTheDatabase() throws {
            let persistence = try Regex(
                #"\.query\(on:|\.(save|create|update|delete|get)\(on:|\b(db|database|connection)\.sql\b|SQLDatabase|writeTransaction|lockForUpdate|\.paginate\(|\.(filter|sort)\(\\\.\$|\b([A-Z][A-Za-z]*)\.find\([^)]*on:"#
            )
            var checked = 0
            var stores = 0
            for (name, text) in try Self.files(in: "RetourApp") {
                let file = String(name.split(separator: "/").last ?? "").replacingOccurrences(of: ".swift", with: "")
                let home =
                    file.hasPrefix("Database") || file.hasSuffix("Store") || file.hasSuffix("Queries")
                    || file.hasSuffix("Query") || name.hasPrefix("Storage/") || name.hasPrefix("Demo/")
                    || text.contains(": AsyncMigration") || text.contains(": Migration")
                if home {
                    stores += 1
                    continue
                }
                checked += 1
                for match in text.matches(of: persistence) {
                    let found = String(text[match.range])
                    // A store's or a read side's own `find` is the way in, not around.
                    if found.contains("Queries.find(") || found.contains("Store.find(") { continue }
                    let line = text[..<match.range.lowerBound].count { $0 == "\n" } + 1
                    Issue.record("\(name):\(line) touches the database: \(found)")
                }
            }
            #expect(checked > 100)
            #expect(stores > 40)
        }

        /// The tests of a feature live in a folder named after the feature's folder in the sources:
        /// one finds a feature's tests without knowing the round of work that wrote them.
        @Test func theTestsMirrorTheFeatures() throws {
            let manager = FileManager.default
            let tests = Self.sources.deletingLastPathComponent().appendingPathComponent("Tests")
            func folders(_ url: URL) throws -> Set<String> {
                Set(
                    try manager.contentsOfDirectory(atPath: url.path).filter {
                        var folder: ObjCBool = false
                        return manager.fileExists(atPath: url.appendingPathComponent($0).path, isDirectory: &folder)
                            && folder.boolValue && !$0.hasPrefix("__")
                    })
            }
            for (testTarget, sourceTarget, ownFolders) in [
                ("RetourAppTests", "RetourApp", ["Architecture", "Fixtures", "Support"]),
                ("RetourApplicationTests", "RetourApplication", []),
            ] {
                let features = try folders(Self.sources.appendingPathComponent(sourceTarget))
                let mirrored = try folders(tests.appendingPathComponent(testTarget)).subtracting(ownFolders)
                #expect(!mirrored.isEmpty)
                #expect(mirrored.isSubset(of: features), "\(testTarget): \(mirrored.subtracting(features).sorted())")
                let loose = try manager.contentsOfDirectory(atPath: tests.appendingPathComponent(testTarget).path)
                    .filter { $0.hasSuffix("Tests.swift") && $0 != "AppTests.swift" && $0 != "YearTests.swift" }
                #expect(loose.isEmpty, "\(testTarget) has tests outside a feature's folder: \(loose)")
            }
        }
    }
}
