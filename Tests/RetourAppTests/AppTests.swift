import Testing

/// The root of all application tests. Serialized because, against PostgreSQL, they share one database.
@Suite(.serialized) struct AppTests {}
