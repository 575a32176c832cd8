/// The pymatgen `LocalStructOrderParams` types used by matminer's CrystalNNFingerprint "ops" preset.
enum OrderParameterType: String, Sendable {
    case singleBond = "sgl_bd"
    case bent
    case trigonalPlanarMax = "tri_plan_max"
    case tetrahedralMax = "tet_max"
    case tShaped = "T"
    case squarePlanarMax = "sq_plan_max"
    case seeSawRectangular = "see_saw_rect"
    case trigonalPyramidal = "tri_pyr"
    case pentagonalPlanarMax = "pent_plan_max"
    case squarePyramidal = "sq_pyr"
    case trigonalBipyramidal = "tri_bipyr"
    case hexagonalPlanarMax = "hex_plan_max"
    case octahedralMax = "oct_max"
    case pentagonalPyramidal = "pent_pyr"
    case hexagonalPyramidal = "hex_pyr"
    case pentagonalBipyramidal = "pent_bipyr"
    case bodyCenteredCubic = "bcc"
    case hexagonalBipyramidal = "hex_bipyr"
    case cuboctahedralMax = "cuboct_max"
    case q2, q4, q6
}

/// The float parameters of one order parameter, named after pymatgen's keys
/// (angles in radians, target angles as fractions of 180°; IGW = inverse Gaussian width).
/// A parameter an order-parameter type does not read is left at 0.
struct OrderParameterSettings: Sendable {
    /// `TA`: target angle, fraction of 180°.
    var targetAngle = 0.0
    /// `IGW_TA`: inverse width around the target angle.
    var targetAngleWidth = 0.0
    /// `IGW_EP`: inverse width around the equatorial plane (90°).
    var equatorialWidth = 0.0
    /// `fac_AA`: factor on the azimuth angle inside the cosine.
    var azimuthFactor = 0.0
    /// `exp_cos_AA`: exponent of that cosine.
    var azimuthExponent = 0.0
    /// `min_SPP`: smallest angle counted as the south-pole position.
    var southPoleMinimum = 0.0
    /// `IGW_SPP`: inverse width around the south pole (180°).
    var southPoleWidth = 0.0
    /// `w_SPP`: weight of the south-pole term.
    var southPoleWeight = 0.0
    /// cuboct keys 4 and 2: the open band of polar angles treated as equatorial.
    var bandLower = 0.0, bandUpper = 0.0
    /// cuboct keys 5 and 6: inverse widths for equatorial and off-equatorial neighbours.
    var bandWidth = 0.0, offBandWidth = 0.0
}
