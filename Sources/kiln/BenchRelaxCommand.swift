import ArgumentParser
import Crystal
import CrystalIO
import Foundation
import KilnSupport
import Potentials

/// `kiln bench relax`: times CHGNet relaxations of the chgnet_relax fixture cases, the Swift side
/// of Benchmarks/relax_python.py (same cases, FIRE, Fréchet cell filter, fmax and step limit).
struct BenchRelaxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relax",
        abstract: "Time CHGNet relaxations of the fixture cases (compare with Benchmarks/relax_python.py).",
        discussion: """
            Prints one JSON line per relaxation (id, n_sites, steps, converged, final energy per \
            atom, wall seconds, difference from the fixture's final energy) and a last line with \
            the total wall time. --workers 2 relaxes two structures at a time; --workers 1 one at \
            a time (CHGNet itself then spreads each call over the cores).
            """)

    @Option(help: "The fixture file (chgnet_relax.json or .json.gz).")
    var fixture = "Tests/Fixtures/chgnet_relax.json.gz"

    @Option(parsing: .upToNextOption, help: "Only these case ids.")
    var ids: [String] = []

    @Option(parsing: .unconditional, help: "Convergence threshold (eV/Å).")
    var fmax: Double = 0.05

    @Option(help: "Maximum FIRE steps.")
    var steps: Int = 500

    @Option(help: "Structures relaxed at the same time.")
    var workers: Int = 1

    @Option(help: "Relax each case this many times and report the fastest.")
    var `repeat`: Int = 1

    func validate() throws {
        guard fmax.isFinite, fmax > 0 else { throw ValidationError("--fmax must be a positive number (eV/Å)") }
        guard steps >= 0 else { throw ValidationError("--steps must be 0 or more") }
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be between 1 and 64") }
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
    }

    func run() throws {
        let cases = try loadCases()
        let model: CHGNet
        do { model = try CHGNet() } catch { throw ValidationError("cannot load CHGNet: \(error)") }
        var relaxer = Relaxer(calculator: model)
        relaxer.fmax = fmax
        relaxer.maxSteps = steps
        _ = try relaxer.relax(cases[0].start)  // warm-up: first-touch costs out of the timings

        let lines = Lines(count: cases.count)
        let t0 = Date()
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for k in stride(from: w, to: cases.count, by: workers) {
                let c = cases[k]
                var best: (RelaxationResult, Double, Double)? = nil
                var failure: String? = nil
                for _ in 0..<`repeat` {
                    let start = Date(), cpu0 = processCPUSeconds()
                    do {
                        let r = try relaxer.relax(c.start)
                        let wall = Date().timeIntervalSince(start), cpu = processCPUSeconds() - cpu0
                        if best == nil || wall < best!.1 { best = (r, wall, cpu) }
                    } catch { failure = "\(error)" }
                }
                var row: [String: Any] = ["id": c.id, "n_sites": c.start.count]
                if let (r, wall, cpu) = best {
                    row["steps"] = r.steps
                    row["converged"] = r.converged
                    row["outcome"] = r.outcome.label
                    row["final_energy_per_atom"] = r.finalEnergyPerAtom
                    row["wall_s"] = wall
                    if workers == 1 { row["cpu_s"] = cpu }  // process-wide, so only meaningful alone
                    row["ms_per_step"] = 1000 * wall / Double(max(r.calculatorCalls, 1))
                    row["delta_energy_meV_per_atom"] = 1000 * (r.finalEnergyPerAtom - c.referenceEnergy)
                } else {
                    row["error"] = failure ?? "no result"
                }
                lines.set(k, row)
            }
        }
        let total = Date().timeIntervalSince(t0)
        for row in lines.rows {
            let data = try JSONSerialization.data(withJSONObject: row, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
        print(String(format: "{\"total_wall_s\": %.3f, \"workers\": %d, \"cases\": %d}", total, workers, cases.count))
    }

    private struct Case { var id: String; var start: Structure; var referenceEnergy: Double }

    private func loadCases() throws -> [Case] {
        let url = URL(fileURLWithPath: fixture)
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: try Gzip.readFile(url)) } catch {
            throw ValidationError("\(fixture): cannot read the fixture: \(error.localizedDescription)")
        }
        guard let results = (object as? [String: Any])?["results"] as? [[String: Any]] else {
            throw ValidationError("\(fixture): no \"results\" list")
        }
        var cases: [Case] = []
        for (k, r) in results.enumerated() {
            guard let id = r["id"] as? String, let s = r["start_structure"] as? [String: Any],
                  let lattice = s["lattice"] as? [[Double]], lattice.count == 3, lattice.allSatisfy({ $0.count == 3 }),
                  let species = s["species"] as? [String], let frac = s["frac_coords"] as? [[Double]],
                  frac.count == species.count, frac.allSatisfy({ $0.count == 3 }),
                  let energy = r["final_energy_per_atom"] as? Double
            else { throw ValidationError("\(fixture): result \(k + 1) is malformed") }
            if !ids.isEmpty && !ids.contains(id) { continue }
            let elements: [Element]
            do { elements = try species.map { try Element($0) } } catch {
                throw ValidationError("\(fixture): result \(id): \(error)")
            }
            cases.append(Case(id: id, start: Structure(lattice: Lattice(lattice), species: elements,
                                                       fracCoords: frac.map { Vec3($0[0], $0[1], $0[2]) }),
                              referenceEnergy: energy))
        }
        guard !cases.isEmpty else { throw ValidationError("no cases selected from \(fixture)") }
        return cases
    }
}

/// User plus system CPU time of the whole process (s).
private func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Rows filled by concurrent workers.
private final class Lines: @unchecked Sendable {
    private var slots: [[String: Any]]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: [:], count: count) }
    func set(_ k: Int, _ row: [String: Any]) { lock.lock(); slots[k] = row; lock.unlock() }
    var rows: [[String: Any]] { lock.lock(); defer { lock.unlock() }; return slots }
}
