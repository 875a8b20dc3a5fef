import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Leaf
import LeafKit
import RetourCore
import Vapor

/// Sets up storage, sessions, views, middleware, routes and commands. `migrations` is every
/// migration except in tests that build yesterday's schema.
public func configure(
    _ app: Application, config: AppConfig? = nil, migrations: [any Migration] = retourMigrations
) async throws {
    let config = try config ?? AppConfig.fromEnvironment()
    app.config = config
    if let days = Environment.get("RETOUR_CLOCK_OFFSET_DAYS"), let offset = Int(days), (-3650...3650).contains(offset),
        app.environment != .testing, app.environment != .production
    {
        // Lets a demo or test server live some days ahead, e.g. to see the archive fill.
        app.clock = OffsetClock(base: SystemClock(), seconds: Double(offset) * 86_400)
    }

    do {  // Storage
        if let url = config.databaseURL {
            var postgres = try SQLPostgresConfiguration(url: url)
            postgres.searchPath = nil
            app.databases.use(
                .postgres(configuration: postgres, maxConnectionsPerEventLoop: DatabasePool.maxConnectionsPerEventLoop),
                as: .psql)
        } else if config.sqlitePath == ":memory:" {
            // SQLite's own name for a database in memory, in every environment: never a file of that name.
            app.databases.use(.sqlite(.memory), as: .sqlite)
        } else {
            let directory = (config.sqlitePath as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            app.databases.use(.sqlite(.file(config.sqlitePath)), as: .sqlite)
        }
        app.migrations.add(migrations)
    }

    do {  // Passwords, sessions
        app.passwords.use(.bcrypt(cost: config.bcryptCost))
        app.decoyHash = try Bcrypt.hash(randomToken(bytes: 16), cost: config.bcryptCost)
        app.oidcProvider = config.oidc.map(OIDCProvider.init(settings:))
        app.sessions.use { _ in WebSessionDriver() }
        let secure = config.secureCookies
        // Over https the cookie is `__Host-` prefixed: the browser then refuses it from any
        // sub-domain or over plain http.
        app.sessions.configuration.cookieName = secure ? "__Host-retour_session" : "retour_session"
        let lifetime = config.sessionAbsoluteSeconds
        app.sessions.configuration.cookieFactory = { sessionID in
            HTTPCookies.Value(
                string: sessionID.string, expires: nil, maxAge: lifetime, path: "/", isSecure: secure,
                isHTTPOnly: true, sameSite: .lax)
        }
    }

    do {  // JSON as the contract writes it: RFC 3339 instants, "/" unescaped in pointers
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        ContentConfiguration.global.use(encoder: encoder, for: .json)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        ContentConfiguration.global.use(decoder: decoder, for: .json)
    }

    do {  // Views and texts
        app.leaf.tags["t"] = TranslateTag()
        app.leaf.tags["route"] = RouteTag()
        // Parsed templates are kept by a release build whatever its environment (Leaf's own provider
        // parses every template on every render in `development`, which made the release bench
        // measure the parser); a debug build reads them anew, so that edits show at once.
        app.leaf.cache.isEnabled = app.environment.isRelease
        app.views.use { app in
            var userInfo = app.leaf.userInfo
            userInfo["application"] = app
            return LeafRenderer(
                configuration: app.leaf.configuration, tags: app.leaf.tags, cache: app.leaf.cache,
                sources: app.leaf.sources, eventLoop: app.eventLoopGroup.next(), userInfo: userInfo)
        }
        app.translationCatalog = try TranslationCatalog.load(
            from: app.directory.resourcesDirectory + "Translations/")
    }

    _ = RetourMetrics.registry  // before the first request is counted

    do {  // Middleware, in the order requests meet them
        app.middleware = Middlewares()
        app.middleware.use(InFlightRequestsMiddleware(counter: app.inFlightRequests))
        app.middleware.use(RouteLoggingWithoutSecrets())
        app.middleware.use(SecurityHeadersMiddleware())
        // Outside the problems' pages, so that an error answering a form is kept like any answer.
        app.middleware.use(FormAnswerMiddleware())
        app.middleware.use(ProblemMiddleware())
        app.middleware.use(InputSanityMiddleware())
        app.middleware.use(MultipartSafetyMiddleware())
        app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))
        app.routes.defaultMaxBodySize = "1mb"
    }

    try routes(app)
    // Next to the router, once the routes are known.
    app.middleware.use(MethodNotAllowedMiddleware(routes: app.routes))

    do {  // Commands
        await app.asyncCommands.use(RetourServeCommand(vapor: app.servers.asyncCommand), as: "serve", isDefault: true)
        app.asyncCommands.use(MigrateCommand(), as: "migrate")
        app.asyncCommands.use(ImportCommand(), as: "import")
        app.asyncCommands.use(DemoCommand(), as: "demo")
        app.asyncCommands.use(TokenCommand(), as: "token")
        app.asyncCommands.use(ExplainCommand(), as: "explain")
        app.asyncCommands.use(WorkerCommand(), as: "worker")
        app.asyncCommands.use(PersonalDataCommand(action: .export), as: "export-user")
        app.asyncCommands.use(PersonalDataCommand(action: .erase), as: "erase-user")
        app.asyncCommands.use(InviteCommand(), as: "invite")
        app.asyncCommands.use(BackupCommand(restoring: false), as: "backup")
        app.asyncCommands.use(BackupCommand(restoring: true), as: "restore")
    }

    do {  // Background work inside `serve` (the entrypoint switches it off for other commands)
        app.lifecycle.use(WorkerLifecycle())
    }
}
