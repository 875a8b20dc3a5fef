import NIOConcurrencyHelpers
import Vapor

/// Counts the requests being handled, so that a stopping server lets them finish before the
/// databases close: a request whose client has gone away still runs to its end, and one that
/// reached its database after the pool closed would stop the whole process.
struct InFlightRequestsMiddleware: AsyncMiddleware {
    let counter: InFlightRequests

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        counter.enter()
        defer { counter.leave() }
        return try await next.respond(to: request)
    }
}

final class InFlightRequests: Sendable {
    private let count = NIOLockedValueBox(0)

    func enter() { count.withLockedValue { $0 += 1 } }
    func leave() { count.withLockedValue { $0 -= 1 } }
    var current: Int { count.withLockedValue { $0 } }

    /// Waits until no request is being handled, at most `seconds`.
    func drain(seconds: Double) async {
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int(seconds * 1000)))
        while current > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

extension Application {
    private struct InFlightKey: StorageKey {
        typealias Value = InFlightRequests
    }

    /// The requests being handled now (see `InFlightRequestsMiddleware`).
    var inFlightRequests: InFlightRequests {
        if let existing = storage[InFlightKey.self] { return existing }
        let counter = InFlightRequests()
        storage[InFlightKey.self] = counter
        return counter
    }

    /// Stops taking requests and lets those in flight finish (at most `seconds`), before the
    /// databases and the rest shut down.
    public func stopServing(drainSeconds: Double = 10) async {
        await server.shutdown()
        await inFlightRequests.drain(seconds: drainSeconds)
    }
}
