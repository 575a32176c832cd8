import Crystal
import Generation
import Matching
@testable import Search
import XCTest

/// Evolutionary search: reproducible batches, provenance, children within the target, niching,
/// parameter errors, and a toy landscape on which it beats random search.
final class EvolutionarySearchTests: XCTestCase {
    /// Evaluations of the candidates as if relaxed in place, with the given fitness per structure.
    func evaluations(_ candidates: [Candidate], round: Int, fitness: (Structure) -> Double) -> [Evaluation] {
        candidates.enumerated().map { i, c in
            Evaluation(id: "e\(round)-\(i)", round: round, outcome: .relaxed, provenance: c.provenance,
                       initial: c.structure, relaxed: c.structure, energyPerAtom: fitness(c.structure),
                       fitness: fitness(c.structure))
        }
    }

    func naclTarget() throws -> GenerationTarget {
        try GenerationTarget(compositions: [try Composition("NaCl")], maxAtoms: 8)
    }

    /// A strategy told one random generation (fitness = volume per atom, any order will do).
    func toldOnce(_ target: GenerationTarget, parameters: EvolutionParameters = EvolutionParameters(),
                  seed: UInt64 = 11) throws -> (EvolutionarySearch, [Evaluation]) {
        var search = try EvolutionarySearch(target: target, parameters: parameters, seed: seed)
        let history = evaluations(try search.ask(count: 8, round: 0), round: 0) { $0.volumePerAtom }
        search.tell(history)
        return (search, history)
    }

    func testParameterErrorsNameTheKey() throws {
        let target = try naclTarget()
        func message(_ change: (inout EvolutionParameters) -> Void) -> String {
            var p = EvolutionParameters()
            change(&p)
            do { _ = try EvolutionarySearch(target: target, parameters: p, seed: 1) } catch { return "\(error)" }
            return "accepted"
        }
        XCTAssertTrue(message { $0.heredity = -1 }.contains("evolutionary.heredity must be finite and ≥ 0, got -1"))
        XCTAssertTrue(message { $0.strain = .nan }.contains("evolutionary.strain must be"))
        XCTAssertTrue(message { $0.injection = .infinity }.contains("evolutionary.injection must be"))
        XCTAssertTrue(message {
            $0.heredity = 0; $0.strain = 0; $0.permutation = 0; $0.perturbation = 0; $0.transmutation = 0; $0.injection = 0
        }.contains("at least one operator rate"))
        XCTAssertTrue(message { $0.populationSize = 0 }.contains("evolutionary.population_size must be ≥ 1, got 0"))
        XCTAssertTrue(message { $0.tournamentSize = 0 }.contains("evolutionary.tournament_size"))
        XCTAssertTrue(message { $0.substitutionSeeds = -2 }.contains("evolutionary.substitution_seeds"))
        XCTAssertTrue(message { $0.attemptsPerChild = 0 }.contains("evolutionary.attempts_per_child"))
        XCTAssertTrue(message { $0.displacement = -0.1 }.contains("evolutionary.displacement"))
        XCTAssertEqual(message { $0.heredity = 0; $0.injection = 0 }, "accepted")
    }

    /// Same history, seed and round → same batch; another round → another batch.
    func testBatchesAreReproducible() throws {
        let (search, _) = try toldOnce(try naclTarget())
        var a = search, b = search
        let first = try a.ask(count: 6, round: 1)
        XCTAssertEqual(first.count, 6)
        XCTAssertEqual(try b.ask(count: 6, round: 1).map(\.structure), first.map(\.structure))
        XCTAssertEqual(try b.ask(count: 6, round: 1).map(\.provenance), first.map(\.provenance))
        XCTAssertNotEqual(try b.ask(count: 6, round: 2).map(\.structure), first.map(\.structure))
    }

