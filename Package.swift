// swift-tools-version:6.0
import PackageDescription

/// Kiln: inverse design of stable inorganic crystals.
/// Library modules are layered bottom-up; each imports only those listed before it.
let package = Package(
    name: "Kiln",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kiln", targets: ["kiln"]),
        .library(name: "KilnSupport", targets: ["KilnSupport"]),
        .library(name: "Crystal", targets: ["Crystal"]),
        .library(name: "CrystalIO", targets: ["CrystalIO"]),
        .library(name: "Symmetry", targets: ["Symmetry"]),
        .library(name: "Thermo", targets: ["Thermo"]),
        .library(name: "Matching", targets: ["Matching"]),
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "Potentials", targets: ["Potentials"]),
        .library(name: "Generation", targets: ["Generation"]),
        .library(name: "Campaign", targets: ["Campaign"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // C libraries from Debian (scripts/bootstrap installs them).
        .systemLibrary(name: "CSpglib", path: "Sources/CSpglib"),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),

        // Layer 0: parallel work queue, gzip, CSV.
        .target(name: "KilnSupport", dependencies: ["CZlib"]),
        // Layer 1: elements, composition, lattice, structure, neighbours.
        .target(name: "Crystal", resources: [.copy("Resources/elements.json")]),
        // Layer 2: file formats.
        .target(name: "CrystalIO", dependencies: ["KilnSupport", "Crystal"],
                resources: [.copy("Resources/space_groups.json.gz")]),
        // Layer 3: symmetry (spglib).
        .target(name: "Symmetry", dependencies: ["Crystal", "CSpglib"]),
        // Layer 4: thermodynamics and structure matching.
        .target(name: "Thermo", dependencies: ["KilnSupport", "Crystal"], resources: [
            .copy("Resources/mp_reference.csv.gz"), .copy("Resources/mp_reference_meta.json"),
            .copy("Resources/mp2020_compatibility.json"), .copy("Resources/mp_elemental_references.json"),
        ]),
        .target(name: "Matching", dependencies: ["KilnSupport", "Crystal", "Symmetry"]),
        // Layer 5: tensors with reverse-mode autodiff.
        .target(name: "Tensor", dependencies: ["KilnSupport", "COpenBLAS"], exclude: ["README.md"]),
        // Layer 6: interatomic potentials (CHGNet) and relaxers.
        .target(name: "Potentials", dependencies: ["KilnSupport", "Crystal", "CrystalIO", "Symmetry", "Tensor", "COpenBLAS"],
                resources: [.copy("Resources/chgnet-0.3.0")]),
        // Layer 7: candidate generators (substitution, random symmetric) and built-in reference structures.
        .target(
            name: "Generation", dependencies: ["KilnSupport", "Crystal", "Symmetry"],
            resources: [
                .copy("Resources/mp_structures.kref.gz"), .copy("Resources/aflow_prototypes.kref.gz"),
                .copy("Resources/lambda.json.gz"), .copy("Resources/wyckoff_list.csv.gz"),
                .copy("Resources/element_volumes.json"), .copy("Resources/smact_screening.json"),
            ]),

        // Layer 8: generative-model scorecards (validity, uniqueness, novelty, stability, CDVAE metrics).
        .target(
            name: "Evaluation",
            dependencies: [
                "KilnSupport", "Crystal", "CrystalIO", "Symmetry", "Thermo", "Matching", "Potentials", "Generation",
            ]),

        // Layer 8: design campaigns (pipeline, knowledge store, reports).
        .target(
            name: "Campaign",
            dependencies: [
                "KilnSupport", "Crystal", "CrystalIO", "Symmetry", "Thermo", "Matching", "Potentials", "Generation",
                .product(name: "GRDB", package: "GRDB.swift"), "TOMLKit",
            ]),

        .executableTarget(
            name: "kiln",
            dependencies: [
                "KilnSupport", "Crystal", "CrystalIO", "Symmetry", "Thermo", "Matching", "Tensor", "Potentials",
                "Generation", "Campaign", "Evaluation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Fixture loading shared by the test targets (reads Tests/Fixtures).
        .target(name: "KilnTestSupport", dependencies: ["KilnSupport", "Crystal"], path: "Tests/Support"),
        .testTarget(name: "KilnSupportTests", dependencies: ["KilnSupport"]),
        .testTarget(name: "CrystalTests", dependencies: ["Crystal", "KilnTestSupport"]),
        .testTarget(name: "CrystalIOTests", dependencies: ["CrystalIO", "KilnTestSupport"]),
        .testTarget(name: "SymmetryTests", dependencies: ["Symmetry", "KilnTestSupport"]),
        .testTarget(name: "ThermoTests", dependencies: ["Thermo", "KilnTestSupport"]),
        .testTarget(name: "MatchingTests", dependencies: ["Matching", "KilnTestSupport"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "PotentialsTests", dependencies: ["KilnSupport", "Tensor", "Potentials", "KilnTestSupport"]),
        .testTarget(name: "GenerationTests", dependencies: ["KilnSupport", "Generation", "KilnTestSupport"], exclude: ["Data"]),
        .testTarget(name: "CampaignTests", dependencies: ["Campaign", "KilnTestSupport"]),
        .testTarget(
            name: "EvaluationTests", dependencies: ["KilnSupport", "Evaluation", "KilnTestSupport"], exclude: ["Data"]),
    ],
    swiftLanguageModes: [.v5]
)
