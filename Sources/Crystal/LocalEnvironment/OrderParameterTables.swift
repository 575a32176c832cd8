/// Parameter tables of pymatgen 2026.10.24 (MIT; © pymatgen developers):
/// `pymatgen/core/op_params.yaml` (defaults per order-parameter type, used when matminer passes
/// no parameters) and `pymatgen/core/cn_opt_params.yaml` (CN_OPT_PARAMS: per coordination
/// number, motif name → type and, for some motifs, parameters that replace the defaults whole).
enum OrderParameterTables {
    /// op_params.yaml entries of the types matminer's "ops" preset uses with default parameters.
    static func defaults(_ type: OrderParameterType) -> OrderParameterSettings {
        switch type {
        case .singleBond, .q2, .q4, .q6: return OrderParameterSettings()
        case .bent: return OrderParameterSettings(targetAngle: 1, targetAngleWidth: 8.667)
        case .tShaped:
            return OrderParameterSettings(equatorialWidth: 15.5, azimuthFactor: 1, azimuthExponent: 2)
        case .seeSawRectangular:
            return OrderParameterSettings(equatorialWidth: 27, azimuthFactor: 2, azimuthExponent: 2,
                                          southPoleMinimum: 2.356194490192345, southPoleWidth: 11.5)
        case .tetrahedralMax:
            return OrderParameterSettings(targetAngle: 0.6081734479693927, targetAngleWidth: 18.5,
                                          azimuthFactor: 1.5, azimuthExponent: 2)
        case .octahedralMax:
            return OrderParameterSettings(equatorialWidth: 18, azimuthFactor: 2, azimuthExponent: 2,
                                          southPoleMinimum: 2.356194490192345, southPoleWidth: 15,
                                          southPoleWeight: 1)
        case .bodyCenteredCubic:
            return OrderParameterSettings(southPoleMinimum: 2.5261129449194057, southPoleWidth: 15,
                                          southPoleWeight: 6)
        case .trigonalPlanarMax:
            return OrderParameterSettings(targetAngle: 0.66666666667, targetAngleWidth: 17.5,
                                          azimuthFactor: 1, azimuthExponent: 2)
        case .squarePlanarMax:
            return OrderParameterSettings(equatorialWidth: 17.7, azimuthFactor: 1, azimuthExponent: 2,
                                          southPoleMinimum: 2.356194490192345, southPoleWidth: 13.5,
                                          southPoleWeight: 1)
        case .pentagonalPlanarMax: return OrderParameterSettings(targetAngle: 0.6, targetAngleWidth: 19.333)
        case .trigonalPyramidal:
            return OrderParameterSettings(equatorialWidth: 15.5, azimuthFactor: 1.5, azimuthExponent: 2)
        case .squarePyramidal:
            return OrderParameterSettings(equatorialWidth: 14.9, azimuthFactor: 2, azimuthExponent: 2)
        case .pentagonalPyramidal:
            return OrderParameterSettings(equatorialWidth: 13.8, azimuthFactor: 2.5, azimuthExponent: 2)
        case .hexagonalPyramidal:
            return OrderParameterSettings(equatorialWidth: 12.5, azimuthFactor: 3, azimuthExponent: 2)
        case .trigonalBipyramidal:
            return OrderParameterSettings(equatorialWidth: 16.6, azimuthFactor: 1.5, azimuthExponent: 2,
                                          southPoleMinimum: 2.356194490192345, southPoleWidth: 12,
                                          southPoleWeight: 1)
        case .pentagonalBipyramidal:
            return OrderParameterSettings(equatorialWidth: 14.75, azimuthFactor: 2.5, azimuthExponent: 2,
                                          southPoleMinimum: 2.356194490192345, southPoleWidth: 12.5,
                                          southPoleWeight: 1)
        case .hexagonalBipyramidal:
            return OrderParameterSettings(equatorialWidth: 13.6, azimuthFactor: 3, azimuthExponent: 2,
                                          southPoleMinimum: 2.356194490192345, southPoleWidth: 14.1,
                                          southPoleWeight: 1)
        case .cuboctahedralMax:
            return OrderParameterSettings(southPoleMinimum: 2.792526803190927, southPoleWidth: 28.75,
                                          southPoleWeight: 1.8, bandLower: 1.3089969389957472,
                                          bandUpper: 1.8325957145940461, bandWidth: 25.5, offBandWidth: 31.25)
        case .hexagonalPlanarMax:
            return OrderParameterSettings(targetAngle: 0.16666667, targetAngleWidth: 25, azimuthFactor: 1,
                                          azimuthExponent: 2, southPoleMinimum: 2.6179938779914944,
                                          southPoleWidth: 7.5, southPoleWeight: 1)
        }
    }

    /// CN_OPT_PARAMS: `[coordination: [motif: (type, parameters or nil for the defaults)]]`.
    static let motifs: [Int: [String: (OrderParameterType, OrderParameterSettings?)]] = [
        2: [
            "L-shaped": (.bent, OrderParameterSettings(targetAngle: 0.5, targetAngleWidth: 15.15)),
            "water-like": (.bent, OrderParameterSettings(targetAngle: 0.5802777777777778, targetAngleWidth: 13.95)),
            "bent 120 degrees": (.bent, OrderParameterSettings(targetAngle: 0.666666666667, targetAngleWidth: 13.25)),
            "bent 150 degrees": (.bent, OrderParameterSettings(targetAngle: 0.833333333333333,
                                                               targetAngleWidth: 12.45)),
            "linear": (.bent, OrderParameterSettings(targetAngle: 1, targetAngleWidth: 8.667)),
        ],
        3: [
            "trigonal planar": (.trigonalPlanarMax, nil),
            "trigonal non-coplanar": (.tetrahedralMax,
                                      OrderParameterSettings(targetAngle: 0.6081734479693927, targetAngleWidth: 18.33,
                                                             azimuthFactor: 1.5, azimuthExponent: 2)),
            "T-shaped": (.tShaped, nil),
        ],
        4: [
            "square co-planar": (.squarePlanarMax, nil),
            "tetrahedral": (.tetrahedralMax, nil),
            "rectangular see-saw-like": (.seeSawRectangular, nil),
            "see-saw-like": (.trigonalBipyramidal,
                             OrderParameterSettings(equatorialWidth: 15.75, azimuthFactor: 1.5, azimuthExponent: 2,
                                                    southPoleMinimum: 2.356194490192345, southPoleWidth: 12.75,
                                                    southPoleWeight: 1)),
            "trigonal pyramidal": (.trigonalPyramidal, nil),
        ],
        5: [
            "pentagonal planar": (.pentagonalPlanarMax, nil),
            "square pyramidal": (.squarePyramidal, nil),
            "trigonal bipyramidal": (.trigonalBipyramidal, nil),
        ],
        6: [
            "hexagonal planar": (.hexagonalPlanarMax, nil),
            "octahedral": (.octahedralMax, nil),
            "pentagonal pyramidal": (.pentagonalPyramidal, nil),
        ],
        7: [
            "hexagonal pyramidal": (.hexagonalPyramidal, nil),
            "pentagonal bipyramidal": (.pentagonalBipyramidal, nil),
        ],
        8: [
            "body-centered cubic": (.bodyCenteredCubic, nil),
            "hexagonal bipyramidal": (.hexagonalBipyramidal, nil),
        ],
        12: ["cuboctahedral": (.cuboctahedralMax, nil)],
    ]
}
