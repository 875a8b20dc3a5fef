import Foundation
import RetourCore
import Vapor

/// Every setting of the portal, read once from the environment in `configure`.
public struct AppConfig: Sendable {
    public var databaseURL: String?
    public var sqlitePath: String
    public var timeZone: TimeZone
    public var bcryptCost: Int
    public var tokenLifetimeDays: Int
    public var secureCookies: Bool
    public var loginThrottle: LoginThrottle
    /// Failed logins from one address before it waits, whatever e-mail it tries.
    public var addressFailureLimit: Int
    /// The wait before checking a password of an account that many clients failed on (the
    /// slower path of `Authentication`).
    public var slowLoginMilliseconds = 1_500
    /// Retention (contract "Data that lasts"): events and webhook deliveries, sent mail, and
    /// requests counted from closing.
    public var keepEventsDays = 180
    public var keepMailDays = 90
    /// Days a reseller has to send the defective unit back after its replacement shipped.
    public var replacementReturnDays = AdvanceReplacement.defaultReturnDays
    public var keepRequestsYears = 7
    /// Where uploaded files are kept, outside the web root.
    public var filesDirectory = "var/files"
    /// Where the file mail transport writes `.eml` files.
    public var mailDirectory = "var/mail"
    public var mailTransport = MailSettings.Transport.file
    public var smtp = MailSettings.SMTP()
    public var mailFrom = "Retour RMA <rma@retour.example>"
    /// The largest import document accepted.
    public var importMaximumBytes = 512 * 1024 * 1024
    /// A mail that keeps failing for a passing reason is retried this long, then marked failed.
    public var mailRetryHours = 48
    /// The address phones reach the portal at, for the QR upload link; the request's Host otherwise.
    public var publicURL: String?
    /// The distributor's return address, printed on confirmations [manual, configurable].
    public var returnAddress = "ALSO · Att. RMA department · Inundatiedok 18 · 3439 JJ Nieuwegein · The Netherlands"
    public var rmaMailbox = "rma.nl@also.com"
    /// Seconds between two rounds of the background worker (inside `serve` and for `retour worker`).
    public var workerInterval = 5
    /// A signed-in browser is forgotten after this long without a request, and this long after login.
    public var sessionIdleSeconds = 2 * 60 * 60
    public var sessionAbsoluteSeconds = 12 * 60 * 60
    /// Proxies whose `X-Forwarded-For` / `X-Real-IP` are believed (addresses, e.g. nginx's 127.0.0.1).
    public var trustedProxies: Set<String> = []
    /// Whether a production server may start while a demo login with the published password exists.
    public var allowDemo = false
    /// Anonymous phone uploads and own uploads: bytes per user and day, files per phone link.
    public var uploadBytesPerUserDay = 200 * 1024 * 1024
    public var filesPerPhoneLink = 20
    /// Whether PostgreSQL searches run as named prepared statements; off behind a pooler that
    /// hands each transaction another server connection (PgBouncer's transaction mode).
    public var preparedStatements = true
    /// Requests one API key may make per minute, across all `serve` processes.
    public var apiKeyRequestsPerMinute = 600
    /// Whether webhooks may be sent to loopback and private addresses (tests, a closed network).
    public var webhookAllowPrivate = false
    /// Sign-in through the distributor's identity provider (`RETOUR_OIDC_*`); nil: passwords only.
    public var oidc: OIDCSettings?
    /// The distributor as seller on UBL credit notes (`RETOUR_SELLER_*`); the defaults are the demo's.
    public var seller = UBLDocument.Party(
        name: "ALSO Nederland B.V.", street: "Inundatiedok 18", postcode: "3439 JJ", city: "Nieuwegein",
        countryCode: "NL", vatNumber: "NL001234567B01", email: "rma.nl@also.com")

