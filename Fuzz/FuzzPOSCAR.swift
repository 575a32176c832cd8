// libFuzzer entry for the POSCAR and extended XYZ readers and writers (built by Fuzz/run.sh).
import CrystalIO
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPOSCAR(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let p = try? POSCAR(text: text, file: "fuzz.vasp") {
        // Whatever was read must write and read back with the same species.
        guard let out = try? p.string(), let again = try? POSCAR(text: out, file: "again.vasp"),
              again.structure.elements == p.structure.elements else {
            fatalError("POSCAR written from a parsed structure does not read back")
        }
        _ = try? ExtendedXYZ.read(ExtendedXYZ.string([p.structure]), file: "again.xyz")
    }
    _ = try? ExtendedXYZ.read(text, file: "fuzz.xyz")
    return 0
}