    /// Children name the strategy, their operator and their parents (ids of told evaluations); a
    /// fixed-composition search keeps the formula and the size limit.
    func testChildrenOfAFixedComposition() throws {
        let target = try naclTarget()
        let (search, history) = try toldOnce(target)
        var s = search
        let children = try s.ask(count: 10, round: 1)
        XCTAssertEqual(children.count, 10)
        let ids = Set(history.map(\.id))
        let twoParents: Set<String> = ["heredity"], oneParent: Set<String> = ["strain", "permutation", "perturbation"]
        for c in children {
            XCTAssertEqual(c.provenance.generator, "evolutionary")
            XCTAssertEqual(c.structure.reducedFormula, "NaCl")
            XCTAssertLessThanOrEqual(c.structure.count, 8)
            let op = try XCTUnwrap(c.provenance.operation)
            XCTAssertTrue(Set(c.provenance.parents).isSubset(of: ids))
            if twoParents.contains(op) { XCTAssertEqual(c.provenance.parents.count, 2) }
            else if oneParent.contains(op) { XCTAssertEqual(c.provenance.parents.count, 1) }
            else { XCTAssertEqual(op, "injection"); XCTAssertTrue(c.provenance.parents.isEmpty) }
        }
        XCTAssertTrue(children.contains { $0.provenance.operation == "heredity" }, "heredity is the most likely operator")
    }

    /// The first generation is random symmetric plus the requested substitution seeds.
    func testFirstGeneration() throws {
        let target = try GenerationTarget(systems: ["Mg-O"], maxAtoms: 8)
        var p = EvolutionParameters()
        p.substitutionSeeds = 2
        var search = try EvolutionarySearch(target: target, parameters: p, seed: 3)
        let first = try search.ask(count: 5, round: 0)
        XCTAssertEqual(first.map(\.provenance.operation), ["substitution", "substitution", "random", "random", "random"])
        XCTAssertTrue(first.allSatisfy { $0.provenance.generator == "evolutionary" && $0.provenance.parents.isEmpty })
        XCTAssertNotNil(first[0].provenance.parentID, "a substitution seed keeps its prototype")
    }

    /// Variable composition: children stay in the target's systems, within maxAtoms, charge
    /// balanced; transmutation changes the composition.
    func testVariableComposition() throws {
        let target = try GenerationTarget(systems: ["Li-Mn-O"], maxAtoms: 12)
        let (search, _) = try toldOnce(target)
        var s = search
        for c in try s.ask(count: 10, round: 1) {
            XCTAssertEqual(Set(c.structure.elements).count, 3, c.structure.formula)
            XCTAssertLessThanOrEqual(c.structure.count, 12)
            XCTAssertTrue(ChargeBalance.isNeutral(c.structure.composition, states: target.oxidationStates), c.structure.formula)
        }

        let alloy = try GenerationTarget(systems: ["Cu-Zn"], maxAtoms: 8)
        var p = EvolutionParameters()
        (p.heredity, p.strain, p.permutation, p.perturbation, p.injection) = (0, 0, 0, 0, 0)
        let (mutant, history) = try toldOnce(alloy, parameters: p)
        var m = mutant
        let children = try m.ask(count: 6, round: 1)
        let parents = Dictionary(uniqueKeysWithValues: history.map { ($0.id, $0.initial) })
        let transmuted = children.filter { $0.provenance.operation == "transmutation" }
        XCTAssertGreaterThan(transmuted.count, 3)
        for c in transmuted {
            let parent = try XCTUnwrap(parents[c.provenance.parents.first ?? ""])
            XCTAssertEqual(Set(c.structure.elements), Set(parent.elements))
            XCTAssertEqual(c.structure.count, parent.count)
            XCTAssertNotEqual(c.structure.composition, parent.composition)
        }
    }

    /// A perturbation of 0 Å and a strain of 0 copy the parent: niching drops every such child,
    /// so the batch is filled by injection, unlike every parent.
    func testNichingDropsCopiesOfParents() throws {
        var p = EvolutionParameters()
        (p.heredity, p.permutation, p.transmutation, p.injection) = (0, 0, 0, 0)
        (p.displacement, p.strainSigma, p.attemptsPerChild) = (0, 0, 3)
        let (search, history) = try toldOnce(try naclTarget(), parameters: p)
        var s = search
        let children = try s.ask(count: 4, round: 1)
        XCTAssertEqual(children.map(\.provenance.operation), Array(repeating: "injection", count: 4))
        let matcher = StructureMatcher()
        for c in children { XCTAssertFalse(history.contains { matcher.fit($0.initial, c.structure) }) }

        p.displacement = 0.3
        let (moving, _) = try toldOnce(try naclTarget(), parameters: p)
        var m = moving
        XCTAssertTrue(try m.ask(count: 4, round: 1).contains { $0.provenance.operation == "perturbation" },
                      "a real perturbation is kept")
    }

