// libFuzzer entry for the CIF reader and writers (built by Fuzz/run.sh, not by SwiftPM).
import Crystal
import CrystalIO
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCIF(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let parsed = try? CIFReader().read(text, file: "fuzz.cif") else { return 0 }
    for entry in parsed {
        let s = entry.structure
        let p1 = CIFWriter().string(s)
        let again = try? CIFReader().read(p1, file: "p1.cif")
        // A well-separated structure in a sound cell must read back from its own P1 text.
        if s.lattice.interplanarSpacings.min() > 0.05 && !hasCloseSites(s) && again?.count != 1 {
            fatalError("P1 CIF written from a parsed structure does not read back:\n\(p1)")
        }
        if let symmetrized = try? CIFWriter().string(s, symmetryOperations: entry.symmetryOperations) {
            _ = try? CIFReader().read(symmetrized, file: "sym.cif")
        }
    }
    return 0
}

/// Two sites within 1e-3 (fractional, per axis, periodic) could merge when read again.
func hasCloseSites(_ s: Structure) -> Bool {
    let f = s.fracCoords
    for i in f.indices {
        for j in f.indices where j > i {
            var d = f[i] - f[j]
            d -= d.rounded(.toNearestOrEven)
            if abs(d.x) < 1e-3 && abs(d.y) < 1e-3 && abs(d.z) < 1e-3 { return true }
        }
    }
    return false
}
