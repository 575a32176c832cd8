// swift-tools-version:6.0
import PackageDescription

/// Kiln: inverse design of stable inorganic crystals.
/// Library modules are layered bottom-up; each imports only those listed before it.
let package = Package(
    name: "Kiln",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kiln", targets: ["kiln"]),
        .library(name: "Crystal", targets: ["Crystal"]),
        .library(name: "CrystalIO", targets: ["CrystalIO"]),
        .library(name: "Symmetry", targets: ["Symmetry"]),
        .library(name: "Thermo", targets: ["Thermo"]),
        .library(name: "Matching", targets: ["Matching"]),
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "Potentials", targets: ["Potentials"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries from Debian (scripts/bootstrap installs them).
        .systemLibrary(name: "CSpglib", path: "Sources/CSpglib"),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),

        // Layer 1: elements, composition, lattice, structure, neighbours.
        .target(name: "Crystal", resources: [.copy("Resources/elements.json")]),
        // Layer 2: file formats.
        .target(name: "CrystalIO", dependencies: ["Crystal", "CZlib"]),
        // Layer 3: symmetry (spglib).
        .target(name: "Symmetry", dependencies: ["Crystal", "CSpglib"]),
        // Layer 4: thermodynamics and structure matching.
        .target(name: "Thermo", dependencies: ["Crystal", "CrystalIO"]),
        .target(name: "Matching", dependencies: ["Crystal", "Symmetry"]),
        // Layer 5: tensors with reverse-mode autodiff.
        .target(name: "Tensor", dependencies: ["COpenBLAS"], exclude: ["README.md"]),
        // Layer 6: interatomic potentials (CHGNet) and relaxers.
        .target(name: "Potentials", dependencies: ["Crystal", "CrystalIO", "Symmetry", "Tensor"]),

        .executableTarget(
            name: "kiln",
            dependencies: [
                "Crystal", "CrystalIO", "Symmetry", "Thermo", "Matching", "Tensor", "Potentials",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Fixture loading shared by the test targets (reads Tests/Fixtures).
        .target(name: "KilnTestSupport", dependencies: ["Crystal", "CrystalIO"], path: "Tests/Support"),
        .testTarget(name: "CrystalTests", dependencies: ["Crystal", "KilnTestSupport"]),
        .testTarget(name: "CrystalIOTests", dependencies: ["CrystalIO", "KilnTestSupport"]),
        .testTarget(name: "SymmetryTests", dependencies: ["Symmetry", "KilnTestSupport"]),
        .testTarget(name: "ThermoTests", dependencies: ["Thermo", "KilnTestSupport"]),
        .testTarget(name: "MatchingTests", dependencies: ["Matching", "KilnTestSupport"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "PotentialsTests", dependencies: ["Potentials", "KilnTestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
