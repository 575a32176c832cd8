"""Side-by-side molecular dynamics, Python side: ASE's integrators with CHGNet 0.3.0.

The same run as `kiln md FILE --ensemble nve|nvt|npt --temperature T --timestep DT --steps N --seed S`:
Maxwell–Boltzmann velocities at T (zero momentum, rescaled to exactly T; ASE's own random numbers, so
trajectories differ and only statistics compare), then ASE's VelocityVerlet (nve), Langevin (nvt,
friction in 1/fs converted to ASE's units) or IsotropicMTKNPT (npt: Nosé–Hoover chains with the MTK
isotropic barostat at --pressure GPa, thermostat time 100 fs, barostat time --barostat-time fs). Prints
one JSON line: energy drift (eV/atom/ps, slope of a straight-line fit of the total energy), temperature
mean and standard deviation after --equilibrate steps (npt: also pressure, −tr σ/3 with the ideal-gas
term, and volume), steps per second.

    venv/bin/python Benchmarks/md_python.py Si64.cif --ensemble nve --steps 1000
"""
import argparse
import json
import time


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--ensemble", choices=["nve", "nvt", "npt"], default="nve")
    p.add_argument("--pressure", type=float, default=0.0, help="npt: GPa")
    p.add_argument("--barostat-time", type=float, default=500.0, help="npt: fs")
    p.add_argument("--temperature", type=float, default=300)
    p.add_argument("--timestep", type=float, default=1.0)
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--friction", type=float, default=0.01)
    p.add_argument("--equilibrate", type=int, default=0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()

    import numpy as np
    import torch
    from ase import units
    from ase.io import read
    from ase.md.langevin import Langevin
    from ase.md.nose_hoover_chain import IsotropicMTKNPT
    from ase.md.velocitydistribution import MaxwellBoltzmannDistribution, Stationary
    from ase.md.verlet import VelocityVerlet
    from chgnet.model import CHGNet
    from chgnet.model.dynamics import CHGNetCalculator

    torch.set_num_threads(a.threads)
    atoms = read(a.file)
    atoms.calc = CHGNetCalculator(model=CHGNet.load(model_name="0.3.0", verbose=False), use_device="cpu")
    MaxwellBoltzmannDistribution(atoms, temperature_K=a.temperature, rng=np.random.default_rng(a.seed))
    Stationary(atoms)
    atoms.set_velocities(atoms.get_velocities() * np.sqrt(a.temperature / atoms.get_temperature()))
    dt = a.timestep * units.fs
    if a.ensemble == "nve":
        dyn = VelocityVerlet(atoms, dt)
    elif a.ensemble == "nvt":
        dyn = Langevin(atoms, dt, temperature_K=a.temperature, friction=a.friction / units.fs, rng=np.random.default_rng(a.seed + 1))
    else:
        dyn = IsotropicMTKNPT(atoms, dt, temperature_K=a.temperature, pressure_au=a.pressure * units.GPa,
                              tdamp=100 * units.fs, pdamp=a.barostat_time * units.fs)
    energies, temperatures, pressures, volumes = [], [], [], []

    def record():
        energies.append(atoms.get_potential_energy() + atoms.get_kinetic_energy())
        if dyn.nsteps > a.equilibrate:
            temperatures.append(atoms.get_temperature())
            if a.ensemble == "npt":
                pressures.append(-np.mean(atoms.get_stress(include_ideal_gas=True)[:3]) / units.GPa)
                volumes.append(atoms.get_volume())

    dyn.attach(record, interval=1)
    start = time.time()
    dyn.run(a.steps)
    seconds = time.time() - start
    e = np.array(energies[1:])  # ASE also calls the observer before the first step
    t = np.arange(1, len(e) + 1) * a.timestep / 1000
    slope = np.polyfit(t, e, 1)[0]
    out = {"file": a.file, "atoms": len(atoms), "ensemble": a.ensemble, "steps": a.steps,
           "drift_eV_per_atom_per_ps": slope / len(atoms), "temperature_mean_K": float(np.mean(temperatures)),
           "temperature_sd_K": float(np.std(temperatures)), "steps_per_second": a.steps / seconds, "seconds": seconds}
    if a.ensemble == "npt":
        out.update(pressure_mean_GPa=float(np.mean(pressures)), pressure_sd_GPa=float(np.std(pressures)),
                   volume_mean_A3=float(np.mean(volumes)), volume_sd_A3=float(np.std(volumes)))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
