// swift-tools-version: 6.0
// dockdu: a disk-usage auditor for Docker data roots. No package dependencies, by design.
import PackageDescription

let package = Package(
    name: "dockdu",
    products: [
        .executable(name: "dockdu", targets: ["dockdu"]),
        .library(name: "DockduCore", targets: ["DockduCore"]),
    ],
    targets: [
        // getdents64(2), which Glibc's Swift module does not import; used by System/ only.
        .target(name: "CSystemShims"),
        .target(
            name: "DockduCore",
            dependencies: ["CSystemShims"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "dockdu",
            dependencies: ["DockduCore"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "DockduCoreTests",
            dependencies: ["DockduCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // Runs the real dockdu binary against a private Docker engine that Tests/Engine/run
        // starts; skipped (with a reason) when that script did not set DOCKDU_ENGINE_DIR.
        .testTarget(
            name: "EngineTests",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
