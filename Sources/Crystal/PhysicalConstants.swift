/// Physical constants in Kiln's units (eV, Å, K), CODATA 2018; one definition for every module.
public enum PhysicalConstants {
    /// Boltzmann's constant (eV/K).
    public static let boltzmann = 8.617333262e-5
    /// 1 eV/Å³ in GPa (pymatgen's `EOSBase.b0_GPa` factor).
    public static let eVPerCubicÅngströmInGPa = 160.21766208
}
