import Crystal
import KilnTestSupport
import XCTest

/// Compares every motif order parameter of matminer's "ops" preset with pymatgen's
/// LocalStructOrderParams on Tests/Fixtures/order_parameters.json.gz
/// (scripts/reference_order_parameters.py): ideal, perturbed, random, degenerate and real environments.
final class MotifOrderParameterTests: XCTestCase {
    struct Environment: Decodable {
        let id: String
        let cn: Int
        let center: [Double]
        let neighbors: [[Double]]
        /// motif → pymatgen's value (nil for None).
        let values: [String: Double?]

        var centerVector: Vec3 { Vec3(center[0], center[1], center[2]) }
        var neighborVectors: [Vec3] { neighbors.map { Vec3($0[0], $0[1], $0[2]) } }
    }

    struct File: Decodable { let environments: [Environment] }

    /// Decoded exactly (a one-ulp misread coordinate moves acos near ±1, collinear bonds, by ~1e-8).
    static let environments = try! Fixtures.decode(File.self, from: "order_parameters").environments

    func testMatchesPymatgenOnEveryEnvironment() throws {
        var compared = 0, worst = 0.0, failures: [String] = []
        var perMotif: [String: Int] = [:]
        for env in Self.environments {
            for (motif, expected) in env.values {
                let op = try MotifOrderParameter(coordination: env.cn, motif: motif)
                let got = op.value(center: env.centerVector, neighbors: env.neighborVectors)
                compared += 1
                perMotif["\(env.cn):\(motif)", default: 0] += 1
                switch (got, expected) {
                case (nil, nil): continue
                case let (g?, e?) where abs(g - e) <= 1e-9: worst = max(worst, abs(g - e))
                default: failures.append("\(env.id) \(motif): \(got.map { "\($0)" } ?? "nil") vs pymatgen \(expected.map { "\($0)" } ?? "None")")
                }
            }
        }
        print("MotifOrderParameterTests: compared \(compared) values over \(Self.environments.count) environments, \(failures.count) mismatches, largest passing difference \(worst)")
        XCTAssertGreaterThan(compared, 6000)
        for (cn, motifs) in MotifOrderParameter.opsPreset {
            for motif in motifs {
                XCTAssertGreaterThanOrEqual(perMotif["\(cn):\(motif)", default: 0], 40, "\(cn) \(motif) has too few cases")
            }
        }
        XCTAssert(failures.isEmpty, "\(failures.count) mismatches:\n" + failures.prefix(40).joined(separator: "\n"))
    }

    func testIdealMotifsScoreOne() throws {
        for env in Self.environments where env.id.hasPrefix("ideal:") {
            let motif = String(env.id.dropFirst("ideal:".count))
            let value = try MotifOrderParameter(coordination: env.cn, motif: motif)
                .value(center: env.centerVector, neighbors: env.neighborVectors)
            XCTAssertEqual(value ?? .nan, 1, accuracy: 1e-9, env.id)
        }
    }

    func testPresetOrderAndUnknownMotifsThrow() {
        XCTAssertEqual(MotifOrderParameter.opsPreset.keys.sorted(), Array(1...12))
        XCTAssertEqual(MotifOrderParameter.opsPreset[4]?.first, "square co-planar")
        XCTAssertEqual(MotifOrderParameter.opsPreset[12], ["cuboctahedral", "q2", "q4", "q6"])
        for (cn, motif) in [(4, "octahedral"), (6, "tetrahedral"), (13, "q2"), (0, "sgl_bd"), (8, "q2"),
                            (2, "bent"), (3, "tri_plan_max"), (12, "cuboct_max")] {
            XCTAssertThrowsError(try MotifOrderParameter(coordination: cn, motif: motif)) { error in
                XCTAssertEqual(error as? MotifOrderParameterError, .unknownMotif(coordination: cn, motif: motif))
            }
        }
    }
}
