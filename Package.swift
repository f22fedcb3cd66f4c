// swift-tools-version:6.0
import PackageDescription

// Layers point down (see DESIGN.md): runbook → (Migrations, Backups, Indexes) → Firestore;
// runbook → HTTPServer. HTTPServer and Firestore never import each other.
let package = Package(
    name: "FirestoreRunbook",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "runbook", targets: ["runbook"]),
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "Firestore", targets: ["Firestore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System libraries: module maps plus small inline shims for C macros.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", providers: [.apt(["libssl-dev"])]),
        // epoll and eventfd, which Swift's Glibc module leaves out (header only, nothing to link).
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),

        // gzip streams over zlib, shared by the HTTP server and backups.
        .target(name: "Gzip", dependencies: ["CZlib"]),

        // Layer 1: our own HTTP/1.1 server on sockets and epoll. Knows nothing of Firestore.
        .target(
            name: "HTTPServer",
            dependencies: [
                "Gzip", "COpenSSL", "CEpoll",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),

        // Layer 2: Firestore v1 REST client, auth, environments, Admin API.
        .target(
            name: "Firestore",
            dependencies: [
                "COpenSSL",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // SHA-256 (OpenSSL) for backup files and migration checksums.
        .target(name: "Digest", dependencies: ["COpenSSL"]),
        // Starts the real Cloud Firestore emulator for tests of every layer above the client.
        .target(name: "FirestoreTesting", dependencies: ["Firestore"]),

        // Layer 3: operations.
        .target(
            name: "Migrations",
            dependencies: [
                "Firestore", "Indexes", "Digest",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "Backups", dependencies: ["Firestore", "Gzip", "Digest", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Indexes", dependencies: ["Firestore", .product(name: "Logging", package: "swift-log")]),

        // Layer 6: the command line.
        .executableTarget(
            name: "runbook",
            dependencies: [
                "HTTPServer", "Firestore", "Migrations", "Backups", "Indexes",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "Gzip"]),
        // Benchmarks/firestore/run.sh drives it beside Google's Python client.
        .executableTarget(name: "firestore-bench", dependencies: ["Firestore"], path: "Benchmarks/firestore/Sources"),
        // Benchmarks/migrations/compat/run.sh: the compatibility layer next to decoding (under 10%).
        .executableTarget(name: "compat-bench", dependencies: ["Firestore", "Migrations"], path: "Benchmarks/migrations/compat/Sources"),

        .testTarget(name: "FirestoreTests", dependencies: ["Firestore", "FirestoreTesting"]),
        .testTarget(name: "MigrationsTests", dependencies: ["Migrations", "Digest", "FirestoreTesting"], resources: [.copy("Vectors")]),
        .testTarget(name: "BackupsTests", dependencies: ["Backups", "Digest", "FirestoreTesting"]),
        .testTarget(name: "IndexesTests", dependencies: ["Indexes", "FirestoreTesting"]),
    ]
)
