import Foundation
import RetourCore
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

/// `retour import FILE`: the same import as `POST /api/v1/import`, from a file.
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "A JSON document in the import format (docs: shared/spec/api.md)")
        var file: String
    }

    var help: String { "Imports companies, users, brands, articles and invoices from a JSON file." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrateGuarded(app)
        guard FileManager.default.isReadableFile(atPath: signature.file) else {
            context.console.error("Cannot read \(signature.file).")
            throw ExitCode(2)
        }
        let onTerminal = isatty(STDERR_FILENO) == 1
        var importer = Importer(
            database: app.db, hashPassword: { [password = app.password.async] in try await password.hash($0) })
        importer.invite = app.invitationSender()
        if onTerminal {
            let started = ContinuousClock.now
            importer.progress = { progress in
                let width = 30
                let fraction = progress.totalBytes.map { Double(progress.bytesRead) / Double(max($0, 1)) } ?? 0
                let filled = min(width, Int(fraction * Double(width)))
                let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
                let elapsed = started.duration(to: .now) / .milliseconds(1)
                let rate = Int(Double(progress.lines) * 1000 / max(elapsed, 1))
                FileHandle.standardError.write(Data("\r[\(bar)] \(progress.lines) lines, \(rate) lines/s".utf8))
            }
        }
        do {
            let counts = try await importer.run(.file(signature.file))
            if onTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
            context.console.print(
                "Imported \(counts.companies) companies, \(counts.users) users, \(counts.brands) brands, "
                    + "\(counts.articles) articles, \(counts.invoices) invoices, \(counts.lines) lines, "
                    + "\(counts.serials) serial numbers.")
        } catch Importer.Failure.malformed {
            context.console.error("Nothing was imported: \(signature.file) is not valid JSON.")
            throw ExitCode(1)
        } catch Importer.Failure.invalid(let errors) {
            context.console.error("Nothing was imported: \(errors.count) error(s).")
            for error in errors.prefix(200) {
                context.console.error(
                    "  \(error.pointer.description.isEmpty ? "/" : error.pointer.description): \(error.message.text(context.application.translationCatalog[.en]))"
                )
            }
            if errors.count > 200 { context.console.error("  … and \(errors.count - 200) more.") }
            throw ExitCode(1)
        }
    }
}

/// A command's failure that was already explained to the user: the process just exits with it.
public struct ExitCode: Error, CustomStringConvertible {
    public let code: Int32
    public init(_ code: Int32) { self.code = code }
    public var description: String { "exit code \(code)" }
}
