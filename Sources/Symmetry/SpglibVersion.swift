import CSpglib

/// Version of the spglib C library linked at run time, e.g. "2.0.2".
public var spglibVersion: String {
    "\(spg_get_major_version()).\(spg_get_minor_version()).\(spg_get_micro_version())"
}
