import Crystal
import KilnTestSupport
import XCTest

/// CrystalNN against pymatgen's answers (Tests/Fixtures/crystalnn.json.gz, made by
/// scripts/reference_crystalnn.py on the ordered structures of structures.json).
final class CrystalNNTests: XCTestCase {
    struct Case {
        let id: String
        let structure: Structure
        /// Per site: CN → weight, and (site, image) → neighbour weight; nil when pymatgen raised.
        let sites: [(weights: [Int: Double], neighbors: [String: Double])]?
    }

    static func key(_ site: Int, _ image: [Int]) -> String { "\(site)@\(image)" }

    static let cases: [Case] = {
        let structures = try! Fixtures.json("structures") as! [String: Any]
        var byId: [String: Any] = [:]
        for row in structures["structures"] as! [[String: Any]] { byId[row["id"] as! String] = row["structure"] }
        let root = try! Fixtures.json("crystalnn") as! [String: Any]
        return (root["cases"] as! [[String: Any]]).map { c in
            let id = c["id"] as! String
            let sites = (c["sites"] as? [[String: Any]])?.map { site in
                let w = (site["cn_weights"] as! [String: Double]).reduce(into: [Int: Double]()) { $0[Int($1.key)!] = $1.value }
                let n = (site["neighbors"] as! [[Any]]).reduce(into: [String: Double]()) {
                    $0[key($1[0] as! Int, $1[1] as! [Int])] = ($1[2] as! NSNumber).doubleValue
                }
                return (weights: w, neighbors: n)
            }
            return Case(id: id, structure: try! Fixtures.structure(byId[id]!), sites: sites)
        }
    }()

    func testCoordinationWeightsMatchPymatgen() throws {
        var failures: [String] = [], sitesCompared = 0
        for c in Self.cases {
            guard let expected = c.sites else {
                if (try? CrystalNN().environments(c.structure)) != nil { failures.append("\(c.id): pymatgen raised, Kiln did not") }
                continue
            }
            let envs: [CrystalNN.Environment]
            do { envs = try CrystalNN().environments(c.structure) } catch {
                failures.append("\(c.id): \(error)"); continue
            }
            for (i, (env, ref)) in zip(envs, expected).enumerated() {
                sitesCompared += 1
                let got = env.coordinationWeights
                if Set(got.keys) != Set(ref.weights.keys) || got.contains(where: { abs($0.value - ref.weights[$0.key]!) > 1e-9 }) {
                    failures.append("\(c.id) site \(i): CN weights \(got.sorted { $0.key < $1.key }) vs \(ref.weights.sorted { $0.key < $1.key })")
                    continue
                }
                var neighbors: [String: Double] = [:]
                for n in env.neighbors { neighbors[Self.key(n.site, [Int(n.image.x), Int(n.image.y), Int(n.image.z)])] = n.weight }
                if neighbors != ref.neighbors { failures.append("\(c.id) site \(i): neighbours \(neighbors) vs \(ref.neighbors)") }
            }
        }
        XCTAssertGreaterThan(sitesCompared, 2000)
        XCTAssert(failures.isEmpty, "\(failures.count) differences over \(sitesCompared) sites:\n" + failures.prefix(20).joined(separator: "\n"))
    }

