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
        // Reads the human table back and holds it to the JSON document; shared by the unit
        // tests (on hand-made trees) and the engine tests (on the real binary's output), so the
        // check the engine runs is the one the unit tests prove.
        .target(
            name: "TableAgreement",
            path: "Tests/TableAgreement",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "DockduCoreTests",
            dependencies: ["DockduCore", "TableAgreement"],
            resources: [.copy("Fixtures")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // Runs the real dockdu binary against a private Docker engine that Tests/Engine/run
        // starts; skipped (with a reason) when that script did not set DOCKDU_ENGINE_DIR.
        .testTarget(
            name: "EngineTests",
            dependencies: ["TableAgreement"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