    public init(
        databaseURL: String? = nil, sqlitePath: String = "var/retour.sqlite",
        timeZone: TimeZone = TimeZone(identifier: "Europe/Amsterdam")!, bcryptCost: Int = 12,
        tokenLifetimeDays: Int = 30, secureCookies: Bool = false, loginThrottle: LoginThrottle = LoginThrottle(),
        addressFailureLimit: Int = 30
    ) {
        self.databaseURL = databaseURL
        self.sqlitePath = sqlitePath
        self.timeZone = timeZone
        self.bcryptCost = bcryptCost
        self.tokenLifetimeDays = tokenLifetimeDays
        self.secureCookies = secureCookies
        self.loginThrottle = loginThrottle
        self.addressFailureLimit = addressFailureLimit
    }

    /// Reads `DATABASE_URL`, `RETOUR_SQLITE`, `RETOUR_TIMEZONE`, `RETOUR_BCRYPT_COST`,
    /// `RETOUR_TOKEN_DAYS` and `RETOUR_SECURE_COOKIES`.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> AppConfig {
        var config = AppConfig()
        // Every bad setting is reported at once, not the first one per start.
        var problems: [String] = []
        func check(_ read: () throws -> Void) {
            do { try read() } catch { problems.append("\(error)") }
        }
        /// A whole-number setting within `range`; nil (and `problem` noted) when set to anything else.
        func integer(_ name: String, in range: ClosedRange<Int>, _ problem: String) -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text), range.contains(value) else {
                problems.append(problem)
                return nil
            }
            return value
        }
        config.databaseURL = environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let path = environment["RETOUR_SQLITE"], !path.isEmpty { config.sqlitePath = path }
        check {
            if let zone = environment["RETOUR_TIMEZONE"], !zone.isEmpty {
                guard let timeZone = TimeZone(identifier: zone) else {
                    throw ConfigError("RETOUR_TIMEZONE=\(zone) is not a time zone (try Europe/Amsterdam)")
                }
                config.timeZone = timeZone
            }
        }
        if let value = integer("RETOUR_BCRYPT_COST", in: 4...31, "RETOUR_BCRYPT_COST must be 4…31") {
            config.bcryptCost = value
        }
        if let value = integer("RETOUR_TOKEN_DAYS", in: 1...Int.max, "RETOUR_TOKEN_DAYS must be a positive number") {
            config.tokenLifetimeDays = value
        }
        config.secureCookies = environment["RETOUR_SECURE_COOKIES"] == "1"
        if let value = integer(
            "RETOUR_SESSION_IDLE_MINUTES", in: 1...10_080, "RETOUR_SESSION_IDLE_MINUTES must be 1…10080")
        {
            config.sessionIdleSeconds = value * 60
        }
        if let value = integer("RETOUR_SESSION_MAX_HOURS", in: 1...720, "RETOUR_SESSION_MAX_HOURS must be 1…720") {
            config.sessionAbsoluteSeconds = value * 3600
        }
        if let proxies = environment["RETOUR_TRUSTED_PROXIES"] {
            config.trustedProxies = Set(
                proxies.split(whereSeparator: { $0 == "," || $0 == " " }).map { String($0) }.filter { !$0.isEmpty })
        }
        config.allowDemo = environment["RETOUR_ALLOW_DEMO"] == "1"
        config.preparedStatements = environment["RETOUR_PG_PREPARED"] != "0"
        config.webhookAllowPrivate = environment["RETOUR_WEBHOOK_ALLOW_PRIVATE"] == "1"
        for (name, keyPath) in [
            ("RETOUR_SELLER_NAME", \UBLDocument.Party.name), ("RETOUR_SELLER_COUNTRY", \UBLDocument.Party.countryCode),
        ] {
            if let value = environment[name], !value.isEmpty { config.seller[keyPath: keyPath] = value }
        }
        for (name, keyPath) in [
            ("RETOUR_SELLER_STREET", \UBLDocument.Party.street),
            ("RETOUR_SELLER_POSTCODE", \UBLDocument.Party.postcode),
            ("RETOUR_SELLER_CITY", \UBLDocument.Party.city), ("RETOUR_SELLER_VAT", \UBLDocument.Party.vatNumber),
        ] {
            if let value = environment[name], !value.isEmpty { config.seller[keyPath: keyPath] = value }
        }
        let sellerCountry = config.seller.countryCode
        if sellerCountry.count != 2 || !sellerCountry.allSatisfy({ $0.isASCII && $0.isUppercase }) {
            problems.append("RETOUR_SELLER_COUNTRY must be a two-letter country code, like NL")
        }
        if let value = integer(
            "RETOUR_API_KEY_PER_MINUTE", in: 1...1_000_000, "RETOUR_API_KEY_PER_MINUTE must be 1…1000000")
        {
            config.apiKeyRequestsPerMinute = value
        }
        if let value = integer("RETOUR_IMPORT_MAX_MB", in: 1...4_096, "RETOUR_IMPORT_MAX_MB must be 1…4096") {
            config.importMaximumBytes = value * 1024 * 1024
        }
        if let value = integer("RETOUR_UPLOAD_MB_PER_DAY", in: 1...100_000, "RETOUR_UPLOAD_MB_PER_DAY must be 1…100000")
        {
            config.uploadBytesPerUserDay = value * 1024 * 1024
        }
        if let value = environment["RETOUR_FILES"], !value.isEmpty { config.filesDirectory = value }
        if let value = environment["RETOUR_MAIL_DIR"], !value.isEmpty { config.mailDirectory = value }
        if let value = environment["RETOUR_MAIL_FROM"], !value.isEmpty { config.mailFrom = value }
        check {
            if let value = environment["RETOUR_PUBLIC_URL"], !value.isEmpty {
                guard let url = URLComponents(string: value), ["http", "https"].contains(url.scheme ?? ""),
                    url.host != nil
                else { throw ConfigError("RETOUR_PUBLIC_URL must be an http(s) address, like https://rma.example.com") }
                config.publicURL = value.hasSuffix("/") ? String(value.dropLast()) : value
                // Behind https the cookies are always Secure.
                if url.scheme == "https" { config.secureCookies = true }
            }
        }
        check { config.oidc = try OIDCSettings.read(environment) }
        if let value = environment["RETOUR_RETURN_ADDRESS"], !value.isEmpty { config.returnAddress = value }
        if let value = environment["RETOUR_RMA_MAILBOX"], !value.isEmpty { config.rmaMailbox = value }
        if let value = integer("RETOUR_KEEP_EVENTS_DAYS", in: 1...36_500, "RETOUR_KEEP_EVENTS_DAYS must be 1…36500") {
            config.keepEventsDays = value
        }
        if let value = integer(
            "RETOUR_REPLACEMENT_RETURN_DAYS", in: 1...365, "RETOUR_REPLACEMENT_RETURN_DAYS must be 1…365")
        {
            config.replacementReturnDays = value
        }
        if let value = integer("RETOUR_KEEP_MAIL_DAYS", in: 1...36_500, "RETOUR_KEEP_MAIL_DAYS must be 1…36500") {
            config.keepMailDays = value
        }
        if let value = integer("RETOUR_KEEP_REQUESTS_YEARS", in: 1...100, "RETOUR_KEEP_REQUESTS_YEARS must be 1…100") {
            config.keepRequestsYears = value
        }
        if let value = integer("RETOUR_WORKER_INTERVAL", in: 0...Int.max, "RETOUR_WORKER_INTERVAL must be seconds ≥ 0")
        {
            config.workerInterval = value
        }
        check {
            if let value = environment["RETOUR_MAIL"], !value.isEmpty {
                guard let transport = MailSettings.Transport(rawValue: value) else {
                    throw ConfigError("RETOUR_MAIL must be file or smtp")
                }
                config.mailTransport = transport
            }
        }
        if let host = environment["RETOUR_SMTP_HOST"], !host.isEmpty { config.smtp.host = host }
        if let value = integer("RETOUR_SMTP_PORT", in: 1...65535, "RETOUR_SMTP_PORT must be a port") {
            config.smtp.port = value
        }
        config.smtp.startTLS = environment["RETOUR_SMTP_STARTTLS"] == "1"
        config.smtp.implicitTLS = environment["RETOUR_SMTP_TLS"] == "1" || config.smtp.port == 465
        config.smtp.allowPlainAuth = environment["RETOUR_SMTP_ALLOW_PLAIN_AUTH"] == "1"
        config.smtp.caFile = environment["RETOUR_SMTP_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        for (name, range, keyPath) in [
            ("RETOUR_SMTP_CONNECT_TIMEOUT", 1...600, \MailSettings.SMTP.connectTimeoutSeconds),
            ("RETOUR_SMTP_READ_TIMEOUT", 1...600, \MailSettings.SMTP.readTimeoutSeconds),
            ("RETOUR_SMTP_TOTAL_TIMEOUT", 1...3600, \MailSettings.SMTP.totalTimeoutSeconds),
        ] {
            if let seconds = integer(name, in: range, "\(name) must be \(range.lowerBound)…\(range.upperBound) seconds")
            {
                config.smtp[keyPath: keyPath] = seconds
            }
        }
        if let value = integer("RETOUR_MAIL_RETRY_HOURS", in: 1...720, "RETOUR_MAIL_RETRY_HOURS must be 1…720") {
            config.mailRetryHours = value
        }
        config.smtp.username = environment["RETOUR_SMTP_USER"].flatMap { $0.isEmpty ? nil : $0 }
        config.smtp.password = environment["RETOUR_SMTP_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        guard problems.isEmpty else {
            throw ConfigError("Retour cannot start with these settings:\n- " + problems.joined(separator: "\n- "))
        }
        return config
    }
}

