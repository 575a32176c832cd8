// swift-tools-version:6.1
import PackageDescription

/// Kiln: inverse design of stable inorganic crystals.
/// Library modules are layered bottom-up; each imports only those in lower layers (docs/architecture.md).
let package = Package(
    name: "Kiln",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kiln", targets: ["kiln"]),
        .executable(name: "kiln-bench", targets: ["kiln-bench"]),
        .library(name: "KilnSupport", targets: ["KilnSupport"]),
        .library(name: "Crystal", targets: ["Crystal"]),
        .library(name: "CrystalIO", targets: ["CrystalIO"]),
        .library(name: "Symmetry", targets: ["Symmetry"]),
        .library(name: "ReferenceData", targets: ["ReferenceData"]),
        .library(name: "Analysis", targets: ["Analysis"]),
        .library(name: "DFT", targets: ["DFT"]),
        .library(name: "Thermo", targets: ["Thermo"]),
        .library(name: "Matching", targets: ["Matching"]),
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "Learning", targets: ["Learning"]),
        .library(name: "Potentials", targets: ["Potentials"]),
        .library(name: "Generation", targets: ["Generation"]),
        .library(name: "Dynamics", targets: ["Dynamics"]),
        .library(name: "Properties", targets: ["Properties"]),
        .library(name: "Diffusion", targets: ["Diffusion"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "Search", targets: ["Search"]),
        .library(name: "Synthesis", targets: ["Synthesis"]),
        .library(name: "Campaign", targets: ["Campaign"]),
        .library(name: "KilnServer", targets: ["KilnServer"]),
        .library(name: "KilnCluster", targets: ["KilnCluster"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0", traits: []),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.3"),
    ],
    targets: [
        // C libraries from Debian (scripts/bootstrap installs them).
        .systemLibrary(name: "CSpglib", path: "Sources/CSpglib"),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // Float32 row kernels of the CHGNet pass, baseline x86-64 and AVX2, chosen at run time.
        .target(name: "CKilnKernels"),

        // Layer 0: the parallel work queue, gzip, CSV.
        .target(name: "KilnSupport", dependencies: ["CZlib"]),
        // Layer 1: elements, composition, lattice, structure, neighbours, symmetry operations, charge balance.
        .target(name: "Crystal", resources: [.copy("Resources/elements.json"), .copy("Resources/smact_screening.json")]),
        // Layer 2: file formats and the compact structure coding.
        .target(name: "CrystalIO", dependencies: ["KilnSupport", "Crystal"],
                resources: [.copy("Resources/space_groups.json.gz")]),
        // Layer 3: symmetry (spglib) and the one tolerance policy.
        .target(name: "Symmetry", dependencies: ["Crystal", "CSpglib"]),
        // Layer 4: analyses that need symmetry (bond-valence oxidation states, symmetrised CIFs);
        // bundled reference data (MP energies and structures, AFLOW prototypes).
        .target(name: "Analysis", dependencies: ["Crystal", "CrystalIO", "Symmetry"],
                resources: [.copy("Resources/bond_valence.json")]),
        // Layer 4: DFT inputs and outputs (VASP with Materials Project's settings).
        .target(name: "DFT", dependencies: ["KilnSupport", "Crystal", "CrystalIO", "Symmetry"], resources: [.copy("Resources/mp_relax_set.json")]),
        .target(name: "ReferenceData", dependencies: ["KilnSupport", "Crystal"], resources: [
            .copy("Resources/mp_reference.csv.gz"), .copy("Resources/mp_reference_meta.json"),
            .copy("Resources/mp_structures.kref.gz"), .copy("Resources/aflow_prototypes.kref.gz"),
            .copy("Resources/mp_known_formulas.csv.gz"), .copy("Resources/mp_known_formulas_meta.json"),
        ]),
        // Layer 5: thermodynamics (the one hull service), structure matching, tensors with autodiff,
        // learned models (gradient-boosted trees, ensembles, the fixed data split).
        .target(name: "Thermo", dependencies: ["KilnSupport", "Crystal", "ReferenceData"], resources: [
            .copy("Resources/mp2020_compatibility.json"), .copy("Resources/mp_elemental_references.json"),
        ]),
        .target(name: "Matching", dependencies: ["KilnSupport", "Crystal"]),
        .target(name: "Tensor", dependencies: ["KilnSupport", "COpenBLAS"], exclude: ["README.md"]),
        .target(name: "Learning", dependencies: ["KilnSupport"]),
        // Layer 6: interatomic potentials (CHGNet) and relaxers.
        .target(name: "Potentials", dependencies: ["KilnSupport", "Crystal", "Symmetry", "Tensor", "COpenBLAS", "CKilnKernels"],
                resources: [.copy("Resources/chgnet-0.3.0"), .copy("Resources/sevennet-0"), .copy("Resources/sevennet-l3i5"), .copy("Resources/sevennet-mf-0")]),
        // Layer 7: candidate generators (substitution, random symmetric).
        .target(
            name: "Generation", dependencies: ["KilnSupport", "Crystal", "Symmetry", "ReferenceData"],
            resources: [
                .copy("Resources/lambda.json.gz"), .copy("Resources/wyckoff_list.csv.gz"),
                .copy("Resources/element_volumes.json"),
            ]),
        // Layer 7: the diffusion generator (DiffCSP-style denoiser over lattice, coordinates and types;
        // training, checkpoints, sampling).
        .target(name: "Diffusion", dependencies: ["KilnSupport", "Crystal", "CrystalIO", "ReferenceData", "Tensor", "Learning", "Potentials"],
                resources: [.copy("Resources/cdvae"), .copy("Resources/models")]),
        // Layer 7: lattice dynamics with a potential (finite-displacement phonons, dynamic stability).
        .target(name: "Dynamics", dependencies: ["KilnSupport", "Crystal", "Symmetry", "Potentials", "Matching"]),
        // Layer 7: properties of a structure with uncertainty (elastic tensor, equation of state, magnetism,
        // learned band gap, metallicity and formation energy).
        .target(name: "Properties", dependencies: ["KilnSupport", "Crystal", "ReferenceData", "Learning", "Potentials"],
                resources: [.copy("Resources/models")]),
        // Layer 8: the verdicts (stable, unique, new, SUN) and generative-model scorecards.
        .target(
            name: "Evaluation",
            dependencies: ["KilnSupport", "Crystal", "CrystalIO", "ReferenceData", "Thermo", "Matching", "Learning", "Potentials", "Properties"]),
        // Layer 8: closed-loop search — ask/tell strategies (evolutionary, particle swarm, RL composition
        // agents, the simple generators) and the active-learning surrogate with its acquisition functions.
        .target(
            name: "Search",
            dependencies: ["KilnSupport", "Crystal", "Symmetry", "ReferenceData", "Thermo", "Matching", "Learning", "Potentials",
                           "Properties", "Generation", "Diffusion"]),
        // Layer 8: the synthesis gap — synthesizability (oxidation-state and bond-valence plausibility, a
        // positive–unlabelled learned score) and solid-state precursor routes ranked on the hull.
        .target(
            name: "Synthesis",
            dependencies: ["KilnSupport", "Crystal", "CrystalIO", "Analysis", "ReferenceData", "Thermo", "Learning", "Properties"],
            resources: [.copy("Resources")]),
        // Layer 9: design campaigns (pipeline, knowledge store, reports).
        .target(
            name: "Campaign",
            dependencies: [
                "KilnSupport", "Crystal", "CrystalIO", "Symmetry", "Analysis", "ReferenceData", "Thermo", "Matching", "Potentials",
                "Learning", "Properties", "Dynamics", "Generation", "Diffusion", "Search", "Evaluation", "Synthesis", "DFT",
                .product(name: "GRDB", package: "GRDB.swift"), "TOMLKit",
            ]),
        // Layer 10: the HTTP service (`kiln serve`): campaigns submitted, followed and read over a REST
        // API described in Resources/openapi.yaml. Its own target, so the core builds without Hummingbird.
        .target(
            name: "KilnServer",
            dependencies: [
                "KilnSupport", "Crystal", "CrystalIO", "Learning", "Potentials", "Properties", "Evaluation", "Diffusion", "Campaign",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/dashboard")]),
        // Layer 10: running campaigns on a cluster — the knowledge store in PostgreSQL (postgres-nio) and
        // workers as Slurm job arrays. Its own target, like the server's.
        .target(
            name: "KilnCluster",
            dependencies: [
                "KilnSupport", "Campaign", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "Logging", package: "swift-log"),
            ]),
        // Layer 11: the command line — every `kiln` command and the pieces the benchmarks share.
        .target(
            name: "KilnCommands",
            dependencies: [
                "KilnSupport", "Crystal", "CrystalIO", "Symmetry", "Thermo", "Matching", "Potentials", "Properties", "Evaluation",
                "Generation", "Diffusion", "Search", "Campaign", "KilnServer", "KilnCluster", "DFT", "Dynamics", "Synthesis", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Layer 12: the executables.
        .executableTarget(name: "kiln", dependencies: ["KilnCommands", "Tensor"]),
        // Timings of Kiln's kernels on the fixture inputs (compare with Benchmarks/*.py).
        .executableTarget(
            name: "kiln-bench",
            dependencies: [
                "KilnCommands", "KilnSupport", "Crystal", "CrystalIO", "Symmetry", "ReferenceData", "Thermo", "Matching",
                "Tensor", "Potentials", "Generation", "Evaluation", "Diffusion",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Fixture loading shared by the test targets (reads Tests/Fixtures).
        .target(name: "KilnTestSupport", dependencies: ["KilnSupport", "Crystal", "CrystalIO"], path: "Tests/Support"),
        .testTarget(name: "KilnSupportTests", dependencies: ["KilnSupport"]),
        .testTarget(name: "CrystalTests", dependencies: ["Crystal", "KilnTestSupport"]),
        .testTarget(name: "CrystalIOTests", dependencies: ["CrystalIO", "KilnTestSupport"]),
        .testTarget(name: "SymmetryTests", dependencies: ["Symmetry", "KilnTestSupport"]),
        .testTarget(name: "ReferenceDataTests", dependencies: ["ReferenceData"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Crystal", "CrystalIO", "Symmetry", "Matching", "KilnTestSupport"]),
        .testTarget(name: "DynamicsTests", dependencies: ["Dynamics", "Crystal", "Potentials", "Tensor", "KilnSupport", "KilnTestSupport"]),
        .testTarget(name: "SynthesisTests", dependencies: ["Synthesis", "Crystal", "Analysis", "Thermo", "ReferenceData", "Learning", "KilnSupport", "KilnTestSupport"]),
        .testTarget(name: "DFTTests", dependencies: ["DFT", "Crystal", "KilnSupport", "KilnTestSupport"]),
        .testTarget(name: "ThermoTests", dependencies: ["Thermo", "KilnTestSupport"]),
        .testTarget(name: "MatchingTests", dependencies: ["Matching", "KilnTestSupport"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "KilnTestSupport"]),
        .testTarget(name: "LearningTests", dependencies: ["Learning", "Crystal"]),
        .testTarget(name: "PotentialsTests", dependencies: ["KilnSupport", "Tensor", "Potentials", "KilnTestSupport"]),
        .testTarget(name: "PropertiesTests", dependencies: ["KilnSupport", "Crystal", "Tensor", "Learning", "Potentials", "Properties", "KilnTestSupport"]),
        .testTarget(name: "GenerationTests", dependencies: ["Generation", "ReferenceData", "Symmetry", "KilnTestSupport"]),
        .testTarget(name: "DiffusionTests", dependencies: ["KilnSupport", "Crystal", "Tensor", "Learning", "Diffusion", "Evaluation", "KilnTestSupport"]),
        .testTarget(name: "SearchTests", dependencies: ["KilnSupport", "Crystal", "Generation", "Diffusion", "Search", "Matching", "Potentials", "Properties", "Thermo", "KilnTestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["KilnSupport", "Evaluation", "ReferenceData", "KilnTestSupport"]),
        .testTarget(name: "CampaignTests", dependencies: ["KilnSupport", "Crystal", "CrystalIO", "Campaign", "Search", "Evaluation", "Potentials", "Properties", "Thermo", "Generation", "Tensor", "Synthesis", "KilnTestSupport",
                                                       .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "KilnClusterTests", dependencies: ["Campaign", "KilnCluster", "Properties", "KilnTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "KilnServerTests", dependencies: ["KilnSupport", "Crystal", "CrystalIO", "Properties", "Campaign", "KilnServer", "KilnTestSupport"]),
        .testTarget(
            name: "KilnCommandsTests",
            dependencies: [
                "KilnCommands", "KilnSupport", "Crystal", "CrystalIO", "Thermo", "Potentials", "Diffusion", "Campaign", "DFT", "KilnTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
    ],
    swiftLanguageModes: [.v5]
)
