/// A site: fractional coordinates and the species occupying it with their occupancies.
/// An ordered site holds one species with occupancy 1; a disordered (CIF) site may hold several,
/// each with an occupancy, summing to at most 1.
public struct Site: Hashable, Sendable {
    public var occupancy: [SpeciesOccupancy]
    public var frac: Vec3
    /// Optional label (e.g. the CIF atom-site label).
    public var label: String?

    public struct SpeciesOccupancy: Hashable, Sendable {
        public var species: Species
        public var occupancy: Double
        public init(_ species: Species, _ occupancy: Double) {
            self.species = species
            self.occupancy = occupancy
        }
    }

    /// An ordered site of one species.
    public init(_ species: Species, _ frac: Vec3, label: String? = nil) {
        self.occupancy = [SpeciesOccupancy(species, 1)]
        self.frac = frac
        self.label = label
    }

    public init(_ element: Element, _ frac: Vec3, label: String? = nil) {
        self.init(Species(element), frac, label: label)
    }

    public init(occupancy: [SpeciesOccupancy], frac: Vec3, label: String? = nil) {
        self.occupancy = occupancy
        self.frac = frac
        self.label = label
    }

    /// True when a single species fully occupies the site.
    public var isOrdered: Bool { occupancy.count == 1 && abs(occupancy[0].occupancy - 1) < 1e-8 }
    /// The majority species (the only one on an ordered site).
    public var species: Species { occupancy.max { $0.occupancy < $1.occupancy }!.species }
    public var element: Element { species.element }
    /// Site composition (element → occupancy).
    public var composition: Composition { Composition(occupancy.map { ($0.species.element, $0.occupancy) }) }
}
