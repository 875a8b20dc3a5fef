import Testing

/// The root of all application tests. They run side by side, a few at a time: each has a database
/// of its own (`withRetour`, `TestDatabase`).
@Suite struct AppTests {}
