import Leaf

/// `#route("request", number)`: the address of a page route (`PageRoute`) with its parameters
/// filled in and escaped, so that a view writes no address of its own. An unknown name or a wrong
/// number of values fails the render (and `RouteTests`, which read every view).
struct RouteTag: LeafTag {
    func render(_ context: LeafContext) throws -> LeafData {
        guard let name = context.parameters.first?.string else {
            throw RouteMisuse(description: "#route needs a route's name as its first parameter")
        }
        return .string(try Self.address(name, context.parameters.dropFirst().map { $0.string ?? "" }))
    }

    static func address(_ name: String, _ values: [String]) throws -> String {
        guard let route = PageRoute.named(name) else { throw RouteMisuse(description: "#route: no route \(name)") }
        return try route.path(values)
    }
}
