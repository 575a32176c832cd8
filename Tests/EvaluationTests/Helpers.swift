import Crystal

/// Small hand-built structures for the metric tests.
enum Build {
    static func rocksalt(_ a: String = "Na", _ b: String = "Cl", edge: Double = 5.64) -> Structure {
        let f: [Vec3] = [Vec3(0, 0, 0), Vec3(0, 0.5, 0.5), Vec3(0.5, 0, 0.5), Vec3(0.5, 0.5, 0),
                         Vec3(0.5, 0.5, 0.5), Vec3(0.5, 0, 0), Vec3(0, 0.5, 0), Vec3(0, 0, 0.5)]
        let sp = try! [Element](repeating: Element(a), count: 4) + [Element](repeating: Element(b), count: 4)
        return Structure(lattice: Lattice([[edge, 0, 0], [0, edge, 0], [0, 0, edge]]), species: sp, fracCoords: f)
    }

    static func cesiumChloride(_ a: String = "Cs", _ b: String = "Cl", edge: Double = 4.12) -> Structure {
        Structure(lattice: Lattice([[edge, 0, 0], [0, edge, 0], [0, 0, edge]]), species: [try! Element(a), try! Element(b)],
                  fracCoords: [Vec3(0, 0, 0), Vec3(0.5, 0.5, 0.5)])
    }
}