    func testWeightsFormAProbabilityAndCellsAreClosed() throws {
        // Rock salt: six octahedral neighbours, certain.
        let a = 4.2
        let nacl = Structure(lattice: Lattice([[0, a / 2, a / 2], [a / 2, 0, a / 2], [a / 2, a / 2, 0]]),
                             species: [try Element("Na"), try Element("Cl")], fracCoords: [.zero, Vec3(0.5, 0.5, 0.5)])
        for env in try CrystalNN().environments(nacl) {
            XCTAssertEqual(env.coordination, 6)
            XCTAssertEqual(env.coordinationWeights[6] ?? 0, 1, accuracy: 1e-12)
            XCTAssertEqual(env.neighbors(coordination: 6).count, 6)
        }
        // The Voronoi cell of a simple cubic point is the unit cube: six faces, 4π sr in total.
        let cube = VoronoiCell(neighbors: [Vec3(1, 0, 0), Vec3(-1, 0, 0), Vec3(0, 1, 0), Vec3(0, -1, 0), Vec3(0, 0, 1), Vec3(0, 0, -1),
                                           Vec3(1, 1, 0), Vec3(1, 1, 1)])!
        XCTAssertEqual(cube.faces.count, 6)
        XCTAssertEqual(cube.faces.map(\.solidAngle).reduce(0, +), 4 * .pi, accuracy: 1e-9)
        XCTAssertEqual(cube.faces.map(\.volume).reduce(0, +), 1, accuracy: 1e-9)
        XCTAssertNil(VoronoiCell(neighbors: [Vec3(1, 0, 0), Vec3(0, 1, 0), Vec3(0, 0, 1)]), "an open cell is refused")
    }

    func testCellsCloseAroundEverySite() throws {
        // Faces of a closed cell subtend 4π and their pyramids fill the cell; over all sites the
        // cells tile the unit cell.
        var failures: [String] = []
        for c in Self.cases where c.sites != nil {
            let lat = c.structure.lattice
            let diagonal = [Vec3(1, 1, 1), Vec3(-1, 1, 1), Vec3(1, -1, 1), Vec3(1, 1, -1)].map { norm(lat.cartesian($0)) }.max()!
            var lists: [Double: NeighborList] = [:]
            func cell(_ i: Int, cutoff: Double) -> VoronoiCell? {
                if lists[cutoff] == nil { lists[cutoff] = NeighborList(structure: c.structure, cutoff: cutoff) }
                let list = lists[cutoff]!
                return VoronoiCell(neighbors: (0..<list.count).filter { list.centers[$0] == i }.map { list.vectors[$0] })
            }
            var volume = 0.0
            for i in 0..<c.structure.count {
                // As CrystalNN: 7 Å, or the longest cell diagonal for open (layered) cells.
                guard let cell = cell(i, cutoff: 7) ?? cell(i, cutoff: max(7, diagonal + 0.01)) else {
                    failures.append("\(c.id) site \(i): open"); continue
                }
                let angle = cell.faces.map(\.solidAngle).reduce(0, +)
                if abs(angle - 4 * .pi) > 1e-8 { failures.append("\(c.id) site \(i): solid angles sum to \(angle)") }
                volume += cell.faces.map(\.volume).reduce(0, +)
            }
            if abs(volume - c.structure.volume) > 1e-6 * c.structure.volume {
                failures.append("\(c.id): cells fill \(volume) of \(c.structure.volume) Å³")
            }
        }
        XCTAssert(failures.isEmpty, failures.prefix(20).joined(separator: "\n"))
    }

    func testNearlyCubicPerovskiteWithDegenerateFaces() throws {
        // perov-5 test 18334 (SrTaN3): tiny faces with collinear vertices around the N at 0.56 ½ ½.
        // Reference: pymatgen CrystalNN().get_nn_data(s, 4).cn_weights.
        let s = Structure(lattice: Lattice([[4.315772, 0, 0], [0, 4.315772, 0], [0, 0, 4.315772]]),
                          species: try ["Sr", "Ta", "N", "N", "N"].map { try Element($0) },
                          fracCoords: [Vec3(0.061584, 0.5, 0.5), Vec3(0.560821, 0, 0), Vec3(0.561215, 0, 0.5),
                                       Vec3(0.561215, 0.5, 0), Vec3(0.561597, 0.5, 0.5)])
        let weights = try CrystalNN().environment(s, site: 4).coordinationWeights
        XCTAssertEqual(Set(weights.keys), [2, 6])
        XCTAssertEqual(weights[2] ?? 0, 0.7984111790469262, accuracy: 1e-9)
        XCTAssertEqual(weights[6] ?? 0, 0.2015888209530739, accuracy: 1e-9)
    }
}
