// swift-tools-version:6.0
// Benchmark-only comparison server: FlyingFox 0.27.1 serving the same routes as `runbook serve`.
// It lives one folder down (flyingfox/FlyingFoxBench/) because a root package in a folder named
// "flyingfox" would share its identity with the FlyingFox dependency and SwiftPM would refuse it.
// A separate package so FlyingFox never becomes a dependency of the product.
import PackageDescription

let package = Package(
    name: "FlyingFoxBench",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/swhitty/FlyingFox", exact: "0.27.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .executableTarget(
            name: "FlyingFoxBench",
            dependencies: [
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        )
    ]
)
