import ArgumentParser
import CrystalIO
import Dynamics
import Foundation
import KilnSupport

/// `kiln md FILE --steps N [--ensemble nve|nvt] [--temperature T] …`: molecular dynamics with a
/// universal potential; a summary (energy drift, temperature, speed) and an optional trajectory.
struct MDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "md",
        abstract: "Molecular dynamics with a universal potential: velocity Verlet (nve) or Langevin (nvt).",
        discussion: """
            Velocities start from Maxwell–Boltzmann at --temperature (zero total momentum, rescaled to \
            exactly that temperature; reproducible with --seed). nve: velocity Verlet; nvt: Langevin \
            dynamics (BAOAB) at --temperature with --friction (1/fs). Prints the energy drift (eV/atom/ps, \
            the slope of a straight-line fit of the total energy), the mean and standard deviation of the \
            temperature after the first --equilibrate steps, and the steps per second. With --trajectory, \
            every --every steps a frame of extended XYZ (positions, velocities vx vy vz in Å/fs, step, \
            time, energies, temperature). docs/phonons.md.
            """)

    @Argument(help: "Structure file (the first structure is used).")
    var file: String
    @OptionGroup var potential: ModelOptions
    @Option(help: "nve or nvt.")
    var ensemble: String = "nve"
    @Option(help: "Starting (and, for nvt, bath) temperature (K).")
    var temperature = 300.0
    @Option(help: "Time step (fs).")
    var timestep = 1.0
    @Option(help: "Number of steps.")
    var steps: Int
    @Option(help: "Langevin friction (1/fs).")
    var friction = 0.01
    @Option(help: "Random seed.")
    var seed: UInt64 = 0
    @Option(help: "Steps left out of the temperature statistics.")
    var equilibrate = 0
    @Option(help: "Write an extended XYZ trajectory here.")
    var trajectory: String?
    @Option(help: "Steps between trajectory frames.")
    var every = 10
    @Flag(help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        guard ["nve", "nvt"].contains(ensemble) else { throw ValidationError("--ensemble: nve or nvt, got '\(ensemble)'") }
        guard steps >= 1, every >= 1, equilibrate >= 0, equilibrate < steps else {
            throw ValidationError("--steps and --every must be ≥ 1, 0 ≤ --equilibrate < --steps")
        }
    }

    func run() throws {
        guard let structure = try StructureInput.load([file]).first?.structure else { throw CommandError("\(file): no structure") }
        let loaded = try potential.load()
        let md = MolecularDynamics(calculator: loaded.calculator, timestep: timestep,
                                   ensemble: ensemble == "nve" ? .nve : .langevin(temperature: temperature, friction: friction), seed: seed)
        let start = try CommandError.naming(file) { try md.start(structure, temperature: temperature) }
        var frames: [ExtendedXYZ.Frame] = []
        func frame(_ s: MolecularDynamics.State) -> ExtendedXYZ.Frame {
            ExtendedXYZ.Frame(s.structure, info: [("step", .number(Double(s.step))), ("time_fs", .number(Double(s.step) * timestep)),
                                                   ("energy", .number(s.totalEnergy)), ("potential_energy", .number(s.potentialEnergy)),
                                                   ("temperature", .number(s.temperature))],
                              columns: (0..<3).map { k in (["vx", "vy", "vz"][k], s.velocities.map { $0[k] }) })
        }
        if trajectory != nil { frames.append(frame(start)) }
        var energies: [Double] = [], temperatures: [Double] = []
        let bar = ProgressBar(), clock = Date()
        let end = try md.run(start, steps: steps) { s in
            energies.append(s.totalEnergy)
            if s.step > equilibrate { temperatures.append(s.temperature) }
            if trajectory != nil && s.step % every == 0 { frames.append(frame(s)) }
            if s.step % 10 == 0 { bar.update(done: s.step, total: steps, elapsed: Date().timeIntervalSince(clock), detail: String(format: "T %.0f K", s.temperature)) }
        }
        bar.finish()
        let seconds = Date().timeIntervalSince(clock)
        if let trajectory { try Data(try ExtendedXYZ.string(frames: frames).utf8).write(to: URL(fileURLWithPath: trajectory), options: .atomic) }
        let n = Double(structure.count)
        // Least-squares slope of E(t), per atom and per ps.
        let times = energies.indices.map { Double($0 + 1) * timestep / 1000 }
        let (tm, em) = (times.reduce(0, +) / Double(times.count), energies.reduce(0, +) / Double(energies.count))
        let slope = zip(times, energies).reduce(0) { $0 + ($1.0 - tm) * ($1.1 - em) } / max(1e-300, times.reduce(0) { $0 + ($1 - tm) * ($1 - tm) })
        let mean = temperatures.reduce(0, +) / Double(temperatures.count)
        let sd = (temperatures.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(temperatures.count)).squareRoot()
        let record: [String: Any] = [
            "file": file, "formula": structure.formula, "atoms": structure.count, "model": loaded.label, "ensemble": ensemble,
            "timestep_fs": timestep, "steps": end.step, "drift_eV_per_atom_per_ps": slope / n, "temperature_mean_K": mean,
            "temperature_sd_K": sd, "steps_per_second": Double(steps) / seconds, "seconds": seconds,
        ]
        if json { print(try jsonText(record)); return }
        print("\(file): \(structure.formula), \(structure.count) atoms, \(ensemble) \(steps) × \(timestep) fs with \(loaded.label)")
        print(String(format: "  energy drift %.3g eV/atom/ps; temperature %.1f ± %.1f K (after step %d); %.1f steps/s",
                     slope / n, mean, sd, equilibrate, Double(steps) / seconds))
    }
}
