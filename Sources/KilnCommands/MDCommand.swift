import ArgumentParser
import CrystalIO
import Dynamics
import Foundation
import KilnSupport

/// `kiln md FILE --steps N [--ensemble nve|nvt|npt] [--temperature T] [--pressure P] …`: molecular
/// dynamics with a universal potential; a summary (energy drift, temperature, pressure, speed) and
/// an optional trajectory that a killed run continues.
struct MDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "md",
        abstract: "Molecular dynamics with a universal potential: velocity Verlet (nve), Langevin (nvt) or Langevin with a barostat (npt).",
        discussion: """
            Velocities start from Maxwell–Boltzmann at --temperature (zero total momentum, rescaled to \
            exactly that temperature; reproducible with --seed). nve: velocity Verlet; nvt: Langevin \
            dynamics (BAOAB) at --temperature with --friction (1/fs); npt: the same thermostat with \
            isotropic stochastic cell rescaling (Bernetti & Bussi 2020) to --pressure (GPa), the volume \
            following the pressure at the rate --compressibility / --barostat-time. Prints the energy drift \
            (eV/atom/ps, the slope of a straight-line fit of the total energy), the mean and standard \
            deviation of the temperature (npt: also pressure and volume) after the first --equilibrate \
            steps, and the steps per second. With --trajectory, every --every steps a frame of extended \
            XYZ (positions, velocities vx vy vz in Å/fs, step, time, energies, temperature; npt: pressure, \
            volume) and the exact state in TRAJECTORY.state.json: the same command run again continues \
            from the last saved frame (a torn frame left by a kill is dropped), and ends with the \
            trajectory of an uninterrupted run; a larger --steps extends a finished run. docs/md.md.
            """)

    @Argument(help: "Structure file (the first structure is used).")
    var file: String
    @OptionGroup var potential: ModelOptions
    @Option(help: "nve, nvt or npt.")
    var ensemble: String = "nve"
    @Option(help: "Starting (and, for nvt and npt, bath) temperature (K).")
    var temperature = 300.0
    @Option(help: "npt: pressure (GPa).")
    var pressure = 0.0
    @Option(help: "npt: compressibility β of the barostat (1/GPa); about 1/bulk modulus.")
    var compressibility = 0.01
    @Option(help: "npt: barostat time τ (fs); the volume relaxes in about τ/(β·bulk modulus).")
    var barostatTime = 500.0
    @Option(help: "Time step (fs).")
    var timestep = 1.0
    @Option(help: "Number of steps.")
    var steps: Int
    @Option(help: "Langevin friction (1/fs).")
    var friction = 0.01
    @Option(help: "Random seed.")
    var seed: UInt64 = 0
    @Option(help: "Steps left out of the temperature, pressure and volume statistics.")
    var equilibrate = 0
    @Option(help: "Write an extended XYZ trajectory here (continued when it exists with its state file).")
    var trajectory: String?
    @Option(help: "Steps between trajectory frames.")
    var every = 10
    @Flag(help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        guard ["nve", "nvt", "npt"].contains(ensemble) else { throw ValidationError("--ensemble: nve, nvt or npt, got '\(ensemble)'") }
        guard steps >= 1, every >= 1, equilibrate >= 0, equilibrate < steps else {
            throw ValidationError("--steps and --every must be ≥ 1, 0 ≤ --equilibrate < --steps")
        }
    }

    var dynamicsEnsemble: MolecularDynamics.Ensemble {
        switch ensemble {
        case "nve": return .nve
        case "nvt": return .langevin(temperature: temperature, friction: friction)
        default: return .npt(temperature: temperature, friction: friction, pressure: pressure, compressibility: compressibility, barostatTime: barostatTime)
        }
    }

    func run() throws {
        guard let structure = try StructureInput.load([file]).first?.structure else { throw CommandError("\(file): no structure") }
        let loaded = try potential.load()
        let md = MolecularDynamics(calculator: loaded.calculator, timestep: timestep, ensemble: dynamicsEnsemble, seed: seed)
        let settings = ["file": file, "model": loaded.label, "ensemble": "\(dynamicsEnsemble)", "timestep": "\(timestep)",
                        "temperature": "\(temperature)", "seed": "\(seed)", "every": "\(every)", "equilibrate": "\(equilibrate)"]
        var statistics = MDStatistics()
        var state: MolecularDynamics.State
        let output = try trajectory.map { try MDTrajectoryFile(path: $0) }
        if let output, let saved = try output.resume(settings: settings, log: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
            let (s, v) = try saved.restore()
            guard saved.step <= steps else { throw CommandError("\(output.path) already stands at step \(saved.step), beyond --steps \(steps)") }
            state = try CommandError.naming(output.statePath) { try md.resume(s, velocities: v, step: saved.step) }
            statistics = saved.statistics
        } else {
            state = try CommandError.naming(file) { try md.start(structure, temperature: temperature) }
            try output?.begin(state, timestep: timestep, settings: settings, statistics: statistics)
        }
        let first = state.step
        let bar = ProgressBar(), clock = Date()
        let end = try md.run(state, steps: steps - first) { s in
            statistics.add(s, time: Double(s.step) * timestep / 1000, equilibrated: s.step > equilibrate)
            if let output, s.step % every == 0 || s.step == steps { try output.append(s, timestep: timestep, settings: settings, statistics: statistics) }
            if s.step % 10 == 0 { bar.update(done: s.step, total: steps, elapsed: Date().timeIntervalSince(clock), detail: String(format: "T %.0f K", s.temperature)) }
        }
        bar.finish()
        let seconds = Date().timeIntervalSince(clock)
        let n = Double(structure.count), speed = end.step > first ? Double(end.step - first) / seconds : 0
        var record: [String: Any] = [
            "file": file, "formula": structure.formula, "atoms": structure.count, "model": loaded.label, "ensemble": ensemble,
            "timestep_fs": timestep, "steps": end.step, "resumed_from_step": first, "drift_eV_per_atom_per_ps": statistics.drift / n,
            "temperature_mean_K": statistics.temperature.mean, "temperature_sd_K": statistics.temperature.sd,
            "steps_per_second": speed, "seconds": seconds,
        ]
        if ensemble == "npt" {
            record["pressure_mean_GPa"] = statistics.pressure.mean
            record["pressure_sd_GPa"] = statistics.pressure.sd
            record["volume_mean_A3"] = statistics.volume.mean
            record["volume_sd_A3"] = statistics.volume.sd
        }
        if json { print(try jsonText(record)); return }
        print("\(file): \(structure.formula), \(structure.count) atoms, \(ensemble) \(steps) × \(timestep) fs with \(loaded.label)"
              + (first > 0 ? " (continued from step \(first))" : ""))
        print(String(format: "  energy drift %.3g eV/atom/ps; temperature %.1f ± %.1f K (after step %d); %.1f steps/s",
                     statistics.drift / n, statistics.temperature.mean, statistics.temperature.sd, equilibrate, speed))
        if ensemble == "npt" {
            print(String(format: "  pressure %.3f ± %.3f GPa (target %.3f); volume %.2f ± %.2f Å³ (started at %.2f)",
                         statistics.pressure.mean, statistics.pressure.sd, pressure, statistics.volume.mean, statistics.volume.sd, structure.lattice.volume))
        }
    }
}
