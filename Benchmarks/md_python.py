"""Side-by-side molecular dynamics, Python side: ASE's integrators with CHGNet 0.3.0.

The same run as `kiln md FILE --ensemble nve|nvt --temperature T --timestep DT --steps N --seed S`:
Maxwell–Boltzmann velocities at T (zero momentum, rescaled to exactly T; ASE's own random numbers, so
trajectories differ and only statistics compare), then ASE's VelocityVerlet (nve) or Langevin (nvt,
friction in 1/fs converted to ASE's units). Prints one JSON line: energy drift (eV/atom/ps, slope of a
straight-line fit of the total energy), temperature mean and standard deviation after --equilibrate
steps, steps per second.

    venv/bin/python Benchmarks/md_python.py Si64.cif --ensemble nve --steps 1000
"""
import argparse
import json
import time


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--ensemble", choices=["nve", "nvt"], default="nve")
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
    dyn = VelocityVerlet(atoms, dt) if a.ensemble == "nve" else \
        Langevin(atoms, dt, temperature_K=a.temperature, friction=a.friction / units.fs, rng=np.random.default_rng(a.seed + 1))
    energies, temperatures = [], []

    def record():
        energies.append(atoms.get_potential_energy() + atoms.get_kinetic_energy())
        if dyn.nsteps > a.equilibrate:
            temperatures.append(atoms.get_temperature())

    dyn.attach(record, interval=1)
    start = time.time()
    dyn.run(a.steps)
    seconds = time.time() - start
    e = np.array(energies[1:])  # ASE also calls the observer before the first step
    t = np.arange(1, len(e) + 1) * a.timestep / 1000
    slope = np.polyfit(t, e, 1)[0]
    print(json.dumps({"file": a.file, "atoms": len(atoms), "ensemble": a.ensemble, "steps": a.steps,
                      "drift_eV_per_atom_per_ps": slope / len(atoms), "temperature_mean_K": float(np.mean(temperatures)),
                      "temperature_sd_K": float(np.std(temperatures)), "steps_per_second": a.steps / seconds, "seconds": seconds}))


if __name__ == "__main__":
    main()