    /// The population is ranked by fitness and skips a structure equal to a fitter one.
    func testPopulationSkipsNearDuplicates() throws {
        let target = try naclTarget()
        var search = try EvolutionarySearch(target: target, seed: 2)
        let random = try RandomSymmetricGenerator().generate(target: target, budget: 3, seed: 9)
        var copy = random[0]
        copy.structure = copy.structure.perturbed(distance: 0.01, seed: 1)
        let scores = [random[0].structure: 0.5, copy.structure: 0.7, random[1].structure: 0.1, random[2].structure: 0.9]
        search.tell(evaluations(random + [copy], round: 0) { scores[$0]! })
        XCTAssertEqual(search.population().map(\.id), ["e0-1", "e0-0", "e0-2"])
    }

    /// On a toy landscape (the Morse pair energy of `toyEnergy` of the structure as proposed, no
    /// relaxation), evolution with small mutations finds a lower energy than random symmetric
    /// search with the same number of evaluations, for each of three seeds (margins of 0.13–0.27
    /// eV/atom when written).
    func testEvolutionBeatsRandomSearchOnAToyLandscape() throws {
        let target = try GenerationTarget(compositions: [try Composition("NaCl")], maxAtoms: 8)
        var parameters = EvolutionParameters()
        (parameters.displacement, parameters.strainSigma) = (0.1, 0.03)
        let (rounds, batch) = (8, 8)
        for seed: UInt64 in 1...3 {
            var evolution = try EvolutionarySearch(target: target, parameters: parameters, seed: seed)
            var random = RandomSearch(generator: RandomSymmetricGenerator(), target: target, seed: seed)
            var (bestEvolution, bestRandom, evaluated) = (Double.infinity, Double.infinity, 0)
            for round in 0..<rounds {
                let told = evaluations(try evolution.ask(count: batch, round: round), round: round, fitness: toyEnergy)
                evolution.tell(told)
                evaluated += told.count
                bestEvolution = min(bestEvolution, told.compactMap(\.fitness).min()!)
                bestRandom = min(bestRandom, try random.ask(count: batch, round: round).map { toyEnergy($0.structure) }.min()!)
            }
            XCTAssertEqual(evaluated, rounds * batch, "every batch is full")
            XCTAssertLessThan(bestEvolution, bestRandom, "seed \(seed)")
        }
    }

    /// Toy pair energy per atom (eV): Morse pairs, unlike D = 1 eV, r0 = 2.8 Å; like D = 0.2 eV,
    /// r0 = 3.9 Å; α = 1.5 Å⁻¹; pairs up to 4.6 Å (all periodic images).
    func toyEnergy(_ s: Structure) -> Double {
        let cutoff = 4.6, alpha = 1.5
        let reciprocal = s.lattice.reciprocalCrystallographic.lengths
        let n = (0..<3).map { Int((cutoff * reciprocal[$0]).rounded(.up)) }
        var images: [Vec3] = []
        for a in -n[0]...n[0] { for b in -n[1]...n[1] { for c in -n[2]...n[2] {
            images.append(s.lattice.cartesian(Vec3(Double(a), Double(b), Double(c))))
        } } }
        let cart = s.cartesianCoords
        var energy = 0.0
        for i in 0..<s.count {
            for j in 0..<s.count {
                let (depth, r0) = s.sites[i].element != s.sites[j].element ? (1.0, 2.8) : (0.2, 3.9)
                for t in images {
                    let r = norm(cart[j] + t - cart[i])
                    guard r > 1e-8, r < cutoff else { continue }
                    let x = 1 - exp(-alpha * (r - r0))
                    energy += 0.5 * depth * (x * x - 1)
                }
            }
        }
        return energy / Double(s.count)
    }
}
