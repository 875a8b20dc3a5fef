import Foundation

/// Where "now" comes from. Logic never asks the system for the time, so tests can pin any day.
public protocol Clock: Sendable {
    var now: Date { get }
}

public struct SystemClock: Clock {
    public init() {}
    public var now: Date { Date.now }
}

public struct FixedClock: Clock {
    public let now: Date
    public init(_ now: Date) { self.now = now }

    /// Noon of `day` in `timeZone`, far from either midnight.
    public init(day: CalendarDay, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: day.year, month: day.month, day: day.day, hour: 12)
        self.now = calendar.date(from: components)!
    }
}

/// Another clock moved by a fixed amount: for a demo or a test server that lives in the future.
public struct OffsetClock: Clock {
    public let base: any Clock
    public let seconds: Double

    public init(base: any Clock, seconds: Double) {
        self.base = base
        self.seconds = seconds
    }

    public var now: Date { base.now.addingTimeInterval(seconds) }
}
