import Fluent
import Foundation
import SQLKit

/// Which directory under `RETOUR_FILES` belongs to this installation. A directory is marked with
/// the id of the installation that owns it (`.retour-installation`); an installation uses the
/// directory itself when it owns it or finds it empty, and a folder of its own
/// (`installations/<id>`) when another installation's files are there — so two installations
/// started in one directory (a second SQLite file, a staging PostgreSQL) never see, move or
/// delete each other's files.
enum FileRoot {
    static let markerName = ".retour-installation"

    /// The directory this installation keeps its files (and temporary uploads) in, marked as its own.
    /// An unmarked directory that holds files is taken over only when `adopts` says so for them (the
    /// local store of a database that names them: files of this very installation from before
    /// directories were marked); it is asked once, before the mark is written.
    static func claim(base: String, installation: String, adopts: ([String]) async throws -> Bool) async throws
        -> String
    {
        let manager = FileManager.default
        try manager.createDirectory(atPath: base, withIntermediateDirectories: true)
        let marker = base + "/" + markerName
        if let owner = try? String(contentsOfFile: marker, encoding: .utf8) {
            return owner.trimmingWhitespace() == installation ? base : try own(base, installation)
        }
        let stored = storedDigests(in: base)
        let adopt = stored.isEmpty ? true : try await adopts(stored)
        if adopt {
            try mark(base, installation)
            return base
        }
        return try own(base, installation)
    }

    private static func own(_ base: String, _ installation: String) throws -> String {
        let folder = base + "/installations/" + installation
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let marker = folder + "/" + markerName
        if !FileManager.default.fileExists(atPath: marker) { try mark(folder, installation) }
        return folder
    }

    private static func mark(_ directory: String, _ installation: String) throws {
        try Data((installation + "\n").utf8).write(
            to: URL(fileURLWithPath: directory + "/" + markerName), options: .atomic)
    }

    /// The content addresses stored directly in `directory` (`ab/<64 hex digits>`).
    static func storedDigests(in directory: String) -> [String] {
        let manager = FileManager.default
        var found: [String] = []
        for folder in (try? manager.contentsOfDirectory(atPath: directory)) ?? [] where folder.count == 2 {
            for name in (try? manager.contentsOfDirectory(atPath: directory + "/" + folder)) ?? []
            where name.count == 64 && name.hasPrefix(folder) {
                found.append(name)
            }
        }
        return found
    }
}
