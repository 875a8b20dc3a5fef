/// A rate limit over a sliding minute, kept in two counters: the requests of the current fixed
/// minute and of the one before, weighted by how much of it still lies within the last 60 s. A
/// burst at the end of one minute and another at the start of the next cannot add up to twice
/// the limit, as they could with one counter per fixed minute.
public struct SlidingWindow: Sendable, Equatable {
    public static let seconds = 60

    /// Requests in the fixed minute before the current one.
    public var previous: Int
    /// Requests in the current fixed minute, this one included.
    public var current: Int
    /// Seconds since the current fixed minute began (0–59).
    public var elapsed: Int

    public init(previous: Int, current: Int, elapsed: Int) {
        self.previous = previous
        self.current = current
        self.elapsed = elapsed
    }

    /// The requests counted as within the last minute, times 60 (kept whole: no rounding).
    private var weighted: Int { previous * (Self.seconds - elapsed) + current * Self.seconds }

    public func exceeds(_ limit: Int) -> Bool { weighted > limit * Self.seconds }

    /// Seconds until one more request would be within `limit` (at least 1).
    public func secondsUntilAllowed(_ limit: Int) -> Int {
        for wait in 1...(2 * Self.seconds) {
            let later = elapsed + wait
            let window =
                later < Self.seconds
                ? SlidingWindow(previous: previous, current: current + 1, elapsed: later)
                : later < 2 * Self.seconds
                    ? SlidingWindow(previous: current, current: 1, elapsed: later - Self.seconds)
                    : SlidingWindow(previous: 0, current: 1, elapsed: 0)
            if !window.exceeds(limit) { return wait }
        }
        return 2 * Self.seconds
    }
}