public enum MailSettings {
    public enum Transport: String, Sendable {
        case file
        case smtp
    }

    public struct SMTP: Sendable {
        public var host = "127.0.0.1"
        public var port = 25
        public var startTLS = false
        /// TLS from the first byte (port 465).
        public var implicitTLS = false
        /// Only for a mail server on the same machine or a trusted network.
        public var allowPlainAuth = false
        /// A CA certificate (PEM) to trust besides the system's, e.g. a company CA.
        public var caFile: String?
        public var username: String?
        public var password: String?
        public var connectTimeoutSeconds = 10
        public var readTimeoutSeconds = 30
        public var totalTimeoutSeconds = 120

        public init() {}
    }
}

struct ConfigError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Application {
    private struct ConfigKey: StorageKey {
        typealias Value = AppConfig
    }

    private struct ClockKey: StorageKey {
        typealias Value = any RetourCore.Clock
    }

    public var config: AppConfig {
        get { storage[ConfigKey.self] ?? AppConfig() }
        set { storage[ConfigKey.self] = newValue }
    }

    /// The clock all logic reads; tests replace it with a `FixedClock`.
    public var clock: any RetourCore.Clock {
        get { storage[ClockKey.self] ?? SystemClock() }
        set { storage[ClockKey.self] = newValue }
    }

    /// Today in the distributor's time zone.
    public var today: CalendarDay { CalendarDay(clock.now, in: config.timeZone) }
}

extension Request {
    var config: AppConfig { application.config }
    var now: Date { application.clock.now }

    /// A moment as the reader's clock on the wall shows it: the day in their language and the time,
    /// both in the distributor's time zone ("25-11-2026 14:03").
    func localTime(_ instant: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = config.timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: instant)
        func pad(_ value: Int?) -> String { (value ?? 0) < 10 ? "0\(value ?? 0)" : "\(value ?? 0)" }
        return language.format(CalendarDay(instant, in: config.timeZone)) + " \(pad(parts.hour)):\(pad(parts.minute))"
    }
    var today: CalendarDay { application.today }
}
